package ratelimit

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/wire/cognitoidp"
)

func TestEveryOperationHasACategory(t *testing.T) {
	known := map[string]bool{}
	for _, op := range cognitoidp.Operations {
		known[op.Name] = true
		if Category(op.Name) == "" {
			t.Errorf("%s has no quota category", op.Name)
		}
	}
	for _, op := range Operations() {
		if !known[op] {
			t.Errorf("category table names %s, which the service model does not have", op)
		}
		if _, ok := DefaultRates[Category(op)]; !ok {
			t.Errorf("%s is in category %q, which has no default rate", op, Category(op))
		}
	}
}

func TestParseRates(t *testing.T) {
	for _, spec := range []string{"", "off", " off "} {
		r, err := ParseRates(spec)
		if err != nil || r != nil {
			t.Errorf("ParseRates(%q) = %v, %v; want no limits", spec, r, err)
		}
	}
	r, err := ParseRates("cognito")
	if err != nil || r[UserAuthentication] != 120 || r[UserList] != 30 || r[HostedUI] != 500 {
		t.Fatalf("cognito = %v, %v", r, err)
	}
	r, err = ParseRates("cognito, UserList=5,UserAuthentication=0")
	if err != nil || r[UserList] != 5 || r[UserAuthentication] != 0 || r[UserRead] != 120 {
		t.Fatalf("overrides = %v, %v", r, err)
	}
	if _, lifted := r[UserAuthentication]; lifted {
		t.Errorf("UserAuthentication=0 should lift the limit, got %v", r[UserAuthentication])
	}
	r, err = ParseRates("UserList=2.5")
	if err != nil || len(r) != 1 || r[UserList] != 2.5 {
		t.Fatalf("single = %v, %v", r, err)
	}
	for _, bad := range []string{"UserList", "Nope=3", "UserList=-1", "UserList=x", "UserList=NaN", "UserList=3,cognito"} {
		if _, err := ParseRates(bad); err == nil {
			t.Errorf("ParseRates(%q) accepted", bad)
		}
	}
	if _, err := ParseRates("Nope=1"); err == nil || !strings.Contains(err.Error(), "UserAuthentication") {
		t.Errorf("unknown category error should list the known ones: %v", err)
	}
}

func TestAllowHoldsTheRatePerRegionAndCategory(t *testing.T) {
	l := New(Rates{UserList: 3, UserRead: 100})
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	allowed := 0
	for i := 0; i < 10; i++ {
		if l.Allow("us-east-1", "ListUsers", t0) {
			allowed++
		}
	}
	if allowed != 3 {
		t.Fatalf("a burst of 10 ListUsers at 3 RPS let %d through, want 3", allowed)
	}
	// The same category's other member shares the bucket.
	if l.Allow("us-east-1", "ListUsersInGroup", t0) {
		t.Error("ListUsersInGroup passed a UserList bucket that is empty")
	}
	// Another Region and another category have buckets of their own.
	if !l.Allow("eu-west-1", "ListUsers", t0) || !l.Allow("us-east-1", "GetUser", t0) {
		t.Error("another Region or category was throttled by UserList in us-east-1")
	}
	// Unlimited categories and operations without a category pass.
	for i := 0; i < 1000; i++ {
		if !l.Allow("us-east-1", "InitiateAuth", t0) || !l.Allow("us-east-1", "ImportCertificate", t0) {
			t.Fatal("an unlimited operation was throttled")
		}
	}
	// A third of a second later one token is back.
	t1 := t0.Add(time.Second / 3)
	if !l.Allow("us-east-1", "ListUsers", t1.Add(time.Millisecond)) {
		t.Error("no token came back after a third of a second at 3 RPS")
	}
	if l.Allow("us-east-1", "ListUsers", t1.Add(time.Millisecond)) {
		t.Error("two tokens came back after a third of a second at 3 RPS")
	}
}

func TestNilLimiterAllowsEverything(t *testing.T) {
	var l *Limiter = New(nil)
	if l != nil {
		t.Fatal("New(nil) should be nil: no limits")
	}
	if !l.Allow("us-east-1", "ListUsers", time.Now()) || !l.AllowDomain("d", "127.0.0.1", time.Now()) {
		t.Fatal("a nil limiter refused a request")
	}
}

func TestAllowDomainPerDomainAndSource(t *testing.T) {
	l := New(Rates{HostedUI: 10}) // per source: 300/500 of it = 6
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	count := func(domain, ip string, n int) int {
		ok := 0
		for i := 0; i < n; i++ {
			if l.AllowDomain(domain, ip, t0) {
				ok++
			}
		}
		return ok
	}
	if got := count("a.example.com", "10.0.0.1", 20); got != 6 {
		t.Fatalf("one source got %d of 20, want its share of 6", got)
	}
	if got := count("a.example.com", "10.0.0.2", 20); got != 4 {
		t.Fatalf("a second source got %d, want the domain's remaining 4", got)
	}
	if got := count("b.example.com", "10.0.0.1", 20); got != 6 {
		t.Fatalf("another domain got %d, want 6: domains have buckets of their own", got)
	}
}

func TestIdleBucketsAreDropped(t *testing.T) {
	l := New(Rates{HostedUI: 1000})
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for i := 0; i < maxBuckets+500; i++ {
		l.AllowDomain("a.example.com", "10.0."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256), t0.Add(time.Duration(i)*time.Second))
	}
	if n := len(l.buckets); n > maxBuckets+1 {
		t.Fatalf("%d buckets kept, want at most %d", n, maxBuckets+1)
	}
}

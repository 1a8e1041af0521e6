package ratelimit

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rates are requests per second by category; a category that is absent (or
// 0) is not limited.
type Rates map[string]float64

// ParseRates reads the --rate-limits setting: "" or "off" (no limits),
// "cognito" (Cognito's default quotas), or a comma-separated list of
// Category=RPS items, optionally after "cognito" to change some of its
// defaults ("cognito,UserAuthentication=300,UserList=0"; 0 lifts a limit).
func ParseRates(spec string) (Rates, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "off" {
		return nil, nil
	}
	r := Rates{}
	for i, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "cognito" && i == 0 {
			for c, v := range DefaultRates {
				r[c] = v
			}
			continue
		}
		name, val, ok := strings.Cut(item, "=")
		if !ok {
			return nil, fmt.Errorf("rate limits: %q is not Category=RPS (or \"cognito\" first, or \"off\")", item)
		}
		if _, known := DefaultRates[name]; !known {
			return nil, fmt.Errorf("rate limits: unknown category %q (known: %s)", name, strings.Join(knownCategories(), ", "))
		}
		v, err := strconv.ParseFloat(val, 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("rate limits: %s=%q is not a rate in requests per second", name, val)
		}
		r[name] = v
	}
	for c, v := range r {
		if v == 0 {
			delete(r, c)
		}
	}
	if len(r) == 0 {
		return nil, nil
	}
	return r, nil
}

func knownCategories() []string {
	var cs []string
	for c := range DefaultRates {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	return cs
}

// maxBuckets bounds the buckets kept for source addresses: past it, idle
// (full) buckets are dropped.
const maxBuckets = 10000

// Limiter holds one token bucket per Region and category (and, for user
// pool domains, per domain and per domain and source address). Each bucket
// holds one second's worth of requests. A nil *Limiter allows everything.
type Limiter struct {
	rates   Rates
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	// provisioned are the rates set by UpdateProvisionedLimit, by Region
	// and category ("<region>\x00<category>"); they replace the configured
	// rate of their category in their Region. Guarded by mu.
	provisioned map[string]float64
}

// New is a limiter with the rates, or nil (no limits) when rates is empty.
func New(rates Rates) *Limiter {
	if len(rates) == 0 {
		return nil
	}
	return &Limiter{rates: rates, buckets: map[string]*rate.Limiter{}, provisioned: map[string]float64{}}
}

// Configured is the rate the configuration sets for the category (0: not
// limited, or limits off).
func (l *Limiter) Configured(category string) float64 {
	if l == nil {
		return 0
	}
	return l.rates[category]
}

// SetProvisioned makes rps the category's rate in the Region from now on
// (0 goes back to the configured rate). The category's bucket starts again,
// full, at the new rate. It does nothing on a nil *Limiter (limits off).
func (l *Limiter) SetProvisioned(region, category string, rps float64) {
	if l == nil {
		return
	}
	key := region + "\x00" + category
	l.mu.Lock()
	defer l.mu.Unlock()
	if rps > 0 {
		l.provisioned[key] = rps
	} else {
		delete(l.provisioned, key)
	}
	delete(l.buckets, key)
}

// rateOf is the category's rate in the Region: the provisioned one, else
// the configured one.
func (l *Limiter) rateOf(region, category string) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if v, ok := l.provisioned[region+"\x00"+category]; ok {
		return v
	}
	return l.rates[category]
}

// Allow reports whether one more request of the operation in the Region
// fits its category's rate at time now.
func (l *Limiter) Allow(region, operation string, now time.Time) bool {
	if l == nil {
		return true
	}
	cat := Category(operation)
	if cat == "" {
		return true
	}
	rps := l.rateOf(region, cat)
	if rps == 0 {
		return true
	}
	return l.take(region+"\x00"+cat, rps, now)
}

// AllowDomain reports whether one more request to a user pool domain from
// the source address fits: the domain's rate (HostedUI) and, within it,
// Cognito's per-source-IP share.
func (l *Limiter) AllowDomain(domain, sourceIP string, now time.Time) bool {
	if l == nil {
		return true
	}
	rps := l.rates[HostedUI]
	if rps == 0 {
		return true
	}
	perIP := math.Min(rps, HostedUIPerSourceIP*rps/DefaultRates[HostedUI])
	if !l.take("ip\x00"+domain+"\x00"+sourceIP, perIP, now) {
		return false
	}
	return l.take("domain\x00"+domain, rps, now)
}

func (l *Limiter) take(key string, rps float64, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b != nil && float64(b.Limit()) != rps {
		b = nil // the rate changed since the bucket was made
	}
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.dropIdle(now)
		}
		burst := int(math.Ceil(rps))
		b = rate.NewLimiter(rate.Limit(rps), burst)
		b.SetLimitAt(now, rate.Limit(rps)) // start the bucket's clock at now
		l.buckets[key] = b
	}
	return b.AllowN(now, 1)
}

// dropIdle forgets buckets that are full again: they hold nothing a new
// bucket would not.
func (l *Limiter) dropIdle(now time.Time) {
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(b.Burst()) {
			delete(l.buckets, k)
		}
	}
}

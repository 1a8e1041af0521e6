package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/gognito/gognito/internal/edge/edgetest"
	"github.com/gognito/gognito/internal/store/postgres/pgtest"
)

// Crash durability: the real binary is killed with SIGKILL again and again
// in the middle of a write load and restarted on the same data. Every write
// a client got a 2xx answer for must be there after each restart.
//
// Each kind of write is sent by one worker at a time per record, in order,
// with no retries and no client timeout: a request that got no answer died
// with the process, so it either landed before the kill or never will. What
// a record may hold after a restart is therefore exact: the result of its
// last acknowledged write or of any write sent after it (unanswered ones).

const (
	crashKills      = 20               // SIGKILLs per run
	crashLoadBudget = 30 * time.Second // the load stops early when this is spent
	crashMinKills   = 5                // at least this many kills even on a slow machine
	readyWait       = 20 * time.Second // how long a restarted server may take to be ready
)

// write is one request of the load, and whether it was acknowledged (2xx).
type write[T comparable] struct {
	result T
	acked  bool
}

// history is the writes sent to one record, in the order sent.
type history[T comparable] struct {
	initial T
	writes  []write[T]
}

// allowed is what the record may hold now: the result of its last
// acknowledged write or of any later one; before any acknowledged write also
// its initial state.
func (h *history[T]) allowed() []T {
	k := -1
	for i, w := range h.writes {
		if w.acked {
			k = i
		}
	}
	var out []T
	if k < 0 {
		out = append(out, h.initial)
		k = 0
	}
	for _, w := range h.writes[k:] {
		out = append(out, w.result)
	}
	return out
}

// found counts the acknowledged writes whose effect the record shows: state
// is the result of that write or of a later one.
func (h *history[T]) found(state T) (acked, found int) {
	for i, w := range h.writes {
		if !w.acked {
			continue
		}
		acked++
		for _, later := range h.writes[i:] {
			if later.result == state {
				found++
				break
			}
		}
	}
	return acked, found
}

// crashLoad is what the workers sent and what was acknowledged.
type crashLoad struct {
	mu        sync.Mutex
	nextUser  [2]int
	users     map[string]*history[bool]   // username -> created
	attrs     map[string]*history[string] // "user/attribute" -> value ("" unset)
	groups    map[string]*history[bool]   // group -> created
	members   map[string]*history[bool]   // "group/user" -> member
	domain    *history[string]            // certificate ARN the domain names
	ackedUsrs []string                    // acknowledged users, in order
	ackedGrps []string
	seq       int
	phaseAcks int
	unanswer  int
	refused   int
	bodyLost  int
}

// outcome records the answer to a write: acked when a 2xx status came back,
// answered when the server answered at all (it is still up).
func (l *crashLoad) outcome(t *testing.T, what string, err error) (acked, answered bool) {
	var api smithy.APIError
	var resp *awshttp.ResponseError
	switch {
	case err == nil:
		acked = true
	case errors.As(err, &api):
		// The load only sends valid writes; a throttled one changed nothing
		// (and stays in its history as unacknowledged, which allows it).
		if c := api.ErrorCode(); c == "TooManyRequestsException" || strings.Contains(c, "Throttl") {
			l.refused++
		} else {
			t.Errorf("%s: refused: %v", what, err)
		}
		return false, true
	case errors.As(err, &resp) && resp.HTTPStatusCode()/100 == 2:
		// The server acknowledged it, but the client lost the body (the
		// SDK's request-body race, aws/aws-sdk-go-v2#2737): acknowledged.
		acked = true
		l.bodyLost++
	default:
		l.unanswer++
		return false, false
	}
	l.phaseAcks++
	return true, true
}

// crashTarget is one running server.
type crashTarget struct {
	n      *node
	c      *cognito.Client // for the load's writes
	reader *cognito.Client // for reading back
}

// crashEnv says how to run the server and `gognito check` on one backend.
type crashEnv struct {
	backend string
	env     []string
	args    []string // --data-dir, --database
}

func TestCrashRecoverySQLite(t *testing.T) {
	dir := t.TempDir()
	runCrashRecovery(t, crashEnv{backend: "SQLite", args: []string{"--data-dir", filepath.Join(dir, "data")}})
}

func TestCrashRecoveryPostgreSQL(t *testing.T) {
	dir := t.TempDir()
	runCrashRecovery(t, crashEnv{backend: "PostgreSQL", args: []string{"--data-dir", filepath.Join(dir, "data"), "--database", pgtest.DSN(t)}})
}

func runCrashRecovery(t *testing.T, ce crashEnv) {
	work := t.TempDir()
	bin := buildBinary(t, work)
	ctx, cancel := context.WithTimeout(context.Background(), 75*time.Second)
	defer cancel()
	start := func() *crashTarget {
		n := startNode(t, ctx, bin, work, ce.env, append([]string{"--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0"}, ce.args...)...)
		if n.url == "" || n.edge == "" {
			t.Fatalf("the server did not start: printed %q\n%s", n.printed, n.stderr.String())
		}
		waitReady(t, n)
		// Reads retry; writes never do, so that an answer is an answer to
		// the one request sent.
		return &crashTarget{n: n, c: sdkClient(n.url), reader: readerClient(n.url)}
	}

	// Setup, before any kill: a pool, two certificates and a custom domain.
	const host = "auth.crash.example.test"
	s := start()
	roots, arns, leafList := importCertificates(t, ctx, s.n.url, host, 2)
	leaves := map[string]*x509.Certificate{}
	for i, arn := range arns {
		leaves[arn] = leafList[i]
	}
	created, err := s.c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("crash")})
	if err != nil {
		t.Fatal(err)
	}
	pool := created.UserPool.Id
	if _, err := s.c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String(host), UserPoolId: pool,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arns[0]}}); err != nil {
		t.Fatal(err)
	}

	l := &crashLoad{users: map[string]*history[bool]{}, attrs: map[string]*history[string]{}, groups: map[string]*history[bool]{},
		members: map[string]*history[bool]{}, domain: &history[string]{initial: arns[0]}}
	loadEnds := time.Now().Add(crashLoadBudget)
	kills := 0
	var got crashCounts
	// The counts are printed however the test ends.
	defer func() {
		summary := fmt.Sprintf("durability (%s): %d SIGKILLs, %d writes acknowledged, %d found after recovery, %d missing; "+
			"%d unanswered (in flight at a kill), of which %d creations were stored; %d throttled, %d acknowledged with the body lost; %d users, %d groups, %d domain updates",
			ce.backend, kills, got.acked, got.found, got.acked-got.found, l.unanswer, got.landedUnanswered, l.refused, l.bodyLost, len(l.ackedUsrs), len(l.ackedGrps), len(l.domain.writes))
		t.Log(summary)
		// make test shows the lines starting with "--- " of the verbose log.
		fmt.Println("--- " + summary)
	}()
	for kills < crashKills && time.Now().Before(loadEnds) {
		// Kill after a number of acknowledged writes that differs from one
		// round to the next, so that the kill lands at different points.
		killAfter := 8 + (kills*13)%31
		runLoadUntilKilled(t, ctx, s, *pool, arns, l, killAfter)
		kills++
		// The offline check runs on the crashed store every other time
		// (SQLite: it recovers the WAL), else beside the restarted server
		// (which then recovers it itself).
		if kills%2 == 1 {
			checkStore(t, bin, work, ce)
		}
		s = start()
		if kills%2 == 0 {
			checkStore(t, bin, work, ce)
		}
		got = verifyCrashLoad(t, ctx, s, *pool, host, roots, leaves, l)
		if t.Failed() {
			t.FailNow()
		}
	}
	// A clean stop at the end, then the offline check once more.
	if err := s.n.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := s.n.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, s.n.stderr.String())
	}
	checkStore(t, bin, work, ce)
	if kills < crashMinKills {
		t.Fatalf("only %d kills before the load budget ran out", kills)
	}
	if got.found != got.acked || got.acked < kills {
		t.Fatalf("%d of %d acknowledged writes found", got.found, got.acked)
	}
}

// waitReady polls /_gognito/ready until it answers 200.
func waitReady(t *testing.T, n *node) {
	t.Helper()
	waitUntil(t, readyWait, "/_gognito/ready", func() bool {
		resp, err := http.Get(n.url + "/_gognito/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// checkStore runs `gognito check` on the store (the server may be down or
// up) and fails the test unless it prints OK.
func checkStore(t *testing.T, bin, dir string, ce crashEnv) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"check"}, ce.args...)...)
	cmd.Dir = dir
	cmd.Env = append(cmd.Environ(), ce.env...)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "OK: ") {
		t.Fatalf("gognito check: %v\n%s", err, out)
	}
}

// runLoadUntilKilled runs the workers against s and kills the server with
// SIGKILL once killAfter writes have been acknowledged, with requests in
// flight. It returns when every worker has seen the server die.
func runLoadUntilKilled(t *testing.T, ctx context.Context, s *crashTarget, pool string, arns []string, l *crashLoad, killAfter int) {
	l.mu.Lock()
	l.phaseAcks = 0
	l.mu.Unlock()
	phase, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	workers := []func(context.Context) bool{
		func(ctx context.Context) bool { return createUser(t, ctx, s.c, pool, l, 0) },
		func(ctx context.Context) bool { return createUser(t, ctx, s.c, pool, l, 1) },
		func(ctx context.Context) bool { return updateAttribute(t, ctx, s.c, pool, l) },
		func(ctx context.Context) bool { return changeGroups(t, ctx, s.c, pool, l) },
		func(ctx context.Context) bool { return updateDomain(t, ctx, s.c, pool, arns, l) },
	}
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each worker runs until the server stops answering (the kill).
			for phase.Err() == nil && w(phase) {
			}
		}()
	}
	// The kill: after killAfter acknowledgements (bounded by a time, so a
	// stuck load still ends).
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		n := l.phaseAcks
		l.mu.Unlock()
		if n >= killAfter {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	s.n.cmd.Process.Signal(syscall.SIGKILL)
	s.n.cmd.Wait()
	// The process is gone: every request in flight has failed or will.
	// Workers still waiting for something to do stop now.
	stop()
	wg.Wait()
}

// The workers. Each sends one write and reports whether it was answered.

func createUser(t *testing.T, ctx context.Context, c *cognito.Client, pool string, l *crashLoad, worker int) bool {
	l.mu.Lock()
	name := fmt.Sprintf("u%d-%04d", worker, l.nextUser[worker])
	l.nextUser[worker]++
	h := &history[bool]{writes: []write[bool]{{result: true}}}
	l.users[name] = h
	l.mu.Unlock()
	_, err := c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: &pool, Username: &name, MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}}})
	l.mu.Lock()
	defer l.mu.Unlock()
	acked, answered := l.outcome(t, "AdminCreateUser "+name, err)
	h.writes[0].acked = acked
	if acked {
		l.ackedUsrs = append(l.ackedUsrs, name)
	}
	return answered
}

var crashAttributes = []string{"name", "family_name"}

func updateAttribute(t *testing.T, ctx context.Context, c *cognito.Client, pool string, l *crashLoad) bool {
	l.mu.Lock()
	if len(l.ackedUsrs) == 0 {
		l.mu.Unlock()
		time.Sleep(time.Millisecond)
		return true
	}
	l.seq++
	user := l.ackedUsrs[(l.seq*7)%len(l.ackedUsrs)]
	attr := crashAttributes[l.seq%len(crashAttributes)]
	value := fmt.Sprintf("v%06d", l.seq)
	key := user + "/" + attr
	h := l.attrs[key]
	if h == nil {
		h = &history[string]{}
		l.attrs[key] = h
	}
	h.writes = append(h.writes, write[string]{result: value})
	i := len(h.writes) - 1
	l.mu.Unlock()
	_, err := c.AdminUpdateUserAttributes(ctx, &cognito.AdminUpdateUserAttributesInput{UserPoolId: &pool, Username: &user,
		UserAttributes: []types.AttributeType{{Name: &attr, Value: &value}}})
	l.mu.Lock()
	defer l.mu.Unlock()
	acked, answered := l.outcome(t, "AdminUpdateUserAttributes "+key, err)
	h.writes[i].acked = acked
	return answered
}

func changeGroups(t *testing.T, ctx context.Context, c *cognito.Client, pool string, l *crashLoad) bool {
	l.mu.Lock()
	l.seq++
	// Every eighth change (and the first) creates a group, up to six.
	if len(l.groups) < 6 && (len(l.ackedGrps) == 0 || l.seq%8 == 0) {
		name := fmt.Sprintf("g%d", len(l.groups))
		h := &history[bool]{writes: []write[bool]{{result: true}}}
		l.groups[name] = h
		l.mu.Unlock()
		_, err := c.CreateGroup(ctx, &cognito.CreateGroupInput{UserPoolId: &pool, GroupName: &name})
		l.mu.Lock()
		defer l.mu.Unlock()
		acked, answered := l.outcome(t, "CreateGroup "+name, err)
		h.writes[0].acked = acked
		if acked {
			l.ackedGrps = append(l.ackedGrps, name)
		}
		return answered
	}
	if len(l.ackedUsrs) == 0 || len(l.ackedGrps) == 0 {
		l.mu.Unlock()
		time.Sleep(time.Millisecond)
		return true
	}
	// Toggle one membership: add when it was last asked to be absent.
	user := l.ackedUsrs[(l.seq*5)%len(l.ackedUsrs)%8] // a few users, so memberships change often
	group := l.ackedGrps[l.seq%len(l.ackedGrps)]
	key := group + "/" + user
	h := l.members[key]
	if h == nil {
		h = &history[bool]{}
		l.members[key] = h
	}
	add := len(h.writes) == 0 || !h.writes[len(h.writes)-1].result
	h.writes = append(h.writes, write[bool]{result: add})
	i := len(h.writes) - 1
	l.mu.Unlock()
	var err error
	if add {
		_, err = c.AdminAddUserToGroup(ctx, &cognito.AdminAddUserToGroupInput{UserPoolId: &pool, Username: &user, GroupName: &group})
	} else {
		_, err = c.AdminRemoveUserFromGroup(ctx, &cognito.AdminRemoveUserFromGroupInput{UserPoolId: &pool, Username: &user, GroupName: &group})
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	acked, answered := l.outcome(t, "membership "+key, err)
	h.writes[i].acked = acked
	return answered
}

func updateDomain(t *testing.T, ctx context.Context, c *cognito.Client, pool string, arns []string, l *crashLoad) bool {
	l.mu.Lock()
	h := l.domain
	next := arns[1]
	if n := len(h.writes); n > 0 && h.writes[n-1].result == arns[1] {
		next = arns[0]
	}
	h.writes = append(h.writes, write[string]{result: next})
	i := len(h.writes) - 1
	l.mu.Unlock()
	_, err := c.UpdateUserPoolDomain(ctx, &cognito.UpdateUserPoolDomainInput{UserPoolId: &pool, Domain: aws.String("auth.crash.example.test"),
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &next}})
	l.mu.Lock()
	acked, ok := l.outcome(t, "UpdateUserPoolDomain", err)
	h.writes[i].acked = acked
	l.mu.Unlock()
	if ok { // fewer domain updates than other writes: they are the heaviest
		time.Sleep(20 * time.Millisecond)
	}
	return ok
}

// crashCounts is what a verification found.
type crashCounts struct {
	acked, found     int // acknowledged writes, and those the store shows
	landedUnanswered int // creations that got no answer but were stored
}

// verifyCrashLoad reads everything back from the restarted server and checks
// each record against its history.
func verifyCrashLoad(t *testing.T, ctx context.Context, s *crashTarget, pool, host string, roots *x509.CertPool, leaves map[string]*x509.Certificate, l *crashLoad) (got crashCounts) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	count := func(a, f int) { got.acked, got.found = got.acked+a, got.found+f }

	// Users and their attributes.
	stored := map[string]map[string]string{}
	p := cognito.NewListUsersPaginator(s.reader, &cognito.ListUsersInput{UserPoolId: &pool})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListUsers after restart: %v\nserver: %v %s", err, s.n.cmd.ProcessState, s.n.stderr.String())
		}
		for _, u := range page.Users {
			attrs := map[string]string{}
			for _, a := range u.Attributes {
				attrs[*a.Name] = aws.ToString(a.Value)
			}
			stored[*u.Username] = attrs
		}
	}
	for name, h := range l.users {
		_, ok := stored[name]
		checkRecord(t, "user "+name, h, ok, count)
		if ok && !h.writes[0].acked {
			got.landedUnanswered++
		}
	}
	for key, h := range l.attrs {
		user, attr, _ := strings.Cut(key, "/")
		checkRecord(t, "attribute "+key, h, stored[user][attr], count)
	}

	// Groups and memberships.
	var groups []string
	gp := cognito.NewListGroupsPaginator(s.reader, &cognito.ListGroupsInput{UserPoolId: &pool})
	for gp.HasMorePages() {
		page, err := gp.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListGroups after restart: %v", err)
		}
		for _, g := range page.Groups {
			groups = append(groups, *g.GroupName)
		}
	}
	members := map[string]bool{}
	for _, g := range groups {
		up := cognito.NewListUsersInGroupPaginator(s.reader, &cognito.ListUsersInGroupInput{UserPoolId: &pool, GroupName: &g})
		for up.HasMorePages() {
			page, err := up.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListUsersInGroup %s after restart: %v", g, err)
			}
			for _, u := range page.Users {
				members[g+"/"+*u.Username] = true
			}
		}
	}
	for name, h := range l.groups {
		checkRecord(t, "group "+name, h, slices.Contains(groups, name), count)
	}
	for key, h := range l.members {
		checkRecord(t, "membership "+key, h, members[key], count)
	}

	// The domain: its description, and the certificate the edge serves.
	d, err := s.reader.DescribeUserPoolDomain(ctx, &cognito.DescribeUserPoolDomainInput{Domain: &host})
	if err != nil {
		t.Fatalf("DescribeUserPoolDomain after restart: %v", err)
	}
	if d.DomainDescription.CustomDomainConfig == nil {
		t.Fatalf("DescribeUserPoolDomain after restart: no custom domain %s (status %q)", host, d.DomainDescription.Status)
	}
	checkRecord(t, "domain certificate", l.domain, aws.ToString(d.DomainDescription.CustomDomainConfig.CertificateArn), count)
	leaf, err := edgetest.Handshake(s.n.edge, host, roots)
	if err != nil {
		t.Fatalf("the edge after restart: %v", err)
	}
	serves := ""
	for arn, want := range leaves {
		if leaf.Equal(want) {
			serves = arn
		}
	}
	if described := aws.ToString(d.DomainDescription.CustomDomainConfig.CertificateArn); serves != described {
		t.Errorf("the edge serves %q (empty: neither of the domain's two certificates); the domain names %s", serves, described)
	}
	return got
}

// checkRecord compares a record's state with its history.
func checkRecord[T comparable](t *testing.T, what string, h *history[T], state T, count func(acked, found int)) {
	t.Helper()
	if allowed := h.allowed(); !slices.Contains(allowed, state) {
		t.Errorf("%s is %v after a restart; allowed: %v (writes %+v)", what, state, allowed, h.writes)
	}
	count(h.found(state))
}

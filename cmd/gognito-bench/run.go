package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/sdkhttp"
)

const (
	scenarioList = "create-users, auth-admin, auth-srp, get-user, list-users, list-users-filter, describe-domain, tls-handshake, hosted-login"
	signers      = 32 // users with a permanent password, that the sign-in scenarios use
	password     = "Bench-Passw0rd!1"
	tempPassword = "Temp-Passw0rd!1"
	callbackURL  = "http://localhost:8765/callback"
)

// state is what one run leaves for the next against the same endpoint, so
// that a pool grows from one size to the next instead of being reloaded.
type state struct {
	PoolID         string `json:"pool_id"`
	ClientID       string `json:"client_id"`
	Loaded         int    `json:"loaded"` // users user000000 … loaded-1 exist
	Domain         string `json:"domain,omitempty"`
	DomainNote     string `json:"domain_note,omitempty"`
	HostedClientID string `json:"hosted_client_id,omitempty"`
	HostedNote     string `json:"hosted_note,omitempty"`
	CustomDomain   string `json:"custom_domain,omitempty"`
	CustomNote     string `json:"custom_note,omitempty"`
	Created        int    `json:"created"` // users the create-users scenario made so far
}

type runConfig struct {
	peer, endpoint, tlsEdge, region string
	poolSize, serverPID             int
	loadConcurrency                 int
	loadTimeout                     time.Duration
	noLoad                          bool
	limits                          limits
	scenarios                       []string
	statePath, jsonPath             string
	pprofURL, profileDir            string
}

func runCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gognito-bench run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c runConfig
	var scenarios string
	fs.StringVar(&c.peer, "peer", "gognito", "name of the endpoint under test, in the output")
	fs.StringVar(&c.endpoint, "endpoint", "http://127.0.0.1:9229", "the endpoint's base URL (loopback only)")
	fs.StringVar(&c.tlsEdge, "tls-edge", "", "host:port of gognito's HTTPS edge, for tls-handshake (loopback only; empty: not supported)")
	fs.StringVar(&c.region, "region", "us-east-1", "AWS Region sent in requests")
	fs.IntVar(&c.serverPID, "server-pid", 0, "pid of the server process, to report its CPU time per operation (from /proc)")
	fs.StringVar(&c.pprofURL, "pprof-url", "", "base URL of the server's net/http/pprof (gognito: GOGNITO_PPROF), to profile it during each scenario (loopback only)")
	fs.StringVar(&c.profileDir, "profile-dir", "", "keep the server's CPU profiles in this directory")
	fs.IntVar(&c.poolSize, "pool-size", 1000, "users in the pool before the scenarios run (loaded over the wire with AdminCreateUser)")
	fs.IntVar(&c.loadConcurrency, "load-concurrency", 8, "concurrent AdminCreateUser calls while loading")
	fs.DurationVar(&c.loadTimeout, "load-timeout", 5*time.Minute, "give up loading after this long (the pool keeps what it got)")
	fs.BoolVar(&c.noLoad, "no-load", false, "run the scenarios on the pool as it is (with --state), loading nothing")
	fs.IntVar(&c.limits.concurrency, "concurrency", 8, "concurrent callers per scenario")
	fs.IntVar(&c.limits.count, "count", 200000, "most operations per scenario")
	fs.DurationVar(&c.limits.duration, "duration", 5*time.Second, "longest time per scenario")
	fs.StringVar(&scenarios, "scenarios", "all", "comma-separated scenarios, all, or none (only set up and load): "+scenarioList)
	fs.StringVar(&c.statePath, "state", "", "file that keeps the pool between runs (empty: a new pool each run)")
	fs.StringVar(&c.jsonPath, "json", "", "also write the results to this file as JSON")
	cpuProfile := fs.String("cpuprofile", "", "write the load generator's own CPU profile to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	c.scenarios = strings.Split(scenarios, ",")
	switch scenarios {
	case "none": // only set up and load
		c.scenarios = nil
	case "all":
		c.scenarios = strings.Split(strings.ReplaceAll(scenarioList, " ", ""), ",")
	}
	for _, s := range c.scenarios {
		if _, ok := scenarioFuncs[s]; !ok {
			fmt.Fprintf(stderr, "gognito-bench: unknown scenario %q (known: %s)\n", s, scenarioList)
			return 2
		}
	}
	if c.limits.concurrency < 1 || c.limits.count < 1 || c.limits.duration <= 0 || c.loadConcurrency < 1 {
		fmt.Fprintln(stderr, "gognito-bench: --concurrency, --count, --duration and --load-concurrency must be positive")
		return 2
	}
	if err := checkLoopbackURL(c.endpoint); err != nil {
		fmt.Fprintf(stderr, "gognito-bench: --endpoint: %v\n", err)
		return 2
	}
	if c.tlsEdge != "" {
		if err := checkLoopbackHost(c.tlsEdge); err != nil {
			fmt.Fprintf(stderr, "gognito-bench: --tls-edge: %v\n", err)
			return 2
		}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "gognito-bench: %v\n", err)
			return 1
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if c.pprofURL != "" {
		if err := checkLoopbackURL(c.pprofURL); err != nil {
			fmt.Fprintf(stderr, "gognito-bench: --pprof-url: %v\n", err)
			return 2
		}
	}
	results, err := c.run(context.Background(), stdout)
	if err != nil {
		fmt.Fprintf(stderr, "gognito-bench: %v\n", err)
		return 1
	}
	printTable(stdout, results)
	if err := writeJSON(c.jsonPath, results); err != nil {
		fmt.Fprintf(stderr, "gognito-bench: %v\n", err)
		return 1
	}
	return 0
}

// checkLoopbackURL refuses an endpoint that is not on this machine.
func checkLoopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	return checkLoopbackHost(u.Host)
}

func checkLoopbackHost(hostport string) error {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() || host == "localhost" {
		return nil
	}
	return fmt.Errorf("%q is not a loopback address (only 127.0.0.0/8, ::1 or localhost)", hostport)
}

// bench is one run's clients and pool.
type bench struct {
	runConfig
	c     *cognito.Client
	acm   *acm.Client
	http  *http.Client
	st    state
	runID string
	out   io.Writer

	createdMu sync.Mutex
}

func newHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 256
	return &http.Client{Transport: tr, Timeout: 60 * time.Second}
}

func (c runConfig) run(ctx context.Context, out io.Writer) ([]Result, error) {
	hc := newHTTPClient()
	// The SDK's clients get request bodies copied (sdkhttp): without it a
	// scenario's first call occasionally failed on the client side and the
	// scenario was reported unsupported. The copy costs every peer alike.
	sdk := &http.Client{Transport: sdkhttp.BufferedBodies{Next: hc.Transport}, Timeout: hc.Timeout}
	creds := credentials.NewStaticCredentialsProvider("AKIDGOGNITOBENCH", "bench-secret", "")
	b := &bench{runConfig: c, http: hc, out: out, runID: randomHex(4),
		c:   cognito.New(cognito.Options{Region: c.region, BaseEndpoint: aws.String(c.endpoint), Credentials: creds, Retryer: aws.NopRetryer{}, HTTPClient: sdk}),
		acm: acm.New(acm.Options{Region: c.region, BaseEndpoint: aws.String(c.endpoint), Credentials: creds, Retryer: aws.NopRetryer{}, HTTPClient: sdk}),
	}
	if err := b.loadState(); err != nil {
		return nil, err
	}
	if b.st.PoolID == "" {
		if err := b.setUp(ctx); err != nil {
			return nil, err
		}
	}
	if err := b.saveState(); err != nil {
		return nil, err
	}
	loadErr := b.load(ctx)
	if err := b.saveState(); err != nil { // what was loaded counts, even if loading failed
		return nil, err
	}
	if loadErr != nil {
		return nil, loadErr
	}
	var results []Result
	for _, name := range c.scenarios {
		r := b.scenario(ctx, name)
		fmt.Fprintf(out, "%-18s %s\n", name, summary(r))
		results = append(results, r)
	}
	return results, b.saveState()
}

func summary(r Result) string {
	if !r.Supported {
		return "not supported: " + r.Note
	}
	return fmt.Sprintf("%9.1f ops/s  p50 %7.2f ms  p99 %7.2f ms  %d ops, %d errors  CPU/op: client %.0f µs, server %.0f µs", r.OpsPerSec, r.P50ms, r.P99ms, r.Ops, r.Errors, r.ClientCPUus, r.ServerCPUus)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (b *bench) loadState() error {
	if b.statePath == "" {
		return nil
	}
	data, err := os.ReadFile(b.statePath)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(data, &b.st)
}

func (b *bench) saveState() error { return writeJSON(b.statePath, b.st) }

func userName(i int) string  { return fmt.Sprintf("user%06d", i) }
func userEmail(i int) string { return fmt.Sprintf("user%06d@bench.example.com", i) }

// setUp creates the pool, its app client, the signers and, where the peer
// supports them, a prefix domain, a hosted-UI client and a custom domain.
func (b *bench) setUp(ctx context.Context) error {
	pool, err := b.c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("bench-" + b.runID)})
	if err != nil {
		return fmt.Errorf("CreateUserPool: %w", err)
	}
	b.st.PoolID = aws.ToString(pool.UserPool.Id)
	cl, err := b.c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &b.st.PoolID, ClientName: aws.String("bench"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		return fmt.Errorf("CreateUserPoolClient: %w", err)
	}
	b.st.ClientID = aws.ToString(cl.UserPoolClient.ClientId)

	domain := "bench-" + b.runID
	if _, err := b.c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{UserPoolId: &b.st.PoolID, Domain: &domain}); err != nil {
		b.st.DomainNote = "CreateUserPoolDomain: " + shortErr(err)
	} else {
		b.st.Domain = domain
	}
	hosted, err := b.c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &b.st.PoolID, ClientName: aws.String("bench-web"),
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{callbackURL}, SupportedIdentityProviders: []string{"COGNITO"}})
	if err != nil {
		b.st.HostedNote = "CreateUserPoolClient with OAuth: " + shortErr(err)
	} else {
		b.st.HostedClientID = aws.ToString(hosted.UserPoolClient.ClientId)
	}
	if b.tlsEdge == "" {
		b.st.CustomNote = "no HTTPS edge for user pool domains"
	} else if err := b.setUpCustomDomain(ctx); err != nil {
		b.st.CustomNote = err.Error()
	}
	return nil
}

func (b *bench) setUpCustomDomain(ctx context.Context) error {
	host := "auth-" + b.runID + ".bench.example.com"
	cert, err := b.acm.RequestCertificate(ctx, &acm.RequestCertificateInput{DomainName: &host})
	if err != nil {
		return fmt.Errorf("ACM RequestCertificate: %s", shortErr(err))
	}
	// A pool has at most one custom domain beside its prefix domain; this
	// one gets its own pool so the two never interfere.
	pool, err := b.c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("bench-tls-" + b.runID)})
	if err != nil {
		return fmt.Errorf("CreateUserPool: %s", shortErr(err))
	}
	if _, err := b.c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{UserPoolId: pool.UserPool.Id, Domain: &host,
		CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: cert.CertificateArn}}); err != nil {
		return fmt.Errorf("CreateUserPoolDomain (custom): %s", shortErr(err))
	}
	b.st.CustomDomain = host
	return nil
}

// shortErr is an error's first line, short enough for a table note.
func shortErr(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// load grows the pool to poolSize users over the wire (AdminCreateUser, an
// email each) within loadTimeout; the first signers users also get a
// permanent password. It stops short, keeping what it got, when the
// endpoint is too slow.
func (b *bench) load(ctx context.Context) error {
	start := time.Now()
	from := b.st.Loaded
	if from >= b.poolSize || b.noLoad {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, b.loadTimeout)
	defer cancel()
	// Users are created in order; Loaded only counts an unbroken prefix, so
	// a user in flight when the time runs out is created again next time
	// (an UsernameExistsException then counts as done).
	var next atomic.Int64
	next.Store(int64(from))
	done := make([]bool, b.poolSize-from)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range b.loadConcurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= b.poolSize {
					return
				}
				// A user that failed is tried again (three times in all): one
				// created by a call whose answer was lost is then found existing.
				err := b.createUser(ctx, i)
				for try := 1; err != nil && try < 3 && ctx.Err() == nil; try++ {
					err = b.createUser(ctx, i)
				}
				mu.Lock()
				if err == nil {
					done[i-from] = true
				} else if firstErr == nil && ctx.Err() == nil {
					firstErr = fmt.Errorf("loading %s: %w", userName(i), err)
				}
				mu.Unlock()
				if err != nil && ctx.Err() == nil {
					cancel()
				}
			}
		}()
	}
	if b.poolSize > 5000 {
		go b.progress(ctx, &next, start)
	}
	wg.Wait()
	n := from
	for n < b.poolSize && done[n-from] {
		n++
	}
	b.st.Loaded = n
	fmt.Fprintf(b.out, "loaded %d users (%d new) in %.1f s\n", n, n-from, time.Since(start).Seconds())
	if firstErr != nil && !errors.Is(firstErr, context.DeadlineExceeded) {
		return firstErr
	}
	return nil
}

func (b *bench) progress(ctx context.Context, next *atomic.Int64, start time.Time) {
	t := time.NewTicker(15 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fmt.Fprintf(b.out, "  … %d users after %.0f s\n", next.Load(), time.Since(start).Seconds())
		}
	}
}

func (b *bench) createUser(ctx context.Context, i int) error {
	name := userName(i)
	_, err := b.c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: &b.st.PoolID, Username: &name, MessageAction: types.MessageActionTypeSuppress,
		TemporaryPassword: aws.String(tempPassword),
		UserAttributes:    []types.AttributeType{{Name: aws.String("email"), Value: aws.String(userEmail(i))}}})
	var exists *types.UsernameExistsException
	if err != nil && !errors.As(err, &exists) {
		return err
	}
	if i < signers {
		_, err = b.c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: &b.st.PoolID, Username: &name, Password: aws.String(password), Permanent: true})
	}
	return err
}

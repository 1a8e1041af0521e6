package app

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gognito/gognito/internal/acme"
	"github.com/gognito/gognito/internal/api"
	"github.com/gognito/gognito/internal/authflow"
	"github.com/gognito/gognito/internal/certs"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/cluster"
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/console"
	"github.com/gognito/gognito/internal/domains"
	"github.com/gognito/gognito/internal/edge"
	"github.com/gognito/gognito/internal/federation"
	"github.com/gognito/gognito/internal/hostedui"
	"github.com/gognito/gognito/internal/idp"
	"github.com/gognito/gognito/internal/lambda"
	"github.com/gognito/gognito/internal/oidc"
	"github.com/gognito/gognito/internal/ratelimit"
	"github.com/gognito/gognito/internal/secrets"
	"github.com/gognito/gognito/internal/serving"
	"github.com/gognito/gognito/internal/sites"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/storeopen"
	"github.com/gognito/gognito/internal/tokens"
	"github.com/gognito/gognito/internal/triggers"
	"github.com/gognito/gognito/internal/uicustom"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/users"
)

// Version is set at build time (-ldflags "-X .../internal/app.Version=...").
var Version = "dev"

// Intervals of the background work.
const (
	edgeSyncInterval  = 30 * time.Second // safety net behind explicit refreshes
	reconcileInterval = 250 * time.Millisecond
	renewalInterval   = time.Minute
)

// App is one gognito server.
type App struct {
	cfg config.Config
	log *slog.Logger
	// clock is the one clock of every service (App.SetNow moves it).
	clock   *clock.Settable
	store   store.Store
	handler http.Handler
	cognito *api.Service
	acm     *api.Service
	certs   *certs.Service
	domains *domains.Service
	users   *users.Service
	idps    *idp.Service
	tokens  *tokens.Service
	auth    *authflow.Service
	hosted  *hostedui.Handler
	ui      *uicustom.Service
	edge    *edge.Edge
	serving *serving.Service
	sites   *sites.Router
	cluster *cluster.Cluster
	limiter *ratelimit.Limiter
	// publicURL is where clients reach the API listener: --public-url, or
	// the listener's address once it listens.
	publicURL atomic.Value
	// edgePort is the HTTPS edge's port ("" for 443), for the URLs of domains.
	edgePort atomic.Value
	ready    atomic.Bool
	dataPath string
}

// Listeners are the sockets a server serves: the API listener and, when not
// nil, the HTTPS edge for user pool domains.
type Listeners struct {
	API net.Listener
	TLS net.Listener
}

// Option changes how New builds a server (for tests and tools).
type Option func(*options)

type options struct {
	wrapStore func(store.Store) store.Store
}

// WithStoreWrapper has the services use wrap(store) instead of the store
// itself (tests wrap it to count reads).
func WithStoreWrapper(wrap func(store.Store) store.Store) Option {
	return func(o *options) { o.wrapStore = wrap }
}

// New opens the store and builds the services. Close releases them.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, opts ...Option) (*App, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	key, err := secrets.LoadOrCreateKey(cfg.SecretKeyPath())
	if err != nil {
		return nil, err
	}
	sealer, err := secrets.NewSealer(key)
	if err != nil {
		return nil, err
	}
	st, path, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if o.wrapStore != nil {
		st = o.wrapStore(st)
	}
	if err := checkSecretKey(ctx, st, sealer, cfg.SecretKeyPath()); err != nil {
		st.Close()
		return nil, err
	}
	a := &App{cfg: cfg, log: log, store: st, dataPath: path, clock: &clock.Settable{}}
	for _, dir := range dataDirs(path, cfg.SecretKeyPath()) {
		if w := config.DirWarning(dir); w != "" {
			log.Warn(w)
		}
	}

	a.cluster = cluster.New(st, log, a.clock)
	a.cluster.SetRegion(cfg.Region)
	a.cluster.SetNodeTimeout(cfg.NodeTimeout)

	// The pools and app clients, and their loader: a change made here is
	// announced to the other nodes, which drop what they keep of it.
	pools := userpool.New(st, userpool.Options{Region: cfg.Region, AccountID: cfg.AccountID, Sealer: sealer, Clock: a.clock,
		Announce: func(key string) { a.cluster.Announce(userpool.ChangeTopic, key) }})
	a.cluster.Subscribe(userpool.ChangeTopic, pools.Invalidate)

	// Domains and certificates announce their changes to serving, which
	// pushes ready sites to the edge and, through the cluster, to the other
	// nodes.
	a.edge = edge.New(log)
	a.edge.SetLimits(edge.Limits{ReadTimeout: cfg.ReadTimeout, MaxConnsPerClient: int(cfg.MaxConnsPerClient)})
	a.serving = serving.New(serving.Options{Edge: a.edge, Cluster: a.cluster, Clock: a.clock, Logger: log,
		PropagationDelay: cfg.DomainPropagationDelay, SyncInterval: edgeSyncInterval, ReconcileInterval: reconcileInterval, Region: cfg.Region})
	a.certs = certs.New(st, certs.Options{
		Region: cfg.Region, AccountID: cfg.AccountID, Sealer: sealer, Clock: a.clock,
		IssuedValidity: cfg.IssuedCertValidity, RenewBefore: cfg.IssuedCertRenew,
		Announcer: a.serving,
		// ACME endpoints are served on the API listener under /acme/.
		AcmeBaseURL: a.acmeBaseURL,
	})
	a.domains = domains.New(st, a.certs, domains.Options{
		Region: cfg.Region, AccountID: cfg.AccountID, BaseDomain: cfg.BaseDomain,
		CloudFrontSuffix: cfg.CloudFrontSuffix, CustomDomainQuota: int(cfg.CustomDomainQuota),
		CheckParentDNS: cfg.CheckParentDNS, Clock: a.clock, Logger: log, Announcer: a.serving, Pools: pools,
	})

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	registerEdgeMetrics(reg, a.edge)
	metrics := api.NewMetrics(reg)

	sender, err := newSender(cfg, st, a.clock, log)
	if err != nil {
		st.Close()
		return nil, err
	}
	hooks := triggers.New(lambda.New(lambda.Options{Endpoint: cfg.LambdaEndpoint, AccessKeyID: cfg.LambdaAccessKeyID,
		SecretAccessKey: cfg.LambdaSecretAccessKey.Reveal(), ByName: cfg.LambdaInvokeByName}), cfg.LambdaTimeout, log)
	a.users = users.New(st, users.Options{Pools: pools, Clock: a.clock, Sender: sender, Sealer: sealer, Triggers: hooks})
	a.publicURL.Store(strings.TrimSuffix(cfg.PublicURL, "/"))
	if cfg.PublicURL == "" {
		a.publicURL.Store("http://" + cfg.Listen)
	}
	a.tokens = tokens.New(tokens.Options{Store: st, Pools: pools, Clock: a.clock, Sealer: sealer, Issuer: a.Issuer, SignedOutAfter: a.users.SignedOutAfter,
		UpdatedIssuer: a.UpdatedIssuer, IssuerType: pools.IssuerType})
	a.auth = authflow.New(authflow.Options{Store: st, Users: a.users, Tokens: a.tokens, Sealer: sealer, Triggers: hooks, Clock: a.clock})
	ui := uicustom.New(st, uicustom.Options{Pools: pools, Clock: a.clock, BaseURL: func() string { return a.publicURL.Load().(string) }})
	a.ui = ui
	a.cognito = newCognitoService(pools, a.domains, a.users, a.auth, ui)
	a.idps = idp.New(st, idp.Options{Pools: pools, Clients: pools, Fetcher: metadataFetcher{}, Clock: a.clock, Sealer: sealer})
	pools.SetIdentityProviders(a.idps)
	registerIdentityProviders(a.cognito, a.idps)
	a.users.SetProviders(users.ProviderTypeFunc(func(ctx context.Context, poolID, name string) (string, error) {
		p, err := a.idps.Provider(ctx, poolID, name)
		if err != nil {
			return "", err
		}
		return p.Type, nil
	}))
	a.cognito.Guard = replicaGuard(pools, cfg.Region)
	a.hosted = hostedui.New(hostedui.Options{Store: st, Auth: a.auth, Tokens: a.tokens, Sealer: sealer, Log: log, Customization: ui.CSSFor, Clock: a.clock,
		Secondary: func(ctx context.Context, poolID string) (bool, bool) {
			p, err := pools.Pool(ctx, poolID)
			if err != nil {
				return false, true
			}
			role, status, _ := p.ReplicaIn(cfg.Region)
			return role == userpool.RoleSecondary, status == userpool.ReplicaActive
		},
		SAML: federation.NewSAML(federation.SAMLOptions{Values: st, Clock: a.clock})})
	a.acm = newACMService(a.certs)
	fedEndpoints, err := federation.LoadOverrides(cfg.FederationEndpoints)
	if err != nil {
		st.Close()
		return nil, err
	}
	a.hosted.SetFederation(a.idps, federation.New(federation.Options{Client: federation.NewHTTPClient(10*time.Second, func(ctx context.Context) (*x509.CertPool, error) {
		ca, err := a.certs.CA(ctx)
		if err != nil {
			return nil, err
		}
		return ca.Pool(), nil
	}), Clock: a.clock, Overrides: fedEndpoints}))
	rates, err := ratelimit.ParseRates(cfg.RateLimits)
	if err != nil {
		st.Close()
		return nil, err
	}
	a.limiter = ratelimit.New(rates)
	quotas := newQuotas(ctx, st, a.limiter, cfg, log, a.cluster)
	registerLimits(a.cognito, quotas)
	authn, err := newAuthenticator(cfg, log, a.clock)
	if err != nil {
		st.Close()
		return nil, err
	}
	front := api.NewServer(api.Options{Logger: log, Metrics: metrics, MaxBodyBytes: cfg.MaxBodyBytes,
		Limiter: a.limiter, Region: cfg.Region, Authenticator: authn, Clock: a.clock}, a.cognito, a.acm)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /_gognito/health", func(w http.ResponseWriter, r *http.Request) {
		if err := st.Check(r.Context()); err != nil {
			http.Error(w, `{"status":"unhealthy"}`, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("GET /_gognito/ready", func(w http.ResponseWriter, r *http.Request) {
		if !a.ready.Load() {
			http.Error(w, `{"status":"starting"}`, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ready"}`)
	})
	mux.HandleFunc("GET /_gognito/ca.pem", func(w http.ResponseWriter, r *http.Request) {
		ca, err := a.certs.CA(r.Context())
		if err != nil {
			log.Error("local CA", "error", err)
			http.Error(w, "local CA unavailable", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/x-pem-file")
		w.Header().Set("Content-Disposition", `attachment; filename="gognito-ca.pem"`)
		w.Write(ca.RootPEM())
	})
	mux.Handle("GET /_gognito/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("GET /_gognito/outbox", console.LoopbackOnly(console.Outbox(st), cfg.OutboxPublic))
	mux.Handle("GET "+uicustom.ImagePath, hostedui.ImageHandler(ui))
	oidc.New(oidc.Options{Pools: pools, JWKS: a.tokens.JWKS, Issuer: a.Issuer, UpdatedIssuer: a.UpdatedIssuer, DomainBase: a.domainBase, Log: log}).Register(mux)
	mux.Handle("/", front)
	a.sites = sites.New(sites.Options{Index: a.edge, Pages: a.hosted, Limiter: a.limiter,
		ImagePath: uicustom.ImagePath, Images: func(poolID string) http.Handler { return hostedui.PoolImageHandler(ui, poolID) }, Clock: a.clock,
		Hosts: a.hostAllowed})
	// The ACME endpoints (/acme/<endpoint>/...) are routed before the mux:
	// their patterns would overlap the issuer's /{pool}/... ones.
	acmeServer := acme.New(acme.Options{Records: a.certs, BaseURL: a.acmeBaseURL, Log: log})
	a.handler = a.sites.API(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, acme.Prefix) {
			acmeServer.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	return a, nil
}

// dataDirs are the directories of the SQLite database (dbPath, "" for
// PostgreSQL) and of the secret key, each once.
func dataDirs(dbPath, keyPath string) []string {
	dirs := []string{filepath.Dir(keyPath)}
	if dbPath != "" && filepath.Dir(dbPath) != dirs[0] {
		dirs = append(dirs, filepath.Dir(dbPath))
	}
	return dirs
}

func openStore(ctx context.Context, cfg config.Config) (store.Store, string, error) {
	return storeopen.Open(ctx, cfg.DatabaseDSN())
}

// hostAllowed reports whether the API listener answers to host: the
// configuration's names, and the address it actually listens on (the
// listen setting may name port 0).
func (a *App) hostAllowed(host string) bool {
	if a.cfg.HostAllowed(host) {
		return true
	}
	if u, ok := a.publicURL.Load().(string); ok {
		if p, err := url.Parse(u); err == nil && strings.EqualFold(p.Hostname(), strings.Trim(host, "[]")) {
			return true
		}
	}
	return false
}

// acmeBaseURL is where the ACME endpoints are served: the public URL and
// /acme (internal/acme).
func (a *App) acmeBaseURL() string { return a.publicURL.Load().(string) + "/acme" }

// Handler is the API listener's handler.
func (a *App) Handler() http.Handler { return a.handler }

// EdgeHandler is the HTTPS edge's handler.
func (a *App) EdgeHandler() http.Handler { return a.sites.Edge() }

// Store is the app's store (for tests and tools).
func (a *App) Store() store.Store { return a.store }

// Edge is the app's TLS edge (for tests and tools).
func (a *App) Edge() *edge.Edge { return a.edge }

// Certificates is the certificate service (for tools such as `gognito ca`).
func (a *App) Certificates() *certs.Service { return a.certs }

// Issuer is the iss of a pool's tokens under IssuerConfiguration ORIGINAL
// (Cognito's https://cognito-idp.<region>.amazonaws.com/<pool>): the public
// URL and the pool id.
func (a *App) Issuer(poolID string) string { return a.publicURL.Load().(string) + "/" + poolID }

// UpdatedIssuer is the iss under IssuerConfiguration UPDATED (Cognito's
// https://issuer-cognito-idp.<region>.amazonaws.com/<pool>): the public URL,
// /issuer/ and the pool id.
func (a *App) UpdatedIssuer(poolID string) string {
	return a.publicURL.Load().(string) + "/issuer/" + poolID
}

// domainBase is the HTTPS base URL of the pool's domain: the custom domain
// when there is one, else the prefix domain; "" without a domain.
func (a *App) domainBase(ctx context.Context, poolID string) string {
	ds, err := a.store.ListDomainsByPool(ctx, poolID)
	if err != nil || len(ds) == 0 {
		return ""
	}
	d := ds[0]
	for _, x := range ds {
		if x.Custom {
			d = x
		}
	}
	base := "https://" + a.domains.Host(d)
	if port, ok := a.edgePort.Load().(string); ok && port != "" {
		base += ":" + port
	}
	return base
}

// SetNow moves the one clock every service reads (tests only); nil goes
// back to the system clock.
func (a *App) SetNow(now func() time.Time) {
	a.clock.Set(now)
}

// Tokens is the token service (for tests and tools).
func (a *App) Tokens() *tokens.Service { return a.tokens }

// Users is the user directory service (for tests and tools).
func (a *App) Users() *users.Service { return a.users }

// AuthFlows is the authentication flows' service (for tests and tools:
// tokens for a user signed in elsewhere, as the hosted pages issue them).
func (a *App) AuthFlows() *authflow.Service { return a.auth }

// CognitoService is the cognito-idp operation table (for docs and tests).
// IdentityProviders are the pools' identity providers (federation).
func (a *App) IdentityProviders() *idp.Service { return a.idps }

func (a *App) CognitoService() *api.Service { return a.cognito }

// Close closes the store.
func (a *App) Close() error { return a.store.Close() }

// Serve serves the listeners until ctx ends, then lets in-flight requests
// finish (up to the shutdown timeout). Background work (edge sync, domain
// status, certificate renewal, the purge of expired records) runs while it
// serves.
func (a *App) Serve(ctx context.Context, ls Listeners) error {
	if addr := ls.API.Addr().String(); !a.cfg.SignaturesRequired() && !a.cfg.AllowUnsignedRemote && !config.IsLoopback(addr) {
		return config.UnsignedRemoteError(addr)
	}
	src := serving.Sources{Domains: a.domains, Certificates: a.certs}
	if err := a.serving.Sync(ctx, src); err != nil {
		a.log.Warn("serving: initial sync", "error", err)
	}
	bg, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	a.serving.Follow(bg, src) // before the cluster listens
	var wg sync.WaitGroup
	jobs := []func(context.Context){
		func(c context.Context) { a.serving.Run(c, src) },
		func(c context.Context) { a.certs.Run(c, renewalInterval) },
		a.cluster.Run,
		a.janitor,
	}
	if a.cfg.KeyRotationInterval > 0 {
		jobs = append(jobs, a.keyRotation)
	}
	for _, job := range jobs {
		wg.Add(1)
		go func() { defer wg.Done(); job(bg) }()
	}
	defer func() { stopBG(); wg.Wait() }()

	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       a.cfg.ReadTimeout,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if a.cfg.PublicURL == "" {
		a.publicURL.Store("http://" + ls.API.Addr().String())
	}
	errc := make(chan error, 2)
	// Slow clients: a request (body included) must arrive within
	// ReadTimeout, and one address holds at most MaxConnsPerClient
	// connections on each listener.
	go func() { errc <- srv.Serve(edge.LimitConns(ls.API, int(a.cfg.MaxConnsPerClient))) }()
	// edgeDone stays nil (never ready in a select) when there is no edge.
	var edgeDone chan error
	edgeCtx, stopEdge := context.WithCancel(context.Background())
	defer stopEdge()
	if ls.TLS != nil {
		if _, port, err := net.SplitHostPort(ls.TLS.Addr().String()); err == nil && port != "443" {
			a.edgePort.Store(port)
		}
		edgeDone = make(chan error, 1)
		go func() { edgeDone <- a.edge.Serve(edgeCtx, ls.TLS, a.sites.Edge(), a.cfg.ShutdownTimeout) }()
	}
	a.ready.Store(true)
	var serveErr error
	select {
	case serveErr = <-errc:
	case serveErr = <-edgeDone:
		edgeDone <- serveErr
	case <-ctx.Done():
	}
	a.ready.Store(false)
	a.log.Info("shutting down: finishing in-flight requests", "timeout", a.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	stopEdge()
	err := srv.Shutdown(sctx)
	if edgeDone != nil {
		if eerr := <-edgeDone; eerr != nil && !errors.Is(eerr, http.ErrServerClosed) && err == nil {
			err = fmt.Errorf("edge: %w", eerr)
		}
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// DataPath is where the embedded database lives ("" for external ones).
func (a *App) DataPath() string { return a.dataPath }

func registerEdgeMetrics(reg prometheus.Registerer, e *edge.Edge) {
	reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "gognito_edge_handshakes_total", Help: "TLS handshakes that asked the edge for a certificate."},
			func() float64 { h, _, _ := e.Stats(); return float64(h) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "gognito_edge_handshakes_refused_total", Help: "TLS handshakes refused for a name the edge does not serve."},
			func() float64 { _, r, _ := e.Stats(); return float64(r) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "gognito_edge_load_errors_total", Help: "Certificate loads that failed (the last good certificate was kept)."},
			func() float64 { _, _, l := e.Stats(); return float64(l) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gognito_edge_sites", Help: "Host names the edge serves."},
			func() float64 { return float64(e.Len()) }),
	)
}

// checkSecretKey makes sure this node's secret key is the one the database's
// secrets were sealed with: the first node to start records a sealed marker,
// and a node with another key refuses to start rather than fail later on
// every sealed value (or, worse, seal new ones no other node can open).
func checkSecretKey(ctx context.Context, st store.Store, sealer *secrets.Sealer, path string) error {
	const key, aad = "secret-key-check", "gognito secret key check"
	stored, err := st.PutValueIfAbsent(ctx, key, sealer.Seal([]byte("ok"), []byte(aad)))
	if err != nil {
		return err
	}
	if _, err := sealer.Open(stored, []byte(aad)); err != nil {
		return fmt.Errorf("the secret key %s is not the key this database's secrets were sealed with: every node of one database must use the same secret-key-file", path)
	}
	return nil
}

package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gognito/gognito/internal/api"
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlite"
	"github.com/gognito/gognito/internal/userpool"
)

// Version is set at build time (-ldflags "-X .../internal/app.Version=...").
var Version = "dev"

// App is one gognito server.
type App struct {
	cfg      config.Config
	log      *slog.Logger
	store    store.Store
	handler  http.Handler
	cognito  *api.Service
	ready    atomic.Bool
	dataPath string
}

// New opens the store and builds the services. Close releases them.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, path, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: log, store: st, dataPath: path}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := api.NewMetrics(reg)

	pools := userpool.New(st, userpool.Options{Region: cfg.Region, AccountID: cfg.AccountID})
	a.cognito = newCognitoService(pools)
	front := api.NewServer(api.Options{Logger: log, Metrics: metrics, MaxBodyBytes: cfg.MaxBodyBytes}, a.cognito)

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
	mux.Handle("GET /_gognito/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("/", front)
	a.handler = mux
	return a, nil
}

func openStore(ctx context.Context, cfg config.Config) (store.Store, string, error) {
	dsn := cfg.DatabaseDSN()
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return nil, "", errors.New("the PostgreSQL backend is not built yet; use the default SQLite store")
	default:
		path := strings.TrimPrefix(dsn, "sqlite://")
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, "", err
		}
		return st, path, nil
	}
}

// Handler is the API listener's handler.
func (a *App) Handler() http.Handler { return a.handler }

// Store is the app's store (for tests and tools).
func (a *App) Store() store.Store { return a.store }

// CognitoService is the cognito-idp operation table (for docs and tests).
func (a *App) CognitoService() *api.Service { return a.cognito }

// Close closes the store.
func (a *App) Close() error { return a.store.Close() }

// Serve serves the API on ln until ctx ends, then lets in-flight requests
// finish (up to the shutdown timeout). started, when set, is called once the
// server accepts requests.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.ready.Store(true)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.ready.Store(false)
	a.log.Info("shutting down: finishing in-flight requests", "timeout", a.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// DataPath is where the embedded database lives ("" for external ones).
func (a *App) DataPath() string { return a.dataPath }

// Command gognito runs the gognito identity provider: a self-hosted server
// that speaks the Amazon Cognito user pools API.
//
//	gognito [serve] [flags]   run the server (the default command)
//	gognito ca [flags]        print the local CA's root certificate (PEM)
//	gognito check [flags]     verify the store's integrity
//	gognito version           print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/storeopen"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

const usage = `gognito: a self-hosted, Cognito-compatible identity provider

Usage:
  gognito [serve] [flags]   run the server (default)
  gognito ca [flags]        print the local CA's root certificate (PEM), to trust
                            what the server's HTTPS edge serves (curl --cacert)
  gognito check [flags]     verify the integrity of the store (the same
                            --data-dir/--database flags as serve); exits 1
                            and lists the problems if any
  gognito keys rotate|list  rotate user pools' signing keys (published before
                            they sign), or list them (the same --data-dir/
                            --database flags as serve); "gognito keys help"
  gognito version           print the version
  gognito help              this text

Run "gognito serve --help" for the server's flags.
`

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, getenv, stdout, stderr)
	case "ca":
		return printCA(args, getenv, stdout, stderr)
	case "check":
		return check(args, getenv, stdout, stderr)
	case "keys":
		return keysCommand(args, getenv, stdout, stderr)
	case "version":
		fmt.Fprintf(stdout, "gognito %s (%s, %s/%s)\n", app.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "gognito: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}

func serve(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := config.Load("serve", args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "gognito: %v\n", err)
		return 2
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	started := time.Now()
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		log.Error("cannot start", "error", err)
		return 1
	}
	defer func() {
		if err := a.Close(); err != nil {
			log.Error("closing the store", "error", err)
		}
	}()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		log.Error("cannot listen", "address", cfg.Listen, "error", err)
		return 1
	}
	var tlsLn net.Listener
	if cfg.TLSListen != "" {
		tlsLn, err = net.Listen("tcp", cfg.TLSListen)
		if err != nil {
			ln.Close()
			log.Error("cannot listen", "address", cfg.TLSListen, "error", err)
			return 1
		}
	}
	apiURL := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "gognito %s ready in %s\n", app.Version, time.Since(started).Round(time.Millisecond))
	fmt.Fprintf(stdout, "  API (cognito-idp):  %s\n", apiURL)
	if tlsLn != nil {
		fmt.Fprintf(stdout, "  HTTPS edge:         https://%s (user pool domains, by SNI)\n", tlsLn.Addr())
	}
	fmt.Fprintf(stdout, "  prefix domains:     <prefix>.auth.<region>.%s\n", cfg.BaseDomain)
	fmt.Fprintf(stdout, "  local CA:           %s/_gognito/ca.pem (or: gognito ca)\n", apiURL)
	fmt.Fprintf(stdout, "  health, metrics:    %s/_gognito/health  %s/_gognito/metrics\n", apiURL, apiURL)
	if p := a.DataPath(); p != "" {
		fmt.Fprintf(stdout, "  data:               %s (SQLite)\n", p)
	}
	fmt.Fprintf(stdout, "  region, account:    %s, %s\n", cfg.Region, cfg.AccountID)
	if cfg.KeyRotationInterval > 0 {
		fmt.Fprintf(stdout, "  signing keys:       rotated every %s, published %s before they sign\n", cfg.KeyRotationInterval, cfg.KeyPublishDelay)
	}
	if cfg.SignaturesRequired() {
		fmt.Fprintf(stdout, "  request signing:    sigv4 (IAM-authorised operations need a signature from the configured keys)\n")
	} else {
		fmt.Fprintf(stdout, "  request signing:    none (any credentials work; see --auth)\n")
	}
	fmt.Fprintf(stdout, "  try: aws --endpoint-url %s cognito-idp list-user-pools --max-results 10\n", apiURL)
	log.Info("listening", "api", apiURL, "data", a.DataPath())
	if addr := getenv("GOGNITO_PPROF"); addr != "" {
		if err := servePprof(addr, log); err != nil {
			log.Error("cannot serve pprof", "address", addr, "error", err)
			return 1
		}
	}

	if err := a.Serve(ctx, app.Listeners{API: ln, TLS: tlsLn}); err != nil {
		log.Error("server stopped", "error", err)
		return 1
	}
	log.Info("stopped cleanly")
	return 0
}

// servePprof serves the Go profiler (net/http/pprof) on addr, which must be
// a loopback address: GOGNITO_PPROF=127.0.0.1:6060, for profiling only.
func servePprof(addr string, log *slog.Logger) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%q is not a loopback address", host)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Warn("serving the Go profiler", "address", ln.Addr().String())
	go (&http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}).Serve(ln)
	return nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openApp loads the configuration of a command that works on the data
// (the flags of serve) and opens the app on it. On failure, or for
// --help, it returns no app and the exit code.
func openApp(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer) (*app.App, int) {
	cfg, err := config.Load(name, args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil, 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "gognito: %v\n", err)
		return nil, 2
	}
	a, err := app.New(ctx, cfg, nil)
	if err != nil {
		fmt.Fprintf(stderr, "gognito: %v\n", err)
		return nil, 1
	}
	return a, 0
}

// printCA prints the root certificate of the local CA kept in the data
// directory (creating the CA if this is the first start).
func printCA(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	ctx := context.Background()
	a, code := openApp(ctx, "ca", args, getenv, stderr)
	if a == nil {
		return code
	}
	defer a.Close()
	ca, err := a.Certificates().CA(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "gognito: %v\n", err)
		return 1
	}
	stdout.Write(ca.RootPEM())
	return 0
}

// check opens the store the flags name and runs its integrity check. It
// prints OK, or each problem; the exit code is 1 when there are problems or
// the store cannot be opened or read.
func check(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := config.Load("check", args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "gognito: %v\n", err)
		return 2
	}
	dsn := cfg.DatabaseDSN()
	what := "the PostgreSQL database"
	if !storeopen.IsPostgres(dsn) {
		what = storeopen.SQLitePath(dsn)
		if _, err := os.Stat(what); err != nil {
			fmt.Fprintf(stderr, "gognito check: no database: %v\n", err)
			return 1
		}
	}
	ctx := context.Background()
	st, err := storeopen.OpenReadOnly(ctx, dsn)
	if err != nil {
		fmt.Fprintf(stdout, "gognito check: %s: cannot open: %v\n", what, err)
		return 1
	}
	defer st.Close()
	err = st.CheckIntegrity(ctx)
	var ie *store.IntegrityError
	switch {
	case err == nil:
		fmt.Fprintf(stdout, "OK: %s passed the integrity check\n", what)
		return 0
	case errors.As(err, &ie):
		for _, p := range ie.Problems {
			fmt.Fprintf(stdout, "problem: %s\n", p)
		}
		fmt.Fprintf(stdout, "gognito check: %s: %d problems found\n", what, len(ie.Problems))
		return 1
	default:
		fmt.Fprintf(stdout, "gognito check: %s: the check could not run: %v\n", what, err)
		return 1
	}
}

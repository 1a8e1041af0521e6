package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
)

func runArgs(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelpAndUsage(t *testing.T) {
	code, out, _ := runArgs("help")
	if code != 0 || !strings.Contains(out, "hosted-login") || !strings.Contains(out, "gognito-bench run") {
		t.Fatalf("help: %d %q", code, out)
	}
	for _, cmd := range []string{"run", "bound", "startup", "report"} {
		if code, _, errOut := runArgs(cmd, "--help"); code != 0 || !strings.Contains(errOut, "-") {
			t.Errorf("%s --help: %d %q", cmd, code, errOut)
		}
	}
	if code, _, errOut := runArgs("frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("unknown command: %d %q", code, errOut)
	}
	if code, _, errOut := runArgs("run", "--scenarios", "get-user,nope"); code != 2 || !strings.Contains(errOut, `unknown scenario "nope"`) {
		t.Fatalf("unknown scenario: %d %q", code, errOut)
	}
}

// Nothing but loopback is ever driven.
func TestRefusesOtherHosts(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--endpoint", "http://10.1.2.3:9229"},
		{"run", "--endpoint", "https://cognito-idp.us-east-1.amazonaws.com"},
		{"run", "--endpoint", "http://127.0.0.1:9229", "--tls-edge", "example.com:443"},
		{"startup", "--ready-url", "http://192.168.0.1/_gognito/ready", "--", "true"},
	} {
		if code, _, errOut := runArgs(args...); code != 2 || !strings.Contains(errOut, "not a loopback address") {
			t.Errorf("%v: %d %q", args, code, errOut)
		}
	}
	if code, _, _ := runArgs("run", "--endpoint", "http://localhost:1", "--concurrency", "0"); code != 2 {
		t.Errorf("--concurrency 0 accepted")
	}
}

// startGognito serves a real gognito (SQLite) on loopback in this process.
func startGognito(t *testing.T) (api, edge string) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.ShutdownTimeout = 5 * time.Second
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tlsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, app.Listeners{API: ln, TLS: tlsLn}) }()
	t.Cleanup(func() {
		cancel()
		<-done
		a.Close()
	})
	return "http://" + ln.Addr().String(), tlsLn.Addr().String()
}

// TestEveryScenarioAgainstGognito runs each scenario briefly against a real
// server, grows the pool in a second run, measures the bound and writes a
// report twice into a file with hand-written text around it.
func TestEveryScenarioAgainstGognito(t *testing.T) {
	api, edge := startGognito(t)
	dir := t.TempDir()
	statePath := filepath.Join(dir, "state.json")
	for _, size := range []string{"40", "60"} {
		code, out, errOut := runArgs("run", "--endpoint", api, "--tls-edge", edge, "--pool-size", size, "--count", "12", "--duration", "10s",
			"--concurrency", "3", "--state", statePath, "--json", filepath.Join(dir, "run-gognito-"+size+".json"))
		if code != 0 {
			t.Fatalf("run at %s users: %d\n%s\n%s", size, code, out, errOut)
		}
		var results []Result
		if err := readJSON(filepath.Join(dir, "run-gognito-"+size+".json"), &results); err != nil {
			t.Fatal(err)
		}
		if len(results) != len(scenarioFuncs) {
			t.Fatalf("%d results, want one per scenario (%d)", len(results), len(scenarioFuncs))
		}
		for _, r := range results {
			if !r.Supported || r.Errors != 0 || r.Ops != 12 || r.OpsPerSec <= 0 || r.P99ms < r.P50ms || r.PoolSize < 40 || r.Peer != "gognito" {
				t.Errorf("%s at %s users: %+v", r.Scenario, size, r)
			}
		}
	}
	var st state
	if err := readJSON(statePath, &st); err != nil || st.Loaded != 60 || st.Created != 2*(12+1) /* 12 measured and 1 probe per run */ || st.CustomDomain == "" {
		t.Fatalf("state after two runs: %+v %v", st, err)
	}

	if code, out, errOut := runArgs("bound", "--count", "4", "--concurrency", "2", "--json", filepath.Join(dir, "bound.json")); code != 0 || !strings.Contains(out, "auth-srp") {
		t.Fatalf("bound: %d %s %s", code, out, errOut)
	}
	os.WriteFile(filepath.Join(dir, "meta.txt"), []byte("date: today\ncommand: make bench-compare\ngognito peak RSS (MB): 42.5\n"), 0o644)
	doc := filepath.Join(dir, "benchmarks.md")
	os.WriteFile(doc, []byte("# Benchmarks\n\nHand-written.\n"), 0o644)
	for range 2 {
		if code, _, errOut := runArgs("report", "--results", dir, "--out", doc); code != 0 {
			t.Fatalf("report: %d %s", code, errOut)
		}
	}
	b, _ := os.ReadFile(doc)
	text := string(b)
	if !strings.HasPrefix(text, "# Benchmarks\n\nHand-written.\n\n"+beginMarker) || strings.Count(text, beginMarker) != 1 || !strings.HasSuffix(text, endMarker+"\n") {
		t.Fatalf("the generated section is not spliced once after the kept text:\n%s", text)
	}
	for _, want := range []string{"### `hosted-login`", "| gognito | 60 |", "`auth-admin` ≥ 70 % of the cryptographic bound", "| gognito's memory < 100 MB RSS (peak over the run, 60 users at the end) | 42.5 MB | yes |  |", "- date: today"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
}

func TestSpliceSection(t *testing.T) {
	old := []byte("head\n" + beginMarker + "\nold\n" + endMarker + "\ntail\n")
	if got := string(spliceSection(old, "new\n")); got != "head\n"+beginMarker+"\nnew\n"+endMarker+"\ntail\n" {
		t.Fatalf("got %q", got)
	}
}

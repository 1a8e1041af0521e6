package main

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestVersionAndHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"version"}, func(string) string { return "" }, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "gognito ") {
		t.Fatalf("version: %d %q", code, out.String())
	}
	out.Reset()
	if code := run([]string{"serve", "--help"}, func(string) string { return "" }, &out, &errb); code != 0 || !strings.Contains(errb.String(), "-data-dir") {
		t.Fatalf("serve --help: %d %q", code, errb.String())
	}
	if code := run([]string{"frobnicate"}, func(string) string { return "" }, &out, &errb); code != 2 {
		t.Fatalf("unknown command exit %d", code)
	}
	dir := t.TempDir()
	out.Reset()
	if code := run([]string{"ca", "--data-dir", dir}, func(string) string { return "" }, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("ca: %d %q %q", code, out.String(), errb.String())
	}
	first := out.String()
	out.Reset()
	if run([]string{"ca", "--data-dir", dir}, func(string) string { return "" }, &out, &errb); out.String() != first {
		t.Fatal("gognito ca printed another CA the second time: the CA must be kept in the store")
	}
	if code := run([]string{"serve", "--region", "mars"}, func(string) string { return "" }, &out, &errb); code != 2 {
		t.Fatalf("bad region exit %d", code)
	}
}

// TestServeWithoutEdge: with --tls-listen "" the server still serves (and
// stops only when told to).
func TestServeWithoutEdge(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "gognito")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--tls-listen", "")
	cmd.Dir = dir
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stdout)
	url := ""
	for sc.Scan() {
		if m := regexp.MustCompile(`API \(cognito-idp\):\s+(http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
			break
		}
	}
	time.Sleep(300 * time.Millisecond)
	resp, err := http.Get(url + "/_gognito/health")
	if err != nil {
		t.Fatalf("the server without an edge is not serving: %v\n%s", err, stderr.String())
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("health %d", resp.StatusCode)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v", err)
	}
}

// TestServeBinary builds the real binary, starts it on a free port, checks
// what it prints and that it serves, then stops it with SIGTERM and expects a
// clean exit.
// buildBinary builds gognito into dir.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "gognito")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// node is a gognito process started by a test.
type node struct {
	cmd     *exec.Cmd
	url     string   // the API listener, from the start-up output
	edge    string   // the HTTPS edge's host:port, from the start-up output
	printed []string // the start-up output
	stderr  *bytes.Buffer
}

// startNode runs `gognito serve args...` in dir and waits for its start-up
// output. The process dies with ctx.
func startNode(t *testing.T, ctx context.Context, bin, dir string, env []string, args ...string) *node {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, append([]string{"serve"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	stdout, _ := cmd.StdoutPipe()
	n := &node{cmd: cmd, stderr: &bytes.Buffer{}}
	cmd.Stderr = n.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		n.printed = append(n.printed, line)
		if m := apiLine.FindStringSubmatch(line); m != nil {
			n.url = m[1]
		}
		if m := edgeLine.FindStringSubmatch(line); m != nil {
			n.edge = m[1]
		}
		if strings.Contains(line, "try:") {
			break
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	return n
}

var edgeLine = regexp.MustCompile(`HTTPS edge:\s+https://(\S+)`)

var apiLine = regexp.MustCompile(`API \(cognito-idp\):\s+(http://\S+)`)

func TestServeBinary(t *testing.T) {
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	n := startNode(t, ctx, bin, dir, []string{"GOGNITO_LOG_FORMAT=json"}, "--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0")
	cmd, url, printed, stderr := n.cmd, n.url, n.printed, n.stderr
	all := strings.Join(printed, "\n")
	if url == "" || !strings.Contains(all, filepath.Join("data", "gognito.db")) || !strings.Contains(all, "HTTPS edge:") {
		t.Fatalf("start-up output lacks the API address or the data path:\n%s", all)
	}
	resp, err := http.Post(url+"/", "application/x-amz-json-1.1", strings.NewReader(`{"PoolName":"bin"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 { // no X-Amz-Target: UnknownOperationException
		t.Fatalf("status %d", resp.StatusCode)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "stopped cleanly") {
		t.Fatalf("no clean stop logged:\n%s", stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "gognito.db")); err != nil {
		t.Fatalf("no database in ./data: %v", err)
	}
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Startup is how long a server took from exec to answering ready.
type Startup struct {
	Command   []string `json:"command"`
	StartupMS float64  `json:"startup_ms"`
}

// startupCommand starts a server, polls its readiness URL every 2 ms until it
// answers 200, then stops it (SIGTERM, SIGKILL after 20 s).
func startupCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gognito-bench startup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ready := fs.String("ready-url", "http://127.0.0.1:9229/_gognito/ready", "URL that answers 200 once the server is ready (loopback only)")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	jsonPath := fs.String("json", "", "also write the result to this file as JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "gognito-bench startup: the server's command goes after --")
		return 2
	}
	if err := checkLoopbackURL(*ready); err != nil {
		fmt.Fprintf(stderr, "gognito-bench: --ready-url: %v\n", err)
		return 2
	}
	cmd := exec.Command(fs.Arg(0), fs.Args()[1:]...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	hc := &http.Client{Timeout: time.Second}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "gognito-bench: %v\n", err)
		return 1
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer stop(cmd, exited)
	for {
		if resp, err := hc.Get(*ready); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-exited:
			exited <- err
			fmt.Fprintf(stderr, "gognito-bench: the server exited before it was ready: %v\n", err)
			return 1
		case <-time.After(2 * time.Millisecond):
		}
		if time.Since(start) > *timeout {
			fmt.Fprintf(stderr, "gognito-bench: not ready after %s\n", *timeout)
			return 1
		}
	}
	r := Startup{Command: fs.Args(), StartupMS: float64(time.Since(start).Microseconds()) / 1000}
	fmt.Fprintf(stdout, "ready in %.1f ms\n", r.StartupMS)
	if err := writeJSON(*jsonPath, r); err != nil {
		fmt.Fprintf(stderr, "gognito-bench: %v\n", err)
		return 1
	}
	return 0
}

func stop(cmd *exec.Cmd, exited chan error) {
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// Share is the part of a server's CPU samples spent in one kind of work.
type Share struct {
	What    string  `json:"what"`
	Percent float64 `json:"percent"`
}

// categories name the kinds of work a sample can be in, by the package of
// the innermost frame that is not the Go runtime, a system call or
// another internal package (so an allocation made while decoding JSON
// counts as JSON, a write to a socket as HTTP).
var categories = []struct {
	what     string
	prefixes []string
}{
	{"cryptography (RSA, SRP, TLS handshakes)", []string{"crypto/", "math/big.", "vendor/golang.org/x/crypto/", "golang.org/x/crypto/"}},
	{"JWT parsing (go-jose)", []string{"github.com/go-jose/"}},
	{"SQLite and database/sql", []string{"modernc.org/", "database/sql"}},
	{"JSON", []string{"encoding/json."}},
	{"HTTP and sockets", []string{"net/", "net.", "bufio."}},
	{"regular expressions (request validation)", []string{"regexp."}},
	{"gognito's own code", []string{"github.com/gognito/gognito/"}},
}

// categorize returns the kind of work of one sample's stack (leaf first).
func categorize(funcs []string) string {
	gc := false
	for _, f := range funcs {
		if strings.HasPrefix(f, "runtime.gcBgMarkWorker") || strings.HasPrefix(f, "runtime.bgsweep") || strings.HasPrefix(f, "runtime.bgscavenge") {
			gc = true
		}
		if strings.HasPrefix(f, "runtime.") || strings.HasPrefix(f, "internal/") || strings.HasPrefix(f, "syscall.") || strings.HasPrefix(f, "sync.") || strings.HasPrefix(f, "sync/") {
			continue
		}
		for _, c := range categories {
			for _, p := range c.prefixes {
				if strings.HasPrefix(f, p) {
					return c.what
				}
			}
		}
		return "other libraries (reflect, strings, time, fmt…)"
	}
	if gc {
		return "garbage collection"
	}
	return "Go runtime (scheduler, allocation, idle)"
}

// shares sums a CPU profile's samples by kind of work, largest first.
func shares(p *profile.Profile) []Share {
	sums := map[string]int64{}
	var total int64
	for _, s := range p.Sample {
		if len(s.Value) < 2 {
			continue
		}
		v := s.Value[1] // cpu nanoseconds
		var funcs []string
		for _, loc := range s.Location {
			for _, l := range loc.Line {
				if l.Function != nil {
					funcs = append(funcs, l.Function.Name)
				}
			}
		}
		sums[categorize(funcs)] += v
		total += v
	}
	var out []Share
	for what, v := range sums {
		if total > 0 {
			out = append(out, Share{What: what, Percent: 100 * float64(v) / float64(total)})
		}
	}
	slices.SortFunc(out, func(a, b Share) int {
		if a.Percent != b.Percent {
			return int(b.Percent*1000) - int(a.Percent*1000)
		}
		return strings.Compare(a.What, b.What)
	})
	return out
}

// startProfile asks the server's net/http/pprof for a CPU profile over
// the coming d; wait returns where it was written and its shares.
func (b *bench) startProfile(ctx context.Context, scenario string, d time.Duration) (wait func() (string, []Share, error)) {
	if b.pprofURL == "" {
		return func() (string, []Share, error) { return "", nil, nil }
	}
	secs := max(1, int(d.Seconds())-1)
	type answer struct {
		path   string
		shares []Share
		err    error
	}
	done := make(chan answer, 1)
	go func() {
		path, sh, err := b.fetchProfile(ctx, scenario, secs)
		done <- answer{path, sh, err}
	}()
	return func() (string, []Share, error) {
		a := <-done
		return a.path, a.shares, a.err
	}
}

func (b *bench) fetchProfile(ctx context.Context, scenario string, secs int) (string, []Share, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(secs+30)*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", b.pprofURL, secs), nil)
	if err != nil {
		return "", nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("CPU profile: %d %v", resp.StatusCode, err)
	}
	p, err := profile.Parse(bytes.NewReader(data))
	if err != nil {
		return "", nil, fmt.Errorf("CPU profile: %w", err)
	}
	path := ""
	if b.profileDir != "" {
		path = filepath.Join(b.profileDir, fmt.Sprintf("%s-%s-%d.pprof", b.peer, scenario, b.poolSize))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return "", nil, err
		}
	}
	return path, shares(p), nil
}

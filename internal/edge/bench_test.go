package edge

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"
)

// BenchmarkLookup measures the per-handshake certificate lookup with 1 and
// with 10,000 custom domains: it must not grow with the number of domains.
func BenchmarkLookup(b *testing.B) {
	ca := newTestCA(b)
	cert := ca.leaf(b, "shared.example.test")
	for _, n := range []int{1, 10_000} {
		b.Run(fmt.Sprintf("domains=%d", n), func(b *testing.B) {
			sites := make([]Site, 0, n)
			for i := range n {
				name := fmt.Sprintf("auth%d.example.test", i)
				sites = append(sites, Site{Name: name, Version: "1", CertificateARN: fmt.Sprintf("arn:%d", i), Certificate: cert})
			}
			e := New(nil)
			e.Replace(sites)
			h := hello(fmt.Sprintf("auth%d.example.test", n/2))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := e.GetCertificate(h); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHandshake measures full TLS handshakes (fresh connections, no
// resumption) against the edge over loopback, with 1 and 10,000 domains.
func BenchmarkHandshake(b *testing.B) {
	ca := newTestCA(b)
	for _, n := range []int{1, 10_000} {
		b.Run(fmt.Sprintf("domains=%d", n), func(b *testing.B) {
			cert := ca.leaf(b, "*.example.test")
			sites := make([]Site, 0, n)
			for i := range n {
				name := fmt.Sprintf("auth%d.example.test", i)
				sites = append(sites, Site{Name: name, Version: "1", Certificate: cert})
			}
			e := New(nil)
			e.Replace(sites)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- e.Serve(ctx, ln, http.NotFoundHandler(), time.Second) }()
			defer func() { cancel(); <-done }()
			cfg := &tls.Config{ServerName: fmt.Sprintf("auth%d.example.test", n/2), RootCAs: ca.pool}
			b.ResetTimer()
			for b.Loop() {
				c, err := tls.Dial("tcp", ln.Addr().String(), cfg)
				if err != nil {
					b.Fatal(err)
				}
				c.Close()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "handshakes/s")
		})
	}
}

package app_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/gognito/gognito/internal/app"
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/sdkhttp"
)

type testServer struct {
	URL      string // the API listener
	EdgeAddr string // the HTTPS edge, host:port
	App      *app.App
	stop     func()
}

// startServer runs a real server on a free loopback port with its data in dir.
func startServer(t testing.TB, dir string) *testServer {
	t.Helper()
	return startServerWith(t, dir, nil)
}

// startServerWith is startServer with a hook to change the configuration.
func startServerWith(t testing.TB, dir string, change func(*config.Config)) *testServer {
	t.Helper()
	return startServerOpts(t, dir, change)
}

// startServerOpts is startServerWith with options for app.New.
func startServerOpts(t testing.TB, dir string, change func(*config.Config), opts ...app.Option) *testServer {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.Listen = "127.0.0.1:0"
	cfg.ShutdownTimeout = 5 * time.Second
	if change != nil {
		change(&cfg)
	}
	var logOut io.Writer = io.Discard
	if os.Getenv("GOGNITO_TEST_LOG") != "" {
		logOut = os.Stderr
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(logOut, nil)), opts...)
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
	ts := &testServer{URL: "http://" + ln.Addr().String(), EdgeAddr: tlsLn.Addr().String(), App: a}
	stopped := false
	ts.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if err := a.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}
	t.Cleanup(ts.stop)
	return ts
}

// client is an aws-sdk-go-v2 client for the server. With noValidation the
// SDK's own client-side checks are removed, so invalid requests reach the
// server.
func (ts *testServer) client(region string, noValidation bool) *cognito.Client {
	return cognito.New(cognito.Options{
		Region:           region,
		BaseEndpoint:     aws.String(ts.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDGOGNITOTEST", "secret", ""),
		RetryMaxAttempts: 1,
		HTTPClient:       testHTTPClient,
	}, func(o *cognito.Options) {
		if noValidation {
			o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
				_, err := s.Initialize.Remove("OperationInputValidation")
				return err
			})
		}
	})
}

// testHTTPClient is the HTTP client of the SDK clients in these tests. It
// hands the transport a plain in-memory copy of each request body. With the
// SDK's own body wrapper, which the SDK closes as soon as a response arrives,
// a keep-alive connection was occasionally closed by the transport's write
// loop while the (large) response body was still being read, when client and
// server share one process and its garbage collector ("use of closed network
// connection" after some hundreds of ListUsers calls; not seen with the
// plain net/http client, nor with keep-alives off). Copying the body keeps
// the tests about the server.
var testHTTPClient = &http.Client{Transport: sdkhttp.BufferedBodies{Next: http.DefaultTransport}}

// wantAPIError asserts err is the AWS error typ, and that the message contains
// want when want is not empty.
func wantAPIError(t testing.TB, err error, typ, want string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", typ, err)
	}
	if ae.ErrorCode() != typ {
		t.Fatalf("want %s, got %s: %s", typ, ae.ErrorCode(), ae.ErrorMessage())
	}
	if !strings.Contains(ae.ErrorMessage(), want) {
		t.Fatalf("%s message %q does not contain %q", typ, ae.ErrorMessage(), want)
	}
}

func must[T any](t testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/ratelimit"
	"github.com/gognito/gognito/internal/reqctx"
	"github.com/gognito/gognito/internal/wire"
)

// Server serves one or more Services on POST /.
type Server struct {
	services     map[string]*Service
	log          *slog.Logger
	metrics      *Metrics
	maxBodyBytes int64
	limiter      *ratelimit.Limiter
	region       string
	auth         Authenticator
	clk          clock.Clock
}

// Options configure a Server.
type Options struct {
	Logger       *slog.Logger
	Metrics      *Metrics
	MaxBodyBytes int64
	// Limiter throttles operations by quota category (nil: no limits);
	// Region is the Region of requests whose signature names none.
	Limiter *ratelimit.Limiter
	Region  string
	// Authenticator, when set, checks every request to an operation the
	// service authorises with IAM (wire.AuthSigV4) before it is decoded.
	Authenticator Authenticator
	// Clock is the time the limiter's buckets fill by (nil: the system's).
	Clock clock.Clock
}

// Authenticator checks that a request, whose body is body, is signed for the
// service named signingName, and returns the Region of its credential scope
// (verified with the signature). Its errors are AWS errors to answer with.
type Authenticator interface {
	Authenticate(r *http.Request, body []byte, signingName string) (region string, err error)
}

// NewServer builds the front door for the services.
func NewServer(opts Options, services ...*Service) *Server {
	s := &Server{services: map[string]*Service{}, log: opts.Logger, metrics: opts.Metrics, maxBodyBytes: opts.MaxBodyBytes,
		limiter: opts.Limiter, region: opts.Region, auth: opts.Authenticator, clk: clock.Or(opts.Clock)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.maxBodyBytes <= 0 {
		s.maxBodyBytes = 1 << 20
	}
	for _, svc := range services {
		s.services[svc.Prefix] = svc
	}
	return s
}

const (
	corsAllowHeaders  = "authorization, content-type, x-amz-target, x-amz-date, x-amz-security-token, x-amz-user-agent, x-amz-content-sha256, amz-sdk-invocation-id, amz-sdk-request, cache-control"
	corsExposeHeaders = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date"
)

// ServeHTTP implements the AWS JSON protocol.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := newRequestID()
	h := w.Header()
	h.Set("x-amzn-RequestId", reqID)

	if r.Method == http.MethodOptions {
		// A preflight names no operation: it is answered, and the request
		// that follows gets a grant only for an operation it may make.
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
			h.Set("Access-Control-Allow-Headers", req)
		} else {
			h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
		}
		h.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusOK)
		return
	}

	ctx := reqctx.WithRequestID(r.Context(), reqID)
	if region := regionFromAuthorization(r.Header.Get("Authorization")); region != "" {
		ctx = reqctx.WithRegion(ctx, region)
	}

	svcName, opName := "unknown", "unknown"
	var result any
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		var svc *Service
		var ep *endpoint
		svc, ep, err = s.route(r)
		if err == nil {
			svcName, opName = svc.Name, ep.op.Name
			err = s.checkOrigin(r, ep)
			if err != nil {
				return
			}
		}
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		if err != nil {
			return
		}
		result, err = s.call(ctx, r, svc, ep)
	}()

	status := http.StatusOK
	errType := ""
	var body []byte
	if err != nil {
		ae, ok := awserr.As(err)
		if !ok {
			s.log.ErrorContext(ctx, "internal error", "request_id", reqID, "operation", opName, "error", err)
			ae = awserr.New(awserr.InternalError, "Internal server error.")
		}
		status, errType = ae.HTTPStatus(), ae.Type()
		body = errorBody(ae)
		h.Set("x-amzn-ErrorType", ae.Type())
	} else {
		body, err = json.Marshal(result)
		if err != nil {
			s.log.ErrorContext(ctx, "encoding response", "request_id", reqID, "operation", opName, "error", err)
			status, errType = 500, awserr.InternalError
			body = errorBody(awserr.New(awserr.InternalError, "Internal server error."))
			h.Set("x-amzn-ErrorType", awserr.InternalError)
		}
	}
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)

	elapsed := time.Since(start)
	if s.metrics != nil {
		s.metrics.observe(svcName, opName, errType, elapsed)
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "request",
		slog.String("request_id", reqID), slog.String("service", svcName), slog.String("operation", opName),
		slog.Int("status", status), slog.String("error_type", errType), slog.Duration("duration", elapsed))
}

// checkOrigin refuses, in unsigned mode, a cross-origin call of an
// operation AWS authorises with IAM: without signatures nothing else stops
// any web page a developer opens from administering gognito through the
// browser. Such a request is answered as AWS answers an unsigned admin call
// (MissingAuthenticationTokenException), before it does anything, and gets no
// CORS grant. The operations browsers call on Cognito (caller None or an
// access token) stay open to every origin, as in Cognito; with signatures
// on, the signature protects every admin call.
func (s *Server) checkOrigin(r *http.Request, ep *endpoint) error {
	if s.auth != nil || ep.op.Auth != wire.AuthSigV4 {
		return nil
	}
	origin := r.Header.Values("Origin")
	if len(origin) == 0 || sameOrigin(origin[0], r.Host) && len(origin) == 1 {
		return nil
	}
	s.log.Warn("refused a cross-origin call of an IAM-authorised operation in unsigned mode",
		"operation", ep.op.Name, "origin", printable(origin[0]))
	return awserr.New(awserr.MissingAuthenticationToken, "Missing Authentication Token")
}

// sameOrigin reports whether origin ("http://host:port") names the host the
// request was sent to.
func sameOrigin(origin, host string) bool {
	scheme, rest, ok := strings.Cut(origin, "://")
	if !ok || scheme != "http" && scheme != "https" || rest == "" || strings.ContainsAny(rest, "/?#@") {
		return false
	}
	return strings.EqualFold(rest, host)
}

func errorBody(e *awserr.Error) []byte {
	m := map[string]string{"__type": e.Type(), "message": e.Message()}
	if rc := e.ReasonCode(); rc != "" {
		m["reasonCode"] = rc
	}
	b, _ := json.Marshal(m)
	return b
}

func (s *Server) route(r *http.Request) (*Service, *endpoint, error) {
	if r.Method != http.MethodPost {
		return nil, nil, awserr.New(awserr.UnknownOperation, "Only POST requests are supported.")
	}
	target := r.Header.Get("X-Amz-Target")
	prefix, op, ok := strings.Cut(target, ".")
	if !ok || op == "" {
		return nil, nil, awserr.New(awserr.UnknownOperation, "Missing or malformed X-Amz-Target header.")
	}
	svc := s.services[prefix]
	if svc == nil {
		return nil, nil, awserr.Newf(awserr.UnknownOperation, "Unknown service %s.", printable(prefix))
	}
	ep := svc.ops[op]
	if ep == nil {
		return nil, nil, awserr.Newf(awserr.UnknownOperation, "Operation %s is not supported by %s.", printable(op), svc.Name)
	}
	return svc, ep, nil
}

// printable keeps an echoed header value short and free of control bytes.
func printable(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return -1
		}
		return r
	}, s)
}

func (s *Server) call(ctx context.Context, r *http.Request, svc *Service, ep *endpoint) (any, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		switch {
		case err != nil:
			return nil, awserr.New(awserr.Serialization, "Unsupported Content-Type.")
		case mt == "application/x-amz-json-1.1", mt == "application/x-amz-json-1.0", mt == "application/json":
		default:
			return nil, awserr.Newf(awserr.Serialization, "Unsupported Content-Type %s.", printable(mt))
		}
	}
	if r.ContentLength > s.maxBodyBytes {
		return nil, awserr.New(awserr.RequestEntityTooLarge, "Request body is too large.")
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, s.maxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, awserr.New(awserr.RequestEntityTooLarge, "Request body is too large.")
		}
		return nil, awserr.New(awserr.Serialization, "The request body could not be read.")
	}
	// The quota bucket is the configured Region's unless a signature was
	// verified: a credential scope that nobody checked is the caller's word,
	// and a new made-up Region per request would never be throttled.
	bucket := s.region
	if s.auth != nil && ep.op.Auth == wire.AuthSigV4 {
		region, err := s.auth.Authenticate(r, raw, svc.SigningName)
		if err != nil {
			return nil, err
		}
		if region != "" {
			bucket = region
		}
	}
	ctx = reqctx.WithQuotaRegion(ctx, bucket)
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte("{}")
	}
	body, err := decodeObject(raw)
	if err != nil {
		return nil, err
	}
	var opts *wire.ValidateOptions
	if ep.skipPattern != nil {
		if f := ep.skipPattern(body); f != nil {
			opts = &wire.ValidateOptions{SkipPattern: f}
		}
	}
	// An operation without an input shape (ACM's GetAccountConfiguration)
	// takes an empty object; members sent to it are ignored, as AWS does.
	if ep.op.Input != "" {
		violations, err := wire.Validate(svc.Shapes, ep.op.Input, body, opts)
		if err != nil {
			return nil, awserr.New(awserr.Serialization, err.Error())
		}
		if len(violations) > 0 {
			return nil, awserr.New(svc.ValidationError, wire.FormatViolations(violations))
		}
	}
	if svc.RateLimited && !s.limiter.Allow(bucket, ep.op.Name, s.clk.Now()) {
		return nil, awserr.New(awserr.TooManyRequests, "Rate exceeded")
	}
	if ep.handler == nil {
		return nil, awserr.Newf(awserr.UnsupportedOperation, "gognito does not implement %s yet.", ep.op.Name)
	}
	if svc.Guard != nil {
		if err := svc.Guard(ctx, ep.op, body); err != nil {
			return nil, err
		}
	}
	return ep.handler(ctx, raw)
}

// decodeObject parses a request body that must be one JSON object.
func decodeObject(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, awserr.New(awserr.Serialization, "The request body is not valid JSON.")
	}
	if dec.More() {
		return nil, awserr.New(awserr.Serialization, "The request body is not valid JSON.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, awserr.New(awserr.Serialization, "The request body is not valid JSON.")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, awserr.New(awserr.Serialization, "The request body must be a JSON object.")
	}
	return m, nil
}

// regionFromAuthorization reads the Region of a SigV4 credential scope:
// "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-west-2/cognito-idp/aws4_request, ...".
func regionFromAuthorization(h string) string {
	i := strings.Index(h, "Credential=")
	if i < 0 {
		return ""
	}
	cred := h[i+len("Credential="):]
	if j := strings.IndexAny(cred, ", "); j >= 0 {
		cred = cred[:j]
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return ""
	}
	region := parts[2]
	for _, c := range region {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return ""
		}
	}
	if len(region) == 0 || len(region) > 32 {
		return ""
	}
	return region
}

func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

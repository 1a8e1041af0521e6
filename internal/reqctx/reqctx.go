// Package reqctx carries per-request facts (request id, Region, caller
// credentials) through a context.Context, so domain packages can read them
// without depending on the transport.
package reqctx

import "context"

type key int

const (
	requestIDKey key = iota
	regionKey
	quotaRegionKey
)

// WithRequestID returns ctx carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID is the request id, or "".
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// WithRegion returns ctx carrying the Region the request addressed.
func WithRegion(ctx context.Context, region string) context.Context {
	return context.WithValue(ctx, regionKey, region)
}

// Region is the Region the request addressed, or def when none was set.
func Region(ctx context.Context, def string) string {
	if s, _ := ctx.Value(regionKey).(string); s != "" {
		return s
	}
	return def
}

// WithQuotaRegion returns ctx carrying the Region whose request-rate quotas
// the request counts against: the signed Region when a signature was
// verified, else the server's.
func WithQuotaRegion(ctx context.Context, region string) context.Context {
	return context.WithValue(ctx, quotaRegionKey, region)
}

// QuotaRegion is the Region of the request's quotas, or def when none was set.
func QuotaRegion(ctx context.Context, def string) string {
	if s, _ := ctx.Value(quotaRegionKey).(string); s != "" {
		return s
	}
	return def
}

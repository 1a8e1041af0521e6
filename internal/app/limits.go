package app

import (
	"context"
	"log/slog"

	"github.com/gognito/gognito/internal/api"
	"github.com/gognito/gognito/internal/cluster"
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/ratelimit"
)

// newQuotas builds the provisioned limits on the store's values: it applies
// the stored ones to the limiter (a restarted node keeps them), announces
// its changes and applies the other nodes'.
func newQuotas(ctx context.Context, values ratelimit.Values, limiter *ratelimit.Limiter, cfg config.Config, log *slog.Logger, cl *cluster.Cluster) *ratelimit.Quotas {
	factor := cfg.ProvisionedLimitFactor
	if factor == 0 {
		factor = ratelimit.DefaultMaxFactor
	}
	q := ratelimit.NewQuotas(values, ratelimit.QuotaOptions{Limiter: limiter, Region: cfg.Region, MaxFactor: factor, Log: log,
		Announce: func(key string) { cl.Announce(ratelimit.ChangeTopic, key) }})
	if err := q.Load(ctx); err != nil {
		log.Warn("ratelimit: loading provisioned limits", "error", err)
	}
	cl.Subscribe(ratelimit.ChangeTopic, q.Changed)
	return q
}

// registerLimits registers GetProvisionedLimit and UpdateProvisionedLimit.
func registerLimits(s *api.Service, q *ratelimit.Quotas) {
	api.Handle(s, "GetProvisionedLimit", q.GetProvisionedLimit).
		Notes("LimitClass API_CATEGORY with Attributes {Category: <Cognito category>}; the rate provisioned in the request's Region, else the configured one (--rate-limits), else Cognito's default.")
	api.Handle(s, "UpdateProvisionedLimit", q.UpdateProvisionedLimit).
		Notes("Between Cognito's default and --provisioned-limit-factor times it; applied at once on every node; enforced while --rate-limits is on.")
}

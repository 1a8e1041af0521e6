package api

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts requests by service, operation and error type, and times
// them.
type Metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// NewMetrics registers the request metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gognito_api_requests_total",
			Help: "API requests by service, operation and AWS error type (empty for success).",
		}, []string{"service", "operation", "error_type"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gognito_api_request_duration_seconds",
			Help:    "API request latency by service and operation.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"service", "operation"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

func (m *Metrics) observe(service, op, errType string, d time.Duration) {
	m.requests.WithLabelValues(service, op, errType).Inc()
	m.latency.WithLabelValues(service, op).Observe(d.Seconds())
}

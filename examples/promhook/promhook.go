package promhook

import (
	"context"
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scopegate/scopegate/examples/guard"
)

// ErrNoRegisterer is returned by New without a registerer.
var ErrNoRegisterer = errors.New("promhook: no registerer")

// Unmatched is the route label of decisions on requests that matched no
// endpoint.
const Unmatched = "unmatched"

// DefaultBuckets are the latency histogram's bucket bounds, in seconds:
// from 10 µs to about 160 ms, by factors of 4. A decision from memory
// takes microseconds; one that reads a store, milliseconds.
var DefaultBuckets = prometheus.ExponentialBuckets(10e-6, 4, 8)

// An Option configures an Observer.
type Option func(*config)

type config struct {
	namespace string
	buckets   []float64
	constant  prometheus.Labels
}

// WithNamespace prefixes the metrics' names: "myapp" gives
// myapp_scopegate_decisions_total.
func WithNamespace(ns string) Option { return func(c *config) { c.namespace = ns } }

// WithBuckets sets the latency histogram's bucket bounds, in seconds.
func WithBuckets(b []float64) Option { return func(c *config) { c.buckets = b } }

// WithConstLabels adds labels with fixed values to every series, such as
// the service's name.
func WithConstLabels(l prometheus.Labels) Option { return func(c *config) { c.constant = l } }

// An Observer counts a guard's decisions for Prometheus. Add it with
// guard.WithObserver. It is safe for concurrent use; a nil Observer
// observes nothing.
type Observer struct {
	decisions *prometheus.CounterVec
	duration  prometheus.Histogram
}

// New returns an Observer whose metrics are registered with reg:
//
//	scopegate_decisions_total{code, route}   counter
//	scopegate_decision_duration_seconds      histogram
//
// code is the decision's code (ALLOWED, SCOPE_INSUFFICIENT, ...) and
// route the endpoint table's route ("GET /api/v2/users/{userId}"), or
// "unmatched": both come from bounded sets, the codes and the table's
// routes, never from the request's path. New fails when reg is nil or
// refuses the metrics (another collector has their names).
func New(reg prometheus.Registerer, opts ...Option) (*Observer, error) {
	if reg == nil {
		return nil, ErrNoRegisterer
	}
	c := config{buckets: DefaultBuckets}
	for _, opt := range opts {
		if opt != nil {
			opt(&c)
		}
	}
	o := &Observer{
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: c.namespace, Subsystem: "scopegate", Name: "decisions_total", ConstLabels: c.constant,
			Help: "Authorization decisions, by code and by the endpoint table's route.",
		}, []string{"code", "route"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: c.namespace, Subsystem: "scopegate", Name: "decision_duration_seconds", ConstLabels: c.constant, Buckets: c.buckets,
			Help: "How long authorization decisions take, the token's verification included.",
		}),
	}
	for _, col := range []prometheus.Collector{o.decisions, o.duration} {
		if err := reg.Register(col); err != nil {
			return nil, fmt.Errorf("promhook: registering the metrics: %w", err)
		}
	}
	return o, nil
}

// Observe counts one decision and observes its latency. The guard's own
// refusals, which take no time, count but are not timed.
func (o *Observer) Observe(_ context.Context, obs guard.Observation) {
	if o == nil || o.decisions == nil {
		return
	}
	route := obs.Route
	if route == "" {
		route = Unmatched
	}
	o.decisions.WithLabelValues(obs.Code, route).Inc()
	if obs.Elapsed > 0 {
		o.duration.Observe(obs.Elapsed.Seconds())
	}
}

var _ guard.Observer = (*Observer)(nil)

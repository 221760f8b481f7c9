package otelhook

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/scopegate/scopegate/examples/guard"
)

// ErrNoMeterProvider is returned by New without a meter provider.
var ErrNoMeterProvider = errors.New("otelhook: no meter provider")

// ScopeName is the instrumentation scope of the meter.
const ScopeName = "github.com/scopegate/scopegate/examples/otelhook"

// The attribute keys. Route and Code are on the span and on the metrics;
// the others, on the span only.
const (
	RouteKey   = attribute.Key("scopegate.route")
	CodeKey    = attribute.Key("scopegate.code")
	AllowedKey = attribute.Key("scopegate.allowed")
	ClientKey  = attribute.Key("scopegate.client")
	ScopeKey   = attribute.Key("scopegate.scope")
)

// Unmatched is the route of decisions on requests that matched no
// endpoint.
const Unmatched = "unmatched"

// An Observer records a guard's decisions with OpenTelemetry. Add it with
// guard.WithObserver. It is safe for concurrent use; a nil Observer
// observes nothing.
type Observer struct {
	decisions metric.Int64Counter
	duration  metric.Float64Histogram
	// attrs holds the metrics' options of each (route, code) seen, made
	// once: both come from bounded sets.
	mu    sync.RWMutex
	attrs map[key]*options
}

// options are a (route, code)'s measurement options, as the instruments
// take them: passing a slice with "..." copies nothing.
type options struct {
	add    []metric.AddOption
	record []metric.RecordOption
}

type key struct{ route, code string }

// New returns an Observer whose instruments come from mp:
//
//	scopegate.decisions          counter, {decision}, by route and code
//	scopegate.decision.duration  histogram, seconds, by route and code
//
// The route is the endpoint table's ("GET /api/v2/users/{userId}") or
// "unmatched", never the request's path; the code, the decision's. New
// fails when mp is nil or an instrument cannot be made.
func New(mp metric.MeterProvider) (*Observer, error) {
	if mp == nil {
		return nil, ErrNoMeterProvider
	}
	m := mp.Meter(ScopeName)
	decisions, err := m.Int64Counter("scopegate.decisions", metric.WithUnit("{decision}"),
		metric.WithDescription("Authorization decisions, by code and by the endpoint table's route."))
	if err != nil {
		return nil, fmt.Errorf("otelhook: %w", err)
	}
	duration, err := m.Float64Histogram("scopegate.decision.duration", metric.WithUnit("s"),
		metric.WithDescription("How long authorization decisions take, the token's verification included."),
		metric.WithExplicitBucketBoundaries(10e-6, 40e-6, 160e-6, 640e-6, 2.56e-3, 10.24e-3, 40.96e-3, 163.84e-3))
	if err != nil {
		return nil, fmt.Errorf("otelhook: %w", err)
	}
	return &Observer{decisions: decisions, duration: duration}, nil
}

// Observe records one decision: on the request's span, if it is
// recording, the route, the code, whether it was allowed, the client and
// the scope used (never a token or a secret); and in the metrics. The
// guard's own refusals, which take no time, count but are not timed.
func (o *Observer) Observe(ctx context.Context, obs guard.Observation) {
	if o == nil || o.decisions == nil {
		return
	}
	route := obs.Route
	if route == "" {
		route = Unmatched
	}
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		attrs := []attribute.KeyValue{RouteKey.String(route), CodeKey.String(obs.Code), AllowedKey.Bool(obs.Allowed)}
		if obs.Client.IsValid() {
			attrs = append(attrs, ClientKey.String(obs.Client.String()))
		}
		if obs.Scope.IsValid() {
			attrs = append(attrs, ScopeKey.String(obs.Scope.String()))
		}
		span.SetAttributes(attrs...)
	}
	opts := o.options(route, obs.Code)
	o.decisions.Add(ctx, 1, opts.add...)
	if obs.Elapsed > 0 {
		o.duration.Record(ctx, obs.Elapsed.Seconds(), opts.record...)
	}
}

// options returns the measurement options of a route and a code.
func (o *Observer) options(route, code string) *options {
	k := key{route, code}
	o.mu.RLock()
	opts := o.attrs[k]
	o.mu.RUnlock()
	if opts != nil {
		return opts
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if opts = o.attrs[k]; opts == nil {
		set := metric.WithAttributeSet(attribute.NewSet(RouteKey.String(route), CodeKey.String(code)))
		opts = &options{add: []metric.AddOption{set}, record: []metric.RecordOption{set}}
		if o.attrs == nil {
			o.attrs = make(map[key]*options)
		}
		o.attrs[k] = opts
	}
	return opts
}

var _ guard.Observer = (*Observer)(nil)

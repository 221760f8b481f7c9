// Package promhook counts scopegate's decisions for Prometheus, with
// github.com/prometheus/client_golang, the Prometheus project's own Go
// client: an [Observer] of package guard, added to a guard (and so to
// every adapter over it: httpmw, chimw, ginmw, echomw, grpcmw) with
// guard.WithObserver.
//
//	reg := prometheus.NewRegistry()
//	obs, err := promhook.New(reg)
//	g := guard.New(enforcer, verifier, guard.WithObserver(obs))
//	http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
//
// The registry is passed in, never the global one by default. The
// metrics:
//
//	scopegate_decisions_total{code="SCOPE_INSUFFICIENT",route="GET /api/v2/users/{userId}"}
//	scopegate_decision_duration_seconds_bucket{le="..."}
//
// Their labels come from bounded sets: the decision codes, and the routes
// of the endpoint table (or "unmatched"), never the request's path, its
// IDs, the client or the user, so that the number of series stays that of
// the table times the codes. The histogram has no label.
//
// A guard without observers pays nothing for them: it reads no clock and
// builds no observation. An Observer's own cost is measured by
// BenchmarkObserve.
package promhook

package promhook_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/chimw"
	"github.com/scopegate/scopegate/examples/guard"
	"github.com/scopegate/scopegate/examples/internal/adaptertest"
	"github.com/scopegate/scopegate/examples/promhook"
)

// scrape returns the lines of the registry's /metrics page, read over
// HTTP, that are about scopegate.
func scrape(t *testing.T, reg *prometheus.Registry) []string {
	t.Helper()
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var lines []string
	for _, l := range strings.Split(string(body), "\n") {
		if strings.Contains(l, "scopegate_") && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return lines
}

// Requests through an adapter show up on /metrics: one series per code
// and route, with the table's routes, never a path or an ID.
func TestScrape(t *testing.T) {
	reg := prometheus.NewRegistry()
	obs, err := promhook.New(reg)
	require.NoError(t, err)
	f := adaptertest.New(t, adaptertest.Options{Guard: []guard.Option{guard.WithObserver(obs)}})
	r := chi.NewRouter()
	r.Use(chimw.New(f.Guard).Handler)
	r.Get("/api/v2/users/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(r)
	defer srv.Close()

	good := "Bearer " + f.Token("agent", "users:readonly")
	for _, c := range []struct{ path, auth string }{
		{"/api/v2/users/u-home", good},
		{"/api/v2/users/u-home", good},
		{"/api/v2/users/u-sales", good},
		{"/api/v2/users/u-home", ""},
		{"/api/v2/secret-thing/4f9c", good},
	} {
		req, err := http.NewRequest("GET", srv.URL+c.path, nil)
		require.NoError(t, err)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
	}

	lines := scrape(t, reg)
	for _, want := range []string{
		`scopegate_decisions_total{code="ALLOWED",route="GET /api/v2/users/{userId}"} 2`,
		`scopegate_decisions_total{code="PERMISSIONS_INSUFFICIENT",route="GET /api/v2/users/{userId}"} 1`,
		`scopegate_decisions_total{code="TOKEN_MISSING",route="GET /api/v2/users/{userId}"} 1`,
		`scopegate_decisions_total{code="ENDPOINT_UNKNOWN",route="unmatched"} 1`,
		`scopegate_decision_duration_seconds_count 5`,
		`scopegate_decision_duration_seconds_bucket{le="+Inf"} 5`,
	} {
		require.Contains(t, lines, want)
	}
	require.Len(t, lines, 4+len(promhook.DefaultBuckets)+3, "four series of decisions, and the histogram: %q", lines)
	for _, l := range lines {
		for _, leak := range []string{"u-home", "u-sales", "secret-thing", "4f9c", "agent", f.App.ID.String()} {
			require.NotContains(t, l, leak, "labels come from the table and the codes only")
		}
	}
}

func TestOptions(t *testing.T) {
	reg := prometheus.NewRegistry()
	obs, err := promhook.New(reg, promhook.WithNamespace("shop"), promhook.WithBuckets([]float64{0.001}),
		promhook.WithConstLabels(prometheus.Labels{"service": "orders"}))
	require.NoError(t, err)
	obs.Observe(context.Background(), guard.Observation{Route: "GET /v1/orders", Code: "ALLOWED", Elapsed: 2 * time.Millisecond})
	lines := scrape(t, reg)
	require.Contains(t, lines, `shop_scopegate_decisions_total{code="ALLOWED",route="GET /v1/orders",service="orders"} 1`)
	require.Contains(t, lines, `shop_scopegate_decision_duration_seconds_bucket{service="orders",le="0.001"} 0`)
	require.Contains(t, lines, `shop_scopegate_decision_duration_seconds_bucket{service="orders",le="+Inf"} 1`)
}

func TestRefusals(t *testing.T) {
	_, err := promhook.New(nil)
	require.ErrorIs(t, err, promhook.ErrNoRegisterer)

	reg := prometheus.NewRegistry()
	_, err = promhook.New(reg)
	require.NoError(t, err)
	_, err = promhook.New(reg)
	var already prometheus.AlreadyRegisteredError
	require.ErrorAs(t, err, &already, "the same metrics twice in one registry")

	var none *promhook.Observer
	none.Observe(context.Background(), guard.Observation{Code: "ALLOWED"}) // no panic
	(&promhook.Observer{}).Observe(context.Background(), guard.Observation{Code: "ALLOWED"})
}

// BenchmarkObserve is the hook's own cost per decision.
func BenchmarkObserve(b *testing.B) {
	obs, err := promhook.New(prometheus.NewRegistry())
	require.NoError(b, err)
	o := guard.Observation{Route: "GET /api/v2/users/{userId}", Code: "ALLOWED", Status: 200, Allowed: true, Elapsed: 3 * time.Microsecond}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		obs.Observe(ctx, o)
	}
}

// BenchmarkCheck is a decision through the guard without the hook and
// with it.
func BenchmarkCheck(b *testing.B) {
	obs, err := promhook.New(prometheus.NewRegistry())
	require.NoError(b, err)
	for _, bc := range []struct {
		name string
		opts []guard.Option
	}{
		{"none", nil},
		{"promhook", []guard.Option{guard.WithObserver(obs)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			f := adaptertest.New(b, adaptertest.Options{Guard: bc.opts})
			req := &guard.Request{Method: "GET", Path: "/api/v2/users/u-home", Route: "/api/v2/users/{userId}",
				Authorization: []string{"Bearer " + f.Token("agent", "users:readonly")}}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if o := f.Guard.Check(ctx, req); !o.Allowed() {
					b.Fatal(o.Code())
				}
			}
		})
	}
}

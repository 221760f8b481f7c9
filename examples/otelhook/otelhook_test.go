package otelhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/scopegate/scopegate/examples/ginmw"
	"github.com/scopegate/scopegate/examples/guard"
	"github.com/scopegate/scopegate/examples/internal/adaptertest"
	"github.com/scopegate/scopegate/examples/otelhook"
	"github.com/scopegate/scopegate/scope"
)

func init() { gin.SetMode(gin.TestMode) }

// bench is a gin engine behind the middleware, with a span per request
// from a tracer that exports to memory, and a meter provider read by hand.
type bench struct {
	f      *adaptertest.Fixture
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
	srv    *httptest.Server
}

func newBench(t *testing.T) *bench {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	obs, err := otelhook.New(mp)
	require.NoError(t, err)
	f := adaptertest.New(t, adaptertest.Options{Guard: []guard.Option{guard.WithObserver(obs)}})
	tracer := tp.Tracer("test")
	r := gin.New()
	r.Use(func(c *gin.Context) { // what otelgin or otelhttp would do
		ctx, span := tracer.Start(c.Request.Context(), c.Request.Method+" "+c.FullPath())
		defer span.End()
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}, ginmw.New(f.Guard).Handle)
	r.GET("/api/v2/users/:id", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &bench{f: f, spans: spans, reader: reader, srv: srv}
}

func (b *bench) get(t *testing.T, path, auth string) {
	req, err := http.NewRequest("GET", b.srv.URL+path, nil)
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
}

func TestSpanAttributes(t *testing.T) {
	b := newBench(t)
	tok := b.f.Token("agent", "users:readonly")
	b.get(t, "/api/v2/users/u-home", "Bearer "+tok)
	b.get(t, "/api/v2/users/u-sales", "Bearer "+tok)
	b.get(t, "/api/v2/nothing/4f9c", "")

	spans := b.spans.GetSpans()
	require.Len(t, spans, 3)
	got := make([]map[attribute.Key]string, len(spans))
	for i, s := range spans {
		got[i] = map[attribute.Key]string{}
		for _, kv := range s.Attributes {
			got[i][kv.Key] = kv.Value.Emit()
		}
	}
	client := b.f.App.ID.String()
	want := []map[attribute.Key]string{
		{otelhook.RouteKey: "GET /api/v2/users/{userId}", otelhook.CodeKey: "ALLOWED", otelhook.AllowedKey: "true",
			otelhook.ClientKey: client, otelhook.ScopeKey: "users:readonly"},
		{otelhook.RouteKey: "GET /api/v2/users/{userId}", otelhook.CodeKey: "PERMISSIONS_INSUFFICIENT", otelhook.AllowedKey: "false",
			otelhook.ClientKey: client, otelhook.ScopeKey: "users:readonly"}, // the scope served; the permission is missing
		{otelhook.RouteKey: "unmatched", otelhook.CodeKey: "TOKEN_MISSING", otelhook.AllowedKey: "false"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("span attributes (-want +got):\n%s", diff)
	}
	for _, s := range spans {
		for _, kv := range s.Attributes {
			require.NotContains(t, kv.Value.Emit(), tok[:20], "never the token")
		}
	}
}

func TestMetrics(t *testing.T) {
	b := newBench(t)
	tok := "Bearer " + b.f.Token("agent", "users:readonly")
	b.get(t, "/api/v2/users/u-home", tok)
	b.get(t, "/api/v2/users/u-home", tok)
	b.get(t, "/api/v2/users/u-sales", tok)
	b.get(t, "/api/v2/nothing/4f9c", tok)

	var rm metricdata.ResourceMetrics
	require.NoError(t, b.reader.Collect(context.Background(), &rm))
	require.Len(t, rm.ScopeMetrics, 1)
	require.Equal(t, otelhook.ScopeName, rm.ScopeMetrics[0].Scope.Name)
	counts := map[[2]string]int64{}
	durations := map[[2]string]uint64{}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		switch m.Name {
		case "scopegate.decisions":
			require.Equal(t, "{decision}", m.Unit)
			for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
				counts[labels(t, p.Attributes)] = p.Value
			}
		case "scopegate.decision.duration":
			require.Equal(t, "s", m.Unit)
			for _, p := range m.Data.(metricdata.Histogram[float64]).DataPoints {
				durations[labels(t, p.Attributes)] = p.Count
				require.Positive(t, p.Sum)
			}
		default:
			t.Errorf("unexpected metric %s", m.Name)
		}
	}
	want := map[[2]string]int64{
		{"GET /api/v2/users/{userId}", "ALLOWED"}:                  2,
		{"GET /api/v2/users/{userId}", "PERMISSIONS_INSUFFICIENT"}: 1,
		{"unmatched", "ENDPOINT_UNKNOWN"}:                          1,
	}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("decisions (-want +got):\n%s", diff)
	}
	wantDurations := map[[2]string]uint64{}
	for k, v := range want {
		wantDurations[k] = uint64(v)
	}
	if diff := cmp.Diff(wantDurations, durations); diff != "" {
		t.Errorf("durations (-want +got):\n%s", diff)
	}
}

// labels returns the route and code of a data point, and checks that it
// has no other attribute.
func labels(t *testing.T, s attribute.Set) [2]string {
	t.Helper()
	require.Equal(t, 2, s.Len(), "route and code only: %v", s.ToSlice())
	route, _ := s.Value(otelhook.RouteKey)
	code, _ := s.Value(otelhook.CodeKey)
	return [2]string{route.AsString(), code.AsString()}
}

func TestRefusals(t *testing.T) {
	_, err := otelhook.New(nil)
	require.ErrorIs(t, err, otelhook.ErrNoMeterProvider)
	var none *otelhook.Observer
	none.Observe(context.Background(), guard.Observation{Code: "ALLOWED"}) // no panic
	(&otelhook.Observer{}).Observe(context.Background(), guard.Observation{Code: "ALLOWED"})
}

// BenchmarkObserve is the hook's own cost per decision, on a span that
// records and on one that does not.
func BenchmarkObserve(b *testing.B) {
	obs, err := otelhook.New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader())))
	require.NoError(b, err)
	f := adaptertest.New(b, adaptertest.Options{})
	o := guard.Observation{Route: "GET /api/v2/users/{userId}", Code: "ALLOWED", Status: 200, Allowed: true,
		Client: f.App.ID, Scope: scope.MustParse("users:readonly"), Elapsed: 3 * time.Microsecond}
	recording, span := sdktrace.NewTracerProvider().Tracer("bench").Start(context.Background(), "request")
	defer span.End()
	notRecording, _ := noop.NewTracerProvider().Tracer("bench").Start(context.Background(), "request")
	for _, bc := range []struct {
		name string
		ctx  context.Context
	}{{"span recording", recording}, {"span not recording", notRecording}, {"no span", context.Background()}} {
		b.Run(bc.name, func(b *testing.B) {
			_ = trace.SpanFromContext(bc.ctx)
			b.ReportAllocs()
			for b.Loop() {
				obs.Observe(bc.ctx, o)
			}
		})
	}
}

// BenchmarkCheck is a decision through the guard without the hook and
// with it, on a request whose span records.
func BenchmarkCheck(b *testing.B) {
	obs, err := otelhook.New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader())))
	require.NoError(b, err)
	ctx, span := sdktrace.NewTracerProvider().Tracer("bench").Start(context.Background(), "request")
	defer span.End()
	for _, bc := range []struct {
		name string
		opts []guard.Option
	}{
		{"none", nil},
		{"otelhook", []guard.Option{guard.WithObserver(obs)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			f := adaptertest.New(b, adaptertest.Options{Guard: bc.opts})
			req := &guard.Request{Method: "GET", Path: "/api/v2/users/u-home", Route: "/api/v2/users/{userId}",
				Authorization: []string{"Bearer " + f.Token("agent", "users:readonly")}}
			b.ReportAllocs()
			for b.Loop() {
				if o := f.Guard.Check(ctx, req); !o.Allowed() {
					b.Fatal(o.Code())
				}
			}
		})
	}
}

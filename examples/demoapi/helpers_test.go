package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/scope"
)

var ctx = context.Background()

// start is when every test begins.
var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// clock is a clock tests move; safe for concurrent use.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(start.UnixNano())
	return c
}

func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

// harness is a demo server behind a real HTTP listener.
type harness struct {
	t     testing.TB
	s     *server
	ts    *httptest.Server
	clock *clock
	http  *http.Client
}

func newHarness(t testing.TB) harness { t.Helper(); return newHarnessOn(t, config{}) }

// newHarnessOn is newHarness over the storage cfg names.
func newHarnessOn(t testing.TB, cfg config) harness {
	t.Helper()
	c := newClock()
	ts := httptest.NewUnstartedServer(nil)
	if cfg.base == "" {
		cfg.base = "http://" + ts.Listener.Addr().String()
	}
	cfg.now = c.now
	s, err := newServer(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	ts.Config.Handler = s.handler
	ts.Start()
	t.Cleanup(ts.Close)
	transport := ts.Client().Transport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	hc := &http.Client{Transport: transport, Timeout: 10 * time.Second,
		// Show redirects instead of following them: a redirect is an answer too.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(transport.CloseIdleConnections)
	return harness{t: t, s: s, ts: ts, clock: c, http: hc}
}

func (h harness) url(path string) string { return h.ts.URL + path }

// token registers an app with scopes, has user sign in to it, and returns
// its bearer token.
func (h harness) token(user, scopes string) string {
	h.t.Helper()
	is, err := h.s.issue(ctx, app{name: "Test app for " + user, grantType: client.AuthorizationCode, scopes: scope.MustParseSet(scopes), user: user})
	require.NoError(h.t, err)
	return is.bearer
}

// response is an answer, read.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; bearer "" sends no Authorization header.
func (h harness) do(method, path, bearer, body string) response {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.url(path), rd)
	require.NoError(h.t, err)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := h.http.Do(req)
	require.NoError(h.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(h.t, err)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// apiError is the error body of every denial.
type apiError struct {
	Error struct {
		Message string `json:"message"`
		Code    string `json:"code"`
		Status  int    `json:"status"`
	} `json:"error"`
}

func errorBody(code string, status int, message string) apiError {
	var e apiError
	e.Error.Code, e.Error.Status, e.Error.Message = code, status, message
	return e
}

// decodeStrict decodes JSON, refusing unknown fields and trailing data.
func decodeStrict(t testing.TB, body []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(v), "body: %s", body)
	require.False(t, dec.More(), "trailing data in %s", body)
}

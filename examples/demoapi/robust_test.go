package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/scope"
)

// Bad input over real HTTP gets a clear answer, and never the token back.
func TestBadRequests(t *testing.T) {
	h := newHarness(t)
	tok := h.token("u-admin", "users:manage conversations:readonly presence:manage")
	tampered := tok[:len(tok)-3] + map[bool]string{true: "AAA", false: "BBB"}[!strings.HasSuffix(tok, "AAA")]
	other, err := newServer(config{base: h.ts.URL, now: h.clock.now}) // the same issuer's name, another key
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, other.Close()) })
	foreignApp, err := other.issue(ctx, app{name: "Elsewhere", grantType: client.AuthorizationCode, scopes: scope.MustParseSet("users:readonly"), user: "u-admin"})
	require.NoError(t, err)
	foreign := foreignApp.bearer

	for _, tc := range []struct {
		name   string
		method string
		path   string
		header []string // Authorization headers, as sent
		body   string
		status int
		code   string
	}{
		{name: "basic credentials", method: "GET", path: "/api/v2/users", header: []string{"Basic dXNlcjpzZWNyZXQ="}, status: 401, code: "TOKEN_INVALID"},
		{name: "no scheme", method: "GET", path: "/api/v2/users", header: []string{tok}, status: 401, code: "TOKEN_INVALID"},
		{name: "two headers", method: "GET", path: "/api/v2/users", header: []string{"Bearer " + tok, "Bearer " + tok}, status: 401, code: "TOKEN_INVALID"},
		{name: "token and junk", method: "GET", path: "/api/v2/users", header: []string{"Bearer " + tok + ",x"}, status: 401, code: "TOKEN_INVALID"},
		{name: "oversized token", method: "GET", path: "/api/v2/users", header: []string{"Bearer " + strings.Repeat("a", 8000)}, status: 401, code: "TOKEN_INVALID"},
		{name: "tampered signature", method: "GET", path: "/api/v2/users", header: []string{"Bearer " + tampered}, status: 401, code: "TOKEN_INVALID"},
		{name: "another server's token", method: "GET", path: "/api/v2/users", header: []string{"Bearer " + foreign}, status: 401, code: "TOKEN_INVALID"},
		{name: "unknown route", method: "GET", path: "/api/v2/groups", header: []string{"Bearer " + tok}, status: 404, code: "ENDPOINT_UNKNOWN"},
		{name: "unknown method", method: "PATCH", path: "/api/v2/conversations", header: []string{"Bearer " + tok}, status: 404, code: "ENDPOINT_UNKNOWN"},
		{name: "trailing slash", method: "GET", path: "/api/v2/users/", header: []string{"Bearer " + tok}, status: 404, code: "ENDPOINT_UNKNOWN"},
		{name: "root", method: "GET", path: "/", header: []string{"Bearer " + tok}, status: 404, code: "ENDPOINT_UNKNOWN"},
		{name: "unknown route, no token", method: "GET", path: "/api/v2/groups", status: 401, code: "TOKEN_MISSING"},
		// The mux redirects to the clean path; the redirected request is judged on its own.
		{name: "dot segments are redirected, not served", method: "GET", path: "/api/v2/users/u-agent/../../schedules", header: []string{"Bearer " + tok},
			status: http.StatusTemporaryRedirect},
		{name: "escaped dot segments", method: "GET", path: "/api/v2/users/%2e%2e/schedules", header: []string{"Bearer " + tok}, status: 404, code: "ENDPOINT_UNKNOWN"},
		{name: "escaped slash stays in the segment", method: "GET", path: "/api/v2/users/u-agent%2Fpresence", header: []string{"Bearer " + tok}, status: 404, code: "RESOURCE_NOT_FOUND"},
		{name: "user not found", method: "GET", path: "/api/v2/users/u-nobody", header: []string{"Bearer " + tok}, status: 404, code: "RESOURCE_NOT_FOUND"},
		{name: "presence of nobody", method: "PATCH", path: "/api/v2/users/u-nobody/presence", header: []string{"Bearer " + tok}, body: `{"status":"Away"}`,
			status: 404, code: "NOT_FOUND"},
		{name: "unknown presence", method: "PATCH", path: "/api/v2/users/u-admin/presence", header: []string{"Bearer " + tok}, body: `{"status":"Asleep"}`,
			status: 400, code: "BAD_REQUEST"},
		{name: "unknown field", method: "POST", path: "/api/v2/users?divisionId=home", header: []string{"Bearer " + tok},
			body: `{"name":"N","email":"n@x","admin":true}`, status: 400, code: "BAD_REQUEST"},
		{name: "two objects", method: "POST", path: "/api/v2/users?divisionId=home", header: []string{"Bearer " + tok},
			body: `{"name":"N","email":"n@x"}{}`, status: 400, code: "BAD_REQUEST"},
		{name: "body too large", method: "POST", path: "/api/v2/users?divisionId=home", header: []string{"Bearer " + tok},
			body: `{"name":"` + strings.Repeat("n", maxBody) + `"}`, status: 413, code: "BODY_TOO_LARGE"},
		{name: "no division", method: "POST", path: "/api/v2/users", header: []string{"Bearer " + tok}, body: `{"name":"N","email":"n@x"}`,
			status: 403, code: "DIVISION_UNRESOLVED"},
		{name: "unknown division", method: "POST", path: "/api/v2/users?divisionId=mars", header: []string{"Bearer " + tok}, body: `{"name":"N","email":"n@x"}`,
			status: 403, code: "DIVISION_UNKNOWN"},
		{name: "created in Sales", method: "POST", path: "/api/v2/users?divisionId=sales", header: []string{"Bearer " + tok}, body: `{"name":"N","email":"n@x"}`,
			status: 201},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequestWithContext(ctx, tc.method, h.ts.URL+tc.path, body)
			require.NoError(t, err)
			if strings.Contains(tc.path, "%") {
				req.URL.RawPath = strings.SplitN(tc.path, "?", 2)[0]
			}
			for _, v := range tc.header {
				req.Header.Add("Authorization", v)
			}
			res, err := h.http.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			got, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			require.Equal(t, tc.status, res.StatusCode, "body: %s", got)
			if tc.code != "" {
				var e apiError
				decodeStrict(t, got, &e)
				require.Equal(t, tc.code, e.Error.Code, "message: %s", e.Error.Message)
				require.Equal(t, tc.status, e.Error.Status)
			}
			require.NotContains(t, string(got), tok)
			require.NotContains(t, string(got), foreign)
		})
	}
}

// run, as main calls it: prints the walkthrough, serves, and stops when
// its context is done.
func TestRun(t *testing.T) {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	var (
		wg     sync.WaitGroup
		runErr error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		runErr = run(runCtx, "127.0.0.1:0", config{}, pw, io.Discard)
		pw.Close()
	}()

	// Read the output up to the line that says where it listens.
	var base, token string
	sc := bufio.NewScanner(pr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "export AGENT_DESKTOP='"); ok {
			token = strings.TrimSuffix(v, "'")
		}
		if v, ok := strings.CutPrefix(line, "Listening on "); ok {
			base, _, _ = strings.Cut(v, ";")
			break
		}
	}
	require.NotEmpty(t, base)
	require.NotEmpty(t, token)
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	for _, tc := range []struct {
		bearer string
		status int
	}{{"", 401}, {token, 200}} {
		req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/v2/users/me", nil)
		require.NoError(t, err)
		if tc.bearer != "" {
			req.Header.Set("Authorization", "Bearer "+tc.bearer)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, tc.status, res.StatusCode, "body: %s", b)
	}

	cancel()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	require.NoError(t, runErr)
}

func TestRunBadAddress(t *testing.T) {
	err := run(ctx, "256.0.0.1:99999", config{}, io.Discard, io.Discard)
	require.Error(t, err)
}

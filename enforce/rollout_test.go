package enforce_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
)

// twinPolicy returns the fixture's policy with org's settings changed.
func (f *fixture) twinPolicy(change func(*enforce.Org), rename map[string]string) *enforce.Policy {
	f.t.Helper()
	divs, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true}, permission.Division{ID: "sales", Name: "Sales"})
	require.NoError(f.t, err)
	o := enforce.Org{ID: org, Divisions: divs}
	change(&o)
	eps := f.policy.Endpoints()
	for i := range eps {
		if n, ok := rename[eps[i].Name]; ok {
			eps[i].Name = n
		}
	}
	p, err := enforce.NewPolicy(enforce.Config{Catalog: f.catalog, Endpoints: eps, Orgs: []enforce.Org{o}})
	require.NoError(f.t, err)
	return p
}

// rolloutRequests are requests of every kind to org: users with and
// without the permission, tokens with and without an accepted scope,
// resources in Home, in Sales, in another org and nowhere, divisions
// named in the request, and client credentials.
func rolloutRequests(f *fixture) []enforce.Request {
	var reqs []enforce.Request
	paths := []struct{ method, path string }{
		{"GET", "/api/v2/users"}, {"POST", "/api/v2/users"}, {"GET", "/api/v2/users/u-home"}, {"GET", "/api/v2/users/u-sales"},
		{"GET", "/api/v2/users/u-nowhere"}, {"GET", "/api/v2/users/u-vendor"}, {"PATCH", "/api/v2/users/u-sales"},
		{"GET", "/api/v2/users/me"}, {"GET", "/api/v2/conversations"}, {"GET", "/api/v2/schedules"},
		{"PATCH", "/api/v2/users/u-home/presence"}, {"GET", "/api/v2/nope"},
	}
	for _, user := range []string{"agent", "admin", "salesAdmin", "viewer", "nobody"} {
		for _, scopes := range []string{"", "users:readonly", "users:manage", "conversations:readonly presence:manage", "users"} {
			tok := f.token(user, scopes)
			for _, p := range paths {
				reqs = append(reqs, enforce.Request{Method: p.method, Path: p.path, Token: tok})
			}
			for _, div := range []permission.DivisionID{"", "home", "sales", "nowhere"} {
				reqs = append(reqs, enforce.Request{Method: "POST", Path: "/api/v2/routing/queues/q-1/members", Token: tok, Division: div})
			}
		}
	}
	for _, p := range paths {
		reqs = append(reqs, enforce.Request{Method: p.method, Path: p.path, Token: f.ccToken()})
	}
	return reqs
}

// In report-only mode a decision is the one scope enforcement would make
// when the token has an accepted scope, and the one it would make with
// scope enforcement off when not; and it says what enforcement would
// have answered: exactly the enforced twin's code.
func TestScopeReportOnlyAgreesWithItsTwins(t *testing.T) {
	var records []enforce.Record
	f := newFixture(t)
	reportOnly, err := enforce.New(f.twinPolicy(func(o *enforce.Org) { o.ScopeReportOnly = true }, nil), f.sources,
		enforce.WithClock(f.clock.now), enforce.WithHook(func(_ context.Context, r enforce.Record) { records = append(records, r) }))
	require.NoError(t, err)
	enforced, err := enforce.New(f.twinPolicy(func(*enforce.Org) {}, nil), f.sources, enforce.WithClock(f.clock.now))
	require.NoError(t, err)
	disabled, err := enforce.New(f.twinPolicy(func(o *enforce.Org) { o.DisableScopeEnforcement = true }, nil), f.sources, enforce.WithClock(f.clock.now))
	require.NoError(t, err)

	seen := map[enforce.Code]int{}
	for i, req := range rolloutRequests(f) {
		name := fmt.Sprintf("%d %s %s %s %q %s", i, req.Token.User, req.Token.Scopes, req.Method, req.Path, req.Division)
		r, err := reportOnly.Enforce(ctx, &req)
		require.NoError(t, err, name)
		want, err := enforced.Enforce(ctx, &req)
		require.NoError(t, err, name)
		off, err := disabled.Enforce(ctx, &req)
		require.NoError(t, err, name)

		rec := records[len(records)-1]
		require.Equal(t, r.Unenforced(), rec.Unenforced, name)
		require.Equal(t, r.Code(), rec.Code, name)
		if want.Causes().Has(enforce.CodeScopeMissing) {
			// The scope refusal is reported, not enforced.
			require.Equal(t, want.Code(), r.Unenforced(), name)
			require.Equal(t, off.Code(), r.Code(), name)
			require.Equal(t, off.Status(), r.Status(), name)
			if r.Allowed() {
				require.Equal(t, "allowed: scope enforcement is report-only for the org; and "+strings.TrimPrefix(off.Message(), "allowed: scope enforcement is off for the org, and "), r.Message(), name)
			} else {
				require.Equal(t, off.Message(), r.Message(), name+": the caller hears nothing of the scope")
			}
			require.False(t, r.Causes().Has(enforce.CodeScopeMissing), name)
			require.False(t, r.MatchedScope().IsValid(), name)
			require.Contains(t, r.Reason(), "report-only", name)
			seen[want.Code()]++
		} else {
			require.Zero(t, r.Unenforced(), name)
			require.Equal(t, want.Code(), r.Code(), name)
			require.Equal(t, want.Reason(), r.Reason(), name)
			require.Equal(t, want.MatchedScope(), r.MatchedScope(), name)
		}
		if r.Code() == enforce.CodeAllowed {
			require.True(t, off.Allowed(), name+": never more access than with scope enforcement off")
		}
	}
	// Both kinds of unenforced refusal, allowed and denied decisions.
	require.Positive(t, seen[enforce.CodeScopeMissing])
	require.Positive(t, seen[enforce.CodeScopeAndPermissionMissing])
}

// The operator reads what was let through; the caller, nothing.
func TestScopeReportOnlyExplains(t *testing.T) {
	var records []enforce.Record
	f := newFixture(t)
	f.enforcer.Swap(f.twinPolicy(func(o *enforce.Org) { o.ScopeReportOnly = true }, nil))
	e, err := enforce.New(f.enforcer.Policy(), f.sources, enforce.WithClock(f.clock.now),
		enforce.WithHook(func(_ context.Context, r enforce.Record) { records = append(records, r) }))
	require.NoError(t, err)

	d, err := e.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: f.token("agent", "conversations:readonly")})
	require.NoError(t, err)
	require.True(t, d.Allowed())
	require.Equal(t, enforce.CodeScopeMissing, d.Unenforced())
	require.Equal(t, "allowed: the token has none of the scopes GET /api/v2/users accepts (users, users:readonly), which scope enforcement, report-only for the org, "+
		"lets through: enforced, it would be refused with SCOPE_INSUFFICIENT; and the user holds directory:user:view", d.Reason())
	require.Equal(t, "before scope enforcement is turned on, add scope users:readonly to the OAuth client, have the org authorize it, then re-authenticate", d.Remedy())
	require.Equal(t, enforce.Record{Time: f.clock.now(), Allowed: true, Status: 200, Code: enforce.CodeAllowed, Unenforced: enforce.CodeScopeMissing,
		Org: org, Client: f.desktop.ID, User: "agent", GrantType: client.AuthorizationCode, Method: "GET", Route: "GET /api/v2/users", Endpoint: "getUsers"}, records[0])

	d, err = e.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users/u-sales", Token: f.token("agent", "conversations:readonly")})
	require.NoError(t, err)
	require.Equal(t, enforce.CodePermissionMissing, d.Code(), "permission refusals are still enforced")
	require.Equal(t, enforce.CodeScopeAndPermissionMissing, d.Unenforced())
	require.Equal(t, "the user lacks directory:user:view in division Sales (holds it in Home); and the token has none of the scopes GET /api/v2/users/{userId} accepts "+
		"(users, users:readonly), which scope enforcement, report-only for the org, lets through: enforced, it would be refused with SCOPE_AND_PERMISSIONS_INSUFFICIENT", d.Reason())
	require.NotContains(t, d.Message(), "scope", "the caller is told of the permission only")
	require.NotContains(t, string(d.ErrorBody()), "report-only")
	require.Empty(t, d.WWWAuthenticate(), "no insufficient_scope challenge for a scope that is not enforced")
}

// A hook that logs shows the refusals that were let through at info
// level, with what enforcement would have answered.
func TestSlogHookShowsUnenforced(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	f := newFixture(t)
	e, err := enforce.New(f.twinPolicy(func(o *enforce.Org) { o.ScopeReportOnly = true }, nil), f.sources,
		enforce.WithClock(f.clock.now), enforce.WithHook(enforce.SlogHook(logger)))
	require.NoError(t, err)
	_, err = e.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: f.token("agent", "users:readonly")})
	require.NoError(t, err)
	require.Empty(t, buf.String(), "an allowed call with its scope logs at debug level")
	_, err = e.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: f.token("agent", "")})
	require.NoError(t, err)
	require.Contains(t, buf.String(), `"level":"INFO","msg":"scopegate decision","allowed":true,"status":200,"code":"ALLOWED","unenforced":"SCOPE_INSUFFICIENT"`)
}

func TestScopeReportOnlyRejectsDisabledEnforcement(t *testing.T) {
	_, err := enforce.NewPolicy(enforce.Config{Catalog: newFixture(t).catalog, Orgs: []enforce.Org{{ID: org, DisableScopeEnforcement: true, ScopeReportOnly: true}}})
	require.ErrorContains(t, err, `enforce: org "org-1": scope enforcement cannot be both off and report-only`)
}

// Switching an org from report-only to enforced under traffic: every
// decision is wholly under one policy or the other. The policies differ
// in the org's setting and in the endpoint's name, so a decision that
// took one from each would show: report-only lets the call through and
// says what it would refuse; enforced refuses it and has nothing
// unenforced. Each goroutine, once it sees the enforced policy, never
// sees the other again, and the hook's records agree with the decisions.
func TestScopeReportOnlySwitchUnderTraffic(t *testing.T) {
	var mu sync.Mutex
	var records []enforce.Record
	f := newFixture(t, enforce.WithHook(func(_ context.Context, r enforce.Record) {
		mu.Lock()
		records = append(records, r)
		mu.Unlock()
	}))
	before := f.twinPolicy(func(o *enforce.Org) { o.ScopeReportOnly = true }, nil)
	after := f.twinPolicy(func(*enforce.Org) {}, map[string]string{"getUsers": "getUsers.enforced"})
	f.enforcer.Swap(before)
	tok := f.token("agent", "conversations:readonly") // holds directory:user:view, not the scope

	const workers = 4
	var switched atomic.Bool
	var sawBefore, sawAfter atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			enforcedSeen := false
			for i := 0; i < 200_000 && (i < 2000 || !switched.Load() || sawAfter.Load() < 2000); i++ {
				d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: tok})
				if err != nil {
					t.Error(err)
					return
				}
				reported := d.Allowed() && d.Unenforced() == enforce.CodeScopeMissing && d.EndpointName() == "getUsers"
				refused := d.Code() == enforce.CodeScopeMissing && d.Unenforced() == 0 && d.EndpointName() == "getUsers.enforced"
				switch {
				case reported && !enforcedSeen:
					sawBefore.Add(1)
				case refused:
					sawAfter.Add(1)
					enforcedSeen = true
				case reported:
					t.Errorf("report-only again after enforcement: %v", d)
					return
				default:
					t.Errorf("a mixed decision: %s, unenforced %v, endpoint %s", d, d.Unenforced(), d.EndpointName())
					return
				}
				if i == 1000 && switched.CompareAndSwap(false, true) {
					f.enforcer.Swap(after)
				}
			}
		}()
	}
	wg.Wait()
	require.Positive(t, sawBefore.Load())
	require.Positive(t, sawAfter.Load())
	require.Len(t, records, int(sawBefore.Load()+sawAfter.Load()))
	for _, r := range records {
		ok := r.Allowed && r.Code == enforce.CodeAllowed && r.Unenforced == enforce.CodeScopeMissing && r.Endpoint == "getUsers" ||
			!r.Allowed && r.Code == enforce.CodeScopeMissing && r.Unenforced == 0 && r.Endpoint == "getUsers.enforced"
		require.True(t, ok, "a mixed record: %+v", r)
	}
}

// The rollout mode costs nothing it does not use: a decision under it
// allocates no more than one under enforcement.
func TestScopeReportOnlyDoesNotAllocate(t *testing.T) {
	f := newFixture(t)
	f.enforcer.Swap(f.twinPolicy(func(o *enforce.Org) { o.ScopeReportOnly = true }, nil))
	for _, tok := range []grant.Token{f.token("agent", "users:readonly"), f.token("agent", ""), f.token("viewer", "")} {
		req := enforce.Request{Method: "GET", Path: "/api/v2/users/u-home", Token: tok}
		allocs := testing.AllocsPerRun(100, func() { _, _ = f.enforcer.Enforce(ctx, &req) })
		require.Zero(t, allocs, tok.User+" "+tok.Scopes.String())
	}
}

// Records of report-only decisions survive JSON, with what would have
// been refused.
func TestRecordJSONUnenforced(t *testing.T) {
	f := newFixture(t)
	var rec enforce.Record
	e, err := enforce.New(f.twinPolicy(func(o *enforce.Org) { o.ScopeReportOnly = true }, nil), f.sources, enforce.WithClock(f.clock.now),
		enforce.WithHook(func(_ context.Context, r enforce.Record) { rec = r }))
	require.NoError(t, err)
	_, err = e.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: f.token("agent", "")})
	require.NoError(t, err)
	out, err := json.Marshal(rec)
	require.NoError(t, err)
	require.Contains(t, string(out), `"endpoint":"getUsers","unenforced":"SCOPE_INSUFFICIENT"}`)
	var back enforce.Record
	require.NoError(t, json.Unmarshal(out, &back))
	require.Equal(t, enforce.CodeScopeMissing, back.Unenforced)
	require.True(t, back.Allowed)

	// Without anything unenforced, the field is left out.
	_, err = e.Enforce(ctx, &enforce.Request{Method: "GET", Path: "/api/v2/users", Token: f.token("agent", "users:readonly")})
	require.NoError(t, err)
	out, err = json.Marshal(rec)
	require.NoError(t, err)
	require.NotContains(t, string(out), "unenforced")
}

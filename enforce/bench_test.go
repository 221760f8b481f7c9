package enforce_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// benchCatalog has 200 scopes: 50 families, each with a bare read-write
// scope, :readonly, :manage and :admin:view.
func benchCatalog(tb testing.TB) *scope.Catalog {
	var entries []scope.Entry
	for f := range 50 {
		for _, name := range []string{fmt.Sprint("fam", f), fmt.Sprintf("fam%d:readonly", f), fmt.Sprintf("fam%d:manage", f), fmt.Sprintf("fam%d:admin:view", f)} {
			entries = append(entries, scope.Entry{Scope: scope.MustParse(name), Description: "Benchmark scope " + name})
		}
	}
	c, err := scope.NewCatalog(entries, scope.ActionImplies("manage", "readonly"), scope.BareImplies("readonly"))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func benchPerm(i int) permission.Permission {
	return permission.MustParse(fmt.Sprintf("domain%d:entity%d:action%d", i/100%10, i/5%20, i%5))
}

// benchTable returns n endpoints shaped like a large REST API: resources
// with nested sub-resources, path parameters at every other level, up to
// 8 segments deep, and a mix of methods. The last two are the ones the
// benchmarks call: an 8-segment, division-aware endpoint, and one that
// needs a user.
func benchTable(n int) []enforce.Endpoint {
	var eps []enforce.Endpoint
	add := func(method, path string, fam, perm int, division string) {
		if len(eps) >= n-2 {
			return
		}
		scopes := []scope.Scope{scope.MustParse(fmt.Sprint("fam", fam)), scope.MustParse(fmt.Sprintf("fam%d:readonly", fam))}
		if method != "GET" {
			scopes[1] = scope.MustParse(fmt.Sprintf("fam%d:manage", fam))
		}
		eps = append(eps, enforce.Endpoint{Method: method, Path: path, Scopes: scopes,
			Permissions: permission.MustAllOf(benchPerm(perm), benchPerm(perm+333)), Division: division})
	}
	for r := 0; len(eps) < n-2; r++ {
		fam, res := r%50, fmt.Sprintf("/api/v2/resource%d", r)
		add("GET", res, fam, r, "")
		add("POST", res, fam, r+1, "")
		for _, m := range []string{"GET", "PUT", "PATCH", "DELETE"} {
			add(m, res+"/{id}", fam, r+2, "{id}")
		}
		for s := range 3 {
			sub := fmt.Sprintf("%s/{id}/sub%d", res, s)
			add("GET", sub, fam, r+3, "{id}")
			add("POST", sub, fam, r+4, "{id}")
			add("GET", sub+"/{subId}", fam, r+5, "{id}")
			add("PUT", sub+"/{subId}", fam, r+6, "{id}")
			add("DELETE", sub+"/{subId}", fam, r+7, "{id}")
			add("POST", sub+"/{subId}/execute", fam, r+8, "{id}")
			add("GET", sub+"/{subId}/leaf/{leafId}", fam, r+9, "{id}")
		}
	}
	return append(eps,
		// The allowed call: 8 segments deep, three parameters,
		// division-aware, ALL-of-3 permissions the user holds in div0.
		enforce.Endpoint{Name: "target", Method: "GET", Path: "/api/v2/target/{id}/sub0/{subId}/leaf/{leafId}",
			Scopes:      []scope.Scope{scope.MustParse("fam7"), scope.MustParse("fam7:readonly")},
			Permissions: permission.MustAllOf(benchPerm(1), benchPerm(7), benchPerm(13)), Division: "{id}"},
		enforce.Endpoint{Name: "me", Method: "GET", Path: "/api/v2/target/me", UserRequired: true,
			Scopes: []scope.Scope{scope.MustParse("fam7:readonly")}, Permissions: permission.NoneRequired()})
}

// benchUser holds 50 roles over 100 divisions, as in the permission
// benchmarks: role r holds 20 permissions and two wildcard policies, in
// three divisions, and every tenth role is granted in all divisions.
func benchUser(tb testing.TB) *permission.MemStore {
	s := orgStore(tb, "org")
	who := permission.User("bench")
	for r := range 50 {
		ro := permission.Role{ID: permission.RoleID(fmt.Sprint("role", r)), Name: fmt.Sprint("Role ", r)}
		for k := range 20 {
			ro.Policies = append(ro.Policies, benchPerm((r*20+k)%1000))
		}
		ro.Policies = append(ro.Policies,
			permission.MustParse(fmt.Sprintf("domain%d:entity%d:*", r%10, r%20)),
			permission.MustParse(fmt.Sprintf("domain%d:*:action%d", (r+3)%10, r%5)))
		if err := s.PutRole("org", ro); err != nil {
			tb.Fatal(err)
		}
		g := permission.Grant{Subject: who, Role: ro.ID}
		if r%10 == 9 {
			g.AllDivisions = true
		} else {
			for k := range 3 {
				g.Divisions = append(g.Divisions, permission.DivisionID(fmt.Sprint("div", (r*7+k*31)%100)))
			}
		}
		if err := s.AddGrant("org", g); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// divResolver resolves every resource to div0, except o-1, in div1. The
// allowed requests name t-1, of the same length, so that both values are
// compared, as a real resolver looks up every value: a denial and an
// allowance then differ only in the answer, not in the work of the test's
// resolver or in the length of the path.
type divResolver struct{}

func (divResolver) ResolveDivision(_ context.Context, _ client.OrgID, _, _, value string) (permission.DivisionID, error) {
	if value == "o-1" {
		return "div1", nil
	}
	return "div0", nil
}

type benchEnv struct {
	enforcer  *enforce.Enforcer
	token, cc grant.Token
	now       time.Time
}

func newBenchEnv(tb testing.TB, endpoints int) benchEnv {
	cat := benchCatalog(tb)
	perms := benchUser(tb)
	p, err := enforce.NewPolicy(enforce.Config{Catalog: cat, Endpoints: benchTable(endpoints)})
	if err != nil {
		tb.Fatal(err)
	}
	clients := client.NewMemStore()
	app := client.Client{ID: client.NewID(), State: client.Active}
	job := client.Client{ID: client.NewID(), State: client.Active}
	for _, c := range []client.Client{app, job} {
		if err := clients.CreateClient(context.Background(), c); err != nil {
			tb.Fatal(err)
		}
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e, err := enforce.New(p, enforce.Sources{Access: permission.NewCache(perms, 0), Revocations: grant.NewMemStore(nil), Clients: clients, Divisions: divResolver{}},
		enforce.WithClock(func() time.Time { return now }))
	if err != nil {
		tb.Fatal(err)
	}
	tok := grant.Token{ID: grant.NewTokenID(), Client: app.ID, Org: "org", GrantType: client.AuthorizationCode, User: "bench",
		Scopes: scope.MustParseSet("fam0:readonly fam3:manage fam7:readonly fam20 fam33:readonly"), IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour)}
	cc := grant.Token{ID: grant.NewTokenID(), Client: job.ID, Org: "org", GrantType: client.ClientCredentials, IssuedAt: tok.IssuedAt, ExpiresAt: tok.ExpiresAt}
	return benchEnv{enforcer: e, token: tok, cc: cc, now: now}
}

func runDecision(b *testing.B, e *enforce.Enforcer, req enforce.Request, want enforce.Code) {
	b.Helper()
	d, _ := e.Enforce(context.Background(), &req)
	if d.Code() != want {
		b.Fatalf("got %v, want %v: %s", d.Code(), want, d.Reason())
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = e.Enforce(context.Background(), &req)
	}
}

const targetPath = "/api/v2/target/t-1/sub0/s-1/leaf/l-1"

// servedRequest returns the *http.Request an http.ServeMux hands to the
// handler of pattern for a GET of path: its Pattern and PathValue are the
// router's.
func servedRequest(tb testing.TB, pattern, path string) *http.Request {
	tb.Helper()
	var served *http.Request
	mux := http.NewServeMux()
	mux.HandleFunc(pattern, func(_ http.ResponseWriter, r *http.Request) { served = r })
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	if served == nil {
		tb.Fatalf("%s did not match %s", pattern, path)
	}
	return served
}

// BenchmarkEnforce decides on a 3,000-endpoint table with a 200-scope
// catalog, for a user with 50 roles over 100 divisions.
func BenchmarkEnforce(b *testing.B) {
	env := newBenchEnv(b, 3000)
	for _, c := range enforceCases(b, env) {
		b.Run(c.name, func(b *testing.B) { runDecision(b, env.enforcer, c.req, c.want) })
	}
}

type enforceCase struct {
	name string
	req  enforce.Request
	want enforce.Code
}

// enforceCases are the decisions the benchmarks make: allowed ones, by raw
// path and by pattern, and every kind of denial.
func enforceCases(tb testing.TB, env benchEnv) []enforceCase {
	tok := env.token
	expired := tok
	expired.ExpiresAt = env.now
	noScope := tok
	noScope.Scopes = scope.MustParseSet("fam1:readonly")
	const otherDivision = "/api/v2/target/o-1/sub0/s-1/leaf/l-1" // targetPath, in div1
	served := servedRequest(tb, "GET /api/v2/target/{id}/sub0/{subId}/leaf/{leafId}", targetPath)
	return []enforceCase{
		{"allow/path", enforce.Request{Method: "GET", Path: targetPath, Token: tok}, enforce.CodeAllowed},
		{"allow/pattern", enforce.Request{Method: "GET", Pattern: "GET /api/v2/target/{id}/sub0/{subId}/leaf/{leafId}", Path: targetPath, Token: tok}, enforce.CodeAllowed},
		// As an http.ServeMux handler calls it: the matched pattern, and
		// the request itself for path values.
		{"allow/pattern+params", enforce.Request{Method: "GET", Pattern: served.Pattern, Path: targetPath, Params: served, Token: tok}, enforce.CodeAllowed},
		{"deny/token-missing", enforce.Request{Method: "GET", Path: targetPath}, enforce.CodeTokenMissing},
		{"deny/token-expired", enforce.Request{Method: "GET", Path: targetPath, Token: expired}, enforce.CodeTokenExpired},
		{"deny/unknown-endpoint", enforce.Request{Method: "GET", Path: "/api/v2/nowhere/x/y", Token: tok}, enforce.CodeEndpointUnknown},
		{"deny/user-required", enforce.Request{Method: "GET", Path: "/api/v2/target/me", Token: env.cc}, enforce.CodeUserRequired},
		// Without the scope a resource is not looked up: on targetPath the
		// permission counts as held only in all divisions, and the user
		// lacks that, so the scope alone is missing on a route without a
		// permission.
		{"deny/scope-missing", enforce.Request{Method: "GET", Path: "/api/v2/target/me", Token: noScope}, enforce.CodeScopeMissing},
		{"deny/permission-missing", enforce.Request{Method: "GET", Path: otherDivision, Token: tok}, enforce.CodePermissionMissing},
		{"deny/scope-and-permission-missing", enforce.Request{Method: "GET", Path: otherDivision, Token: noScope}, enforce.CodeScopeAndPermissionMissing},
		{"deny/client-lacks-permission", enforce.Request{Method: "GET", Path: targetPath, Token: env.cc}, enforce.CodePermissionMissing},
	}
}

// BenchmarkEnforceMemo is BenchmarkEnforce with a memo for each token, as
// a verifier that keeps the tokens it verified passes it: filled on the
// first request, current on the next.
func BenchmarkEnforceMemo(b *testing.B) {
	env := newBenchEnv(b, 3000)
	for _, c := range enforceCases(b, env) {
		b.Run(c.name, func(b *testing.B) {
			req := c.req
			req.Memo = new(enforce.TokenMemo)
			runDecision(b, env.enforcer, req, c.want)
		})
	}
}

// BenchmarkEnforceTableSize shows the cost of an allowed decision as the
// table grows.
func BenchmarkEnforceTableSize(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 3000, 10000} {
		env := newBenchEnv(b, n)
		b.Run(fmt.Sprintf("endpoints=%d", n), func(b *testing.B) {
			runDecision(b, env.enforcer, enforce.Request{Method: "GET", Path: targetPath, Token: env.token}, enforce.CodeAllowed)
		})
	}
}

// BenchmarkEnforceParallel is the allowed decision from every core.
func BenchmarkEnforceParallel(b *testing.B) {
	env := newBenchEnv(b, 3000)
	b.ReportAllocs()
	b.ResetTimer() // the setup's allocations are not the decisions'
	b.RunParallel(func(pb *testing.PB) {
		req := enforce.Request{Method: "GET", Path: targetPath, Token: env.token}
		for pb.Next() {
			if d, _ := env.enforcer.Enforce(context.Background(), &req); !d.Allowed() {
				b.Error("denied")
				return
			}
		}
	})
}

// BenchmarkExplain is the cost of reading a denial's explanation, paid
// only by callers who read it.
func BenchmarkExplain(b *testing.B) {
	env := newBenchEnv(b, 3000)
	noScope := env.token
	noScope.Scopes = scope.MustParseSet("fam1:readonly")
	d, _ := env.enforcer.Enforce(context.Background(), &enforce.Request{Method: "GET", Path: "/api/v2/target/other/sub0/s-1/leaf/l-1", Token: noScope})
	b.ReportAllocs()
	for b.Loop() {
		_ = d.ErrorBody()
		_ = d.WWWAuthenticate()
	}
}

// BenchmarkNewPolicy is the cost of compiling a table, paid when a policy
// is built or swapped, never per request.
func BenchmarkNewPolicy(b *testing.B) {
	cat := benchCatalog(b)
	for _, n := range []int{100, 3000} {
		eps := benchTable(n)
		b.Run(fmt.Sprintf("endpoints=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := enforce.NewPolicy(enforce.Config{Catalog: cat, Endpoints: eps}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package enforce_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

// realTable has the kinds of entries the 3,164 endpoints of Genesys
// Cloud's Platform API hold, good and bad.
const realTable = `{"endpoints": [
  {"method": "GET", "path": "/api/v2/users/{userId}", "scopes": ["users", "users:readonly"],
   "permissions": {"all": ["directory:user:view"]}, "division": "{userId}"},
  {"method": "DELETE", "path": "/api/v2/users/{userId}", "scopes": ["users"],
   "permissions": {"any": ["directory:organization:admin", "directory:user:delete", "admin"]}},
  {"method": "GET", "path": "/api/v2/chats/users/{userId}/messages", "scopes": ["users:readonly"],
   "permissions": {"all": ["chat:1on1Message:view"]}},
  {"method": "PUT", "path": "/api/v2/messaging/integrations/x", "scopes": ["users"],
   "permissions": {"any": ["messaging:XIntegration:edit"]}},
  {"method": "GET", "path": "/api/v2/timeoffrequests", "scopes": ["timeoff:view"],
   "permissions": {"any": ["wfm:timeOffRequest:view", "wfm:agent:view", "wfm:timeOffRequest:view"]}},
  {"method": "GET", "path": "/api/v2/users/me", "scopes": ["users:readonly"],
   "permissions": {"any": ["They are enforced by the backend"]}},
  {"method": "GET", "path": "/api/v2/contentmanagement/documents/{documentId}", "scopes": ["users:readonly"],
   "permissions": {"all": ["content_management_user"]}},
  {"method": "PATCH", "path": "/api/v2/users/{userId}", "scopes": ["users"],
   "permissions": {"any": ["directory:user:edit"]}, "user_required": "yes"},
  {"method": "POST", "path": "/api/v2/users/{userId}/invite", "scopes": ["users"],
   "permissions": {"any": ["directory.user.add", "admin", "directory:user"]}},
  {"method": "GET", "path": "/api/v2/users/{userId}/roles", "scopes": ["users:readonly"],
   "permissions": {"all": ["authorization:grant:view"]}, "division": 7},
  {"method": "GET", "path": "/api/v2/users/{userId}/profile", "scopes": ["users:readonly"],
   "permissions": {"none": true}, "Permissions": {"all": ["directory:user:view"]}},
  "GET /api/v2/oops",
  {"method": "GET", "path": "/api/v2/users/{userId}/queues", "scopes": ["users:readonly"]}
]}`

func TestReadEndpointsJSONLenient(t *testing.T) {
	eps, report, err := enforce.ReadEndpointsJSON([]byte(realTable), enforce.Lenient)
	require.NoError(t, err)
	var routes []string
	for _, e := range eps {
		routes = append(routes, e.Route())
	}
	require.Equal(t, []string{
		"GET /api/v2/users/{userId}",
		"DELETE /api/v2/users/{userId}",
		"GET /api/v2/chats/users/{userId}/messages",
		"PUT /api/v2/messaging/integrations/x",
		"GET /api/v2/timeoffrequests",
		"GET /api/v2/contentmanagement/documents/{documentId}",
	}, routes, "every good entry loads; every bad one is left out whole")
	require.Equal(t, "any of directory:organization:admin, directory:user:delete, admin", eps[1].Permissions.String())
	require.Equal(t, "all of chat:1on1Message:view", eps[2].Permissions.String(), "names keep their case")
	require.Equal(t, "any of messaging:XIntegration:edit", eps[3].Permissions.String())
	require.Equal(t, "any of wfm:timeOffRequest:view, wfm:agent:view", eps[4].Permissions.String(), "a repeat counts once")

	type problem struct {
		Index        int
		Route, Field string
		Err          error
	}
	var got []problem
	for _, p := range report.Problems {
		got = append(got, problem{p.Index, p.Route, p.Field, p.Err})
	}
	isErr := cmp.Comparer(func(a, b error) bool { return a == nil == (b == nil) })
	want := []problem{
		{5, "GET /api/v2/users/me", "permissions.any[0]", errors.New("prose")},
		{7, "PATCH /api/v2/users/{userId}", "user_required", errors.New("not a bool")},
		{8, "POST /api/v2/users/{userId}/invite", "permissions.any[0]", errors.New("dots")},
		{8, "POST /api/v2/users/{userId}/invite", "permissions.any[2]", errors.New("two parts")},
		{9, "GET /api/v2/users/{userId}/roles", "division", errors.New("not a string")},
		{10, "GET /api/v2/users/{userId}/profile", "Permissions", errors.New("given twice")},
		{11, " ", "", errors.New("not an object")},
		{12, "GET /api/v2/users/{userId}/queues", "permissions", errors.New("missing")},
	}
	require.Empty(t, cmp.Diff(want, got, isErr))
	require.Equal(t, []int{5, 7, 8, 9, 10, 11, 12}, report.Skipped())

	// The prose entry is named, and its error never advises opening the
	// endpoint.
	prose := report.Problems[0].Error()
	require.Contains(t, prose, `enforce: endpoint 5 (GET /api/v2/users/me), permissions.any[0]: permission: parsing "They are enforced by the backend"`)
	require.Contains(t, prose, "reads as prose")
	for _, p := range report.Problems {
		require.NotContains(t, strings.ToLower(p.Error()), "none", p.Error())
	}
	require.ErrorIs(t, report.Problems[2].Err, permission.ErrCharacter)
	require.Contains(t, report.Problems[2].Error(), `did you mean "directory:user:add"?`)

	var notes []string
	for _, n := range report.Notes {
		notes = append(notes, n.String())
	}
	require.Equal(t, []string{
		"endpoint 1 (DELETE /api/v2/users/{userId}), permissions.any[2]: admin is a legacy one-word permission: only a role policy of the same word grants it",
		"endpoint 4 (GET /api/v2/timeoffrequests), permissions.any[2]: wfm:timeOffRequest:view is listed again (first at [0]); it counts once",
		"endpoint 6 (GET /api/v2/contentmanagement/documents/{documentId}), permissions.all[0]: content_management_user is a legacy one-word permission: only a role policy of the same word grants it",
	}, notes)
	require.Equal(t, []string{
		"GET /api/v2/users/me", "PATCH /api/v2/users/{userId}", "POST /api/v2/users/{userId}/invite",
		"GET /api/v2/users/{userId}/roles", "GET /api/v2/users/{userId}/profile", "GET /api/v2/users/{userId}/queues",
	}, report.Refused(), "the entry that is not an object has no route")
}

func TestReadEndpointsJSONStrict(t *testing.T) {
	eps, report, err := enforce.ReadEndpointsJSON([]byte(realTable), enforce.Strict)
	require.Nil(t, eps)
	require.Len(t, report.Problems, 8)
	require.ErrorContains(t, err, "enforce: endpoint 5 (GET /api/v2/users/me), permissions.any[0]")
	require.ErrorContains(t, err, "enforce: endpoint 12 (GET /api/v2/users/{userId}/queues), permissions")
	var ee *enforce.EndpointError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 5, ee.Index)

	_, err = enforce.ParseEndpointsJSON([]byte(realTable))
	require.ErrorContains(t, err, "enforce: endpoint 5 (GET /api/v2/users/me), permissions.any[0]", "ParseEndpointsJSON is the strict mode")

	for _, doc := range []string{`{`, `[]`, `{}`, `{"endpoints":[]} {}`, `{"endpoints":[], "x":1}`,
		// encoding/json would keep the last of two keys that match
		// without regard to case, dropping the first's entries.
		`{"refused":["GET /a"], "Refused":[], "endpoints":[]}`, `{"endpoints":[], "ENDPOINTS":[]}`} {
		for _, mode := range []enforce.LoadMode{enforce.Strict, enforce.Lenient} {
			_, _, err := enforce.ReadEndpointsJSON([]byte(doc), mode)
			require.Error(t, err, "%s in %s mode: no table to load", doc, mode)
		}
	}
}

// TestLenientNeverWeakens: whatever field of an entry is bad, the entry
// is left out; it is never loaded with that field's zero value (no user
// required, org-wide, no requirement) in place of what it says.
func TestLenientNeverWeakens(t *testing.T) {
	good := map[string]string{
		"method":        `"GET"`,
		"path":          `"/api/v2/users/{userId}"`,
		"scopes":        `["users:readonly"]`,
		"permissions":   `{"all": ["directory:user:view"]}`,
		"user_required": `true`,
		"division":      `"{userId}"`,
		"read_only":     `false`,
		"name":          `"getUser"`,
	}
	for _, tc := range []struct{ field, bad, problem string }{
		{"user_required", `1`, "user_required"},
		{"division", `["{userId}"]`, "division"},
		{"permissions", `{"all": ["directory:user:view", "Directory > User"]}`, "permissions.all[1]"},
		// A key of the requirement given twice: encoding/json would keep
		// the last list, dropping directory:user:delete silently.
		{"permissions", `{"all": ["directory:user:delete", "directory:user:view"], "ALL": ["directory:user:view"]}`, "permissions"},
		{"scopes", `["users:readonly", "users::manage"]`, "scopes[1]"},
		{"read_only", `"no"`, "read_only"},
		{"name", `3`, "name"},
	} {
		var fields []string
		for k, v := range good {
			if k == tc.field {
				v = tc.bad
			}
			fields = append(fields, fmt.Sprintf("%q: %s", k, v))
		}
		doc := `{"endpoints": [{` + strings.Join(fields, ", ") + `}]}`
		eps, report, err := enforce.ReadEndpointsJSON([]byte(doc), enforce.Lenient)
		require.NoError(t, err, doc)
		require.Empty(t, eps, "%s: the entry is left out", doc)
		require.Len(t, report.Problems, 1, doc)
		require.Equal(t, tc.problem, report.Problems[0].Field, "%s: %v", doc, report.Problems[0])
		require.Equal(t, []string{"GET /api/v2/users/{userId}"}, report.Refused(), doc)
	}
}

// TestLenientPolicyDeniesLeftOutRoutes: an entry left out matches
// nothing, and its requests are denied; they do not fall to another
// endpoint whose template would take them.
func TestLenientPolicyDeniesLeftOutRoutes(t *testing.T) {
	p, report, err := enforce.LoadPolicyJSON([]byte(realTable), enforce.Config{Catalog: sample.Catalog()}, enforce.Lenient)
	require.NoError(t, err)
	require.Equal(t, []int{5, 7, 8, 9, 10, 11, 12}, report.Skipped())
	for _, tc := range []struct {
		method, path string
		want         string // the template it reaches, or "" for none
	}{
		{"GET", "/api/v2/users/u-1", "/api/v2/users/{userId}"},
		{"GET", "/api/v2/users/me", ""}, // not /api/v2/users/{userId}
		{"PATCH", "/api/v2/users/u-1", ""},
		{"GET", "/api/v2/users/u-1/roles", ""},
		{"DELETE", "/api/v2/users/u-1", "/api/v2/users/{userId}"},
		{"GET", "/api/v2/contentmanagement/documents/d-1", "/api/v2/contentmanagement/documents/{documentId}"},
	} {
		e, ok := p.Match(tc.method, tc.path)
		require.Equal(t, tc.want != "", ok, "%s %s", tc.method, tc.path)
		require.Equal(t, tc.want, e.Path, "%s %s", tc.method, tc.path)
	}
	_, ok := p.Route("GET /api/v2/users/me")
	require.False(t, ok, "a router's pattern for a left-out route finds nothing either")
	_, ok = p.Accepted("GET /api/v2/users/me")
	require.False(t, ok)
	require.Len(t, p.Endpoints(), 6, "left-out routes are not endpoints")

	// Without the refused routes, /api/v2/users/me would reach
	// /api/v2/users/{userId}: the reason they are kept.
	eps, _, err := enforce.ReadEndpointsJSON([]byte(realTable), enforce.Lenient)
	require.NoError(t, err)
	bare, err := enforce.NewPolicy(enforce.Config{Catalog: sample.Catalog(), Endpoints: eps})
	require.NoError(t, err)
	e, ok := bare.Match("GET", "/api/v2/users/me")
	require.True(t, ok)
	require.Equal(t, "/api/v2/users/{userId}", e.Path)
}

// TestLenientPolicyDecision: a real enforcer denies a left-out route as
// an unknown endpoint, and decides the others as the table says.
func TestLenientPolicyDecision(t *testing.T) {
	f := newFixture(t)
	p, _, err := enforce.LoadPolicyJSON([]byte(`{"endpoints": [
	  {"method": "GET", "path": "/api/v2/users/{userId}", "scopes": ["users:readonly"], "permissions": {"none": true}},
	  {"method": "GET", "path": "/api/v2/users/me", "scopes": ["users:readonly"], "permissions": {"all": ["They are enforced by the backend"]}}
	]}`), enforce.Config{Catalog: f.catalog}, enforce.Lenient)
	require.NoError(t, err)
	f.enforcer.Swap(p)
	tok := f.token("alice", "users:readonly")
	require.True(t, f.enforce("GET", "/api/v2/users/u-1", tok).Allowed())
	d := f.enforce("GET", "/api/v2/users/me", tok)
	require.False(t, d.Allowed())
	require.Equal(t, enforce.CodeEndpointUnknown, d.Code())
}

func TestNewPolicyLenient(t *testing.T) {
	good := ep("GET", "/api/v2/users", "users:readonly", viewUsers)
	named := ep("GET", "/api/v2/users/{userId}", "users:readonly", viewUsers)
	named.Name = "getUser"
	sameName := ep("GET", "/api/v2/groups", "users:readonly", viewUsers)
	sameName.Name = "getUser"
	badDivision := ep("GET", "/api/v2/users/{userId}/roles", "users:readonly", viewUsers)
	badDivision.Division = "{roleId}"
	p, report, err := enforce.NewPolicyLenient(enforce.Config{Catalog: sample.Catalog(), Endpoints: []enforce.Endpoint{
		good,
		ep("GET", "/api/v2/users/{id}/queues", "users:view", viewUsers), // unknown scope
		named,
		sameName,
		ep("get", "/api/v2/things", "users:readonly", viewUsers),                        // bad method
		ep("GET", "/api/v2/users/{other}", "users:readonly", viewUsers),                 // same shape as named
		ep("PUT", "/api/v2/users/{userId}", "users:readonly", permission.Requirement{}), // no requirement
		badDivision,
	}})
	require.NoError(t, err)
	var got []string
	for _, e := range report.Problems {
		got = append(got, fmt.Sprintf("%d %s", e.Index, e.Field))
	}
	// Entry 5 has entry 2's shape: it is left out and its route refused,
	// and so entry 2, which would serve the refused route, is left out
	// too. Which of the two was meant is not for the loader to guess.
	require.Equal(t, []string{"1 scopes", "2 path", "3 name", "4 method", "5 path", "6 permissions", "7 division"}, got)
	require.ErrorIs(t, report.Problems[0].Err, scope.ErrUnknown)
	require.Contains(t, report.Problems[1].Error(), "same method and path shape as a refused route")
	require.Contains(t, report.Problems[5].Error(), "never opened to every caller")
	require.NotContains(t, report.Problems[5].Error(), "NoneRequired")
	require.Len(t, p.Endpoints(), 1)
	for _, r := range []string{"GET /api/v2/users/u-1/queues", "PUT /api/v2/users/u-1", "GET /api/v2/users/u-1", "GET /api/v2/things"} {
		method, path, _ := strings.Cut(r, " ")
		_, ok := p.Match(method, path)
		require.False(t, ok, r)
	}

	_, _, err = enforce.NewPolicyLenient(enforce.Config{})
	require.ErrorContains(t, err, "no scope catalog", "a problem that is not an entry's fails")
}

func TestLoadPolicyJSONStrict(t *testing.T) {
	_, _, err := enforce.LoadPolicyJSON([]byte(realTable), enforce.Config{Catalog: sample.Catalog()}, enforce.Strict)
	require.ErrorContains(t, err, "endpoint 5 (GET /api/v2/users/me)")
	_, _, err = enforce.LoadPolicyJSON([]byte(`{"endpoints": [
	  {"method": "GET", "path": "/a", "scopes": ["users:readonly"], "permissions": {"none": true}},
	  {"method": "GET", "path": "/b", "scopes": ["users:view"], "permissions": {"none": true}}]}`), enforce.Config{Catalog: sample.Catalog()}, enforce.Strict)
	var ee *enforce.EndpointError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 1, ee.Index)
	_, _, err = enforce.LoadPolicyJSON([]byte(`{"endpoints": []}`), enforce.Config{Catalog: sample.Catalog(), Endpoints: []enforce.Endpoint{{}}}, enforce.Strict)
	require.ErrorContains(t, err, "must be empty")
}

// TestRefusedList: a table's "refused" routes are denied, like those of
// the entries left out.
func TestRefusedList(t *testing.T) {
	doc := []byte(`{"endpoints": [
	  {"method": "GET", "path": "/api/v2/users/{userId}", "scopes": ["users:readonly"], "permissions": {"all": ["directory:user:view"]}}
	], "refused": ["GET /api/v2/users/me", "not a route"]}`)
	_, report, err := enforce.ReadEndpointsJSON(doc, enforce.Strict)
	require.NoError(t, err)
	require.Equal(t, []string{"GET /api/v2/users/me", "not a route"}, report.Refused())
	for _, mode := range []enforce.LoadMode{enforce.Strict, enforce.Lenient} {
		p, _, err := enforce.LoadPolicyJSON(doc, enforce.Config{Catalog: sample.Catalog()}, mode)
		require.NoError(t, err)
		_, ok := p.Match("GET", "/api/v2/users/me")
		require.False(t, ok, mode.String())
		_, ok = p.Match("GET", "/api/v2/users/u-1")
		require.True(t, ok, mode.String())
	}
}

// TestReadmeJSONFormats: the README's endpoint table and scope catalog
// load, strictly, into a policy.
func TestReadmeJSONFormats(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(data), "#### The endpoint table and the scope catalog in JSON\n")
	require.True(t, ok)
	var blocks []string
	for range 2 {
		var block string
		_, section, _ = strings.Cut(section, "```json\n")
		block, section, ok = strings.Cut(section, "```")
		require.True(t, ok)
		blocks = append(blocks, block)
	}
	catalog, err := scope.ParseCatalogJSON([]byte(blocks[1]))
	require.NoError(t, err)
	p, report, err := enforce.LoadPolicyJSON([]byte(blocks[0]), enforce.Config{Catalog: catalog}, enforce.Strict)
	require.NoError(t, err)
	require.Len(t, p.Endpoints(), 3)
	require.Equal(t, []string{"GET /api/v2/users/{userId}/externalid"}, report.Refused())
	e, ok := p.Route("GET /api/v2/users/me")
	require.True(t, ok)
	require.True(t, e.UserRequired)
}

// TestLenientRefusalIsLiberal: a bad entry's route is refused however
// malformed it is, and no other entry serves it: not one of the same
// shape, before or after it, nor one whose template would take its
// requests.
func TestLenientRefusalIsLiberal(t *testing.T) {
	const open = `{"method": "GET", "path": "/api/v2/users/{userId}", "scopes": ["users:readonly"], "permissions": {"none": true}},
	  {"method": "GET", "path": "/api/v2/users/{userId}/{sub}", "scopes": ["users:readonly"], "permissions": {"none": true}},
	  {"method": "DELETE", "path": "/api/v2/users/{userId}/{sub}", "scopes": ["users:readonly"], "permissions": {"none": true}}`
	const bad = `"scopes": ["users:readonly"], "permissions": {"all": ["Directory > User"]}`
	for _, tc := range []struct {
		name, entry string
		denied      []string // requests no endpoint may take
		allowed     []string // requests still served
	}{
		{"same shape after", `{"method": "GET", "path": "/api/v2/users/{id}", ` + bad + `}`,
			[]string{"GET /api/v2/users/u-1"}, []string{"GET /api/v2/users/u-1/roles"}},
		{"lower-case method", `{"method": "get", "path": "/api/v2/users/me", ` + bad + `}`,
			[]string{"GET /api/v2/users/me"}, []string{"GET /api/v2/users/u-1"}},
		{"trailing slash", `{"method": "GET", "path": "/api/v2/users/me/", ` + bad + `}`,
			[]string{"GET /api/v2/users/me"}, []string{"GET /api/v2/users/u-1"}},
		{"parameter name with a hyphen", `{"method": "GET", "path": "/api/v2/users/{user-id}/roles", ` + bad + `}`,
			[]string{"GET /api/v2/users/u-1/roles"}, []string{"GET /api/v2/users/u-1/queues"}},
		{"parameter inside a segment", `{"method": "GET", "path": "/api/v2/users/{id}.json", ` + bad + `}`,
			[]string{"GET /api/v2/users/u-1"}, []string{"GET /api/v2/users/u-1/roles"}},
		{"not a method: every method", `{"method": "FETCH!", "path": "/api/v2/users/{id}/roles", ` + bad + `}`,
			[]string{"GET /api/v2/users/u-1/roles", "DELETE /api/v2/users/u-1/roles"}, []string{"GET /api/v2/users/u-1/queues"}},
		{"no method: every method", `{"path": "/api/v2/users/{id}/roles", ` + bad + `}`,
			[]string{"GET /api/v2/users/u-1/roles", "DELETE /api/v2/users/u-1/roles"}, []string{"DELETE /api/v2/users/u-1/queues"}},
	} {
		for _, doc := range []string{
			`{"endpoints": [` + open + `, ` + tc.entry + `]}`,
			`{"endpoints": [` + tc.entry + `, ` + open + `]}`,
		} {
			p, report, err := enforce.LoadPolicyJSON([]byte(doc), enforce.Config{Catalog: sample.Catalog()}, enforce.Lenient)
			require.NoError(t, err, tc.name)
			require.NotEmpty(t, report.Problems, tc.name)
			for _, r := range tc.denied {
				method, path, _ := strings.Cut(r, " ")
				m, ok := p.Match(method, path)
				require.False(t, ok, "%s: %s reaches %s", tc.name, r, m.Route())
			}
			for _, r := range tc.allowed {
				method, path, _ := strings.Cut(r, " ")
				_, ok := p.Match(method, path)
				require.True(t, ok, "%s: %s", tc.name, r)
			}
		}
	}
}

// TestRefusedRouteWithoutPath: Config.Refused is data, checked as such.
func TestRefusedRouteWithoutPath(t *testing.T) {
	for _, r := range []string{"", "GET", "GET  ", " "} {
		_, err := enforce.NewPolicy(enforce.Config{Catalog: sample.Catalog(), Refused: []string{r}})
		require.ErrorContains(t, err, "names no path", "%q", r)
	}
}

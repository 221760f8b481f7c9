package review_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// An endpoint marked ReadOnly is not counted as a write, whatever its
// method: the sample table's analytics queries are sent with POST and
// only read (issue 17).
func TestBreadthCountsReadOnlyEndpointsAsReads(t *testing.T) {
	ix := sampleIndex(t)
	for _, tt := range []struct {
		scope string
		want  review.Breadth
		text  string
	}{
		{"analytics:conversationDetail", review.Breadth{Writes: 0, Endpoints: 1, Grants: 1}, "1 endpoint, none that writes"},
		{"analytics:aggregate:view", review.Breadth{Writes: 0, Endpoints: 1, Grants: 1}, "1 endpoint, none that writes"},
	} {
		b, ok := ix.Breadth(scope.MustParse(tt.scope))
		require.True(t, ok)
		require.Equal(t, tt.want, b, tt.scope)
		require.Equal(t, tt.text, b.String())
	}
	reach := ix.Reach(scope.MustParseSet("analytics:conversationDetail analytics:aggregate:view"))
	require.Equal(t, review.Breadth{Writes: 0, Endpoints: 2, Grants: 2}, reach)
}

// The flag changes which scope is narrowest: a query sent with POST no
// longer makes the scope that serves it look like one that writes.
func TestMinimalReadOnlyChangesTheChoice(t *testing.T) {
	entries := []scope.Entry{
		{Scope: scope.MustParse("reports:query"), Description: "Query reports"},
		{Scope: scope.MustParse("reports:all"), Description: "Everything on reports"},
	}
	cat, err := scope.NewCatalog(entries)
	require.NoError(t, err)
	none := permission.NoneRequired()
	table := func(readOnly bool) []enforce.Endpoint {
		return []enforce.Endpoint{
			// Both scopes serve the report list; reports:query also
			// serves the query, reports:all two more reads.
			{Method: "GET", Path: "/reports", Scopes: []scope.Scope{scope.MustParse("reports:query"), scope.MustParse("reports:all")}, Permissions: none},
			{Method: "POST", Path: "/reports/query", Scopes: []scope.Scope{scope.MustParse("reports:query")}, Permissions: none, ReadOnly: readOnly},
			{Method: "GET", Path: "/reports/{id}", Scopes: []scope.Scope{scope.MustParse("reports:all")}, Permissions: none},
			{Method: "GET", Path: "/reports/{id}/rows", Scopes: []scope.Scope{scope.MustParse("reports:all")}, Permissions: none},
		}
	}
	for _, tt := range []struct {
		readOnly bool
		want     string
	}{
		// Counted as a write, the query makes reports:query the broader.
		{false, "reports:all"},
		// As a read, reports:query unlocks 2 endpoints to reports:all's 3.
		{true, "reports:query"},
	} {
		ix := newIndex(t, cat, table(tt.readOnly))
		sel, err := ix.Minimal([]string{"GET /reports"})
		require.NoError(t, err)
		require.Equal(t, tt.want, sel.Scopes.String(), "read_only %v", tt.readOnly)
	}
}

// ReadOnly comes from the endpoint table's JSON too.
func TestReadOnlyFromJSON(t *testing.T) {
	eps, err := enforce.ParseEndpointsJSON([]byte(`{"endpoints": [
	  {"method": "POST", "path": "/q", "scopes": ["q:view"], "permissions": {"none": true}, "read_only": true},
	  {"method": "POST", "path": "/w", "scopes": ["q:view"], "permissions": {"none": true}}
	]}`))
	require.NoError(t, err)
	cat, err := scope.NewCatalog([]scope.Entry{{Scope: scope.MustParse("q:view"), Description: "Query"}})
	require.NoError(t, err)
	ix := newIndex(t, cat, eps)
	b, ok := ix.Breadth(scope.MustParse("q:view"))
	require.True(t, ok)
	require.Equal(t, review.Breadth{Writes: 1, Endpoints: 2, Grants: 1}, b)
}

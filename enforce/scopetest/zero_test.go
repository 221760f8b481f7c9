package scopetest_test

import (
	"testing"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/enforce/scopetest"
	"github.com/scopegate/scopegate/internal/nopanic"
	scopesample "github.com/scopegate/scopegate/scope/sample"
)

// TestZeroValuesDoNotPanic: the zero value and the nil pointer of every
// exported type, and every function given zero inputs, return an error,
// fail the test they are given, or report nothing; none panics (issue
// 11). Expect is called with a testing.TB: it reports through it, and
// cannot report without one.
func TestZeroValuesDoNotPanic(t *testing.T) {
	nopanic.CheckPackage(t,
		scopetest.Matrix{}, (*scopetest.Matrix)(nil),
		scopetest.Profile{}, (*scopetest.Profile)(nil),
		scopetest.RoleGrant{}, (*scopetest.RoleGrant)(nil),
		scopetest.Row{}, (*scopetest.Row)(nil),
		scopetest.Table{}, (*scopetest.Table)(nil),
		scopetest.Want(nil), (*scopetest.Want)(nil),
	)
	sampleTable := scopetest.Table{Catalog: scopesample.Catalog(), Endpoints: sample.Endpoints()}
	nopanic.CheckFuncs(t, map[string]any{
		"Diff": scopetest.Diff,
		"Expect(zero table)": func() scopetest.Matrix {
			return scopetest.Expect(&recorder{TB: t}, scopetest.Table{}, scopetest.Profile{}, scopetest.Want{"GET /": 0})
		},
		"Expect(zero profile)": func() scopetest.Matrix {
			return scopetest.Expect(&recorder{TB: t}, sampleTable, scopetest.Profile{}, scopetest.Want{"GET /api/v2/users/me": 0})
		},
		"Expect(no want)": func() scopetest.Matrix {
			return scopetest.Expect(&recorder{TB: t}, sampleTable, scopetest.Profile{}, nil)
		},
		"(Table).Matrix(zero profile)": func() (scopetest.Matrix, error) {
			return sampleTable.Matrix(scopetest.Profile{})
		},
		"(Table).Matrix(zero role grant)": func() (scopetest.Matrix, error) {
			return sampleTable.Matrix(scopetest.Profile{GrantType: 1, Roles: []scopetest.RoleGrant{{}}}, "")
		},
		"(Table).Matrix(zero endpoint)": func() (scopetest.Matrix, error) {
			return scopetest.Table{Catalog: scopesample.Catalog(), Endpoints: []enforce.Endpoint{{}}}.Matrix(scopetest.Profile{})
		},
	})
}

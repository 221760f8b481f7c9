package scope_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/internal/nopanic"
	"github.com/scopegate/scopegate/scope"
)

// TestZeroValuesDoNotPanic: the zero value and the nil pointer of every
// exported type, and every function given zero inputs, return an error,
// refuse or report nothing; none panics (issue 11). MustParse and
// MustParseSet are left out: they panic on bad input by contract.
func TestZeroValuesDoNotPanic(t *testing.T) {
	nopanic.CheckPackage(t,
		scope.Accepted{}, (*scope.Accepted)(nil),
		scope.Catalog{}, (*scope.Catalog)(nil),
		scope.CycleError{}, (*scope.CycleError)(nil),
		scope.Entry{}, (*scope.Entry)(nil),
		scope.EntryError{}, (*scope.EntryError)(nil),
		scope.Granted{}, (*scope.Granted)(nil),
		scope.ParseError{}, (*scope.ParseError)(nil),
		scope.Redundancy{}, (*scope.Redundancy)(nil),
		scope.Rule{}, (*scope.Rule)(nil),
		scope.Scope{}, (*scope.Scope)(nil),
		scope.Set{}, (*scope.Set)(nil),
		scope.UnknownError{}, (*scope.UnknownError)(nil),
	)
	nopanic.CheckFuncs(t, map[string]any{
		"NewCatalog":             scope.NewCatalog,
		"NewCatalog(zero entry)": func() (*scope.Catalog, error) { return scope.NewCatalog([]scope.Entry{{}}) },
		"NewCatalog(zero rule)":  func() (*scope.Catalog, error) { return scope.NewCatalog(nil, scope.Rule{}) },
		"ParseCatalogJSON":       scope.ParseCatalogJSON,
		"ActionImplies":          scope.ActionImplies,
		"BareImplies":            scope.BareImplies,
		"Parse":                  scope.Parse,
		"NewSet":                 scope.NewSet,
		"NewSet(zero scope)":     func() (scope.Set, error) { return scope.NewSet(scope.Scope{}) },
		"ParseSet":               scope.ParseSet,
		"(*Catalog).Accept(zero scope)": func() (scope.Accepted, error) {
			c, err := scope.NewCatalog(nil)
			if err != nil {
				return scope.Accepted{}, err
			}
			return c.Accept(scope.Scope{})
		},
		"(*Catalog)(nil).Accept(zero scope)": func() (scope.Accepted, error) {
			return (*scope.Catalog)(nil).Accept(scope.Scope{})
		},
	})
}

// TestNilCatalogIsEmpty: a nil *Catalog answers as the zero Catalog does,
// as a catalog that knows no scope: it refuses every scope and grants
// nothing.
func TestNilCatalogIsEmpty(t *testing.T) {
	users := scope.MustParse("users:readonly")
	set := scope.MustParseSet("users:readonly")
	for name, c := range map[string]*scope.Catalog{"nil": nil, "zero": {}} {
		t.Run(name, func(t *testing.T) {
			require.Zero(t, c.Len())
			require.False(t, c.Contains(users))
			require.False(t, c.Implies(users, users))
			_, err := c.Parse("users:readonly")
			require.ErrorIs(t, err, scope.ErrUnknown)
			_, err = c.ParseSet("users:readonly")
			require.ErrorIs(t, err, scope.ErrUnknown)
			require.ErrorIs(t, c.Validate(set), scope.ErrUnknown)
			_, err = c.Accept(users)
			require.ErrorIs(t, err, scope.ErrUnknown)
			require.False(t, c.Grant(set).Has(users))
			require.True(t, c.Expand(set).Equal(set), "unknown scopes are kept as they are")
			_, ok := c.Narrowest(set)
			require.False(t, ok)
			for range c.All() {
				t.Fatal("an empty catalog has no entries")
			}
		})
	}
	data, err := json.Marshal(struct{ C *scope.Catalog }{})
	require.NoError(t, err)
	require.JSONEq(t, `{"C":null}`, string(data))
	data, err = (*scope.Catalog)(nil).MarshalJSON()
	require.NoError(t, err)
	require.Equal(t, "null", string(data))
}

// TestEmptyErrorsRead: an error struct left empty, or nil, still says
// what kind of error it is.
func TestEmptyErrorsRead(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&scope.ParseError{}, `scope: parsing "" at offset 0: invalid scope`},
		{&scope.ParseError{Err: scope.ErrEmpty}, `scope: parsing "" at offset 0: empty`},
		{(*scope.ParseError)(nil), "scope: invalid scope"},
		{&scope.UnknownError{}, `scope: unknown scope ""`},
		{(*scope.UnknownError)(nil), "scope: unknown scope"},
		{&scope.EntryError{}, "scope: catalog entry 0: invalid"},
		{&scope.EntryError{Index: -1}, "scope: catalog rule: invalid"},
		{(*scope.EntryError)(nil), "scope: invalid catalog entry"},
		{&scope.CycleError{}, "scope: implication cycle: "},
		{(*scope.CycleError)(nil), "scope: implication cycle"},
	} {
		require.Equal(t, tc.want, tc.err.Error())
	}
	require.NoError(t, errors.Unwrap((*scope.ParseError)(nil)))
	require.NoError(t, errors.Unwrap((*scope.EntryError)(nil)))
	var nilSet *scope.Set
	require.Error(t, nilSet.UnmarshalText([]byte("users")))
}

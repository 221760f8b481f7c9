package review_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/internal/nopanic"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

// TestZeroValuesDoNotPanic: the zero value and the nil pointer of every
// exported type, and every function given zero inputs or nil options,
// return an error or report nothing; none panics (issue 11).
func TestZeroValuesDoNotPanic(t *testing.T) {
	nopanic.CheckPackage(t,
		review.AppRequest{}, (*review.AppRequest)(nil),
		review.Breadth{}, (*review.Breadth)(nil),
		review.CallError{}, (*review.CallError)(nil),
		review.Change{}, (*review.Change)(nil),
		review.ChangeError{}, (*review.ChangeError)(nil),
		review.Date{}, (*review.Date)(nil),
		review.Denial{}, (*review.Denial)(nil),
		review.Doc{}, (*review.Doc)(nil),
		review.DocInput{}, (*review.DocInput)(nil),
		review.Finding{}, (*review.Finding)(nil),
		review.Index{}, (*review.Index)(nil),
		review.Kind(0), (*review.Kind)(nil), review.Kind(255),
		review.Mapping{}, (*review.Mapping)(nil),
		review.Need{}, (*review.Need)(nil),
		review.Note{}, (*review.Note)(nil),
		review.Option(nil), (*review.Option)(nil),
		review.RoleBreadth{}, (*review.RoleBreadth)(nil),
		review.RoleDenial{}, (*review.RoleDenial)(nil),
		review.RoleFinding{}, (*review.RoleFinding)(nil),
		review.RoleIndex{}, (*review.RoleIndex)(nil),
		review.RoleNeed{}, (*review.RoleNeed)(nil),
		review.RoleQuery{}, (*review.RoleQuery)(nil),
		review.RoleReview{}, (*review.RoleReview)(nil),
		review.RoleSelection{}, (*review.RoleSelection)(nil),
		review.RoleUsageQuery{}, (*review.RoleUsageQuery)(nil),
		review.RoleUsageReview{}, (*review.RoleUsageReview)(nil),
		review.RoleUse{}, (*review.RoleUse)(nil),
		review.RolloutClient{}, (*review.RolloutClient)(nil),
		review.RolloutQuery{}, (*review.RolloutQuery)(nil),
		review.RolloutReview{}, (*review.RolloutReview)(nil),
		review.ScopeDoc{}, (*review.ScopeDoc)(nil),
		review.ScopeReview{}, (*review.ScopeReview)(nil),
		review.ScopeRisk{}, (*review.ScopeRisk)(nil),
		review.ScopeUse{}, (*review.ScopeUse)(nil),
		review.Scrutiny{}, (*review.Scrutiny)(nil),
		review.Selection{}, (*review.Selection)(nil),
		review.Unserved{}, (*review.Unserved)(nil),
		review.UsageQuery{}, (*review.UsageQuery)(nil),
		review.UsageReview{}, (*review.UsageReview)(nil),
	)
	nopanic.CheckFuncs(t, map[string]any{
		"DateOf":                 review.DateOf,
		"ParseDate":              review.ParseDate,
		"ParseDocJSON":           review.ParseDocJSON,
		"WithSearchLimit":        review.WithSearchLimit,
		"New":                    review.New,
		"New(&enforce.Policy{})": func() (*review.Index, error) { return review.New(&enforce.Policy{}) },
		"New(nil option)": func() (*review.Index, error) {
			return review.New(newPolicy(t), nil, review.WithSearchLimit(-1))
		},
		"New(sample)": func() (*review.Index, error) { return review.New(newPolicy(t)) },
		"(*Index).ReviewUsage(zero record)": func() (review.UsageReview, error) {
			ix, err := review.New(newPolicy(t))
			if err != nil {
				return review.UsageReview{}, err
			}
			return ix.ReviewUsage(review.UsageQuery{}, []enforce.Record{{}})
		},
		"(*Index).Document(zero doc input)": func() (review.Doc, error) {
			ix, err := review.New(newPolicy(t))
			if err != nil {
				return review.Doc{}, err
			}
			return ix.Document(review.DocInput{Calls: []string{""}})
		},
	})
}

// newPolicy returns a policy over the sample table and catalog.
func newPolicy(tb testing.TB) *enforce.Policy {
	tb.Helper()
	p, err := enforce.NewPolicy(enforce.Config{Catalog: sample.Catalog(), Endpoints: esample.Endpoints()})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// TestIndexNotMadeByNewRefuses: New refuses a policy not made by
// enforce.NewPolicy, and a nil or zero Index refuses every review with
// ErrInvalid instead of reviewing an empty table.
func TestIndexNotMadeByNewRefuses(t *testing.T) {
	_, err := review.New(&enforce.Policy{})
	require.ErrorIs(t, err, review.ErrInvalid)
	calls := []string{"GET /api/v2/users/me"}
	for name, ix := range map[string]*review.Index{"nil": nil, "zero": {}} {
		t.Run(name, func(t *testing.T) {
			_, err := ix.Resolve(calls)
			require.ErrorIs(t, err, review.ErrInvalid)
			_, err = ix.Minimal(calls)
			require.ErrorIs(t, err, review.ErrInvalid)
			_, err = ix.ReviewScopes(scope.MustParseSet("users:readonly"), calls)
			require.ErrorIs(t, err, review.ErrInvalid)
			_, err = ix.Document(review.DocInput{Application: "App", Calls: calls})
			require.ErrorIs(t, err, review.ErrInvalid)
			_, err = ix.ReviewUsage(review.UsageQuery{}, nil)
			require.ErrorIs(t, err, review.ErrInvalid)
			require.Zero(t, ix.Reach(scope.MustParseSet("users:readonly")))
			_, ok := ix.Breadth(scope.MustParse("users:readonly"))
			require.False(t, ok)
			require.Nil(t, ix.Catalog())
		})
	}
}

// TestEmptyCallErrorReads: a CallError left empty, or nil, still says
// what kind of error it is.
func TestEmptyCallErrorReads(t *testing.T) {
	require.Equal(t, `review: call 0 "": not resolved`, (&review.CallError{}).Error())
	require.Equal(t, `review: call 0 "": unknown call`, (&review.CallError{Err: review.ErrUnknownCall}).Error())
	require.Equal(t, "review: call not resolved", (*review.CallError)(nil).Error())
	require.NoError(t, errors.Unwrap((*review.CallError)(nil)))
}

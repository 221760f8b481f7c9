package enforce_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/internal/nopanic"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

// TestZeroValuesDoNotPanic: the zero value and the nil pointer of every
// exported type, and every function given zero inputs or nil options,
// return an error, deny or report nothing; none panics (issue 11). An
// enforcer that cannot decide denies with CodeUnavailable.
func TestZeroValuesDoNotPanic(t *testing.T) {
	policy, err := enforce.NewPolicy(enforce.Config{
		Catalog:   sample.Catalog(),
		Endpoints: esample.Endpoints(),
	})
	require.NoError(t, err)
	now := time.Now()
	sources := func() enforce.Sources {
		return enforce.Sources{Access: permission.NewCache(permission.NewMemStore(), 0), Revocations: grant.NewMemStore(nil), Clients: client.NewMemStore()}
	}
	request := func() *enforce.Request {
		return &enforce.Request{Method: "GET", Path: "/api/v2/users/me", Token: grant.Token{
			ID: grant.NewTokenID(), Client: client.NewID(), Org: "org", GrantType: client.AuthorizationCode, User: "u",
			Scopes: scope.MustParseSet("users:readonly"), IssuedAt: now, ExpiresAt: now.Add(time.Hour)}}
	}
	nopanic.CheckPackage(t,
		enforce.Causes(0), (*enforce.Causes)(nil), enforce.Causes(1<<31),
		enforce.Code(0), (*enforce.Code)(nil), enforce.Code(255),
		enforce.Config{}, (*enforce.Config)(nil),
		enforce.Decision{}, (*enforce.Decision)(nil),
		enforce.Endpoint{}, (*enforce.Endpoint)(nil),
		enforce.TokenMemo{}, (*enforce.TokenMemo)(nil),
		enforce.EndpointError{}, (*enforce.EndpointError)(nil),
		enforce.Enforcer{}, (*enforce.Enforcer)(nil),
		enforce.Hook(nil), (*enforce.Hook)(nil),
		enforce.LoadMode(0), (*enforce.LoadMode)(nil), enforce.LoadMode(255),
		enforce.LoadReport{}, (*enforce.LoadReport)(nil),
		enforce.MissingPermission{}, (*enforce.MissingPermission)(nil),
		enforce.Note{}, (*enforce.Note)(nil),
		enforce.Option(nil), (*enforce.Option)(nil),
		enforce.Org{}, (*enforce.Org)(nil),
		enforce.Policy{}, (*enforce.Policy)(nil),
		enforce.Record{}, (*enforce.Record)(nil),
		enforce.Request{}, (*enforce.Request)(nil),
		enforce.Sources{}, (*enforce.Sources)(nil),
	)
	nopanic.CheckFuncs(t, map[string]any{
		"ParseEndpointsJSON":        enforce.ParseEndpointsJSON,
		"ReadEndpointsJSON":         enforce.ReadEndpointsJSON,
		"NewPolicyLenient":          enforce.NewPolicyLenient,
		"LoadPolicyJSON":            enforce.LoadPolicyJSON,
		"WithClock":                 enforce.WithClock,
		"WithClockSkew":             enforce.WithClockSkew,
		"WithUnknownEndpointStatus": enforce.WithUnknownEndpointStatus,
		"WithHook":                  enforce.WithHook,
		"WithDetailedErrors":        enforce.WithDetailedErrors,
		"WithRealm":                 enforce.WithRealm,
		"SlogHook(nil)":             func() { enforce.SlogHook(nil)(ctx, enforce.Record{}) },
		"NewPolicy":                 enforce.NewPolicy,
		"NewPolicy(zero endpoint, org)": func() (*enforce.Policy, error) {
			return enforce.NewPolicy(enforce.Config{Catalog: sample.Catalog(), Endpoints: []enforce.Endpoint{{}}, Orgs: []enforce.Org{{}}})
		},
		"NewPolicy(zero catalog)": func() (*enforce.Policy, error) {
			return enforce.NewPolicy(enforce.Config{Catalog: new(scope.Catalog), Endpoints: esample.Endpoints()})
		},
		"New":            enforce.New,
		"New(policy)":    func() (*enforce.Enforcer, error) { return enforce.New(policy, enforce.Sources{}) },
		"New(&Policy{})": func() (*enforce.Enforcer, error) { return enforce.New(&enforce.Policy{}, sources()) },
		"New(nil options)": func() (*enforce.Enforcer, error) {
			return enforce.New(policy, sources(), nil, enforce.WithClock(nil), enforce.WithHook(nil))
		},
		"New(&Policy{}).Enforce": func() (enforce.Decision, error) {
			return mustNew(enforce.New(&enforce.Policy{}, sources())).Enforce(ctx, request())
		},
		"New(&Policy{}, hook).Enforce(nil)": func() (enforce.Decision, error) {
			return mustNew(enforce.New(&enforce.Policy{}, sources(), enforce.WithHook(enforce.SlogHook(slog.New(slog.DiscardHandler))))).Enforce(ctx, nil)
		},
		"(&Enforcer{}).Swap(policy).Enforce": func() (enforce.Decision, error) {
			var e enforce.Enforcer
			e.Swap(policy)
			return e.Enforce(ctx, request())
		},
	})
}

// TestEnforcerThatCannotDecideDenies: a nil or zero Enforcer, a nil or
// zero Policy, and a nil Request deny with CodeUnavailable and an error;
// none allows, and none panics.
func TestEnforcerThatCannotDecideDenies(t *testing.T) {
	f := newFixture(t)
	req := &enforce.Request{Method: "GET", Path: "/api/v2/users/me", Token: f.token("agent", "users:readonly")}
	d, err := f.enforcer.Enforce(ctx, req)
	require.NoError(t, err)
	require.True(t, d.Allowed(), "the request itself is fine")

	var records []enforce.Record
	hook := enforce.WithHook(func(_ context.Context, r enforce.Record) { records = append(records, r) })
	for _, tc := range []struct {
		name     string
		enforcer *enforce.Enforcer
		request  *enforce.Request
		sentinel error // the error wraps it, if set
	}{
		{"nil enforcer", nil, req, enforce.ErrNoPolicy},
		{"zero enforcer", &enforce.Enforcer{}, req, enforce.ErrNoPolicy},
		{"nil policy", mustNew(enforce.New(nil, f.sources)), req, enforce.ErrNoPolicy},
		{"zero policy", mustNew(enforce.New(&enforce.Policy{}, f.sources)), req, enforce.ErrNoPolicy},
		{"nil request", f.enforcer, nil, nil},
		{"nil request, with a hook", mustNew(enforce.New(f.policy, f.sources, hook)), nil, nil},
		{"nil request, nil enforcer", nil, nil, enforce.ErrNoPolicy},
		{"zero enforcer given a policy", func() *enforce.Enforcer {
			var e enforce.Enforcer
			e.Swap(f.policy)
			return &e
		}(), req, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := tc.enforcer.Enforce(ctx, tc.request)
			require.Error(t, err)
			if tc.sentinel != nil {
				require.ErrorIs(t, err, tc.sentinel)
			}
			require.False(t, d.Allowed())
			require.Equal(t, enforce.CodeUnavailable, d.Code())
			require.Equal(t, 503, d.Status())
			require.Equal(t, enforce.Causes(1<<enforce.CodeUnavailable), d.Causes())
		})
	}
	require.Len(t, records, 1, "the hook hears of the nil request")
	require.Equal(t, enforce.CodeUnavailable, records[0].Code)

	var nilEnforcer *enforce.Enforcer
	require.Nil(t, nilEnforcer.Swap(f.policy))
	require.Nil(t, nilEnforcer.Policy())
	var nilPolicy *enforce.Policy
	require.Nil(t, nilPolicy.Catalog())
	require.Nil(t, nilPolicy.Endpoints())
	_, ok := nilPolicy.Match("GET", "/api/v2/users/me")
	require.False(t, ok)
}

// TestEmptyErrorsRead: an EndpointError left empty, or nil, still says
// what kind of error it is, and WriteErrorBody refuses a nil writer.
func TestEmptyErrorsRead(t *testing.T) {
	require.Equal(t, "enforce: endpoint 0 (): invalid endpoint", (&enforce.EndpointError{}).Error())
	require.Equal(t, "enforce: invalid endpoint", (*enforce.EndpointError)(nil).Error())
	require.ErrorIs(t, &enforce.EndpointError{}, enforce.ErrInvalidEndpoint)
	require.ErrorIs(t, (*enforce.EndpointError)(nil), enforce.ErrInvalidEndpoint)
	require.Error(t, enforce.Decision{}.WriteErrorBody(nil))
}

// mustNew is New for sources known to be complete.
func mustNew(e *enforce.Enforcer, err error) *enforce.Enforcer {
	if err != nil {
		panic(err)
	}
	return e
}

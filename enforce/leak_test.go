package enforce_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
)

// vendorToken is a token of the vendor's client-credentials job.
func (f *fixture) vendorToken() grant.Token {
	return grant.Token{ID: grant.NewTokenID(), Client: f.vendorJob.ID, Org: vendor, GrantType: client.ClientCredentials,
		IssuedAt: f.clock.now().Add(-time.Minute), ExpiresAt: f.clock.now().Add(time.Hour)}
}

// TestAllDivisionsNeverCrossOrgs: a vendor's client-credentials client
// that holds a role in all of the vendor's divisions is never granted a
// division of another org, nor one that exists nowhere. A division named
// in the request that is not the org's gets DIVISION_UNKNOWN; a resource
// the resolver finds in another org does not exist for this token.
func TestAllDivisionsNeverCrossOrgs(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name     string
		method   string
		path     string
		division permission.DivisionID
		code     enforce.Code
		status   int
	}{
		{name: "own division, from the resolver", method: "GET", path: "/api/v2/users/u-vendor", code: enforce.CodeAllowed, status: 200},
		{name: "own division, from the request", method: "POST", path: "/api/v2/routing/queues/q-1/members", division: "vendor-home", code: enforce.CodeAllowed, status: 200},
		{name: "a customer's user", method: "GET", path: "/api/v2/users/u-sales", code: enforce.CodeResourceNotFound, status: 404},
		{name: "a customer's user, to delete", method: "DELETE", path: "/api/v2/users/u-home", code: enforce.CodeResourceNotFound, status: 404},
		{name: "a customer's division in the request", method: "POST", path: "/api/v2/routing/queues/q-1/members", division: "sales", code: enforce.CodeDivisionUnknown, status: 403},
		{name: "a division that exists nowhere", method: "POST", path: "/api/v2/routing/queues/q-1/members", division: "atlantis", code: enforce.CodeDivisionUnknown, status: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: tt.method, Path: tt.path, Division: tt.division, Token: f.vendorToken()})
			require.NoError(t, err)
			require.Equal(t, tt.code, d.Code(), d.Reason())
			require.Equal(t, tt.status, d.Status())
			if tt.code == enforce.CodeDivisionUnknown {
				require.Contains(t, d.Message(), `division "`+string(tt.division)+`" is not one of the org's divisions`)
			}
		})
	}
}

// TestExistenceAndDivisionDoNotLeak: a caller with the scope but without
// the permission gets the same answer, byte for byte, for a resource that
// exists in a division it lacks and for one that does not exist, and the
// answer names the permission, never a division. Only a caller that holds
// the permission in all divisions, and so could read the resource
// wherever it lived, learns that it does not exist.
func TestExistenceAndDivisionDoNotLeak(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name     string
		token    grant.Token
		method   string
		existing string // a resource the caller may not reach
	}{
		{name: "no permission at all", token: f.token("viewer", "users:readonly"), method: "GET", existing: "/api/v2/users/u-sales"},
		{name: "the permission in Home only", token: f.token("agent", "users:readonly"), method: "GET", existing: "/api/v2/users/u-sales"},
		{name: "the permission in Sales only", token: f.token("salesAdmin", "users:manage"), method: "PATCH", existing: "/api/v2/users/u-home"},
		{name: "a client's role in Home only", token: f.ccToken(), method: "GET", existing: "/api/v2/users/u-sales"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exists, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: tt.method, Path: tt.existing, Token: tt.token})
			require.NoError(t, err)
			missing, err := f.enforcer.Enforce(ctx, &enforce.Request{Method: tt.method, Path: "/api/v2/users/u-nobody", Token: tt.token})
			require.NoError(t, err)

			require.Equal(t, enforce.CodePermissionMissing, exists.Code())
			require.Equal(t, exists.Code(), missing.Code())
			require.Equal(t, exists.Status(), missing.Status())
			require.Equal(t, string(exists.ErrorBody()), string(missing.ErrorBody()), "the bodies tell nothing apart")
			require.Equal(t, exists.WWWAuthenticate(), missing.WWWAuthenticate())
			for _, d := range []enforce.Decision{exists, missing} {
				for _, word := range []string{"division", "Sales", "Home", "sales", "home", "exist", "resource"} {
					require.NotContains(t, string(d.ErrorBody()), word)
				}
			}
			require.Contains(t, exists.Message(), "lacks directory:user:")
			require.Contains(t, missing.Reason(), "no resource matches", "the operator is told the truth")
		})
	}

	// Whoever holds the permission in all divisions learns nothing it
	// could not find out by reading: the resource does not exist.
	d := f.enforce("GET", "/api/v2/users/u-nobody", f.token("admin", "users:readonly"))
	require.Equal(t, enforce.CodeResourceNotFound, d.Code())
}

// TestDetailedErrors: with WithDetailedErrors the body carries the
// operator's reason and remedy; by default the caller's message.
func TestDetailedErrors(t *testing.T) {
	for _, detailed := range []bool{false, true} {
		var opts []enforce.Option
		if detailed {
			opts = append(opts, enforce.WithDetailedErrors())
		}
		f := newFixture(t, opts...)
		d := f.enforce("PATCH", "/api/v2/users/u-home", f.token("salesAdmin", "users:manage"))
		body := string(d.ErrorBody())
		require.Equal(t, detailed, strings.Contains(body, "in division Home (holds it in Sales)"), body)
		require.Contains(t, d.Reason(), "in division Home (holds it in Sales)")
		require.NotContains(t, d.Message(), "division")

		// Explain gives the body's message in two parts.
		reason, remedy := d.Explain()
		var parsed struct{ Error struct{ Message string } }
		require.NoError(t, json.Unmarshal(d.ErrorBody(), &parsed))
		require.Equal(t, parsed.Error.Message, reason+". To fix: "+remedy+".")
		require.Equal(t, detailed, strings.Contains(reason, "(holds it in Sales)"), reason)
		if detailed {
			require.Equal(t, d.Reason(), reason)
			require.Equal(t, d.Remedy(), remedy)
		}
	}
}

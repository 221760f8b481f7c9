package enforce_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/scope"
)

// Records survive a round trip through JSON, so that a hook can store them
// and a usage review read them back.
func TestRecordJSON(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	id := client.MustParseID("6f1c2a9e-3b4d-4c5e-8f70-112233445566")
	tests := []struct {
		name string
		rec  enforce.Record
		json string
	}{
		{
			name: "allowed, with the scope used",
			rec: enforce.Record{Time: at, Allowed: true, Status: 200, Code: enforce.CodeAllowed, Org: "org-1", Client: id, User: "agent",
				GrantType: client.AuthorizationCode, Method: "GET", Route: "GET /api/v2/users/me", Endpoint: "getUsersMe",
				Scope: scope.MustParse("users:readonly")},
			json: `{"time":"2026-03-01T12:00:00Z","allowed":true,"status":200,"code":"ALLOWED","org":"org-1","client":"6f1c2a9e-3b4d-4c5e-8f70-112233445566",` +
				`"user":"agent","grant_type":"authorization_code","method":"GET","route":"GET /api/v2/users/me","endpoint":"getUsersMe","scope":"users:readonly"}`,
		},
		{
			name: "denied for a missing scope: no scope",
			rec: enforce.Record{Time: at, Status: 403, Code: enforce.CodeScopeMissing, Org: "org-1", Client: id, User: "agent",
				GrantType: client.AuthorizationCode, Method: "POST", Route: "POST /api/v2/users", Endpoint: "postUsers", Division: "home"},
			json: `{"time":"2026-03-01T12:00:00Z","allowed":false,"status":403,"code":"SCOPE_INSUFFICIENT","org":"org-1","client":"6f1c2a9e-3b4d-4c5e-8f70-112233445566",` +
				`"user":"agent","grant_type":"authorization_code","method":"POST","route":"POST /api/v2/users","endpoint":"postUsers","division":"home"}`,
		},
		{
			name: "no token, no endpoint: no client, no grant type, the path",
			rec:  enforce.Record{Time: at, Status: 401, Code: enforce.CodeTokenMissing, Method: "GET", Path: "/api/v2/nope"},
			json: `{"time":"2026-03-01T12:00:00Z","allowed":false,"status":401,"code":"TOKEN_MISSING","method":"GET","path":"/api/v2/nope"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := json.Marshal(tt.rec)
			require.NoError(t, err)
			require.JSONEq(t, tt.json, string(out))
			var back enforce.Record
			require.NoError(t, json.Unmarshal(out, &back))
			if diff := cmp.Diff(tt.rec, back, cmp.Comparer(func(a, b scope.Scope) bool { return a == b }), cmp.Comparer(func(a, b client.ID) bool { return a == b })); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCodeUnmarshalText(t *testing.T) {
	for c := enforce.CodeAllowed; c <= enforce.CodeUnavailable; c++ {
		text, err := c.MarshalText()
		require.NoError(t, err)
		var back enforce.Code
		require.NoError(t, back.UnmarshalText(text), c.String())
		require.Equal(t, c, back)
	}
	for _, bad := range []string{"", "scope_insufficient", "Code(0)", "Code(99)", "ALLOWED "} {
		t.Run(bad, func(t *testing.T) {
			var c enforce.Code
			err := c.UnmarshalText([]byte(bad))
			require.ErrorIs(t, err, enforce.ErrUnknownCode)
			require.Equal(t, enforce.Code(0), c)
		})
	}
	var rec enforce.Record
	require.ErrorIs(t, json.Unmarshal([]byte(`{"code":"NOPE"}`), &rec), enforce.ErrUnknownCode)
}

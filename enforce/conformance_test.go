package enforce_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
)

// A conformance case: a request, the token it carries, and the decision
// it must get. The cases live in testdata/conformance.json.
type conformanceCase struct {
	Name     string
	Method   string
	Path     string
	Pattern  string
	Division permission.DivisionID
	Token    *struct {
		User        string
		Scopes      string
		Client      string // desktop (default), job, disabled or deleted
		Org         client.OrgID
		Expired     bool
		NotYetValid bool `json:"not_yet_valid"`
		Revoked     bool
		VerifyError string `json:"verify_error"`
	}
	Want struct {
		Status int
		Code   string
		Causes []string
		Scope  *string
		Route  string
		Reason []string
		Remedy []string
		// Message lists what the caller's message says, and Withheld
		// what it must not say (divisions, where the caller holds a
		// permission, whether a resource exists).
		Message  []string
		Withheld []string
		WWW      *string
		Missing  []struct {
			Permission string
			Division   permission.DivisionID
			HeldIn     []permission.DivisionID `json:"held_in"`
		}
	}
}

func TestConformance(t *testing.T) {
	data, err := os.ReadFile("testdata/conformance.json")
	require.NoError(t, err)
	var suite struct{ Cases []conformanceCase }
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&suite))
	require.NotEmpty(t, suite.Cases)

	for _, tc := range suite.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			f := newFixture(t)
			req := enforce.Request{Method: tc.Method, Path: tc.Path, Pattern: tc.Pattern, Division: tc.Division}
			if tk := tc.Token; tk != nil {
				switch {
				case tk.VerifyError == "expired":
					req.TokenErr = fmt.Errorf("jwt: %w", grant.ErrExpired)
				case tk.VerifyError != "":
					req.TokenErr = errors.New(tk.VerifyError)
				case tk.Client == "job":
					req.Token = f.ccToken()
				default:
					req.Token = f.token(tk.User, tk.Scopes)
				}
				switch tk.Client {
				case "disabled":
					req.Token.Client = f.disabled.ID
				case "deleted":
					req.Token.Client = client.NewID()
				}
				if tk.Org != "" {
					req.Token.Org = tk.Org
				}
				if tk.Expired {
					req.Token.ExpiresAt = f.clock.now() // expiry is exclusive: at ExpiresAt the token is expired
				}
				if tk.NotYetValid {
					req.Token.IssuedAt = f.clock.now().Add(time.Minute)
				}
				if tk.Revoked {
					require.NoError(t, f.grants.RevokeToken(ctx, req.Token))
				}
			}
			// Each case is decided without a memo, then with one: as its
			// token's first request (the memo is filled), and again (the
			// memo is current). The three must agree.
			memo := new(enforce.TokenMemo)
			for _, mode := range []string{"without a memo", "filling a memo", "with the memo"} {
				req := req
				if mode != "without a memo" {
					req.Memo = memo
				}
				d, err := f.enforcer.Enforce(ctx, &req)
				require.NoError(t, err)
				t.Run(mode, func(t *testing.T) { checkConformance(t, tc, d) })
			}
		})
	}
}

// checkConformance checks a decision against what the case wants.
func checkConformance(t *testing.T, tc conformanceCase, d enforce.Decision) {
	w := tc.Want

	require.Equal(t, w.Code, d.Code().String(), "code; reason: %s", d.Reason())
	require.Equal(t, w.Status, d.Status())
	require.Equal(t, w.Code == "ALLOWED", d.Allowed())
	if w.Causes != nil {
		var got []string
		for _, c := range d.Causes().Codes() {
			got = append(got, c.String())
		}
		require.Equal(t, w.Causes, got)
	}
	if w.Scope != nil {
		require.Equal(t, *w.Scope, d.MatchedScope().String())
	}
	if w.Route != "" {
		require.Equal(t, w.Route, d.Route())
	}
	for _, s := range w.Reason {
		require.Contains(t, d.Reason(), s)
	}
	for _, s := range w.Remedy {
		require.Contains(t, d.Remedy(), s)
	}
	if w.WWW != nil {
		if *w.WWW == "" {
			require.Empty(t, d.WWWAuthenticate())
		} else {
			require.Contains(t, d.WWWAuthenticate(), *w.WWW)
		}
	}
	if w.Missing != nil {
		var got []enforce.MissingPermission
		for _, m := range d.MissingPermissions() {
			got = append(got, m)
		}
		want := make([]enforce.MissingPermission, len(w.Missing))
		for i, m := range w.Missing {
			want[i] = enforce.MissingPermission{Permission: permission.MustParse(m.Permission), Division: m.Division, HeldIn: m.HeldIn}
		}
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b permission.Permission) bool { return a == b })); diff != "" {
			t.Errorf("missing permissions (-want +got):\n%s", diff)
		}
	}
	if !d.Allowed() {
		var body struct {
			Error struct {
				Message string
				Code    string
				Status  int
			}
		}
		require.NoError(t, json.Unmarshal(d.ErrorBody(), &body))
		require.Equal(t, w.Code, body.Error.Code)
		require.Equal(t, w.Status, body.Error.Status)
		require.Equal(t, d.Message(), body.Error.Message, "the body carries what the caller may be told")
		for _, s := range w.Message {
			require.Contains(t, body.Error.Message, s)
		}
		for _, s := range w.Withheld {
			require.NotContains(t, body.Error.Message, s)
			require.NotContains(t, d.WWWAuthenticate(), s)
		}
	}
}

package review_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce/review"
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/scope"
)

// The guide's scope combinations hold nothing their calls do not need.
func TestReviewScopesProfilesAreClean(t *testing.T) {
	ix := sampleIndex(t)
	for _, p := range esample.Profiles() {
		if p.Scopes.IsEmpty() {
			continue // client credentials: roles, not scopes
		}
		t.Run(p.Name, func(t *testing.T) {
			r, err := ix.ReviewScopes(p.Scopes, p.Calls)
			require.NoError(t, err)
			require.Empty(t, r.Findings)
			require.Equal(t, p.Scopes.String(), r.Recommended.String())
			require.True(t, r.Remove.IsEmpty())
			require.True(t, r.Add.IsEmpty())
			require.Equal(t, r.HeldReach, r.RecommendedReach)
		})
	}
}

func TestReviewScopes(t *testing.T) {
	ix := sampleIndex(t)
	agent := profile(t, "Agent Desktop")
	wfm := profile(t, "WFM Application")
	tests := []struct {
		name        string
		held        string
		calls       []string
		recommended string
		want        []review.Finding
	}{
		{
			name:        "the guide's too permissive agent desktop",
			held:        "conversations:readonly conversations:call:control users:readonly presence:manage conversations:manage users:manage conversations:call:add",
			calls:       agentDesktopCalls,
			recommended: "conversations:call:control conversations:readonly presence:manage users:readonly",
			want: []review.Finding{
				{Kind: review.KindUnneeded, Scope: scope.MustParse("conversations:call:add"),
					Reason: "no call needs it: none of the endpoints called accepts conversations:call:add or a scope it implies"},
				{Kind: review.KindBroader, Scope: scope.MustParse("conversations:manage"), Instead: scopes("conversations:readonly"),
					Routes: []string{"GET /api/v2/conversations"},
					Reason: "broader than needed: GET /api/v2/conversations needs only conversations:readonly. " +
						"conversations:manage unlocks 5 endpoints, 2 of which write; conversations:readonly unlocks 3 endpoints, none that writes"},
				{Kind: review.KindBroader, Scope: scope.MustParse("users:manage"), Instead: scopes("users:readonly"),
					Routes: []string{"GET /api/v2/users/me"},
					Reason: "broader than needed: GET /api/v2/users/me needs only users:readonly. " +
						"users:manage unlocks 7 endpoints, 4 of which write; users:readonly unlocks 3 endpoints, none that writes"},
			},
		},
		{
			name:        "users:manage where users:readonly suffices",
			held:        "users:manage",
			calls:       []string{"GET /api/v2/users/me", "GET /api/v2/users"},
			recommended: "users:readonly",
			want: []review.Finding{{
				Kind: review.KindBroader, Scope: scope.MustParse("users:manage"), Instead: scopes("users:readonly"),
				Routes: []string{"GET /api/v2/users/me", "GET /api/v2/users"},
				Reason: "broader than needed: GET /api/v2/users/me, GET /api/v2/users need only users:readonly. " +
					"users:manage unlocks 7 endpoints, 4 of which write; users:readonly unlocks 3 endpoints, none that writes",
			}},
		},
		{
			name:        "the bare read-write scope for a read",
			held:        "users",
			calls:       []string{"getUsersMe"},
			recommended: "users:readonly",
			want: []review.Finding{{
				Kind: review.KindBroader, Scope: scope.MustParse("users"), Instead: scopes("users:readonly"),
				Routes: []string{"GET /api/v2/users/me"},
				Reason: "broader than needed: GET /api/v2/users/me needs only users:readonly. " +
					"users unlocks 7 endpoints, 4 of which write; users:readonly unlocks 3 endpoints, none that writes",
			}},
		},
		{
			name:        "a scope another kept scope implies",
			held:        "users:readonly users:manage",
			calls:       []string{"GET /api/v2/users", "POST /api/v2/users"},
			recommended: "users:manage",
			want: []review.Finding{{
				Kind: review.KindRedundant, Scope: scope.MustParse("users:readonly"), Instead: scopes("users:manage"),
				Routes: []string{"GET /api/v2/users"},
				Reason: "users:manage, which the client keeps, implies it",
			}},
		},
		{
			name:        "the guide's missing scope: users:readonly only, POST /v2/users needs users:manage",
			held:        "users:readonly",
			calls:       []string{"GET /api/v2/users", "POST /api/v2/users"},
			recommended: "users:manage",
			want: []review.Finding{
				{Kind: review.KindReplaced, Scope: scope.MustParse("users:readonly"), Instead: scopes("users:manage"),
					Routes: []string{"GET /api/v2/users"},
					Reason: "not needed with the recommended scopes: users:manage serves GET /api/v2/users too (users:manage implies users:readonly)"},
				{Kind: review.KindMissing, Scope: scope.MustParse("users:manage"),
					Routes: []string{"POST /api/v2/users"},
					Reason: "the client holds none of the scopes, nor one that implies them: POST /api/v2/users accepts users, users:manage; add users:manage"},
			},
		},
		{
			name:        "the guide's update: conversations:readonly, now transferring calls",
			held:        "conversations:readonly",
			calls:       []string{"GET /api/v2/conversations", "POST /api/v2/conversations/{id}/participants/calls/transfer"},
			recommended: "conversations:call:control conversations:readonly",
			want: []review.Finding{{
				Kind: review.KindMissing, Scope: scope.MustParse("conversations:call:control"),
				Routes: []string{"POST /api/v2/conversations/{conversationId}/participants/calls/transfer"},
				Reason: "the client holds none of the scopes, nor one that implies them: " +
					"POST /api/v2/conversations/{conversationId}/participants/calls/transfer accepts conversations:call:control; add conversations:call:control",
			}},
		},
		{
			name:        "the guide's removal: the chatbot no longer adds contacts",
			held:        "conversations:external:contact:add knowledge:readonly",
			calls:       []string{"GET /api/v2/knowledge/knowledgebases"},
			recommended: "knowledge:readonly",
			want: []review.Finding{{
				Kind: review.KindUnneeded, Scope: scope.MustParse("conversations:external:contact:add"),
				Reason: "no call needs it: none of the endpoints called accepts conversations:external:contact:add or a scope it implies",
			}},
		},
		{
			name:        "an agent desktop without recordings holds recordings:view",
			held:        agent.Scopes.String(),
			calls:       agentDesktopCalls,
			recommended: "conversations:call:control conversations:readonly presence:manage users:readonly",
			want: []review.Finding{{
				Kind: review.KindUnneeded, Scope: scope.MustParse("recordings:view"),
				Reason: "no call needs it: none of the endpoints called accepts recordings:view or a scope it implies",
			}},
		},
		{
			name:        "a WFM app that only reads holds manage scopes",
			held:        wfm.Scopes.String(),
			calls:       []string{"GET /api/v2/schedules", "GET /api/v2/forecasts", "GET /api/v2/users"},
			recommended: "forecasting:readonly scheduling:readonly users:readonly",
			want: []review.Finding{
				{Kind: review.KindUnneeded, Scope: scope.MustParse("adherence:manage"),
					Reason: "no call needs it: none of the endpoints called accepts adherence:manage or a scope it implies"},
				{Kind: review.KindUnneeded, Scope: scope.MustParse("timeoff:manage"),
					Reason: "no call needs it: none of the endpoints called accepts timeoff:manage or a scope it implies"},
				{Kind: review.KindBroader, Scope: scope.MustParse("forecasting:manage"), Instead: scopes("forecasting:readonly"),
					Routes: []string{"GET /api/v2/forecasts"},
					Reason: "broader than needed: GET /api/v2/forecasts needs only forecasting:readonly. " +
						"forecasting:manage unlocks 2 endpoints, 1 of which writes; forecasting:readonly unlocks 1 endpoint, none that writes"},
				{Kind: review.KindBroader, Scope: scope.MustParse("scheduling:manage"), Instead: scopes("scheduling:readonly"),
					Routes: []string{"GET /api/v2/schedules"},
					Reason: "broader than needed: GET /api/v2/schedules needs only scheduling:readonly. " +
						"scheduling:manage unlocks 2 endpoints, 1 of which writes; scheduling:readonly unlocks 1 endpoint, none that writes"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ix.ReviewScopes(scope.MustParseSet(tt.held), tt.calls)
			require.NoError(t, err)
			require.Equal(t, tt.recommended, r.Recommended.String())
			if diff := cmp.Diff(tt.want, r.Findings, scopeText); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			held := scope.MustParseSet(tt.held)
			require.Equal(t, held.Difference(r.Recommended).String(), r.Remove.String())
			require.Equal(t, r.Recommended.Difference(held).String(), r.Add.String())
			require.True(t, r.Exact)
		})
	}
}

func scopes(names ...string) []scope.Scope {
	out := make([]scope.Scope, len(names))
	for i, n := range names {
		out[i] = scope.MustParse(n)
	}
	return out
}

func TestReviewScopesErrors(t *testing.T) {
	ix := sampleIndex(t)
	t.Run("unknown held scope", func(t *testing.T) {
		_, err := ix.ReviewScopes(scope.MustParseSet("users:readonly conversation:view"), agentDesktopCalls)
		require.ErrorIs(t, err, scope.ErrUnknown)
		var ue *scope.UnknownError
		require.ErrorAs(t, err, &ue)
		require.Equal(t, "conversation:view", ue.Scope.String())
		require.EqualError(t, err, `review: held scopes: scope: unknown scope "conversation:view"; did you mean "conversations:readonly"?`)
	})
	t.Run("unknown call", func(t *testing.T) {
		_, err := ix.ReviewScopes(scope.MustParseSet("users:readonly"), []string{"GET /users"})
		require.ErrorIs(t, err, review.ErrUnknownCall)
	})
	t.Run("no calls", func(t *testing.T) {
		_, err := ix.ReviewScopes(scope.MustParseSet("users:readonly"), nil)
		require.ErrorIs(t, err, review.ErrNoCalls)
	})
	t.Run("no scopes: everything is missing", func(t *testing.T) {
		r, err := ix.ReviewScopes(scope.Set{}, agentDesktopCalls)
		require.NoError(t, err)
		require.Len(t, r.Findings, 4)
		for _, f := range r.Findings {
			require.Equal(t, review.KindMissing, f.Kind)
		}
		require.Equal(t, "conversations:call:control conversations:readonly presence:manage users:readonly", r.Add.String())
	})
}

func TestKindText(t *testing.T) {
	for _, k := range []review.Kind{review.KindUnneeded, review.KindRedundant, review.KindBroader, review.KindReplaced, review.KindMissing} {
		text, err := k.MarshalText()
		require.NoError(t, err)
		var back review.Kind
		require.NoError(t, back.UnmarshalText(text))
		require.Equal(t, k, back)
	}
	_, err := review.Kind(0).MarshalText()
	require.ErrorIs(t, err, review.ErrInvalid)
	var k review.Kind
	require.ErrorIs(t, k.UnmarshalText([]byte("Broader")), review.ErrInvalid)
	require.Equal(t, "Kind(9)", review.Kind(9).String())
}

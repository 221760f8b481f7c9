package scope_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/scope"
)

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name                        string
		in                          string
		resource, action, qualifier string
		bare                        bool
	}{
		{name: "resource:action", in: "users:readonly", resource: "users", action: "readonly"},
		{name: "resource:action:qualifier", in: "conversations:call:control", resource: "conversations", action: "call", qualifier: "control"},
		{name: "four parts", in: "conversations:external:contact:add", resource: "conversations", action: "external", qualifier: "contact:add"},
		{name: "bare", in: "users", resource: "users", bare: true},
		{name: "hyphenated bare", in: "user-basic-info", resource: "user-basic-info", bare: true},
		{name: "camelCase", in: "analytics:conversationDetail", resource: "analytics", action: "conversationDetail"},
		{name: "underscore and digits", in: "v2_api:read2", resource: "v2_api", action: "read2"},
		{name: "single letter", in: "a", resource: "a", bare: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := scope.Parse(tt.in)
			require.NoError(t, err)
			require.True(t, s.IsValid())
			require.Equal(t, tt.in, s.String())
			require.Equal(t, tt.resource, s.Resource())
			require.Equal(t, tt.action, s.Action())
			require.Equal(t, tt.qualifier, s.Qualifier())
			require.Equal(t, tt.bare, s.IsBare())
		})
	}
}

func TestParseRejects(t *testing.T) {
	long := make([]byte, scope.MaxLen+1)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		name       string
		in         string
		err        error
		offset     int
		suggestion string
	}{
		{name: "empty", in: "", err: scope.ErrEmpty, offset: 0},
		{name: "space inside", in: "users :manage", err: scope.ErrSpace, offset: 5, suggestion: "users:manage"},
		{name: "tab", in: "users\tmanage", err: scope.ErrSpace, offset: 5},
		{name: "newline", in: "users:readonly\n", err: scope.ErrSpace, offset: 14},
		{name: "no-break space", in: "users\u00a0readonly", err: scope.ErrSpace, offset: 5},
		{name: "control character", in: "users\x00", err: scope.ErrCharacter, offset: 5},
		{name: "DEL", in: "us\x7fers", err: scope.ErrCharacter, offset: 2},
		{name: "non-ASCII letter", in: "usérs", err: scope.ErrCharacter, offset: 2},
		{name: "invalid UTF-8", in: "users\xff", err: scope.ErrCharacter, offset: 5},
		{name: "dot for colon", in: "users.manage", err: scope.ErrCharacter, offset: 5, suggestion: "users:manage"},
		{name: "slash for colon", in: "users/manage", err: scope.ErrCharacter, offset: 5, suggestion: "users:manage"},
		{name: "other punctuation", in: "users:read*", err: scope.ErrCharacter, offset: 10},
		{name: "leading colon", in: ":manage", err: scope.ErrColon, offset: 0},
		{name: "trailing colon", in: "users:", err: scope.ErrColon, offset: 5},
		{name: "doubled colon", in: "users::manage", err: scope.ErrColon, offset: 6, suggestion: "users:manage"},
		{name: "part starts with dash", in: "users:-manage", err: scope.ErrCharacter, offset: 6},
		{name: "part ends with dash", in: "users-:manage", err: scope.ErrCharacter, offset: 5},
		{name: "part ends with underscore", in: "users:manage_", err: scope.ErrCharacter, offset: 12},
		{name: "too long", in: string(long), err: scope.ErrTooLong, offset: scope.MaxLen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := scope.Parse(tt.in)
			require.ErrorIs(t, err, tt.err)
			require.False(t, s.IsValid(), "a rejected scope must be the zero Scope")
			var pe *scope.ParseError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, tt.in, pe.Input)
			require.Equal(t, tt.offset, pe.Offset)
			require.Equal(t, tt.suggestion, pe.Suggestion)
			require.NotEmpty(t, pe.Reason)
			require.Contains(t, err.Error(), "scope: ")
		})
	}
}

func TestParseErrorMessage(t *testing.T) {
	_, err := scope.Parse("users::manage")
	require.EqualError(t, err, `scope: parsing "users::manage" at offset 6: doubled ':'; did you mean "users:manage"?`)
}

func TestParseErrorClipsLongInput(t *testing.T) {
	in := "users:readonly conversations:readonly presence:manage routing:queue:view scheduling:readonly\tusers"
	_, err := scope.ParseSet(in)
	require.ErrorIs(t, err, scope.ErrSpace)
	require.Contains(t, err.Error(), "…")
	require.Contains(t, err.Error(), `readonly\tusers`, "the neighbourhood of the offset stays visible")
}

func TestMustParsePanics(t *testing.T) {
	require.Panics(t, func() { scope.MustParse("users::manage") })
	require.Equal(t, "users", scope.MustParse("users").String())
}

func TestZeroScope(t *testing.T) {
	var z scope.Scope
	require.False(t, z.IsValid())
	require.Equal(t, "", z.String())
	require.False(t, z.IsBare())
	_, err := z.MarshalText()
	require.ErrorIs(t, err, scope.ErrEmpty)
}

func TestScopeIsComparable(t *testing.T) {
	seen := map[scope.Scope]int{}
	for _, s := range []string{"users", "users:readonly", "users"} {
		seen[scope.MustParse(s)]++
	}
	require.Equal(t, map[scope.Scope]int{scope.MustParse("users"): 2, scope.MustParse("users:readonly"): 1}, seen)
}

func TestScopeJSON(t *testing.T) {
	type doc struct {
		Scope scope.Scope `json:"scope"`
	}
	out, err := json.Marshal(doc{Scope: scope.MustParse("users:readonly")})
	require.NoError(t, err)
	require.JSONEq(t, `{"scope":"users:readonly"}`, string(out))

	var back doc
	require.NoError(t, json.Unmarshal(out, &back))
	require.Equal(t, scope.MustParse("users:readonly"), back.Scope)

	err = json.Unmarshal([]byte(`{"scope":"users::readonly"}`), &back)
	require.ErrorIs(t, err, scope.ErrColon)
	err = json.Unmarshal([]byte(`{"scope":""}`), &back)
	require.ErrorIs(t, err, scope.ErrEmpty)

	_, err = json.Marshal(doc{})
	require.ErrorIs(t, err, scope.ErrEmpty, "the zero Scope must not marshal")
}

func TestErrorsAreDistinct(t *testing.T) {
	sentinels := []error{scope.ErrEmpty, scope.ErrSpace, scope.ErrCharacter, scope.ErrColon, scope.ErrTooLong,
		scope.ErrDuplicate, scope.ErrUnknown, scope.ErrCycle, scope.ErrDescription, scope.ErrRule}
	for i, a := range sentinels {
		for j, b := range sentinels {
			if i != j {
				require.False(t, errors.Is(a, b), "%v is %v", a, b)
			}
		}
	}
}

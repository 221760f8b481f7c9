package scope_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/scope"
)

// problem is the comparable part of a *ParseError.
type problem struct {
	Err        error
	Offset     int
	Suggestion string
}

// problems lists the *ParseErrors in err, in order.
func problems(t *testing.T, err error) []problem {
	t.Helper()
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var out []problem
	for _, e := range errs {
		var pe *scope.ParseError
		require.ErrorAs(t, e, &pe)
		out = append(out, problem{Err: pe.Err, Offset: pe.Offset, Suggestion: pe.Suggestion})
	}
	return out
}

var compareErrors = cmp.Comparer(func(a, b error) bool { return a == b })

func TestParseSetAccepts(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		canonical string
		len       int
	}{
		{name: "one", in: "users:readonly", canonical: "users:readonly", len: 1},
		{name: "sorted on output", in: "users:readonly conversations:readonly", canonical: "conversations:readonly users:readonly", len: 2},
		{name: "the guide's example", in: "conversations:readonly users:readonly scheduling:manage", canonical: "conversations:readonly scheduling:manage users:readonly", len: 3},
		{name: "bare and hyphenated", in: "users user-basic-info", canonical: "user-basic-info users", len: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := scope.ParseSet(tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.canonical, s.String())
			require.Equal(t, tt.len, s.Len())
			again, err := scope.ParseSet(s.String())
			require.NoError(t, err)
			require.True(t, again.Equal(s))
		})
	}
}

func TestParseSetRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []problem
	}{
		{name: "empty", in: "", want: []problem{{scope.ErrEmpty, 0, ""}}},
		{name: "only a space", in: " ", want: []problem{{scope.ErrSpace, 0, ""}}},
		{name: "leading space", in: " users", want: []problem{{scope.ErrSpace, 0, "users"}}},
		{name: "trailing space", in: "users ", want: []problem{{scope.ErrSpace, 5, "users"}}},
		{name: "doubled space", in: "users  presence:manage", want: []problem{{scope.ErrSpace, 6, "users presence:manage"}}},
		{name: "run of spaces is one problem", in: "users    presence:manage", want: []problem{{scope.ErrSpace, 6, "users presence:manage"}}},
		{name: "tab separator", in: "users:readonly\tusers:manage", want: []problem{{scope.ErrSpace, 14, "users:readonly users:manage"}}},
		{name: "newline separator", in: "users\npresence:manage", want: []problem{{scope.ErrSpace, 5, "users presence:manage"}}},
		{name: "carriage return", in: "users\r", want: []problem{{scope.ErrSpace, 5, "users"}}},
		{name: "ideographic space", in: "users\u3000presence:manage", want: []problem{{scope.ErrSpace, 5, "users presence:manage"}}},
		{name: "control character", in: "users \x01", want: []problem{{scope.ErrCharacter, 6, ""}}},
		{name: "non-ASCII", in: "usérs", want: []problem{{scope.ErrCharacter, 2, ""}}},
		{name: "stray space before colon", in: "users :manage", want: []problem{{scope.ErrColon, 6, "users:manage"}}},
		{name: "stray space after colon", in: "users: manage", want: []problem{{scope.ErrColon, 5, "users:manage"}}},
		{name: "doubled colon", in: "users::manage", want: []problem{{scope.ErrColon, 6, "users:manage"}}},
		{name: "spaces around colon", in: "users : manage", want: []problem{{scope.ErrColon, 6, "users:manage"}}},
		{name: "tab before colon", in: "users\t:manage", want: []problem{{scope.ErrSpace, 5, "users:manage"}}},
		{name: "leading space and stray space", in: " users :manage", want: []problem{{scope.ErrSpace, 0, "users:manage"}, {scope.ErrColon, 7, "users:manage"}}},
		{name: "commas", in: "users:manage,presence:manage", want: []problem{{scope.ErrCharacter, 12, "users:manage presence:manage"}}},
		{name: "semicolons", in: "users;presence", want: []problem{{scope.ErrCharacter, 5, "users presence"}}},
		{name: "comma and space", in: "users:manage, presence:manage", want: []problem{{scope.ErrCharacter, 12, "users:manage"}}},
		{name: "duplicate", in: "users users:readonly users", want: []problem{{scope.ErrDuplicate, 21, ""}}},
		{name: "triplicate is one problem", in: "users users users", want: []problem{{scope.ErrDuplicate, 6, ""}}},
		{name: "every problem reported", in: "users :manage presence::manage  x\ty", want: []problem{
			{scope.ErrColon, 6, "users:manage"},
			{scope.ErrColon, 23, "presence:manage"},
			{scope.ErrSpace, 31, ""}, // the string has other problems: no whole-string fix
			{scope.ErrSpace, 33, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := scope.ParseSet(tt.in)
			require.Error(t, err)
			require.True(t, s.IsEmpty(), "a rejected string must give the empty Set")
			if diff := cmp.Diff(tt.want, problems(t, err), compareErrors); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			for _, p := range tt.want {
				require.ErrorIs(t, err, p.Err)
			}
		})
	}
}

func TestParseSetBoundsErrors(t *testing.T) {
	in := strings.Repeat("a:: ", 1000)
	_, err := scope.ParseSet(in)
	require.ErrorIs(t, err, scope.ErrColon)
	require.Len(t, problems(t, err), 8)
}

func TestMustParseSet(t *testing.T) {
	require.Panics(t, func() { scope.MustParseSet("users  presence:manage") })
	require.Equal(t, 2, scope.MustParseSet("users presence:manage").Len())
}

func TestNewSet(t *testing.T) {
	s, err := scope.NewSet(scope.MustParse("users:readonly"), scope.MustParse("conversations:readonly"), scope.MustParse("users:readonly"))
	require.NoError(t, err)
	require.Equal(t, "conversations:readonly users:readonly", s.String(), "sorted, duplicates merged")

	_, err = scope.NewSet(scope.MustParse("users"), scope.Scope{})
	require.ErrorIs(t, err, scope.ErrEmpty)

	empty, err := scope.NewSet()
	require.NoError(t, err)
	require.True(t, empty.IsEmpty())
	require.Equal(t, "", empty.String())
}

func TestSetDoesNotAlias(t *testing.T) {
	in := []scope.Scope{scope.MustParse("b"), scope.MustParse("a")}
	s, err := scope.NewSet(in...)
	require.NoError(t, err)
	in[0] = scope.MustParse("z")
	out := s.Scopes()
	out[0] = scope.MustParse("z")
	require.Equal(t, "a b", s.String())
}

func TestSetOperations(t *testing.T) {
	set := scope.MustParseSet
	tests := []struct {
		name                string
		a, b                string
		union, inter, minus string
		subset, equal       bool
	}{
		{name: "overlap", a: "a b c", b: "b c d", union: "a b c d", inter: "b c", minus: "a"},
		{name: "disjoint", a: "a b", b: "c d", union: "a b c d", inter: "", minus: "a b"},
		{name: "subset", a: "b", b: "a b c", union: "a b c", inter: "b", minus: "", subset: true},
		{name: "superset", a: "a b c", b: "b", union: "a b c", inter: "b", minus: "a c"},
		{name: "equal", a: "a b", b: "b a", union: "a b", inter: "a b", minus: "", subset: true, equal: true},
		{name: "implication is not membership", a: "users", b: "users:readonly", union: "users users:readonly", inter: "", minus: "users"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := set(tt.a), set(tt.b)
			require.Equal(t, tt.union, a.Union(b).String())
			require.Equal(t, tt.inter, a.Intersect(b).String())
			require.Equal(t, tt.minus, a.Difference(b).String())
			require.Equal(t, tt.subset, a.SubsetOf(b))
			require.Equal(t, tt.equal, a.Equal(b))
			require.True(t, a.Equal(set(tt.a)), "operands unchanged")
		})
	}
}

func TestSetEmptyOperands(t *testing.T) {
	var empty scope.Set
	a := scope.MustParseSet("a b")
	require.Equal(t, "a b", a.Union(empty).String())
	require.Equal(t, "a b", empty.Union(a).String())
	require.True(t, a.Intersect(empty).IsEmpty())
	require.True(t, empty.SubsetOf(a))
	require.False(t, a.SubsetOf(empty))
	require.Equal(t, "a b", a.Difference(empty).String())
	require.True(t, empty.Difference(a).IsEmpty())
}

func TestSetContainsAndAll(t *testing.T) {
	s := scope.MustParseSet("users:readonly conversations:readonly")
	require.True(t, s.Contains(scope.MustParse("users:readonly")))
	require.False(t, s.Contains(scope.MustParse("users")), "Contains is exact: no implication")
	require.False(t, s.Contains(scope.Scope{}))
	want := []scope.Scope{scope.MustParse("conversations:readonly"), scope.MustParse("users:readonly")}
	require.Equal(t, want, slices.Collect(s.All()))
	require.Equal(t, want, s.Scopes())
}

func TestSetJSON(t *testing.T) {
	type token struct {
		Scope scope.Set `json:"scope"`
	}
	out, err := json.Marshal(token{Scope: scope.MustParseSet("users:readonly conversations:readonly")})
	require.NoError(t, err)
	require.JSONEq(t, `{"scope":"conversations:readonly users:readonly"}`, string(out))

	var back token
	require.NoError(t, json.Unmarshal(out, &back))
	require.Equal(t, "conversations:readonly users:readonly", back.Scope.String())

	out, err = json.Marshal(token{})
	require.NoError(t, err)
	require.JSONEq(t, `{"scope":""}`, string(out))
	require.NoError(t, json.Unmarshal(out, &back))
	require.True(t, back.Scope.IsEmpty(), "the empty set survives a round trip")

	err = json.Unmarshal([]byte(`{"scope":"users :manage"}`), &back)
	require.ErrorIs(t, err, scope.ErrColon)
	var pe *scope.ParseError
	require.True(t, errors.As(err, &pe))
	require.Equal(t, "users:manage", pe.Suggestion)
}

// TestSetEqual: sets are equal when they hold the same scopes, whether
// they share them (copies) or were parsed apart.
func TestSetEqual(t *testing.T) {
	s := scope.MustParseSet("users:readonly presence:manage")
	copied := s
	for _, tt := range []struct {
		name string
		a, b scope.Set
		want bool
	}{
		{"a copy", s, copied, true},
		{"parsed apart", s, scope.MustParseSet("presence:manage users:readonly"), true},
		{"one scope apart", s, scope.MustParseSet("users:readonly presence:view"), false},
		{"a subset", s, scope.MustParseSet("users:readonly"), false},
		{"emptied and zero", s.Difference(s), scope.Set{}, true},
		{"empty and not", scope.Set{}, s, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, tt.a.Equal(tt.b))
			require.Equal(t, tt.want, tt.b.Equal(tt.a))
		})
	}
}

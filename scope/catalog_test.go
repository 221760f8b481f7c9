package scope_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

func sc(s string) scope.Scope { return scope.MustParse(s) }

func entry(name, description string, implies ...string) scope.Entry {
	e := scope.Entry{Scope: sc(name), Description: description}
	for _, i := range implies {
		e.Implies = append(e.Implies, sc(i))
	}
	return e
}

func TestNewCatalogRejects(t *testing.T) {
	tests := []struct {
		name    string
		entries []scope.Entry
		rules   []scope.Rule
		err     error
		index   int
	}{
		{name: "zero scope", entries: []scope.Entry{{Description: "x"}}, err: scope.ErrEmpty, index: 0},
		{name: "duplicate", entries: []scope.Entry{entry("a", "x"), entry("b", "y"), entry("a", "z")}, err: scope.ErrDuplicate, index: 2},
		{name: "empty description", entries: []scope.Entry{entry("a", "  ")}, err: scope.ErrDescription, index: 0},
		{name: "multi-line description", entries: []scope.Entry{entry("a", "View\nthings")}, err: scope.ErrDescription, index: 0},
		{name: "tab in description", entries: []scope.Entry{entry("a", "View\tthings")}, err: scope.ErrDescription, index: 0},
		{name: "invalid UTF-8 description", entries: []scope.Entry{entry("a", "View \xff")}, err: scope.ErrDescription, index: 0},
		{name: "long description", entries: []scope.Entry{entry("a", string(make([]byte, scope.MaxDescription+1)))}, err: scope.ErrDescription, index: 0},
		{name: "implies unknown", entries: []scope.Entry{entry("users", "x", "users:readonyl")}, err: scope.ErrUnknown, index: 0},
		{name: "implies zero scope", entries: []scope.Entry{{Scope: sc("a"), Description: "x", Implies: []scope.Scope{{}}}}, err: scope.ErrEmpty, index: 0},
		{name: "implies itself", entries: []scope.Entry{entry("a", "x", "a")}, err: scope.ErrCycle, index: 0},
		{name: "cycle", entries: []scope.Entry{entry("a", "x", "b"), entry("b", "y", "c"), entry("c", "z", "a")}, err: scope.ErrCycle},
		{name: "cycle through a rule", entries: []scope.Entry{entry("a:manage", "x"), entry("a:readonly", "y", "a:manage")}, rules: []scope.Rule{scope.ActionImplies("manage", "readonly")}, err: scope.ErrCycle},
		{name: "rule implies itself", entries: []scope.Entry{entry("a", "x")}, rules: []scope.Rule{scope.ActionImplies("manage", "manage")}, err: scope.ErrRule, index: -1},
		{name: "rule with colon", entries: []scope.Entry{entry("a", "x")}, rules: []scope.Rule{scope.ActionImplies("call:manage", "readonly")}, err: scope.ErrRule, index: -1},
		{name: "rule with empty target", entries: []scope.Entry{entry("a", "x")}, rules: []scope.Rule{scope.BareImplies("")}, err: scope.ErrRule, index: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := scope.NewCatalog(tt.entries, tt.rules...)
			require.Nil(t, c)
			require.ErrorIs(t, err, tt.err)
			var ee *scope.EntryError
			require.ErrorAs(t, err, &ee)
			if tt.err != scope.ErrCycle {
				require.Equal(t, tt.index, ee.Index)
			}
		})
	}
}

func TestNewCatalogReportsEveryProblem(t *testing.T) {
	_, err := scope.NewCatalog([]scope.Entry{
		entry("users", "", "users:readonyl"),
		entry("users:readonly", "Read users"),
		entry("users:readonly", "Again"),
	})
	require.ErrorIs(t, err, scope.ErrDescription)
	require.ErrorIs(t, err, scope.ErrUnknown)
	require.ErrorIs(t, err, scope.ErrDuplicate)

	var ue *scope.UnknownError
	require.ErrorAs(t, err, &ue)
	require.Equal(t, []scope.Scope{sc("users:readonly")}, ue.Suggestions, "a typo in an implication gets a suggestion")
}

func TestUnknownImplicationNeverSuggestsItself(t *testing.T) {
	_, err := scope.NewCatalog([]scope.Entry{entry("users", "x", "user")})
	var ue *scope.UnknownError
	require.ErrorAs(t, err, &ue)
	require.Empty(t, ue.Suggestions, "users implying users would be a cycle")
}

func TestCycleErrorNamesThePath(t *testing.T) {
	_, err := scope.NewCatalog([]scope.Entry{entry("a", "x", "b"), entry("b", "y", "c"), entry("c", "z", "a"), entry("d", "w", "a")})
	var ce *scope.CycleError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, []scope.Scope{sc("a"), sc("b"), sc("c")}, ce.Path)
	require.ErrorContains(t, err, "a ⇒ b ⇒ c ⇒ a")
}

func TestImplication(t *testing.T) {
	c, err := scope.NewCatalog([]scope.Entry{
		entry("users", "Read and write users", "users:manage"),
		entry("users:manage", "Manage users"),
		entry("users:readonly", "Read users"),
		entry("routing:queue:manage", "Manage queues"),
		entry("routing:queue:view", "View queues"),
		entry("presence:manage", "Change presence"),
	}, scope.ActionImplies("manage", "readonly"), scope.ActionImplies("manage", "view"))
	require.NoError(t, err)

	tests := []struct {
		a, b string
		want bool
	}{
		{"users", "users", true},
		{"users", "users:manage", true},
		{"users", "users:readonly", true}, // transitive, through a rule
		{"users:manage", "users:readonly", true},
		{"users:readonly", "users:manage", false},
		{"users:readonly", "users", false},
		{"routing:queue:manage", "routing:queue:view", true},
		{"presence:manage", "presence:readonly", false}, // the rule's target is not in the catalog
		{"unknown", "unknown", false},
		{"users", "unknown", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"⇒"+tt.b, func(t *testing.T) {
			require.Equal(t, tt.want, c.Implies(sc(tt.a), sc(tt.b)))
		})
	}

	require.Equal(t, "users:manage users:readonly", c.Implied(sc("users")).String())
	require.True(t, c.Implied(sc("users:readonly")).IsEmpty())
	require.True(t, c.Implied(sc("unknown")).IsEmpty())

	e, ok := c.Lookup(sc("users:manage"))
	require.True(t, ok)
	if diff := cmp.Diff(entry("users:manage", "Manage users", "users:readonly"), e, cmp.Comparer(func(a, b scope.Scope) bool { return a == b })); diff != "" {
		t.Errorf("Lookup includes rule edges (-want +got):\n%s", diff)
	}
	_, ok = c.Lookup(sc("nope"))
	require.False(t, ok)
}

func TestBareImpliesRule(t *testing.T) {
	c, err := scope.NewCatalog([]scope.Entry{
		entry("users", "Read and write users"),
		entry("users:readonly", "Read users"),
		entry("presence", "Read and write presence"),
		entry("user-basic-info", "Basic user information"),
	}, scope.BareImplies("readonly"))
	require.NoError(t, err)
	require.True(t, c.Implies(sc("users"), sc("users:readonly")))
	require.False(t, c.Implies(sc("users:readonly"), sc("users")))
	require.True(t, c.Implied(sc("presence")).IsEmpty(), "no presence:readonly in the catalog: the rule adds nothing")
	require.Equal(t, []scope.Rule{{Implies: "readonly"}}, c.Rules())
}

func TestCatalogAll(t *testing.T) {
	c, err := scope.NewCatalog([]scope.Entry{entry("b", "B", "a"), entry("a", "A")})
	require.NoError(t, err)
	require.Equal(t, 2, c.Len())
	var names []string
	for e := range c.All() {
		names = append(names, e.Scope.String())
	}
	require.Equal(t, []string{"a", "b"}, names, "canonical order")
	require.True(t, c.Contains(sc("a")))
	require.False(t, c.Contains(sc("c")))
}

// The common mistakes of Genesys Cloud's guide, and the other usual ones,
// each with the suggestion a user must get.
func TestCommonMistakes(t *testing.T) {
	c := sample.Catalog()
	tests := []struct {
		name    string
		in      string
		err     error
		suggest string
	}{
		{name: "space before colon", in: "users :manage", err: scope.ErrColon, suggest: "users:manage"},
		{name: "space after colon", in: "users: manage", err: scope.ErrColon, suggest: "users:manage"},
		{name: "spaces around colon", in: "users : manage", err: scope.ErrColon, suggest: "users:manage"},
		{name: "tab before colon", in: "users\t:manage", err: scope.ErrSpace, suggest: "users:manage"},
		{name: "space for colon", in: "users manage", err: scope.ErrUnknown, suggest: "users:manage"},
		{name: "commas between scopes", in: "users:manage,presence:manage", err: scope.ErrCharacter, suggest: "users:manage presence:manage"},
		{name: "comma and space between scopes", in: "users:manage, presence:manage", err: scope.ErrCharacter, suggest: "users:manage"},
		{name: "dash for colon", in: "users-manage", err: scope.ErrUnknown, suggest: "users:manage"},
		{name: "underscore for colon", in: "users_manage", err: scope.ErrUnknown, suggest: "users:manage"},
		{name: "dot for colon", in: "users.manage", err: scope.ErrCharacter, suggest: "users:manage"},
		{name: "singular resource and synonym action", in: "conversation:view", err: scope.ErrUnknown, suggest: "conversations:readonly"},
		{name: "synonym action", in: "presence:write", err: scope.ErrUnknown, suggest: "presence:manage"},
		{name: "wrong case", in: "Users:ReadOnly", err: scope.ErrUnknown, suggest: "users:readonly"},
		{name: "wrong case in camelCase part", in: "analytics:conversationdetail", err: scope.ErrUnknown, suggest: "analytics:conversationDetail"},
		{name: "missing colon", in: "usersmanage", err: scope.ErrUnknown, suggest: "users:manage"},
		{name: "doubled colon", in: "users::manage", err: scope.ErrColon, suggest: "users:manage"},
		{name: "doubled colon with a typo", in: "users::mange", err: scope.ErrColon, suggest: "users:manage"},
		{name: "typo", in: "users:mange", err: scope.ErrUnknown, suggest: "users:manage"},
		{name: "transposition", in: "users:raedonly", err: scope.ErrUnknown, suggest: "users:readonly"},
		{name: "singular resource", in: "recording:download", err: scope.ErrUnknown, suggest: "recordings:download"},
		{name: "three parts", in: "conversations:calls:control", err: scope.ErrUnknown, suggest: "conversations:call:control"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := c.ParseSet(tt.in)
			require.ErrorIs(t, err, tt.err)
			require.True(t, set.IsEmpty())
			var got string
			var pe *scope.ParseError
			var ue *scope.UnknownError
			switch {
			case errors.As(err, &pe):
				got = pe.Suggestion
			case errors.As(err, &ue):
				require.NotEmpty(t, ue.Suggestions)
				got = ue.Suggestions[0].String()
			}
			require.Equal(t, tt.suggest, got)
			require.ErrorContains(t, err, `did you mean "`+tt.suggest+`"`)
		})
	}
}

func TestCatalogParseSetReportsSyntaxAndUnknownTogether(t *testing.T) {
	c := sample.Catalog()
	_, err := c.ParseSet("users-manage users :manage conversation:view")
	require.ErrorIs(t, err, scope.ErrColon)
	require.ErrorIs(t, err, scope.ErrUnknown)
	var unknown []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ue *scope.UnknownError
		if errors.As(e, &ue) {
			unknown = append(unknown, ue.Scope.String())
		}
	}
	require.Equal(t, []string{"conversation:view", "users-manage"}, unknown, `"users" is folded into the ":manage" suggestion, not reported`)
}

func TestCatalogParse(t *testing.T) {
	c := sample.Catalog()
	s, err := c.Parse("users:readonly")
	require.NoError(t, err)
	require.Equal(t, sc("users:readonly"), s)

	_, err = c.Parse("users-manage")
	require.ErrorIs(t, err, scope.ErrUnknown)
	require.EqualError(t, err, `scope: unknown scope "users-manage"; did you mean "users:manage"?`)

	_, err = c.Parse("users :manage")
	var pe *scope.ParseError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "users:manage", pe.Suggestion)

	_, err = c.Parse("zzzzzzzzzz:qqqqqqqq")
	require.EqualError(t, err, `scope: unknown scope "zzzzzzzzzz:qqqqqqqq"`, "no suggestion when nothing is close")
}

func TestRefineDropsUnknownSyntacticSuggestion(t *testing.T) {
	c := sample.Catalog()
	_, err := c.ParseSet("zzzz::qqqq")
	var pe *scope.ParseError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "", pe.Suggestion, "zzzz:qqqq is not in the catalog, so it is not suggested")
}

func TestSuggest(t *testing.T) {
	c := sample.Catalog()
	tests := []struct {
		in   string
		want []string
	}{
		{in: "users:readonly", want: nil}, // known
		{in: "", want: nil},
		{in: "qqqqqqqqqqqq", want: nil},
		{in: "routing:queue:read", want: []string{"routing:queue:view"}},
		{in: "webhook:read", want: []string{"webhooks:view"}},
		{in: "knowledge:view", want: []string{"knowledge:readonly"}},
		{in: "users:view", want: []string{"users:readonly"}},
		{in: "user", want: []string{"users"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got []string
			for _, s := range c.Suggest(tt.in) {
				got = append(got, s.String())
			}
			require.Equal(t, tt.want, got)
		})
	}
	require.LessOrEqual(t, len(c.Suggest("x:y")), 3)
}

func TestValidate(t *testing.T) {
	c := sample.Catalog()
	require.NoError(t, c.Validate(scope.MustParseSet("users:readonly presence:manage")))
	require.NoError(t, c.Validate(scope.Set{}))

	err := c.Validate(scope.MustParseSet("users:readonly users-manage conversation:view"))
	require.ErrorIs(t, err, scope.ErrUnknown)
	var got []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ue *scope.UnknownError
		require.ErrorAs(t, e, &ue)
		got = append(got, ue.Scope.String()+"→"+ue.Suggestions[0].String())
	}
	require.Equal(t, []string{"conversation:view→conversations:readonly", "users-manage→users:manage"}, got)
}

func TestReduceAndExpand(t *testing.T) {
	c := sample.Catalog()
	tests := []struct {
		name    string
		in      string
		reduced string
		dropped []scope.Redundancy
		expand  string
	}{
		{name: "the guide's example", in: "users users:readonly", reduced: "users",
			dropped: []scope.Redundancy{{Scope: sc("users:readonly"), ImpliedBy: sc("users")}}, expand: "users users:readonly"},
		{name: "nothing redundant", in: "users:readonly presence:manage", reduced: "presence:manage users:readonly",
			expand: "presence:manage presence:readonly users:readonly"},
		{name: "chain keeps the broadest", in: "outbound:campaign:execute outbound:campaign:view recordings:download recordings:view",
			reduced: "outbound:campaign:execute recordings:download",
			dropped: []scope.Redundancy{
				{Scope: sc("outbound:campaign:view"), ImpliedBy: sc("outbound:campaign:execute")},
				{Scope: sc("recordings:view"), ImpliedBy: sc("recordings:download")},
			},
			expand: "outbound:campaign:execute outbound:campaign:view recordings:download recordings:view"},
		{name: "unknown kept", in: "custom:thing users:manage users:readonly", reduced: "custom:thing users:manage",
			dropped: []scope.Redundancy{{Scope: sc("users:readonly"), ImpliedBy: sc("users:manage")}},
			expand:  "custom:thing users:manage users:readonly"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reduced, dropped := c.Reduce(scope.MustParseSet(tt.in))
			require.Equal(t, tt.reduced, reduced.String())
			if diff := cmp.Diff(tt.dropped, dropped, cmp.Comparer(func(a, b scope.Scope) bool { return a == b })); diff != "" {
				t.Errorf("dropped (-want +got):\n%s", diff)
			}
			require.Equal(t, tt.expand, c.Expand(scope.MustParseSet(tt.in)).String())
		})
	}
}

func TestCatalogJSON(t *testing.T) {
	data := []byte(`{
		"rules": [{"action": "manage", "implies": "readonly"}, {"implies": "readonly"}],
		"scopes": [
			{"scope": "users", "description": "Read and write users"},
			{"scope": "users:manage", "description": "Manage users"},
			{"scope": "users:readonly", "description": "Read users"},
			{"scope": "recordings:download", "description": "Download recordings", "implies": ["recordings:view"]},
			{"scope": "recordings:view", "description": "View recordings"}
		]
	}`)
	c, err := scope.ParseCatalogJSON(data)
	require.NoError(t, err)
	require.Equal(t, 5, c.Len())
	require.True(t, c.Implies(sc("users"), sc("users:readonly")))
	require.True(t, c.Implies(sc("users:manage"), sc("users:readonly")))
	require.True(t, c.Implies(sc("recordings:download"), sc("recordings:view")))

	out, err := json.Marshal(c)
	require.NoError(t, err)
	back, err := scope.ParseCatalogJSON(out)
	require.NoError(t, err)
	var before, after []scope.Entry
	for e := range c.All() {
		before = append(before, e)
	}
	for e := range back.All() {
		after = append(after, e)
	}
	if diff := cmp.Diff(before, after, cmp.Comparer(func(a, b scope.Scope) bool { return a == b })); diff != "" {
		t.Errorf("round trip (-before +after):\n%s", diff)
	}
	require.Equal(t, c.Rules(), back.Rules())
}

func TestCatalogJSONRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		err  error
	}{
		{name: "not JSON", in: `{`},
		{name: "unknown field", in: `{"scopes": [], "extra": 1}`},
		{name: "unknown entry field", in: `{"scopes": [{"scope": "a", "description": "x", "implied": ["b"]}]}`},
		{name: "trailing data", in: `{"scopes": []} {}`},
		{name: "trailing brace", in: `{"scopes": []}}`},
		{name: "trailing bracket", in: `{"scopes": []}]`},
		{name: "trailing text", in: `{"scopes": []} x`},
		{name: "no scopes", in: `{}`, err: scope.ErrEmpty},
		{name: "bad scope", in: `{"scopes": [{"scope": "users::manage", "description": "x"}]}`, err: scope.ErrColon},
		{name: "unknown implication", in: `{"scopes": [{"scope": "a", "description": "x", "implies": ["b"]}]}`, err: scope.ErrUnknown},
		{name: "bad rule", in: `{"rules": [{"action": "a:b", "implies": "c"}], "scopes": []}`, err: scope.ErrRule},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := scope.ParseCatalogJSON([]byte(tt.in))
			require.Error(t, err)
			require.Nil(t, c)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
			}
		})
	}
}

func TestEmptyCatalog(t *testing.T) {
	c, err := scope.NewCatalog(nil)
	require.NoError(t, err)
	require.Equal(t, 0, c.Len())
	_, err = c.Accept(sc("users"))
	require.ErrorIs(t, err, scope.ErrUnknown)
	g := c.Grant(scope.MustParseSet("users"))
	require.False(t, g.Has(sc("users")))
	require.True(t, slices.Equal([]scope.Scope(nil), c.Suggest("users")))
}

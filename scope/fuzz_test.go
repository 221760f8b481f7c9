package scope_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

var fuzzSeeds = []string{
	"", " ", "users", "users:readonly", "users :manage", "users: manage", "users::manage", "users-manage",
	"conversation:view", "Users:Readonly", "usersmanage", "users users", "users  presence:manage", " users",
	"users ", "users\tpresence:manage", "usérs", "users.manage", "a:b:c:d:e", "conversations:external:contact:add",
	"users\u00a0presence", "\x00", ":", "a-", "-a", "a_b-c:d",
}

// FuzzParseSet: parsing never panics; whatever parses prints in canonical
// form, and parsing that form gives back the same set; a rejection is a
// *ParseError and yields the empty set.
func FuzzParseSet(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		set, err := scope.ParseSet(in)
		if err != nil {
			var pe *scope.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseSet(%q): error %v is not a *ParseError", in, err)
			}
			if !set.IsEmpty() {
				t.Fatalf("ParseSet(%q) failed but returned %v", in, set)
			}
			for _, pe := range parseErrors(err) {
				if pe.Offset < 0 || pe.Offset > len(in) {
					t.Fatalf("ParseSet(%q): offset %d out of range", in, pe.Offset)
				}
				if pe.Suggestion != "" {
					if _, err := scope.ParseSet(pe.Suggestion); err != nil {
						t.Fatalf("ParseSet(%q) suggests %q, which is itself rejected: %v", in, pe.Suggestion, err)
					}
				}
			}
			_ = err.Error()
			return
		}
		out := set.String()
		back, err := scope.ParseSet(out)
		if err != nil {
			t.Fatalf("ParseSet(%q) printed %q, which does not parse: %v", in, out, err)
		}
		if !back.Equal(set) || back.String() != out {
			t.Fatalf("round trip of %q: %q then %q", in, out, back.String())
		}
		if set.Len() != len(strings.Fields(in)) {
			t.Fatalf("ParseSet(%q) has %d scopes, the input %d", in, set.Len(), len(strings.Fields(in)))
		}
		if (in == out) != isSorted(in) {
			t.Fatalf("ParseSet(%q): canonical form %q", in, out)
		}
	})
}

// parseErrors returns the *ParseErrors in err: err itself, or those it
// joins.
func parseErrors(err error) []*scope.ParseError {
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var out []*scope.ParseError
	for _, e := range errs {
		var pe *scope.ParseError
		if errors.As(e, &pe) {
			out = append(out, pe)
		}
	}
	return out
}

func isSorted(s string) bool {
	f := strings.Fields(s)
	for i := 1; i < len(f); i++ {
		if f[i-1] >= f[i] {
			return false
		}
	}
	return true
}

// FuzzParse: one scope parses, prints and parses back to the same value.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := scope.Parse(in)
		if err != nil {
			if s.IsValid() {
				t.Fatalf("Parse(%q) failed but returned %v", in, s)
			}
			var pe *scope.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q): error %v is not a *ParseError", in, err)
			}
			if pe.Suggestion != "" {
				if _, err := scope.ParseSet(pe.Suggestion); err != nil {
					t.Fatalf("Parse(%q) suggests %q, which is itself rejected: %v", in, pe.Suggestion, err)
				}
			}
			return
		}
		if s.String() != in {
			t.Fatalf("Parse(%q).String() = %q", in, s.String())
		}
		back, err := scope.Parse(s.String())
		if err != nil || back != s {
			t.Fatalf("round trip of %q: %v, %v", in, back, err)
		}
		if strings.Join(nonEmpty(s.Resource(), s.Action(), s.Qualifier()), ":") != in {
			t.Fatalf("parts of %q: %q %q %q", in, s.Resource(), s.Action(), s.Qualifier())
		}
	})
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// FuzzCatalogParseSet: checking against a catalog never panics, agrees with
// ParseSet on syntax, and accepts only known scopes.
func FuzzCatalogParseSet(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	c := sample.Catalog()
	f.Fuzz(func(t *testing.T, in string) {
		set, err := c.ParseSet(in)
		_, syntaxErr := scope.ParseSet(in)
		if syntaxErr != nil && err == nil {
			t.Fatalf("catalog accepted %q, which ParseSet rejects: %v", in, syntaxErr)
		}
		if err != nil {
			_ = err.Error()
			for _, pe := range parseErrors(err) {
				if _, err := scope.ParseSet(pe.Suggestion); pe.Suggestion != "" && err != nil {
					t.Fatalf("catalog suggests %q for %q, which is itself rejected: %v", pe.Suggestion, in, err)
				}
			}
			errs := []error{err}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs = j.Unwrap()
			}
			for _, e := range errs {
				var ue *scope.UnknownError
				if errors.As(e, &ue) {
					for _, s := range ue.Suggestions {
						if !c.Contains(s) {
							t.Fatalf("catalog suggests unknown scope %v for %q", s, in)
						}
					}
				}
			}
			return
		}
		for s := range set.All() {
			if !c.Contains(s) {
				t.Fatalf("catalog accepted unknown scope %v", s)
			}
		}
		_ = c.Suggest(in)
	})
}

// FuzzParseCatalogJSON: any input either builds a consistent catalog or
// fails with an error; never a panic.
func FuzzParseCatalogJSON(f *testing.F) {
	f.Add(`{"scopes":[{"scope":"a","description":"x","implies":["b"]},{"scope":"b","description":"y"}]}`)
	f.Add(`{"rules":[{"action":"manage","implies":"readonly"}],"scopes":[{"scope":"a:manage","description":"x"},{"scope":"a:readonly","description":"y"}]}`)
	f.Add(`{"scopes":[{"scope":"a","description":"x","implies":["a"]}]}`)
	f.Add(`{"scopes":[]}`)
	f.Fuzz(func(t *testing.T, in string) {
		c, err := scope.ParseCatalogJSON([]byte(in))
		if err != nil {
			if c != nil {
				t.Fatal("a catalog and an error")
			}
			return
		}
		for e := range c.All() {
			if !c.Implies(e.Scope, e.Scope) {
				t.Fatalf("%v does not imply itself", e.Scope)
			}
			for _, i := range e.Implies {
				if !c.Contains(i) || c.Implies(i, e.Scope) {
					t.Fatalf("bad edge %v ⇒ %v", e.Scope, i)
				}
			}
		}
	})
}

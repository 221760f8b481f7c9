package permission_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/scopegate/scopegate/permission"
)

// FuzzParse: parsing never panics; whatever parses prints canonically and
// parses back to the same value, and so does its admin-UI label.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"directory:user:add", "Directory > User > Add", "routing:*:*", "*:a:b", "a:b", "a::b:c",
		"Directory:User:Add", "directory.user.add", "a:b*:c", "Routing > Direct Routing Backup > Self Delete", "a>b>c>d", " > > ", "é:b:c",
		"chat:1on1Message:add", "messaging:XIntegration:edit", "admin", "content_management_user", "They are enforced by the backend"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, err := permission.Parse(in)
		if err != nil {
			if p.IsValid() {
				t.Fatalf("Parse(%q) failed but returned %v", in, p)
			}
			var pe *permission.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q): error %v is not a *ParseError", in, err)
			}
			if pe.Input != in || pe.Offset < 0 || pe.Offset > len(in) {
				t.Fatalf("Parse(%q): input %q, offset %d", in, pe.Input, pe.Offset)
			}
			if pe.Suggestion != "" {
				if h, err := permission.Parse(pe.Suggestion); err != nil || h.String() != pe.Suggestion || h.IsLegacy() {
					t.Fatalf("Parse(%q) hints %q, which is not a canonical three-part permission: %v", in, pe.Suggestion, err)
				}
				// A suggestion changes separators only: never the case
				// or the letters of a name.
				if alnum(pe.Suggestion) != alnum(in) {
					t.Fatalf("Parse(%q) hints %q, which changes the name", in, pe.Suggestion)
				}
			}
			_ = err.Error()
			return
		}
		back, err := permission.Parse(p.String())
		if err != nil || back != p {
			t.Fatalf("Parse(%q) = %v; parsing that gives %v, %v", in, p, back, err)
		}
		label, err := permission.Parse(p.Label())
		if err != nil || label != p {
			t.Fatalf("label %q of %v parses to %v, %v", p.Label(), p, label, err)
		}
		if p.Domain() == permission.Wildcard {
			t.Fatalf("wildcard domain in %v", p)
		}
	})
}

// alnum keeps the ASCII letters and digits of s, in order.
func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// FuzzRequirementJSON: decoding never panics, and what decodes encodes to
// something that decodes to the same requirement.
func FuzzRequirementJSON(f *testing.F) {
	for _, s := range []string{`{"none":true}`, `{"any":["a:b:c","d:e:f"]}`, `{"all":["a:b:c"]}`, `{"all":["a:b:*"]}`, `{}`, `{"none":true,"all":[]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var r permission.Requirement
		if err := json.Unmarshal([]byte(in), &r); err != nil {
			if r.IsValid() {
				t.Fatal("error and a valid requirement")
			}
			return
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("%v does not marshal: %v", r, err)
		}
		var back permission.Requirement
		if err := json.Unmarshal(out, &back); err != nil || back.String() != r.String() {
			t.Fatalf("round trip of %s: %s, %v", in, out, err)
		}
	})
}

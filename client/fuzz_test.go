package client_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/scope/sample"
)

func FuzzParseID(f *testing.F) {
	f.Add("0f8fad5b-d9cb-469f-a165-70867728950e")
	f.Add("0F8FAD5B-D9CB-469F-A165-70867728950E")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := client.ParseID(s)
		if err != nil {
			if id.IsValid() {
				t.Fatal("an error and a valid ID")
			}
			return
		}
		if !strings.EqualFold(id.String(), s) {
			t.Fatalf("ParseID(%q) = %v", s, id)
		}
	})
}

func FuzzParseAuthorizationURL(f *testing.F) {
	f.Add("https://login.example.com/oauth/authorize?client_id=0f8fad5b-d9cb-469f-a165-70867728950e&response_type=code")
	f.Add("http://localhost/?client_id=x")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := client.ParseAuthorizationURL(s)
		if err != nil {
			if id.IsValid() {
				t.Fatal("an error and a valid ID")
			}
			return
		}
		if !id.IsValid() {
			t.Fatalf("ParseAuthorizationURL(%q) gave the zero ID without an error", s)
		}
		if !strings.Contains(strings.ToLower(s), id.String()) && !strings.Contains(s, "%") {
			t.Fatalf("ParseAuthorizationURL(%q) = %s, which the URL does not carry", s, id)
		}
		u, _ := url.Parse(s)
		if u.User != nil || (u.Scheme != "https" && u.Scheme != "http") {
			t.Fatalf("accepted authorization URL %q", s)
		}
		back, err := client.ParseID(id.String())
		if err != nil || back != id {
			t.Fatalf("round trip of %s: %v, %v", id, back, err)
		}
	})
}

func FuzzParseGrantType(f *testing.F) {
	for _, s := range []string{"client_credentials", "authorization_code", "implicit", "urn:ietf:params:oauth:grant-type:saml2-bearer", "", "password", "GrantType(0)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := client.ParseGrantType(s)
		if err != nil {
			if g.IsValid() {
				t.Fatal("an error and a valid grant type")
			}
			return
		}
		if !g.IsValid() || g.String() != s {
			t.Fatalf("ParseGrantType(%q) = %v", s, g)
		}
		text, err := g.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back client.GrantType
		if err := back.UnmarshalText(text); err != nil || back != g {
			t.Fatalf("round trip of %v: %v, %v", g, back, err)
		}
	})
}

func FuzzStateText(f *testing.F) {
	for _, s := range []string{"active", "inactive", "disabled", "", "Active", "State(0)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var st client.State
		if err := st.UnmarshalText([]byte(s)); err != nil {
			if st != 0 {
				t.Fatal("an error and a state")
			}
			return
		}
		text, err := st.MarshalText()
		if err != nil || string(text) != s {
			t.Fatalf("round trip of %q: %q, %v", s, text, err)
		}
	})
}

// FuzzRedirectURI: whatever the validator accepts is an absolute https
// URI, or http on a loopback host, without a fragment or user info; and a
// client only matches redirect URIs it would accept.
func FuzzRedirectURI(f *testing.F) {
	for _, s := range []string{"https://app.example.com/cb", "http://127.0.0.1:8080/cb", "http://localhost/cb", "https://a/#x", "javascript:x", "https://u@h/"} {
		f.Add(s, s)
	}
	catalog := sample.Catalog()
	f.Fuzz(func(t *testing.T, registered, requested string) {
		c := valid(client.AuthorizationCode)
		c.RedirectURIs = []string{registered}
		if c.Validate(catalog) != nil {
			return
		}
		u, err := url.Parse(registered)
		if err != nil || u.Host == "" || u.Fragment != "" || u.User != nil || (u.Scheme != "https" && u.Scheme != "http") {
			t.Fatalf("accepted redirect URI %q", registered)
		}
		if c.MatchRedirectURI(requested) {
			r, err := url.Parse(requested)
			if err != nil || strings.Contains(requested, "#") || r.User != nil || r.Scheme != u.Scheme || r.Hostname() != u.Hostname() {
				t.Fatalf("%q matched registered %q", requested, registered)
			}
		}
	})
}

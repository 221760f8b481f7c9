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
		if err == nil && !id.IsValid() {
			t.Fatalf("ParseAuthorizationURL(%q) gave the zero ID without an error", s)
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

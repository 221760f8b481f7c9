package authserver_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzTokenEndpoint sends arbitrary bodies and Authorization headers to
// the token, revocation and introspection endpoints: never a 5xx, always
// RFC 6749's JSON (an error, or for the token endpoint a token), and no
// client secret echoed.
func FuzzTokenEndpoint(f *testing.F) {
	fx := newFixture(f)
	f.Add("/token", "grant_type=client_credentials", basicHeader(fx.cc.basic()))
	f.Add("/token", "grant_type=authorization_code&code=x&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&code_verifier=abc", basicHeader(fx.code.basic()))
	f.Add("/token", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Asaml2-bearer&assertion=Ym9iQG9yZy0x", basicHeader(fx.saml.basic()))
	f.Add("/token", "grant_type=client_credentials&client_id="+fx.cc.ID.String()+"&client_secret=x", "")
	f.Add("/revoke", "token=a.b.c", basicHeader(fx.cc.basic()))
	f.Add("/introspect", "token=a.b.c", basicHeader(fx.rs.basic()))
	f.Add("/token", "grant_type=%zz&&&=", "Basic Og==")
	f.Fuzz(func(t *testing.T, path, body, auth string) {
		switch path {
		case "/token", "/revoke", "/introspect":
		default:
			return
		}
		r := httptest.NewRequest("POST", "/oauth"+path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		fx.as.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %q: %d %s", path, body, w.Code, w.Body)
		}
		if w.Code == http.StatusOK && path == "/revoke" && w.Body.Len() == 0 {
			return
		}
		var out map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %q: not JSON: %s", path, body, w.Body)
		}
		_, isErr := out["error"]
		_, isToken := out["access_token"]
		_, isIntrospection := out["active"]
		if !isErr && !isToken && !isIntrospection {
			t.Fatalf("%s %q: %s", path, body, w.Body)
		}
		for _, s := range []string{fx.cc.secret.Reveal(), fx.code.secret.Reveal(), fx.saml.secret.Reveal(), fx.rs.secret.Reveal()} {
			if strings.Contains(w.Body.String(), s) {
				t.Fatalf("a secret in the answer: %s", w.Body)
			}
		}
	})
}

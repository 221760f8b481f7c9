package authserver_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/authserver"
)

// TestTokenEndpointErrors: bad input gets RFC 6749 §5.2's error as JSON,
// with no-store, never a 500.
func TestTokenEndpointErrors(t *testing.T) {
	f := newFixture(t)
	cb := "https://app.example.com/cb"
	exchange := func(code string, change ...string) url.Values {
		v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {cb}, "code_verifier": {verifier}}
		for i := 0; i+1 < len(change); i += 2 {
			if change[i+1] == "" {
				v.Del(change[i])
			} else {
				v.Set(change[i], change[i+1])
			}
		}
		return v
	}
	used := f.codeFor("alice", f.codeParams())
	r := f.post("/token", exchange(used), f.code.basic())
	require.Equal(t, 200, r.status, r.body)

	type raw struct {
		method, contentType, query, body string
		headers                          []string
	}
	for _, tc := range []struct {
		name   string
		form   url.Values
		basic  string
		raw    *raw
		status int
		err    string
		www    bool
	}{
		{name: "no grant_type", form: url.Values{}, basic: f.cc.basic(), status: 400, err: "invalid_request"},
		{name: "unknown grant_type", form: url.Values{"grant_type": {"password"}}, basic: f.cc.basic(), status: 400, err: "unsupported_grant_type"},
		{name: "no client", form: url.Values{"grant_type": {"client_credentials"}}, status: 401, err: "invalid_client"},
		{name: "unknown client", form: url.Values{"grant_type": {"client_credentials"}}, basic: "3f2504e0-4f89-41d3-9a0c-0305e82c3301:x", status: 401, err: "invalid_client", www: true},
		{name: "wrong secret, basic", form: url.Values{"grant_type": {"client_credentials"}}, basic: f.cc.ID.String() + ":wrong", status: 401, err: "invalid_client", www: true},
		{name: "wrong secret, post", form: url.Values{"grant_type": {"client_credentials"}, "client_id": {f.cc.ID.String()}, "client_secret": {"wrong"}},
			status: 401, err: "invalid_client"},
		{name: "both auth methods", form: url.Values{"grant_type": {"client_credentials"}, "client_secret": {f.cc.secret.Reveal()}}, basic: f.cc.basic(),
			status: 400, err: "invalid_request"},
		{name: "client_id differs from basic", form: url.Values{"grant_type": {"client_credentials"}, "client_id": {f.code.ID.String()}}, basic: f.cc.basic(),
			status: 400, err: "invalid_request"},
		{name: "scope for client credentials", form: url.Values{"grant_type": {"client_credentials"}, "scope": {"users:readonly"}}, basic: f.cc.basic(),
			status: 400, err: "invalid_scope"},
		{name: "client credentials for a code client", form: url.Values{"grant_type": {"client_credentials"}}, basic: f.code.basic(), status: 400, err: "unauthorized_client"},
		{name: "no code", form: exchange("", "code", ""), basic: f.code.basic(), status: 400, err: "invalid_request"},
		{name: "no redirect_uri", form: exchange("x", "redirect_uri", ""), basic: f.code.basic(), status: 400, err: "invalid_request"},
		{name: "unknown code", form: exchange("not-a-code"), basic: f.code.basic(), status: 400, err: "invalid_grant"},
		{name: "replayed code", form: exchange(used), basic: f.code.basic(), status: 400, err: "invalid_grant"},
		{name: "wrong redirect_uri", form: exchange(f.codeFor("alice", f.codeParams()), "redirect_uri", "https://app.example.com/other"), basic: f.code.basic(),
			status: 400, err: "invalid_grant"},
		{name: "wrong verifier", form: exchange(f.codeFor("alice", f.codeParams()), "code_verifier", strings.Repeat("v", 43)), basic: f.code.basic(),
			status: 400, err: "invalid_grant"},
		{name: "no verifier", form: exchange(f.codeFor("alice", f.codeParams()), "code_verifier", ""), basic: f.code.basic(), status: 400, err: "invalid_grant"},
		{name: "code of another client", form: exchange(f.codeFor("alice", f.codeParams())), basic: f.saml.basic(), status: 400, err: "unauthorized_client"},
		{name: "repeated parameter", raw: &raw{method: "POST", contentType: "application/x-www-form-urlencoded",
			body: "grant_type=client_credentials&grant_type=client_credentials", headers: []string{"Authorization", basicHeader(f.cc.basic())}}, status: 400, err: "invalid_request"},
		{name: "parameters in the URL", raw: &raw{method: "POST", contentType: "application/x-www-form-urlencoded", query: "grant_type=client_credentials",
			headers: []string{"Authorization", basicHeader(f.cc.basic())}}, status: 400, err: "invalid_request"},
		{name: "JSON body", raw: &raw{method: "POST", contentType: "application/json", body: `{"grant_type":"client_credentials"}`}, status: 400, err: "invalid_request"},
		{name: "GET", raw: &raw{method: "GET"}, status: 405, err: "invalid_request"},
		{name: "oversized body", raw: &raw{method: "POST", contentType: "application/x-www-form-urlencoded",
			body: "grant_type=client_credentials&x=" + strings.Repeat("a", authserver.MaxBodyBytes)}, status: 400, err: "invalid_request"},
		{name: "malformed body", raw: &raw{method: "POST", contentType: "application/x-www-form-urlencoded", body: "grant_type=%zz"}, status: 400, err: "invalid_request"},
		{name: "malformed basic", raw: &raw{method: "POST", contentType: "application/x-www-form-urlencoded", body: "grant_type=client_credentials",
			headers: []string{"Authorization", "Basic !!!"}}, status: 401, err: "invalid_client", www: true},
		{name: "SAML2: bad assertion", form: url.Values{"grant_type": {authserver.GrantSAML2Bearer}, "assertion": {b64("bad@org-1")}}, basic: f.saml.basic(),
			status: 400, err: "invalid_grant"},
		{name: "SAML2: not base64url", form: url.Values{"grant_type": {authserver.GrantSAML2Bearer}, "assertion": {"a+b/c"}}, basic: f.saml.basic(),
			status: 400, err: "invalid_grant"},
		{name: "SAML2: no assertion", form: url.Values{"grant_type": {authserver.GrantSAML2Bearer}}, basic: f.saml.basic(), status: 400, err: "invalid_request"},
		{name: "SAML2: a user of another org", form: url.Values{"grant_type": {authserver.GrantSAML2Bearer}, "assertion": {b64("alice@org-2")}}, basic: f.saml.basic(),
			status: 400, err: "invalid_grant"},
		{name: "SAML2: wrong secret", form: url.Values{"grant_type": {authserver.GrantSAML2Bearer}, "assertion": {b64("alice@org-1")}},
			basic: f.saml.ID.String() + ":nope", status: 401, err: "invalid_client", www: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r response
			if tc.raw != nil {
				u := f.srv.URL + "/oauth/token"
				if tc.raw.query != "" {
					u += "?" + tc.raw.query
				}
				req, err := http.NewRequest(tc.raw.method, u, strings.NewReader(tc.raw.body))
				require.NoError(t, err)
				if tc.raw.contentType != "" {
					req.Header.Set("Content-Type", tc.raw.contentType)
				}
				for i := 0; i+1 < len(tc.raw.headers); i += 2 {
					req.Header.Add(tc.raw.headers[i], tc.raw.headers[i+1])
				}
				r = f.send(req)
			} else if tc.basic != "" {
				r = f.post("/token", tc.form, tc.basic)
			} else {
				r = f.post("/token", tc.form)
			}
			require.Equal(t, tc.status, r.status, r.body)
			require.Equal(t, "application/json;charset=UTF-8", r.header.Get("Content-Type"))
			require.Equal(t, "no-store", r.header.Get("Cache-Control"))
			e := decodeErr(t, r)
			require.Equal(t, tc.err, e.Error, e.Description)
			require.NotContains(t, e.Description, `"`)
			if tc.www {
				require.Contains(t, r.header.Get("WWW-Authenticate"), "Basic")
			}
			for _, secret := range []string{f.cc.secret.Reveal(), f.code.secret.Reveal(), f.saml.secret.Reveal()} {
				require.NotContains(t, r.body, secret)
			}
		})
	}
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func basicHeader(idSecret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(idSecret))
}

// tokenJSON is RFC 6749 §5.1's answer.
type tokenJSON struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

func decodeToken(t testing.TB, r response) tokenJSON {
	t.Helper()
	require.Equal(t, 200, r.status, r.body)
	require.Equal(t, "no-store", r.header.Get("Cache-Control"))
	var tok tokenJSON
	dec := json.NewDecoder(strings.NewReader(r.body))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&tok))
	require.Equal(t, "Bearer", tok.TokenType)
	return tok
}

// Every grant issues a JWT access token: the code flow (also for a public
// client, with PKCE and no secret), client credentials and SAML2 bearer.
func TestTokenEndpointGrants(t *testing.T) {
	f := newFixture(t)
	tok := decodeToken(t, f.post("/token", url.Values{"grant_type": {"authorization_code"}, "code": {f.codeFor("alice", f.codeParams())},
		"redirect_uri": {"https://app.example.com/cb"}, "code_verifier": {verifier}}, f.code.basic()))
	require.Equal(t, "conversations:readonly users:readonly", tok.Scope)
	claims, err := f.verifier.VerifyToken(ctx, tok.AccessToken)
	require.NoError(t, err)
	require.Equal(t, "alice", claims.User)

	pub := url.Values{"response_type": {"code"}, "client_id": {f.public.ID.String()}, "redirect_uri": {"https://spa.example.com/cb"},
		"code_challenge": {challenge(verifier)}, "code_challenge_method": {"S256"}, "scope": {"users:readonly"}}
	tok = decodeToken(t, f.post("/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {f.public.ID.String()},
		"code": {f.codeFor("bob", pub)}, "redirect_uri": {"https://spa.example.com/cb"}, "code_verifier": {verifier}}))
	require.Equal(t, "users:readonly", tok.Scope)

	tok = decodeToken(t, f.post("/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {f.cc.ID.String()},
		"client_secret": {f.cc.secret.Reveal()}}))
	require.Empty(t, tok.Scope)
	require.Equal(t, int64(86400), tok.ExpiresIn)

	tok = decodeToken(t, f.post("/token", url.Values{"grant_type": {authserver.GrantSAML2Bearer}, "assertion": {b64("bob@org-1")},
		"scope": {"users:readonly"}}, f.saml.basic()))
	claims, err = f.verifier.VerifyToken(ctx, tok.AccessToken)
	require.NoError(t, err)
	require.Equal(t, "bob", claims.User)
	require.Equal(t, "users:readonly", claims.Scopes.String())
}

// TestRevokeAndIntrospect: RFC 7009 and RFC 7662 as a client and a
// resource server use them.
func TestRevokeAndIntrospect(t *testing.T) {
	f := newFixture(t)
	cc := decodeToken(t, f.post("/token", url.Values{"grant_type": {"client_credentials"}}, f.cc.basic())).AccessToken
	introspect := func(token string, auth string) response {
		return f.post("/introspect", url.Values{"token": {token}}, auth)
	}
	active := func(token string) map[string]any {
		r := introspect(token, f.rs.basic())
		require.Equal(t, 200, r.status, r.body)
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.body), &m))
		return m
	}
	m := active(cc)
	require.Equal(t, true, m["active"])
	require.Equal(t, f.cc.ID.String(), m["client_id"])
	require.Equal(t, f.cc.ID.String(), m["sub"])
	require.Equal(t, "client_credentials", m["grant_type"])
	require.Equal(t, map[string]any{"active": false}, active("garbage"))

	require.Equal(t, 403, introspect(cc, f.cc.basic()).status, "a client that is not a resource server")
	require.Equal(t, 401, introspect(cc, f.rs.ID.String()+":wrong").status)

	// Only the token's client may revoke it.
	r := f.post("/revoke", url.Values{"token": {cc}}, f.code.basic())
	require.Equal(t, 400, r.status)
	require.Equal(t, "unauthorized_client", decodeErr(t, r).Error)
	require.Equal(t, true, active(cc)["active"])
	require.Equal(t, 401, f.post("/revoke", url.Values{"token": {cc}}).status, "no client authentication")
	require.Equal(t, 400, f.post("/revoke", url.Values{}, f.cc.basic()).status, "no token")

	r = f.post("/revoke", url.Values{"token": {cc}, "token_type_hint": {"access_token"}}, f.cc.basic())
	require.Equal(t, 200, r.status, r.body)
	require.Equal(t, map[string]any{"active": false}, active(cc))
	require.Equal(t, 200, f.post("/revoke", url.Values{"token": {"garbage"}}, f.cc.basic()).status, "an invalid token is not an error")
	require.Equal(t, 200, f.post("/revoke", url.Values{"token": {cc}}, f.cc.basic()).status, "revoking twice")
}

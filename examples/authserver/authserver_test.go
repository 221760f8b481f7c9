package authserver_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/authserver"
)

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// authorizeURL is an authorization request of c with the parameters.
func (f *fixture) authorizeURL(params url.Values) string {
	return "/oauth/authorize?" + params.Encode()
}

// consentForm opens the consent page as user and returns its form.
func (f *fixture) consentForm(params url.Values, user string) url.Values {
	f.t.Helper()
	r := f.get(f.authorizeURL(params), user)
	require.Equal(f.t, 200, r.status, "location %s, body %s", r.header.Get("Location"), r.body)
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(r.body, -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return form
}

// answer posts the consent form as user.
func (f *fixture) answer(form url.Values, user, decision string) response {
	f.t.Helper()
	form = cloneValues(form)
	form.Set("decision", decision)
	req, err := http.NewRequest("POST", f.srv.URL+"/oauth/authorize", strings.NewReader(form.Encode()))
	require.NoError(f.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-User", user)
	return f.send(req)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// codeFor runs the code flow up to the code, as user, through the
// consent page unless the user consented before.
func (f *fixture) codeFor(user string, params url.Values) string {
	f.t.Helper()
	r := f.get(f.authorizeURL(params), user)
	if r.status != http.StatusFound {
		r = f.answer(f.consentForm(params, user), user, "allow")
		require.Equal(f.t, http.StatusSeeOther, r.status, r.body)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	require.NoError(f.t, err)
	require.NotEmpty(f.t, loc.Query().Get("code"), loc.String())
	return loc.Query().Get("code")
}

func (f *fixture) codeParams() url.Values {
	return url.Values{"response_type": {"code"}, "client_id": {f.code.ID.String()}, "redirect_uri": {"https://app.example.com/cb"},
		"state": {"s1"}, "code_challenge": {challenge(verifier)}, "code_challenge_method": {"S256"}}
}

// TestAuthorizeErrors: a bad client or redirect URI gets an error page and
// no redirect; every other error goes back to the redirect URI, with the
// state, in the query or (implicit) the fragment (RFC 6749 §4.1.2.1,
// §4.2.2.1).
func TestAuthorizeErrors(t *testing.T) {
	f := newFixture(t)
	code := func(change ...string) url.Values {
		p := f.codeParams()
		for i := 0; i+1 < len(change); i += 2 {
			if change[i+1] == "" {
				p.Del(change[i])
			} else {
				p.Set(change[i], change[i+1])
			}
		}
		return p
	}
	for _, tc := range []struct {
		name     string
		query    string
		status   int
		page     string // the error on the page, when not redirected
		redirect string // the redirect's prefix
		err      string // the error in the redirect
		fragment bool
	}{
		{name: "no client_id", query: code("client_id", "").Encode(), status: 400, page: "invalid_request"},
		{name: "malformed client_id", query: code("client_id", "nope").Encode(), status: 400, page: "invalid_request"},
		{name: "unknown client", query: code("client_id", "3f2504e0-4f89-41d3-9a0c-0305e82c3301").Encode(), status: 400, page: "invalid_client"},
		{name: "no redirect_uri", query: code("redirect_uri", "").Encode(), status: 400, page: "invalid_request"},
		{name: "another redirect_uri", query: code("redirect_uri", "https://evil.example.com/cb").Encode(), status: 400, page: "invalid_request"},
		{name: "a longer redirect_uri", query: code("redirect_uri", "https://app.example.com/cb/x").Encode(), status: 400, page: "invalid_request"},
		{name: "repeated state", query: code().Encode() + "&state=again", status: 400, page: "invalid_request"},
		{name: "malformed escape", query: code().Encode() + "&x=%zz", status: 400, page: "invalid_request"},
		{name: "no response_type", query: code("response_type", "").Encode(), status: 302, redirect: "https://app.example.com/cb?", err: "invalid_request"},
		{name: "unknown response_type", query: code("response_type", "id_token").Encode(), status: 302, redirect: "https://app.example.com/cb?", err: "unsupported_response_type"},
		{name: "implicit for a code client", query: code("response_type", "token", "code_challenge", "", "code_challenge_method", "").Encode(), status: 302,
			redirect: "https://app.example.com/cb#", err: "unauthorized_client", fragment: true},
		{name: "malformed scope", query: code("scope", "users  readonly").Encode(), status: 302, redirect: "https://app.example.com/cb?", err: "invalid_scope"},
		{name: "a scope the app may not have", query: code("scope", "recordings:view").Encode(), status: 302, redirect: "https://app.example.com/cb?", err: "invalid_scope"},
		{name: "plain PKCE", query: code("code_challenge_method", "plain").Encode(), status: 302, redirect: "https://app.example.com/cb?", err: "invalid_request"},
		{name: "malformed challenge", query: code("code_challenge", "short").Encode(), status: 302, redirect: "https://app.example.com/cb?", err: "invalid_request"},
		{name: "public client without PKCE", query: url.Values{"response_type": {"code"}, "client_id": {f.public.ID.String()},
			"redirect_uri": {"https://spa.example.com/cb"}, "state": {"s1"}}.Encode(), status: 302, redirect: "https://spa.example.com/cb?", err: "invalid_request"},
		{name: "implicit with PKCE", query: url.Values{"response_type": {"token"}, "client_id": {f.implicit.ID.String()},
			"redirect_uri": {"https://implicit.example.com/cb"}, "state": {"s1"}, "code_challenge": {challenge(verifier)}}.Encode(), status: 302,
			redirect: "https://implicit.example.com/cb#", err: "invalid_request", fragment: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.get("/oauth/authorize?"+tc.query, "alice")
			require.Equal(t, tc.status, r.status, r.body)
			if tc.page != "" {
				require.Empty(t, r.header.Get("Location"), "never redirected")
				require.Equal(t, "text/html; charset=utf-8", r.header.Get("Content-Type"))
				require.Contains(t, r.body, "<code>"+tc.page+"</code>")
				return
			}
			loc := r.header.Get("Location")
			require.True(t, strings.HasPrefix(loc, tc.redirect), loc)
			u, err := url.Parse(loc)
			require.NoError(t, err)
			got := u.Query()
			if tc.fragment {
				got, err = url.ParseQuery(u.Fragment)
				require.NoError(t, err)
			}
			require.Equal(t, tc.err, got.Get("error"))
			require.Equal(t, "s1", got.Get("state"))
			require.NotEmpty(t, got.Get("error_description"))
		})
	}
	t.Run("not signed in: the hook answers", func(t *testing.T) {
		r := f.get(f.authorizeURL(f.codeParams()), "")
		require.Equal(t, 401, r.status)
	})
	t.Run("a user of another org", func(t *testing.T) {
		r := f.get(f.authorizeURL(f.codeParams()), "mallory")
		require.Equal(t, 302, r.status)
		u, err := url.Parse(r.header.Get("Location"))
		require.NoError(t, err)
		require.Equal(t, "access_denied", u.Query().Get("error"))
	})
}

// TestConsentPage: the page shows the app and the scopes with their
// descriptions, forbids framing; Allow redirects with a code, Deny with
// access_denied; a second request of a user who consented skips the page.
func TestConsentPage(t *testing.T) {
	f := newFixture(t)
	r := f.get(f.authorizeURL(f.codeParams()), "alice")
	require.Equal(t, 200, r.status)
	require.Contains(t, r.body, `<h1 id="app">Code App</h1>`)
	require.Contains(t, r.body, `data-scope="users:readonly"`)
	require.Contains(t, r.body, `data-scope="conversations:readonly"`)
	require.Equal(t, "DENY", r.header.Get("X-Frame-Options"))
	require.Contains(t, r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	require.Equal(t, "no-store", r.header.Get("Cache-Control"))

	form := f.consentForm(f.codeParams(), "bob")
	deny := f.answer(form, "bob", "deny")
	require.Equal(t, http.StatusSeeOther, deny.status)
	u, err := url.Parse(deny.header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "access_denied", u.Query().Get("error"))
	require.Equal(t, "s1", u.Query().Get("state"))

	f.codeFor("alice", f.codeParams())
	again := f.get(f.authorizeURL(f.codeParams()), "alice")
	require.Equal(t, http.StatusFound, again.status, "consented: straight back with a code")
	u, err = url.Parse(again.header.Get("Location"))
	require.NoError(t, err)
	require.NotEmpty(t, u.Query().Get("code"))
}

// TestConsentCSRF: a consent answer counts only from the form the server
// showed this user for this request, before it expires.
func TestConsentCSRF(t *testing.T) {
	f := newFixture(t)
	form := f.consentForm(f.codeParams(), "alice")
	for _, tc := range []struct {
		name   string
		change func(url.Values)
		user   string
	}{
		{"no token", func(v url.Values) { v.Del("csrf") }, "alice"},
		{"forged token", func(v url.Values) { v.Set("csrf", strings.Repeat("A", 43)) }, "alice"},
		{"another user posts it", func(url.Values) {}, "bob"},
		{"more scopes than shown", func(v url.Values) { v.Set("shown", "users:readonly conversations:readonly recordings:view") }, "alice"},
		{"another state", func(v url.Values) { v.Set("state", "s2") }, "alice"},
		{"another redirect URI of the app", func(v url.Values) { v.Set("redirect_uri", "https://app.example.com/cb?x") }, "alice"},
		{"a later expiry", func(v url.Values) { v.Set("expires", "99999999999") }, "alice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := cloneValues(form)
			tc.change(v)
			r := f.answer(v, tc.user, "allow")
			require.Contains(t, []int{400, 403}, r.status, r.body)
			require.Empty(t, r.header.Get("Location"))
		})
	}
	r := f.answer(form, "alice", "allow")
	require.Equal(t, http.StatusSeeOther, r.status, "the genuine form still works")
}

// TestImplicit: the token comes in the fragment.
func TestImplicit(t *testing.T) {
	f := newFixture(t)
	p := url.Values{"response_type": {"token"}, "client_id": {f.implicit.ID.String()}, "redirect_uri": {"https://implicit.example.com/cb"}, "state": {"s9"}}
	r := f.answer(f.consentForm(p, "alice"), "alice", "allow")
	require.Equal(t, http.StatusSeeOther, r.status)
	u, err := url.Parse(r.header.Get("Location"))
	require.NoError(t, err)
	require.Empty(t, u.RawQuery)
	frag, err := url.ParseQuery(u.Fragment)
	require.NoError(t, err)
	require.Equal(t, "Bearer", frag.Get("token_type"))
	require.Equal(t, "s9", frag.Get("state"))
	require.Equal(t, "86400", frag.Get("expires_in"))
	tok, err := f.verifier.VerifyToken(ctx, frag.Get("access_token"))
	require.NoError(t, err)
	require.Equal(t, "alice", tok.User)
}

func TestMetadataAndJWKS(t *testing.T) {
	f := newFixture(t)
	r := f.get("/.well-known/oauth-authorization-server/oauth", "")
	require.Equal(t, 200, r.status)
	require.Contains(t, r.body, `"issuer":"`+f.issuer+`"`)
	require.Contains(t, r.body, `"grant_types_supported":["authorization_code","implicit","client_credentials","`+authserver.GrantSAML2Bearer+`"]`)
	require.Equal(t, f.issuer+"/token", f.as.Metadata().TokenEndpoint)
	j := f.get("/oauth/jwks.json", "")
	require.Equal(t, 200, j.status)
	require.Contains(t, j.body, `"kty":"EC"`)
	require.Equal(t, 404, f.get("/oauth/nothing", "").status)
}

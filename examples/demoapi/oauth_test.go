package main

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// oauthHarness is the demo with its apps registered, as the printed
// walkthrough has them, on the real clock: golang.org/x/oauth2 checks
// expiry against it.
type oauthHarness struct {
	harness
	desktop, automation profileToken
}

func newOAuthHarness(t *testing.T) oauthHarness {
	t.Helper()
	h := newHarness(t)
	h.clock.ns.Store(time.Now().UnixNano())
	tokens, err := h.s.profileTokens(ctx)
	require.NoError(t, err)
	o := oauthHarness{harness: h}
	for _, tok := range tokens {
		switch tok.profile.Name {
		case "Agent Desktop":
			o.desktop = tok
		case "API Automation":
			o.automation = tok
		}
	}
	return o
}

// oauthCtx makes x/oauth2 use the test's client.
func (h oauthHarness) oauthCtx() context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Timeout: 10 * time.Second})
}

// verifyJWT checks an access token with go-jose alone, against the JWK
// Set the server publishes: not with the package that made it.
func (h oauthHarness) verifyJWT(t *testing.T, token string) map[string]any {
	t.Helper()
	res, err := http.Get(h.url("/oauth/jwks.json"))
	require.NoError(t, err)
	defer res.Body.Close()
	var set jose.JSONWebKeySet
	require.NoError(t, json.NewDecoder(res.Body).Decode(&set))
	parsed, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.ES256})
	require.NoError(t, err)
	require.Len(t, parsed.Headers, 1)
	require.Equal(t, "at+jwt", parsed.Headers[0].ExtraHeaders[jose.HeaderType])
	keys := set.Key(parsed.Headers[0].KeyID)
	require.Len(t, keys, 1, "the token's kid is in the published set")
	var std jwt.Claims
	all := map[string]any{}
	require.NoError(t, parsed.Claims(keys[0].Key, &std, &all))
	require.NoError(t, std.ValidateWithLeeway(jwt.Expected{Issuer: h.url("/oauth"), AnyAudience: jwt.Audience{h.url("/api")}, Time: time.Now()}, 0))
	return all
}

// TestClientCredentialsWithXOAuth2: x/oauth2's clientcredentials gets a
// token with either client authentication, and the API judges it by the
// client's own role.
func TestClientCredentialsWithXOAuth2(t *testing.T) {
	h := newOAuthHarness(t)
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		cfg := clientcredentials.Config{ClientID: h.automation.client.ID.String(), ClientSecret: h.automation.secret.Reveal(),
			TokenURL: h.url("/oauth/token"), AuthStyle: style}
		tok, err := cfg.Token(h.oauthCtx())
		require.NoError(t, err)
		require.Equal(t, "Bearer", tok.TokenType)
		require.WithinDuration(t, time.Now().Add(24*time.Hour), tok.Expiry, time.Minute)
		claims := h.verifyJWT(t, tok.AccessToken)
		require.Equal(t, h.automation.client.ID.String(), claims["sub"])
		require.Equal(t, "client_credentials", claims["grant_type"])
		require.Equal(t, string(demoOrg), claims["org_id"])

		require.Equal(t, 200, h.do("GET", "/api/v2/users", tok.AccessToken, "").status)
		res := h.do("GET", "/api/v2/users/me", tok.AccessToken, "")
		require.Equal(t, 403, res.status)
		var got apiError
		decodeStrict(t, res.body, &got)
		require.Equal(t, "USER_REQUIRED", got.Error.Code)
	}

	bad := clientcredentials.Config{ClientID: h.automation.client.ID.String(), ClientSecret: "wrong", TokenURL: h.url("/oauth/token"),
		AuthStyle: oauth2.AuthStyleInHeader}
	_, err := bad.Token(h.oauthCtx())
	var re *oauth2.RetrieveError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "invalid_client", re.ErrorCode)
	require.Equal(t, 401, re.Response.StatusCode)
}

// browser signs in and answers consent pages over plain HTTP, keeping
// cookies and showing redirects instead of following them.
type browser struct {
	t    *testing.T
	http *http.Client
}

func newBrowser(t *testing.T) browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return browser{t: t, http: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	res, err := b.http.Get(u)
	require.NoError(b.t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(b.t, err)
	return res, string(body)
}

func (b browser) post(u string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	res, err := b.http.PostForm(u, form)
	require.NoError(b.t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(b.t, err)
	return res, string(body)
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// authorize goes from the authorize URL to the redirect back to the app:
// sign in as user, then answer the consent page, unless the user
// consented before. It returns the redirect, and whether the page was
// shown.
func (b browser) authorize(base, authURL, user, decision string) (*url.URL, bool) {
	b.t.Helper()
	res, _ := b.get(authURL)
	require.Equal(b.t, http.StatusFound, res.StatusCode)
	login := res.Header.Get("Location")
	require.True(b.t, strings.HasPrefix(login, "/login?"), login)
	lu, err := url.Parse(login)
	require.NoError(b.t, err)
	res, _ = b.post(base+"/login", url.Values{"user": {user}, "return": {lu.Query().Get("return")}})
	require.Equal(b.t, http.StatusSeeOther, res.StatusCode)
	res, page := b.get(base + res.Header.Get("Location"))
	if res.StatusCode == http.StatusFound { // consented before
		back, err := url.Parse(res.Header.Get("Location"))
		require.NoError(b.t, err)
		return back, false
	}
	require.Equal(b.t, http.StatusOK, res.StatusCode, page)
	require.Equal(b.t, "DENY", res.Header.Get("X-Frame-Options"))
	form := url.Values{"decision": {decision}}
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	res, _ = b.post(base+"/oauth/authorize", form)
	require.Equal(b.t, http.StatusSeeOther, res.StatusCode)
	back, err := url.Parse(res.Header.Get("Location"))
	require.NoError(b.t, err)
	return back, true
}

// TestCodeFlowWithXOAuth2: the authorization code flow with PKCE, driven
// by x/oauth2 (AuthCodeURL, S256ChallengeOption, Exchange with the
// verifier), then the token against the API: allowed where the scopes and
// the user's permissions say so, and the error JSON of Genesys Cloud's
// guide where not.
func TestCodeFlowWithXOAuth2(t *testing.T) {
	h := newOAuthHarness(t)
	cfg := oauth2.Config{ClientID: h.desktop.client.ID.String(), ClientSecret: h.desktop.secret.Reveal(),
		Endpoint:    oauth2.Endpoint{AuthURL: h.url("/oauth/authorize"), TokenURL: h.url("/oauth/token"), AuthStyle: oauth2.AuthStyleInHeader},
		RedirectURL: h.url("/callback"), Scopes: []string{"users:readonly", "conversations:readonly"}}
	verifier := oauth2.GenerateVerifier()
	back, shown := newBrowser(t).authorize(h.ts.URL, cfg.AuthCodeURL("st-1", oauth2.S256ChallengeOption(verifier)), "u-sales", "allow")
	require.True(t, shown, "the consent page")
	require.Equal(t, h.url("/callback"), back.Scheme+"://"+back.Host+back.Path)
	require.Equal(t, "st-1", back.Query().Get("state"))
	code := back.Query().Get("code")
	require.NotEmpty(t, code)

	_, err := cfg.Exchange(h.oauthCtx(), code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
	var re *oauth2.RetrieveError
	require.ErrorAs(t, err, &re, "a wrong verifier")
	require.Equal(t, "invalid_grant", re.ErrorCode)

	// The code is used up by the failed attempt: start again.
	back, shown = newBrowser(t).authorize(h.ts.URL, cfg.AuthCodeURL("st-2", oauth2.S256ChallengeOption(verifier)), "u-sales", "allow")
	require.False(t, shown, "consented already: no page")
	code = back.Query().Get("code")
	tok, err := cfg.Exchange(h.oauthCtx(), code, oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	require.Equal(t, "conversations:readonly users:readonly", tok.Extra("scope"))
	claims := h.verifyJWT(t, tok.AccessToken)
	require.Equal(t, "u-sales", claims["sub"])
	require.Equal(t, "authorization_code", claims["grant_type"])

	me := h.do("GET", "/api/v2/users/me", tok.AccessToken, "")
	require.Equal(t, 200, me.status, "body: %s", me.body)
	require.Contains(t, string(me.body), `"id":"u-sales"`)
	require.Equal(t, 200, h.do("GET", "/api/v2/conversations", tok.AccessToken, "").status)

	for _, tc := range []struct {
		name, method, path string
		status             int
		want               apiError
	}{
		{"no scope for schedules", "GET", "/api/v2/schedules", 403, errorBody("SCOPE_AND_PERMISSIONS_INSUFFICIENT", 403,
			"the token has none of the scopes GET /api/v2/schedules accepts: scheduling:readonly; and the user lacks wfm:schedule:view. "+
				"To fix: add scope scheduling:readonly to the OAuth client, have the org authorize it, then re-authenticate; "+
				"and assign the user a role with wfm:schedule:view.")},
		{"scope held, permission only in Sales", "GET", "/api/v2/users/u-agent", 403, errorBody("PERMISSIONS_INSUFFICIENT", 403,
			"the user lacks directory:user:view. To fix: assign the user a role with directory:user:view.")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := h.do(tc.method, tc.path, tok.AccessToken, "")
			require.Equal(t, tc.status, res.status, "body: %s", res.body)
			var got apiError
			decodeStrict(t, res.body, &got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}

	// A replayed code is refused, and revokes the token it gave.
	_, err = cfg.Exchange(h.oauthCtx(), code, oauth2.VerifierOption(verifier))
	require.ErrorAs(t, err, &re)
	require.Equal(t, "invalid_grant", re.ErrorCode)
	res := h.do("GET", "/api/v2/users/me", tok.AccessToken, "")
	require.Equal(t, 401, res.status)
	var got apiError
	decodeStrict(t, res.body, &got)
	require.Equal(t, "TOKEN_REVOKED", got.Error.Code)

	// Deny: back to the app with access_denied and the state.
	back, shown = newBrowser(t).authorize(h.ts.URL, cfg.AuthCodeURL("st-3", oauth2.S256ChallengeOption(verifier)), "u-supervisor", "deny")
	require.True(t, shown)
	require.Equal(t, "access_denied", back.Query().Get("error"))
	require.Equal(t, "st-3", back.Query().Get("state"))
	require.Empty(t, back.Query().Get("code"))
}

// TestRevokeAndIntrospect: a client revokes its own token at the
// revocation endpoint, and the API refuses it at once.
func TestRevokeWithTheEndpoint(t *testing.T) {
	h := newOAuthHarness(t)
	cfg := clientcredentials.Config{ClientID: h.automation.client.ID.String(), ClientSecret: h.automation.secret.Reveal(), TokenURL: h.url("/oauth/token")}
	tok, err := cfg.Token(h.oauthCtx())
	require.NoError(t, err)
	require.Equal(t, 200, h.do("GET", "/api/v2/users", tok.AccessToken, "").status)

	req, err := http.NewRequest("POST", h.url("/oauth/revoke"), strings.NewReader(url.Values{"token": {tok.AccessToken}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(h.automation.client.ID.String(), h.automation.secret.Reveal())
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	r := h.do("GET", "/api/v2/users", tok.AccessToken, "")
	require.Equal(t, 401, r.status)
	require.Contains(t, string(r.body), "TOKEN_REVOKED")
}

// The metadata names every endpoint, under the issuer.
func TestMetadata(t *testing.T) {
	h := newOAuthHarness(t)
	res, err := http.Get(h.url("/.well-known/oauth-authorization-server/oauth"))
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	var m map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&m))
	require.Equal(t, h.url("/oauth"), m["issuer"])
	require.Equal(t, h.url("/oauth/token"), m["token_endpoint"])
	require.Equal(t, h.url("/oauth/authorize"), m["authorization_endpoint"])
	require.Equal(t, h.url("/oauth/jwks.json"), m["jwks_uri"])
	require.Equal(t, []any{"S256"}, m["code_challenge_methods_supported"])
}

// TestPrintedOAuthFlow: the authorize URL and the curl commands the demo
// prints work as printed: the URL leads through sign-in and consent to a
// code, and the printed client, secret, redirect URI and verifier
// exchange it; the client-credentials command gets a token.
func TestPrintedOAuthFlow(t *testing.T) {
	h := newOAuthHarness(t)
	tokens, err := h.s.profileTokens(ctx)
	require.NoError(t, err)
	var out strings.Builder
	printWalkthrough(&out, h.ts.URL, tokens)
	var authURL string
	var curls []string
	for _, line := range strings.Split(out.String(), "\n") {
		switch {
		case strings.HasPrefix(line, h.ts.URL+"/oauth/authorize?"):
			authURL = line
		case strings.HasPrefix(line, "curl -s -u '"):
			curls = append(curls, line)
		}
	}
	require.NotEmpty(t, authURL, "the authorize URL is printed")
	require.Len(t, curls, 2)

	back, shown := newBrowser(t).authorize(h.ts.URL, authURL, "u-sales", "allow")
	require.True(t, shown)
	require.Equal(t, "demo", back.Query().Get("state"))
	code := back.Query().Get("code")
	require.NotEmpty(t, code)

	for i, c := range curls {
		// curl -s -u 'ID:SECRET' -d k=v ... 'URL'
		fields := strings.Fields(c)
		idSecret := strings.Trim(fields[3], "'")
		form := url.Values{}
		for j := 4; j+1 < len(fields); j += 2 {
			if fields[j] != "-d" {
				break
			}
			k, v, _ := strings.Cut(fields[j+1], "=")
			v, err := url.QueryUnescape(v)
			require.NoError(t, err)
			form.Set(k, v)
		}
		if i == 0 {
			require.Equal(t, "PASTE_THE_CODE", form.Get("code"))
			form.Set("code", code)
		}
		id, secret, _ := strings.Cut(idSecret, ":")
		req, err := http.NewRequest("POST", strings.Trim(fields[len(fields)-1], "'"), strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(id, secret)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		require.NoError(t, json.NewDecoder(res.Body).Decode(&tok))
		res.Body.Close()
		require.Equal(t, 200, res.StatusCode, c)
		h.verifyJWT(t, tok.AccessToken)
	}
}

package authserver_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/authserver"
	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	scopesample "github.com/scopegate/scopegate/scope/sample"
)

var ctx = context.Background()

const org client.OrgID = "org-1"

// registered is a client and its secret.
type registered struct {
	client.Client
	secret client.Secret
}

// fixture is an authorization server over httptest, with one app of each
// grant type and a resource server allowed to introspect.
type fixture struct {
	t                                    testing.TB
	srv                                  *httptest.Server
	as                                   *authserver.Server
	issuer                               string
	verifier                             *jwtoken.Verifier
	code, public, implicit, cc, saml, rs registered
	http                                 *http.Client
}

// assertions is the test's identity provider: an assertion is
// "user@org", and "bad" is refused.
type assertions struct{}

func (assertions) VerifyAssertion(_ context.Context, _ client.ID, a []byte) (client.OrgID, string, error) {
	user, o, ok := strings.Cut(string(a), "@")
	if !ok || user == "bad" {
		return "", "", errors.New("assertion refused")
	}
	return client.OrgID(o), user, nil
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	f := &fixture{t: t, srv: srv, issuer: "http://" + srv.Listener.Addr().String() + "/oauth"}
	f.http = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	perms := permission.NewMemStore()
	divs, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true})
	require.NoError(t, err)
	require.NoError(t, perms.PutDivisions(org, divs))
	require.NoError(t, perms.PutRole(org, permission.Role{ID: "admin", Name: "Admin",
		Policies: []permission.Permission{permission.MustParse("oauth:client:*"), permission.MustParse("directory:user:view")}}))
	require.NoError(t, perms.AddGrant(org, permission.Grant{Subject: permission.User("admin"), Role: "admin", AllDivisions: true}))
	for _, u := range []string{"admin", "alice", "bob"} {
		require.NoError(t, perms.AddUser(org, u))
	}
	admin, err := permission.Compile(ctx, perms, org, permission.User("admin"))
	require.NoError(t, err)

	catalog := scopesample.Catalog()
	clients := client.NewMemStore()
	registry := client.NewRegistry(clients, catalog, perms)
	authorizer := client.NewAuthorizer(clients, clients)
	reg := func(r client.Registration) registered {
		c, secret, err := registry.Create(ctx, admin, r)
		require.NoError(t, err)
		if !c.Scopes.IsEmpty() {
			_, err = authorizer.Authorize(ctx, admin, c.ID, c.Scopes)
			require.NoError(t, err)
		}
		return registered{c, secret}
	}
	scopes := scope.MustParseSet("users:readonly conversations:readonly")
	f.code = reg(client.Registration{Name: "Code App", GrantType: client.AuthorizationCode, Scopes: scopes, RedirectURIs: []string{"https://app.example.com/cb"}})
	f.public = reg(client.Registration{Name: "Public App", GrantType: client.AuthorizationCode, Public: true, Scopes: scopes,
		RedirectURIs: []string{"https://spa.example.com/cb"}})
	f.implicit = reg(client.Registration{Name: "Implicit App", GrantType: client.Implicit, Scopes: scopes, RedirectURIs: []string{"https://implicit.example.com/cb"}})
	f.cc = reg(client.Registration{Name: "Job", GrantType: client.ClientCredentials, Roles: []client.RoleAssignment{{Role: "admin"}}})
	f.saml = reg(client.Registration{Name: "Bot", GrantType: client.SAML2Bearer, Scopes: scopes})
	f.rs = reg(client.Registration{Name: "Resource Server", GrantType: client.ClientCredentials, Roles: []client.RoleAssignment{{Role: "admin"}}})

	key, err := jwtoken.GenerateKey(jwtoken.ES256)
	require.NoError(t, err)
	keys, err := jwtoken.NewKeySet(key, nil)
	require.NoError(t, err)
	audience := "https://api.example.com"
	enc, err := jwtoken.NewEncoder(keys, f.issuer, audience)
	require.NoError(t, err)
	f.verifier, err = jwtoken.NewVerifier(jwtoken.Config{Issuer: f.issuer, Audience: []string{audience}, Keys: keys})
	require.NoError(t, err)
	store := f.verifier.Revocations(grant.NewMemStore(nil))
	f.as, err = authserver.New(authserver.Config{
		Issuer:        f.issuer,
		Grants:        grant.NewIssuer(clients, clients, store, perms, catalog),
		Clients:       clients,
		Revocations:   store,
		Validator:     grant.NewValidator(clients, store),
		Encoder:       enc,
		Verifier:      f.verifier,
		Keys:          keys,
		SignIn:        signIn,
		Assertions:    assertions{},
		Introspectors: []client.ID{f.rs.ID},
		Catalog:       catalog,
	})
	require.NoError(t, err)
	mux := http.NewServeMux()
	f.as.Register(mux)
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)
	return f
}

// signIn is the test's sign-in hook: the user named in the X-User header,
// in org-1; without it, a 401 sign-in page.
func signIn(w http.ResponseWriter, r *http.Request) (authserver.Session, bool) {
	if u := r.Header.Get("X-User"); u != "" {
		return authserver.Session{User: u, Org: org}, true
	}
	http.Error(w, "sign in", http.StatusUnauthorized)
	return authserver.Session{}, false
}

// response is an answer, read.
type response struct {
	status int
	header http.Header
	body   string
}

func (f *fixture) send(req *http.Request) response {
	f.t.Helper()
	res, err := f.http.Do(req)
	require.NoError(f.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(f.t, err)
	return response{res.StatusCode, res.Header, string(b)}
}

// post sends a form to an endpoint; basic is "id:secret" for
// client_secret_basic, "" for none.
func (f *fixture) post(path string, form url.Values, basic ...string) response {
	f.t.Helper()
	req, err := http.NewRequest("POST", f.srv.URL+"/oauth"+path, strings.NewReader(form.Encode()))
	require.NoError(f.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, b := range basic {
		id, secret, _ := strings.Cut(b, ":")
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	return f.send(req)
}

// get requests path (with its query) as the signed-in user ("" for none).
func (f *fixture) get(path, user string) response {
	f.t.Helper()
	req, err := http.NewRequest("GET", f.srv.URL+path, nil)
	require.NoError(f.t, err)
	if user != "" {
		req.Header.Set("X-User", user)
	}
	return f.send(req)
}

// oauthErr is RFC 6749 §5.2's error body.
type oauthErr struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func decodeErr(t testing.TB, r response) oauthErr {
	t.Helper()
	var e oauthErr
	require.NoError(t, json.Unmarshal([]byte(r.body), &e), "body: %s", r.body)
	return e
}

func (r registered) basic() string { return r.ID.String() + ":" + r.secret.Reveal() }

// challenge is the S256 challenge of a verifier.
func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-with-some-more-chars"

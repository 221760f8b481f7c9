package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/examples/authserver"
	"github.com/scopegate/scopegate/examples/httpmw"
	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	scopesample "github.com/scopegate/scopegate/scope/sample"
)

const (
	// demoOrg is the org whose API the server is: its users, roles and
	// resources, and where apps are authorized.
	demoOrg client.OrgID = "demo-org"
	// providerOrg is the app vendors' org, where they register their apps.
	providerOrg client.OrgID = "provider-org"
	// redirectURI is every demo app's one redirect URI.
	redirectURI = "https://app.example.com/callback"
	// defaultBase is where the demo listens unless told otherwise.
	defaultBase = "http://localhost:8080"
)

var errNotFound = errors.New("not found")

// demoUsers are the demo org's people: one per sample role, an admin, and
// an agent in the Sales division.
var demoUsers = []struct {
	id, name string
	division permission.DivisionID
	role     permission.RoleID
	all      bool // the role in all divisions
}{
	{"u-agent", "Ana Agent", "home", "agent", false},
	{"u-supervisor", "Sam Supervisor", "home", "supervisor", false},
	{"u-admin", "Ada Admin", "home", "admin", true},
	{"u-planner", "Wes Planner", "home", "wfm-planner", false},
	{"u-analyst", "Ann Analyst", "home", "analyst", false},
	{"u-integration", "Ivan Integrator", "home", "integration", false},
	{"u-chatbot", "Vera Bot", "home", "chatbot", false},
	{"u-sales", "Sally Seller", "sales", "agent", false},
}

// config configures a server; the zero config is a server at
// defaultBase on the real clock, logging nothing, with its data in SQLite
// in a temporary directory. A server signs its tokens with a key of its
// own, made when it starts, unless given one.
type config struct {
	// base is the server's URL, scheme and host: the tokens' issuer is
	// base/oauth and their audience base/api. defaultBase when "".
	base string
	// alg signs the tokens; ES256 when "".
	alg jwtoken.Algorithm
	// key, when set, signs the tokens instead of a key of the server's
	// own: replicas of one API share it.
	key *jwtoken.Key
	// cacheSize is the verifier's cache size (jwtoken.Config.CacheSize).
	cacheSize int
	// now is the clock of every part; time.Now when nil.
	now func() time.Time
	// log receives the enforcer's decisions (denials at info level) and
	// errors; nil discards them.
	log *slog.Logger
	// postgres, when set, is the connection string of the PostgreSQL
	// database the server keeps its data in.
	postgres string
	// dataDir is where the SQLite database file is kept when postgres is
	// not set; a new temporary directory, removed by Close, when empty.
	dataDir string
}

// server is the demo API: an in-memory org behind the httpmw middleware.
// It is safe for concurrent use.
type server struct {
	handler    http.Handler
	enforcer   *enforce.Enforcer
	keys       *jwtoken.KeySet
	encoder    *jwtoken.Encoder
	verifier   *jwtoken.Verifier
	catalog    *scope.Catalog
	access     enforce.AccessSource
	orgs       []enforce.Org
	registry   *client.Registry
	authorizer *client.Authorizer
	issuer     *grant.Issuer
	dir        *directory
	admin      *permission.Access // the demo org's admin, who authorizes apps and registers its own
	vendor     *permission.Access // the provider org's admin, who registers the vendors' apps
	auth       *authserver.Server // the OAuth 2 endpoints, under /oauth
	sessions   *sessions          // who signed in, for the authorization endpoint
	base       string
	now        func() time.Time
	db         backend      // where everything is kept
	close      func() error // closes the stores
}

// Close closes the server's stores.
func (s *server) Close() error { return s.close() }

// newServer builds the demo org and its API over the stores cfg names.
// Close closes them.
func newServer(cfg config) (s *server, err error) {
	ctx := context.Background()
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.log == nil {
		cfg.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.base == "" {
		cfg.base = defaultBase
	}
	if cfg.alg == "" {
		cfg.alg = jwtoken.ES256
	}
	key := cfg.key
	if key == nil {
		if key, err = jwtoken.GenerateKey(cfg.alg); err != nil {
			return nil, err
		}
	}
	keys, err := jwtoken.NewKeySet(key, cfg.now)
	if err != nil {
		return nil, err
	}
	issuer, audience := cfg.base+"/oauth", cfg.base+"/api"
	encoder, err := jwtoken.NewEncoder(keys, issuer, audience)
	if err != nil {
		return nil, err
	}
	verifier, err := jwtoken.NewVerifier(jwtoken.Config{Issuer: issuer, Audience: []string{audience}, Keys: keys, Now: cfg.now, CacheSize: cfg.cacheSize})
	if err != nil {
		return nil, err
	}
	divs, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true}, permission.Division{ID: "sales", Name: "Sales"})
	if err != nil {
		return nil, err
	}

	// db keeps everything; hot answers the enforcer's questions from
	// memory, kept current by db's changes.
	db, hot, closeStores, err := openStores(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, closeStores())
		}
	}()
	if err := newDirectoryStore(ctx, db, divs); err != nil {
		return nil, err
	}
	admin, err := permission.Compile(ctx, db, demoOrg, permission.User("u-admin"))
	if err != nil {
		return nil, err
	}
	vendor, err := permission.Compile(ctx, db, providerOrg, permission.User(vendorAdmin))
	if err != nil {
		return nil, err
	}

	clients := db
	// Revoking a token, or every token of a user or a client, also drops
	// the verifier's cached verifications of them.
	grants := verifier.Revocations(db)
	s = &server{
		keys:       keys,
		encoder:    encoder,
		verifier:   verifier,
		catalog:    scopesample.Catalog(),
		access:     hot,
		orgs:       []enforce.Org{{ID: demoOrg, Divisions: divs}},
		authorizer: client.NewAuthorizer(clients, clients, client.WithClock(cfg.now)),
		dir:        newDirectory(divs, cfg.now()),
		admin:      admin,
		vendor:     vendor,
		now:        cfg.now,
		db:         db,
		close:      closeStores,
	}
	s.registry = client.NewRegistry(clients, s.catalog, db, client.WithClock(cfg.now))
	s.issuer = grant.NewIssuer(clients, clients, grants, db, s.catalog, grant.WithClock(cfg.now))
	s.base = cfg.base
	if s.sessions, err = newSessions(); err != nil {
		return nil, err
	}
	s.auth, err = authserver.New(authserver.Config{
		Issuer:      issuer,
		Grants:      s.issuer,
		Clients:     clients,
		Revocations: grants,
		Validator:   grant.NewValidator(hot, hot, grant.WithClock(cfg.now)),
		Encoder:     encoder,
		Verifier:    verifier,
		Keys:        keys,
		SignIn:      s.sessions.signIn,
		Catalog:     s.catalog,
		Now:         cfg.now,
	})
	if err != nil {
		return nil, err
	}

	policy, err := s.newPolicy(sample.Endpoints())
	if err != nil {
		return nil, err
	}
	s.enforcer, err = enforce.New(policy, enforce.Sources{Access: hot, Revocations: hot, Clients: hot, Divisions: s.dir},
		enforce.WithClock(cfg.now), enforce.WithRealm("demoapi"), enforce.WithHook(enforce.SlogHook(cfg.log)))
	if err != nil {
		return nil, err
	}
	mw := httpmw.New(s.enforcer, verifier, httpmw.WithLogger(cfg.log), httpmw.WithDivision(divisionParam))

	mux := http.NewServeMux()
	handlers := s.handlers()
	for _, ep := range policy.Endpoints() {
		h, ok := handlers[ep.Route()]
		if !ok {
			h = stub
		}
		mw.HandleFunc(mux, ep, h)
	}
	mux.Handle("/", mw.NotFound())
	s.auth.Register(mux)
	mux.HandleFunc("GET /login", s.sessions.loginPage)
	mux.HandleFunc("POST /login", s.sessions.login)
	mux.HandleFunc("GET /callback", callbackPage)
	s.handler = mux
	return s, nil
}

// newPolicy compiles an endpoint table with the server's catalog and org
// settings, for Enforcer.Swap.
func (s *server) newPolicy(endpoints []enforce.Endpoint) (*enforce.Policy, error) {
	return enforce.NewPolicy(enforce.Config{Catalog: s.catalog, Endpoints: endpoints, Orgs: s.orgs})
}

// divisionParam is where POST endpoints whose resource's division comes
// with the request find it: the divisionId query parameter.
func divisionParam(r *http.Request) permission.DivisionID {
	if r.URL.RawQuery == "" { // most requests: no query to parse
		return ""
	}
	return permission.DivisionID(r.URL.Query().Get("divisionId"))
}

// vendorAdmin is the provider org's admin.
const vendorAdmin = "u-vendor-admin"

// newDirectoryStore stores the two orgs' divisions, users, roles and
// grants in perms: the demo org with demoUsers and the sample roles, and
// the provider org with its admin. The demo org's admin also holds the
// automation role, so that it may give it to the automation app: nobody
// gives a client a role they do not hold. Stored again, they stay the
// same.
func newDirectoryStore(ctx context.Context, perms backend, divs *permission.Divisions) error {
	vendorDivs, err := permission.NewDivisions(permission.Division{ID: "provider-home", Name: "Home", Home: true})
	if err != nil {
		return err
	}
	oauthAdmin := permission.Role{ID: "oauth-admin", Name: "OAuth admin", Policies: []permission.Permission{permission.MustParse("oauth:client:*")}}
	grants := []permission.Grant{{Subject: permission.User("u-admin"), Role: "automation", AllDivisions: true}}
	for _, u := range demoUsers {
		g := permission.Grant{Subject: permission.User(u.id), Role: u.role, Divisions: []permission.DivisionID{u.division}}
		if u.all {
			g.Divisions, g.AllDivisions = nil, true
		}
		grants = append(grants, g)
	}
	steps := []error{
		perms.PutDivisions(ctx, demoOrg, divs),
		perms.PutDivisions(ctx, providerOrg, vendorDivs),
		perms.PutRole(ctx, providerOrg, oauthAdmin),
		perms.AddUser(ctx, providerOrg, vendorAdmin),
		perms.AddGrant(ctx, providerOrg, permission.Grant{Subject: permission.User(vendorAdmin), Role: oauthAdmin.ID, AllDivisions: true}),
	}
	for _, r := range sample.Roles() {
		steps = append(steps, perms.PutRole(ctx, demoOrg, r))
	}
	for _, u := range demoUsers {
		steps = append(steps, perms.AddUser(ctx, demoOrg, u.id))
	}
	for _, g := range grants {
		steps = append(steps, perms.AddGrant(ctx, demoOrg, g))
	}
	return errors.Join(steps...)
}

// app describes an OAuth client to register and get a token for.
type app struct {
	name      string
	grantType client.GrantType
	scopes    scope.Set // for every grant but client credentials
	user      string    // the user who signs in, for user grants
	role      permission.RoleID
	lifetime  time.Duration // zero: 24 hours
}

// issue does what an app and the org do to get a token, with the library:
// the vendor registers the app (client.Registry), the demo org's admin
// authorizes every scope it requests (client.Authorizer), the user sees
// the consent prompt and approves (grant.Issuer), and the app gets its
// token through its grant. It returns the token signed as a bearer string,
// its claims, and the client with its secret.
func (s *server) issue(ctx context.Context, a app) (issued, error) {
	reg := client.Registration{Name: a.name, Description: "scopegate demo app", GrantType: a.grantType, TokenLifetime: a.lifetime}
	registrar := s.vendor // a vendor's app, registered in the provider org
	switch {
	case a.grantType == client.ClientCredentials:
		registrar = s.admin // it acts only in its own org, with its own roles
		reg.Roles = []client.RoleAssignment{{Role: a.role}}
	case a.grantType.UsesRedirectURIs():
		// The demo's own callback page, for the flow in a browser.
		reg.Scopes, reg.RedirectURIs = a.scopes, []string{redirectURI, s.base + "/callback"}
	default:
		reg.Scopes = a.scopes
	}
	c, secret, err := s.registry.Create(ctx, registrar, reg)
	if err != nil {
		return issued{}, err
	}

	var tok grant.Token
	if a.grantType == client.ClientCredentials {
		tok, err = s.issuer.ClientCredentials(ctx, grant.ClientCredentialsRequest{Org: demoOrg, Client: c.ID, Secret: secret})
	} else {
		tok, err = s.userToken(ctx, c, secret, a)
	}
	if err != nil {
		return issued{}, err
	}
	bearer, err := s.encoder.Encode(tok)
	return issued{bearer: bearer, token: tok, client: c, secret: secret}, err
}

// issued is what issue returns.
type issued struct {
	bearer string
	token  grant.Token
	client client.Client
	secret client.Secret
}

// userToken authorizes c in the demo org and runs its user grant.
func (s *server) userToken(ctx context.Context, c client.Client, secret client.Secret, a app) (grant.Token, error) {
	if _, err := s.authorizer.Authorize(ctx, s.admin, c.ID, c.Scopes); err != nil {
		return grant.Token{}, err
	}
	if a.grantType == client.SAML2Bearer {
		return s.issuer.SAML2Bearer(ctx, grant.SAML2BearerRequest{Org: demoOrg, Client: c.ID, Secret: secret, User: a.user})
	}
	req := grant.AuthorizeRequest{Org: demoOrg, Client: c.ID, User: a.user, RedirectURI: redirectURI}
	prompt, err := s.issuer.Prompt(ctx, req)
	if err != nil {
		return grant.Token{}, err
	}
	if err := s.issuer.Consent(ctx, req, prompt.ScopeSet(), true); err != nil {
		return grant.Token{}, err
	}
	if a.grantType == client.Implicit {
		return s.issuer.Implicit(ctx, req)
	}
	code, err := s.issuer.AuthorizeCode(ctx, req)
	if err != nil {
		return grant.Token{}, err
	}
	return s.issuer.Exchange(ctx, grant.ExchangeRequest{Client: c.ID, Secret: secret, Code: code, RedirectURI: redirectURI})
}

// profileToken is a ready token for one of the guide's app profiles.
type profileToken struct {
	profile sample.Profile
	user    string // "" for client credentials
	bearer  string
	client  client.Client
	secret  client.Secret
}

// envName is the shell variable that holds the profile's token:
// AGENT_DESKTOP for "Agent Desktop".
func (p profileToken) envName() string {
	return strings.ToUpper(strings.ReplaceAll(p.profile.Name, " ", "_"))
}

// profileTokens registers an app for each of the guide's profiles and
// issues it a token, for the user who holds the profile's role.
func (s *server) profileTokens(ctx context.Context) ([]profileToken, error) {
	var out []profileToken
	for _, p := range sample.Profiles() {
		a := app{name: p.Name, grantType: p.GrantType, scopes: p.Scopes, role: p.Role}
		if p.GrantType.NeedsUser() {
			a.user = userWithRole(p.Role)
			if a.user == "" {
				return nil, fmt.Errorf("demoapi: no demo user holds role %s", p.Role)
			}
		}
		is, err := s.issue(ctx, a)
		if err != nil {
			return nil, fmt.Errorf("demoapi: %s: %w", p.Name, err)
		}
		out = append(out, profileToken{profile: p, user: a.user, bearer: is.bearer, client: is.client, secret: is.secret})
	}
	return out, nil
}

// userWithRole returns the first demo user in the Home division who holds
// role.
func userWithRole(role permission.RoleID) string {
	for _, u := range demoUsers {
		if u.role == role && u.division == "home" {
			return u.id
		}
	}
	return ""
}

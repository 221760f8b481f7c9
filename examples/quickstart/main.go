// Command quickstart shows scopegate from end to end, in one run: a scope
// catalog and roles in divisions; an OAuth client registered by its vendor
// and authorized by a customer org for part of what it asks; a user's
// consent and the token issued; and the enforcer's decisions on a handful
// of calls, with the reason and the remedy of each denial. Then a
// client-credentials app refused on a user-only endpoint, and the user's
// token once it has expired.
//
//	go run ./examples/quickstart
//
// Its output is the same on every run (the clocks are fixed) and fits a
// terminal 100 columns wide.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	scopesample "github.com/scopegate/scopegate/scope/sample"
)

// width is the terminal width the output fits.
const width = 100

const (
	vendor   client.OrgID = "acme-apps" // the org that builds the app
	customer client.OrgID = "contoso"   // the org whose API the app calls
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// clock is the fixed, movable time every part of the example reads.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// story is the quickstart's world, built up step by step: each step
// reads what the ones before it made.
type story struct {
	ctx     context.Context
	clk     *clock
	out     *printer
	catalog *scope.Catalog

	requested scope.Set             // what the Agent Desktop app asks for
	divs      *permission.Divisions // the customer's
	perms     *permission.MemStore  // both orgs' divisions, roles, users and grants
	clients   *client.MemStore
	registry  *client.Registry
	app       client.Client
	secret    client.Secret
	olga      *permission.Access // the customer's OAuth admin
	grants    *grant.MemStore
	issuer    *grant.Issuer
	token     grant.Token // Alice's
	enforcer  *enforce.Enforcer
}

func run(w io.Writer) error {
	s := &story{
		ctx:     context.Background(),
		clk:     &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
		out:     &printer{w: w},
		catalog: scopesample.Catalog(),
	}
	s.out.title("scopegate quickstart: an app's call needs a scope in its token AND a permission")
	for _, step := range []func() error{
		s.theAppAsksForScopes,
		s.theCustomerOrgHasDivisionsRolesAndUsers,
		s.theVendorRegistersTheApp,
		s.theCustomerAuthorizesPartOfIt,
		s.aliceConsentsAndTheAppGetsItsToken,
		s.theAPIEnforcesEachCall,
		s.aClientCredentialsAppActsWithItsOwnRoles,
		s.aDayLaterTheTokenHasExpired,
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return s.out.err
}

// 1. The scope catalog, what the app asks for, and the usual mistakes.
func (s *story) theAppAsksForScopes() error {
	s.out.section("1. The scope catalog, and what the Agent Desktop app asks for")
	var err error
	s.requested, err = s.catalog.ParseSet("conversations:readonly conversations:call:control users:readonly presence:manage recordings:view")
	if err != nil {
		return err
	}
	s.out.line("The catalog knows %d scopes. The app requests %d:", s.catalog.Len(), s.requested.Len())
	for sc := range s.requested.All() {
		e, _ := s.catalog.Lookup(sc)
		s.out.line("  %-28s %s", sc, e.Description)
	}
	s.out.line("Scope strings are parsed strictly; the usual mistakes get a suggestion:")
	for _, mistake := range []string{"users :manage", "users-manage", "conversation:view", "users:readonly users:readonly", "", "users:readonly\x00"} {
		_, err := s.catalog.ParseSet(mistake)
		s.out.wrapped("  ", fmt.Sprintf("%-32q", mistake), explain(err))
	}
	return nil
}

// 2. Two orgs, each a wall: the customer's divisions, roles and users,
// and the vendor's admin.
func (s *story) theCustomerOrgHasDivisionsRolesAndUsers() error {
	s.out.section("2. The customer org: divisions, roles and users")
	var err error
	s.divs, err = permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true}, permission.Division{ID: "sales", Name: "Sales"})
	if err != nil {
		return err
	}
	vendorDivs, err := permission.NewDivisions(permission.Division{ID: "acme-home", Name: "Home", Home: true})
	if err != nil {
		return err
	}
	s.perms = permission.NewMemStore()
	oauthAdmin := permission.Role{ID: "oauth-admin", Name: "OAuth admin", Policies: []permission.Permission{permission.MustParse("oauth:client:*")}}
	for _, o := range []struct {
		org   client.OrgID
		divs  *permission.Divisions
		roles []permission.Role
	}{
		{customer, s.divs, append(sample.Roles(), oauthAdmin)},
		{vendor, vendorDivs, []permission.Role{oauthAdmin}},
	} {
		if err := s.perms.PutDivisions(o.org, o.divs); err != nil {
			return err
		}
		for _, r := range o.roles {
			if err := s.perms.PutRole(o.org, r); err != nil {
				return err
			}
		}
	}
	for _, p := range []struct {
		org      client.OrgID
		user     string
		role     permission.RoleID
		division permission.DivisionID
		note     string
	}{
		{customer, "alice", "agent", "home", "an agent in Home: uses the Agent Desktop app"},
		{customer, "sam", "agent", "sales", "an agent in Sales"},
		{customer, "olga", "oauth-admin", "home", "the customer's OAuth admin,"},
		{customer, "olga", "automation", "home", "who also runs the nightly sync"},
		{vendor, "vic", "oauth-admin", "acme-home", "the app vendor's admin, in the vendor's org"},
	} {
		if err := s.perms.AddUser(p.org, p.user); err != nil {
			return err
		}
		if err := s.perms.AddGrant(p.org, permission.Grant{Subject: permission.User(p.user), Role: p.role, Divisions: []permission.DivisionID{p.division}}); err != nil {
			return err
		}
		s.out.line("  %-6s role %-12s in %-9s %s", p.user, p.role, p.division, p.note)
	}
	s.out.line("Divisions: %s. The agent role holds, among others,", divisionNames(s.divs))
	s.out.line("directory:user:view and conversation:call:transfer, but not directory:user:add.")
	return nil
}

// 3. The vendor's admin registers the app in the vendor's org.
func (s *story) theVendorRegistersTheApp() error {
	s.out.section("3. The vendor registers the app (client.Registry)")
	s.clients = client.NewMemStore()
	s.registry = client.NewRegistry(s.clients, s.catalog, s.perms, client.WithClock(s.clk.now))
	vic, err := permission.Compile(s.ctx, s.perms, vendor, permission.User("vic"))
	if err != nil {
		return err
	}
	s.app, s.secret, err = s.registry.Create(s.ctx, vic, client.Registration{
		Name:         "Agent Desktop",
		GrantType:    client.AuthorizationCode,
		Scopes:       s.requested,
		RedirectURIs: []string{"https://desktop.acme.example/callback"},
	})
	if err != nil {
		return err
	}
	s.out.line("%s: %s grant, tokens live %v, secret %v", s.app.Name, s.app.GrantType, s.app.TokenLifetime, s.secret)
	s.out.line("(shown to the vendor once; only its hash is stored). Registering needs oauth:client:add.")
	return nil
}

// 4. The customer's admin authorizes all the app asks for but one scope.
func (s *story) theCustomerAuthorizesPartOfIt() error {
	s.out.section("4. The customer's admin authorizes the app, minus one scope (client.Authorizer)")
	authorizer := client.NewAuthorizer(s.clients, s.clients, client.WithClock(s.clk.now))
	var err error
	s.olga, err = permission.Compile(s.ctx, s.perms, customer, permission.User("olga"))
	if err != nil {
		return err
	}
	auth, err := authorizer.Authorize(s.ctx, s.olga, s.app.ID, s.requested.Difference(scope.MustParseSet("recordings:view")))
	if err != nil {
		return err
	}
	s.out.line("  granted  %s", auth.Granted)
	s.out.line("  denied   %s", auth.Denied)
	return nil
}

// 5. Alice sees the consent screen, approves, and the app trades the
// code for her token.
func (s *story) aliceConsentsAndTheAppGetsItsToken() error {
	s.out.section("5. Alice signs in and consents; the app gets its token (grant.Issuer)")
	s.grants = grant.NewMemStore(s.clk.now)
	s.issuer = grant.NewIssuer(s.clients, s.clients, s.grants, s.perms, s.catalog, grant.WithClock(s.clk.now))
	req := grant.AuthorizeRequest{Org: customer, Client: s.app.ID, User: "alice", RedirectURI: s.app.RedirectURIs[0]}
	prompt, err := s.issuer.Prompt(s.ctx, req)
	if err != nil {
		return err
	}
	s.out.line("The consent screen: %q would like to", prompt.App)
	for _, sc := range prompt.Scopes {
		s.out.line("  - %s (%s)", sc.Description, sc.Scope)
	}
	if err := s.issuer.Consent(s.ctx, req, prompt.ScopeSet(), true); err != nil {
		return err
	}
	code, err := s.issuer.AuthorizeCode(s.ctx, req)
	if err != nil {
		return err
	}
	s.token, err = s.issuer.Exchange(s.ctx, grant.ExchangeRequest{Client: s.app.ID, Secret: s.secret, Code: code, RedirectURI: req.RedirectURI})
	if err != nil {
		return err
	}
	s.out.line("Alice approves all (consent is all or nothing). The code is exchanged for a token:")
	s.out.line("  scopes   %s", s.token.Scopes)
	s.out.line("  expires  %s (the client's lifetime: %v)", s.token.ExpiresAt.Format(time.RFC3339), s.app.TokenLifetime)
	return nil
}

// 6. The API's enforcer judges Alice's calls: a policy that is data, and
// the sources it reads on every request.
func (s *story) theAPIEnforcesEachCall() error {
	s.out.section("6. The API enforces each call (enforce.Enforcer)")
	policy, err := enforce.NewPolicy(enforce.Config{
		Catalog:   s.catalog,
		Endpoints: sample.Endpoints(),
		Orgs:      []enforce.Org{{ID: customer, Divisions: s.divs}},
	})
	if err != nil {
		return err
	}
	s.enforcer, err = enforce.New(policy, enforce.Sources{
		// Users' roles and client-credentials clients' own roles. The
		// cache keeps compiled accesses and, as both stores report
		// versions, notices changes to either by itself.
		Access:      permission.NewCache(client.PermissionStore{Users: s.perms, Clients: s.clients}, 0),
		Revocations: s.grants,
		Clients:     s.clients,
		Divisions:   userDivisions{"alice": "home", "sam": "sales"},
	}, enforce.WithClock(s.clk.now))
	if err != nil {
		return err
	}
	var calls []call
	for _, c := range []struct {
		method, path string
		div          permission.DivisionID
	}{
		{"GET", "/api/v2/users/me", ""},
		{"GET", "/api/v2/conversations", ""},
		{"POST", "/api/v2/conversations/c1/participants/calls/transfer", ""},
		{"PATCH", "/api/v2/users/alice/presence", ""},
		{"GET", "/api/v2/conversations/c1/recordings", ""},
		{"GET", "/api/v2/users/sam", ""},
		{"POST", "/api/v2/users", "home"},
		{"GET", "/api/v2/groups", ""},
	} {
		c, err := s.decide(s.token, c.method, c.path, c.div)
		if err != nil {
			return err
		}
		calls = append(calls, c)
	}
	s.out.line("Alice's token, through the Agent Desktop app:")
	s.out.table(calls)
	s.out.line("The reasons above are the operator's. The app is told less: no division, and nothing")
	s.out.line("of where the user does hold the permission. For GET /api/v2/users/sam its body says:")
	s.out.wrapped("  ", "", calls[5].d.Message())
	return nil
}

// decide asks the enforcer about one call.
func (s *story) decide(t grant.Token, method, path string, div permission.DivisionID) (call, error) {
	d, err := s.enforcer.Enforce(s.ctx, &enforce.Request{Method: method, Path: path, Token: t, Division: div})
	return call{endpoint: method + " " + path, d: d}, err
}

// 7. A client-credentials app: olga may give it only a role she holds,
// and its token, without a user, is refused where a user is needed.
func (s *story) aClientCredentialsAppActsWithItsOwnRoles() error {
	s.out.section("7. A client-credentials app acts with its own roles, and has no user")
	_, _, err := s.registry.Create(s.ctx, s.olga, client.Registration{
		Name: "Nightly Sync", GrantType: client.ClientCredentials,
		Roles: []client.RoleAssignment{{Role: "admin", AllDivisions: true}},
	})
	if !errors.Is(err, client.ErrForbidden) {
		return fmt.Errorf("olga gave a role she does not hold: %v", err)
	}
	s.out.line("Nobody gives away more than they hold. Olga tries to give the app the admin role:")
	s.out.wrapped("  ", "", err.Error())
	s.out.line("She holds the automation role in Home, so she may give that one:")
	job, jobSecret, err := s.registry.Create(s.ctx, s.olga, client.Registration{
		Name: "Nightly Sync", GrantType: client.ClientCredentials,
		Roles: []client.RoleAssignment{{Role: "automation"}}, // in Home, by default
	})
	if err != nil {
		return err
	}
	jobToken, err := s.issuer.ClientCredentials(s.ctx, grant.ClientCredentialsRequest{Org: customer, Client: job.ID, Secret: jobSecret})
	if err != nil {
		return err
	}
	s.out.line("%s holds the automation role in %s; its token carries no scope and no user.", job.Name, job.Roles[0].Divisions[0])
	var calls []call
	for _, path := range []string{"/api/v2/users", "/api/v2/users/me"} {
		c, err := s.decide(jobToken, "GET", path, "")
		if err != nil {
			return err
		}
		calls = append(calls, c)
	}
	s.out.table(calls)
	return nil
}

// 8. A day later Alice's token has expired.
func (s *story) aDayLaterTheTokenHasExpired() error {
	s.out.section("8. A day later, Alice's token has expired")
	s.clk.t = s.clk.t.Add(25 * time.Hour)
	c, err := s.decide(s.token, "GET", "/api/v2/conversations", "")
	if err != nil {
		return err
	}
	s.out.table([]call{c})
	return nil
}

// userDivisions tells the enforcer which division each user record is in,
// for endpoints such as GET /api/v2/users/{userId}.
type userDivisions map[string]permission.DivisionID

func (u userDivisions) ResolveDivision(_ context.Context, _ client.OrgID, _, _, id string) (permission.DivisionID, error) {
	if d, ok := u[id]; ok {
		return d, nil
	}
	return "", enforce.ErrNoResource
}

func divisionNames(d *permission.Divisions) string {
	var names []string
	for _, div := range d.All() {
		name := div.Name
		if div.Home {
			name += " (the Home division)"
		}
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}

// explain turns a rejected scope string into one short line: what is
// wrong and the suggestion.
func explain(err error) string {
	var pe *scope.ParseError
	var ue *scope.UnknownError
	switch {
	case err == nil:
		return "accepted"
	case errors.As(err, &pe):
		if pe.Suggestion != "" {
			return fmt.Sprintf("%s; did you mean %q?", pe.Reason, pe.Suggestion)
		}
		return pe.Reason
	case errors.As(err, &ue) && len(ue.Suggestions) > 0:
		return fmt.Sprintf("unknown scope; did you mean %q?", ue.Suggestions[0].String())
	}
	return err.Error()
}

// call is one decision to print.
type call struct {
	endpoint string
	d        enforce.Decision
}

// printer writes lines, remembering the first write error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
	}
}

func (p *printer) title(s string) { p.line("%s\n%s", s, strings.Repeat("=", len(s))) }

func (p *printer) section(s string) { p.line("\n%s", s) }

// table prints decisions: a line per call with the status, whether it was
// allowed and the endpoint, then its code, reason and remedy, wrapped to
// the terminal's width.
func (p *printer) table(calls []call) {
	const indent = "                   " // under ENDPOINT
	p.line("  STATUS  ALLOWED  ENDPOINT")
	for _, c := range calls {
		allowed := "no"
		if c.d.Allowed() {
			allowed = "yes"
		}
		p.line("  %-6d  %-7s  %s", c.d.Status(), allowed, c.endpoint)
		p.line("%scode    %s", indent, c.d.Code())
		p.wrapped(indent, "reason  ", c.d.Reason())
		if r := c.d.Remedy(); r != "" {
			p.wrapped(indent, "remedy  ", r)
		}
	}
}

// wrapped prints label and text from indent, wrapping the text at word
// boundaries to fit width.
func (p *printer) wrapped(indent, label, text string) {
	room := width - len(indent) - len(label)
	first := true
	for text != "" {
		cut := len(text)
		if cut > room {
			cut = strings.LastIndexByte(text[:room+1], ' ')
			if cut <= 0 {
				cut = room // one long word: break it
			}
		}
		prefix := strings.Repeat(" ", len(label))
		if first {
			prefix, first = label, false
		}
		p.line("%s%s%s", indent, prefix, strings.TrimRight(text[:cut], " "))
		text = strings.TrimLeft(text[cut:], " ")
	}
}

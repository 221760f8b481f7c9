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

func run(w io.Writer) error {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	out := &printer{w: w}
	catalog := scopesample.Catalog()

	out.title("scopegate quickstart: an app's call needs a scope in its token AND a permission")

	// 1. Scopes.
	out.section("1. The scope catalog, and what the Agent Desktop app asks for")
	requested, err := catalog.ParseSet("conversations:readonly conversations:call:control users:readonly presence:manage recordings:view")
	if err != nil {
		return err
	}
	out.line("The catalog knows %d scopes. The app requests %d:", catalog.Len(), requested.Len())
	for s := range requested.All() {
		e, _ := catalog.Lookup(s)
		out.line("  %-28s %s", s, e.Description)
	}
	out.line("Scope strings are parsed strictly; the usual mistakes get a suggestion:")
	for _, mistake := range []string{"users :manage", "users-manage", "conversation:view", "users:readonly users:readonly", "", "users:readonly\x00"} {
		_, err := catalog.ParseSet(mistake)
		out.wrapped("  ", fmt.Sprintf("%-32q", mistake), explain(err))
	}

	// 2. Roles and divisions.
	out.section("2. The customer org: divisions, roles and users")
	divs, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true}, permission.Division{ID: "sales", Name: "Sales"})
	if err != nil {
		return err
	}
	vendorDivs, err := permission.NewDivisions(permission.Division{ID: "acme-home", Name: "Home", Home: true})
	if err != nil {
		return err
	}
	// Orgs are walls: each has its own divisions, roles, users and grants.
	perms := permission.NewMemStore()
	oauthAdmin := permission.Role{ID: "oauth-admin", Name: "OAuth admin", Policies: []permission.Permission{permission.MustParse("oauth:client:*")}}
	for _, o := range []struct {
		org   client.OrgID
		divs  *permission.Divisions
		roles []permission.Role
	}{
		{customer, divs, append(sample.Roles(), oauthAdmin)},
		{vendor, vendorDivs, []permission.Role{oauthAdmin}},
	} {
		if err := perms.PutDivisions(o.org, o.divs); err != nil {
			return err
		}
		for _, r := range o.roles {
			if err := perms.PutRole(o.org, r); err != nil {
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
		if err := perms.AddUser(p.org, p.user); err != nil {
			return err
		}
		if err := perms.AddGrant(p.org, permission.Grant{Subject: permission.User(p.user), Role: p.role, Divisions: []permission.DivisionID{p.division}}); err != nil {
			return err
		}
		out.line("  %-6s role %-12s in %-9s %s", p.user, p.role, p.division, p.note)
	}
	out.line("Divisions: %s. The agent role holds, among others,", divisionNames(divs))
	out.line("directory:user:view and conversation:call:transfer, but not directory:user:add.")

	// 3. The vendor registers the app.
	out.section("3. The vendor registers the app (client.Registry)")
	clients := client.NewMemStore()
	registry := client.NewRegistry(clients, catalog, perms, client.WithClock(clk.now))
	vic, err := permission.Compile(ctx, perms, vendor, permission.User("vic"))
	if err != nil {
		return err
	}
	app, secret, err := registry.Create(ctx, vic, client.Registration{
		Name:         "Agent Desktop",
		GrantType:    client.AuthorizationCode,
		Scopes:       requested,
		RedirectURIs: []string{"https://desktop.acme.example/callback"},
	})
	if err != nil {
		return err
	}
	out.line("%s: %s grant, tokens live %v, secret %v", app.Name, app.GrantType, app.TokenLifetime, secret)
	out.line("(shown to the vendor once; only its hash is stored). Registering needs oauth:client:add.")

	// 4. The customer org authorizes part of it.
	out.section("4. The customer's admin authorizes the app, minus one scope (client.Authorizer)")
	authorizer := client.NewAuthorizer(clients, clients, client.WithClock(clk.now))
	olga, err := permission.Compile(ctx, perms, customer, permission.User("olga"))
	if err != nil {
		return err
	}
	auth, err := authorizer.Authorize(ctx, olga, app.ID, requested.Difference(scope.MustParseSet("recordings:view")))
	if err != nil {
		return err
	}
	out.line("  granted  %s", auth.Granted)
	out.line("  denied   %s", auth.Denied)

	// 5. Consent and token.
	out.section("5. Alice signs in and consents; the app gets its token (grant.Issuer)")
	grants := grant.NewMemStore(clk.now)
	issuer := grant.NewIssuer(clients, clients, grants, perms, catalog, grant.WithClock(clk.now))
	req := grant.AuthorizeRequest{Org: customer, Client: app.ID, User: "alice", RedirectURI: app.RedirectURIs[0]}
	prompt, err := issuer.Prompt(ctx, req)
	if err != nil {
		return err
	}
	out.line("The consent screen: %q would like to", prompt.App)
	for _, s := range prompt.Scopes {
		out.line("  - %s (%s)", s.Description, s.Scope)
	}
	if err := issuer.Consent(ctx, req, prompt.ScopeSet(), true); err != nil {
		return err
	}
	code, err := issuer.AuthorizeCode(ctx, req)
	if err != nil {
		return err
	}
	token, err := issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: code, RedirectURI: req.RedirectURI})
	if err != nil {
		return err
	}
	out.line("Alice approves all (consent is all or nothing). The code is exchanged for a token:")
	out.line("  scopes   %s", token.Scopes)
	out.line("  expires  %s (the client's lifetime: %v)", token.ExpiresAt.Format(time.RFC3339), app.TokenLifetime)

	// 6. Enforcing.
	out.section("6. The API enforces each call (enforce.Enforcer)")
	// The policy is data: the endpoint table, the catalog, the orgs'
	// settings.
	policy, err := enforce.NewPolicy(enforce.Config{
		Catalog:   catalog,
		Endpoints: sample.Endpoints(),
		Orgs:      []enforce.Org{{ID: customer, Divisions: divs}},
	})
	if err != nil {
		return err
	}
	// The sources are what changes from one request to the next.
	enforcer, err := enforce.New(policy, enforce.Sources{
		// Users' roles and client-credentials clients' own roles. The
		// cache keeps compiled accesses and, as both stores report
		// versions, notices changes to either by itself.
		Access:      permission.NewCache(client.PermissionStore{Users: perms, Clients: clients}, 0),
		Revocations: grants,
		Clients:     clients,
		Divisions:   userDivisions{"alice": "home", "sam": "sales"},
	}, enforce.WithClock(clk.now))
	if err != nil {
		return err
	}
	decide := func(t grant.Token, method, path string, div permission.DivisionID) (call, error) {
		d, err := enforcer.Enforce(ctx, &enforce.Request{Method: method, Path: path, Token: t, Division: div})
		return call{endpoint: method + " " + path, d: d}, err
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
		d, err := decide(token, c.method, c.path, c.div)
		if err != nil {
			return err
		}
		calls = append(calls, d)
	}
	out.line("Alice's token, through the Agent Desktop app:")
	out.table(calls)

	// 7. Client credentials.
	out.section("7. A client-credentials app acts with its own roles, and has no user")
	// Nobody gives away more than they hold: olga may not give a client
	// the admin role, which she lacks.
	_, _, err = registry.Create(ctx, olga, client.Registration{
		Name: "Nightly Sync", GrantType: client.ClientCredentials,
		Roles: []client.RoleAssignment{{Role: "admin", AllDivisions: true}},
	})
	if !errors.Is(err, client.ErrForbidden) {
		return fmt.Errorf("olga gave a role she does not hold: %v", err)
	}
	out.line("Nobody gives away more than they hold. Olga tries to give the app the admin role:")
	out.wrapped("  ", "", err.Error())
	out.line("She holds the automation role in Home, so she may give that one:")
	job, jobSecret, err := registry.Create(ctx, olga, client.Registration{
		Name: "Nightly Sync", GrantType: client.ClientCredentials,
		Roles: []client.RoleAssignment{{Role: "automation"}}, // in Home, by default
	})
	if err != nil {
		return err
	}
	jobToken, err := issuer.ClientCredentials(ctx, grant.ClientCredentialsRequest{Org: customer, Client: job.ID, Secret: jobSecret})
	if err != nil {
		return err
	}
	out.line("%s holds the automation role in %s; its token carries no scope and no user.", job.Name, job.Roles[0].Divisions[0])
	calls = calls[:0]
	for _, path := range []string{"/api/v2/users", "/api/v2/users/me"} {
		d, err := decide(jobToken, "GET", path, "")
		if err != nil {
			return err
		}
		calls = append(calls, d)
	}
	out.table(calls)

	// 8. Expiry.
	out.section("8. A day later, Alice's token has expired")
	clk.t = clk.t.Add(25 * time.Hour)
	d, err := decide(token, "GET", "/api/v2/conversations", "")
	if err != nil {
		return err
	}
	out.table([]call{d})
	return out.err
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

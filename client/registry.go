package client

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// The permissions the registry and the authorizer check, as Genesys Cloud
// names them (OAuth > Client > Add, ...).
var (
	PermissionAdd       = permission.MustParse("oauth:client:add")
	PermissionEdit      = permission.MustParse("oauth:client:edit")
	PermissionDelete    = permission.MustParse("oauth:client:delete")
	PermissionAuthorize = permission.MustParse("oauth:client:authorize")
)

var (
	requireAdd       = permission.MustAllOf(PermissionAdd)
	requireEdit      = permission.MustAllOf(PermissionEdit)
	requireDelete    = permission.MustAllOf(PermissionDelete)
	requireAuthorize = permission.MustAllOf(PermissionAuthorize)
)

// checkActor returns nil if actor holds the requirement org-wide, and an
// error wrapping ErrForbidden that names what is missing otherwise.
func checkActor(actor *permission.Access, r permission.Requirement, action string) error {
	if actor == nil || actor.Org() == "" {
		return fmt.Errorf("%w: %s needs %s, and there is no actor", ErrForbidden, action, r)
	}
	if res := actor.Check(r, permission.OrgWide()); !res.Satisfied() {
		return fmt.Errorf("%w: %s needs %s: %v", ErrForbidden, action, r, res)
	}
	return nil
}

// A RoleError reports roles an actor may not give a client, or hand on
// with the client's secret, because the actor does not hold them where
// they apply: nobody gives away more than they hold. It matches
// [ErrForbidden].
type RoleError struct {
	// Action says what was refused: "creating a client", ...
	Action string
	// Missing lists each role with the divisions the actor lacks it in,
	// or AllDivisions when the actor lacks it in all divisions.
	Missing []RoleAssignment
}

func (e *RoleError) Error() string {
	if e == nil || len(e.Missing) == 0 {
		return ErrForbidden.Error() + ": the actor lacks roles it would give"
	}
	action := e.Action
	if action == "" {
		action = "the change"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%v: %s needs holding the roles given: the actor lacks ", ErrForbidden, action)
	for i, m := range e.Missing {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "role %q ", m.Role)
		if m.AllDivisions {
			b.WriteString("in all divisions")
			continue
		}
		b.WriteString("in division")
		if len(m.Divisions) > 1 {
			b.WriteString("s")
		}
		for j, d := range m.Divisions {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %q", d)
		}
	}
	return b.String()
}

// Unwrap returns ErrForbidden.
func (e *RoleError) Unwrap() error { return ErrForbidden }

// checkHeld returns a *RoleError unless actor holds each role of roles
// where it applies: in each division listed (there, or in all
// divisions), or in all divisions for a role in all divisions. Holding a
// role in every division one by one is not holding it in all divisions,
// which include the ones made later.
func checkHeld(actor *permission.Access, action string, roles []RoleAssignment) error {
	var missing []RoleAssignment
	for _, ra := range roles {
		if ra.AllDivisions {
			if !actor.HasRole(ra.Role, permission.AllDivisions()) {
				missing = append(missing, RoleAssignment{Role: ra.Role, AllDivisions: true})
			}
			continue
		}
		var lacking []permission.DivisionID
		for _, d := range ra.Divisions {
			if !actor.HasRole(ra.Role, permission.In(d)) {
				lacking = append(lacking, d)
			}
		}
		if len(lacking) > 0 {
			missing = append(missing, RoleAssignment{Role: ra.Role, Divisions: lacking})
		}
	}
	if len(missing) > 0 {
		return &RoleError{Action: action, Missing: missing}
	}
	return nil
}

// added returns what next gives that prev did not: per role, all
// divisions when prev lacked them, else the divisions prev did not list.
func added(prev, next []RoleAssignment) []RoleAssignment {
	var out []RoleAssignment
	for _, n := range next {
		i := slices.IndexFunc(prev, func(p RoleAssignment) bool { return p.Role == n.Role })
		switch {
		case i < 0:
			out = append(out, n)
		case prev[i].AllDivisions:
		case n.AllDivisions:
			out = append(out, n)
		default:
			var divs []permission.DivisionID
			for _, d := range n.Divisions {
				if !slices.Contains(prev[i].Divisions, d) {
					divs = append(divs, d)
				}
			}
			if len(divs) > 0 {
				out = append(out, RoleAssignment{Role: n.Role, Divisions: divs})
			}
		}
	}
	return out
}

// A Directory looks up an org's roles and divisions, to check the roles
// of client-credentials clients and to find the Home division they
// default to. [*permission.MemStore] is one.
type Directory interface {
	permission.RoleStore
	permission.DivisionStore
}

// An Option configures a [Registry] or an [Authorizer].
type Option func(*options)

type options struct {
	now func() time.Time
}

// WithClock sets the clock, for creation times, rotation grace periods and
// tests. The default, and what nil means, is time.Now. A nil Option is
// skipped.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

func buildOptions(opts []Option) options {
	o := options{now: time.Now}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.now == nil {
		o.now = time.Now
	}
	return o
}

// A Registration is what an app provider fills in to create a client.
type Registration struct {
	Name        string
	Description string
	// TokenLifetime is how long tokens last; zero means
	// DefaultTokenLifetime (24 hours).
	TokenLifetime time.Duration
	GrantType     GrantType
	// Public registers an authorization-code client without a secret,
	// which must use PKCE.
	Public       bool
	Scopes       scope.Set
	RedirectURIs []string
	// Roles of a client-credentials client; a role without divisions
	// gets the org's Home division.
	Roles []RoleAssignment
}

// A Registry creates, changes and authenticates clients, enforcing every
// rule of [Client.Validate], the permissions an actor needs, and that
// nobody gives a client a role they do not hold. It is safe for
// concurrent use. A Registry not made by [NewRegistry] refuses every call.
type Registry struct {
	clients   Store
	catalog   *scope.Catalog
	directory Directory
	options
}

// errNoRegistry is what a Registry not made by NewRegistry answers.
var errNoRegistry = errors.New("client: the registry has no client store: make it with NewRegistry")

// NewRegistry returns a registry over clients. It validates scopes against
// catalog, and the roles and divisions of client-credentials clients
// against directory.
func NewRegistry(clients Store, catalog *scope.Catalog, directory Directory, opts ...Option) *Registry {
	return &Registry{clients: clients, catalog: catalog, directory: directory, options: buildOptions(opts)}
}

// ready reports errNoRegistry for a nil or zero Registry.
func (r *Registry) ready() error {
	if r == nil || r.clients == nil || r.now == nil {
		return errNoRegistry
	}
	return nil
}

// Create registers a client in the actor's org on behalf of actor, who
// must hold oauth:client:add and, for a client-credentials client, every
// role it gives the client, where it gives it: a role in a division needs
// the actor to hold that role there (or in all divisions), a role in all
// divisions needs the actor to hold it in all divisions. A refusal for
// roles is a [*RoleError] naming each role and division the actor lacks.
// Create returns the stored client and its secret, in clear text for the
// only time; the secret is zero for public and implicit clients. Every
// problem with the registration comes back at once (see
// [Client.Validate]), together with unknown roles and divisions.
func (r *Registry) Create(ctx context.Context, actor *permission.Access, reg Registration) (Client, Secret, error) {
	if err := r.ready(); err != nil {
		return Client{}, Secret{}, err
	}
	if err := checkActor(actor, requireAdd, "creating a client"); err != nil {
		return Client{}, Secret{}, err
	}
	now := r.now()
	c := Client{
		ID:            NewID(),
		Org:           actor.Org(),
		Name:          reg.Name,
		Description:   reg.Description,
		TokenLifetime: reg.TokenLifetime,
		State:         Active,
		GrantType:     reg.GrantType,
		Public:        reg.Public,
		Scopes:        reg.Scopes,
		RedirectURIs:  reg.RedirectURIs,
		Roles:         reg.Roles,
		CreatedAt:     now,
		UpdatedAt:     now,
	}.clone()
	if c.TokenLifetime == 0 {
		c.TokenLifetime = DefaultTokenLifetime
	}
	if err := r.check(ctx, &c); err != nil {
		return Client{}, Secret{}, err
	}
	if c.GrantType.UsesRoles() {
		if err := checkHeld(actor, "creating a client", c.Roles); err != nil {
			return Client{}, Secret{}, err
		}
	}
	var secret Secret
	if c.GrantType.CanKeepSecret() && !c.Public {
		c.Credentials, secret = c.Credentials.rotate(now, 0)
	}
	if err := r.clients.CreateClient(ctx, c); err != nil {
		return Client{}, Secret{}, err
	}
	return c, secret, nil
}

// check fills in the Home division for roles without divisions, then
// validates c and the roles and divisions it names.
func (r *Registry) check(ctx context.Context, c *Client) error {
	var p problems
	if c.GrantType.UsesRoles() && len(c.Roles) > 0 {
		if err := r.checkRoles(ctx, c, &p); err != nil {
			return err
		}
	}
	c.validateFields(r.catalog, &p)
	return p.err()
}

func (r *Registry) checkRoles(ctx context.Context, c *Client, p *problems) error {
	if r.directory == nil {
		return errors.New("client: the registry has no directory of roles and divisions, so it cannot register client-credentials clients")
	}
	divs, err := r.directory.Divisions(ctx, c.Org)
	if err != nil {
		return fmt.Errorf("client: looking up the divisions of org %q: %w", c.Org, err)
	}
	for i := range c.Roles {
		ra := &c.Roles[i]
		field := fmt.Sprintf("roles[%d]", i)
		if !ra.AllDivisions && len(ra.Divisions) == 0 {
			ra.Divisions = []permission.DivisionID{divs.Home().ID}
		}
		for _, d := range ra.Divisions {
			if _, ok := divs.Lookup(d); !ok && d != "" {
				p.add(field+".divisions", "org %q has no division %q", c.Org, d)
			}
		}
		if ra.Role == "" {
			continue
		}
		_, err := r.directory.Role(ctx, c.Org, ra.Role)
		switch {
		case errors.Is(err, permission.ErrRoleNotFound):
			p.wrap(field+".role", err)
		case err != nil:
			return fmt.Errorf("client: looking up role %q: %w", ra.Role, err)
		}
	}
	return nil
}

// Client returns the client with the given ID.
func (r *Registry) Client(ctx context.Context, id ID) (Client, error) {
	if err := r.ready(); err != nil {
		return Client{}, err
	}
	return r.clients.Client(ctx, id)
}

// load returns the client with the given ID if it belongs to org, so that
// an admin of one org can never change another org's client. A client of
// another org is reported as not found.
func (r *Registry) load(ctx context.Context, org OrgID, id ID) (Client, error) {
	c, err := r.clients.Client(ctx, id)
	if err != nil {
		return Client{}, err
	}
	if c.Org != org {
		return Client{}, fmt.Errorf("%w: %s in org %q", ErrNotFound, id, org)
	}
	return c, nil
}

// Update changes a client of the actor's org on behalf of actor, who must
// hold oauth:client:edit and, for every role the change gives the client
// (a new role, a new division, or all divisions), that role where it
// gives it, as for [Registry.Create]. change edits a copy of the client;
// the registry then checks every rule again and stores the result. change
// may not alter the ID, org, grant type, public flag, credentials,
// revision, creation or disabling time: create a new client to change the
// grant type, and use [Registry.RotateSecret] for the secret. If the
// client changed since it was read, Update fails with ErrConflict; read it
// again and retry.
//
// Disabling the client (State Disabled) ends every token issued until
// then, for good: enabling it again does not bring them back (see
// [Client.DisabledAt]).
//
// Adding a scope affects no token until each org's admin grants it (see
// [Authorization.Pending]) and users consent again; removing one takes it
// out of new tokens at once (see [Authorization.Effective]).
func (r *Registry) Update(ctx context.Context, actor *permission.Access, id ID, change func(*Client) error) (Client, error) {
	if err := r.ready(); err != nil {
		return Client{}, err
	}
	if err := checkActor(actor, requireEdit, "editing a client"); err != nil {
		return Client{}, err
	}
	if change == nil {
		return Client{}, fmt.Errorf("%w: no change to make", ErrInvalid)
	}
	old, err := r.load(ctx, actor.Org(), id)
	if err != nil {
		return Client{}, err
	}
	c := old.clone()
	if err := change(&c); err != nil {
		return Client{}, err
	}
	var p problems
	for _, f := range []struct {
		name    string
		changed bool
	}{
		{"id", c.ID != old.ID},
		{"org", c.Org != old.Org},
		{"grant_type", c.GrantType != old.GrantType},
		{"public", c.Public != old.Public},
		{"credentials", c.Credentials != old.Credentials},
		{"revision", c.Revision != old.Revision},
		{"created_at", !c.CreatedAt.Equal(old.CreatedAt)},
		{"disabled_at", !c.DisabledAt.Equal(old.DisabledAt)},
	} {
		if f.changed {
			p.add(f.name, "cannot be changed by an update")
		}
	}
	if len(p) > 0 {
		return Client{}, p.err()
	}
	if err := r.check(ctx, &c); err != nil {
		return Client{}, err
	}
	if c.GrantType.UsesRoles() {
		if err := checkHeld(actor, "editing a client", added(old.Roles, c.Roles)); err != nil {
			return Client{}, err
		}
	}
	c.UpdatedAt = r.now()
	if c.State == Disabled && old.State != Disabled {
		c.DisabledAt = c.UpdatedAt
	}
	if err := r.clients.UpdateClient(ctx, c); err != nil {
		return Client{}, err
	}
	c.Revision++
	return c, nil
}

// RotateSecret gives a client of the actor's org a new secret, on behalf
// of actor, and returns it in clear text. Whoever receives a client's
// secret receives its power, so the actor must hold oauth:client:edit and
// every role the client holds, where it holds it (as for
// [Registry.Create]; a refusal is a [*RoleError]). With a positive grace
// the previous secret keeps working that long, so that the app can switch
// without downtime; with zero grace it stops at once. A negative grace is
// a [*FieldError]. A secret rotated out earlier, still in its grace
// period, stops at once.
func (r *Registry) RotateSecret(ctx context.Context, actor *permission.Access, id ID, grace time.Duration) (Secret, error) {
	if err := r.ready(); err != nil {
		return Secret{}, err
	}
	if err := checkActor(actor, requireEdit, "rotating a client secret"); err != nil {
		return Secret{}, err
	}
	if grace < 0 {
		return Secret{}, &FieldError{Field: "grace", Err: fmt.Errorf("%v is negative; use zero to stop the old secret at once", grace)}
	}
	c, err := r.load(ctx, actor.Org(), id)
	if err != nil {
		return Secret{}, err
	}
	if !c.GrantType.CanKeepSecret() || c.Public {
		return Secret{}, fmt.Errorf("%w: a public or implicit client has no secret to rotate", ErrGrantType)
	}
	if c.GrantType.UsesRoles() {
		if err := checkHeld(actor, "rotating a client secret", c.Roles); err != nil {
			return Secret{}, err
		}
	}
	now := r.now()
	var secret Secret
	c.Credentials, secret = c.Credentials.rotate(now, grace)
	c.UpdatedAt = now
	if err := r.clients.UpdateClient(ctx, c); err != nil {
		return Secret{}, err
	}
	return secret, nil
}

// Delete removes a client of the actor's org on behalf of actor, who must
// hold oauth:client:delete. Its tokens stop working, because they name a
// client that no longer exists.
func (r *Registry) Delete(ctx context.Context, actor *permission.Access, id ID) error {
	if err := r.ready(); err != nil {
		return err
	}
	if err := checkActor(actor, requireDelete, "deleting a client"); err != nil {
		return err
	}
	if _, err := r.load(ctx, actor.Org(), id); err != nil {
		return err
	}
	return r.clients.DeleteClient(ctx, id)
}

// ErrCredentials reports a client ID and secret that do not match.
var ErrCredentials = errors.New("client: invalid client credentials")

// Authenticate checks a client's secret, in constant time, and returns the
// client. A client without a secret (public, implicit) never
// authenticates this way. The error does not say whether the ID or the
// secret was wrong, and an unknown ID takes the time a known one with a
// wrong secret does, as far as the Store's lookup does (see [Store]).
func (r *Registry) Authenticate(ctx context.Context, id ID, secret string) (Client, error) {
	if err := r.ready(); err != nil {
		return Client{}, err
	}
	c, err := r.clients.Client(ctx, id)
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			return Client{}, err
		}
		// Whatever the store returned with its error, verify against
		// the zero Client, whose empty credentials match nothing.
		c = Client{}
	}
	// An unknown ID takes the same path as a wrong secret: Verify hashes
	// the secret and compares it all the same.
	if !c.Credentials.Verify(secret, r.now()) {
		return Client{}, ErrCredentials
	}
	return c, nil
}

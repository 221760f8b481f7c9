package client

import (
	"context"
	"errors"
	"fmt"
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
	if actor == nil {
		return fmt.Errorf("%w: %s needs %s, and there is no actor", ErrForbidden, action, r)
	}
	if res := actor.Check(r, permission.OrgWide()); !res.Satisfied() {
		return fmt.Errorf("%w: %s needs %s: %v", ErrForbidden, action, r, res)
	}
	return nil
}

// A DivisionStore looks up an org's divisions, to check the divisions of
// client-credentials roles and to find the Home division they default to.
type DivisionStore interface {
	// Divisions returns the org's divisions.
	Divisions(ctx context.Context, org OrgID) (*permission.Divisions, error)
}

// An Option configures a [Registry] or an [Authorizer].
type Option func(*options)

type options struct {
	now func() time.Time
}

// WithClock sets the clock, for creation times, rotation grace periods and
// tests. The default is time.Now.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

func buildOptions(opts []Option) options {
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
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
// rule of [Client.Validate] and the permissions an actor needs. It is safe
// for concurrent use.
type Registry struct {
	clients   Store
	catalog   *scope.Catalog
	roles     permission.RoleStore
	divisions DivisionStore
	options
}

// NewRegistry returns a registry over clients. It validates scopes against
// catalog, and the roles and divisions of client-credentials clients
// against roles and divisions.
func NewRegistry(clients Store, catalog *scope.Catalog, roles permission.RoleStore, divisions DivisionStore, opts ...Option) *Registry {
	return &Registry{clients: clients, catalog: catalog, roles: roles, divisions: divisions, options: buildOptions(opts)}
}

// Create registers a client in org on behalf of actor, who must hold
// oauth:client:add. It returns the stored client and its secret, in clear
// text for the only time; the secret is zero for public and implicit
// clients. Every problem with the registration comes back at once (see
// [Client.Validate]), together with unknown roles and divisions.
func (r *Registry) Create(ctx context.Context, actor *permission.Access, org OrgID, reg Registration) (Client, Secret, error) {
	if err := checkActor(actor, requireAdd, "creating a client"); err != nil {
		return Client{}, Secret{}, err
	}
	now := r.now()
	c := Client{
		ID:            NewID(),
		Org:           org,
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
	if r.roles == nil || r.divisions == nil {
		return errors.New("client: the registry has no role or division store, so it cannot register client-credentials clients")
	}
	divs, err := r.divisions.Divisions(ctx, c.Org)
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
		_, err := r.roles.Role(ctx, ra.Role)
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

// Update changes a client of org on behalf of actor, who must hold
// oauth:client:edit. change edits a copy of the client; the registry then
// checks every rule again and stores the result. change may not alter the
// ID, org, grant type, public flag, credentials or timestamps: create a new
// client to change the grant type, and use [Registry.RotateSecret] for the
// secret. If the client changed since it was read, Update fails with
// ErrConflict; read it again and retry.
//
// Adding a scope affects no token until each org's admin grants it (see
// [Authorization.Pending]) and users consent again; removing one takes it
// out of new tokens at once (see [Authorization.Effective]).
//
// Like every method that takes an org, Update trusts org to be the
// actor's own: an Access does not carry its subject's org.
func (r *Registry) Update(ctx context.Context, actor *permission.Access, org OrgID, id ID, change func(*Client) error) (Client, error) {
	if err := checkActor(actor, requireEdit, "editing a client"); err != nil {
		return Client{}, err
	}
	old, err := r.load(ctx, org, id)
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
	c.UpdatedAt = r.now()
	if err := r.clients.UpdateClient(ctx, c); err != nil {
		return Client{}, err
	}
	c.Revision++
	return c, nil
}

// RotateSecret gives a client of org a new secret, on behalf of actor, who
// must hold oauth:client:edit, and returns it in clear text. With a
// positive grace the previous secret keeps working that long, so that the
// app can switch without downtime; with zero grace it stops at once. A
// negative grace is a [*FieldError]. A secret rotated out earlier, still
// in its grace period, stops at once.
func (r *Registry) RotateSecret(ctx context.Context, actor *permission.Access, org OrgID, id ID, grace time.Duration) (Secret, error) {
	if err := checkActor(actor, requireEdit, "rotating a client secret"); err != nil {
		return Secret{}, err
	}
	if grace < 0 {
		return Secret{}, &FieldError{Field: "grace", Err: fmt.Errorf("%v is negative; use zero to stop the old secret at once", grace)}
	}
	c, err := r.load(ctx, org, id)
	if err != nil {
		return Secret{}, err
	}
	if !c.GrantType.CanKeepSecret() || c.Public {
		return Secret{}, fmt.Errorf("%w: a public or implicit client has no secret to rotate", ErrGrantType)
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

// Delete removes a client of org on behalf of actor, who must hold
// oauth:client:delete. Its tokens stop working, because they name a client
// that no longer exists.
func (r *Registry) Delete(ctx context.Context, actor *permission.Access, org OrgID, id ID) error {
	if err := checkActor(actor, requireDelete, "deleting a client"); err != nil {
		return err
	}
	if _, err := r.load(ctx, org, id); err != nil {
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

package client

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// An Authorizer records orgs' decisions about clients: an admin holding
// oauth:client:authorize grants a client some or all of the scopes it
// requests, and denies the rest. It is safe for concurrent use. An
// Authorizer not made by [NewAuthorizer] refuses every call.
type Authorizer struct {
	clients Store
	auths   AuthorizationStore
	options
}

// NewAuthorizer returns an authorizer that reads clients from clients and
// keeps authorizations in auths.
func NewAuthorizer(clients Store, auths AuthorizationStore, opts ...Option) *Authorizer {
	return &Authorizer{clients: clients, auths: auths, options: buildOptions(opts)}
}

var errNoAuthorizer = errors.New("client: the authorizer has no client or authorization store: make it with NewAuthorizer")

// ready reports errNoAuthorizer for a nil or zero Authorizer.
func (a *Authorizer) ready() error {
	if a == nil || a.clients == nil || a.auths == nil || a.now == nil {
		return errNoAuthorizer
	}
	return nil
}

// Authorize records, on behalf of actor (who must hold
// oauth:client:authorize), that the actor's org grants the client the
// scopes in grant and denies the other scopes it requests. grant must be
// a subset of what the client requests; it may be empty, which denies
// everything. The client may belong to any org: authorizing another org's
// app is the usual case. A new decision replaces the org's earlier one,
// which is how an admin reviews scopes added later (see
// [Authorization.Pending]).
//
// Client-credentials clients are not authorized: they act only in their
// own org, with the roles assigned to them.
//
// The admin should scrutinize what the client requests first, and deny
// what it does not need: package enforce/review's Index.Scrutinize
// summarizes what each requested scope reaches in the org's endpoint
// table, for an admin UI or a log.
func (a *Authorizer) Authorize(ctx context.Context, actor *permission.Access, id ID, grant scope.Set) (Authorization, error) {
	if err := a.ready(); err != nil {
		return Authorization{}, err
	}
	if err := checkActor(actor, requireAuthorize, "authorizing a client"); err != nil {
		return Authorization{}, err
	}
	org := actor.Org()
	c, err := a.clients.Client(ctx, id)
	if err != nil {
		return Authorization{}, err
	}
	switch {
	case c.State == Disabled:
		return Authorization{}, fmt.Errorf("%w: %s (%s) cannot be authorized", ErrDisabled, c.Name, c.ID)
	case !c.GrantType.UsesScopes():
		return Authorization{}, fmt.Errorf("%w: %s clients use their own roles in their own org; there are no scopes to authorize", ErrGrantType, c.GrantType)
	}
	if extra := grant.Difference(c.Scopes); !extra.IsEmpty() {
		return Authorization{}, fmt.Errorf("%w: %s does not request %s; an org can grant only scopes the client requests", ErrScope, c.Name, extra)
	}
	auth := Authorization{
		Org:          org,
		Client:       id,
		Granted:      grant,
		Denied:       c.Scopes.Difference(grant),
		AuthorizedBy: actor.Subject(),
		AuthorizedAt: a.now(),
	}
	if err := a.auths.PutAuthorization(ctx, auth); err != nil {
		return Authorization{}, err
	}
	return auth, nil
}

// Revoke removes the actor's org's authorization of the client, on behalf
// of actor, who must hold oauth:client:authorize. The client gets no new
// tokens in the org; revoke its existing tokens through the grant package
// if they must stop working at once.
func (a *Authorizer) Revoke(ctx context.Context, actor *permission.Access, id ID) error {
	if err := a.ready(); err != nil {
		return err
	}
	if err := checkActor(actor, requireAuthorize, "revoking a client's authorization"); err != nil {
		return err
	}
	return a.auths.DeleteAuthorization(ctx, actor.Org(), id)
}

// Authorization returns org's authorization of the client, or an error
// wrapping ErrNotAuthorized.
func (a *Authorizer) Authorization(ctx context.Context, org OrgID, id ID) (Authorization, error) {
	if err := a.ready(); err != nil {
		return Authorization{}, err
	}
	return a.auths.Authorization(ctx, org, id)
}

// List returns org's authorized applications, sorted by client name, each
// with the scopes its tokens may carry and those pending review.
// Authorizations of clients deleted since are left out.
func (a *Authorizer) List(ctx context.Context, org OrgID) ([]AuthorizedApp, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	auths, err := a.auths.Authorizations(ctx, org)
	if err != nil {
		return nil, err
	}
	apps := make([]AuthorizedApp, 0, len(auths))
	for _, auth := range auths {
		c, err := a.clients.Client(ctx, auth.Client)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		apps = append(apps, AuthorizedApp{Client: c, Authorization: auth, Effective: auth.Effective(c), Pending: auth.Pending(c)})
	}
	slices.SortFunc(apps, func(x, y AuthorizedApp) int {
		return cmp.Or(strings.Compare(x.Client.Name, y.Client.Name), strings.Compare(x.Client.ID.String(), y.Client.ID.String()))
	})
	return apps, nil
}

// EffectiveScopes returns the scopes tokens of the client may carry in org
// now: what the org granted that the client still requests. It is empty,
// with an error wrapping ErrNotAuthorized, once the authorization is
// revoked.
func (a *Authorizer) EffectiveScopes(ctx context.Context, org OrgID, id ID) (scope.Set, error) {
	if err := a.ready(); err != nil {
		return scope.Set{}, err
	}
	auth, err := a.auths.Authorization(ctx, org, id)
	if err != nil {
		return scope.Set{}, err
	}
	c, err := a.clients.Client(ctx, id)
	if err != nil {
		return scope.Set{}, err
	}
	return auth.Effective(c), nil
}

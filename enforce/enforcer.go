package enforce

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"sync/atomic"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce/internal/route"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// A DivisionResolver finds the division of the resource a request touches,
// for endpoints whose Division names a path parameter.
type DivisionResolver interface {
	// ResolveDivision returns the division of the resource that path
	// parameter param, with the given value, names on route (for example
	// "GET /api/v2/users/{userId}", "userId", "4f9..."). It returns an
	// error wrapping ErrNoResource when there is no such resource.
	ResolveDivision(ctx context.Context, org client.OrgID, route, param, value string) (permission.DivisionID, error)
}

// ErrNoResource is returned by a [DivisionResolver] for a resource that
// does not exist.
var ErrNoResource = errors.New("enforce: no such resource")

// ErrNoPolicy is returned by Enforce when the enforcer has no policy: a
// nil policy, one not made by [NewPolicy], or a nil *Enforcer.
var ErrNoPolicy = errors.New("enforce: no policy")

// Why Enforce could not decide, besides a missing policy or a failing
// store.
var (
	errNilEnforcer = fmt.Errorf("%w: nil *Enforcer (make it with New)", ErrNoPolicy)
	errZeroPolicy  = fmt.Errorf("%w: the policy was not made by NewPolicy", ErrNoPolicy)
	errNilRequest  = errors.New("enforce: nil request")
)

// ErrVerifierUnavailable is for a token verifier that could not decide
// (its key service is down, say). Wrap it in [Request].TokenErr: the
// request is then denied with CodeUnavailable (503) rather than as a bad
// token (401), and Enforce returns TokenErr.
var ErrVerifierUnavailable = errors.New("enforce: token verifier unavailable")

// A ScopeSource tells which scopes a client's tokens may carry in an org
// right now. [*client.Authorizer] is one. An error wrapping
// client.ErrNotAuthorized means none: the set returned with it is ignored.
type ScopeSource interface {
	EffectiveScopes(ctx context.Context, org client.OrgID, id client.ID) (scope.Set, error)
}

var _ ScopeSource = (*client.Authorizer)(nil)

// PathValues gives the values of a request's path parameters. Go's
// *http.Request is one.
type PathValues interface {
	PathValue(name string) string
}

// A Request is one API call to decide on.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the request path as sent, still escaped (url.URL's
	// EscapedPath), without the query. The enforcer matches it against the
	// table when Pattern is empty, and reads path parameters from it.
	Path string
	// Pattern is the route pattern the consumer's router matched, in the
	// syntax of Go's http.ServeMux (http.Request.Pattern): "GET
	// /api/v2/users/{userId}". When set, it picks the endpoint, so the
	// enforcer judges exactly the route the router dispatches to. A
	// wildcard is a whole segment, exactly "{name}": a pattern with a
	// segment that mixes text and wildcards ("{id}.{format}") names no
	// endpoint, and is denied with CodeEndpointUnknown.
	Pattern string
	// Token is the verified access token. Its zero value means the request
	// carried none (see TokenErr).
	Token grant.Token
	// TokenErr is why the consumer's verifier rejected the bearer token
	// (malformed, bad signature, ...). Errors wrapping grant.ErrExpired,
	// grant.ErrRevoked or grant.ErrClientDisabled get their own codes; one
	// wrapping ErrVerifierUnavailable, a verifier that could not decide,
	// denies with CodeUnavailable. With TokenErr set, Token is never
	// judged; a verifier that refuses a token for its times (an error
	// wrapping grant.ErrExpired or grant.ErrNotYetValid) may still put
	// the claims it read in Token, and the reason then says when the
	// token expired (Token.ExpiresAt) or was issued (Token.IssuedAt).
	TokenErr error
	// Division is the division of the resource, for endpoints whose
	// Division is DivisionFromRequest.
	Division permission.DivisionID
	// Params gives path parameter values, for the division resolver: by
	// the names of Pattern's wildcards when Pattern is set (as
	// http.Request.PathValue does), else by the table's names. When nil
	// they are read from Path.
	Params PathValues
	// Memo, if set, is the memo the consumer keeps with Token: what the
	// enforcer worked out about the token on its earlier requests (see
	// TokenMemo).
	Memo *TokenMemo
}

// An Option configures an [Enforcer].
type Option func(*settings)

type settings struct {
	now            func() time.Time
	skew           time.Duration
	unknownStatus  uint16
	hook           Hook
	realm          string
	detailedErrors bool
}

// WithClock sets the clock the token's times are checked against and
// records are stamped with; the default, and what nil means, is time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *settings) {
		if now != nil {
			s.now = now
		}
	}
}

// WithClockSkew lets a token's issue and expiry times be off by up to d,
// at most grant.MaxClockSkew (longer is cut to it, negative counts as
// zero): revocation stores keep a revocation only that long past a
// token's expiry.
func WithClockSkew(d time.Duration) Option {
	return func(s *settings) { s.skew = min(max(d, 0), grant.MaxClockSkew) }
}

// WithUnknownEndpointStatus sets the status of a request that matches no
// endpoint: 404 (the default) or 403. Other values are ignored.
func WithUnknownEndpointStatus(status int) Option {
	return func(s *settings) {
		if status == 403 || status == 404 {
			s.unknownStatus = uint16(status)
		}
	}
}

// WithHook calls h after every decision, for audit logs and usage
// tracking. It runs on the request's goroutine: keep it quick.
func WithHook(h Hook) Option { return func(s *settings) { s.hook = h } }

// WithDetailedErrors makes [Decision.ErrorBody] carry the operator's
// reason and remedy, which name divisions, where the caller holds a
// missing permission, and whether a resource exists. Use it only where
// every caller may know all that, such as an internal API for the org's
// own staff; by default callers get [Decision.Message].
func WithDetailedErrors() Option { return func(s *settings) { s.detailedErrors = true } }

// WithRealm sets the realm of WWW-Authenticate headers.
func WithRealm(realm string) Option { return func(s *settings) { s.realm = realm } }

// An Enforcer decides whether API calls are allowed. It is safe for
// concurrent use.
//
// Enforce checks, in this order, and reports every failure it finds:
//
//  1. the token: present, verified by the consumer, within its validity
//     (with the configured clock skew), not revoked, and from a client that
//     is neither disabled nor deleted (401);
//  2. the endpoint: the request matches one (404, or 403 if configured);
//  3. the user: an endpoint with UserRequired refuses tokens without one,
//     from client credentials (403);
//  4. the scope: the token carries a scope the endpoint accepts, or one
//     that implies it, unless the org has scope enforcement off; tokens
//     from client credentials have no scopes and skip this check;
//  5. the permission: the token's user, or a client-credentials client's
//     own roles, holds the endpoint's requirement in the resource's
//     division (or in any division for an org-wide endpoint).
//
// Both 4 and 5 are always evaluated, so a denial says whether the scope,
// the permission or both are missing.
//
// How a request finds its endpoint, from the router's pattern or from the
// raw path, is in the package documentation, under "Matching requests".
type Enforcer struct {
	policy atomic.Pointer[Policy]
	tokens *grant.Validator
	src    Sources
	cache  *permission.Cache // src.Access, when it is one: memos keep its accesses
	settings
}

// Sources are where an [Enforcer] reads what changes from one request to
// the next: who holds which permissions, which tokens are revoked, the
// clients' statuses, where resources live, and, optionally, which scopes
// clients may still use. A [Policy] is the data that changes rarely; the
// sources are read on every decision, so each should answer from memory
// (a [permission.Cache], [grant.MemStore], [client.MemStore], or your own
// caches over a database).
type Sources struct {
	// Access looks up the compiled permissions of a token's subject in
	// its org: a user, or a client-credentials client. Required.
	Access AccessSource
	// Revocations tells which tokens were revoked. Required.
	Revocations grant.Revocations
	// Clients tells the status of the token's client: disabled and
	// deleted clients' tokens stop working. Required.
	Clients grant.ClientStatuses
	// Divisions finds the division of the resource a path parameter
	// names, for endpoints whose Division is "{param}". Without it, such
	// endpoints deny with CodeDivisionUnresolved.
	Divisions DivisionResolver
	// Scopes, when set, makes scope removals apply to existing tokens at
	// once, instead of when they expire (Genesys Cloud's behaviour, and
	// the default without it): a token's scope then counts only while
	// Scopes still lists it for the token's client and org. It costs a
	// lookup per request. [*client.Authorizer] is one.
	Scopes ScopeSource
}

// ErrSourceMissing is returned by [New] for a [Sources] without one of
// its required sources.
var ErrSourceMissing = errors.New("enforce: a required source is missing")

// New returns an enforcer that decides with p and reads the data that
// changes per request from src; tokens are checked by a
// [grant.Validator], by the rules of the grant package. A nil policy
// denies every request with CodeUnavailable until [Enforcer.Swap]
// installs one. New fails, with an error wrapping ErrSourceMissing, when
// src lacks Access, Revocations or Clients.
func New(p *Policy, src Sources, opts ...Option) (*Enforcer, error) {
	var missing []string
	for _, s := range []struct {
		name string
		ok   bool
	}{{"Access", src.Access != nil}, {"Revocations", src.Revocations != nil}, {"Clients", src.Clients != nil}} {
		if !s.ok {
			missing = append(missing, s.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrSourceMissing, strings.Join(missing, ", "))
	}
	e := &Enforcer{src: src, settings: settings{now: time.Now, unknownStatus: 404}}
	for _, opt := range opts {
		if opt != nil {
			opt(&e.settings)
		}
	}
	e.tokens = grant.NewValidator(src.Clients, src.Revocations, grant.WithClock(e.now), grant.WithClockSkew(e.skew))
	e.cache, _ = src.Access.(*permission.Cache)
	e.policy.Store(p)
	return e, nil
}

// Swap installs a new policy, a new endpoint table, catalog and org
// settings, and returns the old one. Decisions already under way finish
// with the policy they started with; no decision mixes the two. A nil
// *Enforcer has nowhere to install it: it keeps denying every request,
// and Swap returns nil.
func (e *Enforcer) Swap(p *Policy) *Policy {
	if e == nil {
		return nil
	}
	return e.policy.Swap(p)
}

// Policy returns the current policy; nil for a nil *Enforcer.
func (e *Enforcer) Policy() *Policy {
	if e == nil {
		return nil
	}
	return e.policy.Load()
}

// Enforce decides on one request. A denial is a Decision, not an error;
// the error is set only when the decision could not be made (no policy, a
// store failed), and the Decision then denies with CodeUnavailable.
// Enforce does not allocate, even when it denies, unless the consumer's
// stores or hook do, or it fills the request's memo (see TokenMemo). A
// nil *Enforcer, one without a policy made by NewPolicy, and a nil
// Request deny with CodeUnavailable and an error.
func (e *Enforcer) Enforce(ctx context.Context, r *Request) (d Decision, err error) {
	if e == nil || r == nil {
		return e.unavailable(ctx, r)
	}
	// d is filled in place: a local Decision copied out at the end costs
	// more than the nil checks above.
	causes, err := e.decide(ctx, r, &d)
	if causes != 0 && causes&(causes-1) == 0 && err == nil && e.hook == nil {
		// finish, for one cause and no hook: the usual answers.
		d.causes, d.code = causes, Code(bits.TrailingZeros32(uint32(causes)))
		return d, nil
	}
	if err != nil {
		causes = 1 << CodeUnavailable
	}
	e.finish(ctx, r, &d, causes)
	return d, err
}

// unavailable is Enforce for a nil e or a nil r: it denies with
// CodeUnavailable, through the hook when there is one.
func (e *Enforcer) unavailable(ctx context.Context, r *Request) (Decision, error) {
	var d Decision
	if e == nil {
		d.code, d.causes = CodeUnavailable, 1<<CodeUnavailable
		return d, errNilEnforcer
	}
	d.policy, d.settings = e.policy.Load(), &e.settings
	e.finish(ctx, &Request{}, &d, 1<<CodeUnavailable)
	return d, errNilRequest
}

// decide runs the checks, filling d with what it finds, and returns the
// causes. An error means the decision could not be made.
func (e *Enforcer) decide(ctx context.Context, r *Request, d *Decision) (Causes, error) {
	p := e.policy.Load()
	d.policy, d.settings = p, &e.settings
	if p == nil {
		return 1 << CodeUnavailable, ErrNoPolicy
	}
	var causes Causes
	t := &r.Token

	// 1. The token.
	tokenOK := false
	switch {
	case r.TokenErr != nil:
		if errors.Is(r.TokenErr, ErrVerifierUnavailable) {
			return 1 << CodeUnavailable, r.TokenErr
		}
		code := tokenErrCode(r.TokenErr)
		switch {
		case code == CodeTokenExpired:
			d.setAt(t.ExpiresAt)
		case errors.Is(r.TokenErr, grant.ErrNotYetValid):
			d.setAt(t.IssuedAt)
		}
		causes |= 1 << code
	case !t.ID.IsValid():
		causes |= 1 << CodeTokenMissing
	default:
		d.client, d.org, d.user, d.grantType = t.Client, t.Org, t.User, t.GrantType
		var err error
		if r.Memo == nil {
			err = e.tokens.Check(ctx, t)
		} else if d.memo = r.Memo.current(e, p, t); d.memo == nil {
			err = e.checkToken(ctx, r, p, d)
		} // else checked on an earlier request, and nothing changed since
		if err == nil {
			tokenOK = true
			break
		}
		code, err := e.tokenCode(err, t, d)
		if err != nil {
			return 1 << CodeUnavailable, err
		}
		causes |= 1 << code
	}

	// 2. The endpoint.
	var m matched
	if i := p.lookup(r, &m); i >= 0 {
		d.ep = p.endpoints[i]
	} else {
		d.method, d.path = r.Method, r.Path // what the request names, without an endpoint
		if p.catalog == nil {
			// A Policy not made by NewPolicy: its table is empty, so
			// every request ends here, off the allowed path.
			return 1 << CodeUnavailable, errZeroPolicy
		}
		causes |= 1 << CodeEndpointUnknown
	}
	if !tokenOK || d.ep == nil {
		return causes, nil
	}
	ep := d.ep

	// 3. The user.
	if ep.UserRequired && !hasUser(t) {
		return 1 << CodeUserRequired, nil
	}

	// 4. The scope.
	var scopeOK, authorized bool
	var err error
	if e.src.Scopes == nil && d.memo == nil && hasUser(t) && !p.scopeFree(t.Org) {
		// checkScope's usual case, in line.
		d.scope, scopeOK = ep.accepted.Match(t.Scopes)
		authorized = true
	} else if scopeOK, authorized, err = e.checkScope(ctx, p, ep, t, d); err != nil {
		return 1 << CodeUnavailable, err
	}
	if !scopeOK {
		// An org in report-only mode records the refusal instead, and the
		// decision goes on as if the scope were there (rollout.go); but
		// not for a client the org no longer authorizes.
		if scopeOK = authorized && d.reportOnly(p); !scopeOK {
			causes |= 1 << CodeScopeMissing
		}
	}

	// 5. The permission, in the resource's division.
	missing, err := e.checkPermission(ctx, r, ep, t, &m, scopeOK, d)
	if err != nil {
		return 1 << CodeUnavailable, err
	}
	causes |= missing
	if d.reported && ep.divParam >= 0 {
		// What enforcement would have answered is found as it would be.
		if d.unscoped, err = e.unscopedMissing(ctx, ep, t); err != nil {
			return 1 << CodeUnavailable, err
		}
	}
	if causes == 0 {
		causes = 1 << CodeAllowed
	}
	return causes, nil
}

// checkScope reports whether the token carries a scope the endpoint
// accepts, recording it in d; tokens without a user (client credentials)
// and orgs with scope enforcement off need none. authorized is false when
// the live scopes say the org no longer authorizes the client: no mode
// lets that through.
func (e *Enforcer) checkScope(ctx context.Context, p *Policy, ep *endpoint, t *grant.Token, d *Decision) (ok, authorized bool, err error) {
	if !hasUser(t) || p.scopeFree(t.Org) {
		return true, true, nil
	}
	if e.src.Scopes == nil {
		if d.memo != nil {
			// The compiled scopes; the one that matched is worked out
			// when read (Decision.MatchedScope).
			d.lazyScope = true
			return d.memo.granted.Satisfies(ep.accepted), true, nil
		}
		d.scope, ok = ep.accepted.Match(t.Scopes)
		return ok, true, nil
	}
	limit, err := e.src.Scopes.EffectiveScopes(ctx, t.Org, t.Client)
	switch {
	case errors.Is(err, client.ErrNotAuthorized):
		return false, false, nil // no scope left, whatever came with the error
	case err != nil:
		return false, false, fmt.Errorf("enforce: current scopes of client %s: %w", t.Client, err)
	}
	d.scope, ok = ep.accepted.MatchWithin(t.Scopes, limit)
	return ok, true, nil
}

// checkPermission checks the endpoint's permission requirement at the
// resource's division, recording the result in d, and returns the cause
// of what is missing, as a set of one, or none: a constant set costs the
// usual denial less than a code made into one.
func (e *Enforcer) checkPermission(ctx context.Context, r *Request, ep *endpoint, t *grant.Token, m *matched, scopeOK bool, d *Decision) (Causes, error) {
	if ep.Permissions.Kind() == permission.None {
		return 0, nil
	}
	if !scopeOK && ep.divParam >= 0 {
		// Without the scope the resource is not looked up: whether it
		// exists, and where, must not change the answer. The permission
		// counts as held only where it is held in all divisions.
		access, err := e.src.Access.Access(ctx, t.Org, subject(t))
		if err != nil {
			return 0, accessError(t, err)
		}
		if d.perm = access.Check(ep.Permissions, permission.AllDivisions()); d.perm.Satisfied() {
			return 0, nil
		}
		d.hidden = hiddenUnscoped
		return 1 << CodePermissionMissing, nil
	}
	// Where the check applies. The usual case, the division of the
	// resource a path parameter names, is worked out here, where a call
	// returning the target would cost the hot path; fixedTarget and
	// unresolved have the others.
	var target permission.Target
	var code Code
	var err error
	switch {
	case ep.divParam < 0:
		target, code = fixedTarget(r, ep)
	case e.src.Divisions == nil:
		code = CodeDivisionUnresolved
	default:
		param := ep.segs[ep.divParam].Text
		if value := paramValue(r, ep, m); value == "" {
			code = CodeDivisionUnresolved
		} else if div, rerr := e.src.Divisions.ResolveDivision(ctx, t.Org, ep.route, param, value); rerr == nil && div != "" {
			target = permission.In(div)
		} else {
			code, err = unresolved(ep, param, rerr)
		}
	}
	var access *permission.Access
	if err == nil && code == 0 {
		if access, err = e.access(ctx, t, d); err != nil {
			return 0, accessError(t, err)
		}
		// Into d.perm, and read there: a copy of the Result costs more.
		d.perm = access.Check(ep.Permissions, target)
		switch perm := &d.perm; {
		case perm.Satisfied():
			return 0, nil
		case !perm.DivisionUnknown():
			return 1 << CodePermissionMissing, nil // the usual denial: held elsewhere, or nowhere
		}
	}
	if err != nil {
		return 0, err
	}
	code, err = e.denyPermission(ctx, ep, t, code, access, d)
	if code == 0 || err != nil {
		return 0, err
	}
	return 1 << code, nil
}

// unscopedMissing reports whether, without the scope, the permission
// would be refused on an endpoint whose division is the resource's: that
// is, whether the subject lacks it in all divisions (see checkPermission).
func (e *Enforcer) unscopedMissing(ctx context.Context, ep *endpoint, t *grant.Token) (bool, error) {
	if ep.Permissions.Kind() == permission.None {
		return false, nil
	}
	access, err := e.src.Access.Access(ctx, t.Org, subject(t))
	if err != nil {
		return false, accessError(t, err)
	}
	return !access.Check(ep.Permissions, permission.AllDivisions()).Satisfied(), nil
}

// denyPermission works out, off the allowed path, what is wrong with the
// permission when finding the resource's division gave code, or when,
// with code 0, d.perm was checked (with access) in a division that is not
// the org's. It returns
// the code of the cause, or 0. A caller never learns whether a resource
// it may not read exists, nor where it lives: a resource that does not
// exist in the token's org (none at all, or another org's) is reported as
// a missing permission unless the caller holds the requirement in all
// divisions, and then as not found. (Without the scope the resource is
// not looked up at all: see checkPermission.)
func (e *Enforcer) denyPermission(ctx context.Context, ep *endpoint, t *grant.Token, code Code, access *permission.Access, d *Decision) (Code, error) {
	if code == CodeDivisionUnresolved {
		return code, nil
	}
	if code == 0 {
		if ep.Division == DivisionFromRequest {
			return CodeDivisionUnknown, nil
		}
		// The resolver found the resource in a division that is not the
		// org's: for this org, there is no such resource.
	} else {
		var err error
		if access, err = e.access(ctx, t, d); err != nil {
			return 0, accessError(t, err)
		}
	}
	d.perm = access.Check(ep.Permissions, permission.AllDivisions())
	if d.perm.Satisfied() {
		return CodeResourceNotFound, nil
	}
	d.hidden = hiddenAbsent
	return CodePermissionMissing, nil
}

// hasUser is t.HasUser, and subject t.Subject, without copying the
// token: a method of the value copies all of it on every call.
// TestTokenHelpersAgree holds them to the methods.
func hasUser(t *grant.Token) bool { return t.User != "" && t.GrantType != client.ClientCredentials }

func subject(t *grant.Token) permission.Subject {
	if !hasUser(t) {
		return permission.Client(t.Client.String())
	}
	return permission.User(t.User)
}

// accessError wraps an error of the access source.
func accessError(t *grant.Token, err error) error {
	return fmt.Errorf("enforce: permissions of %s in org %s: %w", t.Subject(), t.Org, err)
}

// checkToken checks a verified token that came with a memo, through the
// grant validator, and fills the memo with what it finds when it may (see
// TokenMemo). Without a memo, decide asks the validator's Check itself.
func (e *Enforcer) checkToken(ctx context.Context, r *Request, p *Policy, d *Decision) error {
	t := &r.Token
	if !r.Memo.fillable(e, t) {
		return e.tokens.Check(ctx, t)
	}
	pass, err := e.tokens.Pass(ctx, t)
	if err == nil {
		d.memo = e.remember(ctx, r.Memo, p, t, pass)
	}
	return err
}

// tokenCode maps the validator's refusal of t to a code, noting in d the
// time it names; an error it does not know means the decision could not
// be made.
func (e *Enforcer) tokenCode(err error, t *grant.Token, d *Decision) (Code, error) {
	switch err {
	case grant.ErrMalformed:
		return CodeTokenInvalid, nil
	case grant.ErrNotYetValid:
		d.setAt(t.IssuedAt)
		return CodeTokenInvalid, nil
	case grant.ErrExpired:
		d.setAt(t.ExpiresAt)
		return CodeTokenExpired, nil
	case grant.ErrRevoked:
		return CodeTokenRevoked, nil
	case grant.ErrClientDisabled:
		return CodeClientDisabled, nil
	}
	return 0, fmt.Errorf("enforce: checking the token: %w", err)
}

// tokenErrCode maps the consumer's verification error to a code.
func tokenErrCode(err error) Code {
	switch {
	case errors.Is(err, grant.ErrExpired):
		return CodeTokenExpired
	case errors.Is(err, grant.ErrRevoked):
		return CodeTokenRevoked
	case errors.Is(err, grant.ErrClientDisabled):
		return CodeClientDisabled
	}
	return CodeTokenInvalid
}

// fixedTarget works out where the permission check applies on an
// endpoint whose division is not a path parameter's: org-wide, or the
// division the request names.
func fixedTarget(r *Request, ep *endpoint) (permission.Target, Code) {
	switch ep.Division {
	case "":
		return permission.OrgWide(), 0
	case DivisionFromRequest:
		if r.Division == "" {
			return permission.Target{}, CodeDivisionUnresolved
		}
		return permission.In(r.Division), 0
	}
	return permission.Target{}, CodeDivisionUnresolved // NewPolicy refuses a division that names no parameter
}

// unresolved returns the code, or the error, of a division resolver's
// answer other than a division: no such resource, a failure, or an empty
// division with no error.
func unresolved(ep *endpoint, param string, err error) (Code, error) {
	switch {
	case errors.Is(err, ErrNoResource):
		return CodeResourceNotFound, nil
	case err != nil:
		return 0, fmt.Errorf("enforce: resolving the division of %s {%s}: %w", ep.route, param, err)
	}
	return CodeDivisionUnresolved, nil
}

// paramValue returns the value of the endpoint's division parameter: from
// Request.Params if set, else from the path, split once. With a pattern,
// the parameter is the pattern's wildcard at the table's position: the
// pattern may name it otherwise ({id} for {userId}), or give the table's
// name to another segment.
func paramValue(r *Request, ep *endpoint, m *matched) string {
	if r.Params != nil {
		name := ep.segs[ep.divParam].Text
		// A pattern registered with Endpoint.Route ends with the template
		// and names the parameters as the table does; look others up.
		if r.Pattern != "" && !m.exact && !strings.HasSuffix(r.Pattern, ep.Path) {
			var ok bool
			if name, ok = route.PatternParam(r.Pattern, ep.divParam); !ok {
				return ""
			}
		}
		return r.Params.PathValue(name)
	}
	segs := &m.segs
	filled, ok := segs.Split()
	if !filled {
		ok = route.Split(r.Path, segs)
	}
	if !ok || segs.Len() != len(ep.segs) {
		return ""
	}
	if i := ep.divParam; !segs.Escaped(i) {
		return segs.Seg(i) // its value, without looking for escapes
	}
	return segs.Value(ep.divParam)
}

// causeOrder lists the causes a decision is named after, by precedence:
// the first found names it.
var causeOrder = [...]Code{CodeTokenMissing, CodeTokenInvalid, CodeTokenExpired, CodeTokenRevoked, CodeClientDisabled,
	CodeEndpointUnknown, CodeResourceNotFound, CodeUserRequired, CodeScopeMissing, CodePermissionMissing,
	CodeDivisionUnresolved, CodeDivisionUnknown, CodeAllowed}

// causeRank is each code's position in causeOrder; len(causeOrder) for a
// code not there.
var causeRank = func() (rank [32]uint8) {
	for i := range rank {
		rank[i] = uint8(len(causeOrder))
	}
	for i, c := range causeOrder {
		rank[c] = uint8(i)
	}
	return rank
}()

// finish sets the code and status from the causes and calls the hook.
func (e *Enforcer) finish(ctx context.Context, r *Request, d *Decision, causes Causes) {
	d.causes = causes
	switch {
	case causes == 1<<CodeAllowed:
		d.code = CodeAllowed
	case causes.Has(CodeUnavailable):
		d.causes, d.code = 1<<CodeUnavailable, CodeUnavailable
	case causes.Has(CodeScopeMissing) && causes.Has(CodePermissionMissing):
		d.code = CodeScopeAndPermissionMissing
	case causes != 0 && causes&(causes-1) == 0:
		d.code = Code(bits.TrailingZeros32(uint32(causes))) // one cause names itself
	default:
		// The cause of the highest precedence, found among the causes
		// themselves: a denial has one or two.
		best := uint8(len(causeOrder))
		for c := uint32(causes); c != 0; c &= c - 1 {
			code := bits.TrailingZeros32(c)
			if rank := causeRank[code]; rank < best {
				best, d.code = rank, Code(code)
			}
		}
	}
	if e.hook != nil {
		e.hook(ctx, d.record(r, e.now()))
	}
}

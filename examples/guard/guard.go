package guard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
)

// A TokenVerifier turns a bearer token into the claims it stands for:
// it checks a signed token's signature, or looks an opaque one up.
// jwtoken.Verifier is one, for JWT access tokens.
//
// VerifyToken returns an error for a token it does not accept. An error
// wrapping grant.ErrExpired, grant.ErrRevoked or grant.ErrClientDisabled
// gets its own code, one wrapping enforce.ErrVerifierUnavailable (the
// verifier could not decide) 503 UNAVAILABLE; any other gives 401
// TOKEN_INVALID. A verifier that refuses a token for its times may
// return the claims it read with the error, so that the answer says when
// the token expired. The verifier need not check the token's times,
// revocation or client: the enforcer does. Its errors must not contain
// the token, and it must be safe for concurrent use.
type TokenVerifier interface {
	VerifyToken(ctx context.Context, token string) (grant.Token, error)
}

// VerifierFunc adapts a function to a TokenVerifier.
type VerifierFunc func(ctx context.Context, token string) (grant.Token, error)

// VerifyToken calls f; a nil f cannot decide, and says so with an error
// wrapping enforce.ErrVerifierUnavailable.
func (f VerifierFunc) VerifyToken(ctx context.Context, token string) (grant.Token, error) {
	if f == nil {
		return grant.Token{}, errNilVerifierFunc
	}
	return f(ctx, token)
}

// errNilVerifierFunc is what a nil VerifierFunc answers: it cannot
// decide, so the request gets 503, never a pass.
var errNilVerifierFunc = fmt.Errorf("guard: a nil VerifierFunc: %w", enforce.ErrVerifierUnavailable)

// errNoClaims stands for a verifier that accepted a token but returned
// no claims: the token does not count as missing, it is invalid.
var errNoClaims = errors.New("guard: the verifier returned no claims")

// An Option configures a Guard.
type Option func(*Guard)

// WithLogger logs the requests the guard could not decide on: the
// enforcer's errors (a store that failed), a guard built without an
// enforcer or a verifier, and adapters that could not tell the route. It
// never logs a token. Without it nothing is logged; use enforce.WithHook
// for an audit log of every decision.
func WithLogger(l *slog.Logger) Option { return func(g *Guard) { g.logger = l } }

// WithObserver adds an Observer, which learns of every outcome, and how
// long it took. Observers run in the order given, on the request's
// goroutine. A nil Observer is left out.
func WithObserver(o Observer) Option {
	return func(g *Guard) {
		if o != nil {
			g.observers = append(g.observers, o)
		}
	}
}

// A Guard is the decision path every adapter shares: it reads the bearer
// token, verifies it, asks the enforcer, and says how to answer. Build it
// with New. It is immutable and safe for concurrent use, as long as its
// TokenVerifier and Observers are.
type Guard struct {
	enforcer  *enforce.Enforcer
	verifier  TokenVerifier
	logger    *slog.Logger
	observers []Observer
}

// New returns a guard that verifies tokens with v and decides with e.
// Neither may be nil: a guard without them, like a nil *Guard, refuses
// every request with 500 MIDDLEWARE_MISCONFIGURED.
func New(e *enforce.Enforcer, v TokenVerifier, opts ...Option) *Guard {
	g := &Guard{enforcer: e, verifier: v}
	for _, opt := range opts {
		if opt != nil {
			opt(g)
		}
	}
	return g
}

// NoRoute is the Request.Route of a request the framework matched to no
// route: the enforcer judges it as an unknown endpoint, so that it is
// denied (401 without a good token, 404 ENDPOINT_UNKNOWN with one). It is
// http.ServeMux's catch-all pattern, which names no endpoint.
const NoRoute = "/"

// A Request is what an adapter reads from its framework's request.
type Request struct {
	// Method is the request's method (gRPC calls are POST).
	Method string
	// Path is the request path as sent, still escaped, without the query:
	// for messages and records only.
	Path string
	// Route is the route the framework matched, in the syntax of Go's
	// http.ServeMux, with or without the method: "/api/v2/users/{userId}"
	// ([ColonRoute] and [BraceRoute] translate the frameworks' forms). It
	// picks the endpoint. NoRoute, or "", when the framework matched none.
	Route string
	// Authorization holds the values of the Authorization header (or of
	// gRPC's authorization metadata), as sent.
	Authorization []string
	// Params gives the values of the route's parameters, by the names
	// Route gives them, for the division resolver.
	Params enforce.PathValues
	// Division is the division of the resource, for endpoints whose
	// division comes with the request (enforce.DivisionFromRequest).
	Division permission.DivisionID
}

// Codes of the refusals the guard and its adapters make on their own,
// with status 500: the request cannot be judged, and is not let through.
const (
	// CodeMisconfigured: the guard has no enforcer or no token verifier.
	CodeMisconfigured = "MIDDLEWARE_MISCONFIGURED"
	// CodeRouteMissing: the adapter cannot tell which route the request
	// is for, because it runs where the framework has not routed it yet.
	CodeRouteMissing = "ROUTE_PATTERN_MISSING"
	// CodeHandlerMissing: the route was guarded with a nil handler.
	CodeHandlerMissing = "HANDLER_MISSING"
)

// Check decides on one request: it verifies the bearer token, if any,
// and asks the enforcer about the route. Whatever happens, the Outcome
// says how to answer; a request is let through only when
// [Outcome.Allowed]. It calls the observers, if any, with the outcome.
func (g *Guard) Check(ctx context.Context, r *Request) Outcome {
	if g == nil || g.enforcer == nil || g.verifier == nil {
		g.log(ctx, "guard: built without an enforcer or a token verifier", r, nil)
		return g.observe(ctx, time.Time{}, refusal(CodeMisconfigured,
			"the authorization middleware has no enforcer or no token verifier",
			"build it with a non-nil enforcer and token verifier"))
	}
	var start time.Time
	if len(g.observers) > 0 {
		start = time.Now()
	}
	route := r.Route
	if route == "" {
		route = NoRoute
	}
	req := enforce.Request{Method: r.Method, Path: r.Path, Pattern: route, Params: r.Params, Division: r.Division}
	raw, headerErr := BearerToken(r.Authorization)
	// verified is the token the verifier accepted: the only one the
	// outcome, the handler and the observers ever see.
	var verified grant.Token
	switch {
	case headerErr != nil:
		req.TokenErr = headerErr
	case raw != "":
		tok, err := g.verifier.VerifyToken(ctx, raw)
		switch {
		case err != nil:
			// The claims, if any, only tell the enforcer's reason when
			// the token expired: with TokenErr set, they are not judged,
			// and they go no further.
			req.Token, req.TokenErr = tok, err
		case !tok.ID.IsValid():
			req.TokenErr = errNoClaims
		default:
			req.Token, verified = tok, tok
		}
	}
	d, err := g.enforcer.Enforce(ctx, &req)
	if err != nil {
		g.log(ctx, "guard: authorization could not be decided", r, err)
	}
	o := Outcome{decision: d, token: verified, err: err}
	if d.Code() == enforce.CodeTokenInvalid {
		o.headerErr, _ = headerErr.(*HeaderError)
	}
	return g.observe(ctx, start, o)
}

// RouteMissing is the outcome for an adapter that cannot tell the route
// of a request: 500 ROUTE_PATTERN_MISSING, logged, never let through. fix
// says how to wire the adapter so that it can.
func (g *Guard) RouteMissing(ctx context.Context, r *Request, fix string) Outcome {
	g.log(ctx, "guard: guarded handler reached without a route pattern", r, nil)
	return g.observe(ctx, time.Time{}, refusal(CodeRouteMissing, "the authorization middleware cannot tell which endpoint this is", fix))
}

// HandlerMissing is the outcome for an allowed request whose route was
// guarded with a nil handler: 500 HANDLER_MISSING, logged.
func (g *Guard) HandlerMissing(ctx context.Context, r *Request) Outcome {
	g.log(ctx, "guard: guarded route has a nil handler", r, nil)
	return g.observe(ctx, time.Time{}, refusal(CodeHandlerMissing, "the route has no handler", "wrap a handler, not nil"))
}

func (g *Guard) log(ctx context.Context, msg string, r *Request, err error) {
	if g == nil || g.logger == nil {
		return
	}
	attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", r.Path)}
	if r.Route != "" {
		attrs = append(attrs, slog.String("route", r.Route))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	g.logger.LogAttrs(ctx, slog.LevelError, msg, attrs...)
}

// observe calls the observers with o, and returns it. start is when the
// decision began, zero for the guard's own refusals.
func (g *Guard) observe(ctx context.Context, start time.Time, o Outcome) Outcome {
	if g == nil || len(g.observers) == 0 {
		return o
	}
	obs := o.observation()
	if !start.IsZero() {
		obs.Elapsed = time.Since(start)
	}
	for _, ob := range g.observers {
		ob.Observe(ctx, obs)
	}
	return o
}

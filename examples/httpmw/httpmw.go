package httpmw

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

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
// gets its own code, one wrapping enforce.ErrVerifierUnavailable a 503;
// any other gives 401 TOKEN_INVALID. A verifier that refuses a token for
// its times may return the claims it read with the error, so that the
// answer says when the token expired. The verifier need not check the
// token's times, revocation or client: the enforcer does. Its errors must
// not contain the token, and it must be safe for concurrent use.
type TokenVerifier interface {
	VerifyToken(ctx context.Context, token string) (grant.Token, error)
}

// VerifierFunc adapts a function to a TokenVerifier.
type VerifierFunc func(ctx context.Context, token string) (grant.Token, error)

// VerifyToken calls f. A nil f cannot decide: its error wraps
// enforce.ErrVerifierUnavailable, so the request is denied with 503.
func (f VerifierFunc) VerifyToken(ctx context.Context, token string) (grant.Token, error) {
	if f == nil {
		return grant.Token{}, errNilVerifier
	}
	return f(ctx, token)
}

// errNilVerifier is what a nil VerifierFunc answers.
var errNilVerifier = fmt.Errorf("%w: nil httpmw.VerifierFunc", enforce.ErrVerifierUnavailable)

// errNoClaims stands for a verifier that accepted a token but returned
// no claims: the token does not count as missing, it is invalid.
var errNoClaims = errors.New("httpmw: the verifier returned no claims")

// An Option configures a Middleware.
type Option func(*Middleware)

// WithDivision sets how to find the division of a resource for endpoints
// whose division comes with the request (enforce.DivisionFromRequest),
// such as a divisionId query parameter. Without it such endpoints deny
// with DIVISION_UNRESOLVED.
func WithDivision(f func(*http.Request) permission.DivisionID) Option {
	return func(m *Middleware) { m.division = f }
}

// WithLogger logs requests the middleware could not decide on: the
// enforcer's errors (a store that failed) and handlers reached without a
// route pattern. It never logs a token. Without it nothing is logged;
// use enforce.WithHook for an audit log of every decision.
func WithLogger(l *slog.Logger) Option { return func(m *Middleware) { m.logger = l } }

// A Middleware guards handlers with an enforcer. Build it with New. It is
// immutable and safe for concurrent use.
type Middleware struct {
	enforcer *enforce.Enforcer
	verifier TokenVerifier
	division func(*http.Request) permission.DivisionID
	logger   *slog.Logger
}

// New returns a middleware that verifies tokens with v and decides with e.
// Neither may be nil: a middleware without them, and a nil or zero
// Middleware, refuse every request with 500 MIDDLEWARE_MISCONFIGURED. A
// nil Option is skipped.
func New(e *enforce.Enforcer, v TokenVerifier, opts ...Option) *Middleware {
	m := &Middleware{enforcer: e, verifier: v}
	for _, opt := range opts {
		if opt != nil {
			opt(m)
		}
	}
	return m
}

// Handle registers h on mux under ep.Route(), the pattern the enforcer
// knows the endpoint by, guarded by m. Like mux.Handle it panics if the
// pattern is malformed or conflicts with another one, or if mux or h is
// nil: a mistake in the program, found when it starts.
func (m *Middleware) Handle(mux *http.ServeMux, ep enforce.Endpoint, h http.Handler) {
	switch {
	case mux == nil:
		panic("httpmw: Handle with a nil *http.ServeMux")
	case h == nil:
		panic("httpmw: Handle with a nil handler")
	}
	mux.Handle(ep.Route(), m.Wrap(h))
}

// HandleFunc is Handle for a handler function.
func (m *Middleware) HandleFunc(mux *http.ServeMux, ep enforce.Endpoint, h func(http.ResponseWriter, *http.Request)) {
	if h == nil {
		m.Handle(mux, ep, nil)
		return
	}
	m.Handle(mux, ep, http.HandlerFunc(h))
}

// Wrap returns h guarded by m. Register the result on an http.ServeMux,
// under the route of an endpoint of the enforcer's table: the middleware
// judges the pattern the mux matched, and refuses requests that come
// without one. A nil h answers the requests it would serve with 500
// HANDLER_MISSING.
func (m *Middleware) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { m.serve(w, r, h) })
}

// NotFound returns the handler to register under "/" on the mux, for the
// routes no other pattern matches: it answers with the enforcer's JSON
// (401 for a bad or missing token, 404 ENDPOINT_UNKNOWN otherwise) instead
// of the mux's plain-text 404 or 405.
func (m *Middleware) NotFound() http.Handler {
	return m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Reached only if the table has an endpoint at the catch-all
		// pattern itself; still, nothing is served here.
		WriteError(w, http.StatusNotFound, "ENDPOINT_UNKNOWN", "no endpoint matches "+r.Method+" "+strconv.Quote(r.URL.EscapedPath()))
	}))
}

func (m *Middleware) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	ctx := r.Context()
	switch {
	case m == nil:
		WriteError(w, http.StatusInternalServerError, "MIDDLEWARE_MISCONFIGURED",
			"the authorization middleware is nil. To fix: build it with httpmw.New(enforcer, verifier), neither nil.")
		return
	case m.enforcer == nil || m.verifier == nil:
		if m.logger != nil {
			m.logger.LogAttrs(ctx, slog.LevelError, "httpmw: middleware built without an enforcer or a token verifier",
				slog.String("method", r.Method), slog.String("path", r.URL.EscapedPath()))
		}
		WriteError(w, http.StatusInternalServerError, "MIDDLEWARE_MISCONFIGURED",
			"the authorization middleware has no enforcer or no token verifier. To fix: build it with httpmw.New(enforcer, verifier), neither nil.")
		return
	case r.Pattern == "":
		if m.logger != nil {
			m.logger.LogAttrs(ctx, slog.LevelError, "httpmw: guarded handler reached without a route pattern",
				slog.String("method", r.Method), slog.String("path", r.URL.EscapedPath()))
		}
		WriteError(w, http.StatusInternalServerError, "ROUTE_PATTERN_MISSING",
			"the authorization middleware cannot tell which endpoint this is. To fix: register each guarded handler on an http.ServeMux (httpmw.Middleware.Handle), not around it.")
		return
	}

	req := enforce.Request{Method: r.Method, Path: r.URL.EscapedPath(), Pattern: r.Pattern, Params: r}
	raw, headerErr := BearerToken(r.Header)
	switch {
	case headerErr != nil:
		req.TokenErr = headerErr
	case raw != "":
		tok, err := m.verifier.VerifyToken(ctx, raw)
		switch {
		case err != nil:
			// The claims, if any, only tell the enforcer's reason when
			// the token expired: with TokenErr set, they are not judged.
			req.Token, req.TokenErr = tok, err
		case !tok.ID.IsValid():
			req.TokenErr = errNoClaims
		default:
			req.Token = tok
		}
	}
	if m.division != nil {
		req.Division = m.division(r)
	}

	d, err := m.enforcer.Enforce(ctx, &req)
	if err != nil && m.logger != nil {
		m.logger.LogAttrs(ctx, slog.LevelError, "httpmw: authorization could not be decided",
			slog.String("route", r.Pattern), slog.String("error", err.Error()))
	}
	if !d.Allowed() {
		deny(w, d, headerErr)
		return
	}
	if next == nil {
		if m.logger != nil {
			m.logger.LogAttrs(ctx, slog.LevelError, "httpmw: guarded route has a nil handler", slog.String("route", r.Pattern))
		}
		WriteError(w, http.StatusInternalServerError, "HANDLER_MISSING", "the route has no handler. To fix: wrap a handler, not nil.")
		return
	}
	next.ServeHTTP(w, r.WithContext(&allowedCtx{Context: ctx, allowed: allowed{decision: d, token: req.Token}}))
}

// deny writes the enforcer's answer. A header problem gets a message that
// says what is wrong with the header, in place of the enforcer's "the
// access token is not valid".
func deny(w http.ResponseWriter, d enforce.Decision, headerErr error) {
	h := w.Header()
	if v := d.WWWAuthenticate(); v != "" {
		h.Set("WWW-Authenticate", v)
	}
	var he *HeaderError
	if d.Code() == enforce.CodeTokenInvalid && errors.As(headerErr, &he) {
		WriteError(w, d.Status(), d.Code().String(),
			"the Authorization header was refused: "+he.Reason+". To fix: send one header, Authorization: Bearer <token>, with a token of at most "+strconv.Itoa(MaxTokenLen)+" bytes.")
		return
	}
	setJSONHeaders(h)
	w.WriteHeader(d.Status())
	_ = d.WriteErrorBody(w)
}

// errorBody is the shape of enforce's error bodies, for the answers the
// middleware writes itself.
type errorBody struct {
	Error struct {
		Message string `json:"message"`
		Code    string `json:"code"`
		Status  int    `json:"status"`
	} `json:"error"`
}

// WriteError answers a request with an error in the shape of the
// enforcer's denials, {"error": {"message": ..., "code": ..., "status": ...}},
// written as [enforce.Decision.ErrorBody] writes it ('<', '>' and '&' as
// they are, no trailing newline), with the same headers as a denial
// (Content-Type, Cache-Control: no-store). Handlers behind the middleware
// use it for the checks an endpoint table cannot express, and for their
// own errors, so that a client meets one error format. A status outside
// 100 to 999, which net/http refuses to write, is written as 500, and so
// is its body.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	if status < 100 || status > 999 {
		status = http.StatusInternalServerError
	}
	var b errorBody
	b.Error.Message, b.Error.Code, b.Error.Status = message, code, status
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	out := []byte(`{"error":{"message":"internal error","code":"INTERNAL","status":500}}`)
	if err := enc.Encode(b); err == nil {
		out = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	} else {
		status = http.StatusInternalServerError
	}
	setJSONHeaders(w.Header())
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

func setJSONHeaders(h http.Header) {
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
}

type ctxKey struct{}

type allowed struct {
	decision enforce.Decision
	token    grant.Token
}

// allowedCtx carries the decision and the token to the handler: one
// allocation per request, where context.WithValue and the value would be
// two.
type allowedCtx struct {
	context.Context
	allowed allowed
}

// Value returns the allowed decision for ctxKey, and asks the parent for
// anything else.
func (c *allowedCtx) Value(key any) any {
	if _, ok := key.(ctxKey); ok {
		return &c.allowed
	}
	return c.Context.Value(key)
}

// DecisionFrom returns the decision that let the request through, for
// handlers behind the middleware: the scope used (MatchedScope), the
// division checked, the route. ok is false outside the middleware.
func DecisionFrom(ctx context.Context) (d enforce.Decision, ok bool) {
	a, ok := ctx.Value(ctxKey{}).(*allowed)
	if !ok {
		return enforce.Decision{}, false
	}
	return a.decision, true
}

// TokenFrom returns the verified token of the request, for handlers behind
// the middleware: its user (for GET /users/me), client and org. ok is
// false outside the middleware.
func TokenFrom(ctx context.Context) (t grant.Token, ok bool) {
	a, ok := ctx.Value(ctxKey{}).(*allowed)
	if !ok {
		return grant.Token{}, false
	}
	return a.token, true
}

package guard

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/grant"
)

// An Outcome is the guard's answer to one request: the enforcer's
// decision and the verified token, or a refusal of the guard's own. An
// adapter lets the request through when Allowed, with [Outcome.Context]
// for the handler, and otherwise answers with Status, Body and
// WWWAuthenticate (WriteHTTP does all three), or, for gRPC, with Code and
// Explain. The zero Outcome denies.
type Outcome struct {
	decision  enforce.Decision
	token     grant.Token
	err       error
	headerErr *HeaderError
	// A refusal of the guard's own: code is set.
	code, reason, remedy string
}

func refusal(code, reason, remedy string) Outcome {
	return Outcome{code: code, reason: reason, remedy: remedy}
}

// Allowed reports whether the request may proceed.
func (o Outcome) Allowed() bool { return o.code == "" && o.decision.Allowed() }

// Decision returns the enforcer's decision: the zero Decision, which
// denies, for a refusal of the guard's own.
func (o Outcome) Decision() enforce.Decision { return o.decision }

// Token returns the verified token, or the zero Token when the request
// carried none that the verifier accepted.
func (o Outcome) Token() grant.Token { return o.token }

// Err returns why no decision could be made (a store failed, no policy),
// or nil. The guard has logged it already.
func (o Outcome) Err() error { return o.err }

// Status returns the HTTP status: 200 when allowed, the enforcer's for a
// denial, 500 for a refusal of the guard's own.
func (o Outcome) Status() int {
	if o.code != "" {
		return http.StatusInternalServerError
	}
	return o.decision.Status()
}

// Code returns the decision's code (ALLOWED, SCOPE_INSUFFICIENT, ...), or
// the guard's own (CodeMisconfigured, CodeRouteMissing).
func (o Outcome) Code() string {
	if o.code != "" {
		return o.code
	}
	return o.decision.Code().String()
}

// Route returns the endpoint the enforcer judged the request as, such as
// "GET /api/v2/users/{userId}", in the table's own words, or "" when it
// matched none.
func (o Outcome) Route() string { return o.decision.Route() }

// Explain returns what the caller is told, in two parts: the reason and
// the remedy (see enforce.Decision.Explain). A refused Authorization
// header gets a reason that says what is wrong with it, without quoting
// it.
func (o Outcome) Explain() (reason, remedy string) {
	switch {
	case o.code != "":
		return o.reason, o.remedy
	case o.headerErr != nil:
		return "the Authorization header was refused: " + o.headerErr.Reason,
			"send one header, Authorization: Bearer <token>, with a token of at most " + strconv.Itoa(MaxTokenLen) + " bytes"
	}
	return o.decision.Explain()
}

// WWWAuthenticate returns the WWW-Authenticate header of a denial, as
// RFC 6750 §3 defines it, or "" (see enforce.Decision.WWWAuthenticate).
func (o Outcome) WWWAuthenticate() string {
	if o.code != "" {
		return ""
	}
	return o.decision.WWWAuthenticate()
}

// Body returns the JSON body of a denial, in the enforcer's shape,
//
//	{"error": {"message": "...", "code": "SCOPE_INSUFFICIENT", "status": 403}}
//
// byte for byte enforce.Decision.ErrorBody for the enforcer's denials.
func (o Outcome) Body() []byte {
	if o.code == "" && o.headerErr == nil {
		return o.decision.ErrorBody()
	}
	reason, remedy := o.Explain()
	return ErrorBody(o.Status(), o.Code(), reason+". To fix: "+remedy+".")
}

// WriteHTTP answers a denied request: the status, the JSON body, the
// WWW-Authenticate header when there is one, and the headers of
// [WriteError]. It writes nothing for a request that is allowed.
func (o Outcome) WriteHTTP(w http.ResponseWriter) {
	if o.Allowed() {
		return
	}
	if v := o.WWWAuthenticate(); v != "" {
		w.Header().Set("WWW-Authenticate", v)
	}
	writeJSON(w, o.Status(), o.Body())
}

// Context returns ctx carrying the decision and the token, for the
// handler of an allowed request: DecisionFrom and TokenFrom read them.
func (o Outcome) Context(ctx context.Context) context.Context {
	return &allowedCtx{Context: ctx, allowed: allowed{decision: o.decision, token: o.token}}
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

// errorBody is the shape of enforce's error bodies, for the answers the
// guard writes itself.
type errorBody struct {
	Error struct {
		Message string `json:"message"`
		Code    string `json:"code"`
		Status  int    `json:"status"`
	} `json:"error"`
}

// ErrorBody returns an error in the shape of the enforcer's denials,
// {"error": {"message": ..., "code": ..., "status": ...}}, written as
// enforce.Decision.ErrorBody writes it ('<', '>' and '&' as they are, no
// trailing newline).
func ErrorBody(status int, code, message string) []byte {
	var b errorBody
	b.Error.Message, b.Error.Code, b.Error.Status = message, code, status
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b); err != nil {
		// Encoding strings and an int does not fail.
		return []byte(`{"error":{"message":"internal error","code":"INTERNAL","status":500}}`)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// WriteError answers a request with [ErrorBody], with the same headers
// as a denial (Content-Type, Cache-Control: no-store,
// X-Content-Type-Options: nosniff). Handlers behind an adapter use it for
// the checks an endpoint table cannot express, and for their own errors,
// so that a client meets one error format.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	if status < 100 || status > 999 {
		status = http.StatusInternalServerError // net/http panics on anything else
	}
	writeJSON(w, status, ErrorBody(status, code, message))
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

type ctxKey struct{}

type allowed struct {
	decision enforce.Decision
	token    grant.Token
}

// DecisionFrom returns the decision that let the request through, for
// handlers behind an adapter: the scope used (MatchedScope), the division
// checked, the route. ok is false outside an adapter.
func DecisionFrom(ctx context.Context) (d enforce.Decision, ok bool) {
	a, ok := ctx.Value(ctxKey{}).(*allowed)
	if !ok {
		return enforce.Decision{}, false
	}
	return a.decision, true
}

// TokenFrom returns the verified token of the request, for handlers
// behind an adapter: its user (for GET /users/me), client and org. ok is
// false outside an adapter.
func TokenFrom(ctx context.Context) (t grant.Token, ok bool) {
	a, ok := ctx.Value(ctxKey{}).(*allowed)
	if !ok {
		return grant.Token{}, false
	}
	return a.token, true
}

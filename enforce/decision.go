package enforce

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// A Code names the cause of a decision, stably: its text (TOKEN_EXPIRED,
// SCOPE_INSUFFICIENT, ...) is for programs to branch on and will not
// change.
type Code uint8

const (
	_ Code = iota
	// CodeAllowed: the token carries an accepted scope and the caller
	// holds the permission. HTTP 200.
	CodeAllowed
	// CodeTokenMissing: no access token. HTTP 401.
	CodeTokenMissing
	// CodeTokenInvalid: the token is malformed, failed verification, or
	// is not valid yet. HTTP 401.
	CodeTokenInvalid
	// CodeTokenExpired: the token is past its expiry. HTTP 401.
	CodeTokenExpired
	// CodeTokenRevoked: the token, or all of its user's or client's
	// tokens, were revoked. HTTP 401.
	CodeTokenRevoked
	// CodeClientDisabled: the token's OAuth client is disabled or deleted,
	// so its tokens stopped working. HTTP 401.
	CodeClientDisabled
	// CodeEndpointUnknown: no endpoint matches the method and path. HTTP
	// 404, or 403 if the enforcer is so configured.
	CodeEndpointUnknown
	// CodeResourceNotFound: the division resolver found no resource for
	// the path. HTTP 404.
	CodeResourceNotFound
	// CodeUserRequired: the endpoint needs a user and the token has none
	// (client credentials). HTTP 403.
	CodeUserRequired
	// CodeScopeMissing: the token has none of the scopes the endpoint
	// accepts; the permission is there. HTTP 403.
	CodeScopeMissing
	// CodePermissionMissing: the user (or client) lacks the permission,
	// or holds it only in other divisions; the scope is there. HTTP 403.
	CodePermissionMissing
	// CodeScopeAndPermissionMissing: both are missing. HTTP 403.
	CodeScopeAndPermissionMissing
	// CodeDivisionUnresolved: the endpoint is division-aware and the
	// resource's division is unknown. HTTP 403.
	CodeDivisionUnresolved
	// CodeUnavailable: the decision could not be made (no policy, a store
	// failed). HTTP 503.
	CodeUnavailable
)

var codeText = [...]string{
	CodeAllowed:                   "ALLOWED",
	CodeTokenMissing:              "TOKEN_MISSING",
	CodeTokenInvalid:              "TOKEN_INVALID",
	CodeTokenExpired:              "TOKEN_EXPIRED",
	CodeTokenRevoked:              "TOKEN_REVOKED",
	CodeClientDisabled:            "CLIENT_DISABLED",
	CodeEndpointUnknown:           "ENDPOINT_UNKNOWN",
	CodeResourceNotFound:          "RESOURCE_NOT_FOUND",
	CodeUserRequired:              "USER_REQUIRED",
	CodeScopeMissing:              "SCOPE_INSUFFICIENT",
	CodePermissionMissing:         "PERMISSIONS_INSUFFICIENT",
	CodeScopeAndPermissionMissing: "SCOPE_AND_PERMISSIONS_INSUFFICIENT",
	CodeDivisionUnresolved:        "DIVISION_UNRESOLVED",
	CodeUnavailable:               "UNAVAILABLE",
}

// String returns the code's stable text.
func (c Code) String() string {
	if int(c) < len(codeText) && codeText[c] != "" {
		return codeText[c]
	}
	return "Code(" + strconv.Itoa(int(c)) + ")"
}

// MarshalText implements [encoding.TextMarshaler].
func (c Code) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// ErrUnknownCode is returned by [Code.UnmarshalText] for text that is not
// a code's.
var ErrUnknownCode = errors.New("enforce: unknown decision code")

// UnmarshalText implements [encoding.TextUnmarshaler]: it reads the text
// [Code.String] writes (SCOPE_INSUFFICIENT), exactly, for reading back
// the codes of stored [Record] values. Other text, including the
// "Code(n)" of a code that does not exist, is an error wrapping
// [ErrUnknownCode].
func (c *Code) UnmarshalText(text []byte) error {
	for code, t := range codeText {
		if t != "" && t == string(text) {
			*c = Code(code)
			return nil
		}
	}
	return fmt.Errorf("%w: %q", ErrUnknownCode, text)
}

// status returns the HTTP status of a code.
func (c Code) status() int {
	switch c {
	case CodeAllowed:
		return 200
	case CodeTokenMissing, CodeTokenInvalid, CodeTokenExpired, CodeTokenRevoked, CodeClientDisabled:
		return 401
	case CodeEndpointUnknown, CodeResourceNotFound:
		return 404
	case CodeUserRequired, CodeScopeMissing, CodePermissionMissing, CodeScopeAndPermissionMissing, CodeDivisionUnresolved:
		return 403
	}
	return 503
}

// Causes is the set of every cause a decision found.
type Causes uint32

// Has reports whether c contains code.
func (c Causes) Has(code Code) bool { return c&(1<<code) != 0 }

// Codes lists the causes in the order of the constants.
func (c Causes) Codes() []Code {
	var out []Code
	for code := CodeAllowed; code <= CodeUnavailable; code++ {
		if c.Has(code) {
			out = append(out, code)
		}
	}
	return out
}

func (c Causes) String() string {
	names := make([]string, 0, 4)
	for _, code := range c.Codes() {
		names = append(names, code.String())
	}
	return strings.Join(names, ",")
}

// A Decision is the enforcer's answer to one request: allowed or denied,
// with the HTTP status, a stable code, and, for a denial, everything it
// found wrong and how to fix it. The zero Decision denies.
//
// Enforce fills a Decision without allocating. Its explanations (Reason,
// Remedy, MissingPermissions, ErrorBody) are worked out only when read.
type Decision struct {
	code      Code
	causes    Causes
	status    uint16
	policy    *Policy
	settings  *settings
	ep        *endpoint
	perm      permission.Result
	scope     scope.Scope
	client    client.ID
	org       client.OrgID
	user      string
	grantType client.GrantType
	at        time.Time // the token's expiry, or its issue time when not yet valid
	method    string
	path      string
}

// Allowed reports whether the request may proceed.
func (d Decision) Allowed() bool { return d.code == CodeAllowed }

// Code returns the decision's code: for a denial, the first cause by
// precedence (token problems, then the endpoint, then the user, then scope
// and permission, combined when both are missing). The zero Decision has
// CodeUnavailable.
func (d Decision) Code() Code {
	if d.code == 0 {
		return CodeUnavailable
	}
	return d.code
}

// Causes returns every cause found: a request may lack both a token and a
// known endpoint, or both a scope and a permission.
func (d Decision) Causes() Causes { return d.causes }

// Status returns the HTTP status: 200, 401, 403, 404 or 503.
func (d Decision) Status() int {
	if d.status == 0 {
		return 503
	}
	return int(d.status)
}

// Route returns the matched endpoint's method and template, such as
// "GET /api/v2/users/{userId}", or "" if none matched.
func (d Decision) Route() string {
	if d.ep == nil {
		return ""
	}
	return d.ep.route
}

// EndpointName returns the matched endpoint's name, or "".
func (d Decision) EndpointName() string {
	if d.ep == nil {
		return ""
	}
	return d.ep.Name
}

// AcceptedScopes returns the scopes that would have satisfied the
// endpoint, any one of them.
func (d Decision) AcceptedScopes() scope.Set {
	if d.ep == nil {
		return scope.Set{}
	}
	return d.ep.accepted.Scopes()
}

// MatchedScope returns the token's scope that satisfied the endpoint, the
// narrowest when several did ([scope.Catalog.Narrowest]): the scope used,
// for usage tracking. It is zero when none did, when scope
// enforcement is off for the org, and for client-credentials tokens.
func (d Decision) MatchedScope() scope.Scope { return d.scope }

// Division returns the division the permission check applied to, or ""
// for an org-wide endpoint.
func (d Decision) Division() permission.DivisionID { return d.perm.Target().Division() }

// A MissingPermission is a permission the caller lacks, where it was
// needed, and where the caller does hold it.
type MissingPermission struct {
	Permission permission.Permission
	// Division is where the endpoint needed it; "" for org-wide.
	Division permission.DivisionID
	// HeldIn lists the divisions where the caller holds it, sorted.
	HeldIn []permission.DivisionID
}

// MissingPermissions lists what the caller lacks, or nil.
func (d Decision) MissingPermissions() []MissingPermission {
	if !d.causes.Has(CodePermissionMissing) {
		return nil
	}
	var out []MissingPermission
	for _, m := range d.perm.Missing() {
		out = append(out, MissingPermission{Permission: m.Permission, Division: d.Division(), HeldIn: m.HeldIn})
	}
	return out
}

// String returns the code and the reason.
func (d Decision) String() string { return d.Code().String() + ": " + d.Reason() }

// divisionName names a division for people: its name if the org's
// divisions are known, else its ID.
func (d Decision) divisionName(id permission.DivisionID) string {
	if d.policy != nil {
		if divs := d.policy.org(d.org).Divisions; divs != nil {
			if div, ok := divs.Lookup(id); ok {
				return div.Name
			}
		}
	}
	return string(id)
}

// who names the holder of the permissions checked.
func (d Decision) who() string {
	if d.user == "" {
		return "the OAuth client"
	}
	return "the user"
}

func (d Decision) where() string {
	if div := d.Division(); div != "" {
		return " in division " + d.divisionName(div)
	}
	return ""
}

func (d Decision) request() string {
	if d.ep != nil {
		return d.ep.route
	}
	return d.method + " " + strconv.Quote(d.path)
}

// Reason explains the decision in one sentence per cause, for people.
func (d Decision) Reason() string {
	if d.Allowed() {
		return "allowed: " + d.scopeGranted() + ", and " + d.permissionGranted()
	}
	var parts []string
	for _, c := range d.causes.Codes() {
		parts = append(parts, d.reason(c))
	}
	if len(parts) == 0 {
		return "no decision was made"
	}
	return strings.Join(parts, "; and ")
}

// scopeGranted says, for an allowed decision, why the scope check passed.
func (d Decision) scopeGranted() string {
	switch {
	case d.scope.IsValid():
		return "the token has " + d.scope.String()
	case d.user == "":
		return "client-credentials tokens carry no scopes"
	}
	return "scope enforcement is off for the org"
}

// permissionGranted says, for an allowed decision, why the permission
// check passed.
func (d Decision) permissionGranted() string {
	if d.ep == nil || d.ep.Permissions.Kind() == permission.None {
		return "the endpoint requires no permission"
	}
	req := d.perm.Requirement()
	perms := req.Permissions()
	held := joinPermissions(perms, ", ")
	if len(perms) > 1 && req.Kind() == permission.Any {
		held = "one of " + held
	}
	return d.who() + " holds " + held + d.where()
}

func joinPermissions(perms []permission.Permission, sep string) string {
	names := make([]string, len(perms))
	for i, p := range perms {
		names[i] = p.String()
	}
	return strings.Join(names, sep)
}

func missingList(missing []permission.Missing, sep string) string {
	names := make([]string, len(missing))
	for i, m := range missing {
		names[i] = m.Permission.String()
	}
	return strings.Join(names, sep)
}

func (d Decision) reason(c Code) string {
	switch c {
	case CodeTokenMissing:
		return "the request carries no access token"
	case CodeTokenInvalid:
		if !d.at.IsZero() {
			return "the access token is not valid yet: it was issued at " + d.at.UTC().Format(time.RFC3339)
		}
		return "the access token is not valid"
	case CodeTokenExpired:
		return "the access token expired at " + d.at.UTC().Format(time.RFC3339)
	case CodeTokenRevoked:
		return "the access token was revoked"
	case CodeClientDisabled:
		return "the OAuth client " + d.client.String() + " is disabled or deleted, so its tokens no longer work"
	case CodeEndpointUnknown:
		return "no endpoint matches " + d.request()
	case CodeResourceNotFound:
		return "no such resource: " + d.request()
	case CodeUserRequired:
		return d.request() + " acts for a user, and this token, from the client-credentials grant, has none"
	case CodeScopeMissing:
		return "the token has none of the scopes " + d.request() + " accepts: " + join(d.ep.accepted.Scopes().Scopes(), ", ")
	case CodePermissionMissing:
		return d.permissionReason()
	case CodeDivisionUnresolved:
		return "the division of the resource " + d.request() + " touches could not be determined"
	case CodeUnavailable:
		return "the authorization decision could not be made"
	}
	return c.String()
}

func (d Decision) permissionReason() string {
	missing := d.perm.Missing()
	if d.perm.Requirement().Kind() == permission.Any {
		return d.who() + " holds none of " + missingList(missing, ", ") + d.where() + d.heldElsewhere(missing)
	}
	parts := make([]string, len(missing))
	for i, m := range missing {
		parts[i] = d.who() + " lacks " + m.Permission.String() + d.where() + d.heldElsewhere(missing[i:i+1])
	}
	return strings.Join(parts, "; ")
}

// heldElsewhere says where the missing permissions are held, if anywhere.
func (d Decision) heldElsewhere(missing []permission.Missing) string {
	var notes []string
	for _, m := range missing {
		if len(m.HeldIn) == 0 {
			continue
		}
		names := make([]string, len(m.HeldIn))
		for i, id := range m.HeldIn {
			names[i] = d.divisionName(id)
		}
		note := "holds it in " + strings.Join(names, ", ")
		if len(missing) > 1 {
			note = "holds " + m.Permission.String() + " in " + strings.Join(names, ", ")
		}
		notes = append(notes, note)
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, "; ") + ")"
}

// Remedy says what would make the request succeed, in words: "add scope
// users:manage to the OAuth client, then re-authenticate"; "assign a role
// with directory:user:add in division Sales".
func (d Decision) Remedy() string {
	if d.Allowed() {
		return ""
	}
	var parts []string
	for _, c := range d.causes.Codes() {
		if r := d.remedy(c); r != "" {
			parts = append(parts, r)
		}
	}
	return strings.Join(parts, "; and ")
}

func (d Decision) remedy(c Code) string {
	switch c {
	case CodeTokenMissing:
		return "send an access token in the Authorization header: Authorization: Bearer <token>"
	case CodeTokenInvalid, CodeTokenExpired, CodeTokenRevoked:
		return "get a new access token (sign in again)"
	case CodeClientDisabled:
		return "ask an admin to re-enable the OAuth client, or use another one"
	case CodeEndpointUnknown:
		return "check the method and path against the API reference"
	case CodeResourceNotFound:
		return "check the resource's ID"
	case CodeUserRequired:
		return "call it with a token from a user grant (authorization code, implicit or SAML2 bearer), not client credentials"
	case CodeScopeMissing:
		add := "add scope " + d.ep.narrowest.String()
		return add + " to the OAuth client, have the org authorize it, then re-authenticate"
	case CodePermissionMissing:
		missing := d.perm.Missing()
		if d.perm.Requirement().Kind() == permission.Any {
			return "assign " + d.who() + " a role with one of " + missingList(missing, ", ") + d.where()
		}
		return "assign " + d.who() + " a role with " + missingList(missing, " and ") + d.where()
	case CodeDivisionUnresolved:
		return "pass the resource's division in the request, or configure a division resolver"
	case CodeUnavailable:
		return "retry later"
	}
	return ""
}

func join(scopes []scope.Scope, sep string) string {
	names := make([]string, len(scopes))
	for i, s := range scopes {
		names[i] = s.String()
	}
	return strings.Join(names, sep)
}

// WWWAuthenticate returns the value of the WWW-Authenticate header for a
// denial, as RFC 6750 §3 defines it, or "" when none applies (allowed, or
// a denial that is not about the token or its scope):
//
//	Bearer realm="api"                                      (no token)
//	Bearer realm="api", error="invalid_token", error_description="..."
//	Bearer realm="api", error="insufficient_scope", scope="users users:readonly"
func (d Decision) WWWAuthenticate() string {
	var b strings.Builder
	b.WriteString("Bearer")
	sep := " "
	attr := func(k, v string) {
		b.WriteString(sep + k + `="` + v + `"`)
		sep = ", "
	}
	if d.settings != nil && d.settings.realm != "" {
		attr("realm", d.settings.realm)
	}
	switch d.code {
	case CodeTokenMissing:
	case CodeTokenInvalid, CodeTokenExpired, CodeTokenRevoked, CodeClientDisabled:
		attr("error", "invalid_token")
		attr("error_description", map[Code]string{
			CodeTokenInvalid:   "The access token is invalid",
			CodeTokenExpired:   "The access token expired",
			CodeTokenRevoked:   "The access token was revoked",
			CodeClientDisabled: "The OAuth client is disabled",
		}[d.code])
	case CodeScopeMissing, CodeScopeAndPermissionMissing:
		attr("error", "insufficient_scope")
		attr("scope", d.ep.accepted.Scopes().String())
	default:
		return ""
	}
	return b.String()
}

// errorBody is the JSON shape of a denial.
type errorBody struct {
	Error struct {
		Message string `json:"message"`
		Code    string `json:"code"`
		Status  int    `json:"status"`
	} `json:"error"`
}

// ErrorBody returns the JSON body for a denial:
//
//	{"error": {"message": "...", "code": "SCOPE_INSUFFICIENT", "status": 403}}
//
// The message is the reason followed by the remedy. It is written as is:
// '<', '>' and '&' are not escaped, so a remedy reads "Bearer <token>".
func (d Decision) ErrorBody() []byte {
	var body errorBody
	body.Error.Message = d.Reason()
	if r := d.Remedy(); r != "" {
		body.Error.Message += ". To fix: " + r + "."
	}
	body.Error.Code = d.Code().String()
	body.Error.Status = d.Status()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		// Encoding strings and an int does not fail; should it ever,
		// the body still says what happened, without the details.
		return []byte(`{"error":{"message":"the request was denied","code":"` + body.Error.Code + `","status":` + strconv.Itoa(body.Error.Status) + `}}`)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// WriteErrorBody writes [Decision.ErrorBody] to w.
func (d Decision) WriteErrorBody(w io.Writer) error {
	_, err := w.Write(d.ErrorBody())
	return err
}

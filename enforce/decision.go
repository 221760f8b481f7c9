package enforce

import (
	"errors"
	"fmt"
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
	// CodeDivisionUnknown: the request names a division
	// (DivisionFromRequest) that is not one of the token's org's: another
	// org's, or none at all. HTTP 403.
	CodeDivisionUnknown

	numCodes // the number of codes, plus one
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
	CodeDivisionUnknown:           "DIVISION_UNKNOWN",
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
	case CodeUserRequired, CodeScopeMissing, CodePermissionMissing, CodeScopeAndPermissionMissing, CodeDivisionUnresolved, CodeDivisionUnknown:
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
	for code := CodeAllowed; code < numCodes; code++ {
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
	// Flags and small codes first, packed into one word with causes.
	code      Code
	hidden    hidden // why the permission was checked in all divisions, not the resource's
	unscoped  bool   // report-only let a missing scope through, and enforced, the permission would be missing too
	reported  bool   // the token lacked an accepted scope, which the org's report-only mode let through
	lazyScope bool   // the scope check used memo's compiled scopes: MatchedScope works scope out
	hasAt     bool   // at is set
	grantType client.GrantType
	causes    Causes
	policy    *Policy
	settings  *settings
	ep        *endpoint
	perm      permission.Result
	scope     scope.Scope
	client    client.ID
	org       client.OrgID
	user      string
	memo      *memoState // what the request's memo holds, when it was current
	at        int64      // when hasAt: the token's expiry, or its issue time when not yet valid, in Unix seconds
	method    string
	path      string
}

// A hidden says why a permission was checked in all divisions rather
// than the resource's: the caller must not learn whether the resource
// exists.
type hidden uint8

const (
	hiddenNot      hidden = iota
	hiddenAbsent          // no such resource in the org, reported as a missing permission
	hiddenUnscoped        // the token lacks the scope, so the resource was not looked up
)

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
	if d.code == CodeEndpointUnknown && d.settings != nil {
		return int(d.settings.unknownStatus)
	}
	return d.code.status()
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
func (d Decision) MatchedScope() scope.Scope {
	if d.lazyScope && d.ep != nil && d.memo != nil {
		sc, _ := d.ep.accepted.Match(d.memo.token.Scopes)
		return sc
	}
	return d.scope
}

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

// MissingPermissions lists what the caller lacks, or nil. It is for the
// operator, like [Decision.Reason]: HeldIn names divisions, which the
// caller is not told.
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

// setAt records the token time a denial names; a zero time, from a
// verifier that did not say, names none.
func (d *Decision) setAt(t time.Time) {
	if !t.IsZero() {
		d.at, d.hasAt = t.Unix(), true
	}
}

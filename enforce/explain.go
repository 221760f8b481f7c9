package enforce

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/scopegate/scopegate/permission"
)

// A Decision explains itself at two levels. The caller, often a
// third-party app, is told the code, the status, the scopes the endpoint
// accepts and the permissions it lacks ([Decision.Message], which
// [Decision.ErrorBody] carries, and [Decision.WWWAuthenticate]). The
// operator also sees which divisions are concerned, where the caller does
// hold a missing permission, and whether a resource exists
// ([Decision.Reason], [Decision.Remedy], [Decision.MissingPermissions] and
// the hook's [Record]). [WithDetailedErrors] sends the operator's text to
// callers too, for services whose callers are their own staff.

// String returns the code and the operator's reason.
func (d Decision) String() string { return d.Code().String() + ": " + d.Reason() }

// Reason explains the decision in one sentence per cause, for the
// operator: it names divisions, where the caller holds a missing
// permission, and whether the resource exists. What the caller is told is
// [Decision.Message].
func (d Decision) Reason() string { return d.reasons(true) }

// Remedy says what would make the request succeed, for the operator: "add
// scope users:manage to the OAuth client, then re-authenticate"; "assign
// a role with directory:user:add in division Sales". For a scope refusal
// the org's report-only mode let through ([Decision.Unenforced]), it
// also says which scope keeps the call working once scopes are enforced.
func (d Decision) Remedy() string { return d.remedies(true) }

// Message is what the caller is told: the reason and the remedy, naming
// the scopes the endpoint accepts and the permissions the caller lacks,
// but no division, nothing of where the caller holds a permission, and
// nothing of whether a resource the caller may not read exists. A caller
// without the right to read a resource learns neither whether it exists
// nor where it lives.
func (d Decision) Message() string {
	return d.message(false)
}

// Explain returns what [Decision.ErrorBody]'s message tells the caller,
// in two parts: the reason and the remedy ("" when allowed). They are
// [Decision.Message]'s, or the operator's [Decision.Reason] and
// [Decision.Remedy] with [WithDetailedErrors]. It is for transports that
// carry the two in separate fields, such as a gRPC status, whose message
// is the reason, and its error details, which carry the remedy.
func (d Decision) Explain() (reason, remedy string) {
	detail := d.detailed()
	return d.reasons(detail), d.remedies(detail)
}

func (d Decision) message(detail bool) string {
	msg := d.reasons(detail)
	if r := d.remedies(detail); r != "" {
		msg += ". To fix: " + r + "."
	}
	return msg
}

// detailed reports whether callers are told the operator's text.
func (d Decision) detailed() bool { return d.settings != nil && d.settings.detailedErrors }

func (d Decision) reasons(detail bool) string {
	if d.Allowed() {
		if d.reported {
			return "allowed: " + d.reportedScope(detail) + "; and " + d.permissionGranted(detail)
		}
		return "allowed: " + d.scopeGranted() + ", and " + d.permissionGranted(detail)
	}
	var parts []string
	for _, c := range d.causes.Codes() {
		parts = append(parts, d.reason(c, detail))
	}
	if d.reported && detail && d.Unenforced() != 0 {
		parts = append(parts, d.reportedScope(true))
	}
	if len(parts) == 0 {
		return "no decision was made"
	}
	return strings.Join(parts, "; and ")
}

func (d Decision) remedies(detail bool) string {
	if d.Allowed() {
		if d.reported && detail {
			return d.reportedRemedy()
		}
		return ""
	}
	var parts []string
	for _, c := range d.causes.Codes() {
		if r := d.remedy(c, detail); r != "" {
			parts = append(parts, r)
		}
	}
	if d.reported && detail && d.Unenforced() != 0 {
		parts = append(parts, d.reportedRemedy())
	}
	return strings.Join(parts, "; and ")
}

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

// where names the division the permission was checked in, for the
// operator.
func (d Decision) where(detail bool) string {
	if div := d.Division(); detail && div != "" {
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

// scopeGranted says, for an allowed decision, why the scope check passed.
func (d Decision) scopeGranted() string {
	switch sc := d.MatchedScope(); {
	case sc.IsValid():
		return "the token has " + sc.String()
	case d.user == "":
		return "client-credentials tokens carry no scopes"
	}
	return "scope enforcement is off for the org"
}

// permissionGranted says, for an allowed decision, why the permission
// check passed.
func (d Decision) permissionGranted(detail bool) string {
	if d.ep == nil || d.ep.Permissions.Kind() == permission.None {
		return "the endpoint requires no permission"
	}
	req := d.perm.Requirement()
	perms := req.Permissions()
	held := joinNames(perms, ", ")
	if len(perms) > 1 && req.Kind() == permission.Any {
		held = "one of " + held
	}
	return d.who() + " holds " + held + d.where(detail)
}

// joinNames joins the names of scopes or permissions.
func joinNames[T interface{ String() string }](items []T, sep string) string {
	names := make([]string, len(items))
	for i, x := range items {
		names[i] = x.String()
	}
	return strings.Join(names, sep)
}

func missingPermissions(missing []permission.Missing) []permission.Permission {
	out := make([]permission.Permission, len(missing))
	for i, m := range missing {
		out[i] = m.Permission
	}
	return out
}

func (d Decision) reason(c Code, detail bool) string {
	switch c {
	case CodeTokenMissing:
		return "the request carries no access token"
	case CodeTokenInvalid:
		if d.hasAt {
			return "the access token is not valid yet: it was issued at " + time.Unix(d.at, 0).UTC().Format(time.RFC3339)
		}
		return "the access token is not valid"
	case CodeTokenExpired:
		if !d.hasAt { // a verifier refused it without saying when
			return "the access token expired"
		}
		return "the access token expired at " + time.Unix(d.at, 0).UTC().Format(time.RFC3339)
	case CodeTokenRevoked:
		return "the access token was revoked"
	case CodeClientDisabled:
		return "the OAuth client " + d.client.String() + " is disabled or deleted, or was disabled after the token was issued, so the token no longer works"
	case CodeEndpointUnknown:
		return "no endpoint matches " + d.request()
	case CodeResourceNotFound:
		return "no such resource: " + d.request()
	case CodeUserRequired:
		return d.request() + " acts for a user, and this token, from the client-credentials grant, has none"
	case CodeScopeMissing:
		return "the token has none of the scopes " + d.request() + " accepts: " + joinNames(d.ep.accepted.Scopes().Scopes(), ", ")
	case CodePermissionMissing:
		return d.permissionReason(detail)
	case CodeDivisionUnresolved:
		return "the division of the resource " + d.request() + " touches could not be determined"
	case CodeDivisionUnknown:
		return "division " + strconv.Quote(string(d.Division())) + " is not one of the org's divisions"
	case CodeUnavailable:
		return "the authorization decision could not be made"
	}
	return c.String()
}

// resourceDivision reports whether the endpoint's division is that of the
// resource its path names, found by the division resolver: then what the
// caller is told of the permission must not depend on the resource.
func (d Decision) resourceDivision() bool { return d.ep != nil && d.ep.divParam >= 0 }

func (d Decision) permissionReason(detail bool) string {
	missing := d.perm.Missing()
	switch {
	case d.hidden == hiddenAbsent && detail:
		return "no resource matches " + d.request() + " in org " + string(d.org) + "; " + d.who() + " does not hold " +
			joinNames(missingPermissions(missing), ", ") + " in all divisions, so it is told " + CodePermissionMissing.String() +
			" rather than whether the resource exists"
	case d.hidden == hiddenUnscoped && detail:
		return "without an accepted scope the resource " + d.request() + " names is not looked up, and " + d.who() +
			" does not hold " + joinNames(missingPermissions(missing), ", ") + " in all divisions"
	case !detail && d.resourceDivision():
		// The same text whether the resource exists, and wherever it is:
		// the requirement, not what is missing in the resource's division.
		req := d.ep.Permissions
		switch perms := req.Permissions(); {
		case len(perms) == 1:
			return d.who() + " lacks " + perms[0].String()
		case req.Kind() == permission.Any:
			return d.who() + " holds none of " + joinNames(perms, ", ")
		default:
			return d.who() + " does not hold all of " + joinNames(perms, ", ")
		}
	}
	if d.perm.Requirement().Kind() == permission.Any {
		return d.who() + " holds none of " + joinNames(missingPermissions(missing), ", ") + d.where(detail) + d.heldElsewhere(missing, detail)
	}
	parts := make([]string, len(missing))
	for i, m := range missing {
		parts[i] = d.who() + " lacks " + m.Permission.String() + d.where(detail) + d.heldElsewhere(missing[i:i+1], detail)
	}
	return strings.Join(parts, "; ")
}

// heldElsewhere says, for the operator, where the missing permissions are
// held, if anywhere.
func (d Decision) heldElsewhere(missing []permission.Missing, detail bool) string {
	if !detail {
		return ""
	}
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

func (d Decision) remedy(c Code, detail bool) string {
	switch c {
	case CodeTokenMissing:
		return "send an access token in the Authorization header: Authorization: Bearer <token>"
	case CodeTokenInvalid, CodeTokenExpired, CodeTokenRevoked:
		return "get a new access token (sign in again)"
	case CodeClientDisabled:
		return "ask an admin to re-enable the OAuth client, or use another one, and get a new access token"
	case CodeEndpointUnknown:
		return "check the method and path against the API reference"
	case CodeResourceNotFound:
		return "check the resource's ID"
	case CodeUserRequired:
		return "call it with a token from a user grant (authorization code, implicit or SAML2 bearer), not client credentials"
	case CodeScopeMissing:
		return "add scope " + d.ep.narrowest.String() + " to the OAuth client, have the org authorize it, then re-authenticate"
	case CodePermissionMissing:
		switch {
		case d.hidden == hiddenAbsent && detail:
			return "check the resource's ID: no resource of the org matches it"
		case !detail && d.resourceDivision():
			req := d.ep.Permissions
			if req.Kind() == permission.Any && len(req.Permissions()) > 1 {
				return "assign " + d.who() + " a role with one of " + joinNames(req.Permissions(), ", ")
			}
			return "assign " + d.who() + " a role with " + joinNames(req.Permissions(), " and ")
		}
		missing := missingPermissions(d.perm.Missing())
		if d.perm.Requirement().Kind() == permission.Any {
			return "assign " + d.who() + " a role with one of " + joinNames(missing, ", ") + d.where(detail)
		}
		return "assign " + d.who() + " a role with " + joinNames(missing, " and ") + d.where(detail)
	case CodeDivisionUnresolved:
		return "pass the resource's division in the request, or configure a division resolver"
	case CodeDivisionUnknown:
		return "name a division of the org"
	case CodeUnavailable:
		return "retry later"
	}
	return ""
}

// tokenErrorDescription is the error_description of an invalid_token
// challenge, by code.
var tokenErrorDescription = [numCodes]string{
	CodeTokenInvalid:   "The access token is invalid",
	CodeTokenExpired:   "The access token expired",
	CodeTokenRevoked:   "The access token was revoked",
	CodeClientDisabled: "The OAuth client is disabled",
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
		attr("error_description", tokenErrorDescription[d.code])
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

// errNilWriter is WriteErrorBody's error for a nil io.Writer.
var errNilWriter = errors.New("enforce: WriteErrorBody to a nil io.Writer")

// ErrorBody returns the JSON body for a denial:
//
//	{"error": {"message": "...", "code": "SCOPE_INSUFFICIENT", "status": 403}}
//
// The message is [Decision.Message], what the caller may be told (the
// operator's [Decision.Reason] and [Decision.Remedy] with
// [WithDetailedErrors]). It is written as is: '<', '>' and '&' are not
// escaped, so a remedy reads "Bearer <token>".
func (d Decision) ErrorBody() []byte {
	var body errorBody
	body.Error.Message = d.message(d.detailed())
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

// WriteErrorBody writes [Decision.ErrorBody] to w; a nil w is an error.
func (d Decision) WriteErrorBody(w io.Writer) error {
	if w == nil {
		return errNilWriter
	}
	_, err := w.Write(d.ErrorBody())
	return err
}

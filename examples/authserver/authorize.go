package authserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/scope"
)

// ConsentLifetime is how long a consent page may be answered.
const ConsentLifetime = 10 * time.Minute

// authzRequest is an authorization request whose client and redirect URI
// were checked: from here on, errors go back to the redirect URI.
type authzRequest struct {
	p        params
	client   client.Client
	redirect string
	// fragment sends the answer in the fragment (the implicit grant).
	fragment     bool
	responseType string
	state        string
}

// authorize is the authorization endpoint (RFC 6749 §4.1.1, §4.2.1, RFC
// 7636 §4.3): GET shows the consent page, POST takes its answer.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	var p params
	var e *oauthError
	switch r.Method {
	case http.MethodGet:
		p, e = parseParams(r.URL.RawQuery)
	case http.MethodPost:
		p, e = readForm(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		s.errorPage(w, http.StatusMethodNotAllowed, "invalid_request", "use GET")
		return
	}
	if e != nil {
		// The parameters could not be read, so neither could the
		// redirect URI: say so here (RFC 6749 §4.1.2.1).
		s.errorPage(w, e.status, e.code, e.desc)
		return
	}
	ar, ok := s.checkClient(w, r, p)
	if !ok {
		return
	}
	if e := ar.check(); e != nil {
		s.redirectError(w, r, ar, e.code, e.desc)
		return
	}
	sess, ok := s.cfg.SignIn(w, r)
	if !ok {
		return
	}
	req := ar.grantRequest(sess)
	ctx := r.Context()
	prompt, err := s.cfg.Grants.Prompt(ctx, req)
	if err != nil {
		code, desc := authorizeError(err)
		s.redirectError(w, r, ar, code, desc)
		return
	}
	if r.Method == http.MethodPost {
		if !s.answer(w, r, ar, sess, req, prompt) {
			return
		}
	} else if !prompt.Consented {
		s.consentPage(w, ar, sess, prompt)
		return
	}
	s.issue(w, r, ar, req)
}

// checkClient checks client_id and redirect_uri. When either is wrong,
// the user is told on an error page and nothing is redirected: a request
// must not make the server redirect to a URI the client did not register.
func (s *Server) checkClient(w http.ResponseWriter, r *http.Request, p params) (authzRequest, bool) {
	id, err := client.ParseID(p.get("client_id"))
	if err != nil {
		s.errorPage(w, http.StatusBadRequest, "invalid_request", "client_id is missing or malformed")
		return authzRequest{}, false
	}
	c, err := s.cfg.Clients.Client(r.Context(), id)
	switch {
	case errors.Is(err, client.ErrNotFound):
		s.errorPage(w, http.StatusBadRequest, "invalid_client", "no application has this client_id")
		return authzRequest{}, false
	case err != nil:
		s.errorPage(w, http.StatusServiceUnavailable, "temporarily_unavailable", "the application could not be looked up; try again later")
		return authzRequest{}, false
	}
	redirect := p.get("redirect_uri")
	switch {
	case redirect == "":
		s.errorPage(w, http.StatusBadRequest, "invalid_request", "redirect_uri is missing")
		return authzRequest{}, false
	case !c.GrantType.UsesRedirectURIs() || !c.MatchRedirectURI(redirect):
		s.errorPage(w, http.StatusBadRequest, "invalid_request", "redirect_uri is not one the application registered")
		return authzRequest{}, false
	}
	rt := p.get("response_type")
	return authzRequest{p: p, client: c, redirect: redirect, responseType: rt, state: p.get("state"),
		fragment: rt == "token" || rt != "code" && c.GrantType == client.Implicit}, true
}

// check checks the rest of the request; its errors are redirected.
func (ar *authzRequest) check() *oauthError {
	p := ar.p
	unauthorized := func(desc string) *oauthError {
		return &oauthError{status: http.StatusBadRequest, code: "unauthorized_client", desc: desc}
	}
	switch ar.responseType {
	case "":
		return badRequest("response_type is missing")
	case "code":
		if ar.client.GrantType != client.AuthorizationCode {
			return unauthorized("the application may not use the authorization code grant")
		}
	case "token":
		if ar.client.GrantType != client.Implicit {
			return unauthorized("the application may not use the implicit grant")
		}
	default:
		return &oauthError{status: http.StatusBadRequest, code: "unsupported_response_type", desc: "response_type must be code or token"}
	}
	if sc := p.get("scope"); sc != "" {
		if _, err := scope.ParseSet(sc); err != nil {
			return &oauthError{status: http.StatusBadRequest, code: "invalid_scope", desc: "scope is not a space-separated list of scopes"}
		}
	}
	challenge, method := p.get("code_challenge"), p.get("code_challenge_method")
	switch {
	case ar.responseType == "token" && (challenge != "" || method != ""):
		return badRequest("PKCE belongs to the authorization code grant")
	case challenge == "" && method != "":
		return badRequest("code_challenge_method without code_challenge")
	case challenge != "" && method != "S256":
		return badRequest("code_challenge_method must be S256")
	case challenge != "" && !validChallenge(challenge):
		return badRequest("code_challenge must be 43 base64url characters")
	case challenge == "" && ar.responseType == "code" && ar.client.Public:
		return badRequest("code_challenge is required: the application is public")
	}
	return nil
}

func validChallenge(s string) bool {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == sha256.Size
}

func (ar *authzRequest) grantRequest(sess Session) grant.AuthorizeRequest {
	scopes, _ := scope.ParseSet(ar.p.get("scope")) // checked; "" is the empty set
	return grant.AuthorizeRequest{Org: sess.Org, Client: ar.client.ID, User: sess.User, RedirectURI: ar.redirect, Scopes: scopes,
		CodeChallenge: ar.p.get("code_challenge"), CodeChallengeMethod: ar.p.get("code_challenge_method")}
}

// authorizeError maps an issuer's refusal to RFC 6749 §4.1.2.1's errors.
func authorizeError(err error) (code, desc string) {
	switch {
	case errors.Is(err, grant.ErrNotMember):
		return "access_denied", "the user does not belong to the org"
	case errors.Is(err, client.ErrNotAuthorized):
		return "access_denied", "the org has not authorized the application"
	case errors.Is(err, grant.ErrConsentDenied):
		return "access_denied", "the user denied the request"
	case errors.Is(err, grant.ErrClientState):
		return "unauthorized_client", "the application may not get tokens in its current state"
	case errors.Is(err, grant.ErrGrantType):
		return "unauthorized_client", "the application may not use this grant"
	case errors.Is(err, grant.ErrNoScope):
		return "invalid_scope", "no requested scope is one the application may have"
	case errors.Is(err, grant.ErrPKCE), errors.Is(err, grant.ErrInvalidRequest), errors.Is(err, grant.ErrRedirectURI):
		return "invalid_request", "the request is malformed"
	}
	return "server_error", "the request could not be handled; try again later"
}

// redirectError sends the user back to the client with an error (RFC
// 6749 §4.1.2.1, §4.2.2.1).
func (s *Server) redirectError(w http.ResponseWriter, r *http.Request, ar authzRequest, code, desc string) {
	v := url.Values{"error": {code}, "error_description": {description(desc)}}
	s.redirect(w, r, ar, v)
}

// redirect sends the user to the redirect URI with v in the query or the
// fragment, and the state.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, ar authzRequest, v url.Values) {
	if ar.state != "" {
		v.Set("state", ar.state)
	}
	u, err := url.Parse(ar.redirect)
	if err != nil { // a registered URI: never
		s.errorPage(w, http.StatusInternalServerError, "server_error", "the redirect URI is malformed")
		return
	}
	if ar.fragment {
		u.Fragment, u.RawFragment = "", ""
		target := u.String() + "#" + v.Encode()
		s.sendTo(w, r, target)
		return
	}
	q := u.Query()
	for k, vals := range v {
		q[k] = vals
	}
	u.RawQuery = q.Encode()
	s.sendTo(w, r, u.String())
}

func (s *Server) sendTo(w http.ResponseWriter, r *http.Request, target string) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	status := http.StatusFound
	if r.Method == http.MethodPost {
		status = http.StatusSeeOther // the browser follows with a GET
	}
	w.Header().Set("Location", target)
	w.WriteHeader(status)
}

// issue runs the grant and redirects with the code or the token.
func (s *Server) issue(w http.ResponseWriter, r *http.Request, ar authzRequest, req grant.AuthorizeRequest) {
	ctx := r.Context()
	if ar.responseType == "code" {
		code, err := s.cfg.Grants.AuthorizeCode(ctx, req)
		if err != nil {
			c, d := authorizeError(err)
			s.redirectError(w, r, ar, c, d)
			return
		}
		s.redirect(w, r, ar, url.Values{"code": {code.Reveal()}})
		return
	}
	tok, err := s.cfg.Grants.Implicit(ctx, req)
	if err != nil {
		c, d := authorizeError(err)
		s.redirectError(w, r, ar, c, d)
		return
	}
	at, err := s.cfg.Encoder.Encode(tok)
	if err != nil {
		s.redirectError(w, r, ar, "server_error", "the token could not be signed")
		return
	}
	v := url.Values{"access_token": {at}, "token_type": {"Bearer"}, "expires_in": {strconv.FormatInt(s.expiresIn(tok), 10)}}
	if !tok.Scopes.IsEmpty() {
		v.Set("scope", tok.Scopes.String())
	}
	s.redirect(w, r, ar, v)
}

// answer records the user's answer to the consent page; it reports
// whether to go on and issue.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, ar authzRequest, sess Session, req grant.AuthorizeRequest, prompt grant.Prompt) bool {
	p := ar.p
	shown, err := scope.ParseSet(p.get("shown"))
	exp, err2 := strconv.ParseInt(p.get("expires"), 10, 64)
	if err != nil || err2 != nil || !s.checkCSRF(p.get("csrf"), sess, p, exp) {
		s.errorPage(w, http.StatusForbidden, "access_denied", "the consent form is not this server's, or not for this user: start again from the application")
		return false
	}
	if !s.cfg.Now().Before(time.Unix(exp, 0)) {
		s.errorPage(w, http.StatusForbidden, "access_denied", "the consent form expired: start again from the application")
		return false
	}
	var allow bool
	switch p.get("decision") {
	case "allow":
		allow = true
	case "deny":
	default:
		s.errorPage(w, http.StatusBadRequest, "invalid_request", "the consent form has no answer")
		return false
	}
	err = s.cfg.Grants.Consent(r.Context(), req, shown, allow)
	switch {
	case errors.Is(err, grant.ErrConsentRequired):
		// The request grew since the page was shown: show it again.
		s.consentPage(w, ar, sess, prompt)
		return false
	case err != nil:
		code, desc := authorizeError(err)
		s.redirectError(w, r, ar, code, desc)
		return false
	}
	return true
}

// csrfFields are the request parameters the consent form carries back,
// all bound by its CSRF token.
var csrfFields = []string{"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "shown"}

// csrf is the consent form's token: an HMAC, under the server's key, of
// the user, the org, every parameter of the request, the scopes shown and
// the expiry. A page of another site cannot make one for the user, and a
// form answers only the request it was shown for.
func (s *Server) csrf(sess Session, p params, exp int64) string {
	m := hmac.New(sha256.New, s.csrfKey)
	put := func(v string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(v)))
		m.Write(n[:])
		m.Write([]byte(v))
	}
	put("scopegate consent v1")
	put(sess.User)
	put(string(sess.Org))
	for _, f := range csrfFields {
		put(p.get(f))
	}
	put(strconv.FormatInt(exp, 10))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) checkCSRF(got string, sess Session, p params, exp int64) bool {
	want := s.csrf(sess, p, exp)
	return hmac.Equal([]byte(got), []byte(want))
}

// consentView is what the consent page shows.
type consentView struct {
	App         string
	Description string
	User        string
	Scopes      []grant.ScopeDescription
	Action      string
	Fields      map[string]string
}

func (s *Server) consentPage(w http.ResponseWriter, ar authzRequest, sess Session, prompt grant.Prompt) {
	fields := map[string]string{}
	for _, f := range csrfFields {
		if v := ar.p.get(f); v != "" {
			fields[f] = v
		}
	}
	fields["shown"] = prompt.ScopeSet().String()
	exp := s.cfg.Now().Add(ConsentLifetime).Unix()
	withShown := params{}
	for k, v := range fields {
		withShown[k] = []string{v}
	}
	fields["expires"] = strconv.FormatInt(exp, 10)
	fields["csrf"] = s.csrf(sess, withShown, exp)
	s.page(w, http.StatusOK, consentTemplate, consentView{App: prompt.App, Description: prompt.Description, User: sess.User,
		Scopes: prompt.Scopes, Action: s.path + PathAuthorize, Fields: fields})
}

// errorPage tells the user what went wrong, without redirecting.
func (s *Server) errorPage(w http.ResponseWriter, status int, code, desc string) {
	s.page(w, status, errorTemplate, struct{ Code, Description string }{code, desc})
}

func (s *Server) page(w http.ResponseWriter, status int, t *template.Template, data any) {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		status = http.StatusInternalServerError
		b.Reset()
		b.WriteString("<!doctype html><title>Error</title><p>The page could not be shown.")
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

const style = `<style>
body { font-family: system-ui, sans-serif; max-width: 34em; margin: 3em auto; color: #222; }
li { margin: .6em 0; } code { font-weight: bold; } .desc { color: #555; }
button { font-size: 1em; padding: .5em 1.5em; margin-right: 1em; }
</style>`

var consentTemplate = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize {{.App}}</title>` + style + `</head>
<body>
<h1 id="app">{{.App}}</h1>
{{if .Description}}<p id="app-description">{{.Description}}</p>{{end}}
<p>wants to access your account{{if .User}} ({{.User}}){{end}}. It will be able to:</p>
<ul id="scopes">
{{range .Scopes}}<li class="scope" data-scope="{{.Scope}}"><code>{{.Scope}}</code> <span class="desc">{{.Description}}</span></li>
{{end}}</ul>
<p>Allow all of these, or none.</p>
<form method="post" action="{{.Action}}">
{{range $k, $v := .Fields}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<button type="submit" id="allow" name="decision" value="allow">Allow</button>
<button type="submit" id="deny" name="decision" value="deny">Deny</button>
</form>
</body></html>
`))

var errorTemplate = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorization error</title>` + style + `</head>
<body><h1>The application's request cannot be completed</h1>
<p id="error"><code>{{.Code}}</code>: {{.Description}}</p>
</body></html>
`))

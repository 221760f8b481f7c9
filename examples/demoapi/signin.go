package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/scopegate/scopegate/examples/authserver"
)

// sessionCookie holds who signed in to the demo: the user's ID and an
// HMAC of it under a key made at start-up.
const sessionCookie = "demoapi_session"

// sessions is the demo's sign-in: a page that lists the demo org's
// users, and a signed cookie. A real service signs users in with its
// identity provider; the authorization endpoint only needs the hook.
type sessions struct {
	key   []byte
	users map[string]bool
}

func newSessions() (*sessions, error) {
	s := &sessions{key: make([]byte, 32), users: map[string]bool{}}
	if _, err := rand.Read(s.key); err != nil {
		return nil, err
	}
	for _, u := range demoUsers {
		s.users[u.id] = true
	}
	return s, nil
}

func (s *sessions) mac(user string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(user))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// cookieValue is what the session cookie of user holds.
func (s *sessions) cookieValue(user string) string { return user + "." + s.mac(user) }

// user returns the signed-in user of a request, if any.
func (s *sessions) user(r *http.Request) (string, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", false
	}
	user, sum, ok := strings.Cut(c.Value, ".")
	if !ok || !s.users[user] || !hmac.Equal([]byte(sum), []byte(s.mac(user))) {
		return "", false
	}
	return user, true
}

// signIn is the authorization endpoint's hook: the signed-in user, in the
// demo org, or a redirect to the sign-in page that comes back here.
func (s *sessions) signIn(w http.ResponseWriter, r *http.Request) (authserver.Session, bool) {
	if user, ok := s.user(r); ok {
		return authserver.Session{User: user, Org: demoOrg}, true
	}
	if r.Method != http.MethodGet {
		http.Error(w, "sign in first", http.StatusForbidden)
		return authserver.Session{}, false
	}
	http.Redirect(w, r, "/login?"+url.Values{"return": {r.URL.RequestURI()}}.Encode(), http.StatusFound)
	return authserver.Session{}, false
}

// returnTo is where the sign-in page may send the user back to: the
// authorization endpoint only, never another site.
func returnTo(r string) string {
	if strings.HasPrefix(r, "/oauth/authorize?") {
		return r
	}
	return "/oauth/authorize"
}

var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to the demo org</title></head>
<body><h1>Sign in to the demo org</h1>
<p>This demo has no passwords: pick who you are.</p>
<form method="post" action="/login">
<input type="hidden" name="return" value="{{.Return}}">
{{range .Users}}<p><button type="submit" name="user" value="{{.ID}}" id="user-{{.ID}}">{{.Name}}</button> ({{.ID}}, role {{.Role}})</p>
{{end}}</form></body></html>
`))

func (s *sessions) loginPage(w http.ResponseWriter, r *http.Request) {
	type user struct{ ID, Name, Role string }
	var users []user
	for _, u := range demoUsers {
		users = append(users, user{u.id, u.name, string(u.role)})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Frame-Options", "DENY")
	_ = loginTemplate.Execute(w, struct {
		Return string
		Users  []user
	}{returnTo(r.URL.Query().Get("return")), users})
}

func (s *sessions) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil || !s.users[r.PostForm.Get("user")] {
		http.Error(w, "no such demo user", http.StatusBadRequest)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.cookieValue(r.PostForm.Get("user")), Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, returnTo(r.PostForm.Get("return")), http.StatusSeeOther)
}

var callbackTemplate = template.Must(template.New("callback").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Back at the app</title></head>
<body><h1>Back at the app</h1>
{{if .Error}}<p id="error">error={{.Error}}: {{.Description}}</p>{{else}}<p>The app got an authorization code:</p>
<pre id="code">{{.Code}}</pre><p>Exchange it at the token endpoint (see the curl command the demo printed).</p>{{end}}
{{if .State}}<p>state={{.State}}</p>{{end}}
</body></html>
`))

// callbackPage plays the app's redirect URI, for the flow in a browser:
// it shows the code (or the error) the authorization endpoint sent.
func callbackPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = callbackTemplate.Execute(w, struct{ Code, State, Error, Description string }{q.Get("code"), q.Get("state"), q.Get("error"), q.Get("error_description")})
}

package authserver

import (
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/scopegate/scopegate/client"
)

// errorBody is the JSON error of RFC 6749 §5.2.
type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// An oauthError is a refusal: the RFC's error code, a description for
// the client (never a secret, never a store's error), and the status.
type oauthError struct {
	status int
	code   string
	desc   string
	// basic asks for a WWW-Authenticate: Basic challenge (RFC 6749 §5.2,
	// invalid_client after an Authorization header).
	basic bool
}

func badRequest(desc string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: "invalid_request", desc: desc}
}

func (e *oauthError) write(w http.ResponseWriter) {
	if e.basic {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth", charset="UTF-8"`)
	}
	writeJSON(w, e.status, errorBody{Error: e.code, Description: description(e.desc)})
}

// description keeps to the characters RFC 6749 §5.2 allows in an
// error_description (printable ASCII but '"' and '\\'), replacing the
// others with '?'.
func description(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			b[i] = '?'
		}
	}
	return string(b)
}

// params are a request's parameters, each at most once (RFC 6749 §3.1,
// §3.2). An empty value counts as absent.
type params url.Values

// get returns the parameter's value, "" when absent.
func (p params) get(name string) string {
	if v := p[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// repeated returns the first parameter sent more than once, or "".
func (p params) repeated() string {
	var names []string
	for name, v := range p {
		if len(v) > 1 {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	first := names[0]
	for _, n := range names {
		first = min(first, n)
	}
	return first
}

// parseParams reads an application/x-www-form-urlencoded string, strictly:
// a malformed escape or a parameter sent twice is an error. Empty values
// are dropped.
func parseParams(raw string) (params, *oauthError) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return nil, badRequest("the parameters are not application/x-www-form-urlencoded")
	}
	p := params(v)
	if name := p.repeated(); name != "" {
		return nil, badRequest("parameter '" + clip(name) + "' is repeated")
	}
	for name, vals := range p {
		if vals[0] == "" {
			delete(p, name)
		}
	}
	return p, nil
}

// readForm reads a POST's form body: the method, the content type, no
// parameters in the URL, and at most MaxBodyBytes.
func readForm(w http.ResponseWriter, r *http.Request) (params, *oauthError) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		return nil, &oauthError{status: http.StatusMethodNotAllowed, code: "invalid_request", desc: "use POST"}
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, badRequest("the body must be application/x-www-form-urlencoded")
	}
	if r.URL.RawQuery != "" {
		return nil, badRequest("parameters go in the body, not the URL")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, badRequest("the body is over " + strconv.Itoa(MaxBodyBytes) + " bytes")
		}
		return nil, badRequest("the body could not be read")
	}
	return parseParams(string(body))
}

// clientAuth is how a client authenticated: its ID, its secret (none for
// a public client), and whether it used the Authorization header.
type clientAuth struct {
	id     client.ID
	secret client.Secret
	basic  bool
}

// invalidClient is the answer to a client that did not authenticate.
func invalidClient(basic bool) *oauthError {
	return &oauthError{status: http.StatusUnauthorized, code: "invalid_client", desc: "client authentication failed", basic: basic}
}

// readClientAuth reads client_secret_basic (RFC 6749 §2.3.1: the ID and
// the secret form-encoded, then Basic) or client_secret_post, or a bare
// client_id for a public client; using both methods at once is refused.
func readClientAuth(r *http.Request, p params) (clientAuth, *oauthError) {
	hdrs := r.Header.Values("Authorization")
	if len(hdrs) == 0 {
		if p.get("client_id") == "" {
			return clientAuth{}, invalidClient(false)
		}
		id, err := client.ParseID(p.get("client_id"))
		if err != nil {
			return clientAuth{}, invalidClient(false)
		}
		return clientAuth{id: id, secret: client.SecretFrom(p.get("client_secret"))}, nil
	}
	if len(hdrs) > 1 {
		return clientAuth{}, badRequest("more than one Authorization header")
	}
	if p.get("client_secret") != "" {
		return clientAuth{}, badRequest("the client authenticated in the header and the body: use one method")
	}
	id, secret, ok := parseBasic(hdrs[0])
	if !ok {
		return clientAuth{}, invalidClient(true)
	}
	cid, err := client.ParseID(id)
	if err != nil {
		return clientAuth{}, invalidClient(true)
	}
	if body := p.get("client_id"); body != "" && body != id {
		return clientAuth{}, badRequest("client_id differs from the authenticated client")
	}
	return clientAuth{id: cid, secret: client.SecretFrom(secret), basic: true}, nil
}

// parseBasic reads "Basic base64(urlencode(id) ":" urlencode(secret))".
func parseBasic(h string) (id, secret string, ok bool) {
	scheme, cred, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Basic") || len(cred) > 1024 {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimLeft(cred, " "))
	if err != nil {
		return "", "", false
	}
	rawID, rawSecret, found := strings.Cut(string(raw), ":")
	if !found {
		return "", "", false
	}
	id, err1 := url.QueryUnescape(rawID)
	secret, err2 := url.QueryUnescape(rawSecret)
	if err1 != nil || err2 != nil || id == "" {
		return "", "", false
	}
	return id, secret, true
}

// clip shortens a value from a request for a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

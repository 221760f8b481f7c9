package authserver

import (
	"errors"
	"net/http"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
)

// revoke is the revocation endpoint (RFC 7009): a client revokes one of
// its own access tokens. Anything that is not a valid token of ours is
// answered 200 too, as §2.2 asks.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	p, e := readForm(w, r)
	if e != nil {
		e.write(w)
		return
	}
	auth, e := readClientAuth(r, p)
	if e != nil {
		e.write(w)
		return
	}
	c, err := s.authenticate(r, auth, true)
	if err != nil {
		invalidClient(auth.basic).write(w)
		return
	}
	raw := p.get("token")
	if raw == "" {
		badRequest("token is missing").write(w)
		return
	}
	tok, err := s.cfg.Verifier.VerifyToken(r.Context(), raw)
	switch {
	case err != nil && !errors.Is(err, grant.ErrExpired) || !tok.ID.IsValid():
		w.WriteHeader(http.StatusOK) // not a token of ours: nothing to revoke
		return
	case tok.Client != c.ID:
		(&oauthError{status: http.StatusBadRequest, code: "unauthorized_client", desc: "the token was issued to another client"}).write(w)
		return
	}
	if err := s.cfg.Revocations.RevokeToken(r.Context(), tok); err != nil {
		w.Header().Set("Retry-After", "5")
		(&oauthError{status: http.StatusServiceUnavailable, code: "temporarily_unavailable", desc: "the token could not be revoked; try again"}).write(w)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// introspection is RFC 7662 §2.2's answer.
type introspection struct {
	Active    bool     `json:"active"`
	Scope     string   `json:"scope,omitempty"`
	ClientID  string   `json:"client_id,omitempty"`
	Username  string   `json:"username,omitempty"`
	TokenType string   `json:"token_type,omitempty"`
	Exp       int64    `json:"exp,omitempty"`
	Iat       int64    `json:"iat,omitempty"`
	Sub       string   `json:"sub,omitempty"`
	Aud       []string `json:"aud,omitempty"`
	Iss       string   `json:"iss,omitempty"`
	Jti       string   `json:"jti,omitempty"`
	Org       string   `json:"org_id,omitempty"`
	GrantType string   `json:"grant_type,omitempty"`
}

// introspect is the introspection endpoint (RFC 7662), for the resource
// servers in Config.Introspectors.
func (s *Server) introspect(w http.ResponseWriter, r *http.Request) {
	p, e := readForm(w, r)
	if e != nil {
		e.write(w)
		return
	}
	auth, e := readClientAuth(r, p)
	if e != nil {
		e.write(w)
		return
	}
	c, err := s.authenticate(r, auth, false)
	if err != nil {
		invalidClient(auth.basic).write(w)
		return
	}
	if !s.introspector[c.ID] {
		(&oauthError{status: http.StatusForbidden, code: "unauthorized_client", desc: "the client may not introspect tokens"}).write(w)
		return
	}
	raw := p.get("token")
	if raw == "" {
		badRequest("token is missing").write(w)
		return
	}
	tok, err := s.cfg.Verifier.VerifyToken(r.Context(), raw)
	if err != nil {
		writeJSON(w, http.StatusOK, introspection{})
		return
	}
	if err := s.cfg.Validator.Validate(r.Context(), tok); err != nil {
		if isRefusal(err) {
			writeJSON(w, http.StatusOK, introspection{})
			return
		}
		(&oauthError{status: http.StatusServiceUnavailable, code: "temporarily_unavailable", desc: "the token could not be checked; try again"}).write(w)
		return
	}
	out := introspection{Active: true, Scope: tok.Scopes.String(), ClientID: tok.Client.String(), Username: tok.User, TokenType: "Bearer",
		Exp: tok.ExpiresAt.Unix(), Iat: tok.IssuedAt.Unix(), Sub: tok.User, Aud: s.cfg.Encoder.Audience(), Iss: s.cfg.Issuer,
		Jti: tok.ID.String(), Org: string(tok.Org), GrantType: tok.GrantType.String()}
	if tok.GrantType == client.ClientCredentials {
		out.Sub = out.ClientID
	}
	writeJSON(w, http.StatusOK, out)
}

func isRefusal(err error) bool {
	for _, s := range []error{grant.ErrMalformed, grant.ErrExpired, grant.ErrNotYetValid, grant.ErrRevoked, grant.ErrClientDisabled} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

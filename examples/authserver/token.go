package authserver

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/scope"
)

// tokenResponse is RFC 6749 §5.1's.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope,omitempty"`
}

// token is the token endpoint (RFC 6749 §3.2, §4.1.3, §4.4; RFC 7522).
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
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
	ctx := r.Context()
	var tok grant.Token
	var err error
	switch gt := p.get("grant_type"); gt {
	case "":
		badRequest("grant_type is missing").write(w)
		return
	case "authorization_code":
		switch {
		case p.get("code") == "":
			badRequest("code is missing").write(w)
			return
		case p.get("redirect_uri") == "":
			badRequest("redirect_uri is missing: send the one of the authorization request").write(w)
			return
		}
		tok, err = s.cfg.Grants.Exchange(ctx, grant.ExchangeRequest{Client: auth.id, Secret: auth.secret, Code: grant.CodeFrom(p.get("code")),
			RedirectURI: p.get("redirect_uri"), CodeVerifier: grant.CodeVerifierFrom(p.get("code_verifier"))})
	case "client_credentials":
		if p.get("scope") != "" {
			(&oauthError{status: http.StatusBadRequest, code: "invalid_scope",
				desc: "client-credentials tokens carry no scope: the client's own roles apply"}).write(w)
			return
		}
		// The client acts in its own org; an unknown client fails in the
		// issuer, as a wrong secret does.
		c, _ := s.cfg.Clients.Client(ctx, auth.id)
		tok, err = s.cfg.Grants.ClientCredentials(ctx, grant.ClientCredentialsRequest{Org: c.Org, Client: auth.id, Secret: auth.secret})
	case GrantSAML2Bearer:
		if s.cfg.Assertions == nil {
			(&oauthError{status: http.StatusBadRequest, code: "unsupported_grant_type", desc: "this server takes no SAML2 bearer assertions"}).write(w)
			return
		}
		tok, e = s.saml2(r, p, auth)
		if e != nil {
			e.write(w)
			return
		}
	default:
		(&oauthError{status: http.StatusBadRequest, code: "unsupported_grant_type", desc: "grant_type '" + clip(gt) + "' is not supported"}).write(w)
		return
	}
	if err != nil {
		tokenError(err, auth.basic).write(w)
		return
	}
	s.writeToken(w, tok)
}

// saml2 runs the SAML2 bearer grant: the assertion, base64url-encoded
// (RFC 7522 §2.1), checked by the consumer's verifier.
func (s *Server) saml2(r *http.Request, p params, auth clientAuth) (grant.Token, *oauthError) {
	enc := p.get("assertion")
	if enc == "" {
		return grant.Token{}, badRequest("assertion is missing")
	}
	assertion, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(enc, "="))
	if err != nil {
		return grant.Token{}, &oauthError{status: http.StatusBadRequest, code: "invalid_grant", desc: "the assertion is not base64url"}
	}
	var scopes scope.Set
	if sc := p.get("scope"); sc != "" {
		if scopes, err = scope.ParseSet(sc); err != nil {
			return grant.Token{}, &oauthError{status: http.StatusBadRequest, code: "invalid_scope", desc: "scope is not a space-separated list of scopes"}
		}
	}
	// Authenticate the client before the assertion reaches the identity
	// provider's verifier.
	c, err := s.authenticate(r, auth, false)
	if err != nil {
		return grant.Token{}, invalidClient(auth.basic)
	}
	org, user, err := s.cfg.Assertions.VerifyAssertion(r.Context(), c.ID, assertion)
	if err != nil {
		return grant.Token{}, &oauthError{status: http.StatusBadRequest, code: "invalid_grant", desc: "the assertion was not accepted"}
	}
	tok, err := s.cfg.Grants.SAML2Bearer(r.Context(), grant.SAML2BearerRequest{Org: org, Client: auth.id, Secret: auth.secret, User: user, Scopes: scopes})
	if err != nil {
		return grant.Token{}, tokenError(err, auth.basic)
	}
	return tok, nil
}

// writeToken answers with the token, as a JWT access token.
func (s *Server) writeToken(w http.ResponseWriter, tok grant.Token) {
	at, err := s.cfg.Encoder.Encode(tok)
	if err != nil {
		(&oauthError{status: http.StatusInternalServerError, code: "server_error", desc: "the token could not be signed"}).write(w)
		return
	}
	writeJSON(w, http.StatusOK, tokenResponse{AccessToken: at, TokenType: "Bearer", ExpiresIn: s.expiresIn(tok), Scope: tok.Scopes.String()})
}

// expiresIn is the token's remaining lifetime in whole seconds, as its
// "exp" (rounded down) counts it.
func (s *Server) expiresIn(tok grant.Token) int64 {
	return max(tok.ExpiresAt.Unix()-s.cfg.Now().Unix(), 0)
}

// tokenError maps an issuer's refusal to RFC 6749 §5.2's errors, with a
// description that names no secret, user or org.
func tokenError(err error, basic bool) *oauthError {
	bad := func(code, desc string) *oauthError {
		return &oauthError{status: http.StatusBadRequest, code: code, desc: desc}
	}
	switch {
	case errors.Is(err, client.ErrCredentials), errors.Is(err, grant.ErrUnknownClient):
		return invalidClient(basic)
	case errors.Is(err, grant.ErrClientState):
		return bad("unauthorized_client", "the client may not get tokens in its current state")
	case errors.Is(err, grant.ErrGrantType):
		return bad("unauthorized_client", "the client may not use this grant type")
	case errors.Is(err, client.ErrNotAuthorized):
		return bad("unauthorized_client", "the org has not authorized the client")
	case errors.Is(err, grant.ErrNoScope):
		return bad("invalid_scope", "no requested scope is one the client may have")
	case errors.Is(err, grant.ErrCodeUsed):
		return bad("invalid_grant", "the authorization code was already used; the token issued for it is revoked")
	case errors.Is(err, grant.ErrCodeExpired):
		return bad("invalid_grant", "the authorization code expired")
	case errors.Is(err, grant.ErrInvalidCode):
		return bad("invalid_grant", "the authorization code is not valid for this client and redirect_uri")
	case errors.Is(err, grant.ErrPKCE):
		return bad("invalid_grant", "the code_verifier does not match the code_challenge")
	case errors.Is(err, grant.ErrConsentRequired):
		return bad("invalid_grant", "the user's consent was withdrawn")
	case errors.Is(err, grant.ErrNotMember):
		return bad("invalid_grant", "the user does not belong to the org")
	case errors.Is(err, grant.ErrInvalidRequest):
		return badRequest("a required parameter is missing or malformed")
	}
	return &oauthError{status: http.StatusServiceUnavailable, code: "temporarily_unavailable", desc: "the token could not be issued; try again later"}
}

// authenticate checks a client's credentials for the revocation and
// introspection endpoints; a client without a secret (public or
// implicit) passes on its ID alone when public is set. An unknown ID
// costs what a wrong secret does.
func (s *Server) authenticate(r *http.Request, auth clientAuth, public bool) (client.Client, error) {
	c, err := s.cfg.Clients.Client(r.Context(), auth.id)
	if err != nil {
		c = client.Client{}
	}
	noSecret := c.Public || c.GrantType == client.Implicit
	switch {
	case noSecret && public && err == nil && auth.secret.Reveal() == "":
		return c, nil
	case !c.Credentials.Verify(auth.secret.Reveal(), s.cfg.Now()) || err != nil:
		return client.Client{}, client.ErrCredentials
	}
	return c, nil
}

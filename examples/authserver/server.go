package authserver

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/scope"
)

// GrantSAML2Bearer is the grant_type of RFC 7522 §2.1.
const GrantSAML2Bearer = "urn:ietf:params:oauth:grant-type:saml2-bearer"

// MaxBodyBytes is the largest request body the endpoints read; a larger
// one is refused with invalid_request.
const MaxBodyBytes = 16 << 10

// The endpoints' paths, under the issuer's path.
const (
	PathAuthorize  = "/authorize"
	PathToken      = "/token"
	PathRevoke     = "/revoke"
	PathIntrospect = "/introspect"
	PathJWKS       = "/jwks.json"
	// MetadataPrefix is where RFC 8414 §3 puts the metadata: this, then
	// the issuer's path.
	MetadataPrefix = "/.well-known/oauth-authorization-server"
)

// ErrConfig reports a Config without what the server needs.
var ErrConfig = errors.New("authserver: invalid configuration")

// A Session is who signed in: the user, and the org they signed in to.
type Session struct {
	User string
	Org  client.OrgID
}

// SignInFunc signs the user in for an authorization request. It returns
// the session of a signed-in user and true; otherwise it answers the
// request itself (a sign-in page, a redirect to the identity provider)
// and returns false. It is called again when the consent form is posted,
// which must find the same user.
type SignInFunc func(w http.ResponseWriter, r *http.Request) (Session, bool)

// An AssertionVerifier checks a SAML 2.0 assertion (RFC 7522) that a
// client presents at the token endpoint, with the org's identity provider:
// signature, issuer, audience, validity, subject confirmation. It returns
// the org and the user the assertion vouches for, or an error, which the
// client receives as invalid_grant.
type AssertionVerifier interface {
	VerifyAssertion(ctx context.Context, id client.ID, assertion []byte) (client.OrgID, string, error)
}

// Config is what a Server is built from. Issuer, Grants, Clients,
// Revocations, Validator, Encoder, Verifier, Keys and SignIn are required.
type Config struct {
	// Issuer is the authorization server's issuer identifier: an https
	// URL (http on loopback) whose path is where the endpoints live, as
	// the tokens' "iss" (the Encoder's issuer).
	Issuer string
	// Grants runs the grants.
	Grants *grant.Issuer
	// Clients looks clients up, to authenticate them at the revocation
	// and introspection endpoints and to find a client's redirect URIs.
	Clients client.Store
	// Revocations revokes tokens for the revocation endpoint: the
	// grant.Store the Grants issuer uses, wrapped by
	// Verifier.Revocations.
	Revocations grant.RevocationStore
	// Validator decides whether a token is active, for introspection.
	Validator *grant.Validator
	// Encoder writes the tokens; Verifier reads them back (for
	// revocation and introspection) and must accept every audience the
	// Encoder writes; Keys is the JWK Set to publish.
	Encoder  *jwtoken.Encoder
	Verifier *jwtoken.Verifier
	Keys     *jwtoken.KeySet
	// SignIn signs users in at the authorization endpoint.
	SignIn SignInFunc
	// Assertions checks SAML2 bearer assertions; nil turns the grant off.
	Assertions AssertionVerifier
	// Introspectors are the clients (resource servers) that may call the
	// introspection endpoint, authenticating with their secret.
	Introspectors []client.ID
	// Catalog lists the scopes in the metadata; optional.
	Catalog *scope.Catalog
	// CSRFKey signs the consent form, at least 32 bytes; nil means a
	// random key, which suits one process (several behind a load
	// balancer must share one).
	CSRFKey []byte
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// A Server serves the OAuth 2 endpoints. It is immutable and safe for
// concurrent use.
type Server struct {
	cfg          Config
	base         *url.URL // the issuer
	path         string   // the issuer's path, without a trailing slash
	csrfKey      []byte
	introspector map[client.ID]bool
	mux          *http.ServeMux
}

// New checks cfg and returns a server.
func New(cfg Config) (*Server, error) {
	u, err := url.Parse(cfg.Issuer)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || !(u.Scheme == "https" || u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil, fmt.Errorf("%w: issuer %q must be an https URL (http on loopback) without query or fragment", ErrConfig, cfg.Issuer)
	}
	if cfg.Grants == nil || cfg.Clients == nil || cfg.Revocations == nil || cfg.Validator == nil || cfg.Encoder == nil || cfg.Verifier == nil ||
		cfg.Keys == nil || cfg.SignIn == nil {
		return nil, fmt.Errorf("%w: Grants, Clients, Revocations, Validator, Encoder, Verifier, Keys and SignIn are required", ErrConfig)
	}
	if cfg.Encoder.Issuer() != cfg.Issuer {
		return nil, fmt.Errorf("%w: the encoder writes issuer %q, the server is %q", ErrConfig, cfg.Encoder.Issuer(), cfg.Issuer)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, base: u, path: strings.TrimSuffix(u.EscapedPath(), "/"), introspector: map[client.ID]bool{}}
	switch {
	case cfg.CSRFKey == nil:
		s.csrfKey = make([]byte, 32)
		_, _ = rand.Read(s.csrfKey)
	case len(cfg.CSRFKey) < 32:
		return nil, fmt.Errorf("%w: a CSRF key of at least 32 bytes", ErrConfig)
	default:
		s.csrfKey = append([]byte(nil), cfg.CSRFKey...)
	}
	for _, id := range cfg.Introspectors {
		s.introspector[id] = true
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc(s.path+PathAuthorize, s.authorize)
	s.mux.HandleFunc(s.path+PathToken, s.token)
	s.mux.HandleFunc(s.path+PathRevoke, s.revoke)
	s.mux.HandleFunc(s.path+PathIntrospect, s.introspect)
	s.mux.Handle(s.path+PathJWKS, cfg.Keys)
	s.mux.HandleFunc(s.MetadataPath(), s.metadata)
	return s, nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// Register puts the endpoints on mux, at the issuer's path (PathAuthorize
// and the others under it) and the metadata at MetadataPath.
func (s *Server) Register(mux *http.ServeMux) {
	for _, p := range []string{PathAuthorize, PathToken, PathRevoke, PathIntrospect, PathJWKS} {
		mux.Handle(s.path+p, s.mux)
	}
	mux.Handle(s.MetadataPath(), s.mux)
}

// ServeHTTP serves the endpoints, at their full paths; any other path is
// a 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// MetadataPath is where the metadata lives: MetadataPrefix followed by
// the issuer's path (RFC 8414 §3.1).
func (s *Server) MetadataPath() string { return MetadataPrefix + s.path }

// URL returns the absolute URL of an endpoint path (PathToken, ...).
func (s *Server) URL(path string) string {
	u := *s.base
	u.Path, u.RawPath = "", ""
	return u.String() + s.path + path
}

// Metadata is the RFC 8414 document.
type Metadata struct {
	Issuer                                    string   `json:"issuer"`
	AuthorizationEndpoint                     string   `json:"authorization_endpoint"`
	TokenEndpoint                             string   `json:"token_endpoint"`
	JWKSURI                                   string   `json:"jwks_uri"`
	RevocationEndpoint                        string   `json:"revocation_endpoint"`
	IntrospectionEndpoint                     string   `json:"introspection_endpoint"`
	ScopesSupported                           []string `json:"scopes_supported,omitempty"`
	ResponseTypesSupported                    []string `json:"response_types_supported"`
	ResponseModesSupported                    []string `json:"response_modes_supported"`
	GrantTypesSupported                       []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported         []string `json:"token_endpoint_auth_methods_supported"`
	RevocationEndpointAuthMethodsSupported    []string `json:"revocation_endpoint_auth_methods_supported"`
	IntrospectionEndpointAuthMethodsSupported []string `json:"introspection_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported             []string `json:"code_challenge_methods_supported"`
}

// Metadata returns the server's metadata.
func (s *Server) Metadata() Metadata {
	m := Metadata{
		Issuer:                                    s.cfg.Issuer,
		AuthorizationEndpoint:                     s.URL(PathAuthorize),
		TokenEndpoint:                             s.URL(PathToken),
		JWKSURI:                                   s.URL(PathJWKS),
		RevocationEndpoint:                        s.URL(PathRevoke),
		IntrospectionEndpoint:                     s.URL(PathIntrospect),
		ResponseTypesSupported:                    []string{"code", "token"},
		ResponseModesSupported:                    []string{"query", "fragment"},
		GrantTypesSupported:                       []string{"authorization_code", "implicit", "client_credentials"},
		TokenEndpointAuthMethodsSupported:         []string{"client_secret_basic", "client_secret_post", "none"},
		RevocationEndpointAuthMethodsSupported:    []string{"client_secret_basic", "client_secret_post", "none"},
		IntrospectionEndpointAuthMethodsSupported: []string{"client_secret_basic", "client_secret_post"},
		CodeChallengeMethodsSupported:             []string{"S256"},
	}
	if s.cfg.Assertions != nil {
		m.GrantTypesSupported = append(m.GrantTypesSupported, GrantSAML2Bearer)
	}
	if s.cfg.Catalog != nil {
		for e := range s.cfg.Catalog.All() {
			m.ScopesSupported = append(m.ScopesSupported, e.Scope.String())
		}
	}
	return m
}

func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: "invalid_request", Description: "use GET"})
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, s.Metadata())
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

package grant

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// Authorization code lifetimes.
const (
	// MaxCodeLifetime is the longest an authorization code may live, as
	// RFC 6749 §4.1.2 recommends.
	MaxCodeLifetime = 10 * time.Minute
	// DefaultCodeLifetime is how long codes live unless configured.
	DefaultCodeLifetime = time.Minute
)

// An IssuerOption configures an [Issuer]: [WithClock] and
// [WithCodeLifetime]. A nil IssuerOption is skipped.
type IssuerOption interface{ applyIssuer(*issuerOptions) }

// A ValidatorOption configures a [Validator]: [WithClock] and
// [WithClockSkew]. A nil ValidatorOption is skipped.
type ValidatorOption interface{ applyValidator(*validatorOptions) }

type issuerOptions struct {
	now     func() time.Time
	codeTTL time.Duration
}

type validatorOptions struct {
	now  func() time.Time
	skew time.Duration
}

// A ClockOption sets the clock of an [Issuer] or a [Validator], which
// both understand it. Make one with [WithClock].
type ClockOption struct{ now func() time.Time }

func (o ClockOption) applyIssuer(s *issuerOptions)       { s.now = o.now }
func (o ClockOption) applyValidator(s *validatorOptions) { s.now = o.now }

// WithClock sets the clock; the default, and what nil means, is time.Now.
func WithClock(now func() time.Time) ClockOption { return ClockOption{now} }

type codeLifetime time.Duration

func (d codeLifetime) applyIssuer(s *issuerOptions) {
	s.codeTTL = min(time.Duration(d), MaxCodeLifetime)
}

// WithCodeLifetime sets how long an issuer's authorization codes live: at
// most MaxCodeLifetime; the default is DefaultCodeLifetime. Longer values
// are cut to MaxCodeLifetime; zero and negative values mean the default.
func WithCodeLifetime(d time.Duration) IssuerOption { return codeLifetime(d) }

// MaxClockSkew is the most clock skew a [Validator] allows. Stores keep a
// revoked token's revocation until this long after its expiry.
const MaxClockSkew = 5 * time.Minute

type clockSkew time.Duration

func (d clockSkew) applyValidator(s *validatorOptions) {
	s.skew = min(max(time.Duration(d), 0), MaxClockSkew)
}

// WithClockSkew sets how far a [Validator] lets clocks disagree when it
// checks a token's issue and expiry times: from zero (the default) to
// MaxClockSkew. Negative values count as zero, longer ones are cut to
// MaxClockSkew.
func WithClockSkew(d time.Duration) ValidatorOption { return clockSkew(d) }

func buildIssuerOptions(opts []IssuerOption) issuerOptions {
	o := issuerOptions{now: time.Now, codeTTL: DefaultCodeLifetime}
	for _, opt := range opts {
		if opt != nil {
			opt.applyIssuer(&o)
		}
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.codeTTL <= 0 {
		o.codeTTL = DefaultCodeLifetime
	}
	return o
}

func buildValidatorOptions(opts []ValidatorOption) validatorOptions {
	o := validatorOptions{now: time.Now}
	for _, opt := range opts {
		if opt != nil {
			opt.applyValidator(&o)
		}
	}
	if o.now == nil {
		o.now = time.Now
	}
	return o
}

// An Issuer runs the four grants and issues tokens. Every token carries
// the effective scopes: requested ∩ the client's scopes ∩ the org's
// authorization ∩ the user's consent (client-credentials tokens carry no
// scope; the client's roles apply). It is safe for concurrent use.
type Issuer struct {
	clients client.Store
	auths   client.AuthorizationStore
	store   Store
	members permission.MemberStore
	catalog *scope.Catalog
	issuerOptions
}

// NewIssuer returns an issuer that reads clients and org authorizations
// from clients and auths, keeps consents, codes and revocations in store,
// checks that a request's user belongs to its org with members, and
// describes scopes on consent prompts from catalog (with a nil catalog,
// prompts list the scopes without descriptions). An Issuer not made by
// NewIssuer with all its stores refuses every request.
func NewIssuer(clients client.Store, auths client.AuthorizationStore, store Store, members permission.MemberStore, catalog *scope.Catalog, opts ...IssuerOption) *Issuer {
	return &Issuer{clients: clients, auths: auths, store: store, members: members, catalog: catalog, issuerOptions: buildIssuerOptions(opts)}
}

var errNoIssuer = errors.New("grant: the issuer lacks a store: make it with NewIssuer")

// ready reports errNoIssuer for a nil Issuer or one without its stores.
func (i *Issuer) ready() error {
	if i == nil || i.clients == nil || i.auths == nil || i.store == nil || i.members == nil || i.now == nil {
		return errNoIssuer
	}
	return nil
}

// member fails with ErrNotMember unless user belongs to org: orgs are
// walls, and a user of one org gets no token in another.
func (i *Issuer) member(ctx context.Context, org client.OrgID, user string) error {
	ok, err := i.members.IsMember(ctx, org, user)
	switch {
	case err != nil:
		return fmt.Errorf("grant: checking that user %q belongs to org %q: %w", user, org, err)
	case !ok:
		return fmt.Errorf("%w: user %q, org %q", ErrNotMember, user, org)
	}
	return nil
}

// An AuthorizeRequest is a user's request, through a browser, for a token
// or a code for a client: the parameters of RFC 6749 §4.1.1 and §4.2.1
// after the user has signed in.
type AuthorizeRequest struct {
	Org         client.OrgID
	Client      client.ID
	User        string
	RedirectURI string
	// Scopes requested; empty means every scope the client requests.
	Scopes scope.Set
	// CodeChallenge and CodeChallengeMethod are PKCE (RFC 7636), for
	// authorization code only; the method must be S256. Required for
	// public clients.
	CodeChallenge       string
	CodeChallengeMethod string
}

// loadClient returns the client with the given ID if it may get new
// tokens and its grant type is one of want.
func (i *Issuer) loadClient(ctx context.Context, id client.ID, want ...client.GrantType) (client.Client, error) {
	c, err := i.clients.Client(ctx, id)
	if errors.Is(err, client.ErrNotFound) {
		return client.Client{}, fmt.Errorf("%w: %s", ErrUnknownClient, id)
	}
	if err != nil {
		return client.Client{}, err
	}
	if !c.State.CanIssue() {
		return client.Client{}, fmt.Errorf("%w: %s is %s", ErrClientState, c.Name, c.State)
	}
	if !slices.Contains(want, c.GrantType) {
		return client.Client{}, fmt.Errorf("%w: %s is a %s client, not %s", ErrGrantType, c.Name, c.GrantType, want[0])
	}
	return c, nil
}

// effective returns the scopes a token for c in org may carry:
// requested ∩ c's scopes ∩ the org's authorization, requested defaulting to
// all of c's scopes. Requested scopes outside that are dropped, as RFC 6749
// §3.3 allows; the token says which it carries. It fails when nothing is
// left.
func (i *Issuer) effective(ctx context.Context, c client.Client, org client.OrgID, requested scope.Set) (scope.Set, error) {
	auth, err := i.auths.Authorization(ctx, org, c.ID)
	if err != nil {
		return scope.Set{}, err
	}
	allowed := auth.Effective(c)
	if requested.IsEmpty() {
		requested = c.Scopes
	}
	eff := requested.Intersect(allowed)
	if eff.IsEmpty() {
		return scope.Set{}, fmt.Errorf("%w: %s asked for %q; org %q allows it %q", ErrNoScope, c.Name, requested, org, allowed)
	}
	return eff, nil
}

// authorize checks an AuthorizeRequest for a client of one of the grant
// types g, and returns the client and the scopes the token would carry.
func (i *Issuer) authorize(ctx context.Context, req AuthorizeRequest, g ...client.GrantType) (client.Client, scope.Set, error) {
	if err := i.ready(); err != nil {
		return client.Client{}, scope.Set{}, err
	}
	if req.User == "" {
		return client.Client{}, scope.Set{}, fmt.Errorf("%w: no user", ErrInvalidRequest)
	}
	if err := i.member(ctx, req.Org, req.User); err != nil {
		return client.Client{}, scope.Set{}, err
	}
	c, err := i.loadClient(ctx, req.Client, g...)
	if err != nil {
		return client.Client{}, scope.Set{}, err
	}
	if !c.MatchRedirectURI(req.RedirectURI) {
		return client.Client{}, scope.Set{}, fmt.Errorf("%w: %q", ErrRedirectURI, req.RedirectURI)
	}
	eff, err := i.effective(ctx, c, req.Org, req.Scopes)
	return c, eff, err
}

// A Prompt is the consent screen: the app's name and every scope the
// token would carry, with what each allows. The user grants all or none.
type Prompt struct {
	App         string
	Description string
	Scopes      []ScopeDescription
	// Consented reports that the user already consented to every scope:
	// the prompt need not be shown.
	Consented bool
}

// ScopeSet returns the scopes the prompt shows, to pass to
// [Issuer.Consent] with the user's answer.
func (p Prompt) ScopeSet() scope.Set {
	scopes := make([]scope.Scope, len(p.Scopes))
	for i, d := range p.Scopes {
		scopes[i] = d.Scope
	}
	set, err := scope.NewSet(scopes...)
	if err != nil { // a zero Scope, in a Prompt not built by Issuer.Prompt
		return scope.Set{}
	}
	return set
}

// A ScopeDescription is one line of a consent prompt.
type ScopeDescription struct {
	Scope       scope.Scope
	Description string
}

// Prompt checks an authorization request and returns the consent prompt
// for it.
func (i *Issuer) Prompt(ctx context.Context, req AuthorizeRequest) (Prompt, error) {
	c, eff, err := i.authorize(ctx, req, client.AuthorizationCode, client.Implicit)
	if err != nil {
		return Prompt{}, err
	}
	p := Prompt{App: c.Name, Description: c.Description}
	for s := range eff.All() {
		d := ScopeDescription{Scope: s}
		if i.catalog != nil {
			if e, ok := i.catalog.Lookup(s); ok {
				d.Description = e.Description
			}
		}
		p.Scopes = append(p.Scopes, d)
	}
	p.Consented, err = i.consented(ctx, req.Org, c.ID, req.User, eff)
	return p, err
}

func (i *Issuer) consented(ctx context.Context, org client.OrgID, id client.ID, user string, scopes scope.Set) (bool, error) {
	consent, err := i.store.Consent(ctx, org, id, user)
	if errors.Is(err, ErrNoConsent) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return scopes.SubsetOf(consent.Scopes), nil
}

// Consent records the user's answer to the prompt for req, which showed
// the scopes in shown ([Prompt.ScopeSet]): all of them, or none. Declining
// records nothing and returns ErrConsentDenied. Approving adds the scopes
// to what the user consented to before. If the request now carries a
// scope the prompt did not show (the org granted the client more since,
// say), approving records nothing and fails with ErrConsentRequired: show
// the prompt again. A user consents only to what they saw. The scopes are
// added in one step of the store ([ConsentStore.AddConsent]), so a
// withdrawal of consent at the same time is never undone.
func (i *Issuer) Consent(ctx context.Context, req AuthorizeRequest, shown scope.Set, approve bool) error {
	c, eff, err := i.authorize(ctx, req, client.AuthorizationCode, client.Implicit)
	if err != nil {
		return err
	}
	if !approve {
		return fmt.Errorf("%w: %s asked for %s", ErrConsentDenied, c.Name, eff)
	}
	if unseen := eff.Difference(shown); !unseen.IsEmpty() {
		return fmt.Errorf("%w: %s now asks for %s, which the prompt did not show", ErrConsentRequired, c.Name, unseen)
	}
	return i.store.AddConsent(ctx, Consent{
		Org: req.Org, Client: c.ID, User: req.User,
		Scopes:    eff,
		GrantedAt: i.now(),
	})
}

// requireConsent fails with ErrConsentRequired unless the user consented
// to every scope in eff.
func (i *Issuer) requireConsent(ctx context.Context, org client.OrgID, c client.Client, user string, eff scope.Set) error {
	ok, err := i.consented(ctx, org, c.ID, user, eff)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: %s asks for %s", ErrConsentRequired, c.Name, eff)
	}
	return nil
}

// newToken issues a token for c.
func (i *Issuer) newToken(c client.Client, org client.OrgID, user string, scopes scope.Set) Token {
	now := i.now()
	return Token{
		ID:        NewTokenID(),
		Client:    c.ID,
		Org:       org,
		GrantType: c.GrantType,
		User:      user,
		Scopes:    scopes,
		IssuedAt:  now,
		ExpiresAt: now.Add(c.TokenLifetime),
	}
}

// Implicit issues a token straight to a browser app (the implicit grant)
// after the user signed in and consented.
func (i *Issuer) Implicit(ctx context.Context, req AuthorizeRequest) (Token, error) {
	if req.CodeChallenge != "" || req.CodeChallengeMethod != "" {
		return Token{}, fmt.Errorf("%w: PKCE parameters belong to the authorization code grant", ErrInvalidRequest)
	}
	c, eff, err := i.authorize(ctx, req, client.Implicit)
	if err != nil {
		return Token{}, err
	}
	if err := i.requireConsent(ctx, req.Org, c, req.User, eff); err != nil {
		return Token{}, err
	}
	return i.newToken(c, req.Org, req.User, eff), nil
}

// AuthorizeCode issues an authorization code (RFC 6749 §4.1.2) for a user
// who signed in and consented. The code is bound to the client, the user,
// the org, the redirect URI and the scopes, lives for the configured code
// lifetime (at most ten minutes), and can be exchanged once. Public clients
// must send a PKCE challenge; confidential ones may.
func (i *Issuer) AuthorizeCode(ctx context.Context, req AuthorizeRequest) (Code, error) {
	c, eff, err := i.authorize(ctx, req, client.AuthorizationCode)
	if err != nil {
		return Code{}, err
	}
	switch {
	case req.CodeChallenge == "" && req.CodeChallengeMethod != "":
		return Code{}, fmt.Errorf("%w: a code challenge method without a challenge", ErrPKCE)
	case req.CodeChallenge == "" && c.Public:
		return Code{}, fmt.Errorf("%w: %s is a public client and must send a PKCE code challenge", ErrPKCE, c.Name)
	case req.CodeChallenge != "" && req.CodeChallengeMethod != "S256":
		return Code{}, fmt.Errorf("%w: code challenge method %q; only S256 is supported", ErrPKCE, req.CodeChallengeMethod)
	case req.CodeChallenge != "" && !validChallenge(req.CodeChallenge):
		return Code{}, fmt.Errorf("%w: a S256 code challenge is 43 base64url characters", ErrPKCE)
	}
	if err := i.requireConsent(ctx, req.Org, c, req.User, eff); err != nil {
		return Code{}, err
	}
	var b [32]byte
	rand.Read(b[:]) // never returns an error; it crashes the program if the system's source fails
	code := base64.RawURLEncoding.EncodeToString(b[:])
	now := i.now()
	err = i.store.PutCode(ctx, CodeGrant{
		Hash:          sha256.Sum256([]byte(code)),
		Org:           req.Org,
		Client:        c.ID,
		User:          req.User,
		RedirectURI:   req.RedirectURI,
		Scopes:        eff,
		CodeChallenge: req.CodeChallenge,
		IssuedAt:      now,
		ExpiresAt:     now.Add(i.codeTTL),
	})
	if err != nil {
		return Code{}, err
	}
	return newCode(code), nil
}

// strictBase64URL refuses stray bits in the last character, so that each
// digest has one encoding.
var strictBase64URL = base64.RawURLEncoding.Strict()

// validChallenge reports whether s is the canonical unpadded base64url
// form of a SHA-256 digest; only such a challenge can ever match.
func validChallenge(s string) bool {
	b, err := strictBase64URL.DecodeString(s)
	return err == nil && len(b) == sha256.Size
}

// validVerifier checks the PKCE verifier grammar of RFC 7636 §4.1.
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// An ExchangeRequest trades an authorization code for a token (RFC 6749
// §4.1.3). Its secrets print, log and marshal redacted: make them from the
// token request's parameters with [client.SecretFrom], [CodeFrom] and
// [CodeVerifierFrom].
type ExchangeRequest struct {
	Client client.ID
	// Secret authenticates a confidential client; public clients send
	// none.
	Secret       client.Secret
	Code         Code
	RedirectURI  string
	CodeVerifier CodeVerifier
}

// Exchange trades an authorization code for a token. The org's
// authorization and the user's consent are checked again: a scope dropped
// since the code was issued stays out of the token, and a withdrawn
// consent refuses it (ErrConsentRequired). The code is used up
// by the attempt, whatever its outcome. A second exchange of the same code
// fails with ErrCodeUsed and revokes the token the first one issued, since
// the code has evidently leaked (RFC 6749 §4.1.2); if the second one comes
// while the first is still issuing, the first fails with ErrCodeUsed too.
func (i *Issuer) Exchange(ctx context.Context, req ExchangeRequest) (Token, error) {
	if err := i.ready(); err != nil {
		return Token{}, err
	}
	c, err := i.loadClient(ctx, req.Client, client.AuthorizationCode)
	if err != nil {
		return Token{}, err
	}
	if !c.Public && !c.Credentials.Verify(req.Secret.Reveal(), i.now()) {
		return Token{}, client.ErrCredentials
	}
	if req.Code.Reveal() == "" {
		return Token{}, fmt.Errorf("%w: no code", ErrInvalidRequest)
	}
	hash := sha256.Sum256([]byte(req.Code.Reveal()))
	g, err := i.store.TakeCode(ctx, hash)
	if errors.Is(err, ErrCodeUsed) {
		if g.Token.ID.IsValid() {
			if rerr := i.store.RevokeToken(ctx, g.Token); rerr != nil {
				return Token{}, errors.Join(err, rerr)
			}
		}
		return Token{}, err
	}
	if err != nil {
		return Token{}, err
	}
	now := i.now()
	switch {
	case g.Client != c.ID:
		return Token{}, fmt.Errorf("%w: issued to another client", ErrInvalidCode)
	case !now.Before(g.ExpiresAt):
		return Token{}, ErrCodeExpired
	case g.RedirectURI != req.RedirectURI:
		return Token{}, fmt.Errorf("%w: redirect URI differs from the authorization request's", ErrInvalidCode)
	case g.CodeChallenge == "" && c.Public:
		return Token{}, fmt.Errorf("%w: a code of public client %s without a PKCE challenge", ErrPKCE, c.Name)
	case g.CodeChallenge == "" && req.CodeVerifier.Reveal() != "":
		return Token{}, fmt.Errorf("%w: a code verifier for a code issued without a challenge", ErrPKCE)
	case g.CodeChallenge != "" && !pkceMatches(g.CodeChallenge, req.CodeVerifier.Reveal()):
		return Token{}, fmt.Errorf("%w: the code verifier does not match the challenge", ErrPKCE)
	}
	// The user's membership, the authorization, the client's scopes or
	// the user's consent may have changed since the code was issued:
	// check again, and never widen.
	if err := i.member(ctx, g.Org, g.User); err != nil {
		return Token{}, err
	}
	eff, err := i.effective(ctx, c, g.Org, g.Scopes)
	if err != nil {
		return Token{}, err
	}
	if err := i.requireConsent(ctx, g.Org, c, g.User, eff); err != nil {
		return Token{}, err
	}
	t := i.newToken(c, g.Org, g.User, eff)
	if err := i.store.SetCodeToken(ctx, hash, t); err != nil {
		return Token{}, err
	}
	return t, nil
}

func pkceMatches(challenge, verifier string) bool {
	if !validVerifier(verifier) {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// A ClientCredentialsRequest asks for a token for a client itself (RFC
// 6749 §4.4). Its Secret prints, logs and marshals redacted.
type ClientCredentialsRequest struct {
	Org    client.OrgID
	Client client.ID
	Secret client.Secret
}

// ClientCredentials issues a token to a client-credentials client, in its
// own org. The token has no user and no scope: the client's roles, in
// their divisions, decide what it may do.
func (i *Issuer) ClientCredentials(ctx context.Context, req ClientCredentialsRequest) (Token, error) {
	if err := i.ready(); err != nil {
		return Token{}, err
	}
	c, err := i.loadClient(ctx, req.Client, client.ClientCredentials)
	if err != nil {
		return Token{}, err
	}
	if !c.Credentials.Verify(req.Secret.Reveal(), i.now()) {
		return Token{}, client.ErrCredentials
	}
	if req.Org != c.Org {
		return Token{}, fmt.Errorf("%w: %s acts only in its own org %q, not %q", client.ErrNotAuthorized, c.Name, c.Org, req.Org)
	}
	return i.newToken(c, c.Org, "", scope.Set{}), nil
}

// A SAML2BearerRequest trades a SAML2 assertion for a token (RFC 7522).
// The consumer validates the assertion with its identity provider and
// passes the user it names. Its Secret prints, logs and marshals
// redacted.
type SAML2BearerRequest struct {
	Org    client.OrgID
	Client client.ID
	Secret client.Secret
	User   string
	Scopes scope.Set
}

// SAML2Bearer issues a token for the user a validated SAML2 assertion
// names. There is no consent prompt: the org's identity provider vouches
// for the user, and the org's authorization bounds the scopes.
func (i *Issuer) SAML2Bearer(ctx context.Context, req SAML2BearerRequest) (Token, error) {
	if err := i.ready(); err != nil {
		return Token{}, err
	}
	if req.User == "" {
		return Token{}, fmt.Errorf("%w: no user from the SAML2 assertion", ErrInvalidRequest)
	}
	if err := i.member(ctx, req.Org, req.User); err != nil {
		return Token{}, err
	}
	c, err := i.loadClient(ctx, req.Client, client.SAML2Bearer)
	if err != nil {
		return Token{}, err
	}
	if !c.Credentials.Verify(req.Secret.Reveal(), i.now()) {
		return Token{}, client.ErrCredentials
	}
	eff, err := i.effective(ctx, c, req.Org, req.Scopes)
	if err != nil {
		return Token{}, err
	}
	return i.newToken(c, req.Org, req.User, eff), nil
}

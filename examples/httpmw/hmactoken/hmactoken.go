package hmactoken

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/internal/redact"
	"github.com/scopegate/scopegate/scope"
)

const (
	// MaxLen is the longest token, in bytes, that VerifyToken reads and
	// Sign writes.
	MaxLen = 4096
	// MinKeyLen is the shortest key New accepts: 256 bits, the size of
	// the HMAC-SHA256 output.
	MinKeyLen = 32
	// prefix names the format and its version.
	prefix = "sg1."
	// sigLen is the length of an encoded signature.
	sigLen = 43 // base64url, unpadded, of 32 bytes
)

// Sentinel errors. Every error of this package wraps one of them; an error
// about the claims wraps the [grant] or [scope] error too.
var (
	// ErrKey reports a key shorter than MinKeyLen, or a Codec without a
	// key (not made by New).
	ErrKey = errors.New("hmactoken: key too short")
	// ErrTooLarge reports a token longer than MaxLen.
	ErrTooLarge = errors.New("hmactoken: token too large")
	// ErrFormat reports a token that is not in the format, or claims that
	// do not decode, are not canonical, or do not fit together.
	ErrFormat = errors.New("hmactoken: malformed token")
	// ErrSignature reports a token whose signature does not match: it was
	// made with another key, or changed since.
	ErrSignature = errors.New("hmactoken: bad signature")
)

var b64 = base64.RawURLEncoding.Strict()

// claims is the JSON form of a token. The order of the fields is the
// order of the members, which is part of the format.
type claims struct {
	ID        string `json:"jti"`
	Client    string `json:"cid"`
	Org       string `json:"org"`
	GrantType string `json:"gty"`
	User      string `json:"sub,omitempty"`
	Scope     string `json:"scope,omitempty"`
	IssuedAt  int64  `json:"iat"`
	ExpiresAt int64  `json:"exp"`
}

// A Codec signs and verifies tokens with one key. It is immutable and safe
// for concurrent use, and never prints its key: a Codec, or a pointer to
// one, prints as "hmactoken.Codec([redacted])" with every fmt verb, also
// inside structs, slices and maps, and logs as "[redacted]". Make it with
// [New]: the zero Codec has no key, and refuses to sign or verify
// ([ErrKey]).
type Codec struct {
	// The key sits behind a pointer to a string: fmt prints a Codec it
	// reaches through an unexported field by reflection, without asking
	// its methods, and a nested pointer to a string as an address (one to
	// a slice it may print in full).
	key redact.Text
}

// New returns a codec with a copy of key, which must be at least MinKeyLen
// bytes from a cryptographically secure source (crypto/rand).
func New(key []byte) (*Codec, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("%w: %d bytes, want at least %d", ErrKey, len(key), MinKeyLen)
	}
	return &Codec{key: redact.New(string(key))}, nil
}

// Sign returns the token string for t. It refuses a token whose claims do
// not fit together (see [grant.Token.CheckClaims]), and one whose string
// would exceed MaxLen. Times are written in whole seconds, rounded down:
// the token never expires later than t, and it works from the moment it
// is issued (rounding the issue time up would make a verifier with an
// exact clock call it not yet valid for up to a second).
func (c *Codec) Sign(t grant.Token) (string, error) {
	if err := c.check(); err != nil {
		return "", err
	}
	if err := t.CheckClaims(); err != nil {
		return "", fmt.Errorf("%w: %w", ErrFormat, err)
	}
	if !utf8.ValidString(string(t.Org)) || !utf8.ValidString(t.User) {
		return "", fmt.Errorf("%w: the org or the user is not valid UTF-8", ErrFormat)
	}
	cl := claims{
		ID:        t.ID.String(),
		Client:    t.Client.String(),
		Org:       string(t.Org),
		GrantType: t.GrantType.String(),
		User:      t.User,
		Scope:     t.Scopes.String(),
		IssuedAt:  t.IssuedAt.Unix(),
		ExpiresAt: t.ExpiresAt.Unix(),
	}
	rounded := t
	rounded.IssuedAt, rounded.ExpiresAt = time.Unix(cl.IssuedAt, 0), time.Unix(cl.ExpiresAt, 0)
	if err := rounded.CheckClaims(); err != nil {
		return "", fmt.Errorf("%w: in whole seconds: %w", ErrFormat, err)
	}
	payload, err := json.Marshal(cl)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrFormat, err)
	}
	n := len(prefix) + b64.EncodedLen(len(payload)) + 1 + sigLen
	if n > MaxLen {
		return "", fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, n, MaxLen)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(prefix)
	b.WriteString(b64.EncodeToString(payload))
	sig := c.mac(b.String())
	b.WriteByte('.')
	b.WriteString(b64.EncodeToString(sig))
	return b.String(), nil
}

// VerifyToken checks the token's format and signature and returns its
// claims. It does not check the token's times: see the package
// documentation. Its errors never contain the token.
func (c *Codec) VerifyToken(_ context.Context, token string) (grant.Token, error) {
	if err := c.check(); err != nil {
		return grant.Token{}, err
	}
	if len(token) > MaxLen {
		return grant.Token{}, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(token), MaxLen)
	}
	if !strings.HasPrefix(token, prefix) {
		return grant.Token{}, fmt.Errorf("%w: no %q prefix", ErrFormat, prefix)
	}
	dot := strings.LastIndexByte(token, '.')
	if dot < len(prefix) {
		return grant.Token{}, fmt.Errorf("%w: no signature", ErrFormat)
	}
	signed, encSig := token[:dot], token[dot+1:]
	encPayload := signed[len(prefix):]
	switch {
	case encPayload == "" || strings.IndexByte(encPayload, '.') >= 0:
		return grant.Token{}, fmt.Errorf("%w: want three parts separated by dots", ErrFormat)
	case len(encSig) != sigLen:
		return grant.Token{}, fmt.Errorf("%w: the signature has %d characters, want %d", ErrFormat, len(encSig), sigLen)
	}
	sig, err := b64.DecodeString(encSig)
	if err != nil {
		return grant.Token{}, fmt.Errorf("%w: the signature is not base64url", ErrFormat)
	}
	if !hmac.Equal(sig, c.mac(signed)) {
		return grant.Token{}, ErrSignature
	}

	// The claims are authentic from here on; still, check them strictly.
	payload, err := b64.DecodeString(encPayload)
	if err != nil {
		return grant.Token{}, fmt.Errorf("%w: the claims are not base64url", ErrFormat)
	}
	var cl claims
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cl); err != nil {
		return grant.Token{}, fmt.Errorf("%w: the claims are not the JSON object of the format", ErrFormat)
	}
	if canon, err := json.Marshal(cl); err != nil || !bytes.Equal(canon, payload) {
		return grant.Token{}, fmt.Errorf("%w: the claims are not in canonical form", ErrFormat)
	}
	return cl.token()
}

// token converts checked JSON claims to a grant.Token.
func (cl claims) token() (grant.Token, error) {
	var t grant.Token
	var err error
	if t.ID, err = grant.ParseTokenID(cl.ID); err != nil {
		return grant.Token{}, fmt.Errorf("%w: jti: %w", ErrFormat, err)
	}
	if t.Client, err = client.ParseID(cl.Client); err != nil {
		return grant.Token{}, fmt.Errorf("%w: cid: %w", ErrFormat, err)
	}
	if t.GrantType, err = client.ParseGrantType(cl.GrantType); err != nil {
		return grant.Token{}, fmt.Errorf("%w: gty: %w", ErrFormat, err)
	}
	if cl.Scope != "" {
		if t.Scopes, err = scope.ParseSet(cl.Scope); err != nil {
			return grant.Token{}, fmt.Errorf("%w: scope: %w", ErrFormat, err)
		}
	}
	// One spelling per token: IDs in lower case, scopes sorted.
	if t.ID.String() != cl.ID || t.Client.String() != cl.Client || t.Scopes.String() != cl.Scope {
		return grant.Token{}, fmt.Errorf("%w: the claims are not in canonical form", ErrFormat)
	}
	t.Org = client.OrgID(cl.Org)
	t.User = cl.User
	t.IssuedAt = time.Unix(cl.IssuedAt, 0).UTC()
	t.ExpiresAt = time.Unix(cl.ExpiresAt, 0).UTC()
	if err := t.CheckClaims(); err != nil {
		return grant.Token{}, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return t, nil
}

// check refuses a Codec that New did not make: the zero Codec, or a nil
// one, has no key, and an empty HMAC key is one anyone can sign with.
func (c *Codec) check() error {
	if c == nil || len(c.key.Reveal()) < MinKeyLen {
		return fmt.Errorf("%w: the codec has no key; make it with New", ErrKey)
	}
	return nil
}

func (c *Codec) mac(signed string) []byte {
	h := hmac.New(sha256.New, []byte(c.key.Reveal()))
	h.Write([]byte(signed))
	return h.Sum(nil)
}

// String returns "hmactoken.Codec([redacted])".
func (Codec) String() string { return "hmactoken.Codec(" + redact.Redacted + ")" }

// GoString returns the same as String.
func (c Codec) GoString() string { return c.String() }

// Format implements fmt.Formatter: every verb prints String, so that the
// key never reaches a log.
func (c Codec) Format(f fmt.State, verb rune) { redact.Format(f, verb, c.String(), c.GoString()) }

// LogValue implements slog.LogValuer with "[redacted]".
func (Codec) LogValue() slog.Value { return slog.StringValue(redact.Redacted) }

package jwtoken

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/scopegate/scopegate/internal/redact"
)

// An Algorithm is a JWS signature algorithm (RFC 7518 §3.1, RFC 8037).
// Only asymmetric ones are supported: a resource server that verifies
// tokens never holds a key that could sign them.
type Algorithm string

// The supported algorithms. ES256 is the default: small keys and
// signatures, and quick to sign.
const (
	// ES256 is ECDSA with P-256 and SHA-256.
	ES256 Algorithm = "ES256"
	// RS256 is RSASSA-PKCS1-v1_5 with SHA-256, with keys of 2048 bits or
	// more.
	RS256 Algorithm = "RS256"
	// EdDSA is Ed25519 (RFC 8037).
	EdDSA Algorithm = "EdDSA"
)

// MinRSABits is the smallest RSA modulus the package accepts.
const MinRSABits = 2048

// algorithms are the supported algorithms, in the order of preference.
var algorithms = []Algorithm{ES256, RS256, EdDSA}

func (a Algorithm) valid() bool {
	switch a {
	case ES256, RS256, EdDSA:
		return true
	}
	return false
}

// checkKey reports whether pub is a key for alg: a P-256 key for ES256,
// an RSA key of MinRSABits or more for RS256, an Ed25519 key for EdDSA.
func checkKey(alg Algorithm, pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if alg == ES256 && k.Curve == elliptic.P256() {
			return nil
		}
	case *rsa.PublicKey:
		if alg == RS256 && k.N.BitLen() >= MinRSABits {
			return nil
		}
		if alg == RS256 {
			return fmt.Errorf("%w: an RSA key of %d bits; at least %d", ErrKey, k.N.BitLen(), MinRSABits)
		}
	case ed25519.PublicKey:
		if alg == EdDSA && len(k) == ed25519.PublicKeySize {
			return nil
		}
	}
	return fmt.Errorf("%w: a %T is not a key for %s", ErrKey, pub, alg)
}

// A Key is a private signing key, with its key ID ("kid") and algorithm.
// Make one with GenerateKey or NewKey; the zero Key signs nothing.
//
// A Key never prints its private half: it prints as
// "jwtoken.Key(<kid>, [redacted])" with every fmt verb, by value and by
// pointer, also inside structs, slices and maps, logs with log/slog as
// "[redacted]", and refuses to marshal (ErrPrivateKey). It is immutable
// and safe for concurrent use.
type Key struct {
	id  string
	alg Algorithm
	// signer sits behind a pointer to an interface: fmt prints a Key it
	// reaches by reflection, through an unexported field, field by
	// field, and a nested pointer to an interface as an address.
	signer *jose.Signer
	pub    *PublicKey
}

// GenerateKey makes a new random key for alg (a P-256, 2048-bit RSA or
// Ed25519 key), whose ID is its RFC 7638 thumbprint.
func GenerateKey(alg Algorithm) (*Key, error) {
	var priv crypto.Signer
	var err error
	switch alg {
	case ES256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case RS256:
		priv, err = rsa.GenerateKey(rand.Reader, MinRSABits)
	case EdDSA:
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	default:
		return nil, fmt.Errorf("%w: algorithm %q; want ES256, RS256 or EdDSA", ErrKey, alg)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: generating a %s key: %w", ErrKey, alg, err)
	}
	return NewKey(alg, priv, "")
}

// NewKey returns the Key for a private key: an *ecdsa.PrivateKey on
// P-256 for ES256, an *rsa.PrivateKey of at least MinRSABits for RS256,
// an ed25519.PrivateKey for EdDSA (as crypto/x509.ParsePKCS8PrivateKey
// returns them). kid is the key ID tokens name it by; "" means the key's
// RFC 7638 thumbprint. A kid is at most 128 printable ASCII characters.
func NewKey(alg Algorithm, private crypto.Signer, kid string) (*Key, error) {
	if !alg.valid() {
		return nil, fmt.Errorf("%w: algorithm %q; want ES256, RS256 or EdDSA", ErrKey, alg)
	}
	if private == nil {
		return nil, fmt.Errorf("%w: no private key", ErrKey)
	}
	if err := checkKey(alg, private.Public()); err != nil {
		return nil, err
	}
	if kid == "" {
		jwk := jose.JSONWebKey{Key: private.Public()}
		sum, err := jwk.Thumbprint(crypto.SHA256)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrKey, err)
		}
		kid = base64.RawURLEncoding.EncodeToString(sum)
	}
	if !validKeyID(kid) {
		return nil, fmt.Errorf("%w: a key ID is 1 to 128 printable ASCII characters", ErrKey)
	}
	s, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.SignatureAlgorithm(alg), Key: jose.JSONWebKey{Key: private, KeyID: kid, Algorithm: string(alg)}},
		(&jose.SignerOptions{}).WithType(TokenType),
	)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKey, err)
	}
	pub, err := newPublicKey(kid, alg, private.Public())
	if err != nil {
		return nil, err
	}
	return &Key{id: kid, alg: alg, signer: &s, pub: pub}, nil
}

func validKeyID(kid string) bool {
	if kid == "" || len(kid) > 128 {
		return false
	}
	for i := 0; i < len(kid); i++ {
		if kid[i] < 0x21 || kid[i] > 0x7e {
			return false
		}
	}
	return true
}

// ID returns the key ID.
func (k *Key) ID() string {
	if k == nil {
		return ""
	}
	return k.id
}

// Algorithm returns the key's algorithm.
func (k *Key) Algorithm() Algorithm {
	if k == nil {
		return ""
	}
	return k.alg
}

// Public returns the key's public half, to publish and verify with.
func (k *Key) Public() *PublicKey {
	if k == nil {
		return nil
	}
	return k.pub
}

// sign signs payload; the key must have been made by NewKey.
func (k *Key) sign(payload []byte) (string, error) {
	if k == nil || k.signer == nil {
		return "", fmt.Errorf("%w: a Key not made by NewKey or GenerateKey", ErrKey)
	}
	jws, err := (*k.signer).Sign(payload)
	if err != nil {
		return "", fmt.Errorf("%w: signing: %w", ErrKey, err)
	}
	return jws.CompactSerialize()
}

// String returns "jwtoken.Key(<kid>, [redacted])".
func (k Key) String() string { return "jwtoken.Key(" + k.id + ", " + redact.Redacted + ")" }

// GoString returns the same as String.
func (k Key) GoString() string { return k.String() }

// Format implements fmt.Formatter: every verb prints String, so that the
// private key never reaches a log.
func (k Key) Format(f fmt.State, verb rune) { redact.Format(f, verb, k.String(), k.GoString()) }

// LogValue implements slog.LogValuer with "[redacted]".
func (Key) LogValue() slog.Value { return slog.StringValue(redact.Redacted) }

// MarshalJSON refuses with ErrPrivateKey: a private key leaves the
// program only on purpose. Marshal Key.Public to publish it.
func (Key) MarshalJSON() ([]byte, error) { return nil, ErrPrivateKey }

// A PublicKey is a public verification key with its key ID and algorithm:
// one entry of a JWK Set. It is immutable and safe for concurrent use.
type PublicKey struct {
	id  string
	alg Algorithm
	key crypto.PublicKey
}

func newPublicKey(kid string, alg Algorithm, pub crypto.PublicKey) (*PublicKey, error) {
	if err := checkKey(alg, pub); err != nil {
		return nil, err
	}
	return &PublicKey{id: kid, alg: alg, key: pub}, nil
}

// ID returns the key ID.
func (p *PublicKey) ID() string { return p.id }

// Algorithm returns the key's algorithm.
func (p *PublicKey) Algorithm() Algorithm { return p.alg }

// Key returns the crypto/ecdsa, crypto/rsa or crypto/ed25519 public key.
func (p *PublicKey) Key() crypto.PublicKey { return p.key }

// MarshalJSON writes the key as a JWK (RFC 7517 §4) with "kid", "alg"
// and "use": "sig".
func (p *PublicKey) MarshalJSON() ([]byte, error) {
	return json.Marshal(p.jwk())
}

func (p *PublicKey) jwk() jose.JSONWebKey {
	return jose.JSONWebKey{Key: p.key, KeyID: p.id, Algorithm: string(p.alg), Use: "sig"}
}

// same reports whether p and q are the same key, under the same ID, for
// the same algorithm.
func (p *PublicKey) same(q *PublicKey) bool {
	if p == nil || q == nil || p.id != q.id || p.alg != q.alg {
		return false
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := p.key.(equaler)
	return ok && e.Equal(q.key)
}

// impliedAlgorithm is the algorithm a key without "alg" is taken to be
// for.
func impliedAlgorithm(pub crypto.PublicKey) Algorithm {
	switch pub.(type) {
	case *ecdsa.PublicKey:
		return ES256
	case *rsa.PublicKey:
		return RS256
	case ed25519.PublicKey:
		return EdDSA
	}
	return ""
}

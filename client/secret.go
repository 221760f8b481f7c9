package client

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"log/slog"
	"time"

	"github.com/scopegate/scopegate/internal/redact"
)

// SecretBytes is how many random bytes a client secret has: 256 bits.
const SecretBytes = 32

// maxSecretLen bounds the secrets Verify hashes; longer input is wrong.
const maxSecretLen = 256

// A Secret is a client secret in clear text. The registry returns it once,
// when the client is created or its secret rotated; only its hash is
// stored. A token endpoint makes one with [SecretFrom] from the secret a
// client sends. To keep it out of logs, a Secret, or a pointer to one,
// prints as "[redacted]" with every fmt verb and with log/slog, also
// inside structs, slices and maps, and refuses to marshal. The zero Secret
// prints as "". Call [Secret.Reveal] to show it to the app provider. A
// Secret is an immutable value, safe for concurrent use.
type Secret struct {
	// The text sits behind a pointer to a string: fmt prints a struct's
	// fields when a verb does not suit it (%d, %p, ...) or when it reaches
	// it through an unexported field, without asking the methods below,
	// and it prints a nested pointer to a string as an address.
	text redact.Text
}

// SecretFrom returns a Secret that holds text: the client_secret a client
// sends to a token endpoint, say, to pass on in a grant request.
func SecretFrom(text string) Secret { return Secret{redact.New(text)} }

// Reveal returns the secret in clear text.
func (s Secret) Reveal() string { return s.text.Reveal() }

// IsZero reports whether s holds no secret: public and implicit clients
// have none.
func (s Secret) IsZero() bool { return s.text.IsZero() }

// String returns "[redacted]", or "" for the zero Secret.
func (s Secret) String() string { return s.text.String() }

// GoString returns "client.Secret([redacted])", or "client.Secret{}" for
// the zero Secret.
func (s Secret) GoString() string { return s.text.GoString("client.Secret") }

// Format implements [fmt.Formatter]: every verb prints [Secret.String],
// and %#v prints [Secret.GoString].
func (s Secret) Format(f fmt.State, verb rune) { redact.Format(f, verb, s.String(), s.GoString()) }

// LogValue implements [slog.LogValuer] with [Secret.String].
func (s Secret) LogValue() slog.Value { return s.text.LogValue() }

// MarshalText refuses with [ErrSecret], so that a Secret cannot leak into
// JSON or any other text encoding by accident.
func (s Secret) MarshalText() ([]byte, error) { return nil, ErrSecret }

// A SecretHash is what is stored of a secret: its SHA-256 digest. A
// 256-bit random secret cannot be guessed, so a fast hash suffices; a slow
// password hash would add nothing.
type SecretHash struct {
	Sum [sha256.Size]byte
	// NotAfter, when set, is when a rotated-out secret stops working.
	NotAfter time.Time
}

// IsZero reports whether h holds no hash.
func (h SecretHash) IsZero() bool { return h.Sum == [sha256.Size]byte{} }

// Credentials are a client's stored secret hashes: the current secret, and
// after a rotation with a grace period, the previous one until its
// NotAfter.
type Credentials struct {
	Current  SecretHash
	Previous SecretHash
}

// IsZero reports whether c holds no secret.
func (c Credentials) IsZero() bool { return c.Current.IsZero() && c.Previous.IsZero() }

// newSecret generates a secret from crypto/rand.
func newSecret() (Secret, SecretHash) {
	var b [SecretBytes]byte
	rand.Read(b[:]) // never returns an error; it crashes the program if the system's source fails
	s := base64.RawURLEncoding.EncodeToString(b[:])
	return SecretFrom(s), SecretHash{Sum: sha256.Sum256([]byte(s))}
}

// Verify reports whether secret matches the current secret, or the
// previous one before its NotAfter. It compares in constant time and
// always checks both hashes, so its timing reveals neither which matched
// nor how much of a wrong secret was right.
func (c Credentials) Verify(secret string, now time.Time) bool {
	if len(secret) == 0 || len(secret) > maxSecretLen {
		return false
	}
	var buf [maxSecretLen]byte
	sum := sha256.Sum256(buf[:copy(buf[:], secret)])
	current := subtle.ConstantTimeCompare(sum[:], c.Current.Sum[:]) & boolInt(!c.Current.IsZero())
	previous := subtle.ConstantTimeCompare(sum[:], c.Previous.Sum[:]) &
		boolInt(!c.Previous.IsZero() && now.Before(c.Previous.NotAfter))
	return current|previous == 1
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rotate returns credentials with a new current secret. With a positive
// grace the old secret keeps working until now+grace; otherwise it stops
// at once. A secret rotated out earlier is forgotten.
func (c Credentials) rotate(now time.Time, grace time.Duration) (Credentials, Secret) {
	secret, hash := newSecret()
	next := Credentials{Current: hash}
	if grace > 0 && !c.Current.IsZero() {
		next.Previous = SecretHash{Sum: c.Current.Sum, NotAfter: now.Add(grace)}
	}
	return next, secret
}

package client

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// SecretBytes is how many random bytes a client secret has: 256 bits.
const SecretBytes = 32

// maxSecretLen bounds the secrets Verify hashes; longer input is wrong.
const maxSecretLen = 256

// A Secret is a client secret in clear text. The registry returns it once,
// when the client is created or its secret rotated; only its hash is
// stored. To keep it out of logs, a Secret prints as "[redacted]" with
// every fmt verb and with log/slog, and refuses to marshal. Call
// [Secret.Reveal] to show it to the app provider. A Secret is an immutable
// value, safe for concurrent use.
type Secret struct {
	// The text sits behind a pointer: fmt prints a struct's fields when a
	// verb does not suit it (%d, %p, ...) without asking the methods
	// below, and it prints a nested pointer as an address.
	p *string
}

func newSecretText(s string) Secret { return Secret{&s} }

// Reveal returns the secret in clear text.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsZero reports whether s holds no secret: public and implicit clients
// have none.
func (s Secret) IsZero() bool { return s.Reveal() == "" }

// String returns "[redacted]".
func (s Secret) String() string { return "[redacted]" }

// GoString returns "client.Secret([redacted])".
func (s Secret) GoString() string { return "client.Secret([redacted])" }

// Format implements [fmt.Formatter]: every verb prints "[redacted]", and
// %#v prints [Secret.GoString].
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, s.GoString())
		return
	}
	io.WriteString(f, s.String())
}

// LogValue implements [slog.LogValuer] with "[redacted]".
func (s Secret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

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
	return newSecretText(s), SecretHash{Sum: sha256.Sum256([]byte(s))}
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

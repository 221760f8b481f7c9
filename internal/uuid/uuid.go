// Package uuid generates and parses random (version 4) UUIDs in the
// canonical 8-4-4-4-12 hexadecimal form, for client and token IDs.
package uuid

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
)

// A UUID is 16 bytes. The zero UUID is invalid.
type UUID [16]byte

// ErrSyntax reports text that is not a UUID in the 8-4-4-4-12 form.
var ErrSyntax = errors.New("not a UUID of the form nnnnnnnn-nnnn-nnnn-nnnn-nnnnnnnnnnnn")

// New returns a random version 4 UUID from crypto/rand.
func New() UUID {
	var u UUID
	rand.Read(u[:])         // never returns an error; it crashes the program if the system's source fails
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u
}

// Parse parses the 36-character 8-4-4-4-12 form, in either case. It rejects
// the zero UUID.
func Parse(s string) (UUID, error) {
	var u UUID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return UUID{}, ErrSyntax
	}
	j := 0
	for _, i := range [...]int{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34} {
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return UUID{}, ErrSyntax
		}
		u[j] = hi<<4 | lo
		j++
	}
	if u == (UUID{}) {
		return UUID{}, ErrSyntax
	}
	return u, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// String returns the lower-case 8-4-4-4-12 form.
func (u UUID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
)

func TestSecretNeverPrints(t *testing.T) {
	f := newFixture(t)
	_, secret, err := f.registry.Create(context.Background(), f.admin(t), codeRegistration())
	require.NoError(t, err)
	clear := secret.Reveal()
	require.Len(t, clear, 43, "256 bits in unpadded base64url")

	// Every verb, not only the string ones: fmt prints a struct's fields
	// for a verb that does not suit a Stringer (%d, %x on the raw bytes,
	// %p, ...), and with them the secret.
	for _, format := range []string{"%v", "%s", "%+v", "%#v", "%q", "%x", "%X", "%d", "%t", "%o", "%b", "%e", "%U", "%c", "%p", "%10.3v", "%-20s"} {
		for _, v := range []any{secret, &secret, struct{ S client.Secret }{secret}, []client.Secret{secret}} {
			out := fmt.Sprintf(format, v)
			require.NotContains(t, out, clear, "%s of %T", format, v)
			require.NotContains(t, out, clear[:8], "%s of %T: not even a part", format, v)
		}
		if format != "%p" { // fmt prints %p of a non-pointer itself
			require.Contains(t, fmt.Sprintf(format, secret), "redacted", format)
		}
	}

	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("created", "secret", secret)
	require.NotContains(t, buf.String(), clear)
	require.Contains(t, buf.String(), "[redacted]")

	_, err = json.Marshal(struct{ S client.Secret }{secret})
	require.ErrorIs(t, err, client.ErrSecret)
}

func TestSecretStoredOnlyAsHash(t *testing.T) {
	f := newFixture(t)
	c, secret, err := f.registry.Create(context.Background(), f.admin(t), codeRegistration())
	require.NoError(t, err)
	stored, err := f.clients.Client(context.Background(), c.ID)
	require.NoError(t, err)
	require.NotContains(t, fmt.Sprintf("%#v", stored), secret.Reveal())
	require.True(t, stored.Credentials.Verify(secret.Reveal(), f.clock.now()))
}

func TestCredentialsVerify(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := f.admin(t)
	c, first, err := f.registry.Create(ctx, admin, codeRegistration())
	require.NoError(t, err)
	require.NotEqual(t, first.Reveal(), func() string { _, s, _ := f.registry.Create(ctx, admin, codeRegistration()); return s.Reveal() }(), "secrets are random")

	now := f.clock.now()
	creds := func() client.Credentials {
		got, err := f.clients.Client(ctx, c.ID)
		require.NoError(t, err)
		return got.Credentials
	}
	require.True(t, creds().Verify(first.Reveal(), now))
	for _, wrong := range []string{"", "x", first.Reveal()[:42], first.Reveal() + "x", string(make([]byte, 10000))} {
		require.False(t, creds().Verify(wrong, now), "%.10q", wrong)
	}

	// Rotation with a one-hour grace: both work until the grace ends.
	second, err := f.registry.RotateSecret(ctx, admin, c.ID, time.Hour)
	require.NoError(t, err)
	require.True(t, creds().Verify(second.Reveal(), now))
	require.True(t, creds().Verify(first.Reveal(), now))
	require.True(t, creds().Verify(first.Reveal(), now.Add(time.Hour-time.Nanosecond)))
	require.False(t, creds().Verify(first.Reveal(), now.Add(time.Hour)), "the grace period ends exactly at NotAfter")
	require.True(t, creds().Verify(second.Reveal(), now.Add(time.Hour)))

	// Rotation without grace: the previous secret stops at once, and the
	// one rotated out before is forgotten.
	third, err := f.registry.RotateSecret(ctx, admin, c.ID, 0)
	require.NoError(t, err)
	require.True(t, creds().Verify(third.Reveal(), now))
	require.False(t, creds().Verify(second.Reveal(), now))
	require.False(t, creds().Verify(first.Reveal(), now))
}

func TestRotateSecretRejectsNegativeGrace(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, first, err := f.registry.Create(ctx, f.admin(t), codeRegistration())
	require.NoError(t, err)
	_, err = f.registry.RotateSecret(ctx, f.admin(t), c.ID, -time.Minute)
	var fe *client.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "grace", fe.Field)
	require.ErrorIs(t, err, client.ErrInvalid)
	_, err = f.registry.Authenticate(ctx, c.ID, first.Reveal())
	require.NoError(t, err, "nothing rotated")
}

func TestZeroCredentialsVerifyNothing(t *testing.T) {
	var c client.Credentials
	require.True(t, c.IsZero())
	require.False(t, c.Verify("", time.Now()))
	require.False(t, c.Verify("anything", time.Now()))
}

func TestSecretFrom(t *testing.T) {
	s := client.SecretFrom("what a client sent")
	require.Equal(t, "what a client sent", s.Reveal())
	require.False(t, s.IsZero())
	require.Equal(t, "[redacted]", fmt.Sprint(s))

	// A zero Secret has nothing to hide and prints empty, so that a
	// printed request shows which secrets it carried.
	for _, zero := range []client.Secret{{}, client.SecretFrom("")} {
		require.True(t, zero.IsZero())
		require.Equal(t, "", fmt.Sprint(zero))
		require.Equal(t, "client.Secret{}", fmt.Sprintf("%#v", zero))
		_, err := json.Marshal(zero)
		require.ErrorIs(t, err, client.ErrSecret, "not even a zero Secret marshals")
	}
}

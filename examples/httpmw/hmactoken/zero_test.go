package hmactoken_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/httpmw/hmactoken"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/internal/nopanic"
)

// TestCodecWithoutKey: a Codec not made by New (the zero Codec, or a nil
// one) has no key. It must refuse to sign and to verify, rather than use
// an empty HMAC key that anyone can sign with, or panic.
func TestCodecWithoutKey(t *testing.T) {
	// A token forged with the empty key: the claims of a real token.
	real, err := newCodec(t).Sign(userToken())
	require.NoError(t, err)
	good, err := newCodec(t).VerifyToken(ctx, real)
	require.NoError(t, err)
	payload, err := json.Marshal(struct {
		ID        string `json:"jti"`
		Client    string `json:"cid"`
		Org       string `json:"org"`
		GrantType string `json:"gty"`
		User      string `json:"sub"`
		Scope     string `json:"scope"`
		IssuedAt  int64  `json:"iat"`
		ExpiresAt int64  `json:"exp"`
	}{good.ID.String(), good.Client.String(), string(good.Org), good.GrantType.String(), good.User, good.Scopes.String(),
		good.IssuedAt.Unix(), good.ExpiresAt.Unix()})
	require.NoError(t, err)
	signed := "sg1." + base64.RawURLEncoding.EncodeToString(payload)
	h := hmac.New(sha256.New, nil)
	h.Write([]byte(signed))
	forged := signed + "." + base64.RawURLEncoding.EncodeToString(h.Sum(nil))

	for name, c := range map[string]*hmactoken.Codec{"zero": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			require.NotPanics(t, func() {
				_, err := c.VerifyToken(ctx, forged)
				require.True(t, errors.Is(err, hmactoken.ErrKey), "%v", err)
				_, err = c.Sign(userToken())
				require.True(t, errors.Is(err, hmactoken.ErrKey), "%v", err)
			})
		})
	}
}

// TestZeroValuesDoNotPanic: the zero value and the nil pointer of the
// Codec, and New given no key, return an error or print redacted; none
// panics (issue 11).
func TestZeroValuesDoNotPanic(t *testing.T) {
	nopanic.CheckPackage(t, hmactoken.Codec{}, (*hmactoken.Codec)(nil))
	nopanic.CheckFuncs(t, map[string]any{
		"New": hmactoken.New,
		"(*Codec).VerifyToken(zero token)": func() (grant.Token, error) {
			return newCodec(t).VerifyToken(ctx, "")
		},
		"(*Codec).Sign(zero token)": func() (string, error) { return newCodec(t).Sign(grant.Token{}) },
	})
}

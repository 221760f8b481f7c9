package hmactoken_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/httpmw/hmactoken"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/scope"
)

var (
	ctx     = context.Background()
	testKey = []byte("0123456789abcdef0123456789abcdef")
	issued  = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

func newCodec(t testing.TB) *hmactoken.Codec {
	t.Helper()
	c, err := hmactoken.New(testKey)
	require.NoError(t, err)
	return c
}

func userToken() grant.Token {
	return grant.Token{
		ID:        mustTokenID("7d0c1d6e-5a4b-4c3d-8e2f-1a2b3c4d5e6f"),
		Client:    client.MustParseID("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
		Org:       "org-1",
		GrantType: client.AuthorizationCode,
		User:      "agent-42",
		Scopes:    scope.MustParseSet("conversations:readonly users:readonly"),
		IssuedAt:  issued,
		ExpiresAt: issued.Add(time.Hour),
	}
}

func clientToken() grant.Token {
	t := userToken()
	t.GrantType, t.User, t.Scopes = client.ClientCredentials, "", scope.Set{}
	return t
}

func mustTokenID(s string) grant.TokenID {
	id, err := grant.ParseTokenID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// signRaw signs arbitrary claims bytes the way the format says, to test
// what VerifyToken does with authentic but non-conforming claims.
func signRaw(payload string) string {
	signed := "sg1." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	h := hmac.New(sha256.New, testKey)
	h.Write([]byte(signed))
	return signed + "." + base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// tokenEqual compares tokens; scope.Set and time.Time need their Equal.
var tokenEqual = cmp.Options{
	cmp.Comparer(func(a, b scope.Set) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b grant.TokenID) bool { return a == b }),
	cmp.Comparer(func(a, b client.ID) bool { return a == b }),
}

func TestRoundTrip(t *testing.T) {
	c := newCodec(t)
	for _, tc := range []struct {
		name  string
		token grant.Token
	}{
		{"authorization code", userToken()},
		{"client credentials", clientToken()},
		{"user with every kind of character", func() grant.Token {
			t := userToken()
			t.User, t.Org = `"<ä>\ & .`, "org \u2028 1"
			return t
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := c.Sign(tc.token)
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(s, "sg1."))
			got, err := c.VerifyToken(ctx, s)
			require.NoError(t, err)
			if diff := cmp.Diff(tc.token, got, tokenEqual); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			again, err := c.Sign(got)
			require.NoError(t, err)
			require.Equal(t, s, again, "one token, one spelling")
		})
	}
}

// Times are rounded down to seconds: the token never outlives the claims
// signed, and works from the moment it was issued.
func TestSignRoundsTimesDown(t *testing.T) {
	c := newCodec(t)
	tok := userToken()
	tok.IssuedAt = issued.Add(500 * time.Millisecond)
	tok.ExpiresAt = issued.Add(time.Hour + 900*time.Millisecond)
	s, err := c.Sign(tok)
	require.NoError(t, err)
	got, err := c.VerifyToken(ctx, s)
	require.NoError(t, err)
	require.Equal(t, issued, got.IssuedAt)
	require.Equal(t, issued.Add(time.Hour), got.ExpiresAt)
	require.NoError(t, got.CheckTime(tok.IssuedAt, 0), "valid at once")
	require.ErrorIs(t, got.CheckTime(tok.ExpiresAt.Add(-time.Millisecond), 0), grant.ErrExpired, "never later than signed")
}

func TestSignRefuses(t *testing.T) {
	c := newCodec(t)
	for _, tc := range []struct {
		name   string
		change func(*grant.Token)
		want   []error
	}{
		{"no token ID", func(t *grant.Token) { t.ID = grant.TokenID{} }, []error{hmactoken.ErrFormat, grant.ErrMalformed}},
		{"client credentials with a user", func(t *grant.Token) { t.GrantType = client.ClientCredentials; t.Scopes = scope.Set{} },
			[]error{hmactoken.ErrFormat, grant.ErrMalformed}},
		{"expires before it is issued", func(t *grant.Token) { t.ExpiresAt = t.IssuedAt.Add(-time.Second) },
			[]error{hmactoken.ErrFormat, grant.ErrMalformed}},
		{"lives less than a second once rounded", func(t *grant.Token) {
			t.IssuedAt = issued.Add(100 * time.Millisecond)
			t.ExpiresAt = issued.Add(900 * time.Millisecond)
		}, []error{hmactoken.ErrFormat, grant.ErrMalformed}},
		{"too large", func(t *grant.Token) { t.User = strings.Repeat("u", hmactoken.MaxLen) }, []error{hmactoken.ErrTooLarge}},
		{"user not UTF-8", func(t *grant.Token) { t.User = "agent\xc7" }, []error{hmactoken.ErrFormat}},
		{"org not UTF-8", func(t *grant.Token) { t.Org = "\xff" }, []error{hmactoken.ErrFormat}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := userToken()
			tc.change(&tok)
			s, err := c.Sign(tok)
			require.Empty(t, s)
			for _, want := range tc.want {
				require.ErrorIs(t, err, want)
			}
		})
	}
}

func TestVerifyRefuses(t *testing.T) {
	c := newCodec(t)
	good, err := c.Sign(userToken())
	require.NoError(t, err)
	dot := strings.LastIndexByte(good, '.')
	other, err := hmactoken.New(bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	byOther, err := other.Sign(userToken())
	require.NoError(t, err)

	// A valid claims object, to be spoilt in authentic tokens.
	const claims = `{"jti":"7d0c1d6e-5a4b-4c3d-8e2f-1a2b3c4d5e6f","cid":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","org":"org-1","gty":"authorization_code","sub":"agent-42","scope":"users:readonly","iat":1772366400,"exp":1772370000}`
	_, err = c.VerifyToken(ctx, signRaw(claims))
	require.NoError(t, err, "the base case must verify, or the cases below prove nothing")

	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	for _, tc := range []struct {
		name  string
		token string
		want  []error
	}{
		{"empty", "", []error{hmactoken.ErrFormat}},
		{"another format", "eyJhbGciOiJIUzI1NiJ9.e30.sig", []error{hmactoken.ErrFormat}},
		{"prefix only", "sg1.", []error{hmactoken.ErrFormat}},
		{"prefix without its dot", "sg1", []error{hmactoken.ErrFormat}},
		{"no signature", "sg1.e30", []error{hmactoken.ErrFormat}},
		{"empty claims", "sg1.." + good[dot+1:], []error{hmactoken.ErrFormat}},
		{"four parts", "sg1.e30" + good[3:], []error{hmactoken.ErrFormat}},
		{"short signature", good[:len(good)-1], []error{hmactoken.ErrFormat}},
		{"padded signature", good + "=", []error{hmactoken.ErrFormat}},
		{"signature not base64url", good[:len(good)-1] + "+", []error{hmactoken.ErrFormat}},
		{"signature with trailing bits", good[:len(good)-1] + flipLast(good), []error{hmactoken.ErrFormat}},
		{"signature changed", flip(good, len(good)-5), []error{hmactoken.ErrSignature}},
		{"claims changed", flip(good, 10), []error{hmactoken.ErrSignature}},
		{"version changed", "sg2" + good[3:], []error{hmactoken.ErrFormat}},
		{"another key", byOther, []error{hmactoken.ErrSignature}},
		{"too large", "sg1." + strings.Repeat("A", hmactoken.MaxLen), []error{hmactoken.ErrTooLarge}},
		{"white space in the claims", signRaw(strings.Replace(claims, `,"org"`, `, "org"`, 1)), []error{hmactoken.ErrFormat}},
		{"members reordered", signRaw(strings.Replace(claims, `"iat":1772366400,"exp":1772370000`, `"exp":1772370000,"iat":1772366400`, 1)),
			[]error{hmactoken.ErrFormat}},
		{"member repeated", signRaw(strings.Replace(claims, `"org":"org-1"`, `"org":"org-1","org":"org-1"`, 1)), []error{hmactoken.ErrFormat}},
		{"unknown member", signRaw(strings.Replace(claims, `{`, `{"admin":true,`, 1)), []error{hmactoken.ErrFormat}},
		{"missing member", signRaw(strings.Replace(claims, `,"iat":1772366400`, ``, 1)), []error{hmactoken.ErrFormat}},
		{"trailing data", signRaw(claims + "{}"), []error{hmactoken.ErrFormat}},
		{"not JSON", signRaw("jti=1"), []error{hmactoken.ErrFormat}},
		{"upper-case client ID", signRaw(strings.Replace(claims, "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "3F2504E0-4F89-41D3-9A0C-0305E82C3301", 1)),
			[]error{hmactoken.ErrFormat}},
		{"bad client ID", signRaw(strings.Replace(claims, "3f2504e0-", "3f2504e0", 1)), []error{hmactoken.ErrFormat, client.ErrSyntax}},
		{"unsorted scopes", signRaw(strings.Replace(claims, `"users:readonly"`, `"users:readonly conversations:readonly"`, 1)),
			[]error{hmactoken.ErrFormat}},
		{"malformed scopes", signRaw(strings.Replace(claims, `"users:readonly"`, `"users :readonly"`, 1)), []error{hmactoken.ErrFormat, scope.ErrColon}},
		{"unknown grant type", signRaw(strings.Replace(claims, "authorization_code", "password", 1)), []error{hmactoken.ErrFormat}},
		{"client credentials with a user", signRaw(strings.Replace(claims, `"authorization_code","sub":"agent-42","scope":"users:readonly"`, `"client_credentials","sub":"agent-42"`, 1)),
			[]error{hmactoken.ErrFormat, grant.ErrMalformed}},
		{"lives too long", signRaw(strings.Replace(claims, "1772370000", "1872370000", 1)), []error{hmactoken.ErrFormat, grant.ErrMalformed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.VerifyToken(ctx, tc.token)
			require.Error(t, err)
			for _, want := range tc.want {
				require.ErrorIs(t, err, want)
			}
			require.Equal(t, grant.Token{}, got)
			if len(tc.token) > 8 {
				require.NotContains(t, err.Error(), tc.token, "an error must not echo the token")
			}
		})
	}
}

// flipLast returns the last character of s changed to one that sets the
// unused low bits of the signature's last base64 character.
func flipLast(s string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, s[len(s)-1])
	return string(alphabet[i|1])
}

func TestNewKey(t *testing.T) {
	_, err := hmactoken.New(make([]byte, hmactoken.MinKeyLen-1))
	require.ErrorIs(t, err, hmactoken.ErrKey)

	key := bytes.Clone(testKey)
	c, err := hmactoken.New(key)
	require.NoError(t, err)
	s, err := c.Sign(userToken())
	require.NoError(t, err)
	key[0] ^= 1 // the codec keeps its own copy
	_, err = c.VerifyToken(ctx, s)
	require.NoError(t, err)
}

// The key never prints: not with fmt, not with slog.
func TestCodecRedacted(t *testing.T) {
	c := newCodec(t)
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		out = append(out, fmt.Sprintf(verb, c))
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("codec", "codec", c)
	out = append(out, logged.String())
	for _, s := range out {
		for _, leak := range []string{string(testKey), fmt.Sprintf("%x", testKey), base64.StdEncoding.EncodeToString(testKey), "0123456789"} {
			require.NotContains(t, s, leak)
		}
		require.Contains(t, s, "redacted")
	}
}

func TestConcurrentUse(t *testing.T) {
	c := newCodec(t)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			for range 100 {
				s, err := c.Sign(userToken())
				if err == nil {
					_, err = c.VerifyToken(ctx, s)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
}

func BenchmarkVerifyToken(b *testing.B) {
	c := newCodec(b)
	s, err := c.Sign(userToken())
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.VerifyToken(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

func isSentinel(err error) bool {
	return errors.Is(err, hmactoken.ErrFormat) || errors.Is(err, hmactoken.ErrSignature) || errors.Is(err, hmactoken.ErrTooLarge)
}

package hmactoken_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/scope"
)

// FuzzVerifyToken feeds VerifyToken arbitrary strings: it never panics,
// every refusal wraps a sentinel, and a token it accepts is the one
// spelling Sign gives its claims.
func FuzzVerifyToken(f *testing.F) {
	c := newCodec(f)
	for _, tok := range []grant.Token{userToken(), clientToken()} {
		s, err := c.Sign(tok)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s)
		f.Add(s[:len(s)-1])
		f.Add(strings.Replace(s, ".", "..", 1))
	}
	f.Add("")
	f.Add("sg1.")
	f.Add("sg1.e30.AAAA")
	f.Add(signRaw(`{"jti":"7d0c1d6e-5a4b-4c3d-8e2f-1a2b3c4d5e6f","cid":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","org":"o","gty":"client_credentials","iat":1,"exp":2}`))
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := c.VerifyToken(ctx, s)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		again, err := c.Sign(tok)
		if err != nil {
			t.Fatalf("accepted %q but cannot sign its claims: %v", s, err)
		}
		if again != s {
			t.Fatalf("accepted a second spelling:\n%s\n%s", s, again)
		}
	})
}

// FuzzSignVerify signs arbitrary claims: whatever Sign accepts,
// VerifyToken gives back, with the times rounded down to seconds.
func FuzzSignVerify(f *testing.F) {
	c := newCodec(f)
	f.Add("org-1", "agent-42", "users:readonly", uint8(client.AuthorizationCode), int64(1772366400), int64(3600e9))
	f.Add("org-1", "", "", uint8(client.ClientCredentials), int64(-5), int64(300e9))
	f.Add("\x00", "\xff", "a b", uint8(0), int64(0), int64(1))
	f.Fuzz(func(t *testing.T, org, user, scopes string, gt uint8, iat, life int64) {
		tok := grant.Token{ID: mustTokenID("7d0c1d6e-5a4b-4c3d-8e2f-1a2b3c4d5e6f"), Client: client.MustParseID("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
			Org: client.OrgID(org), GrantType: client.GrantType(gt), User: user,
			IssuedAt: time.Unix(0, iat).UTC()}
		tok.ExpiresAt = tok.IssuedAt.Add(time.Duration(life))
		if set, err := scope.ParseSet(scopes); err == nil {
			tok.Scopes = set
		}
		s, err := c.Sign(tok)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		got, err := c.VerifyToken(ctx, s)
		if err != nil {
			t.Fatalf("cannot verify what was signed: %v", err)
		}
		want := tok
		want.IssuedAt = time.Unix(tok.IssuedAt.Unix(), 0).UTC()
		want.ExpiresAt = time.Unix(tok.ExpiresAt.Unix(), 0).UTC()
		if diff := cmp.Diff(want, got, tokenEqual); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s", diff)
		}
	})
}

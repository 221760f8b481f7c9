package hmactoken_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/httpmw/hmactoken"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/scope"
)

func Example() {
	// In a real service the key comes from a secret store, and is made
	// with crypto/rand.
	codec, err := hmactoken.New([]byte("an example key of 32 bytes, or more"))
	if err != nil {
		panic(err)
	}
	id, _ := grant.ParseTokenID("7d0c1d6e-5a4b-4c3d-8e2f-1a2b3c4d5e6f")
	issued := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	token, err := codec.Sign(grant.Token{ID: id, Client: client.MustParseID("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
		Org: "org-1", GrantType: client.AuthorizationCode, User: "agent-42",
		Scopes: scope.MustParseSet("users:readonly"), IssuedAt: issued, ExpiresAt: issued.Add(time.Hour)})
	if err != nil {
		panic(err)
	}

	claims, err := codec.VerifyToken(context.Background(), token)
	fmt.Println(claims.User, claims.Scopes, claims.ExpiresAt, err)

	// Change one character of the claims, and the signature no longer fits.
	tampered := token[:10] + "x" + token[11:]
	_, err = codec.VerifyToken(context.Background(), tampered)
	fmt.Println(errors.Is(err, hmactoken.ErrSignature), err)
	fmt.Println(codec)
	// Output:
	// agent-42 users:readonly 2026-03-01 13:00:00 +0000 UTC <nil>
	// true hmactoken: bad signature
	// hmactoken.Codec([redacted])
}

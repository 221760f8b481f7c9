package grant_test

import (
	"testing"

	"github.com/scopegate/scopegate/grant"
)

func FuzzParseTokenID(f *testing.F) {
	f.Add("0f8fad5b-d9cb-469f-a165-70867728950e")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := grant.ParseTokenID(s)
		if err != nil {
			if id.IsValid() {
				t.Fatal("an error and a valid ID")
			}
			return
		}
		back, err := grant.ParseTokenID(id.String())
		if err != nil || back != id {
			t.Fatalf("round trip of %q: %v, %v", s, back, err)
		}
	})
}

// FuzzExchange throws arbitrary codes, redirect URIs and verifiers at a
// live issuer that has issued a real code: nothing panics, and no made-up
// code turns into a token.
func FuzzExchange(f *testing.F) {
	f.Add("", "", "")
	f.Add("code", "https://desktop.example.com/cb", "verifier")
	fx := newFixture(f)
	app, secret := fx.desktop()
	fx.consentAndCode(authorizeRequest(app, ""))
	f.Fuzz(func(t *testing.T, code, redirect, verifier string) {
		tok, err := fx.issuer.Exchange(ctx, grant.ExchangeRequest{Client: app.ID, Secret: secret, Code: grant.CodeFrom(code), RedirectURI: redirect, CodeVerifier: grant.CodeVerifierFrom(verifier)})
		if err == nil {
			t.Fatalf("exchanged an arbitrary code %q: %+v", code, tok)
		}
		_ = grant.OAuthError(err)
	})
}

package redact_test

import (
	"testing"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/internal/redact/redacttest"
	"github.com/scopegate/scopegate/scope"
)

// TestSecretsNeverPrint: every type that holds a secret hides it, by value
// and by pointer, in exported and unexported fields, in slices and maps,
// under every fmt verb, in slog's text and JSON handlers, and in JSON.
// Secrets, codes and verifiers refuse to marshal; the requests that carry
// them marshal with them redacted. jwtoken's tests check its private keys
// the same way.
func TestSecretsNeverPrint(t *testing.T) {
	const (
		secretText   = "q7Rk2Qx9Lm4Vw8Zp1Ag7Hn3Ty6Ub5Jc0Xe2Wq7Kd8Pf"
		codeText     = "Hn3Ty6Ub5Jc0Xe2Wq7Kd8Pf4Rs1Gm9Lz6Tb3Vn5Cx7Q"
		verifierText = "Kd8Pf4Rs1Gm9Lz6Tb3Vn5Cx7Qw2Ej0Hy4Ua8Mo1SiZq5Xw2"
	)
	secret := client.SecretFrom(secretText)
	code := grant.CodeFrom(codeText)
	verifier := grant.CodeVerifierFrom(verifierText)
	id := client.NewID()

	// Secrets, codes and verifiers refuse to marshal.
	redacttest.NeverPrints(t, "client.Secret", secret, []string{secretText}, client.ErrSecret)
	redacttest.NeverPrints(t, "grant.Code", code, []string{codeText}, grant.ErrSecret)
	redacttest.NeverPrints(t, "grant.CodeVerifier", verifier, []string{verifierText}, grant.ErrSecret)
	// The requests that carry them marshal with them redacted.
	redacttest.NeverPrints(t, "grant.ExchangeRequest",
		grant.ExchangeRequest{Client: id, Secret: secret, Code: code, RedirectURI: "https://app.example.com/cb", CodeVerifier: verifier},
		[]string{secretText, codeText, verifierText}, nil)
	redacttest.NeverPrints(t, "grant.ClientCredentialsRequest",
		grant.ClientCredentialsRequest{Org: "org-1", Client: id, Secret: secret},
		[]string{secretText}, nil)
	redacttest.NeverPrints(t, "grant.SAML2BearerRequest",
		grant.SAML2BearerRequest{Org: "org-1", Client: id, Secret: secret, User: "agent-42", Scopes: scope.MustParseSet("users:readonly")},
		[]string{secretText}, nil)
}

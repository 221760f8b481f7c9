package enforce

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
)

// TestTokenHelpersAgree: hasUser and subject, which read a token through
// a pointer, answer as grant.Token's own methods do, for every grant type
// (and ones that are not), with and without a user.
func TestTokenHelpersAgree(t *testing.T) {
	id := client.NewID()
	for g := client.GrantType(0); g <= client.SAML2Bearer+1; g++ {
		for _, user := range []string{"", "u-1"} {
			tok := grant.Token{Client: id, GrantType: g, User: user}
			require.Equal(t, tok.HasUser(), hasUser(&tok), "grant type %d, user %q", g, user)
			require.Equal(t, tok.Subject(), subject(&tok), "grant type %d, user %q", g, user)
		}
	}
}

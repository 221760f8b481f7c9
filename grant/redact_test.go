package grant_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
)

// verbs are the fmt verbs a careless log line might use.
var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%o", "%b", "%e", "%U", "%c", "%10.3v", "%-20s"}

// requireHidden fails if any verb, or a JSON or text slog line, prints
// one of secrets, or a part of one.
func requireHidden(t *testing.T, v any, secrets ...string) {
	t.Helper()
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "v", v)
	outs := []string{buf.String()}
	for _, verb := range verbs {
		outs = append(outs, fmt.Sprintf(verb, v), fmt.Sprintf(verb, []any{v}))
	}
	for _, out := range outs {
		for _, s := range secrets {
			require.NotContains(t, out, s[:8])
		}
	}
}

func TestCodeNeverPrints(t *testing.T) {
	f := newFixture(t)
	app, _ := f.desktop()
	code := f.consentAndCode(authorizeRequest(app, ""))
	clear := code.Reveal()
	require.Len(t, clear, 43, "256 bits in unpadded base64url")
	requireHidden(t, code, clear)
	requireHidden(t, struct{ C grant.Code }{code}, clear)
	pointerVerb := "%p" // a variable, so that vet lets the mistake through
	require.NotContains(t, fmt.Sprintf(pointerVerb, code), clear[:8])
	require.Equal(t, "[redacted]", fmt.Sprint(code))
	require.Equal(t, "grant.Code([redacted])", fmt.Sprintf("%#v", code))
	_, err := json.Marshal(code)
	require.Error(t, err, "a code does not marshal")
}

func TestRequestsHideTheirSecrets(t *testing.T) {
	const secret = "s3cr3t-s3cr3t-s3cr3t-s3cr3t"
	const code = "c0de-c0de-c0de-c0de-c0de-c0de"
	const verifier = "v3rifier-v3rifier-v3rifier-v3rifier-v3rifier"
	id := client.NewID()
	tests := []struct {
		name string
		req  any
		want string // what %+v shows
	}{
		{
			name: "exchange",
			req:  grant.ExchangeRequest{Client: id, Secret: secret, Code: code, RedirectURI: "https://app.example.com/cb", CodeVerifier: verifier},
			want: "{Client:" + id.String() + " Secret:[redacted] Code:[redacted] RedirectURI:https://app.example.com/cb CodeVerifier:[redacted]}",
		},
		{
			name: "exchange without a secret",
			req:  grant.ExchangeRequest{Client: id, Code: code},
			want: "{Client:" + id.String() + " Secret: Code:[redacted] RedirectURI: CodeVerifier:}",
		},
		{
			name: "client credentials",
			req:  grant.ClientCredentialsRequest{Org: customer, Client: id, Secret: secret},
			want: "{Org:customer-org Client:" + id.String() + " Secret:[redacted]}",
		},
		{
			name: "SAML2 bearer",
			req:  grant.SAML2BearerRequest{Org: customer, Client: id, Secret: secret, User: user, Scopes: scopes("users:readonly")},
			want: "{Org:customer-org Client:" + id.String() + " Secret:[redacted] User:agent-42 Scopes:users:readonly}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireHidden(t, tt.req, secret, code, verifier)
			require.Equal(t, tt.want, fmt.Sprintf("%+v", tt.req))
		})
	}
}

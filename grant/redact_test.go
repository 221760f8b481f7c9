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

// Every fmt verb, slog handler and JSON, for every type that holds a
// secret and every place it may sit, is in internal/redact's
// TestSecretsNeverPrint. These tests pin what a code and the requests
// print instead.

func TestCodeNeverPrints(t *testing.T) {
	f := newFixture(t)
	app, _ := f.desktop()
	code := f.consentAndCode(authorizeRequest(app, ""))
	require.Len(t, code.Reveal(), 43, "256 bits in unpadded base64url")
	require.Equal(t, "[redacted]", fmt.Sprint(code))
	require.Equal(t, "grant.Code([redacted])", fmt.Sprintf("%#v", code))
	_, err := json.Marshal(code)
	require.ErrorIs(t, err, grant.ErrSecret, "a code does not marshal")
}

func TestCodeAndVerifierFromText(t *testing.T) {
	code, verifier := grant.CodeFrom("a code"), grant.CodeVerifierFrom("a verifier")
	require.Equal(t, "a code", code.Reveal())
	require.Equal(t, "a verifier", verifier.Reveal())
	require.Equal(t, "grant.CodeVerifier([redacted])", fmt.Sprintf("%#v", verifier))
	_, err := json.Marshal(verifier)
	require.ErrorIs(t, err, grant.ErrSecret, "a verifier does not marshal")

	// Nothing to hide, and nothing to pretend: the zero values print
	// empty, as does a value made from empty text.
	for _, v := range []any{grant.Code{}, grant.CodeFrom(""), grant.CodeVerifier{}, grant.CodeVerifierFrom("")} {
		require.Equal(t, "", fmt.Sprint(v), "%T", v)
	}
	require.Equal(t, "grant.Code{}", fmt.Sprintf("%#v", grant.Code{}))
	require.Equal(t, "", grant.Code{}.Reveal())
}

// TestRequestsRedactTheirSecrets: a request prints, logs and marshals
// with each secret it carries as "[redacted]", and each it lacks as "".
func TestRequestsRedactTheirSecrets(t *testing.T) {
	secret := client.SecretFrom("s3cr3t-s3cr3t-s3cr3t-s3cr3t")
	code := grant.CodeFrom("c0de-c0de-c0de-c0de-c0de-c0de")
	verifier := grant.CodeVerifierFrom("v3rifier-v3rifier-v3rifier-v3rifier-v3rifier")
	id := client.NewID()
	tests := []struct {
		name string
		req  any
		want string // what %+v shows
		json string
		log  string // slog's text handler, after "msg=m "
	}{
		{
			name: "exchange",
			req:  grant.ExchangeRequest{Client: id, Secret: secret, Code: code, RedirectURI: "https://app.example.com/cb", CodeVerifier: verifier},
			want: "{Client:" + id.String() + " Secret:[redacted] Code:[redacted] RedirectURI:https://app.example.com/cb CodeVerifier:[redacted]}",
			json: `{"Client":"` + id.String() + `","Secret":"[redacted]","Code":"[redacted]","RedirectURI":"https://app.example.com/cb","CodeVerifier":"[redacted]"}`,
			log:  "r.client=" + id.String() + " r.secret=[redacted] r.code=[redacted] r.redirect_uri=https://app.example.com/cb r.code_verifier=[redacted]",
		},
		{
			name: "exchange without a secret",
			req:  grant.ExchangeRequest{Client: id, Code: code},
			want: "{Client:" + id.String() + " Secret: Code:[redacted] RedirectURI: CodeVerifier:}",
			json: `{"Client":"` + id.String() + `","Secret":"","Code":"[redacted]","RedirectURI":"","CodeVerifier":""}`,
			log:  "r.client=" + id.String() + ` r.secret="" r.code=[redacted] r.redirect_uri="" r.code_verifier=""`,
		},
		{
			name: "client credentials",
			req:  grant.ClientCredentialsRequest{Org: customer, Client: id, Secret: secret},
			want: "{Org:customer-org Client:" + id.String() + " Secret:[redacted]}",
			json: `{"Org":"customer-org","Client":"` + id.String() + `","Secret":"[redacted]"}`,
			log:  "r.org=customer-org r.client=" + id.String() + " r.secret=[redacted]",
		},
		{
			name: "SAML2 bearer",
			req:  grant.SAML2BearerRequest{Org: customer, Client: id, Secret: secret, User: user, Scopes: scopes("users:readonly")},
			want: "{Org:customer-org Client:" + id.String() + " Secret:[redacted] User:agent-42 Scopes:users:readonly}",
			json: `{"Org":"customer-org","Client":"` + id.String() + `","Secret":"[redacted]","User":"agent-42","Scopes":"users:readonly"}`,
			log:  "r.org=customer-org r.client=" + id.String() + " r.secret=[redacted] r.user=agent-42 r.scopes=users:readonly",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, fmt.Sprintf("%+v", tt.req))
			b, err := json.Marshal(tt.req)
			require.NoError(t, err)
			require.JSONEq(t, tt.json, string(b))
			var buf bytes.Buffer
			slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: dropTime})).Info("m", "r", tt.req)
			require.Equal(t, "level=INFO msg=m "+tt.log+"\n", buf.String())
		})
	}
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

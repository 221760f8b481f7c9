package client_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
)

func TestID(t *testing.T) {
	id := client.NewID()
	require.True(t, id.IsValid())
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, id.String())
	back, err := client.ParseID(id.String())
	require.NoError(t, err)
	require.Equal(t, id, back)
	require.NotEqual(t, id, client.NewID())

	upper, err := client.ParseID("0F8FAD5B-D9CB-469F-A165-70867728950E")
	require.NoError(t, err, "pasted IDs may be upper case")
	require.Equal(t, "0f8fad5b-d9cb-469f-a165-70867728950e", upper.String())

	for _, bad := range []string{"", "0f8fad5b", "0f8fad5bd9cb469fa16570867728950e", "00000000-0000-0000-0000-000000000000", "0f8fad5b-d9cb-469f-a165-70867728950z"} {
		_, err := client.ParseID(bad)
		require.ErrorIs(t, err, client.ErrSyntax, bad)
	}
	var zero client.ID
	require.False(t, zero.IsValid())
	require.Equal(t, "", zero.String())
	_, err = zero.MarshalText()
	require.ErrorIs(t, err, client.ErrSyntax)

	out, err := json.Marshal(struct{ ID client.ID }{id})
	require.NoError(t, err)
	var decoded struct{ ID client.ID }
	require.NoError(t, json.Unmarshal(out, &decoded))
	require.Equal(t, id, decoded.ID)
	require.Panics(t, func() { client.MustParseID("nope") })
}

func TestParseAuthorizationURL(t *testing.T) {
	const id = "0f8fad5b-d9cb-469f-a165-70867728950e"
	tests := []struct {
		name string
		url  string
		ok   bool
	}{
		{name: "code flow URL", url: "https://login.example.com/oauth/authorize?client_id=" + id + "&response_type=code&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb", ok: true},
		{name: "upper-case ID", url: "https://login.example.com/oauth/authorize?response_type=token&client_id=0F8FAD5B-D9CB-469F-A165-70867728950E", ok: true},
		{name: "loopback http", url: "http://localhost:8080/oauth/authorize?client_id=" + id, ok: true},
		{name: "no client_id", url: "https://login.example.com/oauth/authorize?response_type=code"},
		{name: "two client_ids", url: "https://login.example.com/oauth/authorize?client_id=" + id + "&client_id=" + id},
		{name: "bad client_id", url: "https://login.example.com/oauth/authorize?client_id=abc"},
		{name: "http", url: "http://login.example.com/oauth/authorize?client_id=" + id},
		{name: "relative", url: "/oauth/authorize?client_id=" + id},
		{name: "not a URL", url: "%zz"},
		{name: "user info", url: "https://login.example.com@evil.example.com/oauth/authorize?client_id=" + id},
		{name: "no host", url: "https://:443/oauth/authorize?client_id=" + id},
		{name: "loopback look-alike", url: "http://localhost.evil.com/oauth/authorize?client_id=" + id},
		{name: "bad query", url: "https://login.example.com/?client_id=%zz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := client.ParseAuthorizationURL(tt.url)
			if !tt.ok {
				require.ErrorIs(t, err, client.ErrSyntax)
				require.False(t, got.IsValid())
				return
			}
			require.NoError(t, err)
			require.Equal(t, id, got.String())
		})
	}
}

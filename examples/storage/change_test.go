package storage_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
)

var changeOpts = cmp.Options{
	cmp.Comparer(func(a, b client.ID) bool { return a == b }),
	cmp.Comparer(func(a, b grant.TokenID) bool { return a == b }),
}

func sampleChanges() []storage.Change {
	at := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	return []storage.Change{
		{Kind: storage.TokenRevoked, Token: grant.NewTokenID(), At: at},
		{Kind: storage.UserRevoked, Org: "org-1", User: "alice \"the\" admin", At: at},
		{Kind: storage.ClientRevoked, Client: client.NewID(), At: at},
		{Kind: storage.ClientChanged, Org: "org-1", Client: client.NewID()},
		{Kind: storage.SubjectChanged, Org: "org-1", Subject: permission.User("user:with:colons")},
		{Kind: storage.SubjectChanged, Org: "org-1", Subject: permission.Client(client.NewID().String())},
		{Kind: storage.OrgChanged, Org: "org-1"},
		{Kind: storage.Everything},
	}
}

func TestChangePayloadRoundTrip(t *testing.T) {
	for _, c := range sampleChanges() {
		t.Run(c.Kind.String(), func(t *testing.T) {
			p := c.Payload()
			require.LessOrEqual(t, len(p), storage.MaxPayload)
			got, err := storage.ParseChange(p)
			require.NoError(t, err)
			if diff := cmp.Diff(c, got, changeOpts); diff != "" {
				t.Errorf("ParseChange(Payload()) (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChangePayloadFallsBackToEverything(t *testing.T) {
	for name, c := range map[string]storage.Change{
		"too long":        {Kind: storage.UserRevoked, Org: "org-1", User: strings.Repeat("u", storage.MaxPayload), At: time.Now()},
		"missing a field": {Kind: storage.UserRevoked, Org: "org-1", At: time.Now()},
		"an extra field":  {Kind: storage.OrgChanged, Org: "org-1", User: "alice"},
		"no kind":         {},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := storage.ParseChange(c.Payload())
			require.NoError(t, err)
			require.Equal(t, storage.Everything, got.Kind, "a change that cannot travel makes every replica reload everything")
		})
	}
}

func TestParseChangeRefuses(t *testing.T) {
	for _, p := range []string{
		``, `{}`, `null`, `[]`, `{"k":"token"}`, `{"k":"nope"}`, `{"k":"all","x":1}`, `{"k":"all"} {"k":"all"}`,
		`{"k":"client","c":"not-a-uuid","at":1}`, `{"k":"subject","o":"o","s":"robot:r2"}`, `{"k":"subject","o":"o","s":"user:"}`,
		`{"k":"token","t":"00000000-0000-0000-0000-000000000000","at":1}`, strings.Repeat(" ", storage.MaxPayload+1),
	} {
		_, err := storage.ParseChange(p)
		require.ErrorIs(t, err, storage.ErrInvalid, "ParseChange(%q)", p)
	}
}

func FuzzParseChange(f *testing.F) {
	for _, c := range sampleChanges() {
		f.Add(c.Payload())
	}
	f.Add(`{"k":"user","o":"","u":"x","at":-9223372036854775808}`)
	f.Fuzz(func(t *testing.T, p string) {
		c, err := storage.ParseChange(p)
		if err != nil {
			require.ErrorIs(t, err, storage.ErrInvalid)
			return
		}
		require.NoError(t, c.Check(), "ParseChange returned a change Check refuses")
		again, err := storage.ParseChange(c.Payload())
		require.NoError(t, err, "the payload of a parsed change does not parse")
		if diff := cmp.Diff(c, again, changeOpts, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("a change does not survive its payload (-first +again):\n%s", diff)
		}
	})
}

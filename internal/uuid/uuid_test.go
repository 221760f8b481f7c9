package uuid_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/internal/uuid"
)

func TestNew(t *testing.T) {
	seen := map[uuid.UUID]bool{}
	for range 1000 {
		u := uuid.New()
		require.False(t, seen[u], "duplicate UUID")
		seen[u] = true
		require.Equal(t, byte(0x40), u[6]&0xf0, "version 4")
		require.Equal(t, byte(0x80), u[8]&0xc0, "variant")
		back, err := uuid.Parse(u.String())
		require.NoError(t, err)
		require.Equal(t, u, back)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{name: "lower", in: "0f8fad5b-d9cb-469f-a165-70867728950e", want: "0f8fad5b-d9cb-469f-a165-70867728950e", ok: true},
		{name: "upper", in: "0F8FAD5B-D9CB-469F-A165-70867728950E", want: "0f8fad5b-d9cb-469f-a165-70867728950e", ok: true},
		{name: "zero", in: "00000000-0000-0000-0000-000000000000"},
		{name: "no dashes", in: "0f8fad5bd9cb469fa16570867728950e"},
		{name: "braces", in: "{0f8fad5b-d9cb-469f-a165-70867728950e}"},
		{name: "bad hex", in: "0f8fad5b-d9cb-469f-a165-70867728950g"},
		{name: "dash misplaced", in: "0f8fad5bd-9cb-469f-a165-70867728950e"},
		{name: "empty", in: ""},
		{name: "space", in: " 0f8fad5b-d9cb-469f-a165-70867728950e"[:36]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := uuid.Parse(tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, uuid.ErrSyntax)
				require.Equal(t, uuid.UUID{}, u)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, u.String())
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("0f8fad5b-d9cb-469f-a165-70867728950e")
	f.Add("00000000-0000-0000-0000-000000000000")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := uuid.Parse(s)
		if err != nil {
			return
		}
		if !strings.EqualFold(u.String(), s) {
			t.Fatalf("Parse(%q).String() = %q", s, u.String())
		}
	})
}

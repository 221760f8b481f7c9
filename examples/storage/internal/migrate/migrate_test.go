package migrate_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/storage"
	"github.com/scopegate/scopegate/examples/storage/internal/migrate"
)

func TestParseName(t *testing.T) {
	for name, want := range map[string]int{"0001_init.sql": 1, "0042_add_index_2.sql": 42, "9999_x.sql": 9999} {
		got, err := migrate.ParseName(name)
		require.NoError(t, err, name)
		require.Equal(t, want, got, name)
	}
	for _, name := range []string{"", "0000_zero.sql", "1_init.sql", "0001init.sql", "0001_.sql", "0001_init.SQL", "0001_In it.sql", "00a1_x.sql", "0001_init.sql.bak"} {
		_, err := migrate.ParseName(name)
		require.ErrorIs(t, err, storage.ErrInvalid, name)
	}
}

func TestLoadRefusesGaps(t *testing.T) {
	ok := fstest.MapFS{"m/0002_b.sql": {Data: []byte("B")}, "m/0001_a.sql": {Data: []byte("A")}}
	ms, err := migrate.Load(ok, "m")
	require.NoError(t, err)
	require.Equal(t, []migrate.Migration{{Version: 1, Name: "0001_a.sql", SQL: "A"}, {Version: 2, Name: "0002_b.sql", SQL: "B"}}, ms)

	for name, fsys := range map[string]fstest.MapFS{
		"a gap":        {"m/0001_a.sql": {}, "m/0003_c.sql": {}},
		"a repeat":     {"m/0001_a.sql": {}, "m/0001_b.sql": {}},
		"a stray file": {"m/0001_a.sql": {}, "m/README": {}},
		"not from one": {"m/0002_b.sql": {}},
	} {
		_, err := migrate.Load(fsys, "m")
		require.ErrorIs(t, err, storage.ErrInvalid, name)
	}
}

func FuzzParseName(f *testing.F) {
	for _, s := range []string{"0001_init.sql", "0000_x.sql", "abcd_x.sql", "0001_x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		v, err := migrate.ParseName(name)
		if err != nil {
			require.ErrorIs(t, err, storage.ErrInvalid)
			return
		}
		require.True(t, v >= 1 && v <= 9999, "version %d of %q", v, name)
	})
}

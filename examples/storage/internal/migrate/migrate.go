// Package migrate reads a store's migrations: SQL files embedded with the
// code, one per schema version, named NNNN_what.sql and numbered from 1
// without gaps.
package migrate

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/scopegate/scopegate/examples/storage"
)

// A Migration is one schema version's SQL.
type Migration struct {
	Version int
	Name    string // the file's name
	SQL     string
}

// Load reads the migrations in dir of fsys, in order. Every file must be
// a migration, and the versions must run from 1 without gaps or repeats.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		v, err := ParseName(e.Name())
		if err != nil {
			return nil, err
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("%w: migration %s: want version %d; versions run from 1 without gaps", storage.ErrInvalid, m.Name, i+1)
		}
	}
	return out, nil
}

// ParseName returns the version of a migration file's name: NNNN_what.sql,
// four digits (not all zero), an underscore, a name of lower-case
// letters, digits and underscores, and .sql.
func ParseName(name string) (int, error) {
	fail := func() (int, error) {
		return 0, fmt.Errorf("%w: migration file %q: want NNNN_name.sql", storage.ErrInvalid, clip(name))
	}
	base, ok := strings.CutSuffix(name, ".sql")
	if !ok || len(base) < 6 || base[4] != '_' {
		return fail()
	}
	for i := range 4 {
		if base[i] < '0' || base[i] > '9' {
			return fail()
		}
	}
	for _, c := range []byte(base[5:]) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return fail()
		}
	}
	v, err := strconv.Atoi(base[:4])
	if err != nil || v == 0 {
		return fail()
	}
	return v, nil
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

package excerpt_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/internal/excerpt"
)

const output = "first\nsecond line\nthird\nfourth\nlast\n"

func TestMatch(t *testing.T) {
	for _, tt := range []struct {
		name    string
		excerpt string
		errHas  string // "" when it matches
	}{
		{name: "the whole output", excerpt: output},
		{name: "the whole output, without the last newline", excerpt: "first\nsecond line\nthird\nfourth\nlast"},
		{name: "lines left out in the middle, marked", excerpt: "first\n...\nfourth\nlast\n"},
		{name: "lines left out at both ends, marked", excerpt: "...\nthird\n...\n"},
		{name: "an indented mark", excerpt: "first\n  ...\nlast\n"},
		{name: "part of a line left out", excerpt: "first\nsec...ine\n...\n"},
		{name: "part of a line left out, and lines around it", excerpt: "...\n...ird\n...\n"},
		{name: "everything but the first line", excerpt: "first\n...\n"},

		{name: "lines left out in the middle, unmarked", excerpt: "first\nfourth\nlast\n", errHas: "not marked"},
		{name: "lines left out at the end, unmarked", excerpt: "first\nsecond line\n", errHas: "not marked"},
		{name: "lines left out at the start, unmarked", excerpt: "fourth\nlast\n", errHas: "not marked"},
		{name: "out of order", excerpt: "...\nfourth\nthird\n...\n", errHas: "not in this order"},
		{name: "a mark that leaves nothing out", excerpt: "first\n...\nsecond line\n...\n", errHas: "stands for no line"},
		{name: "a line the output lacks", excerpt: "first\n...\nfifth\n", errHas: `line 3 is not in the output: "fifth"`},
		{name: "part of a line that leaves nothing out", excerpt: "first\nsecond line...\n...\n", errHas: `line 2 is not in the output`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := excerpt.Match(tt.excerpt, output)
			if tt.errHas == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.errHas)
		})
	}
}

func TestLine(t *testing.T) {
	for _, tt := range []struct {
		q, line string
		want    bool
	}{
		{"export TOKEN='eyJ...'", "export TOKEN='eyJhbGciOi'", true},
		{"export TOKEN='eyJ...'", "export TOKEN='eyJ'", false},
		{"a ... b", "a x b", true},
		{"a ... b", "a  b", false},
		{"a.b", "axb", false}, // the rest is literal
		{"(x) [y]", "(x) [y]", true},
		{"...", "anything", true},
		{"head", "head and more", false},
	} {
		require.Equal(t, tt.want, excerpt.Line(tt.q, tt.line), "%q quoting %q", tt.q, tt.line)
	}
}

func TestBlock(t *testing.T) {
	doc := "intro\n```text\nnot this\n```\n\nrun it:\n```sh\ngo run .\n```\n\n```text\nthe output\n...\n```\n"
	got, ok := excerpt.Block(doc, "run it:\n", "text")
	require.True(t, ok)
	require.Equal(t, "the output\n...\n", got)

	_, ok = excerpt.Block(doc, "not in the doc", "text")
	require.False(t, ok)
	_, ok = excerpt.Block(doc, "run it:\n", "json")
	require.False(t, ok)
}

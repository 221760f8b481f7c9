package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/internal/excerpt"
)

// The README quotes part of the quickstart's table of decisions, with
// "..." where it leaves lines out: the lines it quotes are what the
// quickstart prints, in order.
func TestReadmeQuotesWhatItPrints(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	quoted, ok := excerpt.Block(string(data), "\n### Quickstart\n", "text")
	require.True(t, ok, "the README's Quickstart section quotes the output")
	var out bytes.Buffer
	require.NoError(t, run(&out))
	require.NoError(t, excerpt.Match(quoted, out.String()), "README.md's Quickstart section should quote what go run ./examples/quickstart prints")
}

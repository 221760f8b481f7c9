package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/internal/excerpt"
)

// The README's input errors are what scopegate says, each run on files
// of the names the README gives, with "..." where it leaves part of a
// message out.
func TestReadmeInputErrors(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	quoted, ok := excerpt.Block(string(data), "An input error says what was expected and where", "text")
	require.True(t, ok, "the README quotes scopegate's input errors")
	catalog, err := filepath.Abs(filepath.Join("testdata", "shop-catalog.json"))
	require.NoError(t, err)

	t.Chdir(t.TempDir())
	for name, content := range map[string]string{
		"bad.json": `[{"method": "GET"}]` + "\n",
		"shop-endpoints.json": "{\"endpoints\": [\n" +
			`  {"method": "GET", "path": "/v1/orders", "scopes": ["orders:readonly"], "permissions": {"none": true}},` + "\n" +
			`  {"methd": "GET", "path": "/v1/orders/{id}"}` + "\n]}\n",
		"calls.txt": "# the app's calls\nGET /api/v2/users/me\n\nGET /api/v2/user/{userId}\n",
	} {
		require.NoError(t, os.WriteFile(name, []byte(content), 0o600))
	}
	var said strings.Builder
	for _, args := range [][]string{
		{"minimal", "-endpoints", "bad.json", "GET /v1/orders"},
		{"minimal", "-catalog", catalog, "-endpoints", "shop-endpoints.json", "GET /v1/orders"},
		{"minimal", "-calls", "calls.txt"},
	} {
		var stdout, stderr bytes.Buffer
		require.Equal(t, exitUsage, run(args, &stdout, &stderr))
		said.WriteString(stderr.String())
	}
	require.NoError(t, excerpt.Match(quoted, said.String()), "the README should quote these errors:\n%s", said.String())
}

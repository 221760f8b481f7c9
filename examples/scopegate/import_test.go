package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/internal/excerpt"
	"github.com/scopegate/scopegate/scope"
)

const (
	petstore = "../openapi/testdata/petstore3.yaml"
	genesys  = "../openapi/testdata/genesys2.json"
)

// runImport runs a command line and returns its status and outputs.
func runImport(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestImport: the table and the catalog import writes are what -endpoints
// and -catalog read, and the other commands work on them.
func TestImport(t *testing.T) {
	dir := t.TempDir()
	table, catalog := filepath.Join(dir, "endpoints.json"), filepath.Join(dir, "catalog.json")
	code, stdout, stderr := runImport(t, "import", "-catalog-out", catalog, "-o", table, petstore)
	require.Equal(t, exitOK, code, stderr)
	require.Empty(t, stderr)
	require.Contains(t, stdout, "imported 8 endpoints and 2 scopes from "+petstore+" (Swagger/OpenAPI 3.0.2); left out 11 operations\n")
	require.Contains(t, stdout, "skipped  GET /user/login (loginUser), security: no security requirement\n")
	require.Contains(t, stdout, `note     GET /pet/{petId} (getPetById): security scheme "api_key" (apiKey) is not OAuth 2: scopegate does not enforce it`)

	data, err := os.ReadFile(catalog)
	require.NoError(t, err)
	cat, err := scope.ParseCatalogJSON(data)
	require.NoError(t, err)
	data, err = os.ReadFile(table)
	require.NoError(t, err)
	_, report, err := enforce.LoadPolicyJSON(data, enforce.Config{Catalog: cat}, enforce.Strict)
	require.NoError(t, err)
	require.Contains(t, report.Refused(), "GET /user/{username}")

	code, stdout, stderr = runImport(t, "minimal", "-catalog", catalog, "-endpoints", table, "getPetById", "DELETE /pet/{petId}")
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, stdout, "read:pets")
}

func TestImportCommandLine(t *testing.T) {
	// Without -o the table goes to standard output, the report to
	// standard error.
	code, stdout, stderr := runImport(t, "import", "-lenient", "-base-path", genesys)
	require.Equal(t, exitFindings, code, "a mistake left out is a finding")
	require.Contains(t, stdout, `"path": "/api/v2/users/me"`, "basePath / adds nothing")
	require.Contains(t, stdout, `"refused": [`)
	require.Contains(t, stderr, "error    GET /api/v2/users/{userId}/externalid (getUserExternalid), x-inin-requires-permissions.permissions[0]: permission: parsing \"They are enforced by the backend\"")
	require.NotContains(t, stderr, "none")
	eps, _, err := enforce.ReadEndpointsJSON([]byte(stdout), enforce.Strict)
	require.NoError(t, err)
	require.Len(t, eps, 14)

	code, stdout, stderr = runImport(t, "import", genesys)
	require.Equal(t, exitUsage, code, "strict: the mistake fails the import")
	require.Empty(t, stdout)
	require.Contains(t, stderr, "scopegate import: openapi: GET /api/v2/users/{userId}/externalid (getUserExternalid)")

	code, stdout, _ = runImport(t, "import", "-base-path", petstore)
	require.Equal(t, exitOK, code)
	require.Contains(t, stdout, `"path": "/v3/pet/{petId}"`)

	for _, tc := range []struct {
		name   string
		args   []string
		errHas string
	}{
		{"no document", []string{"import"}, "give one document"},
		{"two documents", []string{"import", petstore, genesys}, "give one document"},
		{"missing file", []string{"import", "testdata/nope.yaml"}, "testdata/nope.yaml"},
		{"not a document", []string{"import", "testdata/calls.txt"}, "openapi: not a readable OpenAPI document"},
		{"unknown flag", []string{"import", "-strict", petstore}, "flag provided but not defined: -strict"},
		{"unwritable output", []string{"import", "-o", filepath.Join(t.TempDir(), "no", "such", "dir"), petstore}, "no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runImport(t, tc.args...)
			require.Equal(t, exitUsage, code)
			require.Contains(t, stderr, tc.errHas)
		})
	}

	code, stdout, _ = runImport(t, "import", "-h")
	require.Equal(t, exitOK, code)
	require.Contains(t, stdout, "usage: scopegate import [-lenient] [-base-path] [-o FILE] [-catalog-out FILE] FILE|-")
}

// TestImportStandardInput: "-" reads the document from standard input.
func TestImportStandardInput(t *testing.T) {
	doc, err := os.Open(petstore)
	require.NoError(t, err)
	defer doc.Close()
	saved := os.Stdin
	os.Stdin = doc
	defer func() { os.Stdin = saved }()
	code, stdout, stderr := runImport(t, "import", "-")
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, stdout, `"name": "getPetById"`)
	require.Contains(t, stderr, "imported 8 endpoints and 2 scopes from - (Swagger/OpenAPI 3.0.2)")
}

// TestImportReadme: the README's import command prints what the README
// shows of its report: its lines in order, with a line "..." where lines
// are left out.
func TestImportReadme(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	shown, ok := excerpt.Block(string(data), "examples/openapi/testdata/genesys2.json\n```\n", "text")
	require.True(t, ok, "the README shows the import command, then its output")
	dir := t.TempDir()
	t.Chdir(filepath.Join("..", ".."))
	code, stdout, stderr := runImport(t, "import", "-lenient", "-catalog-out", filepath.Join(dir, "catalog.json"), "-o", filepath.Join(dir, "endpoints.json"),
		"examples/openapi/testdata/genesys2.json")
	require.Equal(t, exitFindings, code, stderr)
	require.NoError(t, excerpt.Match(shown, stdout), "the README should show the report of scopegate import:\n%s", stdout)
}

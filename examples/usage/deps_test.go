package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// requirements returns the direct requirements of a go.mod file: those
// without "// indirect", in either block.
func requirements(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var direct []string
	inBlock := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "require (":
			inBlock = true
			continue
		case inBlock && line == ")":
			inBlock = false
			continue
		case !inBlock:
			var ok bool
			if line, ok = strings.CutPrefix(line, "require "); !ok {
				continue
			}
		}
		if f := strings.Fields(line); len(f) >= 2 && !strings.Contains(line, "// indirect") {
			direct = append(direct, f[0])
		}
	}
	return direct
}

// The README's table of third-party modules has a row, with its reason,
// for each direct requirement of examples/go.mod, and none for a module
// the examples module does not require directly.
func TestREADMEGivesEachRequirementsReason(t *testing.T) {
	direct := requirements(t, "../go.mod")
	require.Contains(t, direct, "go.yaml.in/yaml/v4")
	sec := section(t, readme(t), "## Third-party integrations")
	named := map[string]bool{}
	row := regexp.MustCompile(`(?m)^\| ([^|]+) \| [^|]+ \| ([^|]+) \|$`)
	for _, m := range row.FindAllStringSubmatch(sec, -1) {
		if m[1] == "module" || strings.HasPrefix(m[1], "---") {
			continue
		}
		require.NotEmpty(t, strings.TrimSpace(m[2]), "the row of %s gives a reason", m[1])
		for _, p := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(m[1], -1) {
			named[p[1]] = true
			require.Contains(t, direct, p[1], "the README's table names a module examples/go.mod does not require directly")
		}
	}
	for _, p := range direct {
		require.True(t, named[p], "the README's table of third-party modules should say why the examples module requires %s", p)
	}

	// The sentence on the Go version names the requirements that need
	// the examples module's version, and only those.
	gover := regexp.MustCompile(`(?s)The examples module needs Go (\S+): (.*?)\.\s`).FindStringSubmatch(sec)
	require.NotNil(t, gover, "the README says which Go the examples module needs, and why")
	cmd := exec.Command("go", append([]string{"list", "-m", "-f", "{{.Path}} {{.GoVersion}}"}, direct...)...)
	out, err := cmd.Output()
	require.NoError(t, err, "go list -m: %s", out)
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, version, _ := strings.Cut(line, " ")
		needs := strings.HasPrefix(version, gover[1]+".") || version == gover[1]
		said := strings.Contains(gover[2], "`"+path+"`") ||
			strings.HasPrefix(path, "go.opentelemetry.io/") && strings.Contains(gover[2], "OpenTelemetry modules")
		require.Equal(t, needs, said, "%s declares go %s: the README's sentence on Go %s should name it only if it needs that version", path, version, gover[1])
	}
}

// The library's packages import the standard library only, and its
// tests testify and go-cmp besides: the root module needs nothing from
// the examples module, as the README says.
func TestRootModuleNeedsNothingFromExamples(t *testing.T) {
	require.True(t, strings.Contains(readme(t), "nothing from the `examples` module (`GOWORK=off go test ./...` passes)"),
		"the README says the root module needs nothing from the examples module")
	// What the library's tests may use: testify and go-cmp, and
	// golang.org/x/exp, which the root module may require too.
	forTests := []string{"github.com/stretchr/testify", "github.com/google/go-cmp", "golang.org/x/exp"}
	direct := requirements(t, "../../go.mod")
	require.Subset(t, forTests, direct, "the root module's requirements")
	require.Contains(t, direct, "github.com/stretchr/testify")

	const module = "github.com/scopegate/scopegate"
	files := 0
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "../.." && (d.Name() == "examples" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		require.NoError(t, err)
		files++
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			require.NoError(t, err)
			first, _, _ := strings.Cut(p, "/")
			switch {
			case p == module+"/examples" || strings.HasPrefix(p, module+"/examples/"):
				t.Errorf("%s imports %s, from the examples module", path, p)
			case !strings.Contains(first, "."), p == module, strings.HasPrefix(p, module+"/"):
				// The standard library, or the library itself.
			case strings.HasSuffix(path, "_test.go") && slices.ContainsFunc(forTests, func(m string) bool { return p == m || strings.HasPrefix(p, m+"/") }):
			default:
				t.Errorf("%s imports %s: the library's packages import the standard library only, its tests testify and go-cmp besides", path, p)
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, files, 100, "the root module's files")
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// readme returns the repository's README.
func readme(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	return string(data)
}

// section returns the text of a README section, from its heading to the
// next heading of its level or above.
func section(t *testing.T, doc, heading string) string {
	t.Helper()
	i := strings.Index(doc, "\n"+heading+"\n")
	require.GreaterOrEqual(t, i, 0, "no section %q", heading)
	rest := doc[i+len(heading)+2:]
	if j := strings.Index(rest, "\n## "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// block returns the first fenced block of a kind in text.
func block(t *testing.T, text, kind string) string {
	t.Helper()
	i := strings.Index(text, "```"+kind+"\n")
	require.GreaterOrEqual(t, i, 0, "no ```%s block", kind)
	rest := text[i+len(kind)+4:]
	j := strings.Index(rest, "```\n")
	require.GreaterOrEqual(t, j, 0)
	return rest[:j]
}

// The README's Usage snippet is this program's code, between its markers.
func TestREADMEUsageIsTheProgram(t *testing.T) {
	src, err := os.ReadFile("main.go")
	require.NoError(t, err)
	code := string(src)
	start := strings.Index(code, "// README:start\n")
	end := strings.Index(code, "// README:end")
	require.True(t, start >= 0 && end > start)
	region := strings.Trim(code[start+len("// README:start\n"):end], "\n") + "\n"
	require.Equal(t, region, block(t, section(t, readme(t), "## Usage"), "go"),
		"copy the code between the README markers of examples/usage/main.go into the README's Usage section")
}

// The program prints what the README says it prints.
func TestRunPrintsWhatTheREADMESays(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	require.Equal(t, block(t, section(t, readme(t), "## Usage"), "text"), out.String())
}

// Every file the documentation names exists: the targets of its relative
// links, the paths it quotes, and the packages it runs.
func TestDocumentedFilesExist(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	quoted := regexp.MustCompile("`([A-Za-z0-9_./-]+\\.(?:md|go|json|jsonl|txt|proto|sh))`")
	linkText := regexp.MustCompile(`\[[^\]]*\]\(`)
	goRun := regexp.MustCompile(`go (?:run|test|build(?: -o \S+)?) (\./examples/[A-Za-z0-9_/.-]*[A-Za-z0-9_])`)
	for _, doc := range []string{"README.md", "examples/README.md", "BENCHMARKS.md", "SECURITY.md"} {
		data, err := os.ReadFile(filepath.Join("../..", doc))
		require.NoError(t, err)
		dir := filepath.Dir(doc)
		names := 0
		check := func(path, base string) {
			names++
			if strings.Contains(path, "://") || strings.HasPrefix(path, "mailto:") {
				return
			}
			_, err := os.Stat(filepath.Join("../..", base, path))
			require.NoError(t, err, "%s names %s, which does not exist", doc, path)
		}
		for _, m := range link.FindAllStringSubmatch(string(data), -1) {
			check(m[1], dir)
		}
		// A link's text may quote a shorter name for its target.
		text := linkText.ReplaceAllString(string(data), "(")
		for _, m := range quoted.FindAllStringSubmatch(text, -1) {
			// A quoted path is relative to the repository's root, or to
			// the document.
			if _, err := os.Stat(filepath.Join("../..", m[1])); err == nil {
				names++
				continue
			}
			check(m[1], dir)
		}
		for _, m := range goRun.FindAllStringSubmatch(string(data), -1) {
			check(strings.TrimSuffix(m[1], "/..."), ".")
		}
		if doc == "README.md" {
			require.Greater(t, names, 20, "the README names files")
		}
	}
}

// The README's adapters snippet is the code of the guard package's
// Example, between its markers, which runs it.
func TestREADMEAdaptersIsTheExample(t *testing.T) {
	src, err := os.ReadFile("../guard/example_test.go")
	require.NoError(t, err)
	code := string(src)
	start := strings.Index(code, "\t// README:start\n")
	end := strings.Index(code, "\t// README:end")
	require.True(t, start >= 0 && end > start)
	var want strings.Builder
	for _, line := range strings.Split(strings.TrimRight(code[start+len("\t// README:start\n"):end], "\n"), "\n") {
		want.WriteString(strings.TrimPrefix(line, "\t") + "\n")
	}
	doc := readme(t)
	i := strings.Index(doc, "\n### Framework adapters, metrics and traces\n")
	require.GreaterOrEqual(t, i, 0)
	require.Equal(t, want.String(), block(t, doc[i:], "go"),
		"copy the code between the README markers of examples/guard/example_test.go into the README's adapters section")
}

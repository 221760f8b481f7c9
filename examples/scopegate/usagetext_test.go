package main

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// commands are the commands the usage text lists, in its order.
func commands(t *testing.T) []string {
	t.Helper()
	_, list, ok := strings.Cut(usage, "\nCommands:\n")
	require.True(t, ok)
	list, _, _ = strings.Cut(list, "\n\n")
	var names []string
	for _, l := range strings.Split(list, "\n") {
		if f := strings.Fields(l); len(f) > 0 && l[2] != ' ' {
			names = append(names, f[0])
		}
	}
	require.Len(t, names, 8)
	return names
}

// The commands that take -catalog, -endpoints and -json are those the
// usage text and the README say: every command but those named.
func TestCommonFlagsAsDocumented(t *testing.T) {
	m := regexp.MustCompile(`\nEvery command (?:but (\S+) )?takes:\n`).FindStringSubmatch(usage)
	require.NotNil(t, m, "the usage text says which commands take the common flags")
	except := strings.Fields(strings.ReplaceAll(m[1], ",", " "))
	for _, cmd := range commands(t) {
		var stdout, stderr bytes.Buffer
		require.Equal(t, exitOK, run([]string{cmd, "-h"}, &stdout, &stderr), stderr.String())
		for _, flag := range []string{"-catalog", "-endpoints", "-json"} {
			takes := regexp.MustCompile(`(?m)^  ` + flag + `(?: |$)`).MatchString(stdout.String())
			require.Equal(t, !slices.Contains(except, cmd), takes, "scopegate %s: takes %s", cmd, flag)
		}
	}

	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	says := "Every command takes `-json`."
	if len(except) > 0 {
		says = "Every command but `" + strings.Join(except, "`, `") + "` takes `-json`."
	}
	require.Contains(t, string(data), says)
}

// The package doc, the usage text and the README list the same findings
// for exit status 1, and each command that reports findings is in the
// list.
func TestExitStatusSaidAlike(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	require.NoError(t, err)
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	findings := regexp.MustCompile(`1 (?:for )?findings \((.*?)\),? (?:and )?2 (?:for )?a? ?usage or input error`)
	var lists []string
	for name, text := range map[string]string{"the package doc": f.Doc.Text(), "the usage text": usage, "README.md": string(readme)} {
		m := findings.FindStringSubmatch(strings.Join(strings.Fields(text), " "))
		require.NotNil(t, m, "%s says what exit status 1 means", name)
		list := strings.ReplaceAll(m[1], "`", "")
		for _, what := range []string{"lint problems", "roles", "refused calls", "an app's request", "an org not ready", "an import"} {
			require.Contains(t, list, what, "%s: exit status 1", name)
		}
		lists = append(lists, list)
	}
	require.Equal(t, lists[0], lists[1])
	require.Equal(t, lists[0], lists[2])
}

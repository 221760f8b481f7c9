package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce/review"
)

const desktopClient = "0b7e8f3a-5c1d-4e2f-9a6b-7c8d9e0f1a2b"

// desktopCalls are the calls of the agent desktop in Genesys Cloud's guide.
var desktopCalls = []string{
	"GET /api/v2/conversations",
	"POST /api/v2/conversations/{conversationId}/participants/calls/transfer",
	"GET /api/v2/users/me",
	"PATCH /api/v2/users/{userId}/presence",
}

// A runCase is a command line, and the exit status and output it must
// give.
type runCase struct {
	name   string
	args   []string
	code   int
	stdout string   // the whole output, when set
	has    []string // lines or fragments the output holds
	errHas []string // fragments of the error output
}

// checkRun runs each case's command line and checks what it gives.
func checkRun(t *testing.T, tests []runCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			require.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			if tt.stdout != "" {
				require.Equal(t, tt.stdout, stdout.String())
			}
			for _, s := range tt.has {
				require.Contains(t, stdout.String(), s)
			}
			for _, s := range tt.errHas {
				require.Contains(t, stderr.String(), s)
			}
			if tt.code != exitUsage {
				require.Empty(t, stderr.String(), "only errors go to stderr")
			}
		})
	}
}

// The command line, the usage text and the flags every command has; each
// command's own cases are in its test file.
func TestRun(t *testing.T) {
	checkRun(t, []runCase{
		// Usage.
		{name: "no command", args: nil, code: exitUsage, errHas: []string{"usage: scopegate <command>"}},
		{name: "help", args: []string{"-h"}, code: exitOK, has: []string{"Commands:", "Exit status: 0 nothing to report, 1 findings"}},
		{name: "unknown command", args: []string{"audit"}, code: exitUsage, errHas: []string{`unknown command "audit"`, "usage:"}},
		{name: "command help", args: []string{"minimal", "-h"}, code: exitOK, has: []string{"usage: scopegate minimal", "-profile PROFILE"}},
		{name: "unknown flag", args: []string{"minimal", "-frobnicate"}, code: exitUsage, errHas: []string{"flag provided but not defined: -frobnicate"}},
		{name: "flags after the arguments", args: []string{"minimal", "GET /api/v2/users", "-catalog", "testdata/shop-catalog.json", "getUsers"}, code: exitUsage,
			errHas: []string{`the sample endpoint table does not fit the catalog of testdata/shop-catalog.json`}},
		{name: "help after an argument", args: []string{"minimal", "getUsers", "-h"}, code: exitOK, has: []string{"usage: scopegate minimal"}},
		{name: "nothing is a flag after --", args: []string{"minimal", "getUsers", "--", "-json"}, code: exitUsage,
			errHas: []string{`argument 2: call "-json": no endpoint is named "-json"`}},
	})
}

// -json writes what the library returns, for scripts.
func TestRunJSON(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		code  int
		check func(t *testing.T, out []byte)
	}{
		{"lint", []string{"lint", "-json", "users :manage users:readonly"}, exitFindings, func(t *testing.T, out []byte) {
			var res struct {
				OK       bool
				Problems []struct {
					Offset      int
					Suggestions []string
				}
			}
			require.NoError(t, json.Unmarshal(out, &res))
			require.False(t, res.OK)
			require.Len(t, res.Problems, 1)
			require.Equal(t, 6, res.Problems[0].Offset)
			require.Equal(t, []string{"users:manage"}, res.Problems[0].Suggestions)
		}},
		{"minimal", append(append([]string{"minimal"}, desktopCalls...), "-json"), exitOK, func(t *testing.T, out []byte) {
			var sel review.Selection
			require.NoError(t, json.Unmarshal(out, &sel))
			require.Equal(t, "conversations:call:control conversations:readonly presence:manage users:readonly", sel.Scopes.String())
			require.True(t, sel.Exact)
			require.Len(t, sel.Needs, 4)
			require.Equal(t, "presence:manage", sel.Needs[3].Scope.String())
		}},
		{"review", []string{"review", "-json", "-scopes", "users:manage", "-records", "testdata/agent-desktop-q1.jsonl", "-client", desktopClient, "getUsersMe"}, exitFindings, func(t *testing.T, out []byte) {
			var res struct {
				Scopes review.ScopeReview
				Usage  review.UsageReview
			}
			require.NoError(t, json.Unmarshal(out, &res))
			require.Len(t, res.Scopes.Findings, 1)
			require.Equal(t, review.KindBroader, res.Scopes.Findings[0].Kind)
			// users:manage serves the reads the records credit to
			// users:readonly: it is not unused (issue 11). The other
			// scopes the records name are no longer held: their
			// endpoints are unserved, and the review adds them back.
			require.True(t, res.Usage.Unused.IsEmpty(), res.Usage.Unused.String())
			require.Len(t, res.Usage.Unserved, 3)
			require.Equal(t, "conversations:call:control conversations:readonly presence:manage transcripts:readonly", res.Usage.Add.String())
		}},
		{"doc", []string{"doc", "-json", "-profile", "virtual-agent", "-updated", "2026-03-01"}, exitOK, func(t *testing.T, out []byte) {
			d, err := review.ParseDocJSON(out)
			require.NoError(t, err)
			require.Equal(t, "Virtual Agent", d.Application)
			require.Equal(t, "conversations:external:contact:add knowledge:readonly", d.Set().String())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			require.Equal(t, tt.code, run(tt.args, &stdout, &stderr), stderr.String())
			tt.check(t, stdout.Bytes())
		})
	}
}

// The README's commands print what the README says.
func TestReadme(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	readme := string(data)
	for _, tt := range []struct {
		args []string
		code int
	}{
		{append([]string{"minimal"}, desktopCalls...), exitOK},
		{[]string{"lint", "users :manage conversation:view users-manage"}, exitFindings},
		{[]string{"review", "-scopes", "conversations:readonly conversations:call:control conversations:call:add users:manage presence:manage", "-calls", "examples/scopegate/testdata/calls.txt"}, exitFindings},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string(nil), tt.args...)
		for i, a := range args {
			args[i] = strings.TrimPrefix(a, "examples/scopegate/")
		}
		require.Equal(t, tt.code, run(args, &stdout, &stderr), stderr.String())
		if !strings.Contains(readme, stdout.String()) {
			t.Errorf("README.md should show the output of scopegate %s:\n%s", strings.Join(tt.args, " "), stdout.String())
		}
	}
}

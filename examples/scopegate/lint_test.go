package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/scope/sample"
)

func TestLint(t *testing.T) {
	checkRun(t, []runCase{
		{name: "lint: a clean string", args: []string{"lint", "users:readonly conversations:readonly"}, code: exitOK,
			stdout: "ok                        conversations:readonly users:readonly\n" +
				"  conversations:readonly  View conversations\n" +
				"  users:readonly          Read user information\n"},
		{name: "lint: the guide's common mistakes", args: []string{"lint", "users :manage conversation:view users-manage"}, code: exitFindings,
			stdout: `error  offset 6: scope starts with ':' (is there a stray space before it?); did you mean "users:manage"?` + "\n" +
				`error  offset 14: unknown scope "conversation:view"; did you mean "conversations:readonly"?` + "\n" +
				`error  offset 32: unknown scope "users-manage"; did you mean "users:manage"?` + "\n"},
		{name: "lint: duplicate and control character", args: []string{"lint", "users:readonly users:readonly\x07"}, code: exitFindings,
			has: []string{"offset 29: control character U+0007"}},
		{name: "lint: empty", args: []string{"lint", ""}, code: exitFindings, has: []string{"offset 0: empty scope string"}},
		{name: "lint: redundant", args: []string{"lint", "users:readonly users:manage"}, code: exitFindings,
			stdout: "redundant  users:readonly is implied by users:manage: drop it\n"},
		{name: "lint: unquoted", args: []string{"lint", "users:readonly", "users:manage"}, code: exitUsage,
			errHas: []string{`give one scope string, quoted: scopegate lint "users:readonly users:manage"`}},
		{name: "lint: nothing", args: []string{"lint"}, code: exitUsage, errHas: []string{"give the scope string to check"}},
		{name: "lint: a flag after the string", args: []string{"lint", "users:readonly", "-catalog", "testdata/shop-catalog.json"}, code: exitFindings,
			has: []string{`unknown scope "users:readonly"`}},
		{name: "lint: own catalog", args: []string{"lint", "-catalog", "testdata/shop-catalog.json", "orders:manage users:readonly"}, code: exitFindings,
			has: []string{`unknown scope "users:readonly"`}},
		{name: "lint: missing catalog", args: []string{"lint", "-catalog", "testdata/nope.json", "users"}, code: exitUsage,
			errHas: []string{"testdata/nope.json"}},
	})
}

// lintScopes's result, before any text: the problems in the order of
// their offsets, the redundant scopes, and the scopes of a clean string.
func TestLintScopes(t *testing.T) {
	tests := []struct {
		input string
		want  lintResult
	}{
		{"users:readonly conversations:readonly", lintResult{
			Input: "users:readonly conversations:readonly", OK: true, Canonical: "conversations:readonly users:readonly",
			Scopes: []lintScope{{"conversations:readonly", "View conversations"}, {"users:readonly", "Read user information"}},
		}},
		{"users :manage conversation:view users-manage", lintResult{
			Input: "users :manage conversation:view users-manage",
			Problems: []lintProblem{
				{Offset: 6, Problem: "scope starts with ':' (is there a stray space before it?)", Suggestions: []string{"users:manage"},
					Message: `scope: parsing "users :manage conversation:view users-manage" at offset 6: scope starts with ':' (is there a stray space before it?); did you mean "users:manage"?`},
				{Offset: 14, Scope: "conversation:view", Problem: `unknown scope "conversation:view"`, Suggestions: []string{"conversations:readonly"},
					Message: `scope: unknown scope "conversation:view"; did you mean "conversations:readonly"?`},
				{Offset: 32, Scope: "users-manage", Problem: `unknown scope "users-manage"`, Suggestions: []string{"users:manage"},
					Message: `scope: unknown scope "users-manage"; did you mean "users:manage"?`},
			},
		}},
		{"users:readonly users:manage", lintResult{
			Input: "users:readonly users:manage", Canonical: "users:manage users:readonly",
			Scopes:    []lintScope{{"users:manage", "Create, update and delete users"}, {"users:readonly", "Read user information"}},
			Redundant: []lintRedundancy{{Scope: "users:readonly", ImpliedBy: "users:manage"}},
		}},
		{"", lintResult{
			Problems: []lintProblem{{Offset: 0, Problem: "empty scope string", Message: `scope: parsing "" at offset 0: empty scope string`}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.input, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, lintScopes(sample.Catalog(), tt.input)); diff != "" {
				t.Errorf("lintScopes(%q) (-want +got):\n%s", tt.input, diff)
			}
		})
	}
}

// writeLintText writes whatever result it is given, including ones the
// sample catalog does not produce.
func TestWriteLintText(t *testing.T) {
	tests := []struct {
		name string
		res  lintResult
		want string
	}{
		{"problems and redundancies, no scopes", lintResult{
			Canonical: "a b",
			Scopes:    []lintScope{{"a", "not written: the string has problems"}},
			Problems: []lintProblem{
				{Offset: 3, Problem: `unknown scope "x"`, Suggestions: []string{"a", "b"}},
				{Offset: 0, Problem: "too many scopes"},
			},
			Redundant: []lintRedundancy{{Scope: "b", ImpliedBy: "a"}},
		}, "error      offset 3: unknown scope \"x\"; did you mean \"a\" or \"b\"?\n" +
			"error      offset 0: too many scopes\n" +
			"redundant  b is implied by a: drop it\n"},
		{"ok", lintResult{OK: true, Canonical: "a b", Scopes: []lintScope{{"a", "A"}, {"b", "B"}}},
			"ok   a b\n" +
				"  a  A\n" +
				"  b  B\n"},
		{"nothing", lintResult{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			writeLintText(&out, tt.res)
			require.Equal(t, tt.want, out.String())
		})
	}
}

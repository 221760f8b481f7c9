package main

import (
	"testing"
)

func TestLint(t *testing.T) {
	checkRun(t, []runCase{
		{name: "lint: a clean string", args: []string{"lint", "users:readonly conversations:readonly"}, code: exitOK,
			stdout: "ok                        conversations:readonly users:readonly\n" +
				"  conversations:readonly  View conversations\n" +
				"  users:readonly          Read user information\n"},
		{name: "lint: the seed's mistakes", args: []string{"lint", "users :manage conversation:view users-manage"}, code: exitFindings,
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

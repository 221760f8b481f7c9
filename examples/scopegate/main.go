// Command scopegate helps choose, review and document an app's OAuth
// scopes, with the enforce/review package: lint a scope string, compute
// the minimal scopes for a list of calls, review a client's scopes against
// its calls and its usage records, and print the scope documentation.
//
//	go run ./examples/scopegate lint "users :manage conversation:view"
//	go run ./examples/scopegate minimal "GET /api/v2/conversations" "GET /api/v2/users/me"
//	go run ./examples/scopegate review -profile agent-desktop -scopes "users:manage conversations:readonly"
//	go run ./examples/scopegate doc -profile admin-dashboard -updated 2026-03-01
//
// It uses the sample catalog and endpoint table unless -catalog and
// -endpoints name JSON files. Run it without arguments for the usage text.
//
// Exit status: 0 when there is nothing to report, 1 for findings (lint
// problems, scopes to remove or add), 2 for a usage or input error.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

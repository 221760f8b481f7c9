// Command quickstart shows scopegate's scope checks: an app's requested
// scopes parsed and validated against a catalog, the errors a user gets for
// the usual mistakes, and endpoints checked against a token's scopes.
//
//	go run ./examples/quickstart
package main

import (
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run() error {
	catalog := sample.Catalog()
	out := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	defer out.Flush()

	section(out, "1. An agent desktop app requests its scopes")
	requested := "users:readonly conversations:readonly presence:manage conversations:call:control"
	granted, err := catalog.ParseSet(requested)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "requested\t%q\n", requested)
	fmt.Fprintf(out, "canonical\t%s\n", granted)
	for s := range granted.All() {
		e, _ := catalog.Lookup(s)
		fmt.Fprintf(out, "  %s\t%s\n", s, e.Description)
	}

	section(out, "2. Common mistakes are rejected, with what was probably meant")
	for _, mistake := range []string{"users :manage", "users-manage", "conversation:view", "Users:Readonly", "users::manage", "users:readonly  presence:manage"} {
		_, err := catalog.ParseSet(mistake)
		fmt.Fprintf(out, "%q\t%s\n", mistake, explain(err))
	}

	section(out, "3. Each endpoint accepts any one of several scopes")
	token := catalog.Grant(granted)
	fmt.Fprintln(out, "endpoint\taccepts\tagent desktop token")
	for _, ep := range []struct{ route, accepts string }{
		{"GET /api/v2/conversations", "conversations:readonly"},
		{"POST /api/v2/conversations/{id}/participants/calls/transfer", "conversations:call:control"},
		{"POST /api/v2/conversations/{id}/participants/calls", "conversations:call:add"},
		{"GET /api/v2/users/me", "users users:readonly"},
		{"POST /api/v2/users", "users users:manage"},
		{"PATCH /api/v2/users/{id}/presence", "presence:manage"},
		{"GET /api/v2/users/{id}/presence", "presence:readonly"},
	} {
		accepted, err := catalog.Accept(scope.MustParseSet(ep.accepts).Scopes()...)
		if err != nil {
			return err
		}
		verdict := "403: no accepted scope"
		if token.Satisfies(accepted) {
			used, _ := accepted.Match(granted)
			verdict = "allowed by " + used.String()
		}
		fmt.Fprintf(out, "%s\t%s\t%s\n", ep.route, accepted.Scopes(), verdict)
	}

	section(out, "4. Redundant scopes")
	reduced, dropped := catalog.Reduce(scope.MustParseSet("users users:readonly presence:manage presence:readonly"))
	fmt.Fprintf(out, "\"users users:readonly presence:manage presence:readonly\" reduces to %q\n", reduced)
	for _, d := range dropped {
		fmt.Fprintf(out, "  %s\tis implied by %s\n", d.Scope, d.ImpliedBy)
	}
	return nil
}

func section(out *tabwriter.Writer, title string) {
	out.Flush()
	fmt.Fprintf(out, "\n%s\n", title)
}

// explain turns a rejection into one short line: what is wrong and the
// suggestion.
func explain(err error) string {
	var pe *scope.ParseError
	var ue *scope.UnknownError
	switch {
	case err == nil:
		return "accepted"
	case errors.As(err, &pe):
		if pe.Suggestion != "" {
			return fmt.Sprintf("%s; did you mean %q?", pe.Reason, pe.Suggestion)
		}
		return pe.Reason
	case errors.As(err, &ue) && len(ue.Suggestions) > 0:
		return fmt.Sprintf("unknown scope; did you mean %q?", ue.Suggestions[0].String())
	}
	return err.Error()
}

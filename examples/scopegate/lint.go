package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/scopegate/scopegate/scope"
)

// lint checks a scope string against the catalog.
func (e *env) lint(args []string) int {
	input, err := e.parseLint(args)
	if err != nil {
		return e.stop(err)
	}
	res := lintScopes(e.catalog, input)
	output(e, res, writeLintText)
	return status(!res.OK)
}

// lintResult is what lint finds in a scope string.
type lintResult struct {
	Input     string           `json:"input"`
	OK        bool             `json:"ok"`
	Canonical string           `json:"canonical,omitempty"`
	Scopes    []lintScope      `json:"scopes,omitempty"`
	Problems  []lintProblem    `json:"problems,omitempty"`
	Redundant []lintRedundancy `json:"redundant,omitempty"`
}

type lintProblem struct {
	Offset      int      `json:"offset"`
	Scope       string   `json:"scope,omitempty"`
	Problem     string   `json:"problem"`
	Suggestions []string `json:"suggestions,omitempty"`
	Message     string   `json:"message"`
}

type lintRedundancy struct {
	Scope     string `json:"scope"`
	ImpliedBy string `json:"implied_by"`
}

type lintScope struct {
	Scope       string `json:"scope"`
	Description string `json:"description"`
}

// parseLint parses lint's flags and its one argument, the scope string,
// and loads the catalog.
func (e *env) parseLint(args []string) (string, error) {
	e.flags(`[-catalog FILE] [-json] "SCOPES"`,
		"Checks a space-separated scope string against the catalog: spacing, characters, colons,\n"+
			"duplicates, unknown scopes with the ones probably meant, and scopes another one implies.\n"+
			"Exit status 1 when it finds any.")
	if err := e.parse(args); err != nil {
		return "", err
	}
	switch len(e.args) {
	case 0:
		return "", errors.New("give the scope string to check, quoted: scopegate lint \"users:readonly presence:manage\"")
	case 1:
	default:
		return "", fmt.Errorf("give one scope string, quoted: scopegate lint %q", strings.Join(e.args, " "))
	}
	if err := e.load(false); err != nil {
		return "", err
	}
	return e.args[0], nil
}

// lintScopes checks input against the catalog: its problems in the order
// of their offsets, the scopes another one implies, and when there are
// none, the scopes it holds.
func lintScopes(catalog *scope.Catalog, input string) lintResult {
	res := lintResult{Input: input}
	set, err := catalog.ParseSet(input)
	for _, leaf := range leaves(err) {
		var pe *scope.ParseError
		var ue *scope.UnknownError
		switch {
		case errors.As(leaf, &pe):
			p := lintProblem{Offset: pe.Offset, Problem: pe.Reason, Message: pe.Error()}
			if pe.Suggestion != "" {
				p.Suggestions = []string{pe.Suggestion}
			}
			res.Problems = append(res.Problems, p)
		case errors.As(leaf, &ue):
			p := lintProblem{Offset: scopeOffset(input, ue.Scope.String()), Scope: ue.Scope.String(), Problem: fmt.Sprintf("unknown scope %q", ue.Scope), Message: ue.Error()}
			for _, s := range ue.Suggestions {
				p.Suggestions = append(p.Suggestions, s.String())
			}
			res.Problems = append(res.Problems, p)
		default:
			res.Problems = append(res.Problems, lintProblem{Problem: leaf.Error(), Message: leaf.Error()})
		}
	}
	slices.SortStableFunc(res.Problems, func(a, b lintProblem) int { return a.Offset - b.Offset })
	if err == nil {
		res.Canonical = set.String()
		for s := range set.All() {
			entry, _ := catalog.Lookup(s)
			res.Scopes = append(res.Scopes, lintScope{Scope: s.String(), Description: entry.Description})
		}
		_, dropped := catalog.Reduce(set)
		for _, d := range dropped {
			res.Redundant = append(res.Redundant, lintRedundancy{Scope: d.Scope.String(), ImpliedBy: d.ImpliedBy.String()})
		}
	}
	res.OK = len(res.Problems) == 0 && len(res.Redundant) == 0
	return res
}

// writeLintText writes one line per problem and per redundant scope, or,
// when there are none, the canonical scope string and each scope's
// description.
func writeLintText(out io.Writer, res lintResult) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, p := range res.Problems {
		fmt.Fprintf(w, "error\toffset %d: %s%s\n", p.Offset, p.Problem, didYouMean(p.Suggestions))
	}
	for _, r := range res.Redundant {
		fmt.Fprintf(w, "redundant\t%s is implied by %s: drop it\n", r.Scope, r.ImpliedBy)
	}
	if res.OK {
		fmt.Fprintf(w, "ok\t%s\n", res.Canonical)
		for _, s := range res.Scopes {
			fmt.Fprintf(w, "  %s\t%s\n", s.Scope, s.Description)
		}
	}
	w.Flush()
}

func didYouMean(s []string) string {
	if len(s) == 0 {
		return ""
	}
	quoted := make([]string, len(s))
	for i, x := range s {
		quoted[i] = fmt.Sprintf("%q", x)
	}
	return "; did you mean " + strings.Join(quoted, " or ") + "?"
}

// leaves flattens joined errors.
func leaves(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leaves(e)...)
		}
		return out
	}
	return []error{err}
}

// scopeOffset finds a scope in a scope string: the offset of the first
// space-separated token equal to it.
func scopeOffset(input, s string) int {
	off := 0
	for _, tok := range strings.Split(input, " ") {
		if tok == s {
			return off
		}
		off += len(tok) + 1
	}
	return 0
}

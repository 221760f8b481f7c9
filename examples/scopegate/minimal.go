package main

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/scopegate/scopegate/enforce/review"
)

// minimal prints the smallest scopes that let a list of calls pass. Its
// result is the index's [review.Selection].
func (e *env) minimal(args []string) int {
	calls, err := e.parseMinimal(args)
	if err != nil {
		return e.stop(err)
	}
	sel, err := e.index.Minimal(calls)
	if err != nil {
		return e.stop(err)
	}
	output(e, sel, writeMinimalText)
	return exitOK
}

// parseMinimal parses minimal's flags, gathers the calls and loads the
// catalog and the endpoint table.
func (e *env) parseMinimal(args []string) ([]string, error) {
	var cf callFlags
	cf.add(e.flags("[-profile PROFILE] [-calls FILE] [-catalog FILE] [-endpoints FILE] [-json] [CALL...]",
		"Prints the smallest set of scopes that lets every call pass, then which scope each endpoint uses.\n"+
			"A call that reaches no endpoint is an error (exit status 2)."))
	if err := e.parse(args); err != nil {
		return nil, err
	}
	calls, _, err := cf.calls(e)
	if err != nil {
		return nil, err
	}
	if len(calls) == 0 {
		return nil, errors.New("no calls: give them as arguments, with -calls FILE or with -profile PROFILE")
	}
	if err := e.load(true); err != nil {
		return nil, err
	}
	return calls, nil
}

// writeMinimalText writes the scope string, then a table of which scope
// each endpoint uses.
func writeMinimalText(out io.Writer, sel review.Selection) {
	fmt.Fprintln(out, sel.Scopes)
	if !sel.Exact {
		fmt.Fprintln(out, "(the search limit ran out: this is the best set found, not proven the smallest)")
	}
	fmt.Fprintln(out)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SCOPE\tENDPOINT\tACCEPTS")
	for _, n := range sel.Needs {
		fmt.Fprintf(w, "%s\t%s\t%s\n", n.Scope, n.Route, n.Accepts)
	}
	w.Flush()
}

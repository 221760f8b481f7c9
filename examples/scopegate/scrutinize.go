package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/scopegate/scopegate/enforce/review"
	"github.com/scopegate/scopegate/scope"
)

// scrutinize prints the risk summary of an app's request for
// authorization, for the admin who decides. Its input is a
// [review.AppRequest], its result the index's [review.Scrutiny].
func (e *env) scrutinize(args []string) int {
	req, err := e.parseScrutinize(args)
	if err != nil {
		return e.stop(err)
	}
	s, err := e.index.Scrutinize(req)
	if err != nil {
		return e.stop(err)
	}
	output(e, s, writeScrutinyText)
	return status(len(s.Findings) > 0)
}

// parseScrutinize parses scrutinize's flags, gathers the requested scopes
// and the declared calls, and loads the catalog and the endpoint table.
func (e *env) parseScrutinize(args []string) (review.AppRequest, error) {
	var req review.AppRequest
	var cf callFlags
	var app, requested string
	fs := e.flags("[-app NAME] [-scopes SCOPES | -profile PROFILE] [-calls FILE] [-json] [CALL...]",
		"Prints the risk summary of an app's request for authorization, for the org's admin: what each requested\n"+
			"scope unlocks in the endpoint table, how much of it writes, the admin-grade endpoints among it, bare\n"+
			"read-write scopes where a :readonly exists, scopes another requested one implies, and, when the vendor\n"+
			"declares the app's calls (arguments, -calls or the profile's), the scopes none of them needs.\n"+
			"Exit status 1 when there is anything to look at closely.")
	cf.add(fs)
	fs.StringVar(&app, "app", "", "the application's `NAME` (default: the profile's)")
	fs.StringVar(&requested, "scopes", "", "the `SCOPES` the app requests, space-separated (default: the profile's)")
	if err := e.parse(args); err != nil {
		return req, err
	}
	calls, prof, err := cf.calls(e)
	if err != nil {
		return req, err
	}
	req.Application, req.Calls = app, calls
	switch {
	case requested != "":
		if req.Scopes, err = scope.ParseSet(requested); err != nil {
			return req, fmt.Errorf("-scopes: %w", err)
		}
	case prof != nil && !prof.GrantType.UsesScopes():
		return req, fmt.Errorf("%s uses %s: it requests no scopes; its reach is its roles (see scopegate roles)", cf.profile, prof.GrantType)
	case prof != nil:
		req.Scopes = prof.Scopes
	default:
		return req, errors.New("which scopes? give -scopes \"...\" or -profile PROFILE")
	}
	if req.Application == "" && prof != nil {
		req.Application = prof.Name
	}
	if err := e.load(true); err != nil {
		return req, err
	}
	return req, nil
}

// writeScrutinyText writes the summary as the review package words it.
func writeScrutinyText(w io.Writer, s review.Scrutiny) {
	io.WriteString(w, s.Text())
}

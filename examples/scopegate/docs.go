package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/scopegate/scopegate/enforce/review"
	"github.com/scopegate/scopegate/scope"
)

// doc prints the scope documentation of an app. Its input is a
// [review.DocInput], its result the index's [review.Doc].
func (e *env) doc(args []string) int {
	in, err := e.parseDoc(args)
	if err != nil {
		return e.stop(err)
	}
	d, err := e.index.Document(in)
	var change *review.ChangeError
	if errors.As(err, &change) {
		// The library names its field; the user knows the flag.
		var what []string
		if !change.Added.IsEmpty() {
			what = append(what, "added "+change.Added.String())
		}
		if !change.Removed.IsEmpty() {
			what = append(what, "removed "+change.Removed.String())
		}
		err = fmt.Errorf("the scopes changed since %s (%s): say why with -reason TEXT", change.Since, strings.Join(what, "; "))
	}
	if err != nil {
		return e.stop(err)
	}
	output(e, d, writeDocText)
	return exitOK
}

// parseDoc parses doc's flags, gathers the calls, reads the previous
// version and the notes, and loads the catalog and the endpoint table.
func (e *env) parseDoc(args []string) (review.DocInput, error) {
	var cf callFlags
	var app, held, updated, next, previous, reason, notes string
	fs := e.flags("-updated DAY [-app NAME] [-scopes SCOPES] [-profile PROFILE] [-calls FILE] [-previous FILE -reason TEXT] [-notes FILE] [-json] [CALL...]",
		"Prints the scope documentation of an app: each scope with what it is used for, its endpoints and\n"+
			"why it is needed, the endpoint-to-scope mapping, the review dates and the change log. With\n"+
			"-previous (the JSON of the last version), the change log carries on, with an entry for the scopes\n"+
			"added and removed since, whose -reason is then required.")
	cf.add(fs)
	fs.StringVar(&app, "app", "", "the application's `NAME` (default: the profile's)")
	fs.StringVar(&held, "scopes", "", "the app's `SCOPES` (default: the profile's, else the minimal scopes for the calls)")
	fs.StringVar(&updated, "updated", "", "the `DAY` of this version, YYYY-MM-DD (required)")
	fs.StringVar(&next, "next", "", "the `DAY` of the next review (default: three months after -updated)")
	fs.StringVar(&previous, "previous", "", "the previous version's JSON `FILE`, to carry on its change log")
	fs.StringVar(&reason, "reason", "", "why the scopes changed since -previous (`TEXT`)")
	fs.StringVar(&notes, "notes", "", "a JSON `FILE` of the team's notes: {\"users:readonly\": {\"used_for\": \"...\", \"rationale\": \"...\"}}")
	if err := e.parse(args); err != nil {
		return review.DocInput{}, err
	}
	calls, prof, err := cf.calls(e)
	if err != nil {
		return review.DocInput{}, err
	}
	if len(calls) == 0 {
		return review.DocInput{}, errors.New("no calls: give them as arguments, with -calls FILE or with -profile PROFILE")
	}
	if updated == "" {
		return review.DocInput{}, errors.New("-updated is required: the day of this version, YYYY-MM-DD")
	}
	in := review.DocInput{Application: app, Calls: calls, Reason: reason}
	if in.Updated, err = review.ParseDate(updated); err != nil {
		return in, fmt.Errorf("-updated: %w", err)
	}
	if next != "" {
		if in.NextReview, err = review.ParseDate(next); err != nil {
			return in, fmt.Errorf("-next: %w", err)
		}
	}
	if prof != nil {
		if in.Application == "" {
			in.Application = prof.Name
		}
		in.Scopes = prof.Scopes
	}
	if in.Application == "" {
		return in, errors.New("-app is required without -profile: the application's name")
	}
	if held != "" {
		if in.Scopes, err = scope.ParseSet(held); err != nil {
			return in, fmt.Errorf("-scopes: %w", err)
		}
	}
	if previous != "" {
		data, err := os.ReadFile(previous)
		if err != nil {
			return in, err
		}
		prev, err := review.ParseDocJSON(data)
		if err != nil {
			return in, fmt.Errorf("%s: %w", previous, err)
		}
		in.Previous = &prev
	}
	if notes != "" {
		data, err := os.ReadFile(notes)
		if err != nil {
			return in, err
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in.Notes); err != nil {
			return in, fmt.Errorf("%s: %w", notes, err)
		}
	}
	if err := e.load(true); err != nil {
		return in, err
	}
	return in, nil
}

// writeDocText writes the documentation as Markdown.
func writeDocText(w io.Writer, d review.Doc) {
	io.WriteString(w, d.Markdown())
}

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	"github.com/scopegate/scopegate/scope"
)

// review reviews a client's scopes against its calls, and against its
// usage records.
func (e *env) review(args []string) int {
	in, err := e.parseReview(args)
	if err != nil {
		return e.stop(err)
	}
	res, err := reviewClient(e.index, in)
	if err != nil {
		return e.stop(err)
	}
	output(e, res, writeReviewText)
	return status(res.findings())
}

// reviewInput is what review reviews: the scopes a client holds, against
// its calls, or its usage records, or both.
type reviewInput struct {
	Held  scope.Set
	Calls []string
	// Usage is set when the command was given usage records.
	Usage *usageInput
}

// usageInput is a usage review's records, and the query that says whose
// and which period's to review.
type usageInput struct {
	Query   review.UsageQuery
	Records []enforce.Record
}

// reviewResult is a review: of the scopes against the calls, when there
// are calls, and of the usage, when there are records.
type reviewResult struct {
	Scopes *review.ScopeReview `json:"scopes,omitempty"`
	Usage  *review.UsageReview `json:"usage,omitempty"`
}

// findings reports whether the review finds anything to remove or add:
// scopes the calls do not need or lack, scopes no call used, calls
// refused for want of a scope or that no held scope serves any more.
func (r reviewResult) findings() bool {
	if r.Scopes != nil && len(r.Scopes.Findings) > 0 {
		return true
	}
	u := r.Usage
	return u != nil && (!u.Unused.IsEmpty() || len(u.Denied) > 0 || len(u.Unserved) > 0)
}

// parseReview parses review's flags, gathers the calls, loads the catalog
// and the endpoint table, and reads the records.
func (e *env) parseReview(args []string) (reviewInput, error) {
	var in reviewInput
	var cf callFlags
	var held, records, clientID, org, from, to string
	fs := e.flags("[-scopes SCOPES | -profile PROFILE] [-calls FILE] [-records FILE [-client ID] [-org ORG] [-from DAY] [-to DAY]] [-json] [CALL...]",
		"Reviews a client's scopes (-scopes, or a profile's) against the calls it makes, and against the\n"+
			"decision records of a period (-records: enforce.Record values as JSON lines, as a hook writes them).\n"+
			"Reports scopes no call needs, broader than needed, never used, and calls refused for want of a scope.\n"+
			"Exit status 1 when there is anything to remove or add.")
	cf.add(fs)
	fs.StringVar(&held, "scopes", "", "the client's `SCOPES`, space-separated (default: the profile's)")
	fs.StringVar(&records, "records", "", "decision records `FILE`: one JSON enforce.Record per line")
	fs.StringVar(&clientID, "client", "", "the client `ID` whose records to review (default: the only client in the records)")
	fs.StringVar(&org, "org", "", "review only the records of `ORG`")
	fs.StringVar(&from, "from", "", "first `DAY` of the period, YYYY-MM-DD (default: the day of the first record)")
	fs.StringVar(&to, "to", "", "last `DAY` of the period, included, YYYY-MM-DD (default: the day of the last record)")
	if err := e.parse(args); err != nil {
		return in, err
	}
	calls, prof, err := cf.calls(e)
	if err != nil {
		return in, err
	}
	if len(calls) == 0 && records == "" {
		return in, errors.New("nothing to review: give calls (arguments, -calls or -profile) or usage records (-records)")
	}
	in.Calls = calls
	if err := e.load(true); err != nil {
		return in, err
	}
	switch {
	case held != "":
		if in.Held, err = scope.ParseSet(held); err != nil {
			return in, fmt.Errorf("-scopes: %w", err)
		}
	case prof != nil && !prof.GrantType.UsesScopes():
		return in, fmt.Errorf("%s uses %s: its access comes from roles, not scopes; give -scopes to review scopes anyway", cf.profile, prof.GrantType)
	case prof != nil:
		in.Held = prof.Scopes
	default:
		return in, errors.New("whose scopes? give -scopes \"...\" or -profile PROFILE")
	}
	if records != "" {
		recs, err := readRecords(records)
		if err != nil {
			return in, err
		}
		q, err := usageQuery(recs, in.Held, clientID, org, from, to)
		if err != nil {
			return in, err
		}
		in.Usage = &usageInput{Query: q, Records: recs}
	}
	return in, nil
}

// reviewClient reviews the held scopes against the calls, when there are
// any, and against the usage records, when there are any.
func reviewClient(ix *review.Index, in reviewInput) (reviewResult, error) {
	var res reviewResult
	if len(in.Calls) > 0 {
		r, err := ix.ReviewScopes(in.Held, in.Calls)
		if err != nil {
			return res, err
		}
		res.Scopes = &r
	}
	if in.Usage != nil {
		u, err := ix.ReviewUsage(in.Usage.Query, in.Usage.Records)
		if err != nil {
			return res, err
		}
		res.Usage = &u
	}
	return res, nil
}

// writeReviewText writes one line per fact or finding: the scope review,
// then the usage review.
func writeReviewText(out io.Writer, res reviewResult) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	defer w.Flush()
	if r := res.Scopes; r != nil {
		fmt.Fprintf(w, "held\t%s\n", r.Held)
		fmt.Fprintf(w, "recommended\t%s\n", r.Recommended)
		if !r.Remove.IsEmpty() {
			fmt.Fprintf(w, "remove\t%s\n", r.Remove)
		}
		if !r.Add.IsEmpty() {
			fmt.Fprintf(w, "add\t%s\n", r.Add)
		}
		fmt.Fprintf(w, "reach\tthe held scopes unlock %s; the recommended ones %s\n", r.HeldReach, r.RecommendedReach)
		if len(r.Findings) == 0 {
			fmt.Fprintln(w, "findings\tnone: the client holds what its calls need, and no more")
		}
		for _, f := range r.Findings {
			fmt.Fprintf(w, "%s\t%s: %s\n", f.Kind, f.Scope, f.Reason)
		}
	}
	if u := res.Usage; u != nil {
		if res.Scopes != nil {
			fmt.Fprintln(w)
		}
		// The period ends at midnight before To: its last day is the one
		// before.
		fmt.Fprintf(w, "usage\tclient %s, %s to %s: %s\n", u.Client, u.From.Format(time.DateOnly), u.To.AddDate(0, 0, -1).Format(time.DateOnly), times(u.Records, "record", "records"))
		for _, s := range u.Used {
			note := ""
			if !s.Held {
				note = " (no longer held)"
			}
			fmt.Fprintf(w, "used\t%s: %s, last %s: %s%s\n", s.Scope, times(s.Calls, "call", "calls"), s.Last.Format(time.DateOnly), strings.Join(s.Routes, ", "), note)
		}
		for s := range u.Unused.All() {
			fmt.Fprintf(w, "unused\t%s: no call used it in the period: remove it\n", s)
		}
		for _, d := range u.Denied {
			switch {
			case d.Reauthenticate:
				fmt.Fprintf(w, "refused\t%s: %s, last %s: the client holds %s now; its users must sign in again\n", d.Route, times(d.Count, "time", "times"), d.Last.Format(time.DateOnly), d.Add)
			case d.Add.IsValid():
				fmt.Fprintf(w, "refused\t%s: %s, last %s: add %s\n", d.Route, times(d.Count, "time", "times"), d.Last.Format(time.DateOnly), d.Add)
			default:
				fmt.Fprintf(w, "refused\t%s: %s, last %s: the endpoint table no longer has it\n", d.Route, times(d.Count, "time", "times"), d.Last.Format(time.DateOnly))
			}
		}
		for _, x := range u.Unserved {
			fmt.Fprintf(w, "unserved\t%s: %s, last %s, with %s: no held scope serves it now: add %s\n", x.Route, times(x.Count, "call", "calls"), x.Last.Format(time.DateOnly), x.Scopes, x.Add)
		}
		if u.Unattributed > 0 {
			fmt.Fprintf(w, "warning\t%d allowed calls name no scope (scope enforcement off): some unused scopes may be needed\n", u.Unattributed)
		}
		for _, r := range u.Stale {
			fmt.Fprintf(w, "stale\t%s: in the records, not in the endpoint table\n", r)
		}
	}
}

// times returns a count with the noun that agrees with it: "1 call", "2
// calls".
func times(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// recordShape is what a line of a records file holds.
const recordShape = `{"time": "2026-01-05T09:12:00Z", "allowed": true, "status": 200, "code": "ALLOWED", "client": "...", "route": "GET /api/v2/users/me", ...}`

// readRecords reads enforce.Record values, one JSON object per line.
func readRecords(path string) ([]enforce.Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-records: %w", err)
	}
	var recs []enforce.Record
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var r enforce.Record
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("%s:%d: %s; want one decision record, as a hook writes it, on each line: %s", path, line, describe(err), recordShape)
		}
		if dec.More() {
			return nil, fmt.Errorf("%s:%d: more than one record on the line", path, line)
		}
		if r.Time.IsZero() {
			return nil, fmt.Errorf("%s:%d: the record has no time", path, line)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return recs, nil
}

// usageQuery fills in the query from the flags, and from the records where
// the flags leave something out. The period runs from the start of the
// -from day to the end of the -to day: q.To is midnight after it.
func usageQuery(recs []enforce.Record, held scope.Set, clientID, org, from, to string) (review.UsageQuery, error) {
	q := review.UsageQuery{Held: held, Org: client.OrgID(org)}
	if clientID != "" {
		id, err := client.ParseID(clientID)
		if err != nil {
			return q, fmt.Errorf("-client: %w", err)
		}
		q.Client = id
	} else {
		var ids []client.ID
		for _, r := range recs {
			if r.Client.IsValid() && !slices.Contains(ids, r.Client) {
				ids = append(ids, r.Client)
			}
		}
		switch len(ids) {
		case 0:
			return q, errors.New("the records name no client: a usage review is of one client's records")
		case 1:
		default:
			names := make([]string, len(ids))
			for i, id := range ids {
				names[i] = id.String()
			}
			return q, fmt.Errorf("the records hold %d clients, %s; pick one with -client ID", len(ids), strings.Join(names, ", "))
		}
		q.Client = ids[0]
	}
	day := func(flag, s string) (time.Time, error) {
		d, err := review.ParseDate(s)
		if err != nil {
			return time.Time{}, fmt.Errorf("-%s: %w", flag, err)
		}
		return d.Time(), nil
	}
	var err error
	if from != "" {
		if q.From, err = day("from", from); err != nil {
			return q, err
		}
	}
	if to != "" {
		if q.To, err = day("to", to); err != nil {
			return q, err
		}
		q.To = q.To.AddDate(0, 0, 1)
		if from != "" && !q.From.Before(q.To) {
			return q, fmt.Errorf("-to %s is before -from %s", to, from)
		}
	}
	for _, r := range recs {
		if r.Client != q.Client {
			continue
		}
		if from == "" && (q.From.IsZero() || r.Time.Before(q.From)) {
			q.From = review.DateOf(r.Time.UTC()).Time()
		}
		if end := review.DateOf(r.Time.UTC()).Time().AddDate(0, 0, 1); to == "" && end.After(q.To) {
			q.To = end
		}
	}
	if q.From.IsZero() || q.To.IsZero() {
		return q, fmt.Errorf("no records of client %s to take the period from; give -from and -to", q.Client)
	}
	return q, nil
}

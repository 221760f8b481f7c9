package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	"github.com/scopegate/scopegate/scope"
)

// rollout reviews an org's records before its scope enforcement is
// turned on: per client, the scopes to add. Its result is the index's
// [review.RolloutReview].
func (e *env) rollout(args []string) int {
	in, err := e.parseRollout(args)
	if err != nil {
		return e.stop(err)
	}
	r, err := e.index.ReviewRollout(in.Query, in.Records)
	if err != nil {
		return e.stop(err)
	}
	output(e, r, writeRolloutText)
	return status(!r.Ready())
}

// rolloutInput is the records of an org, and the query that says which
// period and what each client holds.
type rolloutInput struct {
	Query   review.RolloutQuery
	Records []enforce.Record
}

// parseRollout parses rollout's flags, loads the catalog and the endpoint
// table, and reads the records and the clients' scopes.
func (e *env) parseRollout(args []string) (rolloutInput, error) {
	var in rolloutInput
	var records, org, from, to, authorized string
	e.flags("-records FILE -org ORG [-from DAY] [-to DAY] [-authorized FILE] [-json]",
		"Before an org's scope enforcement is turned on: from the decision records of a period in report-only mode\n"+
			"(enforce.Org.ScopeReportOnly), for each client, the calls enforcement would refuse for want of a scope,\n"+
			"and the smallest set of scopes to add so that none is. Exit status 1 unless the org is ready.")
	e.fs.StringVar(&records, "records", "", "decision records `FILE`: one JSON enforce.Record per line (required)")
	e.fs.StringVar(&org, "org", "", "the `ORG` to turn scope enforcement on for (required)")
	e.fs.StringVar(&from, "from", "", "first `DAY` of the period, YYYY-MM-DD (default: the day of the org's first record)")
	e.fs.StringVar(&to, "to", "", "last `DAY` of the period, included, YYYY-MM-DD (default: the day of the org's last record)")
	e.fs.StringVar(&authorized, "authorized", "", "a JSON `FILE` of the scopes each client may use in the org now: {\"<client ID>\": \"users:readonly ...\"}")
	if err := e.parse(args); err != nil {
		return in, err
	}
	switch {
	case len(e.args) > 0:
		return in, fmt.Errorf("unexpected arguments %q: rollout reads records, not calls", e.args)
	case records == "" || org == "":
		return in, errors.New("-records and -org are required")
	}
	recs, err := readRecords(records)
	if err != nil {
		return in, err
	}
	in.Records = recs
	in.Query.Org = client.OrgID(org)
	if err := rolloutPeriod(&in.Query, recs, from, to); err != nil {
		return in, err
	}
	if authorized != "" {
		data, err := os.ReadFile(authorized)
		if err != nil {
			return in, err
		}
		if in.Query.Held, err = parseAuthorized(data); err != nil {
			return in, fmt.Errorf("%s: %w", authorized, err)
		}
	}
	if err := e.load(true); err != nil {
		return in, err
	}
	return in, nil
}

// rolloutPeriod sets the period from the flags, and from the org's
// records where the flags leave it out: from the start of the first day
// to midnight after the last.
func rolloutPeriod(q *review.RolloutQuery, recs []enforce.Record, from, to string) error {
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
			return err
		}
	}
	if to != "" {
		if q.To, err = day("to", to); err != nil {
			return err
		}
		q.To = q.To.AddDate(0, 0, 1)
		if from != "" && !q.From.Before(q.To) {
			return fmt.Errorf("-to %s is before -from %s", to, from)
		}
	}
	for _, r := range recs {
		if r.Org != q.Org {
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
		return fmt.Errorf("no records of org %s to take the period from; give -from and -to", q.Org)
	}
	return nil
}

// parseAuthorized reads the scopes each client may use in the org: a
// JSON object from client IDs to scope strings. Unknown clients' IDs,
// malformed scopes and trailing data are errors.
func parseAuthorized(data []byte) (map[client.ID]scope.Set, error) {
	var raw map[string]string
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("reading the authorized scopes: %w", err)
	}
	if dec.More() {
		return nil, errors.New("reading the authorized scopes: data after the object")
	}
	out := make(map[client.ID]scope.Set, len(raw))
	for id, scopes := range raw {
		cid, err := client.ParseID(id)
		if err != nil {
			return nil, err
		}
		if out[cid], err = scope.ParseSet(scopes); err != nil {
			return nil, fmt.Errorf("client %s: %w", cid, err)
		}
	}
	return out, nil
}

// writeRolloutText writes one line per client and per refused endpoint,
// then the verdict.
func writeRolloutText(out io.Writer, r review.RolloutReview) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	defer w.Flush()
	fmt.Fprintf(w, "rollout\torg %s, %s to %s: %s\n", r.Org, r.From.Format(time.DateOnly), r.To.AddDate(0, 0, -1).Format(time.DateOnly), times(r.Records, "record", "records"))
	waiting := 0
	for _, c := range r.Clients {
		if c.Ready() {
			fmt.Fprintf(w, "ready\t%s: %s, none refused for want of a scope\n", c.Client, times(c.Records, "call", "calls"))
			continue
		}
		waiting++
		refused := 0
		for _, d := range c.Refused {
			refused += d.Count
		}
		advice := "its users must sign in again"
		if !c.Add.IsEmpty() {
			advice = "add " + c.Add.String()
		}
		fmt.Fprintf(w, "client\t%s: %s, %d refused for want of a scope: %s\n", c.Client, times(c.Records, "call", "calls"), refused, advice)
		for _, d := range c.Refused {
			var what string
			switch {
			case d.Reauthenticate:
				what = "the client holds " + d.Add.String() + " now; its users must sign in again"
			case d.Add.IsValid():
				what = "add " + d.Add.String()
			default:
				what = "the endpoint table no longer has it"
			}
			fmt.Fprintf(w, "refused\t%s: %s, last %s: %s\n", d.Route, times(d.Count, "time", "times"), d.Last.Format(time.DateOnly), what)
		}
	}
	if r.Unchecked > 0 {
		fmt.Fprintf(w, "unchecked\t%s with scope enforcement off: review a period in report-only mode\n", times(r.Unchecked, "allowed call", "allowed calls"))
	}
	for _, s := range r.Stale {
		fmt.Fprintf(w, "stale\t%s: in the records, not in the endpoint table\n", s)
	}
	switch {
	case r.Ready():
		fmt.Fprintln(w, "verdict\tready: no call of the period would be refused for want of a scope")
	case waiting > 0:
		fmt.Fprintf(w, "verdict\tnot ready: %d %s to change first\n", waiting, plural(waiting, "client", "clients"))
	default:
		fmt.Fprintln(w, "verdict\tnot ready: some calls were not scope-checked")
	}
}

// plural returns one when n is 1, and many otherwise.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

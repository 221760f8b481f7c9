package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
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
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

// Exit codes.
const (
	exitOK       = 0 // nothing to report
	exitFindings = 1 // lint problems, scopes to remove or add
	exitUsage    = 2 // bad arguments or input
)

const usage = `usage: scopegate <command> [flags] [calls]

Choose, review and document an app's OAuth scopes.

Commands:
  lint     check a scope string against the catalog: the usual mistakes, with suggestions
  minimal  the smallest scopes that let a list of calls pass, and which call uses which
  review   a client's scopes against its calls (-scopes) and its usage records (-records)
  doc      print the scope documentation of an app, as Markdown or JSON

A call is a route ("GET /api/v2/users/{userId}"), a request ("GET /api/v2/users/123")
or an endpoint name ("getUsersMe"). Give calls as arguments, in a file (-calls FILE,
one per line, # for comments), or as a sample profile (-profile agent-desktop).

Every command takes:
  -catalog FILE    scope catalog JSON (default: the sample catalog)
  -endpoints FILE  endpoint table JSON (default: the sample table)
  -json            write JSON instead of text
Flags may come before or after the calls.

Exit status: 0 nothing to report, 1 findings (lint problems, scopes to remove
or add), 2 usage or input error.

Run 'scopegate <command> -h' for the flags of a command.
`

// run is the command: args without the program name. It returns the exit
// status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmds := map[string]func(*env, []string) int{
		"lint": (*env).lint, "minimal": (*env).minimal, "review": (*env).review, "doc": (*env).doc,
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "scopegate: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	e := &env{name: args[0], stdout: stdout, stderr: stderr}
	return cmd(e, args[1:])
}

// env is what one command runs with.
type env struct {
	name           string
	stdout, stderr io.Writer
	fs             *flag.FlagSet
	args           []string // the arguments that are not flags
	catalogFile    string
	endpointsFile  string
	asJSON         bool
	catalog        *scope.Catalog
	index          *review.Index
}

// flags returns the command's flag set, with the flags every command has.
func (e *env) flags(synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet("scopegate "+e.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: scopegate %s %s\n\n%s\n\nFlags:\n", e.name, synopsis, about)
		fs.PrintDefaults()
	}
	fs.StringVar(&e.catalogFile, "catalog", "", "scope catalog `FILE` (JSON); default: the sample catalog")
	fs.StringVar(&e.endpointsFile, "endpoints", "", "endpoint table `FILE` (JSON); default: the sample table")
	fs.BoolVar(&e.asJSON, "json", false, "write JSON instead of text")
	e.fs = fs
	return fs
}

// parse parses the flags, before or after the other arguments (calls and
// scope strings never start with '-'; after "--" nothing is a flag), and
// keeps the other arguments in e.args. It returns false and the exit
// status when the command should stop.
func (e *env) parse(args []string) (int, bool) {
	// Help that was asked for goes to stdout; usage after a mistake, to
	// stderr.
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			e.fs.SetOutput(e.stdout)
		}
	}
	for {
		if err := e.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK, false
			}
			return exitUsage, false
		}
		rest := e.fs.Args()
		consumed := len(args) - len(rest)
		afterDashes := consumed > 0 && args[consumed-1] == "--"
		if afterDashes || len(rest) == 0 {
			e.args = append(e.args, rest...)
			return 0, true
		}
		// Parse stopped at an argument that is not a flag: keep it, and
		// go on with the flags after it.
		e.args = append(e.args, rest[0])
		args = rest[1:]
	}
}

// fail reports an input error.
func (e *env) fail(format string, args ...any) int {
	fmt.Fprintf(e.stderr, "scopegate %s: %s\n", e.name, fmt.Sprintf(format, args...))
	return exitUsage
}

// failErr reports an error, one line per joined error.
func (e *env) failErr(err error) int {
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(e.stderr, "scopegate %s: %s\n", e.name, line)
	}
	return exitUsage
}

// load reads the catalog, and, when table is set, the endpoint table,
// and builds the index.
func (e *env) load(table bool) error {
	e.catalog = sample.Catalog()
	if e.catalogFile != "" {
		data, err := os.ReadFile(e.catalogFile)
		if err != nil {
			return err
		}
		if e.catalog, err = scope.ParseCatalogJSON(data); err != nil {
			return fmt.Errorf("%s: %w", e.catalogFile, err)
		}
	}
	if !table {
		return nil
	}
	endpoints := esample.Endpoints()
	if e.endpointsFile != "" {
		data, err := os.ReadFile(e.endpointsFile)
		if err != nil {
			return err
		}
		if endpoints, err = enforce.ParseEndpointsJSON(data); err != nil {
			return fmt.Errorf("%s: %w", e.endpointsFile, err)
		}
	}
	// A review looks up no permission: an empty store will do.
	policy, err := enforce.NewPolicy(enforce.Config{Catalog: e.catalog, Endpoints: endpoints})
	if err != nil {
		return fmt.Errorf("endpoint table: %w", err)
	}
	e.index, err = review.New(policy)
	return err
}

// write writes v as indented JSON.
func (e *env) write(v any) {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		// Every value written here marshals.
		panic(err)
	}
	e.stdout.Write(append(out, '\n'))
}

// callFlags adds the flags that name an app's calls.
type callFlags struct {
	file    string
	profile string
}

func (c *callFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&c.file, "calls", "", "read calls from `FILE`, one per line (# starts a comment)")
	fs.StringVar(&c.profile, "profile", "", "use the calls (and scopes) of a sample application `PROFILE`: "+strings.Join(profileNames(), ", "))
}

// calls gathers the calls from the profile, the file and the arguments,
// in that order.
func (c *callFlags) calls(args []string) ([]string, *esample.Profile, error) {
	var calls []string
	var prof *esample.Profile
	if c.profile != "" {
		p, ok := findProfile(c.profile)
		if !ok {
			return nil, nil, fmt.Errorf("unknown profile %q; the profiles are %s", c.profile, strings.Join(profileNames(), ", "))
		}
		prof = &p
		calls = append(calls, p.Calls...)
	}
	if c.file != "" {
		data, err := os.ReadFile(c.file)
		if err != nil {
			return nil, nil, err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line != "" && !strings.HasPrefix(line, "#") {
				calls = append(calls, line)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", c.file, err)
		}
	}
	return append(calls, args...), prof, nil
}

func slug(name string) string { return strings.ReplaceAll(strings.ToLower(name), " ", "-") }

func profileNames() []string {
	var names []string
	for _, p := range esample.Profiles() {
		names = append(names, slug(p.Name))
	}
	return names
}

func findProfile(name string) (esample.Profile, bool) {
	for _, p := range esample.Profiles() {
		if slug(p.Name) == name {
			return p, true
		}
	}
	return esample.Profile{}, false
}

// lint

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

type lintResult struct {
	Input     string           `json:"input"`
	OK        bool             `json:"ok"`
	Canonical string           `json:"canonical,omitempty"`
	Scopes    []lintScope      `json:"scopes,omitempty"`
	Problems  []lintProblem    `json:"problems,omitempty"`
	Redundant []lintRedundancy `json:"redundant,omitempty"`
}

func (e *env) lint(args []string) int {
	e.flags(`[-catalog FILE] [-json] "SCOPES"`,
		"Checks a space-separated scope string against the catalog: spacing, characters, colons,\n"+
			"duplicates, unknown scopes with the ones probably meant, and scopes another one implies.\n"+
			"Exit status 1 when it finds any.")
	if code, ok := e.parse(args); !ok {
		return code
	}
	switch len(e.args) {
	case 0:
		return e.fail("give the scope string to check, quoted: scopegate lint \"users:readonly presence:manage\"")
	case 1:
	default:
		return e.fail("give one scope string, quoted: scopegate lint %q", strings.Join(e.args, " "))
	}
	if err := e.load(false); err != nil {
		return e.failErr(err)
	}
	input := e.args[0]
	res := lintResult{Input: input}
	set, err := e.catalog.ParseSet(input)
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
			entry, _ := e.catalog.Lookup(s)
			res.Scopes = append(res.Scopes, lintScope{Scope: s.String(), Description: entry.Description})
		}
		_, dropped := e.catalog.Reduce(set)
		for _, d := range dropped {
			res.Redundant = append(res.Redundant, lintRedundancy{Scope: d.Scope.String(), ImpliedBy: d.ImpliedBy.String()})
		}
	}
	res.OK = len(res.Problems) == 0 && len(res.Redundant) == 0
	if e.asJSON {
		e.write(res)
	} else {
		w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
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
	if !res.OK {
		return exitFindings
	}
	return exitOK
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

// minimal

func (e *env) minimal(args []string) int {
	var cf callFlags
	cf.add(e.flags("[-profile PROFILE] [-calls FILE] [-catalog FILE] [-endpoints FILE] [-json] [CALL...]",
		"Prints the smallest set of scopes that lets every call pass, then which scope each endpoint uses.\n"+
			"A call that reaches no endpoint is an error (exit status 2)."))
	if code, ok := e.parse(args); !ok {
		return code
	}
	calls, _, err := cf.calls(e.args)
	if err != nil {
		return e.failErr(err)
	}
	if len(calls) == 0 {
		return e.fail("no calls: give them as arguments, with -calls FILE or with -profile PROFILE")
	}
	if err := e.load(true); err != nil {
		return e.failErr(err)
	}
	sel, err := e.index.Minimal(calls)
	if err != nil {
		return e.failErr(err)
	}
	if e.asJSON {
		e.write(sel)
		return exitOK
	}
	fmt.Fprintln(e.stdout, sel.Scopes)
	if !sel.Exact {
		fmt.Fprintln(e.stdout, "(the search limit ran out: this is the best set found, not proven the smallest)")
	}
	fmt.Fprintln(e.stdout)
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SCOPE\tENDPOINT\tACCEPTS")
	for _, n := range sel.Needs {
		fmt.Fprintf(w, "%s\t%s\t%s\n", n.Scope, n.Route, n.Accepts)
	}
	w.Flush()
	return exitOK
}

// review

type reviewOutput struct {
	Scopes *review.ScopeReview `json:"scopes,omitempty"`
	Usage  *review.UsageReview `json:"usage,omitempty"`
}

func (e *env) review(args []string) int {
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
	if code, ok := e.parse(args); !ok {
		return code
	}
	calls, prof, err := cf.calls(e.args)
	if err != nil {
		return e.failErr(err)
	}
	if len(calls) == 0 && records == "" {
		return e.fail("nothing to review: give calls (arguments, -calls or -profile) or usage records (-records)")
	}
	if err := e.load(true); err != nil {
		return e.failErr(err)
	}
	var scopes scope.Set
	switch {
	case held != "":
		if scopes, err = scope.ParseSet(held); err != nil {
			return e.failErr(fmt.Errorf("-scopes: %w", err))
		}
	case prof != nil && !prof.GrantType.UsesScopes():
		return e.fail("%s uses %s: its access comes from roles, not scopes; give -scopes to review scopes anyway", cf.profile, prof.GrantType)
	case prof != nil:
		scopes = prof.Scopes
	default:
		return e.fail("whose scopes? give -scopes \"...\" or -profile PROFILE")
	}

	var out reviewOutput
	findings := false
	if len(calls) > 0 {
		r, err := e.index.ReviewScopes(scopes, calls)
		if err != nil {
			return e.failErr(err)
		}
		out.Scopes = &r
		findings = findings || len(r.Findings) > 0
	}
	if records != "" {
		recs, err := readRecords(records)
		if err != nil {
			return e.failErr(err)
		}
		q, err := usageQuery(recs, scopes, clientID, org, from, to)
		if err != nil {
			return e.failErr(err)
		}
		u, err := e.index.ReviewUsage(q, recs)
		if err != nil {
			return e.failErr(err)
		}
		out.Usage = &u
		findings = findings || !u.Unused.IsEmpty() || len(u.Denied) > 0 || len(u.Unserved) > 0
	}
	if e.asJSON {
		e.write(out)
	} else {
		e.printReview(out)
	}
	if findings {
		return exitFindings
	}
	return exitOK
}

func (e *env) printReview(out reviewOutput) {
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	defer w.Flush()
	if r := out.Scopes; r != nil {
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
	if u := out.Usage; u != nil {
		if out.Scopes != nil {
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

func times(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// readRecords reads enforce.Record values, one JSON object per line.
func readRecords(path string) ([]enforce.Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
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
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
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
		if len(ids) != 1 {
			return q, fmt.Errorf("the records hold %d clients; pick one with -client", len(ids))
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

// doc

func (e *env) doc(args []string) int {
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
	if code, ok := e.parse(args); !ok {
		return code
	}
	calls, prof, err := cf.calls(e.args)
	if err != nil {
		return e.failErr(err)
	}
	if len(calls) == 0 {
		return e.fail("no calls: give them as arguments, with -calls FILE or with -profile PROFILE")
	}
	if updated == "" {
		return e.fail("-updated is required: the day of this version, YYYY-MM-DD")
	}
	in := review.DocInput{Application: app, Calls: calls, Reason: reason}
	if in.Updated, err = review.ParseDate(updated); err != nil {
		return e.failErr(fmt.Errorf("-updated: %w", err))
	}
	if next != "" {
		if in.NextReview, err = review.ParseDate(next); err != nil {
			return e.failErr(fmt.Errorf("-next: %w", err))
		}
	}
	if prof != nil {
		if in.Application == "" {
			in.Application = prof.Name
		}
		in.Scopes = prof.Scopes
	}
	if in.Application == "" {
		return e.fail("-app is required without -profile: the application's name")
	}
	if held != "" {
		if in.Scopes, err = scope.ParseSet(held); err != nil {
			return e.failErr(fmt.Errorf("-scopes: %w", err))
		}
	}
	if previous != "" {
		data, err := os.ReadFile(previous)
		if err != nil {
			return e.failErr(err)
		}
		prev, err := review.ParseDocJSON(data)
		if err != nil {
			return e.failErr(fmt.Errorf("%s: %w", previous, err))
		}
		in.Previous = &prev
	}
	if notes != "" {
		data, err := os.ReadFile(notes)
		if err != nil {
			return e.failErr(err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in.Notes); err != nil {
			return e.failErr(fmt.Errorf("%s: %w", notes, err))
		}
	}
	if err := e.load(true); err != nil {
		return e.failErr(err)
	}
	d, err := e.index.Document(in)
	if err != nil {
		return e.failErr(err)
	}
	if e.asJSON {
		e.write(d)
	} else {
		fmt.Fprint(e.stdout, d.Markdown())
	}
	return exitOK
}

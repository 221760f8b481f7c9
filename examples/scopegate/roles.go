package main

import (
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
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// roles is the role counterpart of minimal and review, for
// client-credentials apps: the least role grants for a list of calls,
// a client's roles against its calls, and its use of them in records.
func (e *env) roles(args []string) int {
	in, err := e.parseRoles(args)
	if err != nil {
		return e.stop(err)
	}
	res, err := rolesResultOf(in)
	if err != nil {
		return e.stop(err)
	}
	output(e, res, writeRolesText)
	return status(res.findings())
}

// rolesInput is what roles works on: the org's roles, the calls and
// divisions of an app, the roles a client holds, and its usage records.
type rolesInput struct {
	Index *review.RoleIndex
	Query review.RoleQuery
	// Held is set when the command was given the client's roles.
	Held []client.RoleAssignment
	// Usage is set when the command was given usage records.
	Usage *roleUsageInput
}

type roleUsageInput struct {
	Query   review.RoleUsageQuery
	Records []enforce.Record
}

// rolesResult is one of: the least grants for the calls (no -held), a
// review of the held roles against the calls, and a review of their use.
type rolesResult struct {
	Minimal *review.RoleSelection   `json:"minimal,omitempty"`
	Review  *review.RoleReview      `json:"review,omitempty"`
	Usage   *review.RoleUsageReview `json:"usage,omitempty"`
}

// findings reports whether there is anything to change in the held
// roles: a finding against the calls, an unused or too wide role, or
// calls refused or no longer served.
func (r rolesResult) findings() bool {
	if r.Review != nil && len(r.Review.Findings) > 0 {
		return true
	}
	u := r.Usage
	return u != nil && (len(u.Unused) > 0 || len(u.Narrow) > 0 || len(u.Denied) > 0 || len(u.Unserved) > 0)
}

// parseRoles parses roles's flags, gathers the calls, loads the catalog,
// the endpoint table and the roles, and reads the records.
func (e *env) parseRoles(args []string) (rolesInput, error) {
	var in rolesInput
	var cf callFlags
	var rolesFile, held, divisions, records, clientID, org, from, to string
	var all bool
	fs := e.flags("[-profile PROFILE] [-calls FILE] [-divisions DIV,...|-all-divisions] [-roles FILE] [-held GRANTS] [-records FILE [-client ID] [-org ORG] [-from DAY] [-to DAY]] [-json] [CALL...]",
		"For a client-credentials app, whose reach is its roles: prints the smallest set of role grants that lets\n"+
			"every call pass in every division the app acts in; with -held, reviews the client's roles against its\n"+
			"calls (roles no call needs, broader than needed, held in more divisions than needed, calls no role\n"+
			"serves); with -records, which roles and divisions it used over a period. Exit status 1 when there is\n"+
			"anything to remove, narrow or add.")
	cf.add(fs)
	fs.StringVar(&rolesFile, "roles", "", "the org's roles `FILE`: [{\"id\": ..., \"name\": ..., \"policies\": [...]}] (default: the sample roles)")
	fs.StringVar(&held, "held", "", "the client's role `GRANTS`, space-separated: role@division,division or role@* for all divisions")
	fs.StringVar(&divisions, "divisions", "", "the `DIVISIONS` the app acts in, comma-separated; the first gets the roles for org-wide calls")
	fs.BoolVar(&all, "all-divisions", false, "the app acts in every division, present and future")
	fs.StringVar(&records, "records", "", "decision records `FILE`: one JSON enforce.Record per line")
	fs.StringVar(&clientID, "client", "", "the client `ID` whose records to review (default: the only client-credentials client in the records)")
	fs.StringVar(&org, "org", "", "review only the records of `ORG`")
	fs.StringVar(&from, "from", "", "first `DAY` of the period, YYYY-MM-DD (default: the day of the first record)")
	fs.StringVar(&to, "to", "", "last `DAY` of the period, included, YYYY-MM-DD (default: the day of the last record)")
	if err := e.parse(args); err != nil {
		return in, err
	}
	calls, _, err := cf.calls(e)
	if err != nil {
		return in, err
	}
	if len(calls) == 0 && records == "" {
		return in, errors.New("nothing to do: give calls (arguments, -calls or -profile) or usage records (-records with -held)")
	}
	if records != "" && held == "" {
		return in, errors.New("-records needs -held: the roles the client holds now")
	}
	in.Query = review.RoleQuery{Calls: calls, AllDivisions: all}
	if divisions != "" {
		for d := range strings.SplitSeq(divisions, ",") {
			in.Query.Divisions = append(in.Query.Divisions, permission.DivisionID(strings.TrimSpace(d)))
		}
	}
	if held != "" {
		if in.Held, err = parseHeld(held); err != nil {
			return in, fmt.Errorf("-held: %w", err)
		}
	}
	roles := esample.Roles()
	if rolesFile != "" {
		data, err := os.ReadFile(rolesFile)
		if err != nil {
			return in, err
		}
		if roles, err = parseRolesJSON(data); err != nil {
			return in, fmt.Errorf("%s: %w", rolesFile, err)
		}
	}
	if err := e.load(true); err != nil {
		return in, err
	}
	if in.Index, err = e.index.Roles(roles); err != nil {
		return in, err
	}
	if records != "" {
		recs, err := readRecords(records)
		if err != nil {
			return in, err
		}
		q, err := roleUsageQuery(recs, in.Held, clientID, org, from, to)
		if err != nil {
			return in, err
		}
		in.Usage = &roleUsageInput{Query: q, Records: recs}
	}
	return in, nil
}

// rolesResultOf computes the result: the least grants without held
// roles, or the review of the held ones against the calls; and the usage
// review when there are records.
func rolesResultOf(in rolesInput) (rolesResult, error) {
	var res rolesResult
	switch {
	case len(in.Query.Calls) == 0:
	case in.Held == nil:
		sel, err := in.Index.Minimal(in.Query)
		if err != nil {
			return res, err
		}
		res.Minimal = &sel
	default:
		r, err := in.Index.Review(in.Held, in.Query)
		if err != nil {
			return res, err
		}
		res.Review = &r
	}
	if in.Usage != nil {
		u, err := in.Index.ReviewUsage(in.Usage.Query, in.Usage.Records)
		if err != nil {
			return res, err
		}
		res.Usage = &u
	}
	return res, nil
}

// writeRolesText writes the grants and which roles each endpoint uses,
// or one line per fact or finding of the reviews.
func writeRolesText(out io.Writer, res rolesResult) {
	if sel := res.Minimal; sel != nil {
		for _, g := range sel.Grants {
			fmt.Fprintln(out, grantText(g))
		}
		if !sel.Exact {
			fmt.Fprintln(out, "(the search limit ran out: these are the best grants found, not proven the smallest)")
		}
		fmt.Fprintln(out)
		w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "ROLES\tENDPOINT\tREQUIRES")
		for _, n := range sel.Needs {
			roles := "-"
			if len(n.Roles) > 0 {
				ids := make([]string, len(n.Roles))
				for i, id := range n.Roles {
					ids[i] = string(id)
				}
				roles = strings.Join(ids, ",")
			}
			req := n.Requires.String()
			if n.DivisionAware {
				req += ", in each division"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\n", roles, n.Route, req)
		}
		w.Flush()
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	defer w.Flush()
	if r := res.Review; r != nil {
		fmt.Fprintf(w, "held\t%s\n", grantsText(r.Held))
		fmt.Fprintf(w, "recommended\t%s\n", grantsText(r.Recommended))
		if len(r.Remove) > 0 {
			ids := make([]string, len(r.Remove))
			for i, id := range r.Remove {
				ids[i] = string(id)
			}
			fmt.Fprintf(w, "remove\t%s\n", strings.Join(ids, ", "))
		}
		if len(r.Narrow) > 0 {
			fmt.Fprintf(w, "narrow\t%s\n", grantsText(r.Narrow))
		}
		if len(r.Add) > 0 {
			fmt.Fprintf(w, "add\t%s\n", grantsText(r.Add))
		}
		if len(r.Findings) == 0 {
			fmt.Fprintln(w, "findings\tnone: the client holds what its calls need, and no more")
		}
		for _, f := range r.Findings {
			fmt.Fprintf(w, "%s\t%s: %s\n", f.Kind, f.Role, f.Reason)
		}
	}
	if u := res.Usage; u != nil {
		if res.Review != nil {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "usage\tclient %s, %s to %s: %s\n", u.Client, u.From.Format(time.DateOnly), u.To.AddDate(0, 0, -1).Format(time.DateOnly), times(u.Records, "record", "records"))
		for _, ru := range u.Used {
			var where []string
			if len(ru.Divisions) > 0 {
				names := make([]string, len(ru.Divisions))
				for i, d := range ru.Divisions {
					names[i] = string(d)
				}
				where = append(where, "in "+strings.Join(names, ", "))
			}
			if ru.OrgWide > 0 {
				where = append(where, times(ru.OrgWide, "org-wide call", "org-wide calls"))
			}
			fmt.Fprintf(w, "used\t%s: %s (%s), last %s: %s\n", ru.Role, times(ru.Calls, "call", "calls"), strings.Join(where, "; "), ru.Last.Format(time.DateOnly), strings.Join(ru.Routes, ", "))
		}
		for _, id := range u.Unused {
			fmt.Fprintf(w, "unused\t%s: no call used it in the period: remove it\n", id)
		}
		for _, n := range u.Narrow {
			fmt.Fprintf(w, "narrow\t%s: the calls of the period used it only %s\n", n.Role, whereText(n))
		}
		for _, d := range u.Denied {
			fmt.Fprintf(w, "refused\t%s%s: %s, last %s: %s\n", d.Route, inDivision(d.Division), times(d.Count, "time", "times"), d.Last.Format(time.DateOnly), denialAdvice(d))
		}
		for _, d := range u.Unserved {
			fmt.Fprintf(w, "unserved\t%s%s: %s, last %s: no held role serves it now: %s\n", d.Route, inDivision(d.Division), times(d.Count, "call", "calls"), d.Last.Format(time.DateOnly), denialAdvice(d))
		}
		for _, r := range u.Stale {
			fmt.Fprintf(w, "stale\t%s: in the records, not in the endpoint table\n", r)
		}
	}
}

func inDivision(d permission.DivisionID) string {
	if d == "" {
		return ""
	}
	return " in " + string(d)
}

func denialAdvice(d review.RoleDenial) string {
	switch {
	case d.Served:
		return "the client's roles serve it now"
	case len(d.Add) > 0:
		return "grant " + grantsText(d.Add)
	case !d.Requires.IsValid():
		return "the endpoint table no longer has it"
	}
	return "no role of the org holds " + d.Requires.String()
}

// grantText writes a grant: "automation in home, sales", "admin in all
// divisions", "chatbot (Home)".
func grantText(g client.RoleAssignment) string { return string(g.Role) + " " + whereText(g) }

func whereText(g client.RoleAssignment) string {
	switch {
	case g.AllDivisions:
		return "in all divisions"
	case len(g.Divisions) == 0:
		return "in the Home division"
	}
	names := make([]string, len(g.Divisions))
	for i, d := range g.Divisions {
		names[i] = string(d)
	}
	return "in " + strings.Join(names, ", ")
}

func grantsText(gs []client.RoleAssignment) string {
	if len(gs) == 0 {
		return "(none)"
	}
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = grantText(g)
	}
	return strings.Join(parts, "; ")
}

// parseHeld reads a client's role grants: space-separated, each a role
// ID, '@', and a comma-separated list of divisions or '*' for all
// divisions ("automation@home,sales admin@*"). A role ID may hold '@':
// the last one separates it from the divisions.
func parseHeld(s string) ([]client.RoleAssignment, error) {
	var out []client.RoleAssignment
	for _, field := range strings.Fields(s) {
		at := strings.LastIndexByte(field, '@')
		if at <= 0 || at == len(field)-1 {
			return nil, fmt.Errorf("%q: want role@division,division or role@* for all divisions", field)
		}
		g := client.RoleAssignment{Role: permission.RoleID(field[:at])}
		if divs := field[at+1:]; divs == "*" {
			g.AllDivisions = true
		} else {
			for d := range strings.SplitSeq(divs, ",") {
				if d == "" || d == "*" {
					return nil, fmt.Errorf("%q: an empty division, or '*' among divisions", field)
				}
				g.Divisions = append(g.Divisions, permission.DivisionID(d))
			}
		}
		if slices.ContainsFunc(out, func(o client.RoleAssignment) bool { return o.Role == g.Role }) {
			return nil, fmt.Errorf("role %q given twice: list its divisions once", g.Role)
		}
		out = append(out, g)
	}
	if len(out) == 0 {
		return nil, errors.New("no grants")
	}
	return out, nil
}

// roleJSON is a role in the -roles file.
type roleJSON struct {
	ID          permission.RoleID       `json:"id"`
	Name        string                  `json:"name"`
	Description string                  `json:"description,omitempty"`
	Policies    []permission.Permission `json:"policies"`
}

// parseRolesJSON reads an org's roles: a JSON list of objects with id,
// name, an optional description and policies. Unknown fields, trailing
// data and invalid roles are errors.
func parseRolesJSON(data []byte) ([]permission.Role, error) {
	var raw []roleJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("reading roles JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("reading roles JSON: data after the list")
	}
	out := make([]permission.Role, len(raw))
	for i, r := range raw {
		out[i] = permission.Role{ID: r.ID, Name: r.Name, Description: r.Description, Policies: r.Policies}
		if err := out[i].Validate(); err != nil {
			return nil, fmt.Errorf("role %d: %w", i, err)
		}
	}
	return out, nil
}

// roleUsageQuery fills in the query from the flags, and from the records
// where the flags leave something out, as usageQuery does for scopes.
func roleUsageQuery(recs []enforce.Record, held []client.RoleAssignment, clientID, org, from, to string) (review.RoleUsageQuery, error) {
	if clientID == "" {
		var ids []string
		for _, r := range recs {
			if r.GrantType == client.ClientCredentials && r.Client.IsValid() && !slices.Contains(ids, r.Client.String()) {
				ids = append(ids, r.Client.String())
			}
		}
		if len(ids) != 1 {
			return review.RoleUsageQuery{}, fmt.Errorf("the records hold %d client-credentials clients; pick one with -client", len(ids))
		}
		clientID = ids[0]
	}
	// The scope review's query has the same client, org and period.
	q, err := usageQuery(recs, scope.Set{}, clientID, org, from, to)
	if err != nil {
		return review.RoleUsageQuery{}, err
	}
	return review.RoleUsageQuery{Client: q.Client, Org: q.Org, Held: held, From: q.From, To: q.To}, nil
}

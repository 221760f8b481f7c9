package review

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/scopegate/scopegate/scope"
)

// An AppRequest is what an admin scrutinizes when an app asks the org for
// authorization ([client.Authorizer]): the scopes it requests, and the
// calls its vendor declares, if any.
type AppRequest struct {
	// Application names the app, as its consent screen does.
	Application string `json:"application"`
	// Scopes are the scopes it requests ([client.Client].Scopes, or
	// those an authorization has pending, [client.Authorization].Pending).
	// At least one.
	Scopes scope.Set `json:"scopes"`
	// Calls are the calls the vendor declares the app makes, as
	// [Index.Resolve] reads them; none when it declares nothing.
	Calls []string `json:"calls,omitempty"`
}

// A ScopeRisk is what one requested scope would give the app in the org.
type ScopeRisk struct {
	Scope scope.Scope `json:"scope"`
	// Description is the catalog's.
	Description string `json:"description"`
	// Reach is the scope's [Breadth] in the org's table.
	Reach Breadth `json:"reach"`
	// Admin lists the admin-grade endpoints it unlocks (see
	// [WithAdminGrade]), in table order.
	Admin []string `json:"admin,omitempty"`
	// ReadOnly is, for a bare read-write scope, its :readonly form when
	// the catalog has one; zero otherwise.
	ReadOnly scope.Scope `json:"read_only,omitzero"`
	// ImpliedBy lists the other requested scopes that imply it, in
	// canonical order.
	ImpliedBy []scope.Scope `json:"implied_by,omitempty"`
}

// A Scrutiny is the risk summary of an app's request for authorization,
// for the admin who decides: what each scope reaches in the org's table,
// and what deserves a closer look. It is data, for an admin UI, and text
// ([Scrutiny.Text], [Scrutiny.Summary]) for a command line or a log.
type Scrutiny struct {
	Application string    `json:"application"`
	Requested   scope.Set `json:"requested"`
	// Reach is what the requested scopes unlock together ([Index.Reach]).
	Reach Breadth `json:"reach"`
	// Admin lists the admin-grade endpoints they unlock together, in
	// table order.
	Admin []string `json:"admin,omitempty"`
	// Scopes has one entry per requested scope, in canonical order.
	Scopes []ScopeRisk `json:"scopes"`
	// Declared reports whether the vendor declared its calls; Review is
	// then the requested scopes reviewed against them
	// ([Index.ReviewScopes]).
	Declared bool         `json:"declared"`
	Review   *ScopeReview `json:"review,omitempty"`
	// Findings lists what deserves a closer look, by kind and then scope
	// in canonical order: scopes that unlock admin-grade endpoints
	// ([KindAdmin]); bare read-write scopes where a :readonly form exists
	// ([KindBare]); scopes another requested scope implies
	// ([KindRedundant]); and, when the calls are declared, the scopes
	// none of them needs ([KindUnneeded]), those broader than they need
	// ([KindBroader], [KindReplaced]), and the calls no requested scope
	// serves ([KindMissing]).
	Findings []Finding `json:"findings"`
}

// Scrutinize summarizes the risk of an app's request for authorization,
// as the guide on authorizing apps asks admins to scrutinize the scopes
// an app requests and deny it when it asks for too much. Every requested
// scope must be in the catalog (an [*scope.UnknownError] otherwise), and
// every declared call must reach an endpoint ([*CallError]). A request
// without scopes is an error wrapping [ErrInvalid]: a client-credentials
// app has roles instead (see [RoleIndex.Review]).
func (ix *Index) Scrutinize(req AppRequest) (Scrutiny, error) {
	if err := ix.ready(); err != nil {
		return Scrutiny{}, err
	}
	if req.Scopes.IsEmpty() {
		return Scrutiny{}, fmt.Errorf("%w: the app requests no scope; a client-credentials app's reach is its roles", ErrInvalid)
	}
	if err := ix.catalog.Validate(req.Scopes); err != nil {
		return Scrutiny{}, fmt.Errorf("review: requested scopes: %w", err)
	}
	s := Scrutiny{Application: req.Application, Requested: req.Scopes, Reach: ix.Reach(req.Scopes), Declared: len(req.Calls) > 0}
	if s.Declared {
		r, err := ix.ReviewScopes(req.Scopes, req.Calls)
		if err != nil {
			return Scrutiny{}, err
		}
		s.Review = &r
		s.Findings = append(s.Findings, r.Findings...)
	}
	// The scopes the review against the calls advises to remove.
	removed := map[scope.Scope]bool{}
	for _, f := range s.Findings {
		if f.Kind != KindMissing {
			removed[f.Scope] = true
		}
	}
	granted := ix.catalog.Grant(req.Scopes)
	for i := range ix.eps {
		if ix.eps[i].admin && granted.Satisfies(ix.eps[i].accepted) {
			s.Admin = append(s.Admin, ix.eps[i].route)
		}
	}
	for sc := range req.Scopes.All() {
		entry, _ := ix.catalog.Lookup(sc)
		id := ix.ids[sc]
		risk := ScopeRisk{Scope: sc, Description: entry.Description, Reach: ix.breadth[id]}
		for i := range ix.eps {
			if ix.eps[i].admin {
				if _, ok := slices.BinarySearch(ix.eps[i].satisfiers, id); ok {
					risk.Admin = append(risk.Admin, ix.eps[i].route)
				}
			}
		}
		for other := range req.Scopes.All() {
			if other != sc && ix.catalog.Implies(other, sc) {
				risk.ImpliedBy = append(risk.ImpliedBy, other)
			}
		}
		if sc.IsBare() {
			if ro, err := scope.Parse(sc.String() + ":readonly"); err == nil && ix.catalog.Contains(ro) {
				risk.ReadOnly = ro
			}
		}
		s.Scopes = append(s.Scopes, risk)

		if len(risk.Admin) > 0 {
			s.Findings = append(s.Findings, Finding{Kind: KindAdmin, Scope: sc, Routes: risk.Admin,
				Reason: fmt.Sprintf("unlocks %d admin-grade %s, on who may do what or on the org itself: %s",
					len(risk.Admin), plural(len(risk.Admin), "endpoint", "endpoints"), strings.Join(risk.Admin, ", "))})
		}
		if removed[sc] {
			continue // the review against the calls says what to do with it
		}
		if risk.ReadOnly.IsValid() {
			ro := ix.breadth[ix.ids[risk.ReadOnly]]
			s.Findings = append(s.Findings, Finding{Kind: KindBare, Scope: sc, Instead: []scope.Scope{risk.ReadOnly},
				Reason: fmt.Sprintf("a bare read-write scope: it unlocks %s, and whatever the API adds to %s later; %s unlocks %s, if the app only reads",
					risk.Reach, sc, risk.ReadOnly, ro)})
		}
		if len(risk.ImpliedBy) > 0 && !s.Declared {
			s.Findings = append(s.Findings, Finding{Kind: KindRedundant, Scope: sc, Instead: risk.ImpliedBy,
				Reason: fmt.Sprintf("%s, which the app also requests, %s it: the app asks for the broader scope and the narrower one",
					joinScopes(risk.ImpliedBy, " and "), plural(len(risk.ImpliedBy), "implies", "imply"))})
		}
	}
	slices.SortStableFunc(s.Findings, func(a, b Finding) int {
		if a.Kind != b.Kind {
			return int(a.Kind) - int(b.Kind)
		}
		return strings.Compare(a.Scope.String(), b.Scope.String())
	})
	return s, nil
}

// Summary describes s in one line, for a log: "Agent Desktop requests 5
// scopes, which unlock 17 endpoints, 7 of which write, 0 admin-grade; 2
// findings: broader users:manage, unneeded recordings:view".
func (s Scrutiny) Summary() string {
	var b strings.Builder
	name := s.Application
	if name == "" {
		name = "the app"
	}
	n := s.Requested.Len()
	fmt.Fprintf(&b, "%s requests %d %s, which %s %s, %d admin-grade", name, n, plural(n, "scope", "scopes"), plural(n, "unlocks", "unlock"), s.Reach, len(s.Admin))
	if len(s.Findings) == 0 {
		b.WriteString("; no findings")
		return b.String()
	}
	fmt.Fprintf(&b, "; %d %s: ", len(s.Findings), plural(len(s.Findings), "finding", "findings"))
	for i, f := range s.Findings {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.Kind.String() + " " + f.Scope.String())
	}
	return b.String()
}

// Text describes s in lines, for a command line: the summary, a table of
// the requested scopes with what each unlocks, and one line per finding.
func (s Scrutiny) Text() string {
	var b strings.Builder
	b.WriteString(s.Summary() + "\n\n")
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SCOPE\tUNLOCKS\tADMIN-GRADE\tDESCRIPTION")
	for _, r := range s.Scopes {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.Scope, r.Reach, strconv.Itoa(len(r.Admin)), r.Description)
	}
	w.Flush()
	if len(s.Findings) > 0 {
		b.WriteString("\n")
	}
	w = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, f := range s.Findings {
		fmt.Fprintf(w, "%s\t%s: %s\n", f.Kind, f.Scope, f.Reason)
	}
	w.Flush()
	if !s.Declared {
		b.WriteString("\nThe vendor declares no calls: ask which endpoints the app calls to tell the scopes it needs from the others.\n")
	}
	return b.String()
}

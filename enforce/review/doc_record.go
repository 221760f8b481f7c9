package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/scopegate/scopegate/enforce/internal/route"
	"github.com/scopegate/scopegate/scope"
)

// MaxText is the longest application name, note or reason, in bytes.
const MaxText = 500

// A Note is what a team writes about one scope of its app. Each field
// replaces the text [Index.Document] would otherwise generate.
type Note struct {
	// UsedFor says what the app does with the scope: "Transfer calls
	// between agents".
	UsedFor string `json:"used_for,omitempty"`
	// Rationale says why the app needs it: "Core feature for agent
	// desktop".
	Rationale string `json:"rationale,omitempty"`
}

// A DocInput is what [Index.Document] documents.
type DocInput struct {
	// Application is the app's name. Required.
	Application string
	// Calls are the calls the app makes, as [Index.Resolve] reads them.
	// Required.
	Calls []string
	// Scopes are the app's scopes. When empty, the app is documented with
	// the minimal scopes for Calls. Otherwise they must let every call
	// pass ([ErrNotCovered]); a scope no call needs is documented as such.
	Scopes scope.Set
	// Notes holds the team's own text for some scopes, each of which
	// must be one of the documented scopes.
	Notes map[scope.Scope]Note
	// Updated is the day of this version. Required.
	Updated Date
	// NextReview is the day of the next review. When zero it is three
	// months after Updated: the guide's quarterly review.
	NextReview Date
	// Previous is the documentation this version replaces, if any: its
	// change log is carried over, and a new entry records the scopes
	// added and removed since.
	Previous *Doc
	// Reason says why the scopes changed. Required when they did, and
	// refused when they did not; for the first version it defaults to
	// "Initial scope set".
	Reason string
}

// A Doc is the guide's "Document Your Scopes" record for an app: each
// scope with what it is used for, the endpoints that need it and why,
// the endpoint-to-scope mapping, the review dates and the change log.
// Write it as Markdown with [Doc.Markdown] or as JSON with encoding/json,
// and read the JSON back with [ParseDocJSON], to keep it in version
// control.
type Doc struct {
	Application string `json:"application"`
	// Scopes are the app's scopes, in canonical order.
	Scopes []ScopeDoc `json:"scopes"`
	// Mapping lists each endpoint the app calls and the scope it uses,
	// in the order of the calls.
	Mapping    []Mapping `json:"mapping"`
	Updated    Date      `json:"updated"`
	NextReview Date      `json:"next_review"`
	// Changes is the change log, newest first.
	Changes []Change `json:"changes"`
}

// A ScopeDoc documents one scope of an app.
type ScopeDoc struct {
	Scope scope.Scope `json:"scope"`
	// Description is the catalog's description of the scope.
	Description string `json:"description"`
	UsedFor     string `json:"used_for"`
	// Endpoints are the routes that use the scope; empty for a scope no
	// call needs.
	Endpoints []string `json:"endpoints"`
	Rationale string   `json:"rationale"`
}

// A Mapping is one row of the endpoint-to-scope table.
type Mapping struct {
	Method   string      `json:"method"`
	Path     string      `json:"path"`
	Endpoint string      `json:"endpoint,omitempty"`
	Scope    scope.Scope `json:"scope"`
}

// A Change is one entry of a scope change log.
type Change struct {
	Date Date `json:"date"`
	// Initial marks the first entry, whose Added is the initial set.
	Initial bool          `json:"initial,omitempty"`
	Added   []scope.Scope `json:"added,omitempty"`
	Removed []scope.Scope `json:"removed,omitempty"`
	Reason  string        `json:"reason"`
}

// Set returns the documented scopes as a set.
func (d Doc) Set() scope.Set {
	scopes := make([]scope.Scope, len(d.Scopes))
	for i, s := range d.Scopes {
		scopes[i] = s.Scope
	}
	set, err := scope.NewSet(scopes...)
	if err != nil {
		return scope.Set{}
	}
	return set
}

// Document builds the scope documentation of an app. It refuses calls that
// reach no endpoint, scopes the catalog does not know, scopes that do not
// let every call pass, notes for scopes not documented, text that is not
// one line, and a Previous version of another app or of a later day.
func (ix *Index) Document(in DocInput) (Doc, error) {
	if err := in.check(); err != nil {
		return Doc{}, err
	}
	eps, err := ix.resolve(in.Calls)
	if err != nil {
		return Doc{}, err
	}
	scopes := in.Scopes
	var sr ScopeReview
	if scopes.IsEmpty() {
		scopes = ix.selectFor(in.Calls, eps, scope.Set{}).Scopes
	} else if err := ix.catalog.Validate(scopes); err != nil {
		return Doc{}, fmt.Errorf("review: documented scopes: %w", err)
	}
	granted := ix.catalog.Grant(scopes)
	needs, elems := ix.needs(in.Calls, eps)
	var uncovered []string
	for _, ep := range elems {
		if !granted.Satisfies(ix.eps[ep].accepted) {
			uncovered = append(uncovered, ix.eps[ep].route)
		}
	}
	if len(uncovered) > 0 {
		return Doc{}, fmt.Errorf("%w: %s %s none of the documented scopes %q", ErrNotCovered, strings.Join(uncovered, ", "), plural(len(uncovered), "accepts", "accept"), scopes)
	}
	for s := range in.Notes {
		if !scopes.Contains(s) {
			return Doc{}, fmt.Errorf("%w: note for %s, which is not one of the documented scopes %q", ErrInvalid, s, scopes)
		}
	}
	if sr, err = ix.ReviewScopes(scopes, in.Calls); err != nil {
		return Doc{}, err
	}

	// Each endpoint uses the narrowest documented scope that satisfies it.
	for i, ep := range elems {
		best := int32(-1)
		for s := range scopes.All() {
			id := ix.ids[s]
			if _, ok := slices.BinarySearch(ix.eps[ep].satisfiers, id); ok && (best < 0 || ix.breadth[id].Compare(ix.breadth[best]) < 0) {
				best = id
			}
		}
		needs[i].Scope = ix.scopes[best]
	}

	d := Doc{Application: in.Application, Updated: in.Updated, NextReview: in.NextReview}
	if d.NextReview.IsZero() {
		d.NextReview = in.Updated.addMonths(3)
	}
	for _, n := range needs {
		e := &ix.eps[ix.byRoute[n.Route]]
		d.Mapping = append(d.Mapping, Mapping{Method: e.method, Path: n.Route[len(e.method)+1:], Endpoint: e.name, Scope: n.Scope})
	}
	for s := range scopes.All() {
		entry, _ := ix.catalog.Lookup(s)
		sd := ScopeDoc{Scope: s, Description: entry.Description, UsedFor: entry.Description, Endpoints: []string{}}
		var used []Need
		for _, n := range needs {
			if n.Scope == s {
				sd.Endpoints = append(sd.Endpoints, n.Route)
				used = append(used, n)
			}
		}
		sd.Rationale = ix.rationale(s, used, sr)
		if note, ok := in.Notes[s]; ok {
			if note.UsedFor != "" {
				sd.UsedFor = note.UsedFor
			}
			if note.Rationale != "" {
				sd.Rationale = note.Rationale
			}
		}
		d.Scopes = append(d.Scopes, sd)
	}

	if in.Previous == nil {
		reason := in.Reason
		if reason == "" {
			reason = "Initial scope set"
		}
		d.Changes = []Change{{Date: in.Updated, Initial: true, Added: scopes.Scopes(), Reason: reason}}
		return d, nil
	}
	prev := in.Previous.Set()
	added, removed := scopes.Difference(prev), prev.Difference(scopes)
	switch {
	case added.IsEmpty() && removed.IsEmpty() && in.Reason != "":
		return Doc{}, fmt.Errorf("%w: a reason was given, but the scopes did not change since %s", ErrInvalid, in.Previous.Updated)
	case added.IsEmpty() && removed.IsEmpty():
	case in.Reason == "":
		return Doc{}, &ChangeError{Since: in.Previous.Updated, Added: added, Removed: removed}
	default:
		d.Changes = append(d.Changes, Change{Date: in.Updated, Added: added.Scopes(), Removed: removed.Scopes(), Reason: in.Reason})
	}
	for _, c := range in.Previous.Changes {
		c.Added, c.Removed = slices.Clone(c.Added), slices.Clone(c.Removed)
		d.Changes = append(d.Changes, c)
	}
	return d, nil
}

func (in *DocInput) check() error {
	if in.Application == "" {
		return fmt.Errorf("%w: documentation needs the application's name", ErrInvalid)
	}
	if in.Updated.IsZero() {
		return fmt.Errorf("%w: documentation needs the day it was updated", ErrInvalid)
	}
	if !in.NextReview.IsZero() && in.NextReview.Compare(in.Updated) <= 0 {
		return fmt.Errorf("%w: next review %s is not after the update %s", ErrInvalid, in.NextReview, in.Updated)
	}
	texts := []struct{ what, text string }{{"application name", in.Application}, {"reason", in.Reason}}
	for s, n := range in.Notes {
		texts = append(texts, struct{ what, text string }{"note on " + s.String(), n.UsedFor}, struct{ what, text string }{"note on " + s.String(), n.Rationale})
	}
	for _, t := range texts {
		if err := checkText(t.what, t.text); err != nil {
			return err
		}
	}
	if p := in.Previous; p != nil {
		if p.Application != in.Application {
			return fmt.Errorf("%w: previous documentation is of %q, not %q", ErrInvalid, p.Application, in.Application)
		}
		if in.Updated.Compare(p.Updated) < 0 {
			return fmt.Errorf("%w: update %s is before the previous one, %s", ErrInvalid, in.Updated, p.Updated)
		}
	}
	return nil
}

// checkText accepts one line of printable UTF-8 text, at most MaxText
// bytes.
func checkText(what, s string) error {
	if len(s) > MaxText {
		return fmt.Errorf("%w: %s is %d bytes; at most %d", ErrInvalid, what, len(s), MaxText)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s is not UTF-8", ErrInvalid, what)
	}
	for i, r := range s {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("%w: %s has %q at offset %d: one line of printable text, please", ErrInvalid, what, r, i)
		}
	}
	return nil
}

// rationale explains why the app holds s, which serves the endpoints of
// used.
func (ix *Index) rationale(s scope.Scope, used []Need, r ScopeReview) string {
	for _, f := range r.Findings {
		if f.Scope == s && f.Kind != KindMissing {
			if f.Kind == KindUnneeded {
				return "no call needs it: remove it at the next review"
			}
			return "to review: " + f.Reason
		}
	}
	// The endpoints for which s is the narrowest choice, and those it
	// serves on the side, with the narrower scope each would need alone.
	sb := ix.breadth[ix.ids[s]]
	var needs []Need
	var also []string
	for _, n := range used {
		narrowest := s
		for _, id := range ix.eps[ix.byRoute[n.Route]].satisfiers {
			if ix.breadth[id].Compare(ix.breadth[ix.ids[narrowest]]) < 0 {
				narrowest = ix.scopes[id]
			}
		}
		if narrowest == s {
			needs = append(needs, n)
		} else {
			also = append(also, n.Route+", which alone would need only "+narrowest.String())
		}
	}
	var why string
	switch {
	case len(needs) == 0:
		why = fmt.Sprintf("one scope for %d endpoints, where narrower scopes would be needed together and unlock no less", len(used))
	case len(needs) == 1 && needs[0].Accepts.Len() > 1:
		why = "the narrowest of the scopes " + needs[0].Route + " accepts (" + joinScopes(needs[0].Accepts.Scopes(), ", ") + ")"
	default:
		routes := make([]string, len(needs))
		only := true
		for i, n := range needs {
			routes[i] = n.Route
			only = only && n.Accepts.Len() == 1
		}
		what := "the narrowest scope that "
		if only {
			what = "the only scope "
		}
		why = what + strings.Join(routes, " and ") + " " + plural(len(routes), "accepts", "accept")
	}
	if len(needs) > 0 && len(also) > 0 {
		why += "; it also serves " + strings.Join(also, ", and ")
	}
	if sb.Writes == 0 {
		return why + "; read-only: unlocks " + sb.String()
	}
	return why + "; unlocks " + sb.String()
}

// Markdown writes d in the layout of the guide's "Document Your Scopes"
// record: a section per scope, the endpoint-to-scope table and the change
// log.
func (d Doc) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Scopes: %s\n\n", d.Application)
	fmt.Fprintf(&b, "Scope string: `%s`\n\n", d.Set())
	fmt.Fprintf(&b, "- Updated: %s\n- Next review: %s\n", d.Updated, d.NextReview)
	for _, s := range d.Scopes {
		fmt.Fprintf(&b, "\n## %s\n\n", s.Scope)
		fmt.Fprintf(&b, "- Used for: %s\n", s.UsedFor)
		if len(s.Endpoints) == 0 {
			b.WriteString("- Endpoints: none\n")
		} else {
			fmt.Fprintf(&b, "- Endpoints: `%s`\n", strings.Join(s.Endpoints, "`, `"))
		}
		fmt.Fprintf(&b, "- Rationale: %s\n", s.Rationale)
	}
	b.WriteString("\n## Endpoint to scope mapping\n\n| Endpoint | Method | Scope |\n|---|---|---|\n")
	for _, m := range d.Mapping {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", m.Path, m.Method, m.Scope)
	}
	b.WriteString("\n## Change log\n\n| Date | Change | Reason |\n|---|---|---|\n")
	for _, c := range d.Changes {
		var parts []string
		switch {
		case c.Initial:
			parts = append(parts, "Initial: "+joinScopes(c.Added, ", "))
		case len(c.Added) > 0:
			parts = append(parts, "Added: "+joinScopes(c.Added, ", "))
		}
		if len(c.Removed) > 0 {
			parts = append(parts, "Removed: "+joinScopes(c.Removed, ", "))
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c.Date, strings.Join(parts, "; "), cell(c.Reason))
	}
	return b.String()
}

// cell escapes the characters that would end a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// ParseDocJSON reads documentation written as JSON by encoding/json, such
// as a previous version kept in version control. Unknown fields, trailing
// data, a missing name or date, a malformed or repeated scope, a malformed
// mapping row, and a change log entry without a date, a reason or a change
// are errors wrapping [ErrInvalid].
func ParseDocJSON(data []byte) (Doc, error) {
	var d Doc
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return Doc{}, fmt.Errorf("%w: documentation JSON: %w", ErrInvalid, err)
	}
	if dec.More() {
		return Doc{}, fmt.Errorf("%w: documentation JSON: data after the object", ErrInvalid)
	}
	var problems []error
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Errorf("%w: documentation JSON: "+format, append([]any{ErrInvalid}, args...)...))
	}
	if err := checkText("application name", d.Application); err != nil || d.Application == "" {
		bad("application: want its name, one line of text")
	}
	if d.Updated.IsZero() || d.NextReview.IsZero() {
		bad("updated and next_review are required")
	}
	seen := map[scope.Scope]bool{}
	for i, s := range d.Scopes {
		switch {
		case !s.Scope.IsValid():
			bad("scopes[%d]: no scope", i)
		case seen[s.Scope]:
			bad("scopes[%d]: %s listed twice", i, s.Scope)
		}
		seen[s.Scope] = true
	}
	for i, m := range d.Mapping {
		if !route.IsMethod(m.Method) || !strings.HasPrefix(m.Path, "/") || !m.Scope.IsValid() {
			bad("mapping[%d]: want an upper-case method, a path starting with '/', and a scope", i)
		}
	}
	for i, c := range d.Changes {
		switch {
		case c.Date.IsZero() || c.Reason == "":
			bad("changes[%d]: date and reason are required", i)
		case checkText("reason", c.Reason) != nil:
			bad("changes[%d]: the reason is not one line of text", i)
		case len(c.Added) == 0 && len(c.Removed) == 0:
			bad("changes[%d]: adds and removes nothing", i)
		case c.Initial && len(c.Removed) > 0:
			bad("changes[%d]: the initial entry removes scopes", i)
		}
		for _, s := range slices.Concat(c.Added, c.Removed) {
			if !s.IsValid() {
				bad("changes[%d]: empty scope", i)
			}
		}
	}
	if len(problems) > 0 {
		return Doc{}, errors.Join(problems...)
	}
	return d, nil
}

package review

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/scopegate/scopegate/enforce/internal/route"
)

// resolve maps each call to its endpoint. It reports every call it cannot
// resolve, each as a *CallError, joined.
func (ix *Index) resolve(calls []string) ([]int32, error) {
	if err := ix.ready(); err != nil {
		return nil, err
	}
	if len(calls) == 0 {
		return nil, ErrNoCalls
	}
	out := make([]int32, len(calls))
	var errs []error
	for i, c := range calls {
		ep, err := ix.resolveOne(i, c)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[i] = ep
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// Resolve returns the route each call reaches, "GET /api/v2/users/me",
// in the order of calls. A call is one of:
//
//   - a route: a method, one space and a path template,
//     "GET /api/v2/users/{userId}"; parameter names need not match the
//     table's ("GET /api/v2/users/{id}" finds the same endpoint);
//   - a request: a method, one space and a request path,
//     "GET /api/v2/users/123", matched as the enforcer matches requests
//     ([enforce.Policy.Match]); give the escaped path without a query;
//   - an endpoint name: "getUsersMe".
//
// Methods are upper case. Every call that reaches no endpoint is an error,
// a [*CallError] with suggestions, and all of them are reported (joined).
func (ix *Index) Resolve(calls []string) ([]string, error) {
	eps, err := ix.resolve(calls)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(eps))
	for i, e := range eps {
		out[i] = ix.eps[e].route
	}
	return out, nil
}

func (ix *Index) resolveOne(i int, call string) (int32, error) {
	bad := func(reason string, suggestions ...string) error {
		return &CallError{Index: i, Call: call, Err: ErrMalformedCall, Reason: reason, Suggestions: suggestions}
	}
	unknown := func(reason string, suggestions []string) error {
		return &CallError{Index: i, Call: call, Err: ErrUnknownCall, Reason: reason, Suggestions: suggestions}
	}
	if ep, ok := ix.byRoute[call]; ok {
		return ep, nil
	}
	if call == "" {
		return 0, bad("empty call")
	}
	for j := 0; j < len(call); j++ {
		if c := call[j]; c < 0x20 || c == 0x7f || c == '\t' {
			return 0, bad(fmt.Sprintf("control character %q at offset %d", c, j))
		}
	}
	method, path, hasSpace := strings.Cut(call, " ")
	if !hasSpace {
		if ep, ok := ix.byName[call]; ok {
			return ep, nil
		}
		if strings.HasPrefix(call, "/") {
			return 0, bad("a path needs a method: \"GET "+call+"\"", ix.suggestRoutes("", call)...)
		}
		return 0, unknown(fmt.Sprintf("no endpoint is named %q", call), ix.suggestNames(call))
	}
	switch {
	case method == "":
		return 0, bad("leading space; want \"METHOD /path\" or an endpoint name", strings.TrimLeft(call, " "))
	case strings.Contains(path, " "):
		return 0, bad("more than one space; want \"METHOD /path\" with one space", strings.Join(strings.Fields(call), " "))
	case !route.IsMethod(method):
		if up := strings.ToUpper(method); route.IsMethod(up) {
			return 0, bad(fmt.Sprintf("method %q is not upper case", method), up+" "+path)
		}
		return 0, bad(fmt.Sprintf("%q is not an HTTP method", method))
	case !strings.HasPrefix(path, "/"):
		if _, rest, ok := strings.Cut(path, "://"); ok {
			if slash := strings.IndexByte(rest, '/'); slash >= 0 {
				return 0, bad("give the path, not a URL", method+" "+rest[slash:])
			}
		}
		return 0, bad(fmt.Sprintf("path %q does not start with '/'", path))
	}
	if q := strings.IndexAny(path, "?#"); q >= 0 {
		return 0, bad("give the path without a query or fragment: they do not pick the endpoint", method+" "+path[:q])
	}
	if strings.ContainsAny(path, "{}") {
		if e, ok := ix.policy.Route(method + " " + path); ok {
			if ep, ok := ix.byRoute[e.Route()]; ok {
				return ep, nil
			}
		}
		return 0, unknown("no endpoint has this route", ix.suggestRoutes(method, path))
	}
	if e, ok := ix.policy.Match(method, path); ok {
		if ep, ok := ix.byRoute[e.Route()]; ok {
			return ep, nil
		}
	}
	return 0, unknown("no endpoint matches this request", ix.suggestRoutes(method, path))
}

// suggestRoutes returns up to three routes that path was probably meant to
// name: templates that match it, or end with it ("/v2/users/me" for
// "/api/v2/users/me"), comparing static segments without regard to case.
// Routes with the same method come first, then those with more segments
// in common, then full matches, then table order. When no template
// matches even in part, the nearest routes (nearRoutes).
func (ix *Index) suggestRoutes(method, path string) []string {
	var call []string
	for seg := range strings.SplitSeq(path, "/") {
		if seg != "" {
			call = append(call, seg)
		}
	}
	if len(call) == 0 {
		return nil
	}
	type hit struct {
		ep           int
		same, full   bool
		staticShared int
	}
	var hits []hit
	for i := range ix.eps {
		segs := ix.eps[i].segs
		if len(call) > len(segs) {
			continue
		}
		off := len(segs) - len(call)
		shared, ok := 0, true
		for k, c := range call {
			t := segs[off+k]
			_, param := route.ParamName(c)
			switch {
			case t.Param:
				// A parameter matches any value.
			case param || !strings.EqualFold(t.Text, c):
				ok = false
			default:
				shared++
			}
			if !ok {
				break
			}
		}
		if ok && shared > 0 {
			hits = append(hits, hit{ep: i, same: ix.eps[i].method == method, full: off == 0, staticShared: shared})
		}
	}
	if len(hits) == 0 {
		return ix.nearRoutes(method, call)
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		switch {
		case a.same != b.same:
			return boolFirst(a.same)
		case a.staticShared != b.staticShared:
			return b.staticShared - a.staticShared
		case a.full != b.full:
			return boolFirst(a.full)
		}
		return a.ep - b.ep
	})
	var out []string
	for _, h := range hits {
		// Only the routes that share as much as the best one, and its
		// method if it has the call's.
		if len(out) == 3 || h.staticShared < hits[0].staticShared || hits[0].same && !h.same {
			break
		}
		out = append(out, ix.eps[h.ep].route)
	}
	return out
}

// Costs of the segment edits nearRoutes counts, and the most it accepts:
// a segment one letter off and a missing parameter, say, as in
// "/users/{userId}/presence" for "/users/{userId}/presences/{sourceId}".
const (
	nearSegment  = 1 // a static segment a few letters off: user for users
	otherSegment = 2 // another segment in its place
	extraSegment = 2 // a segment too many, or too few
	maxNear      = 3
)

// nearRoutes returns up to three routes whose templates are a few segment
// edits from the call's segments, the nearest first: the suggestions for
// a call that no template matches, even in part. Routes with the call's
// method come first, and when the nearest has it, only those.
func (ix *Index) nearRoutes(method string, call []string) []string {
	type hit struct {
		ep, d int
		same  bool
	}
	var hits []hit
	for i := range ix.eps {
		if d := segmentDistance(call, ix.eps[i].segs); d <= maxNear {
			hits = append(hits, hit{ep: i, d: d, same: ix.eps[i].method == method})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		switch {
		case a.d != b.d:
			return a.d - b.d
		case a.same != b.same:
			return boolFirst(a.same)
		}
		return a.ep - b.ep
	})
	var out []string
	for _, h := range hits {
		if len(out) == 3 || h.d > hits[0].d || hits[0].same && !h.same {
			break
		}
		out = append(out, ix.eps[h.ep].route)
	}
	return out
}

// segmentDistance returns the cost of the cheapest edits that turn the
// call's segments into the template's: nothing for a segment that matches
// (a static one in any case, a value or a parameter for a parameter),
// nearSegment or otherSegment for one in another's place, extraSegment
// for one too many or too few. It returns maxNear+1 when the cost is over
// maxNear.
func segmentDistance(call []string, tmpl []route.Segment) int {
	if d := len(call) - len(tmpl); d*extraSegment > maxNear || -d*extraSegment > maxNear {
		return maxNear + 1
	}
	prev := make([]int, len(tmpl)+1)
	cur := make([]int, len(tmpl)+1)
	for j := range prev {
		prev[j] = j * extraSegment
	}
	for i := 1; i <= len(call); i++ {
		cur[0] = i * extraSegment
		for j := 1; j <= len(tmpl); j++ {
			cur[j] = min(prev[j-1]+segmentCost(call[i-1], tmpl[j-1]), prev[j]+extraSegment, cur[j-1]+extraSegment)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(tmpl)], maxNear+1)
}

// segmentCost is the cost of a call's segment in the place of a
// template's.
func segmentCost(c string, t route.Segment) int {
	_, param := route.ParamName(c)
	switch {
	case t.Param:
		return 0 // a parameter takes any value, or another parameter
	case param:
		return otherSegment
	case strings.EqualFold(c, t.Text):
		return 0
	}
	limit := max(1, min(len(c), len(t.Text))/4)
	if editDistance(strings.ToLower(c), strings.ToLower(t.Text), limit) <= limit {
		return nearSegment
	}
	return otherSegment
}

func boolFirst(a bool) int {
	if a {
		return -1
	}
	return 1
}

// suggestNames returns up to three endpoint names close to name: the same
// but for case, or within a few edits.
func (ix *Index) suggestNames(name string) []string {
	type hit struct {
		name  string
		d, ep int
	}
	var hits []hit
	limit := max(2, len(name)/4)
	for i := range ix.eps {
		n := ix.eps[i].name
		if n == "" {
			continue
		}
		d := 0
		if !strings.EqualFold(n, name) {
			d = 1 + editDistance(strings.ToLower(n), strings.ToLower(name), limit)
		}
		if d <= limit+1 {
			hits = append(hits, hit{n, d, i})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return a.ep - b.ep
	})
	var out []string
	for _, h := range hits {
		// A name that differs only in case is surely the one.
		if len(out) == 3 || hits[0].d == 0 && h.d > 0 {
			break
		}
		out = append(out, h.name)
	}
	return out
}

// editDistance returns the Levenshtein distance between a and b, or
// limit+1 when it is larger than limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit+1)
}

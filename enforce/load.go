package enforce

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/scopegate/scopegate/enforce/internal/route"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// A LoadMode says what reading or building a table does with a bad entry.
type LoadMode uint8

const (
	// Strict refuses the whole table when one entry is bad, reporting
	// every problem at once: the default, what [ParseEndpointsJSON] and
	// [NewPolicy] do.
	Strict LoadMode = iota
	// Lenient leaves each bad entry out of the table and reports it: its
	// route then matches nothing, and is denied like any unknown
	// endpoint. An entry is loaded whole or not at all: never in part,
	// never with a default in place of a field it got wrong, so never
	// with a weaker requirement than it states.
	Lenient
)

func (m LoadMode) String() string {
	switch m {
	case Strict:
		return "strict"
	case Lenient:
		return "lenient"
	}
	return "LoadMode(" + strconv.Itoa(int(m)) + ")"
}

// A LoadReport says what reading or building an endpoint table found.
type LoadReport struct {
	// Problems lists every problem, in the order of the entries, one per
	// field at fault, each an [*EndpointError] naming its entry, the
	// field and the reason. An entry with a problem is left out of the
	// table in Lenient mode, and fails the whole table in Strict mode.
	Problems []*EndpointError
	// Notes lists what an entry that loaded says and deserves a look: a
	// permission listed twice in one list (it counts once), a legacy
	// one-word permission (admin).
	Notes []Note

	declared []string // the table's own "refused" list
}

// A Note is something about an entry that loaded.
type Note struct {
	// Index is the entry's position in the list, and Route its method
	// and path, as given.
	Index int
	Route string
	// Field is where in the entry: "permissions.any[3]".
	Field string
	// Text says what, in words.
	Text string
}

func (n Note) String() string {
	return fmt.Sprintf("endpoint %d (%s), %s: %s", n.Index, n.Route, n.Field, n.Text)
}

// Skipped returns the positions of the entries with a problem, in order:
// those Lenient mode left out.
func (r *LoadReport) Skipped() []int {
	if r == nil {
		return nil
	}
	var out []int
	for _, p := range r.Problems {
		if len(out) == 0 || out[len(out)-1] != p.Index {
			out = append(out, p.Index)
		}
	}
	return out
}

// Refused returns the routes the table lists as refused, then those of
// the entries with a problem, as [Config].Refused takes them: pass them
// on, so that requests for them are denied rather than reach another
// endpoint. Entries whose method or path could not be read have no route
// to give.
func (r *LoadReport) Refused() []string {
	if r == nil {
		return nil
	}
	out := slices.Clone(r.declared)
	for _, p := range r.Problems {
		// A route without a method refuses its path under every method.
		_, path, _ := strings.Cut(p.Route, " ")
		if strings.TrimSpace(path) != "" && !slices.Contains(out, p.Route) {
			out = append(out, p.Route)
		}
	}
	return out
}

// add appends the problems and notes of another report.
func (r *LoadReport) add(o *LoadReport) {
	r.Problems = append(r.Problems, o.Problems...)
	r.Notes = append(r.Notes, o.Notes...)
}

// err joins the problems, or returns nil.
func (r *LoadReport) err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	errs := make([]error, len(r.Problems))
	for i, p := range r.Problems {
		errs[i] = p
	}
	return errors.Join(errs...)
}

// fieldError is a problem with one field of an entry. Its text is the
// problem's own: the field shows in the EndpointError that carries it.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

// ReadEndpointsJSON reads an endpoint table from the JSON that
// [ParseEndpointsJSON] documents, with its optional "refused" list of
// routes left out ([Config].Refused; an importer writes one), checking
// every field of every entry:
// an unknown or repeated key, a value of the wrong type, a malformed
// scope, each malformed permission of a list (prose included), an empty
// or too long list. Each problem is an [*EndpointError] in the report,
// naming its entry, its field ("permissions.any[2]") and the reason.
//
// In Strict mode a problem fails the table, and the error joins every
// problem. In Lenient mode each entry with a problem is left out, and the
// others are returned. The report also notes what loaded entries say
// that deserves a look. Either way, a document that is not a JSON object
// with an "endpoints" list, or that has data after it, is an error. The
// endpoints are checked against a catalog, and against each other, when
// the policy is built ([NewPolicy], [NewPolicyLenient]).
func ReadEndpointsJSON(data []byte, mode LoadMode) ([]Endpoint, *LoadReport, error) {
	var raw struct {
		Endpoints []json.RawMessage `json:"endpoints"`
		Refused   []string          `json:"refused"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, fmt.Errorf("enforce: reading endpoints JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("enforce: reading endpoints JSON: data after the object")
	}
	if raw.Endpoints == nil {
		return nil, nil, errors.New("enforce: reading endpoints JSON: no \"endpoints\" list")
	}
	// encoding/json keeps the last of two keys that match without regard
	// to case: a second "refused" list would drop the first's routes.
	if _, problems := readObject(data, func(k string) bool { return k == "endpoints" || k == "refused" }); len(problems) > 0 {
		return nil, nil, fmt.Errorf("enforce: reading endpoints JSON: %w", problems[0].err)
	}
	report := &LoadReport{declared: raw.Refused}
	out := make([]Endpoint, 0, len(raw.Endpoints))
	for i, msg := range raw.Endpoints {
		e, problems, notes := readEndpoint(msg)
		route := e.Method + " " + e.Path
		for _, p := range problems {
			report.Problems = append(report.Problems, &EndpointError{Index: i, Route: route, Field: p.field, Err: p.err})
		}
		if len(problems) > 0 {
			continue
		}
		for _, n := range notes {
			n.Index, n.Route = i, route
			report.Notes = append(report.Notes, n)
		}
		out = append(out, e)
	}
	if err := report.err(); err != nil && mode != Lenient {
		return nil, report, err
	}
	return out, report, nil
}

// endpointFields are the keys of an entry, each with how to read it into
// an Endpoint.
var endpointFields = map[string]func(e *Endpoint, v json.RawMessage) ([]fieldError, []Note){
	"name":          plain(func(e *Endpoint) any { return &e.Name }),
	"method":        plain(func(e *Endpoint) any { return &e.Method }),
	"path":          plain(func(e *Endpoint) any { return &e.Path }),
	"division":      plain(func(e *Endpoint) any { return &e.Division }),
	"user_required": plain(func(e *Endpoint) any { return &e.UserRequired }),
	"read_only":     plain(func(e *Endpoint) any { return &e.ReadOnly }),
	"scopes":        readScopes,
	"permissions":   readPermissions,
}

// plain reads a field with encoding/json.
func plain(field func(*Endpoint) any) func(*Endpoint, json.RawMessage) ([]fieldError, []Note) {
	return func(e *Endpoint, v json.RawMessage) ([]fieldError, []Note) {
		if err := json.Unmarshal(v, field(e)); err != nil {
			return []fieldError{{err: err}}, nil
		}
		return nil, nil
	}
}

// readEndpoint reads one entry, field by field. The method and path are
// read first, so that the problems can name the route.
func readEndpoint(msg json.RawMessage) (Endpoint, []fieldError, []Note) {
	var e Endpoint
	fields, problems := readObject(msg, func(k string) bool { return endpointFields[k] != nil })
	if fields == nil && len(problems) > 0 {
		return e, problems, nil
	}
	slices.SortStableFunc(fields, func(a, b kv) int {
		return order(a.key) - order(b.key)
	})
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		seen[f.key] = true
	}
	for _, key := range []string{"method", "path", "scopes", "permissions"} {
		if !seen[key] {
			problems = append(problems, fieldError{field: key, err: fmt.Errorf("%w: missing: every entry states its %s", ErrInvalidEndpoint, key)})
		}
	}
	var notes []Note
	for _, f := range fields {
		ps, ns := endpointFields[f.key](&e, f.val)
		for _, p := range ps {
			if p.field == "" {
				p.field = f.key
			} else {
				p.field = f.key + p.field
			}
			problems = append(problems, p)
		}
		for _, n := range ns {
			n.Field = f.key + n.Field
			notes = append(notes, n)
		}
	}
	return e, problems, notes
}

// A kv is a key of a JSON object, in lower case, and its value.
type kv struct {
	key string
	val json.RawMessage
}

// readObject reads the keys of a JSON object and their values. Keys
// match without regard to case, as encoding/json matches them; an unknown
// key, or one given twice (which encoding/json would settle silently, the
// last winning), is a problem. Data that is not an object is one problem,
// and no fields.
func readObject(msg []byte, known func(string) bool) ([]kv, []fieldError) {
	dec := json.NewDecoder(bytes.NewReader(msg))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, []fieldError{{err: fmt.Errorf("%w: an entry is a JSON object", ErrInvalidEndpoint)}}
	}
	fields := []kv{}
	seen := make(map[string]bool)
	var problems []fieldError
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, []fieldError{{err: err}}
		}
		key, _ := t.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, []fieldError{{err: err}}
		}
		name := strings.ToLower(key)
		switch {
		case !known(name):
			problems = append(problems, fieldError{field: key, err: fmt.Errorf("%w: unknown field %q", ErrInvalidEndpoint, key)})
		case seen[name]:
			problems = append(problems, fieldError{field: key, err: fmt.Errorf("%w: field %q given twice", ErrInvalidEndpoint, key)})
		default:
			seen[name] = true
			fields = append(fields, kv{name, val})
		}
	}
	return fields, problems
}

// order puts the method and the path first.
func order(key string) int {
	switch key {
	case "method":
		return 0
	case "path":
		return 1
	}
	return 2
}

// readScopes reads the scopes, reporting each malformed one.
func readScopes(e *Endpoint, v json.RawMessage) ([]fieldError, []Note) {
	var names []string
	if err := json.Unmarshal(v, &names); err != nil {
		return []fieldError{{err: err}}, nil
	}
	if len(names) == 0 {
		return []fieldError{{err: fmt.Errorf("%w: no scope: every endpoint accepts at least one", ErrInvalidEndpoint)}}, nil
	}
	var problems []fieldError
	e.Scopes = make([]scope.Scope, 0, len(names))
	for i, n := range names {
		s, err := scope.Parse(n)
		if err != nil {
			problems = append(problems, fieldError{field: "[" + strconv.Itoa(i) + "]", err: err})
			continue
		}
		e.Scopes = append(e.Scopes, s)
	}
	return problems, nil
}

// readPermissions reads the requirement, reporting each malformed
// permission of its list, and noting repeats and legacy names.
func readPermissions(e *Endpoint, v json.RawMessage) ([]fieldError, []Note) {
	var lists struct {
		Any, All []json.RawMessage
	}
	// The shape is checked by Requirement.UnmarshalJSON below; here only
	// the lists are looked into.
	_ = json.Unmarshal(v, &lists)
	var problems []fieldError
	var notes []Note
	for _, l := range []struct {
		name  string
		items []json.RawMessage
	}{{".any", lists.Any}, {".all", lists.All}} {
		first := make(map[string]int)
		for i, item := range l.items {
			at := l.name + "[" + strconv.Itoa(i) + "]"
			var s string
			if err := json.Unmarshal(item, &s); err != nil {
				problems = append(problems, fieldError{field: at, err: fmt.Errorf("%w: a permission is a string", ErrInvalidEndpoint)})
				continue
			}
			p, err := permission.Parse(s)
			switch {
			case err != nil:
				problems = append(problems, fieldError{field: at, err: err})
				continue
			case p.IsLegacy():
				notes = append(notes, Note{Field: at, Text: fmt.Sprintf("%s is a legacy one-word permission: only a role policy of the same word grants it", p)})
			}
			if j, dup := first[p.String()]; dup {
				notes = append(notes, Note{Field: at, Text: fmt.Sprintf("%s is listed again (first at [%d]); it counts once", p, j)})
				continue
			}
			first[p.String()] = i
		}
	}
	if len(problems) > 0 {
		return problems, nil
	}
	if err := e.Permissions.UnmarshalJSON(v); err != nil {
		return []fieldError{{err: err}}, nil
	}
	return nil, notes
}

// NewPolicyLenient builds a policy as [NewPolicy] does, in Lenient mode:
// every entry NewPolicy would refuse (an unknown scope, a bad method or
// template, a missing requirement, a division that names no parameter, a
// name or a method and path shape already taken by an earlier entry) is
// left out of the table, and reported, one problem per field at fault.
// The routes of the entries left out are added to [Config].Refused: they
// match nothing, and are denied. Problems that are not an entry's (no
// catalog, a bad org) are an error.
func NewPolicyLenient(cfg Config) (*Policy, *LoadReport, error) {
	report := &LoadReport{}
	endpoints := cfg.Endpoints
	refused := slices.Clone(cfg.Refused)
	index := make([]int, len(endpoints)) // position in cfg.Endpoints of each entry tried
	for i := range index {
		index[i] = i
	}
	// Leaving an entry out never makes another one bad, so a second
	// build succeeds; the loop is bounded all the same.
	for range 3 {
		cfg.Endpoints, cfg.Refused = endpoints, refused
		p, err := NewPolicy(cfg)
		if err == nil {
			slices.SortStableFunc(report.Problems, func(a, b *EndpointError) int { return a.Index - b.Index })
			return p, report, nil
		}
		bad := make(map[int]bool)
		for _, e := range joined(err) {
			var ee *EndpointError
			if !errors.As(e, &ee) {
				return nil, nil, err
			}
			bad[ee.Index] = true
			for _, part := range joined(ee.Err) {
				field := ee.Field
				var fe *fieldError
				if errors.As(part, &fe) {
					field, part = fe.field, fe.err
				}
				report.Problems = append(report.Problems, &EndpointError{Index: index[ee.Index], Route: ee.Route, Field: field, Err: part})
			}
		}
		var kept []Endpoint
		var keptIndex []int
		for i, e := range endpoints {
			if bad[i] {
				refused = append(refused, e.Method+" "+e.Path)
				continue
			}
			kept = append(kept, e)
			keptIndex = append(keptIndex, index[i])
		}
		endpoints, index = kept, keptIndex
	}
	return nil, nil, errors.New("enforce: building a lenient policy: entries kept failing")
}

// LoadPolicyJSON reads an endpoint table from JSON ([ReadEndpointsJSON])
// and builds its policy with cfg's catalog and orgs, in one step. In
// Strict mode any problem fails it, as ParseEndpointsJSON and NewPolicy
// would. In Lenient mode every bad entry, whether its JSON is bad or the
// catalog does not know its scope, is left out and reported, and its
// route denied ([Config].Refused). cfg.Endpoints must be empty: the table
// is the JSON's.
func LoadPolicyJSON(data []byte, cfg Config, mode LoadMode) (*Policy, *LoadReport, error) {
	if len(cfg.Endpoints) > 0 {
		return nil, nil, errors.New("enforce: LoadPolicyJSON reads the endpoints: cfg.Endpoints must be empty")
	}
	eps, report, err := ReadEndpointsJSON(data, mode)
	if err != nil {
		return nil, report, err
	}
	// The entries read are numbered apart from those of the JSON: number
	// them back.
	index := make([]int, 0, len(eps))
	skipped := report.Skipped()
	for i, k := 0, 0; len(index) < len(eps); i++ {
		if k < len(skipped) && skipped[k] == i {
			k++
			continue
		}
		index = append(index, i)
	}
	cfg.Endpoints = eps
	cfg.Refused = append(slices.Clone(cfg.Refused), report.Refused()...)
	if mode != Lenient {
		p, err := NewPolicy(cfg)
		return p, report, renumber(err, index)
	}
	p, more, err := NewPolicyLenient(cfg)
	if err != nil {
		return nil, report, err
	}
	for _, e := range more.Problems {
		e.Index = index[e.Index]
	}
	report.add(more)
	slices.SortStableFunc(report.Problems, func(a, b *EndpointError) int { return a.Index - b.Index })
	return p, report, nil
}

// renumber gives the EndpointErrors err joins the positions in index.
func renumber(err error, index []int) error {
	if err == nil {
		return nil
	}
	for _, e := range joined(err) {
		var ee *EndpointError
		if errors.As(e, &ee) && ee.Index < len(index) {
			ee.Index = index[ee.Index]
		}
	}
	return err
}

// joined returns the errors err joins, or err itself.
func joined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// refusedID is the number a refused route has in the table: past every
// endpoint, so that the lookups see it as no endpoint ([Policy.at]).
const refusedID = math.MaxInt32 - 1

// everyMethod is what a refused route whose method is not one refuses.
var everyMethod = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"}

// refuse adds a refused route to the table, read liberally
// ([Config].Refused).
func (p *Policy) refuse(r string) error {
	method, path, _ := strings.Cut(r, " ")
	method, path = strings.TrimSpace(method), strings.TrimSpace(path)
	if path == "" {
		return fmt.Errorf("enforce: refused route %q names no path: a refused route is \"METHOD /path\"", r)
	}
	methods := []string{strings.ToUpper(method)}
	if !route.IsMethod(methods[0]) {
		methods = everyMethod
	}
	segs, err := route.ParseTemplate(path)
	if err != nil {
		segs = segs[:0]
		for s := range strings.SplitSeq(path, "/") {
			switch {
			case s == "":
			case strings.ContainsAny(s, "{}"):
				segs = append(segs, route.Segment{Text: "p" + strconv.Itoa(len(segs)), Param: true})
			default:
				segs = append(segs, route.Segment{Text: s})
			}
		}
		if len(segs) > route.MaxSegments {
			// No request is that deep: nothing to refuse.
			return nil
		}
		var b strings.Builder
		for _, s := range segs {
			b.WriteByte('/')
			if s.Param {
				b.WriteString("{" + s.Text + "}")
			} else {
				b.WriteString(s.Text)
			}
		}
		path = cmp.Or(b.String(), "/")
	}
	for _, m := range methods {
		p.table.Add(m, path, segs, refusedID)
	}
	return nil
}

// at returns i, an endpoint's number from the table, or -1 for no
// endpoint: -1 itself, or a refused route.
func (p *Policy) at(i int) int {
	if i >= len(p.endpoints) {
		return -1
	}
	return i
}

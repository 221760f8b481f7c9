package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// The vendor extensions the import reads on each operation.
const (
	// PermissionsExtension is Genesys Cloud's: what the operation's
	// caller must hold, {"type": "ANY" | "ALL", "permissions": [...]}.
	// An operation without it requires no permission.
	PermissionsExtension = "x-inin-requires-permissions"
	// EndpointExtension is this package's, for what OpenAPI cannot say:
	// {"division": "{userId}" | "request", "user_required": true,
	// "read_only": true}, the fields of [enforce.Endpoint] of the same
	// JSON names. Each is optional; unknown keys are errors.
	EndpointExtension = "x-scopegate-endpoint"
)

// Errors. Every operation left out carries an [*OperationError] wrapping
// one of them, or another package's error: a malformed permission is a
// *permission.ParseError, a problem the endpoint table finds (a template,
// a repeated operationId) wraps enforce.ErrInvalidEndpoint.
var (
	// ErrDocument: the input is not a Swagger 2.0 or OpenAPI 3.x document
	// the import can read.
	ErrDocument = errors.New("openapi: not a readable OpenAPI document")

	// ErrNoSecurity: the operation has no security requirement, of its own
	// or the document's. There is nothing for scopegate to enforce.
	ErrNoSecurity = errors.New("openapi: no security requirement")
	// ErrNotOAuth2: none of the operation's security schemes is OAuth 2
	// (an API key, HTTP basic): scopegate enforces OAuth 2 scopes only.
	ErrNotOAuth2 = errors.New("openapi: no OAuth 2 security scheme")
	// ErrNoScope: the operation's OAuth 2 requirement lists no scope; an
	// endpoint accepts at least one.
	ErrNoScope = errors.New("openapi: no OAuth 2 scope")

	// ErrUnknownScheme: a security requirement names a scheme the
	// document does not define.
	ErrUnknownScheme = errors.New("openapi: unknown security scheme")
	// ErrUndeclaredScope: a security requirement names a scope its
	// scheme does not declare.
	ErrUndeclaredScope = errors.New("openapi: scope not declared by its scheme")
	// ErrExtension: an extension of the operation is malformed.
	ErrExtension = errors.New("openapi: malformed extension")

	// ErrTooLarge: the document is larger than the import reads
	// ([Options].MaxSize). The error wraps ErrDocument too.
	ErrTooLarge = errors.New("openapi: document too large")
)

// The largest documents the import reads by default, in bytes
// ([Options].MaxSize). YAML's is smaller: kin-openapi reads a YAML
// document whole, and a hostile one of 1 MiB takes seconds and allocates
// gigabytes; a large YAML document is better converted to JSON first. A
// JSON document is narrowed to what the import reads, and costs in
// proportion to that: at most, for very many small path items, about 2 s
// and 250 MB allocated per MB. A service that imports documents it does
// not trust may set a lower MaxSize.
const (
	DefaultMaxSize     = 32 << 20 // a JSON document: 32 MiB
	DefaultMaxYAMLSize = 1 << 20  // a YAML document: 1 MiB
)

// Bad reports whether err, an operation's, is a mistake in the document,
// which fails a Strict import, rather than an operation with no OAuth 2
// scope to enforce (ErrNoSecurity, ErrNotOAuth2, ErrNoScope), which is
// left out in both modes.
func Bad(err error) bool {
	return !errors.Is(err, ErrNoSecurity) && !errors.Is(err, ErrNotOAuth2) && !errors.Is(err, ErrNoScope)
}

// An OperationError says why an operation was left out.
type OperationError struct {
	// Method and Path are the operation's, as the document writes them
	// (the path without the base path).
	Method, Path string
	// OperationID is its operationId, if any.
	OperationID string
	// Field is where in the operation: "security",
	// "x-inin-requires-permissions.permissions[2]", ...; "" for the
	// operation as a whole.
	Field string
	Err   error
}

func (e *OperationError) Error() string {
	var b strings.Builder
	b.WriteString("openapi: ")
	b.WriteString(e.Method + " " + e.Path)
	if e.OperationID != "" {
		b.WriteString(" (" + e.OperationID + ")")
	}
	if e.Field != "" {
		b.WriteString(", " + e.Field)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *OperationError) Unwrap() error { return e.Err }

// A Note is something about an operation that was imported, or about the
// document, that deserves a look.
type Note struct {
	// Operation is "GET /pet/{petId} (getPetById)", or "" for the
	// document.
	Operation string
	Text      string
}

func (n Note) String() string {
	if n.Operation == "" {
		return n.Text
	}
	return n.Operation + ": " + n.Text
}

// Options configure an import.
type Options struct {
	// Mode is enforce.Strict (the default: a mistake in the document
	// fails the import) or enforce.Lenient (the operation is left out and
	// reported).
	Mode enforce.LoadMode
	// BasePath prefixes every path with the document's base path: its
	// basePath (2.0), or the path of its first server's URL, variables
	// set to their defaults (3.x). Without it, paths are the document's.
	BasePath bool
	// MaxSize is the largest document the import reads, in bytes; a
	// larger one is an error, [ErrTooLarge]. Zero (or less) means
	// [DefaultMaxSize] for a JSON document (one whose first character
	// past white space is "{") and [DefaultMaxYAMLSize] for YAML.
	MaxSize int
}

// A Result is an imported endpoint table and scope catalog.
type Result struct {
	// Version is the document's: "2.0", "3.0.2", ...
	Version string
	// Endpoints is the table, in the order of the paths, then methods.
	// It builds a policy with Catalog as it is.
	Endpoints []enforce.Endpoint
	// Catalog is every scope the document's OAuth 2 schemes declare, with
	// its description, sorted.
	Catalog []scope.Entry
	// Refused lists the routes of the operations left out, for
	// [enforce.Config].Refused: requests for them are denied rather than
	// reach another endpoint whose template would take them.
	Refused []string
	// Skipped lists every operation left out, and why. In Strict mode it
	// holds no [Bad] one.
	Skipped []*OperationError
	// Notes lists what deserves a look.
	Notes []Note
}

// Import reads a Swagger 2.0 or OpenAPI 3.x document, JSON or YAML, and
// returns its endpoint table and scope catalog. For each operation:
//
//   - the method and path template come from paths, prefixed with the
//     base path if opts.BasePath;
//   - the scopes are those of its security requirements (or the
//     document's) whose scheme is OAuth 2: any one of them suffices, as in
//     Genesys Cloud; a requirement of another scheme cannot be enforced
//     and is noted;
//   - the permission requirement is its x-inin-requires-permissions
//     extension ([PermissionsExtension]), or none without it;
//   - the division, user-required and read-only settings are its
//     x-scopegate-endpoint extension ([EndpointExtension]);
//   - the endpoint's name is its operationId.
//
// The table is checked as [enforce.NewPolicy] would check it, with the
// catalog, so that it always builds. An operation with nothing to enforce
// ([ErrNoSecurity], [ErrNotOAuth2], [ErrNoScope]) is left out; one with a
// mistake (an unknown scheme, an undeclared scope, a malformed permission
// or extension, a template or name the table refuses) fails a Strict
// import, with every mistake joined in the error, and is left out of a
// Lenient one. Either way Result.Skipped says which and why, and
// Result.Refused lists their routes. Import reads no other file: a
// reference to one, in what the import reads, is an error. A document
// larger than opts.MaxSize is refused unread ([ErrTooLarge]).
func Import(data []byte, opts Options) (*Result, error) {
	doc, err := readDocument(data, opts.MaxSize)
	if err != nil {
		return nil, err
	}
	return importDocument(doc, opts)
}

// importDocument makes the table and the catalog of a document read.
func importDocument(doc *document, opts Options) (*Result, error) {
	res := &Result{Version: doc.version}
	prefix := ""
	if opts.BasePath {
		prefix = strings.TrimSuffix(doc.basePath, "/")
		if doc.servers > 1 {
			res.Notes = append(res.Notes, Note{Text: fmt.Sprintf("%d servers: the base path %q is the first one's", doc.servers, doc.basePath)})
		}
	}
	var catalogNotes []Note
	res.Catalog, catalogNotes = catalogOf(doc)
	res.Notes = append(res.Notes, catalogNotes...)
	declared := make(map[string]bool, len(res.Catalog))
	for _, e := range res.Catalog {
		declared[e.Scope.String()] = true
	}

	type imported struct {
		op *operation
		e  enforce.Endpoint
	}
	var kept []imported
	var skipped []*OperationError
	for i := range doc.ops {
		op := &doc.ops[i]
		e, problems, notes := importOperation(doc, op, prefix)
		if len(problems) > 0 {
			skipped = append(skipped, problems...)
			continue
		}
		for _, n := range notes {
			res.Notes = append(res.Notes, Note{Operation: op.String(), Text: n})
		}
		kept = append(kept, imported{op, e})
	}

	// Check the table as the policy will, with the catalog.
	catalog, err := scope.NewCatalog(res.Catalog)
	if err != nil {
		return nil, fmt.Errorf("%w: its scopes do not make a catalog: %v", ErrDocument, err)
	}
	eps := make([]enforce.Endpoint, len(kept))
	for i, k := range kept {
		eps[i] = k.e
	}
	_, report, err := enforce.NewPolicyLenient(enforce.Config{Catalog: catalog, Endpoints: eps})
	if err != nil {
		return nil, fmt.Errorf("openapi: checking the table: %w", err)
	}
	refusedAt := make(map[int]bool)
	for _, p := range report.Problems {
		op := kept[p.Index].op
		refusedAt[p.Index] = true
		skipped = append(skipped, &OperationError{Method: op.method, Path: op.path, OperationID: op.id, Field: p.Field, Err: p.Err})
	}
	for i, k := range kept {
		if !refusedAt[i] {
			res.Endpoints = append(res.Endpoints, k.e)
		}
	}

	slices.SortStableFunc(skipped, func(a, b *OperationError) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return methodRank(a.Method) - methodRank(b.Method)
	})
	var bad []error
	for _, s := range skipped {
		if Bad(s.Err) {
			bad = append(bad, s)
		}
		if r := s.Method + " " + prefix + s.Path; len(res.Refused) == 0 || res.Refused[len(res.Refused)-1] != r {
			res.Refused = append(res.Refused, r)
		}
	}
	res.Skipped = skipped
	if len(bad) > 0 && opts.Mode != enforce.Lenient {
		return nil, errors.Join(bad...)
	}
	return res, nil
}

func (o *operation) String() string {
	if o.id == "" {
		return o.method + " " + o.path
	}
	return o.method + " " + o.path + " (" + o.id + ")"
}

// importOperation makes op's endpoint, or says why it cannot.
func importOperation(doc *document, op *operation, prefix string) (enforce.Endpoint, []*OperationError, []string) {
	e := enforce.Endpoint{Name: op.id, Method: op.method, Path: prefix + op.path}
	var problems []*OperationError
	var notes []string
	fail := func(field string, err error) {
		problems = append(problems, &OperationError{Method: op.method, Path: op.path, OperationID: op.id, Field: field, Err: err})
	}

	var scopeProblems []error
	e.Scopes, scopeProblems, notes = scopesOf(doc, op)
	for _, err := range scopeProblems {
		fail("security", err)
	}

	var perms permissionsJSON
	switch has, err := op.extension(PermissionsExtension, &perms); {
	case err != nil:
		fail(PermissionsExtension, fmt.Errorf("%w: %v", ErrExtension, err))
	case !has:
		e.Permissions = permission.NoneRequired()
	default:
		req, fieldErrs, permNotes := perms.requirement()
		for _, fe := range fieldErrs {
			fail(PermissionsExtension+fe.field, fe.err)
		}
		e.Permissions = req
		notes = append(notes, permNotes...)
	}

	var settings struct {
		Division     *string `json:"division"`
		UserRequired *bool   `json:"user_required"`
		ReadOnly     *bool   `json:"read_only"`
	}
	if _, err := op.extension(EndpointExtension, &settings); err != nil {
		fail(EndpointExtension, fmt.Errorf("%w: %v", ErrExtension, err))
	}
	if settings.Division != nil {
		e.Division = *settings.Division
		if name, ok := strings.CutPrefix(e.Division, "{"); ok && !slices.Contains(op.params, strings.TrimSuffix(name, "}")) {
			notes = append(notes, fmt.Sprintf("division %s is not among the declared path parameters", e.Division))
		}
	}
	e.UserRequired = settings.UserRequired != nil && *settings.UserRequired
	e.ReadOnly = settings.ReadOnly != nil && *settings.ReadOnly
	return e, problems, notes
}

// scopesOf returns the scopes op accepts: those of its (or the
// document's) security requirements whose scheme is OAuth 2, each
// alternative counting. A mistake in a requirement is a problem; a
// requirement with no OAuth 2 scheme is a note, or, when it is the only
// kind, the reason the operation is left out.
func scopesOf(doc *document, op *operation) ([]scope.Scope, []error, []string) {
	sec := op.security
	if sec == nil {
		sec = doc.security
	}
	if sec == nil || len(*sec) == 0 {
		return nil, []error{ErrNoSecurity}, nil
	}
	var out []scope.Scope
	var problems []error
	var notes []string
	oauth := false
	for _, alt := range *sec {
		if len(alt) == 0 {
			notes = append(notes, "an empty security requirement (no authentication) is one of the alternatives: scopegate denies calls without a token")
			continue
		}
		for _, name := range sortedKeys(alt) {
			s, ok := doc.schemes[name]
			switch {
			case !ok:
				problems = append(problems, fmt.Errorf("%w %q", ErrUnknownScheme, name))
				continue
			case s.typ != "oauth2":
				notes = append(notes, fmt.Sprintf("security scheme %q (%s) is not OAuth 2: scopegate does not enforce it", name, s.typ))
				continue
			}
			oauth = true
			for _, n := range alt[name] {
				if _, ok := s.scopes[n]; !ok {
					problems = append(problems, fmt.Errorf("%w: %q is not a scope of %q", ErrUndeclaredScope, n, name))
					continue
				}
				sc, err := scope.Parse(n)
				if err != nil {
					problems = append(problems, err)
					continue
				}
				if !slices.Contains(out, sc) {
					out = append(out, sc)
				}
			}
		}
	}
	switch {
	case len(problems) > 0:
		return nil, problems, notes
	case !oauth:
		return nil, []error{ErrNotOAuth2}, notes
	case len(out) == 0:
		return nil, []error{ErrNoScope}, notes
	}
	return out, nil, notes
}

// permissionsJSON is the x-inin-requires-permissions extension.
type permissionsJSON struct {
	Type        *string            `json:"type"`
	Permissions *[]json.RawMessage `json:"permissions"`
}

type fieldErr struct {
	field string
	err   error
}

// requirement reads the extension: every malformed permission is a
// problem of its own; a repeat or a legacy name is a note.
func (p permissionsJSON) requirement() (permission.Requirement, []fieldErr, []string) {
	var problems []fieldErr
	var kind permission.Kind
	switch {
	case p.Type == nil:
		problems = append(problems, fieldErr{".type", fmt.Errorf("%w: no type: want ANY or ALL", ErrExtension)})
	case strings.EqualFold(*p.Type, "ANY"):
		kind = permission.Any
	case strings.EqualFold(*p.Type, "ALL"):
		kind = permission.All
	default:
		problems = append(problems, fieldErr{".type", fmt.Errorf("%w: type %q: want ANY or ALL", ErrExtension, *p.Type)})
	}
	if p.Permissions == nil || len(*p.Permissions) == 0 {
		// An empty list says nothing certain: refuse it, rather than
		// read it as "no permission needed".
		problems = append(problems, fieldErr{".permissions", fmt.Errorf("%w: no permissions listed; an operation that needs none has no %s", ErrExtension, PermissionsExtension)})
		return permission.Requirement{}, problems, nil
	}
	var perms []permission.Permission
	var notes []string
	first := make(map[permission.Permission]int)
	for i, raw := range *p.Permissions {
		at := ".permissions[" + strconv.Itoa(i) + "]"
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			problems = append(problems, fieldErr{at, fmt.Errorf("%w: a permission is a string", ErrExtension)})
			continue
		}
		q, err := permission.Parse(s)
		if err != nil {
			problems = append(problems, fieldErr{at, err})
			continue
		}
		if q.IsLegacy() {
			notes = append(notes, fmt.Sprintf("%s is a legacy one-word permission: only a role policy of the same word grants it", q))
		}
		if j, dup := first[q]; dup {
			notes = append(notes, fmt.Sprintf("%s is listed again (first at [%d]); it counts once", q, j))
			continue
		}
		first[q] = i
		perms = append(perms, q)
	}
	if len(problems) > 0 {
		return permission.Requirement{}, problems, nil
	}
	var req permission.Requirement
	var err error
	if kind == permission.Any {
		req, err = permission.AnyOf(perms...)
	} else {
		req, err = permission.AllOf(perms...)
	}
	if err != nil {
		return permission.Requirement{}, []fieldErr{{".permissions", err}}, nil
	}
	return req, nil, notes
}

// catalogOf returns every scope of the document's OAuth 2 schemes, with
// its description made fit for a catalog: one line, at most
// scope.MaxDescription bytes, never empty.
func catalogOf(doc *document) ([]scope.Entry, []Note) {
	var entries []scope.Entry
	var notes []Note
	seen := make(map[string]string)
	for _, name := range sortedKeys(doc.schemes) {
		s := doc.schemes[name]
		if s.typ != "oauth2" {
			continue
		}
		for _, n := range sortedKeys(s.scopes) {
			sc, err := scope.Parse(n)
			if err != nil {
				notes = append(notes, Note{Text: fmt.Sprintf("security scheme %q declares %q, which is not a scope: %v", name, n, err)})
				continue
			}
			d, note := description(n, s.scopes[n])
			if note != "" {
				notes = append(notes, Note{Text: note})
			}
			if other, dup := seen[n]; dup {
				if other != d {
					notes = append(notes, Note{Text: fmt.Sprintf("scope %q is declared by several schemes; its description is the first one's", n)})
				}
				continue
			}
			seen[n] = d
			entries = append(entries, scope.Entry{Scope: sc, Description: d})
		}
	}
	slices.SortFunc(entries, func(a, b scope.Entry) int { return strings.Compare(a.Scope.String(), b.Scope.String()) })
	return entries, notes
}

// description makes d a catalog description: its whitespace runs, line
// breaks included, become one space; past scope.MaxDescription bytes it
// is cut at a word, with an ellipsis; an empty one becomes the scope's
// name. The note says what was changed, if anything a reader would miss.
func description(name, d string) (string, string) {
	d = strings.ToValidUTF8(d, "\uFFFD")
	d = strings.Join(strings.FieldsFunc(d, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	switch {
	case d == "":
		return name, fmt.Sprintf("scope %q has no description: its name stands for it", name)
	case len(d) <= scope.MaxDescription:
		return d, ""
	}
	const ellipsis = "…"
	cut := scope.MaxDescription - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(d[cut]) {
		cut--
	}
	if sp := strings.LastIndexByte(d[:cut], ' '); sp > scope.MaxDescription/2 {
		cut = sp
	}
	return d[:cut] + ellipsis, fmt.Sprintf("the description of scope %q is longer than %d bytes: cut", name, scope.MaxDescription)
}

var errNoResult = errors.New("openapi: no result: Import returned an error")

// TableJSON returns the endpoint table as the JSON
// [enforce.ReadEndpointsJSON] reads, with the refused routes.
func (r *Result) TableJSON() ([]byte, error) {
	if r == nil {
		return nil, errNoResult
	}
	eps := r.Endpoints
	if eps == nil {
		eps = []enforce.Endpoint{}
	}
	out, err := json.MarshalIndent(struct {
		Endpoints []enforce.Endpoint `json:"endpoints"`
		Refused   []string           `json:"refused,omitempty"`
	}{eps, r.Refused}, "", "  ")
	return append(out, '\n'), err
}

// CatalogJSON returns the catalog as the JSON [scope.ParseCatalogJSON]
// reads.
func (r *Result) CatalogJSON() ([]byte, error) {
	if r == nil {
		return nil, errNoResult
	}
	entries := r.Catalog
	if entries == nil {
		entries = []scope.Entry{}
	}
	out, err := json.MarshalIndent(struct {
		Scopes []scope.Entry `json:"scopes"`
	}{entries}, "", "  ")
	return append(out, '\n'), err
}

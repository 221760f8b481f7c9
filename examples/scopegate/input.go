package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	"github.com/scopegate/scopegate/scope"
)

// The input files' shapes, as the errors describe them. The testdata
// files shop-catalog.json and shop-endpoints.json are complete examples.
const (
	catalogShape   = `{"rules": [...], "scopes": [{"scope": "orders:readonly", "description": "View orders"}, ...]}`
	endpointsShape = `{"endpoints": [{"method": "GET", "path": "/v1/orders", "scopes": ["orders:readonly"], "permissions": {"all": ["shop:order:view"]}}, ...]}`
	// maxErrors is the most problems of one file reported, one a line.
	maxErrors = 10
)

// A jsonFile is an input file, with what is needed to say where in it a
// problem is.
type jsonFile struct {
	name string
	data []byte
	// entries holds where each entry of the main list starts, once the
	// shape has been checked.
	entries []int64
}

// pos returns "file:line:column" for a byte offset.
func (f *jsonFile) pos(off int64) string {
	off = min(max(off, 0), int64(len(f.data)))
	before := f.data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return f.name + ":" + strconv.Itoa(line) + ":" + strconv.Itoa(col)
}

// entryPos returns where entry i starts, or the file's name when it is
// not known.
func (f *jsonFile) entryPos(i int) string {
	if i < 0 || i >= len(f.entries) {
		return f.name
	}
	return f.pos(f.entries[i])
}

// kindOf names the JSON value that starts at data[off], in words.
func kindOf(data []byte, off int64) string {
	if off >= int64(len(data)) {
		return "nothing"
	}
	switch c := data[off]; {
	case c == '{':
		return "an object"
	case c == '[':
		return "a list"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "true or false"
	case c == 'n':
		return "null"
	default:
		return "a number"
	}
}

// skip returns the offset of the next value's first byte at or after off:
// past white space, ',' and ':'.
func skip(data []byte, off int64) int64 {
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
		off++
	}
	return off
}

// checkShape checks that the file is a JSON object whose keys are among
// keys, and whose key list, required or not, is a list of objects, each
// with keys among fields, as entryShape shows. It records where each
// entry of the list starts.
// Every problem it finds is said in the file's terms, with its position.
func (f *jsonFile) checkShape(what, shape string, keys []string, list string, required bool, entry, entryShape string, fields []string) error {
	var v any
	if err := json.Unmarshal(f.data, &v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("%s: not valid JSON: %s; %s is %s", f.pos(se.Offset-1), strings.TrimPrefix(se.Error(), "json: "), what, shape)
		}
		return fmt.Errorf("%s: not valid JSON: %s; %s is %s", f.name, strings.TrimPrefix(err.Error(), "json: "), what, shape)
	}
	start := skip(f.data, 0)
	if kind := kindOf(f.data, start); kind != "an object" {
		return fmt.Errorf("%s: %s is a JSON object, %s; this file holds %s", f.pos(start), what, shape, kind)
	}
	dec := json.NewDecoder(bytes.NewReader(f.data))
	if _, err := dec.Token(); err != nil { // {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	found := false
	var errs []error
	for dec.More() {
		keyOff := skip(f.data, dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%s: %w", f.pos(keyOff), err)
		}
		key, _ := tok.(string)
		valOff := skip(f.data, dec.InputOffset())
		if !slices.Contains(keys, key) {
			errs = append(errs, fmt.Errorf("%s: unknown field %q in %s; its fields are %s", f.pos(keyOff), key, what, quoteAll(keys)))
		}
		if key != list {
			var skipped json.RawMessage
			if err := dec.Decode(&skipped); err != nil {
				return fmt.Errorf("%s: %w", f.pos(valOff), err)
			}
			continue
		}
		found = true
		if kind := kindOf(f.data, valOff); kind != "a list" {
			errs = append(errs, fmt.Errorf("%s: %q is %s; want a list, [%s, ...]", f.pos(valOff), list, kind, entryShape))
			var skipped json.RawMessage
			if err := dec.Decode(&skipped); err != nil {
				return fmt.Errorf("%s: %w", f.pos(valOff), err)
			}
			continue
		}
		if _, err := dec.Token(); err != nil { // [
			return fmt.Errorf("%s: %w", f.pos(valOff), err)
		}
		for i := 0; dec.More(); i++ {
			off := skip(f.data, dec.InputOffset())
			f.entries = append(f.entries, off)
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return fmt.Errorf("%s: %w", f.pos(off), err)
			}
			if kind := kindOf(f.data, off); kind != "an object" {
				errs = append(errs, fmt.Errorf("%s: %s %d is %s; want an object, %s", f.pos(off), entry, i, kind, entryShape))
				continue
			}
			errs = append(errs, f.checkFields(raw, off, entry, i, fields)...)
		}
		if _, err := dec.Token(); err != nil { // ]
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	if !found && required {
		errs = append(errs, fmt.Errorf("%s: no %q list: %s is %s", f.name, list, what, shape))
	}
	return joinCapped(errs)
}

// checkFields reports the fields of entry i, an object at offset off,
// that are not among fields.
func (f *jsonFile) checkFields(raw json.RawMessage, off int64, entry string, i int, fields []string) []error {
	var errs []error
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil // checked by the caller
	}
	for dec.More() {
		keyOff := off + skip(raw, dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		if key, _ := tok.(string); !slices.Contains(fields, key) {
			errs = append(errs, fmt.Errorf("%s: %s %d: unknown field %q; an %s has %s", f.pos(keyOff), entry, i, key, entry, quoteAll(fields)))
		}
		var skipped json.RawMessage
		if err := dec.Decode(&skipped); err != nil {
			return errs
		}
	}
	return errs
}

// jsonFields returns the JSON names of a struct type's fields.
func jsonFields(v any) []string {
	var out []string
	t := reflect.TypeOf(v)
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// quoteAll returns the strings quoted, joined with ", ".
func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// joinCapped joins at most maxErrors errors, with a last line saying how
// many more there are.
func joinCapped(errs []error) error {
	if len(errs) > maxErrors {
		more := len(errs) - maxErrors
		errs = append(errs[:maxErrors:maxErrors], fmt.Errorf("... and %d more", more))
	}
	return errors.Join(errs...)
}

// describe says what is wrong with a value the JSON decoder refused, in
// the file's terms: a field of the wrong type, rather than the Go type it
// was decoded into.
func describe(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := "another type"
		switch te.Type.Kind() {
		case reflect.String:
			want = "a string"
		case reflect.Slice, reflect.Array:
			want = "a list"
		case reflect.Struct, reflect.Map:
			want = "an object"
		case reflect.Bool:
			want = "true or false"
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
			want = "a number"
		}
		// The field's name, without the path of the objects around it,
		// which the position shows.
		field := te.Field[strings.LastIndexByte(te.Field, '.')+1:]
		if field == "" {
			return fmt.Sprintf("a %s where %s belongs", te.Value, want)
		}
		return fmt.Sprintf("%q is a %s; want %s", field, te.Value, want)
	}
	msg := err.Error()
	for _, prefix := range []string{"json: ", "enforce: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return msg
}

// readCatalog reads a scope catalog file (-catalog).
func readCatalog(name string, data []byte) (*scope.Catalog, error) {
	f := &jsonFile{name: name, data: data}
	if err := f.checkShape("a scope catalog", catalogShape, []string{"rules", "scopes"}, "scopes", true,
		"entry", `{"scope": "orders:readonly", "description": "View orders"}`, jsonFields(scope.Entry{})); err != nil {
		return nil, err
	}
	cat, err := scope.ParseCatalogJSON(data)
	if err == nil {
		return cat, nil
	}
	var errs []error
	for _, e := range unjoin(err) {
		var ee *scope.EntryError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(e, &ee) && ee.Index >= 0:
			errs = append(errs, fmt.Errorf("%s: %s", f.entryPos(ee.Index), strings.TrimPrefix(e.Error(), "scope: ")))
		case errors.As(e, &te):
			errs = append(errs, fmt.Errorf("%s: %s", f.pos(te.Offset-1), describe(te)))
		default:
			errs = append(errs, fmt.Errorf("%s: %s", f.name, strings.TrimPrefix(strings.TrimPrefix(e.Error(), "scope: reading catalog JSON: "), "json: ")))
		}
	}
	return nil, joinCapped(errs)
}

// An endpointTable is an endpoint table file as read: its endpoints, the
// routes it lists as refused (an import writes them), and the file, which
// says where each endpoint is, for the errors of the policy.
type endpointTable struct {
	endpoints []enforce.Endpoint
	refused   []string
	file      *jsonFile
}

// readEndpoints reads an endpoint table file (-endpoints).
func readEndpoints(name string, data []byte) (endpointTable, error) {
	f := &jsonFile{name: name, data: data}
	if err := f.checkShape("an endpoint table", endpointsShape, []string{"endpoints", "refused"}, "endpoints", true,
		"endpoint", `{"method": "GET", "path": "/v1/orders", "scopes": [...], "permissions": {...}}`, jsonFields(enforce.Endpoint{})); err != nil {
		return endpointTable{}, err
	}
	eps, report, err := enforce.ReadEndpointsJSON(data, enforce.Strict)
	if err != nil {
		return endpointTable{}, endpointErrors(err, f, "")
	}
	return endpointTable{endpoints: eps, refused: report.Refused(), file: f}, nil
}

// endpointErrors says where in the file each problem with an endpoint is;
// f is nil for the sample table. hint, if set, ends the list.
func endpointErrors(err error, f *jsonFile, hint string) error {
	var errs []error
	for _, e := range unjoin(err) {
		var ee *enforce.EndpointError
		if !errors.As(e, &ee) {
			errs = append(errs, e)
			continue
		}
		where := "the sample endpoint table"
		if f != nil {
			where = f.entryPos(ee.Index)
			var te *json.UnmarshalTypeError
			if errors.As(ee.Err, &te) {
				// The offset counts from the start of the field's value.
				if off, ok := f.fieldOffset(ee.Index, ee.Field); ok {
					where = f.pos(off + te.Offset - 1)
				}
			}
		}
		what := fmt.Sprintf("endpoint %d", ee.Index)
		if r := strings.TrimSpace(ee.Route); r != "" {
			what += " (" + r + ")"
		}
		msg := describe(ee.Err)
		var te *json.UnmarshalTypeError
		if errors.As(ee.Err, &te) && te.Field == "" && ee.Field != "" {
			msg = describe(&json.UnmarshalTypeError{Value: te.Value, Type: te.Type, Field: ee.Field})
		} else if ee.Field != "" && !errors.As(ee.Err, &te) {
			what += ", " + ee.Field
		}
		errs = append(errs, fmt.Errorf("%s: %s: %s", where, what, msg))
	}
	err = joinCapped(errs)
	if hint != "" {
		err = errors.Join(err, errors.New(hint))
	}
	return err
}

// fieldOffset returns where the value of entry i's field starts; field
// may name a place inside it ("permissions.any[3]"), of which the top
// field counts.
func (f *jsonFile) fieldOffset(i int, field string) (int64, bool) {
	if i < 0 || i >= len(f.entries) || field == "" {
		return 0, false
	}
	key := field
	if j := strings.IndexAny(key, ".["); j >= 0 {
		key = key[:j]
	}
	start := f.entries[i]
	dec := json.NewDecoder(bytes.NewReader(f.data[start:]))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0, false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return 0, false
		}
		valOff := start + skip(f.data[start:], dec.InputOffset())
		if k, _ := t.(string); k == key {
			return valOff, true
		}
		var skipped json.RawMessage
		if err := dec.Decode(&skipped); err != nil {
			return 0, false
		}
	}
	return 0, false
}

// unjoin returns the errors joined in err, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// mismatch returns the hint for a catalog and a table that do not fit,
// when one of them is the sample's: every problem is an unknown scope.
func mismatch(err error, catalogFile, endpointsFile string) string {
	errs := unjoin(err)
	for _, e := range errs {
		if !errors.Is(e, scope.ErrUnknown) {
			return ""
		}
	}
	switch {
	case catalogFile != "" && endpointsFile == "":
		return fmt.Sprintf("the sample endpoint table does not fit the catalog of %s: %d of its endpoints name scopes it lacks. "+
			"Is -endpoints missing? Give your endpoint table with -endpoints FILE", catalogFile, len(errs))
	case catalogFile == "" && endpointsFile != "":
		return fmt.Sprintf("the endpoint table of %s does not fit the sample catalog: %d of its endpoints name scopes it lacks. "+
			"Is -catalog missing? Give your scope catalog with -catalog FILE", endpointsFile, len(errs))
	}
	return ""
}

// callOrigin says where a call came from, for errors: "calls.txt:3",
// "argument 2", "profile agent-desktop".
type callOrigin string

// callErrors rewrites the review package's errors about calls in the
// user's terms: where each call came from, instead of its index in the
// list the command built.
func callErrors(err error, origins []callOrigin) error {
	var errs []error
	changed := false
	for _, e := range unjoin(err) {
		var ce *review.CallError
		if !errors.As(e, &ce) || ce.Index >= len(origins) {
			errs = append(errs, e)
			continue
		}
		changed = true
		msg := fmt.Sprintf("%s: call %q: %s", origins[ce.Index], ce.Call, ce.Reason)
		if len(ce.Suggestions) > 0 {
			msg += "; did you mean " + orList(ce.Suggestions) + "?"
		}
		errs = append(errs, errors.New(msg))
	}
	if !changed {
		return err
	}
	return joinCapped(errs)
}

// orList quotes the strings, joined with commas and a last "or".
func orList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

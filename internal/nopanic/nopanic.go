// Package nopanic is test support: it calls every exported method of the
// values it is given, by reflection and with zero arguments, and reports
// each call that panics, naming the type and the method. Every package's
// TestZeroValuesDoNotPanic lists the zero value and the nil pointer of each
// of its exported types, so that a method added later is covered by the
// same test without anyone writing a case for it.
//
// The arguments are zero: context.Background() for a context.Context, nil
// for pointers, interfaces, funcs, maps and slices, the zero value for the
// rest, and no variadic arguments. Only panics are reported: a method that
// returns an error, denies, or returns nothing useful is what a zero value
// should do. A method that returns an iterator (a func taking a yield
// func) has its iterator run too, and a call that does not return within
// [Timeout] is reported as well, since a zero value must not hang either.
//
// A nil pointer is called only through the methods declared on the
// pointer: Go itself panics when a method declared on the value is called
// through a nil pointer, and no code of ours can prevent that.
//
// [CheckPackage] also reads the package's source, in the directory go test
// runs the test in, and fails for each exported type whose zero value or
// nil pointer the test does not list: a type added later is reported until
// it is listed.
package nopanic

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Timeout is how long one call may take before it is reported as hung.
var Timeout = 10 * time.Second

// TB is the part of testing.TB that Check uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// Panic is one call that panicked.
type Panic struct {
	Call  string // the call, as "(*scope.Catalog).Accept"
	Value any    // what it panicked with, or a note that it hung
	Where string // the function that panicked, with its file and line
}

func (p Panic) String() string {
	if p.Where == "" {
		return fmt.Sprintf("%s panics: %v", p.Call, p.Value)
	}
	return fmt.Sprintf("%s panics: %v\n\tat %s", p.Call, p.Value, p.Where)
}

// Check calls every exported method of each value and fails t once for
// each call that panics. A value that is not a pointer is called through
// its value methods and then, as a pointer to a copy of it, through its
// pointer methods too.
func Check(t TB, values ...any) {
	t.Helper()
	Except(nil).Check(t, values...)
}

// CheckPackage is Check for a package's own test, which go test runs in
// the package's directory: besides the calls, it fails t for each exported
// type declared in the package (but interfaces and aliases) whose zero
// value or nil pointer is missing from values, so that a type added later
// is not left out.
func CheckPackage(t TB, values ...any) {
	t.Helper()
	Except(nil).CheckPackage(t, values...)
}

// CheckFuncs calls each function of funcs with zero arguments, then every
// exported method of each value it returns (errors included, so Error is
// called on them), and fails t once for each call that panics. The key
// names the function in the report; a closure with no parameters is how a
// case passes arguments of its own, such as a nil option.
func CheckFuncs(t TB, funcs map[string]any) {
	t.Helper()
	Except(nil).CheckFuncs(t, funcs)
}

// Except lists the calls that panic by their documented contract, such as
// a method that registers a route and panics as http.ServeMux.Handle does
// on a malformed pattern, each named as a [Panic] names it and mapped to
// the reason. Its Check and CheckFuncs report every other panic.
type Except map[string]string

// Check is the package's Check, but for the calls in e. A call in e that
// does not panic on any of the values fails t too, so that the list stays
// true: list the types' zero values and nil pointers here.
func (e Except) Check(t TB, values ...any) {
	t.Helper()
	seen := make(map[string]bool)
	for _, v := range values {
		for _, p := range Methods(v) {
			if _, ok := e[p.Call]; ok {
				seen[p.Call] = true
				continue
			}
			t.Errorf("%s", p)
		}
	}
	for _, call := range slices.Sorted(maps.Keys(e)) {
		if !seen[call] {
			t.Errorf("%s is listed as panicking by contract (%s), but did not panic", call, e[call])
		}
	}
}

// CheckPackage is the package's CheckPackage, but for the calls in e.
func (e Except) CheckPackage(t TB, values ...any) {
	t.Helper()
	for _, msg := range missing(".", values) {
		t.Errorf("%s", msg)
	}
	e.Check(t, values...)
}

// CheckFuncs is the package's CheckFuncs, but for the calls in e.
func (e Except) CheckFuncs(t TB, funcs map[string]any) {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(funcs)) {
		for _, p := range Func(name, funcs[name]) {
			if _, ok := e[p.Call]; !ok {
				t.Errorf("%s", p)
			}
		}
	}
}

// Methods calls every exported method of v as Check does and returns the
// calls that panicked.
func Methods(v any) []Panic {
	if v == nil {
		return []Panic{{Call: "nopanic.Methods(nil)", Value: "no value to call: pass a typed nil pointer"}}
	}
	return methods(reflect.ValueOf(v))
}

// Func calls fn with zero arguments, then every exported method of what it
// returns, and returns the calls that panicked, named after name.
func Func(name string, fn any) []Panic {
	f := reflect.ValueOf(fn)
	if f.Kind() != reflect.Func || f.IsNil() {
		return []Panic{{Call: name, Value: fmt.Sprintf("not a function: %T", fn)}}
	}
	results, p := call(name, f)
	if p != nil {
		return []Panic{*p}
	}
	var out []Panic
	for _, r := range results {
		if r.Kind() == reflect.Interface {
			if r.IsNil() {
				continue
			}
			r = r.Elem()
		}
		out = append(out, methods(r)...)
	}
	return out
}

// missing returns a message for each exported type of the package in dir
// whose zero value or nil pointer values lacks.
func missing(dir string, values []any) []string {
	names, err := exportedTypes(dir)
	if err != nil {
		return []string{fmt.Sprintf("nopanic: listing the package's types: %v", err)}
	}
	listed := make(map[string]bool)
	for _, v := range values {
		if v != nil {
			listed[reflect.TypeOf(v).String()] = true
		}
	}
	var out []string
	for _, name := range names {
		for _, form := range []string{name, "*" + name} {
			if !listed[form] {
				out = append(out, fmt.Sprintf("%s is not listed: add the zero value and the nil pointer of %s", form, name))
			}
		}
	}
	return out
}

// exportedTypes returns the exported types declared in the package in dir,
// but interfaces and aliases, as "pkg.Name", sorted.
func exportedTypes(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var out []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				if _, isInterface := ts.Type.(*ast.InterfaceType); !ts.Name.IsExported() || isInterface || ts.Assign.IsValid() {
					continue
				}
				out = append(out, f.Name.Name+"."+ts.Name.Name)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

func methods(v reflect.Value) []Panic {
	var out []Panic
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		nilPtr := v.IsNil()
		elem := t.Elem()
		for i := range t.NumMethod() {
			m := t.Method(i)
			if nilPtr && declaredOnValue(elem, m.Name) {
				continue
			}
			out = append(out, callMethod(v, m)...)
		}
		return out
	}
	for i := range t.NumMethod() {
		out = append(out, callMethod(v, t.Method(i))...)
	}
	// The pointer methods of the zero value, on a copy of it.
	p := reflect.New(t)
	p.Elem().Set(v)
	pt := p.Type()
	for i := range pt.NumMethod() {
		m := pt.Method(i)
		if declaredOnValue(t, m.Name) {
			continue // called above
		}
		out = append(out, callMethod(p, m)...)
	}
	return out
}

// declaredOnValue reports whether t's own method set has the method, so
// that calling it through a nil *t would panic in Go's wrapper.
func declaredOnValue(t reflect.Type, name string) bool {
	if t.Kind() == reflect.Interface {
		return false
	}
	_, ok := t.MethodByName(name)
	return ok
}

func callMethod(recv reflect.Value, m reflect.Method) []Panic {
	name := methodName(recv.Type(), m.Name)
	results, p := call(name, recv.Method(m.Index))
	if p != nil {
		return []Panic{*p}
	}
	var out []Panic
	for _, r := range results {
		if isIter(r) {
			if p := runIter(name, r); p != nil {
				out = append(out, *p)
			}
		}
	}
	return out
}

func methodName(t reflect.Type, method string) string {
	if t.Kind() == reflect.Pointer {
		return "(" + t.String() + ")." + method
	}
	return t.String() + "." + method
}

var contextType = reflect.TypeFor[context.Context]()

// args returns the zero arguments of a call of ft, without variadic ones.
func args(ft reflect.Type) []reflect.Value {
	n := ft.NumIn()
	if ft.IsVariadic() {
		n--
	}
	in := make([]reflect.Value, n)
	for i := range n {
		if pt := ft.In(i); pt == contextType {
			in[i] = reflect.ValueOf(context.Background())
		} else {
			in[i] = reflect.Zero(pt)
		}
	}
	return in
}

// call calls f with zero arguments, recovering a panic and giving up on a
// call that hangs.
func call(name string, f reflect.Value) ([]reflect.Value, *Panic) {
	return run(name, func() []reflect.Value { return f.Call(args(f.Type())) })
}

func run(name string, fn func() []reflect.Value) ([]reflect.Value, *Panic) {
	type outcome struct {
		results []reflect.Value
		panic   *Panic
	}
	done := make(chan outcome, 1)
	go func() {
		returned := false
		defer func() {
			if returned {
				return
			}
			// A nil panic value arrives as *runtime.PanicNilError; a
			// runtime.Goexit (t.FailNow on another goroutine) as nothing.
			r := recover()
			if r == nil {
				r = "runtime.Goexit"
			}
			done <- outcome{panic: &Panic{Call: name, Value: r, Where: where()}}
		}()
		res := fn()
		returned = true
		done <- outcome{results: res}
	}()
	select {
	case o := <-done:
		return o.results, o.panic
	case <-time.After(Timeout):
		return nil, &Panic{Call: name, Value: fmt.Sprintf("did not return within %v", Timeout)}
	}
}

// where names the function that panicked: the first frame below the
// panic that belongs neither to the runtime, to reflect nor to this
// package.
func where() string {
	pc := make([]uintptr, 64)
	frames := runtime.CallersFrames(pc[:runtime.Callers(3, pc)])
	for {
		f, more := frames.Next()
		fn := f.Function
		if !strings.HasPrefix(fn, "runtime.") && !strings.HasPrefix(fn, "reflect.") &&
			!strings.Contains(fn, "/internal/nopanic.") && fn != "" {
			return fmt.Sprintf("%s (%s:%d)", fn, f.File, f.Line)
		}
		if !more {
			return ""
		}
	}
}

// isIter reports whether v is a non-nil iterator: a func taking one yield
// func that returns a bool, and returning nothing.
func isIter(v reflect.Value) bool {
	t := v.Type()
	if t.Kind() != reflect.Func || v.IsNil() || t.NumIn() != 1 || t.NumOut() != 0 {
		return false
	}
	y := t.In(0)
	return y.Kind() == reflect.Func && y.NumOut() == 1 && y.Out(0).Kind() == reflect.Bool
}

// maxYields bounds how much of an iterator runIter takes.
const maxYields = 1000

func runIter(name string, seq reflect.Value) *Panic {
	yt := seq.Type().In(0)
	n := 0
	yield := reflect.MakeFunc(yt, func([]reflect.Value) []reflect.Value {
		n++
		return []reflect.Value{reflect.ValueOf(n < maxYields)}
	})
	_, p := run(name+" (ranging over its iterator)", func() []reflect.Value {
		return seq.Call([]reflect.Value{yield})
	})
	return p
}

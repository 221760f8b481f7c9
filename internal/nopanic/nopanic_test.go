package nopanic_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/internal/nopanic"
)

// box has methods of every kind the helper must tell apart.
type box struct{ m map[string]int }

var errEmpty = errors.New("box: empty")

// Get refuses on a zero box: an error is not a panic.
func (b *box) Get(string) (int, error) {
	if b == nil || b.m == nil {
		return 0, errEmpty
	}
	return 0, nil
}

// Put panics on a zero box: it writes to a nil map.
func (b *box) Put(k string, v int) { b.m[k] = v }

// Len is declared on the value: Go panics when it is called through a nil
// *box, so the helper skips it there.
func (b box) Len() int { return len(b.m) }

// Ctx panics unless it is given a context.
func (b box) Ctx(ctx context.Context) error { return ctx.Err() }

// Opts panics if it is handed a variadic argument.
func (b box) Opts(first int, rest ...func()) int {
	for _, f := range rest {
		f()
	}
	return first
}

// Keys returns an iterator that panics when it is ranged over.
func (b *box) Keys() iter.Seq[string] {
	return func(yield func(string) bool) {
		for k := range b.m { // nil b panics here, not in Keys
			if !yield(k) {
				return
			}
		}
	}
}

// Wait hangs on a nil channel.
type waiter struct{ c chan struct{} }

func (w waiter) Wait() { <-w.c }

// fn is a named func type: its zero value is nil.
type fn func() error

func (f fn) Call() error { return f() }

type fakeTB struct{ errors []string }

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

// calls returns the names of the panicking calls.
func calls(ps []nopanic.Panic) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Call)
	}
	return out
}

func TestMethodsReportsOnlyPanics(t *testing.T) {
	nopanic.Timeout = 200 * time.Millisecond
	t.Cleanup(func() { nopanic.Timeout = 10 * time.Second })
	for _, tc := range []struct {
		name  string
		value any
		want  []string
	}{
		{"zero value and its pointer methods", box{}, []string{"(*nopanic_test.box).Put"}},
		{"nil pointer skips value methods", (*box)(nil), []string{
			"(*nopanic_test.box).Keys (ranging over its iterator)",
			"(*nopanic_test.box).Put",
		}},
		{"working value", &box{m: map[string]int{"a": 1}}, nil},
		{"nil func type", fn(nil), []string{"nopanic_test.fn.Call"}},
		{"func type", fn(func() error { return errEmpty }), nil},
		{"hang", waiter{}, []string{"nopanic_test.waiter.Wait"}},
		{"untyped nil", nil, []string{"nopanic.Methods(nil)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := calls(nopanic.Methods(tc.value))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("panicking calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPanicNamesWhere(t *testing.T) {
	ps := nopanic.Methods((*box)(nil))
	require.NotEmpty(t, ps)
	for _, p := range ps {
		require.Contains(t, p.Where, "nopanic_test.(*box).", "the panicking method is named: %s", p)
		require.Contains(t, p.Where, "nopanic_test.go:")
		require.Contains(t, p.String(), p.Call+" panics: ")
	}
}

func TestFuncCallsResultsMethods(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   any
		want []string
	}{
		{"result's methods", func() *box { return nil }, []string{
			"(*nopanic_test.box).Keys (ranging over its iterator)",
			"(*nopanic_test.box).Put",
		}},
		{"function itself", func(b *box) int { return len(b.m) }, []string{"panicky"}},
		{"error result's Error", func() (int, error) { return 0, (*badError)(nil) }, []string{"(*nopanic_test.badError).Error"}},
		{"nil results", func() (*box, error) { return &box{m: map[string]int{}}, nil }, nil},
		{"zero arguments", func(ctx context.Context, m map[string]int, s []int, f func(), n int, rest ...func()) error {
			for _, f := range rest {
				f()
			}
			if m != nil || s != nil || f != nil || n != 0 {
				panic("not zero")
			}
			return ctx.Err()
		}, nil},
		{"not a func", 42, []string{"panicky"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := calls(nopanic.Func("panicky", tc.fn))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("panicking calls (-want +got):\n%s", diff)
			}
		})
	}
}

type badError struct{ msg *string }

func (e *badError) Error() string { return *e.msg }

func TestCheckFailsOncePerPanic(t *testing.T) {
	var tb fakeTB
	nopanic.Check(&tb, (*box)(nil), &box{m: map[string]int{}})
	require.Len(t, tb.errors, 2)
	require.True(t, strings.HasPrefix(tb.errors[0], "(*nopanic_test.box).Keys"), tb.errors[0])
	require.True(t, strings.HasPrefix(tb.errors[1], "(*nopanic_test.box).Put"), tb.errors[1])

	tb = fakeTB{}
	nopanic.CheckFuncs(&tb, map[string]any{
		"b": func() {},
		"a": func() { panic("boom") },
		"c": func() { panic("bang") },
	})
	require.Equal(t, []string{"a panics: boom", "c panics: bang"}, trimWhere(tb.errors))
}

func trimWhere(s []string) []string {
	out := make([]string, len(s))
	for i, e := range s {
		out[i], _, _ = strings.Cut(e, "\n")
	}
	return out
}

func TestExceptSkipsOnlyWhatPanics(t *testing.T) {
	except := nopanic.Except{
		"(*nopanic_test.box).Put": "writes to a nil map, as a map does",
		"(*nopanic_test.box).Get": "listed, but returns an error",
	}
	var tb fakeTB
	except.Check(&tb, box{})
	require.Equal(t, []string{
		"(*nopanic_test.box).Get is listed as panicking by contract (listed, but returns an error), but did not panic",
	}, tb.errors)

	tb = fakeTB{}
	except.CheckFuncs(&tb, map[string]any{"newBox": func() *box { return nil }})
	require.Len(t, tb.errors, 1, "only the unlisted panic is reported")
	require.True(t, strings.HasPrefix(tb.errors[0], "(*nopanic_test.box).Keys"), tb.errors[0])
}

// TestCheckPackageFindsUnlistedTypes: CheckPackage reads the package in
// the test's directory, this one, and reports each exported type whose
// zero value or nil pointer is not listed; not the TB interface.
func TestCheckPackageFindsUnlistedTypes(t *testing.T) {
	var tb fakeTB
	nopanic.CheckPackage(&tb, nopanic.Panic{}, (*nopanic.Panic)(nil))
	require.Equal(t, []string{
		"nopanic.Except is not listed: add the zero value and the nil pointer of nopanic.Except",
		"*nopanic.Except is not listed: add the zero value and the nil pointer of nopanic.Except",
	}, tb.errors)
}

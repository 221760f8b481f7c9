package redacttest

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/scopegate/scopegate/internal/redact"
)

const secret = "q7Rk2Qx9Lm4Vw8Zp1Ag7Hn3Ty6Ub5Jc0Xe2Wq7Kd8Pf"

var errRefused = errors.New("refused")

// hidden holds its secret as client.Secret does: as a redact.Text, with
// the methods that print it redacted, and it refuses to marshal.
type hidden struct{ t redact.Text }

func (h hidden) String() string                { return h.t.String() }
func (h hidden) GoString() string              { return h.t.GoString("hidden") }
func (h hidden) Format(f fmt.State, verb rune) { redact.Format(f, verb, h.String(), h.GoString()) }
func (h hidden) LogValue() slog.Value          { return h.t.LogValue() }
func (hidden) MarshalJSON() ([]byte, error)    { return nil, errRefused }

// plain holds its secret as a string, with the same methods: fmt reaches
// the string by reflection through an unexported field.
type plain struct{ s string }

func (p plain) String() string             { return redact.Redacted }
func (plain) MarshalJSON() ([]byte, error) { return nil, errRefused }

// The checker finds each way a secret shows, and nothing where none does.
func TestProblems(t *testing.T) {
	for _, sh := range shapes(hidden{redact.New(secret)}) {
		if p := problems(sh, []string{secret}, errRefused); len(p) > 0 {
			t.Errorf("%s: problems with a hidden secret: %q", sh.name, p)
		}
	}
	found := map[string]bool{}
	for _, sh := range shapes(plain{secret}) {
		found[sh.name] = len(problems(sh, []string{secret}, errRefused)) > 0
	}
	if !found["unexported field"] || !found["pointer in an unexported field"] {
		t.Errorf("a secret in a string field shows through an unexported field: found %v", found)
	}

	// A leak, a missing [redacted] and the wrong marshalling are each a
	// problem.
	for _, tt := range []struct {
		name       string
		sh         shape
		marshalErr error
		want       string
	}{
		{"the text itself", shape{"value", secret}, nil, "%v printed"},
		{"its bytes in hexadecimal", shape{"value", []byte(secret)}, nil, `% x printed`},
		{"no [redacted]", shape{"value", "nothing secret here"}, nil, "without [redacted]"},
		{"marshals where it must refuse", shape{"value", hidden{}}, errors.New("other"), "a secret does not marshal"},
		{"refuses where it must marshal", shape{"value", hidden{redact.New(secret)}}, nil, "want its secrets redacted"},
	} {
		got := strings.Join(problems(tt.sh, []string{secret}, tt.marshalErr), "\n")
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: problems %q; want one with %q", tt.name, got, tt.want)
		}
	}
}

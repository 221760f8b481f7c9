package redact_test

import (
	"testing"

	"github.com/scopegate/scopegate/internal/nopanic"
	"github.com/scopegate/scopegate/internal/redact"
)

// TestZeroValuesDoNotPanic: the zero Text and a nil one, and the
// functions given zero inputs, print empty or redacted; none panics
// (issue 11).
func TestZeroValuesDoNotPanic(t *testing.T) {
	nopanic.CheckPackage(t, redact.Text{}, (*redact.Text)(nil))
	nopanic.CheckFuncs(t, map[string]any{
		"New":    redact.New,
		"Format": redact.Format,
	})
}

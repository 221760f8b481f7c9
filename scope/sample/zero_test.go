package sample_test

import (
	"testing"

	"github.com/scopegate/scopegate/internal/nopanic"
	"github.com/scopegate/scopegate/scope/sample"
)

// TestZeroValuesDoNotPanic: every function, given zero inputs, returns
// its data or nothing; none panics (issue 11). The package has no types.
func TestZeroValuesDoNotPanic(t *testing.T) {
	nopanic.CheckPackage(t)
	nopanic.CheckFuncs(t, map[string]any{
		"Rules":      sample.Rules,
		"Categories": sample.Categories,
		"Category":   sample.Category,
		"Entries":    sample.Entries,
		"Catalog":    sample.Catalog,
	})
}

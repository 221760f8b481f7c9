package sample_test

import (
	"testing"

	"github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/internal/nopanic"
)

// TestZeroValuesDoNotPanic: the zero value and the nil pointer of every
// exported type, and every function, report nothing or their data; none
// panics (issue 11).
func TestZeroValuesDoNotPanic(t *testing.T) {
	nopanic.CheckPackage(t, sample.Profile{}, (*sample.Profile)(nil))
	nopanic.CheckFuncs(t, map[string]any{
		"Endpoints":     sample.Endpoints,
		"EndpointsJSON": sample.EndpointsJSON,
		"Roles":         sample.Roles,
		"Profiles":      sample.Profiles,
	})
}

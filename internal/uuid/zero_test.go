package uuid_test

import (
	"testing"

	"github.com/scopegate/scopegate/internal/nopanic"
	"github.com/scopegate/scopegate/internal/uuid"
)

// TestZeroValuesDoNotPanic: the zero UUID and a nil one, and the
// functions given zero inputs, return an error or a value; none panics
// (issue 11).
func TestZeroValuesDoNotPanic(t *testing.T) {
	nopanic.CheckPackage(t, uuid.UUID{}, (*uuid.UUID)(nil))
	nopanic.CheckFuncs(t, map[string]any{
		"New":   uuid.New,
		"Parse": uuid.Parse,
	})
}

package main

import (
	"context"
	"errors"
	"testing"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/internal/nopanic"
)

// TestZeroValuesDoNotPanic: the directory, the one type of the program
// that others call (as the enforcer's division resolver), returns an
// error when zero or nil; it never panics (issue 11). A nil directory
// cannot tell whether a resource exists, so its error is not
// enforce.ErrNoResource, which would deny with 404 or 403 as if it could.
func TestZeroValuesDoNotPanic(t *testing.T) {
	nopanic.Check(t, directory{}, (*directory)(nil))
	var d *directory
	_, err := d.ResolveDivision(context.Background(), "org", "GET /api/v2/users/{userId}", "userId", "u-agent")
	if err == nil || errors.Is(err, enforce.ErrNoResource) {
		t.Errorf("nil directory: got %v, want an error that is not ErrNoResource", err)
	}
}

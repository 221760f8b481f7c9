package main

import (
	"testing"

	"github.com/scopegate/scopegate/internal/nopanic"
)

// TestZeroValuesDoNotPanic: the division resolver, the one type of the
// program that others call, returns an error when nil; it never panics
// (issue 11).
func TestZeroValuesDoNotPanic(t *testing.T) {
	nopanic.Check(t, userDivisions(nil), (*userDivisions)(nil))
}

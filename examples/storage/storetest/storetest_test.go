package storetest_test

import (
	"testing"

	"github.com/scopegate/scopegate/examples/storage/storetest"
)

// TestMemStores runs the suite against the memory stores of the client,
// grant and permission packages: the reference the SQL stores are held to.
func TestMemStores(t *testing.T) {
	storetest.Run(t, storetest.MemStores)
}

package enforce_test

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
)

// TestSlogHookNilLogger: a nil logger is the default logger, not a panic
// on every request.
func TestSlogHookNilLogger(t *testing.T) {
	var buf bytes.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	f := newFixture(t, enforce.WithHook(enforce.SlogHook(nil)))
	tok := f.token("agent", "users:readonly")
	require.NotPanics(t, func() { f.enforce("GET", "/api/v2/schedules", tok) })
	require.Contains(t, buf.String(), `"route":"GET /api/v2/schedules"`)
	require.NotContains(t, buf.String(), tok.ID.String())
}

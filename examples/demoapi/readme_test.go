package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/internal/excerpt"
)

// The README quotes what the demo prints at start-up, as it prints it
// with -addr's default (localhost:8080), with the client's ID and secret
// written CLIENT_ID:SECRET: the walkthrough, in its "Demo API" section,
// and the OAuth 2 flows, under "Try it" in its section on tokens.
func TestReadmeQuotesWhatTheDemoPrints(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	readme := string(data)
	out := demoOutput(t)
	for _, after := range []string{"\n### Demo API\n", "\n**Try it.** `go run ./examples/demoapi`"} {
		quoted, ok := excerpt.Block(readme, after, "text")
		require.True(t, ok, "README.md quotes the demo's output after %q", after)
		require.NoError(t, excerpt.Match(quoted, out), "README.md, after %q, should quote what go run ./examples/demoapi prints", after)
	}
}

// credentials are the client ID and secret of the printed curl commands.
var credentials = regexp.MustCompile(`-u '[^':]+:[^']+'`)

// demoOutput runs the demo as main does, on -addr's default host, and
// returns what it prints up to the line that says where it listens, on
// port 8080, with CLIENT_ID:SECRET for the client's credentials.
func demoOutput(t *testing.T) string {
	t.Helper()
	runCtx, cancel := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	var (
		wg     sync.WaitGroup
		runErr error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		runErr = run(runCtx, "localhost:0", config{}, pw, io.Discard)
		pw.Close()
	}()
	var out strings.Builder
	sc := bufio.NewScanner(pr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "Listening on ") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	cancel()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	require.NoError(t, runErr)

	text := out.String()
	first, _, _ := strings.Cut(text, "\n")
	base, ok := strings.CutPrefix(first, "scopegate demo API on http://")
	require.True(t, ok, "the first line says where the demo listens: %q", first)
	host, _, err := net.SplitHostPort(base)
	require.NoError(t, err)
	on8080 := net.JoinHostPort(host, "8080")
	text = strings.NewReplacer(base, on8080, url.QueryEscape(base), url.QueryEscape(on8080)).Replace(text)
	return credentials.ReplaceAllString(text, "-u 'CLIENT_ID:SECRET'")
}

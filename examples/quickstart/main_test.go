package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// TestMain lets TestExitStatus run main itself, in a child process.
func TestMain(m *testing.M) {
	if os.Getenv("QUICKSTART_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// The command, as the README runs it: exit status 0, and the output run
// writes.
func TestExitStatus(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "QUICKSTART_RUN_MAIN=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "stderr: %s", stderr.String())
	require.Empty(t, stderr.String())

	var want bytes.Buffer
	require.NoError(t, run(&want))
	require.Equal(t, want.String(), stdout.String())
}

// decision is one row of a printed table.
type decision struct {
	Section  string
	Status   string
	Allowed  string
	Endpoint string
	Code     string
}

var (
	sectionLine = regexp.MustCompile(`^(\d)\. `)
	rowLine     = regexp.MustCompile(`^  (\d{3})     (yes|no) +(\S+ \S+)$`)
	codeLine    = regexp.MustCompile(`^ {19}code    (\S+)$`)
)

func TestOutput(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, run(&buf))
	out := buf.String()

	t.Run("fits 100 columns", func(t *testing.T) {
		for i, line := range strings.Split(out, "\n") {
			require.LessOrEqual(t, len([]rune(line)), 100, "line %d: %s", i+1, line)
		}
	})

	t.Run("the same on every run", func(t *testing.T) {
		var again bytes.Buffer
		require.NoError(t, run(&again))
		require.Equal(t, out, again.String())
	})

	t.Run("the decisions", func(t *testing.T) {
		var got []decision
		section := ""
		lines := strings.Split(out, "\n")
		for i, line := range lines {
			if m := sectionLine.FindStringSubmatch(line); m != nil {
				section = m[1]
			}
			m := rowLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			require.Less(t, i+1, len(lines))
			c := codeLine.FindStringSubmatch(lines[i+1])
			require.NotNil(t, c, "no code under %q", line)
			got = append(got, decision{section, m[1], m[2], m[3], c[1]})
		}
		want := []decision{
			{"6", "200", "yes", "GET /api/v2/users/me", "ALLOWED"},
			{"6", "200", "yes", "GET /api/v2/conversations", "ALLOWED"},
			{"6", "200", "yes", "POST /api/v2/conversations/c1/participants/calls/transfer", "ALLOWED"},
			{"6", "200", "yes", "PATCH /api/v2/users/alice/presence", "ALLOWED"},
			{"6", "403", "no", "GET /api/v2/conversations/c1/recordings", "SCOPE_INSUFFICIENT"},
			{"6", "403", "no", "GET /api/v2/users/sam", "PERMISSIONS_INSUFFICIENT"},
			{"6", "403", "no", "POST /api/v2/users", "SCOPE_AND_PERMISSIONS_INSUFFICIENT"},
			{"6", "404", "no", "GET /api/v2/groups", "ENDPOINT_UNKNOWN"},
			{"7", "200", "yes", "GET /api/v2/users", "ALLOWED"},
			{"7", "403", "no", "GET /api/v2/users/me", "USER_REQUIRED"},
			{"8", "401", "no", "GET /api/v2/conversations", "TOKEN_EXPIRED"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("decisions (-want +got):\n%s", diff)
		}
	})

	t.Run("key lines", func(t *testing.T) {
		for _, line := range []string{
			`  "users :manage"                 scope starts with ':' (is there a stray space before it?); did you`,
			`  "users-manage"                  unknown scope; did you mean "users:manage"?`,
			`  "conversation:view"             unknown scope; did you mean "conversations:readonly"?`,
			`  "users:readonly users:readonly" "users:readonly" listed more than once`,
			`  ""                              empty scope string`,
			`  denied   recordings:view`,
			`  scopes   conversations:call:control conversations:readonly presence:manage users:readonly`,
			`                   reason  the user lacks directory:user:view in division Sales (holds it in Home)`,
			`                   remedy  assign the user a role with directory:user:view in division Sales`,
			`                   reason  the access token expired at 2026-03-03T09:00:00Z`,
			`  client: permission denied: creating a client needs holding the roles given: the actor lacks role`,
			`  "admin" in all divisions`,
			`  the user lacks directory:user:view. To fix: assign the user a role with directory:user:view.`,
		} {
			require.Contains(t, out, line+"\n")
		}
	})

	t.Run("no secret", func(t *testing.T) {
		require.Contains(t, out, "secret [redacted]")
		// Secrets and codes are 43 base64url characters; nothing printed
		// looks like one.
		require.NotRegexp(t, `[A-Za-z0-9_-]{40,}`, out)
	})
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	require.EqualError(t, run(failingWriter{}), "disk full")
}

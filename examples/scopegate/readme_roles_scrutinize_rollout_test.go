package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The README's roles, scrutinize and rollout commands print what the
// README says.
func TestReadmeRolesScrutinyRollout(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	readme := string(data)
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"roles", "-divisions", "home,sales", "GET /api/v2/users/{userId}", "getKnowledgeBases", "POST /api/v2/analytics/conversations/details/query"}, exitOK},
		{[]string{"roles", "-held", "admin@* chatbot@home", "-divisions", "home,sales", "GET /api/v2/users/{userId}", "GET /api/v2/outbound/campaigns"}, exitFindings},
		{[]string{"scrutinize", "-app", "Desk Pro", "-scopes", "users users:readonly oauth:client:manage conversations:readonly"}, exitFindings},
		{[]string{"rollout", "-org", "org-roll", "-records", "examples/scopegate/testdata/rollout-march.jsonl", "-authorized", "examples/scopegate/testdata/authorized.json"}, exitFindings},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string(nil), tt.args...)
		for i, a := range args {
			args[i] = strings.TrimPrefix(a, "examples/scopegate/")
		}
		require.Equal(t, tt.code, run(args, &stdout, &stderr), stderr.String())
		if !strings.Contains(readme, "```text\n"+stdout.String()+"```") {
			t.Errorf("README.md should show the output of scopegate %s:\n%s", strings.Join(tt.args, " "), stdout.String())
		}
	}
}

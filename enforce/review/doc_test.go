package review_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce/review"
	"github.com/scopegate/scopegate/scope"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func date(t testing.TB, s string) review.Date {
	t.Helper()
	d, err := review.ParseDate(s)
	require.NoError(t, err)
	return d
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// The agent desktop of Genesys Cloud's guide, documented as it grew:
// read-only at first, then the agent list, then transfers, with the
// guide's own notes.
func agentDesktopHistory(t *testing.T, ix *review.Index) []review.Doc {
	t.Helper()
	notes := map[scope.Scope]review.Note{
		scope.MustParse("conversations:readonly"):     {UsedFor: "Display conversation history", Rationale: "Need to show past interactions"},
		scope.MustParse("conversations:call:control"): {UsedFor: "Transfer calls between agents", Rationale: "Core feature for agent desktop"},
		scope.MustParse("users:readonly"):             {UsedFor: "List available agents", Rationale: "Show agent list for transfers"},
	}
	steps := []struct {
		updated, reason string
		calls           []string
	}{
		{"2025-11-20", "Read-only access", []string{"GET /api/v2/conversations"}},
		{"2026-01-15", "Show agent list", []string{"GET /api/v2/conversations", "GET /api/v2/users"}},
		{"2026-03-01", "New transfer feature", []string{"GET /api/v2/conversations", "GET /api/v2/users", "POST /api/v2/conversations/{conversationId}/participants/calls/transfer"}},
	}
	var docs []review.Doc
	for i, s := range steps {
		in := review.DocInput{Application: "Agent Desktop", Calls: s.calls, Updated: date(t, s.updated), Reason: s.reason, Notes: map[scope.Scope]review.Note{}}
		if i > 0 {
			in.Previous = &docs[i-1]
		}
		if i == len(steps)-1 {
			in.NextReview = date(t, "2026-09-01")
		}
		sel, err := ix.Minimal(s.calls)
		require.NoError(t, err)
		for sc := range sel.Scopes.All() {
			in.Notes[sc] = notes[sc]
		}
		d, err := ix.Document(in)
		require.NoError(t, err)
		docs = append(docs, d)
	}
	return docs
}

func TestDocumentHistory(t *testing.T) {
	ix := sampleIndex(t)
	docs := agentDesktopHistory(t, ix)
	last := docs[len(docs)-1]
	want := []review.Change{
		{Date: date(t, "2026-03-01"), Added: scopes("conversations:call:control"), Reason: "New transfer feature"},
		{Date: date(t, "2026-01-15"), Added: scopes("users:readonly"), Reason: "Show agent list"},
		{Date: date(t, "2025-11-20"), Initial: true, Added: scopes("conversations:readonly"), Reason: "Read-only access"},
	}
	if diff := cmp.Diff(want, last.Changes, scopeText, cmp.Comparer(func(a, b review.Date) bool { return a == b })); diff != "" {
		t.Errorf("change log (-want +got):\n%s", diff)
	}
	require.Equal(t, "2026-02-20", docs[0].NextReview.String(), "three months after the update by default")
	require.Equal(t, "conversations:call:control conversations:readonly users:readonly", last.Set().String())
	golden(t, "agent-desktop.md", last.Markdown())

	out, err := json.MarshalIndent(last, "", "  ")
	require.NoError(t, err)
	golden(t, "agent-desktop.json", string(out)+"\n")
	back, err := review.ParseDocJSON(out)
	require.NoError(t, err)
	if diff := cmp.Diff(last, back, scopeText, cmp.Comparer(func(a, b review.Date) bool { return a == b })); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}

	t.Run("a version read back from JSON continues the log", func(t *testing.T) {
		d, err := ix.Document(review.DocInput{Application: "Agent Desktop", Updated: date(t, "2026-09-01"), Previous: &back,
			Calls:  []string{"GET /api/v2/conversations", "GET /api/v2/users", "POST /api/v2/conversations/{conversationId}/participants/calls/transfer"},
			Reason: "", Notes: map[scope.Scope]review.Note{}})
		require.NoError(t, err)
		require.Len(t, d.Changes, 3, "no change, no entry")
		require.Equal(t, "2026-12-01", d.NextReview.String())

		d, err = ix.Document(review.DocInput{Application: "Agent Desktop", Updated: date(t, "2026-09-01"), Previous: &back,
			Calls:  []string{"GET /api/v2/conversations", "POST /api/v2/conversations/{conversationId}/participants/calls/transfer"},
			Reason: "The agent list moved to the directory app"})
		require.NoError(t, err)
		require.Len(t, d.Changes, 4)
		require.Equal(t, review.Change{Date: date(t, "2026-09-01"), Removed: scopes("users:readonly"), Reason: "The agent list moved to the directory app"}, d.Changes[0])
	})
}

// Documenting the scopes an app holds, rather than the minimal ones: a
// scope no call needs and one broader than needed say so.
func TestDocumentHeldScopes(t *testing.T) {
	ix := sampleIndex(t)
	d, err := ix.Document(review.DocInput{
		Application: "Agent Desktop",
		Calls:       agentDesktopCalls,
		Scopes:      scope.MustParseSet("conversations:readonly conversations:call:control users:manage presence:manage recordings:view"),
		Updated:     date(t, "2026-03-01"),
	})
	require.NoError(t, err)
	golden(t, "agent-desktop-held.md", d.Markdown())
	byScope := map[string]review.ScopeDoc{}
	for _, s := range d.Scopes {
		byScope[s.Scope.String()] = s
	}
	require.Equal(t, "no call needs it: remove it at the next review", byScope["recordings:view"].Rationale)
	require.Empty(t, byScope["recordings:view"].Endpoints)
	require.Contains(t, byScope["users:manage"].Rationale, "to review: broader than needed")
	require.Equal(t, []string{"GET /api/v2/users/me"}, byScope["users:manage"].Endpoints)
	require.Equal(t, "View conversations", byScope["conversations:readonly"].UsedFor, "the catalog's description by default")
	require.Equal(t, "the only scope GET /api/v2/conversations accepts; read-only: unlocks 3 endpoints, none that writes", byScope["conversations:readonly"].Rationale)
}

func TestDocumentProfiles(t *testing.T) {
	ix := sampleIndex(t)
	wfm := profile(t, "WFM Application")
	d, err := ix.Document(review.DocInput{Application: wfm.Name, Calls: wfm.Calls, Scopes: wfm.Scopes, Updated: date(t, "2026-03-01"), NextReview: date(t, "2026-06-01")})
	require.NoError(t, err)
	golden(t, "wfm.md", d.Markdown())
}

func TestDocumentErrors(t *testing.T) {
	ix := sampleIndex(t)
	prev, err := ix.Document(review.DocInput{Application: "Agent Desktop", Calls: []string{"getConversations"}, Updated: date(t, "2026-01-15")})
	require.NoError(t, err)
	ok := func() review.DocInput {
		return review.DocInput{Application: "Agent Desktop", Calls: []string{"getConversations"}, Updated: date(t, "2026-03-01")}
	}
	tests := []struct {
		name   string
		change func(*review.DocInput)
		err    error
	}{
		{"no name", func(in *review.DocInput) { in.Application = "" }, review.ErrInvalid},
		{"name on two lines", func(in *review.DocInput) { in.Application = "Agent\nDesktop" }, review.ErrInvalid},
		{"no date", func(in *review.DocInput) { in.Updated = review.Date{} }, review.ErrInvalid},
		{"review before the update", func(in *review.DocInput) { in.NextReview = date(t, "2026-02-01") }, review.ErrInvalid},
		{"no calls", func(in *review.DocInput) { in.Calls = nil }, review.ErrNoCalls},
		{"unknown call", func(in *review.DocInput) { in.Calls = []string{"getConversationz"} }, review.ErrUnknownCall},
		{"unknown scope", func(in *review.DocInput) { in.Scopes = scope.MustParseSet("conversation:view") }, scope.ErrUnknown},
		{"scopes that do not cover the calls", func(in *review.DocInput) { in.Scopes = scope.MustParseSet("users:readonly") }, review.ErrNotCovered},
		{"note for an undocumented scope", func(in *review.DocInput) {
			in.Notes = map[scope.Scope]review.Note{scope.MustParse("users:readonly"): {UsedFor: "List agents"}}
		}, review.ErrInvalid},
		{"note with a control character", func(in *review.DocInput) {
			in.Notes = map[scope.Scope]review.Note{scope.MustParse("conversations:readonly"): {Rationale: "a\tb"}}
		}, review.ErrInvalid},
		{"change without a reason", func(in *review.DocInput) {
			in.Previous, in.Calls = &prev, []string{"getConversations", "getUsers"}
		}, review.ErrInvalid},
		{"reason without a change", func(in *review.DocInput) { in.Previous, in.Reason = &prev, "Nothing really" }, review.ErrInvalid},
		{"previous of another app", func(in *review.DocInput) { in.Previous, in.Application = &prev, "Admin Dashboard" }, review.ErrInvalid},
		{"previous of a later day", func(in *review.DocInput) { in.Previous, in.Updated = &prev, date(t, "2026-01-01") }, review.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok()
			tt.change(&in)
			_, err := ix.Document(in)
			require.ErrorIs(t, err, tt.err)
			require.Contains(t, err.Error(), "review: ")
		})
	}
	t.Run("the unchanged input is fine", func(t *testing.T) {
		_, err := ix.Document(ok())
		require.NoError(t, err)
	})
	t.Run("a change without a reason says what changed", func(t *testing.T) {
		in := ok()
		in.Previous, in.Calls = &prev, []string{"getConversations", "getUsers"}
		_, err := ix.Document(in)
		var ce *review.ChangeError
		require.ErrorAs(t, err, &ce)
		require.Equal(t, prev.Updated, ce.Since)
		require.Equal(t, "users:readonly", ce.Added.String())
		require.True(t, ce.Removed.IsEmpty())
		require.EqualError(t, err, `review: invalid input: the scopes changed since `+prev.Updated.String()+` (added "users:readonly", removed ""): say why in Reason`)
	})
}

func TestParseDocJSONErrors(t *testing.T) {
	tests := []struct{ name, json string }{
		{"not JSON", `{`},
		{"unknown field", `{"application":"A","updated":"2026-03-01","next_review":"2026-06-01","owner":"me"}`},
		{"trailing data", `{"application":"A","updated":"2026-03-01","next_review":"2026-06-01"} {}`},
		{"no name", `{"updated":"2026-03-01","next_review":"2026-06-01"}`},
		{"no dates", `{"application":"A"}`},
		{"bad date", `{"application":"A","updated":"2026-3-1","next_review":"2026-06-01"}`},
		{"bad scope", `{"application":"A","updated":"2026-03-01","next_review":"2026-06-01","scopes":[{"scope":"users :manage"}]}`},
		{"scope twice", `{"application":"A","updated":"2026-03-01","next_review":"2026-06-01","scopes":[{"scope":"users"},{"scope":"users"}]}`},
		{"change without reason", `{"application":"A","updated":"2026-03-01","next_review":"2026-06-01","changes":[{"date":"2026-03-01"}]}`},
		{"change that changes nothing", `{"application":"A","updated":"2026-03-01","next_review":"2026-06-01","changes":[{"date":"2026-03-01","reason":"r"}]}`},
		{"mapping with a bad method", `{"application":"A","updated":"2026-03-01","next_review":"2026-06-01","mapping":[{"method":"0","path":"/x","scope":"users"}]}`},
		{"mapping without scope", `{"application":"A","updated":"2026-03-01","next_review":"2026-06-01","mapping":[{"method":"GET","path":"/x"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := review.ParseDocJSON([]byte(tt.json))
			require.ErrorIs(t, err, review.ErrInvalid)
		})
	}
}

func TestDate(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		want string
	}{
		{"2026-03-01", true, "2026-03-01"},
		{"2024-02-29", true, "2024-02-29"},
		{"2026-02-29", false, ""},
		{"2026-3-1", false, ""},
		{"2026-03-01T00:00:00Z", false, ""},
		{"", false, ""},
		{" 2026-03-01", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := review.ParseDate(tt.in)
			if !tt.ok {
				require.ErrorIs(t, err, review.ErrInvalid)
				require.True(t, d.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, d.String())
			text, err := d.MarshalText()
			require.NoError(t, err)
			var back review.Date
			require.NoError(t, back.UnmarshalText(text))
			require.Equal(t, d, back)
		})
	}
	_, err := review.Date{}.MarshalText()
	require.ErrorIs(t, err, review.ErrInvalid)
	require.Equal(t, "", review.Date{}.String())
	late := time.Date(2026, 3, 1, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600))
	require.Equal(t, "2026-03-01", review.DateOf(late).String(), "the day in the time's own location")
	require.Equal(t, -1, date(t, "2026-01-31").Compare(date(t, "2026-02-01")))
	require.Equal(t, 1, date(t, "2027-01-01").Compare(date(t, "2026-12-31")))
	require.Equal(t, 0, date(t, "2026-03-01").Compare(review.DateOf(late)))
}

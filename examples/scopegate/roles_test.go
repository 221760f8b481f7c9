package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce/review"
	"github.com/scopegate/scopegate/permission"
)

const jobClient = "6f1c2a9e-3b4d-4c5e-8f70-112233445566"

func TestRoles(t *testing.T) {
	checkRun(t, []runCase{
		{name: "roles: the API automation profile", args: []string{"roles", "-profile", "api-automation", "-divisions", "home"}, code: exitOK,
			stdout: "automation in home\n\n" +
				"ROLES       ENDPOINT                        REQUIRES\n" +
				"automation  GET /api/v2/users               all of directory:user:view\n" +
				"automation  GET /api/v2/outbound/campaigns  all of outbound:campaign:view\n"},
		{name: "roles: division-aware calls, three roles", args: []string{"roles", "-divisions", "home,sales",
			"GET /api/v2/users/{userId}", "getKnowledgeBases", "POST /api/v2/analytics/conversations/details/query"}, code: exitOK,
			has: []string{"analyst in home\nautomation in home, sales\nchatbot in home\n", "automation  GET /api/v2/users/{userId}                          all of directory:user:view, in each division\n"}},
		{name: "roles: all divisions", args: []string{"roles", "-all-divisions", "GET /api/v2/users/{userId}"}, code: exitOK,
			has: []string{"automation in all divisions\n"}},
		{name: "roles: no permission needed", args: []string{"roles", "getUsersMe"}, code: exitOK,
			has: []string{"-      GET /api/v2/users/me  none\n"}},
		{name: "roles: the org's own roles", args: []string{"roles", "-roles", "testdata/roles.json", "-divisions", "home", "POST /api/v2/users", "GET /api/v2/outbound/campaigns"}, code: exitOK,
			has: []string{"directory-admin in home\nreader in home\n"}},
		{name: "roles: too much held", args: []string{"roles", "-held", "admin@* chatbot@home", "-divisions", "home,sales", "GET /api/v2/users/{userId}", "GET /api/v2/outbound/campaigns"}, code: exitFindings,
			has: []string{
				"held         admin in all divisions; chatbot in home\n",
				"recommended  automation in home, sales\n",
				"remove       admin, chatbot\n",
				"add          automation in home, sales\n",
				"unneeded     chatbot: no call needs it",
				"broader      admin: broader than needed: GET /api/v2/users/{userId}, GET /api/v2/outbound/campaigns need only automation in home and sales.",
			}},
		{name: "roles: all divisions where two suffice", args: []string{"roles", "-held", "automation@*", "-divisions", "home,sales", "GET /api/v2/users/{userId}"}, code: exitFindings,
			has: []string{"narrow       automation in home, sales\n", "divisions    automation: held in all divisions; its calls need it in home and sales only\n"}},
		{name: "roles: just right", args: []string{"roles", "-held", "automation@home", "-profile", "api-automation", "-divisions", "home"}, code: exitOK,
			has: []string{"findings     none: the client holds what its calls need, and no more\n"}},
		{name: "roles: a quarter's records", args: []string{"roles", "-held", "automation@* analyst@home,sales chatbot@home", "-records", "testdata/job-q1.jsonl"}, code: exitFindings,
			stdout: "usage    client " + jobClient + ", 2026-01-05 to 2026-03-09: 6 records\n" +
				"used     analyst: 1 call (1 org-wide call), last 2026-03-02: POST /api/v2/analytics/conversations/details/query\n" +
				"used     automation: 4 calls (in home, sales; 2 org-wide calls), last 2026-02-02: GET /api/v2/outbound/campaigns, GET /api/v2/users, GET /api/v2/users/{userId}\n" +
				"unused   chatbot: no call used it in the period: remove it\n" +
				"narrow   automation: the calls of the period used it only in home, sales\n" +
				"narrow   analyst: the calls of the period used it only in home\n" +
				"refused  POST /api/v2/users in sales: 1 time, last 2026-03-09: grant admin in sales\n"},
		{name: "roles: records of roles removed since", args: []string{"roles", "-held", "chatbot@home", "-records", "testdata/job-q1.jsonl", "-from", "2026-01-05", "-to", "2026-01-05"}, code: exitFindings,
			has: []string{"unserved  GET /api/v2/users/{userId} in home: 1 call, last 2026-01-05: no held role serves it now: grant automation in home\n"}},
		{name: "roles: calls and records", args: []string{"roles", "-held", "automation@home,sales analyst@home", "-records", "testdata/job-q1.jsonl", "-client", jobClient,
			"-divisions", "home,sales", "GET /api/v2/users/{userId}", "POST /api/v2/analytics/conversations/details/query", "GET /api/v2/outbound/campaigns", "GET /api/v2/users"}, code: exitFindings,
			has: []string{"findings     none", "\nusage    client " + jobClient, "refused  POST /api/v2/users in sales"}},
		{name: "roles: no divisions for a division-aware call", args: []string{"roles", "GET /api/v2/users/{userId}"}, code: exitUsage,
			errHas: []string{"GET /api/v2/users/{userId} checks its permission in the resource's division: name the divisions the app acts in, or all divisions"}},
		{name: "roles: no role holds it", args: []string{"roles", "-roles", "testdata/roles.json", "getKnowledgeBases"}, code: exitUsage,
			errHas: []string{"no role holds knowledge:knowledgebase:view, which GET /api/v2/knowledge/knowledgebases needs"}},
		{name: "roles: an unknown held role", args: []string{"roles", "-held", "janitor@home", "getUsers"}, code: exitUsage,
			errHas: []string{`"janitor" is not one of the org's roles`}},
		{name: "roles: held without divisions", args: []string{"roles", "-held", "automation", "getUsers"}, code: exitUsage,
			errHas: []string{`-held: "automation": want role@division,division or role@* for all divisions`}},
		{name: "roles: records without held roles", args: []string{"roles", "-records", "testdata/job-q1.jsonl"}, code: exitUsage,
			errHas: []string{"-records needs -held"}},
		{name: "roles: nothing to do", args: []string{"roles"}, code: exitUsage, errHas: []string{"nothing to do"}},
		{name: "roles: bad roles file", args: []string{"roles", "-roles", "testdata/notes.json", "getUsers"}, code: exitUsage,
			errHas: []string{"testdata/notes.json: reading roles JSON:"}},
		{name: "roles: unknown call", args: []string{"roles", "getUserMe"}, code: exitUsage, errHas: []string{`no endpoint is named "getUserMe"`}},
	})
}

// roles's two values: what parseRoles reads, and the result computed
// from it, before any text.
func TestRolesResult(t *testing.T) {
	e := &env{name: "roles", stdout: io.Discard, stderr: io.Discard}
	in, err := e.parseRoles([]string{"-held", "automation@* chatbot@home", "-divisions", "home,sales", "-profile", "api-automation", "GET /api/v2/users/{userId}"})
	require.NoError(t, err)
	require.Equal(t, review.RoleQuery{Calls: []string{"GET /api/v2/users", "GET /api/v2/outbound/campaigns", "GET /api/v2/users/{userId}"},
		Divisions: []permission.DivisionID{"home", "sales"}}, in.Query)
	require.Equal(t, []client.RoleAssignment{{Role: "automation", AllDivisions: true}, {Role: "chatbot", Divisions: []permission.DivisionID{"home"}}}, in.Held)
	require.Nil(t, in.Usage)
	res, err := rolesResultOf(in)
	require.NoError(t, err)
	require.Nil(t, res.Minimal)
	require.True(t, res.findings())
	require.Equal(t, []permission.RoleID{"chatbot"}, res.Review.Remove)
	require.Equal(t, []client.RoleAssignment{{Role: "automation", Divisions: []permission.DivisionID{"home", "sales"}}}, res.Review.Narrow)

	e = &env{name: "roles", stdout: io.Discard, stderr: io.Discard}
	in, err = e.parseRoles([]string{"-held", "automation@home,sales", "-records", "testdata/job-q1.jsonl", "-from", "2026-02-01", "-to", "2026-02-28"})
	require.NoError(t, err)
	require.Equal(t, review.RoleUsageQuery{Client: client.MustParseID(jobClient), Held: in.Held,
		From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}, in.Usage.Query)
	res, err = rolesResultOf(in)
	require.NoError(t, err)
	require.Equal(t, 2, res.Usage.Records)
	require.True(t, res.findings())
	// February's calls read a user in Sales and the campaigns, org-wide:
	// automation is needed in Sales only.
	require.Equal(t, []client.RoleAssignment{{Role: "automation", Divisions: []permission.DivisionID{"sales"}}}, res.Usage.Narrow)
}

// A result the sample data never gives: the search limit ran out.
func TestWriteRolesText(t *testing.T) {
	var out strings.Builder
	writeRolesText(&out, rolesResult{Minimal: &review.RoleSelection{Grants: []client.RoleAssignment{{Role: "r"}}}})
	require.Equal(t, "r in the Home division\n(the search limit ran out: these are the best grants found, not proven the smallest)\n\nROLES  ENDPOINT  REQUIRES\n", out.String())
}

func TestParseHeld(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []client.RoleAssignment
		err  string
	}{
		{in: "automation@home,sales admin@*", want: []client.RoleAssignment{{Role: "automation", Divisions: []permission.DivisionID{"home", "sales"}}, {Role: "admin", AllDivisions: true}}},
		{in: "team@example@home", want: []client.RoleAssignment{{Role: "team@example", Divisions: []permission.DivisionID{"home"}}}},
		{in: "  ", err: "no grants"},
		{in: "admin", err: `"admin": want role@division`},
		{in: "@home", err: `"@home": want role@division`},
		{in: "admin@", err: `"admin@": want role@division`},
		{in: "admin@home,,sales", err: "an empty division"},
		{in: "admin@home,*", err: "'*' among divisions"},
		{in: "admin@home admin@sales", err: `role "admin" given twice`},
	} {
		got, err := parseHeld(tt.in)
		if tt.err != "" {
			require.ErrorContains(t, err, tt.err, tt.in)
			continue
		}
		require.NoError(t, err)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseRolesJSON(t *testing.T) {
	roles, err := parseRolesJSON([]byte(`[{"id": "r", "name": "R", "policies": ["directory:user:*"]}]`))
	require.NoError(t, err)
	require.Equal(t, []permission.Role{{ID: "r", Name: "R", Policies: []permission.Permission{permission.MustParse("directory:user:*")}}}, roles)
	for _, bad := range []string{
		`[{"id": "r", "name": "R", "policies": ["directory:user:*"], "extra": 1}]`,
		`[{"id": "r", "policies": []}]`,
		`[{"id": "r", "name": "R", "policies": ["*:user:view"]}]`,
		`[] []`,
		`{}`,
	} {
		_, err := parseRolesJSON([]byte(bad))
		require.Error(t, err, bad)
	}
}

func FuzzParseHeld(f *testing.F) {
	for _, s := range []string{"automation@home,sales admin@*", "a@b@c", "@", "x@,", "x@*,*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		grants, err := parseHeld(s)
		if err != nil {
			return
		}
		for _, g := range grants {
			if g.Role == "" || g.AllDivisions == (len(g.Divisions) > 0) {
				t.Fatalf("%q: a grant without a role, or with both or neither divisions and all: %+v", s, g)
			}
			for _, d := range g.Divisions {
				if d == "" || d == "*" {
					t.Fatalf("%q: division %q", s, d)
				}
			}
		}
	})
}

func FuzzParseRolesJSON(f *testing.F) {
	f.Add([]byte(`[{"id": "r", "name": "R", "policies": ["directory:user:*"]}]`))
	f.Add([]byte(`[{"id": "", "name": "R", "policies": []}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		roles, err := parseRolesJSON(data)
		if err != nil {
			return
		}
		for _, r := range roles {
			if err := r.Validate(); err != nil {
				t.Fatalf("an invalid role accepted: %v", err)
			}
		}
	})
}

package permission_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/permission"
)

func p(s string) permission.Permission { return permission.MustParse(s) }

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name, in, canonical, label string
		domain, entity, action     string
		wildcard, legacy           bool
	}{
		{name: "canonical", in: "directory:user:add", canonical: "directory:user:add", label: "Directory > User > Add", domain: "directory", entity: "user", action: "add"},
		{name: "camelCase", in: "routing:directRoutingBackup:selfDelete", canonical: "routing:directRoutingBackup:selfDelete", label: "Routing > Direct Routing Backup > Self Delete", domain: "routing", entity: "directRoutingBackup", action: "selfDelete"},
		{name: "admin UI form", in: "Directory > User > Add", canonical: "directory:user:add", label: "Directory > User > Add", domain: "directory", entity: "user", action: "add"},
		{name: "admin UI form, multi-word", in: "Routing > Direct Routing Backup > Self Delete", canonical: "routing:directRoutingBackup:selfDelete", label: "Routing > Direct Routing Backup > Self Delete", domain: "routing", entity: "directRoutingBackup", action: "selfDelete"},
		{name: "admin UI form, no spaces", in: "OAuth>Client>Authorize", canonical: "oauth:client:authorize", label: "Oauth > Client > Authorize", domain: "oauth", entity: "client", action: "authorize"},
		{name: "admin UI form, extra spaces", in: "  Directory   >User >  Add ", canonical: "directory:user:add", label: "Directory > User > Add", domain: "directory", entity: "user", action: "add"},
		{name: "wildcard action", in: "directory:user:*", canonical: "directory:user:*", label: "Directory > User > *", domain: "directory", entity: "user", action: "*", wildcard: true},
		{name: "wildcard entity", in: "routing:*:view", canonical: "routing:*:view", label: "Routing > * > View", domain: "routing", entity: "*", action: "view", wildcard: true},
		{name: "wildcard both", in: "routing:*:*", canonical: "routing:*:*", label: "Routing > * > *", domain: "routing", entity: "*", action: "*", wildcard: true},
		{name: "admin UI wildcard", in: "Routing > * > *", canonical: "routing:*:*", label: "Routing > * > *", domain: "routing", entity: "*", action: "*", wildcard: true},
		{name: "digits", in: "analytics:v2Report:view", canonical: "analytics:v2Report:view", label: "Analytics > V2 Report > View", domain: "analytics", entity: "v2Report", action: "view"},
		// Real Genesys names: parts that start with a digit or a capital
		// are kept exactly, case and all.
		{name: "digit first", in: "chat:1on1:view", canonical: "chat:1on1:view", label: "Chat > 1on1 > View", domain: "chat", entity: "1on1", action: "view"},
		{name: "digit first, camelCase", in: "chat:1on1Message:add", canonical: "chat:1on1Message:add", label: "Chat > 1on1 Message > Add", domain: "chat", entity: "1on1Message", action: "add"},
		{name: "capital first", in: "messaging:XIntegration:edit", canonical: "messaging:XIntegration:edit", label: "messaging:XIntegration:edit", domain: "messaging", entity: "XIntegration", action: "edit"},
		{name: "capitals everywhere", in: "Directory:USER:Add", canonical: "Directory:USER:Add", label: "Directory:USER:Add", domain: "Directory", entity: "USER", action: "Add"},
		{name: "admin UI form, digit first", in: "Directory > 2fa > Add", canonical: "directory:2fa:add", label: "Directory > 2fa > Add", domain: "directory", entity: "2fa", action: "add"},
		// Legacy one-word permissions have no parts.
		{name: "legacy", in: "admin", canonical: "admin", label: "admin", legacy: true},
		{name: "legacy with underscores", in: "content_management_user", canonical: "content_management_user", label: "content_management_user", legacy: true},
		{name: "legacy with digits", in: "okta2_admin", canonical: "okta2_admin", label: "okta2_admin", legacy: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := permission.Parse(tt.in)
			require.NoError(t, err)
			require.True(t, got.IsValid())
			require.Equal(t, tt.canonical, got.String())
			require.Equal(t, tt.label, got.Label())
			require.Equal(t, []string{tt.domain, tt.entity, tt.action}, []string{got.Domain(), got.Entity(), got.Action()})
			require.Equal(t, tt.wildcard, got.IsWildcard())
			require.Equal(t, tt.legacy, got.IsLegacy())
			back, err := permission.Parse(got.String())
			require.NoError(t, err)
			require.Equal(t, got, back)
			fromLabel, err := permission.Parse(got.Label())
			require.NoError(t, err)
			require.Equal(t, got, fromLabel, "the label reads back as the same permission")
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, in string
		err      error
		hint     string
		offset   int
	}{
		{name: "empty", in: "", err: permission.ErrEmpty},
		{name: "two parts", in: "directory:user", err: permission.ErrSegments},
		{name: "four parts", in: "directory:user:add:now", err: permission.ErrSegments},
		{name: "doubled colon", in: "directory::user:add", err: permission.ErrSegments, hint: "directory:user:add"},
		{name: "empty action", in: "directory:user:", err: permission.ErrSegments, offset: 15},
		{name: "dots", in: "directory.user.add", err: permission.ErrCharacter, hint: "directory:user:add", offset: 9},
		{name: "slashes", in: "directory/user/add", err: permission.ErrCharacter, hint: "directory:user:add", offset: 9},
		{name: "spaces", in: "directory: user: add", err: permission.ErrCharacter, hint: "directory:user:add", offset: 10},
		{name: "non-ASCII", in: "directory:usér:add", err: permission.ErrCharacter, offset: 12},
		{name: "control", in: "directory:user:add\x00", err: permission.ErrCharacter, offset: 18},
		{name: "wildcard domain", in: "*:user:add", err: permission.ErrWildcard},
		{name: "partial wildcard", in: "directory:us*:add", err: permission.ErrWildcard, offset: 12},
		{name: "too long", in: "a:b:" + strings.Repeat("c", permission.MaxLen), err: permission.ErrTooLong, offset: permission.MaxLen},
		{name: "UI form, two parts", in: "Directory > User", err: permission.ErrSegments},
		{name: "UI form, empty part", in: "Directory > > Add", err: permission.ErrSegments, offset: 11},
		{name: "UI form, punctuation", in: "Directory > User-Admin > Add", err: permission.ErrCharacter, offset: 16},
		{name: "UI form, partial wildcard", in: "Directory > Us*er > Add", err: permission.ErrWildcard, offset: 14},
		{name: "UI form, no-break space", in: "Directory >\u00a0User > Add", err: permission.ErrCharacter, offset: 11},
		{name: "UI form, too long", in: "A > B > " + strings.Repeat("C", permission.MaxLen), err: permission.ErrTooLong, offset: 8},
		{name: "UI form, wildcard domain", in: "* > User > Add", err: permission.ErrWildcard},
		{name: "capitals and a bad separator", in: "Directory.User.Add", err: permission.ErrCharacter, hint: "Directory:User:Add", offset: 9},
		{name: "spaces for colons", in: "directory user add", err: permission.ErrCharacter, hint: "directory:user:add", offset: 9},
		// Prose where a permission should be (a real endpoint's only
		// "permission"): refused, and no suggestion, since joining the
		// words would make a legacy name.
		{name: "prose", in: "They are enforced by the backend", err: permission.ErrCharacter, offset: 4},
		{name: "two words", in: "content management", err: permission.ErrCharacter, offset: 7},
		{name: "legacy, capitalised", in: "Admin", err: permission.ErrCharacter},
		{name: "legacy, capitals inside", in: "content_Management", err: permission.ErrCharacter, offset: 8},
		{name: "legacy, digit first", in: "2fa", err: permission.ErrCharacter},
		{name: "legacy, wildcard", in: "*", err: permission.ErrWildcard},
		{name: "legacy, partial wildcard", in: "adm*", err: permission.ErrWildcard, offset: 3},
		{name: "underscore in a part", in: "directory:user_admin:add", err: permission.ErrCharacter, offset: 14},
		{name: "legacy with a dash", in: "content-management-user", err: permission.ErrCharacter, offset: 7},
		{name: "dash for a colon", in: "directory:user-add", err: permission.ErrCharacter, hint: "directory:user:add", offset: 14},
		{name: "UI form, wildcard domain after spaces", in: "  * > User > Add", err: permission.ErrWildcard, offset: 2},
		{name: "UI form, newline", in: "Directory > User > Add\n", err: permission.ErrCharacter, offset: 22},
		{name: "UI form, tab", in: "Directory >\tUser > Add", err: permission.ErrCharacter, offset: 11},
		{name: "UI form, repeated word", in: "Add > Add > Add-x", err: permission.ErrCharacter, offset: 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := permission.Parse(tt.in)
			require.ErrorIs(t, err, tt.err)
			require.False(t, got.IsValid())
			var pe *permission.ParseError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, tt.in, pe.Input)
			require.Equal(t, tt.hint, pe.Suggestion)
			require.Equal(t, tt.offset, pe.Offset)
			require.Contains(t, err.Error(), "permission: ")
			if tt.hint != "" {
				require.Contains(t, err.Error(), `did you mean "`+tt.hint+`"?`)
			}
		})
	}
	require.Panics(t, func() { permission.MustParse("no:pe") })
}

func TestCovers(t *testing.T) {
	tests := []struct {
		policy, perm string
		want         bool
	}{
		{"directory:user:add", "directory:user:add", true},
		{"directory:user:add", "directory:user:edit", false},
		{"directory:user:*", "directory:user:edit", true},
		{"directory:user:*", "directory:group:edit", false},
		{"directory:*:edit", "directory:group:edit", true},
		{"directory:*:edit", "directory:group:add", false},
		{"routing:*:*", "routing:queue:view", true},
		{"routing:*:*", "routing:queue:*", true},
		{"routing:*:*", "directory:user:add", false},
		{"routing:queue:*", "routing:*:*", false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, p(tt.policy).Covers(p(tt.perm)), "%s covers %s", tt.policy, tt.perm)
	}
	require.False(t, permission.Permission{}.Covers(p("a:b:c")))
	require.False(t, p("a:b:*").Covers(permission.Permission{}))
}

func TestPermissionValue(t *testing.T) {
	var zero permission.Permission
	require.False(t, zero.IsValid())
	require.Equal(t, "", zero.String())
	require.Equal(t, "", zero.Entity())
	require.Equal(t, "", zero.Label())
	_, err := zero.MarshalText()
	require.ErrorIs(t, err, permission.ErrEmpty)

	set := map[permission.Permission]bool{p("directory:user:add"): true}
	require.True(t, set[p("Directory > User > Add")], "comparable: both forms give the same value")

	out, err := json.Marshal([]permission.Permission{p("directory:user:add"), p("routing:*:*")})
	require.NoError(t, err)
	require.JSONEq(t, `["directory:user:add","routing:*:*"]`, string(out))
	var back []permission.Permission
	require.NoError(t, json.Unmarshal(out, &back))
	require.Equal(t, []permission.Permission{p("directory:user:add"), p("routing:*:*")}, back)
	require.ErrorIs(t, json.Unmarshal([]byte(`["Directory:User"]`), &back), permission.ErrSegments)
}

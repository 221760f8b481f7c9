package sample_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

func TestCatalog(t *testing.T) {
	c := sample.Catalog()
	require.Equal(t, len(sample.Entries()), c.Len(), "every entry is in the catalog")
	require.Equal(t, 50, c.Len())
	require.Equal(t, []string{"Conversation Management", "User Management", "Contact Center Configuration",
		"Workforce Management", "Analytics & Reporting", "Integration & External", "Platform Management"}, sample.Categories())

	for e := range c.All() {
		require.NotEmpty(t, sample.Category(e.Scope), "%v has a category", e.Scope)
	}
	require.Equal(t, "", sample.Category(scope.MustParse("nope")))

	// The application profiles of Genesys Cloud's guide use only catalog scopes.
	for name, profile := range map[string]string{
		"agent desktop":       "conversations:readonly conversations:call:control users:readonly presence:manage recordings:view",
		"admin dashboard":     "users:readonly routing:queue:view routing:skill:view scheduling:readonly analytics:conversationDetail",
		"WFM":                 "scheduling:manage forecasting:manage timeoff:manage adherence:manage users:readonly",
		"integration service": "externalcontacts:manage users:readonly conversations:readonly",
		"chatbot":             "conversations:external:contact:add knowledge:readonly",
		"analytics reporter":  "analytics:conversationDetail analytics:aggregate:view quality:evaluation:view speechanalytics:data:view",
		"API automation":      "users:readonly outbound:campaign:view",
	} {
		_, err := c.ParseSet(profile)
		require.NoError(t, err, name)
	}
}

func TestImplications(t *testing.T) {
	c := sample.Catalog()
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"users", "users:readonly", true},
		{"users:manage", "users:readonly", true},
		{"presence:manage", "presence:readonly", true},
		{"routing:queue:manage", "routing:queue:view", true},
		{"timeoff:manage", "timeoff:view", true},
		{"recordings:download", "recordings:view", true},
		{"outbound:campaign:execute", "outbound:campaign:view", true},
		{"conversations:manage", "conversations:readonly", true},
		{"conversations:manage", "conversations:call:add", false},
		{"users:readonly", "users", false},
		{"users", "users:manage", false},
	} {
		require.Equal(t, tt.want, c.Implies(scope.MustParse(tt.a), scope.MustParse(tt.b)), "%s ⇒ %s", tt.a, tt.b)
	}
}

func TestEntriesAreFresh(t *testing.T) {
	e := sample.Entries()
	e[0].Description = "changed"
	require.NotEqual(t, "changed", sample.Entries()[0].Description)
}

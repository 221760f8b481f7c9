package client_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

// valid returns a valid client of grant type g.
func valid(g client.GrantType) client.Client {
	c := client.Client{
		ID:            client.NewID(),
		Org:           org,
		Name:          "App",
		TokenLifetime: client.DefaultTokenLifetime,
		State:         client.Active,
		GrantType:     g,
	}
	switch g {
	case client.ClientCredentials:
		c.Roles = []client.RoleAssignment{{Role: "reporting", Divisions: []permission.DivisionID{"home"}}}
	case client.AuthorizationCode, client.Implicit:
		c.Scopes = scopes("users:readonly")
		c.RedirectURIs = []string{"https://app.example.com/cb"}
	case client.SAML2Bearer:
		c.Scopes = scopes("users:readonly")
	}
	return c
}

// fields returns the fields named by the FieldErrors in err.
func fields(t *testing.T, err error) []string {
	t.Helper()
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok && !isFieldError(err) {
		errs = j.Unwrap()
	} else if err != nil {
		errs = []error{err}
	}
	var out []string
	for _, e := range errs {
		var fe *client.FieldError
		require.ErrorAs(t, e, &fe)
		require.ErrorIs(t, e, client.ErrInvalid)
		out = append(out, fe.Field)
	}
	return out
}

func isFieldError(err error) bool {
	_, ok := err.(*client.FieldError)
	return ok
}

func TestValidateTokenLifetime(t *testing.T) {
	tests := []struct {
		name     string
		lifetime time.Duration
		ok       bool
	}{
		{name: "299 s", lifetime: 299 * time.Second},
		{name: "300 s, the minimum", lifetime: 300 * time.Second, ok: true},
		{name: "86400 s, the default", lifetime: 86400 * time.Second, ok: true},
		{name: "172800 s, the maximum", lifetime: 172800 * time.Second, ok: true},
		{name: "172801 s", lifetime: 172801 * time.Second},
		{name: "zero", lifetime: 0},
		{name: "negative", lifetime: -300 * time.Second},
		{name: "not whole seconds", lifetime: 300*time.Second + 500*time.Millisecond},
	}
	catalog := sample.Catalog()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid(client.AuthorizationCode)
			c.TokenLifetime = tt.lifetime
			err := c.Validate(catalog)
			if tt.ok {
				require.NoError(t, err)
			} else {
				require.Equal(t, []string{"token_lifetime"}, fields(t, err))
			}
		})
	}
}

func TestValidateGrantTypeFields(t *testing.T) {
	catalog := sample.Catalog()
	tests := []struct {
		name   string
		g      client.GrantType
		change func(*client.Client)
		fields []string
	}{
		{name: "client credentials valid", g: client.ClientCredentials},
		{name: "client credentials without roles", g: client.ClientCredentials, change: func(c *client.Client) { c.Roles = nil }, fields: []string{"roles"}},
		{name: "client credentials with scopes", g: client.ClientCredentials, change: func(c *client.Client) { c.Scopes = scopes("users:readonly") }, fields: []string{"scopes"}},
		{name: "client credentials with redirect URIs", g: client.ClientCredentials, change: func(c *client.Client) { c.RedirectURIs = []string{"https://x.example/cb"} }, fields: []string{"redirect_uris"}},
		{name: "client credentials public", g: client.ClientCredentials, change: func(c *client.Client) { c.Public = true }, fields: []string{"public"}},
		{name: "role without divisions", g: client.ClientCredentials, change: func(c *client.Client) { c.Roles[0].Divisions = nil }, fields: []string{"roles[0].divisions"}},
		{name: "role with divisions and all", g: client.ClientCredentials, change: func(c *client.Client) { c.Roles[0].AllDivisions = true }, fields: []string{"roles[0].divisions"}},
		{name: "role twice", g: client.ClientCredentials, change: func(c *client.Client) { c.Roles = append(c.Roles, c.Roles[0]) }, fields: []string{"roles[1].role"}},
		{name: "role without ID", g: client.ClientCredentials, change: func(c *client.Client) { c.Roles[0].Role = "" }, fields: []string{"roles[0].role"}},

		{name: "code valid", g: client.AuthorizationCode},
		{name: "code public", g: client.AuthorizationCode, change: func(c *client.Client) { c.Public = true }},
		{name: "code without scopes", g: client.AuthorizationCode, change: func(c *client.Client) { c.Scopes = scope.Set{} }, fields: []string{"scopes"}},
		{name: "code with unknown scope", g: client.AuthorizationCode, change: func(c *client.Client) { c.Scopes = scopes("conversation:view") }, fields: []string{"scopes"}},
		{name: "code without redirect URI", g: client.AuthorizationCode, change: func(c *client.Client) { c.RedirectURIs = nil }, fields: []string{"redirect_uris"}},
		{name: "code with roles", g: client.AuthorizationCode, change: func(c *client.Client) { c.Roles = valid(client.ClientCredentials).Roles }, fields: []string{"roles"}},
		{name: "code duplicate redirect", g: client.AuthorizationCode, change: func(c *client.Client) { c.RedirectURIs = append(c.RedirectURIs, c.RedirectURIs[0]) }, fields: []string{"redirect_uris[1]"}},

		{name: "implicit valid", g: client.Implicit},
		{name: "implicit public", g: client.Implicit, change: func(c *client.Client) { c.Public = true }, fields: []string{"public"}},
		{name: "implicit without redirect URI", g: client.Implicit, change: func(c *client.Client) { c.RedirectURIs = nil }, fields: []string{"redirect_uris"}},
		{name: "implicit without scopes", g: client.Implicit, change: func(c *client.Client) { c.Scopes = scope.Set{} }, fields: []string{"scopes"}},

		{name: "saml2 valid", g: client.SAML2Bearer},
		{name: "saml2 without scopes", g: client.SAML2Bearer, change: func(c *client.Client) { c.Scopes = scope.Set{} }, fields: []string{"scopes"}},
		{name: "saml2 with redirect URIs", g: client.SAML2Bearer, change: func(c *client.Client) { c.RedirectURIs = []string{"https://x.example/cb"} }, fields: []string{"redirect_uris"}},
		{name: "saml2 with roles", g: client.SAML2Bearer, change: func(c *client.Client) { c.Roles = valid(client.ClientCredentials).Roles }, fields: []string{"roles"}},

		{name: "no name", g: client.SAML2Bearer, change: func(c *client.Client) { c.Name = "  " }, fields: []string{"name"}},
		{name: "long name", g: client.SAML2Bearer, change: func(c *client.Client) { c.Name = strings.Repeat("x", client.MaxNameLen+1) }, fields: []string{"name"}},
		{name: "two-line name", g: client.SAML2Bearer, change: func(c *client.Client) { c.Name = "App\nEvil" }, fields: []string{"name"}},
		{name: "description with control", g: client.SAML2Bearer, change: func(c *client.Client) { c.Description = "a\x00b" }, fields: []string{"description"}},
		{name: "name not UTF-8", g: client.SAML2Bearer, change: func(c *client.Client) { c.Name = "App\xff" }, fields: []string{"name"}},
		{name: "description not UTF-8", g: client.SAML2Bearer, change: func(c *client.Client) { c.Description = "\xc3" }, fields: []string{"description"}},
		{name: "division twice", g: client.ClientCredentials, change: func(c *client.Client) { c.Roles[0].Divisions = []permission.DivisionID{"home", "sales", "home"} }, fields: []string{"roles[0].divisions"}},
		{name: "multi-line description", g: client.SAML2Bearer, change: func(c *client.Client) { c.Description = "line one\nline two" }},
		{name: "zero ID", g: client.SAML2Bearer, change: func(c *client.Client) { c.ID = client.ID{} }, fields: []string{"id"}},
		{name: "no org", g: client.SAML2Bearer, change: func(c *client.Client) { c.Org = "" }, fields: []string{"org"}},
		{name: "zero state", g: client.SAML2Bearer, change: func(c *client.Client) { c.State = 0 }, fields: []string{"state"}},
		{name: "zero grant type", g: client.SAML2Bearer, change: func(c *client.Client) { c.GrantType = 0 }, fields: []string{"grant_type"}},
		{name: "unknown grant type", g: client.SAML2Bearer, change: func(c *client.Client) { c.GrantType = 9 }, fields: []string{"grant_type"}},
		{name: "unknown state", g: client.SAML2Bearer, change: func(c *client.Client) { c.State = 9 }, fields: []string{"state"}},
		{name: "saml2 public", g: client.SAML2Bearer, change: func(c *client.Client) { c.Public = true }, fields: []string{"public"}},
		{name: "empty division ID", g: client.ClientCredentials, change: func(c *client.Client) { c.Roles[0].Divisions = []permission.DivisionID{""} }, fields: []string{"roles[0].divisions"}},
		{name: "all divisions", g: client.ClientCredentials, change: func(c *client.Client) { c.Roles[0].Divisions, c.Roles[0].AllDivisions = nil, true }},
		{name: "no catalog to check scopes", g: client.SAML2Bearer, change: func(c *client.Client) {}, fields: []string{"scopes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid(tt.g)
			if tt.change != nil {
				tt.change(&c)
			}
			cat := catalog
			if tt.name == "no catalog to check scopes" {
				cat = nil
			}
			require.Equal(t, tt.fields, fields(t, c.Validate(cat)))
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := valid(client.AuthorizationCode)
	c.Name = ""
	c.TokenLifetime = 10 * time.Second
	c.Scopes = scopes("users-manage")
	c.RedirectURIs = []string{"http://app.example.com/cb", "https://app.example.com/cb#frag"}
	err := c.Validate(sample.Catalog())
	require.Equal(t, []string{"name", "token_lifetime", "scopes", "redirect_uris[0]", "redirect_uris[1]"}, fields(t, err))
	require.ErrorIs(t, err, scope.ErrUnknown, "the scope problem is a *scope.UnknownError underneath")
	var ue *scope.UnknownError
	require.True(t, errors.As(err, &ue))
	require.Equal(t, "users:manage", ue.Suggestions[0].String())
	require.Contains(t, err.Error(), "client: scopes: scope: unknown scope")
}

func TestRedirectURIRules(t *testing.T) {
	tests := []struct {
		uri string
		ok  bool
	}{
		{"https://app.example.com/callback", true},
		{"https://app.example.com:8443/cb?tenant=a", true},
		{"http://localhost/cb", true},
		{"http://localhost:8080/cb", true},
		{"http://127.0.0.1:53111/cb", true},
		{"http://[::1]/cb", true},
		{"http://app.example.com/cb", false},          // http off loopback
		{"https://app.example.com/cb#section", false}, // fragment
		{"https://app.example.com/cb#", false},        // empty fragment
		{"/callback", false},                          // relative
		{"https:///callback", false},                  // no host
		{"https://user:pw@app.example.com/cb", false}, // user info
		{"com.example.app:/callback", false},          // custom scheme
		{"ftp://app.example.com/cb", false},
		{"javascript:alert(1)", false},
		{"https://app.example.com/c b", false},
		{"https://app.example.com/cb\n", false},
		{"http://localhost.evil.com/cb", false},        // a name that starts like localhost
		{"http://127.0.0.1.nip.io/cb", false},          // a name that resolves to 127.0.0.1, from outside
		{"http://localhost@evil.com/cb", false},        // user info: the host is evil.com
		{"http://evil.com@localhost/cb", false},        // user info
		{"http://127.0.0.1:80@evil.com/cb", false},     // user info
		{"http://LOCALHOST:8080/cb", true},             // host names are case-insensitive
		{"http://localhost./cb", false},                // not the name localhost
		{"http://127.0.0.2/cb", true},                  // 127.0.0.0/8 is loopback
		{"http://[::1]:8080/cb", true},                 // IPv6 loopback
		{"http://[0:0:0:0:0:0:0:1]/cb", true},          // the same, written out
		{"http://[::ffff:127.0.0.1]/cb", false},        // IPv4-mapped: not a form a native app listens on
		{"http://[::1%25lo0]/cb", false},               // a zone
		{"http://127.1/cb", false},                     // shorthand IPv4 some resolvers expand
		{"http://2130706433/cb", false},                // 127.0.0.1 as a number
		{"http://0x7f000001/cb", false},                // and in hex
		{"https://:443/cb", false},                     // a port but no host
		{"https://app.example.com:99999/cb", false},    // no such port
		{"https://app.example.com:0/cb", false},        // nor this one
		{"https://app.example.com:8443/cb", true},      // a port
		{"https://app.example.com\\@evil.com/", false}, // a backslash before the @
		{"https://" + strings.Repeat("a", client.MaxRedirectURILen) + ".com/", false},
	}
	catalog := sample.Catalog()
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			c := valid(client.AuthorizationCode)
			c.RedirectURIs = []string{tt.uri}
			err := c.Validate(catalog)
			if tt.ok {
				require.NoError(t, err)
			} else {
				require.Equal(t, []string{"redirect_uris[0]"}, fields(t, err))
			}
		})
	}
}

func TestMatchRedirectURI(t *testing.T) {
	c := valid(client.AuthorizationCode)
	c.RedirectURIs = []string{"https://app.example.com/cb", "http://127.0.0.1/native", "http://[::1]:8000/native?x=1"}
	tests := []struct {
		uri  string
		want bool
	}{
		{"https://app.example.com/cb", true},
		{"https://app.example.com/cb/", false},
		{"https://APP.example.com/cb", false},
		{"https://app.example.com/cb?x=1", false},
		{"https://app.example.com/cb#x", false},
		{"https://app.example.com:443/cb", false},
		{"http://127.0.0.1/native", true},
		{"http://127.0.0.1:51004/native", true}, // RFC 8252 §7.3: any port on a loopback IP
		{"http://127.0.0.1:51004/other", false},
		{"http://127.0.0.1:51004/native#frag", false},
		{"http://127.0.0.2:51004/native", false},
		{"http://127.0.0.1:99999/native", false},
		{"http://127.0.0.1:0/native", false},
		{"http://user@127.0.0.1:51004/native", false},
		{"http://127.0.0.1.nip.io:51004/native", false},
		{"https://127.0.0.1:51004/native", false}, // the exception is for http only
		{"http://localhost:51004/native", false},
		{"http://[::1]:9000/native?x=1", true},
		{"http://[::1]:9000/native?x=2", false},
		{"", false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, c.MatchRedirectURI(tt.uri), tt.uri)
	}
	cc := valid(client.ClientCredentials)
	require.False(t, cc.MatchRedirectURI("https://app.example.com/cb"))
}

func TestGrantTypeRules(t *testing.T) {
	type rules struct{ user, scopes, roles, redirects, consent, secret bool }
	tests := []struct {
		g    client.GrantType
		name string
		want rules
	}{
		{client.ClientCredentials, "client_credentials", rules{roles: true, secret: true}},
		{client.AuthorizationCode, "authorization_code", rules{user: true, scopes: true, redirects: true, consent: true, secret: true}},
		{client.Implicit, "implicit", rules{user: true, scopes: true, redirects: true, consent: true}},
		{client.SAML2Bearer, "urn:ietf:params:oauth:grant-type:saml2-bearer", rules{user: true, scopes: true, secret: true}},
		{0, "GrantType(0)", rules{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rules{tt.g.NeedsUser(), tt.g.UsesScopes(), tt.g.UsesRoles(), tt.g.UsesRedirectURIs(), tt.g.NeedsConsent(), tt.g.CanKeepSecret()}
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.name, tt.g.String())
			if tt.g.IsValid() {
				back, err := client.ParseGrantType(tt.name)
				require.NoError(t, err)
				require.Equal(t, tt.g, back)
			}
		})
	}
	_, err := client.ParseGrantType("password")
	require.ErrorIs(t, err, client.ErrSyntax)
}

func TestState(t *testing.T) {
	require.True(t, client.Active.CanIssue())
	require.True(t, client.Active.TokensWork())
	require.False(t, client.Inactive.CanIssue())
	require.True(t, client.Inactive.TokensWork())
	require.False(t, client.Disabled.CanIssue())
	require.False(t, client.Disabled.TokensWork())
	var zero client.State
	require.False(t, zero.CanIssue())
	require.False(t, zero.TokensWork())
	for _, s := range []client.State{client.Active, client.Inactive, client.Disabled} {
		text, err := s.MarshalText()
		require.NoError(t, err)
		var back client.State
		require.NoError(t, back.UnmarshalText(text))
		require.Equal(t, s, back)
	}
	_, err := zero.MarshalText()
	require.ErrorIs(t, err, client.ErrSyntax)
}

func TestGrants(t *testing.T) {
	c := valid(client.ClientCredentials)
	c.Roles = append(c.Roles, client.RoleAssignment{Role: "admin", AllDivisions: true})
	grants := c.Grants()
	require.Len(t, grants, 2)
	require.Equal(t, permission.Client(c.ID.String()), grants[0].Subject)
	require.Equal(t, permission.RoleID("reporting"), grants[0].Role)
	require.Equal(t, []permission.DivisionID{"home"}, grants[0].Divisions)
	require.True(t, grants[1].AllDivisions)
	grants[0].Divisions[0] = "changed"
	require.Equal(t, permission.DivisionID("home"), c.Roles[0].Divisions[0], "Grants copies")
	require.Nil(t, valid(client.AuthorizationCode).Grants())
}

package openapi_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/openapi"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return data
}

// row is the comparable summary of an imported endpoint.
type row struct {
	Name, Route, Scopes, Permissions, Division string
	UserRequired, ReadOnly                     bool
}

func rows(eps []enforce.Endpoint) []row {
	var out []row
	for _, e := range eps {
		var scopes []string
		for _, s := range e.Scopes {
			scopes = append(scopes, s.String())
		}
		out = append(out, row{e.Name, e.Route(), strings.Join(scopes, " "), e.Permissions.String(), e.Division, e.UserRequired, e.ReadOnly})
	}
	return out
}

// skip is the comparable summary of an operation left out.
type skip struct {
	Operation, Field string
	Err              error
	Bad              bool
}

func skips(ops []*openapi.OperationError) []skip {
	var out []skip
	for _, o := range ops {
		out = append(out, skip{o.Method + " " + o.Path, o.Field, o.Err, openapi.Bad(o.Err)})
	}
	return out
}

// sameSentinel compares errors by the sentinel they wrap.
var sameSentinel = cmp.Comparer(func(a, b error) bool { return errors.Is(a, b) || errors.Is(b, a) })

func TestImportPetstore(t *testing.T) {
	res, err := openapi.Import(read(t, "petstore3.yaml"), openapi.Options{})
	require.NoError(t, err, "the Petstore has no mistake: a strict import succeeds")
	require.Equal(t, "3.0.2", res.Version)
	pets := "write:pets read:pets"
	require.Empty(t, cmp.Diff([]row{
		{Name: "addPet", Route: "POST /pet", Scopes: pets, Permissions: "none"},
		{Name: "updatePet", Route: "PUT /pet", Scopes: pets, Permissions: "none"},
		{Name: "findPetsByStatus", Route: "GET /pet/findByStatus", Scopes: pets, Permissions: "none"},
		{Name: "findPetsByTags", Route: "GET /pet/findByTags", Scopes: pets, Permissions: "none"},
		{Name: "getPetById", Route: "GET /pet/{petId}", Scopes: pets, Permissions: "none"},
		{Name: "updatePetWithForm", Route: "POST /pet/{petId}", Scopes: pets, Permissions: "none"},
		{Name: "deletePet", Route: "DELETE /pet/{petId}", Scopes: pets, Permissions: "none"},
		{Name: "uploadFile", Route: "POST /pet/{petId}/uploadImage", Scopes: pets, Permissions: "none"},
	}, rows(res.Endpoints)))
	require.Equal(t, []scope.Entry{
		{Scope: scope.MustParse("read:pets"), Description: "read your pets"},
		{Scope: scope.MustParse("write:pets"), Description: "modify pets in your account"},
	}, res.Catalog, "the oauth2 scheme's scopes, described")
	require.Empty(t, cmp.Diff([]skip{
		{"GET /store/inventory", "security", openapi.ErrNotOAuth2, false},
		{"POST /store/order", "security", openapi.ErrNoSecurity, false},
		{"GET /store/order/{orderId}", "security", openapi.ErrNoSecurity, false},
		{"DELETE /store/order/{orderId}", "security", openapi.ErrNoSecurity, false},
		{"POST /user", "security", openapi.ErrNoSecurity, false},
		{"POST /user/createWithList", "security", openapi.ErrNoSecurity, false},
		{"GET /user/login", "security", openapi.ErrNoSecurity, false},
		{"GET /user/logout", "security", openapi.ErrNoSecurity, false},
		{"GET /user/{username}", "security", openapi.ErrNoSecurity, false},
		{"PUT /user/{username}", "security", openapi.ErrNoSecurity, false},
		{"DELETE /user/{username}", "security", openapi.ErrNoSecurity, false},
	}, skips(res.Skipped), sameSentinel))
	require.Contains(t, res.Refused, "GET /user/login")
	require.Equal(t, []openapi.Note{{Operation: "GET /pet/{petId} (getPetById)",
		Text: `security scheme "api_key" (apiKey) is not OAuth 2: scopegate does not enforce it`}}, res.Notes)

	// With the base path, the first server's: /v3.
	res, err = openapi.Import(read(t, "petstore3.yaml"), openapi.Options{BasePath: true})
	require.NoError(t, err)
	require.Equal(t, "POST /v3/pet", res.Endpoints[0].Route())
	require.Contains(t, res.Refused, "GET /v3/user/login")
}

func TestImportGenesys(t *testing.T) {
	res, err := openapi.Import(read(t, "genesys2.json"), openapi.Options{Mode: enforce.Lenient})
	require.NoError(t, err)
	require.Equal(t, "2.0", res.Version)
	users, usersRO := "users", "users users:readonly"
	var wfm68 []string
	for _, e := range []string{"agent", "agentSchedule", "businessUnit", "managementUnit", "schedule", "shiftTradeRequest", "timeOffRequest",
		"timeOffPlan", "activityCode", "adherence", "capacityPlan", "forecast", "historicalAdherence", "intraday", "planningGroup",
		"serviceGoalTemplate", "shortTermForecast"} {
		for _, a := range []string{"view", "edit", "add", "delete"} {
			wfm68 = append(wfm68, "wfm:"+e+":"+a)
		}
	}
	require.Empty(t, cmp.Diff([]row{
		{Name: "postAnalyticsConversationsDetailsQuery", Route: "POST /api/v2/analytics/conversations/details/query", Scopes: "analytics analytics:readonly",
			Permissions: "all of analytics:conversationDetail:view", ReadOnly: true},
		{Name: "postAuthorizationDivisionObject", Route: "POST /api/v2/authorization/divisions/{divisionId}/objects/{objectType}", Scopes: "authorization",
			Permissions: "all of authorization:division:edit", Division: "{divisionId}"},
		{Name: "getAuthorizationRoles", Route: "GET /api/v2/authorization/roles", Scopes: "authorization authorization:readonly",
			Permissions: "any of authorization:role:view", Division: enforce.DivisionFromRequest},
		{Name: "getChatsUserMessages", Route: "GET /api/v2/chats/users/{userId}/messages", Scopes: "chat chat:readonly",
			Permissions: "all of chat:1on1Message:view"},
		{Name: "postChatsUserMessages", Route: "POST /api/v2/chats/users/{userId}/messages", Scopes: "chat",
			Permissions: "all of chat:1on1Message:add, chat:1on1:edit"},
		{Name: "getContentmanagementDocument", Route: "GET /api/v2/contentmanagement/documents/{documentId}", Scopes: "content-management content-management:readonly",
			Permissions: "any of content_management_user"},
		{Name: "patchConversationsMessagingIntegrationsX", Route: "PATCH /api/v2/conversations/messaging/integrations/x/{integrationId}", Scopes: "messaging",
			Permissions: "any of messaging:XIntegration:edit"},
		{Name: "getUsersMe", Route: "GET /api/v2/users/me", Scopes: usersRO, Permissions: "none", UserRequired: true},
		{Name: "getUser", Route: "GET /api/v2/users/{userId}", Scopes: usersRO, Permissions: "any of directory:user:view", Division: "{userId}"},
		{Name: "patchUser", Route: "PATCH /api/v2/users/{userId}", Scopes: users,
			Permissions: "any of directory:organization:admin, directory:user:edit, admin, directory:user:setPassword", Division: "{userId}"},
		{Name: "deleteUser", Route: "DELETE /api/v2/users/{userId}", Scopes: users, Permissions: "any of directory:organization:admin, directory:user:delete, admin"},
		{Name: "postUserInvite", Route: "POST /api/v2/users/{userId}/invite", Scopes: users, Permissions: "any of admin, directory:organization:admin, directory:user:add"},
		{Name: "getWorkforcemanagementBusinessunit", Route: "GET /api/v2/workforcemanagement/businessunits/{businessUnitId}",
			Scopes: "workforce-management workforce-management:readonly", Permissions: "any of " + strings.Join(wfm68, ", ")},
		{Name: "getWorkforcemanagementTimeoffrequests", Route: "GET /api/v2/workforcemanagement/timeoffrequests",
			Scopes: "workforce-management workforce-management:readonly", Permissions: "any of wfm:timeOffRequest:view, wfm:agent:view", UserRequired: true},
	}, rows(res.Endpoints)))
	require.Len(t, res.Endpoints[12].Permissions.Permissions(), 68)
	require.Len(t, res.Catalog, 14)

	require.Empty(t, cmp.Diff([]skip{
		{"GET /api/v2/license/toggles/{featureName}", "security", openapi.ErrNoSecurity, false},
		{"GET /api/v2/users/{userId}/externalid", "x-inin-requires-permissions.permissions[0]", permission.ErrCharacter, true},
		{"GET /api/v2/webchat/guest/conversations/{conversationId}/messages", "security", openapi.ErrNotOAuth2, false},
	}, skips(res.Skipped), sameSentinel))
	prose := res.Skipped[1].Error()
	require.Contains(t, prose, `openapi: GET /api/v2/users/{userId}/externalid (getUserExternalid), x-inin-requires-permissions.permissions[0]: permission: parsing "They are enforced by the backend"`)
	require.NotContains(t, strings.ToLower(prose), "none", "never advise opening the endpoint")
	require.Equal(t, []string{
		"GET /api/v2/license/toggles/{featureName}",
		"GET /api/v2/users/{userId}/externalid",
		"GET /api/v2/webchat/guest/conversations/{conversationId}/messages",
	}, res.Refused)

	var notes []string
	for _, n := range res.Notes {
		notes = append(notes, n.String())
	}
	require.Equal(t, []string{
		"GET /api/v2/contentmanagement/documents/{documentId} (getContentmanagementDocument): content_management_user is a legacy one-word permission: only a role policy of the same word grants it",
		"PATCH /api/v2/users/{userId} (patchUser): admin is a legacy one-word permission: only a role policy of the same word grants it",
		"DELETE /api/v2/users/{userId} (deleteUser): admin is a legacy one-word permission: only a role policy of the same word grants it",
		"POST /api/v2/users/{userId}/invite (postUserInvite): admin is a legacy one-word permission: only a role policy of the same word grants it",
		"GET /api/v2/workforcemanagement/timeoffrequests (getWorkforcemanagementTimeoffrequests): wfm:timeOffRequest:view is listed again (first at [0]); it counts once",
	}, notes)

	// Strict: the prose is a mistake, and fails the import.
	_, err = openapi.Import(read(t, "genesys2.json"), openapi.Options{})
	require.ErrorIs(t, err, permission.ErrCharacter)
	var oe *openapi.OperationError
	require.ErrorAs(t, err, &oe)
	require.Equal(t, "getUserExternalid", oe.OperationID)
}

// swagger builds a Swagger 2.0 document of one operation, GET /things/{id},
// with the given operation fields (JSON), under the "PureCloud OAuth"
// scheme of scopes things and things:readonly.
func swagger(op string) []byte {
	return []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"},
	  "securityDefinitions": {"PureCloud OAuth": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://l.example.com/a",
	    "scopes": {"things": "Manage things", "things:readonly": "View things"}},
	    "key": {"type": "apiKey", "name": "k", "in": "header"}},
	  "paths": {"/things/{id}": {"parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
	    "get": {"operationId": "getThing", "responses": {"200": {"description": "ok"}}` + op + `}}}}`)
}

const oauth = `, "security": [{"PureCloud OAuth": ["things:readonly"]}]`

// TestImportOperations: each kind of operation, imported or left out,
// and whether a strict import fails on it.
func TestImportOperations(t *testing.T) {
	tests := []struct {
		name  string
		op    string
		want  *row  // the endpoint, or nil when left out
		err   error // why it is left out
		field string
	}{
		{name: "no permission extension: none required", op: oauth,
			want: &row{Name: "getThing", Route: "GET /things/{id}", Scopes: "things:readonly", Permissions: "none"}},
		{name: "ALL, lower-case type", op: oauth + `, "x-inin-requires-permissions": {"type": "all", "permissions": ["a:b:c", "d:e:f"]}`,
			want: &row{Name: "getThing", Route: "GET /things/{id}", Scopes: "things:readonly", Permissions: "all of a:b:c, d:e:f"}},
		{name: "alternatives: any scope of any oauth2 requirement", op: `, "security": [{"key": []}, {"PureCloud OAuth": ["things"]}, {"PureCloud OAuth": ["things:readonly", "things"]}]`,
			want: &row{Name: "getThing", Route: "GET /things/{id}", Scopes: "things things:readonly", Permissions: "none"}},
		{name: "settings", op: oauth + `, "x-scopegate-endpoint": {"division": "{id}", "user_required": true, "read_only": true}`,
			want: &row{Name: "getThing", Route: "GET /things/{id}", Scopes: "things:readonly", Permissions: "none", Division: "{id}", UserRequired: true, ReadOnly: true}},
		{name: "no security", err: openapi.ErrNoSecurity, field: "security"},
		{name: "empty security", op: `, "security": []`, err: openapi.ErrNoSecurity, field: "security"},
		{name: "api key only", op: `, "security": [{"key": []}]`, err: openapi.ErrNotOAuth2, field: "security"},
		{name: "oauth2 without a scope", op: `, "security": [{"PureCloud OAuth": []}]`, err: openapi.ErrNoScope, field: "security"},
		{name: "unknown scheme", op: `, "security": [{"Other OAuth": ["things"]}]`, err: openapi.ErrUnknownScheme, field: "security"},
		{name: "undeclared scope", op: `, "security": [{"PureCloud OAuth": ["things:manage"]}]`, err: openapi.ErrUndeclaredScope, field: "security"},
		{name: "bad type", op: oauth + `, "x-inin-requires-permissions": {"type": "SOME", "permissions": ["a:b:c"]}`,
			err: openapi.ErrExtension, field: "x-inin-requires-permissions.type"},
		{name: "no type", op: oauth + `, "x-inin-requires-permissions": {"permissions": ["a:b:c"]}`,
			err: openapi.ErrExtension, field: "x-inin-requires-permissions.type"},
		{name: "empty list is not none", op: oauth + `, "x-inin-requires-permissions": {"type": "ANY", "permissions": []}`,
			err: openapi.ErrExtension, field: "x-inin-requires-permissions.permissions"},
		{name: "extension not an object", op: oauth + `, "x-inin-requires-permissions": ["a:b:c"]`,
			err: openapi.ErrExtension, field: "x-inin-requires-permissions"},
		{name: "extension with an unknown key", op: oauth + `, "x-inin-requires-permissions": {"type": "ANY", "permissions": ["a:b:c"], "mode": "x"}`,
			err: openapi.ErrExtension, field: "x-inin-requires-permissions"},
		{name: "a permission that is not a string", op: oauth + `, "x-inin-requires-permissions": {"type": "ANY", "permissions": [7]}`,
			err: openapi.ErrExtension, field: "x-inin-requires-permissions.permissions[0]"},
		{name: "wildcard", op: oauth + `, "x-inin-requires-permissions": {"type": "ANY", "permissions": ["a:b:c", "a:b:*"]}`,
			err: permission.ErrWildcard, field: "x-inin-requires-permissions.permissions"},
		{name: "bad setting", op: oauth + `, "x-scopegate-endpoint": {"user_required": "yes"}`, err: openapi.ErrExtension, field: "x-scopegate-endpoint"},
		{name: "unknown setting", op: oauth + `, "x-scopegate-endpoint": {"divison": "{id}"}`, err: openapi.ErrExtension, field: "x-scopegate-endpoint"},
		{name: "division the table refuses", op: oauth + `, "x-scopegate-endpoint": {"division": "{thingId}"}`, err: enforce.ErrInvalidEndpoint, field: "division"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := openapi.Import(swagger(tt.op), openapi.Options{Mode: enforce.Lenient})
			require.NoError(t, err)
			if tt.want != nil {
				require.Empty(t, cmp.Diff([]row{*tt.want}, rows(res.Endpoints)))
				require.Empty(t, res.Skipped)
				require.Empty(t, res.Refused)
				return
			}
			require.Empty(t, res.Endpoints, "left out whole")
			require.Len(t, res.Skipped, 1)
			require.ErrorIs(t, res.Skipped[0], tt.err)
			require.Equal(t, tt.field, res.Skipped[0].Field)
			require.Equal(t, []string{"GET /things/{id}"}, res.Refused)

			_, strictErr := openapi.Import(swagger(tt.op), openapi.Options{})
			if openapi.Bad(tt.err) {
				require.ErrorIs(t, strictErr, tt.err, "a mistake fails a strict import")
			} else {
				require.NoError(t, strictErr, "nothing to enforce is no mistake")
			}
		})
	}
}

func TestImportDocuments(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
	}{
		{"empty", ``},
		{"not a document", `{"hello": "world"}`},
		{"swagger 1.2", `{"swagger": "1.2", "paths": {}}`},
		{"openapi 4", `{"openapi": "4.0.0", "info": {"title": "t", "version": "1"}, "paths": {}}`},
		{"both versions", `{"swagger": "2.0", "openapi": "3.0.0"}`},
		{"not YAML", "openapi: [3.0\n"},
		{"another file", `{"openapi": "3.0.0", "info": {"title": "t", "version": "1"},
		  "paths": {"/x": {"$ref": "other.yaml#/paths/x"}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := openapi.Import([]byte(tc.doc), openapi.Options{Mode: enforce.Lenient})
			require.ErrorIs(t, err, openapi.ErrDocument)
			require.Nil(t, res)
		})
	}
}

// TestImportYAMLAndJSON: the same document, in either syntax, imports
// alike.
func TestImportYAMLAndJSON(t *testing.T) {
	yamlDoc := `openapi: 3.1.0
info: {title: t, version: "1"}
servers: [{url: "https://api.example.com/{version}", variables: {version: {default: v2}}}]
components:
  securitySchemes:
    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: "https://l.example.com/t", scopes: {"things:readonly": "View things"}}}}
security: [{oauth: ["things:readonly"]}]
paths:
  /things/{id}:
    get:
      operationId: getThing
      x-inin-requires-permissions: {type: ALL, permissions: ["thing:thing:view"]}
      responses: {"200": {description: ok}}
`
	jsonDoc := `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
	  "servers": [{"url": "https://api.example.com/{version}", "variables": {"version": {"default": "v2"}}}],
	  "components": {"securitySchemes": {"oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://l.example.com/t", "scopes": {"things:readonly": "View things"}}}}}},
	  "security": [{"oauth": ["things:readonly"]}],
	  "paths": {"/things/{id}": {"get": {"operationId": "getThing",
	    "x-inin-requires-permissions": {"type": "ALL", "permissions": ["thing:thing:view"]}, "responses": {"200": {"description": "ok"}}}}}}`
	want := []row{{Name: "getThing", Route: "GET /v2/things/{id}", Scopes: "things:readonly", Permissions: "all of thing:thing:view"}}
	for _, doc := range []string{yamlDoc, jsonDoc} {
		res, err := openapi.Import([]byte(doc), openapi.Options{BasePath: true})
		require.NoError(t, err)
		require.Empty(t, cmp.Diff(want, rows(res.Endpoints)), "the document's security applies, and the server's path prefixes")
	}
}

// TestImportDescriptions: a scheme's scope descriptions become catalog
// descriptions: one line, not too long, never empty.
func TestImportDescriptions(t *testing.T) {
	long := strings.Repeat("word ", 60)
	doc := []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"},
	  "securityDefinitions": {"o": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://l.example.com/a",
	    "scopes": {"a": "two\nlines\tand  spaces", "b": "", "c": "` + long + `"}}},
	  "paths": {}}`)
	res, err := openapi.Import(doc, openapi.Options{})
	require.NoError(t, err)
	require.Len(t, res.Catalog, 3)
	require.Equal(t, "two lines and spaces", res.Catalog[0].Description)
	require.Equal(t, "b", res.Catalog[1].Description)
	require.LessOrEqual(t, len(res.Catalog[2].Description), scope.MaxDescription)
	require.True(t, strings.HasSuffix(res.Catalog[2].Description, "word…"))
	require.Len(t, res.Notes, 2, "the empty and the long one are noted")
	_, err = scope.NewCatalog(res.Catalog)
	require.NoError(t, err)
}

// TestZeroValues: the zero and nil values refuse or write nothing; none
// panics.
func TestZeroValues(t *testing.T) {
	var nilResult *openapi.Result
	_, err := nilResult.TableJSON()
	require.Error(t, err)
	_, err = nilResult.CatalogJSON()
	require.Error(t, err)

	table, err := (&openapi.Result{}).TableJSON()
	require.NoError(t, err)
	eps, _, err := enforce.ReadEndpointsJSON(table, enforce.Strict)
	require.NoError(t, err)
	require.Empty(t, eps)
	catalog, err := (&openapi.Result{}).CatalogJSON()
	require.NoError(t, err)
	require.JSONEq(t, `{"scopes": []}`, string(catalog))

	require.Equal(t, "openapi: GET /x", (&openapi.OperationError{Method: "GET", Path: "/x"}).Error())
	require.True(t, openapi.Bad(errors.New("anything else")))
	require.False(t, openapi.Bad(&openapi.OperationError{Err: openapi.ErrNoSecurity}))
}

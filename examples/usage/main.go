// Command usage is the README's Usage section, whole: every value the
// snippet uses is defined, from the scope catalog to the token, with the
// library's in-memory stores where a service plugs in its own. The README
// shows the part between the "README" markers, and a test checks that the
// two agree and that the program prints what the README says.
//
//	go run ./examples/usage
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// README:start

// userDivisions is where each user lives, for endpoints whose division is
// a {userId}: a DivisionResolver, which your service implements over its
// user directory.
type userDivisions map[string]permission.DivisionID

func (u userDivisions) ResolveDivision(_ context.Context, _ client.OrgID, _, _, user string) (permission.DivisionID, error) {
	if div, ok := u[user]; ok {
		return div, nil
	}
	return "", enforce.ErrNoResource
}

func run(out io.Writer) error {
	ctx := context.Background()

	// The scopes your API knows, with their descriptions and implications:
	// your catalog (scope.ParseCatalogJSON reads one), here the sample one.
	catalog := sample.Catalog()

	// The policy is data: the endpoint table compiled against the catalog,
	// at start-up and again whenever either changes (enforcer.Swap installs
	// the new one).
	policy, err := enforce.NewPolicy(enforce.Config{
		Catalog: catalog,
		Endpoints: []enforce.Endpoint{{
			Method:      "GET",
			Path:        "/api/v2/users/{userId}",
			Scopes:      []scope.Scope{scope.MustParse("users"), scope.MustParse("users:readonly")},
			Permissions: permission.MustAllOf(permission.MustParse("directory:user:view")),
			Division:    "{userId}", // the user's division decides
		}},
	})
	if err != nil {
		return err
	}

	// Who may do what: the org's divisions, roles and grants. A
	// permission.MemStore holds them in memory; your service implements
	// permission.Store over its database.
	directory := permission.NewMemStore()
	divisions, err := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true}, permission.Division{ID: "sales", Name: "Sales"})
	if err != nil {
		return err
	}
	if err := directory.PutDivisions("org-1", divisions); err != nil {
		return err
	}
	if err := directory.PutRole("org-1", permission.Role{ID: "agent", Name: "Agent",
		Policies: []permission.Permission{permission.MustParse("directory:user:view")}}); err != nil {
		return err
	}
	if err := directory.AddGrant("org-1", permission.Grant{Subject: permission.User("alice"), Role: "agent", Divisions: []permission.DivisionID{"home"}}); err != nil {
		return err
	}

	// The OAuth clients, whose status decides whether their tokens work
	// (grant.ClientStatuses), and the revoked tokens (grant.Revocations):
	// client.MemStore and grant.MemStore fill those roles in memory.
	clients := client.NewMemStore()
	app := client.Client{ID: client.NewID(), Org: "org-1", Name: "Agent Desktop", State: client.Active, GrantType: client.AuthorizationCode}
	if err := clients.CreateClient(ctx, app); err != nil {
		return err
	}
	revocations := grant.NewMemStore(nil)

	// The sources are what changes from one request to the next, given once.
	enforcer, err := enforce.New(policy, enforce.Sources{
		Access:      permission.NewCache(directory, 0), // users' and clients' roles in their org
		Revocations: revocations,
		Clients:     clients,
		Divisions:   userDivisions{"u-42": "home", "u-7": "sales"},
	}, enforce.WithRealm("api"))
	if err != nil {
		return err
	}

	// On every request: the claims your token verifier found in the bearer
	// token (examples/httpmw does this part, with a TokenVerifier), and the
	// route your router matched.
	token := grant.Token{ID: grant.NewTokenID(), Client: app.ID, Org: "org-1", GrantType: client.AuthorizationCode,
		User: "alice", Scopes: scope.MustParseSet("users:readonly"), IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
	handler := func(w http.ResponseWriter, r *http.Request) {
		d, err := enforcer.Enforce(r.Context(), &enforce.Request{Method: r.Method, Pattern: r.Pattern, Path: r.URL.EscapedPath(), Token: token, Params: r})
		if err != nil {
			log.Print(err) // a store failed: d denies with 503
		}
		if !d.Allowed() {
			w.Header().Set("WWW-Authenticate", d.WWWAuthenticate())
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(d.Status())
			w.Write(d.ErrorBody()) // {"error": {"message": "...", "code": "PERMISSIONS_INSUFFICIENT", "status": 403}}
			return
		}
		fmt.Fprintf(w, "user %s, read with %s", r.PathValue("userId"), d.MatchedScope())
	}
	mux := http.NewServeMux()
	mux.HandleFunc(policy.Endpoints()[0].Route(), handler) // "GET /api/v2/users/{userId}"

	for _, path := range []string{"/api/v2/users/u-42", "/api/v2/users/u-7"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		fmt.Fprintln(out, w.Code, w.Body)
	}
	return nil
}

// README:end

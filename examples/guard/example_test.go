package guard_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel"
	"google.golang.org/grpc"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/examples/chimw"
	"github.com/scopegate/scopegate/examples/echomw"
	"github.com/scopegate/scopegate/examples/ginmw"
	"github.com/scopegate/scopegate/examples/grpcmw"
	"github.com/scopegate/scopegate/examples/guard"
	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/examples/otelhook"
	"github.com/scopegate/scopegate/examples/promhook"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

// One guard, its Prometheus and OpenTelemetry observers, and the chi, gin,
// echo and gRPC adapters over it. The README's section on the adapters
// shows the part between the markers.
func Example() {
	ctx := context.Background()
	// The enforcer over the sample table, an agent who may view users in
	// every division, and an app; JWT access tokens (jwtoken).
	perms := permission.NewMemStore()
	divs, _ := permission.NewDivisions(permission.Division{ID: "home", Name: "Home", Home: true})
	_ = perms.PutDivisions("org-1", divs)
	for _, r := range esample.Roles() {
		_ = perms.PutRole("org-1", r)
	}
	_ = perms.AddGrant("org-1", permission.Grant{Subject: permission.User("agent"), Role: "agent", AllDivisions: true})
	policy, err := enforce.NewPolicy(enforce.Config{Catalog: sample.Catalog(), Endpoints: esample.Endpoints()})
	if err != nil {
		panic(err)
	}
	clients := client.NewMemStore()
	app := client.Client{ID: client.NewID(), Org: "org-1", Name: "Agent Desktop", State: client.Active, GrantType: client.AuthorizationCode}
	_ = clients.CreateClient(ctx, app)
	enforcer, err := enforce.New(policy, enforce.Sources{Access: permission.NewCache(perms, 0), Revocations: grant.NewMemStore(nil), Clients: clients},
		enforce.WithRealm("api"))
	if err != nil {
		panic(err)
	}
	key, err := jwtoken.GenerateKey(jwtoken.ES256)
	if err != nil {
		panic(err)
	}
	keys, err := jwtoken.NewKeySet(key, time.Now)
	if err != nil {
		panic(err)
	}
	encoder, err := jwtoken.NewEncoder(keys, "https://auth.example.com", "https://api.example.com")
	if err != nil {
		panic(err)
	}
	verifier, err := jwtoken.NewVerifier(jwtoken.Config{Issuer: "https://auth.example.com", Audience: []string{"https://api.example.com"}, Keys: keys})
	if err != nil {
		panic(err)
	}
	listUsers := func(w http.ResponseWriter, r *http.Request) {
		d, _ := guard.DecisionFrom(r.Context())
		fmt.Fprintf(w, "users, read with %s", d.MatchedScope())
	}
	gin.SetMode(gin.ReleaseMode)

	// README:start
	reg := prometheus.NewRegistry()
	metrics, err := promhook.New(reg) // scopegate_decisions_total{code, route}, and the latency
	if err != nil {
		panic(err)
	}
	traces, err := otelhook.New(otel.GetMeterProvider()) // the request's span, and metrics
	if err != nil {
		panic(err)
	}
	g := guard.New(enforcer, verifier, guard.WithObserver(metrics), guard.WithObserver(traces))

	r := chi.NewRouter() // chi
	r.Use(chimw.New(g).Handler)
	r.Get("/api/v2/users", listUsers)

	engine := gin.New() // gin
	engine.Use(ginmw.New(g).Handle)

	e := echo.New() // echo
	e.Use(echomw.New(g).Handle)

	ic := grpcmw.New(g) // gRPC: the table lists POST /package.Service/Method
	srv := grpc.NewServer(grpc.ChainUnaryInterceptor(ic.Unary), grpc.ChainStreamInterceptor(ic.Stream))
	// README:end
	_, _, _ = engine, e, srv

	token, err := encoder.Encode(grant.Token{ID: grant.NewTokenID(), Client: app.ID, Org: "org-1", GrantType: client.AuthorizationCode,
		User: "agent", Scopes: scope.MustParseSet("users:readonly"), IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		panic(err)
	}
	for _, path := range []string{"/api/v2/users", "/api/v2/groups"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		fmt.Println(w.Code, w.Body)
	}
	w := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	for _, line := range strings.Split(w.Body.String(), "\n") {
		if strings.HasPrefix(line, "scopegate_decisions_total") {
			fmt.Println(line)
		}
	}
	// Output:
	// 200 users, read with users:readonly
	// 404 {"error":{"message":"no endpoint matches GET \"/api/v2/groups\". To fix: check the method and path against the API reference.","code":"ENDPOINT_UNKNOWN","status":404}}
	// scopegate_decisions_total{code="ALLOWED",route="GET /api/v2/users"} 1
	// scopegate_decisions_total{code="ENDPOINT_UNKNOWN",route="unmatched"} 1
}

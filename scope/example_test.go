package scope_test

import (
	"errors"
	"fmt"

	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

func ExampleParseSet() {
	s, err := scope.ParseSet("users:readonly conversations:readonly")
	if err != nil {
		panic(err)
	}
	fmt.Println(s)

	_, err = scope.ParseSet("users :manage")
	var pe *scope.ParseError
	if errors.As(err, &pe) {
		fmt.Println("offset:", pe.Offset)
		fmt.Println("did you mean:", pe.Suggestion)
	}
	fmt.Println(err)
	// Output:
	// conversations:readonly users:readonly
	// offset: 6
	// did you mean: users:manage
	// scope: parsing "users :manage" at offset 6: scope starts with ':' (is there a stray space before it?); did you mean "users:manage"?
}

func ExampleCatalog_ParseSet() {
	catalog := sample.Catalog()
	for _, requested := range []string{"users-manage", "conversation:view", "Users:Readonly"} {
		_, err := catalog.ParseSet(requested)
		fmt.Println(err)
	}
	// Output:
	// scope: unknown scope "users-manage"; did you mean "users:manage"?
	// scope: unknown scope "conversation:view"; did you mean "conversations:readonly"?
	// scope: unknown scope "Users:Readonly"; did you mean "users:readonly"?
}

func ExampleNewCatalog() {
	catalog, err := scope.NewCatalog([]scope.Entry{
		{Scope: scope.MustParse("users"), Description: "Read and write users"},
		{Scope: scope.MustParse("users:manage"), Description: "Create, update and delete users"},
		{Scope: scope.MustParse("users:readonly"), Description: "Read users"},
	}, scope.ActionImplies("manage", "readonly"), scope.BareImplies("readonly"))
	if err != nil {
		panic(err)
	}
	e, _ := catalog.Lookup(scope.MustParse("users:manage"))
	fmt.Println(e.Scope, "—", e.Description, "— implies", e.Implies)
	reduced, _ := catalog.Reduce(scope.MustParseSet("users users:readonly"))
	fmt.Println(reduced)
	// Output:
	// users:manage — Create, update and delete users — implies [users:readonly]
	// users
}

func ExampleGranted_Satisfies() {
	catalog := sample.Catalog()

	// Once per endpoint: GET /api/v2/users accepts users or users:readonly.
	listUsers, err := catalog.Accept(scope.MustParse("users"), scope.MustParse("users:readonly"))
	if err != nil {
		panic(err)
	}
	// Once per endpoint: POST /api/v2/users needs users or users:manage.
	createUser, err := catalog.Accept(scope.MustParse("users"), scope.MustParse("users:manage"))
	if err != nil {
		panic(err)
	}

	// Once per token.
	token := catalog.Grant(scope.MustParseSet("conversations:readonly users:manage"))

	fmt.Println("GET /api/v2/users:", token.Satisfies(listUsers))
	fmt.Println("POST /api/v2/users:", token.Satisfies(createUser))
	fmt.Println("POST needs one of:", createUser.Scopes())

	readOnly := catalog.Grant(scope.MustParseSet("users:readonly"))
	fmt.Println("read-only token, POST /api/v2/users:", readOnly.Satisfies(createUser))
	// Output:
	// GET /api/v2/users: true
	// POST /api/v2/users: true
	// POST needs one of: users users:manage
	// read-only token, POST /api/v2/users: false
}

func ExampleAccepted_Match() {
	catalog := sample.Catalog()
	transfer, err := catalog.Accept(scope.MustParse("conversations:call:control"))
	if err != nil {
		panic(err)
	}
	agentDesktop := scope.MustParseSet("conversations:readonly conversations:call:control users:readonly presence:manage")
	used, ok := transfer.Match(agentDesktop)
	fmt.Println(ok, used)
	// Output:
	// true conversations:call:control
}

func ExampleParse() {
	s, err := scope.Parse("conversations:call:control")
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Resource(), s.Action(), s.Qualifier())

	_, err = scope.Parse("users::manage")
	fmt.Println(errors.Is(err, scope.ErrColon))
	fmt.Println(err)
	// Output:
	// conversations call control
	// true
	// scope: parsing "users::manage" at offset 6: doubled ':'; did you mean "users:manage"?
}

func ExampleParseCatalogJSON() {
	catalog, err := scope.ParseCatalogJSON([]byte(`{
		"rules": [{"action": "manage", "implies": "readonly"}],
		"scopes": [
			{"scope": "users:manage", "description": "Create, update and delete users"},
			{"scope": "users:readonly", "description": "Read users"},
			{"scope": "recordings:download", "description": "Download recordings", "implies": ["recordings:view"]},
			{"scope": "recordings:view", "description": "View recordings"}
		]
	}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(catalog.Len(), "scopes")
	fmt.Println(catalog.Implies(scope.MustParse("users:manage"), scope.MustParse("users:readonly")))

	_, err = scope.ParseCatalogJSON([]byte(`{"scopes": [
		{"scope": "users:manage", "description": "Manage users", "implies": ["user:readonly"]},
		{"scope": "users:readonly", "description": "Read users"}
	]}`))
	fmt.Println(err)
	// Output:
	// 4 scopes
	// true
	// scope: catalog entry 0 (users:manage): unknown scope "user:readonly"; did you mean "users:readonly"?
}

func ExampleCatalog_Reduce() {
	catalog := sample.Catalog()
	reduced, dropped := catalog.Reduce(scope.MustParseSet("users users:readonly presence:manage presence:readonly"))
	fmt.Println(reduced)
	for _, d := range dropped {
		fmt.Println(d.Scope, "is implied by", d.ImpliedBy)
	}
	// Output:
	// presence:manage users
	// presence:readonly is implied by presence:manage
	// users:readonly is implied by users
}

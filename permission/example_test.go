package permission_test

import (
	"context"
	"fmt"

	"github.com/scopegate/scopegate/permission"
)

func ExampleParse() {
	for _, s := range []string{"directory:user:add", "Routing > Direct Routing Backup > Self Delete", "routing:*:*", "chat:1on1Message:add", "messaging:XIntegration:edit", "admin", "directory.user.add"} {
		p, err := permission.Parse(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s  (%s)\n", p, p.Label())
	}
	// Output:
	// directory:user:add  (Directory > User > Add)
	// routing:directRoutingBackup:selfDelete  (Routing > Direct Routing Backup > Self Delete)
	// routing:*:*  (Routing > * > *)
	// chat:1on1Message:add  (Chat > 1on1 Message > Add)
	// messaging:XIntegration:edit  (messaging:XIntegration:edit)
	// admin  (admin)
	// permission: parsing "directory.user.add" at offset 9: '.' is not a separator; the parts of a permission are separated by ':'; did you mean "directory:user:add"?
}

func ExampleAllOf() {
	req, err := permission.AllOf(permission.MustParse("directory:user:add"), permission.MustParse("directory:user:edit"))
	if err != nil {
		panic(err)
	}
	fmt.Println(req)

	_, err = permission.AnyOf(permission.MustParse("directory:user:*"))
	fmt.Println(err)
	// Output:
	// all of directory:user:add, directory:user:edit
	// permission: wildcard not allowed here: requirements name concrete permissions, not directory:user:*
}

func ExampleAccess_Check() {
	ctx := context.Background()
	org := permission.OrgID("org-1")
	divisions, _ := permission.NewDivisions(
		permission.Division{ID: "home", Name: "Home", Home: true},
		permission.Division{ID: "sales", Name: "Sales"},
		permission.Division{ID: "support", Name: "Support"})
	store := permission.NewMemStore()
	_ = store.PutDivisions(org, divisions)
	_ = store.PutRole(org, permission.Role{ID: "user-editor", Name: "User editor", Policies: []permission.Permission{
		permission.MustParse("directory:user:edit"),
		permission.MustParse("directory:user:view"),
	}})
	alice := permission.User("alice")
	_ = store.AddGrant(org, permission.Grant{Subject: alice, Role: "user-editor", Divisions: []permission.DivisionID{"home"}})

	access, err := permission.Compile(ctx, store, org, alice)
	if err != nil {
		panic(err)
	}
	edit := permission.MustAllOf(permission.MustParse("directory:user:edit"))

	fmt.Println(access.Check(edit, permission.In("home")).Satisfied())

	res := access.Check(edit, permission.In("sales"))
	fmt.Println(res.Satisfied())
	for _, m := range res.Missing() {
		fmt.Printf("you have %s, but not in division sales; you have it in %v\n", m.Permission, m.HeldIn)
	}
	fmt.Println(access.Check(edit, permission.OrgWide()).Satisfied())
	// Output:
	// true
	// false
	// you have directory:user:edit, but not in division sales; you have it in [home]
	// true
}

func ExampleCache() {
	ctx := context.Background()
	org := permission.OrgID("org-1")
	divisions, _ := permission.NewDivisions(
		permission.Division{ID: "home", Name: "Home", Home: true},
		permission.Division{ID: "sales", Name: "Sales"},
		permission.Division{ID: "support", Name: "Support"})
	store := permission.NewMemStore()
	_ = store.PutDivisions(org, divisions)
	_ = store.PutRole(org, permission.Role{ID: "admin", Name: "Admin", Policies: []permission.Permission{permission.MustParse("directory:*:*")}})
	cache := permission.NewCache(store, 0)
	bob := permission.User("bob")
	add := permission.MustAllOf(permission.MustParse("directory:user:add"))

	a, _ := cache.Access(ctx, org, bob)
	fmt.Println(a.Check(add, permission.OrgWide()).Satisfied())

	// MemStore reports every change through its Version, so the cache
	// recompiles on the next call; with your own store, call Invalidate.
	_ = store.AddGrant(org, permission.Grant{Subject: bob, Role: "admin", AllDivisions: true})
	a, _ = cache.Access(ctx, org, bob)
	fmt.Println(a.Check(add, permission.OrgWide()).Satisfied())
	// Output:
	// false
	// true
}

func ExampleEvaluate() {
	ctx := context.Background()
	org := permission.OrgID("org-1")
	divisions, _ := permission.NewDivisions(
		permission.Division{ID: "home", Name: "Home", Home: true},
		permission.Division{ID: "sales", Name: "Sales"},
		permission.Division{ID: "support", Name: "Support"})
	store := permission.NewMemStore()
	_ = store.PutDivisions(org, divisions)
	_ = store.PutRole(org, permission.Role{ID: "queue-admin", Name: "Queue admin", Policies: []permission.Permission{
		permission.MustParse("routing:queue:*"),
	}})
	supervisors := permission.Group("supervisors")
	_ = store.AddGrant(org, permission.Grant{Subject: supervisors, Role: "queue-admin", Divisions: []permission.DivisionID{"sales"}})
	carol := permission.User("carol")
	_ = store.AddMember(org, supervisors, carol)

	edit := permission.MustAnyOf(permission.MustParse("routing:queue:edit"), permission.MustParse("routing:queue:add"))
	for _, where := range []permission.Target{permission.In("sales"), permission.In("support")} {
		res, err := permission.Evaluate(ctx, store, org, carol, edit, where)
		if err != nil {
			panic(err)
		}
		fmt.Println(where, "→", res)
	}
	// Output:
	// in division sales → satisfied
	// in division support → needs any of them in division support, holds none: routing:queue:edit (held only in sales), routing:queue:add (held only in sales)
}

package review_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce/review"
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/permission"
)

// The guide's client-credentials profile, and every profile's role taken
// as a client's, hold nothing their calls do not need.
func TestReviewRolesProfilesAreClean(t *testing.T) {
	rx := sampleRoles(t)
	for _, p := range esample.Profiles() {
		held := []client.RoleAssignment{{Role: p.Role, Divisions: divs("home")}}
		r, err := rx.Review(held, review.RoleQuery{Calls: p.Calls, Divisions: divs("home")})
		require.NoError(t, err, p.Name)
		require.Empty(t, r.Findings, p.Name)
		require.Equal(t, held, r.Recommended, p.Name)
		require.Empty(t, r.Remove)
		require.Empty(t, r.Narrow)
		require.Empty(t, r.Add)
	}
}

func TestReviewRoles(t *testing.T) {
	rx := sampleRoles(t)
	automation := []string{"GET /api/v2/users", "GET /api/v2/outbound/campaigns"}
	tests := []struct {
		name     string
		held     []client.RoleAssignment
		q        review.RoleQuery
		findings []review.RoleFinding
		remove   []permission.RoleID
		narrow   []client.RoleAssignment
		add      []client.RoleAssignment
	}{
		{name: "an admin where a narrow role suffices",
			held: []client.RoleAssignment{{Role: "admin", AllDivisions: true}},
			q:    review.RoleQuery{Calls: automation, Divisions: divs("home")},
			findings: []review.RoleFinding{{Kind: review.KindBroader, Role: "admin", AllDivisions: true,
				Instead: []client.RoleAssignment{{Role: "automation", Divisions: divs("home")}}, Routes: automation,
				Reason: "broader than needed: GET /api/v2/users, GET /api/v2/outbound/campaigns need only automation in home. " +
					"admin unlocks 60 endpoints, 31 of which write; automation unlocks 4 endpoints, none that writes"}},
			remove: []permission.RoleID{"admin"},
			add:    []client.RoleAssignment{{Role: "automation", Divisions: divs("home")}}},
		{name: "all divisions where two suffice",
			held: []client.RoleAssignment{{Role: "automation", AllDivisions: true}},
			q:    review.RoleQuery{Calls: []string{"GET /api/v2/users/{userId}"}, Divisions: divs("home", "sales")},
			findings: []review.RoleFinding{{Kind: review.KindDivisions, Role: "automation", AllDivisions: true,
				Instead: []client.RoleAssignment{{Role: "automation", Divisions: divs("home", "sales")}}, Routes: []string{"GET /api/v2/users/{userId}"},
				Reason: "held in all divisions; its calls need it in home and sales only"}},
			narrow: []client.RoleAssignment{{Role: "automation", Divisions: divs("home", "sales")}}},
		{name: "more divisions than the calls need",
			held: []client.RoleAssignment{{Role: "automation", Divisions: divs("home", "sales", "support")}},
			q:    review.RoleQuery{Calls: []string{"GET /api/v2/users/{userId}"}, Divisions: divs("sales", "home")},
			findings: []review.RoleFinding{{Kind: review.KindDivisions, Role: "automation", Divisions: divs("home", "sales", "support"),
				Instead: []client.RoleAssignment{{Role: "automation", Divisions: divs("home", "sales")}}, Routes: []string{"GET /api/v2/users/{userId}"},
				Reason: "held in home, sales and support; its calls need it in home and sales only"}},
			narrow: []client.RoleAssignment{{Role: "automation", Divisions: divs("home", "sales")}}},
		{name: "a division the calls need and the role lacks",
			held: []client.RoleAssignment{{Role: "automation", Divisions: divs("home")}},
			q:    review.RoleQuery{Calls: []string{"GET /api/v2/users/{userId}"}, Divisions: divs("home", "sales")},
			findings: []review.RoleFinding{{Kind: review.KindMissing, Role: "automation", Divisions: divs("sales"), Routes: []string{"GET /api/v2/users/{userId}"},
				Reason: "GET /api/v2/users/{userId} needs a permission the client's roles do not give it where it acts: the client holds automation in home only: grant it in sales too"}},
			add: []client.RoleAssignment{{Role: "automation", Divisions: divs("sales")}}},
		{name: "a call no held role serves",
			held: []client.RoleAssignment{{Role: "automation", Divisions: divs("home")}},
			q:    review.RoleQuery{Calls: append([]string{"GET /api/v2/knowledge/knowledgebases"}, automation...), Divisions: divs("home")},
			findings: []review.RoleFinding{{Kind: review.KindMissing, Role: "chatbot", Divisions: divs("home"), Routes: []string{"GET /api/v2/knowledge/knowledgebases"},
				Reason: "GET /api/v2/knowledge/knowledgebases needs a permission the client's roles do not give it where it acts: grant chatbot in home"}},
			add: []client.RoleAssignment{{Role: "chatbot", Divisions: divs("home")}}},
		{name: "unneeded, and served by a role kept",
			held: []client.RoleAssignment{{Role: "automation", Divisions: divs("home")}, {Role: "chatbot", Divisions: divs("home")}, {Role: "supervisor", Divisions: divs("home")}},
			q:    review.RoleQuery{Calls: []string{"GET /api/v2/users", "GET /api/v2/routing/queues"}, Divisions: divs("home")},
			findings: []review.RoleFinding{
				{Kind: review.KindUnneeded, Role: "chatbot", Divisions: divs("home"), Reason: "no call needs it: none of the endpoints called requires a permission it holds"},
				{Kind: review.KindRedundant, Role: "automation", Divisions: divs("home"), Instead: []client.RoleAssignment{{Role: "supervisor", Divisions: divs("home")}},
					Routes: []string{"GET /api/v2/users"}, Reason: "the client's other roles serve its calls already: supervisor in home"},
			},
			remove: []permission.RoleID{"automation", "chatbot"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := rx.Review(tt.held, tt.q)
			require.NoError(t, err)
			require.True(t, r.Exact)
			if diff := cmp.Diff(tt.findings, r.Findings); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			require.Equal(t, tt.remove, r.Remove)
			require.Equal(t, tt.narrow, r.Narrow)
			require.Equal(t, tt.add, r.Add)
		})
	}
}

func TestReviewRolesErrors(t *testing.T) {
	rx := sampleRoles(t)
	q := review.RoleQuery{Calls: []string{"GET /api/v2/users"}, Divisions: divs("home")}
	for _, tt := range []struct {
		name string
		held []client.RoleAssignment
		err  error
		text string
	}{
		{"unknown role", []client.RoleAssignment{{Role: "janitor", Divisions: divs("home")}}, review.ErrUnknownRole, `"janitor" is not one of the org's roles`},
		{"twice", []client.RoleAssignment{{Role: "automation", Divisions: divs("home")}, {Role: "automation", Divisions: divs("sales")}}, review.ErrInvalid, "held twice"},
		{"no division", []client.RoleAssignment{{Role: "automation"}}, review.ErrInvalid, "name its divisions, or all divisions"},
		{"both", []client.RoleAssignment{{Role: "automation", Divisions: divs("home"), AllDivisions: true}}, review.ErrInvalid, "not both or neither"},
		{"empty division", []client.RoleAssignment{{Role: "automation", Divisions: divs("")}}, review.ErrInvalid, "an empty division ID"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rx.Review(tt.held, q)
			require.ErrorIs(t, err, tt.err)
			require.ErrorContains(t, err, tt.text)
		})
	}
}

// apply applies a review's advice to the held grants: remove, narrow,
// add.
func apply(held []client.RoleAssignment, r review.RoleReview) []client.RoleAssignment {
	out := map[permission.RoleID]client.RoleAssignment{}
	for _, h := range held {
		if !slices.Contains(r.Remove, h.Role) {
			out[h.Role] = h
		}
	}
	for _, n := range r.Narrow {
		out[n.Role] = n
	}
	for _, a := range r.Add {
		g, ok := out[a.Role]
		switch {
		case !ok:
			g = a
		case a.AllDivisions:
			g = client.RoleAssignment{Role: a.Role, AllDivisions: true}
		default:
			g.Divisions = append(slices.Clone(g.Divisions), a.Divisions...)
		}
		out[a.Role] = g
	}
	var list []client.RoleAssignment
	for _, g := range out {
		g.Divisions = slices.Clone(g.Divisions)
		slices.Sort(g.Divisions)
		list = append(list, g)
	}
	slices.SortFunc(list, func(a, b client.RoleAssignment) int { return strings.Compare(string(a.Role), string(b.Role)) })
	return list
}

func sortedGrants(gs []client.RoleAssignment) []client.RoleAssignment {
	var out []client.RoleAssignment
	for _, g := range gs {
		g.Divisions = slices.Clone(g.Divisions)
		slices.Sort(g.Divisions)
		out = append(out, g)
	}
	return out
}

// On random instances, checked with the permission package: the advice
// turns the held roles into the recommended ones, which cost no more than
// Minimal's; the missing findings name exactly the calls the held roles
// do not let pass; every held role that goes has one finding saying why.
func TestReviewRolesAgainstPermissions(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 31))
	reviewed, missing, gone := 0, 0, 0
	for trial := range 200 {
		cat, eps, roles := randomRoleInstance(t, rng, 4, 8)
		rx, err := newIndex(t, cat, eps).Roles(roles)
		require.NoError(t, err)
		w := roleWorld{eps: eps, roles: slices.Clone(roles)}
		slices.SortFunc(w.roles, func(a, b permission.Role) int { return strings.Compare(string(a.ID), string(b.ID)) })
		var picked []int
		var calls []string
		for i := range eps {
			if rng.IntN(2) == 0 {
				picked = append(picked, i)
				calls = append(calls, eps[i].Route())
			}
		}
		if len(calls) == 0 {
			continue
		}
		order := [][]permission.DivisionID{divs("home"), divs("sales", "home"), divs("home", "sales", "support")}
		q := review.RoleQuery{Calls: calls, Divisions: order[rng.IntN(len(order))], AllDivisions: rng.IntN(5) == 0}
		var held []client.RoleAssignment
		for _, r := range w.roles {
			switch rng.IntN(4) {
			case 0:
				held = append(held, client.RoleAssignment{Role: r.ID, AllDivisions: true})
			case 1:
				all := divs("home", "sales", "support")
				rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
				held = append(held, client.RoleAssignment{Role: r.ID, Divisions: all[:1+rng.IntN(3)]})
			}
		}
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			sel, minErr := rx.Minimal(q)
			r, err := rx.Review(held, q)
			if minErr != nil {
				require.EqualError(t, err, minErr.Error())
				return
			}
			require.NoError(t, err)
			reviewed++
			require.Equal(t, sortedGrants(r.Recommended), apply(held, r), "the advice leads to the recommended grants")
			require.Equal(t, w.roleCost(t, q, sel.Grants), w.roleCost(t, q, r.Recommended), "the preference for held grants costs nothing")
			require.True(t, w.passes(t, q, picked, r.Recommended))
			require.Equal(t, len(r.Findings) == 0, slices.EqualFunc(sortedGrants(held), sortedGrants(r.Recommended), func(a, b client.RoleAssignment) bool {
				return a.Role == b.Role && a.AllDivisions == b.AllDivisions && slices.Equal(a.Divisions, b.Divisions)
			}) || len(held) == 0 && len(r.Recommended) == 0)

			// The calls the held roles do not let pass, by the permission
			// package, are the missing findings' routes.
			var unserved, reported []string
			for _, c := range picked {
				if !w.passes(t, q, []int{c}, held) && !slices.Contains(unserved, eps[c].Route()) {
					unserved = append(unserved, eps[c].Route())
				}
			}
			for _, f := range r.Findings {
				if f.Kind == review.KindMissing {
					for _, route := range f.Routes {
						if !slices.Contains(reported, route) {
							reported = append(reported, route)
						}
					}
				}
			}
			slices.Sort(unserved)
			slices.Sort(reported)
			require.Equal(t, unserved, reported, "held %v, recommended %v, findings %+v", held, r.Recommended, r.Findings)
			if len(unserved) > 0 {
				missing++
			}
			for _, id := range r.Remove {
				gone++
				n := 0
				for _, f := range r.Findings {
					if f.Role == id && f.Kind != review.KindMissing {
						n++
					}
				}
				require.Equal(t, 1, n, "one finding for %s", id)
			}
		})
	}
	require.Positive(t, reviewed)
	require.Positive(t, missing)
	require.Positive(t, gone)
}

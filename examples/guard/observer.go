package guard

import (
	"context"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/scope"
)

// An Observer learns of every outcome of a Guard, for metrics and traces:
// the examples' promhook and otelhook are two. Observe runs on the
// request's goroutine, after the decision and before the answer: keep it
// quick, and safe for concurrent use. A guard without observers reads no
// clock and builds no Observation.
type Observer interface {
	Observe(ctx context.Context, o Observation)
}

// An Observation is what an Observer learns of one outcome. Every field is
// bounded or an identifier the operator knows: it holds the table's route,
// never the raw path, and no token or secret.
type Observation struct {
	// Route is the endpoint judged, in the table's words ("GET
	// /api/v2/users/{userId}"), or "" when the request matched none.
	Route string
	// Code is the outcome's code (Outcome.Code): one of enforce's codes,
	// or CodeMisconfigured or CodeRouteMissing.
	Code string
	// Status is the HTTP status of the answer.
	Status  int
	Allowed bool
	// Org, Client and GrantType come from the verified token; they are
	// zero without one.
	Org       client.OrgID
	Client    client.ID
	GrantType client.GrantType
	// Scope is the token's scope that satisfied the endpoint, the scope
	// used, even when the request was denied for another cause (a
	// missing permission). Zero when none did, and for
	// client-credentials tokens.
	Scope scope.Scope
	// Elapsed is how long the decision took, from reading the
	// Authorization header to the enforcer's answer, the token's
	// verification included. Zero for the guard's own refusals.
	Elapsed time.Duration
}

func (o Outcome) observation() Observation {
	return Observation{
		Route:     o.decision.Route(),
		Code:      o.Code(),
		Status:    o.Status(),
		Allowed:   o.Allowed(),
		Org:       o.token.Org,
		Client:    o.token.Client,
		GrantType: o.token.GrantType,
		Scope:     o.decision.MatchedScope(),
	}
}

package enforce

import (
	"context"
	"log/slog"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// A Record is what a [Hook] learns of a decision: who called what, with
// which scope, and the outcome. It holds no token and no secret.
//
// Records marshal to JSON with snake_case names, leaving out the fields
// that are empty (no client for a request without a token, no scope for a
// denial), and unmarshal back to an equal Record, so that a hook can write
// them as JSON lines for a later usage review:
//
//	{"time":"2026-03-01T12:00:00Z","allowed":true,"status":200,"code":"ALLOWED","org":"org-1",
//	 "client":"…","user":"agent","grant_type":"authorization_code","method":"GET",
//	 "route":"GET /api/v2/users/me","endpoint":"getUsersMe","scope":"users:readonly"}
type Record struct {
	Time      time.Time        `json:"time,omitzero"`
	Allowed   bool             `json:"allowed"`
	Status    int              `json:"status"`
	Code      Code             `json:"code"`
	Org       client.OrgID     `json:"org,omitempty"`
	Client    client.ID        `json:"client,omitzero"`
	User      string           `json:"user,omitempty"`
	GrantType client.GrantType `json:"grant_type,omitzero"`
	Method    string           `json:"method,omitempty"`
	// Route is the matched endpoint's method and template; Path is the
	// request path as sent, for requests that matched no endpoint.
	Route    string `json:"route,omitempty"`
	Path     string `json:"path,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
	// Scope is the token's scope that satisfied the endpoint, the
	// narrowest when several did: the scope the client used.
	Scope    scope.Scope           `json:"scope,omitzero"`
	Division permission.DivisionID `json:"division,omitempty"`
	// Unenforced is what scope enforcement would have answered, for a
	// scope refusal an org's report-only mode let through
	// ([Decision.Unenforced]): SCOPE_INSUFFICIENT or
	// SCOPE_AND_PERMISSIONS_INSUFFICIENT. Zero otherwise.
	Unenforced Code `json:"unenforced,omitzero"`
}

// A Hook receives a [Record] of every decision, for audit logs and usage
// tracking (which client used which scope on which endpoint).
type Hook func(ctx context.Context, r Record)

func (d *Decision) record(r *Request, now time.Time) Record {
	rec := Record{
		Time:      now,
		Allowed:   d.code == CodeAllowed,
		Status:    d.Status(),
		Code:      d.code,
		Org:       d.org,
		Client:    d.client,
		User:      d.user,
		GrantType: d.grantType,
		Method:    r.Method,
		Scope:     d.MatchedScope(),
		Division:  d.perm.Target().Division(),
	}
	if d.reported {
		rec.Unenforced = d.Unenforced()
	}
	if d.ep != nil {
		rec.Route, rec.Endpoint = d.ep.route, d.ep.Name
	} else {
		rec.Path = r.Path
	}
	return rec
}

// SlogHook returns a Hook that logs each decision to logger: allowed
// requests at debug level, denials, and scope refusals let through by an
// org's report-only mode, at info level. It logs who called which
// endpoint with which scope and the outcome; never a token or a secret.
// A nil logger means slog.Default().
func SlogHook(logger *slog.Logger) Hook {
	return func(ctx context.Context, r Record) {
		logger := logger
		if logger == nil {
			logger = slog.Default()
		}
		level := slog.LevelInfo
		if r.Allowed && r.Unenforced == 0 {
			level = slog.LevelDebug
		}
		if !logger.Enabled(ctx, level) {
			return
		}
		attrs := []slog.Attr{
			slog.Bool("allowed", r.Allowed),
			slog.Int("status", r.Status),
			slog.String("code", r.Code.String()),
		}
		if r.Unenforced != 0 {
			attrs = append(attrs, slog.String("unenforced", r.Unenforced.String()))
		}
		attrs = append(attrs, slog.String("method", r.Method))
		if r.Route != "" {
			attrs = append(attrs, slog.String("route", r.Route))
		} else {
			attrs = append(attrs, slog.String("path", r.Path))
		}
		for _, a := range []slog.Attr{
			slog.String("endpoint", r.Endpoint),
			slog.String("org", string(r.Org)),
			slog.String("client", r.Client.String()),
			slog.String("user", r.User),
			slog.String("scope", r.Scope.String()),
			slog.String("division", string(r.Division)),
		} {
			if a.Value.String() != "" {
				attrs = append(attrs, a)
			}
		}
		if r.GrantType.IsValid() {
			attrs = append(attrs, slog.String("grant_type", r.GrantType.String()))
		}
		logger.LogAttrs(ctx, level, "scopegate decision", attrs...)
	}
}

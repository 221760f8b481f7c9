package enforce

// The rollout mode: an org whose scopes are report-only ([Org].ScopeReportOnly)
// has every decision check the scope in full, and lets a token without an
// accepted scope through the scope check, saying what enforcement would
// have answered. The permission check is enforced as usual.

// reportOnly reports whether the org of the decision only reports scope
// refusals, and if so marks d as having let one through. It runs only
// when the token lacks an accepted scope, off the allowed path.
func (d *Decision) reportOnly(p *Policy) bool {
	d.reported = p.org(d.org).ScopeReportOnly
	return d.reported
}

// Unenforced returns the code the decision would have had with scope
// enforcement on, when the token's org has its scopes in report-only
// mode ([Org].ScopeReportOnly) and the token lacked an accepted scope:
// SCOPE_INSUFFICIENT, or SCOPE_AND_PERMISSIONS_INSUFFICIENT when the
// permission is missing too. The decision itself ([Decision.Code]) is
// then the one it would be with scope enforcement off: allowed, or
// refused for the permission. Unenforced is zero when nothing was let
// through: the token had an accepted scope, the org enforces scopes (or
// has them off), or the decision could not be made.
//
// It is exactly the code the same request gets once the org enforces
// scopes. Without the scope a resource is not looked up, so on an
// endpoint whose division is the resource's, the permission counts as
// missing unless the subject holds it in all divisions, whether or not
// the resource exists.
func (d Decision) Unenforced() Code {
	switch {
	case !d.reported || d.code == CodeUnavailable:
		return 0
	case d.ep != nil && d.ep.divParam >= 0:
		if d.unscoped {
			return CodeScopeAndPermissionMissing
		}
	case d.causes.Has(CodePermissionMissing):
		return CodeScopeAndPermissionMissing
	}
	return CodeScopeMissing
}

// reportedScope explains, for the operator, the scope refusal the
// report-only mode let through; for the caller, only that the mode is on.
func (d Decision) reportedScope(detail bool) string {
	if !detail {
		return "scope enforcement is report-only for the org"
	}
	return "the token has none of the scopes " + d.request() + " accepts (" + joinNames(d.ep.accepted.Scopes().Scopes(), ", ") +
		"), which scope enforcement, report-only for the org, lets through: enforced, it would be refused with " + d.Unenforced().String()
}

// reportedRemedy says, for the operator, what keeps the call working
// once scope enforcement is on.
func (d Decision) reportedRemedy() string {
	return "before scope enforcement is turned on, add scope " + d.ep.narrowest.String() + " to the OAuth client, have the org authorize it, then re-authenticate"
}

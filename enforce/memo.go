package enforce

import (
	"context"
	"sync/atomic"

	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// A TokenMemo remembers what an [Enforcer] worked out about one verified
// token, so that the token's next requests skip that work: that its
// claims fit together and the stores accept it (a [grant.Pass]), its
// scopes compiled against the policy's catalog (a [scope.Granted]), and
// the compiled permissions of its subject. A verifier that keeps the
// tokens it verified (a cache by token string) keeps a TokenMemo with
// each, and passes it in [Request].Memo with the token; requests without
// one are decided as well, only with more work.
//
// Enforce fills a memo on its token's first request, and fills it again
// when what it remembers went stale: after a policy swap, a revocation of
// any token, any change to a client, and any change the permission cache
// learns of (a new version of its store, an invalidation). It then checks
// the token in full, as without a memo. Filling a memo is the one thing
// Enforce allocates for. A memo needs stores that tell when they change:
// a [grant.RevocationVersioner] and a client store that is a
// [permission.Versioner] ([grant.MemStore] and [client.MemStore] are);
// with others, Enforce leaves it empty. The permissions are remembered
// when the access source is a [*permission.Cache].
//
// A memo serves only the token it was filled for, every claim the same
// (ID, client, org, user, grant type, scopes, and times as the same
// time.Time values), and only the enforcer that filled it: passed with
// any other token, or to another enforcer, it is ignored and left as it
// is, so a memo can never lend one token's scopes or one subject's
// permissions to another. Use one memo per token.
//
// The zero TokenMemo is empty and ready to use. It is safe for concurrent
// use, and must not be copied after first use.
type TokenMemo struct {
	state atomic.Pointer[memoState]
}

// A memoState is what a memo holds, immutable: a fill replaces it whole.
type memoState struct {
	e       *Enforcer
	token   grant.Token // the claims it was filled for
	pass    grant.Pass
	policy  *Policy       // the policy granted was compiled for
	granted scope.Granted // the token's scopes, against policy's catalog
	access  *permission.Access
	stamp   permission.CacheStamp // taken before access was
}

// current returns what m remembers of t, when e filled it for t and all of
// it is still current with policy p; nil otherwise, and for a nil m.
func (m *TokenMemo) current(e *Enforcer, p *Policy, t *grant.Token) *memoState {
	if m == nil {
		return nil
	}
	ms := m.state.Load()
	if ms == nil || ms.e != e || ms.policy != p || !sameToken(&ms.token, t) || !e.tokens.Holds(ms.pass) {
		return nil
	}
	if ms.access != nil && !e.cache.Current(ms.stamp) {
		return nil
	}
	return ms
}

// fillable reports whether e may fill m for t: m is empty, or e filled it
// for t before.
func (m *TokenMemo) fillable(e *Enforcer, t *grant.Token) bool {
	if m == nil {
		return false
	}
	ms := m.state.Load()
	return ms == nil || ms.e == e && sameToken(&ms.token, t)
}

// sameToken reports whether a and b have the same claims. Times compare
// as values, as a verifier's cache hands them out: the same instant in
// another location counts as another token, which costs only the memo.
func sameToken(a, b *grant.Token) bool {
	return a.ID == b.ID && a.Client == b.Client && a.Org == b.Org && a.User == b.User && a.GrantType == b.GrantType &&
		a.IssuedAt == b.IssuedAt && a.ExpiresAt == b.ExpiresAt && a.Scopes.Equal(b.Scopes)
}

// remember fills m for t, which the validator has just accepted with pass,
// under policy p, and returns what it holds; nil when there is nothing to
// keep (pass holds for nothing: the stores cannot tell when they change)
// or the subject's permissions cannot be read now.
func (e *Enforcer) remember(ctx context.Context, m *TokenMemo, p *Policy, t *grant.Token, pass grant.Pass) *memoState {
	if pass == (grant.Pass{}) {
		return nil
	}
	ms := &memoState{e: e, token: *t, pass: pass, policy: p, granted: p.catalog.Grant(t.Scopes)}
	if e.cache != nil {
		ms.stamp = e.cache.Stamp() // before the access: a change after it shows
		a, err := e.cache.Access(ctx, t.Org, subject(t))
		if err != nil {
			return nil // the permission check meets the error again
		}
		ms.access = a
	}
	m.state.Store(ms)
	return ms
}

// access returns the compiled permissions of the token's subject: the
// memo's, if the decision has one that holds them.
func (e *Enforcer) access(ctx context.Context, t *grant.Token, d *Decision) (*permission.Access, error) {
	switch {
	case d.memo != nil && d.memo.access != nil:
		return d.memo.access, nil
	case e.cache != nil:
		return e.cache.Access(ctx, t.Org, subject(t)) // the usual source, without an interface call
	}
	return e.src.Access.Access(ctx, t.Org, subject(t))
}

package storetest

import (
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/scope"
)

// rounds is how often a race is run: each round is one chance for a store
// to get the order wrong.
const rounds = 40

var consentTests = []test{
	{"Consent/UnionAndWalls", func(t *testing.T, e env) {
		id := client.NewID()
		_, err := e.a.Grants.Consent(ctx, "org-1", id, "alice")
		require.ErrorIs(t, err, grant.ErrNoConsent)
		require.NoError(t, e.a.Grants.DeleteConsent(ctx, "org-1", id, "alice"), "withdrawing a consent that does not exist")

		first := grant.Consent{Org: "org-1", Client: id, User: "alice", Scopes: scope.MustParseSet("users:readonly"), GrantedAt: e.clock.Now()}
		require.NoError(t, e.a.Grants.AddConsent(ctx, first))
		got, err := e.b.Grants.Consent(ctx, "org-1", id, "alice")
		require.NoError(t, err)
		if diff := cmp.Diff(first, got, opts); diff != "" {
			t.Errorf("Consent (-want +got):\n%s", diff)
		}

		second := grant.Consent{Org: "org-1", Client: id, User: "alice", Scopes: scope.MustParseSet("presence users:readonly"), GrantedAt: e.clock.Now().Add(time.Minute)}
		require.NoError(t, e.b.Grants.AddConsent(ctx, second))
		third := grant.Consent{Org: "org-1", Client: id, User: "alice", Scopes: scope.MustParseSet("analytics"), GrantedAt: e.clock.Now().Add(2 * time.Minute)}
		require.NoError(t, e.a.Grants.AddConsent(ctx, third))
		got, err = e.b.Grants.Consent(ctx, "org-1", id, "alice")
		require.NoError(t, err)
		want := grant.Consent{Org: "org-1", Client: id, User: "alice", Scopes: scope.MustParseSet("analytics presence users:readonly"), GrantedAt: third.GrantedAt}
		if diff := cmp.Diff(want, got, opts); diff != "" {
			t.Errorf("consents add up, GrantedAt is the last one's (-want +got):\n%s", diff)
		}

		for _, k := range []struct {
			org  client.OrgID
			id   client.ID
			user string
		}{{"org-2", id, "alice"}, {"org-1", client.NewID(), "alice"}, {"org-1", id, "bob"}} {
			_, err := e.a.Grants.Consent(ctx, k.org, k.id, k.user)
			require.ErrorIs(t, err, grant.ErrNoConsent, "a consent is the user's, for the client, in the org")
		}

		require.NoError(t, e.b.Grants.DeleteConsent(ctx, "org-1", id, "alice"))
		_, err = e.a.Grants.Consent(ctx, "org-1", id, "alice")
		require.ErrorIs(t, err, grant.ErrNoConsent, "a withdrawn consent")
	}},
	{"Consent/ConcurrentConsentAndWithdrawal", func(t *testing.T, e env) {
		// An approval adds only what it names: racing a withdrawal, it
		// leaves either nothing (the withdrawal came after) or exactly
		// its own scopes (before), never the scopes consented earlier.
		id := client.NewID()
		old, added := scope.MustParseSet("users:readonly"), scope.MustParseSet("presence")
		outcomes := map[string]int{}
		for round := range rounds {
			user := fmt.Sprintf("user-%d", round)
			require.NoError(t, e.a.Grants.AddConsent(ctx, grant.Consent{Org: "org-1", Client: id, User: user, Scopes: old, GrantedAt: e.clock.Now()}))
			var wg sync.WaitGroup
			var addErr, delErr error
			start := make(chan struct{})
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				addErr = e.a.Grants.AddConsent(ctx, grant.Consent{Org: "org-1", Client: id, User: user, Scopes: added, GrantedAt: e.clock.Now()})
			}()
			go func() {
				defer wg.Done()
				<-start
				delErr = e.b.Grants.DeleteConsent(ctx, "org-1", id, user)
			}()
			close(start)
			wg.Wait()
			require.NoError(t, addErr)
			require.NoError(t, delErr)
			got, err := e.a.Grants.Consent(ctx, "org-1", id, user)
			switch {
			case err == nil:
				require.True(t, got.Scopes.Equal(added), "round %d: racing a withdrawal, the consent is %q; want nothing or %q", round, got.Scopes, added)
				outcomes["approval after withdrawal"]++
			default:
				require.ErrorIs(t, err, grant.ErrNoConsent)
				outcomes["withdrawal after approval"]++
			}
		}
		t.Logf("outcomes of %d races: %v", rounds, outcomes)
	}},
	{"Consent/ConcurrentApprovalsAddUp", func(t *testing.T, e env) {
		id := client.NewID()
		names := []string{"analytics", "presence", "users:readonly", "routing", "alerting", "outbound", "quality", "telephony"}
		var wg sync.WaitGroup
		errs := make([]error, len(names))
		for i, name := range names {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st := e.a.Grants
				if i%2 == 1 {
					st = e.b.Grants
				}
				errs[i] = st.AddConsent(ctx, grant.Consent{Org: "org-1", Client: id, User: "alice", Scopes: scope.MustParseSet(name), GrantedAt: e.clock.Now()})
			}()
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		got, err := e.b.Grants.Consent(ctx, "org-1", id, "alice")
		require.NoError(t, err)
		want, err := scope.ParseSet("alerting analytics outbound presence quality routing telephony users:readonly")
		require.NoError(t, err)
		require.True(t, got.Scopes.Equal(want), "concurrent approvals lost scopes: %q", got.Scopes)
	}},
}

// sampleCode returns a code grant.
func sampleCode(now time.Time, code string) grant.CodeGrant {
	return grant.CodeGrant{
		Hash: sha256.Sum256([]byte(code)), Org: "org-1", Client: client.NewID(), User: "alice",
		RedirectURI: "https://app.example.com/callback", Scopes: scope.MustParseSet("users:readonly presence"),
		CodeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", IssuedAt: now, ExpiresAt: now.Add(time.Minute),
	}
}

// sampleToken returns the token a code's exchange issues.
func sampleToken(g grant.CodeGrant) grant.Token {
	return grant.Token{ID: grant.NewTokenID(), Client: g.Client, Org: g.Org, GrantType: client.AuthorizationCode, User: g.User,
		Scopes: g.Scopes, IssuedAt: g.IssuedAt.Add(time.Second), ExpiresAt: g.IssuedAt.Add(time.Hour)}
}

var codeTests = []test{
	{"Code/Lifecycle", func(t *testing.T, e env) {
		g := sampleCode(e.clock.Now(), "code-1")
		_, err := e.a.Grants.TakeCode(ctx, g.Hash)
		require.ErrorIs(t, err, grant.ErrInvalidCode, "an unknown code")
		require.ErrorIs(t, e.a.Grants.SetCodeToken(ctx, g.Hash, sampleToken(g)), grant.ErrInvalidCode, "the token of an unknown code")

		require.NoError(t, e.a.Grants.PutCode(ctx, g))
		require.Error(t, e.b.Grants.PutCode(ctx, g), "a code stored twice")
		got, err := e.b.Grants.TakeCode(ctx, g.Hash)
		require.NoError(t, err)
		if diff := cmp.Diff(g, got, opts); diff != "" {
			t.Errorf("TakeCode (-put +taken):\n%s", diff)
		}
		tok := sampleToken(g)
		require.NoError(t, e.b.Grants.SetCodeToken(ctx, g.Hash, tok))
		replayed, err := e.a.Grants.TakeCode(ctx, g.Hash)
		require.ErrorIs(t, err, grant.ErrCodeUsed, "a replayed code")
		want := g
		want.Token = tok
		if diff := cmp.Diff(want, replayed, opts); diff != "" {
			t.Errorf("a replay returns the grant with its token, to revoke it (-want +got):\n%s", diff)
		}
		_, err = e.b.Grants.TakeCode(ctx, g.Hash)
		require.ErrorIs(t, err, grant.ErrCodeUsed, "a code replayed twice")

		h := sampleCode(e.clock.Now(), "code-2")
		require.NoError(t, e.a.Grants.PutCode(ctx, h))
		_, err = e.a.Grants.TakeCode(ctx, h.Hash)
		require.NoError(t, err)
		_, err = e.b.Grants.TakeCode(ctx, h.Hash)
		require.ErrorIs(t, err, grant.ErrCodeUsed)
		require.ErrorIs(t, e.a.Grants.SetCodeToken(ctx, h.Hash, sampleToken(h)), grant.ErrCodeUsed,
			"a token for a code presented again since it was taken is withheld")
	}},
	{"Code/ExchangeRacesReplay", func(t *testing.T, e env) {
		for round := range rounds {
			g := sampleCode(e.clock.Now(), fmt.Sprintf("race-%d", round))
			require.NoError(t, e.a.Grants.PutCode(ctx, g))
			const n = 4
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					st := e.a.Grants
					if i%2 == 1 {
						st = e.b.Grants
					}
					<-start
					_, errs[i] = st.TakeCode(ctx, g.Hash)
				}()
			}
			close(start)
			wg.Wait()
			won := 0
			for _, err := range errs {
				if err == nil {
					won++
				} else {
					require.ErrorIs(t, err, grant.ErrCodeUsed)
				}
			}
			require.Equal(t, 1, won, "round %d: of %d exchanges of one code, exactly one gets the grant", round, n)
		}
	}},
	{"Code/TokenRacesReplay", func(t *testing.T, e env) {
		// The first exchange records its token while a replay comes: the
		// replay must either see the token (to revoke it) or make the
		// first exchange withhold it.
		outcomes := map[string]int{}
		for round := range rounds {
			g := sampleCode(e.clock.Now(), fmt.Sprintf("replay-%d", round))
			require.NoError(t, e.a.Grants.PutCode(ctx, g))
			_, err := e.a.Grants.TakeCode(ctx, g.Hash)
			require.NoError(t, err)
			tok := sampleToken(g)
			var setErr, replayErr error
			var replayed grant.CodeGrant
			var wg sync.WaitGroup
			start := make(chan struct{})
			wg.Add(2)
			go func() { defer wg.Done(); <-start; setErr = e.a.Grants.SetCodeToken(ctx, g.Hash, tok) }()
			go func() { defer wg.Done(); <-start; replayed, replayErr = e.b.Grants.TakeCode(ctx, g.Hash) }()
			close(start)
			wg.Wait()
			require.ErrorIs(t, replayErr, grant.ErrCodeUsed)
			switch {
			case setErr == nil:
				require.Equal(t, tok.ID, replayed.Token.ID, "round %d: the token was handed out, and the replay did not learn it to revoke it", round)
				outcomes["replay saw the token"]++
			default:
				require.ErrorIs(t, setErr, grant.ErrCodeUsed)
				require.False(t, replayed.Token.ID.IsValid(), "round %d: the replay came first, yet saw a token", round)
				outcomes["token withheld"]++
			}
		}
		t.Logf("outcomes of %d races: %v", rounds, outcomes)
	}},
}

var revocationTests = []test{
	{"Revocation/ByID", func(t *testing.T, e env) {
		require.ErrorIs(t, e.a.Grants.RevokeToken(ctx, grant.Token{}), grant.ErrInvalidRequest, "revoking a token without an ID")
		now := e.clock.Now()
		tok := grant.Token{ID: grant.NewTokenID(), Client: client.NewID(), Org: "org-1", User: "alice", IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
		other := tok
		other.ID = grant.NewTokenID()
		revoked, err := e.b.Grants.IsRevoked(ctx, tok)
		require.NoError(t, err)
		require.False(t, revoked)
		require.NoError(t, e.a.Grants.RevokeToken(ctx, tok))
		require.NoError(t, e.a.Grants.RevokeToken(ctx, tok), "revoking a token twice")
		for _, c := range []struct {
			tok  grant.Token
			want bool
		}{{tok, true}, {other, false}, {grant.Token{ID: tok.ID}, true}} {
			got, err := e.b.Grants.IsRevoked(ctx, c.tok)
			require.NoError(t, err)
			require.Equal(t, c.want, got, "IsRevoked(%v)", c.tok.ID)
		}
	}},
	{"Revocation/UserAndClient", func(t *testing.T, e env) {
		at := e.clock.Now()
		cid := client.NewID()
		tok := func(org client.OrgID, user string, id client.ID, issued time.Time) grant.Token {
			return grant.Token{ID: grant.NewTokenID(), Client: id, Org: org, User: user, IssuedAt: issued, ExpiresAt: issued.Add(time.Hour)}
		}
		require.NoError(t, e.a.Grants.RevokeUser(ctx, "org-1", "alice", at))
		require.NoError(t, e.a.Grants.RevokeUser(ctx, "org-1", "alice", at.Add(-time.Hour)), "an earlier revocation does not undo a later one")
		require.NoError(t, e.a.Grants.RevokeClient(ctx, cid, at.Add(time.Minute)))
		require.NoError(t, e.a.Grants.RevokeClient(ctx, cid, at), "an earlier revocation does not undo a later one")
		other := client.NewID()
		for _, c := range []struct {
			name string
			tok  grant.Token
			want bool
		}{
			{"the user's token issued at the revocation", tok("org-1", "alice", other, at), true},
			{"the user's token issued before", tok("org-1", "alice", other, at.Add(-30*time.Minute)), true},
			{"the user's token issued a nanosecond after", tok("org-1", "alice", other, at.Add(time.Nanosecond)), false},
			{"the same user ID in another org", tok("org-2", "alice", other, at), false},
			{"another user", tok("org-1", "bob", other, at), false},
			{"the client's token issued at its revocation", tok("org-2", "carol", cid, at.Add(time.Minute)), true},
			{"the client's token issued a nanosecond after", tok("org-2", "carol", cid, at.Add(time.Minute+time.Nanosecond)), false},
			{"the client's token without a user", tok("org-1", "", cid, at), true},
		} {
			got, err := e.b.Grants.IsRevoked(ctx, c.tok)
			require.NoError(t, err)
			require.Equal(t, c.want, got, c.name)
		}
	}},
	{"Revocation/KeptUntilExpiryPlusSkew", func(t *testing.T, e env) {
		now := e.clock.Now()
		long := grant.Token{ID: grant.NewTokenID(), IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
		unknown := grant.Token{ID: grant.NewTokenID()} // its expiry unknown: kept MaxTokenLifetime
		require.NoError(t, e.a.Grants.RevokeToken(ctx, long))
		shorter := long
		shorter.ExpiresAt = now.Add(time.Minute)
		require.NoError(t, e.b.Grants.RevokeToken(ctx, shorter), "revoking again never shortens how long it is kept")
		require.NoError(t, e.a.Grants.RevokeToken(ctx, unknown))

		// Just before the revocations may go, with enough other
		// revocations since to make any store sweep.
		e.clock.Add(time.Hour + grant.MaxClockSkew - time.Nanosecond)
		sweep(t, e)
		for _, tok := range []grant.Token{long, unknown} {
			revoked, err := e.b.Grants.IsRevoked(ctx, tok)
			require.NoError(t, err)
			require.True(t, revoked, "a revocation was forgotten before its token's expiry plus the clock skew")
		}
		e.clock.Add(client.MaxTokenLifetime - time.Hour)
		sweep(t, e)
		revoked, err := e.b.Grants.IsRevoked(ctx, unknown)
		require.NoError(t, err)
		require.True(t, revoked, "a revocation by ID alone was forgotten before MaxTokenLifetime and the skew")
	}},
}

// sweep revokes and stores enough expired tokens and codes to make a
// store sweep its expired entries.
func sweep(t *testing.T, e env) {
	t.Helper()
	past := e.clock.Now().Add(-2 * client.MaxTokenLifetime)
	for i := range 300 {
		require.NoError(t, e.a.Grants.RevokeToken(ctx, grant.Token{ID: grant.NewTokenID(), IssuedAt: past, ExpiresAt: past.Add(time.Minute)}))
		if i < 260 {
			g := sampleCode(past, fmt.Sprintf("sweep-%d-%d", e.clock.Now().UnixNano(), i))
			require.NoError(t, e.a.Grants.PutCode(ctx, g))
		}
	}
}

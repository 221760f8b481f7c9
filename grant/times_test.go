package grant_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
)

// timesVerdict is what a Validator answers for a token's times, in
// time.Time's own methods: the reference that Check, which compares the
// times as integers, must agree with everywhere.
func timesVerdict(iat, exp, now time.Time, skew time.Duration) error {
	switch {
	case !exp.After(iat), exp.Sub(iat) > client.MaxTokenLifetime:
		return grant.ErrMalformed
	case now.Before(iat.Add(-skew)):
		return grant.ErrNotYetValid
	case !now.Before(exp.Add(skew)):
		return grant.ErrExpired
	}
	return nil
}

// The earliest and the latest time.Time: time counts seconds from year 1
// in an int64, and time.Unix adds the seconds from year 1 to 1970 to its
// argument, wrapping.
var (
	earliest = time.Unix(math.MaxInt64-62135596800+1, 0)
	latest   = time.Unix(math.MaxInt64-62135596800, 999_999_999)
)

// TestCheckTimesAgreeWithTimeMethods: Check answers for a token's times
// what time.Time's Before, After, Add and Sub answer, at every edge: one
// nanosecond either side of the issue time, the expiry and the longest
// lifetime, with each clock skew, for times near 1970, centuries from it,
// the zero time, and the ends of time.Time's range (where Add stops).
// Validate, CheckTime and CheckClaims name the same refusal.
func TestCheckTimesAgreeWithTimeMethods(t *testing.T) {
	bases := []time.Time{
		time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 1, 9, 0, 0, 999_999_999, time.FixedZone("east", 5*3600)),
		time.Unix(0, 0),
		{}, // the zero time: January 1, year 1
		time.Date(1066, 10, 14, 9, 0, 0, 1, time.UTC),
		time.Date(2500, 1, 1, 0, 0, 0, 0, time.UTC), // past what int64 Unix nanoseconds count
		time.Date(-40000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(1<<62, 0),
		time.Unix(-1<<62, 500),
		time.Unix(math.MaxInt64, 999_999_999), // time's count of seconds from year 1 wraps
		time.Unix(math.MinInt64, 0),
		earliest,
		earliest.Add(100 * time.Second),
		latest,
		latest.Add(-100 * time.Second),
	}
	const ns = time.Nanosecond
	most := client.MaxTokenLifetime
	issued := []time.Duration{0, ns, -ns, -time.Second}
	expires := []time.Duration{0, ns, -ns, time.Second, time.Hour, most - ns, most, most + ns, most + time.Second, -time.Hour}
	for _, skew := range []time.Duration{0, ns, time.Second - ns, time.Second, 1500 * time.Millisecond, grant.MaxClockSkew} {
		var nows []time.Duration
		for _, at := range append(append([]time.Duration{}, issued...), expires...) {
			for _, d := range []time.Duration{0, ns, -ns, skew, skew + ns, skew - ns, -skew, -skew + ns, -skew - ns} {
				nows = append(nows, at+d)
			}
		}
		var now time.Time
		clients := client.NewMemStore()
		app := client.Client{ID: client.NewID(), Org: provider, State: client.Active}
		require.NoError(t, clients.CreateClient(ctx, app))
		v := grant.NewValidator(clients, grant.NewMemStore(nil), grant.WithClock(func() time.Time { return now }), grant.WithClockSkew(skew))
		counts := map[error]int{}
		for _, base := range bases {
			for _, i := range issued {
				for _, e := range expires {
					for _, n := range nows {
						tok := grant.Token{ID: grant.NewTokenID(), Client: app.ID, Org: customer, GrantType: client.AuthorizationCode, User: user,
							IssuedAt: base.Add(i), ExpiresAt: base.Add(e)}
						now = base.Add(n)
						want := timesVerdict(tok.IssuedAt, tok.ExpiresAt, now, skew)
						counts[want]++
						if got := v.Check(ctx, &tok); got != want {
							t.Fatalf("skew %v, issued %v, expires %v, now %v: Check says %v, time's methods %v", skew, tok.IssuedAt, tok.ExpiresAt, now, got, want)
						}
						if err := v.Validate(ctx, tok); !errors.Is(err, want) || (want == nil) != (err == nil) {
							t.Fatalf("skew %v, issued %v, expires %v, now %v: Validate says %v, want %v", skew, tok.IssuedAt, tok.ExpiresAt, now, err, want)
						}
						switch want {
						case grant.ErrMalformed:
							require.ErrorIs(t, tok.CheckClaims(), grant.ErrMalformed)
						case grant.ErrNotYetValid, grant.ErrExpired, nil:
							require.NoError(t, tok.CheckClaims())
							if err := tok.CheckTime(now, skew); !errors.Is(err, want) || (want == nil) != (err == nil) {
								t.Fatalf("skew %v, issued %v, expires %v, now %v: CheckTime says %v, want %v", skew, tok.IssuedAt, tok.ExpiresAt, now, err, want)
							}
						}
					}
				}
			}
		}
		for _, want := range []error{nil, grant.ErrMalformed, grant.ErrNotYetValid, grant.ErrExpired} {
			require.NotZero(t, counts[want], "skew %v: some tokens get %v", skew, want)
		}
	}
}

// TestCheckLifetimeAcrossTimesRange: a token that lives from one end of
// time.Time's range to the other, where the difference of its times
// overflows, lives too long.
func TestCheckLifetimeAcrossTimesRange(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clients := client.NewMemStore()
	app := client.Client{ID: client.NewID(), Org: provider, State: client.Active}
	require.NoError(t, clients.CreateClient(ctx, app))
	v := grant.NewValidator(clients, grant.NewMemStore(nil), grant.WithClock(func() time.Time { return now }))
	for _, times := range [][2]time.Time{{earliest, latest}, {earliest, now}, {now, latest}, {earliest, {}}, {{}, latest}, {latest, earliest}} {
		tok := grant.Token{ID: grant.NewTokenID(), Client: app.ID, Org: customer, GrantType: client.AuthorizationCode, User: user,
			IssuedAt: times[0], ExpiresAt: times[1]}
		require.Equal(t, grant.ErrMalformed, v.Check(ctx, &tok), "issued %v, expires %v", times[0], times[1])
		require.ErrorIs(t, tok.CheckClaims(), grant.ErrMalformed)
	}
}

// TestCheckRevocationsThroughEitherPath: a Validator over a MemStore asks
// it directly, without copying the token into an interface call; over
// the same store behind the Revocations interface, it answers the same,
// for every kind of revocation, at the revocation time and a nanosecond
// either side of it.
func TestCheckRevocationsThroughEitherPath(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	clients := client.NewMemStore()
	app := client.Client{ID: client.NewID(), Org: provider, State: client.Active}
	require.NoError(t, clients.CreateClient(ctx, app))
	token := func(issued time.Time) grant.Token {
		return grant.Token{ID: grant.NewTokenID(), Client: app.ID, Org: customer, GrantType: client.AuthorizationCode, User: user,
			IssuedAt: issued, ExpiresAt: issued.Add(time.Hour)}
	}
	at := now.Add(-time.Minute)
	tests := []struct {
		name   string
		revoke func(s *grant.MemStore, tok grant.Token) error
		issued time.Duration // after at
		want   error
	}{
		{name: "nothing revoked", revoke: func(*grant.MemStore, grant.Token) error { return nil }},
		{name: "the token", revoke: func(s *grant.MemStore, tok grant.Token) error { return s.RevokeToken(ctx, tok) }, want: grant.ErrRevoked},
		{name: "another token", revoke: func(s *grant.MemStore, _ grant.Token) error { return s.RevokeToken(ctx, token(at)) }},
		{name: "the user, after issue", revoke: func(s *grant.MemStore, _ grant.Token) error { return s.RevokeUser(ctx, customer, user, at) }, issued: -time.Nanosecond, want: grant.ErrRevoked},
		{name: "the user, at issue", revoke: func(s *grant.MemStore, _ grant.Token) error { return s.RevokeUser(ctx, customer, user, at) }, want: grant.ErrRevoked},
		{name: "the user, before issue", revoke: func(s *grant.MemStore, _ grant.Token) error { return s.RevokeUser(ctx, customer, user, at) }, issued: time.Nanosecond},
		{name: "the user in another org", revoke: func(s *grant.MemStore, _ grant.Token) error { return s.RevokeUser(ctx, provider, user, at) }},
		{name: "the client, after issue", revoke: func(s *grant.MemStore, _ grant.Token) error { return s.RevokeClient(ctx, app.ID, at) }, issued: -time.Nanosecond, want: grant.ErrRevoked},
		{name: "the client, at issue", revoke: func(s *grant.MemStore, _ grant.Token) error { return s.RevokeClient(ctx, app.ID, at) }, want: grant.ErrRevoked},
		{name: "the client, before issue", revoke: func(s *grant.MemStore, _ grant.Token) error { return s.RevokeClient(ctx, app.ID, at) }, issued: time.Nanosecond},
		{name: "another client", revoke: func(s *grant.MemStore, _ grant.Token) error { return s.RevokeClient(ctx, client.NewID(), now) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := grant.NewMemStore(clock)
			tok := token(at.Add(tt.issued))
			require.NoError(t, tt.revoke(s, tok))
			direct := grant.NewValidator(clients, s, grant.WithClock(clock))
			behind := grant.NewValidator(clients, revocationsOnly{s}, grant.WithClock(clock))
			require.Equal(t, tt.want, direct.Check(ctx, &tok), "over the MemStore")
			require.Equal(t, tt.want, behind.Check(ctx, &tok), "behind the interface")
			revoked, err := s.IsRevoked(ctx, tok)
			require.NoError(t, err)
			require.Equal(t, tt.want != nil, revoked, "IsRevoked")
		})
	}
}

// TestCheckClientStatusAgreesWithTokenWorks: a Validator reads a
// client.MemStore directly and compares the client's DisabledAt with the
// token's issue time in line; over the same store behind the
// ClientStatuses interface it answers the same, and both answer what
// client.Status.TokenWorks does, for each state, at the disabling time
// and a nanosecond either side of it, for the zero DisabledAt (also in a
// location of its own) and for times at the ends of time.Time's range.
func TestCheckClientStatusAgreesWithTokenWorks(t *testing.T) {
	// Tokens issued in 2026, and at the zero time, which only the zero
	// DisabledAt is not after.
	for _, issued := range []time.Time{time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), {}} {
		now := issued.Add(time.Minute)
		clock := func() time.Time { return now }
		revocations := grant.NewMemStore(clock)
		disabledAts := []time.Time{
			{}, time.Time{}.In(time.FixedZone("east", 3600)),
			issued, issued.Add(-time.Nanosecond), issued.Add(time.Nanosecond), issued.Add(-time.Hour), now.Add(time.Hour),
			time.Unix(0, 0), earliest, latest, time.Unix(math.MaxInt64, 999_999_999),
		}
		for _, state := range []client.State{0, client.Active, client.Inactive, client.Disabled, 4} {
			for _, disabledAt := range disabledAts {
				clients := client.NewMemStore()
				app := client.Client{ID: client.NewID(), Org: provider, State: state, DisabledAt: disabledAt}
				require.NoError(t, clients.CreateClient(ctx, app))
				tok := grant.Token{ID: grant.NewTokenID(), Client: app.ID, Org: customer, GrantType: client.AuthorizationCode, User: user,
					IssuedAt: issued, ExpiresAt: issued.Add(time.Hour)}
				var want error
				if !app.Status().TokenWorks(issued) {
					want = grant.ErrClientDisabled
				}
				direct := grant.NewValidator(clients, revocations, grant.WithClock(clock))
				behind := grant.NewValidator(clientsOnly{clients}, revocations, grant.WithClock(clock))
				require.Equal(t, want, direct.Check(ctx, &tok), "%v disabled at %v, issued at %v: over the MemStore", state, disabledAt, issued)
				require.Equal(t, want, behind.Check(ctx, &tok), "%v disabled at %v, issued at %v: behind the interface", state, disabledAt, issued)
				require.ErrorIs(t, direct.Validate(ctx, tok), want)

				require.NoError(t, clients.DeleteClient(ctx, app.ID))
				require.Equal(t, grant.ErrClientDisabled, direct.Check(ctx, &tok), "a deleted client")
				require.Equal(t, grant.ErrClientDisabled, behind.Check(ctx, &tok), "a deleted client, behind the interface")
			}
		}
	}
}

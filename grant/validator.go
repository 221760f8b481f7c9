package grant

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/permission"
)

// ClientStatuses looks up the status of clients: the one thing about a
// client that a resource server needs on every request. [client.MemStore]
// implements it.
type ClientStatuses interface {
	// ClientStatus returns the client's status, or an error wrapping
	// client.ErrNotFound for a deleted client.
	ClientStatus(ctx context.Context, id client.ID) (client.Status, error)
}

// A Validator decides whether a token still works: well formed, not
// expired, not issued in the future (with a configurable clock skew), not
// revoked, and from a client that is neither disabled nor deleted, nor
// was disabled after the token was issued ([client.Status.TokenWorks]).
// It compares the token's times on the wall clock (see the package doc).
// It is safe for concurrent use.
type Validator struct {
	clients     ClientStatuses
	revocations Revocations
	validatorOptions
	ready bool // made by NewValidator with both stores and a clock
	// The stores' versions, when both have one: see Pass.
	revVersions    RevocationVersioner
	clientVersions permission.Versioner
	// mem is revocations when it is a *MemStore, asked without copying
	// the token into an interface call.
	mem *MemStore
	// cmem is clients when it is a *client.MemStore, whose ClientStatus
	// is then called directly, and inlined.
	cmem *client.MemStore
	// skewSpan is the clock skew, for instant arithmetic.
	skewSpan span
}

// errUnconfigured is what a validator without its stores answers: it
// cannot decide, so every token is refused.
var errUnconfigured = errors.New("grant: validator has no client states or revocation store")

// NewValidator returns a validator that looks client statuses up in
// clients and revocations in revocations.
func NewValidator(clients ClientStatuses, revocations Revocations, opts ...ValidatorOption) *Validator {
	v := &Validator{clients: clients, revocations: revocations, validatorOptions: buildValidatorOptions(opts)}
	v.ready = v.clients != nil && v.revocations != nil && v.now != nil
	v.mem, _ = revocations.(*MemStore) // nil for a nil *MemStore, which then answers its error
	v.cmem, _ = clients.(*client.MemStore)
	v.skewSpan = spanOf(v.skew)
	rv, ok1 := revocations.(RevocationVersioner)
	cv, ok2 := clients.(permission.Versioner)
	if ok1 && ok2 {
		v.revVersions, v.clientVersions = rv, cv
	}
	return v
}

// Validate returns nil if t works now, and otherwise an error wrapping
// ErrMalformed (see [Token.CheckClaims]), ErrNotYetValid, ErrExpired,
// ErrRevoked or ErrClientDisabled (for a client that is disabled or
// deleted, or was disabled since the token was issued), with the details. Other errors mean the validator could not decide (a store
// failed, or the validator was built without its stores); treat them as a
// denial.
func (v *Validator) Validate(ctx context.Context, t Token) error {
	var c checked
	switch err := v.check(ctx, &t, &c); err {
	case ErrMalformed:
		return t.CheckClaims()
	case ErrNotYetValid, ErrExpired:
		if err := t.CheckTime(c.now, v.skew); err != nil {
			return err
		}
		return err // CheckTime, consulting a monotonic reading, disagreed with the wall clock: still a denial
	case ErrClientDisabled:
		switch {
		case !c.found:
			return fmt.Errorf("%w: client %s was deleted", ErrClientDisabled, t.Client)
		case !c.status.State.TokensWork():
			return fmt.Errorf("%w: client %s is %s", ErrClientDisabled, t.Client, c.status.State)
		}
		return fmt.Errorf("%w: client %s was disabled at %s, after the token was issued", ErrClientDisabled, t.Client, c.status.DisabledAt.UTC().Format(time.RFC3339))
	default:
		return err
	}
}

// Check is Validate without the details, for a resource server's hot
// path: a refusal is exactly ErrMalformed, ErrNotYetValid, ErrExpired,
// ErrRevoked or ErrClientDisabled, unwrapped, so that a caller can compare
// with == and nothing is allocated. Any other error means the validator
// could not decide. Check reads t and does not keep it; a nil t is
// ErrMalformed.
func (v *Validator) Check(ctx context.Context, t *Token) error {
	var c checked
	return v.check(ctx, t, &c)
}

// checked is what check saw, for Validate's details.
type checked struct {
	now    time.Time
	status client.Status
	found  bool // the client exists
}

func (v *Validator) check(ctx context.Context, t *Token, c *checked) error {
	if v == nil || !v.ready {
		return errUnconfigured
	}
	if t == nil || t.fieldsProblem() != claimsOK {
		return ErrMalformed
	}
	// Each time is read once, into integers that compare in line.
	iat, exp := instantOf(t.IssuedAt), instantOf(t.ExpiresAt)
	if lifeProblem(iat, exp) != claimsOK {
		return ErrMalformed
	}
	c.now = v.now()
	now := instantOf(c.now)
	// The times: Token.CheckTime's rule (see timeProblem).
	if v.skew != 0 {
		if now.before(iat.minus(v.skewSpan)) {
			return ErrNotYetValid
		}
		if !now.before(exp.plus(v.skewSpan)) {
			return ErrExpired
		}
	} else {
		if now.before(iat) {
			return ErrNotYetValid
		}
		if !now.before(exp) {
			return ErrExpired
		}
	}
	var revoked bool
	var err error
	if v.mem != nil {
		revoked = v.mem.revoked(t)
	} else if revoked, err = v.revocations.IsRevoked(ctx, *t); err != nil {
		return fmt.Errorf("grant: checking revocation: %w", err)
	}
	if revoked {
		return ErrRevoked
	}
	if v.cmem != nil {
		c.status, err = v.cmem.ClientStatus(ctx, t.Client)
	} else {
		c.status, err = v.clients.ClientStatus(ctx, t.Client)
	}
	if c.found = err == nil; c.found {
		// client.Status.TokenWorks, its times compared in line: the
		// client's state lets its tokens work, and the token was issued
		// after the client was last disabled, if ever.
		if c.status.State.TokensWork() {
			if disabled := instantOf(c.status.DisabledAt); disabled == (instant{}) || disabled.before(iat) {
				return nil
			}
		}
		return ErrClientDisabled
	}
	if errors.Is(err, client.ErrNotFound) {
		return ErrClientDisabled
	}
	return fmt.Errorf("grant: looking up client %s: %w", t.Client, err)
}

// A Pass is a [Validator]'s acceptance of one token, kept so that the
// token's next requests need not look it up again: [Validator.Pass] gives
// one, and [Validator.Holds] tells whether it still holds. The zero Pass
// holds for nothing.
type Pass struct {
	v *Validator
	// The token works from notBefore to before notAfter, in Unix
	// nanoseconds, the clock skew allowed.
	notBefore, notAfter int64
	// The stores' versions, read before the check.
	revocations, clients uint64
}

// maxPassSeconds bounds the Unix times, in seconds, that a Pass counts in
// nanoseconds: about 285 years from 1970, well inside int64.
const maxPassSeconds = 9e9

// unixNano returns t in Unix nanoseconds, and false when it is too far
// from 1970 to count in an int64.
func unixNano(t time.Time) (int64, bool) {
	s := t.Unix()
	if s <= -maxPassSeconds || s >= maxPassSeconds {
		return 0, false
	}
	return s*1e9 + int64(t.Nanosecond()), true
}

// Pass is [Validator.Check], and for a token it accepts, a Pass: while it
// holds ([Validator.Holds]), Check would accept the same token again, so
// a caller that keeps the two together may skip Check. A Pass holds while
// the token is within its times, allowing the clock skew, and neither
// store has changed: it needs a revocation store that is a
// [RevocationVersioner] and client statuses that are a
// permission.Versioner ([MemStore] and [client.MemStore] are). With other
// stores, or for a token whose times are centuries from 1970, the Pass is
// zero and holds for nothing. Pass allocates nothing.
func (v *Validator) Pass(ctx context.Context, t *Token) (Pass, error) {
	var p Pass
	if v != nil && v.revVersions != nil && t != nil {
		// The versions first: a change during the check then shows.
		p.revocations, p.clients = v.revVersions.RevocationVersion(), v.clientVersions.Version()
	}
	if err := v.Check(ctx, t); err != nil {
		return Pass{}, err
	}
	if v.revVersions == nil {
		return Pass{}, nil
	}
	iat, ok1 := unixNano(t.IssuedAt)
	exp, ok2 := unixNano(t.ExpiresAt)
	if !ok1 || !ok2 {
		return Pass{}, nil
	}
	p.v, p.notBefore, p.notAfter = v, iat-int64(v.skew), exp+int64(v.skew)
	return p, nil
}

// Holds reports whether p still holds: the clock is within the token's
// times, and neither store has changed since p was given. It is for the
// token p was given for, unchanged, and by v: keep a Pass with its token.
// It takes no lock and allocates nothing.
func (v *Validator) Holds(p Pass) bool {
	if v == nil || p.v != v {
		return false
	}
	now, ok := unixNano(v.now())
	return ok && p.notBefore <= now && now < p.notAfter &&
		p.revocations == v.revVersions.RevocationVersion() && p.clients == v.clientVersions.Version()
}

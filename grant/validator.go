package grant

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scopegate/scopegate/client"
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
// It is safe for concurrent use.
type Validator struct {
	clients     ClientStatuses
	revocations Revocations
	validatorOptions
	ready bool // made by NewValidator with both stores and a clock
}

// errUnconfigured is what a validator without its stores answers: it
// cannot decide, so every token is refused.
var errUnconfigured = errors.New("grant: validator has no client states or revocation store")

// NewValidator returns a validator that looks client statuses up in
// clients and revocations in revocations.
func NewValidator(clients ClientStatuses, revocations Revocations, opts ...ValidatorOption) *Validator {
	v := &Validator{clients: clients, revocations: revocations, validatorOptions: buildValidatorOptions(opts)}
	v.ready = v.clients != nil && v.revocations != nil && v.now != nil
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
		return err // not reached: the same time gives the same answer
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
	if t == nil || t.claimsProblem() != claimsOK {
		return ErrMalformed
	}
	c.now = v.now()
	if err := t.timeProblem(c.now, v.skew); err != nil {
		return err
	}
	revoked, err := v.revocations.IsRevoked(ctx, *t)
	if err != nil {
		return fmt.Errorf("grant: checking revocation: %w", err)
	}
	if revoked {
		return ErrRevoked
	}
	c.status, err = v.clients.ClientStatus(ctx, t.Client)
	c.found = err == nil
	switch {
	case err == nil && c.status.TokenWorks(t.IssuedAt):
		return nil
	case err == nil, errors.Is(err, client.ErrNotFound):
		return ErrClientDisabled
	}
	return fmt.Errorf("grant: looking up client %s: %w", t.Client, err)
}

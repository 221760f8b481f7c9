package grant

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scopegate/scopegate/client"
)

// ClientStates looks up the state of clients: the one thing about a
// client that a resource server needs on every request. [client.MemStore]
// implements it.
type ClientStates interface {
	// ClientState returns the client's state, or an error wrapping
	// client.ErrNotFound for a deleted client.
	ClientState(ctx context.Context, id client.ID) (client.State, error)
}

// A Validator decides whether a token still works: well formed, not
// expired, not issued in the future (with a configurable clock skew), not revoked, and
// from a client that is neither disabled nor deleted. It is safe for
// concurrent use.
type Validator struct {
	clients     ClientStates
	revocations Revocations
	options
}

// errUnconfigured is what a validator without its stores answers: it
// cannot decide, so every token is refused.
var errUnconfigured = errors.New("grant: validator has no client states or revocation store")

// NewValidator returns a validator that looks client states up in clients
// and revocations in revocations.
func NewValidator(clients ClientStates, revocations Revocations, opts ...Option) *Validator {
	return &Validator{clients: clients, revocations: revocations, options: buildOptions(opts)}
}

// Validate returns nil if t works now, and otherwise an error wrapping
// ErrMalformed (see [Token.CheckClaims]), ErrNotYetValid, ErrExpired,
// ErrRevoked or ErrClientDisabled (for a disabled or deleted client), with
// the details. Other errors mean the validator could not decide (a store
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
		if !c.found {
			return fmt.Errorf("%w: client %s was deleted", ErrClientDisabled, t.Client)
		}
		return fmt.Errorf("%w: client %s is %s", ErrClientDisabled, t.Client, c.state)
	default:
		return err
	}
}

// Check is Validate without the details, for a resource server's hot
// path: a refusal is exactly ErrMalformed, ErrNotYetValid, ErrExpired,
// ErrRevoked or ErrClientDisabled, unwrapped, so that a caller can compare
// with == and nothing is allocated. Any other error means the validator
// could not decide. Check reads t and does not keep it.
func (v *Validator) Check(ctx context.Context, t *Token) error {
	var c checked
	return v.check(ctx, t, &c)
}

// checked is what check saw, for Validate's details.
type checked struct {
	now   time.Time
	state client.State
	found bool // the client exists
}

func (v *Validator) check(ctx context.Context, t *Token, c *checked) error {
	if v == nil || v.clients == nil || v.revocations == nil || v.now == nil {
		return errUnconfigured
	}
	if t.claimsProblem() != claimsOK {
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
	c.state, err = v.clients.ClientState(ctx, t.Client)
	c.found = err == nil
	switch {
	case err == nil && c.state.TokensWork():
		return nil
	case err == nil, errors.Is(err, client.ErrNotFound):
		return ErrClientDisabled
	}
	return fmt.Errorf("grant: looking up client %s: %w", t.Client, err)
}

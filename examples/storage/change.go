package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/grant"
	"github.com/scopegate/scopegate/permission"
)

// A ChangeKind says what a [Change] changed, and so which cache entries it
// makes stale.
type ChangeKind uint8

const (
	_ ChangeKind = iota
	// TokenRevoked: a token was revoked by its ID; At is how long its
	// revocation is kept (the token's expiry, or the latest it can be).
	TokenRevoked
	// UserRevoked: every token of User in Org issued at or before At.
	UserRevoked
	// ClientRevoked: every token of Client issued at or before At.
	ClientRevoked
	// ClientChanged: Client (of Org) was created, updated or deleted: its
	// status, and a client-credentials client's roles, may differ.
	ClientChanged
	// SubjectChanged: the grants or groups of Subject in Org changed.
	SubjectChanged
	// OrgChanged: a role or the divisions of Org changed, or a group's
	// grants: the access of any subject of the org may differ.
	OrgChanged
	// Everything: anything may have changed; reload it all. A change too
	// large for a notification is sent as this.
	Everything
)

var kindNames = [...]string{
	TokenRevoked:   "token",
	UserRevoked:    "user",
	ClientRevoked:  "client",
	ClientChanged:  "client-changed",
	SubjectChanged: "subject",
	OrgChanged:     "org",
	Everything:     "all",
}

// String returns the kind's name in a payload: token, user, client,
// client-changed, subject, org or all.
func (k ChangeKind) String() string {
	if k >= TokenRevoked && k <= Everything {
		return kindNames[k]
	}
	return fmt.Sprintf("ChangeKind(%d)", uint8(k))
}

// A Change is what a store tells the caches after a write: which
// revocation to add, or which cached entries to drop. Stores send it to
// the observers of their own process (see [Notifier]) and, on
// PostgreSQL, to every replica as a NOTIFY payload ([Change.Payload]).
// It never holds a secret: token IDs, client IDs, org and user IDs, and
// times.
type Change struct {
	Kind    ChangeKind
	Org     permission.OrgID
	Client  client.ID
	Token   grant.TokenID
	User    string
	Subject permission.Subject
	At      time.Time
}

// MaxPayload is the longest payload [Change.Payload] writes; a change that
// does not fit (an org or user ID of kilobytes) is sent as Everything.
// PostgreSQL accepts NOTIFY payloads shorter than 8000 bytes.
const MaxPayload = 7900

// payload is a Change on the wire. Times are Unix nanoseconds: a
// revocation compares them to the nanosecond.
type payload struct {
	Kind    string `json:"k"`
	Org     string `json:"o,omitempty"`
	Client  string `json:"c,omitempty"`
	Token   string `json:"t,omitempty"`
	User    string `json:"u,omitempty"`
	Subject string `json:"s,omitempty"` // kind:id, as Subject.String
	At      *int64 `json:"at,omitempty"`
}

// everythingPayload is the payload of Everything.
const everythingPayload = `{"k":"all"}`

// Payload returns c as a NOTIFY payload, at most MaxPayload bytes: c
// itself, or Everything when c does not fit or is invalid.
func (c Change) Payload() string {
	if c.Check() != nil {
		return everythingPayload
	}
	p := payload{Kind: c.Kind.String(), Org: string(c.Org), User: c.User}
	if c.Client.IsValid() {
		p.Client = c.Client.String()
	}
	if c.Token.IsValid() {
		p.Token = c.Token.String()
	}
	if c.Subject.IsValid() {
		p.Subject = c.Subject.String()
	}
	if !c.At.IsZero() {
		ns := c.At.UnixNano()
		p.At = &ns
	}
	b, err := json.Marshal(p)
	if err != nil || len(b) > MaxPayload {
		return everythingPayload
	}
	return string(b)
}

// ParseChange parses a payload written by [Change.Payload]. It refuses,
// with an error wrapping ErrInvalid, anything else: unknown kinds and
// fields, and a change without the fields its kind needs.
func ParseChange(s string) (Change, error) {
	fail := func(why string) (Change, error) {
		return Change{}, fmt.Errorf("%w: change payload: %s", ErrInvalid, why)
	}
	if len(s) > MaxPayload {
		return fail("too long")
	}
	var p payload
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return fail("not a JSON object of a change")
	}
	if dec.More() {
		return fail("text after the change")
	}
	var c Change
	for k, name := range kindNames {
		if name != "" && name == p.Kind {
			c.Kind = ChangeKind(k)
		}
	}
	if c.Kind == 0 {
		return fail("unknown kind")
	}
	c.Org, c.User = permission.OrgID(p.Org), p.User
	var err error
	if p.Client != "" {
		if c.Client, err = client.ParseID(p.Client); err != nil {
			return fail("bad client ID")
		}
	}
	if p.Token != "" {
		if c.Token, err = grant.ParseTokenID(p.Token); err != nil {
			return fail("bad token ID")
		}
	}
	if p.Subject != "" {
		if c.Subject, err = parseSubject(p.Subject); err != nil {
			return fail("bad subject")
		}
	}
	if p.At != nil {
		c.At = time.Unix(0, *p.At)
	}
	if err := c.Check(); err != nil {
		return fail(err.Error())
	}
	return c, nil
}

// Check reports, with an error, a change without the fields its kind needs, or with
// fields it does not use.
func (c Change) Check() error {
	type has struct{ org, client, token, user, subject, at bool }
	var need has
	switch c.Kind {
	case TokenRevoked:
		need = has{token: true, at: true}
	case UserRevoked:
		need = has{org: true, user: true, at: true}
	case ClientRevoked:
		need = has{client: true, at: true}
	case ClientChanged:
		need = has{org: true, client: true}
	case SubjectChanged:
		need = has{org: true, subject: true}
	case OrgChanged:
		need = has{org: true}
	case Everything:
	default:
		return fmt.Errorf("unknown kind %d", uint8(c.Kind))
	}
	got := has{c.Org != "", c.Client.IsValid(), c.Token.IsValid(), c.User != "", c.Subject.IsValid(), !c.At.IsZero()}
	if got != need {
		return fmt.Errorf("a %s change needs exactly %+v, has %+v", c.Kind, need, got)
	}
	return nil
}

// parseSubject parses Subject.String's kind:id.
func parseSubject(s string) (permission.Subject, error) {
	for _, k := range []permission.SubjectKind{permission.UserSubject, permission.GroupSubject, permission.ClientSubject} {
		prefix := k.String() + ":"
		if len(s) > len(prefix) && s[:len(prefix)] == prefix {
			return permission.Subject{Kind: k, ID: s[len(prefix):]}, nil
		}
	}
	return permission.Subject{}, fmt.Errorf("%w: subject %q", ErrInvalid, clip(s))
}

// clip shortens untrusted input quoted in an error message.
func clip(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

// A Notifier is a store that tells observers in its own process about
// each change its writes commit, right after the commit. Both SQL stores
// are Notifiers; [NewCache] observes one, so that a process sees its own
// writes at once.
type Notifier interface {
	// Observe calls f after each committed change, on the writer's
	// goroutine, until the returned function is called. f must be quick
	// and must not call the store's writes.
	Observe(f func(context.Context, Change)) (stop func())
}

// Observers is a list of observers, for a [Notifier] to embed: its zero
// value is ready to use, and safe for concurrent use.
type Observers struct {
	mu   sync.Mutex
	next int
	fs   map[int]func(context.Context, Change)
}

// Observe implements [Notifier].
func (o *Observers) Observe(f func(context.Context, Change)) (stop func()) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fs == nil {
		o.fs = make(map[int]func(context.Context, Change))
	}
	id := o.next
	o.next++
	o.fs[id] = f
	return func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		delete(o.fs, id)
	}
}

// Notify calls every observer with each change, in order.
func (o *Observers) Notify(ctx context.Context, changes ...Change) {
	o.mu.Lock()
	fs := make([]func(context.Context, Change), 0, len(o.fs))
	for _, f := range o.fs {
		fs = append(fs, f)
	}
	o.mu.Unlock()
	for _, c := range changes {
		for _, f := range fs {
			f(ctx, c)
		}
	}
}

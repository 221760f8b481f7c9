package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/permission"
)

// The demo's resources live in memory, in a directory that is safe for
// concurrent use. Users and queues belong to divisions; the enforcer learns
// a resource's division through the directory's ResolveDivision.

type divisionRef struct {
	ID   permission.DivisionID `json:"id"`
	Name string                `json:"name"`
}

type user struct {
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	Email    string      `json:"email"`
	Division divisionRef `json:"division"`
}

type presence struct {
	Status     string    `json:"status"`
	ModifiedBy string    `json:"modifiedBy,omitempty"`
	ModifiedAt time.Time `json:"modifiedAt"`
}

type participant struct {
	Purpose string `json:"purpose"` // "customer" or "agent"
	Name    string `json:"name"`
	UserID  string `json:"userId,omitempty"`
}

type conversation struct {
	ID           string        `json:"id"`
	State        string        `json:"state"` // "connected" or "disconnected"
	StartedAt    time.Time     `json:"startedAt"`
	Participants []participant `json:"participants"`
}

// presenceStatuses are the system presences a user can be set to.
var presenceStatuses = []string{"Available", "Away", "Break", "Busy", "Meal", "Meeting", "Offline", "On Queue", "Training"}

type directory struct {
	divisions *permission.Divisions

	mu            sync.RWMutex
	users         map[string]user
	presences     map[string]presence
	conversations map[string]conversation
	nextID        int
	// Other resources the endpoint table makes division-aware.
	queues    map[string]permission.DivisionID
	campaigns map[string]permission.DivisionID
}

func newDirectory(divs *permission.Divisions, now time.Time) *directory {
	d := &directory{divisions: divs, users: map[string]user{}, presences: map[string]presence{}, conversations: map[string]conversation{},
		nextID:    1,
		queues:    map[string]permission.DivisionID{"q-support": "home", "q-sales": "sales"},
		campaigns: map[string]permission.DivisionID{"c-renewals": "sales"}}
	for _, u := range demoUsers {
		d.users[u.id] = user{ID: u.id, Name: u.name, Email: u.id[2:] + "@demo.example", Division: d.ref(u.division)}
		d.presences[u.id] = presence{Status: "Available", ModifiedAt: now}
	}
	for i, c := range []struct{ id, customer, agent, state string }{
		{"c-1001", "+1 555 0100", "u-agent", "connected"},
		{"c-1002", "+1 555 0101", "u-sales", "connected"},
		{"c-1003", "+1 555 0102", "u-agent", "disconnected"},
	} {
		d.conversations[c.id] = conversation{ID: c.id, State: c.state, StartedAt: now.Add(-time.Duration(10*(i+1)) * time.Minute),
			Participants: []participant{{Purpose: "customer", Name: c.customer}, {Purpose: "agent", Name: d.users[c.agent].Name, UserID: c.agent}}}
	}
	return d
}

func (d *directory) ref(id permission.DivisionID) divisionRef {
	div, _ := d.divisions.Lookup(id)
	return divisionRef{ID: id, Name: div.Name}
}

// ResolveDivision implements enforce.DivisionResolver. A nil directory
// cannot tell: its error is not ErrNoResource, so the enforcer denies with
// 503 rather than say that the resource does not exist.
func (d *directory) ResolveDivision(_ context.Context, _ client.OrgID, _, param, value string) (permission.DivisionID, error) {
	if d == nil {
		return "", errors.New("demoapi: no directory")
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	var div permission.DivisionID
	var ok bool
	switch param {
	case "userId":
		var u user
		u, ok = d.users[value]
		div = u.Division.ID
	case "queueId":
		div, ok = d.queues[value]
	case "campaignId":
		div, ok = d.campaigns[value]
	}
	if !ok {
		return "", fmt.Errorf("demoapi: %s %q: %w", param, value, enforce.ErrNoResource)
	}
	return div, nil
}

func (d *directory) listUsers() []user {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]user, 0, len(d.users))
	for _, u := range d.users {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b user) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func (d *directory) user(id string) (user, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	u, ok := d.users[id]
	return u, ok
}

func (d *directory) createUser(name, email string, div permission.DivisionID, now time.Time) (user, error) {
	if _, ok := d.divisions.Lookup(div); !ok {
		return user{}, fmt.Errorf("no division %q", div)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	id := fmt.Sprintf("u-%d", d.nextID)
	d.nextID++
	u := user{ID: id, Name: name, Email: email, Division: d.ref(div)}
	d.users[id] = u
	d.presences[id] = presence{Status: "Offline", ModifiedAt: now}
	return u, nil
}

func (d *directory) updateUser(id, name, email string) (user, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	u, ok := d.users[id]
	if !ok {
		return user{}, false
	}
	if name != "" {
		u.Name = name
	}
	if email != "" {
		u.Email = email
	}
	d.users[id] = u
	return u, true
}

func (d *directory) deleteUser(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.users[id]
	delete(d.users, id)
	delete(d.presences, id)
	return ok
}

func (d *directory) presence(id string) (presence, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	p, ok := d.presences[id]
	return p, ok
}

func (d *directory) setPresence(id, status, by string, now time.Time) (presence, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.users[id]; !ok {
		return presence{}, false
	}
	p := presence{Status: status, ModifiedBy: by, ModifiedAt: now}
	d.presences[id] = p
	return p, true
}

func (d *directory) listConversations() []conversation {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]conversation, 0, len(d.conversations))
	for _, c := range d.conversations {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b conversation) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func (d *directory) conversation(id string) (conversation, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	c, ok := d.conversations[id]
	return c, ok
}

func (d *directory) createConversation(customer, agentID string, now time.Time) (conversation, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	agent, ok := d.users[agentID]
	if !ok {
		return conversation{}, fmt.Errorf("no user %q", agentID)
	}
	id := fmt.Sprintf("c-%d", 2000+d.nextID)
	d.nextID++
	c := conversation{ID: id, State: "connected", StartedAt: now,
		Participants: []participant{{Purpose: "customer", Name: customer}, {Purpose: "agent", Name: agent.Name, UserID: agent.ID}}}
	d.conversations[id] = c
	return c, nil
}

// disconnect ends a conversation; it reports whether there was one.
func (d *directory) disconnect(id string) (conversation, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, ok := d.conversations[id]
	if ok {
		c.State = "disconnected"
		d.conversations[id] = c
	}
	return c, ok
}

// transfer hands a connected conversation's agent leg to another user.
func (d *directory) transfer(id, toUser string) (conversation, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, ok := d.conversations[id]
	switch {
	case !ok:
		return conversation{}, errNotFound
	case c.State != "connected":
		return conversation{}, fmt.Errorf("conversation %s is %s", id, c.State)
	}
	target, ok := d.users[toUser]
	if !ok {
		return conversation{}, fmt.Errorf("no user %q to transfer to", toUser)
	}
	parts := slices.Clone(c.Participants)
	for i, p := range parts {
		if p.Purpose == "agent" {
			parts[i] = participant{Purpose: "agent", Name: target.Name, UserID: target.ID}
		}
	}
	c.Participants = parts
	d.conversations[id] = c
	return c, nil
}

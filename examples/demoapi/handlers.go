package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/scopegate/scopegate/examples/httpmw"
	"github.com/scopegate/scopegate/permission"
)

// maxBody is the largest request body the handlers read.
const maxBody = 64 << 10

var (
	permEditOwnPresence = permission.MustParse("presence:userPresence:edit")
	permEditAnyPresence = permission.MustParse("presence:userPresence:editAll")
)

// handlers returns the handlers with data behind them, by route. Every
// other endpoint of the table gets stub. Each runs only after the
// middleware allowed the request.
func (s *server) handlers() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"GET /api/v2/users":                     s.listUsers,
		"POST /api/v2/users":                    s.createUser,
		"GET /api/v2/users/me":                  s.me,
		"GET /api/v2/users/{userId}":            s.getUser,
		"PATCH /api/v2/users/{userId}":          s.updateUser,
		"PUT /api/v2/users/{userId}":            s.updateUser,
		"DELETE /api/v2/users/{userId}":         s.deleteUser,
		"GET /api/v2/users/{userId}/presence":   s.getPresence,
		"PATCH /api/v2/users/{userId}/presence": s.setPresence,

		"GET /api/v2/conversations":                                               s.listConversations,
		"POST /api/v2/conversations":                                              s.createConversation,
		"GET /api/v2/conversations/{conversationId}":                              s.getConversation,
		"DELETE /api/v2/conversations/{conversationId}":                           s.disconnect,
		"POST /api/v2/conversations/{conversationId}/participants/calls/transfer": s.transfer,
		"GET /api/v2/conversations/{conversationId}/recordings":                   s.recordings,
	}
}

// list is the envelope of a list, as the Platform API writes it.
type list[T any] struct {
	Entities []T `json:"entities"`
	Total    int `json:"total"`
}

func (s *server) listUsers(w http.ResponseWriter, _ *http.Request) {
	users := s.dir.listUsers()
	writeJSON(w, http.StatusOK, list[user]{Entities: users, Total: len(users)})
}

func (s *server) me(w http.ResponseWriter, r *http.Request) {
	tok, _ := httpmw.TokenFrom(r.Context()) // the endpoint requires a user
	s.writeUser(w, tok.User)
}

func (s *server) getUser(w http.ResponseWriter, r *http.Request) {
	s.writeUser(w, r.PathValue("userId"))
}

func (s *server) writeUser(w http.ResponseWriter, id string) {
	u, ok := s.dir.user(id)
	if !ok {
		httpmw.WriteError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("no user %q", id))
		return
	}
	writeJSON(w, http.StatusOK, u)
}

type userInput struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

func (in userInput) check(create bool) error {
	switch {
	case create && (in.Name == "" || in.Email == ""):
		return errors.New("name and email are required")
	case len(in.Name) > 128 || len(in.Email) > 254:
		return errors.New("name or email too long")
	case in.Email != "" && !strings.Contains(in.Email, "@"):
		return errors.New("email has no @")
	}
	return nil
}

func (s *server) createUser(w http.ResponseWriter, r *http.Request) {
	var in userInput
	if !readJSON(w, r, &in) {
		return
	}
	if err := in.check(true); err != nil {
		httpmw.WriteError(w, http.StatusBadRequest, "BAD_REQUEST", err.Error())
		return
	}
	// The enforcer checked directory:user:add in this division.
	u, err := s.dir.createUser(in.Name, in.Email, divisionParam(r), s.now())
	if err != nil {
		httpmw.WriteError(w, http.StatusBadRequest, "BAD_REQUEST", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

func (s *server) updateUser(w http.ResponseWriter, r *http.Request) {
	var in userInput
	if !readJSON(w, r, &in) {
		return
	}
	if err := in.check(r.Method == http.MethodPut); err != nil {
		httpmw.WriteError(w, http.StatusBadRequest, "BAD_REQUEST", err.Error())
		return
	}
	u, ok := s.dir.updateUser(r.PathValue("userId"), in.Name, in.Email)
	if !ok {
		httpmw.WriteError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("no user %q", r.PathValue("userId")))
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (s *server) deleteUser(w http.ResponseWriter, r *http.Request) {
	if !s.dir.deleteUser(r.PathValue("userId")) {
		httpmw.WriteError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("no user %q", r.PathValue("userId")))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *server) getPresence(w http.ResponseWriter, r *http.Request) {
	p, ok := s.dir.presence(r.PathValue("userId"))
	if !ok {
		httpmw.WriteError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("no user %q", r.PathValue("userId")))
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// setPresence shows a check the endpoint table cannot express: the table
// accepts either presence:userPresence:edit or :editAll, and the handler
// lets :edit change only the caller's own presence.
func (s *server) setPresence(w http.ResponseWriter, r *http.Request) {
	target := r.PathValue("userId")
	tok, _ := httpmw.TokenFrom(r.Context())
	if tok.User != target {
		access, err := s.access.Access(r.Context(), tok.Org, tok.Subject())
		if err != nil {
			httpmw.WriteError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "the caller's permissions could not be read")
			return
		}
		if !access.Has(permEditAnyPresence, permission.OrgWide()) {
			httpmw.WriteError(w, http.StatusForbidden, "PERMISSIONS_INSUFFICIENT", fmt.Sprintf(
				"%s lets a user set only their own presence; setting another user's needs %s. To fix: assign the user a role with %s.",
				permEditOwnPresence, permEditAnyPresence, permEditAnyPresence))
			return
		}
	}
	var in struct {
		Status string `json:"status"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if !slices.Contains(presenceStatuses, in.Status) {
		httpmw.WriteError(w, http.StatusBadRequest, "BAD_REQUEST", fmt.Sprintf("status must be one of %s", strings.Join(presenceStatuses, ", ")))
		return
	}
	by := tok.User
	if by == "" {
		by = "client " + tok.Client.String()
	}
	p, ok := s.dir.setPresence(target, in.Status, by, s.now())
	if !ok {
		httpmw.WriteError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("no user %q", target))
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *server) listConversations(w http.ResponseWriter, _ *http.Request) {
	cs := s.dir.listConversations()
	writeJSON(w, http.StatusOK, list[conversation]{Entities: cs, Total: len(cs)})
}

func (s *server) createConversation(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Customer string `json:"customer"`
		UserID   string `json:"userId"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.Customer == "" || len(in.Customer) > 128 {
		httpmw.WriteError(w, http.StatusBadRequest, "BAD_REQUEST", "customer is required, at most 128 bytes")
		return
	}
	c, err := s.dir.createConversation(in.Customer, in.UserID, s.now())
	if err != nil {
		httpmw.WriteError(w, http.StatusBadRequest, "BAD_REQUEST", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (s *server) getConversation(w http.ResponseWriter, r *http.Request) {
	c, ok := s.dir.conversation(r.PathValue("conversationId"))
	if !ok {
		httpmw.WriteError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("no conversation %q", r.PathValue("conversationId")))
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *server) disconnect(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.dir.disconnect(r.PathValue("conversationId")); !ok {
		httpmw.WriteError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("no conversation %q", r.PathValue("conversationId")))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *server) transfer(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UserID string `json:"userId"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	c, err := s.dir.transfer(r.PathValue("conversationId"), in.UserID)
	switch {
	case errors.Is(err, errNotFound):
		httpmw.WriteError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("no conversation %q", r.PathValue("conversationId")))
	case err != nil:
		httpmw.WriteError(w, http.StatusConflict, "CONFLICT", err.Error())
	default:
		writeJSON(w, http.StatusAccepted, c)
	}
}

func (s *server) recordings(w http.ResponseWriter, r *http.Request) {
	c, ok := s.dir.conversation(r.PathValue("conversationId"))
	if !ok {
		httpmw.WriteError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("no conversation %q", r.PathValue("conversationId")))
		return
	}
	type recording struct {
		ID              string `json:"id"`
		DurationSeconds int    `json:"durationSeconds"`
	}
	writeJSON(w, http.StatusOK, list[recording]{Entities: []recording{{ID: "r-" + c.ID[2:], DurationSeconds: 95}}, Total: 1})
}

// stub answers the endpoints of the table that have no data in the demo.
// The authorization in front of it is the real one.
func stub(w http.ResponseWriter, r *http.Request) {
	d, _ := httpmw.DecisionFrom(r.Context())
	writeJSON(w, http.StatusOK, struct {
		Route    string   `json:"route"`
		Scope    string   `json:"scope,omitempty"`
		Entities []string `json:"entities"`
		Note     string   `json:"note"`
	}{Route: d.Route(), Scope: d.MatchedScope().String(), Entities: []string{}, Note: "the demo has no data here; the authorization was real"})
}

// readJSON decodes a JSON body strictly into v, or answers 400 or 413.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("data after the JSON object")
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		httpmw.WriteError(w, http.StatusRequestEntityTooLarge, "BODY_TOO_LARGE", fmt.Sprintf("the body may have at most %d bytes", maxBody))
		return false
	case err != nil:
		httpmw.WriteError(w, http.StatusBadRequest, "BAD_REQUEST", "the body is not the JSON object this endpoint takes: "+err.Error())
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		httpmw.WriteError(w, http.StatusInternalServerError, "INTERNAL", "the answer could not be encoded")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

package route

import "testing"

// TestPatternParamIsAWholeWildcard: PatternParam names a segment's
// wildcard only when the segment is exactly "{name}"; a segment that
// mixes text and wildcards has no name to read a path value by.
func TestPatternParamIsAWholeWildcard(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		i       int
		name    string
		ok      bool
	}{
		{"GET /users/{id}", 1, "id", true},
		{"/users/{id}/roles", 1, "id", true},
		{"GET example.com/users/{id}", 1, "id", true},
		{"GET /users/{id}", 0, "", false},
		{"GET /users/{id}", 2, "", false},
		{"GET /users/{id}.{format}", 1, "", false},
		{"GET /users/{a}{b}", 1, "", false},
		{"GET /users/{id}}", 1, "", false},
		{"GET /users/{{id}", 1, "", false},
		{"GET /users/x{id}", 1, "", false},
		{"GET /users/{id}x", 1, "", false},
		{"GET /users/{}", 1, "", false},
		{"GET /users/{id...}", 1, "", false},
		{"GET /users/{$}", 1, "", false},
	} {
		name, ok := PatternParam(tc.pattern, tc.i)
		if name != tc.name || ok != tc.ok {
			t.Errorf("PatternParam(%q, %d) = %q, %v; want %q, %v", tc.pattern, tc.i, name, ok, tc.name, tc.ok)
		}
	}
}

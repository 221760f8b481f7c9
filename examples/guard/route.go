package guard

import "strings"

// ColonRoute translates a route in the syntax of gin and echo to the one
// the enforcer reads, Go's http.ServeMux's: a parameter ":userId" becomes
// "{userId}", a catch-all "*filepath" becomes "{filepath...}" and a bare
// "*" becomes "{...}". "/api/v2/users/:userId" is "/api/v2/users/{userId}".
//
// What the table cannot hold matches no endpoint, so that it is denied: a
// catch-all, a parameter inside a segment ("/files/v:version"), and a
// route with a brace, which these frameworks take as plain text (it is
// translated to NoRoute).
func ColonRoute(route string) string {
	if strings.ContainsAny(route, "{}") {
		return NoRoute
	}
	if strings.IndexByte(route, ':') < 0 && strings.IndexByte(route, '*') < 0 {
		return route
	}
	var b strings.Builder
	b.Grow(len(route) + 8)
	for i := 0; i < len(route); {
		c := route[i]
		if c != ':' && c != '*' {
			b.WriteByte(c)
			i++
			continue
		}
		end := i + 1
		for end < len(route) && route[end] != '/' {
			end++
		}
		name := route[i+1 : end]
		b.WriteByte('{')
		b.WriteString(name)
		if c == '*' {
			b.WriteString("...")
		}
		b.WriteByte('}')
		i = end
	}
	return b.String()
}

// BraceRoute translates a route in chi's syntax to http.ServeMux's: a
// parameter with a regular expression, "{id:[0-9]+}", becomes "{id}", and
// the catch-all "*" becomes "{...}", which matches no endpoint. Other
// parameters are already in the enforcer's form. Unbalanced braces, which
// chi does not register, give NoRoute.
func BraceRoute(route string) string {
	if plainBraces(route) {
		return route
	}
	var b strings.Builder
	b.Grow(len(route))
	for i := 0; i < len(route); {
		switch c := route[i]; c {
		case '*':
			b.WriteString("{...}")
			i++
		case '}':
			return NoRoute // unbalanced: chi would not have registered it
		case '{':
			// The parameter runs to its closing brace; a regular
			// expression may hold braces of its own.
			depth, end := 0, i
			for ; end < len(route); end++ {
				if route[end] == '{' {
					depth++
				} else if route[end] == '}' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if end == len(route) {
				return NoRoute // unbalanced: chi would not have registered it
			}
			name, _, _ := strings.Cut(route[i+1:end], ":")
			b.WriteByte('{')
			b.WriteString(name)
			b.WriteByte('}')
			i = end + 1
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// plainBraces reports whether route is in the enforcer's form already:
// balanced braces, none nested, and no ':' or '*'.
func plainBraces(route string) bool {
	open := false
	for i := 0; i < len(route); i++ {
		switch route[i] {
		case '{':
			if open {
				return false
			}
			open = true
		case '}':
			if !open {
				return false
			}
			open = false
		case ':', '*':
			return false
		}
	}
	return !open
}

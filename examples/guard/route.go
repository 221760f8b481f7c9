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
// parameters are already in the enforcer's form.
//
// A parameter must be a whole segment, as in the table: chi's
// "/conversations/{id}.{format}" or "/files/v{version}" gives NoRoute, so
// that the route matches no endpoint (the enforcer would read the segment
// "{id}.{format}" as one parameter, and judge the route as
// "/conversations/{conversationId}"). So do a parameter named "$" or
// "name...", which mean something else to http.ServeMux, a '*' inside a
// segment, and unbalanced braces, which chi does not register.
func BraceRoute(route string) string {
	var b strings.Builder // the translation, once it differs from route
	done := 0             // route[:done] is in b
	seg := 0              // where the current segment starts
	for i := 0; i < len(route); {
		switch route[i] {
		case '/':
			i++
			seg = i
		case '}':
			return NoRoute // unbalanced: chi would not have registered it
		case '*':
			if i != seg || i+1 != len(route) {
				return NoRoute // inside a segment: chi's catch-all ends a route
			}
			b.WriteString(route[done:i])
			b.WriteString("{...}")
			i++
			done = i
		case '{':
			if i != seg {
				return NoRoute // text before the parameter in its segment
			}
			// The parameter runs to its closing brace; a regular
			// expression may hold braces (and slashes) of its own.
			end, depth := i, 0
			for ; end < len(route); end++ {
				if route[end] == '{' {
					depth++
				} else if route[end] == '}' {
					if depth--; depth == 0 {
						break
					}
				}
			}
			if end == len(route) {
				return NoRoute // unbalanced: chi would not have registered it
			}
			if end+1 < len(route) && route[end+1] != '/' {
				return NoRoute // more after the parameter in its segment
			}
			name, _, regexp := strings.Cut(route[i+1:end], ":")
			if !paramName(name) {
				return NoRoute
			}
			if regexp {
				b.WriteString(route[done:i])
				b.WriteByte('{')
				b.WriteString(name)
				b.WriteByte('}')
				done = end + 1
			}
			i = end + 1
		default:
			i++
		}
	}
	if done == 0 {
		return route // the enforcer's form already
	}
	b.WriteString(route[done:])
	return b.String()
}

// paramName reports whether name is a parameter's name the enforcer reads
// as chi does: not empty, without a brace or a slash, and neither "$" nor
// "name...", which are http.ServeMux's own.
func paramName(name string) bool {
	return name != "" && name != "$" && !strings.HasSuffix(name, "...") && !strings.ContainsAny(name, "{}/")
}

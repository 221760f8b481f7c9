package route

import (
	"errors"
	"fmt"
	"strings"
)

// MaxSegments is the deepest path template, and path, a Table handles.
const MaxSegments = 32

// A Segment is one part of a path template.
type Segment struct {
	Text  string // the static text, or the parameter name
	Param bool
}

// ParseTemplate checks a path template and splits it into segments.
func ParseTemplate(path string) ([]Segment, error) {
	switch {
	case path == "":
		return nil, errors.New("empty path")
	case path[0] != '/':
		return nil, fmt.Errorf("path %q does not start with '/'", path)
	case path == "/":
		return nil, nil
	case strings.HasSuffix(path, "/"):
		return nil, fmt.Errorf("path %q ends with '/'; templates have no trailing slash", path)
	}
	parts := strings.Split(path[1:], "/")
	if len(parts) > MaxSegments {
		return nil, fmt.Errorf("path %q has %d segments; at most %d", path, len(parts), MaxSegments)
	}
	segs := make([]Segment, len(parts))
	seen := make(map[string]bool)
	for i, p := range parts {
		switch {
		case p == "":
			return nil, fmt.Errorf("path %q has an empty segment", path)
		case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}"):
			name := p[1 : len(p)-1]
			if !isParamName(name) {
				return nil, fmt.Errorf("path %q: parameter %q is not a name (letters, digits, '_'; no wildcards)", path, p)
			}
			if seen[name] {
				return nil, fmt.Errorf("path %q names parameter {%s} twice", path, name)
			}
			seen[name] = true
			segs[i] = Segment{Text: name, Param: true}
		case strings.ContainsAny(p, "{}"):
			return nil, fmt.Errorf("path %q: segment %q mixes text and a parameter; a parameter must be a whole segment", path, p)
		case p == "." || p == "..":
			return nil, fmt.Errorf("path %q has a %q segment", path, p)
		default:
			for j := 0; j < len(p); j++ {
				if !isPathChar(p[j]) {
					return nil, fmt.Errorf("path %q: segment %q has character %q; use plain URL path characters", path, p, p[j])
				}
			}
			segs[i] = Segment{Text: p}
		}
	}
	return segs, nil
}

func isParamName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// isPathChar reports whether c may appear unescaped in a static segment:
// RFC 3986 pchar without '%' (templates hold decoded text).
func isPathChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0
}

// IsMethod reports whether m is an upper-case HTTP method token.
func IsMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		if m[i] < 'A' || m[i] > 'Z' {
			return false
		}
	}
	return true
}

// Shape returns the template with parameter names erased: two endpoints
// with the same method and shape are the same endpoint.
func Shape(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		if s.Param {
			b.WriteString("{}")
		} else {
			b.WriteString(s.Text)
		}
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// ParamName returns the name of a parameter segment of a template or a
// pattern, "{name}", and whether seg is one.
func ParamName(seg string) (string, bool) {
	if len(seg) < 2 || seg[0] != '{' || seg[len(seg)-1] != '}' {
		return "", false
	}
	return seg[1 : len(seg)-1], true
}

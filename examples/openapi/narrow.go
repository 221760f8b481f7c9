package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// A shape says what the import reads of a JSON value: of an object, the
// members named in fields, each with its own shape; of an object used as
// a map, or of an array, every member or element, with the shape each.
// A nil shape keeps the value whole.
type shape struct {
	fields map[string]*shape
	each   *shape
}

// narrow returns the JSON value raw with only what s reads: the members
// of its objects that s does not name are dropped, unread. A value of
// another type than s expects (a string where an object should be) is
// returned as it is, for kin-openapi to refuse. Every byte is scanned a
// few times, once per level of s, and no value is decoded: a document's
// schemas, responses and examples, however large or deeply nested, cost
// one scan.
//
// An object that s reads is refused if a key is given twice, or differs
// only in case from a field s names ("Security" for "security"): parsers
// read such a document differently (kin-openapi's YAML reader refuses a
// key given twice and matches case exactly; encoding/json, its fallback,
// keeps the last key and matches any case), and the import takes neither
// reading.
func narrow(raw json.RawMessage, s *shape) (json.RawMessage, error) {
	if s == nil {
		return raw, nil
	}
	switch first(raw) {
	case '{':
		members, err := objectMembers(raw)
		if err != nil {
			return nil, err
		}
		for name, v := range members {
			sub := s.each
			if s.fields != nil {
				var ok bool
				if sub, ok = s.fields[name]; !ok {
					if f := s.field(name); f != "" {
						return nil, fmt.Errorf("key %q: OpenAPI spells it %q", name, f)
					}
					delete(members, name)
					continue
				}
			}
			if members[name], err = narrow(v, sub); err != nil {
				return nil, err
			}
		}
		return json.Marshal(members)
	case '[':
		if s.each == nil {
			return raw, nil
		}
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return nil, err
		}
		for i, v := range elems {
			var err error
			if elems[i], err = narrow(v, s.each); err != nil {
				return nil, err
			}
		}
		return json.Marshal(elems)
	}
	return raw, nil
}

// objectMembers returns the members of a JSON object, each unread,
// refusing a key given twice.
func objectMembers(raw json.RawMessage) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	members := make(map[string]json.RawMessage)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string) // a key is always a string
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if _, dup := members[key]; dup {
			return nil, fmt.Errorf("key %q given twice", key)
		}
		members[key] = v
	}
	if _, err := dec.Token(); err != nil { // }
		return nil, err
	}
	return members, nil
}

// field returns the field of s that name spells in another case, or "".
func (s *shape) field(name string) string {
	for f := range s.fields {
		if strings.EqualFold(f, name) {
			return f
		}
	}
	return ""
}

// first returns the first byte of a JSON value past its whitespace, or 0.
func first(raw []byte) byte {
	if raw = bytes.TrimLeft(raw, " \t\r\n"); len(raw) == 0 {
		return 0
	}
	return raw[0]
}

// object returns the shape of an object with the fields given.
func object(fields map[string]*shape) *shape { return &shape{fields: fields} }

// each returns the shape of a map, or an array, of values of shape s.
func each(s *shape) *shape { return &shape{each: s} }

// What the import reads of an operation, and of a parameter (its $ref,
// name and place: the path parameters). The same in both versions.
var (
	parameterShape = object(map[string]*shape{"$ref": nil, "name": nil, "in": nil})
	operationShape = object(map[string]*shape{
		"operationId": nil, "security": nil, "parameters": each(parameterShape),
		PermissionsExtension: nil, EndpointExtension: nil,
	})
)

// shapeV3 is what the import reads of an OpenAPI 3.x document: the
// version, the servers' URLs and variables' defaults (the base path), the
// security schemes' types and scopes, the document's security, and each
// path item's $ref, parameters and operations, all of kin-openapi's
// methods. The components whose references it follows stay: parameters,
// security schemes and path items.
var shapeV3 = func() *shape {
	flow := object(map[string]*shape{"scopes": nil})
	scheme := object(map[string]*shape{"$ref": nil, "type": nil, "flows": object(map[string]*shape{
		"implicit": flow, "password": flow, "clientCredentials": flow, "authorizationCode": flow,
	})})
	item := object(map[string]*shape{"$ref": nil, "parameters": each(parameterShape), "additionalOperations": each(operationShape)})
	for _, m := range []string{"connect", "delete", "get", "head", "options", "patch", "post", "put", "trace", "query"} {
		item.fields[m] = operationShape
	}
	return object(map[string]*shape{
		"openapi":  nil,
		"servers":  each(object(map[string]*shape{"url": nil, "variables": each(object(map[string]*shape{"default": nil}))})),
		"security": nil,
		"components": object(map[string]*shape{
			"securitySchemes": each(scheme), "parameters": each(parameterShape), "pathItems": each(item),
		}),
		"paths": each(item),
	})
}()

// shapeV2 is what the import reads of a Swagger 2.0 document: the
// version, the base path, the security definitions' types and scopes,
// the document's security and parameters, and each path item's
// parameters and operations.
var shapeV2 = func() *shape {
	item := object(map[string]*shape{"$ref": nil, "parameters": each(parameterShape)})
	for _, m := range []string{"delete", "get", "head", "options", "patch", "post", "put"} {
		item.fields[m] = operationShape
	}
	return object(map[string]*shape{
		"swagger": nil, "basePath": nil, "security": nil,
		"securityDefinitions": each(object(map[string]*shape{"type": nil, "scopes": nil})),
		"parameters":          each(parameterShape),
		"paths":               each(item),
	})
}()

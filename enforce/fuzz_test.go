package enforce_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/scope/sample"
)

var fuzzPaths = []string{
	"/api/v2/users", "/api/v2/users/", "/api/v2/users/me", "/api/v2/users/u-1", "/api/v2/users/u-1/roles",
	"/api/v2/users/u-1/presence", "/api/v2/%75sers", "/api/v2/users/a%2Fb", "/api/v2/users/%2e%2e", "/api//v2/users",
	"/api/v2/./users", "/api/v2/users/../users", "/", "", "api/v2/users", "/api/v2/users/%zz", "/API/v2/users",
	"/api/v2/conversations/c/participants/calls/transfer", "/api/v2/users?x=1", "/api/v2/users#x", "/%",
}

// fuzzPolicy is the test table without its one deliberate overlap, which
// http.ServeMux would refuse to register.
func fuzzPolicy(tb testing.TB) (*enforce.Policy, *http.ServeMux) {
	data, err := os.ReadFile("testdata/endpoints.json")
	if err != nil {
		tb.Fatal(err)
	}
	eps, err := enforce.ParseEndpointsJSON(data)
	if err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	var kept []enforce.Endpoint
	for _, e := range eps {
		if e.Name == "getUsersRule" {
			continue
		}
		kept = append(kept, e)
		mux.HandleFunc(e.Route(), func(http.ResponseWriter, *http.Request) {})
	}
	p, err := enforce.NewPolicy(enforce.Config{Catalog: sample.Catalog(), Endpoints: kept})
	if err != nil {
		tb.Fatal(err)
	}
	return p, mux
}

// FuzzMatchAgreesWithServeMux checks the promise of the path rules: a raw
// path never reaches another endpoint than Go's http.ServeMux, given the
// same table, dispatches to. Where ServeMux would redirect (to clean a path)
// or find nothing, the enforcer matches nothing.
func FuzzMatchAgreesWithServeMux(f *testing.F) {
	for _, p := range fuzzPaths {
		for _, m := range []string{"GET", "HEAD", "PATCH", "DELETE", "get"} {
			f.Add(m, p)
		}
	}
	policy, mux := fuzzPolicy(f)
	f.Fuzz(func(t *testing.T, method, rawPath string) {
		got, ok := policy.Match(method, rawPath)
		u, err := url.Parse(rawPath)
		if err != nil || u.RawQuery != "" || u.Fragment != "" || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
			if ok && err != nil {
				t.Fatalf("%s %q matched %s, but it is not a URL path: %v", method, rawPath, got.Route(), err)
			}
			return
		}
		if u.EscapedPath() != rawPath {
			return // not a path as a server would receive it
		}
		req := &http.Request{Method: method, URL: u, Host: "example.com", Header: http.Header{}}
		_, pattern := mux.Handler(req)
		if !ok {
			return // denying where the router would serve is safe
		}
		if pattern != got.Route() {
			t.Fatalf("%s %q: enforcer matched %q, http.ServeMux dispatches to %q", method, rawPath, got.Route(), pattern)
		}
	})
}

// FuzzMatch checks the path rules on their own: whatever matches has as
// many segments as its template, static segments equal the decoded path
// segments, and no segment is empty, "." or "..".
func FuzzMatch(f *testing.F) {
	for _, p := range fuzzPaths {
		f.Add("GET", p)
	}
	policy, _ := fuzzPolicy(f)
	f.Fuzz(func(t *testing.T, method, path string) {
		e, ok := policy.Match(method, path)
		if !ok {
			return
		}
		tmpl := strings.Split(strings.TrimPrefix(e.Path, "/"), "/")
		segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
		if e.Path == "/" {
			tmpl = nil
		}
		if path == "/" {
			segs = nil
		}
		if len(tmpl) != len(segs) || !strings.HasPrefix(path, "/") {
			t.Fatalf("%q matched %q", path, e.Path)
		}
		for i, seg := range segs {
			dec, err := url.PathUnescape(seg)
			if err != nil || dec == "" || dec == "." || dec == ".." {
				t.Fatalf("%q matched %q with segment %q", path, e.Path, seg)
			}
			if !strings.HasPrefix(tmpl[i], "{") && dec != tmpl[i] {
				t.Fatalf("%q matched %q: %q is not %q", path, e.Path, dec, tmpl[i])
			}
		}
	})
}

// FuzzParseEndpointsJSON: reading endpoints never panics, and whatever
// reads builds a policy or fails with an error.
func FuzzParseEndpointsJSON(f *testing.F) {
	data, err := os.ReadFile("testdata/endpoints.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(data))
	f.Add(`{"endpoints":[{"method":"GET","path":"/a/{b}","scopes":["users"],"permissions":{"any":["a:b:c"]},"division":"{b}"}]}`)
	f.Add(`{"endpoints":[]}`)
	catalog := sample.Catalog()
	f.Fuzz(func(t *testing.T, in string) {
		eps, err := enforce.ParseEndpointsJSON([]byte(in))
		if err != nil {
			return
		}
		p, err := enforce.NewPolicy(enforce.Config{Catalog: catalog, Endpoints: eps})
		if err != nil {
			return
		}
		for _, e := range p.Endpoints() {
			if _, ok := p.Match(e.Method, strings.ReplaceAll(strings.ReplaceAll(e.Path, "{", "x"), "}", "x")); !ok {
				t.Fatalf("endpoint %s does not match its own path", e.Route())
			}
		}
	})
}

// FuzzReadEndpointsJSON: reading never panics; in Lenient mode every
// entry is either loaded or reported, and Strict mode loads the same
// table exactly when nothing was reported.
func FuzzReadEndpointsJSON(f *testing.F) {
	data, err := os.ReadFile("testdata/endpoints.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(data))
	f.Add(`{"endpoints":[{"method":"GET","path":"/a","scopes":["users"],"permissions":{"any":["a:b:c","admin","a:b:c"]}},"x",{"method":"GET"}]}`)
	f.Add(`{"endpoints":[{"method":"GET","path":"/a","scopes":["users"],"permissions":{"any":["They are enforced by the backend"]},"Method":"PUT"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		eps, report, err := enforce.ReadEndpointsJSON([]byte(in), enforce.Lenient)
		strict, _, strictErr := enforce.ReadEndpointsJSON([]byte(in), enforce.Strict)
		if err != nil {
			if strictErr == nil {
				t.Fatalf("lenient failed (%v) where strict did not", err)
			}
			return
		}
		var raw struct{ Endpoints []json.RawMessage }
		if json.Unmarshal([]byte(in), &raw) != nil {
			t.Fatalf("loaded %q, which does not decode", in)
		}
		if len(eps)+len(report.Skipped()) != len(raw.Endpoints) {
			t.Fatalf("%d loaded and %d skipped of %d", len(eps), len(report.Skipped()), len(raw.Endpoints))
		}
		if (strictErr == nil) != (len(report.Problems) == 0) {
			t.Fatalf("strict: %v; lenient reported %d problems", strictErr, len(report.Problems))
		}
		if strictErr == nil && len(strict) != len(eps) {
			t.Fatalf("strict loaded %d, lenient %d", len(strict), len(eps))
		}
		for _, e := range eps {
			if !e.Permissions.IsValid() || len(e.Scopes) == 0 {
				t.Fatalf("loaded %s without a requirement or a scope", e.Route())
			}
		}
	})
}

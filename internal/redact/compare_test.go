package redact_test

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/printer"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// sensitiveTypes hold a secret, or a hash of one: comparing two of them
// compares secrets. Any struct or array holding one, and any byte array
// without a name (a digest such as SecretHash.Sum), counts too.
var sensitiveTypes = map[string]bool{
	"client.Secret": true, "client.SecretHash": true, "client.Credentials": true,
	"grant.Code": true, "grant.CodeVerifier": true,
	"redact.Text": true, "jwtoken.Key": true,
}

// sensitiveWords name a secret, a hash of one, a PKCE challenge or
// verifier, or a MAC. A string or a []byte is a secret when an identifier
// in its expression ends with one of them ("CodeChallenge",
// "req.Code.Reveal()" does not, but "encSig" does; "sigLen" does not).
var sensitiveWords = map[string]bool{
	"secret": true, "secrets": true, "password": true, "credentials": true, "creds": true,
	"sum": true, "hash": true, "digest": true,
	"challenge": true, "verifier": true,
	"mac": true, "hmac": true, "sig": true, "signature": true,
}

// equalFuncs compare their arguments in a time that depends on where they
// first differ.
var equalFuncs = map[string]bool{
	"bytes.Equal": true, "bytes.Compare": true, "strings.Compare": true, "strings.EqualFold": true,
	"slices.Equal": true, "slices.Compare": true, "maps.Equal": true, "reflect.DeepEqual": true,
}

// allowed are comparisons of secrets that tell an attacker nothing, as
// "file function expression", each with its reason.
var allowed = map[string]string{
	"client/registry.go Update c.Credentials != old.Credentials": "two stored hashes, to refuse a change function that altered them",
}

// TestSecretsCompareInConstantTime type-checks the Go source of the
// module and of the workspace's modules under it (examples; none without
// the workspace), tests left out, and fails on any comparison of a secret, a code's hash,
// a PKCE challenge or verifier, or a MAC with ==, !=, a switch or an
// equality function such as bytes.Equal: those take longer the more
// leading bytes match, which lets an attacker guess a secret byte by byte.
// Compare them with crypto/subtle or hmac.Equal instead. A comparison with
// a zero value (nil, "", 0, T{}), or of lengths, is fine: it asks whether
// a secret is set.
func TestSecretsCompareInConstantTime(t *testing.T) {
	c := newChecker(t)
	err := filepath.WalkDir(c.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if path != c.root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || c.outside[path]) {
			return filepath.SkipDir
		}
		rel, err := filepath.Rel(c.root, path)
		if err != nil {
			return err
		}
		files, err := c.parseDir(path)
		if err != nil || len(files) == 0 {
			return err
		}
		_, err = c.Import(strings.TrimSuffix(c.module+"/"+filepath.ToSlash(rel), "/."))
		return err
	})
	require.NoError(t, err)
	require.Greater(t, len(c.pkgs), 10, "checked every package of the module")

	var bad []string
	for _, f := range c.found {
		if _, ok := allowed[f]; !ok {
			bad = append(bad, f)
		}
	}
	require.Empty(t, bad, "compare secrets with crypto/subtle or hmac.Equal (or add them to allowed, with the reason)")
	for a := range allowed {
		require.Contains(t, c.found, a, "an allowed comparison that is gone: drop it from allowed")
	}
}

// TestCheckerFindsVariableTimeCompares checks the checker: it finds what
// it must, and only that.
func TestCheckerFindsVariableTimeCompares(t *testing.T) {
	const src = `package client

import (
	"bytes"
	"crypto/hmac"
	"crypto/subtle"
)

type SecretHash struct{ Sum [32]byte }
type Credentials struct{ Current, Previous SecretHash }
type CodeGrant struct {
	Hash [32]byte
	User string
}
type GrantType uint8

const ClientCredentials GrantType = 3

type node struct{ hash uint32 }

func verify(sum [32]byte, creds, old Credentials, a, b CodeGrant, secret, got, challenge, codeChallengeMethod, code string,
	sig, mac, canon, payload []byte, g GrantType, n node, h uint32) {
	_ = sum == creds.Current.Sum // Verify with == instead of crypto/subtle
	_ = creds != old
	_ = a == b
	_ = secret != "hunter2"
	_ = string(got) == challenge
	_ = bytes.Equal(sig, mac)
	_ = !bytes.Equal(payload, mac[:])
	switch secret {
	case "x":
	}

	_ = secret == "" // zero values, lengths and constant-time comparisons are fine
	_ = sig == nil
	_ = creds.Current.Sum == [32]byte{}
	_ = creds.Previous == SecretHash{}
	_ = len(secret) == 0 || len(sig) > 256
	_ = subtle.ConstantTimeCompare(sum[:], creds.Current.Sum[:]) == 1
	_ = hmac.Equal(sig, mac)
	_ = g == ClientCredentials // names a secret, but not of a secret's type
	_ = n.hash == h
	_ = a.User == b.User
	_ = codeChallengeMethod == "S256" // a string, but not named as a secret
	_ = code == got
	_ = bytes.Equal(canon, payload)
	switch {
	case secret == "":
	}
}
`
	c := newChecker(t)
	f, err := parser.ParseFile(c.fset, "p.go", src, parser.SkipObjectResolution)
	require.NoError(t, err)
	_, err = c.check("example.com/client", []*ast.File{f})
	require.NoError(t, err)
	want := []string{
		"p.go verify sum == creds.Current.Sum",
		"p.go verify creds != old",
		"p.go verify a == b",
		`p.go verify secret != "hunter2"`,
		"p.go verify string(got) == challenge",
		"p.go verify bytes.Equal(sig, mac)",
		"p.go verify bytes.Equal(payload, mac[:])",
		`p.go verify switch secret case "x"`,
	}
	if diff := cmp.Diff(want, c.found); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// A checker type-checks the module's packages from source and records
// the comparisons of secrets in them.
type checker struct {
	fset   *token.FileSet
	root   string // the module's directory
	module string // its path
	std    types.Importer
	pkgs   map[string]*types.Package
	found  []string // "file function expression"
	// outside are the directories of the modules nested under the root
	// that are not part of the build: all of them without a workspace.
	outside map[string]bool
}

func newChecker(t *testing.T) *checker {
	t.Helper()
	c := &checker{fset: token.NewFileSet(), pkgs: map[string]*types.Package{}}
	dir, err := os.Getwd()
	require.NoError(t, err)
	for c.root == "" {
		if mod, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			c.root = dir
			sc := bufio.NewScanner(bytes.NewReader(mod))
			for sc.Scan() {
				if p, ok := strings.CutPrefix(sc.Text(), "module "); ok {
					c.module = strings.TrimSpace(p)
				}
			}
			require.NotEmpty(t, c.module, "go.mod names no module")
		}
		parent := filepath.Dir(dir)
		require.True(t, c.root != "" || parent != dir, "no go.mod above the test")
		dir = parent
	}

	// The export data of the standard library packages the module uses,
	// and of the third-party ones the examples module uses (modules that
	// are not the workspace's), from one go list rather than one for each
	// import.
	// The patterns cover the modules nested under the root too, which the
	// workspace (go.work) makes one build; and the packages the checker's
	// own test source imports.
	// Without a workspace (GOWORK=off, or no go.work), the nested modules
	// are not part of the build, and the root module is checked alone.
	patterns := []string{"./...", "bytes", "crypto/hmac", "crypto/subtle"}
	nested, err := filepath.Glob(filepath.Join(c.root, "*", "go.mod"))
	require.NoError(t, err)
	env := exec.Command("go", "env", "GOWORK")
	env.Dir = c.root
	work, err := env.Output()
	require.NoError(t, err, "go env GOWORK")
	inWorkspace := strings.TrimSpace(string(work)) != "" && strings.TrimSpace(string(work)) != "off"
	c.outside = map[string]bool{}
	for _, m := range nested {
		if !inWorkspace {
			c.outside[filepath.Dir(m)] = true
			t.Logf("no workspace: %s is left out", filepath.Dir(m))
			continue
		}
		rel, err := filepath.Rel(c.root, filepath.Dir(m))
		require.NoError(t, err)
		patterns = append(patterns, "./"+filepath.ToSlash(rel)+"/...")
	}
	cmd := exec.Command("go", append([]string{"list", "-deps", "-export", "-f", "{{if or .Standard (and .Module (not .Module.Main))}}{{.ImportPath}}={{.Export}}{{end}}"}, patterns...)...)
	cmd.Dir = c.root
	out, err := cmd.Output()
	require.NoError(t, err, "go list: %s", out)
	exports := map[string]string{}
	for line := range strings.Lines(string(out)) {
		if path, file, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
			exports[path] = file
		}
	}
	c.std = importer.ForCompiler(c.fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %q", path)
		}
		return os.Open(file)
	})
	return c
}

// Import implements types.Importer: the module's packages from source,
// the standard library and third-party packages from export data.
func (c *checker) Import(path string) (*types.Package, error) {
	rel, ok := strings.CutPrefix(path, c.module)
	if !ok || rel != "" && rel[0] != '/' {
		return c.std.Import(path)
	}
	if p, ok := c.pkgs[path]; ok {
		return p, nil
	}
	files, err := c.parseDir(filepath.Join(c.root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	return c.check(path, files)
}

// parseDir parses the Go files of dir, tests left out.
func (c *checker) parseDir(dir string) ([]*ast.File, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(c.fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// check type-checks one package and records its comparisons of secrets.
func (c *checker) check(path string, files []*ast.File) (*types.Package, error) {
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	pkg, err := (&types.Config{Importer: c}).Check(path, c.fset, files, info)
	if err != nil {
		return nil, err
	}
	c.pkgs[path] = pkg
	for _, f := range files {
		c.inspect(f, info)
	}
	return pkg, nil
}

func (c *checker) inspect(f *ast.File, info *types.Info) {
	file := c.fset.Position(f.Pos()).Filename
	if rel, err := filepath.Rel(c.root, file); err == nil && !strings.HasPrefix(rel, "..") {
		file = filepath.ToSlash(rel)
	}
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		report := func(what string) { c.found = append(c.found, file+" "+fd.Name.Name+" "+what) }
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BinaryExpr:
				if (n.Op == token.EQL || n.Op == token.NEQ) && comparesSecrets(info, n.X, n.Y) {
					report(c.text(n))
				}
			case *ast.CallExpr:
				if equalFuncs[funcName(n.Fun)] && len(n.Args) == 2 && comparesSecrets(info, n.Args[0], n.Args[1]) {
					report(c.text(n))
				}
			case *ast.SwitchStmt:
				if n.Tag == nil {
					break
				}
				for _, s := range n.Body.List {
					for _, v := range s.(*ast.CaseClause).List {
						if comparesSecrets(info, n.Tag, v) {
							report("switch " + c.text(n.Tag) + " case " + c.text(v))
						}
					}
				}
			}
			return true
		})
	}
}

func (c *checker) text(n ast.Node) string {
	var b strings.Builder
	printer.Fprint(&b, c.fset, n)
	return b.String()
}

// comparesSecrets reports whether comparing x and y compares secrets: one
// of them is a secret, and neither is a zero value or a length.
func comparesSecrets(info *types.Info, x, y ast.Expr) bool {
	if isZero(x) || isZero(y) || isLen(x) || isLen(y) {
		return false
	}
	return isSecret(info, x) || isSecret(info, y)
}

// isSecret reports whether e is a secret, by its type, or by its name
// when it is a string or a []byte.
func isSecret(info *types.Info, e ast.Expr) bool {
	t := info.TypeOf(e)
	if t == nil {
		return false
	}
	if sensitive(t, map[types.Type]bool{}) {
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&types.IsString != 0 && namesSecret(e)
	case *types.Slice:
		return isByte(u.Elem()) && namesSecret(e)
	}
	return false
}

// sensitive reports whether t is a sensitive type, an unnamed byte
// array, or a struct or array that holds one.
func sensitive(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	if n, ok := types.Unalias(t).(*types.Named); ok {
		if obj := n.Obj(); obj.Pkg() != nil && sensitiveTypes[obj.Pkg().Name()+"."+obj.Name()] {
			return true
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Array:
		_, named := types.Unalias(t).(*types.Named)
		return !named && isByte(u.Elem()) || sensitive(u.Elem(), seen)
	case *types.Struct:
		for i := range u.NumFields() {
			if sensitive(u.Field(i).Type(), seen) {
				return true
			}
		}
	}
	return false
}

func isByte(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == types.Byte
}

// namesSecret reports whether an identifier in e ends with a sensitive
// word. It does not look into constant-time comparisons and lengths,
// whose results tell nothing.
func namesSecret(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			switch funcName(n.Fun) {
			case "subtle.ConstantTimeCompare", "subtle.ConstantTimeEq", "subtle.ConstantTimeByteEq", "hmac.Equal", "len", "cap":
				return false
			}
		case *ast.Ident:
			found = found || sensitiveWords[lastWord(n.Name)]
		}
		return !found
	})
	return found
}

// isZero reports whether e is nil, "", 0, false or a composite literal
// without elements.
func isZero(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e.Name == "nil" || e.Name == "false"
	case *ast.BasicLit:
		return e.Value == `""` || e.Value == "``" || e.Value == "0"
	case *ast.CompositeLit:
		return len(e.Elts) == 0
	}
	return false
}

func isLen(e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	return ok && (funcName(call.Fun) == "len" || funcName(call.Fun) == "cap")
}

// funcName returns "f" or "pkg.f" for a call's function.
func funcName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			return x.Name + "." + e.Sel.Name
		}
	}
	return ""
}

// lastWord returns the last word of an identifier, in lower case, the
// words split at changes of case and at underscores: "sig" for "encSig",
// "method" for "CodeChallengeMethod", "hmac" for "HMAC", "key" for
// "HMACKey".
func lastWord(id string) string {
	r := []rune(strings.TrimRight(id, "_0123456789"))
	i := len(r) - 1
	for ; i > 0; i-- {
		prev, cur := r[i-1], r[i]
		if prev == '_' || unicode.IsLower(prev) && unicode.IsUpper(cur) {
			break // foo_bar, fooBar
		}
		if i+1 < len(r) && unicode.IsUpper(prev) && unicode.IsUpper(cur) && unicode.IsLower(r[i+1]) {
			break // HMACKey: the K starts a word
		}
	}
	return strings.ToLower(string(r[max(i, 0):]))
}

func TestLastWord(t *testing.T) {
	for id, want := range map[string]string{
		"encSig": "sig", "sigLen": "len", "CodeChallengeMethod": "method", "CodeChallenge": "challenge",
		"HMAC": "hmac", "HMACKey": "key", "secret": "secret", "secret_2": "secret", "code_verifier": "verifier",
		"ClientCredentials": "credentials", "x": "x", "": "",
	} {
		require.Equal(t, want, lastWord(id), id)
	}
}

// Command scopegate helps choose, review and document an app's OAuth
// scopes, with the enforce/review package: lint a scope string, compute
// the minimal scopes for a list of calls, review a client's scopes against
// its calls and its usage records, and print the scope documentation; the
// same for a client-credentials app's roles; the risk summary of an app's
// request for authorization; the scopes to add before an org's scopes
// are enforced; and import an OpenAPI document's endpoint table and scope
// catalog.
//
//	go run ./examples/scopegate lint "users :manage conversation:view"
//	go run ./examples/scopegate minimal "GET /api/v2/conversations" "GET /api/v2/users/me"
//	go run ./examples/scopegate review -profile agent-desktop -scopes "users:manage conversations:readonly"
//	go run ./examples/scopegate doc -profile admin-dashboard -updated 2026-03-01
//	go run ./examples/scopegate import -catalog-out catalog.json -o endpoints.json openapi.json
//	go run ./examples/scopegate roles -profile api-automation -divisions home
//	go run ./examples/scopegate scrutinize -scopes "users oauth:client:manage"
//	go run ./examples/scopegate rollout -records records.jsonl -org org-1
//
// It uses the sample catalog and endpoint table unless -catalog and
// -endpoints name JSON files; give both, as they must fit each other.
// Run it without arguments for the usage text.
//
// # Input files
//
// A scope catalog (-catalog, read by scope.ParseCatalogJSON) is an object
// with the list of scopes, each with its description and the scopes it
// implies, and the convention rules (testdata/shop-catalog.json):
//
//	{
//	  "rules": [{"action": "manage", "implies": "readonly"}],
//	  "scopes": [
//	    {"scope": "orders:readonly", "description": "View orders"},
//	    {"scope": "orders:manage", "description": "Create, change and cancel orders", "implies": ["orders:readonly"]}
//	  ]
//	}
//
// An endpoint table (-endpoints, read by enforce.ReadEndpointsJSON) is an
// object with the list of endpoints (testdata/shop-endpoints.json): each
// with its method, path template, the scopes any one of which it accepts,
// the permissions it requires ({"all": [...]}, {"any": [...]} or {"none":
// true}), and optionally a name, "user_required", "read_only" and where
// its resource's division comes from ("division": "{param}" or "request");
// and, as import writes it, the routes it refuses outright ("refused"):
//
//	{"endpoints": [
//	  {"name": "getOrder", "method": "GET", "path": "/v1/orders/{orderId}",
//	   "scopes": ["orders:readonly"], "permissions": {"all": ["shop:order:view"]}}
//	],
//	 "refused": ["DELETE /v1/orders/{orderId}"]}
//
// Calls (-calls) are one a line, # starting a comment (testdata/calls.txt).
// Decision records (-records) are enforce.Record values, one JSON object a
// line, as a decision hook writes them (testdata/agent-desktop-q1.jsonl).
// A previous scope documentation (-previous) is the JSON doc -json wrote
// (testdata/admin-dashboard-2026-03.json), and notes (-notes) an object of
// scopes to {"used_for": ..., "rationale": ...} (testdata/notes.json).
//
// An input error names the file, the line and column, and the entry, and
// says what was expected there; a call that reaches no endpoint names its
// line of the -calls file, or its argument, with the nearest routes.
//
// Exit status: 0 when there is nothing to report, 1 for findings (lint
// problems, scopes or roles to remove, narrow or add, unused scopes or
// roles, refused calls, an app's request with something to look at, an org
// not ready for enforcement, operations an import with -lenient left out
// for a mistake), 2 for a usage or input error.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/review"
	esample "github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/scope"
	"github.com/scopegate/scopegate/scope/sample"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK       = 0 // nothing to report
	exitFindings = 1 // findings: the usage text's exit status lists them
	exitUsage    = 2 // bad arguments or input
)

const usage = `usage: scopegate <command> [flags] [calls]

Choose, review and document an app's OAuth scopes.

Commands:
  lint     check a scope string against the catalog: the usual mistakes, with suggestions
  minimal  the smallest scopes that let a list of calls pass, and which call uses which
  review   a client's scopes against its calls (-scopes) and its usage records (-records)
  doc      print the scope documentation of an app, as Markdown or JSON
  import   turn an OpenAPI document into an endpoint table and a scope catalog
  roles    the least role grants for a client-credentials app's calls; with -held, a review of its
           roles against its calls and its usage records (-records)
  scrutinize
           the risk summary of an app's request for authorization, for the org's admin
  rollout  before an org's scopes are enforced: the scopes each client must add, from the records
           of a period in report-only mode

A call is a route ("GET /api/v2/users/{userId}"), a request ("GET /api/v2/users/123")
or an endpoint name ("getUsersMe"). Give calls as arguments, in a file (-calls FILE,
one per line, # for comments), or as a sample profile (-profile agent-desktop).

Every command but import takes:
  -catalog FILE    scope catalog JSON (default: the sample catalog), such as
                   {"scopes": [{"scope": "orders:readonly", "description": "View orders"}]}
  -endpoints FILE  endpoint table JSON (default: the sample table), such as
                   {"endpoints": [{"method": "GET", "path": "/v1/orders",
                    "scopes": ["orders:readonly"], "permissions": {"all": ["shop:order:view"]}}]}
  -json            write JSON instead of text
Give -catalog and -endpoints together: the table's scopes must be the catalog's.
examples/scopegate/testdata has a complete pair: shop-catalog.json, shop-endpoints.json.
Flags may come before or after the calls.

Exit status: 0 nothing to report, 1 findings (lint problems, scopes or roles to remove,
narrow or add, unused scopes or roles, refused calls, an app's request with something to
look at, an org not ready for enforcement, operations an import with -lenient left out for
a mistake), 2 usage or input error.

Run 'scopegate <command> -h' for the flags of a command.
`

// run is the command: args without the program name. It returns the exit
// status.
//
// Each command has a file of its own and runs in three steps, each a
// function: parse its flags and read its inputs (parseLint), compute a
// result value (lintScopes), then write that value as text (writeLintText)
// or, with -json, as JSON (output). An error in the first two steps stops
// it with exit status 2 (env.stop).
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmds := map[string]func(*env, []string) int{
		"lint": (*env).lint, "minimal": (*env).minimal, "review": (*env).review, "doc": (*env).doc,
		"import": (*env).importDoc, "roles": (*env).roles, "scrutinize": (*env).scrutinize, "rollout": (*env).rollout,
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "scopegate: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	e := &env{name: args[0], stdout: stdout, stderr: stderr}
	return cmd(e, args[1:])
}

// env is what one command runs with.
type env struct {
	name           string
	stdout, stderr io.Writer
	fs             *flag.FlagSet
	args           []string // the arguments that are not flags
	catalogFile    string
	endpointsFile  string
	asJSON         bool
	catalog        *scope.Catalog
	index          *review.Index
	origins        []callOrigin // where each call came from, for errors
}

// flags returns the command's flag set, with the flags every command has.
func (e *env) flags(synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet("scopegate "+e.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: scopegate %s %s\n\n%s\n\nFlags:\n", e.name, synopsis, about)
		fs.PrintDefaults()
	}
	fs.StringVar(&e.catalogFile, "catalog", "", "scope catalog `FILE` (JSON); default: the sample catalog")
	fs.StringVar(&e.endpointsFile, "endpoints", "", "endpoint table `FILE` (JSON); default: the sample table")
	fs.BoolVar(&e.asJSON, "json", false, "write JSON instead of text")
	e.fs = fs
	return fs
}

// errFlags is a flag error that the flag package has reported already,
// with the command's usage.
var errFlags = errors.New("scopegate: bad flags")

// parse parses the flags, before or after the other arguments (calls and
// scope strings never start with '-'; after "--" nothing is a flag), and
// keeps the other arguments in e.args. It returns [flag.ErrHelp] when help
// was asked for, and errFlags for a flag error.
func (e *env) parse(args []string) error {
	// Help that was asked for goes to stdout; usage after a mistake, to
	// stderr.
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			e.fs.SetOutput(e.stdout)
		}
	}
	for {
		if err := e.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return flag.ErrHelp
			}
			return errFlags
		}
		rest := e.fs.Args()
		consumed := len(args) - len(rest)
		afterDashes := consumed > 0 && args[consumed-1] == "--"
		if afterDashes || len(rest) == 0 {
			e.args = append(e.args, rest...)
			return nil
		}
		// Parse stopped at an argument that is not a flag: keep it, and
		// go on with the flags after it.
		e.args = append(e.args, rest[0])
		args = rest[1:]
	}
}

// stop reports why a command stops without a result, and returns the exit
// status: 0 after the help that was asked for; 2 after a flag error, which
// the flag package has reported, or any other error, reported here one
// line per joined error.
func (e *env) stop(err error) int {
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errFlags):
		return exitUsage
	}
	err = callErrors(err, e.origins)
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(e.stderr, "scopegate %s: %s\n", e.name, line)
	}
	return exitUsage
}

// status is the exit status of a command that ran: 1 with findings, else
// 0.
func status(findings bool) int {
	if findings {
		return exitFindings
	}
	return exitOK
}

// load reads the catalog, and, when table is set, the endpoint table,
// and builds the index. Every problem with an input file is said in the
// file's terms, with where it is (readCatalog, readEndpoints).
func (e *env) load(table bool) error {
	e.catalog = sample.Catalog()
	if e.catalogFile != "" {
		data, err := os.ReadFile(e.catalogFile)
		if err != nil {
			return fmt.Errorf("-catalog: %w", err)
		}
		if e.catalog, err = readCatalog(e.catalogFile, data); err != nil {
			return err
		}
	}
	if !table {
		return nil
	}
	tab := endpointTable{endpoints: esample.Endpoints()}
	if e.endpointsFile != "" {
		data, err := os.ReadFile(e.endpointsFile)
		if err != nil {
			return fmt.Errorf("-endpoints: %w", err)
		}
		if tab, err = readEndpoints(e.endpointsFile, data); err != nil {
			return err
		}
	}
	file := tab.file
	policy, err := newPolicy(e.catalog, tab)
	if err != nil {
		if hint := mismatch(err, e.catalogFile, e.endpointsFile); hint != "" && e.endpointsFile == "" {
			// The sample table's problems are not the user's to fix.
			return errors.New(hint)
		} else if hint != "" {
			return endpointErrors(err, file, hint)
		}
		return endpointErrors(err, file, "")
	}
	e.index, err = review.New(policy)
	return err
}

// newPolicy is the one place the command builds its policy, for the
// index. A policy is data: a review needs no store.
func newPolicy(catalog *scope.Catalog, table endpointTable) (*enforce.Policy, error) {
	return enforce.NewPolicy(enforce.Config{Catalog: catalog, Endpoints: table.endpoints, Refused: table.refused})
}

// output writes a command's result: as indented JSON with -json, else with
// text.
func output[T any](e *env, res T, text func(io.Writer, T)) {
	if e.asJSON {
		e.write(res)
		return
	}
	text(e.stdout, res)
}

// write writes v as indented JSON.
func (e *env) write(v any) {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		// Every value written here marshals.
		panic(err)
	}
	e.stdout.Write(append(out, '\n'))
}

// callFlags adds the flags that name an app's calls.
type callFlags struct {
	file    string
	profile string
}

func (c *callFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&c.file, "calls", "", "read calls from `FILE`, one per line (# starts a comment)")
	fs.StringVar(&c.profile, "profile", "", "use the calls (and scopes) of a sample application `PROFILE`: "+strings.Join(profileNames(), ", "))
}

// calls gathers the calls from the profile, the file and the arguments
// (e.args), in that order, and notes where each came from in e.origins.
func (c *callFlags) calls(e *env) ([]string, *esample.Profile, error) {
	var calls []string
	var prof *esample.Profile
	e.origins = nil
	if c.profile != "" {
		p, ok := findProfile(c.profile)
		if !ok {
			return nil, nil, fmt.Errorf("unknown profile %q; the profiles are %s", c.profile, strings.Join(profileNames(), ", "))
		}
		prof = &p
		calls = append(calls, p.Calls...)
		for range p.Calls {
			e.origins = append(e.origins, callOrigin("profile "+c.profile))
		}
	}
	if c.file != "" {
		data, err := os.ReadFile(c.file)
		if err != nil {
			return nil, nil, fmt.Errorf("-calls: %w", err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line != "" && !strings.HasPrefix(line, "#") {
				calls = append(calls, line)
				e.origins = append(e.origins, callOrigin(c.file+":"+strconv.Itoa(n)))
			}
		}
		if err := sc.Err(); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", c.file, err)
		}
	}
	for i := range e.args {
		e.origins = append(e.origins, callOrigin("argument "+strconv.Itoa(i+1)))
	}
	return append(calls, e.args...), prof, nil
}

func slug(name string) string { return strings.ReplaceAll(strings.ToLower(name), " ", "-") }

func profileNames() []string {
	var names []string
	for _, p := range esample.Profiles() {
		names = append(names, slug(p.Name))
	}
	return names
}

func findProfile(name string) (esample.Profile, bool) {
	for _, p := range esample.Profiles() {
		if slug(p.Name) == name {
			return p, true
		}
	}
	return esample.Profile{}, false
}

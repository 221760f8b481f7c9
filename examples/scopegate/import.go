package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/openapi"
)

// importDoc reads an OpenAPI document and writes its endpoint table and
// scope catalog, as -endpoints and -catalog read them.
func (e *env) importDoc(args []string) int {
	in, err := e.parseImport(args)
	if err != nil {
		return e.stop(err)
	}
	res, err := openapi.Import(in.doc, openapi.Options{Mode: in.mode, BasePath: in.basePath})
	if err != nil {
		return e.stop(err)
	}
	if err := writeImport(in, res, e.stdout, e.stderr); err != nil {
		return e.stop(err)
	}
	bad := false
	for _, s := range res.Skipped {
		bad = bad || openapi.Bad(s.Err)
	}
	return status(bad)
}

// importInput is what import reads.
type importInput struct {
	name       string // the document's file, or "-"
	doc        []byte
	mode       enforce.LoadMode
	basePath   bool
	tableOut   string // "" for standard output
	catalogOut string // "" for none
}

// parseImport parses import's flags and reads the document, from its
// file or, for "-", standard input.
func (e *env) parseImport(args []string) (importInput, error) {
	var in importInput
	fs := flag.NewFlagSet("scopegate "+e.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: scopegate import [-lenient] [-base-path] [-o FILE] [-catalog-out FILE] FILE|-\n\n%s\n\nFlags:\n",
			"Reads a Swagger 2.0 or OpenAPI 3.x document (JSON or YAML; - for standard input) and writes its\n"+
				"endpoint table, as -endpoints reads it, and its scope catalog, as -catalog reads it. Permissions\n"+
				"come from x-inin-requires-permissions, division, user_required and read_only from\n"+
				"x-scopegate-endpoint. Operations left out, and why, go to standard error (to standard output\n"+
				"with -o). A mistake in the document fails the import; with -lenient the operation is left\n"+
				"out, and the exit status is 1.")
		fs.PrintDefaults()
	}
	lenient := fs.Bool("lenient", false, "leave out an operation with a mistake, and report it, instead of failing")
	fs.BoolVar(&in.basePath, "base-path", false, "prefix the paths with the document's basePath (2.0) or first server's path (3.x)")
	fs.StringVar(&in.tableOut, "o", "", "write the endpoint table to `FILE` instead of standard output")
	fs.StringVar(&in.catalogOut, "catalog-out", "", "write the scope catalog to `FILE`")
	e.fs = fs
	if err := e.parse(args); err != nil {
		return in, err
	}
	if *lenient {
		in.mode = enforce.Lenient
	}
	if len(e.args) != 1 {
		return in, errors.New("give one document: scopegate import FILE, or - for standard input")
	}
	in.name = e.args[0]
	var err error
	if in.name == "-" {
		in.doc, err = io.ReadAll(os.Stdin)
	} else {
		in.doc, err = os.ReadFile(in.name)
	}
	if err != nil {
		return in, err
	}
	return in, nil
}

// writeImport writes the table, the catalog if asked, and the report:
// what was left out and why, and the notes. The report goes to stdout
// when the table goes to a file, else to stderr.
func writeImport(in importInput, res *openapi.Result, stdout, stderr io.Writer) error {
	table, err := res.TableJSON()
	if err != nil {
		return err
	}
	report := stderr
	if in.tableOut == "" {
		stdout.Write(table)
	} else {
		if err := os.WriteFile(in.tableOut, table, 0o644); err != nil {
			return err
		}
		report = stdout
	}
	if in.catalogOut != "" {
		catalog, err := res.CatalogJSON()
		if err != nil {
			return err
		}
		if err := os.WriteFile(in.catalogOut, catalog, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(report, "imported %d endpoints and %d scopes from %s (Swagger/OpenAPI %s); left out %d operations\n",
		len(res.Endpoints), len(res.Catalog), in.name, res.Version, len(res.Skipped))
	for _, s := range res.Skipped {
		kind := "skipped"
		if openapi.Bad(s.Err) {
			kind = "error  "
		}
		op := s.Method + " " + s.Path
		if s.OperationID != "" {
			op += " (" + s.OperationID + ")"
		}
		if s.Field != "" {
			op += ", " + s.Field
		}
		fmt.Fprintf(report, "%s  %s: %s\n", kind, op, strings.TrimPrefix(s.Err.Error(), "openapi: "))
	}
	for _, n := range res.Notes {
		fmt.Fprintf(report, "note     %s\n", n)
	}
	return nil
}

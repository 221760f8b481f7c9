// Package route matches requests to the endpoints of a table: path
// templates, the trie of each method's templates, escaped request paths
// split and checked in one pass, and the patterns of Go's http.ServeMux.
// Package enforce numbers its endpoints and asks a [Table] for the number
// of the one a request reaches; the rules it applies are written out in
// enforce's package documentation, under "Matching requests".
package route

// Package route matches requests to the endpoints of a table: path
// templates, the trie of each method's templates, escaped request paths
// checked and split as the trie is walked (static segments compared 8
// bytes at a time, with the slash after them), and the patterns of Go's
// http.ServeMux.
// Package enforce numbers its endpoints and asks a [Table] for the number
// of the one a request reaches; the rules it applies are written out in
// enforce's package documentation, under "Matching requests".
package route

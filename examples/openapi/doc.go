// Package openapi imports an API's OpenAPI document into a scopegate
// endpoint table and scope catalog: the API's own description of its
// operations becomes what the enforcer decides with.
//
// It reads Swagger 2.0 (the OpenAPI Specification 2.0) and OpenAPI 3.0
// and 3.1 documents, JSON or YAML, with github.com/getkin/kin-openapi:
// one well-kept library for both versions that keeps every vendor
// extension, reads no file or URL unless asked (the import never asks),
// and brings few dependencies.
//
// Each operation becomes an [enforce.Endpoint]:
//
//   - its method and path template come from the document's paths
//     (OpenAPI's {param} templates are the table's), optionally prefixed
//     with the base path ([Options].BasePath): basePath in 2.0, the first
//     server's URL path in 3.x;
//   - its scopes are those of its security requirements, or the
//     document's, whose scheme is OAuth 2 (RFC 6749 §3.3): any one of
//     them suffices, as in Genesys Cloud. The schemes' scopes maps, name to
//     description, become the scope catalog;
//   - its permission requirement is Genesys Cloud's vendor extension
//     x-inin-requires-permissions, {"type": "ANY" | "ALL", "permissions":
//     ["domain:entity:action", ...]}; an operation without it requires no
//     permission;
//   - what OpenAPI cannot say is this package's extension
//     x-scopegate-endpoint: {"division": "{userId}" | "request",
//     "user_required": true, "read_only": true}, with the meaning of the
//     [enforce.Endpoint] fields of the same JSON names;
//   - its name is its operationId.
//
// An operation with nothing for scopegate to enforce (no security, no
// OAuth 2 scheme, no scope) is left out. A mistake in the document (a
// scheme it does not define, a scope its scheme does not declare, a
// malformed permission or extension, a template or name the table
// refuses) fails the import in enforce.Strict mode, every mistake
// reported at once, and leaves the operation out in enforce.Lenient mode.
// Either way [Result].Skipped says which and why, each an
// [*OperationError], and [Result].Refused lists their routes for
// [enforce.Config].Refused, so that a request for one is denied rather
// than taken by another template. An operation is imported whole or not
// at all: never with a weaker requirement than the document states.
//
// The import reads documents from whoever writes them, and bounds what
// one costs. A document larger than [Options].MaxSize is refused unread
// ([ErrTooLarge]): by default 32 MiB of JSON ([DefaultMaxSize]) and 1 MiB
// of YAML ([DefaultMaxYAMLSize]), whose parser takes about a hundred
// times a document's size in memory. A JSON document (its first character
// past white space is "{") is read as JSON, and only what the import
// reads (versions, servers, security schemes and requirements, paths,
// operations, their parameters and extensions) is decoded: schemas,
// responses and examples, however large or deeply nested, are scanned
// once and dropped, so that their mistakes, and their references to
// other files, are not errors. A key given twice in what the import
// reads, or in another case than OpenAPI's ("Security"), is an error, as
// parsers disagree on which to take. A YAML document is read whole, and
// bounded by its size only.
//
// [Result.TableJSON] and [Result.CatalogJSON] write the table and the
// catalog as enforce.ReadEndpointsJSON and scope.ParseCatalogJSON read
// them; the scopegate command's import subcommand does so from a file.
package openapi

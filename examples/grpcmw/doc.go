// Package grpcmw puts the scopegate enforcer in front of a gRPC server
// (google.golang.org/grpc), through the decision path of package guard,
// which the net/http, chi, gin and echo adapters share.
//
//	ic := grpcmw.New(guard.New(enforcer, verifier), grpcmw.WithDivision(fromRequest))
//	srv := grpc.NewServer(
//		grpc.ChainUnaryInterceptor(ic.Unary),
//		grpc.ChainStreamInterceptor(ic.Stream),
//	)
//
// # The endpoint table
//
// A gRPC call is a POST to its full method name, and that is how the
// table lists it: method POST, path "/package.Service/Method".
//
//	{"name": "getUser", "method": "POST", "path": "/scopegate.demo.v1.Directory/GetUser",
//	 "scopes": ["users", "users:readonly"], "permissions": {"all": ["directory:user:view"]}, "read_only": true}
//
// A method name has no path parameters, so a division comes with the
// request (enforce.DivisionFromRequest): [WithDivision] reads it from the
// request message of a unary call, or from the metadata of a stream.
// Mark the methods that only read with read_only, for reviews.
//
// # What it reads
//
// The full method name of the call (a name of another form than
// "/service/method", of letters, digits, '_' and '.', matches no
// endpoint) and the bearer token of the "authorization" metadata, through
// the guard's token verifier. The stream interceptor decides before the
// handler reads a message. A server without grpc.UnknownServiceHandler
// answers Unimplemented for the services it does not have, before any
// interceptor; with one, the stream interceptor judges those calls too,
// and denies them.
//
// # What it writes
//
// A denial is a gRPC status ([Status]): Unauthenticated for the 401
// causes (no token, a bad, expired or revoked one, a disabled client),
// PermissionDenied for the 403 ones (scope, permission, user, division),
// NotFound for 404 (a method the table does not list, or, when the
// enforcer answers unknown endpoints with 403
// (enforce.WithUnknownEndpointStatus), PermissionDenied), Unavailable for
// a decision that could not be made, and Internal for a misconfigured
// interceptor. Its message is the reason the caller may be told, and its
// details an errdetails.ErrorInfo whose Reason is the decision's code
// (SCOPE_INSUFFICIENT, ...), whose Domain is [Domain], and whose metadata
// hold the remedy ("remedy") and the HTTP status ("httpStatus"). The
// handler is not called. An allowed call reaches the handler with the
// decision and the token in its context (the stream's, for streams):
// [guard.DecisionFrom] and [guard.TokenFrom] read them.
//
// An Interceptor is immutable and safe for concurrent use. A nil one, or
// one over a nil guard, refuses every call with Internal,
// MIDDLEWARE_MISCONFIGURED.
//
// The tests run a small service, internal/directorypb, over a real gRPC
// server on bufconn; its generated code is committed, with the command
// that generates it.
package grpcmw

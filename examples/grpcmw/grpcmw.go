package grpcmw

import (
	"context"
	"net/http"
	"strconv"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/scopegate/scopegate/examples/guard"
	"github.com/scopegate/scopegate/permission"
)

// Domain is the domain of the ErrorInfo details of a denial.
const Domain = "scopegate"

// An Option configures an Interceptor.
type Option func(*Interceptor)

// WithDivision sets how to find the division of a resource for methods
// whose division comes with the request (enforce.DivisionFromRequest):
// from the request message of a unary call, or, for a stream, whose
// messages come later, from ctx (its metadata) alone, with req nil.
// Without it such methods deny with DIVISION_UNRESOLVED.
func WithDivision(f func(ctx context.Context, fullMethod string, req any) permission.DivisionID) Option {
	return func(i *Interceptor) { i.division = f }
}

// An Interceptor guards a gRPC server: its Unary and Stream methods are
// the server interceptors. Build it with New. It is immutable and safe
// for concurrent use.
type Interceptor struct {
	guard    *guard.Guard
	division func(ctx context.Context, fullMethod string, req any) permission.DivisionID
}

// New returns an interceptor that decides with g. A nil guard refuses
// every call with codes.Internal, MIDDLEWARE_MISCONFIGURED.
func New(g *guard.Guard, opts ...Option) *Interceptor {
	i := &Interceptor{guard: g}
	for _, opt := range opts {
		if opt != nil {
			opt(i)
		}
	}
	return i
}

// Unary is the unary server interceptor: grpc.UnaryInterceptor(i.Unary),
// or one of grpc.ChainUnaryInterceptor's.
func (i *Interceptor) Unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	o := i.check(ctx, info.FullMethod, req)
	if !o.Allowed() {
		return nil, Status(o).Err()
	}
	return handler(o.Context(ctx), req)
}

// Stream is the stream server interceptor: grpc.StreamInterceptor(i.Stream),
// or one of grpc.ChainStreamInterceptor's. It decides before the handler
// reads a message. It also guards the grpc.UnknownServiceHandler, if the
// server has one: a method the table does not list is denied.
func (i *Interceptor) Stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx := ss.Context()
	o := i.check(ctx, info.FullMethod, nil)
	if !o.Allowed() {
		return Status(o).Err()
	}
	return handler(srv, &stream{ServerStream: ss, ctx: o.Context(ctx)})
}

// stream is a ServerStream whose context carries the decision.
type stream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *stream) Context() context.Context { return s.ctx }

// check reads the call into a guard request and decides.
func (i *Interceptor) check(ctx context.Context, method string, msg any) guard.Outcome {
	md, _ := metadata.FromIncomingContext(ctx)
	req := guard.Request{Method: http.MethodPost, Path: method, Route: routeOf(method), Authorization: md.Get("authorization")}
	var g *guard.Guard
	if i != nil {
		g = i.guard
		if i.division != nil {
			req.Division = i.division(ctx, method, msg)
		}
	}
	return g.Check(ctx, &req)
}

// routeOf returns the route of a full method name, "POST
// /package.Service/Method", as the table lists it: gRPC calls are POST
// requests to the method's path. A name of another form, which no
// generated service has, matches no endpoint.
func routeOf(method string) string {
	if !validMethod(method) {
		return guard.NoRoute
	}
	return "POST " + method
}

// validMethod reports whether m is "/service/method", each part of
// letters, digits, '_' and '.', as protoc names them.
func validMethod(m string) bool {
	if len(m) < 4 || m[0] != '/' {
		return false
	}
	slashes := 0
	for j := 1; j < len(m); j++ {
		switch c := m[j]; {
		case c == '/':
			if slashes++; slashes > 1 || m[j-1] == '/' || j == len(m)-1 {
				return false
			}
		case c == '_' || c == '.' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
		default:
			return false
		}
	}
	return slashes == 1
}

// Status returns the gRPC status of a denial: its code from the HTTP
// status (Unauthenticated for 401, PermissionDenied for 403, NotFound for
// 404, Unavailable for 503, Internal for the guard's own refusals), the
// reason the caller may be told as its message, and an ErrorInfo detail
// whose Reason is the decision's code (SCOPE_INSUFFICIENT, ...), whose
// Domain is [Domain], and whose metadata holds the remedy ("remedy") and
// the HTTP status ("httpStatus"). It is OK for an allowed outcome.
func Status(o guard.Outcome) *status.Status {
	if o.Allowed() {
		return status.New(codes.OK, "")
	}
	reason, remedy := o.Explain()
	st := status.New(Code(o.Status()), reason)
	info := &errdetails.ErrorInfo{Reason: o.Code(), Domain: Domain,
		Metadata: map[string]string{"httpStatus": strconv.Itoa(o.Status())}}
	if remedy != "" {
		info.Metadata["remedy"] = remedy
	}
	if withInfo, err := st.WithDetails(info); err == nil {
		return withInfo
	}
	return st
}

// Code returns the gRPC code for an HTTP status of a denial.
func Code(httpStatus int) codes.Code {
	switch httpStatus {
	case http.StatusOK:
		return codes.OK
	case http.StatusUnauthorized:
		return codes.Unauthenticated
	case http.StatusForbidden:
		return codes.PermissionDenied
	case http.StatusNotFound:
		return codes.NotFound
	case http.StatusServiceUnavailable:
		return codes.Unavailable
	}
	return codes.Internal
}

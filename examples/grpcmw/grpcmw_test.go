package grpcmw_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/grpcmw"
	"github.com/scopegate/scopegate/examples/grpcmw/internal/directorypb"
	"github.com/scopegate/scopegate/examples/guard"
	"github.com/scopegate/scopegate/examples/internal/adaptertest"
	"github.com/scopegate/scopegate/permission"
)

// directory answers with what the interceptor left in the context.
type directory struct {
	directorypb.UnimplementedDirectoryServer
}

func caller(ctx context.Context) (*directorypb.User, error) {
	d, ok := guard.DecisionFrom(ctx)
	tok, ok2 := guard.TokenFrom(ctx)
	if !ok || !ok2 || !d.Allowed() {
		return nil, status.Error(codes.Internal, "handler reached without an allowed decision")
	}
	return &directorypb.User{Route: d.Route(), Scope: d.MatchedScope().String(), Caller: tok.User}, nil
}

func (directory) GetUser(ctx context.Context, r *directorypb.GetUserRequest) (*directorypb.User, error) {
	u, err := caller(ctx)
	if u != nil {
		u.Id = r.GetId()
	}
	return u, err
}

func (directory) GetMe(ctx context.Context, _ *directorypb.GetMeRequest) (*directorypb.User, error) {
	return caller(ctx)
}

func (directory) CreateUser(ctx context.Context, r *directorypb.CreateUserRequest) (*directorypb.User, error) {
	u, err := caller(ctx)
	if u != nil {
		u.Name = r.GetName()
	}
	return u, err
}

func (directory) DeleteUser(ctx context.Context, _ *directorypb.GetUserRequest) (*directorypb.User, error) {
	return caller(ctx)
}

func (directory) ListUsers(_ *directorypb.ListUsersRequest, s grpc.ServerStreamingServer[directorypb.User]) error {
	u, err := caller(s.Context())
	if err != nil {
		return err
	}
	for _, id := range []string{"u-home", "u-sales"} {
		u.Id = id
		if err := s.Send(u); err != nil {
			return err
		}
	}
	return nil
}

// division reads the division of CreateUser from its request.
func division(_ context.Context, _ string, req any) permission.DivisionID {
	if r, ok := req.(*directorypb.CreateUserRequest); ok {
		return permission.DivisionID(r.GetDivisionId())
	}
	return ""
}

// serve runs the directory behind the interceptors on a bufconn listener,
// with an unknown-service handler, and returns a client connection.
func serve(t *testing.T, ic *grpcmw.Interceptor) *grpc.ClientConn {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(grpc.UnaryInterceptor(ic.Unary), grpc.StreamInterceptor(ic.Stream),
		grpc.UnknownServiceHandler(func(any, grpc.ServerStream) error {
			return status.Error(codes.Internal, "unknown service handler reached")
		}))
	directorypb.RegisterDirectoryServer(srv, directory{})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func fixture(t testing.TB, opts ...enforce.Option) *adaptertest.Fixture {
	data, err := os.ReadFile("testdata/endpoints.json")
	require.NoError(t, err)
	endpoints, err := enforce.ParseEndpointsJSON(data)
	require.NoError(t, err)
	return adaptertest.New(t, adaptertest.Options{Endpoints: endpoints, Enforce: opts})
}

// call is one RPC: its answer, or its error.
type call func(ctx context.Context, c directorypb.DirectoryClient, conn *grpc.ClientConn) (*directorypb.User, error)

func getUser(ctx context.Context, c directorypb.DirectoryClient, _ *grpc.ClientConn) (*directorypb.User, error) {
	return c.GetUser(ctx, &directorypb.GetUserRequest{Id: "u-home"})
}

func getMe(ctx context.Context, c directorypb.DirectoryClient, _ *grpc.ClientConn) (*directorypb.User, error) {
	return c.GetMe(ctx, &directorypb.GetMeRequest{})
}

func createUser(div string) call {
	return func(ctx context.Context, c directorypb.DirectoryClient, _ *grpc.ClientConn) (*directorypb.User, error) {
		return c.CreateUser(ctx, &directorypb.CreateUserRequest{Name: "Sam", DivisionId: div})
	}
}

func deleteUser(ctx context.Context, c directorypb.DirectoryClient, _ *grpc.ClientConn) (*directorypb.User, error) {
	return c.DeleteUser(ctx, &directorypb.GetUserRequest{Id: "u-home"})
}

// listUsers reads the whole stream; it returns the last user.
func listUsers(ctx context.Context, c directorypb.DirectoryClient, _ *grpc.ClientConn) (*directorypb.User, error) {
	s, err := c.ListUsers(ctx, &directorypb.ListUsersRequest{})
	if err != nil {
		return nil, err
	}
	var last *directorypb.User
	for {
		u, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return last, nil
		}
		if err != nil {
			return nil, err
		}
		last = u
	}
}

// unknownService calls a service the server does not have.
func unknownService(ctx context.Context, _ directorypb.DirectoryClient, conn *grpc.ClientConn) (*directorypb.User, error) {
	out := new(directorypb.User)
	return out, conn.Invoke(ctx, "/other.v1.Billing/Charge", &directorypb.GetMeRequest{}, out)
}

func TestInterceptors(t *testing.T) {
	f := fixture(t)
	conn := serve(t, grpcmw.New(f.Guard, grpcmw.WithDivision(division)))
	client := directorypb.NewDirectoryClient(conn)
	good := "Bearer " + f.Token("agent", "users:readonly")
	admin := "Bearer " + f.Token("admin", "users:manage")

	for _, tc := range []struct {
		name    string
		call    call
		auth    []string
		code    codes.Code
		reason  string // the ErrorInfo's reason: the decision's code
		message string // checked when set
		remedy  string // checked when set
		want    *directorypb.User
	}{
		{name: "allowed, unary", call: getUser, auth: []string{good}, code: codes.OK,
			want: &directorypb.User{Id: "u-home", Route: "POST /scopegate.demo.v1.Directory/GetUser", Scope: "users:readonly", Caller: "agent"}},
		{name: "allowed, server stream", call: listUsers, auth: []string{good}, code: codes.OK,
			want: &directorypb.User{Id: "u-sales", Route: "POST /scopegate.demo.v1.Directory/ListUsers", Scope: "users:readonly", Caller: "agent"}},
		{name: "allowed, division from the request", call: createUser("sales"), auth: []string{admin}, code: codes.OK,
			want: &directorypb.User{Name: "Sam", Route: "POST /scopegate.demo.v1.Directory/CreateUser", Scope: "users:manage", Caller: "admin"}},
		{name: "allowed, user required", call: getMe, auth: []string{good}, code: codes.OK,
			want: &directorypb.User{Route: "POST /scopegate.demo.v1.Directory/GetMe", Scope: "users:readonly", Caller: "agent"}},

		{name: "no token", call: getUser, code: codes.Unauthenticated, reason: "TOKEN_MISSING",
			message: "the request carries no access token", remedy: "send an access token in the Authorization header: Authorization: Bearer <token>"},
		{name: "no token, stream", call: listUsers, code: codes.Unauthenticated, reason: "TOKEN_MISSING"},
		{name: "not a bearer token", call: getUser, auth: []string{"Basic c2VjcmV0"}, code: codes.Unauthenticated, reason: "TOKEN_INVALID",
			message: "the Authorization header was refused: the header does not use the Bearer scheme"},
		{name: "two authorization values", call: getUser, auth: []string{good, good}, code: codes.Unauthenticated, reason: "TOKEN_INVALID"},
		{name: "bad token", call: getUser, auth: []string{"Bearer abc.def"}, code: codes.Unauthenticated, reason: "TOKEN_INVALID"},
		{name: "verifier down", call: getUser, auth: []string{"Bearer " + adaptertest.Unavailable}, code: codes.Unavailable, reason: "UNAVAILABLE"},
		{name: "scope missing", call: getUser, auth: []string{"Bearer " + f.Token("agent", "conversations:readonly")}, code: codes.PermissionDenied,
			reason: "SCOPE_INSUFFICIENT", message: "the token has none of the scopes POST /scopegate.demo.v1.Directory/GetUser accepts: users, users:readonly",
			remedy: "add scope users:readonly to the OAuth client, have the org authorize it, then re-authenticate"},
		{name: "scope missing, stream", call: listUsers, auth: []string{"Bearer " + f.Token("agent", "conversations:readonly")}, code: codes.PermissionDenied,
			reason: "SCOPE_INSUFFICIENT"},
		{name: "permission missing", call: createUser("home"), auth: []string{"Bearer " + f.Token("agent", "users:manage")}, code: codes.PermissionDenied,
			reason: "PERMISSIONS_INSUFFICIENT"},
		{name: "no division", call: createUser(""), auth: []string{admin}, code: codes.PermissionDenied, reason: "DIVISION_UNRESOLVED"},
		{name: "division of no org", call: createUser("elsewhere"), auth: []string{admin}, code: codes.PermissionDenied, reason: "DIVISION_UNKNOWN"},
		{name: "method not in the table", call: deleteUser, auth: []string{good}, code: codes.NotFound, reason: "ENDPOINT_UNKNOWN",
			message: `no endpoint matches POST "/scopegate.demo.v1.Directory/DeleteUser"`},
		{name: "method not in the table, without a token", call: deleteUser, code: codes.Unauthenticated, reason: "TOKEN_MISSING"},
		{name: "unknown service", call: unknownService, auth: []string{good}, code: codes.NotFound, reason: "ENDPOINT_UNKNOWN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			for _, a := range tc.auth {
				ctx = metadata.AppendToOutgoingContext(ctx, "authorization", a)
			}
			got, err := tc.call(ctx, client, conn)
			st := status.Convert(err)
			require.Equal(t, tc.code, st.Code(), "status: %v", st)
			if tc.code == codes.OK {
				require.Equal(t, tc.want.String(), got.String())
				return
			}
			require.Len(t, st.Details(), 1)
			info, ok := st.Details()[0].(*errdetails.ErrorInfo)
			require.True(t, ok, "details: %v", st.Details())
			require.Equal(t, tc.reason, info.GetReason())
			require.Equal(t, grpcmw.Domain, info.GetDomain())
			require.NotEmpty(t, info.GetMetadata()["httpStatus"])
			if tc.message != "" {
				require.Equal(t, tc.message, st.Message())
			}
			if tc.remedy != "" {
				require.Equal(t, tc.remedy, info.GetMetadata()["remedy"])
			}
			for _, a := range tc.auth {
				if _, tok, ok := strings.Cut(a, " "); ok && len(tok) > 8 {
					require.NotContains(t, st.String(), tok, "the answer must not echo the token")
				}
			}
		})
	}
}

// An enforcer that answers 403 for unknown endpoints makes the
// interceptor answer PermissionDenied for a method the table lacks.
func TestUnknownMethodAsConfigured(t *testing.T) {
	f := fixture(t, enforce.WithUnknownEndpointStatus(403))
	conn := serve(t, grpcmw.New(f.Guard))
	ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+f.Token("agent", "users:readonly"))
	for _, c := range []call{deleteUser, unknownService} {
		_, err := c(ctx, directorypb.NewDirectoryClient(conn), conn)
		st := status.Convert(err)
		require.Equal(t, codes.PermissionDenied, st.Code())
		require.Equal(t, "ENDPOINT_UNKNOWN", st.Details()[0].(*errdetails.ErrorInfo).GetReason())
	}
}

func TestMisconfiguredRefuses(t *testing.T) {
	f := fixture(t)
	for _, ic := range []*grpcmw.Interceptor{nil, grpcmw.New(nil), {}} {
		conn := serve(t, ic)
		ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+f.Token("agent", "users:readonly"))
		for _, c := range []call{getUser, listUsers} {
			_, err := c(ctx, directorypb.NewDirectoryClient(conn), conn)
			st := status.Convert(err)
			require.Equal(t, codes.Internal, st.Code())
			require.Equal(t, guard.CodeMisconfigured, st.Details()[0].(*errdetails.ErrorInfo).GetReason())
		}
	}
}

// Method names of another form than /service/method match no endpoint.
func TestMalformedMethodNames(t *testing.T) {
	f := fixture(t)
	ic := grpcmw.New(f.Guard)
	md := metadata.Pairs("authorization", "Bearer "+f.Token("agent", "users:readonly"))
	ctx := metadata.NewIncomingContext(context.Background(), md)
	for _, m := range []string{
		"/scopegate.demo.v1.Directory/GetUser", // the one that is allowed
		"/scopegate.demo.v1.Directory/GetUser/", "/scopegate.demo.v1.Directory//GetUser", "scopegate.demo.v1.Directory/GetUser",
		"/scopegate.demo.v1.Directory/{method}", "/{service}/{method}", "/scopegate.demo.v1.Directory/GetUser/../GetMe", "/", "",
	} {
		reached := false
		_, err := ic.Unary(ctx, &directorypb.GetUserRequest{}, &grpc.UnaryServerInfo{FullMethod: m}, func(context.Context, any) (any, error) {
			reached = true
			return nil, nil
		})
		allowed := m == "/scopegate.demo.v1.Directory/GetUser"
		require.Equal(t, allowed, reached, m)
		if !allowed {
			require.Equal(t, "ENDPOINT_UNKNOWN", status.Convert(err).Details()[0].(*errdetails.ErrorInfo).GetReason(), m)
		}
	}
}

func TestCode(t *testing.T) {
	for status, want := range map[int]codes.Code{200: codes.OK, 401: codes.Unauthenticated, 403: codes.PermissionDenied, 404: codes.NotFound,
		503: codes.Unavailable, 500: codes.Internal, 418: codes.Internal} {
		require.Equal(t, want, grpcmw.Code(status), status)
	}
}

func BenchmarkUnary(b *testing.B) {
	f := fixture(b)
	ic := grpcmw.New(f.Guard)
	ctx := metadata.NewIncomingContext(context.Background(), metadata.Pairs("authorization", "Bearer "+f.Token("agent", "users:readonly")))
	info := &grpc.UnaryServerInfo{FullMethod: "/scopegate.demo.v1.Directory/GetUser"}
	req := &directorypb.GetUserRequest{Id: "u-home"}
	ok := func(context.Context, any) (any, error) { return nil, nil }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ic.Unary(ctx, req, info, ok); err != nil {
			b.Fatal(err)
		}
	}
}

package grpcmw_test

import (
	"context"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/scopegate/scopegate/examples/grpcmw"
	"github.com/scopegate/scopegate/examples/grpcmw/internal/directorypb"
)

// FuzzMethodName: whatever the method name, no panic, and only the names
// of the table's methods reach the handler.
func FuzzMethodName(f *testing.F) {
	fx := fixture(f)
	ic := grpcmw.New(fx.Guard)
	ctx := metadata.NewIncomingContext(context.Background(), metadata.Pairs("authorization", "Bearer "+fx.Token("admin", "users")))
	allowed := map[string]bool{"/scopegate.demo.v1.Directory/GetUser": true, "/scopegate.demo.v1.Directory/GetMe": true,
		"/scopegate.demo.v1.Directory/ListUsers": true}
	for _, m := range []string{"/scopegate.demo.v1.Directory/GetUser", "/a/b", "/{a}/{b}", "/a//b", "/a/b/", "", "/", "/a/b/../c", "/a/b\x00"} {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, method string) {
		reached := false
		_, _ = ic.Unary(ctx, &directorypb.GetUserRequest{}, &grpc.UnaryServerInfo{FullMethod: method}, func(context.Context, any) (any, error) {
			reached = true
			return nil, nil
		})
		if reached != allowed[method] {
			t.Fatalf("%q: reached %v", method, reached)
		}
	})
}

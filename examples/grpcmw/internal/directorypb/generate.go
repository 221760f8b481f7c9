// Package directorypb is the code protoc generates for directory.proto, a
// small service for the tests of package grpcmw. The generated files are
// committed; to generate them again, with protoc 3.21.12 (Debian's
// protobuf-compiler), protoc-gen-go v1.36.12 and protoc-gen-go-grpc
// v1.6.2 on the PATH:
//
//	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
//	go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
//	go generate ./examples/grpcmw/internal/directorypb
package directorypb

//go:generate protoc --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative directory.proto

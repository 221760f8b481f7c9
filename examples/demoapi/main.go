// Command demoapi is a small API server with users, presence and
// conversations endpoints, guarded by scopegate through the httpmw
// middleware: every call needs a scope in its token and a permission held
// by its user (or, for client credentials, by the client) in the right
// division.
//
//	go run ./examples/demoapi [-addr localhost:8080]
//
// At start-up it registers an app for each application profile of the
// guide "OAuth Scopes and Permissions", has the demo org authorize it, issues
// it a token (a JWT access token, package jwtoken), and prints the tokens
// with a walkthrough of curl commands and the answer each gets. It also
// serves the OAuth 2 endpoints (package authserver) under /oauth, with a
// sign-in page that lists the demo users (/login) and a page that plays
// the app's redirect URI (/callback), and prints the authorize URL of the
// code flow with PKCE, for a browser, and the curl commands of the token
// endpoint. Its data lives in memory and is gone when it stops.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "the address to listen on; keep it on loopback: the tokens printed are live")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "demoapi:", err)
		os.Exit(1)
	}
}

// run serves the demo API on addr until ctx is done, after printing the
// walkthrough to out. It logs each denial, and the reason, to logs.
func run(ctx context.Context, addr string, out, logs io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	s, err := newServer(config{base: "http://" + ln.Addr().String(), log: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		return err
	}
	tokens, err := s.profileTokens(ctx)
	if err != nil {
		return err
	}
	printWalkthrough(out, "http://"+ln.Addr().String(), tokens)
	fmt.Fprintf(out, "\nListening on http://%s; stop with Ctrl-C.\n", ln.Addr())

	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	done := make(chan error, 1)
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return <-done
}

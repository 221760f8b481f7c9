// Command demoapi is a small API server with users, presence and
// conversations endpoints, guarded by scopegate through the httpmw
// middleware: every call needs a scope in its token and a permission held
// by its user (or, for client credentials, by the client) in the right
// division.
//
//	go run ./examples/demoapi [-addr localhost:8080] [-data DIR | -postgres DSN]
//
// At start-up it registers an app for each application profile of the
// guide "OAuth Scopes and Permissions", has the demo org authorize it, issues
// it a token (a JWT access token, package jwtoken), and prints the tokens
// with a walkthrough of curl commands and the answer each gets. It also
// serves the OAuth 2 endpoints (package authserver) under /oauth, with a
// sign-in page that lists the demo users (/login) and a page that plays
// the app's redirect URI (/callback), and prints the authorize URL of the
// code flow with PKCE, for a browser, and the curl commands of the token
// endpoint.
//
// Its data lives in an SQLite database file: scopegate.db in DIR, or in a
// temporary directory removed when it stops. With -postgres it lives in
// the PostgreSQL database at DSN instead, and several servers on the same
// database are replicas of one API: a token revoked, a client disabled or
// a role removed through one is denied by all of them within the
// replicas' staleness bound (a second).
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
	data := flag.String("data", "", "the directory of the SQLite database file; a temporary one, removed at exit, when empty")
	dsn := flag.String("postgres", "", "the connection string of a PostgreSQL database to keep the data in, instead of SQLite")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, config{dataDir: *data, postgres: *dsn}, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "demoapi:", err)
		os.Exit(1)
	}
}

// run serves the demo API on addr, over the storage cfg names, until ctx
// is done, after printing the walkthrough to out. It logs each denial, and
// the reason, to logs.
func run(ctx context.Context, addr string, cfg config, out, logs io.Writer) (err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	cfg.base = "http://" + ln.Addr().String()
	cfg.log = slog.New(slog.NewTextHandler(logs, nil))
	s, err := newServer(cfg)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
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

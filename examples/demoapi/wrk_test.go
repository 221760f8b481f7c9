package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime/pprof"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/client"
	"github.com/scopegate/scopegate/examples/jwtoken"
	"github.com/scopegate/scopegate/scope"
)

// TestThroughputWithWrk measures, with wrk on loopback, what guarding
// costs at the HTTP level: GET /api/v2/users/me bare (the same handler
// work without the middleware) and guarded, with the verifier's cache and
// without it for each algorithm. It is a measurement, not a check of
// correctness: it runs only with SCOPEGATE_WRK=1 and wrk installed
// (Debian's wrk), and fails only if a request is not answered 200. Beside
// wrk's requests per second it logs the server's CPU time per request,
// which other load on a shared machine disturbs less. With
// SCOPEGATE_WRK_PROFILE=file it writes a CPU profile of the first cached
// run.
//
//	SCOPEGATE_WRK=1 go test -run TestThroughputWithWrk -v ./examples/demoapi
func TestThroughputWithWrk(t *testing.T) {
	if os.Getenv("SCOPEGATE_WRK") != "1" {
		t.Skip("a measurement: set SCOPEGATE_WRK=1 to run it (it needs wrk)")
	}
	wrk, err := exec.LookPath("wrk")
	require.NoError(t, err, "apt-get install wrk")
	dur := os.Getenv("SCOPEGATE_WRK_DURATION")
	if dur == "" {
		dur = "5s"
	}
	type run struct {
		name    string
		alg     jwtoken.Algorithm
		cache   int
		bare    bool
		profile bool
	}
	// Bare and cached runs alternate, three times each: the machine is
	// shared, so compare neighbours.
	runs := []run{
		{name: "bare", bare: true},
		{name: "guarded, cached ES256", alg: jwtoken.ES256, profile: true},
		{name: "bare", bare: true},
		{name: "guarded, cached ES256", alg: jwtoken.ES256},
		{name: "bare", bare: true},
		{name: "guarded, cached ES256", alg: jwtoken.ES256},
		{name: "guarded, uncached ES256", alg: jwtoken.ES256, cache: -1},
		{name: "guarded, uncached RS256", alg: jwtoken.RS256, cache: -1},
		{name: "guarded, uncached EdDSA", alg: jwtoken.EdDSA, cache: -1},
	}
	for _, r := range runs {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		base := "http://" + ln.Addr().String()
		s, err := newServer(config{base: base, alg: r.alg, cacheSize: r.cache})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		is, err := s.issue(ctx, app{name: "Load", grantType: client.AuthorizationCode, scopes: scope.MustParseSet("users:readonly"), user: "u-agent"})
		require.NoError(t, err)
		handler := s.handler
		if r.bare {
			mux := http.NewServeMux()
			mux.HandleFunc("GET /api/v2/users/me", func(w http.ResponseWriter, _ *http.Request) { s.writeUser(w, "u-agent") })
			handler = mux
		}
		srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(ln) }()

		var prof *os.File
		if path := os.Getenv("SCOPEGATE_WRK_PROFILE"); path != "" && r.profile {
			prof, err = os.Create(path)
			require.NoError(t, err)
			require.NoError(t, pprof.StartCPUProfile(prof))
		}
		cpu0 := cpuTime(t)
		out, err := exec.Command(wrk, "-t1", "-c16", "-d"+dur, "-H", "Authorization: Bearer "+is.bearer, base+"/api/v2/users/me").CombinedOutput()
		cpu := cpuTime(t) - cpu0
		if prof != nil {
			pprof.StopCPUProfile()
			require.NoError(t, prof.Close())
		}
		shutdown, cancel := context.WithTimeout(ctx, 5*time.Second)
		_ = srv.Shutdown(shutdown)
		cancel()
		require.NoError(t, err, "%s", out)
		require.NotContains(t, string(out), "Non-2xx", "%s", out)
		m := regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`).FindSubmatch(out)
		require.NotNil(t, m, "%s", out)
		rps, err := strconv.ParseFloat(string(m[1]), 64)
		require.NoError(t, err)
		n := regexp.MustCompile(`([0-9]+) requests in`).FindSubmatch(out)
		require.NotNil(t, n, "%s", out)
		count, err := strconv.ParseFloat(string(n[1]), 64)
		require.NoError(t, err)
		t.Log(fmt.Sprintf("%-26s %8.0f requests/s %7.1f µs of server CPU per request", r.name, rps, float64(cpu.Microseconds())/count))
	}
}

// cpuTime is the CPU time (user and system) this process has used: the
// server's, since wrk runs in a process of its own.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	require.NoError(t, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

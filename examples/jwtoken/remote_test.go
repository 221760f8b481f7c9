package jwtoken_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/examples/jwtoken"
)

// remoteMaxAge is how long the tests' RemoteKeys use a set.
const remoteMaxAge = 5 * time.Minute

// jwksServer serves a JWK Set that tests change, and counts the fetches.
type jwksServer struct {
	srv     *httptest.Server
	mu      sync.Mutex
	body    []byte
	status  int
	fetches atomic.Int64
	// gate, when set, holds every fetch until it is closed.
	gate chan struct{}
}

func newJWKSServer(t testing.TB, body []byte) *jwksServer {
	t.Helper()
	j := &jwksServer{body: body, status: 200}
	j.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		j.fetches.Add(1)
		j.mu.Lock()
		gate, status, body := j.gate, j.status, j.body
		j.mu.Unlock()
		if gate != nil {
			<-gate
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(j.srv.Close)
	return j
}

func (j *jwksServer) set(body []byte) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.body, j.status = body, 200
}

func (j *jwksServer) fail(status int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.status = status
}

func (j *jwksServer) remote(t testing.TB, c *clock, interval time.Duration) *jwtoken.RemoteKeys {
	t.Helper()
	r, err := jwtoken.NewRemoteKeys(jwtoken.RemoteConfig{URL: j.srv.URL, RefreshInterval: interval, MaxAge: remoteMaxAge, Now: c.now})
	require.NoError(t, err)
	return r
}

func (j *jwksServer) waitFetches(t testing.TB, n int64) {
	t.Helper()
	require.Eventually(t, func() bool { return j.fetches.Load() >= n }, 5*time.Second, 5*time.Millisecond)
}

func publicSet(t testing.TB, keys ...*jwtoken.Key) []byte {
	t.Helper()
	var set struct {
		Keys []*jwtoken.PublicKey `json:"keys"`
	}
	for _, k := range keys {
		set.Keys = append(set.Keys, k.Public())
	}
	b, err := json.Marshal(set)
	require.NoError(t, err)
	return b
}

// Tokens naming made-up key IDs make RemoteKeys fetch at most once per
// refresh interval, and a real new key is found on the first fetch the
// interval allows.
func TestRemoteUnknownKeyFlood(t *testing.T) {
	c := newClock()
	a, err := jwtoken.GenerateKey(jwtoken.ES256)
	require.NoError(t, err)
	j := newJWKSServer(t, publicSet(t, a))
	r := j.remote(t, c, time.Minute)

	k, err := r.PublicKey(ctx, a.ID())
	require.NoError(t, err)
	require.Equal(t, a.ID(), k.ID())
	require.Equal(t, int64(1), j.fetches.Load())

	k2, err := r.PublicKey(ctx, "made-up-0")
	require.ErrorIs(t, err, jwtoken.ErrUnknownKey, "the first unknown ID may fetch: the interval has not passed, so it does not")
	require.Nil(t, k2)
	for i := range 1000 {
		_, err := r.PublicKey(ctx, "made-up-"+string(rune('a'+i%26)))
		require.ErrorIs(t, err, jwtoken.ErrUnknownKey)
	}
	require.Equal(t, int64(1), j.fetches.Load(), "no fetch within the interval")

	b, err := jwtoken.GenerateKey(jwtoken.ES256)
	require.NoError(t, err)
	j.set(publicSet(t, a, b))
	c.add(time.Minute)
	kb, err := r.PublicKey(ctx, b.ID())
	require.NoError(t, err, "a new key, once the interval has passed")
	require.Equal(t, b.ID(), kb.ID())
	require.Equal(t, int64(2), j.fetches.Load())
	ka, err := r.PublicKey(ctx, a.ID())
	require.NoError(t, err)
	require.Same(t, k, ka, "a key fetched again unchanged is the same key")
	for range 100 {
		_, _ = r.PublicKey(ctx, "made-up")
	}
	require.Equal(t, int64(2), j.fetches.Load())
}

// When the JWK Set cannot be fetched, the keys fetched before keep
// serving; with none, the verifier is unavailable (503), not the token
// invalid.
func TestRemoteFailures(t *testing.T) {
	c := newClock()
	a, err := jwtoken.GenerateKey(jwtoken.ES256)
	require.NoError(t, err)
	j := newJWKSServer(t, publicSet(t, a))
	j.fail(http.StatusBadGateway)
	r := j.remote(t, c, time.Minute)

	_, err = r.PublicKey(ctx, a.ID())
	require.ErrorIs(t, err, jwtoken.ErrKeysUnavailable)
	require.ErrorIs(t, err, enforce.ErrVerifierUnavailable)
	keys, err := jwtoken.NewKeySet(a, c.now)
	require.NoError(t, err)
	enc, err := jwtoken.NewEncoder(keys, issuer, audience)
	require.NoError(t, err)
	tok, err := enc.Encode(userToken(start))
	require.NoError(t, err)
	ver, err := jwtoken.NewVerifier(jwtoken.Config{Issuer: issuer, Audience: []string{audience}, Keys: r, Now: c.now})
	require.NoError(t, err)
	claims, verr := ver.VerifyToken(ctx, tok)
	d := enforceWith(t, c, claims, verr)
	require.Equal(t, enforce.CodeUnavailable.String(), d.Code().String())
	require.Equal(t, 503, d.Status())

	j.set(publicSet(t, a))
	c.add(time.Minute)
	_, err = ver.VerifyToken(ctx, tok)
	require.NoError(t, err, "fetched once the interval passed")

	j.fail(http.StatusInternalServerError)
	c.add(remoteMaxAge)
	for range 3 {
		_, err = r.PublicKey(ctx, a.ID())
		require.NoError(t, err, "a failed refresh keeps the keys")
	}
	j.waitFetches(t, 3)
	c.add(time.Minute)
	_, err = r.PublicKey(ctx, "new-key")
	require.ErrorIs(t, err, jwtoken.ErrKeysUnavailable, "a key the set may have gained while it could not be read")

	j.set([]byte(`{"keys":[]}` + strings.Repeat(" ", jwtoken.MaxJWKSBytes)))
	require.ErrorIs(t, r.Refresh(ctx), jwtoken.ErrMalformed, "an oversized set")
	_, err = r.PublicKey(ctx, a.ID())
	require.NoError(t, err, "an oversized set leaves the keys")
}

// A caller that gives up waiting does not cancel the fetch others wait
// for; concurrent callers share one fetch.
func TestRemoteOneFetchAtATime(t *testing.T) {
	c := newClock()
	a, err := jwtoken.GenerateKey(jwtoken.ES256)
	require.NoError(t, err)
	j := newJWKSServer(t, publicSet(t, a))
	gate := make(chan struct{})
	j.mu.Lock()
	j.gate = gate
	j.mu.Unlock()
	r := j.remote(t, c, time.Minute)

	impatient, cancel := context.WithCancel(ctx)
	cancel()
	_, err = r.PublicKey(impatient, a.ID())
	require.ErrorIs(t, err, jwtoken.ErrKeysUnavailable)

	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := r.PublicKey(ctx, a.ID())
			errs <- err
		}()
	}
	time.Sleep(20 * time.Millisecond)
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, int64(1), j.fetches.Load())
}

func TestParseJWKS(t *testing.T) {
	es, err := jwtoken.GenerateKey(jwtoken.ES256)
	require.NoError(t, err)
	ed, err := jwtoken.GenerateKey(jwtoken.EdDSA)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		body string
		algs []jwtoken.Algorithm
		want []string // key IDs kept
		err  bool
	}{
		{name: "two keys", body: string(publicSet(t, es, ed)), want: []string{es.ID(), ed.ID()}},
		{name: "allow-list", body: string(publicSet(t, es, ed)), algs: []jwtoken.Algorithm{jwtoken.EdDSA}, want: []string{ed.ID()}},
		{name: "no alg: implied by the key", body: `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"k"}]}`, want: []string{"k"}},
		{name: "encryption key skipped", body: `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"k","use":"enc"}]}`, want: []string{}},
		{name: "no kid skipped", body: `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`, want: []string{}},
		{name: "private key skipped", body: `{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"k","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}]}`, want: []string{}},
		{name: "symmetric key skipped", body: `{"keys":[{"kty":"oct","kid":"k","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}]}`, want: []string{}},
		{name: "alg of another key type skipped", body: `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"k","alg":"ES256"}]}`, want: []string{}},
		{name: "unknown kty skipped", body: `{"keys":[{"kty":"XYZ","kid":"k"}]}`, want: []string{}},
		{name: "duplicate kid", body: `{"keys":[{"kty":"XYZ","kid":"k"},{"kty":"XYZ","kid":"k"}]}`, err: true},
		{name: "not a set", body: `[]`, err: true},
		{name: "no keys member", body: `{}`, err: true},
		{name: "trailing data", body: `{"keys":[]} {}`, err: true},
		{name: "too many keys", body: `{"keys":[` + strings.Repeat(`{},`, jwtoken.MaxJWKSKeys) + `{}]}`, err: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys, err := jwtoken.ParseJWKS([]byte(tc.body), tc.algs)
			if tc.err {
				require.ErrorIs(t, err, jwtoken.ErrMalformed)
				return
			}
			require.NoError(t, err)
			got := []string{}
			for kid := range keys {
				got = append(got, kid)
			}
			require.ElementsMatch(t, tc.want, got)
		})
	}
}

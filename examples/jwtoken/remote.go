package jwtoken

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Limits of a fetched JWK Set.
const (
	// MaxJWKSBytes is the largest JWK Set body RemoteKeys reads.
	MaxJWKSBytes = 1 << 20
	// MaxJWKSKeys is the most keys RemoteKeys keeps from one set.
	MaxJWKSKeys = 100
)

// Defaults of RemoteKeys.
const (
	// DefaultRefreshInterval is the least time between two fetches of the
	// JWK Set.
	DefaultRefreshInterval = time.Minute
	// DefaultMaxAge is how long a fetched JWK Set is used before it is
	// fetched again in the background.
	DefaultMaxAge = time.Hour
	// DefaultFetchTimeout bounds one fetch.
	DefaultFetchTimeout = 10 * time.Second
)

// RemoteConfig configures RemoteKeys. URL is required.
type RemoteConfig struct {
	// URL is the JWK Set's: the authorization server's jwks_uri, https
	// (http only on loopback).
	URL string
	// Client makes the requests; nil means a client with
	// DefaultFetchTimeout.
	Client *http.Client
	// RefreshInterval is the least time between two fetches, whatever
	// prompts them: a token naming an unknown key, a set grown old, a
	// failed fetch. Tokens with made-up key IDs therefore cost one fetch
	// per interval at most. Zero means DefaultRefreshInterval.
	RefreshInterval time.Duration
	// MaxAge is how long a set is used before it is fetched again, in the
	// background, while the old one keeps serving. Zero means
	// DefaultMaxAge.
	MaxAge time.Duration
	// Algorithms are the algorithms keys are kept for; nil means all
	// three supported ones.
	Algorithms []Algorithm
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// RemoteKeys is a KeySource that reads an authorization server's JWK Set
// (RFC 7517 §5) over HTTP(S), for a resource server that does not hold
// the issuer's keys. It fetches the set when a token first needs it, and
// again when a token names a key it does not know, at most once per
// refresh interval, so that a flood of tokens with made-up key IDs costs
// one fetch per interval. One fetch runs at a time; the requests that need
// it wait for it (or for their context), and the rest go on with the keys
// they have. A set older than its max age is fetched again in the
// background. When a fetch fails the keys fetched before keep serving;
// only when there are none does PublicKey return ErrKeysUnavailable.
//
// A key is kept when it has a "kid", is a public signing key ("use"
// absent or "sig") of an allowed algorithm (its "alg", or the one its
// type implies: ES256 for P-256, RS256 for RSA, EdDSA for Ed25519), and
// is not a private key; the others are skipped. A set with two keys of one
// ID, more than MaxJWKSKeys keys, or over MaxJWKSBytes is refused whole.
// A key fetched again unchanged stays the same *PublicKey, so the tokens
// it verified stay cached.
//
// RemoteKeys is safe for concurrent use.
type RemoteKeys struct {
	url      string
	client   *http.Client
	interval time.Duration
	maxAge   time.Duration
	algs     []Algorithm
	now      func() time.Time

	view atomic.Pointer[remoteView]

	mu       sync.Mutex
	inflight *fetch
	// lastTry is when the last fetch started; lastErr how it ended.
	lastTry time.Time
	lastErr error
}

type remoteView struct {
	keys      map[string]*PublicKey
	fetchedAt time.Time
}

type fetch struct {
	done chan struct{}
	err  error
}

// NewRemoteKeys checks cfg and returns a key source for the JWK Set at
// cfg.URL. It fetches nothing yet: see Refresh.
func NewRemoteKeys(cfg RemoteConfig) (*RemoteKeys, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" || !(u.Scheme == "https" || u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil, fmt.Errorf("%w: JWK Set URL %q must be https (http only on loopback)", ErrConfig, cfg.URL)
	}
	r := &RemoteKeys{url: cfg.URL, client: cfg.Client, interval: cfg.RefreshInterval, maxAge: cfg.MaxAge, algs: cfg.Algorithms, now: cfg.Now}
	if r.client == nil {
		r.client = &http.Client{Timeout: DefaultFetchTimeout}
	}
	if r.interval <= 0 {
		r.interval = DefaultRefreshInterval
	}
	if r.maxAge <= 0 {
		r.maxAge = DefaultMaxAge
	}
	if r.algs == nil {
		r.algs = algorithms
	}
	for _, a := range r.algs {
		if !a.valid() {
			return nil, fmt.Errorf("%w: algorithm %q", ErrConfig, a)
		}
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r, nil
}

// PublicKey returns the key with the ID, fetching the set first if it has
// none yet or does not know the ID, as often as the refresh interval
// allows.
func (r *RemoteKeys) PublicKey(ctx context.Context, kid string) (*PublicKey, error) {
	if r == nil || r.client == nil {
		return nil, fmt.Errorf("%w: a RemoteKeys not made by NewRemoteKeys", ErrConfig)
	}
	v := r.view.Load()
	if v != nil {
		if k, ok := v.keys[kid]; ok {
			if r.now().Sub(v.fetchedAt) >= r.maxAge {
				r.start(false) // in the background; this key serves meanwhile
			}
			return k, nil
		}
	}
	if f := r.start(false); f != nil {
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: waiting for the JWK Set: %w", ErrKeysUnavailable, ctx.Err())
		}
		v = r.view.Load()
		if v != nil {
			if k, ok := v.keys[kid]; ok {
				return k, nil
			}
		}
	}
	r.mu.Lock()
	lastErr := r.lastErr
	r.mu.Unlock()
	if lastErr != nil {
		// The set could not be read: the key may be one it gained since.
		return nil, fmt.Errorf("%w: %w", ErrKeysUnavailable, lastErr)
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownKey, clip(kid))
}

// Refresh fetches the set now, whatever the interval, and returns how the
// fetch went; a resource server may call it at start-up to fail early.
func (r *RemoteKeys) Refresh(ctx context.Context) error {
	if r == nil || r.client == nil {
		return fmt.Errorf("%w: a RemoteKeys not made by NewRemoteKeys", ErrConfig)
	}
	f := r.start(true)
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// start returns the fetch under way, or starts one if the interval allows
// it (or force is set); it returns nil when no fetch may run.
func (r *RemoteKeys) start(force bool) *fetch {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inflight != nil {
		return r.inflight
	}
	now := r.now()
	if !force && !r.lastTry.IsZero() && now.Sub(r.lastTry) < r.interval {
		return nil
	}
	f := &fetch{done: make(chan struct{})}
	r.inflight, r.lastTry = f, now
	go r.run(f)
	return f
}

func (r *RemoteKeys) run(f *fetch) {
	keys, err := r.fetch()
	r.mu.Lock()
	if err == nil {
		old := r.view.Load()
		for kid, k := range keys {
			if old != nil && old.keys[kid].same(k) {
				keys[kid] = old.keys[kid]
			}
		}
		r.view.Store(&remoteView{keys: keys, fetchedAt: r.now()})
	}
	r.lastErr, f.err, r.inflight = err, err, nil
	r.mu.Unlock()
	close(f.done)
}

// fetch reads and parses the set. It does not use a caller's context: a
// request that gives up waiting does not cancel the fetch others wait for.
func (r *RemoteKeys) fetch() (map[string]*PublicKey, error) {
	ctx, cancel := context.WithTimeout(context.Background(), DefaultFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, fmt.Errorf("jwtoken: fetching the JWK Set: %w", err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	res, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("jwtoken: fetching the JWK Set: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("jwtoken: fetching the JWK Set: status %d", res.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, MaxJWKSBytes+1))
	if err != nil {
		return nil, fmt.Errorf("jwtoken: reading the JWK Set: %w", err)
	}
	if len(body) > MaxJWKSBytes {
		return nil, fmt.Errorf("%w: the JWK Set is over %d bytes", ErrMalformed, MaxJWKSBytes)
	}
	return ParseJWKS(body, r.algs)
}

// ParseJWKS reads a JWK Set (RFC 7517 §5) and returns the usable public
// signing keys by key ID, by the rules of RemoteKeys; nil algs means all
// three supported algorithms. It refuses, with ErrMalformed, a body that
// is not a JSON object with a "keys" array, more than MaxJWKSKeys keys,
// and two keys with one ID.
func ParseJWKS(body []byte, algs []Algorithm) (map[string]*PublicKey, error) {
	if algs == nil {
		algs = algorithms
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&set); err != nil || set.Keys == nil {
		return nil, fmt.Errorf("%w: not a JWK Set", ErrMalformed)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: data after the JWK Set", ErrMalformed)
	}
	if len(set.Keys) > MaxJWKSKeys {
		return nil, fmt.Errorf("%w: %d keys in the JWK Set, at most %d", ErrMalformed, len(set.Keys), MaxJWKSKeys)
	}
	keys := make(map[string]*PublicKey, len(set.Keys))
	seen := make(map[string]bool, len(set.Keys))
	for _, raw := range set.Keys {
		var head struct {
			Kid string `json:"kid"`
		}
		if json.Unmarshal(raw, &head) == nil && head.Kid != "" {
			if seen[head.Kid] {
				return nil, fmt.Errorf("%w: two keys with ID %q", ErrMalformed, clip(head.Kid))
			}
			seen[head.Kid] = true
		}
		if k := parseJWK(raw, algs); k != nil {
			keys[k.id] = k
		}
	}
	return keys, nil
}

// parseJWK returns the key of one JWK, or nil if it is not usable.
func parseJWK(raw []byte, algs []Algorithm) *PublicKey {
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(raw); err != nil || !jwk.Valid() || !jwk.IsPublic() || !validKeyID(jwk.KeyID) {
		return nil
	}
	if jwk.Use != "" && jwk.Use != "sig" {
		return nil
	}
	alg := Algorithm(jwk.Algorithm)
	if alg == "" {
		alg = impliedAlgorithm(jwk.Key)
	}
	allowed := false
	for _, a := range algs {
		allowed = allowed || a == alg
	}
	if !allowed {
		return nil
	}
	k, err := newPublicKey(jwk.KeyID, alg, jwk.Key)
	if err != nil {
		return nil
	}
	return k
}

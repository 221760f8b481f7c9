package jwtoken

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scopegate/scopegate/grant"
)

// A KeySource finds the public key a token names by its "kid". A
// [KeySet] is one, for the issuer's own keys; [RemoteKeys] is one for an
// issuer's published JWK Set.
//
// PublicKey returns an error wrapping ErrUnknownKey when no key has the
// ID, and one wrapping ErrKeysUnavailable when it could not tell. It must
// be quick for a known ID, and safe for concurrent use: the verifier asks
// on every request, cached or not, so that a key withdrawn since (rotated
// out, or gone from the JWK Set) stops its tokens at once.
type KeySource interface {
	PublicKey(ctx context.Context, kid string) (*PublicKey, error)
}

// A KeySet holds an issuer's signing keys: the current one, which signs
// every new token, keys staged to take over, and retired keys kept for
// verification until the last token each signed expires (plus
// grant.MaxClockSkew). It publishes the public halves as a JWK Set
// (RFC 7517 §5): serve it with KeySet.ServeHTTP.
//
// Rotate keys in two steps so that verifiers elsewhere, which cache the
// JWK Set, know the new key before it signs anything: Stage the next
// key, wait at least as long as they cache the set (RemoteKeys' refresh
// interval, or the max-age the set is served with), then Rotate to it.
// Rotate without Stage works too; a verifier that meets the new key ID
// then fetches the set again, as often as its interval allows.
//
// A KeySet is safe for concurrent use; signing runs in parallel, and a
// rotation waits for the signatures under way.
type KeySet struct {
	now func() time.Time
	// mu is held for reading while signing, for writing while the keys
	// change: the retirement time of the key rotated out then counts every
	// token it signed.
	mu      sync.RWMutex
	current *signingKey
	staged  []*Key
	retired []retiredKey
	// view is what lookups read, without a lock.
	view atomic.Pointer[keyView]
}

type signingKey struct {
	key *Key
	// lastExp is the latest expiry, in Unix seconds, of a token the key
	// signed.
	lastExp atomic.Int64
}

type retiredKey struct {
	key *Key
	// until is when the last token the key signed has expired, with the
	// clock skew a verifier may allow.
	until time.Time
}

// keyView is an immutable snapshot of the published keys.
type keyView struct {
	keys map[string]viewEntry
	jwks []byte
}

type viewEntry struct {
	pub   *PublicKey
	until time.Time // zero for the current and staged keys
}

// NewKeySet returns a key set that signs with current. now is the clock
// that retires keys; nil means time.Now.
func NewKeySet(current *Key, now func() time.Time) (*KeySet, error) {
	if current == nil || current.signer == nil {
		return nil, fmt.Errorf("%w: a KeySet needs a Key made by NewKey or GenerateKey", ErrKey)
	}
	if now == nil {
		now = time.Now
	}
	s := &KeySet{now: now, current: &signingKey{key: current}}
	s.publish()
	return s, nil
}

// Current returns the key that signs new tokens.
func (s *KeySet) Current() *Key {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.current.key
}

// Stage publishes next in the JWK Set without signing with it yet, so
// that verifiers learn it before the rotation. A key ID already in the
// set is refused.
func (s *KeySet) Stage(next *Key) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkNew(next, true); err != nil {
		return err
	}
	s.staged = append(s.staged, next)
	s.publish()
	return nil
}

// Rotate makes next the signing key. The key it replaces is kept for
// verification until the last token it signed expires, plus
// grant.MaxClockSkew, and published as long; a key that signed nothing
// goes at once. next may have been staged; any other key ID already in
// the set is refused.
func (s *KeySet) Rotate(next *Key) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkNew(next, false); err != nil {
		return err
	}
	s.staged = slices.DeleteFunc(s.staged, func(k *Key) bool { return k.id == next.id })
	old := s.current
	if last := old.lastExp.Load(); last != 0 {
		s.retired = append(s.retired, retiredKey{key: old.key, until: time.Unix(last, 0).Add(grant.MaxClockSkew)})
	}
	s.current = &signingKey{key: next}
	s.publish()
	return nil
}

// checkNew refuses a key that is not usable or whose ID is taken; a
// staged key may be rotated to (staging is false).
func (s *KeySet) checkNew(k *Key, staging bool) error {
	if k == nil || k.signer == nil {
		return fmt.Errorf("%w: a Key not made by NewKey or GenerateKey", ErrKey)
	}
	taken := k.id == s.current.key.id
	for _, r := range s.retired {
		taken = taken || r.key.id == k.id
	}
	for _, st := range s.staged {
		if st.id == k.id && (staging || st != k) {
			taken = true
		}
	}
	if taken {
		return fmt.Errorf("%w: key ID %q is already in the set", ErrKey, k.id)
	}
	return nil
}

// publish rebuilds the view, dropping retired keys whose tokens have
// all expired. The caller holds mu for writing.
func (s *KeySet) publish() {
	now := s.now()
	s.retired = slices.DeleteFunc(s.retired, func(r retiredKey) bool { return !now.Before(r.until) })
	v := &keyView{keys: map[string]viewEntry{}}
	var pubs []*PublicKey
	add := func(k *Key, until time.Time) {
		v.keys[k.id] = viewEntry{pub: k.pub, until: until}
		pubs = append(pubs, k.pub)
	}
	add(s.current.key, time.Time{})
	for _, k := range s.staged {
		add(k, time.Time{})
	}
	for _, r := range s.retired {
		add(r.key, r.until)
	}
	v.jwks = marshalJWKS(pubs)
	s.view.Store(v)
}

func marshalJWKS(pubs []*PublicKey) []byte {
	var set struct {
		Keys []*PublicKey `json:"keys"`
	}
	set.Keys = pubs
	b, err := json.Marshal(set)
	if err != nil { // the keys were checked when made: never
		return []byte(`{"keys":[]}`)
	}
	return b
}

// sign signs claims with the current key, recording the token's expiry
// (Unix seconds) so that the key outlives it.
func (s *KeySet) sign(payload []byte, exp int64) (string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	cur := s.current
	for {
		last := cur.lastExp.Load()
		if exp <= last || cur.lastExp.CompareAndSwap(last, exp) {
			break
		}
	}
	return cur.key.sign(payload)
}

// PublicKey returns the published key with the ID: the current key, a
// staged one, or a retired one whose tokens have not all expired.
func (s *KeySet) PublicKey(_ context.Context, kid string) (*PublicKey, error) {
	e, ok := s.view.Load().keys[kid]
	if !ok || !e.until.IsZero() && !s.now().Before(e.until) {
		return nil, ErrUnknownKey
	}
	return e.pub, nil
}

// JWKS returns the published keys as a JWK Set, {"keys": [...]}: the
// current key first, then the staged ones, then the retired ones still
// in use.
func (s *KeySet) JWKS() []byte {
	s.mu.Lock() // publish drops the keys that have retired since
	defer s.mu.Unlock()
	s.publish()
	return slices.Clone(s.view.Load().jwks)
}

// JWKSMaxAge is how long the JWK Set may be cached, as ServeHTTP says in
// its Cache-Control header.
const JWKSMaxAge = 5 * time.Minute

// ServeHTTP serves the JWK Set to GET and HEAD requests, as
// application/jwk-set+json, cacheable for JWKSMaxAge.
func (s *KeySet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body := s.JWKS()
	h := w.Header()
	h.Set("Content-Type", "application/jwk-set+json")
	h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(JWKSMaxAge/time.Second)))
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

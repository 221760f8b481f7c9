package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/enforce"
	"github.com/scopegate/scopegate/enforce/sample"
	"github.com/scopegate/scopegate/permission"
	"github.com/scopegate/scopegate/scope"
)

// 50 clients call the server while the policy is swapped back and forth
// between two that disagree about GET /api/v2/conversations:
//
//	policy A (the sample): scope conversations:readonly, permission conversation:communication:view
//	policy B:              scope knowledge:readonly,     permission knowledge:knowledgebase:view
//
// Vera (chatbot) holds knowledge:knowledgebase:view and not
// conversation:communication:view, and her token carries
// conversations:readonly. So A denies her for the permission and B for the
// scope; a decision that mixed the scope check of one policy with the
// permission check of the other would allow her (A's scope, B's
// permission) or deny her for both. Every answer must be exactly A's or
// B's, body and header included. Ana (agent) holds both permissions and
// both scopes: both policies let her read conversations and set her
// presence, which exercises the handlers and their data under the race
// detector.
func TestConcurrentPolicySwap(t *testing.T) {
	h := newHarness(t)
	vera := h.token("u-chatbot", "conversations:readonly")
	ana := h.token("u-agent", "conversations:readonly knowledge:readonly presence:manage")

	policyA := h.s.enforcer.Policy()
	endpoints := sample.Endpoints()
	changed := false
	for i, ep := range endpoints {
		if ep.Route() == "GET /api/v2/conversations" {
			endpoints[i].Scopes = []scope.Scope{scope.MustParse("knowledge:readonly")}
			endpoints[i].Permissions = permission.MustAllOf(permission.MustParse("knowledge:knowledgebase:view"))
			changed = true
		}
	}
	require.True(t, changed)
	policyB, err := h.s.newPolicy(endpoints)
	require.NoError(t, err)

	// The two legitimate answers to Vera, each under its policy alone.
	type answer struct {
		status int
		www    string
		body   string
	}
	answerTo := func(p *enforce.Policy) answer {
		h.s.enforcer.Swap(p)
		res := h.do("GET", "/api/v2/conversations", vera, "")
		return answer{res.status, res.header.Get("WWW-Authenticate"), string(res.body)}
	}
	underA, underB := answerTo(policyA), answerTo(policyB)
	require.Equal(t, 403, underA.status)
	require.Contains(t, underA.body, `"code":"PERMISSIONS_INSUFFICIENT"`)
	require.Equal(t, 403, underB.status)
	require.Contains(t, underB.body, `"code":"SCOPE_INSUFFICIENT"`)
	require.Contains(t, underB.body, "accepts: knowledge:readonly")

	const clients, minRequests = 50, 30
	var seenA, seenB, swaps atomic.Int64
	stop := make(chan struct{})
	var swapper sync.WaitGroup
	swapper.Add(1)
	go func() {
		defer swapper.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if i%2 == 0 {
				h.s.enforcer.Swap(policyA)
			} else {
				h.s.enforcer.Swap(policyB)
			}
			swaps.Add(1)
			time.Sleep(20 * time.Microsecond)
		}
	}()

	// Each client makes at least minRequests calls, and goes on until both
	// answers have been seen, so that the test proves the swaps happened
	// while requests were in flight; a deadline keeps it short.
	deadline := time.Now().Add(15 * time.Second)
	errs := make(chan error, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- func() error {
				for i := 0; i < minRequests || seenA.Load() == 0 || seenB.Load() == 0; i++ {
					if time.Now().After(deadline) {
						return fmt.Errorf("client %d: both policies not seen before the deadline (A %d, B %d)", c, seenA.Load(), seenB.Load())
					}
					switch i % 3 {
					case 0:
						res := h.do("GET", "/api/v2/conversations", vera, "")
						got := answer{res.status, res.header.Get("WWW-Authenticate"), string(res.body)}
						switch got {
						case underA:
							seenA.Add(1)
						case underB:
							seenB.Add(1)
						default:
							return fmt.Errorf("client %d: a wrong decision: %d %q %s", c, got.status, got.www, got.body)
						}
					case 1:
						if res := h.do("GET", "/api/v2/conversations", ana, ""); res.status != 200 {
							return fmt.Errorf("client %d: Ana reading conversations: %d %s", c, res.status, res.body)
						}
					case 2:
						status := []string{"Available", "Busy", "On Queue"}[c%3]
						if res := h.do("PATCH", "/api/v2/users/u-agent/presence", ana, `{"status":"`+status+`"}`); res.status != 200 {
							return fmt.Errorf("client %d: Ana setting her presence: %d %s", c, res.status, res.body)
						}
					}
				}
				return nil
			}()
		}()
	}
	wg.Wait()
	close(stop)
	swapper.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Positive(t, seenA.Load())
	require.Positive(t, seenB.Load())
	t.Logf("%d swaps; Vera's answers: %d under A, %d under B", swaps.Load(), seenA.Load(), seenB.Load())
}

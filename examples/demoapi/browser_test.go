package main

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/scopegate/scopegate/scope"
)

// chromium returns a browser context on the Chromium that
// .ci/start-chromium.sh installs (CHROMIUM_PATH), headless. Without it the
// test skips, but fails in CI.
func chromium(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("CHROMIUM_PATH")
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CHROMIUM_PATH is not set: .ci/start-chromium.sh installs Chromium and sets it")
		}
		t.Skip("CHROMIUM_PATH is not set; run .ci/start-chromium.sh, or set it to a Chromium binary")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	// The first action starts the browser, on a context without a
	// deadline (a deadline there would stop the whole browser).
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate("about:blank")), "starting %s", path)
	tctx, cancelTimeout := context.WithTimeout(bctx, 60*time.Second)
	t.Cleanup(cancelTimeout)
	return tctx
}

// valueOf runs one action that returns a value.
func valueOf[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	require.NoError(t, err)
	return v
}

// TestConsentPageInChromium: in a real browser, the authorize URL leads
// through the sign-in page to the consent page, which shows the app's
// name and every scope with its catalog description; Allow lands on the
// redirect URI with a code, Deny with error=access_denied.
func TestConsentPageInChromium(t *testing.T) {
	h := newOAuthHarness(t)
	b := chromium(t)
	scopes := []string{"conversations:readonly", "presence:manage", "users:readonly"}
	cfg := oauth2.Config{ClientID: h.desktop.client.ID.String(), Endpoint: oauth2.Endpoint{AuthURL: h.url("/oauth/authorize")},
		RedirectURL: h.url("/callback"), Scopes: scopes}
	authURL := cfg.AuthCodeURL("state-allow", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))

	require.NoError(t, chromedp.Do(b,
		chromedp.Navigate(authURL),
		chromedp.WaitVisible(`#user-u-sales`),
		chromedp.Click(`#user-u-sales`),
		chromedp.WaitVisible(`#allow`),
	))
	app := valueOf(t, b, chromedp.Text(`#app`))
	shown := valueOf(t, b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("li.scope")].map(li => li.dataset.scope + " | " + li.querySelector(".desc").textContent)`))
	require.NoError(t, chromedp.Do(b, chromedp.Click(`#allow`), chromedp.WaitVisible(`#code`)))
	code := valueOf(t, b, chromedp.Text(`#code`))
	location := valueOf(t, b, chromedp.Location())
	require.Equal(t, "Agent Desktop", app)
	var want []string
	for _, s := range scopes {
		e, ok := h.s.catalog.Lookup(scope.MustParse(s))
		require.True(t, ok)
		require.NotEmpty(t, e.Description)
		want = append(want, s+" | "+e.Description)
	}
	require.Equal(t, want, shown)
	u, err := url.Parse(location)
	require.NoError(t, err)
	require.Equal(t, h.url("/callback"), u.Scheme+"://"+u.Host+u.Path)
	require.Equal(t, "state-allow", u.Query().Get("state"))
	require.NotEmpty(t, u.Query().Get("code"))
	require.Equal(t, u.Query().Get("code"), strings.TrimSpace(code))

	// Another user, who denies.
	authURL = cfg.AuthCodeURL("state-deny", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	aurl, err := url.Parse(authURL)
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(b,
		chromedp.Navigate(h.url("/login?"+url.Values{"return": {aurl.RequestURI()}}.Encode())),
		chromedp.WaitVisible(`#user-u-supervisor`),
		chromedp.Click(`#user-u-supervisor`),
		chromedp.WaitVisible(`#deny`),
		chromedp.Click(`#deny`),
		chromedp.WaitVisible(`#error`),
	))
	errText := valueOf(t, b, chromedp.Text(`#error`))
	location = valueOf(t, b, chromedp.Location())
	u, err = url.Parse(location)
	require.NoError(t, err)
	require.Equal(t, "access_denied", u.Query().Get("error"))
	require.Equal(t, "state-deny", u.Query().Get("state"))
	require.Empty(t, u.Query().Get("code"))
	require.Contains(t, errText, "access_denied")
}

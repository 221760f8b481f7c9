package echomw_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/echomw"
	"github.com/scopegate/scopegate/examples/guard"
	"github.com/scopegate/scopegate/examples/internal/adaptertest"
	"github.com/scopegate/scopegate/permission"
)

func division(c echo.Context) permission.DivisionID {
	return permission.DivisionID(c.QueryParam("divisionId"))
}

// handled answers with what the middleware left, in the request's context
// and in echo's.
func handled(c echo.Context) error {
	d, ok := echomw.Decision(c)
	tok, ok2 := echomw.Token(c)
	if !ok || !ok2 || !d.Allowed() || !tok.ID.IsValid() {
		return c.String(http.StatusInternalServerError, "handler reached without the decision in echo's context")
	}
	adaptertest.WriteHandled(c.Response(), c.Request().Context())
	return nil
}

func newServer(mw *echomw.Middleware) *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.Use(mw.Handle)
	e.GET("/api/v2/users", handled)
	e.GET("/api/v2/users/me", handled)
	e.POST("/api/v2/users", handled)
	e.GET("/api/v2/users/:id", handled) // renamed: the table says {userId}
	e.GET("/api/v2/schedules", handled)
	e.GET("/static/*", handled) // a catch-all reaches no endpoint
	return e
}

func TestMiddleware(t *testing.T) {
	f := adaptertest.New(t, adaptertest.Options{})
	srv := httptest.NewServer(newServer(echomw.New(f.Guard, echomw.WithDivision(division))))
	defer srv.Close()
	good := "Bearer " + f.Token("agent", "users:readonly")
	f.Run(t, srv.URL, append(f.Cases(),
		// echo routes the escaped path, and gives its parameter the rest
		// of the path: the handler of {userId} gets it, decoded, and it
		// names no user. The request never reaches another endpoint.
		adaptertest.Case{Name: "crafted path, escaped slash", Method: "GET", Target: "/api/v2/users/u-home%2F..%2F..%2Fschedules",
			Auth: []string{good}, Status: 403, Code: "PERMISSIONS_INSUFFICIENT"},
		adaptertest.Case{Name: "crafted path, dot segments", Method: "GET", Target: "/api/v2/users/me/../../schedules",
			Auth: []string{good}, Status: 403, Code: "PERMISSIONS_INSUFFICIENT"},
		adaptertest.Case{Name: "catch-all route", Method: "GET", Target: "/static/app.js",
			Auth: []string{good}, Status: 404, Code: "ENDPOINT_UNKNOWN"},
		adaptertest.Case{Name: "method echo answers with 405", Method: "PUT", Target: "/api/v2/users/me",
			Auth: []string{good}, Status: 404, Code: "ENDPOINT_UNKNOWN"},
	))
}

func TestMisconfiguredRefuses(t *testing.T) {
	f := adaptertest.New(t, adaptertest.Options{})
	for _, mw := range []*echomw.Middleware{nil, echomw.New(nil), {}} {
		r := httptest.NewRequest("GET", "/api/v2/users", nil)
		r.Header.Set("Authorization", "Bearer "+f.Token("agent", "users:readonly"))
		w := httptest.NewRecorder()
		newServer(mw).ServeHTTP(w, r)
		require.Equal(t, 500, w.Code)
		require.Equal(t, guard.CodeMisconfigured, adaptertest.DecodeError(t, w.Body.Bytes()).Error.Code)
	}
}

func TestOutsideMiddleware(t *testing.T) {
	c := echo.New().NewContext(httptest.NewRequest("GET", "/", nil), httptest.NewRecorder())
	_, ok := echomw.Decision(c)
	require.False(t, ok)
	_, ok = echomw.Token(c)
	require.False(t, ok)
}

func BenchmarkMiddleware(b *testing.B) {
	f := adaptertest.New(b, adaptertest.Options{})
	e := echo.New()
	e.Use(echomw.New(f.Guard).Handle)
	e.GET("/api/v2/users/:id", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	req := httptest.NewRequest("GET", "/api/v2/users/u-home", nil)
	req.Header.Set("Authorization", "Bearer "+f.Token("agent", "users:readonly"))
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		if w.Code != http.StatusNoContent {
			b.Fatal(w.Code, w.Body)
		}
	}
}

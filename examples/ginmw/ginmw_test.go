package ginmw_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/scopegate/scopegate/examples/ginmw"
	"github.com/scopegate/scopegate/examples/guard"
	"github.com/scopegate/scopegate/examples/internal/adaptertest"
	"github.com/scopegate/scopegate/permission"
)

func init() { gin.SetMode(gin.TestMode) }

func division(c *gin.Context) permission.DivisionID {
	return permission.DivisionID(c.Query("divisionId"))
}

// handled answers with what the middleware left, in the request's context
// and in gin's.
func handled(c *gin.Context) {
	d, ok := ginmw.Decision(c)
	tok, ok2 := ginmw.Token(c)
	if !ok || !ok2 || !d.Allowed() || !tok.ID.IsValid() {
		c.String(http.StatusInternalServerError, "handler reached without the decision in gin's context")
		return
	}
	adaptertest.WriteHandled(c.Writer, c.Request.Context())
}

func newEngine(mw *ginmw.Middleware) *gin.Engine {
	r := gin.New()
	r.Use(mw.Handle)
	r.GET("/api/v2/users", handled)
	r.GET("/api/v2/users/me", handled)
	r.POST("/api/v2/users", handled)
	r.GET("/api/v2/users/:id", handled) // renamed: the table says {userId}
	r.GET("/api/v2/schedules", handled)
	r.GET("/static/*filepath", handled) // a catch-all reaches no endpoint
	return r
}

func TestMiddleware(t *testing.T) {
	f := adaptertest.New(t, adaptertest.Options{})
	srv := httptest.NewServer(newEngine(ginmw.New(f.Guard, ginmw.WithDivision(division))))
	defer srv.Close()
	good := "Bearer " + f.Token("agent", "users:readonly")
	f.Run(t, srv.URL, append(f.Cases(),
		// gin routes the decoded path: the escaped slashes split the
		// parameter, and no route matches.
		adaptertest.Case{Name: "crafted path, escaped slash", Method: "GET", Target: "/api/v2/users/u-home%2F..%2F..%2Fschedules",
			Auth: []string{good}, Status: 404, Code: "ENDPOINT_UNKNOWN"},
		adaptertest.Case{Name: "crafted path, dot segments", Method: "GET", Target: "/api/v2/users/me/../../schedules",
			Auth: []string{good}, Status: 404, Code: "ENDPOINT_UNKNOWN"},
		adaptertest.Case{Name: "catch-all route", Method: "GET", Target: "/static/app.js",
			Auth: []string{good}, Status: 404, Code: "ENDPOINT_UNKNOWN"},
	))
}

func TestMisconfiguredRefuses(t *testing.T) {
	f := adaptertest.New(t, adaptertest.Options{})
	for _, mw := range []*ginmw.Middleware{nil, ginmw.New(nil), {}} {
		r := httptest.NewRequest("GET", "/api/v2/users", nil)
		r.Header.Set("Authorization", "Bearer "+f.Token("agent", "users:readonly"))
		w := httptest.NewRecorder()
		newEngine(mw).ServeHTTP(w, r)
		require.Equal(t, 500, w.Code)
		require.Equal(t, guard.CodeMisconfigured, adaptertest.DecodeError(t, w.Body.Bytes()).Error.Code)
	}
}

func TestOutsideMiddleware(t *testing.T) {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	_, ok := ginmw.Decision(c)
	require.False(t, ok)
	_, ok = ginmw.Token(c)
	require.False(t, ok)
}

func BenchmarkMiddleware(b *testing.B) {
	f := adaptertest.New(b, adaptertest.Options{})
	r := gin.New()
	r.Use(ginmw.New(f.Guard).Handle)
	r.GET("/api/v2/users/:id", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	req := httptest.NewRequest("GET", "/api/v2/users/u-home", nil)
	req.Header.Set("Authorization", "Bearer "+f.Token("agent", "users:readonly"))
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != http.StatusNoContent {
			b.Fatal(w.Code, w.Body)
		}
	}
}

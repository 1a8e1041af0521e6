package console

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlite"
)

const (
	outboxPoolA = "us-east-1_AAAAAAAAA"
	outboxPoolB = "eu-west-1_BBBBBBBBB"
)

var outboxT0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// outboxStore is a real SQLite store holding, oldest first: ann@A (ids 1,
// 2), bob@A (3), ann@B (4), and a body with a <script> for eve@A (5).
func outboxStore(t *testing.T) *sqlite.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "gognito.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for i, m := range []store.Message{
		{PoolID: outboxPoolA, Username: "ann", Kind: "SignUp", Medium: "EMAIL", Destination: "ann@example.com",
			Subject: "Your verification code", Body: "Your verification code is 111111. "},
		{PoolID: outboxPoolA, Username: "ann", Kind: "ResendCode", Medium: "SMS", Destination: "+15555550100",
			Body: "Your verification code is 222222. "},
		{PoolID: outboxPoolA, Username: "bob", Kind: "AdminCreateUser", Medium: "EMAIL", Destination: "bob@example.com",
			Subject: "Your temporary password", Body: "Your username is bob and temporary password is Tmp-333333. "},
		{PoolID: outboxPoolB, Username: "ann", Kind: "ForgotPassword", Medium: "EMAIL", Destination: "ann@example.org",
			Subject: "Your verification code", Body: "Your password reset code is 444444"},
		{PoolID: outboxPoolA, Username: "eve", Kind: "SignUp", Medium: "EMAIL", Destination: `"Eve" <eve@example.com>`,
			Subject: `<b>"hi"</b> & bye`, Body: "<script>alert('x')</script>\nline two & <i>more</i>"},
	} {
		m.CreatedAt = outboxT0.Add(time.Duration(i) * time.Minute)
		if _, err := st.AddMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func outboxGet(t *testing.T, h http.Handler, target, accept string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// outboxIDs gets target as JSON and returns the message ids in order.
func outboxIDs(t *testing.T, h http.Handler, target string) []int64 {
	t.Helper()
	rec := outboxGet(t, h, target, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
	}
	var page struct{ Messages []struct{ Id int64 } }
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	ids := []int64{}
	for _, m := range page.Messages {
		ids = append(ids, m.Id)
	}
	return ids
}

func TestOutboxJSON(t *testing.T) {
	h := Outbox(outboxStore(t))
	rec := outboxGet(t, h, "/_gognito/outbox?pool="+outboxPoolB, "application/json")
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	for k, want := range map[string]string{
		"Content-Type": "application/json", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
	} {
		if got := rec.Header().Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	var doc map[string][]map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string][]map[string]any{"Messages": {{
		"Id": float64(4), "UserPoolId": outboxPoolB, "Username": "ann", "Kind": "ForgotPassword", "Medium": "EMAIL",
		"Destination": "ann@example.org", "Subject": "Your verification code", "Body": "Your password reset code is 444444",
		"CreatedAt": "2025-06-01T12:03:00.000Z",
	}}}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("got  %v\nwant %v", doc, want)
	}
	if _, err := time.Parse(time.RFC3339, doc["Messages"][0]["CreatedAt"].(string)); err != nil {
		t.Errorf("CreatedAt is not RFC 3339: %v", err)
	}

	// Nothing matches: an empty list, not null.
	rec = outboxGet(t, h, "/_gognito/outbox?pool=us-west-2_Nothing1", "")
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"Messages":[]}` {
		t.Errorf("empty: %d %s", rec.Code, rec.Body)
	}
	// A <script> body stays inert in JSON too.
	rec = outboxGet(t, h, "/_gognito/outbox?username=eve", "")
	if strings.Contains(rec.Body.String(), "<script>") || !strings.Contains(rec.Body.String(), `\u003cscript\u003e`) {
		t.Errorf("JSON body not escaped: %s", rec.Body)
	}
}

func TestOutboxFiltersLimitAfter(t *testing.T) {
	h := Outbox(outboxStore(t))
	for _, c := range []struct {
		query string
		want  []int64
	}{
		{"", []int64{5, 4, 3, 2, 1}},
		{"?pool=" + outboxPoolA, []int64{5, 3, 2, 1}},
		{"?username=ann", []int64{4, 2, 1}},
		{"?pool=" + outboxPoolA + "&username=ann", []int64{2, 1}},
		{"?pool=" + outboxPoolA + "&username=nobody", []int64{}},
		{"?username=Ann", []int64{}}, // usernames match exactly
		{"?limit=2", []int64{5, 4}},
		{"?limit=1&username=ann", []int64{4}},
		{"?after=3", []int64{5, 4}},
		{"?after=3&pool=" + outboxPoolA, []int64{5}},
		{"?after=5", []int64{}},
		{"?after=0&limit=500", []int64{5, 4, 3, 2, 1}},
		{"?pool=&username=&limit=&after=&format=", []int64{5, 4, 3, 2, 1}}, // empty is unset
		{"?format=json", []int64{5, 4, 3, 2, 1}},
	} {
		if got := outboxIDs(t, h, "/_gognito/outbox"+c.query); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: ids %v, want %v", c.query, got, c.want)
		}
	}
}

func TestOutboxDefaultLimit(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "gognito.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range 60 {
		if _, err := st.AddMessage(ctx, store.Message{PoolID: outboxPoolA, Username: fmt.Sprint("u", i), Kind: "SignUp",
			Medium: "SMS", Destination: "+15555550100", Body: "code", CreatedAt: outboxT0}); err != nil {
			t.Fatal(err)
		}
	}
	h := Outbox(st)
	ids := outboxIDs(t, h, "/_gognito/outbox")
	if len(ids) != 50 || ids[0] != 60 || ids[49] != 11 {
		t.Errorf("default page: %d ids, %v", len(ids), ids)
	}
	if ids := outboxIDs(t, h, "/_gognito/outbox?limit=500"); len(ids) != 60 {
		t.Errorf("limit=500: %d ids", len(ids))
	}
}

func TestOutboxBadParameters(t *testing.T) {
	h := Outbox(outboxStore(t))
	for _, q := range []string{
		"limit=0", "limit=501", "limit=-1", "limit=ten", "limit=1.5",
		"after=-1", "after=x", "after=99999999999999999999",
		"pool=not-a-pool-id", "pool=us-east-1_bad!", "pool=" + strings.Repeat("a", 50) + "_" + strings.Repeat("b", 10),
		"username=" + strings.Repeat("x", 129), "username=a%0Ab", "username=%ff",
		"format=xml", "user=ann", "pool=" + outboxPoolA + "&pool=" + outboxPoolB, "limit=%zz",
	} {
		rec := outboxGet(t, h, "/_gognito/outbox?"+q, "text/html")
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%q: %d, want 400", q, rec.Code)
			continue
		}
		var e map[string]string
		if rec.Header().Get("Content-Type") != "application/json" || json.Unmarshal(rec.Body.Bytes(), &e) != nil ||
			e["__type"] != "InvalidParameterException" || e["message"] == "" {
			t.Errorf("%q: error %s %q", q, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
}

func TestOutboxHTML(t *testing.T) {
	h := Outbox(outboxStore(t))
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	rec := outboxGet(t, h, "/_gognito/outbox", browser)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	page := rec.Body.String()
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Errorf("page contains a script element:\n%s", page)
	}
	for _, want := range []string{
		`<html lang="en">`, "<table>", "<caption", `<th scope="col">Body</th>`, `<label for="pool">`,
		"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\nline two &amp; &lt;i&gt;more&lt;/i&gt;",
		"&lt;b&gt;&#34;hi&#34;&lt;/b&gt; &amp; bye", "&#34;Eve&#34; &lt;eve@example.com&gt;",
		"Your verification code is 111111. ", `<time datetime="2025-06-01T12:00:00.000Z">`, "5 messages, newest first",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("CSP %q", csp)
	}

	// Filters show in the form, escaped; the links keep them.
	rec = outboxGet(t, h, `/_gognito/outbox?format=html&username=%22%3E%3Cscript%3Ex%3C%2Fscript%3E&limit=7`, "application/json")
	page = rec.Body.String()
	if rec.Code != http.StatusOK || strings.Contains(strings.ToLower(page), "<script") ||
		!strings.Contains(page, `value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"`) || !strings.Contains(page, "No messages match the filter.") ||
		!strings.Contains(page, `href="?format=json&amp;limit=7&amp;username=%22%3E%3Cscript%3Ex%3C%2Fscript%3E"`) {
		t.Errorf("filtered page:\n%s", page)
	}

	// Negotiation: JSON unless HTML is preferred.
	for accept, html := range map[string]bool{
		"":                                 false,
		"*/*":                              false,
		"application/json":                 false,
		"application/json, text/html;q=.5": false,
		"text/html;q=0.5, application/json;q=0.4": true,
		"text/*":                   true,
		"text/html;q=0":            false,
		"TEXT/HTML":                true,
		browser:                    true,
		"text/plain, */*;q=0.1":    false,
		"text/html, */*;q=0.1":     true,
		"application/*, text/html": false,
	} {
		rec := outboxGet(t, h, "/_gognito/outbox", accept)
		if got := strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html"); got != html {
			t.Errorf("Accept %q: HTML %v, want %v", accept, got, html)
		}
	}
}

// TestLoopbackOnly: the outbox answers loopback peers, and others only
// when it is public.
func TestLoopbackOnly(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	for _, tc := range []struct {
		remote string
		public bool
		want   int
	}{
		{"127.0.0.1:5000", false, http.StatusNoContent},
		{"[::1]:5000", false, http.StatusNoContent},
		{"192.0.2.7:5000", false, http.StatusForbidden},
		{"garbage", false, http.StatusForbidden},
		{"192.0.2.7:5000", true, http.StatusNoContent},
	} {
		req := httptest.NewRequest(http.MethodGet, "/_gognito/outbox", nil)
		req.RemoteAddr = tc.remote
		rec := httptest.NewRecorder()
		LoopbackOnly(ok, tc.public).ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s public=%v: %d, want %d", tc.remote, tc.public, rec.Code, tc.want)
		}
	}
}

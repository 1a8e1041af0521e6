package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gognito/gognito/internal/store"
)

// Limits of GET /_gognito/outbox.
const (
	outboxDefaultLimit = 50
	outboxMaxLimit     = 500
	outboxMaxUsername  = 128 // Cognito's UsernameType
)

// outboxPoolIDRE is Cognito's UserPoolIdType.
var outboxPoolIDRE = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)

// outboxMessage is one message as GET /_gognito/outbox shows it.
type outboxMessage struct {
	Id          int64
	UserPoolId  string
	Username    string
	Kind        string
	Medium      string
	Destination string
	Subject     string
	Body        string
	CreatedAt   string // RFC 3339, UTC, milliseconds
	shown       string // CreatedAt for people (HTML)
}

type outboxQuery struct {
	filter store.MessageFilter
	format string // "json", "html" or "" (by the Accept header)
}

// Outbox serves GET /_gognito/outbox: the messages gognito delivered
// (verification codes, temporary passwords...), newest first, as JSON
// ({"Messages":[...]}) or, when the request prefers text/html or says
// format=html, as an HTML page.
//
// Query parameters, all optional (an empty value is the same as none):
// pool (a user pool id), username, limit (1 to 500, default 50), after (a
// message id: only messages newer than it, for polling) and format (json or
// html). Anything else is a 400 with a JSON error. With after, the newest
// limit messages newer than it are listed: a poller that keeps up (fewer than
// limit new messages between polls) sees every message.
func Outbox(st store.Outbox) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store") // the messages hold live codes
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Vary", "Accept")
		q, err := parseOutboxQuery(r.URL.RawQuery)
		if err != nil {
			writeOutboxError(w, http.StatusBadRequest, "InvalidParameterException", err.Error())
			return
		}
		msgs, err := st.ListMessages(r.Context(), q.filter)
		if err != nil {
			writeOutboxError(w, http.StatusInternalServerError, "InternalErrorException", "The outbox could not be read.")
			return
		}
		out := make([]outboxMessage, 0, len(msgs))
		for _, m := range msgs {
			out = append(out, outboxMessage{
				Id: m.ID, UserPoolId: m.PoolID, Username: m.Username, Kind: m.Kind, Medium: m.Medium,
				Destination: m.Destination, Subject: m.Subject, Body: m.Body,
				CreatedAt: m.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
				shown:     m.CreatedAt.UTC().Format("2006-01-02 15:04:05"),
			})
		}
		if q.format == "html" || q.format == "" && prefersHTML(r.Header.Values("Accept")) {
			writeOutboxPage(w, q, out)
			return
		}
		h.Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(struct{ Messages []outboxMessage }{out})
	})
}

func parseOutboxQuery(raw string) (outboxQuery, error) {
	q := outboxQuery{filter: store.MessageFilter{Limit: outboxDefaultLimit}}
	vals, err := url.ParseQuery(raw)
	if err != nil {
		return q, fmt.Errorf("The query string is malformed: %v.", err)
	}
	for k, vs := range vals {
		if len(vs) > 1 {
			return q, fmt.Errorf("Parameter %q is given more than once.", k)
		}
		v := vs[0]
		switch k {
		case "pool", "username", "limit", "after", "format":
		default:
			return q, fmt.Errorf("Unknown parameter %q: use pool, username, limit, after or format.", k)
		}
		if v == "" {
			continue
		}
		switch k {
		case "pool":
			if len(v) > 55 || !outboxPoolIDRE.MatchString(v) {
				return q, fmt.Errorf("Parameter pool %q is not a user pool id.", v)
			}
			q.filter.PoolID = v
		case "username":
			if !utf8.ValidString(v) || utf8.RuneCountInString(v) > outboxMaxUsername ||
				strings.ContainsFunc(v, unicode.IsControl) {
				return q, fmt.Errorf("Parameter username must be at most %d characters of text.", outboxMaxUsername)
			}
			q.filter.Username = v
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > outboxMaxLimit {
				return q, fmt.Errorf("Parameter limit must be a number from 1 to %d.", outboxMaxLimit)
			}
			q.filter.Limit = n
		case "after":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return q, errors.New("Parameter after must be a message id (a number, 0 or more).")
			}
			q.filter.AfterID = n
		case "format":
			if v != "json" && v != "html" {
				return q, errors.New("Parameter format must be json or html.")
			}
			q.format = v
		}
	}
	return q, nil
}

func writeOutboxError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
}

// prefersHTML reports whether the Accept header values rank text/html above
// application/json (a browser's do; curl's */* and a client asking for JSON
// do not).
func prefersHTML(accept []string) bool {
	html, jsn := acceptQuality(accept, "text", "html"), acceptQuality(accept, "application", "json")
	return html > 0 && html > jsn
}

// acceptQuality is the q value that Accept gives typ/sub: that of the most
// specific matching media range, 0 when none matches.
func acceptQuality(accept []string, typ, sub string) float64 {
	best, bestSpec := 0.0, -1
	for _, header := range accept {
		for _, part := range strings.Split(header, ",") {
			fields := strings.Split(part, ";")
			mt := strings.ToLower(strings.TrimSpace(fields[0]))
			t, s, ok := strings.Cut(mt, "/")
			if !ok {
				continue
			}
			spec := -1
			switch {
			case t == typ && s == sub:
				spec = 2
			case t == typ && s == "*":
				spec = 1
			case t == "*" && s == "*":
				spec = 0
			}
			if spec < 0 {
				continue
			}
			q := 1.0
			for _, p := range fields[1:] {
				k, v, _ := strings.Cut(p, "=")
				if strings.EqualFold(strings.TrimSpace(k), "q") {
					f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					if err != nil || f < 0 || f > 1 {
						f = 0
					}
					q = f
				}
			}
			if spec > bestSpec || spec == bestSpec && q > best {
				best, bestSpec = q, spec
			}
		}
	}
	return best
}

// outboxPageTmpl is the HTML outbox: a filter form and a table, no script.
var outboxPageTmpl = template.Must(template.New("outbox").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Outbox · gognito</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;padding:0 1rem;max-width:90rem;color:#1a1a1a;background:#fff;line-height:1.4}
h1{margin-bottom:.25rem}
form{display:flex;flex-wrap:wrap;gap:.75rem 1.25rem;align-items:flex-end;margin:1.25rem 0}
label{display:flex;flex-direction:column;font-weight:600;font-size:.9rem}
input{font:inherit;font-weight:400;padding:.3rem .4rem;border:1px solid #6b6b6b;border-radius:3px;min-width:12rem}
input[type=number]{min-width:6rem}
button{font:inherit;padding:.35rem 1rem;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;border-radius:3px;cursor:pointer}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.table{overflow-x:auto}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:600;padding:.5rem 0}
th,td{border:1px solid #c4c4c4;padding:.4rem .5rem;text-align:left;vertical-align:top}
thead th{background:#f0f0f0}
tbody tr:nth-child(even){background:#fafafa}
pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.95rem}
code{background:#f0f0f0;padding:0 .2rem}
.muted{color:#4a4a4a}
</style>
</head>
<body>
<main>
<h1>Outbox</h1>
<p class="muted">Email and SMS messages gognito delivered, newest first. They hold live verification codes and temporary passwords.</p>
<form method="get" aria-label="Filter messages">
<input type="hidden" name="format" value="html">
<label for="pool">User pool ID<input id="pool" name="pool" value="{{.Pool}}" autocomplete="off" spellcheck="false"></label>
<label for="username">Username<input id="username" name="username" value="{{.Username}}" autocomplete="off" spellcheck="false"></label>
<label for="limit">Limit<input id="limit" name="limit" type="number" min="1" max="{{.MaxLimit}}" value="{{.Limit}}"></label>
<button type="submit">Show</button>
</form>
{{- if .Messages}}
<div class="table" role="region" aria-labelledby="outbox-caption" tabindex="0">
<table>
<caption id="outbox-caption">{{len .Messages}} message{{if ne (len .Messages) 1}}s{{end}}{{if .Filtered}} matching the filter{{end}}, newest first</caption>
<thead>
<tr><th scope="col">ID</th><th scope="col">Created (UTC)</th><th scope="col">User pool</th><th scope="col">Username</th><th scope="col">Kind</th><th scope="col">Medium</th><th scope="col">Destination</th><th scope="col">Subject</th><th scope="col">Body</th></tr>
</thead>
<tbody>
{{- range .Messages}}
<tr><td>{{.Id}}</td><td><time datetime="{{.CreatedAt}}">{{.Shown}}</time></td><td><code>{{.UserPoolId}}</code></td><td>{{.Username}}</td><td>{{.Kind}}</td><td>{{.Medium}}</td><td>{{.Destination}}</td><td>{{.Subject}}</td><td><pre>{{.Body}}</pre></td></tr>
{{- end}}
</tbody>
</table>
</div>
{{- else}}
<p>No messages{{if .Filtered}} match the filter{{end}}.</p>
{{- end}}
<p><a href="{{.RefreshURL}}">Refresh</a> · <a href="{{.JSONURL}}">This list as JSON</a></p>
</main>
</body>
</html>
`))

// Shown is CreatedAt for people (the HTML page).
func (m outboxMessage) Shown() string { return m.shown }

func writeOutboxPage(w http.ResponseWriter, q outboxQuery, msgs []outboxMessage) {
	link := func(format string) string {
		v := url.Values{"format": {format}}
		if q.filter.PoolID != "" {
			v.Set("pool", q.filter.PoolID)
		}
		if q.filter.Username != "" {
			v.Set("username", q.filter.Username)
		}
		if q.filter.Limit != outboxDefaultLimit {
			v.Set("limit", strconv.Itoa(q.filter.Limit))
		}
		if q.filter.AfterID > 0 {
			v.Set("after", strconv.FormatInt(q.filter.AfterID, 10))
		}
		return "?" + v.Encode()
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	outboxPageTmpl.Execute(w, struct {
		Pool, Username      string
		Limit, MaxLimit     int
		Filtered            bool
		Messages            []outboxMessage
		RefreshURL, JSONURL string
	}{
		Pool: q.filter.PoolID, Username: q.filter.Username, Limit: q.filter.Limit, MaxLimit: outboxMaxLimit,
		Filtered: q.filter.PoolID != "" || q.filter.Username != "" || q.filter.AfterID > 0,
		Messages: msgs, RefreshURL: link("html"), JSONURL: link("json"),
	})
}

// LoopbackOnly refuses requests from non-loopback peers unless public: the
// outbox holds codes and temporary passwords.
func LoopbackOnly(h http.Handler, public bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); !public && (ip == nil || !ip.IsLoopback()) {
			http.Error(w, `{"message":"The outbox is served to loopback peers only (see --outbox-public)."}`, http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Package smtptest runs a real, minimal SMTP server for tests: enough of
// RFC 5321 for net/smtp and other well-behaved clients (greeting, EHLO/HELO,
// STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, VRFY, QUIT), with every
// line, message and connection bounded. It keeps the messages it accepts for
// the test to inspect.
package smtptest

import (
	"bufio"
	"bytes"
	"crypto/subtle"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Limits of the server.
const (
	MaxLineBytes       = 4096    // a command or message line, CRLF included
	MaxMessageBytes    = 1 << 20 // a message (DATA), after dot-unstuffing
	MaxRecipients      = 100     // RCPT TO per transaction
	MaxCommands        = 1000    // commands per connection
	ReadTimeout        = 10 * time.Second
	ConnectionLifetime = time.Minute
)

// Options configure a Server.
type Options struct {
	// Certificate enables STARTTLS (advertised in EHLO) with this
	// certificate.
	Certificate *tls.Certificate
	// Username and Password enable AUTH PLAIN (advertised in EHLO when
	// Password is set, with or without TLS). With a password, MAIL FROM
	// requires a successful AUTH.
	Username, Password string
}

// Received is a message the server accepted.
type Received struct {
	From     string   // envelope sender (MAIL FROM)
	To       []string // envelope recipients (RCPT TO)
	Data     []byte   // the message as sent, dot-unstuffed, lines ending in CRLF
	TLS      bool     // whether the session was encrypted with STARTTLS
	AuthUser string   // the user that authenticated, "" for none
}

// Server is a running SMTP server on 127.0.0.1.
type Server struct {
	ln   net.Listener
	opts Options
	tls  *tls.Config

	mu       sync.Mutex
	msgs     []Received
	commands []string
	changed  chan struct{} // closed and replaced when msgs grows
	conns    map[net.Conn]struct{}
	closed   bool
	wg       sync.WaitGroup
}

// NewServer starts a server on 127.0.0.1 on a free port. t.Cleanup stops it.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{ln: ln, opts: opts, changed: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	if opts.Certificate != nil {
		s.tls = &tls.Config{Certificates: []tls.Certificate{*opts.Certificate}, MinVersion: tls.VersionTLS12}
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.close)
	return s
}

// Addr is the server's address, host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Host is the server's IP address, "127.0.0.1".
func (s *Server) Host() string { return s.ln.Addr().(*net.TCPAddr).IP.String() }

// Port is the server's port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Messages are the messages accepted so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// Commands are the verbs of the commands received so far, over all
// connections, upper-cased and without their arguments (so never a
// credential): "EHLO", "STARTTLS", "AUTH", "MAIL", ...
func (s *Server) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.commands...)
}

// WaitForMessages waits until the server has accepted at least n messages
// and returns them; it fails the test after timeout.
func (s *Server) WaitForMessages(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		msgs, changed := append([]Received(nil), s.msgs...), s.changed
		s.mu.Unlock()
		if len(msgs) >= n {
			return msgs
		}
		select {
		case <-changed:
		case <-timer.C:
			t.Fatalf("smtptest: %d messages after %s, want %d", len(msgs), timeout, n)
			return nil
		}
	}
}

func (s *Server) close() {
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.ln.Close()
	s.wg.Wait()
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			s.session(c)
		}()
	}
}

func (s *Server) record(verb string) {
	s.mu.Lock()
	s.commands = append(s.commands, verb)
	s.mu.Unlock()
}

func (s *Server) accept(r Received) {
	s.mu.Lock()
	s.msgs = append(s.msgs, r)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

var errLineTooLong = errors.New("smtptest: line too long")

// conn is one SMTP session's connection.
type conn struct {
	c   net.Conn
	r   *bufio.Reader
	end time.Time // the connection's lifetime ends
}

func (c *conn) reply(code int, lines ...string) error {
	var b strings.Builder
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		fmt.Fprintf(&b, "%d%s%s\r\n", code, sep, l)
	}
	c.c.SetWriteDeadline(c.deadline())
	_, err := io.WriteString(c.c, b.String())
	return err
}

func (c *conn) deadline() time.Time {
	d := time.Now().Add(ReadTimeout)
	if c.end.Before(d) {
		return c.end
	}
	return d
}

// readLine reads one line of at most MaxLineBytes and returns it without its
// line ending.
func (c *conn) readLine() (string, error) {
	c.c.SetReadDeadline(c.deadline())
	var line []byte
	for {
		frag, err := c.r.ReadSlice('\n')
		if len(line)+len(frag) > MaxLineBytes {
			return "", errLineTooLong
		}
		line = append(line, frag...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return "", err
		}
		break
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

// session state.
type session struct {
	helo     bool
	tls      bool
	authUser string
	from     *string
	to       []string
}

func (st *session) resetTx() { st.from, st.to = nil, nil }

func (s *Server) session(nc net.Conn) {
	c := &conn{c: nc, r: bufio.NewReaderSize(nc, 1024), end: time.Now().Add(ConnectionLifetime)}
	st := &session{}
	if c.reply(220, "127.0.0.1 smtptest ESMTP ready") != nil {
		return
	}
	for range MaxCommands {
		line, err := c.readLine()
		if errors.Is(err, errLineTooLong) {
			c.reply(500, "5.5.2 line too long")
			return
		}
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		s.record(verbName(verb))
		switch verb {
		case "EHLO", "HELO":
			if arg == "" {
				err = c.reply(501, "5.5.4 "+verb+" needs a domain")
				break
			}
			st.helo = true
			st.resetTx()
			if verb == "HELO" {
				err = c.reply(250, "127.0.0.1 smtptest")
				break
			}
			lines := []string{"127.0.0.1 smtptest greets " + arg, "8BITMIME", "SIZE " + strconv.Itoa(MaxMessageBytes), "PIPELINING"}
			if s.tls != nil && !st.tls {
				lines = append(lines, "STARTTLS")
			}
			if s.opts.Password != "" && st.authUser == "" {
				lines = append(lines, "AUTH PLAIN")
			}
			err = c.reply(250, append(lines, "HELP")...)
		case "STARTTLS":
			switch {
			case s.tls == nil:
				err = c.reply(502, "5.5.1 STARTTLS not available")
			case st.tls:
				err = c.reply(503, "5.5.1 already encrypted")
			case arg != "":
				err = c.reply(501, "5.5.4 STARTTLS takes no argument")
			default:
				if err = c.reply(220, "2.0.0 ready to start TLS"); err != nil {
					return
				}
				tc := tls.Server(nc, s.tls)
				tc.SetDeadline(c.deadline())
				if tc.Handshake() != nil {
					return
				}
				tc.SetDeadline(time.Time{})
				c.c, c.r = tc, bufio.NewReaderSize(tc, 1024)
				// RFC 3207: forget everything learned before the upgrade.
				*st = session{tls: true}
			}
		case "AUTH":
			err = s.auth(c, st, arg)
		case "MAIL":
			err = s.mail(c, st, arg)
		case "RCPT":
			switch addr, ok := pathArg(arg, "TO:"); {
			case st.from == nil:
				err = c.reply(503, "5.5.1 MAIL first")
			case !ok:
				err = c.reply(501, "5.5.4 syntax: RCPT TO:<address>")
			case len(st.to) >= MaxRecipients:
				err = c.reply(452, "4.5.3 too many recipients")
			default:
				st.to = append(st.to, addr)
				err = c.reply(250, "2.1.5 OK")
			}
		case "DATA":
			if len(st.to) == 0 {
				err = c.reply(503, "5.5.1 RCPT first")
				break
			}
			err = s.data(c, st)
		case "RSET":
			st.resetTx()
			err = c.reply(250, "2.0.0 OK")
		case "NOOP":
			err = c.reply(250, "2.0.0 OK")
		case "VRFY":
			err = c.reply(252, "2.5.0 cannot verify")
		case "HELP":
			err = c.reply(214, "2.0.0 smtptest: see RFC 5321")
		case "QUIT":
			c.reply(221, "2.0.0 bye")
			return
		default:
			err = c.reply(500, "5.5.2 command not recognized")
		}
		if err != nil {
			return
		}
	}
	c.reply(421, "4.7.0 too many commands")
}

// verbName is what Commands records of a verb: the verb when it is a word
// of letters, "?" otherwise (so that stray data is never recorded).
func verbName(v string) string {
	if v == "" || len(v) > 10 || strings.ContainsFunc(v, func(r rune) bool { return r < 'A' || r > 'Z' }) {
		return "?"
	}
	return v
}

func (s *Server) auth(c *conn, st *session, arg string) error {
	mech, initial, hasInitial := strings.Cut(arg, " ")
	switch {
	case s.opts.Password == "":
		return c.reply(502, "5.5.1 AUTH not available")
	case !st.helo:
		return c.reply(503, "5.5.1 EHLO first")
	case st.authUser != "":
		return c.reply(503, "5.5.1 already authenticated")
	case st.from != nil:
		return c.reply(503, "5.5.1 AUTH not allowed during a transaction")
	case !strings.EqualFold(mech, "PLAIN"):
		return c.reply(504, "5.5.4 unrecognized authentication mechanism")
	}
	if !hasInitial {
		if err := c.reply(334, ""); err != nil {
			return err
		}
		line, err := c.readLine()
		if err != nil {
			return err
		}
		initial = line
	}
	if initial == "*" {
		return c.reply(501, "5.0.0 authentication cancelled")
	}
	raw, err := base64.StdEncoding.DecodeString(initial)
	if err != nil {
		return c.reply(501, "5.5.2 cannot decode the response")
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 3 {
		return c.reply(501, "5.5.2 malformed PLAIN response")
	}
	authz, user, pass := parts[0], parts[1], parts[2]
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(s.opts.Username)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(s.opts.Password)) == 1
	if !userOK || !passOK || (authz != "" && authz != user) {
		return c.reply(535, "5.7.8 authentication credentials invalid")
	}
	st.authUser = user
	return c.reply(235, "2.7.0 authentication successful")
}

func (s *Server) mail(c *conn, st *session, arg string) error {
	addr, ok := pathArg(arg, "FROM:")
	switch {
	case !st.helo:
		return c.reply(503, "5.5.1 EHLO first")
	case st.from != nil:
		return c.reply(503, "5.5.1 nested MAIL")
	case !ok:
		return c.reply(501, "5.5.4 syntax: MAIL FROM:<address>")
	case s.opts.Password != "" && st.authUser == "":
		return c.reply(530, "5.7.0 authentication required")
	}
	st.from = &addr
	return c.reply(250, "2.1.0 OK")
}

// pathArg parses "FROM:<addr> params" (or TO:) and returns addr. Parameters
// (SIZE=, BODY=, SMTPUTF8) are accepted and ignored.
func pathArg(arg, prefix string) (string, bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", false
	}
	rest := strings.TrimLeft(arg[len(prefix):], " ")
	if !strings.HasPrefix(rest, "<") {
		return "", false
	}
	end := strings.IndexByte(rest, '>')
	if end < 0 {
		return "", false
	}
	return rest[1:end], true
}

func (s *Server) data(c *conn, st *session) error {
	if err := c.reply(354, "end data with <CR><LF>.<CR><LF>"); err != nil {
		return err
	}
	var buf bytes.Buffer
	tooBig := false
	for {
		line, err := c.readLine()
		if errors.Is(err, errLineTooLong) {
			c.reply(500, "5.5.2 line too long")
			return err
		}
		if err != nil {
			return err
		}
		if line == "." {
			break
		}
		line = strings.TrimPrefix(line, ".") // dot-unstuffing
		if buf.Len()+len(line)+2 > MaxMessageBytes {
			tooBig = true // read on to the end of the data, keeping nothing
			continue
		}
		buf.WriteString(line)
		buf.WriteString("\r\n")
	}
	from, to := *st.from, st.to
	st.resetTx()
	if tooBig {
		return c.reply(552, "5.3.4 message too big")
	}
	s.accept(Received{From: from, To: to, Data: buf.Bytes(), TLS: st.tls, AuthUser: st.authUser})
	return c.reply(250, "2.0.0 OK queued")
}

func (r Received) parse() (*mail.Message, error) {
	return mail.ReadMessage(bytes.NewReader(r.Data))
}

// Header is the decoded value of the message's header key (RFC 2047
// encoded-words decoded), "" when absent or unparsable.
func (r Received) Header(key string) string {
	m, err := r.parse()
	if err != nil {
		return ""
	}
	v := m.Header.Get(key)
	dec, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		return v
	}
	return dec
}

// Subject is the message's decoded Subject.
func (r Received) Subject() string { return r.Header("Subject") }

// Body is the message's body, quoted-printable or base64 decoded per its
// Content-Transfer-Encoding, with line breaks as "\n".
func (r Received) Body() string {
	m, err := r.parse()
	if err != nil {
		return ""
	}
	var body io.Reader = m.Body
	switch strings.ToLower(strings.TrimSpace(m.Header.Get("Content-Transfer-Encoding"))) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(io.LimitReader(body, MaxMessageBytes))
	if err != nil {
		return ""
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

package messaging

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/clock"
)

// STARTTLS modes of an SMTP relay.
const (
	// StartTLSRequired upgrades every connection with STARTTLS and refuses
	// to send when the server does not offer it (the default).
	StartTLSRequired = "required"
	// StartTLSOpportunistic upgrades when the server offers STARTTLS and
	// sends in the clear otherwise.
	StartTLSOpportunistic = "opportunistic"
	// StartTLSOff never upgrades.
	StartTLSOff = "off"
)

// Defaults of SMTPConfig.
const (
	DefaultSMTPPort    = 587
	DefaultSMTPTimeout = 10 * time.Second
)

// SMTPConfig configures an SMTP relay.
//
// Credentials are sent with AUTH PLAIN, and only over a connection that
// STARTTLS encrypted, or to a server on localhost ("localhost", "127.0.0.1"
// or "::1"): that is net/smtp's rule, which keeps a password from crossing a
// network in the clear. Over an unencrypted connection to any other host
// (StartTLS "opportunistic" with a server that does not offer STARTTLS, or
// "off"), AUTH is not attempted and the message is sent unauthenticated; a
// relay that requires authentication then refuses it and Send reports so.
type SMTPConfig struct {
	Host     string // host name or IP address of the relay, without a port
	Port     int    // default 587 (submission)
	Username string // AUTH PLAIN user; empty: no AUTH
	Password string // never logged nor printed
	From     string // envelope sender and From header; default DefaultFromAddress
	// StartTLS is StartTLSRequired (default), StartTLSOpportunistic or
	// StartTLSOff.
	StartTLS string
	// TLSConfig configures STARTTLS. nil: the system roots, ServerName = Host,
	// TLS 1.2 at least. A config without ServerName gets Host.
	TLSConfig *tls.Config
	// Timeout bounds a whole delivery: dial, STARTTLS, AUTH and the
	// transaction (default 10s). A context deadline that comes first wins.
	Timeout time.Duration
	// Clock dates the messages (the system's when nil); the network
	// deadlines always follow the machine's clock.
	Clock clock.Clock
}

const redacted = "[REDACTED]"

func redact(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// String describes c without its password.
func (c SMTPConfig) String() string {
	return fmt.Sprintf("{Host:%s Port:%d Username:%s Password:%s From:%s StartTLS:%s Timeout:%s}",
		c.Host, c.Port, c.Username, redact(c.Password), c.From, c.StartTLS, c.Timeout)
}

// GoString describes c without its password (for %#v).
func (c SMTPConfig) GoString() string { return "messaging.SMTPConfig" + c.String() }

// LogValue logs c without its password.
func (c SMTPConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("host", c.Host), slog.Int("port", c.Port), slog.String("username", c.Username),
		slog.String("password", redact(c.Password)), slog.String("from", c.From),
		slog.String("starttls", c.StartTLS), slog.Duration("timeout", c.Timeout))
}

// SMTP sends email messages through an SMTP relay. SMS messages are not its
// to send: Send ignores them.
type SMTP struct {
	host      string
	port      int
	dialAddr  string
	username  string
	password  string
	from      *mail.Address
	mode      string
	tls       *tls.Config
	timeout   time.Duration
	helloName string
	clock     clock.Clock
}

var _ Sender = (*SMTP)(nil)

// NewSMTP checks c and returns a relay. It does not connect: the first Send
// does (each Send is one connection).
func NewSMTP(c SMTPConfig) (*SMTP, error) {
	host := strings.TrimSuffix(strings.TrimPrefix(c.Host, "["), "]")
	switch {
	case host == "":
		return nil, errors.New("smtp: no host")
	case net.ParseIP(host) == nil && strings.ContainsFunc(host, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || strings.ContainsRune(":/@[]", r)
	}):
		return nil, fmt.Errorf("smtp: host %q is not a host name or IP address (give the port separately)", c.Host)
	}
	port := c.Port
	if port == 0 {
		port = DefaultSMTPPort
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("smtp: port %d out of range", c.Port)
	}
	if strings.ContainsAny(c.Username, "\x00\r\n") || strings.ContainsAny(c.Password, "\x00\r\n") {
		return nil, errors.New("smtp: username and password must not contain NUL or line breaks")
	}
	if c.Password != "" && c.Username == "" {
		return nil, errors.New("smtp: a password without a username")
	}
	fromText := c.From
	if fromText == "" {
		fromText = DefaultFromAddress
	}
	from, err := mail.ParseAddress(fromText)
	if err != nil {
		return nil, fmt.Errorf("smtp: from address %q: %w", fromText, err)
	}
	mode := c.StartTLS
	if mode == "" {
		mode = StartTLSRequired
	}
	switch mode {
	case StartTLSRequired, StartTLSOpportunistic, StartTLSOff:
	default:
		return nil, fmt.Errorf("smtp: STARTTLS mode %q: want %s, %s or %s", c.StartTLS, StartTLSRequired, StartTLSOpportunistic, StartTLSOff)
	}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = DefaultSMTPTimeout
	}
	if timeout < 0 {
		return nil, fmt.Errorf("smtp: negative timeout %s", c.Timeout)
	}
	var tc *tls.Config
	if c.TLSConfig != nil {
		tc = c.TLSConfig.Clone()
	} else {
		tc = &tls.Config{}
	}
	if tc.ServerName == "" {
		tc.ServerName = host
	}
	if tc.MinVersion == 0 {
		tc.MinVersion = tls.VersionTLS12
	}
	return &SMTP{
		host: host, port: port, dialAddr: net.JoinHostPort(host, strconv.Itoa(port)),
		username: c.Username, password: c.Password, from: from, mode: mode, tls: tc,
		timeout: timeout, helloName: helloName(), clock: clock.Or(c.Clock),
	}, nil
}

// String names the relay (never its password).
func (s *SMTP) String() string {
	return fmt.Sprintf("smtp relay %s (starttls %s, user %q)", net.JoinHostPort(s.host, strconv.Itoa(s.port)), s.mode, s.username)
}

// GoString is String, so that %#v does not print the password either.
func (s *SMTP) GoString() string { return s.String() }

// helloName is the name given in EHLO: the host name when it is a plausible
// domain, else "localhost" (net/smtp's default).
func helloName() string {
	h, err := os.Hostname()
	if err != nil || h == "" || len(h) > 253 || strings.ContainsFunc(h, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.')
	}) {
		return "localhost"
	}
	return h
}

// isLocalhost is net/smtp's rule for where PLAIN auth may go unencrypted.
func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// Send mails m when it is an email, and does nothing for SMS. A failure to
// deliver matches ErrDeliveryFailed; an invalid destination matches
// ErrInvalidMessage. Errors never contain the message body.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if m.Medium != MediumEmail {
		return nil
	}
	if err := validate(m); err != nil {
		return err
	}
	to, err := mail.ParseAddress(m.Destination)
	if err != nil {
		return fmt.Errorf("%w: destination %q: %v", ErrInvalidMessage, m.Destination, err)
	}
	msg, err := s.compose(m, to)
	if err != nil {
		return err
	}
	if err := s.deliver(ctx, to.Address, msg); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			err = fmt.Errorf("%w (%w)", err, cerr)
		}
		return fmt.Errorf("%w: smtp %s: %w", ErrDeliveryFailed, s.dialAddr, err)
	}
	return nil
}

func (s *SMTP) deliver(ctx context.Context, rcpt string, msg []byte) error {
	deadline := time.Now().Add(s.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	dialer := net.Dialer{Deadline: deadline}
	conn, err := dialer.DialContext(ctx, "tcp", s.dialAddr)
	if err != nil {
		return err
	}
	defer conn.Close()
	// One deadline for the whole exchange, and a cancelled context ends it
	// at once.
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(s.helloName); err != nil {
		return err
	}
	if err := c.Noop(); err != nil { // sends EHLO/HELO now, so extensions are known
		return fmt.Errorf("EHLO: %w", err)
	}

	encrypted := false
	if s.mode != StartTLSOff {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tls); err != nil {
				return fmt.Errorf("STARTTLS: %w", err)
			}
			encrypted = true
		} else if s.mode == StartTLSRequired {
			c.Quit()
			return errors.New("the server does not offer STARTTLS and STARTTLS is required")
		}
	}

	authSkipped := false
	if s.username != "" {
		if !encrypted && !isLocalhost(s.host) {
			authSkipped = true // never send credentials in the clear
		} else {
			if ok, _ := c.Extension("AUTH"); !ok {
				c.Quit()
				return errors.New("the server does not offer AUTH")
			}
			if err := c.Auth(smtp.PlainAuth("", s.username, s.password, s.host)); err != nil {
				return fmt.Errorf("AUTH PLAIN: %w", err)
			}
		}
	}

	if err := c.Mail(s.from.Address); err != nil {
		if authSkipped {
			return fmt.Errorf("MAIL FROM: %w (AUTH was not attempted: the connection is not encrypted)", err)
		}
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil { // the server's answer to the message
		return fmt.Errorf("DATA: %w", err)
	}
	c.Quit() // the message is accepted; a failing QUIT changes nothing
	return nil
}

// compose builds the RFC 5322 message: headers, then the body as UTF-8
// quoted-printable text. Lines end in CRLF; the DATA writer dot-stuffs.
func (s *SMTP) compose(m Message, to *mail.Address) ([]byte, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	domain := s.host
	if at := strings.LastIndexByte(s.from.Address, '@'); at >= 0 && at < len(s.from.Address)-1 {
		domain = s.from.Address[at+1:]
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", s.from.String())
	header("To", to.String())
	header("Subject", encodeHeaderText(m.Subject, len("Subject: ")))
	header("Date", s.clock.Now().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(m.Body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// encodeHeaderText makes s the value of a header whose name takes offset
// columns ("Subject: " is 9): control characters become spaces, and text
// that is not plain ASCII becomes RFC 2047 Q-encoded words of UTF-8, folded
// so that no line exceeds 76 columns. Decoders ignore the folding between
// encoded words, so it adds no space to the text.
func encodeHeaderText(s string, offset int) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	plain := !strings.Contains(s, "=?") && !strings.ContainsFunc(s, func(r rune) bool { return r > '~' })
	if plain {
		return s
	}
	const prefix, suffix = "=?UTF-8?q?", "?="
	var out, word strings.Builder
	room := 76 - offset
	flush := func() {
		out.WriteString(prefix + word.String() + suffix)
		word.Reset()
	}
	for _, r := range s { // invalid UTF-8 becomes U+FFFD
		enc := qEncode(r)
		if word.Len() > 0 && len(prefix)+word.Len()+len(enc)+len(suffix) > room {
			flush()
			out.WriteString("\r\n ")
			room = 75
		}
		word.WriteString(enc)
	}
	flush()
	return out.String()
}

// qEncode is r in the "Q" encoding of RFC 2047 for a phrase or unstructured
// text: letters, digits and "!*+-/" as they are, space as "_", and every
// other byte of its UTF-8 form as =XX.
func qEncode(r rune) string {
	switch {
	case r == ' ':
		return "_"
	case r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!*+-/", r)):
		return string(r)
	}
	var b strings.Builder
	for _, c := range []byte(string(r)) {
		fmt.Fprintf(&b, "=%02X", c)
	}
	return b.String()
}

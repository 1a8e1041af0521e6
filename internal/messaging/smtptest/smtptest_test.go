package smtptest_test

import (
	"encoding/base64"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/messaging/smtptest"
)

func dial(t *testing.T, s *smtptest.Server) *textproto.Conn {
	t.Helper()
	c, err := textproto.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	expect(t, c, 220)
	return c
}

func expect(t *testing.T, c *textproto.Conn, code int) string {
	t.Helper()
	_, msg, err := c.ReadResponse(code)
	if err != nil {
		t.Fatalf("want %d: %v", code, err)
	}
	return msg
}

func cmd(t *testing.T, c *textproto.Conn, code int, format string, args ...any) string {
	t.Helper()
	if _, err := c.Cmd(format, args...); err != nil {
		t.Fatal(err)
	}
	return expect(t, c, code)
}

func TestProtocol(t *testing.T) {
	s := smtptest.NewServer(t, smtptest.Options{Username: "u", Password: "p"})
	c := dial(t, s)
	cmd(t, c, 503, "MAIL FROM:<a@example.com>") // before EHLO
	ehlo := cmd(t, c, 250, "EHLO client.example")
	if !strings.Contains(ehlo, "AUTH PLAIN") || strings.Contains(ehlo, "STARTTLS") {
		t.Errorf("EHLO %q", ehlo)
	}
	cmd(t, c, 502, "STARTTLS")
	cmd(t, c, 530, "MAIL FROM:<a@example.com>") // AUTH required
	cmd(t, c, 504, "AUTH LOGIN")
	// AUTH PLAIN without an initial response, wrong then right.
	cmd(t, c, 334, "AUTH PLAIN")
	cmd(t, c, 535, "%s", base64.StdEncoding.EncodeToString([]byte("\x00u\x00wrong")))
	cmd(t, c, 235, "AUTH PLAIN %s", base64.StdEncoding.EncodeToString([]byte("\x00u\x00p")))
	cmd(t, c, 503, "RCPT TO:<b@example.com>") // before MAIL
	cmd(t, c, 250, "MAIL FROM:<a@example.com> BODY=8BITMIME")
	cmd(t, c, 503, "MAIL FROM:<a@example.com>")
	cmd(t, c, 503, "DATA") // before RCPT
	cmd(t, c, 250, "RCPT TO:<b@example.com>")
	cmd(t, c, 250, "RSET")
	cmd(t, c, 503, "RCPT TO:<b@example.com>") // RSET ended the transaction
	cmd(t, c, 250, "MAIL FROM:<a@example.com>")
	cmd(t, c, 250, "RCPT TO:<b@example.com>")
	cmd(t, c, 250, "RCPT TO:<c@example.com>")
	cmd(t, c, 354, "DATA")
	for _, l := range []string{"Subject: hi", "", "..one dot", ".", "last"} {
		// Written raw: ".." stuffs "." and the lone "." line is "..".
		if l == "." {
			l = ".."
		}
		c.PrintfLine("%s", l)
	}
	cmd(t, c, 250, ".")
	cmd(t, c, 250, "NOOP")
	cmd(t, c, 500, "FROBNICATE")
	cmd(t, c, 221, "QUIT")

	msgs := s.WaitForMessages(t, 1, time.Second)
	r := msgs[0]
	if r.From != "a@example.com" || strings.Join(r.To, ",") != "b@example.com,c@example.com" || r.AuthUser != "u" || r.TLS {
		t.Errorf("received %+v", r)
	}
	if want := "Subject: hi\r\n\r\n.one dot\r\n.\r\nlast\r\n"; string(r.Data) != want {
		t.Errorf("data %q, want %q", r.Data, want)
	}
	if r.Subject() != "hi" || r.Body() != ".one dot\n.\nlast\n" {
		t.Errorf("subject %q body %q", r.Subject(), r.Body())
	}
	if got := strings.Join(s.Commands(), " "); !strings.HasPrefix(got, "MAIL EHLO STARTTLS MAIL AUTH AUTH AUTH RCPT") {
		t.Errorf("commands %s", got)
	}
}

func TestLimits(t *testing.T) {
	s := smtptest.NewServer(t, smtptest.Options{})
	c := dial(t, s)
	cmd(t, c, 250, "HELO client.example")
	cmd(t, c, 250, "MAIL FROM:<a@example.com>")
	cmd(t, c, 250, "RCPT TO:<b@example.com>")
	cmd(t, c, 354, "DATA")
	line := strings.Repeat("x", 1000)
	for range smtptest.MaxMessageBytes/len(line) + 10 {
		c.PrintfLine("%s", line)
	}
	cmd(t, c, 552, ".")
	cmd(t, c, 500, "NOOP %s", strings.Repeat("y", smtptest.MaxLineBytes))
	if n := len(s.Messages()); n != 0 {
		t.Errorf("%d messages accepted", n)
	}
}

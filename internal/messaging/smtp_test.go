package messaging_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/messaging/smtptest"
)

const (
	testUser = "relay-user"
	testPass = "s3cret-Relay-Pa55"
)

func email(to, subject, body string) messaging.Message {
	return messaging.Message{PoolID: "us-east-1_AbCdEf123", Username: "zoë", Kind: messaging.KindSignUp,
		Medium: messaging.MediumEmail, Destination: to, Subject: subject, Body: body}
}

func newSMTP(t *testing.T, c messaging.SMTPConfig) *messaging.SMTP {
	t.Helper()
	s, err := messaging.NewSMTP(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSMTPStartTLSAndAuth(t *testing.T) {
	cert, roots := testCert(t)
	srv := smtptest.NewServer(t, smtptest.Options{Certificate: &cert, Username: testUser, Password: testPass})
	s := newSMTP(t, messaging.SMTPConfig{
		Host: srv.Host(), Port: srv.Port(), Username: testUser, Password: testPass,
		From: "Gögnito Tests <tests@example.com>", TLSConfig: &tls.Config{RootCAs: roots},
	})
	subject := "Vérifiez votre adresse – code ✓"
	body := "Bonjour Zoë,\n.Votre code est 123456.\n.\n..deux points\nline with trailing space \nfin — 終わり"
	if err := s.Send(context.Background(), email("Zoë Example <zoe@example.com>", subject, body)); err != nil {
		t.Fatal(err)
	}
	msgs := srv.WaitForMessages(t, 1, 5*time.Second)
	r := msgs[0]
	if !r.TLS || r.AuthUser != testUser {
		t.Errorf("TLS %v, AuthUser %q: want an encrypted, authenticated session", r.TLS, r.AuthUser)
	}
	if r.From != "tests@example.com" || len(r.To) != 1 || r.To[0] != "zoe@example.com" {
		t.Errorf("envelope from %q to %q", r.From, r.To)
	}
	if got := r.Subject(); got != subject {
		t.Errorf("subject %q, want %q", got, subject)
	}
	if got := r.Body(); got != body+"\n" {
		t.Errorf("body %q, want %q", got, body+"\n")
	}
	m, err := mail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		t.Fatal(err)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Gögnito Tests" || from[0].Address != "tests@example.com" {
		t.Errorf("From %v (%v)", from, err)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Zoë Example" || to[0].Address != "zoe@example.com" {
		t.Errorf("To %v (%v)", to, err)
	}
	if d, err := m.Header.Date(); err != nil || time.Since(d) > time.Minute {
		t.Errorf("Date %v (%v)", d, err)
	}
	for k, want := range map[string]string{
		"MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "quoted-printable",
	} {
		if got := m.Header.Get(k); got != want {
			t.Errorf("%s %q, want %q", k, got, want)
		}
	}
	if id := m.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.com>") {
		t.Errorf("Message-ID %q", id)
	}
	// The message on the wire is 7-bit with short lines.
	for i, line := range strings.Split(string(r.Data), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line %d is %d bytes long: %q", i, len(line), line)
		}
		for _, b := range []byte(line) {
			if b >= 0x80 {
				t.Fatalf("line %d is not 7-bit: %q", i, line)
			}
		}
	}
	cmds := strings.Join(srv.Commands(), " ")
	if !strings.HasPrefix(cmds, "EHLO NOOP STARTTLS EHLO AUTH MAIL RCPT DATA") {
		t.Errorf("commands %s", cmds)
	}
}

func TestSMTPLongNonASCIISubject(t *testing.T) {
	cert, roots := testCert(t)
	srv := smtptest.NewServer(t, smtptest.Options{Certificate: &cert})
	s := newSMTP(t, messaging.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLSConfig: &tls.Config{RootCAs: roots}})
	subject := strings.Repeat("Ünïcödé sübjéct ", 8) + "\r\nBcc: injected@example.com"
	if err := s.Send(context.Background(), email("zoe@example.com", subject, strings.Repeat("é", 500))); err != nil {
		t.Fatal(err)
	}
	r := srv.WaitForMessages(t, 1, 5*time.Second)[0]
	if want := strings.ReplaceAll(subject, "\r\n", "  "); r.Subject() != want {
		t.Errorf("subject %q, want %q", r.Subject(), want)
	}
	for i, line := range strings.Split(string(r.Data), "\r\n") {
		if len(line) > 76 {
			t.Errorf("line %d is %d bytes long: %q", i, len(line), line)
		}
	}
	if r.Header("Bcc") != "" {
		t.Error("a line break in the subject made a header")
	}
	if r.Body() != strings.Repeat("é", 500)+"\n" {
		t.Errorf("body %q", r.Body())
	}
}

func TestSMTPRequiredWithoutSTARTTLSFails(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.Options{Username: testUser, Password: testPass})
	s := newSMTP(t, messaging.SMTPConfig{Host: srv.Host(), Port: srv.Port(), Username: testUser, Password: testPass})
	err := s.Send(context.Background(), email("zoe@example.com", "s", "Your code is 123456"))
	if !errors.Is(err, messaging.ErrDeliveryFailed) || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("err = %v, want a STARTTLS delivery failure", err)
	}
	if cmds := srv.Commands(); contains(cmds, "AUTH") || contains(cmds, "MAIL") {
		t.Errorf("commands %v: nothing may be sent without STARTTLS", cmds)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages delivered", n)
	}
}

func TestSMTPWrongPasswordFails(t *testing.T) {
	cert, roots := testCert(t)
	srv := smtptest.NewServer(t, smtptest.Options{Certificate: &cert, Username: testUser, Password: testPass})
	for _, c := range []struct{ user, pass string }{{testUser, "wrong-password"}, {"someone-else", testPass}} {
		s := newSMTP(t, messaging.SMTPConfig{Host: srv.Host(), Port: srv.Port(), Username: c.user, Password: c.pass,
			TLSConfig: &tls.Config{RootCAs: roots}})
		err := s.Send(context.Background(), email("zoe@example.com", "s", "Your code is 123456"))
		if !errors.Is(err, messaging.ErrDeliveryFailed) || !strings.Contains(err.Error(), "535") {
			t.Fatalf("err = %v, want a 535 delivery failure", err)
		}
		if strings.Contains(err.Error(), c.pass) || strings.Contains(err.Error(), "123456") {
			t.Errorf("error %q shows the password or the body", err)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages delivered", n)
	}
}

func TestSMTPUntrustedCertificateFails(t *testing.T) {
	cert, _ := testCert(t)
	srv := smtptest.NewServer(t, smtptest.Options{Certificate: &cert})
	s := newSMTP(t, messaging.SMTPConfig{Host: srv.Host(), Port: srv.Port()}) // system roots
	err := s.Send(context.Background(), email("zoe@example.com", "s", "b"))
	if !errors.Is(err, messaging.ErrDeliveryFailed) || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("err = %v, want a STARTTLS failure", err)
	}
	if contains(srv.Commands(), "MAIL") {
		t.Error("MAIL sent after a failed handshake")
	}
}

func TestSMTPOpportunistic(t *testing.T) {
	ctx := context.Background()
	msg := email("zoe@example.com", "Your verification code", "Your verification code is 123456. ")

	t.Run("no TLS, localhost: AUTH over plain text", func(t *testing.T) {
		srv := smtptest.NewServer(t, smtptest.Options{Username: testUser, Password: testPass})
		s := newSMTP(t, messaging.SMTPConfig{Host: srv.Host(), Port: srv.Port(), Username: testUser, Password: testPass,
			StartTLS: messaging.StartTLSOpportunistic})
		if err := s.Send(ctx, msg); err != nil {
			t.Fatal(err)
		}
		r := srv.WaitForMessages(t, 1, 5*time.Second)[0]
		if r.TLS || r.AuthUser != testUser || r.Body() != msg.Body+"\n" {
			t.Errorf("TLS %v AuthUser %q body %q", r.TLS, r.AuthUser, r.Body())
		}
	})
	t.Run("no TLS, remote host: no AUTH", func(t *testing.T) {
		srv := smtptest.NewServer(t, smtptest.Options{})
		s := newSMTP(t, messaging.SMTPConfig{Host: "mail.example.test", Port: 2525, Username: testUser, Password: testPass,
			StartTLS: messaging.StartTLSOpportunistic})
		messaging.SetDialAddress(s, srv.Addr())
		if err := s.Send(ctx, msg); err != nil {
			t.Fatal(err)
		}
		r := srv.WaitForMessages(t, 1, 5*time.Second)[0]
		if r.TLS || r.AuthUser != "" || contains(srv.Commands(), "AUTH") {
			t.Errorf("TLS %v AuthUser %q commands %v", r.TLS, r.AuthUser, srv.Commands())
		}
	})
	t.Run("no TLS, remote host requiring AUTH: refused, AUTH never sent", func(t *testing.T) {
		srv := smtptest.NewServer(t, smtptest.Options{Username: testUser, Password: testPass})
		s := newSMTP(t, messaging.SMTPConfig{Host: "mail.example.test", Username: testUser, Password: testPass,
			StartTLS: messaging.StartTLSOpportunistic})
		messaging.SetDialAddress(s, srv.Addr())
		err := s.Send(ctx, msg)
		if !errors.Is(err, messaging.ErrDeliveryFailed) || !strings.Contains(err.Error(), "530") ||
			!strings.Contains(err.Error(), "AUTH was not attempted") {
			t.Fatalf("err = %v", err)
		}
		if contains(srv.Commands(), "AUTH") {
			t.Errorf("AUTH sent in the clear: %v", srv.Commands())
		}
	})
	t.Run("TLS offered: upgrades", func(t *testing.T) {
		cert, roots := testCert(t)
		srv := smtptest.NewServer(t, smtptest.Options{Certificate: &cert, Username: testUser, Password: testPass})
		s := newSMTP(t, messaging.SMTPConfig{Host: "mail.example.test", Username: testUser, Password: testPass,
			StartTLS: messaging.StartTLSOpportunistic, TLSConfig: &tls.Config{RootCAs: roots}})
		messaging.SetDialAddress(s, srv.Addr())
		if err := s.Send(ctx, msg); err != nil {
			t.Fatal(err)
		}
		if r := srv.WaitForMessages(t, 1, 5*time.Second)[0]; !r.TLS || r.AuthUser != testUser {
			t.Errorf("TLS %v AuthUser %q", r.TLS, r.AuthUser)
		}
	})
	t.Run("off: never upgrades", func(t *testing.T) {
		cert, _ := testCert(t)
		srv := smtptest.NewServer(t, smtptest.Options{Certificate: &cert})
		s := newSMTP(t, messaging.SMTPConfig{Host: srv.Host(), Port: srv.Port(), StartTLS: messaging.StartTLSOff})
		if err := s.Send(ctx, msg); err != nil {
			t.Fatal(err)
		}
		if r := srv.WaitForMessages(t, 1, 5*time.Second)[0]; r.TLS || contains(srv.Commands(), "STARTTLS") {
			t.Errorf("TLS %v commands %v", r.TLS, srv.Commands())
		}
	})
}

func TestSMTPIgnoresSMS(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.Options{})
	s := newSMTP(t, messaging.SMTPConfig{Host: srv.Host(), Port: srv.Port(), StartTLS: messaging.StartTLSOff})
	if err := s.Send(context.Background(), messaging.Message{Medium: messaging.MediumSMS, Destination: "+15555550100", Body: "123456"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if cmds := srv.Commands(); len(cmds) != 0 {
		t.Errorf("commands %v for an SMS", cmds)
	}
}

func TestSMTPInvalidDestination(t *testing.T) {
	s := newSMTP(t, messaging.SMTPConfig{Host: "127.0.0.1", Port: 1})
	for _, to := range []string{"not an address", "a@b.example\r\nBcc: x@example.com", ""} {
		if err := s.Send(context.Background(), email(to, "s", "b")); !errors.Is(err, messaging.ErrInvalidMessage) {
			t.Errorf("Send to %q: %v, want ErrInvalidMessage", to, err)
		}
	}
}

func TestSMTPTimeout(t *testing.T) {
	// A server that accepts and never greets.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { <-done; c.Close() }()
		}
	}()
	addr := ln.Addr().(*net.TCPAddr)
	s := newSMTP(t, messaging.SMTPConfig{Host: "127.0.0.1", Port: addr.Port, Timeout: 200 * time.Millisecond})
	start := time.Now()
	err = s.Send(context.Background(), email("zoe@example.com", "s", "b"))
	if !errors.Is(err, messaging.ErrDeliveryFailed) || time.Since(start) > 3*time.Second {
		t.Fatalf("err = %v after %s", err, time.Since(start))
	}

	// A cancelled context ends the exchange too.
	s = newSMTP(t, messaging.SMTPConfig{Host: "127.0.0.1", Port: addr.Port, Timeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start = time.Now()
	err = s.Send(ctx, email("zoe@example.com", "s", "b"))
	if !errors.Is(err, messaging.ErrDeliveryFailed) || !errors.Is(err, context.Canceled) || time.Since(start) > 3*time.Second {
		t.Fatalf("err = %v after %s", err, time.Since(start))
	}
}

func TestNewSMTPRejects(t *testing.T) {
	for _, c := range []messaging.SMTPConfig{
		{},
		{Host: "smtp.example.com:587"},
		{Host: "smtp example.com"},
		{Host: "smtp.example.com", Port: 70000},
		{Host: "smtp.example.com", Port: -1},
		{Host: "smtp.example.com", StartTLS: "sometimes"},
		{Host: "smtp.example.com", From: "not an address"},
		{Host: "smtp.example.com", Password: "p"},
		{Host: "smtp.example.com", Username: "u\x00v", Password: "p"},
		{Host: "smtp.example.com", Timeout: -time.Second},
	} {
		if _, err := messaging.NewSMTP(c); err == nil {
			t.Errorf("NewSMTP(%v) accepted", c)
		}
	}
	for _, c := range []messaging.SMTPConfig{
		{Host: "smtp.example.com"},
		{Host: "::1", Port: 25, StartTLS: messaging.StartTLSOff},
		{Host: "[::1]"},
		{Host: "192.0.2.1", From: "Example <no-reply@example.com>", Username: "u", Password: "p"},
	} {
		if _, err := messaging.NewSMTP(c); err != nil {
			t.Errorf("NewSMTP(%v): %v", c, err)
		}
	}
}

func TestSMTPNeverPrintsPassword(t *testing.T) {
	c := messaging.SMTPConfig{Host: "smtp.example.com", Username: "u", Password: testPass}
	s := newSMTP(t, c)
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("smtp", "config", c, "relay", s)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("smtp", "config", c, "relay", s)
	for _, out := range []string{
		fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v %+v %#v %s", s, s, s, s),
		fmt.Sprintf("%v", []any{c, &c, s}), logged.String(),
	} {
		if strings.Contains(out, testPass) {
			t.Errorf("password printed: %s", out)
		}
	}
	if !strings.Contains(fmt.Sprint(c), "[REDACTED]") {
		t.Errorf("%v does not say the password is redacted", c)
	}
}

func TestSMTPSubjects(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.Options{})
	s := newSMTP(t, messaging.SMTPConfig{Host: srv.Host(), Port: srv.Port(), StartTLS: messaging.StartTLSOff})
	cases := []struct{ in, want string }{
		{"", ""},
		{"Your verification code", "Your verification code"},
		{"looks =?UTF-8?q?encoded?= but is not", "looks =?UTF-8?q?encoded?= but is not"},
		{"tab\there", "tab here"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{"emoji 🔐 and _underscores_ and ?=", "emoji 🔐 and _underscores_ and ?="},
	}
	for _, c := range cases {
		if err := s.Send(context.Background(), email("zoe@example.com", c.in, "b")); err != nil {
			t.Fatal(err)
		}
	}
	msgs := srv.WaitForMessages(t, len(cases), 5*time.Second)
	for i, c := range cases {
		if got := msgs[i].Subject(); got != c.want {
			t.Errorf("subject %q arrived as %q, want %q", c.in, got, c.want)
		}
	}
}

// The Date of a message is the clock's (the services' test clock), while
// the delivery's deadlines stay on the machine's.
func TestSMTPDateFollowsTheClock(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.Options{})
	at := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	s := newSMTP(t, messaging.SMTPConfig{Host: srv.Host(), Port: srv.Port(), StartTLS: messaging.StartTLSOff, Clock: clock.Func(func() time.Time { return at })})
	if err := s.Send(context.Background(), email("zoe@example.com", "Your code", "123456")); err != nil {
		t.Fatal(err)
	}
	r := srv.WaitForMessages(t, 1, 5*time.Second)[0]
	if d, err := mail.ParseDate(r.Header("Date")); err != nil || !d.Equal(at) {
		t.Fatalf("Date %q (%v), want %v", r.Header("Date"), err, at)
	}
}

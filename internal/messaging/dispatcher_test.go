package messaging_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/messaging/smtptest"
	"github.com/gognito/gognito/internal/store"
)

func TestDispatcherOutboxOnly(t *testing.T) {
	st := openStore(t)
	d := messaging.NewDispatcher(messaging.NewOutbox(st, nil), nil)
	if d.SMTPEnabled() {
		t.Error("SMTPEnabled without a relay")
	}
	for _, m := range []messaging.Message{
		email("zoe@example.com", "Your verification code", "Your verification code is 111111. "),
		{Username: "zoe", Kind: messaging.KindAuthentication, Medium: messaging.MediumSMS, Destination: "+15555550100", Body: "222222"},
	} {
		if err := d.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.ListMessages(context.Background(), store.MessageFilter{})
	if err != nil || len(got) != 2 || got[0].Body != "222222" || got[1].Body != "Your verification code is 111111. " {
		t.Fatalf("outbox %+v (%v)", got, err)
	}
}

func TestDispatcherSMTPDownKeepsOutbox(t *testing.T) {
	st := openStore(t)
	host, port := freeAddr(t)
	relay := newSMTP(t, messaging.SMTPConfig{Host: host, Port: port, Timeout: 2 * time.Second})
	d := messaging.NewDispatcher(messaging.NewOutbox(st, nil), relay)
	err := d.Send(context.Background(), email("zoe@example.com", "Your verification code", "Your verification code is 333333. "))
	if !errors.Is(err, messaging.ErrDeliveryFailed) {
		t.Fatalf("err = %v, want ErrDeliveryFailed", err)
	}
	got, _ := st.ListMessages(context.Background(), store.MessageFilter{})
	if len(got) != 1 || got[0].Body != "Your verification code is 333333. " || got[0].Destination != "zoe@example.com" {
		t.Fatalf("outbox %+v", got)
	}
}

func TestDispatcherSMSNeverToSMTP(t *testing.T) {
	st := openStore(t)
	srv := smtptest.NewServer(t, smtptest.Options{})
	relay := newSMTP(t, messaging.SMTPConfig{Host: srv.Host(), Port: srv.Port(), StartTLS: messaging.StartTLSOff})
	d := messaging.NewDispatcher(messaging.NewOutbox(st, nil), relay)
	ctx := context.Background()
	if err := d.Send(ctx, messaging.Message{PoolID: "us-east-1_AbCdEf123", Username: "zoe", Kind: messaging.KindSignUp,
		Medium: messaging.MediumSMS, Destination: "+15555550100", Body: "Your verification code is 444444. "}); err != nil {
		t.Fatal(err)
	}
	if cmds := srv.Commands(); len(cmds) != 0 {
		t.Fatalf("the SMS reached the SMTP server: %v", cmds)
	}
	// Email does go through (the server is reachable).
	if err := d.Send(ctx, email("zoe@example.com", "Your verification code", "Your verification code is 555555. ")); err != nil {
		t.Fatal(err)
	}
	msgs := srv.WaitForMessages(t, 1, 5*time.Second)
	if len(msgs) != 1 || msgs[0].Body() != "Your verification code is 555555. \n" {
		t.Fatalf("smtp got %+v", msgs)
	}
	got, _ := st.ListMessages(ctx, store.MessageFilter{})
	if len(got) != 2 || got[0].Medium != "EMAIL" || got[1].Medium != "SMS" {
		t.Fatalf("outbox %+v", got)
	}
}

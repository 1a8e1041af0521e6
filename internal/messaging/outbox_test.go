package messaging_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/store"
)

func TestOutboxWritesToStore(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	now := time.Date(2025, 3, 4, 5, 6, 7, 891_234_567, time.FixedZone("X", 3600))
	ob := messaging.NewOutbox(st, clock.Func(func() time.Time { return now }))
	m := messaging.Message{
		PoolID: "us-east-1_AbCdEf123", Username: "ann", Kind: messaging.KindSignUp, Medium: messaging.MediumEmail,
		Destination: "ann@example.com", Subject: "Your verification code",
		Body: messaging.Render(messaging.DefaultVerificationMessage, "123456", "ann"),
	}
	id, err := ob.Add(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := ob.Send(ctx, messaging.Message{PoolID: "us-east-1_Other", Username: "bob", Kind: messaging.KindAuthentication,
		Medium: messaging.MediumSMS, Destination: "+15555550100", Body: "Your authentication code is 654321. "}); err != nil {
		t.Fatal(err)
	}
	got, err := st.ListMessages(ctx, store.MessageFilter{PoolID: m.PoolID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d messages, want 1: %+v", len(got), got)
	}
	want := store.Message{ID: id, PoolID: m.PoolID, Username: "ann", Kind: "SignUp", Medium: "EMAIL",
		Destination: "ann@example.com", Subject: "Your verification code", Body: "Your verification code is 123456. ",
		CreatedAt: time.Date(2025, 3, 4, 4, 6, 7, 891_000_000, time.UTC)}
	if !got[0].CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("CreatedAt %v, want %v", got[0].CreatedAt, want.CreatedAt)
	}
	got[0].CreatedAt = want.CreatedAt
	if got[0] != want {
		t.Errorf("stored %+v\nwant %+v", got[0], want)
	}
	all, _ := st.ListMessages(ctx, store.MessageFilter{})
	if len(all) != 2 || all[0].Medium != "SMS" || all[0].Destination != "+15555550100" {
		t.Errorf("all messages: %+v", all)
	}

	for _, bad := range []messaging.Message{
		{Medium: "PIGEON", Destination: "x"},
		{Medium: messaging.MediumEmail},
	} {
		if err := ob.Send(ctx, bad); !errors.Is(err, messaging.ErrInvalidMessage) {
			t.Errorf("Send(%+v) = %v, want ErrInvalidMessage", bad, err)
		}
	}
}

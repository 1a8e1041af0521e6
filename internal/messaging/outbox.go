package messaging

import (
	"context"
	"fmt"
	"time"

	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/store"
)

// Outbox delivers messages to the store's outbox, where developers and tests
// read them (GET /_gognito/outbox). It is always on, whatever else delivers
// a message.
type Outbox struct {
	st    store.Outbox
	clock clock.Clock
}

var _ Sender = (*Outbox)(nil)

// NewOutbox writes messages to st, stamped with the time of c (the
// system's when nil).
func NewOutbox(st store.Outbox, c clock.Clock) *Outbox {
	return &Outbox{st: st, clock: clock.Or(c)}
}

// Send adds m to the outbox.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	_, err := o.Add(ctx, m)
	return err
}

// Add adds m to the outbox and returns its id.
func (o *Outbox) Add(ctx context.Context, m Message) (int64, error) {
	if err := validate(m); err != nil {
		return 0, err
	}
	id, err := o.st.AddMessage(ctx, store.Message{
		PoolID:      m.PoolID,
		Username:    m.Username,
		Kind:        m.Kind,
		Medium:      m.Medium,
		Destination: m.Destination,
		Subject:     m.Subject,
		Body:        m.Body,
		CreatedAt:   o.clock.Now().UTC().Truncate(time.Millisecond),
	})
	if err != nil {
		return 0, fmt.Errorf("messaging: outbox: %w", err)
	}
	return id, nil
}

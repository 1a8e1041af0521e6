package messaging

import "context"

// Dispatcher is the Sender the domain packages use: every message goes to
// the outbox, and email also through SMTP when a relay is configured. SMS
// messages have no real sender: they stay in the outbox.
type Dispatcher struct {
	outbox *Outbox
	smtp   *SMTP
}

var _ Sender = (*Dispatcher)(nil)

// NewDispatcher delivers to outbox and, for email, to smtp (nil: no relay).
func NewDispatcher(outbox *Outbox, smtp *SMTP) *Dispatcher {
	return &Dispatcher{outbox: outbox, smtp: smtp}
}

// Send writes m to the outbox first, then sends it over SMTP when it is an
// email and a relay is configured.
//
// An outbox failure is returned at once and nothing is mailed (the store is
// failing; the operation fails as an internal error). An SMTP failure is
// returned too, matching ErrDeliveryFailed, so that the caller answers
// CodeDeliveryFailureException; the outbox still has the message.
func (d *Dispatcher) Send(ctx context.Context, m Message) error {
	if err := d.outbox.Send(ctx, m); err != nil {
		return err
	}
	if d.smtp == nil || m.Medium != MediumEmail {
		return nil
	}
	return d.smtp.Send(ctx, m)
}

// SMTPEnabled reports whether email also goes out over SMTP.
func (d *Dispatcher) SMTPEnabled() bool { return d.smtp != nil }

package app

import (
	"log/slog"

	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/messaging"
	"github.com/gognito/gognito/internal/store"
)

// newSender builds the delivery layer: the outbox always, SMTP for email
// when configured.
func newSender(cfg config.Config, st store.Store, clk clock.Clock, log *slog.Logger) (*messaging.Dispatcher, error) {
	outbox := messaging.NewOutbox(st, clk)
	smtp, err := smtpSender(cfg, clk)
	if err != nil {
		return nil, err
	}
	if smtp != nil {
		log.Info("email is delivered through SMTP as well as to the outbox", "smtp", smtp)
	}
	return messaging.NewDispatcher(outbox, smtp), nil
}

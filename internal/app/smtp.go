package app

import (
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/messaging"
)

// smtpSender is the SMTP sender the configuration asks for, or nil.
func smtpSender(cfg config.Config, clk clock.Clock) (*messaging.SMTP, error) {
	if cfg.SMTPHost == "" {
		return nil, nil
	}
	return messaging.NewSMTP(messaging.SMTPConfig{Host: cfg.SMTPHost, Port: int(cfg.SMTPPort),
		Username: cfg.SMTPUsername, Password: cfg.SMTPPassword.Reveal(), From: cfg.SMTPFrom, StartTLS: cfg.SMTPStartTLS, Clock: clk})
}

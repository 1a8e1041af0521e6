package app

import (
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/messaging"
)

// smtpSender is replaced when the SMTP settings land.
func smtpSender(config.Config) (*messaging.SMTP, error) { return nil, nil }

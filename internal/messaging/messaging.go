package messaging

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Kinds of message, named after the Cognito trigger sources that send them
// (CustomMessage_SignUp, CustomMessage_ResendCode, ...).
const (
	KindSignUp              = "SignUp"
	KindResendCode          = "ResendCode"
	KindAdminCreateUser     = "AdminCreateUser"
	KindForgotPassword      = "ForgotPassword"
	KindUpdateUserAttribute = "UpdateUserAttribute"
	KindVerifyUserAttribute = "VerifyUserAttribute"
	KindAuthentication      = "Authentication"
)

// Media a message is delivered by, as Cognito's DeliveryMediumType names them.
const (
	MediumEmail = "EMAIL"
	MediumSMS   = "SMS"
)

// Message is one message to a user. Body (and Subject, for email) are
// already rendered: they hold the code in the clear.
type Message struct {
	PoolID      string
	Username    string
	Kind        string // one of the Kind constants
	Medium      string // MediumEmail or MediumSMS
	Destination string // an email address or a phone number
	Subject     string // email only
	Body        string
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrDeliveryFailed is matched (errors.Is) by the errors of a real sender
// that could not deliver a message, such as an SMTP relay that is down or
// refuses the message. Callers answer CodeDeliveryFailureException. Other
// errors (the outbox's store failing, an invalid message) are internal.
var ErrDeliveryFailed = errors.New("messaging: delivery failed")

// ErrInvalidMessage is matched by the errors about a message that cannot be
// sent at all (unknown medium, no destination, an invalid email address).
var ErrInvalidMessage = errors.New("messaging: invalid message")

// Placeholders of Cognito message templates.
const (
	CodePlaceholder     = "{####}"
	UsernamePlaceholder = "{username}"
)

var placeholders = []string{CodePlaceholder, UsernamePlaceholder}

// Render fills a Cognito message template: every {####} becomes code and
// every {username} becomes username. Substitution is a single pass, so a code
// or user name that itself contains a placeholder is not expanded again.
func Render(template, code, username string) string {
	return strings.NewReplacer(placeholders[0], code, placeholders[1], username).Replace(template)
}

func validate(m Message) error {
	switch m.Medium {
	case MediumEmail, MediumSMS:
	default:
		return fmt.Errorf("%w: unknown medium %q", ErrInvalidMessage, m.Medium)
	}
	if strings.TrimSpace(m.Destination) == "" {
		return fmt.Errorf("%w: no destination", ErrInvalidMessage)
	}
	return nil
}

// Package messaging delivers the messages Cognito sends to users: sign-up
// and attribute verification codes, temporary passwords, password reset
// codes and MFA codes, by email or SMS.
//
// Every message goes to the outbox (Outbox), a table in the store that a
// developer or a test reads to learn a code (GET /_gognito/outbox on the API
// listener). Email also goes out over SMTP (SMTP) when the server is
// configured with an SMTP relay; SMS has no real sender and stays in the
// outbox. A Dispatcher ties the two together and is what the domain packages
// call: it implements Sender.
//
// Render fills a Cognito message template ({####} is the code or temporary
// password, {username} the user name), and the Default* constants are the
// messages Cognito sends when a pool configures none (DefaultTemplate picks
// the right one for a kind and medium).
//
// Message bodies hold secrets (codes, temporary passwords): nothing in this
// package logs them, and neither the SMTP password nor a body appears in an
// error it returns. The package never imports net/http.
package messaging

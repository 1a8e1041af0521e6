package messaging

// SetDialAddress makes s connect to addr instead of its host and port, while
// it keeps using its host name for TLS and AUTH: tests use it to reach a
// local server under a name that is not localhost.
func SetDialAddress(s *SMTP, addr string) { s.dialAddr = addr }

// Package clock is the one clock of a gognito server. Every service takes a
// Clock instead of calling time.Now, so that tests move time for all of them
// at once: sign-in sessions, lock-out, code expiry, token checks,
// certificate expiry and domain propagation follow the same time.
package clock

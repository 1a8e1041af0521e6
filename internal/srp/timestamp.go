package srp

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// timestampLayout is Java's "EEE MMM d HH:mm:ss 'UTC' yyyy" in Go: English
// names, day of month not padded, 24-hour clock, UTC.
const timestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

var (
	// ErrTimestampFormat is ParseTimestamp's error for a TIMESTAMP that
	// cannot be parsed at all. Cognito answers it with
	// InvalidParameterException "TIMESTAMP format should be EEE MMM d
	// HH:mm:ss z yyyy in english.".
	ErrTimestampFormat = errors.New("srp: TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english")
	// ErrTimestampNotCanonical is ParseTimestamp's error for a TIMESTAMP
	// that parses but is not what FormatTimestamp gives for that instant
	// (zero-padded day, wrong weekday, another zone, out-of-range fields,
	// extra spaces). Cognito signs the canonical form, so the signature
	// cannot match: it answers NotAuthorizedException "Incorrect username
	// or password.".
	ErrTimestampNotCanonical = errors.New("srp: TIMESTAMP is not in canonical form")
)

// FormatTimestamp formats t as the TIMESTAMP of a PASSWORD_VERIFIER
// response: UTC, English, "EEE MMM d HH:mm:ss UTC yyyy" with the day of
// month not padded, e.g. "Wed Apr 5 22:42:34 UTC 2017".
func FormatTimestamp(t time.Time) string {
	return t.UTC().Format(timestampLayout)
}

// ParseTimestamp parses a TIMESTAMP the way Cognito judges it: the string
// is read leniently, as Java's SimpleDateFormat("EEE MMM d HH:mm:ss z
// yyyy", Locale.US) does (English day and month names, short or long, any
// case; numeric fields of any width, overflowing into the next unit; a
// zone name or offset), giving ErrTimestampFormat if that fails; then it
// must be exactly the canonical FormatTimestamp string of the instant read,
// or ErrTimestampNotCanonical. The time is returned only when err is nil.
// Judging clock skew is up to the caller.
func ParseTimestamp(s string) (time.Time, error) {
	f := strings.Fields(s)
	if len(f) != 6 {
		return time.Time{}, ErrTimestampFormat
	}
	if _, ok := lookupName(f[0], weekdayNames); !ok {
		return time.Time{}, ErrTimestampFormat
	}
	month, ok := lookupName(f[1], monthNames)
	if !ok {
		return time.Time{}, ErrTimestampFormat
	}
	clock := strings.Split(f[3], ":")
	if len(clock) != 3 || !zoneOK(f[4]) {
		return time.Time{}, ErrTimestampFormat
	}
	var n [5]int
	for i, field := range []string{f[2], clock[0], clock[1], clock[2], f[5]} {
		v, ok := number(field)
		if !ok {
			return time.Time{}, ErrTimestampFormat
		}
		n[i] = v
	}
	// Java's weekday field is overridden by the date; only its spelling
	// counts, and the canonical check below catches a wrong one.
	t := time.Date(n[4], time.Month(month+1), n[0], n[1], n[2], n[3], 0, time.UTC)
	if FormatTimestamp(t) != s {
		return time.Time{}, ErrTimestampNotCanonical
	}
	return t, nil
}

var weekdayNames = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

var monthNames = []string{"January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December"}

// lookupName finds s among names, in full or as the three-letter
// abbreviation, ignoring ASCII case.
func lookupName(s string, names []string) (int, bool) {
	for i, name := range names {
		if strings.EqualFold(s, name) || strings.EqualFold(s, name[:3]) {
			return i, true
		}
	}
	return 0, false
}

// number parses 1 to 9 ASCII digits.
func number(s string) (int, bool) {
	if len(s) == 0 || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.Atoi(s)
	return v, err == nil
}

// zoneOK reports whether s reads as a zone for Java's "z": a name of two
// to five letters (UTC, GMT, PST, CEST ...), GMT or UTC with an offset
// (GMT+1, GMT-05:30, UTC+0100), or an RFC 822 offset (+0000).
func zoneOK(s string) bool {
	if 2 <= len(s) && len(s) <= 5 && allLetters(s) {
		return true
	}
	rest := s
	if len(s) > 3 && (strings.EqualFold(s[:3], "GMT") || strings.EqualFold(s[:3], "UTC")) {
		rest = s[3:]
	} else if len(s) != 5 {
		return false
	}
	if len(rest) < 2 || (rest[0] != '+' && rest[0] != '-') {
		return false
	}
	rest = rest[1:]
	hh, mm, colon := strings.Cut(rest, ":")
	switch {
	case colon:
		return len(hh) >= 1 && len(hh) <= 2 && len(mm) == 2 && allDigits(hh) && allDigits(mm)
	case len(rest) == 4 || len(rest) <= 2:
		return allDigits(rest)
	}
	return false
}

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

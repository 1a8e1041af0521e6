package srp

import (
	"errors"
	"testing"
	"time"
)

func TestFormatTimestamp(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2017, 4, 5, 22, 42, 34, 0, time.UTC), "Wed Apr 5 22:42:34 UTC 2017"},
		{time.Date(2017, 6, 15, 7, 0, 0, 0, time.UTC), "Thu Jun 15 07:00:00 UTC 2017"},
		{time.Date(2000, 2, 1, 0, 4, 5, 999999999, time.UTC), "Tue Feb 1 00:04:05 UTC 2000"},
		{time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC), "Tue Dec 31 23:59:59 UTC 2024"},
		// Another zone is converted to UTC.
		{time.Date(2017, 4, 6, 0, 42, 34, 0, time.FixedZone("CEST", 2*3600)), "Wed Apr 5 22:42:34 UTC 2017"},
	} {
		if got := FormatTimestamp(tc.t); got != tc.want {
			t.Errorf("FormatTimestamp(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestParseTimestamp(t *testing.T) {
	want := time.Date(2017, 4, 5, 22, 42, 34, 0, time.UTC)
	got, err := ParseTimestamp("Wed Apr 5 22:42:34 UTC 2017")
	if err != nil || !got.Equal(want) || got.Location() != time.UTC {
		t.Fatalf("ParseTimestamp = %v, %v", got, err)
	}
	if got, err := ParseTimestamp("Sun Dec 31 00:00:00 UTC 2017"); err != nil || !got.Equal(time.Date(2017, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("two-digit day: %v, %v", got, err)
	}

	for _, s := range []string{
		"Wed Apr 05 22:42:34 UTC 2017", // zero-padded day
		"Thu Apr 5 22:42:34 UTC 2017",  // wrong weekday
		"Wednesday Apr 5 22:42:34 UTC 2017",
		"Wed April 5 22:42:34 UTC 2017",
		"wed apr 5 22:42:34 UTC 2017",
		"Wed Apr 5 22:42:34 GMT 2017",
		"Wed Apr 5 22:42:34 utc 2017",
		"Wed Apr 5 23:42:34 GMT+01:00 2017",
		"Wed Apr 5 22:42:34 +0000 2017",
		"Wed Apr 5 22:42:34 PST 2017",
		"Wed Apr  5 22:42:34 UTC 2017", // asctime-style double space
		" Wed Apr 5 22:42:34 UTC 2017",
		"Wed Apr 5 22:42:34 UTC 2017 ",
		"Wed Apr 5 2:42:34 UTC 2017", // unpadded hour
		"Wed Apr 5 22:42:4 UTC 2017",
		"Mon Apr 31 22:42:34 UTC 2017", // lenient overflow: May 1
		"Tue Feb 1 24:04:05 UTC 2000",  // hour 24
		"Wed Apr 5 22:60:34 UTC 2017",
		"Wed Apr 5 22:42:34 UTC 17",
		"Wed Apr 5 22:42:34 UTC 02017",
	} {
		if _, err := ParseTimestamp(s); !errors.Is(err, ErrTimestampNotCanonical) {
			t.Errorf("ParseTimestamp(%q) = %v, want ErrTimestampNotCanonical", s, err)
		}
	}

	for _, s := range []string{
		"",
		"2017-04-05T22:42:34Z",
		"Wed, 05 Apr 2017 22:42:34 GMT", // RFC 1123
		"Wed Apr 5 22:42:34 2017",       // no zone
		"Wed Apr 5 22:42:34 UTC",        // no year
		"Wed Apr 5 22:42:34 UTC 2017 x",
		"Wex Apr 5 22:42:34 UTC 2017",
		"Wed Apx 5 22:42:34 UTC 2017",
		"Wed Apr x 22:42:34 UTC 2017",
		"Wed Apr 5 22:42 UTC 2017",
		"Wed Apr 5 22:42:34:00 UTC 2017",
		"Wed Apr 5 22:42:-4 UTC 2017",
		"Wed Apr -5 22:42:34 UTC 2017",
		"Wed Apr 5 22:42:34 UTC 20x7",
		"Wed Apr 5 22:42:34 U1C 2017",
		"Wed Apr 5 22:42:34 Coordinated 2017",
		"Wed Apr 5 22:42:34 GMT+ 2017",
		"Wed Apr 5 22:42:34 +00 2017",
		"Wed Apr 5 22:42:34 UTC 1234567890",
		"Wed Apr 5 22:42:34 UTC ２０１７", // non-ASCII digits
	} {
		if _, err := ParseTimestamp(s); !errors.Is(err, ErrTimestampFormat) {
			t.Errorf("ParseTimestamp(%q) = %v, want ErrTimestampFormat", s, err)
		}
	}
}

// Every canonical string parses back to its instant.
func TestTimestampRoundTrip(t *testing.T) {
	start := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3000 {
		tm := start.Add(time.Duration(i)*7*time.Hour + time.Duration(i*37)*time.Second)
		s := FormatTimestamp(tm)
		got, err := ParseTimestamp(s)
		if err != nil || !got.Equal(tm.Truncate(time.Second)) {
			t.Fatalf("ParseTimestamp(%q) = %v, %v", s, got, err)
		}
	}
}

package wire

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Time is a timestamp as the AWS JSON 1.1 protocol carries it: a JSON number
// of seconds since the Unix epoch, with the milliseconds as a fraction when
// there are any (1700000000.123, or 1700000000). Precision beyond the
// millisecond is dropped when marshalling.
type Time struct {
	time.Time
}

// NewTime returns t as a *Time, ready for an optional timestamp field.
func NewTime(t time.Time) *Time {
	return &Time{Time: t}
}

// maxEpochSeconds (some 31 million years) keeps secs*1000 well inside an
// int64 of milliseconds.
const maxEpochSeconds = 1e15

// MarshalJSON writes the time as epoch seconds.
func (t Time) MarshalJSON() ([]byte, error) {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return strconv.AppendInt(nil, ms/1000, 10), nil
	}
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

// UnmarshalJSON reads epoch seconds from a JSON number, integer or not. A
// JSON null leaves t unchanged.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	secs, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(secs) || math.Abs(secs) > maxEpochSeconds {
		return fmt.Errorf("wire: timestamp %s is not a number of epoch seconds", b)
	}
	t.Time = time.UnixMilli(int64(math.Round(secs * 1000))).UTC()
	return nil
}

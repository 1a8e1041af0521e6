package wire

import (
	"encoding/json"
	"testing"
	"time"
)

func TestTimeMarshal(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Unix(1700000000, 0), "1700000000"},
		{time.Unix(1700000000, 123_000_000), "1700000000.123"},
		{time.Unix(1700000000, 100_000_000), "1700000000.1"},
		{time.Unix(1700000000, 123_999_999), "1700000000.123"}, // below a millisecond is dropped
		{time.Unix(0, 0), "0"},
		{time.Unix(-1, -500_000_000), "-1.5"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(Time{tt.t})
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.t, b, err, tt.want)
		}
	}
}

func TestTimeUnmarshal(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"1700000000", time.Unix(1700000000, 0)},
		{"1700000000.123", time.Unix(1700000000, 123_000_000)},
		{"1.700000000123E9", time.Unix(1700000000, 123_000_000)},
		{"1700000000.5", time.Unix(1700000000, 500_000_000)},
		{"0", time.Unix(0, 0)},
	}
	for _, tt := range tests {
		var got Time
		if err := json.Unmarshal([]byte(tt.in), &got); err != nil || !got.Equal(tt.want) {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v", tt.in, got.Time, err, tt.want)
		}
		if got.Location() != time.UTC {
			t.Errorf("Unmarshal(%s): location %v; want UTC", tt.in, got.Location())
		}
	}
	for _, bad := range []string{`"1700000000"`, `"2023-11-14T22:13:20Z"`, `true`, `{}`, `1e300`} {
		var got Time
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("Unmarshal(%s) = %v; want an error", bad, got.Time)
		}
	}
}

func TestTimeRoundTripInStruct(t *testing.T) {
	type payload struct {
		Created  *Time `json:"Created,omitempty"`
		Modified *Time `json:"Modified,omitempty"`
	}
	in := payload{Created: NewTime(time.UnixMilli(1700000000123))}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"Created":1700000000.123}` {
		t.Errorf("Marshal = %s", b)
	}
	var out payload
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.Created == nil || !out.Created.Equal(in.Created.Time) || out.Modified != nil {
		t.Errorf("round trip: got %+v; want %+v", out, in)
	}

	// null leaves the value as it was.
	var n payload
	if err := json.Unmarshal([]byte(`{"Created":null}`), &n); err != nil || n.Created != nil {
		t.Errorf("null: got %+v, %v", n, err)
	}
}

package pagetoken

import "testing"

func TestRoundTripAndRefusals(t *testing.T) {
	tok := Encode("pools", "us-east-1_abc")
	if k, err := Decode("pools", tok); err != nil || k != "us-east-1_abc" {
		t.Fatalf("round trip: %q %v", k, err)
	}
	if k, err := Decode("pools", ""); err != nil || k != "" {
		t.Fatalf("empty token: %q %v", k, err)
	}
	for _, bad := range []string{Encode("clients", "x"), "!!!", "bm90aGluZw"} {
		if _, err := Decode("pools", bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

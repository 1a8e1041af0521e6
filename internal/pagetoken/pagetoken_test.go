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

func TestTrim(t *testing.T) {
	key := func(s string) string { return s }
	if recs, tok := Trim("l", []string{"a", "b"}, 2, key); len(recs) != 2 || tok != "" {
		t.Fatalf("a last page: %v %q", recs, tok)
	}
	recs, tok := Trim("l", []string{"a", "b", "c"}, 2, key)
	if len(recs) != 2 || recs[1] != "b" {
		t.Fatalf("kept %v", recs)
	}
	if after, err := Decode("l", tok); err != nil || after != "b" {
		t.Fatalf("the token continues after %q (%v), want b", after, err)
	}
}

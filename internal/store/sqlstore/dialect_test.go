package sqlstore

import (
	"fmt"
	"testing"
)

func TestRebindNumbersPlaceholders(t *testing.T) {
	d := &Dialect{Numbered: true}
	for _, c := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT a FROM t WHERE x = ? AND y > ? LIMIT ?`, `SELECT a FROM t WHERE x = $1 AND y > $2 LIMIT $3`},
		{`SELECT '?' FROM t WHERE s <> 'a?b' AND x = ?`, `SELECT '?' FROM t WHERE s <> 'a?b' AND x = $1`},
		{`SELECT 'it''s' FROM t WHERE x = ?`, `SELECT 'it''s' FROM t WHERE x = $1`},
	} {
		for range 2 { // the second time from the cache
			if got := d.rebind(c.in); got != c.want {
				t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
			}
		}
	}
	if q := `SELECT ?`; (&Dialect{}).rebind(q) != q {
		t.Error("a dialect of ? placeholders rewrote them")
	}
}

func TestRebindCacheIsBounded(t *testing.T) {
	d := &Dialect{Numbered: true}
	for i := range maxRebound + 50 {
		q := fmt.Sprintf(`SELECT %d WHERE x = ?`, i)
		if got, want := d.rebind(q), fmt.Sprintf(`SELECT %d WHERE x = $1`, i); got != want {
			t.Fatalf("rebind(%q) = %q", q, got)
		}
	}
	if n := d.nRebound.Load(); n != maxRebound {
		t.Fatalf("%d queries cached, want the bound %d", n, maxRebound)
	}
}

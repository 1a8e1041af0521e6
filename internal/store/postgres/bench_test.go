package postgres_test

import (
	"testing"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/postgres/pgtest"
	"github.com/gognito/gognito/internal/store/storetest"
)

// BenchmarkStore needs the private PostgreSQL of scripts/postgres-test.sh.
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store {
		s := open(b, pgtest.DSN(b))
		b.Cleanup(func() { s.Close() })
		return s
	})
}

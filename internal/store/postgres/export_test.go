package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// ExecUnchecked runs q in a transaction whose foreign key triggers do not
// fire (session_replication_role replica, which needs a superuser, as the
// test cluster's is), so that tests can damage the data the way a bug or a
// hand edit would (storetest.RawExecer).
func (s *Store) ExecUnchecked(ctx context.Context, q string) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, q)
		return err
	})
}

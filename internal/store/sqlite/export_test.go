package sqlite

import "context"

// ExecUnchecked runs q on the writer with foreign keys off, so that tests can
// damage the data the way a bug or a hand edit would (storetest.RawExecer).
func (s *Store) ExecUnchecked(ctx context.Context, q string) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `PRAGMA foreign_keys = ON`)
	_, err = conn.ExecContext(ctx, q)
	return err
}

// WriterPragma reads a PRAGMA on the writer connection.
func (s *Store) WriterPragma(ctx context.Context, name string) (string, error) {
	var v string
	err := s.w.QueryRowContext(ctx, `PRAGMA `+name).Scan(&v)
	return v, err
}

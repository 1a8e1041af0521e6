package sqlstore

import (
	"context"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlrows"
)

// ---- identity providers ----
//
// A provider is a row of identity_providers; its identifiers are rows of
// idp_identifiers, whose primary key (pool_id, identifier) keeps each unique
// in the pool and whose foreign key goes with the provider.

func (s *Store) CreateIdentityProvider(ctx context.Context, p store.IdentityProvider) error {
	return s.inTx(ctx, func(tx Executor) error {
		_, err := tx.Exec(ctx, `INSERT INTO identity_providers (`+sqlrows.IdentityProviderCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			p.PoolID, p.Name, p.Type, ms(p.CreatedAt), ms(p.UpdatedAt), max(p.Version, 1), nz(p.Doc))
		if err := s.create(err, "identity provider "+p.Name, p.PoolID); err != nil {
			return err
		}
		return s.putIdentifiers(ctx, tx, p.PoolID, p.Name, p.Identifiers)
	})
}

func (s *Store) putIdentifiers(ctx context.Context, tx Executor, poolID, name string, ids []string) error {
	for _, id := range ids {
		_, err := tx.Exec(ctx, `INSERT INTO idp_identifiers (pool_id, identifier, name) VALUES (?, ?, ?)`, poolID, id, name)
		if err := s.create(err, "identity provider identifier "+id, poolID); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) identifiers(ctx context.Context, q Executor, poolID, name string) ([]string, error) {
	ids, err := collect(ctx, q, scanString, `SELECT identifier FROM idp_identifiers WHERE pool_id = ? AND name = ? ORDER BY identifier`, poolID, name)
	if err != nil {
		return nil, s.fail("get identity provider identifiers", err)
	}
	return ids, nil
}

func scanString(r scanner) (string, error) {
	var v string
	err := r.Scan(&v)
	return v, err
}

func (s *Store) getIdP(ctx context.Context, q Executor, poolID, name, lock string) (store.IdentityProvider, error) {
	p, err := getOne(ctx, s, q, sqlrows.ScanIdentityProvider, "identity provider "+name,
		`SELECT `+sqlrows.IdentityProviderCols+` FROM identity_providers WHERE pool_id = ? AND name = ?`+lock, poolID, name)
	if err != nil {
		return p, err
	}
	p.Identifiers, err = s.identifiers(ctx, q, poolID, name)
	return p, err
}

func (s *Store) GetIdentityProvider(ctx context.Context, poolID, name string) (store.IdentityProvider, error) {
	return s.getIdP(ctx, s.read, poolID, name, "")
}

func (s *Store) GetIdentityProviderByIdentifier(ctx context.Context, poolID, identifier string) (store.IdentityProvider, error) {
	p, err := getOne(ctx, s, s.read, sqlrows.ScanIdentityProvider, "identity provider identifier "+identifier,
		`SELECT `+prefixed("p.", sqlrows.IdentityProviderCols)+` FROM idp_identifiers i JOIN identity_providers p ON p.pool_id = i.pool_id AND p.name = i.name WHERE i.pool_id = ? AND i.identifier = ?`,
		poolID, identifier)
	if err != nil {
		return p, err
	}
	p.Identifiers, err = s.identifiers(ctx, s.read, poolID, p.Name)
	return p, err
}

// prefixed qualifies each column of a column list.
func prefixed(prefix, cols string) string {
	out := prefix
	for i := 0; i < len(cols); i++ {
		out += string(cols[i])
		if cols[i] == ' ' && i > 0 && cols[i-1] == ',' {
			out += prefix
		}
	}
	return out
}

func (s *Store) ListIdentityProviders(ctx context.Context, poolID string, page store.Page) ([]store.IdentityProvider, error) {
	out, err := list(ctx, s, "list identity providers", sqlrows.ScanIdentityProvider,
		`SELECT `+sqlrows.IdentityProviderCols+` FROM identity_providers WHERE pool_id = ? AND name > ? ORDER BY name LIMIT ?`, poolID, page.After, s.limit(page))
	if err != nil || len(out) == 0 {
		return out, err
	}
	type row struct{ name, id string }
	rows, err := collect(ctx, s.read, func(r scanner) (row, error) {
		var x row
		err := r.Scan(&x.name, &x.id)
		return x, err
	}, `SELECT name, identifier FROM idp_identifiers WHERE pool_id = ? AND name >= ? AND name <= ? ORDER BY identifier`, poolID, out[0].Name, out[len(out)-1].Name)
	if err != nil {
		return nil, s.fail("list identity provider identifiers", err)
	}
	at := make(map[string]int, len(out))
	for i, p := range out {
		at[p.Name] = i
	}
	for _, r := range rows {
		if i, ok := at[r.name]; ok {
			out[i].Identifiers = append(out[i].Identifiers, r.id)
		}
	}
	return out, nil
}

func (s *Store) CountIdentityProviders(ctx context.Context, poolID string) (int, error) {
	return s.count(ctx, s.read, `SELECT COUNT(*) FROM identity_providers WHERE pool_id = ?`, poolID)
}

func (s *Store) UpdateIdentityProvider(ctx context.Context, poolID, name string, fn func(*store.IdentityProvider) error) (store.IdentityProvider, error) {
	var out store.IdentityProvider
	err := s.inTx(ctx, func(tx Executor) error {
		p, err := s.getIdP(ctx, tx, poolID, name, s.d.ForUpdate)
		if err != nil {
			return err
		}
		typ := p.Type
		if err := fn(&p); err != nil {
			return err
		}
		p.PoolID, p.Name, p.Type = poolID, name, typ
		p.Version++
		if _, err := tx.Exec(ctx, `UPDATE identity_providers SET updated_at = ?, version = ?, doc = ? WHERE pool_id = ? AND name = ?`,
			ms(p.UpdatedAt), p.Version, nz(p.Doc), poolID, name); err != nil {
			return s.fail("update identity provider", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM idp_identifiers WHERE pool_id = ? AND name = ?`, poolID, name); err != nil {
			return s.fail("update identity provider identifiers", err)
		}
		if err := s.putIdentifiers(ctx, tx, poolID, name, p.Identifiers); err != nil {
			return err
		}
		out = p
		return nil
	})
	return out, err
}

func (s *Store) DeleteIdentityProvider(ctx context.Context, poolID, name string) error {
	return s.delete(ctx, "identity provider "+name, false, `DELETE FROM identity_providers WHERE pool_id = ? AND name = ?`, poolID, name)
}

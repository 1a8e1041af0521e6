package sqlrows

import (
	"sort"
	"time"

	"github.com/gognito/gognito/internal/store"
)

// Scanner is a row: *sql.Row, *sql.Rows, pgx.Row or pgx.Rows.
type Scanner interface{ Scan(...any) error }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// UserCols are the columns of a user row, in the order the backends scan them.
const UserCols = `pool_id, key, username, sub, status, enabled, created_at, updated_at, version, doc`

// SortedKeys are the keys of m in order, so that writes touch rows in a stable order.
func SortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// GroupCols are the columns of a group row, in the order its scan function reads them.
const GroupCols = `pool_id, name, created_at, updated_at, version, doc`

// ScanGroup reads one group row selected with its column list.
func ScanGroup(r Scanner) (store.Group, error) {
	var g store.Group
	var c, u int64
	if err := r.Scan(&g.PoolID, &g.Name, &c, &u, &g.Version, &g.Doc); err != nil {
		return g, err
	}
	g.CreatedAt, g.UpdatedAt = fromMS(c), fromMS(u)
	return g, nil
}

// PoolCols are the columns of a user pool row, in the order its scan function reads them.
const PoolCols = `id, name, created_at, updated_at, version, doc`

// ScanPool reads one user pool row selected with its column list.
func ScanPool(r Scanner) (store.UserPool, error) {
	var p store.UserPool
	var c, u int64
	if err := r.Scan(&p.ID, &p.Name, &c, &u, &p.Version, &p.Doc); err != nil {
		return p, err
	}
	p.CreatedAt, p.UpdatedAt = fromMS(c), fromMS(u)
	return p, nil
}

// ClientCols are the columns of an app client row, in the order its scan function reads them.
const ClientCols = `id, pool_id, name, created_at, updated_at, version, doc`

// ScanClient reads one app client row selected with its column list.
func ScanClient(r Scanner) (store.AppClient, error) {
	var c store.AppClient
	var cr, u int64
	if err := r.Scan(&c.ID, &c.PoolID, &c.Name, &cr, &u, &c.Version, &c.Doc); err != nil {
		return c, err
	}
	c.CreatedAt, c.UpdatedAt = fromMS(cr), fromMS(u)
	return c, nil
}

// ResourceServerCols are the columns of a resource server row, in the order its scan function reads them.
const ResourceServerCols = `pool_id, identifier, name, created_at, updated_at, version, doc`

// ScanResourceServer reads one resource server row selected with its column list.
func ScanResourceServer(r Scanner) (store.ResourceServer, error) {
	var x store.ResourceServer
	var c, u int64
	if err := r.Scan(&x.PoolID, &x.Identifier, &x.Name, &c, &u, &x.Version, &x.Doc); err != nil {
		return x, err
	}
	x.CreatedAt, x.UpdatedAt = fromMS(c), fromMS(u)
	return x, nil
}

// IdentityProviderCols are the columns of an identity provider row, in the order its scan function reads them.
const IdentityProviderCols = `pool_id, name, type, created_at, updated_at, version, doc`

// ScanIdentityProvider reads one identity provider row selected with its
// column list (its Identifiers are read apart).
func ScanIdentityProvider(r Scanner) (store.IdentityProvider, error) {
	var x store.IdentityProvider
	var c, u int64
	if err := r.Scan(&x.PoolID, &x.Name, &x.Type, &c, &u, &x.Version, &x.Doc); err != nil {
		return x, err
	}
	x.CreatedAt, x.UpdatedAt = fromMS(c), fromMS(u)
	return x, nil
}

// CertCols are the columns of a certificate row, in the order its scan function reads them.
const CertCols = `arn, region, domain_name, status, type, not_after, created_at, updated_at, version, doc, sealed_key`

// ScanCert reads one certificate row selected with its column list.
func ScanCert(r Scanner) (store.Certificate, error) {
	var c store.Certificate
	var na, cr, up int64
	if err := r.Scan(&c.ARN, &c.Region, &c.DomainName, &c.Status, &c.Type, &na, &cr, &up, &c.Version, &c.Doc, &c.SealedKey); err != nil {
		return c, err
	}
	c.NotAfter, c.CreatedAt, c.UpdatedAt = fromMS(na), fromMS(cr), fromMS(up)
	return c, nil
}

// DomainCols are the columns of a user pool domain row, in the order the backends scan them.
const DomainCols = `key, name, pool_id, region, custom, cert_arn, status, created_at, updated_at, version, doc`

// Nullable stores the empty string as NULL.
func Nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ScanUser reads one user row selected with UserCols (without its Index
// and Unique, which are rows of their own).
func ScanUser(r Scanner) (store.User, error) {
	var u store.User
	var c, up int64
	if err := r.Scan(&u.PoolID, &u.Key, &u.Username, &u.Sub, &u.Status, &u.Enabled, &c, &up, &u.Version, &u.Doc); err != nil {
		return u, err
	}
	u.CreatedAt, u.UpdatedAt = fromMS(c), fromMS(up)
	return u, nil
}

// ScanDomain reads one user pool domain row selected with DomainCols.
func ScanDomain(r Scanner) (store.Domain, error) {
	var d store.Domain
	var arn *string
	var cr, up int64
	if err := r.Scan(&d.Key, &d.Name, &d.PoolID, &d.Region, &d.Custom, &arn, &d.Status, &cr, &up, &d.Version, &d.Doc); err != nil {
		return d, err
	}
	if arn != nil {
		d.CertificateARN = *arn
	}
	d.CreatedAt, d.UpdatedAt = fromMS(cr), fromMS(up)
	return d, nil
}

// MessageCols are the columns of an outbox row, in the order ScanMessage reads them.
const MessageCols = `id, pool_id, username, kind, medium, destination, subject, body, created_at`

// ScanMessage reads one outbox row selected with MessageCols.
func ScanMessage(r Scanner) (store.Message, error) {
	var m store.Message
	var c int64
	if err := r.Scan(&m.ID, &m.PoolID, &m.Username, &m.Kind, &m.Medium, &m.Destination, &m.Subject, &m.Body, &c); err != nil {
		return m, err
	}
	m.CreatedAt = fromMS(c)
	return m, nil
}

package sqlrows

import (
	"context"
	"fmt"
	"strconv"
)

// Invariant is one of gognito's own consistency rules, as a query that
// selects one text column per record breaking it (empty when it holds). The
// queries are plain SQL both backends run unchanged; many restate a foreign
// key or a unique constraint, so that a damaged index or a constraint
// switched off is caught by reading the rows themselves.
type Invariant struct {
	Name  string
	Query string
}

// MaxProblemsPerInvariant bounds what one broken rule reports.
const MaxProblemsPerInvariant = 20

// orphan selects the rows of child whose parent row is missing.
func orphan(child, cols, parent, on string) string {
	return `SELECT ` + cols + ` FROM ` + child + ` c WHERE NOT EXISTS (SELECT 1 FROM ` + parent + ` p WHERE ` + on + `)`
}

// Invariants are the rules CheckIntegrity verifies on every backend.
var Invariants = []Invariant{
	{"app client without its user pool", orphan("app_clients", `c.id`, "user_pools", `p.id = c.pool_id`)},
	{"resource server without its user pool", orphan("resource_servers", `c.pool_id || ' ' || c.identifier`, "user_pools", `p.id = c.pool_id`)},
	{"identity provider without its user pool", orphan("identity_providers", `c.pool_id || ' ' || c.name`, "user_pools", `p.id = c.pool_id`)},
	{"identifier of a missing identity provider", orphan("idp_identifiers", `c.pool_id || ' ' || c.identifier || ' -> ' || c.name`, "identity_providers", `p.pool_id = c.pool_id AND p.name = c.name`)},
	{"user without its user pool", orphan("users", `c.pool_id || ' ' || c.key`, "user_pools", `p.id = c.pool_id`)},
	{"group without its user pool", orphan("groups", `c.pool_id || ' ' || c.name`, "user_pools", `p.id = c.pool_id`)},
	{"domain without its user pool", orphan("domains", `c.key`, "user_pools", `p.id = c.pool_id`)},
	{"domain naming a missing certificate", orphan("domains", `c.key || ' ' || c.cert_arn`, "certificates", `p.arn = c.cert_arn`) + ` AND c.cert_arn IS NOT NULL`},
	{"unique value of a missing user", orphan("user_unique", `c.pool_id || ' ' || c.attr || '=' || c.value || ' -> ' || c.user_key`, "users", `p.pool_id = c.pool_id AND p.key = c.user_key`)},
	{"indexed value of a missing user", orphan("user_index", `c.pool_id || ' ' || c.attr || '=' || c.value || ' -> ' || c.user_key`, "users", `p.pool_id = c.pool_id AND p.key = c.user_key`)},
	{"group member who is not a user", orphan("group_members", `c.pool_id || ' ' || c.group_name || ' ' || c.user_key`, "users", `p.pool_id = c.pool_id AND p.key = c.user_key`)},
	{"group member of a missing group", orphan("group_members", `c.pool_id || ' ' || c.group_name || ' ' || c.user_key`, "groups", `p.pool_id = c.pool_id AND p.name = c.group_name`)},
	{"user key held twice", `SELECT pool_id || ' ' || key FROM users GROUP BY pool_id, key HAVING COUNT(*) > 1`},
	{"sub held by two users", `SELECT pool_id || ' ' || sub FROM users GROUP BY pool_id, sub HAVING COUNT(*) > 1`},
	{"unique value held twice", `SELECT pool_id || ' ' || attr || '=' || value FROM user_unique GROUP BY pool_id, attr, value HAVING COUNT(*) > 1`},
	{"recorded sub differs from the user's", `SELECT c.pool_id || ' ' || c.user_key || ': ' || c.value || ' vs ' || u.sub FROM user_unique c JOIN users u ON u.pool_id = c.pool_id AND u.key = c.user_key WHERE c.attr = 'sub' AND c.value <> u.sub`},
	{"domain key not matching its name", `SELECT key FROM domains WHERE (custom AND key <> 'custom/' || name) OR (NOT custom AND key <> 'prefix/' || region || '/' || name)`},
	{"custom domain without a certificate, or prefix domain with one", `SELECT key FROM domains WHERE (custom AND cert_arn IS NULL) OR (NOT custom AND cert_arn IS NOT NULL)`},
	{"record with no version", `SELECT 'user pool ' || id FROM user_pools WHERE version < 1 UNION ALL SELECT 'app client ' || id FROM app_clients WHERE version < 1` +
		` UNION ALL SELECT 'user ' || pool_id || ' ' || key FROM users WHERE version < 1 UNION ALL SELECT 'group ' || pool_id || ' ' || name FROM groups WHERE version < 1` +
		` UNION ALL SELECT 'identity provider ' || pool_id || ' ' || name FROM identity_providers WHERE version < 1` +
		` UNION ALL SELECT 'domain ' || key FROM domains WHERE version < 1 UNION ALL SELECT 'certificate ' || arn FROM certificates WHERE version < 1`},
}

// CheckInvariants runs every invariant with query (which returns the first
// column of each row selected) and lists what breaks them.
func CheckInvariants(ctx context.Context, query func(ctx context.Context, sql string) ([]string, error)) ([]string, error) {
	var problems []string
	for _, inv := range Invariants {
		rows, err := query(ctx, `SELECT * FROM (`+inv.Query+`) broken LIMIT `+strconv.Itoa(MaxProblemsPerInvariant))
		if err != nil {
			return problems, fmt.Errorf("%s: %w", inv.Name, err)
		}
		for _, r := range rows {
			problems = append(problems, inv.Name+": "+r)
		}
	}
	return problems, nil
}

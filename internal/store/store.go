package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Backends wrap them; callers test with errors.Is.
var (
	ErrNotFound      = errors.New("store: not found")
	ErrAlreadyExists = errors.New("store: already exists")
	ErrConflict      = errors.New("store: conflicting concurrent write")
	// ErrQuotaExceeded reports a create refused because a quota is full.
	ErrQuotaExceeded = errors.New("store: quota exceeded")
)

// UserPool is a user pool record.
type UserPool struct {
	ID        string
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
	Doc       []byte
}

// AppClient is a user pool app client record. Client ids are unique across
// all pools.
type AppClient struct {
	ID        string
	PoolID    string
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
	Doc       []byte
}

// ResourceServer is an OAuth resource server of a pool, keyed by
// (PoolID, Identifier).
type ResourceServer struct {
	PoolID     string
	Identifier string
	Name       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int64
	Doc        []byte
}

// IdentityProvider is a user pool's identity provider, keyed by (PoolID,
// Name). Identifiers are its IdpIdentifiers, each unique in the pool.
type IdentityProvider struct {
	PoolID      string
	Name        string
	Type        string
	Identifiers []string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int64
	Doc         []byte
}

// Page asks for at most Limit records whose key sorts after After (empty:
// from the start). Listings are ordered by key.
type Page struct {
	After string
	Limit int
}

// UserPools stores user pools. Deleting a pool deletes everything it owns.
type UserPools interface {
	CreateUserPool(ctx context.Context, p UserPool) error
	GetUserPool(ctx context.Context, id string) (UserPool, error)
	ListUserPools(ctx context.Context, page Page) ([]UserPool, error)
	CountUserPools(ctx context.Context) (int, error)
	UpdateUserPool(ctx context.Context, id string, fn func(*UserPool) error) (UserPool, error)
	// DeleteUserPool fails with ErrInUse while the pool has a domain.
	DeleteUserPool(ctx context.Context, id string) error
}

// AppClients stores app clients.
type AppClients interface {
	CreateAppClient(ctx context.Context, c AppClient) error
	// GetAppClient finds a client by id alone (clients are global).
	GetAppClient(ctx context.Context, clientID string) (AppClient, error)
	ListAppClients(ctx context.Context, poolID string, page Page) ([]AppClient, error)
	CountAppClients(ctx context.Context, poolID string) (int, error)
	UpdateAppClient(ctx context.Context, clientID string, fn func(*AppClient) error) (AppClient, error)
	DeleteAppClient(ctx context.Context, clientID string) error
}

// ResourceServers stores resource servers.
type ResourceServers interface {
	CreateResourceServer(ctx context.Context, r ResourceServer) error
	GetResourceServer(ctx context.Context, poolID, identifier string) (ResourceServer, error)
	ListResourceServers(ctx context.Context, poolID string, page Page) ([]ResourceServer, error)
	CountResourceServers(ctx context.Context, poolID string) (int, error)
	UpdateResourceServer(ctx context.Context, poolID, identifier string, fn func(*ResourceServer) error) (ResourceServer, error)
	DeleteResourceServer(ctx context.Context, poolID, identifier string) error
}

// IdentityProviders stores identity providers. A create or update whose
// name or one of whose identifiers the pool already has fails with
// ErrAlreadyExists.
type IdentityProviders interface {
	CreateIdentityProvider(ctx context.Context, p IdentityProvider) error
	GetIdentityProvider(ctx context.Context, poolID, name string) (IdentityProvider, error)
	// GetIdentityProviderByIdentifier finds the provider one of whose
	// Identifiers is identifier.
	GetIdentityProviderByIdentifier(ctx context.Context, poolID, identifier string) (IdentityProvider, error)
	ListIdentityProviders(ctx context.Context, poolID string, page Page) ([]IdentityProvider, error)
	CountIdentityProviders(ctx context.Context, poolID string) (int, error)
	UpdateIdentityProvider(ctx context.Context, poolID, name string, fn func(*IdentityProvider) error) (IdentityProvider, error)
	DeleteIdentityProvider(ctx context.Context, poolID, name string) error
}

// Notifier is implemented by a backend several nodes share (PostgreSQL):
// what one node announces, every node listening receives, so that caches
// (the TLS edge's certificates) follow a change made elsewhere.
type Notifier interface {
	// Notify announces msg to every listening node, this one included.
	Notify(ctx context.Context, msg string) error
	// Listen calls fn with each message until ctx ends, and with "" when
	// messages may have been missed (after a lost connection).
	Listen(ctx context.Context, fn func(msg string))
}

// Store is everything a backend provides.
type Store interface {
	UserPools
	AppClients
	ResourceServers
	IdentityProviders
	Certificates
	Domains
	Values
	Users
	Groups
	Outbox
	// Check is a cheap liveness probe: the database answers and has its
	// schema. Health checks call it.
	Check(ctx context.Context) error
	// CheckIntegrity verifies the whole database: the storage's own
	// structure (pages, indexes, foreign keys) and gognito's invariants
	// (sqlrows.Invariants). It reads every row: it is for `gognito check`
	// and tests, not for probes. Problems found come as an *IntegrityError;
	// any other error means the check could not run.
	CheckIntegrity(ctx context.Context) error
	// Close releases the backend; pending writes are durable before it returns.
	Close() error
}

// IntegrityError lists what an integrity check found wrong.
type IntegrityError struct {
	Problems []string
}

func (e *IntegrityError) Error() string {
	if len(e.Problems) == 1 {
		return "store: integrity check failed: " + e.Problems[0]
	}
	return fmt.Sprintf("store: integrity check found %d problems, the first: %s", len(e.Problems), e.Problems[0])
}

// ErrInUse reports a delete refused because other records still use the
// record (a certificate named by a domain, a pool that still has a domain).
var ErrInUse = errors.New("store: in use")

// Certificate is an ACM certificate. Its private key is kept sealed
// (encrypted) by the certs package; the store never sees it in the clear.
type Certificate struct {
	ARN        string
	Region     string
	DomainName string
	Status     string
	Type       string
	NotAfter   time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int64
	Doc        []byte
	SealedKey  []byte
}

// Certificates stores ACM certificates.
type Certificates interface {
	CreateCertificate(ctx context.Context, c Certificate) error
	GetCertificate(ctx context.Context, arn string) (Certificate, error)
	// ListCertificates lists a Region's certificates ordered by ARN.
	ListCertificates(ctx context.Context, region string, page Page) ([]Certificate, error)
	// ListExpiringCertificates lists certificates of a type whose NotAfter is
	// before the given time, in every Region.
	ListExpiringCertificates(ctx context.Context, typ string, before time.Time) ([]Certificate, error)
	UpdateCertificate(ctx context.Context, arn string, fn func(*Certificate) error) (Certificate, error)
	// DeleteCertificate fails with ErrInUse while a domain names it.
	DeleteCertificate(ctx context.Context, arn string) error
}

// Domain is a user pool domain. Key is unique: a prefix domain's key is
// "prefix/<region>/<name>" (prefixes are unique per Region), a custom
// domain's "custom/<name>" (unique everywhere). A pool has at most one
// domain of each kind.
type Domain struct {
	Key            string
	Name           string
	PoolID         string
	Region         string
	Custom         bool
	CertificateARN string // custom domains only
	Status         string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Version        int64
	Doc            []byte
}

// PrefixDomainKey and CustomDomainKey build Domain keys.
func PrefixDomainKey(region, name string) string { return "prefix/" + region + "/" + name }
func CustomDomainKey(name string) string         { return "custom/" + name }

// Domains stores user pool domains.
type Domains interface {
	// CreateDomain fails with ErrAlreadyExists when the key is taken or the
	// pool already has a domain of that kind, ErrNotFound when the pool does
	// not exist, and ErrNotFound (wrapped with the ARN) when the certificate
	// does not exist.
	CreateDomain(ctx context.Context, d Domain) error
	// CreateCustomDomain is CreateDomain for a custom domain that also fails
	// with ErrQuotaExceeded when d.Region already has quota custom domains.
	// The count and the insert are one atomic step: of creations racing
	// for the last place, on any number of nodes, one wins.
	CreateCustomDomain(ctx context.Context, d Domain, quota int) error
	GetDomain(ctx context.Context, key string) (Domain, error)
	ListDomains(ctx context.Context, page Page) ([]Domain, error)
	ListDomainsByPool(ctx context.Context, poolID string) ([]Domain, error)
	ListDomainsByCertificate(ctx context.Context, arn string) ([]Domain, error)
	// ListPendingDomains lists domains whose Status is not ACTIVE.
	ListPendingDomains(ctx context.Context) ([]Domain, error)
	CountCustomDomains(ctx context.Context, region string) (int, error)
	UpdateDomain(ctx context.Context, key string, fn func(*Domain) error) (Domain, error)
	DeleteDomain(ctx context.Context, key string) error
}

// Values is a small key-value space for server-wide state such as the local
// certificate authority.
type Values interface {
	GetValue(ctx context.Context, key string) ([]byte, error)
	// PutValueIfAbsent stores v unless key exists, and returns what is stored
	// under key afterwards (v, or the value that was already there).
	PutValueIfAbsent(ctx context.Context, key string, v []byte) ([]byte, error)
	SetValue(ctx context.Context, key string, v []byte) error
	// ListValues returns every value whose key starts with prefix, by key.
	ListValues(ctx context.Context, prefix string) (map[string][]byte, error)
	DeleteValue(ctx context.Context, key string) error

	// PutValueIfAbsentUntil and SetValueUntil store a value that is useless
	// after expires: from then on DeleteExpiredValues may remove it (until
	// then it reads as any other). Values stored by PutValueIfAbsent and
	// SetValue never expire; a value set again takes the new expiry.
	PutValueIfAbsentUntil(ctx context.Context, key string, v []byte, expires time.Time) ([]byte, error)
	SetValueUntil(ctx context.Context, key string, v []byte, expires time.Time) error
	// DeleteExpiredValues deletes at most limit values that expired before
	// the given time, and reports how many it deleted. Several nodes may
	// run it at once; a value set again meanwhile with a later expiry stays.
	DeleteExpiredValues(ctx context.Context, before time.Time, limit int) (int, error)
}

// User is a user of a pool. Key is the user's lookup key in its pool (the
// username, lower-cased in pools with case-insensitive usernames); Username
// keeps the case it was created with.
//
// Index holds the attributes ListUsers filters on (attribute -> value); the
// backend keeps an index of them so that a filtered lookup never scans the
// pool. Unique holds values that must be unique in the pool (an email used
// as the username, a verified email or phone alias, the sub): a write that
// would repeat one fails with a *UniqueError.
type User struct {
	PoolID    string
	Username  string
	Key       string
	Sub       string
	Status    string
	Enabled   bool
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
	Doc       []byte
	Index     map[string]string
	Unique    map[string]string
}

// UniqueError reports a write refused because another user holds one of its
// unique values. It matches ErrAlreadyExists.
type UniqueError struct {
	Attribute string // "" for the user's key itself
	Value     string
}

func (e *UniqueError) Error() string {
	if e.Attribute == "" {
		return "store: user already exists"
	}
	return "store: another user has " + e.Attribute + " " + e.Value
}

// Is makes errors.Is(err, ErrAlreadyExists) hold.
func (e *UniqueError) Is(target error) bool { return target == ErrAlreadyExists }

// UserQuery is a filtered lookup: users whose indexed Attribute equals Value
// (or starts with it when Prefix).
type UserQuery struct {
	Attribute string
	Value     string
	Prefix    bool
}

// Users stores users. Listings are ordered by Key (filtered ones by value,
// then Key) and paged with an opaque cursor: Page.After is the Cursor of the
// last user of the previous page.
type Users interface {
	CreateUser(ctx context.Context, u User) error
	GetUser(ctx context.Context, poolID, key string) (User, error)
	// GetUserByUnique finds the user holding a unique value.
	GetUserByUnique(ctx context.Context, poolID, attribute, value string) (User, error)
	ListUsers(ctx context.Context, poolID string, q *UserQuery, page Page) ([]User, error)
	CountUsers(ctx context.Context, poolID string) (int, error)
	UpdateUser(ctx context.Context, poolID, key string, fn func(*User) error) (User, error)
	DeleteUser(ctx context.Context, poolID, key string) error
}

// UserCursor is the paging cursor after u in a listing made with q.
func UserCursor(u User, q *UserQuery) string {
	if q == nil {
		return u.Key
	}
	return u.Index[q.Attribute] + "\x00" + u.Key
}

// Group is a group of a pool.
type Group struct {
	PoolID    string
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
	Doc       []byte
}

// Groups stores groups and their members. Deleting a group or a user
// removes the memberships.
type Groups interface {
	CreateGroup(ctx context.Context, g Group) error
	GetGroup(ctx context.Context, poolID, name string) (Group, error)
	ListGroups(ctx context.Context, poolID string, page Page) ([]Group, error)
	CountGroups(ctx context.Context, poolID string) (int, error)
	UpdateGroup(ctx context.Context, poolID, name string, fn func(*Group) error) (Group, error)
	DeleteGroup(ctx context.Context, poolID, name string) error
	// AddUserToGroup is idempotent; ErrNotFound when the group or user does not exist.
	AddUserToGroup(ctx context.Context, poolID, group, userKey string) error
	RemoveUserFromGroup(ctx context.Context, poolID, group, userKey string) error
	ListGroupsForUser(ctx context.Context, poolID, userKey string, page Page) ([]Group, error)
	CountGroupsForUser(ctx context.Context, poolID, userKey string) (int, error)
	ListUsersInGroup(ctx context.Context, poolID, group string, page Page) ([]User, error)
}

// Message is a message delivered to the local outbox.
type Message struct {
	ID          int64
	PoolID      string
	Username    string
	Kind        string // e.g. SignUp, AdminCreateUser, ForgotPassword (messaging.Kind*)
	Medium      string // EMAIL or SMS
	Destination string
	Subject     string
	Body        string
	CreatedAt   time.Time
}

// MessageFilter selects outbox messages; empty fields match everything.
type MessageFilter struct {
	PoolID   string
	Username string
	AfterID  int64
	Limit    int
}

// Outbox keeps delivered messages for developers and tests to read.
type Outbox interface {
	AddMessage(ctx context.Context, m Message) (int64, error)
	// ListMessages lists matching messages, newest first.
	ListMessages(ctx context.Context, f MessageFilter) ([]Message, error)
}

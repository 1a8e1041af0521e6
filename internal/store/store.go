package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors. Backends wrap them; callers test with errors.Is.
var (
	ErrNotFound      = errors.New("store: not found")
	ErrAlreadyExists = errors.New("store: already exists")
	ErrConflict      = errors.New("store: conflicting concurrent write")
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

// Store is everything a backend provides.
type Store interface {
	UserPools
	AppClients
	ResourceServers
	// Check verifies the integrity of the underlying database.
	Check(ctx context.Context) error
	// Close releases the backend; pending writes are durable before it returns.
	Close() error
}

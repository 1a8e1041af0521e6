// The Get, List and Count methods of store.Store, counted. Keep in step with store.go.

package storecount

import (
	"context"
	"time"

	"github.com/gognito/gognito/internal/store"
)

func (c *Store) GetUserPool(ctx context.Context, id string) (store.UserPool, error) {
	c.count(ctx, "GetUserPool")
	return c.Store.GetUserPool(ctx, id)
}

func (c *Store) ListUserPools(ctx context.Context, page store.Page) ([]store.UserPool, error) {
	c.count(ctx, "ListUserPools")
	return c.Store.ListUserPools(ctx, page)
}

func (c *Store) CountUserPools(ctx context.Context) (int, error) {
	c.count(ctx, "CountUserPools")
	return c.Store.CountUserPools(ctx)
}

func (c *Store) GetAppClient(ctx context.Context, clientID string) (store.AppClient, error) {
	c.count(ctx, "GetAppClient")
	return c.Store.GetAppClient(ctx, clientID)
}

func (c *Store) ListAppClients(ctx context.Context, poolID string, page store.Page) ([]store.AppClient, error) {
	c.count(ctx, "ListAppClients")
	return c.Store.ListAppClients(ctx, poolID, page)
}

func (c *Store) CountAppClients(ctx context.Context, poolID string) (int, error) {
	c.count(ctx, "CountAppClients")
	return c.Store.CountAppClients(ctx, poolID)
}

func (c *Store) GetResourceServer(ctx context.Context, poolID string, identifier string) (store.ResourceServer, error) {
	c.count(ctx, "GetResourceServer")
	return c.Store.GetResourceServer(ctx, poolID, identifier)
}

func (c *Store) ListResourceServers(ctx context.Context, poolID string, page store.Page) ([]store.ResourceServer, error) {
	c.count(ctx, "ListResourceServers")
	return c.Store.ListResourceServers(ctx, poolID, page)
}

func (c *Store) CountResourceServers(ctx context.Context, poolID string) (int, error) {
	c.count(ctx, "CountResourceServers")
	return c.Store.CountResourceServers(ctx, poolID)
}

func (c *Store) GetIdentityProvider(ctx context.Context, poolID string, name string) (store.IdentityProvider, error) {
	c.count(ctx, "GetIdentityProvider")
	return c.Store.GetIdentityProvider(ctx, poolID, name)
}

func (c *Store) GetIdentityProviderByIdentifier(ctx context.Context, poolID string, identifier string) (store.IdentityProvider, error) {
	c.count(ctx, "GetIdentityProviderByIdentifier")
	return c.Store.GetIdentityProviderByIdentifier(ctx, poolID, identifier)
}

func (c *Store) ListIdentityProviders(ctx context.Context, poolID string, page store.Page) ([]store.IdentityProvider, error) {
	c.count(ctx, "ListIdentityProviders")
	return c.Store.ListIdentityProviders(ctx, poolID, page)
}

func (c *Store) CountIdentityProviders(ctx context.Context, poolID string) (int, error) {
	c.count(ctx, "CountIdentityProviders")
	return c.Store.CountIdentityProviders(ctx, poolID)
}

func (c *Store) GetCertificate(ctx context.Context, arn string) (store.Certificate, error) {
	c.count(ctx, "GetCertificate")
	return c.Store.GetCertificate(ctx, arn)
}

func (c *Store) ListCertificates(ctx context.Context, region string, page store.Page) ([]store.Certificate, error) {
	c.count(ctx, "ListCertificates")
	return c.Store.ListCertificates(ctx, region, page)
}

func (c *Store) ListExpiringCertificates(ctx context.Context, typ string, before time.Time) ([]store.Certificate, error) {
	c.count(ctx, "ListExpiringCertificates")
	return c.Store.ListExpiringCertificates(ctx, typ, before)
}

func (c *Store) GetDomain(ctx context.Context, key string) (store.Domain, error) {
	c.count(ctx, "GetDomain")
	return c.Store.GetDomain(ctx, key)
}

func (c *Store) ListDomains(ctx context.Context, page store.Page) ([]store.Domain, error) {
	c.count(ctx, "ListDomains")
	return c.Store.ListDomains(ctx, page)
}

func (c *Store) ListDomainsByPool(ctx context.Context, poolID string) ([]store.Domain, error) {
	c.count(ctx, "ListDomainsByPool")
	return c.Store.ListDomainsByPool(ctx, poolID)
}

func (c *Store) ListDomainsByCertificate(ctx context.Context, arn string) ([]store.Domain, error) {
	c.count(ctx, "ListDomainsByCertificate")
	return c.Store.ListDomainsByCertificate(ctx, arn)
}

func (c *Store) ListPendingDomains(ctx context.Context) ([]store.Domain, error) {
	c.count(ctx, "ListPendingDomains")
	return c.Store.ListPendingDomains(ctx)
}

func (c *Store) CountCustomDomains(ctx context.Context, region string) (int, error) {
	c.count(ctx, "CountCustomDomains")
	return c.Store.CountCustomDomains(ctx, region)
}

func (c *Store) GetValue(ctx context.Context, key string) ([]byte, error) {
	c.count(ctx, "GetValue")
	return c.Store.GetValue(ctx, key)
}

func (c *Store) ListValues(ctx context.Context, prefix string) (map[string][]byte, error) {
	c.count(ctx, "ListValues")
	return c.Store.ListValues(ctx, prefix)
}

func (c *Store) GetUser(ctx context.Context, poolID string, key string) (store.User, error) {
	c.count(ctx, "GetUser")
	return c.Store.GetUser(ctx, poolID, key)
}

func (c *Store) GetUserByUnique(ctx context.Context, poolID string, attribute string, value string) (store.User, error) {
	c.count(ctx, "GetUserByUnique")
	return c.Store.GetUserByUnique(ctx, poolID, attribute, value)
}

func (c *Store) ListUsers(ctx context.Context, poolID string, q *store.UserQuery, page store.Page) ([]store.User, error) {
	c.count(ctx, "ListUsers")
	return c.Store.ListUsers(ctx, poolID, q, page)
}

func (c *Store) CountUsers(ctx context.Context, poolID string) (int, error) {
	c.count(ctx, "CountUsers")
	return c.Store.CountUsers(ctx, poolID)
}

func (c *Store) GetGroup(ctx context.Context, poolID string, name string) (store.Group, error) {
	c.count(ctx, "GetGroup")
	return c.Store.GetGroup(ctx, poolID, name)
}

func (c *Store) ListGroups(ctx context.Context, poolID string, page store.Page) ([]store.Group, error) {
	c.count(ctx, "ListGroups")
	return c.Store.ListGroups(ctx, poolID, page)
}

func (c *Store) CountGroups(ctx context.Context, poolID string) (int, error) {
	c.count(ctx, "CountGroups")
	return c.Store.CountGroups(ctx, poolID)
}

func (c *Store) ListGroupsForUser(ctx context.Context, poolID string, userKey string, page store.Page) ([]store.Group, error) {
	c.count(ctx, "ListGroupsForUser")
	return c.Store.ListGroupsForUser(ctx, poolID, userKey, page)
}

func (c *Store) CountGroupsForUser(ctx context.Context, poolID string, userKey string) (int, error) {
	c.count(ctx, "CountGroupsForUser")
	return c.Store.CountGroupsForUser(ctx, poolID, userKey)
}

func (c *Store) ListUsersInGroup(ctx context.Context, poolID string, group string, page store.Page) ([]store.User, error) {
	c.count(ctx, "ListUsersInGroup")
	return c.Store.ListUsersInGroup(ctx, poolID, group, page)
}

func (c *Store) ListMessages(ctx context.Context, f store.MessageFilter) ([]store.Message, error) {
	c.count(ctx, "ListMessages")
	return c.Store.ListMessages(ctx, f)
}

package userpool

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/pagetoken"
	"github.com/gognito/gognito/internal/store"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// DefaultExplicitAuthFlows are what a client allows when its request names
// none.
var DefaultExplicitAuthFlows = []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}

// StandardScopes are the OAuth scopes every pool knows.
var StandardScopes = []string{"phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"}

// clientSettings are the settings CreateUserPoolClient and
// UpdateUserPoolClient share; an update replaces all of them.
type clientSettings struct {
	RefreshTokenValidity                     *int32
	AccessTokenValidity                      *int32
	IdTokenValidity                          *int32
	TokenValidityUnits                       *cip.TokenValidityUnitsType
	ReadAttributes                           []string
	WriteAttributes                          []string
	ExplicitAuthFlows                        []string
	SupportedIdentityProviders               []string
	CallbackURLs                             []string
	LogoutURLs                               []string
	DefaultRedirectURI                       string
	AllowedOAuthFlows                        []string
	AllowedOAuthScopes                       []string
	AllowedOAuthFlowsUserPoolClient          *bool
	AnalyticsConfiguration                   *cip.AnalyticsConfigurationType
	PreventUserExistenceErrors               string
	EnableTokenRevocation                    *bool
	EnablePropagateAdditionalUserContextData *bool
	AuthSessionValidity                      *int32
	RefreshTokenRotation                     *cip.RefreshTokenRotationType

	hasSecret bool // the client has a secret (not a request member)
}

func unitDuration(unit string) time.Duration {
	switch unit {
	case "seconds":
		return time.Second
	case "minutes":
		return time.Minute
	case "hours":
		return time.Hour
	default:
		return 24 * time.Hour
	}
}

// TokenValidity is how long a client's access, ID and refresh tokens live.
func TokenValidity(c *cip.UserPoolClientType) (access, id, refresh time.Duration) {
	var u cip.TokenValidityUnitsType
	if c.TokenValidityUnits != nil {
		u = *c.TokenValidityUnits
	}
	return tokenValidity(c.AccessTokenValidity, c.IdTokenValidity, c.RefreshTokenValidity, u.AccessToken, u.IdToken, u.RefreshToken)
}

// TokenValidity is how long the client's access, ID and refresh tokens
// live.
func (c *Client) TokenValidity() (access, id, refresh time.Duration) {
	var u TokenValidityUnits
	if c.TokenValidityUnits != nil {
		u = *c.TokenValidityUnits
	}
	return tokenValidity(c.AccessTokenValidity, c.IdTokenValidity, c.RefreshTokenValidity, u.AccessToken, u.IdToken, u.RefreshToken)
}

func tokenValidity(accessN, idN, refreshN *int32, accessUnit, idUnit, refreshUnit string) (access, id, refresh time.Duration) {
	or := func(s, def string) string {
		if s == "" {
			return def
		}
		return s
	}
	access = time.Hour
	if accessN != nil {
		access = time.Duration(*accessN) * unitDuration(or(accessUnit, "hours"))
	}
	id = time.Hour
	if idN != nil {
		id = time.Duration(*idN) * unitDuration(or(idUnit, "hours"))
	}
	refresh = 30 * 24 * time.Hour
	if refreshN != nil {
		refresh = time.Duration(*refreshN) * unitDuration(or(refreshUnit, "days"))
	}
	return access, id, refresh
}

func (cs clientSettings) apply(ctx context.Context, s *Service, pool *poolState, c *cip.UserPoolClientType) error {
	c.RefreshTokenValidity = cs.RefreshTokenValidity
	if c.RefreshTokenValidity == nil || *c.RefreshTokenValidity == 0 {
		c.RefreshTokenValidity = ptr(int32(30))
		if cs.TokenValidityUnits != nil && cs.TokenValidityUnits.RefreshToken != "" && cs.TokenValidityUnits.RefreshToken != "days" {
			c.RefreshTokenValidity = ptr(int32(30 * 24 * time.Hour / unitDuration(cs.TokenValidityUnits.RefreshToken)))
		}
	}
	c.AccessTokenValidity = cs.AccessTokenValidity
	c.IdTokenValidity = cs.IdTokenValidity
	c.TokenValidityUnits = cs.TokenValidityUnits
	if c.TokenValidityUnits == nil {
		c.TokenValidityUnits = &cip.TokenValidityUnitsType{}
	}
	access, id, refresh := TokenValidity(c)
	if access < 5*time.Minute || access > 24*time.Hour || id < 5*time.Minute || id > 24*time.Hour ||
		refresh < time.Hour || refresh > 3650*24*time.Hour {
		return awserr.New(awserr.InvalidParameter, "Invalid range for token validity.")
	}
	if (c.AccessTokenValidity != nil && access > refresh) || (c.IdTokenValidity != nil && id > refresh) {
		return awserr.New(awserr.InvalidParameter, "Invalid range for token validity.")
	}

	for _, a := range cs.ReadAttributes {
		if !HasAttribute(pool.Pool.SchemaAttributes, a) {
			return awserr.New(awserr.InvalidParameter, "Invalid read attributes specified while creating a client")
		}
	}
	for _, a := range cs.WriteAttributes {
		if !HasAttribute(pool.Pool.SchemaAttributes, a) || a == "sub" || strings.HasPrefix(a, "dev:") {
			return awserr.New(awserr.InvalidParameter, "Invalid write attributes specified while creating a client")
		}
	}
	c.ReadAttributes = cs.ReadAttributes
	c.WriteAttributes = cs.WriteAttributes

	c.ExplicitAuthFlows = cs.ExplicitAuthFlows
	if c.ExplicitAuthFlows == nil {
		c.ExplicitAuthFlows = slices.Clone(DefaultExplicitAuthFlows)
	}
	legacy, modern := false, false
	for _, f := range c.ExplicitAuthFlows {
		if strings.HasPrefix(f, "ALLOW_") {
			modern = true
		} else {
			legacy = true
		}
	}
	if legacy && modern {
		return awserr.New(awserr.InvalidParameter, "The combination of legacy and ALLOW_ explicit auth flows is not allowed.")
	}

	for _, p := range cs.SupportedIdentityProviders {
		if p == "COGNITO" {
			continue
		}
		ok := false
		if s.idps != nil {
			var err error
			if ok, err = s.idps.ProviderExists(ctx, pool.Pool.Id, p); err != nil {
				return err
			}
		}
		if !ok {
			return awserr.Newf(awserr.InvalidParameter, "The provider %s does not exist for User Pool %s", p, pool.Pool.Id)
		}
	}
	c.SupportedIdentityProviders = cs.SupportedIdentityProviders

	for _, list := range []struct {
		name string
		urls []string
	}{{"CallbackURLs", cs.CallbackURLs}, {"LogoutURLs", cs.LogoutURLs}} {
		for _, u := range list.urls {
			if err := checkRedirectURL(u); err != nil {
				return awserr.Newf(awserr.InvalidParameter, "Invalid URL %s in %s: %s", u, list.name, err.Error())
			}
		}
	}
	if cs.DefaultRedirectURI != "" {
		if err := checkRedirectURL(cs.DefaultRedirectURI); err != nil {
			return awserr.Newf(awserr.InvalidParameter, "Invalid URL %s in DefaultRedirectURI: %s", cs.DefaultRedirectURI, err.Error())
		}
	}
	if cs.DefaultRedirectURI != "" && !slices.Contains(cs.CallbackURLs, cs.DefaultRedirectURI) {
		return awserr.New(awserr.InvalidParameter, "DefaultRedirectURI must be one of the CallbackURLs.")
	}
	c.CallbackURLs, c.LogoutURLs, c.DefaultRedirectURI = cs.CallbackURLs, cs.LogoutURLs, cs.DefaultRedirectURI

	c.AllowedOAuthFlows = cs.AllowedOAuthFlows
	c.AllowedOAuthScopes = cs.AllowedOAuthScopes
	c.AllowedOAuthFlowsUserPoolClient = cs.AllowedOAuthFlowsUserPoolClient
	if c.AllowedOAuthFlowsUserPoolClient == nil {
		c.AllowedOAuthFlowsUserPoolClient = ptr(false)
	}
	if slices.Contains(c.AllowedOAuthFlows, "client_credentials") {
		if len(c.AllowedOAuthFlows) > 1 {
			return awserr.New(awserr.InvalidOAuthFlow, "client_credentials flow can not be selected along with code flow or implicit flow.")
		}
		if !cs.hasSecret {
			return awserr.New(awserr.InvalidOAuthFlow, "client_credentials flow can not be selected if client does not have a client secret.")
		}
	}
	if *c.AllowedOAuthFlowsUserPoolClient {
		if len(c.AllowedOAuthFlows) == 0 {
			return awserr.New(awserr.InvalidOAuthFlow, "AllowedOAuthFlows must be specified when AllowedOAuthFlowsUserPoolClient is true.")
		}
		if len(c.AllowedOAuthScopes) == 0 {
			return awserr.New(awserr.InvalidParameter, "AllowedOAuthScopes must be specified when AllowedOAuthFlowsUserPoolClient is true.")
		}
		if !slices.Contains(c.AllowedOAuthFlows, "client_credentials") && len(c.CallbackURLs) == 0 {
			return awserr.New(awserr.InvalidParameter, "CallbackURLs must be specified when the code or implicit flow is allowed.")
		}
	}
	for _, sc := range c.AllowedOAuthScopes {
		if err := s.checkScope(ctx, pool.Pool.Id, sc, slices.Contains(c.AllowedOAuthFlows, "client_credentials")); err != nil {
			return err
		}
	}

	c.AnalyticsConfiguration = cs.AnalyticsConfiguration
	c.PreventUserExistenceErrors = cs.PreventUserExistenceErrors
	if c.PreventUserExistenceErrors == "" {
		c.PreventUserExistenceErrors = "LEGACY"
	}
	c.EnableTokenRevocation = cs.EnableTokenRevocation
	if c.EnableTokenRevocation == nil {
		c.EnableTokenRevocation = ptr(true)
	}
	c.EnablePropagateAdditionalUserContextData = cs.EnablePropagateAdditionalUserContextData
	if c.EnablePropagateAdditionalUserContextData == nil {
		c.EnablePropagateAdditionalUserContextData = ptr(false)
	}
	if *c.EnablePropagateAdditionalUserContextData && !cs.hasSecret {
		return awserr.New(awserr.InvalidParameter, "EnablePropagateAdditionalUserContextData can only be set for clients with a client secret.")
	}
	c.AuthSessionValidity = cs.AuthSessionValidity
	if c.AuthSessionValidity == nil {
		c.AuthSessionValidity = ptr(int32(3))
	}
	c.RefreshTokenRotation = refreshRotation(cs.RefreshTokenRotation)
	return nil
}

// refusedSchemes are the schemes a redirect URL may not have: a browser
// would run them (javascript:, vbscript:), show content the URL carries
// itself (data:, blob:, about:) or read the local disk (file:) in place of
// handing the code or tokens to an app. Cognito takes HTTPS, http for
// localhost only, and an app's own scheme such as myapp://callback.
var refusedSchemes = []string{"javascript", "vbscript", "data", "file", "blob", "about", "filesystem", "view-source"}

// checkRedirectURL is Cognito's rule for a callback or logout URL.
func checkRedirectURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return errors.New("not an absolute URL")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return errors.New("a fragment is not allowed")
	}
	if slices.Contains(refusedSchemes, strings.ToLower(u.Scheme)) {
		return errors.New("the " + strings.ToLower(u.Scheme) + " scheme is not allowed")
	}
	if u.Scheme == "http" {
		h := u.Hostname()
		// Beyond Cognito, names under .localhost (loopback by RFC 6761) too:
		// a local gognito's prefix domains are <prefix>.auth.<region>.localhost,
		// and one pool's /oauth2/idpresponse is then another's callback
		// (docs/federation.md).
		if h != "localhost" && h != "127.0.0.1" && h != "::1" && !strings.HasSuffix(strings.ToLower(h), ".localhost") {
			return errors.New("HTTPS is required except for localhost")
		}
	}
	return nil
}

// checkScope refuses a scope that is neither a standard scope nor a scope of
// one of the pool's resource servers. client_credentials clients may only use
// resource-server scopes.
func (s *Service) checkScope(ctx context.Context, poolID, scope string, clientCredentials bool) error {
	if slices.Contains(StandardScopes, scope) {
		if clientCredentials {
			return awserr.Newf(awserr.InvalidOAuthFlow, "%s scope can not be used with client_credentials flow.", scope)
		}
		return nil
	}
	i := strings.LastIndex(scope, "/")
	if i > 0 {
		rec, err := s.store.GetResourceServer(ctx, poolID, scope[:i])
		if err == nil {
			rs, err := decodeResourceServer(rec)
			if err != nil {
				return err
			}
			for _, sc := range rs.Scopes {
				if sc.ScopeName == scope[i+1:] {
					return nil
				}
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return awserr.Newf(awserr.ScopeDoesNotExist, "Invalid scope requested: %s", scope)
}

// CreateUserPoolClient creates an app client with Cognito's defaults.
func (s *Service) CreateUserPoolClient(ctx context.Context, in *cip.CreateUserPoolClientRequest) (*cip.CreateUserPoolClientResponse, error) {
	pool, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	n, err := s.store.CountAppClients(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if n >= MaxAppClientsPerPool {
		return nil, awserr.Newf(awserr.LimitExceeded, "The user pool has reached its limit of %d app clients.", MaxAppClientsPerPool)
	}
	now := s.now()
	c := cip.UserPoolClientType{
		UserPoolId:       in.UserPoolId,
		ClientName:       in.ClientName,
		ClientId:         s.newClientID(),
		CreationDate:     wireTime(now),
		LastModifiedDate: wireTime(now),
	}
	switch {
	case in.ClientSecret != "":
		c.ClientSecret = in.ClientSecret
	case in.GenerateSecret != nil && *in.GenerateSecret:
		c.ClientSecret = s.newClientSecret()
	}
	var secrets []clientSecret
	if c.ClientSecret != "" {
		// The first of the client's secrets, the one its description shows.
		secrets = []clientSecret{{Id: secretID(c.ClientId, now.UnixMilli()), Value: c.ClientSecret, CreateDate: now, Shown: true}}
	}
	cs := settingsOf[clientSettings](in)
	cs.hasSecret = len(secrets) > 0
	if err := cs.apply(ctx, s, pool, &c); err != nil {
		return nil, err
	}
	rec := store.AppClient{ID: c.ClientId, PoolID: c.UserPoolId, Name: c.ClientName, CreatedAt: now, UpdatedAt: now, Version: 1, Doc: s.encodeClient(&c, secrets)}
	if err := s.store.CreateAppClient(ctx, rec); err != nil {
		return nil, poolError(err, in.UserPoolId)
	}
	s.changed(clientKey(c.ClientId))
	return &cip.CreateUserPoolClientResponse{UserPoolClient: &c}, nil
}

// poolClient is an app client of a pool: Cognito's error names the pool
// when the pool does not exist, the client when the pool does not have it.
func (s *Service) poolClient(ctx context.Context, poolID, clientID string) (*Client, error) {
	c, err := s.Client(ctx, clientID)
	if awserr.Is(err, awserr.ResourceNotFound) || (err == nil && c.UserPoolId != poolID) {
		if _, perr := s.Pool(ctx, poolID); perr != nil {
			return nil, perr
		}
		return nil, clientNotFound(clientID)
	}
	return c, err
}

// encodeClient is a client's stored document, with its secrets (in the
// clear) sealed.
func (s *Service) encodeClient(c *cip.UserPoolClientType, secrets []clientSecret) []byte {
	cl := clientFromWire(c)
	cl.secrets = secrets
	return encodeClientDoc(sealClient(s.sealer, cl))
}

// DescribeUserPoolClient returns an app client, its secret included.
func (s *Service) DescribeUserPoolClient(ctx context.Context, in *cip.DescribeUserPoolClientRequest) (*cip.DescribeUserPoolClientResponse, error) {
	c, err := s.poolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	w := c.Wire()
	return &cip.DescribeUserPoolClientResponse{UserPoolClient: &w}, nil
}

// ListUserPoolClients pages through a pool's clients.
func (s *Service) ListUserPoolClients(ctx context.Context, in *cip.ListUserPoolClientsRequest) (*cip.ListUserPoolClientsResponse, error) {
	if _, err := s.Pool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	after, err := pagetoken.Decode("clients", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := int(int32Or(in.MaxResults, 60))
	recs, err := s.store.ListAppClients(ctx, in.UserPoolId, store.Page{After: after, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	out := &cip.ListUserPoolClientsResponse{UserPoolClients: []cip.UserPoolClientDescription{}}
	recs, out.NextToken = pagetoken.Trim("clients", recs, limit, func(r store.AppClient) string { return r.ID })
	for _, r := range recs {
		out.UserPoolClients = append(out.UserPoolClients, cip.UserPoolClientDescription{ClientId: r.ID, UserPoolId: r.PoolID, ClientName: r.Name})
	}
	return out, nil
}

// UpdateUserPoolClient replaces a client's settings; as in Cognito, settings
// left out return to their defaults. The id, secret and creation date stay.
func (s *Service) UpdateUserPoolClient(ctx context.Context, in *cip.UpdateUserPoolClientRequest) (*cip.UpdateUserPoolClientResponse, error) {
	pool, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if _, err := s.poolClient(ctx, in.UserPoolId, in.ClientId); err != nil {
		return nil, err
	}
	var out *cip.UserPoolClientType
	_, err = s.store.UpdateAppClient(ctx, in.ClientId, func(rec *store.AppClient) error {
		old, err := decodeClientDoc(rec.ID, rec.Doc)
		if err != nil {
			return err
		}
		if err := openClient(s.sealer, old); err != nil {
			return err
		}
		c := cip.UserPoolClientType{
			UserPoolId: old.UserPoolId, ClientName: old.ClientName, ClientId: old.ClientId,
			ClientSecret: old.ClientSecret, CreationDate: wireTime(old.CreationDate),
		}
		if in.ClientName != "" {
			c.ClientName = in.ClientName
		}
		cs := settingsOf[clientSettings](in)
		cs.hasSecret = old.HasSecret()
		if err := cs.apply(ctx, s, pool, &c); err != nil {
			return err
		}
		now := s.now()
		c.LastModifiedDate = wireTime(now)
		rec.Name, rec.UpdatedAt, rec.Doc = c.ClientName, now, s.encodeClient(&c, old.secrets)
		out = &c
		return nil
	})
	if err != nil {
		return nil, clientError(err, in.ClientId)
	}
	s.changed(clientKey(in.ClientId))
	return &cip.UpdateUserPoolClientResponse{UserPoolClient: out}, nil
}

// DeleteUserPoolClient deletes an app client.
func (s *Service) DeleteUserPoolClient(ctx context.Context, in *cip.DeleteUserPoolClientRequest) (*struct{}, error) {
	if _, err := s.poolClient(ctx, in.UserPoolId, in.ClientId); err != nil {
		return nil, err
	}
	err := s.store.DeleteAppClient(ctx, in.ClientId)
	s.changed(clientKey(in.ClientId))
	if err != nil {
		return nil, clientError(err, in.ClientId)
	}
	return &struct{}{}, nil
}

package idp

import (
	"context"
	"errors"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/pagetoken"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/userpool"
	"github.com/gognito/gognito/internal/wire"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// prepared is a provider's details, mapping and metadata, checked.
type prepared struct {
	details, mapping map[string]string
	identifiers      []string
	saml             *samlDoc
}

func (s *Service) prepare(ctx context.Context, pool *userpool.Pool, typ string, details, mapping map[string]string, ids []string) (*prepared, error) {
	d, err := checkDetails(typ, details)
	if err != nil {
		return nil, err
	}
	m, err := checkMapping(pool, typ, mapping)
	if err != nil {
		return nil, err
	}
	ids, err = checkIdentifiers(ids)
	if err != nil {
		return nil, err
	}
	p := &prepared{details: d, mapping: m, identifiers: ids}
	if typ == TypeSAML {
		raw := []byte(d["MetadataFile"])
		if u := d["MetadataURL"]; u != "" {
			if s.fetcher == nil {
				return nil, invalid("Unable to read the metadata at %s.", u)
			}
			raw, err = s.fetcher.FetchMetadata(ctx, u)
			if err != nil {
				return nil, invalid("Unable to read the metadata at %s: %s", u, err.Error())
			}
		}
		md, err := ParseMetadata(raw)
		if err != nil {
			return nil, invalidMetadata(err)
		}
		p.saml = &samlDoc{Metadata: raw}
		_ = md
	}
	return p, nil
}

// checkIdentifiersFree refuses identifiers another provider of the pool has.
func (s *Service) checkIdentifiersFree(ctx context.Context, poolID, name string, ids []string) error {
	for _, id := range ids {
		rec, err := s.store.GetIdentityProviderByIdentifier(ctx, poolID, id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if rec.Name != name {
			return awserr.Newf(awserr.DuplicateProvider, "The IdpIdentifier %s is already used by the identity provider %s.", id, rec.Name)
		}
	}
	return nil
}

// CreateIdentityProvider adds an identity provider to a pool.
func (s *Service) CreateIdentityProvider(ctx context.Context, in *cip.CreateIdentityProviderRequest) (*cip.CreateIdentityProviderResponse, error) {
	pool, err := s.pools.Pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if err := checkName(in.ProviderName, in.ProviderType); err != nil {
		return nil, err
	}
	if _, err := s.store.GetIdentityProvider(ctx, in.UserPoolId, in.ProviderName); err == nil {
		return nil, providerError(store.ErrAlreadyExists, in.UserPoolId, in.ProviderName)
	} else if !isNotFound(err) {
		return nil, err
	}
	p, err := s.prepare(ctx, pool, in.ProviderType, in.ProviderDetails, in.AttributeMapping, in.IdpIdentifiers)
	if err != nil {
		return nil, err
	}
	if err := s.checkIdentifiersFree(ctx, in.UserPoolId, in.ProviderName, p.identifiers); err != nil {
		return nil, err
	}
	n, err := s.store.CountIdentityProviders(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if n >= MaxProvidersPerPool {
		return nil, awserr.Newf(awserr.LimitExceeded, "The user pool has reached its limit of %d identity providers.", MaxProvidersPerPool)
	}
	now := s.now()
	rec := store.IdentityProvider{PoolID: in.UserPoolId, Name: in.ProviderName, Type: in.ProviderType, Identifiers: p.identifiers,
		CreatedAt: now, UpdatedAt: now, Version: 1, Doc: s.encodeDoc(in.UserPoolId, in.ProviderName, p.details, p.mapping, p.saml)}
	if err := s.store.CreateIdentityProvider(ctx, rec); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, awserr.Newf(awserr.ResourceNotFound, "User pool %s does not exist.", in.UserPoolId)
		}
		return nil, providerError(err, in.UserPoolId, in.ProviderName)
	}
	out, err := s.describe(ctx, rec)
	if err != nil {
		return nil, err
	}
	return &cip.CreateIdentityProviderResponse{IdentityProvider: out}, nil
}

// describe is a provider as Describe shows it.
func (s *Service) describe(ctx context.Context, rec store.IdentityProvider) (*cip.IdentityProviderType, error) {
	p, err := s.view(rec)
	if err != nil {
		return nil, err
	}
	d := p.Details
	if p.Metadata != nil {
		if p.Metadata.SSORedirectURL != "" {
			d["SSORedirectBindingURI"] = p.Metadata.SSORedirectURL
		}
		if p.Metadata.SLORedirectURL != "" {
			d["SLORedirectBindingURI"] = p.Metadata.SLORedirectURL
		}
		if d["EncryptedResponses"] == "true" {
			_, enc, err := s.SAMLKeys(ctx, p.PoolID)
			if err != nil {
				return nil, err
			}
			d["ActiveEncryptionCertificate"] = certBase64(enc.Cert)
		}
	}
	return &cip.IdentityProviderType{UserPoolId: p.PoolID, ProviderName: p.Name, ProviderType: p.Type, ProviderDetails: d,
		AttributeMapping: p.AttributeMapping, IdpIdentifiers: p.IdpIdentifiers,
		CreationDate: wire.NewTime(p.Created), LastModifiedDate: wire.NewTime(p.Modified)}, nil
}

func (s *Service) get(ctx context.Context, poolID, name string) (store.IdentityProvider, error) {
	if _, err := s.pools.Pool(ctx, poolID); err != nil {
		return store.IdentityProvider{}, err
	}
	rec, err := s.store.GetIdentityProvider(ctx, poolID, name)
	if err != nil {
		return rec, providerError(err, poolID, name)
	}
	return rec, nil
}

// DescribeIdentityProvider shows a provider.
func (s *Service) DescribeIdentityProvider(ctx context.Context, in *cip.DescribeIdentityProviderRequest) (*cip.DescribeIdentityProviderResponse, error) {
	rec, err := s.get(ctx, in.UserPoolId, in.ProviderName)
	if err != nil {
		return nil, err
	}
	out, err := s.describe(ctx, rec)
	if err != nil {
		return nil, err
	}
	return &cip.DescribeIdentityProviderResponse{IdentityProvider: out}, nil
}

// GetIdentityProviderByIdentifier shows the provider one of whose
// IdpIdentifiers is the one asked for.
func (s *Service) GetIdentityProviderByIdentifier(ctx context.Context, in *cip.GetIdentityProviderByIdentifierRequest) (*cip.GetIdentityProviderByIdentifierResponse, error) {
	if _, err := s.pools.Pool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	rec, err := s.store.GetIdentityProviderByIdentifier(ctx, in.UserPoolId, in.IdpIdentifier)
	if isNotFound(err) {
		return nil, awserr.Newf(awserr.ResourceNotFound, "Identity provider for identifier %s does not exist.", in.IdpIdentifier)
	}
	if err != nil {
		return nil, err
	}
	out, err := s.describe(ctx, rec)
	if err != nil {
		return nil, err
	}
	return &cip.GetIdentityProviderByIdentifierResponse{IdentityProvider: out}, nil
}

// ListIdentityProviders lists a pool's providers by name, a page at a time.
func (s *Service) ListIdentityProviders(ctx context.Context, in *cip.ListIdentityProvidersRequest) (*cip.ListIdentityProvidersResponse, error) {
	if _, err := s.pools.Pool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	after, err := pagetoken.Decode("identity-providers", in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := 60
	if in.MaxResults != nil && *in.MaxResults > 0 {
		limit = int(*in.MaxResults)
	}
	recs, err := s.store.ListIdentityProviders(ctx, in.UserPoolId, store.Page{After: after, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	out := &cip.ListIdentityProvidersResponse{Providers: []cip.ProviderDescription{}}
	recs, out.NextToken = pagetoken.Trim("identity-providers", recs, limit, func(r store.IdentityProvider) string { return r.Name })
	for _, r := range recs {
		out.Providers = append(out.Providers, cip.ProviderDescription{ProviderName: r.Name, ProviderType: r.Type,
			CreationDate: wire.NewTime(r.CreatedAt), LastModifiedDate: wire.NewTime(r.UpdatedAt)})
	}
	return out, nil
}

// UpdateIdentityProvider changes a provider's details (the keys given
// replace those stored; a SAML metadata source replaces the other),
// attribute mapping and identifiers (each replaced when given).
func (s *Service) UpdateIdentityProvider(ctx context.Context, in *cip.UpdateIdentityProviderRequest) (*cip.UpdateIdentityProviderResponse, error) {
	pool, err := s.pools.Pool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	cur, err := s.get(ctx, in.UserPoolId, in.ProviderName)
	if err != nil {
		return nil, err
	}
	view, err := s.view(cur)
	if err != nil {
		return nil, err
	}
	details := view.Details
	if in.ProviderDetails != nil {
		if cur.Type == TypeSAML {
			if _, ok := in.ProviderDetails["MetadataFile"]; ok {
				delete(details, "MetadataURL")
			}
			if _, ok := in.ProviderDetails["MetadataURL"]; ok {
				delete(details, "MetadataFile")
			}
		}
		for k, v := range in.ProviderDetails {
			details[k] = v
		}
		if cur.Type == TypeFacebook && in.ProviderDetails["api_version"] != "" {
			// The Graph endpoints follow the version unless given.
			for _, k := range []string{"attributes_url", "authorize_url", "token_url"} {
				if _, given := in.ProviderDetails[k]; !given {
					delete(details, k)
				}
			}
		}
	}
	mapping := view.AttributeMapping
	if in.AttributeMapping != nil {
		mapping = in.AttributeMapping
	}
	ids := view.IdpIdentifiers
	if in.IdpIdentifiers != nil {
		ids = in.IdpIdentifiers
	}
	p, err := s.prepare(ctx, pool, cur.Type, details, mapping, ids)
	if err != nil {
		return nil, err
	}
	if err := s.checkIdentifiersFree(ctx, in.UserPoolId, in.ProviderName, p.identifiers); err != nil {
		return nil, err
	}
	rec, err := s.store.UpdateIdentityProvider(ctx, in.UserPoolId, in.ProviderName, func(r *store.IdentityProvider) error {
		r.Identifiers = p.identifiers
		r.UpdatedAt = s.now()
		r.Doc = s.encodeDoc(in.UserPoolId, in.ProviderName, p.details, p.mapping, p.saml)
		return nil
	})
	if errors.Is(err, store.ErrAlreadyExists) {
		return nil, awserr.New(awserr.DuplicateProvider, "An IdpIdentifier is already used by another identity provider of the user pool.")
	}
	if err != nil {
		return nil, providerError(err, in.UserPoolId, in.ProviderName)
	}
	out, err := s.describe(ctx, rec)
	if err != nil {
		return nil, err
	}
	return &cip.UpdateIdentityProviderResponse{IdentityProvider: out}, nil
}

// DeleteIdentityProvider removes a provider no app client names.
func (s *Service) DeleteIdentityProvider(ctx context.Context, in *cip.DeleteIdentityProviderRequest) (*struct{}, error) {
	if _, err := s.get(ctx, in.UserPoolId, in.ProviderName); err != nil {
		return nil, err
	}
	if s.clients != nil {
		using, err := s.clients.ClientsUsingProvider(ctx, in.UserPoolId, in.ProviderName)
		if err != nil {
			return nil, err
		}
		if len(using) > 0 {
			return nil, invalid("The identity provider %s is used by the app client(s) %s: remove it from their SupportedIdentityProviders first.",
				in.ProviderName, strings.Join(using, ", "))
		}
	}
	if err := s.store.DeleteIdentityProvider(ctx, in.UserPoolId, in.ProviderName); err != nil {
		return nil, providerError(err, in.UserPoolId, in.ProviderName)
	}
	return &struct{}{}, nil
}

// GetSigningCertificate returns the pool's SAML signing certificate: its
// DER in base64.
func (s *Service) GetSigningCertificate(ctx context.Context, in *cip.GetSigningCertificateRequest) (*cip.GetSigningCertificateResponse, error) {
	if _, err := s.pools.Pool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	signing, _, err := s.SAMLKeys(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return &cip.GetSigningCertificateResponse{Certificate: certBase64(signing.Cert)}, nil
}

package userpool

import (
	"context"
	"slices"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/pagetoken"
	"github.com/gognito/gognito/internal/store"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Client secret rotation: a confidential client holds up to
// MaxClientSecrets active secrets, every one accepted wherever the client
// authenticates (SECRET_HASH, ClientSecret, the token endpoint). The
// secret made with the client is the first; AddUserPoolClientSecret adds
// one, DeleteUserPoolClientSecret removes one but never the last.

// MaxClientSecrets is how many active secrets an app client may hold.
const MaxClientSecrets = 2

// AddUserPoolClientSecret adds a secret to a confidential client: the one
// given (its value is then not returned) or a generated one (returned this
// once).
func (s *Service) AddUserPoolClientSecret(ctx context.Context, in *cip.AddUserPoolClientSecretRequest) (*cip.AddUserPoolClientSecretResponse, error) {
	var out clientSecret
	generated := in.ClientSecret == ""
	err := s.changeSecrets(ctx, in.UserPoolId, in.ClientId, func(secrets []clientSecret) ([]clientSecret, error) {
		if len(secrets) == 0 {
			return nil, awserr.Newf(awserr.InvalidParameter, "Client %s does not have a client secret: secrets can only be added to a confidential client.", in.ClientId)
		}
		if len(secrets) >= MaxClientSecrets {
			return nil, awserr.Newf(awserr.LimitExceeded, "The app client has reached its limit of %d client secrets.", MaxClientSecrets)
		}
		now := s.now()
		// Ids carry the creation time in milliseconds, moved on past the
		// newest secret's when two fall in the same millisecond.
		ms := now.UnixMilli()
		for _, sec := range secrets {
			if t := secretMillis(in.ClientId, sec.Id); t >= ms {
				ms = t + 1
			}
		}
		out = clientSecret{Id: secretID(in.ClientId, ms), Value: in.ClientSecret, CreateDate: now}
		if generated {
			out.Value = s.newClientSecret()
		}
		return append(slices.Clone(secrets), out), nil
	})
	if err != nil {
		return nil, err
	}
	d := &cip.ClientSecretDescriptorType{ClientSecretId: out.Id, ClientSecretCreateDate: wireTime(out.CreateDate)}
	if generated {
		d.ClientSecretValue = out.Value
	}
	return &cip.AddUserPoolClientSecretResponse{ClientSecretDescriptor: d}, nil
}

// ListUserPoolClientSecrets lists a client's secrets, oldest first: their
// ids and creation dates, never their values. A client has two at most,
// so the answer has no NextToken.
func (s *Service) ListUserPoolClientSecrets(ctx context.Context, in *cip.ListUserPoolClientSecretsRequest) (*cip.ListUserPoolClientSecretsResponse, error) {
	c, err := s.poolClient(ctx, in.UserPoolId, in.ClientId)
	if err != nil {
		return nil, err
	}
	after, err := pagetoken.Decode("client-secrets", in.NextToken)
	if err != nil {
		return nil, err
	}
	out := &cip.ListUserPoolClientSecretsResponse{ClientSecrets: []cip.ClientSecretDescriptorType{}}
	for _, sec := range c.secrets {
		if after != "" && sec.Id <= after {
			continue
		}
		out.ClientSecrets = append(out.ClientSecrets, cip.ClientSecretDescriptorType{ClientSecretId: sec.Id, ClientSecretCreateDate: wireTime(sec.CreateDate)})
	}
	return out, nil
}

// DeleteUserPoolClientSecret deletes one of a client's secrets; the last
// one stays.
func (s *Service) DeleteUserPoolClientSecret(ctx context.Context, in *cip.DeleteUserPoolClientSecretRequest) (*cip.DeleteUserPoolClientSecretResponse, error) {
	err := s.changeSecrets(ctx, in.UserPoolId, in.ClientId, func(secrets []clientSecret) ([]clientSecret, error) {
		i := slices.IndexFunc(secrets, func(sec clientSecret) bool { return sec.Id == in.ClientSecretId })
		if i < 0 {
			return nil, awserr.Newf(awserr.ResourceNotFound, "Client secret %s does not exist for client %s.", in.ClientSecretId, in.ClientId)
		}
		if len(secrets) == 1 {
			return nil, awserr.New(awserr.InvalidParameter, "The last client secret of an app client cannot be deleted.")
		}
		return slices.Delete(slices.Clone(secrets), i, i+1), nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.DeleteUserPoolClientSecretResponse{}, nil
}

// changeSecrets replaces a client's secrets (in the clear) with what fn
// makes of them, atomically, and drops the client here and on the other
// nodes.
func (s *Service) changeSecrets(ctx context.Context, poolID, clientID string, fn func([]clientSecret) ([]clientSecret, error)) error {
	if _, err := s.poolClient(ctx, poolID, clientID); err != nil {
		return err
	}
	_, err := s.store.UpdateAppClient(ctx, clientID, func(rec *store.AppClient) error {
		c, err := decodeClientDoc(rec.ID, rec.Doc)
		if err != nil {
			return err
		}
		if c.UserPoolId != poolID {
			return clientNotFound(clientID)
		}
		if err := openClient(s.sealer, c); err != nil {
			return err
		}
		secrets, err := fn(c.secrets)
		if err != nil {
			return err
		}
		now := s.now()
		c.secrets, c.LastModifiedDate = secrets, now
		c.ClientSecret = shownSecret(secrets)
		rec.UpdatedAt, rec.Doc = now, encodeClientDoc(sealClient(s.sealer, c))
		return nil
	})
	if err != nil {
		return clientError(err, clientID)
	}
	s.changed(clientKey(clientID))
	return nil
}

// secretMillis is the creation time an id of secretID carries (0 for any
// other id).
func secretMillis(clientID, id string) int64 {
	var ms int64
	rest, ok := strings.CutPrefix(id, clientID+"--")
	if !ok {
		return 0
	}
	for _, r := range rest {
		if r < '0' || r > '9' {
			return 0
		}
		ms = ms*10 + int64(r-'0')
	}
	return ms
}

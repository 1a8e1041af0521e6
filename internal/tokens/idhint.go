package tokens

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/go-jose/go-jose/v4"
)

// ErrInvalidHint is the answer to an id_token_hint that is not an ID token
// this pool signed.
var ErrInvalidHint = errors.New("tokens: the id_token_hint is not an ID token of this user pool")

// IDTokenHint is what a verified id_token_hint names.
type IDTokenHint struct {
	// Audience is the app client the ID token was issued to (its aud).
	Audience string
	Subject  string
	Username string
}

// VerifyIDTokenHint checks an ID token presented as OpenID Connect's
// id_token_hint (RP-Initiated Logout): signed by one of the pool's ID-token
// keys, with the pool's issuer and token_use "id". Its expiry is not
// checked, as the specification asks of a logout hint; a token whose key
// has since been retired (after the last token it signed expired) no longer
// verifies.
func (s *Service) VerifyIDTokenHint(ctx context.Context, poolID, token string) (*IDTokenHint, error) {
	obj, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(obj.Signatures) != 1 {
		return nil, ErrInvalidHint
	}
	k, err := s.verifyingKey(ctx, poolID, obj.Signatures[0].Header.KeyID, s.o.Clock.Now())
	if err != nil {
		return nil, err
	}
	if k == nil || k.Use != UseID {
		return nil, ErrInvalidHint
	}
	payload, err := obj.Verify(&k.Private.PublicKey)
	if err != nil {
		return nil, ErrInvalidHint
	}
	var c struct {
		Iss      string `json:"iss"`
		Aud      string `json:"aud"`
		Sub      string `json:"sub"`
		TokenUse string `json:"token_use"`
		Username string `json:"cognito:username"`
	}
	if err := json.Unmarshal(payload, &c); err != nil || c.TokenUse != "id" || !s.isIssuerOf(c.Iss, poolID) || c.Aud == "" {
		return nil, ErrInvalidHint
	}
	return &IDTokenHint{Audience: c.Aud, Subject: c.Sub, Username: c.Username}, nil
}

// isIssuerOf reports whether iss is one of the forms of a pool's issuer
// (a pool moving between forms has tokens of both).
func (s *Service) isIssuerOf(iss, poolID string) bool {
	p, ok := s.PoolOfIssuer(iss)
	return ok && p == poolID
}

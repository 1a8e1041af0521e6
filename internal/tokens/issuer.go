package tokens

import (
	"context"
	"strings"
)

// Issuer types, as a pool's IssuerConfiguration.Type names them.
const (
	IssuerOriginal = "ORIGINAL"
	IssuerUpdated  = "UPDATED"
)

// IssuerOf is a pool's iss under an issuer type (Options.Issuer for
// ORIGINAL, Options.UpdatedIssuer for UPDATED when set).
func (s *Service) IssuerOf(poolID, issuerType string) string {
	if issuerType == IssuerUpdated && s.o.UpdatedIssuer != nil {
		return s.o.UpdatedIssuer(poolID)
	}
	return s.o.Issuer(poolID)
}

// issuer is the iss the pool's tokens get now: the form of its current
// issuer type (read through Options.IssuerType, the pools' loader).
func (s *Service) issuer(ctx context.Context, poolID string) (string, error) {
	if s.o.IssuerType == nil {
		return s.o.Issuer(poolID), nil
	}
	t, err := s.o.IssuerType(ctx, poolID)
	if err != nil {
		return "", err
	}
	return s.IssuerOf(poolID, t), nil
}

// PoolOfIssuer is the pool an iss names, in either form: a pool's tokens
// verify under both, so that tokens issued before the pool changed its
// issuer type stay valid until they expire. ok is false for an iss that is
// no pool's issuer.
func (s *Service) PoolOfIssuer(iss string) (poolID string, ok bool) {
	i := strings.LastIndex(iss, "/")
	if i < 0 || i == len(iss)-1 {
		return "", false
	}
	poolID = iss[i+1:]
	if s.o.Issuer(poolID) == iss {
		return poolID, true
	}
	if s.o.UpdatedIssuer != nil && s.o.UpdatedIssuer(poolID) == iss {
		return poolID, true
	}
	return "", false
}

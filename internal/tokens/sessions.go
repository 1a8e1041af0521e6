package tokens

import (
	"context"
	"errors"
	"time"
)

// SignedOutSince reports whether a user signed out everywhere (or was
// disabled or deleted) at or after since: a hosted-UI session begun at
// since has then ended, as the user's tokens from before have.
func (s *Service) SignedOutSince(ctx context.Context, poolID, username string, since time.Time) (bool, error) {
	err := s.checkSignOut(ctx, poolID, username, since)
	if errors.Is(err, errSignedOut) {
		return true, nil
	}
	return false, err
}

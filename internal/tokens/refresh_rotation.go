package tokens

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/gognito/gognito/internal/awserr"
)

// Refresh-token rotation (an app client's RefreshTokenRotation): each
// refresh of a token of a rotating client returns a new refresh token of
// the same family (same origin_jti, so revoking any of them revokes all,
// and the same expiry: a rotated token lives as long as the one the user
// signed in with). The old token keeps working for the client's grace
// period after its first rotation, then is refused with
// RefreshTokenReuseException.
//
// The first rotation of a token is recorded in the shared store with one
// put-if-absent under the token's id, kept until the token expires: it is
// the read and the write of a refresh, atomic, so that of two refreshes of
// one token racing on any nodes only one is first. Without a grace period
// only the first succeeds. Nothing is recorded for clients without
// rotation.

func rotatedKey(rc *RefreshClaims, token string) string {
	id := rc.ID
	if id == "" { // a token made before tokens had ids: its digest
		sum := sha256.Sum256([]byte(token))
		id = "sha256-" + hex.EncodeToString(sum[:16])
	}
	return "refresh-rotated/" + id
}

// rotation is what the store keeps of a token's first rotation.
type rotation struct {
	At   time.Time `json:"at"`
	Mark string    `json:"m"` // random: tells this rotation from a racing one
}

func errReused() error {
	return awserr.New(awserr.RefreshTokenReuse, "Refresh Token has been rotated and may not be used again.")
}

// ClaimRotation records that the refresh token rc (token, as presented) is
// being rotated now, and reports whether a new refresh token may be issued
// for it: yes at its first rotation and, within grace of that first
// rotation, at a retry; else RefreshTokenReuseException. The caller then
// issues the new token with Subject.RefreshExpires = rc.Expires.
func (s *Service) ClaimRotation(ctx context.Context, rc *RefreshClaims, token string, grace time.Duration) error {
	now := s.o.Clock.Now()
	mine, err := json.Marshal(rotation{At: now.UTC(), Mark: s.uuid()})
	if err != nil {
		return err
	}
	got, err := s.o.Store.PutValueIfAbsentUntil(ctx, rotatedKey(rc, token), mine, rc.Expires)
	if err != nil {
		return err
	}
	if string(got) == string(mine) {
		return nil
	}
	var first rotation
	if err := json.Unmarshal(got, &first); err != nil {
		return errReused()
	}
	if grace > 0 && now.Before(first.At.Add(grace)) {
		return nil
	}
	return errReused()
}

package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/tokens"
)

// Signing-key rotation as an operation: `gognito keys rotate` (RotateKeys)
// and, with key-rotation-interval, a schedule every node runs
// (RotateDueKeys), one node rotating each pool each time.

// RotatedPool is one pool's keys after a rotation.
type RotatedPool struct {
	PoolID string
	Keys   []tokens.KeyInfo
}

// RotateKeys rotates the signing keys of a pool, or of every pool when
// poolID is "", with the configured publish delay (key-publish-delay).
func (a *App) RotateKeys(ctx context.Context, poolID string) ([]RotatedPool, error) {
	ids := []string{poolID}
	if poolID == "" {
		var err error
		if ids, err = a.poolIDs(ctx); err != nil {
			return nil, err
		}
	} else if _, err := a.store.GetUserPool(ctx, poolID); errors.Is(err, store.ErrNotFound) {
		return nil, awserr.Newf(awserr.ResourceNotFound, "User pool %s does not exist.", poolID)
	} else if err != nil {
		return nil, err
	}
	var out []RotatedPool
	for _, id := range ids {
		keys, err := a.tokens.RotateStaged(ctx, id, a.cfg.KeyPublishDelay)
		if err != nil {
			return out, err
		}
		out = append(out, RotatedPool{PoolID: id, Keys: keys})
	}
	return out, nil
}

// SigningKeys describes a pool's signing keys (for `gognito keys list`).
func (a *App) SigningKeys(ctx context.Context, poolID string) ([]tokens.KeyInfo, error) {
	if _, err := a.store.GetUserPool(ctx, poolID); errors.Is(err, store.ErrNotFound) {
		return nil, awserr.Newf(awserr.ResourceNotFound, "User pool %s does not exist.", poolID)
	} else if err != nil {
		return nil, err
	}
	return a.tokens.Keys(ctx, poolID)
}

func (a *App) poolIDs(ctx context.Context) ([]string, error) {
	var ids []string
	after := ""
	for {
		page, err := a.store.ListUserPools(ctx, store.Page{After: after, Limit: 100})
		if err != nil {
			return nil, err
		}
		for _, p := range page {
			ids = append(ids, p.ID)
		}
		if len(page) < 100 {
			return ids, nil
		}
		after = page[len(page)-1].ID
	}
}

// RotateDueKeys rotates the keys of every pool whose newest key is at
// least key-rotation-interval old at now, and reports the pools it
// rotated. Every node may run it at once: a pool's rotation is claimed
// first (a value named after the pool's last rotation, stored if absent),
// so one node rotates it each time. Pools without keys yet are left alone
// (their first keys are made when they first sign).
func (a *App) RotateDueKeys(ctx context.Context, now time.Time) ([]string, error) {
	interval := a.cfg.KeyRotationInterval
	if interval <= 0 {
		return nil, nil
	}
	ids, err := a.poolIDs(ctx)
	if err != nil {
		return nil, err
	}
	var rotated []string
	for _, id := range ids {
		last, err := a.tokens.LastRotation(ctx, id)
		if err != nil {
			return rotated, err
		}
		if last.IsZero() || now.Sub(last) < interval {
			continue
		}
		var b [16]byte
		rand.Read(b[:])
		mine := hex.EncodeToString(b[:])
		claim := "signing-keys-rotation/" + id + "/" + strconv.FormatInt(last.UnixNano(), 10)
		got, err := a.store.PutValueIfAbsentUntil(ctx, claim, []byte(mine), now.Add(interval))
		if err != nil {
			return rotated, err
		}
		if string(got) != mine {
			continue // another node rotates it
		}
		if _, err := a.tokens.RotateStaged(ctx, id, a.cfg.KeyPublishDelay); err != nil {
			return rotated, err
		}
		rotated = append(rotated, id)
	}
	return rotated, nil
}

// keyRotation runs RotateDueKeys every keyRotationCheck until ctx ends.
func (a *App) keyRotation(ctx context.Context) {
	check := min(a.cfg.KeyRotationInterval/10, keyRotationCheck)
	t := time.NewTicker(check)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if ids, err := a.RotateDueKeys(ctx, a.clock.Now()); err != nil && ctx.Err() == nil {
			a.log.Warn("key rotation", "error", err)
		} else if len(ids) > 0 {
			a.log.Info("key rotation: new signing keys published", "pools", ids, "signing_after", a.cfg.KeyPublishDelay)
		}
	}
}

// keyRotationCheck is how often, at most, the schedule looks for pools due.
const keyRotationCheck = 5 * time.Minute

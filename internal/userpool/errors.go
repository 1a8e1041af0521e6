package userpool

import (
	"errors"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/store"
)

// The store's errors become Cognito's here, once per aggregate; other
// errors pass as they are.

// poolError maps a store error about the pool id.
func poolError(err error, id string) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return poolNotFound(id)
	case errors.Is(err, store.ErrInUse):
		return awserr.New(awserr.InvalidParameter, "User pool cannot be deleted. It has a domain configured that should be deleted first.")
	}
	return err
}

// clientError maps a store error about the app client id.
func clientError(err error, id string) error {
	if errors.Is(err, store.ErrNotFound) {
		return clientNotFound(id)
	}
	return err
}

// resourceServerError maps a store error about a pool's resource server
// (a missing pool, on creation, is the pool's error).
func resourceServerError(err error, poolID, identifier string, creating bool) error {
	switch {
	case errors.Is(err, store.ErrAlreadyExists):
		return awserr.Newf(awserr.InvalidParameter, "%s already exists in user pool %s.", identifier, poolID)
	case errors.Is(err, store.ErrNotFound) && creating:
		return poolNotFound(poolID)
	case errors.Is(err, store.ErrNotFound):
		return resourceServerNotFound(poolID, identifier)
	}
	return err
}

func poolNotFound(id string) error {
	return awserr.Newf(awserr.ResourceNotFound, "User pool %s does not exist.", id)
}

func clientNotFound(id string) error {
	return awserr.Newf(awserr.ResourceNotFound, "User pool client %s does not exist.", id)
}

func resourceServerNotFound(poolID, id string) error {
	return awserr.Newf(awserr.ResourceNotFound, "Resource server %s does not exist in user pool %s.", id, poolID)
}

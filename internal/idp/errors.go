package idp

import (
	"errors"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/store"
)

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

func isAWSNotFound(err error) bool {
	var ae *awserr.Error
	return errors.As(err, &ae) && ae.Type() == awserr.ResourceNotFound
}

// providerError maps a store error about a provider.
func providerError(err error, poolID, name string) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return awserr.Newf(awserr.ResourceNotFound, "Identity provider %s does not exist.", name)
	case errors.Is(err, store.ErrAlreadyExists):
		return awserr.Newf(awserr.DuplicateProvider, "A provider with the name %s already exists in this user pool.", name)
	}
	return err
}

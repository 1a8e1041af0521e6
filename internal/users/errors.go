package users

import (
	"errors"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/store"
)

// The store's errors become Cognito's here, once per aggregate; other
// errors pass as they are.

// userError maps a store error about a user: a missing user, and a clash
// of unique values (the username, an email or phone number used as
// username, an alias).
func userError(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return userNotFound()
	}
	var ue *store.UniqueError
	if !errors.As(err, &ue) {
		return err
	}
	switch {
	case ue.Attribute == "":
		return awserr.New(awserr.UsernameExists, "User account already exists")
	case strings.HasPrefix(ue.Attribute, "username:email"):
		return awserr.New(awserr.UsernameExists, "An account with the given email already exists.")
	case strings.HasPrefix(ue.Attribute, "username:phone_number"):
		return awserr.New(awserr.UsernameExists, "An account with the given phone_number already exists.")
	case strings.HasPrefix(ue.Attribute, "identity:"):
		return awserr.New(awserr.AliasExists, "The SourceUser is already linked to another user.")
	case strings.HasPrefix(ue.Attribute, "alias:"):
		return awserr.Newf("AliasExistsException", "An account with the %s already exists.", strings.TrimPrefix(ue.Attribute, "alias:"))
	}
	return awserr.New(awserr.UsernameExists, "User account already exists")
}

// updateError is userError for a change of an existing user: an email or
// phone number used as username that another user holds is an alias
// clash there (AliasExistsException), as Cognito answers it; creating a
// user with it is UsernameExistsException.
func updateError(err error) error {
	var ue *store.UniqueError
	if errors.As(err, &ue) && strings.HasPrefix(ue.Attribute, "username:") {
		return awserr.Newf("AliasExistsException", "An account with the given %s already exists.", strings.TrimPrefix(ue.Attribute, "username:"))
	}
	return userError(err)
}

// groupError maps a store error about a group of poolID (a missing pool,
// on creation, is the pool's error).
func groupError(err error, poolID string, creating bool) error {
	switch {
	case errors.Is(err, store.ErrAlreadyExists):
		return awserr.New(awserr.GroupExists, "A group with the name already exists.")
	case errors.Is(err, store.ErrNotFound) && creating:
		return poolNotFound(poolID)
	case errors.Is(err, store.ErrNotFound):
		return groupNotFound()
	}
	return err
}

func userNotFound() error { return awserr.New(awserr.UserNotFound, "User does not exist.") }

func groupNotFound() error { return awserr.New(awserr.ResourceNotFound, "Group not found.") }

func poolNotFound(id string) error {
	return awserr.Newf(awserr.ResourceNotFound, "User pool %s does not exist.", id)
}

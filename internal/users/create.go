package users

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/store"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// newUser prepares a user record: it applies the pool's username rules to
// the requested username and attributes, and gives the user a sub.
func (s *Service) newUser(p *pool, username string, attrs []cip.AttributeType, status string) (*user, error) {
	attrs = slices.Clone(attrs)
	internal := username
	if ua := p.usernameAttributes(); len(ua) > 0 {
		isEmail, isPhone := emailRE.MatchString(username), phoneRE.MatchString(username)
		switch {
		case isEmail && slices.Contains(ua, "email"):
			attrs = withAttr(attrs, "email", username)
		case isPhone && slices.Contains(ua, "phone_number"):
			attrs = withAttr(attrs, "phone_number", username)
		case len(ua) == 1 && ua[0] == "email":
			return nil, awserr.New(awserr.InvalidParameter, "Username should be an email.")
		case len(ua) == 1 && ua[0] == "phone_number":
			return nil, awserr.New(awserr.InvalidParameter, "Username should be a phone number.")
		default:
			return nil, awserr.New(awserr.InvalidParameter, "Username should be either an email or a phone number.")
		}
		internal = "" // the sub, below
	} else {
		for _, a := range p.aliasAttributes() {
			if a == "email" && emailRE.MatchString(username) {
				return nil, awserr.New(awserr.InvalidParameter, "Username cannot be of email format, since user pool is configured for email alias.")
			}
			if a == "phone_number" && phoneRE.MatchString(username) {
				return nil, awserr.New(awserr.InvalidParameter, "Username cannot be of phone number format, since user pool is configured for phone_number alias.")
			}
		}
	}
	sub := s.newSub()
	if internal == "" {
		internal = sub
	}
	now := s.now()
	u := &user{rec: store.User{PoolID: p.ID, Username: internal, Key: p.keyFor(internal), Sub: sub, Status: status,
		Enabled: true, CreatedAt: now, UpdatedAt: now, Version: 1}}
	u.doc.Attributes = toAttributes(append([]cip.AttributeType{{Name: "sub", Value: sub}}, withoutAttr(attrs, "sub")...))
	return u, nil
}

func withAttr(attrs []cip.AttributeType, name, value string) []cip.AttributeType {
	for i := range attrs {
		if attrs[i].Name == name {
			attrs[i].Value = value
			return attrs
		}
	}
	return append(attrs, cip.AttributeType{Name: name, Value: value})
}

func withoutAttr(attrs []cip.AttributeType, name string) []cip.AttributeType {
	out := make([]cip.AttributeType, 0, len(attrs))
	for _, a := range attrs {
		if a.Name != name {
			out = append(out, a)
		}
	}
	return out
}

// insert writes a new user.
func (s *Service) insert(ctx context.Context, p *pool, u *user) error {
	b, err := json.Marshal(u.doc)
	if err != nil {
		return err
	}
	u.rec.Doc = b
	u.rec.Index, u.rec.Unique = p.indexes(u)
	if err := s.store.CreateUser(ctx, u.rec); err != nil {
		return userError(err)
	}
	return nil
}

// normalizeAttrs trims the attribute names' whitespace-free values as
// Cognito stores them (emails keep their case; verified flags are
// lower-case booleans).
func normalizeAttrs(attrs []cip.AttributeType) []cip.AttributeType {
	out := make([]cip.AttributeType, 0, len(attrs))
	for _, a := range attrs {
		if strings.HasSuffix(a.Name, "_verified") {
			a.Value = strings.ToLower(a.Value)
		}
		out = append(out, a)
	}
	return out
}

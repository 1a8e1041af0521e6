package users

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/store"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Federated users: the users of external identity providers (SAML, OIDC,
// the social providers), and the links of external identities to native
// users (AdminLinkProviderForUser).

// ExternalIdentity is an identity an external provider vouched for.
type ExternalIdentity struct {
	ProviderName string            // the provider's Name
	ProviderType string            // its Type
	UserID       string            // the provider's subject: OIDC sub, SAML NameID, social id
	Attributes   map[string]string // already mapped to the pool's attribute names
}

// Providers tells whether a pool has an identity provider (package idp):
// its type, or Cognito's ResourceNotFoundException.
type Providers interface {
	ProviderType(ctx context.Context, poolID, name string) (string, error)
}

// ProviderTypeFunc is a function as a Providers.
type ProviderTypeFunc func(ctx context.Context, poolID, name string) (string, error)

// ProviderType calls f.
func (f ProviderTypeFunc) ProviderType(ctx context.Context, poolID, name string) (string, error) {
	return f(ctx, poolID, name)
}

// SetProviders gives the service the pool's identity providers (set once,
// while the application is wired).
func (s *Service) SetProviders(p Providers) { s.providers = p }

// MaxLinkedIdentities is how many external identities can be linked to
// one user, as in Cognito.
const MaxLinkedIdentities = 5

// subjectAttribute is the provider attribute that names the provider's
// subject itself.
const subjectAttribute = "Cognito_Subject"

// identity is an external identity of a user (userDoc.Identities): the
// federated user's own, or one linked to a native user. Until it is used
// to sign in, a linked identity may name an attribute of the provider
// (AttributeName, AttributeValue) rather than its subject.
type identity struct {
	ProviderName   string    `json:"ProviderName"`
	ProviderType   string    `json:"ProviderType,omitempty"`
	AttributeName  string    `json:"AttributeName"`
	AttributeValue string    `json:"AttributeValue"`
	Created        time.Time `json:"Created"`
	Primary        bool      `json:"Primary,omitempty"`
}

// identityKey is the unique value (store.User.Unique) through which an
// identity finds its user: an index, not a scan. The provider's and the
// attribute's names are length-prefixed (either may hold any punctuation),
// and a long value, or one PostgreSQL's text cannot hold, is a digest.
func identityKey(provider, attrName, value string) string {
	if len(value) > 128 || !utf8.ValidString(value) || strings.ContainsRune(value, 0) {
		h := sha256.Sum256([]byte(value))
		value = "sha256:" + hex.EncodeToString(h[:])
	}
	return "identity:" + strconv.Itoa(len(provider)) + ":" + provider + strconv.Itoa(len(attrName)) + ":" + attrName + ":" + value
}

// identitiesAttribute is the identities attribute of a user, the JSON
// array Cognito keeps (and puts in the ID token's identities claim).
func identitiesAttribute(ids []identity) string {
	type entry struct {
		UserID       string  `json:"userId"`
		ProviderName string  `json:"providerName"`
		ProviderType string  `json:"providerType"`
		Issuer       *string `json:"issuer"`
		Primary      string  `json:"primary"`
		DateCreated  string  `json:"dateCreated"`
	}
	out := make([]entry, 0, len(ids))
	for _, id := range ids {
		out = append(out, entry{UserID: id.AttributeValue, ProviderName: id.ProviderName, ProviderType: id.ProviderType,
			Primary: strconv.FormatBool(id.Primary), DateCreated: strconv.FormatInt(id.Created.UnixMilli(), 10)})
	}
	b, err := json.Marshal(out)
	if err != nil {
		panic("users: encoding identities: " + err.Error()) // plain data always encodes
	}
	return string(b)
}

func (u *user) refreshIdentities() {
	if len(u.doc.Identities) == 0 {
		u.deleteAttr("identities")
		return
	}
	u.setAttr("identities", identitiesAttribute(u.doc.Identities))
}

// socialTypes are the provider types whose name is their type.
var socialTypes = []string{"Google", "Facebook", "LoginWithAmazon", "SignInWithApple"}

// providerType is the type of a pool's provider; without a provider
// directory the social names are their types.
func (s *Service) providerType(ctx context.Context, poolID, name string) (string, error) {
	if s.providers != nil {
		return s.providers.ProviderType(ctx, poolID, name)
	}
	if slices.Contains(socialTypes, name) {
		return name, nil
	}
	return "", nil
}

// byIdentity finds the user an identity belongs to; userNotFound if none.
func (s *Service) byIdentity(ctx context.Context, p *pool, provider, attrName, value string) (*user, error) {
	rec, err := s.store.GetUserByUnique(ctx, p.ID, identityKey(provider, attrName, value), "1")
	if errors.Is(err, store.ErrNotFound) {
		return nil, userNotFound()
	}
	if err != nil {
		return nil, err
	}
	return decodeUser(rec)
}

// findExternal finds the user of an external identity: by its subject,
// then by a linked attribute of the provider.
func (s *Service) findExternal(ctx context.Context, p *pool, id ExternalIdentity) (*user, error) {
	u, err := s.byIdentity(ctx, p, id.ProviderName, subjectAttribute, id.UserID)
	if !awserr.Is(err, awserr.UserNotFound) {
		return u, err
	}
	names := make([]string, 0, len(id.Attributes))
	for k := range id.Attributes {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if id.Attributes[k] == "" {
			continue
		}
		u, err := s.byIdentity(ctx, p, id.ProviderName, k, id.Attributes[k])
		if !awserr.Is(err, awserr.UserNotFound) {
			return u, err
		}
	}
	return nil, userNotFound()
}

// federatedUsername is the username Cognito gives the user of an external
// identity: "<ProviderName>_<subject>", as given in a case-sensitive pool
// (Google_1057), in lower case in a case-insensitive one (google_1057).
func (p *pool) federatedUsername(provider, userID string) string {
	if p.caseSensitive() {
		return provider + "_" + userID
	}
	return strings.ToLower(provider + "_" + userID)
}

// SignInExternal finds or creates the user of an external identity — the
// native user it is linked to (AdminLinkProviderForUser), else
// "<ProviderName>_<UserID>" with status EXTERNAL_PROVIDER — updates its
// mapped attributes and its identities attribute, adds it to the group
// "<poolId>_<ProviderName>", fires the triggers Cognito fires
// (PreSignUp_ExternalProvider and PostConfirmation_ConfirmSignUp on
// creation), and returns the internal username the tokens are issued for.
func (s *Service) SignInExternal(ctx context.Context, poolID, clientID string, id ExternalIdentity) (string, error) {
	p, err := s.loadPool(ctx, poolID)
	if err != nil {
		return "", err
	}
	if clientID != "" {
		c, err := s.pools.Client(ctx, clientID)
		if err != nil {
			return "", err
		}
		if c.UserPoolId != poolID {
			return "", awserr.Newf(awserr.ResourceNotFound, "User pool client %s does not exist.", clientID)
		}
	}
	if id.ProviderName == "" || id.UserID == "" {
		return "", awserr.New(awserr.InvalidParameter, "The external identity has no provider or subject.")
	}
	attrs := mappedAttributes(id.Attributes)
	if err := p.checkAttributes(attrs, true); err != nil {
		return "", err
	}
	for range 3 { // a first sign-in racing another, or linked by PreSignUp, looks again
		u, err := s.findExternal(ctx, p, id)
		if err == nil {
			return s.signInExisting(ctx, p, u, id, attrs)
		}
		if !awserr.Is(err, awserr.UserNotFound) {
			return "", err
		}
		u, err = s.createExternal(ctx, p, clientID, id, attrs)
		if errors.Is(err, errLookAgain) {
			continue
		}
		if err != nil {
			return "", err
		}
		if err := s.postConfirmation(ctx, p, "PostConfirmation_ConfirmSignUp", clientID, u, nil); err != nil {
			return "", err
		}
		if err := s.joinProviderGroup(ctx, p, u, id.ProviderName); err != nil {
			return "", err
		}
		return u.rec.Username, nil
	}
	return "", awserr.New(awserr.InternalError, "The external sign-in could not complete.")
}

// errLookAgain says the identity's user appeared while it was being
// created (another sign-in, or a PreSignUp trigger that linked it).
var errLookAgain = errors.New("users: external identity appeared; look again")

// mappedAttributes are the attributes a provider maps, as a request's:
// the pool's own (sub, identities) are not the provider's to write.
func mappedAttributes(m map[string]string) []cip.AttributeType {
	names := make([]string, 0, len(m))
	for k := range m {
		if k == "sub" || k == "identities" || k == "username" {
			continue
		}
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]cip.AttributeType, 0, len(names))
	for _, k := range names {
		out = append(out, cip.AttributeType{Name: k, Value: m[k]})
	}
	return normalizeAttrs(out)
}

// createExternal creates the federated user of an identity.
func (s *Service) createExternal(ctx context.Context, p *pool, clientID string, id ExternalIdentity, attrs []cip.AttributeType) (*user, error) {
	sub := s.newSub()
	now := s.now()
	username := p.federatedUsername(id.ProviderName, id.UserID)
	u := &user{rec: store.User{PoolID: p.ID, Username: username, Key: p.keyFor(username), Sub: sub, Status: StatusExternalProvider,
		Enabled: true, CreatedAt: now, UpdatedAt: now, Version: 1}}
	u.doc.Attributes = toAttributes(append([]cip.AttributeType{{Name: "sub", Value: sub}}, attrs...))
	u.doc.Identities = []identity{{ProviderName: id.ProviderName, ProviderType: id.ProviderType, AttributeName: subjectAttribute,
		AttributeValue: id.UserID, Created: now, Primary: true}}
	u.refreshIdentities()
	if err := p.checkRequired(u.attributes()); err != nil {
		return nil, err
	}
	pre, err := s.preSignUp(ctx, p, "PreSignUp_ExternalProvider", clientID, u, nil, nil)
	if err != nil {
		return nil, err
	}
	// The trigger may have linked the identity to a native user.
	if _, err := s.findExternal(ctx, p, id); err == nil {
		return nil, errLookAgain
	}
	for attr, on := range map[string]bool{"email": pre.AutoVerifyEmail, "phone_number": pre.AutoVerifyPhone} {
		if v, has := u.attr(attr); on && has && v != "" {
			u.setAttr(attr+"_verified", "true")
		}
	}
	if err := s.insert(ctx, p, u); err != nil {
		var ue *store.UniqueError
		if errors.As(err, &ue) || awserr.Is(err, awserr.UsernameExists) || awserr.Is(err, awserr.AliasExists) {
			return nil, errLookAgain
		}
		return nil, err
	}
	return u, nil
}

// signInExisting signs in the user an identity belongs to: the mapped
// attributes are written again, and a linked identity named by an
// attribute becomes the subject's.
func (s *Service) signInExisting(ctx context.Context, p *pool, u *user, id ExternalIdentity, attrs []cip.AttributeType) (string, error) {
	if !u.rec.Enabled {
		return "", awserr.New(awserr.NotAuthorized, "User is disabled.")
	}
	u, err := s.save(ctx, p, u.rec.Key, func(u *user) error {
		if !u.rec.Enabled {
			return awserr.New(awserr.NotAuthorized, "User is disabled.")
		}
		var sp schemaProblems
		for _, a := range attrs {
			def := p.schemaAttr(a.Name)
			if old, ok := u.attr(a.Name); def != nil && def.Mutable != nil && !*def.Mutable && ok && old != a.Value {
				sp.add(a.Name, "Attribute cannot be updated. (changing an immutable attribute)")
				continue
			}
			u.setAttr(a.Name, a.Value)
		}
		if err := sp.err(); err != nil {
			return err
		}
		for i := range u.doc.Identities {
			x := &u.doc.Identities[i]
			if x.ProviderName != id.ProviderName {
				continue
			}
			if x.AttributeName == subjectAttribute && x.AttributeValue == id.UserID ||
				x.AttributeName != subjectAttribute && id.Attributes[x.AttributeName] == x.AttributeValue {
				x.AttributeName, x.AttributeValue = subjectAttribute, id.UserID
				if id.ProviderType != "" {
					x.ProviderType = id.ProviderType
				}
			}
		}
		u.refreshIdentities()
		return nil
	})
	if err != nil {
		return "", err
	}
	if err := s.joinProviderGroup(ctx, p, u, id.ProviderName); err != nil {
		return "", err
	}
	return u.rec.Username, nil
}

// providerGroup is the group Cognito makes for the users of a provider.
func providerGroup(poolID, provider string) string { return poolID + "_" + provider }

// joinProviderGroup adds a user to its provider's group, made on first
// use.
func (s *Service) joinProviderGroup(ctx context.Context, p *pool, u *user, provider string) error {
	name := providerGroup(p.ID, provider)
	err := s.store.AddUserToGroup(ctx, p.ID, name, u.rec.Key)
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	now := s.now()
	g := &groupDoc{GroupName: name, UserPoolId: p.ID, Description: "Autogenerated group for users who sign in using " + provider}
	if err := s.store.CreateGroup(ctx, store.Group{PoolID: p.ID, Name: name, CreatedAt: now, UpdatedAt: now, Version: 1,
		Doc: encodeGroupDoc(g)}); err != nil && !errors.Is(err, store.ErrAlreadyExists) {
		return groupError(err, p.ID, true)
	}
	if err := s.store.AddUserToGroup(ctx, p.ID, name, u.rec.Key); err != nil {
		return groupError(err, p.ID, false)
	}
	return nil
}

// checkProviderUser checks a ProviderUserIdentifierType of a request.
func checkProviderUser(field string, v *cip.ProviderUserIdentifierType) error {
	if v == nil {
		return awserr.Newf(awserr.InvalidParameter, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
	}
	if v.ProviderName == "" {
		return awserr.Newf(awserr.InvalidParameter, "%s.ProviderName is required.", field)
	}
	if v.ProviderAttributeValue == "" {
		return awserr.Newf(awserr.InvalidParameter, "%s.ProviderAttributeValue is required.", field)
	}
	return nil
}

// AdminLinkProviderForUser links an external identity that has not signed
// in yet (SourceUser) to an existing user (DestinationUser): its later
// sign-ins are that user's.
func (s *Service) AdminLinkProviderForUser(ctx context.Context, in *cip.AdminLinkProviderForUserRequest) (*cip.AdminLinkProviderForUserResponse, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if err := checkProviderUser("destinationUser", in.DestinationUser); err != nil {
		return nil, err
	}
	if err := checkProviderUser("sourceUser", in.SourceUser); err != nil {
		return nil, err
	}
	src, dst := in.SourceUser, in.DestinationUser
	if strings.EqualFold(src.ProviderName, "Cognito") {
		return nil, awserr.New(awserr.InvalidParameter, "Invalid SourceUser: Cognito users with a username/password may not be passed in as a SourceUser, only as a DestinationUser")
	}
	if src.ProviderAttributeName == "" {
		return nil, awserr.New(awserr.InvalidParameter, "sourceUser.ProviderAttributeName is required.")
	}
	ptype, err := s.providerType(ctx, p.ID, src.ProviderName)
	if err != nil {
		return nil, err
	}
	if slices.Contains(socialTypes, ptype) && src.ProviderAttributeName != subjectAttribute {
		return nil, awserr.New(awserr.InvalidParameter, "The ProviderAttributeName of a social identity provider's SourceUser must be Cognito_Subject.")
	}
	// The destination: a native user ("Cognito" and its username), or the
	// federated user of another provider's subject.
	var target *user
	if dst.ProviderName == "Cognito" {
		target, err = s.resolve(ctx, p, dst.ProviderAttributeValue)
	} else {
		target, err = s.byIdentity(ctx, p, dst.ProviderName, subjectAttribute, dst.ProviderAttributeValue)
	}
	if err != nil {
		return nil, err
	}
	// The source must not have signed in: merging two users is not done.
	if src.ProviderAttributeName == subjectAttribute {
		if _, err := s.resolve(ctx, p, p.federatedUsername(src.ProviderName, src.ProviderAttributeValue)); err == nil {
			return nil, awserr.New(awserr.InvalidParameter, "Merging is not currently supported, provide a SourceUser that has not been signed up in order to link")
		}
	}
	holder, err := s.byIdentity(ctx, p, src.ProviderName, src.ProviderAttributeName, src.ProviderAttributeValue)
	if err == nil {
		if holder.rec.Key == target.rec.Key {
			return &cip.AdminLinkProviderForUserResponse{}, nil // linked already
		}
		if holder.rec.Status == StatusExternalProvider && holder.doc.Identities[0].ProviderName == src.ProviderName {
			return nil, awserr.New(awserr.InvalidParameter, "Merging is not currently supported, provide a SourceUser that has not been signed up in order to link")
		}
		return nil, awserr.New(awserr.AliasExists, "The SourceUser is already linked to another user.")
	}
	if !awserr.Is(err, awserr.UserNotFound) {
		return nil, err
	}
	_, err = s.save(ctx, p, target.rec.Key, func(u *user) error {
		links := 0
		for _, x := range u.doc.Identities {
			if !x.Primary {
				links++
			}
		}
		if links >= MaxLinkedIdentities {
			return awserr.Newf(awserr.LimitExceeded, "A user can have at most %d linked identities.", MaxLinkedIdentities)
		}
		u.doc.Identities = append(u.doc.Identities, identity{ProviderName: src.ProviderName, ProviderType: ptype,
			AttributeName: src.ProviderAttributeName, AttributeValue: src.ProviderAttributeValue, Created: s.now()})
		u.refreshIdentities()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminLinkProviderForUserResponse{}, nil
}

// AdminDisableProviderForUser stops an external identity from signing
// in: a link to a native user is removed (the identity's next sign-in
// makes a new federated user), and the identity's federated user is
// disabled.
func (s *Service) AdminDisableProviderForUser(ctx context.Context, in *cip.AdminDisableProviderForUserRequest) (*cip.AdminDisableProviderForUserResponse, error) {
	p, err := s.loadPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if err := checkProviderUser("user", in.User); err != nil {
		return nil, err
	}
	v := in.User
	if v.ProviderName == "Cognito" {
		return nil, awserr.New(awserr.InvalidParameter, "Invalid User: the provider of a native user cannot be disabled; use AdminDisableUser.")
	}
	attrName := v.ProviderAttributeName
	if attrName == "" {
		attrName = subjectAttribute
	}
	u, err := s.byIdentity(ctx, p, v.ProviderName, attrName, v.ProviderAttributeValue)
	if err != nil {
		return nil, err
	}
	_, err = s.save(ctx, p, u.rec.Key, func(u *user) error {
		if u.rec.Status == StatusExternalProvider {
			u.rec.Enabled = false
			u.doc.SignedOutAt = s.stamp()
			return nil
		}
		u.doc.Identities = slices.DeleteFunc(u.doc.Identities, func(x identity) bool {
			return x.ProviderName == v.ProviderName && x.AttributeName == attrName && x.AttributeValue == v.ProviderAttributeValue
		})
		u.refreshIdentities()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminDisableProviderForUserResponse{}, nil
}

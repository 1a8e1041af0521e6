package uicustom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/jpeg"
	"image/png"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/wire"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// All is the ClientId of a pool's default settings.
const All = "ALL"

// MaxImageBytes is the largest logo Cognito takes: 100 KB, before Base64.
const MaxImageBytes = 100 << 10

// ImagePath is where the logos are served, on the API listener (every
// pool's, for ImageUrl) and on each user pool domain (its pool's, for the
// hosted pages): ImagePath + <poolId>/<clientId|ALL>/logo.<png|jpg>.
const ImagePath = "/_gognito/ui/"

// versionLayout is the form of CSSVersion, as Cognito's: a UTC time stamp.
const versionLayout = "20060102150405"

// Store is what the service needs of the store: the settings live in its
// key-value space, and a pool must have a domain to be customised.
type Store interface {
	GetValue(ctx context.Context, key string) ([]byte, error)
	SetValue(ctx context.Context, key string, v []byte) error
	ListDomainsByPool(ctx context.Context, poolID string) ([]store.Domain, error)
}

// Pools finds pools and app clients (package userpool's loader); a missing
// one is Cognito's ResourceNotFoundException.
type Pools interface {
	CheckPool(ctx context.Context, poolID string) error
	ClientPool(ctx context.Context, clientID string) (string, error)
}

// Options configure the service.
type Options struct {
	Pools Pools
	// BaseURL is where clients reach the API listener, without a trailing
	// slash (ImageUrl is built on it when a request is answered).
	BaseURL func() string
	Clock   clock.Clock
}

// Service implements SetUICustomization and GetUICustomization, and gives
// the hosted pages their customisation.
type Service struct {
	st Store
	o  Options
	mu sync.Mutex // serialises the read-modify-write of a setting
}

// New builds the service.
func New(st Store, o Options) *Service {
	o.Clock = clock.Or(o.Clock)
	if o.BaseURL == nil {
		o.BaseURL = func() string { return "" }
	}
	return &Service{st: st, o: o}
}

// record is what the store keeps under ui/<poolId>/<clientId|ALL>.
type record struct {
	// Set is false once the settings were removed (a request with neither
	// CSS nor image); Version is kept so that the next one is newer.
	Set      bool      `json:"set"`
	CSS      string    `json:"css,omitempty"`
	Image    []byte    `json:"image,omitempty"`
	ImageExt string    `json:"imageExt,omitempty"` // png or jpg
	Version  string    `json:"version,omitempty"`
	Created  time.Time `json:"created,omitzero"`
	Modified time.Time `json:"modified,omitzero"`
}

func key(poolID, clientID string) string { return "ui/" + poolID + "/" + clientID }

func (s *Service) load(ctx context.Context, poolID, clientID string) (record, error) {
	var r record
	b, err := s.st.GetValue(ctx, key(poolID, clientID))
	if errors.Is(err, store.ErrNotFound) || (err == nil && len(b) == 0) {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("uicustom: decoding %s: %w", key(poolID, clientID), err)
	}
	return r, nil
}

func (s *Service) save(ctx context.Context, poolID, clientID string, r record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.st.SetValue(ctx, key(poolID, clientID), b)
}

func (s *Service) checkPool(ctx context.Context, poolID string) error {
	return s.o.Pools.CheckPool(ctx, poolID)
}

func (s *Service) checkClient(ctx context.Context, poolID, clientID string) error {
	if clientID == All {
		return nil
	}
	owner, err := s.o.Pools.ClientPool(ctx, clientID)
	if awserr.Is(err, awserr.ResourceNotFound) || (err == nil && owner != poolID) {
		return awserr.Newf(awserr.ResourceNotFound, "User pool client %s does not exist.", clientID)
	}
	return err
}

// imageExt checks a logo: a PNG or a JPEG (by its magic bytes, and one that
// decodes) of at most MaxImageBytes. It returns the file extension.
func imageExt(b []byte) (string, error) {
	if len(b) > MaxImageBytes {
		return "", awserr.Newf(awserr.InvalidParameter,
			"The image file is %d bytes; the logo must be a PNG or JPEG file of at most 100 KB (%d bytes).", len(b), MaxImageBytes)
	}
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		if _, err := png.DecodeConfig(bytes.NewReader(b)); err != nil {
			return "", awserr.New(awserr.InvalidParameter, "The image file is not a valid PNG image.")
		}
		return "png", nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		if _, err := jpeg.DecodeConfig(bytes.NewReader(b)); err != nil {
			return "", awserr.New(awserr.InvalidParameter, "The image file is not a valid JPEG image.")
		}
		return "jpg", nil
	}
	return "", awserr.New(awserr.InvalidParameter, "The image file must be a PNG or JPEG image (PNG, JPG or JPEG file).")
}

func contentType(ext string) string {
	if ext == "png" {
		return "image/png"
	}
	return "image/jpeg"
}

// nextVersion is a CSSVersion newer than prev: now's stamp, or prev plus a
// second when now's is not newer (two changes in one second).
func nextVersion(prev string, now time.Time) string {
	v := now.UTC().Format(versionLayout)
	if prev != "" && v <= prev {
		if t, err := time.Parse(versionLayout, prev); err == nil {
			v = t.Add(time.Second).Format(versionLayout)
		}
	}
	return v
}

// imagePath is a logo's path, on the API listener or a pool's domain.
func imagePath(poolID, clientID, ext string) string {
	return ImagePath + url.PathEscape(poolID) + "/" + url.PathEscape(clientID) + "/logo." + ext
}

// imageURL is a logo's address on the API listener (ImageUrl).
func (s *Service) imageURL(poolID, clientID, ext string) string {
	return strings.TrimSuffix(s.o.BaseURL(), "/") + imagePath(poolID, clientID, ext)
}

// view is the wire form of a setting owned by clientID.
func (s *Service) view(poolID, clientID string, r record) *cip.UICustomizationType {
	out := &cip.UICustomizationType{UserPoolId: poolID, ClientId: clientID}
	if !r.Set {
		return out
	}
	out.CSS, out.CSSVersion = r.CSS, r.Version
	out.CreationDate, out.LastModifiedDate = wire.NewTime(r.Created), wire.NewTime(r.Modified)
	if len(r.Image) > 0 {
		out.ImageUrl = s.imageURL(poolID, clientID, r.ImageExt)
	}
	return out
}

// SetUICustomization sets (or, with neither CSS nor image, removes) the
// settings of an app client, or the pool's default with ClientId ALL.
func (s *Service) SetUICustomization(ctx context.Context, in *cip.SetUICustomizationRequest) (*cip.SetUICustomizationResponse, error) {
	clientID := in.ClientId
	if clientID == "" {
		clientID = All
	}
	if err := s.checkPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	doms, err := s.st.ListDomainsByPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if len(doms) == 0 {
		return nil, awserr.New(awserr.InvalidParameter, "A domain must be associated with this user pool.")
	}
	if err := s.checkClient(ctx, in.UserPoolId, clientID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.CSS) != "" {
		if _, err := ParseCSS(in.CSS); err != nil {
			return nil, awserr.New(awserr.InvalidParameter, err.Error())
		}
	}
	var ext string
	if len(in.ImageFile) > 0 {
		if ext, err = imageExt(in.ImageFile); err != nil {
			return nil, err
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	prev, err := s.load(ctx, in.UserPoolId, clientID)
	if err != nil {
		return nil, err
	}
	now := s.o.Clock.Now().UTC().Truncate(time.Millisecond)
	rec := record{Version: nextVersion(prev.Version, now)}
	if strings.TrimSpace(in.CSS) != "" || ext != "" {
		rec.Set, rec.CSS, rec.Modified, rec.Created = true, in.CSS, now, now
		if prev.Set {
			rec.Created = prev.Created
		}
		if ext != "" {
			rec.Image, rec.ImageExt = in.ImageFile, ext
		}
	}
	if err := s.save(ctx, in.UserPoolId, clientID, rec); err != nil {
		return nil, err
	}
	return &cip.SetUICustomizationResponse{UICustomization: s.view(in.UserPoolId, clientID, rec)}, nil
}

// effective is the setting that applies to a client: its own, else the
// pool's default. owner is the ClientId that owns it.
func (s *Service) effective(ctx context.Context, poolID, clientID string) (rec record, owner string, err error) {
	if clientID != All {
		if rec, err = s.load(ctx, poolID, clientID); err != nil || rec.Set {
			return rec, clientID, err
		}
	}
	rec, err = s.load(ctx, poolID, All)
	return rec, All, err
}

// GetUICustomization returns the settings that apply to a client (its own,
// else the pool's default) or the pool's default; with none, a
// UICustomization naming only the pool and the client.
func (s *Service) GetUICustomization(ctx context.Context, in *cip.GetUICustomizationRequest) (*cip.GetUICustomizationResponse, error) {
	clientID := in.ClientId
	if clientID == "" {
		clientID = All
	}
	if err := s.checkPool(ctx, in.UserPoolId); err != nil {
		return nil, err
	}
	if err := s.checkClient(ctx, in.UserPoolId, clientID); err != nil {
		return nil, err
	}
	rec, owner, err := s.effective(ctx, in.UserPoolId, clientID)
	if err != nil {
		return nil, err
	}
	if !rec.Set {
		owner = clientID
	}
	return &cip.GetUICustomizationResponse{UICustomization: s.view(in.UserPoolId, owner, rec)}, nil
}

// CSSFor is the customisation of the hosted pages of a client (its own
// settings, else the pool's default): the sanitised CSS, ready to be put in
// a <style> element as it is (it cannot contain '<'), and the address of
// the logo: a path on the origin of the page (the pool's domain serves its
// logos), so that a page served over HTTPS loads its logo over HTTPS. Both
// are empty when nothing is set. A stored CSS that no longer
// passes the checks is left out rather than failing the page; err is only
// for the store.
func (s *Service) CSSFor(ctx context.Context, poolID, clientID string) (css string, logoURL string, err error) {
	if clientID == "" {
		clientID = All
	}
	rec, owner, err := s.effective(ctx, poolID, clientID)
	if err != nil || !rec.Set {
		return "", "", err
	}
	if strings.TrimSpace(rec.CSS) != "" {
		if clean, err := SanitizeCSS(rec.CSS); err == nil {
			css = clean
		}
	}
	if len(rec.Image) > 0 {
		logoURL = imagePath(poolID, owner, rec.ImageExt)
	}
	return css, logoURL, nil
}

// Logo is a logo image, as the hosted UI serves it.
type Logo struct {
	Body        []byte
	ContentType string
	Version     string    // changes with every change of the settings
	Modified    time.Time // when the settings were last changed
}

// ErrNoLogo reports a logo that is not set.
var ErrNoLogo = errors.New("uicustom: no such logo")

// Logo is the logo a pool's default (clientID ALL) or a client's own
// settings hold, if its file extension is ext (png or jpg); else ErrNoLogo.
// The settings of a client whose own have no logo do not fall back to the
// pool's here: each logo has its own address (see CSSFor).
func (s *Service) Logo(ctx context.Context, poolID, clientID, ext string) (*Logo, error) {
	rec, err := s.load(ctx, poolID, clientID)
	if err != nil {
		return nil, err
	}
	if !rec.Set || len(rec.Image) == 0 || rec.ImageExt != ext {
		return nil, ErrNoLogo
	}
	return &Logo{Body: rec.Image, ContentType: contentType(rec.ImageExt), Version: rec.Version, Modified: rec.Modified}, nil
}

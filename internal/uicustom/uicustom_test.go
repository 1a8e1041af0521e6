package uicustom

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/store"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// fakeStore has the few records the service reads, and is its Pools.
type fakeStore struct {
	values  map[string][]byte
	clients map[string]string // client -> pool
	domains map[string]int    // pool -> count
}

func newFake() *fakeStore {
	return &fakeStore{values: map[string][]byte{}, clients: map[string]string{"c1": "us-east-1_P", "c2": "us-east-1_P", "other": "us-east-1_Q"},
		domains: map[string]int{"us-east-1_P": 1}}
}

func (f *fakeStore) CheckPool(_ context.Context, id string) error {
	if id != "us-east-1_P" && id != "us-east-1_Q" {
		return awserr.Newf(awserr.ResourceNotFound, "User pool %s does not exist.", id)
	}
	return nil
}

func (f *fakeStore) ClientPool(_ context.Context, id string) (string, error) {
	p, ok := f.clients[id]
	if !ok {
		return "", awserr.Newf(awserr.ResourceNotFound, "User pool client %s does not exist.", id)
	}
	return p, nil
}

func (f *fakeStore) ListDomainsByPool(_ context.Context, pool string) ([]store.Domain, error) {
	return make([]store.Domain, f.domains[pool]), nil
}

func (f *fakeStore) GetValue(_ context.Context, k string) ([]byte, error) {
	v, ok := f.values[k]
	if !ok {
		return nil, store.ErrNotFound
	}
	return v, nil
}

func (f *fakeStore) SetValue(_ context.Context, k string, v []byte) error {
	f.values[k] = v
	return nil
}

func pngOf(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 2))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestServiceRules(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f := newFake()
	s := New(f, Options{Pools: f, BaseURL: func() string { return "http://gognito.test:9229/" }, Clock: clock.Func(func() time.Time { return now })})
	set := func(client, css string, img []byte) (*cip.UICustomizationType, error) {
		out, err := s.SetUICustomization(ctx, &cip.SetUICustomizationRequest{UserPoolId: "us-east-1_P", ClientId: client, CSS: css, ImageFile: img})
		if err != nil {
			return nil, err
		}
		return out.UICustomization, nil
	}
	wantErr := func(err error, typ, msg string) {
		t.Helper()
		if e, ok := awserr.As(err); !ok || e.Type() != typ || !strings.Contains(e.Message(), msg) {
			t.Fatalf("want %s %q, got %v", typ, msg, err)
		}
	}

	// No domain; unknown pool; a client of another pool.
	_, err := s.SetUICustomization(ctx, &cip.SetUICustomizationRequest{UserPoolId: "us-east-1_Q", CSS: ".label-customizable{color:red}"})
	wantErr(err, awserr.InvalidParameter, "A domain must be associated with this user pool.")
	_, err = s.SetUICustomization(ctx, &cip.SetUICustomizationRequest{UserPoolId: "us-east-1_Z", CSS: ".label-customizable{color:red}"})
	wantErr(err, awserr.ResourceNotFound, "User pool us-east-1_Z does not exist.")
	_, err = set("other", ".label-customizable{color:red}", nil)
	wantErr(err, awserr.ResourceNotFound, "User pool client other does not exist.")

	// The same second twice: the version still moves on.
	a1 := must(set(All, ".label-customizable{color:red}", pngOf(t)))(t)
	a2 := must(set(All, ".label-customizable{color:blue}", pngOf(t)))(t)
	if a1.CSSVersion != "20260301120000" || a2.CSSVersion != "20260301120001" || !a2.CreationDate.Equal(a1.CreationDate.Time) {
		t.Fatalf("versions %s then %s", a1.CSSVersion, a2.CSSVersion)
	}
	if a2.ImageUrl != "http://gognito.test:9229/_gognito/ui/us-east-1_P/ALL/logo.png" {
		t.Fatalf("ImageUrl %s", a2.ImageUrl)
	}

	// CSSFor: the default for a client without settings, then its own. The
	// logo is a path on the origin of the page (the pool's domain).
	css, logo, err := s.CSSFor(ctx, "us-east-1_P", "c1")
	if err != nil || css != ".label-customizable{color:blue;}\n" || logo != "/_gognito/ui/us-east-1_P/ALL/logo.png" {
		t.Fatalf("CSSFor default: %q %q %v", css, logo, err)
	}
	must(set("c1", ".submitButton-customizable{background-color:#123456}", nil))(t)
	css, logo, _ = s.CSSFor(ctx, "us-east-1_P", "c1")
	if css != ".submitButton-customizable{background-color:#123456;}\n" || logo != "" {
		t.Fatalf("CSSFor own settings (no fallback to ALL's logo): %q %q", css, logo)
	}
	// Removing the client's settings brings the default back.
	if out := must(set("c1", "", nil))(t); out.CSSVersion != "" || out.ClientId != "c1" {
		t.Fatalf("removal answer %+v", out)
	}
	if css, _, _ = s.CSSFor(ctx, "us-east-1_P", "c1"); css != ".label-customizable{color:blue;}\n" {
		t.Fatalf("after removal: %q", css)
	}
	// A pool without settings.
	if css, logo, err = s.CSSFor(ctx, "us-east-1_Q", "other"); css != "" || logo != "" || err != nil {
		t.Fatalf("nothing set: %q %q %v", css, logo, err)
	}

	// The logos (the hosted UI serves them; package hostedui).
	img, err := s.Logo(ctx, "us-east-1_P", All, "png")
	if err != nil || img.ContentType != "image/png" || !bytes.Equal(img.Body, pngOf(t)) || img.Version == "" || img.Modified.IsZero() {
		t.Fatalf("logo: %+v %v", img, err)
	}
	for _, k := range [][3]string{{"us-east-1_P", All, "jpg"}, {"us-east-1_P", "c1", "png"}, {"us-east-1_Z", All, "png"}} {
		if _, err := s.Logo(ctx, k[0], k[1], k[2]); !errors.Is(err, ErrNoLogo) {
			t.Errorf("%v: %v", k, err)
		}
	}
}

func TestImageChecks(t *testing.T) {
	good := pngOf(t)
	if ext, err := imageExt(good); err != nil || ext != "png" {
		t.Fatalf("png: %s %v", ext, err)
	}
	for name, b := range map[string][]byte{
		"gif":          []byte("GIF89a\x01\x00\x01\x00"),
		"svg":          []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"),
		"png magic":    []byte("\x89PNG\r\n\x1a\nnot really"),
		"jpeg magic":   {0xFF, 0xD8, 0xFF, 0xE0, 0, 0},
		"too large":    append(bytes.Clone(good), make([]byte, MaxImageBytes)...),
		"a text file":  []byte("hello"),
		"one byte png": {0x89},
	} {
		if _, err := imageExt(b); !awserr.Is(err, awserr.InvalidParameter) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

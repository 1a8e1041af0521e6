package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/gognito/gognito/internal/store"
)

func testIdentityProviders(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := mustCreatePool(t, s, "us-east-1_IIIIIIIII")
	other := mustCreatePool(t, s, "us-east-1_JJJJJJJJJ")
	a := store.IdentityProvider{PoolID: p.ID, Name: "Corp", Type: "SAML", Identifiers: []string{"corp.example", "b.example"}, CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{"v":1}`)}
	if err := s.CreateIdentityProvider(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateIdentityProvider(ctx, a); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("duplicate name: %v", err)
	}
	dupID := store.IdentityProvider{PoolID: p.ID, Name: "Other", Type: "OIDC", Identifiers: []string{"corp.example"}, CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)}
	if err := s.CreateIdentityProvider(ctx, dupID); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("duplicate identifier: %v", err)
	}
	if _, err := s.GetIdentityProvider(ctx, p.ID, "Other"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused create left its provider: %v", err)
	}
	// The same identifier in another pool is another pool's business.
	dupID.PoolID = other.ID
	if err := s.CreateIdentityProvider(ctx, dupID); err != nil {
		t.Fatal(err)
	}
	missing := a
	missing.PoolID = "us-east-1_nopenope0"
	if err := s.CreateIdentityProvider(ctx, missing); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("provider of a missing pool: %v", err)
	}
	got, err := s.GetIdentityProvider(ctx, p.ID, "Corp")
	if err != nil {
		t.Fatal(err)
	}
	if got.Type != "SAML" || string(got.Doc) != `{"v":1}` || got.Version != 1 || !slices.Equal(got.Identifiers, []string{"b.example", "corp.example"}) || !got.CreatedAt.Equal(t0) {
		t.Fatalf("got %+v", got)
	}
	if _, err := s.GetIdentityProvider(ctx, p.ID, "corp"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("names are case sensitive: %v", err)
	}
	byID, err := s.GetIdentityProviderByIdentifier(ctx, p.ID, "b.example")
	if err != nil || byID.Name != "Corp" || len(byID.Identifiers) != 2 {
		t.Fatalf("by identifier: %+v %v", byID, err)
	}
	if _, err := s.GetIdentityProviderByIdentifier(ctx, p.ID, "nope.example"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown identifier: %v", err)
	}

	// Update replaces the identifiers; a taken one refuses the whole update.
	second := store.IdentityProvider{PoolID: p.ID, Name: "Google", Type: "Google", CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)}
	if err := s.CreateIdentityProvider(ctx, second); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateIdentityProvider(ctx, p.ID, "Google", func(x *store.IdentityProvider) error {
		x.Identifiers = []string{"corp.example"}
		x.Doc = []byte(`{"changed":true}`)
		return nil
	}); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("update taking another's identifier: %v", err)
	}
	if g, _ := s.GetIdentityProvider(ctx, p.ID, "Google"); string(g.Doc) != `{}` || len(g.Identifiers) != 0 {
		t.Fatalf("refused update changed the record: %+v", g)
	}
	t1 := t0.Add(1000000000)
	up, err := s.UpdateIdentityProvider(ctx, p.ID, "Corp", func(x *store.IdentityProvider) error {
		x.Identifiers = []string{"c.example"}
		x.Doc = []byte(`{"v":2}`)
		x.UpdatedAt = t1
		x.Type = "OIDC" // the type is fixed
		return nil
	})
	if err != nil || up.Version != 2 || up.Type != "SAML" {
		t.Fatalf("update: %+v %v", up, err)
	}
	got, _ = s.GetIdentityProvider(ctx, p.ID, "Corp")
	if string(got.Doc) != `{"v":2}` || !slices.Equal(got.Identifiers, []string{"c.example"}) || !got.UpdatedAt.Equal(t1) || got.Type != "SAML" {
		t.Fatalf("after update %+v", got)
	}
	if _, err := s.GetIdentityProviderByIdentifier(ctx, p.ID, "corp.example"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("dropped identifier still found: %v", err)
	}
	if _, err := s.UpdateIdentityProvider(ctx, p.ID, "Nope", func(*store.IdentityProvider) error { return nil }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update missing: %v", err)
	}

	list, err := s.ListIdentityProviders(ctx, p.ID, store.Page{Limit: 1})
	if err != nil || len(list) != 1 || list[0].Name != "Corp" || !slices.Equal(list[0].Identifiers, []string{"c.example"}) {
		t.Fatalf("page 1: %+v %v", list, err)
	}
	list, err = s.ListIdentityProviders(ctx, p.ID, store.Page{After: "Corp"})
	if err != nil || len(list) != 1 || list[0].Name != "Google" || len(list[0].Identifiers) != 0 {
		t.Fatalf("page 2: %+v %v", list, err)
	}
	if n, err := s.CountIdentityProviders(ctx, p.ID); err != nil || n != 2 {
		t.Fatalf("count %d %v", n, err)
	}

	if err := s.DeleteIdentityProvider(ctx, p.ID, "Corp"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteIdentityProvider(ctx, p.ID, "Corp"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	if _, err := s.GetIdentityProviderByIdentifier(ctx, p.ID, "c.example"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("identifier of a deleted provider: %v", err)
	}
	// Its identifiers are free again.
	third := store.IdentityProvider{PoolID: p.ID, Name: "Corp2", Type: "SAML", Identifiers: []string{"c.example"}, CreatedAt: t0, UpdatedAt: t0, Doc: []byte(`{}`)}
	if err := s.CreateIdentityProvider(ctx, third); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckIntegrity(ctx); err != nil {
		t.Fatal(err)
	}
}

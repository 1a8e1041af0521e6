package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/store/sqlite"
	"github.com/gognito/gognito/internal/store/storetest"
)

// runCheck runs `gognito check --data-dir dir` in process.
func runCheck(t *testing.T, dir string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run([]string{"check", "--data-dir", dir}, func(string) string { return "" }, &out, &errb)
	return code, out.String() + errb.String()
}

// TestCheckFindsCorruptPage: `gognito check` passes a sound SQLite file and
// fails a copy of it with one page of an index overwritten.
func TestCheckFindsCorruptPage(t *testing.T) {
	ctx := context.Background()
	good := t.TempDir()
	if code, out := runCheck(t, good); code != 1 || !strings.Contains(out, "no database") {
		t.Fatalf("check of an empty directory: %d %q", code, out)
	}
	db := filepath.Join(good, "gognito.db")
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	p := storetest.NewPool("us-east-1_CHECK0001")
	if err := s.CreateUserPool(ctx, p); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i := range 400 { // enough rows for the indexes to span many pages
		k := fmt.Sprintf("user%04d", i)
		u := store.User{PoolID: p.ID, Username: k, Key: k, Sub: "sub-" + k, Status: "CONFIRMED", Enabled: true, CreatedAt: now, UpdatedAt: now,
			Doc: []byte(`{}`), Index: map[string]string{"username": k, "email": k + "@example.com"}, Unique: map[string]string{"sub": "sub-" + k}}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil { // checkpoints the WAL into the file
		t.Fatal(err)
	}
	if code, out := runCheck(t, good); code != 0 || !strings.HasPrefix(out, "OK: ") {
		t.Fatalf("check of a sound file: %d %q", code, out)
	}

	// The copy gets one page of the user_index table's index overwritten:
	// the root page of user_index_by_user, whose entries point at table rows.
	raw, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var root, pageSize int64
	if err := raw.QueryRow(`SELECT rootpage FROM sqlite_schema WHERE name = 'user_index_by_user'`).Scan(&root); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`PRAGMA page_size`).Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	body, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	off := (root - 1) * pageSize
	if root < 2 || off+pageSize > int64(len(body)) {
		t.Fatalf("root page %d of a %d-byte file", root, len(body))
	}
	page := body[off : off+pageSize]
	for i := 8; i < len(page); i++ { // keep the page header, scramble its cells
		page[i] = byte(i*131 + 7)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "gognito.db"), body, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out := runCheck(t, bad)
	if code != 1 || !strings.Contains(out, "problem: integrity_check") {
		t.Fatalf("check of the damaged copy: %d %q", code, out)
	}
	t.Logf("the damaged copy: %s", strings.SplitN(out, "\n", 2)[0])
	if code, out := runCheck(t, good); code != 0 {
		t.Fatalf("the original after the copy was damaged: %d %q", code, out)
	}
}

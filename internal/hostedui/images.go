package hostedui

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gognito/gognito/internal/uicustom"
)

// Logos are the logo images of the hosted UI (package uicustom).
type Logos interface {
	Logo(ctx context.Context, poolID, clientID, ext string) (*uicustom.Logo, error)
}

// ImageHandler serves every pool's logos at
// uicustom.ImagePath<poolId>/<clientId|ALL>/logo.<ext> (GET and HEAD).
// Register it on the API listener for uicustom.ImagePath.
func ImageHandler(l Logos) http.Handler { return PoolImageHandler(l, "") }

// PoolImageHandler is ImageHandler for the logos of one pool only (any
// pool's when poolID is ""): a user pool domain serves its pool's.
func PoolImageHandler(l Logos, poolID string) http.Handler {
	only := poolID
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		rest, ok := strings.CutPrefix(r.URL.Path, uicustom.ImagePath)
		parts := strings.Split(rest, "/")
		if !ok || len(parts) != 3 || parts[0] == "" || parts[1] == "" || !strings.HasPrefix(parts[2], "logo.") {
			http.NotFound(w, r)
			return
		}
		poolID, clientID, ext := parts[0], parts[1], strings.TrimPrefix(parts[2], "logo.")
		if only != "" && poolID != only {
			http.NotFound(w, r)
			return
		}
		logo, err := l.Logo(r.Context(), poolID, clientID, ext)
		if errors.Is(err, uicustom.ErrNoLogo) {
			http.NotFound(w, r)
			return
		}
		if err != nil {
			http.Error(w, "logo unavailable", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", logo.ContentType)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-cache")
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		h.Set("Content-Security-Policy", "default-src 'none'")
		h.Set("ETag", `"`+logo.Version+`"`)
		http.ServeContent(w, r, "", logo.Modified, bytes.NewReader(logo.Body))
	})
}

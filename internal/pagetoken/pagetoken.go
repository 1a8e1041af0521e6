// Package pagetoken owns the pagination tokens of the list operations: opaque
// to clients, they carry the key of the last item of the previous page and a
// tag naming the listing, so a token from one listing is refused by another.
package pagetoken

import (
	"encoding/base64"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
)

// Encode makes the token that continues a listing after lastKey.
func Encode(listing, lastKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(listing + "\x00" + lastKey))
}

// Decode returns the key a token continues after; "" starts at the
// beginning. A token that is not one of this listing's is Cognito's
// InvalidParameterException.
func Decode(listing, tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err == nil {
		if l, key, ok := strings.Cut(string(b), "\x00"); ok && l == listing {
			return key, nil
		}
	}
	return "", awserr.New(awserr.InvalidParameter, "Invalid pagination token.")
}

// Trim ends a page: recs were fetched with limit+1 to learn whether more
// follow. It keeps the first limit and returns the token that continues after
// the last one kept ("" when nothing follows); key names a record's position.
func Trim[T any](listing string, recs []T, limit int, key func(T) string) ([]T, string) {
	if len(recs) <= limit {
		return recs, ""
	}
	recs = recs[:limit]
	return recs, Encode(listing, key(recs[len(recs)-1]))
}

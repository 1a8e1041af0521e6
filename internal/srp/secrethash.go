package srp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

func secretHashBytes(clientSecret, username, clientID string) []byte {
	m := hmac.New(sha256.New, []byte(clientSecret))
	m.Write([]byte(username))
	m.Write([]byte(clientID))
	return m.Sum(nil)
}

// SecretHash is Cognito's SECRET_HASH (SecretHash in SignUp and friends):
// Base64(HMAC-SHA256(key = client secret, message = username + client id)).
// After an SRP challenge the username is the internal one
// (USER_ID_FOR_SRP), not the alias the user typed.
func SecretHash(clientSecret, username, clientID string) string {
	return base64.StdEncoding.EncodeToString(secretHashBytes(clientSecret, username, clientID))
}

// CheckSecretHash reports whether got is the SECRET_HASH of username for
// the app client, comparing the decoded bytes in constant time (Base64
// with or without padding is accepted).
func CheckSecretHash(clientSecret, username, clientID, got string) bool {
	b, err := decodeBase64(got)
	if err != nil || len(b) != sha256.Size {
		return false
	}
	return hmac.Equal(b, secretHashBytes(clientSecret, username, clientID))
}

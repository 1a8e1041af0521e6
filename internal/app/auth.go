package app

import (
	"log/slog"
	"net/http"

	"github.com/gognito/gognito/internal/api"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/config"
	"github.com/gognito/gognito/internal/sigv4"
)

// signatures checks the SigV4 signature of requests to IAM-authorised
// operations for the API front door.
type signatures struct{ v *sigv4.Verifier }

func (s signatures) Authenticate(r *http.Request, body []byte, signingName string) (string, error) {
	id, err := s.v.Verify(r, body, signingName)
	return id.Region, err
}

// newAuthenticator reads the access keys and says which mode is on. It
// returns nil when signatures are not required. It never logs a secret.
func newAuthenticator(cfg config.Config, log *slog.Logger, clk clock.Clock) (api.Authenticator, error) {
	creds, err := cfg.APICredentials()
	if err != nil {
		return nil, err
	}
	if !cfg.SignaturesRequired() {
		if len(creds) > 0 {
			log.Warn("API authentication: none (auth none): the configured access keys are not checked")
		} else {
			log.Warn("API authentication: none: requests are not signed-checked, every caller may administer every user pool (configure --credentials-file or GOGNITO_CREDENTIALS to require SigV4)")
		}
		return nil, nil
	}
	keys := make([]sigv4.Key, len(creds))
	ids := make([]string, len(creds))
	for i, c := range creds {
		keys[i] = sigv4.Key{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey.Reveal()}
		ids[i] = c.AccessKeyID
	}
	log.Info("API authentication: sigv4: IAM-authorised operations need a valid SigV4 signature", "access_key_ids", ids)
	return signatures{sigv4.New(keys, sigv4.Options{Clock: clk})}, nil
}

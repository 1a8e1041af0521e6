package authflow

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/triggers"
)

// USER_SRP_AUTH: the Secure Remote Password protocol. The client sends
// SRP_A; the answer is the PASSWORD_VERIFIER challenge
// (challenge_password_verifier.go) with the server's half of the exchange
// sealed into SECRET_BLOCK, so that any node can check the proof.
type userSRPFlow struct{ s *Service }

func (userSRPFlow) Name() string           { return "USER_SRP_AUTH" }
func (userSRPFlow) Operations() Operations { return Public | Admin }
func (userSRPFlow) Enabled(c *client) bool { return c.allows(true, "ALLOW_USER_SRP_AUTH") }
func (f userSRPFlow) Start(ctx context.Context, at *attempt) (*outcome, error) {
	return f.s.srpStart(ctx, at.c, at.params)
}

// secretBlock is what PASSWORD_VERIFIER's SECRET_BLOCK carries, sealed: the
// server's half of the SRP exchange, so that any node can check the answer.
type secretBlock struct {
	PoolID   string    `json:"p"`
	ClientID string    `json:"c"`
	Username string    `json:"u"`
	SRP      []byte    `json:"s"`
	Expires  time.Time `json:"e"`
	Fake     bool      `json:"f,omitempty"` // an unknown user, hidden from the client
	Salt     string    `json:"salt,omitempty"`
	Verifier string    `json:"v,omitempty"`
	// CUSTOM_AUTH that began with SRP_A: the challenges so far.
	CustomFlow bool                       `json:"cf,omitempty"`
	Custom     []triggers.ChallengeResult `json:"cu,omitempty"`
}

const secretBlockAAD = "gognito srp secret block v1"

// maxTimestampSkew is how far a PASSWORD_VERIFIER TIMESTAMP may be from the
// server's clock.
const maxTimestampSkew = 5 * time.Minute

// fakeSecret is the secret of an unknown user's made-up salt and verifier:
// stable, from a server key.
func (s *Service) fakeSecret(ctx context.Context, poolID, username string) ([]byte, error) {
	key, err := s.fakeUserKey(ctx)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(poolID + "\x00" + username))
	return m.Sum(nil), nil
}

// fakeVerifier gives an unknown user a stable, plausible salt and verifier
// (from a secret), so the client cannot tell it from a real one.
func (s *Service) fakeVerifier(ctx context.Context, poolID, username string) (salt, verifier string, err error) {
	sum, err := s.fakeSecret(ctx, poolID, username)
	if err != nil {
		return "", "", err
	}
	salt = hex.EncodeToString(sum[:16])
	verifier, err = srp.VerifierFor(srp.PoolName(poolID), username, hex.EncodeToString(sum), salt)
	return salt, verifier, err
}

func (s *Service) srpStart(ctx context.Context, c *client, params map[string]string) (*outcome, error) {
	username, srpA := params["USERNAME"], params["SRP_A"]
	if username == "" {
		return nil, missing("USERNAME")
	}
	if srpA == "" {
		return nil, missing("SRP_A")
	}
	// The SECRET_HASH is checked against the username of the request before
	// the look-up: its answer must not tell who exists.
	if err := c.checkSecretHash(params["SECRET_HASH"], username); err != nil {
		return nil, err
	}
	block := secretBlock{PoolID: c.cfg.UserPoolId, ClientID: c.cfg.ClientId, Expires: s.now().Add(s.sessionValidity(c))}
	a, err := s.findUser(ctx, c, username)
	var salt, verifier string
	switch {
	case err == nil:
		if err := c.checkSecretHash(params["SECRET_HASH"], username, a.Username); err != nil {
			return nil, err
		}
		if err := s.checkUsable(c, a); err != nil {
			return nil, err
		}
		block.Username, salt, verifier = a.Username, a.Salt, a.Verifier
		if salt == "" {
			return nil, incorrect()
		}
		if err := s.preAuthentication(ctx, c, a); err != nil {
			return nil, err
		}
	case c.preventExistence() && awserr.Is(err, awserr.NotAuthorized):
		if err := c.checkSecretHash(params["SECRET_HASH"], username); err != nil {
			return nil, err
		}
		if err := s.preAuthenticationUnknown(ctx, c, username); err != nil {
			return nil, err
		}
		block.Username, block.Fake = username, true
		if salt, verifier, err = s.fakeVerifier(ctx, c.cfg.UserPoolId, username); err != nil {
			return nil, err
		}
		block.Salt, block.Verifier = salt, verifier
	default:
		return nil, err
	}
	return s.srpChallenge(block, srpA, salt, verifier)
}

// srpChallenge answers an SRP_A with the PASSWORD_VERIFIER challenge.
func (s *Service) srpChallenge(block secretBlock, srpA, salt, verifier string) (*outcome, error) {
	ses, err := srp.NewServerSession(s.rand, srpA, salt, verifier)
	if err != nil {
		return nil, awserr.New(awserr.InvalidParameter, "Invalid SRP_A.")
	}
	block.SRP = ses.Marshal()
	b, _ := json.Marshal(block)
	sealed := base64.StdEncoding.EncodeToString(s.sealer.Seal(b, []byte(secretBlockAAD)))
	return &outcome{ChallengeName: "PASSWORD_VERIFIER", Params: map[string]string{
		"SALT": salt, "SECRET_BLOCK": sealed, "SRP_B": ses.BHex(), "USERNAME": block.Username, "USER_ID_FOR_SRP": block.Username,
	}}, nil
}

// fakeUserKey is a random key, the same on every node, for fakeVerifier;
// kept in memory once read (it never changes), so that a missing user's
// sign-in costs no store round trip an existing user's does not.
func (s *Service) fakeUserKey(ctx context.Context) ([]byte, error) {
	if k := s.fakeKey.Load(); k != nil {
		return *k, nil
	}
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return nil, err
	}
	k, err := s.st.PutValueIfAbsent(ctx, "authflow/fake-user-key", b)
	if err != nil {
		return nil, err
	}
	s.fakeKey.Store(&k)
	return k, nil
}

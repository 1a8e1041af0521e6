package authflow

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/srp"
	"github.com/gognito/gognito/internal/triggers"
	"github.com/gognito/gognito/internal/users"
)

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

// fakeVerifier gives an unknown user a stable, plausible salt and verifier
// (from a secret), so the client cannot tell it from a real one.
func (s *Service) fakeVerifier(ctx context.Context, poolID, username string) (salt, verifier string, err error) {
	key, err := s.fakeUserKey(ctx)
	if err != nil {
		return "", "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(poolID + "\x00" + username))
	sum := m.Sum(nil)
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
	if c.cfg.ClientSecret != "" && params["SECRET_HASH"] == "" { // before the lookup: it must not tell who exists
		return nil, c.checkSecretHash("", username)
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

func (s *Service) srpVerify(ctx context.Context, c *client, resp map[string]string) (*outcome, error) {
	for _, p := range []string{"PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"} {
		if resp[p] == "" {
			return nil, missing(p)
		}
	}
	raw, err := base64.StdEncoding.DecodeString(resp["PASSWORD_CLAIM_SECRET_BLOCK"])
	if err != nil {
		return nil, incorrect()
	}
	plain, err := s.sealer.Open(raw, []byte(secretBlockAAD))
	if err != nil {
		return nil, incorrect()
	}
	var block secretBlock
	if err := json.Unmarshal(plain, &block); err != nil || block.ClientID != c.cfg.ClientId {
		return nil, incorrect()
	}
	if s.now().After(block.Expires) {
		return nil, errInvalidSession()
	}
	ts, err := srp.ParseTimestamp(resp["TIMESTAMP"])
	if errors.Is(err, srp.ErrTimestampFormat) {
		return nil, awserr.New(awserr.InvalidParameter, "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
	} else if err != nil {
		return nil, incorrect()
	}
	if d := s.now().Sub(ts); d > maxTimestampSkew || d < -maxTimestampSkew {
		return nil, incorrect() // a replayed or badly clocked answer
	}
	if block.Fake {
		return nil, incorrect()
	}
	a, err := s.users.Account(ctx, c.cfg.UserPoolId, block.Username)
	if err != nil {
		return nil, incorrect()
	}
	if err := c.checkSecretHash(resp["SECRET_HASH"], a.Username, resp["USERNAME"]); err != nil {
		return nil, err
	}
	if err := s.checkUsable(c, a); err != nil {
		return nil, err
	}
	a, err = s.verifyPassword(ctx, a, func(a *users.Account) bool {
		ses, err := srp.UnmarshalServerSession(block.SRP, a.Salt, a.Verifier)
		return err == nil && ses.Verify(srp.PoolName(c.cfg.UserPoolId), a.Username, resp["PASSWORD_CLAIM_SECRET_BLOCK"], resp["TIMESTAMP"], resp["PASSWORD_CLAIM_SIGNATURE"])
	})
	if err != nil {
		return nil, err
	}
	if err := s.checkStatusAfterPassword(a); err != nil {
		return nil, err
	}
	if block.CustomFlow {
		return s.customNext(ctx, c, a, false, append(block.Custom, triggers.ChallengeResult{ChallengeName: chPasswordVerifier, ChallengeResult: true}), "")
	}
	return s.complete(ctx, c, a)
}

// fakeUserKey is a random key, the same on every node, for fakeVerifier.
func (s *Service) fakeUserKey(ctx context.Context) ([]byte, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return nil, err
	}
	return s.st.PutValueIfAbsent(ctx, "authflow/fake-user-key", b)
}

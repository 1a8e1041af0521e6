package app_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/gognito/gognito/internal/srp"
)

// groupN is the SRP group's prime (RFC 5054, 3072 bits), to judge SRP_A
// independently of the srp package.
var groupN, _ = new(big.Int).SetString(""+
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"+
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"+
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"+
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"+
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"+
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"+
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"+
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF", 16)

var hexDigits = regexp.MustCompile(`^[0-9A-Fa-f]+$`)

// FuzzSRPSignIn plays USER_SRP_AUTH through the API with arbitrary
// SRP_A, PASSWORD_CLAIM_SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE and
// TIMESTAMP, each either the fuzzer's or an honest client's (the flags).
// Properties: InitiateAuth issues a PASSWORD_VERIFIER challenge exactly
// when SRP_A is 1 to 1024 hex digits and not ≡ 0 (mod N), and refuses
// anything else with InvalidParameterException; the answer signs in
// exactly when every part is the honest one, and otherwise is refused with
// NotAuthorizedException, or InvalidParameterException for a missing
// parameter or a TIMESTAMP that does not parse; never a 5xx.
func FuzzSRPSignIn(f *testing.F) {
	fa := newFuzzApp(f)
	poolID := str(fa.mustCall(f, "CreateUserPool", map[string]any{"PoolName": "fuzz-srp"}), "UserPool", "Id")
	clientID := str(fa.mustCall(f, "CreateUserPoolClient", map[string]any{"UserPoolId": poolID, "ClientName": "srp",
		"ExplicitAuthFlows": []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}), "UserPoolClient", "ClientId")
	const password = "Passw0rd!"
	client, err := srp.NewClient(rand.Reader, poolID)
	if err != nil {
		f.Fatal(err)
	}

	// Five wrong answers in a row lock a user out for a while, so every
	// user serves at most four inputs.
	execs, user := 0, ""
	nextUser := func(t *testing.T) string {
		if execs%4 == 0 {
			user = fmt.Sprintf("user%d", execs/4)
			fa.mustCall(t, "AdminCreateUser", map[string]any{"UserPoolId": poolID, "Username": user, "MessageAction": "SUPPRESS"})
			fa.mustCall(t, "AdminSetUserPassword", map[string]any{"UserPoolId": poolID, "Username": user, "Password": password, "Permanent": true})
		}
		execs++
		return user
	}

	const (
		honestA = 1 << iota
		issuedBlock
		honestTimestamp
		honestSignature
		honest = honestA | issuedBlock | honestTimestamp | honestSignature
	)
	now := srp.FormatTimestamp(time.Now())
	f.Add(uint8(honest), "", "", "", "")
	f.Add(uint8(honest&^honestSignature), "", "", "", "JYxwgXTjWWBkx3WHMOgFcDJ846RmFTb5iuIBrQFEMKw=")
	f.Add(uint8(honest&^honestTimestamp), "", "", now, "")
	f.Add(uint8(honest&^issuedBlock), "", "AAAA", "", "")
	f.Add(uint8(honest&^honestTimestamp), "", "", "Wed Apr 05 22:42:34 UTC 2017", "")
	f.Add(uint8(honest&^honestTimestamp), "", "", "yesterday", "")
	f.Add(uint8(0), "0", "", "", "")
	f.Add(uint8(0), groupN.Text(16), "", "", "")
	f.Add(uint8(0), "0"+new(big.Int).Lsh(groupN, 2).Text(16), "", "", "")
	f.Add(uint8(0), "5", "AAAA", "Wed Apr 5 22:42:34 UTC 2017", "AAAA")
	f.Add(uint8(0), "-5", "", "", "")
	f.Add(uint8(0), "0x5", "", "", "")
	f.Add(uint8(issuedBlock), "abc", "", "", "")

	f.Fuzz(func(t *testing.T, flags uint8, srpA, block, timestamp, sig string) {
		username := nextUser(t)
		if flags&honestA != 0 {
			srpA = client.AHex()
		}
		code, out := fa.call("InitiateAuth", map[string]any{"AuthFlow": "USER_SRP_AUTH", "ClientId": clientID,
			"AuthParameters": map[string]string{"USERNAME": username, "SRP_A": srpA}})
		a, _ := new(big.Int).SetString(srpA, 16)
		wantChallenge := len(srpA) <= 1024 && hexDigits.MatchString(srpA) && new(big.Int).Mod(a, groupN).Sign() != 0
		if !wantChallenge {
			if code != http.StatusBadRequest || str(out, "__type") != "InvalidParameterException" {
				t.Fatalf("SRP_A %q: %d %v, want InvalidParameterException", srpA, code, out)
			}
			return
		}
		if code != http.StatusOK || str(out, "ChallengeName") != "PASSWORD_VERIFIER" {
			t.Fatalf("SRP_A %q: %d %v, want a PASSWORD_VERIFIER challenge", srpA, code, out)
		}
		params := out["ChallengeParameters"].(map[string]any)
		salt, srpB, issued := params["SALT"].(string), params["SRP_B"].(string), params["SECRET_BLOCK"].(string)
		if flags&issuedBlock != 0 {
			block = issued
		}
		signed := false // the signature is the honest client's, over this very block and TIMESTAMP
		if flags&honestSignature != 0 {
			// The honest client signs the block it sends (when it is
			// Base64) with its own TIMESTAMP.
			s, ts, err := client.Respond(username, password, salt, srpB, block, time.Now())
			sig = s
			if err == nil && flags&honestTimestamp != 0 {
				timestamp = ts
			}
			signed = err == nil && timestamp == ts
		} else if flags&honestTimestamp != 0 {
			timestamp = srp.FormatTimestamp(time.Now())
		}
		code, out = fa.call("RespondToAuthChallenge", map[string]any{"ClientId": clientID, "ChallengeName": "PASSWORD_VERIFIER",
			"ChallengeResponses": map[string]string{"USERNAME": username, "PASSWORD_CLAIM_SECRET_BLOCK": block,
				"PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": timestamp}})
		if signed && flags&(honestA|issuedBlock) == honestA|issuedBlock {
			if code != http.StatusOK || str(out, "AuthenticationResult", "AccessToken") == "" {
				t.Fatalf("honest answer refused: %d %v", code, out)
			}
			return
		}
		switch typ := str(out, "__type"); {
		case code == http.StatusOK:
			t.Fatalf("signed in with flags %b, block %q, TIMESTAMP %q, signature %q", flags, block, timestamp, sig)
		case code != http.StatusBadRequest:
			t.Fatalf("status %d: %v", code, out)
		case typ == "NotAuthorizedException":
		case typ == "InvalidParameterException":
			_, tsErr := srp.ParseTimestamp(timestamp)
			if block != "" && sig != "" && timestamp != "" && !errors.Is(tsErr, srp.ErrTimestampFormat) && len(block)+len(sig)+len(timestamp) < 8192 {
				t.Fatalf("InvalidParameterException for block %q, TIMESTAMP %q, signature %q: %v", block, timestamp, sig, out)
			}
		default:
			t.Fatalf("refused with %s: %v", typ, out)
		}
	})
}

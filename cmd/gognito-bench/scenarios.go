package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/srp"
)

// operation is one measured call (or sequence of calls); i numbers it.
type operation func(ctx context.Context, i int) error

// A scenario prepares its operation, or says why the peer cannot run it.
type scenarioFunc func(b *bench, ctx context.Context) (operation, error)

// errUnsupported marks a scenario the peer lacks a part for.
type errUnsupported struct{ why string }

func (e errUnsupported) Error() string { return e.why }

var scenarioFuncs = map[string]scenarioFunc{
	"create-users":      (*bench).createUsers,
	"auth-admin":        (*bench).authAdmin,
	"auth-srp":          (*bench).authSRP,
	"get-user":          (*bench).getUser,
	"list-users":        (*bench).listUsers,
	"list-users-filter": (*bench).listUsersFiltered,
	"describe-domain":   (*bench).describeDomain,
	"tls-handshake":     (*bench).tlsHandshake,
	"hosted-login":      (*bench).hostedLogin,
}

// scenario prepares and runs one scenario. One untimed call first checks
// the peer supports it: a scenario whose first call fails is reported as
// not supported, with the error.
func (b *bench) scenario(ctx context.Context, name string) Result {
	r := Result{Peer: b.peer, Scenario: name, PoolSize: b.st.Loaded, PoolTarget: b.poolSize}
	op, err := scenarioFuncs[name](b, ctx)
	if err == nil {
		probeCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = op(probeCtx, -1)
		cancel()
	}
	if err != nil {
		r.Note = shortErr(err)
		return r
	}
	client0 := ownCPU()
	server0, serverErr := b.serverCPU()
	wait := b.startProfile(ctx, name, b.limits.duration)
	m := measure(ctx, b.limits, op)
	if path, sh, err := wait(); err != nil {
		fmt.Fprintf(b.out, "  %s: no server profile: %v\n", name, err)
	} else {
		m.ServerProfile, m.ProfileFile = sh, filepath.Base(path)
	}
	if m.Ops > 0 {
		m.ClientCPUus = float64((ownCPU() - client0).Microseconds()) / float64(m.Ops)
		if server1, err := b.serverCPU(); err == nil && serverErr == nil && b.serverPID > 0 {
			m.ServerCPUus = float64((server1 - server0).Microseconds()) / float64(m.Ops)
		}
	}
	m.Peer, m.Scenario, m.PoolSize, m.PoolTarget = r.Peer, r.Scenario, r.PoolSize, r.PoolTarget
	return m
}

func (b *bench) serverCPU() (time.Duration, error) {
	if b.serverPID <= 0 {
		return 0, nil
	}
	return processCPU(b.serverPID)
}

// signer is the i-th user with a permanent password.
func signer(i int) string {
	if i < 0 {
		i = 0
	}
	return userName(i % signers)
}

func (b *bench) createUsers(context.Context) (operation, error) {
	base := b.st.Created
	// Names are unique across runs against one pool: the run's id and a
	// counter. Created users add to the pool's size (at most --count).
	return func(ctx context.Context, i int) error {
		name := fmt.Sprintf("new-%s-%d-%d", b.runID, base, i+1)
		if _, err := b.c.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{UserPoolId: &b.st.PoolID, Username: &name, MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@bench.example.com")}}}); err != nil {
			return err
		}
		b.createdMu.Lock()
		b.st.Created++
		b.createdMu.Unlock()
		_, err := b.c.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{UserPoolId: &b.st.PoolID, Username: &name, Password: aws.String(password), Permanent: true})
		return err
	}, nil
}

func (b *bench) authAdmin(context.Context) (operation, error) {
	return func(ctx context.Context, i int) error {
		out, err := b.c.AdminInitiateAuth(ctx, &cognito.AdminInitiateAuthInput{UserPoolId: &b.st.PoolID, ClientId: &b.st.ClientID, AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": signer(i), "PASSWORD": password}})
		if err == nil && (out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == nil) {
			err = fmt.Errorf("AdminInitiateAuth: no tokens (challenge %q)", out.ChallengeName)
		}
		return err
	}, nil
}

// authSRP is the whole SRP sign-in as the SDKs do it: InitiateAuth with A,
// the client's proof, RespondToAuthChallenge. The client's math runs here,
// on the same machine.
func (b *bench) authSRP(context.Context) (operation, error) {
	return func(ctx context.Context, i int) error {
		cl, err := srp.NewClient(rand.Reader, b.st.PoolID)
		if err != nil {
			return err
		}
		start, err := b.c.InitiateAuth(ctx, &cognito.InitiateAuthInput{ClientId: &b.st.ClientID, AuthFlow: types.AuthFlowTypeUserSrpAuth,
			AuthParameters: map[string]string{"USERNAME": signer(i), "SRP_A": cl.AHex()}})
		if err != nil {
			return err
		}
		if start.ChallengeName != types.ChallengeNameTypePasswordVerifier {
			return fmt.Errorf("InitiateAuth USER_SRP_AUTH: challenge %q, want PASSWORD_VERIFIER", start.ChallengeName)
		}
		p := start.ChallengeParameters
		sig, ts, err := cl.Respond(p["USER_ID_FOR_SRP"], password, p["SALT"], p["SRP_B"], p["SECRET_BLOCK"], time.Now())
		if err != nil {
			return err
		}
		out, err := b.c.RespondToAuthChallenge(ctx, &cognito.RespondToAuthChallengeInput{ClientId: &b.st.ClientID, ChallengeName: types.ChallengeNameTypePasswordVerifier,
			ChallengeResponses: map[string]string{"USERNAME": p["USER_ID_FOR_SRP"], "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts}})
		if err == nil && (out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == nil) {
			err = fmt.Errorf("RespondToAuthChallenge: no tokens (challenge %q)", out.ChallengeName)
		}
		return err
	}, nil
}

// getUser signs every signer in once (untimed), then calls GetUser with
// their access tokens in turn.
func (b *bench) getUser(ctx context.Context) (operation, error) {
	tokens := make([]string, signers)
	for i := range signers {
		out, err := b.c.AdminInitiateAuth(ctx, &cognito.AdminInitiateAuthInput{UserPoolId: &b.st.PoolID, ClientId: &b.st.ClientID, AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": signer(i), "PASSWORD": password}})
		if err != nil {
			return nil, fmt.Errorf("signing in for access tokens: %w", err)
		}
		if out.AuthenticationResult == nil {
			return nil, errors.New("signing in for access tokens: no tokens")
		}
		tokens[i] = aws.ToString(out.AuthenticationResult.AccessToken)
	}
	return func(ctx context.Context, i int) error {
		want := signer(i)
		out, err := b.c.GetUser(ctx, &cognito.GetUserInput{AccessToken: &tokens[max(i, 0)%signers]})
		if err == nil && aws.ToString(out.Username) != want {
			err = fmt.Errorf("GetUser: %q, want %q", aws.ToString(out.Username), want)
		}
		return err
	}, nil
}

func (b *bench) listUsers(context.Context) (operation, error) {
	want := min(60, b.st.Loaded+b.st.Created)
	return func(ctx context.Context, i int) error {
		out, err := b.c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: &b.st.PoolID, Limit: aws.Int32(60)})
		if err == nil && len(out.Users) != want {
			err = fmt.Errorf("ListUsers Limit 60: %d users, want %d", len(out.Users), want)
		}
		return err
	}, nil
}

// listUsersFiltered looks users up by email, a random loaded user each time.
func (b *bench) listUsersFiltered(context.Context) (operation, error) {
	return func(ctx context.Context, i int) error {
		n := mrand.IntN(b.st.Loaded)
		out, err := b.c.ListUsers(ctx, &cognito.ListUsersInput{UserPoolId: &b.st.PoolID, Limit: aws.Int32(60), Filter: aws.String(fmt.Sprintf("email = %q", userEmail(n)))})
		if err == nil && (len(out.Users) != 1 || aws.ToString(out.Users[0].Username) != userName(n)) {
			err = fmt.Errorf("ListUsers email = %s: %d users", userEmail(n), len(out.Users))
		}
		return err
	}, nil
}

func (b *bench) describeDomain(context.Context) (operation, error) {
	if b.st.Domain == "" {
		return nil, errUnsupported{b.st.DomainNote}
	}
	return func(ctx context.Context, i int) error {
		out, err := b.c.DescribeUserPoolDomain(ctx, &cognito.DescribeUserPoolDomainInput{Domain: &b.st.Domain})
		if err == nil && (out.DomainDescription == nil || aws.ToString(out.DomainDescription.UserPoolId) != b.st.PoolID) {
			err = errors.New("DescribeUserPoolDomain: not the pool's domain")
		}
		return err
	}, nil
}

// tlsHandshake makes a fresh TLS connection to the custom domain on the
// HTTPS edge each time (no session resumption), trusting the local CA.
func (b *bench) tlsHandshake(ctx context.Context) (operation, error) {
	if b.st.CustomDomain == "" {
		return nil, errUnsupported{b.st.CustomNote}
	}
	roots, err := b.localCA(ctx)
	if err != nil {
		return nil, err
	}
	conf := &tls.Config{RootCAs: roots, ServerName: b.st.CustomDomain} // no session cache: every handshake is a full one
	// The domain may still be propagating to the edge: wait up to 10 s.
	for deadline := time.Now().Add(10 * time.Second); handshake(ctx, b.tlsEdge, conf) != nil && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	return func(ctx context.Context, i int) error { return handshake(ctx, b.tlsEdge, conf) }, nil
}

func handshake(ctx context.Context, addr string, conf *tls.Config) error {
	d := tls.Dialer{Config: conf}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return c.Close()
}

// localCA fetches the root certificate gognito's edge chains to.
func (b *bench) localCA(ctx context.Context) (*x509.CertPool, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.endpoint+"/_gognito/ca.pem", nil)
	resp, err := b.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	pem, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /_gognito/ca.pem: %d %v", resp.StatusCode, err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, errors.New("/_gognito/ca.pem holds no certificate")
	}
	return roots, nil
}

// dialTo is a DialContext that sends every connection to addr, whatever the
// host name, as DNS would for a domain pointed at the server.
func dialTo(addr string) func(ctx context.Context, network, _ string) (net.Conn, error) {
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
}

package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
)

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// hostedLogin plays a browser through the whole authorization-code flow
// with PKCE on the pool's prefix domain over HTTP: /oauth2/authorize, the
// sign-in page, the form post, the redirect back with a code, and the code
// exchanged at /oauth2/token. Each operation starts with no cookies.
func (b *bench) hostedLogin(context.Context) (operation, error) {
	if b.st.Domain == "" {
		return nil, errUnsupported{b.st.DomainNote}
	}
	if b.st.HostedClientID == "" {
		return nil, errUnsupported{b.st.HostedNote}
	}
	u, _ := url.Parse(b.endpoint)
	tr := b.http.Transport.(*http.Transport).Clone()
	tr.DialContext = dialTo(u.Host) // <domain>.auth.<region>.localhost resolves to the server
	base := fmt.Sprintf("%s://%s.auth.%s.localhost:%s", u.Scheme, b.st.Domain, b.region, u.Port())
	return func(ctx context.Context, i int) error {
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Transport: tr, Jar: jar, Timeout: b.http.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		return b.hostedLoginOnce(ctx, hc, base, signer(i))
	}, nil
}

func (b *bench) hostedLoginOnce(ctx context.Context, hc *http.Client, base, user string) error {
	verifier := randomHex(32)
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {b.st.HostedClientID}, "redirect_uri": {callbackURL}, "scope": {"openid email"},
		"state": {"st4te"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	resp, _, err := send(ctx, hc, http.MethodGet, base+"/oauth2/authorize?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	login, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil {
		return fmt.Errorf("/oauth2/authorize: %d, want a redirect to the sign-in page", resp.StatusCode)
	}
	resp, page, err := send(ctx, hc, http.MethodGet, login.String(), nil)
	if err != nil {
		return err
	}
	m := csrfField.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		return fmt.Errorf("sign-in page: %d, no form", resp.StatusCode)
	}
	resp, _, err = send(ctx, hc, http.MethodPost, login.String(), url.Values{"_csrf": {string(m[1])}, "username": {user}, "password": {password}})
	if err != nil {
		return err
	}
	back, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(back.String(), callbackURL) || back.Query().Get("code") == "" {
		return fmt.Errorf("sign-in form: %d, want a redirect to the callback with a code", resp.StatusCode)
	}
	resp, body, err := send(ctx, hc, http.MethodPost, base+"/oauth2/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {b.st.HostedClientID},
		"code": {back.Query().Get("code")}, "redirect_uri": {callbackURL}, "code_verifier": {verifier}})
	if err != nil {
		return err
	}
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &tok) != nil || tok.IDToken == "" {
		return fmt.Errorf("/oauth2/token: %d %.200s", resp.StatusCode, body)
	}
	return nil
}

// send makes one request (a form post when form is not nil) and reads the
// whole answer.
func send(ctx context.Context, hc *http.Client, method, target string, form url.Values) (*http.Response, []byte, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, nil, errors.Join(errors.New(method+" "+target), err)
	}
	return resp, data, nil
}

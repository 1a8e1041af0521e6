package sigv4_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/clock"
	"github.com/gognito/gognito/internal/sigv4"
)

// The example key of AWS's signature test suite.
const (
	suiteKeyID  = "AKIDEXAMPLE"
	suiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

var suiteTime = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

// TestPublishedVectors checks requests of AWS's SigV4 test suite (and the
// IAM ListUsers example of its documentation) against the signatures AWS
// publishes for them: each verifies, and the same request with any other
// signature does not.
func TestPublishedVectors(t *testing.T) {
	cases := []struct {
		name, method, target, service, contentType, body, signedHeaders, signature string
	}{
		{"get-vanilla", "GET", "https://example.amazonaws.com/", "service", "", "", "host;x-amz-date",
			"5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"post-vanilla", "POST", "https://example.amazonaws.com/", "service", "", "", "host;x-amz-date",
			"5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
		{"get-vanilla-query-order-key-case", "GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1", "service", "", "", "host;x-amz-date",
			"b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
		{"post-x-www-form-urlencoded", "POST", "https://example.amazonaws.com/", "service", "application/x-www-form-urlencoded", "Param1=value1", "content-type;host;x-amz-date",
			"ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
		{"iam-list-users", "GET", "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", "iam", "application/x-www-form-urlencoded; charset=utf-8", "", "content-type;host;x-amz-date",
			"5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"},
	}
	v := sigv4.New([]sigv4.Key{{AccessKeyID: suiteKeyID, SecretAccessKey: suiteSecret}}, sigv4.Options{Clock: clock.Func(func() time.Time { return suiteTime.Add(2 * time.Minute) })})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			build := func(sig string) *http.Request {
				r := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
				r.Header.Set("X-Amz-Date", "20150830T123600Z")
				if c.contentType != "" {
					r.Header.Set("Content-Type", c.contentType)
				}
				r.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/20150830/us-east-1/%s/aws4_request, SignedHeaders=%s, Signature=%s",
					suiteKeyID, c.service, c.signedHeaders, sig))
				return r
			}
			id, err := v.Verify(build(c.signature), []byte(c.body), c.service)
			if err != nil {
				t.Fatalf("the published signature does not verify: %v", err)
			}
			if id.AccessKeyID != suiteKeyID || id.Region != "us-east-1" {
				t.Errorf("identity %+v", id)
			}
			wrong := []byte(c.signature)
			wrong[10] ^= 1
			_, err = v.Verify(build(string(wrong)), []byte(c.body), c.service)
			wantError(t, err, awserr.InvalidSignature, "The request signature we calculated does not match")
		})
	}
}

// sdkRequest is a request signed by aws-sdk-go-v2's own signer.
type sdkRequest struct {
	method, url, body string
	headers           map[string]string
	keyID, secret     string
	session           string
	service, region   string
	at                time.Time
}

func (s sdkRequest) build(t *testing.T) (*http.Request, []byte) {
	t.Helper()
	r := httptest.NewRequest(s.method, s.url, strings.NewReader(s.body))
	for k, v := range s.headers {
		r.Header.Set(k, v)
	}
	sum := sha256.Sum256([]byte(s.body))
	creds := aws.Credentials{AccessKeyID: s.keyID, SecretAccessKey: s.secret, SessionToken: s.session}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), s.service, s.region, s.at); err != nil {
		t.Fatal(err)
	}
	return r, []byte(s.body)
}

var now = time.Date(2026, 1, 1, 0, 10, 0, 0, time.UTC)

func TestSDKSignedRequests(t *testing.T) {
	v := sigv4.New([]sigv4.Key{
		{AccessKeyID: "AKIAGOGNITOTEST00001", SecretAccessKey: "first/secret+key"},
		{AccessKeyID: "AKIAGOGNITOTEST00002", SecretAccessKey: "second"},
	}, sigv4.Options{Clock: clock.Func(func() time.Time { return now })})
	base := sdkRequest{
		method: "POST", url: "http://127.0.0.1:9229/", body: `{"MaxResults":10}`,
		headers: map[string]string{
			"Content-Type": "application/x-amz-json-1.1",
			"X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools",
		},
		keyID: "AKIAGOGNITOTEST00001", secret: "first/secret+key", service: "cognito-idp", region: "eu-west-1", at: now,
	}
	ok := map[string]func(*sdkRequest){
		"plain":            func(*sdkRequest) {},
		"second key":       func(s *sdkRequest) { s.keyID, s.secret = "AKIAGOGNITOTEST00002", "second" },
		"session token":    func(s *sdkRequest) { s.session = "FwoGZXIvYXdzEXAMPLE" },
		"acm":              func(s *sdkRequest) { s.service = "acm" },
		"empty body":       func(s *sdkRequest) { s.body = "" },
		"4 min early":      func(s *sdkRequest) { s.at = now.Add(-4 * time.Minute) },
		"4 min late":       func(s *sdkRequest) { s.at = now.Add(4 * time.Minute) },
		"path and query":   func(s *sdkRequest) { s.url = "http://localhost:9229/a%20b/c~d?z=1&a=x%2Fy&a=b&empty=&sp=a+b" },
		"spaced header":    func(s *sdkRequest) { s.headers["X-Amz-User-Agent"] = "  aws-sdk   go  " },
		"unicode body":     func(s *sdkRequest) { s.body = `{"Username":"zoë ✓"}` },
		"repeated headers": func(s *sdkRequest) { s.headers["X-Custom"] = "a" },
	}
	for name, change := range ok {
		t.Run(name, func(t *testing.T) {
			s := base
			s.headers = map[string]string{}
			for k, val := range base.headers {
				s.headers[k] = val
			}
			change(&s)
			r, body := s.build(t)
			if name == "repeated headers" {
				// A header added after signing is not signed and changes nothing.
				r.Header.Add("X-Unsigned", "later")
			}
			id, err := v.Verify(r, body, s.service)
			if err != nil {
				t.Fatalf("%v\nauthorization: %s", err, r.Header.Get("Authorization"))
			}
			if id.AccessKeyID != s.keyID || id.Region != s.region {
				t.Errorf("identity %+v", id)
			}
		})
	}
}

func TestFailures(t *testing.T) {
	v := sigv4.New([]sigv4.Key{{AccessKeyID: "AKIAGOGNITOTEST00001", SecretAccessKey: "right"}}, sigv4.Options{Clock: clock.Func(func() time.Time { return now })})
	signed := func(change func(*sdkRequest)) (*http.Request, []byte) {
		s := sdkRequest{
			method: "POST", url: "http://127.0.0.1:9229/", body: `{"UserPoolId":"us-east-1_abc"}`,
			headers: map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminGetUser"},
			keyID:   "AKIAGOGNITOTEST00001", secret: "right", service: "cognito-idp", region: "us-east-1", at: now,
		}
		if change != nil {
			change(&s)
		}
		return s.build(t)
	}
	cases := []struct {
		name    string
		request func() (*http.Request, []byte)
		typ     string
		message string
		status  int
	}{
		{"no authorization", func() (*http.Request, []byte) {
			r, b := signed(nil)
			r.Header.Del("Authorization")
			return r, b
		}, awserr.MissingAuthenticationToken, "Missing Authentication Token", 403},
		{"unknown key", func() (*http.Request, []byte) {
			return signed(func(s *sdkRequest) { s.keyID = "AKIAUNKNOWN000000000" })
		}, awserr.UnrecognizedClient, "The security token included in the request is invalid.", 400},
		{"wrong secret", func() (*http.Request, []byte) {
			return signed(func(s *sdkRequest) { s.secret = "wrong" })
		}, awserr.InvalidSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.", 400},
		{"body changed after signing", func() (*http.Request, []byte) {
			r, _ := signed(nil)
			return r, []byte(`{"UserPoolId":"us-east-1_xyz"}`)
		}, awserr.InvalidSignature, "does not match", 400},
		{"signed header changed after signing", func() (*http.Request, []byte) {
			r, b := signed(nil)
			r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminDeleteUser")
			return r, b
		}, awserr.InvalidSignature, "does not match", 400},
		{"10 minutes behind", func() (*http.Request, []byte) {
			return signed(func(s *sdkRequest) { s.at = now.Add(-10 * time.Minute) })
		}, awserr.InvalidSignature, "Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z (20260101T001000Z - 5 min.)", 400},
		{"10 minutes ahead", func() (*http.Request, []byte) {
			return signed(func(s *sdkRequest) { s.at = now.Add(10 * time.Minute) })
		}, awserr.InvalidSignature, "Signature not yet current: 20260101T002000Z is still later than 20260101T001500Z (20260101T001000Z + 5 min.)", 400},
		{"other service", func() (*http.Request, []byte) {
			return signed(func(s *sdkRequest) { s.service = "s3" })
		}, awserr.InvalidSignature, "Credential should be scoped to correct service: 'cognito-idp'. ", 400},
		{"bad region", func() (*http.Request, []byte) {
			return signed(func(s *sdkRequest) { s.region = "moon" })
		}, awserr.InvalidSignature, "Credential should be scoped to a valid region, not 'moon'. ", 400},
		{"bad terminator", func() (*http.Request, []byte) {
			r, b := signed(nil)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "aws4_request", "aws5_request", 1))
			return r, b
		}, awserr.InvalidSignature, "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ", 400},
		{"scope date is not the request's", func() (*http.Request, []byte) {
			r, b := signed(nil)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20260101/", "/20251231/", 1))
			return r, b
		}, awserr.InvalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20251231' != '20260101', from '20260101T001000Z'.", 400},
		{"no date", func() (*http.Request, []byte) {
			r, b := signed(nil)
			r.Header.Del("X-Amz-Date")
			return r, b
		}, awserr.IncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.", 400},
		{"bad date", func() (*http.Request, []byte) {
			r, b := signed(nil)
			r.Header.Set("X-Amz-Date", "2026-01-01T00:10:00Z")
			return r, b
		}, awserr.IncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '2026-01-01T00:10:00Z'.", 400},
		{"bearer token", func() (*http.Request, []byte) {
			r, b := signed(nil)
			r.Header.Set("Authorization", "Bearer eyJhbGciOi")
			return r, b
		}, awserr.IncompleteSignature, "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer eyJhbGciOi", 400},
		{"missing equal sign", func() (*http.Request, []byte) {
			r, b := signed(nil)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAGOGNITOTEST00001 /20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
			return r, b
		}, awserr.IncompleteSignature, "not a valid key=value pair (missing equal-sign) in Authorization header", 400},
		{"no signature", func() (*http.Request, []byte) {
			r, b := signed(nil)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAGOGNITOTEST00001/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date")
			return r, b
		}, awserr.IncompleteSignature, "Authorization header requires 'Signature' parameter.", 400},
		{"host not signed", func() (*http.Request, []byte) {
			r, b := signed(nil)
			h := r.Header.Get("Authorization")
			r.Header.Set("Authorization", strings.Replace(h, "SignedHeaders=content-length;content-type;host;", "SignedHeaders=content-length;content-type;", 1))
			return r, b
		}, awserr.IncompleteSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", 400},
		{"sigv4a", func() (*http.Request, []byte) {
			r, b := signed(nil)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", 1))
			return r, b
		}, awserr.IncompleteSignature, "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'.", 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, body := c.request()
			_, err := v.Verify(r, body, "cognito-idp")
			e := wantError(t, err, c.typ, c.message)
			if e.HTTPStatus() != c.status {
				t.Errorf("status %d, want %d", e.HTTPStatus(), c.status)
			}
		})
	}
}

// TestDateHeader: without X-Amz-Date the Date header is the signing time.
func TestDateHeader(t *testing.T) {
	v := sigv4.New([]sigv4.Key{{AccessKeyID: "AKIAGOGNITOTEST00001", SecretAccessKey: "right"}}, sigv4.Options{Clock: clock.Func(func() time.Time { return now })})
	r := httptest.NewRequest("POST", "http://localhost/", strings.NewReader("{}"))
	r.Header.Set("Date", now.Format(http.TimeFormat))
	sum := sha256.Sum256([]byte("{}"))
	canonical := sigv4.CanonicalRequest(r, []string{"date", "host"}, []byte("{}"))
	if !strings.HasSuffix(canonical, "\n"+hex.EncodeToString(sum[:])) || !strings.HasPrefix(canonical, "POST\n/\n\ndate:Thu, 01 Jan 2026 00:10:00 GMT\nhost:localhost\n\ndate;host\n") {
		t.Fatalf("canonical request %q", canonical)
	}
	// Sign it by hand with the SDK's signer, then move its X-Amz-Date to Date.
	s := sdkRequest{method: "POST", url: "http://localhost/", body: "{}", headers: map[string]string{}, keyID: "AKIAGOGNITOTEST00001", secret: "right", service: "acm", region: "us-east-1", at: now}
	signedReq, body := s.build(t)
	signedReq.Header.Del("X-Amz-Date")
	signedReq.Header.Set("Date", now.Format(http.TimeFormat))
	signedReq.Header.Set("Authorization", strings.Replace(signedReq.Header.Get("Authorization"), "x-amz-date", "date", 1))
	// The signature covered "x-amz-date:..." and now must cover "date:...":
	// it no longer matches, which shows Date is what was read.
	_, err := v.Verify(signedReq, body, "acm")
	wantError(t, err, awserr.InvalidSignature, "does not match")
	// A Date a day off is refused as expired, not as missing.
	signedReq.Header.Set("Date", now.Add(-24*time.Hour).Format(http.TimeFormat))
	_, err = v.Verify(signedReq, body, "acm")
	wantError(t, err, awserr.InvalidSignature, "Date in Credential scope does not match")
}

func TestKeyNeverPrints(t *testing.T) {
	k := sigv4.Key{AccessKeyID: "AKIAGOGNITOTEST00001", SecretAccessKey: "very-secret-value"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("key", "key", k)
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%+v", k), fmt.Sprintf("%#v", k), buf.String()} {
		if strings.Contains(s, "very-secret-value") || !strings.Contains(s, "AKIAGOGNITOTEST00001") {
			t.Errorf("key printed as %q", s)
		}
	}
}

func wantError(t *testing.T, err error, typ, message string) *awserr.Error {
	t.Helper()
	e, ok := awserr.As(err)
	if !ok {
		t.Fatalf("want %s, got %v", typ, err)
	}
	if e.Type() != typ || !strings.Contains(e.Message(), message) {
		t.Fatalf("want %s %q, got %s %q", typ, message, e.Type(), e.Message())
	}
	return e
}

// TestContentSHA256Header: a signed X-Amz-Content-Sha256 must hold the
// body's hash; UNSIGNED-PAYLOAD leaves the body unsigned and is refused.
func TestContentSHA256Header(t *testing.T) {
	v := sigv4.New([]sigv4.Key{{AccessKeyID: "AKIAGOGNITOTEST00001", SecretAccessKey: "right"}}, sigv4.Options{Clock: clock.Func(func() time.Time { return now })})
	body := []byte(`{"MaxResults":10}`)
	sum := sha256.Sum256(body)
	for hash, ok := range map[string]bool{hex.EncodeToString(sum[:]): true, "UNSIGNED-PAYLOAD": false} {
		r := httptest.NewRequest("POST", "http://localhost/", bytes.NewReader(body))
		r.Header.Set("X-Amz-Content-Sha256", hash)
		creds := aws.Credentials{AccessKeyID: "AKIAGOGNITOTEST00001", SecretAccessKey: "right"}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hash, "cognito-idp", "us-east-1", now); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Header.Get("Authorization"), "x-amz-content-sha256") {
			t.Fatalf("the header is not signed: %s", r.Header.Get("Authorization"))
		}
		_, err := v.Verify(r, body, "cognito-idp")
		if ok && err != nil {
			t.Errorf("%s: %v", hash, err)
		}
		if !ok {
			wantError(t, err, awserr.InvalidSignature, "does not match")
		}
	}
}

// TestTargetAndContentTypeMustBeSigned: a signature that does not cover
// X-Amz-Target (or Content-Type) could be replayed as another operation (a
// signed AdminGetUser sent again as AdminDeleteUser); such a request is
// refused with IncompleteSignatureException before its signature is checked.
func TestTargetAndContentTypeMustBeSigned(t *testing.T) {
	v := sigv4.New([]sigv4.Key{{AccessKeyID: "AKIAGOGNITOTEST00001", SecretAccessKey: "right"}}, sigv4.Options{Clock: clock.Func(func() time.Time { return now })})
	for _, late := range []string{"X-Amz-Target", "Content-Type"} {
		t.Run(late, func(t *testing.T) {
			headers := map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminGetUser"}
			value := headers[late]
			delete(headers, late)
			r, body := sdkRequest{method: "POST", url: "http://127.0.0.1:9229/", body: `{"UserPoolId":"us-east-1_abc","Username":"a"}`,
				headers: headers, keyID: "AKIAGOGNITOTEST00001", secret: "right", service: "cognito-idp", region: "us-east-1", at: now}.build(t)
			if strings.Contains(strings.ToLower(r.Header.Get("Authorization")), strings.ToLower(late)) {
				t.Fatalf("the header is signed: %s", r.Header.Get("Authorization"))
			}
			// Added after signing: the signature does not cover it.
			r.Header.Set(late, value)
			_, err := v.Verify(r, body, "cognito-idp")
			wantError(t, err, awserr.IncompleteSignature, "'"+late+"' must be a 'SignedHeader' in the AWS Authorization.")
		})
	}
	// Signed, both verify (the SDKs sign every header they send).
	r, body := sdkRequest{method: "POST", url: "http://127.0.0.1:9229/", body: `{}`,
		headers: map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminGetUser"},
		keyID:   "AKIAGOGNITOTEST00001", secret: "right", service: "cognito-idp", region: "us-east-1", at: now}.build(t)
	if _, err := v.Verify(r, body, "cognito-idp"); err != nil {
		t.Fatal(err)
	}
}

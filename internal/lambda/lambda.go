package lambda

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/gognito/gognito/internal/triggers"
)

// Options configure the client.
type Options struct {
	// Endpoint is the base URL of the Invoke API; "" is AWS's own endpoint
	// of the function's Region (https://lambda.<region>.amazonaws.com).
	Endpoint string
	// AccessKeyID and SecretAccessKey sign requests (SigV4) when set.
	AccessKeyID, SecretAccessKey string
	// ByName invokes a function by its name (and Qualifier) rather than
	// by its ARN: sam local start-lambda knows functions by name only.
	ByName     bool
	HTTPClient *http.Client
	Now        func() time.Time
}

// Client invokes Lambda functions.
type Client struct {
	o      Options
	signer *v4.Signer
}

var _ triggers.Invoker = (*Client)(nil)

// maxResponse is the largest answer read: Lambda's synchronous payload
// limit.
const maxResponse = 6 << 20

// New builds a client.
func New(o Options) *Client {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Client{o: o, signer: v4.NewSigner()}
}

// invokeURL is the Invoke API's URL for the function: the configured
// endpoint, or the Lambda endpoint of the function's Region, built from the
// ARN's checked parts (a Region or name cannot name another host or path).
func (c *Client) invokeURL(fn triggers.FunctionARN) (string, error) {
	u := &url.URL{Scheme: "https", Host: fn.Host()}
	if c.o.Endpoint != "" {
		base, err := url.Parse(c.o.Endpoint)
		if err != nil || base.Host == "" {
			return "", fmt.Errorf("lambda: endpoint %q is not a URL", c.o.Endpoint)
		}
		u = &url.URL{Scheme: base.Scheme, Host: base.Host, Path: strings.TrimSuffix(base.Path, "/")}
	}
	function := fn.String()
	if c.o.ByName {
		function = fn.Name
		if fn.Qualifier != "" {
			u.RawQuery = url.Values{"Qualifier": {fn.Qualifier}}.Encode()
		}
	}
	u.Path += "/2015-03-31/functions/" + function + "/invocations"
	u.RawPath = ""
	return u.String(), nil
}

// Invoke calls the function synchronously. An ARN that is not a Lambda
// function's is refused (InvalidParameterValueException) without a request.
func (c *Client) Invoke(ctx context.Context, functionARN string, payload []byte) ([]byte, error) {
	fn, err := triggers.ParseFunctionARN(functionARN)
	if err != nil {
		return nil, &triggers.ServiceError{Code: "InvalidParameterValueException", Message: err.Error()}
	}
	region := fn.Region
	u, err := c.invokeURL(fn)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Invocation-Type", "RequestResponse")
	if c.o.AccessKeyID != "" {
		sum := sha256.Sum256(payload)
		creds := aws.Credentials{AccessKeyID: c.o.AccessKeyID, SecretAccessKey: c.o.SecretAccessKey}
		if err := c.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "lambda", region, c.o.Now().UTC()); err != nil {
			return nil, err
		}
	}
	resp, err := c.o.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, serviceError(resp, body)
	}
	if resp.Header.Get("X-Amz-Function-Error") != "" {
		var fe struct {
			ErrorMessage string `json:"errorMessage"`
			ErrorType    string `json:"errorType"`
		}
		_ = json.Unmarshal(body, &fe) // an unreadable error is still an error
		if fe.ErrorMessage == "" && fe.ErrorType == "" {
			fe.ErrorMessage = strings.TrimSpace(string(body))
		}
		return nil, &triggers.FunctionError{Type: fe.ErrorType, Message: fe.ErrorMessage}
	}
	if len(body) > maxResponse {
		return nil, &triggers.ServiceError{Code: "ResponseSizeTooLarge"}
	}
	return body, nil
}

// serviceError reads an error of the Lambda service: its type from
// X-Amzn-ErrorType (or the body's __type / Type), its message from the body.
func serviceError(resp *http.Response, body []byte) error {
	var b struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
		Msg     string `json:"Message"`
	}
	_ = json.Unmarshal(body, &b)
	code := resp.Header.Get("X-Amzn-ErrorType")
	if code == "" {
		code = b.Type
	}
	if i := strings.IndexAny(code, ":#"); i >= 0 { // "Code:http://..." or "ns#Code"
		if code[i] == '#' {
			code = code[i+1:]
		} else {
			code = code[:i]
		}
	}
	if code == "" {
		code = fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	msg := b.Message
	if msg == "" {
		msg = b.Msg
	}
	return &triggers.ServiceError{Code: code, Message: msg}
}

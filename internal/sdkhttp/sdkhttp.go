package sdkhttp

import (
	"bytes"
	"io"
	"net/http"
)

// BufferedBodies hands the transport a plain in-memory copy of each
// request body. aws-sdk-go-v2 closes its own body wrapper as soon as a
// response arrives; over keep-alive that occasionally closed the
// connection while a large response was still being read ("use of closed
// network connection", aws/aws-sdk-go-v2#2737; never seen with plain
// net/http requests or with keep-alives off).
type BufferedBodies struct{ Next http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (b BufferedBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.ContentLength = int64(len(body))
	}
	return b.Next.RoundTrip(r)
}

package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// metadataFetcher reads a SAML IdP's metadata from its MetadataURL for
// internal/idp (which does not speak HTTP itself).
type metadataFetcher struct{}

// maxMetadataSize bounds a metadata document (Cognito's MetadataFile
// limit is 128 KB; an aggregate is refused rather than read whole).
const maxMetadataSize = 1 << 20

var metadataClient = &http.Client{Timeout: 10 * time.Second}

func (metadataFetcher) FetchMetadata(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := metadataClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxMetadataSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxMetadataSize {
		return nil, fmt.Errorf("the metadata is larger than %d bytes", maxMetadataSize)
	}
	return b, nil
}

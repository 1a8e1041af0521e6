package idp

import (
	"encoding/json"
	"fmt"
	"maps"
)

// docVersion is the shape of providerDoc written now.
const docVersion = 1

// providerDoc is what the store keeps of a provider
// (store.IdentityProvider.Doc). The secret details (sealedKeys) are sealed,
// bound to the provider and key.
type providerDoc struct {
	V                int               `json:"v"`
	Details          map[string]string `json:"details"`
	AttributeMapping map[string]string `json:"attribute_mapping,omitempty"`
	SAML             *samlDoc          `json:"saml,omitempty"`
}

// samlDoc keeps a SAML provider's metadata as read (from MetadataFile or
// from MetadataURL when the provider was created or updated).
type samlDoc struct {
	Metadata []byte `json:"metadata"`
}

func (d *samlDoc) metadata() (*SAMLMetadata, error) { return ParseMetadata(d.Metadata) }

// sealedKeys are the ProviderDetails kept sealed at rest.
var sealedKeys = []string{"client_secret", "private_key"}

func sealOwner(poolID, name, key string) string {
	return "identity-provider/" + poolID + "/" + name + "/" + key
}

func decodeDoc(b []byte) (*providerDoc, error) {
	var d providerDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("idp: decoding a provider: %w", err)
	}
	if d.V > docVersion {
		return nil, fmt.Errorf("idp: provider document version %d is newer than this build's %d", d.V, docVersion)
	}
	return &d, nil
}

func (s *Service) encodeDoc(poolID, name string, details, mapping map[string]string, saml *samlDoc) []byte {
	d := providerDoc{V: docVersion, Details: maps.Clone(details), AttributeMapping: mapping, SAML: saml}
	if s.sealer != nil {
		for _, k := range sealedKeys {
			if v, ok := d.Details[k]; ok && v != "" {
				d.Details[k] = s.sealer.SealString(v, sealOwner(poolID, name, k))
			}
		}
	}
	b, err := json.Marshal(&d)
	if err != nil {
		panic(fmt.Sprintf("idp: encoding a provider: %v", err)) // plain data always encodes
	}
	return b
}

func (s *Service) openDetails(poolID, name string, stored map[string]string) (map[string]string, error) {
	out := maps.Clone(stored)
	if out == nil {
		out = map[string]string{}
	}
	if s.sealer == nil {
		return out, nil
	}
	for _, k := range sealedKeys {
		if v, ok := out[k]; ok && v != "" {
			plain, err := s.sealer.OpenString(v, sealOwner(poolID, name, k))
			if err != nil {
				return nil, fmt.Errorf("idp: opening %s of provider %s: %w", k, name, err)
			}
			out[k] = plain
		}
	}
	return out, nil
}

package idp

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/store"
)

// SAML bindings of the metadata's endpoints.
const (
	BindingRedirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
	BindingPOST     = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
)

// SAMLMetadata is what gognito keeps of a SAML IdP's metadata.
type SAMLMetadata struct {
	EntityID string
	// SigningCerts are the IdP's signing certificates: a response or
	// assertion signed with any of them is the IdP's.
	SigningCerts    []*x509.Certificate
	EncryptionCerts []*x509.Certificate
	// The IdP's endpoints by binding ("" when the metadata has none).
	SSORedirectURL, SSOPostURL string
	SLORedirectURL, SLOPostURL string
	WantAuthnRequestsSigned    bool
	Raw                        []byte // the metadata document as read
}

type mdEntity struct {
	EntityID string     `xml:"entityID,attr"`
	IDP      []mdIDP    `xml:"IDPSSODescriptor"`
	Entities []mdEntity `xml:"EntityDescriptor"` // an EntitiesDescriptor's
}

type mdIDP struct {
	WantSigned string    `xml:"WantAuthnRequestsSigned,attr"`
	Keys       []mdKey   `xml:"KeyDescriptor"`
	SSO        []mdEndpt `xml:"SingleSignOnService"`
	SLO        []mdEndpt `xml:"SingleLogoutService"`
}

type mdKey struct {
	Use   string   `xml:"use,attr"`
	Certs []string `xml:"KeyInfo>X509Data>X509Certificate"`
}

type mdEndpt struct {
	Binding  string `xml:"Binding,attr"`
	Location string `xml:"Location,attr"`
}

// ParseMetadata reads a SAML 2.0 IdP metadata document: an
// EntityDescriptor (or the first of an EntitiesDescriptor's) with an
// IDPSSODescriptor that has a single sign-on endpoint and a signing
// certificate.
func ParseMetadata(raw []byte) (*SAMLMetadata, error) {
	var e mdEntity
	dec := xml.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("not a SAML metadata document: %v", err)
	}
	for len(e.IDP) == 0 && len(e.Entities) > 0 {
		found := false
		for _, c := range e.Entities {
			if len(c.IDP) > 0 {
				e, found = c, true
				break
			}
		}
		if !found {
			e = e.Entities[0]
		}
	}
	if len(e.IDP) == 0 {
		return nil, errors.New("the metadata has no IDPSSODescriptor")
	}
	if e.EntityID == "" {
		return nil, errors.New("the metadata has no entityID")
	}
	md := &SAMLMetadata{EntityID: e.EntityID, Raw: bytes.Clone(raw)}
	for _, d := range e.IDP {
		if d.WantSigned == "true" || d.WantSigned == "1" {
			md.WantAuthnRequestsSigned = true
		}
		for _, k := range d.Keys {
			for _, c := range k.Certs {
				der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(c), ""))
				if err != nil {
					return nil, fmt.Errorf("a certificate of the metadata is not base64: %v", err)
				}
				cert, err := x509.ParseCertificate(der)
				if err != nil {
					return nil, fmt.Errorf("a certificate of the metadata does not parse: %v", err)
				}
				if k.Use == "" || k.Use == "signing" {
					md.SigningCerts = append(md.SigningCerts, cert)
				}
				if k.Use == "" || k.Use == "encryption" {
					md.EncryptionCerts = append(md.EncryptionCerts, cert)
				}
			}
		}
		for _, ep := range d.SSO {
			switch {
			case ep.Binding == BindingRedirect && md.SSORedirectURL == "":
				md.SSORedirectURL = ep.Location
			case ep.Binding == BindingPOST && md.SSOPostURL == "":
				md.SSOPostURL = ep.Location
			}
		}
		for _, ep := range d.SLO {
			switch {
			case ep.Binding == BindingRedirect && md.SLORedirectURL == "":
				md.SLORedirectURL = ep.Location
			case ep.Binding == BindingPOST && md.SLOPostURL == "":
				md.SLOPostURL = ep.Location
			}
		}
	}
	if md.SSORedirectURL == "" && md.SSOPostURL == "" {
		return nil, errors.New("the metadata has no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding")
	}
	if len(md.SigningCerts) == 0 {
		return nil, errors.New("the metadata has no signing certificate")
	}
	return md, nil
}

// KeyPair is one of a pool's SAML key pairs and its self-signed
// certificate.
type KeyPair struct {
	Key  *rsa.PrivateKey
	Cert *x509.Certificate
}

// SP key pairs: RSA 2048, certificates valid for ten years, subject
// CN=urn:amazon:cognito:sp:<pool id>.
const (
	samlKeyBits      = 2048
	samlCertValidity = 10 * 365 * 24 * time.Hour
	samlKeysVersion  = 1
)

// EntityID is a pool's SAML service provider entity ID.
func EntityID(poolID string) string { return "urn:amazon:cognito:sp:" + poolID }

func samlKeysKey(poolID string) string { return "idp/saml-keys/" + poolID }

type storedKeys struct {
	V          int           `json:"v"`
	Signing    storedKeyPair `json:"signing"`
	Encryption storedKeyPair `json:"encryption"`
}

type storedKeyPair struct {
	Key  []byte `json:"key"`  // PKCS #8 DER, sealed
	Cert []byte `json:"cert"` // DER
}

// SAMLKeys returns the pool's SAML signing and encryption key pairs, made
// on first use (race-safely: the first stored wins) and sealed at rest.
func (s *Service) SAMLKeys(ctx context.Context, poolID string) (signing, encryption *KeyPair, err error) {
	s.keysMu.Lock()
	k := s.keys[poolID]
	s.keysMu.Unlock()
	if k != nil {
		return k.signing, k.encryption, nil
	}
	b, err := s.store.GetValue(ctx, samlKeysKey(poolID))
	if errors.Is(err, store.ErrNotFound) {
		if _, perr := s.pools.Pool(ctx, poolID); perr != nil {
			return nil, nil, perr
		}
		fresh, gerr := s.makeKeys(poolID)
		if gerr != nil {
			return nil, nil, gerr
		}
		b, err = s.store.PutValueIfAbsent(ctx, samlKeysKey(poolID), fresh)
	}
	if err != nil {
		return nil, nil, err
	}
	k, err = s.openKeys(poolID, b)
	if err != nil {
		return nil, nil, err
	}
	s.keysMu.Lock()
	s.keys[poolID] = k
	s.keysMu.Unlock()
	return k.signing, k.encryption, nil
}

func (s *Service) makeKeys(poolID string) ([]byte, error) {
	sk := storedKeys{V: samlKeysVersion}
	for i, out := range []*storedKeyPair{&sk.Signing, &sk.Encryption} {
		usage := x509.KeyUsageDigitalSignature
		if i == 1 {
			usage = x509.KeyUsageKeyEncipherment | x509.KeyUsageDataEncipherment
		}
		key, err := rsa.GenerateKey(s.rand, samlKeyBits)
		if err != nil {
			return nil, fmt.Errorf("idp: SAML key: %w", err)
		}
		serial, err := randSerial(s)
		if err != nil {
			return nil, err
		}
		now := s.now()
		name := pkix.Name{CommonName: EntityID(poolID)}
		tmpl := &x509.Certificate{SerialNumber: serial, Subject: name, Issuer: name, NotBefore: now, NotAfter: now.Add(samlCertValidity),
			KeyUsage: usage, BasicConstraintsValid: true}
		der, err := x509.CreateCertificate(s.rand, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			return nil, fmt.Errorf("idp: SAML certificate: %w", err)
		}
		pk, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("idp: SAML key: %w", err)
		}
		if s.sealer != nil {
			pk = s.sealer.Seal(pk, []byte(samlKeysKey(poolID)))
		}
		out.Key, out.Cert = pk, der
	}
	b, err := json.Marshal(&sk)
	if err != nil {
		return nil, fmt.Errorf("idp: SAML keys: %w", err)
	}
	return b, nil
}

func randSerial(s *Service) (*big.Int, error) {
	b := make([]byte, 16)
	if _, err := s.rand.Read(b); err != nil {
		return nil, fmt.Errorf("idp: serial: %w", err)
	}
	b[0] &= 0x7f
	return new(big.Int).SetBytes(b), nil
}

func (s *Service) openKeys(poolID string, b []byte) (*poolKeys, error) {
	var sk storedKeys
	if err := json.Unmarshal(b, &sk); err != nil {
		return nil, fmt.Errorf("idp: decoding SAML keys: %w", err)
	}
	if sk.V > samlKeysVersion {
		return nil, fmt.Errorf("idp: SAML keys version %d is newer than this build's", sk.V)
	}
	var out poolKeys
	for i, in := range []storedKeyPair{sk.Signing, sk.Encryption} {
		pk := in.Key
		if s.sealer != nil {
			var err error
			if pk, err = s.sealer.Open(pk, []byte(samlKeysKey(poolID))); err != nil {
				return nil, fmt.Errorf("idp: opening SAML key: %w", err)
			}
		}
		key, err := x509.ParsePKCS8PrivateKey(pk)
		if err != nil {
			return nil, fmt.Errorf("idp: SAML key: %w", err)
		}
		rk, ok := key.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("idp: SAML key is not RSA")
		}
		cert, err := x509.ParseCertificate(in.Cert)
		if err != nil {
			return nil, fmt.Errorf("idp: SAML certificate: %w", err)
		}
		kp := &KeyPair{Key: rk, Cert: cert}
		if i == 0 {
			out.signing = kp
		} else {
			out.encryption = kp
		}
	}
	return &out, nil
}

// certBase64 is a certificate as Cognito shows it: its DER in base64,
// without PEM armour.
func certBase64(c *x509.Certificate) string { return base64.StdEncoding.EncodeToString(c.Raw) }

func invalidMetadata(err error) error {
	return awserr.Newf(awserr.InvalidParameter, "Unable to parse the SAML metadata: %s", err.Error())
}

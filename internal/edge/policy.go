package edge

import (
	"crypto/tls"
)

// Security policies a site can carry (serving.Site.SecurityPolicy): the
// values of Cognito's SecurityPolicyType, each the CloudFront viewer policy
// it names (docs/custom-domains.md has the table). A site without a policy
// gets the edge's base settings: TLS 1.2 and 1.3 with Go's default suites.
const (
	PolicyTLSV1       = "TLS_V1"        // CloudFront TLSv1
	PolicyTLSV12_2021 = "TLS_V1_2_2021" // CloudFront TLSv1.2_2021
	PolicyTLSV13_2025 = "TLS_V1_3_2025" // CloudFront TLSv1.3_2025
)

// Policy is what a security policy sets on a handshake.
type Policy struct {
	MinVersion, MaxVersion uint16
	// CipherSuites are the TLS 1.0–1.2 suites, in CloudFront's order. Go
	// does not let a server choose TLS 1.3 suites: every TLS 1.3 handshake
	// may use TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384 and
	// TLS_CHACHA20_POLY1305_SHA256.
	CipherSuites []uint16
	// PostQuantum: the hybrid key exchanges X25519MLKEM768 (preferred) and
	// SecP256r1MLKEM768 are offered on TLS 1.3 before the classic curves.
	PostQuantum bool
}

var classicCurves = []tls.CurveID{tls.X25519, tls.CurveP256, tls.CurveP384}

// CurvePreferences are the key exchanges the policy offers, preferred first.
func (p Policy) CurvePreferences() []tls.CurveID {
	if !p.PostQuantum {
		return classicCurves
	}
	return append([]tls.CurveID{tls.X25519MLKEM768, tls.SecP256r1MLKEM768}, classicCurves...)
}

// Suites of CloudFront's policies that Go implements. CloudFront's
// ECDHE-*-AES256-SHA384 (TLS 1.2 CBC with SHA-384) has no Go
// implementation and is left out.
var (
	modernSuites = []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	}
	legacySuites = append(append([]uint16(nil), modernSuites...),
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
		tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
		tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
		tls.TLS_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_RSA_WITH_AES_128_CBC_SHA256,
		tls.TLS_RSA_WITH_AES_256_CBC_SHA,
		tls.TLS_RSA_WITH_AES_128_CBC_SHA,
		tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
	)
)

// Policies are the security policies the edge knows, by name.
var Policies = map[string]Policy{
	PolicyTLSV1:       {MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS13, CipherSuites: legacySuites},
	PolicyTLSV12_2021: {MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS13, CipherSuites: modernSuites, PostQuantum: true},
	PolicyTLSV13_2025: {MinVersion: tls.VersionTLS13, MaxVersion: tls.VersionTLS13, PostQuantum: true},
}

// policyConfigs builds, once, the configuration of each policy from the
// edge's base configuration: the same certificates, ALPN and session
// tickets, with the policy's versions, suites and key exchanges.
func policyConfigs(base *tls.Config) map[string]*tls.Config {
	out := make(map[string]*tls.Config, len(Policies))
	for name, p := range Policies {
		c := base.Clone()
		c.GetConfigForClient = nil
		c.MinVersion, c.MaxVersion = p.MinVersion, p.MaxVersion
		c.CipherSuites = p.CipherSuites
		c.CurvePreferences = p.CurvePreferences()
		out[name] = c
	}
	return out
}

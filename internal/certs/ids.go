package certs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// newUUID draws a version 4 UUID from r.
func newUUID(r io.Reader) string {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		panic("certs: random source failed: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// randomHex draws n random bytes from r, hex-encoded.
func randomHex(r io.Reader, n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		panic("certs: random source failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

const (
	upperAlnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lowerAlnum = "0123456789abcdefghijklmnopqrstuvwxyz"
	lowerAlpha = "abcdefghijklmnopqrstuvwxyz"
)

// derive is n characters of alphabet derived from a hash of parts: stable,
// so the same input always gives the same string.
func derive(alphabet string, n int, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	out := make([]byte, n)
	for i := range out {
		out[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(out)
}

func normalizeName(domain string) string { return strings.TrimSuffix(strings.ToLower(domain), ".") }

// DistributionID is the id of the CloudFront distribution that serves a user
// pool domain: "E" and 13 uppercase alphanumerics, derived from the domain
// name so that it is stable.
func DistributionID(domain string) string {
	return "E" + derive(upperAlnum, 13, "distribution", normalizeName(domain))
}

// CloudFrontDomain is the CloudFront host name of a user pool domain: "d" and
// 13 lowercase alphanumerics derived from the domain name, then suffix
// (".cloudfront.net" when empty).
func CloudFrontDomain(domain, suffix string) string {
	if suffix == "" {
		suffix = ".cloudfront.net"
	}
	return "d" + derive(lowerAlnum, 13, "cloudfront", normalizeName(domain)) + suffix
}

// distributionARN is how InUseBy names the distribution of a user pool
// domain.
func (s *Service) distributionARN(domain string) string {
	return "arn:aws:cloudfront::" + s.accountID + ":distribution/" + DistributionID(domain)
}

package userpool

import (
	"context"
	"regexp"

	"github.com/gognito/gognito/internal/awserr"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// Issuer and key configuration (2026 models). IssuerConfiguration.Type
// chooses the form of the iss in the pool's tokens, ORIGINAL (the default)
// or UPDATED; both forms keep verifying and are both served (JWKS and
// discovery), so a pool can move either way. KeyConfiguration names the
// key that would encrypt the pool's data in KMS: gognito has no KMS and
// seals with its own secret key whatever it says; it is validated, stored
// and described.

// Issuer and key types.
const (
	IssuerOriginal     = "ORIGINAL"
	IssuerUpdated      = "UPDATED"
	KeyAWSOwned        = "AWS_OWNED_KEY"
	KeyCustomerManaged = "CUSTOMER_MANAGED_KEY"
)

// kmsKeyARN is a KMS key's ARN: partition, Region, account, key/<id>.
var kmsKeyARN = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$`)

// applyIssuerAndKeys writes the issuer and key configuration of a
// CreateUserPool or UpdateUserPool into p. What the request leaves out
// stays as it is (the defaults on a new pool): an UpdateUserPool that does
// not name them does not move the pool's issuer.
func applyIssuerAndKeys(p *cip.UserPoolType, issuer *cip.IssuerConfigurationType, key *cip.KeyConfigurationType) error {
	if issuer != nil {
		t := issuer.Type
		if t == "" {
			t = IssuerOriginal
		}
		p.IssuerConfiguration = &cip.IssuerConfigurationType{Type: t}
	}
	if key != nil {
		k := *key
		switch {
		case k.KeyType == "" && k.KmsKeyArn == "":
			k.KeyType = KeyAWSOwned
		case k.KeyType == KeyCustomerManaged && k.KmsKeyArn == "":
			return awserr.New(awserr.InvalidParameter, "KmsKeyArn is required when KeyType is CUSTOMER_MANAGED_KEY.")
		case k.KeyType != KeyCustomerManaged && k.KmsKeyArn != "":
			return awserr.New(awserr.InvalidParameter, "KmsKeyArn can be set only when KeyType is CUSTOMER_MANAGED_KEY.")
		case k.KmsKeyArn != "" && !kmsKeyARN.MatchString(k.KmsKeyArn):
			return awserr.Newf(awserr.InvalidParameter, "Invalid KmsKeyArn %s: it must be the ARN of a KMS key.", k.KmsKeyArn)
		}
		p.KeyConfiguration = &k
	}
	withIssuerAndKeyDefaults(p)
	return nil
}

// withIssuerAndKeyDefaults fills what a pool made before these settings
// existed lacks: the ORIGINAL issuer, the AWS-owned key.
func withIssuerAndKeyDefaults(p *cip.UserPoolType) {
	if p.IssuerConfiguration == nil {
		p.IssuerConfiguration = &cip.IssuerConfigurationType{Type: IssuerOriginal}
	}
	if p.KeyConfiguration == nil {
		p.KeyConfiguration = &cip.KeyConfigurationType{KeyType: KeyAWSOwned}
	}
}

// IssuerType is the pool's IssuerConfiguration.Type (ORIGINAL when never
// set), from the loader: no store read when the pool is cached.
func (s *Service) IssuerType(ctx context.Context, poolID string) (string, error) {
	p, err := s.Pool(ctx, poolID)
	if err != nil {
		return "", err
	}
	if p.IssuerConfiguration == nil || p.IssuerConfiguration.Type == "" {
		return IssuerOriginal, nil
	}
	return p.IssuerConfiguration.Type, nil
}

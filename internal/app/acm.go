package app

import (
	"github.com/gognito/gognito/internal/api"
	"github.com/gognito/gognito/internal/certs"
	"github.com/gognito/gognito/internal/wire/acm"
)

// newACMService registers the ACM operations gognito implements on the
// generated operation table; the rest answer with a well-formed
// UnsupportedOperationException that names them.
func newACMService(c *certs.Service) *api.Service {
	s := api.NewService("acm", acm.TargetPrefix, acm.Shapes, acm.Operations)
	s.ValidationError = "ValidationException"
	s.SigningName = acm.SigningName
	s.RateLimited = false // Cognito's quota categories name TagResource too

	api.Handle(s, "ImportCertificate", c.ImportCertificate).
		Notes("Re-import keeps the ARN and swaps the certificate served on the domains that use it. A chain, when given, must sign the certificate in order.")
	api.Handle(s, "RequestCertificate", c.RequestCertificate).
		Notes("Issued at once by gognito's local CA (trust GET /_gognito/ca.pem): ISSUED, with domain validation shown as SUCCESS. RSA_2048, EC_prime256v1 and EC_secp384r1 only, as ACM; no private CA (CertificateAuthorityArn).")
	api.Handle(s, "DescribeCertificate", c.DescribeCertificate).
		Notes("InUseBy lists the CloudFront distributions of the user pool domains that use the certificate.")
	api.Handle(s, "GetCertificate", c.GetCertificate).
		Notes("The chain of a requested certificate is the local CA's root.")
	api.Handle(s, "ListCertificates", c.ListCertificates)
	api.Handle(s, "DeleteCertificate", c.DeleteCertificate).
		Notes("Refused while a user pool domain uses the certificate.")
	api.Handle(s, "AddTagsToCertificate", c.AddTagsToCertificate)
	api.Handle(s, "ListTagsForCertificate", c.ListTagsForCertificate)
	api.Handle(s, "RemoveTagsFromCertificate", c.RemoveTagsFromCertificate).
		Notes("A tag with an empty value removes the key whatever its value.")
	return s
}

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
	registerACME(s, c)
	return s
}

// registerACME registers ACM's ACME operations; the ACME server itself is
// internal/acme, on the API listener under /acme/<endpoint id>/directory.
func registerACME(s *api.Service, c *certs.Service) {
	api.Handle(s, "CreateAcmeEndpoint", c.CreateAcmeEndpoint).
		Notes("ACTIVE at once; EndpointUrl is the API listener's /acme/<id>/directory (RFC 8555, served by gognito). Authorization is PRE_APPROVED: the endpoint issues from the local CA for the names its domain validations cover.")
	api.Handle(s, "DescribeAcmeEndpoint", c.DescribeAcmeEndpoint)
	api.Handle(s, "ListAcmeEndpoints", c.ListAcmeEndpoints)
	api.Handle(s, "UpdateAcmeEndpoint", c.UpdateAcmeEndpoint)
	api.Handle(s, "DeleteAcmeEndpoint", c.DeleteAcmeEndpoint).
		Notes("Deletes the endpoint's bindings, validations, accounts and orders; the certificates it issued stay.")
	api.Handle(s, "CreateAcmeExternalAccountBinding", c.CreateAcmeExternalAccountBinding).
		Notes("The role is kept and shown (gognito has no IAM). The key id is the binding's id.")
	api.Handle(s, "DescribeAcmeExternalAccountBinding", c.DescribeAcmeExternalAccountBinding)
	api.Handle(s, "ListAcmeExternalAccountBindings", c.ListAcmeExternalAccountBindings)
	api.Handle(s, "GetAcmeExternalAccountBindingCredentials", c.GetAcmeExternalAccountBindingCredentials).
		Notes("MacKey is base64url without padding, as certbot's --eab-hmac-key takes it.")
	api.Handle(s, "RevokeAcmeExternalAccountBinding", c.RevokeAcmeExternalAccountBinding).
		Notes("A revoked or expired binding registers no new account; accounts it registered stay valid.")
	api.Handle(s, "DeleteAcmeExternalAccountBinding", c.DeleteAcmeExternalAccountBinding)
	api.Handle(s, "CreateAcmeDomainValidation", c.CreateAcmeDomainValidation).
		Notes("No public DNS: the validation is VALID when created (the CNAME ACM would ask for is shown, never looked up). DomainScope defaults: ExactDomain ENABLED, Subdomains and Wildcards DISABLED.")
	api.Handle(s, "DescribeAcmeDomainValidation", c.DescribeAcmeDomainValidation)
	api.Handle(s, "ListAcmeDomainValidations", c.ListAcmeDomainValidations)
	api.Handle(s, "UpdateAcmeDomainValidation", c.UpdateAcmeDomainValidation)
	api.Handle(s, "DeleteAcmeDomainValidation", c.DeleteAcmeDomainValidation).
		Notes("New orders for the domain are refused (rejectedIdentifier); issued certificates stay.")
	api.Handle(s, "DescribeAcmeAccount", c.DescribeAcmeAccount)
	api.Handle(s, "ListAcmeAccounts", c.ListAcmeAccounts)
	api.Handle(s, "RevokeAcmeAccount", c.RevokeAcmeAccount).
		Notes("The account's requests are refused from then on (unauthorized).")
}

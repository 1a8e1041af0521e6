package idp

import (
	"maps"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/userpool"
)

// Provider types.
const (
	TypeSAML     = "SAML"
	TypeOIDC     = "OIDC"
	TypeGoogle   = "Google"
	TypeFacebook = "Facebook"
	TypeAmazon   = "LoginWithAmazon"
	TypeApple    = "SignInWithApple"
)

// MaxProvidersPerPool is Cognito's quota of identity providers per pool.
const MaxProvidersPerPool = 300

// DefaultFacebookAPIVersion is the Graph API version Cognito uses when a
// Facebook provider names none.
const DefaultFacebookAPIVersion = "v17.0"

// typeRules are what Cognito requires and accepts in a type's
// ProviderDetails, and what it adds to them (shown by Describe).
type typeRules struct {
	required []string
	optional []string
	// added are the keys Cognito fills in when the request has none; a
	// request may carry them (a Describe sent back, or a local provider's
	// endpoints).
	added func(d map[string]string) map[string]string
	// usernameFrom is the provider attribute the username is mapped from
	// unless the mapping says otherwise ("" for SAML: the NameID).
	usernameFrom string
}

var rules = map[string]typeRules{
	TypeOIDC: {
		required: []string{"client_id", "authorize_scopes", "attributes_request_method", "oidc_issuer"},
		optional: []string{"client_secret", "authorize_url", "token_url", "attributes_url", "jwks_uri", "attributes_url_add_attributes"},
		added: func(map[string]string) map[string]string {
			return map[string]string{"attributes_url_add_attributes": "false"}
		},
		usernameFrom: "sub",
	},
	TypeGoogle: {
		required: []string{"client_id", "client_secret", "authorize_scopes"},
		optional: []string{"attributes_url", "attributes_url_add_attributes", "authorize_url", "oidc_issuer", "token_request_method", "token_url"},
		added: func(map[string]string) map[string]string {
			return map[string]string{
				"attributes_url":                "https://people.googleapis.com/v1/people/me?personFields=",
				"attributes_url_add_attributes": "true",
				"authorize_url":                 "https://accounts.google.com/o/oauth2/v2/auth",
				"oidc_issuer":                   "https://accounts.google.com",
				"token_request_method":          "POST",
				"token_url":                     "https://www.googleapis.com/oauth2/v4/token",
			}
		},
		usernameFrom: "sub",
	},
	TypeFacebook: {
		required: []string{"client_id", "client_secret", "authorize_scopes"},
		optional: []string{"api_version", "attributes_url", "attributes_url_add_attributes", "authorize_url", "token_request_method", "token_url"},
		added: func(d map[string]string) map[string]string {
			v := d["api_version"]
			if v == "" {
				v = DefaultFacebookAPIVersion
			}
			return map[string]string{
				"api_version":                   v,
				"attributes_url":                "https://graph.facebook.com/" + v + "/me?fields=",
				"attributes_url_add_attributes": "true",
				"authorize_url":                 "https://www.facebook.com/" + v + "/dialog/oauth",
				"token_request_method":          "GET",
				"token_url":                     "https://graph.facebook.com/" + v + "/oauth/access_token",
			}
		},
		usernameFrom: "id",
	},
	TypeAmazon: {
		required: []string{"client_id", "client_secret", "authorize_scopes"},
		optional: []string{"attributes_url", "attributes_url_add_attributes", "authorize_url", "token_request_method", "token_url"},
		added: func(map[string]string) map[string]string {
			return map[string]string{
				"attributes_url":                "https://api.amazon.com/user/profile",
				"attributes_url_add_attributes": "false",
				"authorize_url":                 "https://www.amazon.com/ap/oa",
				"token_request_method":          "POST",
				"token_url":                     "https://api.amazon.com/auth/o2/token",
			}
		},
		usernameFrom: "user_id",
	},
	TypeApple: {
		required: []string{"client_id", "team_id", "key_id", "private_key", "authorize_scopes"},
		optional: []string{"authorize_url", "oidc_issuer", "token_request_method", "token_url"},
		added: func(map[string]string) map[string]string {
			return map[string]string{
				"authorize_url":        "https://appleid.apple.com/auth/authorize",
				"oidc_issuer":          "https://appleid.apple.com",
				"token_request_method": "POST",
				"token_url":            "https://appleid.apple.com/auth/token",
			}
		},
		usernameFrom: "sub",
	},
	TypeSAML: {
		optional: []string{"MetadataFile", "MetadataURL", "IDPSignout", "IDPInit", "EncryptedResponses", "RequestSigningAlgorithm",
			"SSORedirectBindingURI", "SLORedirectBindingURI", "ActiveEncryptionCertificate"},
	},
}

// samlComputed are the SAML keys gognito computes (from the metadata, the
// pool's certificate): what a request carries of them is dropped.
var samlComputed = []string{"SSORedirectBindingURI", "SLORedirectBindingURI", "ActiveEncryptionCertificate"}

func invalid(format string, args ...any) error {
	return awserr.Newf(awserr.InvalidParameter, format, args...)
}

// checkName applies Cognito's rules to a new provider's name: a social
// type's provider is named as its type, and COGNITO is reserved.
func checkName(name, typ string) error {
	switch typ {
	case TypeGoogle, TypeFacebook, TypeAmazon, TypeApple:
		if name != typ {
			return invalid("The provider name of a %s identity provider must be %s.", typ, typ)
		}
		return nil
	}
	if strings.EqualFold(name, "COGNITO") {
		return invalid("%s is a reserved provider name.", name)
	}
	switch name {
	case TypeGoogle, TypeFacebook, TypeAmazon, TypeApple:
		return invalid("The provider name %s is reserved for the %s identity provider type.", name, name)
	}
	return nil
}

// checkDetails validates a type's ProviderDetails and returns them as
// stored (Cognito's added keys filled in; SAML's computed keys dropped).
func checkDetails(typ string, in map[string]string) (map[string]string, error) {
	r, ok := rules[typ]
	if !ok {
		return nil, invalid("Unsupported provider type %s.", typ)
	}
	d := maps.Clone(in)
	if d == nil {
		d = map[string]string{}
	}
	known := append(slices.Clone(r.required), r.optional...)
	for _, k := range sortedKeys(d) {
		if !slices.Contains(known, k) {
			return nil, invalid("The provider details key %s is not supported for %s identity providers.", k, typ)
		}
	}
	for _, k := range r.required {
		if strings.TrimSpace(d[k]) == "" {
			return nil, invalid("%s is required in the ProviderDetails of a %s identity provider.", k, typ)
		}
	}
	switch typ {
	case TypeSAML:
		if err := checkSAMLDetails(d); err != nil {
			return nil, err
		}
	case TypeOIDC:
		if err := checkOIDCDetails(d); err != nil {
			return nil, err
		}
	case TypeFacebook:
		if v, ok := d["api_version"]; ok && !validAPIVersion(v) {
			return nil, invalid("api_version %s is not a Facebook Graph API version (such as %s).", v, DefaultFacebookAPIVersion)
		}
	}
	if r.added != nil {
		for k, v := range r.added(d) {
			if _, ok := d[k]; !ok {
				d[k] = v
			}
		}
	}
	return d, nil
}

func validAPIVersion(v string) bool {
	rest, ok := strings.CutPrefix(v, "v")
	if !ok || rest == "" {
		return false
	}
	major, minor, _ := strings.Cut(rest, ".")
	return digits(major) && (minor == "" || digits(minor))
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func checkOIDCDetails(d map[string]string) error {
	switch d["attributes_request_method"] {
	case "GET", "POST":
	default:
		return invalid("attributes_request_method must be GET or POST.")
	}
	for _, k := range []string{"oidc_issuer", "authorize_url", "token_url", "attributes_url", "jwks_uri"} {
		if v, ok := d[k]; ok && !isWebURL(v) {
			return invalid("%s must be an https URL: %s", k, v)
		}
	}
	// Endpoints named explicitly come together: gognito does not mix
	// discovery and explicit URLs.
	n := 0
	for _, k := range []string{"authorize_url", "token_url", "jwks_uri"} {
		if d[k] != "" {
			n++
		}
	}
	if n != 0 && n != 3 {
		return invalid("authorize_url, token_url and jwks_uri must be given together, or none of them (discovery from oidc_issuer).")
	}
	if v, ok := d["attributes_url_add_attributes"]; ok && v != "true" && v != "false" {
		return invalid("attributes_url_add_attributes must be true or false.")
	}
	return nil
}

func isWebURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func checkSAMLDetails(d map[string]string) error {
	for _, k := range samlComputed {
		delete(d, k)
	}
	file, url := d["MetadataFile"], d["MetadataURL"]
	switch {
	case file == "" && url == "":
		return invalid("MetadataFile or MetadataURL is required in the ProviderDetails of a SAML identity provider.")
	case file != "" && url != "":
		return invalid("Only one of MetadataFile and MetadataURL may be given.")
	case url != "" && !isWebURL(url):
		return invalid("MetadataURL must be an https URL: %s", url)
	}
	if file == "" {
		delete(d, "MetadataFile")
	} else {
		delete(d, "MetadataURL")
	}
	for _, k := range []string{"IDPSignout", "IDPInit", "EncryptedResponses"} {
		if v, ok := d[k]; ok && v != "true" && v != "false" {
			return invalid("%s must be true or false.", k)
		}
	}
	if v, ok := d["RequestSigningAlgorithm"]; ok && v != "rsa-sha256" {
		return invalid("RequestSigningAlgorithm must be rsa-sha256.")
	}
	return nil
}

// checkMapping validates an AttributeMapping against the pool's schema and
// returns it as stored (the username mapping Cognito adds filled in).
func checkMapping(pool *userpool.Pool, typ string, in map[string]string) (map[string]string, error) {
	m := maps.Clone(in)
	if m == nil {
		m = map[string]string{}
	}
	for _, attr := range sortedKeys(m) {
		if strings.TrimSpace(m[attr]) == "" {
			return nil, invalid("The attribute mapping of %s names no provider attribute.", attr)
		}
		if attr == "username" {
			if typ == TypeSAML {
				return nil, invalid("username cannot be mapped for a SAML identity provider: the SAML subject (NameID) is its username.")
			}
			continue
		}
		sa, ok := schemaAttr(pool, attr)
		if !ok {
			return nil, invalid("The attribute %s in the AttributeMapping is not an attribute of the user pool.", attr)
		}
		if attr == "sub" || (sa.Mutable != nil && !*sa.Mutable) {
			return nil, invalid("The attribute %s is not mutable and cannot be mapped from an identity provider.", attr)
		}
	}
	if r := rules[typ]; r.usernameFrom != "" {
		if _, ok := m["username"]; !ok {
			m["username"] = r.usernameFrom
		}
	}
	return m, nil
}

func schemaAttr(pool *userpool.Pool, name string) (userpool.SchemaAttribute, bool) {
	for _, a := range pool.SchemaAttributes {
		if a.Name == name {
			return a, true
		}
	}
	return userpool.SchemaAttribute{}, false
}

// checkIdentifiers applies Cognito's rules to IdpIdentifiers (the model's
// pattern and lengths are checked before): no duplicates in the list.
func checkIdentifiers(ids []string) ([]string, error) {
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return nil, invalid("Duplicate IdpIdentifier %s.", id)
		}
		seen[id] = true
	}
	out := slices.Clone(ids)
	sort.Strings(out)
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

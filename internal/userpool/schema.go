package userpool

import (
	"fmt"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// standardAttributes are the attributes every Cognito pool has, in the order
// DescribeUserPool lists them.
var standardAttributes = []struct {
	name, typ        string
	mutable, require bool
	min, max         string
}{
	{"sub", "String", false, true, "1", "2048"},
	{"name", "String", true, false, "0", "2048"},
	{"given_name", "String", true, false, "0", "2048"},
	{"family_name", "String", true, false, "0", "2048"},
	{"middle_name", "String", true, false, "0", "2048"},
	{"nickname", "String", true, false, "0", "2048"},
	{"preferred_username", "String", true, false, "0", "2048"},
	{"profile", "String", true, false, "0", "2048"},
	{"picture", "String", true, false, "0", "2048"},
	{"website", "String", true, false, "0", "2048"},
	{"email", "String", true, false, "0", "2048"},
	{"email_verified", "Boolean", true, false, "", ""},
	{"gender", "String", true, false, "0", "2048"},
	{"birthdate", "String", true, false, "10", "10"},
	{"zoneinfo", "String", true, false, "0", "2048"},
	{"locale", "String", true, false, "0", "2048"},
	{"phone_number", "String", true, false, "0", "2048"},
	{"phone_number_verified", "Boolean", true, false, "", ""},
	{"address", "String", true, false, "0", "2048"},
	{"updated_at", "Number", true, false, "0", ""},
}

// IsStandardAttribute reports whether name is one of Cognito's standard
// attributes.
func IsStandardAttribute(name string) bool {
	for _, a := range standardAttributes {
		if a.name == name {
			return true
		}
	}
	return false
}

func defaultSchema() []cip.SchemaAttributeType {
	out := make([]cip.SchemaAttributeType, 0, len(standardAttributes))
	for _, a := range standardAttributes {
		s := cip.SchemaAttributeType{
			Name:                   a.name,
			AttributeDataType:      a.typ,
			DeveloperOnlyAttribute: ptr(false),
			Mutable:                ptr(a.mutable),
			Required:               ptr(a.require),
		}
		switch a.typ {
		case "String":
			s.StringAttributeConstraints = &cip.StringAttributeConstraintsType{MinLength: a.min, MaxLength: a.max}
		case "Number":
			s.NumberAttributeConstraints = &cip.NumberAttributeConstraintsType{MinValue: a.min}
		}
		out = append(out, s)
	}
	return out
}

// customAttribute turns a requested custom attribute into its stored form:
// "custom:<name>" (or "dev:custom:<name>" for developer-only attributes).
func customAttribute(in cip.SchemaAttributeType) (cip.SchemaAttributeType, error) {
	name := strings.TrimPrefix(in.Name, "custom:")
	if name == "" || len([]rune(name)) > MaxCustomAttrNameLen {
		return in, awserr.Newf(awserr.InvalidParameter, "Custom attribute name %s is invalid: it must be 1 to %d characters.", in.Name, MaxCustomAttrNameLen)
	}
	if in.Required != nil && *in.Required {
		return in, awserr.New(awserr.InvalidParameter, "Required custom attributes are not supported currently.")
	}
	out := in
	out.Name = "custom:" + name
	if in.DeveloperOnlyAttribute != nil && *in.DeveloperOnlyAttribute {
		out.Name = "dev:custom:" + name
	}
	if out.AttributeDataType == "" {
		out.AttributeDataType = "String"
	}
	if out.DeveloperOnlyAttribute == nil {
		out.DeveloperOnlyAttribute = ptr(false)
	}
	if out.Mutable == nil {
		out.Mutable = ptr(true)
	}
	out.Required = ptr(false)
	switch out.AttributeDataType {
	case "String":
		out.NumberAttributeConstraints = nil
		if c := out.StringAttributeConstraints; c != nil {
			if err := checkRange("string length", c.MinLength, c.MaxLength, 0, 2048); err != nil {
				return in, err
			}
		}
	case "Number":
		out.StringAttributeConstraints = nil
		if c := out.NumberAttributeConstraints; c != nil {
			if err := checkRange("number value", c.MinValue, c.MaxValue, -1<<62, 1<<62); err != nil {
				return in, err
			}
		}
	default:
		out.StringAttributeConstraints, out.NumberAttributeConstraints = nil, nil
	}
	return out, nil
}

func checkRange(what, lo, hi string, floor, ceil int64) error {
	var l, h int64 = floor, ceil
	if lo != "" {
		if _, err := fmt.Sscan(lo, &l); err != nil {
			return awserr.Newf(awserr.InvalidParameter, "Invalid minimum %s: %s", what, lo)
		}
	}
	if hi != "" {
		if _, err := fmt.Sscan(hi, &h); err != nil {
			return awserr.Newf(awserr.InvalidParameter, "Invalid maximum %s: %s", what, hi)
		}
	}
	if l < floor || h > ceil || l > h {
		return awserr.Newf(awserr.InvalidParameter, "Invalid %s constraints: min %s, max %s.", what, lo, hi)
	}
	return nil
}

// buildSchema merges the requested schema into the standard attributes.
func buildSchema(req []cip.SchemaAttributeType) ([]cip.SchemaAttributeType, error) {
	schema := defaultSchema()
	seen := map[string]bool{}
	for _, a := range req {
		if seen[a.Name] {
			return nil, awserr.Newf(awserr.InvalidParameter, "Duplicate attribute name %s.", a.Name)
		}
		seen[a.Name] = true
		if i := indexOfAttr(schema, a.Name); i >= 0 && !strings.HasPrefix(a.Name, "custom:") {
			std := &schema[i]
			if a.AttributeDataType != "" && a.AttributeDataType != std.AttributeDataType {
				return nil, awserr.Newf(awserr.InvalidParameter, "Invalid AttributeDataType input, consider using the provided AttributeDataType enum.")
			}
			if a.Name == "sub" {
				continue
			}
			if a.Required != nil {
				std.Required = ptr(*a.Required)
			}
			if a.Mutable != nil {
				std.Mutable = ptr(*a.Mutable)
			}
			if a.StringAttributeConstraints != nil && std.StringAttributeConstraints != nil {
				c := *a.StringAttributeConstraints
				if err := checkRange("string length", c.MinLength, c.MaxLength, 0, 2048); err != nil {
					return nil, err
				}
				if c.MinLength != "" {
					std.StringAttributeConstraints.MinLength = c.MinLength
				}
				if c.MaxLength != "" {
					std.StringAttributeConstraints.MaxLength = c.MaxLength
				}
			}
			continue
		}
		c, err := customAttribute(a)
		if err != nil {
			return nil, err
		}
		schema = append(schema, c)
	}
	if n := countCustom(schema); n > MaxCustomAttributes {
		return nil, awserr.Newf(awserr.LimitExceeded, "A user pool can have at most %d custom attributes.", MaxCustomAttributes)
	}
	return schema, nil
}

func indexOfAttr(schema []cip.SchemaAttributeType, name string) int {
	for i, a := range schema {
		if a.Name == name {
			return i
		}
	}
	return -1
}

func countCustom(schema []cip.SchemaAttributeType) int {
	n := 0
	for _, a := range schema {
		if strings.HasPrefix(a.Name, "custom:") || strings.HasPrefix(a.Name, "dev:custom:") {
			n++
		}
	}
	return n
}

// HasAttribute reports whether a schema defines an attribute.
func HasAttribute(schema []cip.SchemaAttributeType, name string) bool {
	return indexOfAttr(schema, name) >= 0
}

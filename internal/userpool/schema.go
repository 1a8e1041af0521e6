package userpool

import (
	"strconv"
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
	if in.AttributeDataType == "" {
		return in, awserr.New(awserr.InvalidParameter, "Invalid AttributeDataType input, consider using the provided AttributeDataType enum.")
	}
	out := in
	out.Name = "custom:" + name
	if in.DeveloperOnlyAttribute != nil && *in.DeveloperOnlyAttribute {
		out.Name = "dev:custom:" + name
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
			if err := checkStringLength(out.Name, c.MinLength, c.MaxLength); err != nil {
				return in, err
			}
		}
	case "Number":
		out.StringAttributeConstraints = nil
		if c := out.NumberAttributeConstraints; c != nil {
			if err := checkNumberRange(out.Name, c.MinValue, c.MaxValue); err != nil {
				return in, err
			}
		}
	default:
		out.StringAttributeConstraints, out.NumberAttributeConstraints = nil, nil
	}
	return out, nil
}

// bound parses a constraint's bound ("" is none) as Cognito does: a whole
// number, else "Invalid <constraints> for schema attribute <name>".
func bound(v, constraints, attr string) (n int64, set bool, err error) {
	if v == "" {
		return 0, false, nil
	}
	n, perr := strconv.ParseInt(v, 10, 64)
	if perr != nil {
		return 0, false, awserr.Newf(awserr.InvalidParameter, "Invalid %s for schema attribute %s", constraints, attr)
	}
	return n, true, nil
}

// checkStringLength checks StringAttributeConstraints as Cognito does: whole
// numbers, neither over 2048, the minimum not over the maximum.
func checkStringLength(attr, lo, hi string) error {
	l, lset, err := bound(lo, "StringAttributeConstraints", attr)
	if err != nil {
		return err
	}
	h, hset, err := bound(hi, "StringAttributeConstraints", attr)
	if err != nil {
		return err
	}
	if l < 0 || h < 0 {
		return awserr.Newf(awserr.InvalidParameter, "Invalid StringAttributeConstraints for schema attribute %s", attr)
	}
	if l > 2048 || h > 2048 {
		return awserr.Newf(awserr.InvalidParameter, "user.%s: String attributes cannot have a length of more than 2048", attr)
	}
	if lset && hset && l > h {
		return awserr.Newf(awserr.InvalidParameter, "user.%s: Max length cannot be less than min length.", attr)
	}
	return nil
}

// checkNumberRange checks NumberAttributeConstraints as Cognito does: whole
// numbers, the minimum not over the maximum.
func checkNumberRange(attr, lo, hi string) error {
	l, lset, err := bound(lo, "NumberAttributeConstraints", attr)
	if err != nil {
		return err
	}
	h, hset, err := bound(hi, "NumberAttributeConstraints", attr)
	if err != nil {
		return err
	}
	if lset && hset && l > h {
		return awserr.Newf(awserr.InvalidParameter, "user.%s: Max value cannot be less than min value.", attr)
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
			if (a.AttributeDataType != "" && a.AttributeDataType != std.AttributeDataType) || (a.DeveloperOnlyAttribute != nil && *a.DeveloperOnlyAttribute) {
				return nil, awserr.Newf(awserr.InvalidParameter, "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute %s", a.Name)
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
				if err := checkStringLength(a.Name, c.MinLength, c.MaxLength); err != nil {
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

package users

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gognito/gognito/internal/awserr"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

var (
	emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	phoneRE = regexp.MustCompile(`^\+[0-9]{4,15}$`)
)

// schemaProblems collects "Attributes did not conform to the schema" lines,
// reported together as Cognito does.
type schemaProblems []string

func (sp *schemaProblems) add(name, problem string) { *sp = append(*sp, name+": "+problem) }

func (sp schemaProblems) err() error {
	if len(sp) == 0 {
		return nil
	}
	return awserr.New(awserr.InvalidParameter, "Attributes did not conform to the schema: "+strings.Join(sp, "\n")+"\n")
}

// checkAttributes validates attributes a request writes. creating is true
// for new users (immutable attributes may be set once). write, when not nil,
// is the app client's WriteAttributes.
func (p *pool) checkAttributes(attrs []cip.AttributeType, creating bool) error {
	var sp schemaProblems
	for _, a := range attrs {
		def := p.schemaAttr(a.Name)
		if def == nil || strings.HasPrefix(a.Name, "dev:") {
			sp.add(a.Name, "Attribute does not exist in the schema.")
			continue
		}
		if a.Name == "sub" {
			sp.add(a.Name, "Attribute cannot be updated.")
			continue
		}
		if !creating && def.Mutable != nil && !*def.Mutable {
			sp.add(a.Name, "Attribute cannot be updated. (changing an immutable attribute)")
			continue
		}
		switch def.AttributeDataType {
		case "String":
			if c := def.StringAttributeConstraints; c != nil {
				n := utf8.RuneCountInString(a.Value)
				if max, err := strconv.Atoi(c.MaxLength); err == nil && n > max {
					sp.add(a.Name, "String must be no longer than "+c.MaxLength+" characters")
				} else if min, err := strconv.Atoi(c.MinLength); err == nil && n < min && a.Value != "" {
					sp.add(a.Name, "String must be no shorter than "+c.MinLength+" characters")
				}
			}
		case "Number":
			v, err := strconv.ParseFloat(a.Value, 64)
			if err != nil {
				sp.add(a.Name, "Number must be a valid number")
				break
			}
			if c := def.NumberAttributeConstraints; c != nil {
				if min, err := strconv.ParseFloat(c.MinValue, 64); err == nil && v < min {
					sp.add(a.Name, "Number must be no less than "+c.MinValue)
				}
				if max, err := strconv.ParseFloat(c.MaxValue, 64); err == nil && v > max {
					sp.add(a.Name, "Number must be no greater than "+c.MaxValue)
				}
			}
		case "Boolean":
			if a.Value != "true" && a.Value != "false" {
				sp.add(a.Name, "Boolean must be true or false")
			}
		case "DateTime":
			if _, err := strconv.ParseInt(a.Value, 10, 64); err != nil {
				sp.add(a.Name, "DateTime must be a number of seconds since the epoch")
			}
		}
	}
	if err := sp.err(); err != nil {
		return err
	}
	for _, a := range attrs {
		switch a.Name {
		case "email":
			if !emailRE.MatchString(a.Value) {
				return awserr.New(awserr.InvalidParameter, "Invalid email address format.")
			}
		case "phone_number":
			if !phoneRE.MatchString(a.Value) {
				return awserr.New(awserr.InvalidParameter, "Invalid phone number format.")
			}
		}
	}
	return nil
}

// checkRequired reports required schema attributes missing from attrs.
func (p *pool) checkRequired(attrs []cip.AttributeType) error {
	have := map[string]bool{}
	for _, a := range attrs {
		if a.Value != "" {
			have[a.Name] = true
		}
	}
	var sp schemaProblems
	for _, def := range p.Config.SchemaAttributes {
		if def.Required != nil && *def.Required && def.Name != "sub" && !have[def.Name] {
			sp.add(def.Name, "The attribute is required")
		}
	}
	return sp.err()
}

// checkWritable refuses attributes the app client may not write.
func (c *client) checkWritable(attrs []cip.AttributeType) error {
	if len(c.Config.WriteAttributes) == 0 {
		return nil
	}
	allowed := map[string]bool{}
	for _, a := range c.Config.WriteAttributes {
		allowed[a] = true
	}
	for _, a := range attrs {
		if !allowed[a.Name] {
			return awserr.New(awserr.NotAuthorized, "A client attempted to write unauthorized attribute")
		}
	}
	return nil
}

// refuseVerifiedFlags refuses email_verified and phone_number_verified from
// a user's own request (SignUp): only an administrator or a code marks an
// attribute verified, as Cognito's write permissions have it.
func refuseVerifiedFlags(attrs []cip.AttributeType) error {
	for _, a := range attrs {
		if strings.HasSuffix(a.Name, "_verified") {
			return awserr.New(awserr.NotAuthorized, "A client attempted to write unauthorized attribute")
		}
	}
	return nil
}

// readable filters attributes to those the client may read (all when the
// client lists none).
func (c *client) readable(attrs []cip.AttributeType) []cip.AttributeType {
	if c == nil || len(c.Config.ReadAttributes) == 0 {
		return attrs
	}
	allowed := map[string]bool{"sub": true}
	for _, a := range c.Config.ReadAttributes {
		allowed[a] = true
	}
	out := []cip.AttributeType{}
	for _, a := range attrs {
		if allowed[a.Name] {
			out = append(out, a)
		}
	}
	return out
}

// maskEmail and maskPhone hide a destination as Cognito's
// CodeDeliveryDetails do: "a***@e***", "+*******1234".
func maskEmail(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" || domain == "" {
		return "***"
	}
	return local[:1] + "***@" + domain[:1] + "***"
}

func maskPhone(p string) string {
	if len(p) <= 4 {
		return "+***"
	}
	return "+" + strings.Repeat("*", len(p)-5) + p[len(p)-4:]
}

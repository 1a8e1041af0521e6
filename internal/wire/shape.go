package wire

import "strconv"

// Kind is the type of a shape, as the service model names it.
type Kind uint8

// The kinds of shape. The zero Kind is not a valid kind.
const (
	String Kind = iota + 1
	Integer
	Long
	Boolean
	Timestamp
	Blob
	Document
	Structure
	List
	Map
)

var kindNames = [...]string{
	String:    "string",
	Integer:   "integer",
	Long:      "long",
	Boolean:   "boolean",
	Timestamp: "timestamp",
	Blob:      "blob",
	Document:  "document",
	Structure: "structure",
	List:      "list",
	Map:       "map",
}

// String returns the model's name for the kind ("string", "structure", ...).
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Member is one member of a structure shape.
type Member struct {
	Name  string // as in the model and on the wire, e.g. "UserPoolId"
	Shape string // name of the target shape
}

// Shape is one shape of a service model, reduced to what the wire types and
// the validator need.
type Shape struct {
	Name string
	Kind Kind

	// Members of a structure, in model order; Required lists the names of
	// the required ones.
	Members  []Member
	Required []string

	// Min and Max bound the length of a string (in Unicode code points), blob (in
	// bytes), list or map (in entries), and the value of an integer or long.
	// nil means no bound.
	Min, Max *int64

	// Pattern is the regular expression exactly as the model gives it (Java
	// syntax); it is what violation messages quote. Regexp is the RE2 form
	// that Validate matches against the whole value: the generator copies
	// Pattern, translated to RE2 where Java and RE2 differ. An empty Regexp
	// means the value is not checked against a pattern (the generated file
	// says why when Pattern is set).
	Pattern string
	Regexp  string

	// Enum lists the allowed values of a string shape, in model order.
	Enum []string

	// Sensitive values (passwords, tokens, secrets) are never echoed in
	// messages and must never be logged.
	Sensitive bool

	// ListMember names the element shape of a list; MapKey and MapValue the
	// key and value shapes of a map.
	ListMember       string
	MapKey, MapValue string

	// Exception marks an error shape; Fault marks a server-side one.
	Exception bool
	Fault     bool
}

// Shapes maps shape names to shapes.
type Shapes map[string]*Shape

// AuthKind says how the caller of an operation is authenticated.
type AuthKind uint8

const (
	// AuthSigV4: the request is signed with IAM credentials (SigV4).
	AuthSigV4 AuthKind = iota
	// AuthAccessToken: the request is unsigned and carries the user's
	// access token in its AccessToken member.
	AuthAccessToken
	// AuthNone: the request is unsigned and public.
	AuthNone
)

// String returns "SigV4", "AccessToken" or "None".
func (a AuthKind) String() string {
	switch a {
	case AuthSigV4:
		return "SigV4"
	case AuthAccessToken:
		return "AccessToken"
	case AuthNone:
		return "None"
	}
	return "AuthKind(" + strconv.Itoa(int(a)) + ")"
}

// Operation is one operation of a service.
type Operation struct {
	Name   string
	Input  string // input shape; empty when the operation takes none
	Output string // output shape; empty when the operation returns none
	Errors []string
	Auth   AuthKind
}

package wire

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// ValidateOptions adjusts Validate. A nil *ValidateOptions means no
// adjustments.
type ValidateOptions struct {
	// SkipPattern, when set, is asked about every string value that has a
	// pattern; returning true exempts the value at that path from its pattern
	// check (its other constraints still apply). Paths are written as in
	// violation messages: "domain", "userAttributes.1.member.name"; an
	// element of a list of strings is asked about as "<list>.<i>.member" and
	// a map key as the map's path.
	//
	// This exists because a model pattern is sometimes narrower than what
	// the service accepts: DomainType's pattern describes prefix domains, yet
	// CreateUserPoolDomain takes a custom domain such as auth.example.com
	// when CustomDomainConfig is present.
	SkipPattern func(path string) bool
}

// TypeError reports a value whose JSON type does not fit its shape: a string
// where a structure is expected, a fraction or an out-of-range number for an
// integer, and so on. AWS answers such a request with a
// SerializationException. Message is worded like AWS's (Coral's) where that
// wording is known ("Start of structure or map found where not expected.")
// and never includes a sensitive value; Path locates the value.
type TypeError struct {
	Path    string // e.g. "policies.passwordPolicy.minimumLength"
	Message string
}

// Error returns the message followed by the path: "<Message> (at '<Path>')".
func (e *TypeError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Message + " (at '" + e.Path + "')"
}

// FormatViolations words a list of violations as AWS does:
// "1 validation error detected: <v0>" or
// "N validation errors detected: <v0>; <v1>; ...". It returns "" for none.
func FormatViolations(v []string) string {
	switch len(v) {
	case 0:
		return ""
	case 1:
		return "1 validation error detected: " + v[0]
	}
	return strconv.Itoa(len(v)) + " validation errors detected: " + strings.Join(v, "; ")
}

// Validate checks a request body against the structure shape root and
// returns the constraint violations, worded as AWS words them (join them
// with FormatViolations). body must have been decoded with
// json.Decoder.UseNumber, so that numbers are json.Number; a nil body is an
// empty one.
//
// Members are visited in model order, recursing into structures, lists and
// maps; members the model does not know are ignored, as AWS ignores them, and
// a JSON null counts as absent. For each value the checks run in this order:
// pattern, length, enum, value range. Paths name each member with its first
// letter lower-cased and join them with dots:
//
//   - an element of a list of structures (or of lists or maps) is
//     "<list>.<i>.member" with i counting from 1, e.g.
//     "userAttributes.1.member.name";
//   - a list of scalars is reported once at the list's own path, listing
//     every constraint of the element shape, as AWS does: "Value '[a, b]' at
//     'clientIds' failed to satisfy constraint: Member must satisfy
//     constraint: [Member must have length less than or equal to 128, ...]";
//   - a map's keys and scalar values are likewise reported once each ("Map
//     keys must satisfy constraint: [...]", "Map value must satisfy
//     constraint: [...]"), and a value of structure type is visited at
//     "<map>.<key>";
//   - a null element of a list or map is reported at its own path as "Member
//     must not be null".
//
// Values are quoted as 'text'; they are left out (Value at 'x' ...) when the
// shape, or any shape enclosing it, is sensitive, and for blobs, structures,
// maps and lists of structures. Lengths of strings count Unicode code points.
//
// A value of the wrong JSON type stops validation with a *TypeError. Any
// other error means the shape table itself is broken (an unknown shape, a
// pattern that does not compile).
func Validate(shapes Shapes, root string, body map[string]any, opts *ValidateOptions) (violations []string, err error) {
	v := &validator{shapes: shapes}
	if opts != nil {
		v.skipPattern = opts.SkipPattern
	}
	s, err := v.shape(root)
	if err != nil {
		return nil, err
	}
	if s.Kind != Structure {
		return nil, fmt.Errorf("wire: shape %s is a %s, not a structure", root, s.Kind)
	}
	if err := v.structure("", s, body, s.Sensitive); err != nil {
		return nil, err
	}
	return v.out, nil
}

// MatchPattern reports whether value satisfies the shape's pattern (its
// Regexp, matched against the whole value). A shape without a Regexp
// matches everything.
func (s *Shape) MatchPattern(value string) (bool, error) {
	if s.Regexp == "" {
		return true, nil
	}
	re, err := compiledPattern(s.Regexp)
	if err != nil {
		return false, fmt.Errorf("wire: shape %s: %w", s.Name, err)
	}
	return re.MatchString(value), nil
}

// patterns caches compiled patterns by their RE2 source, so that each is
// compiled once per process.
var patterns sync.Map // string → *regexp.Regexp

func compiledPattern(src string) (*regexp.Regexp, error) {
	if re, ok := patterns.Load(src); ok {
		return re.(*regexp.Regexp), nil
	}
	// Java's matches() semantics: the pattern must match the whole value.
	re, err := regexp.Compile(`^(?:` + src + `)$`)
	if err != nil {
		return nil, err
	}
	actual, _ := patterns.LoadOrStore(src, re)
	return actual.(*regexp.Regexp), nil
}

type validator struct {
	shapes      Shapes
	skipPattern func(path string) bool
	out         []string
}

func (v *validator) shape(name string) (*Shape, error) {
	s, ok := v.shapes[name]
	if !ok || s == nil {
		return nil, fmt.Errorf("wire: unknown shape %q", name)
	}
	return s, nil
}

// add records one violation. hide leaves the value out of the message.
func (v *validator) add(path, text string, hide bool, constraint string) {
	value := "Value "
	if !hide {
		value += "'" + text + "' "
	}
	v.out = append(v.out, value+"at '"+path+"' failed to satisfy constraint: "+constraint)
}

func (v *validator) addNull(path string) {
	v.out = append(v.out, "Value null at '"+path+"' failed to satisfy constraint: Member must not be null")
}

func (v *validator) structure(path string, s *Shape, obj map[string]any, sensitive bool) error {
	for _, m := range s.Members {
		p := joinPath(path, lowerFirst(m.Name))
		val := obj[m.Name]
		if val == nil {
			if slices.Contains(s.Required, m.Name) {
				v.addNull(p)
			}
			continue
		}
		t, err := v.shape(m.Shape)
		if err != nil {
			return err
		}
		if err := v.value(p, t, val, sensitive); err != nil {
			return err
		}
	}
	return nil
}

// value checks a non-null value of shape s. sensitive says whether an
// enclosing shape is sensitive.
func (v *validator) value(path string, s *Shape, val any, sensitive bool) error {
	sensitive = sensitive || s.Sensitive
	switch s.Kind {
	case Document:
		return nil
	case Structure:
		obj, ok := val.(map[string]any)
		if !ok {
			return typeError(path, s.Kind, val)
		}
		return v.structure(path, s, obj, sensitive)
	case List:
		return v.list(path, s, val, sensitive)
	case Map:
		return v.mapOf(path, s, val, sensitive)
	}
	fails, text, hide, err := v.scalar(path, s, val)
	if err != nil {
		return err
	}
	for _, f := range fails {
		v.add(path, text, hide || sensitive, f)
	}
	return nil
}

func (v *validator) list(path string, s *Shape, val any, sensitive bool) error {
	arr, ok := val.([]any)
	if !ok {
		return typeError(path, s.Kind, val)
	}
	elem, err := v.shape(s.ListMember)
	if err != nil {
		return err
	}
	text, shown := listText(arr)
	hide := !shown || sensitive || elem.Sensitive || !isScalar(elem.Kind) || elem.Kind == Blob
	for _, f := range lengthFails(s, int64(len(arr))) {
		v.add(path, text, hide, f)
	}
	if !isScalar(elem.Kind) {
		for i, e := range arr {
			p := path + "." + strconv.Itoa(i+1) + ".member"
			if e == nil {
				v.addNull(p)
				continue
			}
			if err := v.value(p, elem, e, sensitive); err != nil {
				return err
			}
		}
		return nil
	}
	failed := false
	for i, e := range arr {
		p := path + "." + strconv.Itoa(i+1) + ".member"
		if e == nil {
			v.addNull(p)
			continue
		}
		fails, _, _, err := v.scalar(p, elem, e)
		if err != nil {
			return err
		}
		failed = failed || len(fails) > 0
	}
	if failed {
		v.add(path, text, hide, "Member must satisfy constraint: ["+strings.Join(constraints(elem), ", ")+"]")
	}
	return nil
}

func (v *validator) mapOf(path string, s *Shape, val any, sensitive bool) error {
	obj, ok := val.(map[string]any)
	if !ok {
		return typeError(path, s.Kind, val)
	}
	keyShape, err := v.shape(s.MapKey)
	if err != nil {
		return err
	}
	valShape, err := v.shape(s.MapValue)
	if err != nil {
		return err
	}
	for _, f := range lengthFails(s, int64(len(obj))) {
		v.add(path, "", true, f)
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	failed := false
	for _, k := range keys {
		fails, _, _, err := v.scalar(path, keyShape, k)
		if err != nil {
			return err
		}
		failed = failed || len(fails) > 0
	}
	if failed {
		v.add(path, "", true, "Map keys must satisfy constraint: ["+strings.Join(constraints(keyShape), ", ")+"]")
	}

	failed = false
	for _, k := range keys {
		p := path + "." + k
		e := obj[k]
		if e == nil {
			v.addNull(p)
			continue
		}
		if !isScalar(valShape.Kind) {
			if err := v.value(p, valShape, e, sensitive); err != nil {
				return err
			}
			continue
		}
		fails, _, _, err := v.scalar(p, valShape, e)
		if err != nil {
			return err
		}
		failed = failed || len(fails) > 0
	}
	if failed {
		v.add(path, "", true, "Map value must satisfy constraint: ["+strings.Join(constraints(valShape), ", ")+"]")
	}
	return nil
}

// scalar type-checks a non-null scalar value and returns the constraints it
// fails, in the order AWS reports them, with the value as a message shows it
// (hide: not at all).
func (v *validator) scalar(path string, s *Shape, val any) (fails []string, text string, hide bool, err error) {
	switch s.Kind {
	case String:
		str, ok := val.(string)
		if !ok {
			return nil, "", false, typeError(path, s.Kind, val)
		}
		if s.Regexp != "" && (v.skipPattern == nil || !v.skipPattern(path)) {
			ok, err := s.MatchPattern(str)
			if err != nil {
				return nil, "", false, err
			}
			if !ok {
				fails = append(fails, patternConstraint(s))
			}
		}
		fails = append(fails, lengthFails(s, int64(utf8.RuneCountInString(str)))...)
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, str) {
			fails = append(fails, enumConstraint(s))
		}
		return fails, str, false, nil
	case Integer, Long:
		n, err := integer(path, s.Kind, val)
		if err != nil {
			return nil, "", false, err
		}
		if s.Min != nil && n < *s.Min {
			fails = append(fails, "Member must have value greater than or equal to "+strconv.FormatInt(*s.Min, 10))
		}
		if s.Max != nil && n > *s.Max {
			fails = append(fails, "Member must have value less than or equal to "+strconv.FormatInt(*s.Max, 10))
		}
		return fails, strconv.FormatInt(n, 10), false, nil
	case Boolean:
		b, ok := val.(bool)
		if !ok {
			return nil, "", false, typeError(path, s.Kind, val)
		}
		return nil, strconv.FormatBool(b), false, nil
	case Timestamp:
		text, ok := numberText(val)
		if !ok {
			return nil, "", false, typeError(path, s.Kind, val)
		}
		return nil, text, false, nil
	case Blob:
		str, ok := val.(string)
		if !ok {
			return nil, "", false, typeError(path, s.Kind, val)
		}
		b, err := base64.StdEncoding.DecodeString(str)
		if err != nil {
			return nil, "", false, &TypeError{Path: path, Message: "Value can not be converted to a Blob: it is not valid Base64"}
		}
		return lengthFails(s, int64(len(b))), "", true, nil
	}
	return nil, "", false, fmt.Errorf("wire: shape %s: a %s is not a scalar", s.Name, s.Kind)
}

func isScalar(k Kind) bool {
	switch k {
	case Structure, List, Map, Document:
		return false
	}
	return true
}

func lengthFails(s *Shape, n int64) []string {
	var fails []string
	if s.Min != nil && n < *s.Min {
		fails = append(fails, "Member must have length greater than or equal to "+strconv.FormatInt(*s.Min, 10))
	}
	if s.Max != nil && n > *s.Max {
		fails = append(fails, "Member must have length less than or equal to "+strconv.FormatInt(*s.Max, 10))
	}
	return fails
}

func patternConstraint(s *Shape) string {
	p := s.Pattern
	if p == "" {
		p = s.Regexp
	}
	return "Member must satisfy regular expression pattern: " + p
}

func enumConstraint(s *Shape) string {
	return "Member must satisfy enum value set: [" + strings.Join(s.Enum, ", ") + "]"
}

// constraints lists every constraint of an element shape, in the order AWS
// lists them inside "Member must satisfy constraint: [...]": upper bound,
// lower bound, pattern, enum.
func constraints(s *Shape) []string {
	word := "length"
	if s.Kind == Integer || s.Kind == Long {
		word = "value"
	}
	var c []string
	if s.Max != nil {
		c = append(c, "Member must have "+word+" less than or equal to "+strconv.FormatInt(*s.Max, 10))
	}
	if s.Min != nil {
		c = append(c, "Member must have "+word+" greater than or equal to "+strconv.FormatInt(*s.Min, 10))
	}
	if s.Pattern != "" || s.Regexp != "" {
		c = append(c, patternConstraint(s))
	}
	if len(s.Enum) > 0 {
		c = append(c, enumConstraint(s))
	}
	return c
}

// integer reads an integer or long value. A fraction, an exponent or a value
// out of range is a type error.
func integer(path string, k Kind, val any) (int64, error) {
	text, ok := numberText(val)
	if !ok {
		return 0, typeError(path, k, val)
	}
	bits, name := 32, "an Integer"
	if k == Long {
		bits, name = 64, "a Long"
	}
	n, err := strconv.ParseInt(text, 10, bits)
	if err == nil {
		return n, nil
	}
	if errors.Is(err, strconv.ErrRange) {
		return 0, &TypeError{Path: path, Message: "Value '" + text + "' is out of range for " + name}
	}
	return 0, &TypeError{Path: path, Message: "Value '" + text + "' can not be converted to " + name + ": it is not a whole number"}
}

// numberText returns the text of a JSON number (a json.Number, or a float64
// when the body was decoded without UseNumber).
func numberText(val any) (string, bool) {
	switch n := val.(type) {
	case json.Number:
		return n.String(), true
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64), true
	}
	return "", false
}

// listText renders a list of scalars the way Java prints a list: [a, b].
// It reports false when an element is not a scalar.
func listText(arr []any) (string, bool) {
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range arr {
		if i > 0 {
			b.WriteString(", ")
		}
		switch e := e.(type) {
		case nil:
			b.WriteString("null")
		case string:
			b.WriteString(e)
		case bool:
			b.WriteString(strconv.FormatBool(e))
		default:
			text, ok := numberText(e)
			if !ok {
				return "", false
			}
			b.WriteString(text)
		}
	}
	b.WriteByte(']')
	return b.String(), true
}

// typeError words a JSON type mismatch the way AWS's JSON 1.1 front end
// (Coral) does.
func typeError(path string, want Kind, val any) *TypeError {
	msg := "Unexpected value for a " + want.String()
	switch val.(type) {
	case map[string]any:
		msg = "Start of structure or map found where not expected."
	case []any:
		msg = "Start of list found where not expected"
	default:
		var from string
		switch val := val.(type) {
		case string:
			from = "class java.lang.String"
			if want == Boolean {
				from = "'" + strings.ToUpper(val) + "'"
			}
		case bool:
			from = "class java.lang.Boolean"
		case json.Number, float64:
			from = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber"
		}
		switch want {
		case Structure:
			msg = "Expected null"
		case List:
			msg = "Expected list or null"
		case Map:
			msg = "Expected map or null"
		case String:
			msg = from + " can not be converted to an String"
		case Integer:
			msg = from + " can not be converted to an Integer"
		case Long:
			msg = from + " can not be converted to an Long"
		case Boolean:
			msg = from + " can not be converted to an Boolean"
		case Timestamp:
			msg = from + " can not be converted to milliseconds since epoch"
		case Blob:
			msg = from + " can not be converted to a Blob"
		}
	}
	return &TypeError{Path: path, Message: msg}
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

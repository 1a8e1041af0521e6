package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
)

// object is a JSON object that remembers the order of its keys, so that
// members keep their model order and a stripped model keeps its layout.
type object struct {
	keys []string
	vals map[string]any
}

func newObject() *object { return &object{vals: map[string]any{}} }

func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *object) obj(k string) *object {
	v, _ := o.vals[k].(*object)
	return v
}

func (o *object) str(k string) string {
	v, _ := o.vals[k].(string)
	return v
}

func (o *object) boolean(k string) bool {
	v, _ := o.vals[k].(bool)
	return v
}

func (o *object) strings(k string) []string {
	arr, _ := o.vals[k].([]any)
	var out []string
	for _, e := range arr {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// target returns the shape named by a {"shape": "..."} reference under k.
func (o *object) target(k string) string {
	if ref := o.obj(k); ref != nil {
		return ref.str("shape")
	}
	return ""
}

// parseJSON decodes JSON into *object, []any, string, json.Number, bool and
// nil values.
func parseJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the top-level value")
	}
	return v, nil
}

func parseValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		o := newObject()
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := parseValue(dec)
			if err != nil {
				return nil, err
			}
			o.set(kt.(string), v)
		}
		_, err := dec.Token() // '}'
		return o, err
	case json.Delim('['):
		arr := []any{}
		for dec.More() {
			v, err := parseValue(dec)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := dec.Token() // ']'
		return arr, err
	}
	return tok, nil
}

// writeJSON writes v compactly, keeping key order and leaving <, > and &
// unescaped.
func writeJSON(buf *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case *object:
		buf.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeJSON(buf, k); err != nil {
				return err
			}
			buf.WriteByte(':')
			if err := writeJSON(buf, v.vals[k]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeJSON(buf, e); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case string:
		var s bytes.Buffer
		enc := json.NewEncoder(&s)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
		buf.Write(bytes.TrimSuffix(s.Bytes(), []byte("\n")))
	case json.Number:
		buf.WriteString(v.String())
	case bool:
		buf.WriteString(strconv.FormatBool(v))
	case nil:
		buf.WriteString("null")
	default:
		return fmt.Errorf("unexpected JSON value %T", v)
	}
	return nil
}

// strippedKeys are the properties that carry AWS's prose.
var strippedKeys = map[string]bool{
	"documentation":     true,
	"documentationUrl":  true,
	"deprecatedMessage": true,
	"examples":          true,
}

// nameMaps are the properties whose values map names (of operations, shapes,
// members) to definitions: their keys are names, never stripped.
var nameMaps = map[string]bool{"operations": true, "shapes": true, "members": true}

// strip returns v without any of strippedKeys, at any depth. names says that
// v's keys are names rather than properties.
func strip(v any, names bool) any {
	switch v := v.(type) {
	case *object:
		out := newObject()
		for _, k := range v.keys {
			if !names && strippedKeys[k] {
				continue
			}
			out.set(k, strip(v.vals[k], !names && nameMaps[k]))
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = strip(e, false)
		}
		return out
	}
	return v
}

// stripModel returns the model without documentation, indented by two
// spaces, keys in model order.
func stripModel(data []byte) ([]byte, error) {
	v, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	var compact, out bytes.Buffer
	if err := writeJSON(&compact, strip(v, false)); err != nil {
		return nil, err
	}
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// model is a botocore service model reduced to what the generator uses.
type model struct {
	targetPrefix, serviceID, apiVersion string
	signingName                         string // metadata signingName, else endpointPrefix

	operations []*operation // sorted by name
	shapes     map[string]*shape
	names      []string // shape names, sorted
}

type operation struct {
	name, input, output string
	errors              []string
	unsigned            bool
}

type shape struct {
	name                         string
	typ                          string // the model's type: "string", "structure", ...
	document                     bool
	members                      []member
	required                     []string
	min, max                     *int64
	pattern                      string
	enum                         []string
	sensitive                    bool
	exception                    bool
	fault                        bool
	errorCode                    string // error.code: the __type, when not the shape's name
	errorStatus                  int    // error.httpStatusCode, 0 when absent
	listMember, mapKey, mapValue string
}

type member struct {
	name, shape string
}

func loadModel(data []byte) (*model, error) {
	v, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	root, ok := v.(*object)
	if !ok {
		return nil, errors.New("the model is not a JSON object")
	}
	meta := root.obj("metadata")
	ops, shapes := root.obj("operations"), root.obj("shapes")
	if meta == nil || ops == nil || shapes == nil {
		return nil, errors.New("the model lacks metadata, operations or shapes")
	}
	m := &model{
		targetPrefix: meta.str("targetPrefix"),
		serviceID:    meta.str("serviceId"),
		apiVersion:   meta.str("apiVersion"),
		signingName:  cmp.Or(meta.str("signingName"), meta.str("endpointPrefix")),
		shapes:       map[string]*shape{},
	}
	for _, name := range shapes.keys {
		s, err := loadShape(name, shapes.obj(name))
		if err != nil {
			return nil, fmt.Errorf("shape %s: %w", name, err)
		}
		m.shapes[name] = s
		m.names = append(m.names, name)
	}
	sort.Strings(m.names)
	for _, name := range ops.keys {
		o := ops.obj(name)
		if o == nil {
			return nil, fmt.Errorf("operation %s is not an object", name)
		}
		op := &operation{
			name:     name,
			input:    o.target("input"),
			output:   o.target("output"),
			unsigned: o.str("authtype") == "none" || slices.Contains(o.strings("auth"), "smithy.api#noAuth"),
		}
		errs, _ := o.vals["errors"].([]any)
		for _, e := range errs {
			if ref, ok := e.(*object); ok {
				op.errors = append(op.errors, ref.str("shape"))
			}
		}
		m.operations = append(m.operations, op)
	}
	sort.Slice(m.operations, func(i, j int) bool { return m.operations[i].name < m.operations[j].name })
	return m, m.check()
}

func loadShape(name string, o *object) (*shape, error) {
	if o == nil {
		return nil, errors.New("not an object")
	}
	s := &shape{
		name:       name,
		typ:        o.str("type"),
		document:   o.boolean("document"),
		required:   o.strings("required"),
		pattern:    o.str("pattern"),
		enum:       o.strings("enum"),
		sensitive:  o.boolean("sensitive"),
		exception:  o.boolean("exception"),
		fault:      o.boolean("fault"),
		listMember: o.target("member"),
		mapKey:     o.target("key"),
		mapValue:   o.target("value"),
	}
	var err error
	if e := o.obj("error"); e != nil {
		s.errorCode = e.str("code")
		if st, err := bound(e, "httpStatusCode"); err != nil {
			return nil, fmt.Errorf("error: %w", err)
		} else if st != nil {
			if *st < 400 || *st > 599 {
				return nil, fmt.Errorf("error: httpStatusCode %d is not an error status", *st)
			}
			s.errorStatus = int(*st)
		}
	}
	if s.min, err = bound(o, "min"); err != nil {
		return nil, err
	}
	if s.max, err = bound(o, "max"); err != nil {
		return nil, err
	}
	if members := o.obj("members"); members != nil {
		for _, mn := range members.keys {
			ref := members.obj(mn)
			if ref == nil || ref.str("shape") == "" {
				return nil, fmt.Errorf("member %s has no target shape", mn)
			}
			s.members = append(s.members, member{name: mn, shape: ref.str("shape")})
		}
	}
	return s, nil
}

func bound(o *object, k string) (*int64, error) {
	v, ok := o.vals[k]
	if !ok {
		return nil, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return nil, fmt.Errorf("%s is not a number", k)
	}
	i, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%s %s is not an integer", k, n)
	}
	return &i, nil
}

// check verifies that every reference resolves and every type is one the
// runtime knows.
func (m *model) check() error {
	exists := func(what, name string) error {
		if _, ok := m.shapes[name]; !ok {
			return fmt.Errorf("%s refers to unknown shape %q", what, name)
		}
		return nil
	}
	for _, name := range m.names {
		s := m.shapes[name]
		if _, err := kindOf(s); err != nil {
			return fmt.Errorf("shape %s: %w", name, err)
		}
		for _, mem := range s.members {
			if err := exists("shape "+name+" member "+mem.name, mem.shape); err != nil {
				return err
			}
		}
		for _, r := range s.required {
			if !slices.ContainsFunc(s.members, func(mem member) bool { return mem.name == r }) {
				return fmt.Errorf("shape %s requires unknown member %s", name, r)
			}
		}
		switch s.typ {
		case "list":
			if err := exists("list "+name, s.listMember); err != nil {
				return err
			}
		case "map":
			if err := exists("map "+name+" key", s.mapKey); err != nil {
				return err
			}
			if err := exists("map "+name+" value", s.mapValue); err != nil {
				return err
			}
			if m.shapes[s.mapKey].typ != "string" {
				return fmt.Errorf("map %s has a key of type %s, not string", name, m.shapes[s.mapKey].typ)
			}
		}
	}
	for _, op := range m.operations {
		refs := append([]string{op.input, op.output}, op.errors...)
		for _, r := range refs {
			if r == "" {
				continue
			}
			if err := exists("operation "+op.name, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// kindOf returns the runtime kind (the name of a wire.Kind constant).
func kindOf(s *shape) (string, error) {
	switch s.typ {
	case "string":
		return "String", nil
	case "integer":
		return "Integer", nil
	case "long":
		return "Long", nil
	case "boolean":
		return "Boolean", nil
	case "timestamp":
		return "Timestamp", nil
	case "blob":
		return "Blob", nil
	case "structure":
		if s.document {
			return "Document", nil
		}
		return "Structure", nil
	case "list":
		return "List", nil
	case "map":
		return "Map", nil
	}
	return "", fmt.Errorf("type %q is not supported", s.typ)
}

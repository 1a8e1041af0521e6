package main

import (
	"bytes"
	"cmp"
	"fmt"
	"go/format"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
)

// errorType is one error type that at least one model declares as an
// exception shape.
type errorType struct {
	typ      string   // the __type a client sees
	goName   string   // the constant's name
	status   int      // the HTTP status
	why      string   // where the status comes from
	services []string // the models that declare it
}

// exceptionStatus is the HTTP status of an exception shape: its
// error.httpStatusCode when the model gives one, else what the AWS JSON 1.1
// protocol answers, 500 for a fault and 400 for a client error.
func exceptionStatus(s *shape) (int, string) {
	switch {
	case s.errorStatus != 0:
		return s.errorStatus, "httpStatusCode"
	case s.fault:
		return 500, "fault"
	}
	return 400, "client error"
}

// errorConstName names the constant of an error type: the type without its
// "Exception" suffix ("ResourceNotFoundException" → ResourceNotFound).
func errorConstName(typ string) (string, error) {
	name := exported(strings.TrimSuffix(typ, "Exception"))
	if name == "X" || !token.IsIdentifier(name) || token.IsKeyword(name) {
		return "", fmt.Errorf("error type %q has no usable Go name", typ)
	}
	return name, nil
}

// generateErrors returns the error table of the models (file name → data,
// read in file-name order) as a Go file of package pkg: one constant per
// error type and the HTTP status of each. Two models that declare the same
// type with different statuses, or two types that would get the same
// constant name, are an error.
func generateErrors(models map[string][]byte, pkg string) ([]byte, error) {
	files := make([]string, 0, len(models))
	for f := range models {
		files = append(files, f)
	}
	slices.Sort(files)
	byType := map[string]*errorType{}
	byName := map[string]string{}
	for _, f := range files {
		m, err := loadModel(models[f])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		svc := cmp.Or(m.signingName, filepath.Base(f))
		for _, name := range m.names {
			s := m.shapes[name]
			if !s.exception {
				continue
			}
			typ := cmp.Or(s.errorCode, name)
			status, why := exceptionStatus(s)
			if e, ok := byType[typ]; ok {
				if e.status != status {
					return nil, fmt.Errorf("%s: %s has status %d (%s) in %s and %d (%s) in %s",
						f, typ, e.status, e.why, strings.Join(e.services, ", "), status, why, svc)
				}
				if !slices.Contains(e.services, svc) {
					e.services = append(e.services, svc)
				}
				continue
			}
			goName, err := errorConstName(typ)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			if prev, ok := byName[goName]; ok {
				return nil, fmt.Errorf("%s: %s and %s would both be named %s", f, prev, typ, goName)
			}
			byName[goName] = typ
			byType[typ] = &errorType{typ: typ, goName: goName, status: status, why: why, services: []string{svc}}
		}
	}
	types := make([]*errorType, 0, len(byType))
	for _, e := range byType {
		types = append(types, e)
	}
	slices.SortFunc(types, func(a, b *errorType) int { return strings.Compare(a.typ, b.typ) })

	var buf bytes.Buffer
	buf.WriteString(header)
	bases := make([]string, len(files))
	for i, f := range files {
		bases[i] = filepath.Base(f)
	}
	fmt.Fprintf(&buf, "// Source: %s\n\npackage %s\n\n", strings.Join(bases, ", "), pkg)
	buf.WriteString("// The error types the service models declare as exception shapes (the\n")
	buf.WriteString("// __type of an AWS JSON error), named without their \"Exception\" suffix,\n")
	buf.WriteString("// with the models that declare each.\n")
	buf.WriteString("const (\n")
	for _, e := range types {
		fmt.Fprintf(&buf, "%s = %q // %s\n", e.goName, e.typ, strings.Join(e.services, ", "))
	}
	buf.WriteString(")\n\n")
	buf.WriteString("// modelledStatus is the HTTP status of each modelled error type: the\n")
	buf.WriteString("// shape's error.httpStatusCode when the model gives one, else what the AWS\n")
	buf.WriteString("// JSON 1.1 protocol answers, 500 for a fault and 400 for a client error.\n")
	buf.WriteString("var modelledStatus = map[string]int{\n")
	for _, e := range types {
		fmt.Fprintf(&buf, "%s: %d, // %s\n", e.goName, e.status, e.why)
	}
	buf.WriteString("}\n")
	return format.Source(buf.Bytes())
}

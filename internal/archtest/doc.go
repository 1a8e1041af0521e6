// Package archtest holds the tests of the project's shape rather than its
// behaviour: which packages may import what (layers_test.go), and that
// packages ask for the narrow store interfaces they need rather than the
// whole store (narrow_test.go). It has no code of its own.
package archtest

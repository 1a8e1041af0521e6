// Package archtest holds the tests of the project's shape rather than its
// behaviour: which packages may import what (layers_test.go). It has no
// code of its own.
package archtest

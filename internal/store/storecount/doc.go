// Package storecount wraps a store.Store and counts the calls that read it,
// so that tests can hold an operation to a number of reads (how many times
// UpdateUserPoolDomain reads the domain, how many reads a sign-in costs).
package storecount

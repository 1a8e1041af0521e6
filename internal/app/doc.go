// Package app assembles a gognito server from its configuration: it opens the
// store, builds the domain services, registers their operations on the API
// front door, and serves the listeners until its context ends, then finishes
// in-flight requests and closes the store.
package app

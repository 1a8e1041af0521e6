// Package sdkhttp owns the HTTP transport gognito's own AWS SDK clients (the
// bench command, the tests) use: one that hands the network a plain
// in-memory copy of each request body.
package sdkhttp

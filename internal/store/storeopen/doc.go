// Package storeopen owns the choice of backend: it opens the store a
// database DSN names (a postgres:// URL, else an SQLite file).
package storeopen

// Package config owns gognito's settings: their defaults, and how they are
// read from an optional TOML file, GOGNITO_* environment variables and
// command-line flags (later sources win).
package config

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gognito/gognito/internal/tokens"
)

const keysUsage = `Usage:
  gognito keys rotate --pool <id> | --all [flags]
        give the pool (or every pool) a new signing key for ID tokens and
        one for access tokens: in the JWKS at once, signing after
        --key-publish-delay; the old keys verify until the last token they
        can have signed has expired (24 h after they stop signing)
  gognito keys list --pool <id> [flags]
        the pool's signing keys and their stages

The other flags are serve's (--data-dir, --database, --secret-key-file,
--config...): run it against the store the servers use; every node sees a
rotation within 30 seconds.
`

// keysCommand runs `gognito keys rotate|list`.
func keysCommand(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "rotate" && args[0] != "list") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprint(stdout, keysUsage)
			return 0
		}
		fmt.Fprint(stderr, keysUsage)
		return 2
	}
	sub := args[0]
	pool, all, rest, err := keysFlags(args[1:])
	if err != nil {
		fmt.Fprintf(stderr, "gognito keys %s: %v\n\n%s", sub, err, keysUsage)
		return 2
	}
	// rotate: exactly one of --pool and --all; list: --pool.
	if (sub == "rotate" && (pool != "") == all) || (sub == "list" && (pool == "" || all)) {
		want := "name one pool with --pool"
		if sub == "rotate" {
			want += " or every pool with --all"
		}
		fmt.Fprintf(stderr, "gognito keys %s: %s\n\n%s", sub, want, keysUsage)
		return 2
	}
	ctx := context.Background()
	a, code := openApp(ctx, "keys "+sub, rest, getenv, stderr)
	if a == nil {
		return code
	}
	defer a.Close()
	if sub == "list" {
		keys, err := a.SigningKeys(ctx, pool)
		if err != nil {
			fmt.Fprintf(stderr, "gognito: %v\n", err)
			return 1
		}
		printKeys(stdout, pool, keys)
		return 0
	}
	rotated, err := a.RotateKeys(ctx, pool)
	for _, r := range rotated {
		printKeys(stdout, r.PoolID, r.Keys)
	}
	if err != nil {
		fmt.Fprintf(stderr, "gognito: %v\n", err)
		return 1
	}
	if len(rotated) == 0 {
		fmt.Fprintln(stdout, "no user pools")
	}
	return 0
}

// keysFlags takes --pool and --all out of args; the rest are config flags.
func keysFlags(args []string) (pool string, all bool, rest []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--all" || a == "-all" || a == "--all=true":
			all = true
		case a == "--pool" || a == "-pool":
			if i+1 >= len(args) {
				return "", false, nil, errors.New("--pool needs a user pool id")
			}
			pool = args[i+1]
			i++
		case strings.HasPrefix(a, "--pool=") || strings.HasPrefix(a, "-pool="):
			pool = a[strings.Index(a, "=")+1:]
		default:
			rest = append(rest, a)
		}
	}
	return pool, all, rest, nil
}

func printKeys(w io.Writer, poolID string, keys []tokens.KeyInfo) {
	fmt.Fprintf(w, "%s\n", poolID)
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, k := range keys {
		fmt.Fprintf(w, "  %-6s %-9s kid %s  signs from %s  stops %s  retires %s\n", k.Use, k.State, k.KID, ts(k.SignFrom), ts(k.StopsSigning), ts(k.Retires))
	}
}

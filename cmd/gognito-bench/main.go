// Command gognito-bench drives any Cognito-compatible endpoint (gognito,
// moto_server, cognito-local) over the wire, on loopback only, and reports
// ops/s, p50, p99 and errors per scenario, as a table and as JSON. Every
// run is bounded in count and in time.
//
//	gognito-bench run [flags]      load a pool to --pool-size users and run scenarios
//	gognito-bench bound [flags]    the sign-in rate the cryptography alone allows
//	gognito-bench startup [flags] -- command...   time from exec to a ready server
//	gognito-bench report [flags]   write the comparison section of docs/benchmarks.md
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `gognito-bench: benchmarks of a Cognito-compatible endpoint over the wire (loopback only)

Usage:
  gognito-bench run [flags]        set up (or reuse) a pool, load it to --pool-size users, run scenarios
  gognito-bench bound [flags]      measure the sign-in rate the cryptography alone allows
  gognito-bench startup [flags] -- command [args...]
                                   start a server, time it until it answers ready, stop it
  gognito-bench report [flags]     write the comparison section of a Markdown file from results
  gognito-bench help               this text

Scenarios: ` + scenarioList + `

Run "gognito-bench <command> --help" for the flags of each command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "run":
		return runCommand(args, stdout, stderr)
	case "bound":
		return boundCommand(args, stdout, stderr)
	case "startup":
		return startupCommand(args, stdout, stderr)
	case "report":
		return reportCommand(args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "gognito-bench: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}

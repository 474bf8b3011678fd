// Command sluice is the Sluice engine: a server for event buses,
// schedules, durable workflows and functions behind the AWS wire
// protocols, and a set of tools for people at a terminal.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// command is one subcommand of sluice.
type command struct {
	name    string
	summary string
	run     func(args []string, stdio stdio) int
}

// stdio is a command's standard streams, so commands run in tests too.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

func commands() []command {
	return []command{
		{"serve", "serve the AWS APIs with an embedded store", serveCmd},
		{"run", "run a state machine definition once, in-process, and print its output", runCmd},
		{"validate", "check a state machine definition and print its diagnostics", validateCmd},
		{"sm", "create, update, list, describe and delete state machines on a server", smCmd},
		{"start", "start an execution on a server; --wait for its output", startCmd},
		{"describe", "print an execution: status, input, output or error", describeCmd},
		{"executions", "list a state machine's executions", executionsCmd},
		{"stop", "stop a running execution", stopCmd},
		{"history", "print an execution's history; --follow to watch it live", historyCmd},
		{"task", "answer a task token: success, failure, heartbeat", taskCmd},
		{"activity", "create, list, delete and poll activities", activityCmd},
		{"events", "put events on an event bus on a server", eventsCmd},
		{"rules", "create, list, describe, enable, disable and delete rules and their targets", rulesCmd},
		{"pattern", "test an event against an event pattern, locally", patternCmd},
		{"deadletters", "print or purge the events a dead-letter queue holds", deadlettersCmd},
		{"version", "print the version", versionCmd},
	}
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(dispatch(os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}))
}

func dispatch(args []string, s stdio) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(s.out)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], s)
		}
	}
	fmt.Fprintf(s.err, "sluice: unknown command %q\n\n", args[0])
	usage(s.err)
	return 2
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("Usage: sluice <command> [arguments]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-11s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'sluice <command> -h' for the command's flags.\n")
	io.WriteString(w, b.String())
}

func versionCmd(_ []string, s stdio) int {
	fmt.Fprintf(s.out, "sluice %s\n", version)
	return 0
}

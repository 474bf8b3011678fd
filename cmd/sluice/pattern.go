package main

// sluice pattern: EventBridge event patterns, checked locally with the same
// matcher the server's buses use.

import (
	"errors"
	"flag"
	"fmt"

	"github.com/sluice-run/sluice/internal/jsonvalue"
	"github.com/sluice-run/sluice/internal/pattern"
)

func patternCmd(args []string, s stdio) int {
	return runGroup("pattern", []command{
		{"test", "test whether an event matches an event pattern (locally, as TestEventPattern does)", patternTestCmd},
	}, args, s)
}

// patternTestCmd prints true or false: whether an event matches a pattern.
// An invalid pattern prints EventBridge's InvalidEventPatternException
// message and exits 2, as does an event that is not a JSON object.
func patternTestCmd(args []string, s stdio) int {
	const name = "pattern test"
	fs := flag.NewFlagSet("sluice "+name, flag.ContinueOnError)
	fs.SetOutput(s.err)
	patternArg := fs.String("pattern", "", "the event pattern: JSON text, @FILE, or @- for standard input")
	eventArg := fs.String("event", "", "the event: JSON text, @FILE, or @- for standard input")
	fs.Usage = func() {
		fmt.Fprintf(s.err, "Usage: sluice %s --pattern JSON|@FILE --event JSON|@FILE\n\n"+
			"Prints true when the event matches the EventBridge event pattern, false when not (exit 0).\n"+
			"The event is matched as it is given: it need not be a full EventBridge envelope.\n"+
			"An invalid pattern prints EventBridge's InvalidEventPatternException message (exit 2).\n"+
			"No server is needed.\n\nFlags:\n", name)
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(s.err, "sluice %s: %s\n", name, fmt.Sprintf(format, a...))
		return 2
	}
	switch {
	case len(pos) > 0:
		return usageErr("unexpected argument %q", pos[0])
	case *patternArg == "" || *eventArg == "":
		fs.Usage()
		return 2
	case *patternArg == "@-" && *eventArg == "@-":
		return usageErr("--pattern and --event cannot both be read from standard input")
	}
	pat, err := readArg(*patternArg, s.in)
	if err != nil {
		return usageErr("--pattern: %v", err)
	}
	evText, err := readArg(*eventArg, s.in)
	if err != nil {
		return usageErr("--event: %v", err)
	}
	p, err := pattern.Compile(pat)
	if err != nil {
		var pe *pattern.Error
		if errors.As(err, &pe) {
			fmt.Fprintf(s.err, "sluice: InvalidEventPatternException: %s\n", pe.Message)
			return 2
		}
		return usageErr("--pattern: %v", err)
	}
	if len(pat) > pattern.MaxPatternLength {
		fmt.Fprintf(s.err, "sluice %s: warning: the pattern is %d bytes long; PutRule accepts at most %d\n", name, len(pat), pattern.MaxPatternLength)
	}
	ev, err := jsonvalue.Parse(evText)
	if err != nil {
		return usageErr("--event is not valid JSON: %v", err)
	}
	if _, ok := ev.(*jsonvalue.Object); !ok {
		return usageErr("--event is not a JSON object")
	}
	fmt.Fprintln(s.out, p.Match(ev))
	return 0
}

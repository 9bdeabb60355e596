// Package keyview is `roshambo keys`, the live key viewer (like showkey -a):
// for every event it shows the raw bytes (hex and readable), the decoded
// event, and the time from capture (the Reader's timestamp right after
// read(2)) to the handler, in microseconds.
package keyview

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/roshambo-game/roshambo/input/keys"
	"github.com/roshambo-game/roshambo/internal/cli"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1 // the terminal failed (hang-up, I/O error)
	ExitUsage = 2 // bad flags; stdin is not a terminal
)

// Options are the viewer's flags.
type Options struct {
	EscDelay time.Duration // decoder's lone-ESC fallback; 0 = ROSHAMBO_ESCDELAY or the default
}

// Usage is the viewer's usage text (roshambo keys --help).
func Usage(w io.Writer) {
	fs, _ := newFlagSet()
	fmt.Fprint(w, "usage: roshambo keys [flags]\n\n"+
		"Shows each key as raw bytes, decoded event and capture-to-handler time.\n"+
		"Ctrl-C quits, Ctrl-Z suspends. Exit codes: 0 after Ctrl-C, 1 when the terminal fails, 2 bad usage.\n\nflags:\n")
	cli.WriteFlags(w, fs)
}

func newFlagSet() (*flag.FlagSet, *keys.EscDelayFlag) {
	fs := flag.NewFlagSet("roshambo keys", flag.ContinueOnError)
	var esc keys.EscDelayFlag
	fs.Var(&esc, "escdelay", keys.EscDelayUsage)
	return fs, &esc
}

// ParseFlags parses the viewer's arguments. --help and --version are
// answered on stdout and a mistake in one line on stderr; then done is true
// and code is the exit code.
func ParseFlags(args []string, stdout, stderr io.Writer) (o Options, done bool, code int) {
	fs, esc := newFlagSet()
	if p := cli.Parse(fs, "roshambo keys", args, stdout, stderr, Usage); p.Exit {
		return o, true, p.Code
	}
	if fs.NArg() > 0 {
		return o, true, cli.Fail(stderr, "roshambo keys", "unexpected argument %q", fs.Arg(0))
	}
	return Options{EscDelay: esc.Delay()}, false, 0
}

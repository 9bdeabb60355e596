// Package keyview is `roshambo keys`, the live key viewer (like showkey -a):
// for every event it shows the raw bytes (hex and readable), the decoded
// event, and the time from capture (the Reader's timestamp right after
// read(2)) to the handler, in microseconds.
package keyview

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/roshambo-game/roshambo/input"
	"github.com/roshambo-game/roshambo/input/keys"
	"github.com/roshambo-game/roshambo/internal/cli"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1 // the terminal failed (hang-up, I/O error)
	ExitUsage = 2 // bad flags; stdin is not a terminal
)

// maxHex bounds the hex dump of one event (a paste can be megabytes).
const maxHex = 24

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

// Header is the viewer's column header.
const Header = "bytes (hex)              readable         event                          capture→handler\r\n"

// Format appends the viewer's line for ev to b: raw bytes in hex and in
// readable form, the event, and latency (ns from capture to handler; < 0 for
// events without a capture time, such as signals). The line ends in "\r\n"
// (raw mode has no output processing).
func Format(b []byte, ev *input.Event, latency int64) []byte {
	start := len(b)
	raw := ev.Raw
	if ev.Type != input.EventInput {
		raw = nil
	}
	for i, c := range raw {
		if i == maxHex {
			b = append(b, "…"...)
			break
		}
		b = strconv.AppendUint(append(b, "0123456789abcdef"[c>>4]), uint64(c&0xf), 16)
		b = append(b, ' ')
	}
	if raw == nil {
		b = append(b, '-')
	}
	b = pad(b, start, 25)
	col := len(b)
	if len(raw) > maxHex {
		b = fmt.Appendf(b, "(%d bytes)", len(raw))
	} else if raw != nil {
		b = append(b, keys.Quote(raw)...)
	} else {
		b = append(b, '-')
	}
	b = pad(b, col, 17)
	col = len(b)
	b = append(b, ev.String()...)
	b = pad(b, col, 31)
	if latency >= 0 {
		b = strconv.AppendFloat(b, float64(latency)/1e3, 'f', 1, 64)
		b = append(b, " µs"...)
	} else {
		b = append(b, '-')
	}
	return append(b, "\r\n"...)
}

// pad appends spaces until b[from:] is at least w columns (runes) wide, and
// at least one space.
func pad(b []byte, from, w int) []byte {
	n := 0
	for range string(b[from:]) {
		n++
	}
	b = append(b, ' ')
	for n++; n < w; n++ {
		b = append(b, ' ')
	}
	return b
}

// errNotTerminal is the message for ErrNotTerminal.
const errNotTerminal = "roshambo keys: stdin is not a terminal (the key viewer needs an interactive terminal)"

// exitFor maps an open error to a message and exit code.
func exitFor(err error, stderr io.Writer) int {
	if errors.Is(err, input.ErrNotTerminal) {
		fmt.Fprintln(stderr, errNotTerminal)
		return ExitUsage
	}
	if errors.Is(err, keys.ErrBadEscDelay) {
		return cli.Fail(stderr, "roshambo keys", "%v", err)
	}
	fmt.Fprintf(stderr, "roshambo keys: %v\n", err)
	return ExitError
}

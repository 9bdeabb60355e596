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

// ParseFlags parses the viewer's arguments: --escdelay MS (0 to 1000; 0 =
// no fallback delay).
func ParseFlags(args []string, stderr io.Writer) (Options, error) {
	fs := flag.NewFlagSet("roshambo keys", flag.ContinueOnError)
	fs.SetOutput(stderr)
	esc := fs.String("escdelay", "", "lone-ESC fallback `MS` (0-1000; default: $"+keys.EnvEscDelay+" or "+
		strconv.Itoa(int(keys.DefaultEscDelay/time.Millisecond))+")")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: roshambo keys [--escdelay MS]\n\n"+
			"Shows each key as raw bytes, decoded event and capture-to-handler time. Ctrl-C quits, Ctrl-Z suspends.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return Options{}, err
	}
	if fs.NArg() > 0 {
		return Options{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var o Options
	if *esc != "" {
		ms, err := strconv.Atoi(*esc)
		if err != nil || ms < 0 || ms > 1000 {
			return Options{}, fmt.Errorf("--escdelay %q: want whole milliseconds from 0 to 1000", *esc)
		}
		o.EscDelay = time.Duration(ms) * time.Millisecond
		if ms == 0 {
			o.EscDelay = keys.NoEscDelay
		}
	}
	return o, nil
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

// errNotTerminal is the message for ErrNotTerminal, as the issue fixes it.
const errNotTerminal = "roshambo: stdin is not a terminal"

// exitFor maps an open error to a message and exit code.
func exitFor(err error, stderr io.Writer) int {
	if errors.Is(err, input.ErrNotTerminal) {
		fmt.Fprintln(stderr, errNotTerminal)
		return ExitUsage
	}
	if errors.Is(err, keys.ErrBadEscDelay) {
		fmt.Fprintf(stderr, "roshambo: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(stderr, "roshambo: %v\n", err)
	return ExitError
}

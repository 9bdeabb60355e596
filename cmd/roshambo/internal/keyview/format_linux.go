package keyview

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/roshambo-game/roshambo/input"
	"github.com/roshambo-game/roshambo/input/keys"
	"github.com/roshambo-game/roshambo/internal/cli"
)

// maxHex bounds the hex dump of one event (a paste can be megabytes).
const maxHex = 24

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

package keyview

import (
	"fmt"
	"io"
	"syscall"

	"github.com/roshambo-game/roshambo/input"
	"github.com/roshambo-game/roshambo/input/keys"
	"github.com/roshambo-game/roshambo/input/term"
	"github.com/roshambo-game/roshambo/internal/mono"
)

// Main runs the key viewer with args (its flags) on the process's terminal
// and returns the exit code: 0 after Ctrl-C, 2 for bad flags or when stdin
// is not a terminal, 1 when the terminal fails.
func Main(args []string, stdout, stderr io.Writer) int {
	o, done, code := ParseFlags(args, stdout, stderr)
	if done {
		return code
	}
	c, err := input.OpenConsole(input.ConsoleOptions{EscDelay: o.EscDelay})
	if err != nil {
		return exitFor(err, stderr)
	}
	defer c.Close()
	defer c.Terminal().RestoreOnPanic()
	sig, err := run(c)
	c.Close()
	if err != nil {
		fmt.Fprintf(stderr, "roshambo keys: %v\n", err)
		return ExitError
	}
	if sig != 0 {
		term.ExitBySignal(sig)
	}
	return ExitOK
}

// run is the viewer's loop: one line per event until Ctrl-C, or until a
// terminating signal, which it returns.
func run(c *input.Console) (syscall.Signal, error) {
	if _, err := c.Write([]byte("roshambo keys: press keys; Ctrl-C quits, Ctrl-Z suspends.\r\n" + Header)); err != nil {
		return 0, err
	}
	var (
		ev   input.Event
		line = make([]byte, 0, 256)
	)
	for {
		if err := c.ReadEvent(&ev); err != nil {
			return 0, fmt.Errorf("read keys: %w", err)
		}
		latency := int64(-1)
		if ev.Type == input.EventInput {
			latency = mono.Since(ev.Time)
		}
		line = Format(line[:0], &ev, latency)
		if ev.Type == input.EventInput && ev.Kind == keys.KindReply && ev.Reply == keys.ReplyDA1 {
			line = fmt.Appendf(line, "kitty keyboard protocol: %v\r\n", onOff(c.Kitty()))
		}
		if _, err := c.Write(line); err != nil {
			return 0, err
		}
		switch {
		case ev.Type == input.EventTerminate:
			return ev.Signal, nil
		case ev.IsRune('c', keys.ModCtrl) && ev.Type == input.EventInput:
			return 0, nil
		case ev.IsRune('z', keys.ModCtrl) && ev.Type == input.EventInput, ev.Type == input.EventSuspend:
			if err := c.Suspend(); err != nil {
				return 0, err
			}
		}
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

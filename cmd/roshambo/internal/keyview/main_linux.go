package keyview

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/roshambo-game/roshambo/input"
	"github.com/roshambo-game/roshambo/input/keys"
	"github.com/roshambo-game/roshambo/input/mono"
)

// Main runs the key viewer with args (its flags) on the process's terminal
// and returns the exit code: 0 after Ctrl-C, 2 for bad flags or when stdin
// is not a terminal, 1 when the terminal fails.
func Main(args []string, stderr io.Writer) int {
	o, err := ParseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "roshambo: %v\n", err)
		return ExitUsage
	}
	c, err := input.OpenConsole(input.ConsoleOptions{EscDelay: o.EscDelay})
	if err != nil {
		return exitFor(err, stderr)
	}
	defer c.Close()
	defer c.Terminal().RestoreOnPanic()
	if err := run(c); err != nil {
		c.Close()
		fmt.Fprintf(stderr, "roshambo: %v\n", err)
		return ExitError
	}
	return ExitOK
}

// run is the viewer's loop: one line per event until Ctrl-C.
func run(c *input.Console) error {
	if _, err := c.Write([]byte("roshambo keys: press keys; Ctrl-C quits, Ctrl-Z suspends.\r\n" + Header)); err != nil {
		return err
	}
	var (
		ev   input.Event
		line = make([]byte, 0, 256)
	)
	for {
		if err := c.ReadEvent(&ev); err != nil {
			return fmt.Errorf("read keys: %w", err)
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
			return err
		}
		switch {
		case ev.IsRune('c', keys.ModCtrl):
			return nil
		case ev.IsRune('z', keys.ModCtrl):
			if err := c.Suspend(); err != nil {
				return err
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

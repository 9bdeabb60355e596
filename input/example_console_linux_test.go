package input_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/roshambo-game/roshambo/input"
	"github.com/roshambo-game/roshambo/input/keys"
)

// The application's input loop: one goroutine reads events; Ctrl-C quits and
// Ctrl-Z suspends.
func ExampleConsole() {
	c, err := input.OpenConsole(input.ConsoleOptions{})
	if errors.Is(err, input.ErrNotTerminal) {
		fmt.Fprintln(os.Stderr, "roshambo: stdin is not a terminal")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "roshambo:", err)
		os.Exit(1)
	}
	defer c.Close()
	defer c.Terminal().RestoreOnPanic()
	var ev input.Event
	for c.ReadEvent(&ev) == nil {
		switch {
		case ev.Type == input.EventRepaint, ev.Type == input.EventResize:
			// redraw
		case ev.IsRune('c', keys.ModCtrl):
			return
		case ev.IsRune('z', keys.ModCtrl):
			_ = c.Suspend()
		default:
			fmt.Fprintf(c, "%s\r\n", ev.String())
		}
	}
}

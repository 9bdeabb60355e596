package term_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/roshambo-game/roshambo/input/term"
)

// A program that owns the terminal: raw mode, restored on every way out.
func Example() {
	t, err := term.Open(0, 1, term.Options{})
	if errors.Is(err, term.ErrNotTerminal) {
		fmt.Fprintln(os.Stderr, "roshambo: stdin is not a terminal")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "roshambo:", err)
		os.Exit(1)
	}
	defer t.Close()          // normal exit (and the app's Ctrl-C)
	defer t.RestoreOnPanic() // a panic on this goroutine; other goroutines: the crash monitor
	if err := t.MakeRaw(); err != nil {
		fmt.Fprintln(os.Stderr, "roshambo:", err)
		return
	}
	signals := make(chan term.Event, 1)
	stop := t.Watch(func(ev term.Event) {
		// EventResize, EventRepaint after a resume, EventSuspend (kill
		// -TSTP), EventTerminate (SIGTERM/SIGHUP/SIGINT): hand them to
		// the program's loop, which decides.
		select {
		case signals <- ev:
		default:
		}
	})
	defer stop()
	go func() {
		for ev := range signals {
			switch ev.Kind {
			case term.EventSuspend:
				_ = t.Suspend()
			case term.EventTerminate:
				stop()
				t.Close() // restore, say goodbye, and end as the signal would
				fmt.Println("terminated")
				term.ExitBySignal(ev.Signal)
			}
		}
	}()
	buf := make([]byte, 1)
	for {
		if n, err := os.Stdin.Read(buf); err != nil || n == 0 {
			return
		}
		switch buf[0] {
		case 0x03: // Ctrl-C: quit
			return
		case 0x1a: // Ctrl-Z: restore, stop, and raw again after SIGCONT
			_ = t.Suspend()
		}
	}
}

// Drawing with tcell through the Tty seam: tcell writes, the input layer reads.
func ExampleTerminal_Tty() {
	t, err := term.Open(0, 1, term.Options{})
	if err != nil {
		return
	}
	defer t.Close()
	_ = t.MakeRaw()
	tty := t.Tty()
	_ = tty // screen, err := tcell.NewTerminfoScreenFromTty(tty); screen.Init(); ...
	// Let the renderer leave the alternate screen around Ctrl-Z:
	// t.AddHook(term.Hook{Leave: func() { screen.Suspend() }, Enter: func() { screen.Resume() }})
}

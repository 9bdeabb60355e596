package play

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/gdamore/tcell/v2"

	"github.com/roshambo-game/roshambo/cmd/roshambo/internal/tui"
	"github.com/roshambo-game/roshambo/game"
	"github.com/roshambo-game/roshambo/input"
	"github.com/roshambo-game/roshambo/input/keys"
	"github.com/roshambo-game/roshambo/input/term"
)

// Main runs `roshambo play` with args (the flags) on the process's terminal
// and returns the exit code: 0 when the match ended or the player quit, 1
// when the opponent failed (after the error screen), 2 for bad flags or when
// stdin or stdout is not a terminal.
func Main(args []string, stdout, stderr io.Writer) int {
	o, err := ParseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "roshambo: %v\n", err)
		return ExitUsage
	}
	for _, f := range []struct {
		fd   int
		name string
	}{{0, "stdin"}, {1, "stdout"}} {
		if !term.IsTerminal(f.fd) {
			fmt.Fprintf(stderr, "roshambo: %s is not a terminal (the game needs an interactive terminal)\n", f.name)
			return ExitUsage
		}
	}
	// --escdelay 0 means no delay at all; without the flag the Console
	// reads ROSHAMBO_ESCDELAY, checked here so that a bad value is a usage
	// error before anything starts.
	copts := input.ConsoleOptions{EscDelay: o.EscDelay}
	if o.EscSet && o.EscDelay == 0 {
		copts.EscDelay = keys.NoEscDelay
	}
	if !o.EscSet {
		if _, _, err := keys.EscDelayFromEnv(); err != nil {
			fmt.Fprintf(stderr, "roshambo: %v\n", err)
			return ExitUsage
		}
	}

	panel := tui.SpyPanel{Enabled: o.Spy}
	var sp *spyOn
	if o.Spy {
		sp, err = openSpy()
		if err != nil {
			fmt.Fprintf(stderr, "roshambo: --spy: %v; playing on without the spy\n", err)
			panel.Status, panel.Unavailable = err.Error(), true
		} else {
			defer sp.close()
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var op *game.Opponent
	var argv []string
	start := func() (err error) {
		op, argv, err = startOpponent(ctx, o)
		return err
	}
	if sp != nil {
		// The opponent is followed from its first instruction: its
		// first answer is seen.
		err = sp.launch(start)
	} else {
		err = start()
	}
	if err != nil {
		fmt.Fprintf(stderr, "roshambo: %v\n", err)
		return ExitOpponent
	}
	defer op.Close()
	name := o.Bot
	if o.Opponent != "" {
		name = strings.Join(argv, " ")
	}
	if sp != nil {
		panel.Status = fmt.Sprintf("eBPF on the opponent, pid %d", op.PID())
	}

	con, err := input.OpenConsole(copts)
	if err != nil {
		fmt.Fprintf(stderr, "roshambo: %v\n", err)
		if errors.Is(err, input.ErrNotTerminal) {
			return ExitUsage
		}
		return ExitOpponent
	}
	defer con.Close()
	defer con.Terminal().RestoreOnPanic()
	// A crash or a terminating signal must leave the game's screen too,
	// before the Console's own modes are reset.
	con.SetLeaveSequence([]byte(leaveScreen))
	scr, err := tcell.NewTerminfoScreenFromTty(con.Tty())
	if err == nil {
		err = scr.Init()
	}
	if err != nil {
		con.Close()
		fmt.Fprintf(stderr, "roshambo: start the screen: %v\n", err)
		return ExitOpponent
	}
	scr.HideCursor()
	// tcell's own event queue is never read (input comes from the input
	// layer), but tcell still posts resize events to it: drain it so that
	// they do not pile up. PollEvent returns nil after Fini.
	go func() {
		for scr.PollEvent() != nil {
		}
	}()
	ci := &consoleInput{c: con}
	g := tui.New(tui.Config{
		Screen:   scr,
		Input:    ci,
		Opponent: op,
		Name:     name,
		Format:   o.Format(),
		Commit:   o.Commit,
		Theme:    tui.NewTheme(scr.Colors(), os.Getenv("NO_COLOR") != ""),
		Spy:      panel,
	})
	if sp != nil {
		go sp.run(g)
	}
	res := g.Run()
	if sig := ci.terminated; sig != 0 {
		// A terminating signal: leave the screen, restore the terminal
		// and end as the signal would.
		scr.Fini()
		con.Close()
		op.Close()
		term.ExitBySignal(sig)
	}
	// Quitting is prompt: the terminal is restored and the summary printed
	// first; only then is the opponent told to quit (with a short grace
	// before it is killed) and the spy detached, side by side.
	scr.Fini()
	cerr := con.Close()
	fmt.Fprint(stdout, tui.Summary(name, res))
	var wg sync.WaitGroup
	if sp != nil {
		wg.Go(sp.close)
	}
	op.Close()
	wg.Wait()

	if res.Err != nil {
		fmt.Fprintf(stderr, "roshambo: %s\n", oneLine(res.Err.Error()))
		return ExitOpponent
	}
	if cerr != nil {
		fmt.Fprintf(stderr, "roshambo: restore the terminal: %v\n", cerr)
		return ExitOpponent
	}
	return ExitOK
}

// oneLine squeezes a message onto one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

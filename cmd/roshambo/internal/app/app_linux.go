package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/roshambo-game/roshambo/cmd/roshambo/internal/tui"
	"github.com/roshambo-game/roshambo/game"
	"github.com/roshambo-game/roshambo/input"
	"github.com/roshambo-game/roshambo/input/keys"
	"github.com/roshambo-game/roshambo/input/term"
	"github.com/roshambo-game/roshambo/internal/cmdline"
)

// Main runs `roshambo play` with args (the flags) on the process's terminal
// and returns the exit code: 0 when the player quit, 1 when the opponent
// failed (after the error screen), 2 for bad flags or when stdin or stdout is
// not a terminal. A terminating signal ends the process by that signal, after
// the terminal is restored and the summary printed.
func Main(args []string, stdout, stderr io.Writer) int {
	o, done, code := ParseFlags(args, stdout, stderr)
	if done {
		return code
	}
	a, err := Open(o, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "roshambo: %s\n", oneLine(err.Error()))
		var ue usageError
		if errors.As(err, &ue) {
			return ExitUsage
		}
		return ExitOpponent
	}
	return a.Close(a.Run())
}

// App is one run of the game. Open starts its parts in order, Run plays the
// session, Close stops them in reverse order and says how it went. All three
// are called from one goroutine (the main one).
type App struct {
	opts           Options
	stdout, stderr io.Writer
	ctx            context.Context
	cancel         context.CancelFunc

	spy   *spyOn
	panel tui.SpyPanel
	name  string
	first *game.Opponent
	con   atomic.Pointer[input.Console] // set once the console is open
	scr   tcell.Screen
	game  *tui.Game
	loop  atomic.Pointer[tui.Game] // game, for the opponents' goroutines
}

// Open starts the game's parts: the spy (when asked for; the game goes on
// without it if it cannot load), the opponent process (under the spy, which
// then sees its first answer), the console in raw mode and the screen. On
// error, whatever was started is stopped again and the terminal is left as it
// was; a usageError means the terminal cannot be used.
func Open(o Options, stdout, stderr io.Writer) (_ *App, err error) {
	a := &App{opts: o, stdout: stdout, stderr: stderr}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	defer func() {
		if err != nil {
			a.abort()
		}
	}()
	if err := checkTerminal(o); err != nil {
		return nil, err
	}
	a.openSpy()
	argv, _ := cmdline.Split(o.Opponent) // checked by ParseFlags
	a.name = BotName(o, argv)
	if a.first, err = a.startOpponent(a.wake); err != nil {
		return nil, err
	}
	if a.spy != nil {
		a.panel.Status = a.spyOnOpponent(a.first)
	}
	if err := a.openConsole(); err != nil {
		return nil, err
	}
	if err := a.openScreen(); err != nil {
		return nil, err
	}
	a.game = tui.New(tui.Config{
		Screen:   a.scr,
		Input:    &consoleInput{c: a.con.Load(), hot: a.opts.Hot},
		Opponent: a.first,
		Start:    a.startNext,
		Name:     a.name,
		Format:   o.Format(),
		Commit:   o.Commit,
		Theme:    tui.NewTheme(a.scr.Colors(), os.Getenv("NO_COLOR") != ""),
		Spy:      a.panel,
		Out:      a.con.Load(),
		Frames:   tui.NewFrameWriter(os.Getenv("TERM"), a.scr.CharacterSet()),
	})
	a.loop.Store(a.game)
	return a, nil
}

// checkTerminal checks that the game can use the terminal, and the
// ROSHAMBO_ESCDELAY variable that the console will read.
func checkTerminal(o Options) error {
	for _, f := range []struct {
		fd   int
		name string
	}{{0, "stdin"}, {1, "stdout"}} {
		if !term.IsTerminal(f.fd) {
			return usageError{f.name + " is not a terminal (the game needs an interactive terminal)"}
		}
	}
	if !o.EscSet {
		if _, _, err := keys.EscDelayFromEnv(); err != nil {
			return usageError{err.Error()}
		}
	}
	return nil
}

// openSpy loads the spy if --spy was given. A spy that cannot load is
// reported, and the game plays on without it.
func (a *App) openSpy() {
	a.panel = tui.SpyPanel{Enabled: a.opts.Spy}
	if !a.opts.Spy {
		return
	}
	sp, err := openSpy()
	if err != nil {
		fmt.Fprintf(a.stderr, "roshambo: --spy: %v; playing on without the spy\n", err)
		a.panel.Status, a.panel.Unavailable = err.Error(), true
		return
	}
	a.spy = sp
}

// startOpponent starts an opponent process (under the spy, if it is on),
// with wake as its Notify.
func (a *App) startOpponent(wake func()) (*game.Opponent, error) {
	argv, err := BotArgv(a.opts)
	if err != nil {
		return nil, err
	}
	var op *game.Opponent
	start := func() (err error) {
		op, err = game.StartOpponent(a.ctx, argv, game.OpponentOptions{Timeout: a.opts.Timeout, Notify: wake, StderrLine: a.explained})
		return err
	}
	if a.spy != nil {
		// The opponent is followed from its first instruction: its
		// first answer is seen.
		err = a.spy.launch(start)
	} else {
		err = start()
	}
	if err != nil {
		return nil, fmt.Errorf("start the opponent: %w", err)
	}
	return op, nil
}

// spyOnOpponent watches op's output pipe and returns the spy panel's status
// line for it. A failed watch is said there: the pid filter still follows
// the bot and its children.
func (a *App) spyOnOpponent(op *game.Opponent) string {
	status := fmt.Sprintf("eBPF on the opponent, pid %d, and its output pipe", op.PID())
	if err := a.spy.watch(op); err != nil {
		status = fmt.Sprintf("eBPF on the opponent, pid %d (its output pipe is not watched: %v)", op.PID(), err)
	}
	return status
}

// explained hands the game a line of the bot's stderr that explains a
// move (the levels' bots write one per round); it consumes those lines.
func (a *App) explained(line string) bool {
	n, e, ok := game.ParseExplanationLine(line)
	if ok {
		if g := a.loop.Load(); g != nil {
			g.Explained(n, e)
		}
	}
	return ok
}

// startNext starts the opponent of a further match (tui.StartFunc; it runs
// on a goroutine of the game's).
func (a *App) startNext(wake func()) (tui.Opponent, error) {
	op, err := a.startOpponent(wake)
	if err != nil {
		return nil, err
	}
	if a.spy != nil {
		a.game.SpyStatus(a.spyOnOpponent(op))
	}
	return op, nil
}

// wake wakes the game loop (the opponent's Notify).
func (a *App) wake() {
	if c := a.con.Load(); c != nil {
		c.Interrupt()
	}
}

// openConsole puts the terminal in raw mode and starts the input layer.
func (a *App) openConsole() error {
	// Without --escdelay (EscDelay 0) the Console reads ROSHAMBO_ESCDELAY,
	// checked by checkTerminal.
	var ro input.ReaderOptions
	if a.opts.Hot {
		ro.HotMax = HotBound
	}
	con, err := input.OpenConsole(input.ConsoleOptions{EscDelay: a.opts.EscDelay, Reader: ro})
	if err != nil {
		if errors.Is(err, input.ErrNotTerminal) {
			return usageError{err.Error()}
		}
		return err
	}
	// A crash or a forced end must leave the game's screen too, before
	// the Console's own modes are reset.
	con.SetLeaveSequence([]byte(leaveScreen))
	a.con.Store(con)
	return nil
}

// openScreen starts tcell on the console's Tty seam: tcell draws, it never
// reads the keyboard.
func (a *App) openScreen() error {
	scr, err := tcell.NewTerminfoScreenFromTty(quietTty{a.con.Load().Tty()})
	if err == nil {
		err = scr.Init()
	}
	if err != nil {
		return usageError{fmt.Sprintf("this terminal (TERM=%q) cannot be used: %v", os.Getenv("TERM"), err)}
	}
	scr.HideCursor()
	// tcell's own event queue is never read (input comes from the input
	// layer), but tcell still posts resize events to it: drain it so that
	// they do not pile up. PollEvent returns nil after Fini.
	go func() {
		for scr.PollEvent() != nil {
		}
	}()
	a.scr = scr
	return nil
}

// quietTty is the console's tcell.Tty without resize notifications. tcell
// would answer each SIGWINCH by redrawing its own buffer from a goroutine
// of its own; the game writes most frames past that buffer (tui.FrameWriter),
// so the redraw would paint a stale frame. The game loop hears of resizes
// from the console and repaints itself; tcell reads the new size when the
// loop shows a frame.
type quietTty struct{ *term.Tty }

// NotifyResize does nothing: see quietTty.
func (quietTty) NotifyResize(func()) {}

// Run plays the session until the player quits, the opponent fails and the
// player leaves, or a terminating signal arrives.
func (a *App) Run() tui.Result {
	defer a.con.Load().Terminal().RestoreOnPanic()
	if a.spy != nil {
		go a.spy.run(a.game)
	}
	res := a.game.Run()
	writeRuntimeStats(res)
	return res
}

// EnvStatsFile names a file to which the game writes, when the session ends,
// the number of throws and the process's heap allocations so far (JSON: see
// runtimeStats). roshambo-bench screen uses it to count allocations per key.
const EnvStatsFile = "ROSHAMBO_STATS_FILE"

// runtimeStats is what EnvStatsFile receives.
type runtimeStats struct {
	Throws  int    `json:"throws"`
	Mallocs uint64 `json:"mallocs"`
}

// writeRuntimeStats writes runtimeStats to EnvStatsFile, if set, before the
// summary and the shutdown allocate anything.
func writeRuntimeStats(res tui.Result) {
	path := os.Getenv(EnvStatsFile)
	if path == "" {
		return
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st := runtimeStats{Mallocs: ms.Mallocs}
	for _, m := range res.Matches {
		st.Throws += len(m.Reactions)
	}
	if b, err := json.Marshal(st); err == nil {
		_ = os.WriteFile(path, b, 0o644)
	}
}

// Close restores the terminal, prints the summary, stops the opponents and
// the spy, and returns the exit code. After a terminating signal it ends the
// process by that signal instead of returning.
func (a *App) Close(res tui.Result) int {
	a.scr.Fini()
	cerr := a.con.Load().Close()
	summary := tui.Summary(a.name, res)
	if !writeBounded(a.stdout, summary) {
		writeBounded(a.stderr, summary) // stdout is gone (a hung-up terminal)
	}
	// Quitting is prompt: the opponent is told to quit (with a short grace
	// before it is killed) and the spy detached only now, side by side.
	var wg sync.WaitGroup
	if a.spy != nil {
		wg.Go(a.spy.close)
	}
	a.game.Close()
	wg.Wait()
	a.cancel()
	if res.Signal != 0 {
		term.ExitBySignal(res.Signal)
	}
	switch last := res.Last(); {
	case last.Err != nil:
		headline, _ := tui.Explain(last.Err)
		fmt.Fprintf(a.stderr, "roshambo: %s\n", oneLine(headline))
		return ExitOpponent
	case res.Err != nil:
		fmt.Fprintf(a.stderr, "roshambo: %s\n", oneLine(res.Err.Error()))
		return ExitOpponent
	case cerr != nil:
		fmt.Fprintf(a.stderr, "roshambo: restore the terminal: %v\n", cerr)
		return ExitOpponent
	}
	return ExitOK
}

// abort stops whatever Open had started when a later step failed.
func (a *App) abort() {
	if a.scr != nil {
		a.scr.Fini()
	}
	if c := a.con.Load(); c != nil {
		c.Close()
	}
	if a.first != nil {
		a.first.Close()
	}
	if a.spy != nil {
		a.spy.close()
	}
	a.cancel()
}

// writeBounded writes s to w, waiting at most a moment: a terminal that has
// hung up or stopped reading must not keep the game from ending. It reports
// whether the write succeeded in time.
func writeBounded(w io.Writer, s string) bool {
	done := make(chan error, 1)
	go func() {
		_, err := io.WriteString(w, s)
		done <- err
	}()
	select {
	case err := <-done:
		return err == nil
	case <-time.After(500 * time.Millisecond):
		return false
	}
}

// oneLine squeezes a message onto one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

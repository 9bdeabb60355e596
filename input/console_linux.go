package input

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/input/keys"
	"github.com/roshambo-game/roshambo/input/term"
	"github.com/roshambo-game/roshambo/internal/mono"
)

// ErrNotTerminal is returned (wrapped) by OpenConsole when stdin is not a
// terminal. It is term.ErrNotTerminal.
var ErrNotTerminal = term.ErrNotTerminal

// Terminal mode sequences the Console writes.
const (
	seqQueryKitty = "\x1b[?u" + "\x1b[c" // kitty flags query, then DA1 (every terminal answers DA1)
	seqPushKitty  = "\x1b[>1u"           // push kitty flags: disambiguate escape codes
	seqPopKitty   = "\x1b[<u"
	seqPasteOn    = "\x1b[?2004h"
	seqPasteOff   = "\x1b[?2004l"
	seqFocusOn    = "\x1b[?1004h"
	seqFocusOff   = "\x1b[?1004l"
)

// ConsoleOptions configure OpenConsole. The zero value gives the defaults.
type ConsoleOptions struct {
	// EscDelay is the decoder's fallback for an ambiguous ESC. 0 means the
	// ROSHAMBO_ESCDELAY environment variable (milliseconds) if set, else
	// keys.DefaultEscDelay; keys.NoEscDelay means none.
	EscDelay time.Duration
	// Reader configures the Reader.
	Reader ReaderOptions
	// NoKitty skips the kitty keyboard protocol detection.
	NoKitty bool
	// NoPaste and NoFocus leave bracketed paste and focus reporting off.
	NoPaste, NoFocus bool
	// NoMonitor disables the crash monitor (see term.Options).
	NoMonitor bool
}

// EventType says where a Console event comes from.
type EventType uint8

const (
	// EventInput is decoded terminal input: the embedded keys.Event is valid.
	EventInput EventType = iota + 1
	// EventResize: the window changed size (SIGWINCH); Cols and Rows hold the new size.
	EventResize
	// EventRepaint: the process was continued after a stop (SIGCONT), raw
	// mode is on again: redraw everything. Cols and Rows hold the size.
	EventRepaint
	// EventTerminate: SIGTERM, SIGHUP or SIGINT arrived (Signal). The
	// application ends: it leaves its screen, calls Close (which restores
	// the terminal), says what it must, and exits, normally with
	// term.ExitBySignal. A second such signal before Close restores the
	// terminal and ends the process without waiting for it.
	EventTerminate
	// EventWake: Interrupt was called (another goroutine has news for the
	// input loop, e.g. a state change to draw).
	EventWake
	// EventSuspend: SIGTSTP arrived from outside (kill -TSTP). The
	// application leaves its screen and calls Suspend, as for Ctrl-Z.
	EventSuspend
)

// Event is one Console event. For EventInput the embedded keys.Event holds
// the decoded input; its Raw and Text are valid until the next ReadEvent.
type Event struct {
	// Type says where the event comes from and which fields are valid.
	Type EventType
	keys.Event
	Cols, Rows int            // EventResize, EventRepaint
	Signal     syscall.Signal // EventTerminate
}

// String returns a readable form: the keys.Event form for input, else
// "Resize 120x40", "Repaint 120x40", "Terminate (terminated)".
func (e *Event) String() string {
	switch e.Type {
	case EventInput:
		return e.Event.String()
	case EventResize:
		return fmt.Sprintf("Resize %dx%d", e.Cols, e.Rows)
	case EventRepaint:
		return fmt.Sprintf("Repaint %dx%d", e.Cols, e.Rows)
	case EventTerminate:
		return fmt.Sprintf("Terminate (%v)", e.Signal)
	case EventWake:
		return "Wake"
	case EventSuspend:
		return "Suspend"
	}
	return "Event(?)"
}

// Console ties the input layer together for an application: the terminal in
// raw mode (input/term), the Reader on a private open file description of
// the tty, the key decoder, the kitty keyboard protocol when the terminal
// has it, bracketed paste and focus reporting, and signals turned into
// events.
//
// Concurrency: ReadEvent is called by one goroutine (the application's input
// loop). Write, Size, Suspend, Interrupt, Hot, SetLeaveSequence, Kitty, Stats,
// Terminal, Tty and Close may be called from any goroutine. Signals are caught on a goroutine of the
// terminal's Watch and handed to ReadEvent through atomic flags and
// Reader.Interrupt.
type Console struct {
	term   *term.Terminal
	reader *Reader
	dec    *keys.Decoder
	in     *os.File // the private description the Reader reads
	opts   ConsoleOptions

	stopWatch func()
	held      bool // a Reader chunk is fed to the decoder and not released yet

	// detection state, consumer only
	detecting  bool
	kittyReply bool

	kitty    atomic.Bool
	resize   atomic.Bool
	repaint  atomic.Bool
	suspend  atomic.Bool
	termSig  atomic.Int32
	wake     atomic.Bool
	modeMu   sync.Mutex // guards the mode writes of hooks and detection, and leave
	leave    []byte     // the application's emergency sequence (SetLeaveSequence)
	closeErr error
	once     sync.Once
}

// OpenConsole opens the terminal on stdin and stdout and starts the input
// layer: raw mode, the Reader, the decoder and the terminal modes. stdin
// must be a terminal (else the error wraps ErrNotTerminal); output goes to
// stdout if it is a terminal, else to the terminal on stdin. Call Close on
// every way out (it restores the terminal); signals and crashes are covered
// by the terminal package.
func OpenConsole(opts ConsoleOptions) (*Console, error) {
	if !term.IsTerminal(0) {
		return nil, fmt.Errorf("stdin: %w", ErrNotTerminal)
	}
	if opts.EscDelay == 0 {
		d, set, err := keys.EscDelayFromEnv()
		if err != nil {
			return nil, err // it names the variable
		}
		if set {
			opts.EscDelay = d
		}
	}
	// A private open file description of the same tty: the Reader's
	// O_NONBLOCK then never leaks to the shell sharing stdin's description
	// (on exit, on a crash, while suspended). unix.Open, not os.OpenFile:
	// os.OpenFile would register the tty with Go's netpoller, whose epoll
	// instance would then wake on every keystroke for nothing.
	fd, err := unix.Open("/proc/self/fd/0", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		// Fall back to a duplicate of stdin (the same description: the
		// Reader's Close and the crash monitor clear O_NONBLOCK again).
		var derr error
		if fd, derr = unix.FcntlInt(0, unix.F_DUPFD_CLOEXEC, 0); derr != nil {
			return nil, fmt.Errorf("reopen stdin: %w; dup stdin: %w", err, derr)
		}
	}
	// os.NewFile of a blocking descriptor keeps it out of the netpoller.
	in := os.NewFile(uintptr(fd), "tty")
	out := 1
	if !term.IsTerminal(out) {
		out = int(in.Fd())
	}
	c, err := newConsole(in, out, opts)
	if err != nil {
		in.Close()
		return nil, err
	}
	return c, nil
}

// newConsole starts a Console reading the tty in (owned by the Console from
// now on) and writing to out.
func newConsole(in *os.File, out int, opts ConsoleOptions) (*Console, error) {
	t, err := term.Open(int(in.Fd()), out, term.Options{NoMonitor: opts.NoMonitor})
	if err != nil {
		return nil, fmt.Errorf("open terminal: %w", err)
	}
	c := &Console{term: t, in: in, opts: opts}
	c.dec = keys.NewDecoder(keys.Options{EscDelay: opts.EscDelay})
	t.AddHook(term.Hook{Leave: c.modesOff, Enter: c.modesOn})
	if err := t.MakeRaw(); err != nil {
		_ = t.Close() // restores what MakeRaw may have changed, ends the monitor
		return nil, fmt.Errorf("raw mode: %w", err)
	}
	r, err := NewReader(int(in.Fd()), opts.Reader)
	if err != nil {
		_ = t.Close()
		return nil, fmt.Errorf("start reader: %w", err)
	}
	c.reader = r
	c.stopWatch = t.Watch(c.onSignal)
	c.modesOn()
	c.modeMu.Lock()
	c.setCrashSequence()
	c.modeMu.Unlock()
	if !opts.NoKitty {
		c.detecting = true
		if _, err := t.Write([]byte(seqQueryKitty)); err != nil {
			_ = c.Close()
			return nil, fmt.Errorf("query terminal: %w", err)
		}
	}
	return c, nil
}

// modesOn switches the terminal's input modes on (at open and, as an Enter
// hook, on resume).
func (c *Console) modesOn() {
	c.modeMu.Lock()
	defer c.modeMu.Unlock()
	var b []byte
	if !c.opts.NoPaste {
		b = append(b, seqPasteOn...)
	}
	if !c.opts.NoFocus {
		b = append(b, seqFocusOn...)
	}
	if c.kitty.Load() {
		b = append(b, seqPushKitty...)
	}
	if len(b) > 0 {
		_, _ = c.term.Write(b)
	}
	// No setCrashSequence here: as an Enter hook this runs with the
	// Terminal's lock held, which SetCrashSequence takes (and the sequence
	// has not changed since the modes were switched off).
}

// modesOff switches them off (on exit, on suspend, on a terminating signal).
func (c *Console) modesOff() {
	c.modeMu.Lock()
	defer c.modeMu.Unlock()
	var b []byte
	if c.kitty.Load() {
		b = append(b, seqPopKitty...)
	}
	if !c.opts.NoFocus {
		b = append(b, seqFocusOff...)
	}
	if !c.opts.NoPaste {
		b = append(b, seqPasteOff...)
	}
	if len(b) > 0 {
		_, _ = c.term.Write(b)
	}
}

// setCrashSequence tells the crash monitor what to write if the process
// dies: the application's leave sequence, then what modesOff would write.
// Called with modeMu held.
func (c *Console) setCrashSequence() {
	b := append([]byte(nil), c.leave...)
	if c.kitty.Load() {
		b = append(b, seqPopKitty...)
	}
	if !c.opts.NoFocus {
		b = append(b, seqFocusOff...)
	}
	if !c.opts.NoPaste {
		b = append(b, seqPasteOff...)
	}
	c.term.SetCrashSequence(b)
}

// SetLeaveSequence sets the application's share of the emergency restore:
// the bytes that leave its screen, for example "\x1b[?1049l\x1b[?25h" (normal
// screen, cursor shown) for a full-screen renderer. They are written before
// the Console's own mode resets (kitty keyboard pop, bracketed paste and
// focus reporting off) when the process dies in raw mode (by the crash
// monitor) and when a terminating signal (SIGTERM, SIGHUP, SIGINT) ends it.
// That order matters: terminals keep a kitty keyboard stack per screen, and
// the Console pushed its flags on the normal screen. Orderly exits (Close,
// Suspend) do not write them: the application leaves its screen itself
// first. Any goroutine; nil clears it. (Terminal().SetCrashSequence would be
// overwritten by the Console: use this instead.)
func (c *Console) SetLeaveSequence(seq []byte) {
	c.modeMu.Lock()
	defer c.modeMu.Unlock()
	c.leave = append(c.leave[:0], seq...)
	c.setCrashSequence()
}

// onSignal runs on the terminal's Watch goroutine.
func (c *Console) onSignal(ev term.Event) {
	switch ev.Kind {
	case term.EventResize:
		c.resize.Store(true)
	case term.EventRepaint:
		c.repaint.Store(true)
	case term.EventSuspend:
		c.suspend.Store(true)
	case term.EventTerminate:
		c.termSig.Store(int32(ev.Signal))
		if ev.Forced {
			// The application did not end after the first signal: the
			// watch restores the terminal (the Leave hooks: modesOff)
			// and ends the process as soon as this returns. Leave the
			// application's screen now.
			c.modeMu.Lock()
			if len(c.leave) > 0 {
				_, _ = c.term.Write(c.leave)
			}
			c.modeMu.Unlock()
		}
	}
	c.reader.Interrupt()
}

// Interrupt makes the current or next ReadEvent return an EventWake (several
// Interrupts before it returns give one EventWake). Any goroutine; it never
// blocks, and it is harmless after Close.
func (c *Console) Interrupt() {
	c.wake.Store(true)
	c.reader.Interrupt()
}

// ReadEvent waits for the next event and stores it in *ev. Signal events
// (terminate, repaint, resize, suspend, in that order of precedence), then an
// EventWake (see Interrupt), come before pending input. It waits in Reader.Next, with the decoder's deadline for an
// ambiguous ESC. It returns ErrClosed after Close, or the Reader's error
// (EIO when the terminal hangs up), once every byte captured before has been
// delivered (pending partial sequences resolved). ev's Raw and Text stay valid until the
// next call. Consumer only; it allocates nothing for ordinary keys.
func (c *Console) ReadEvent(ev *Event) error {
	for {
		if s := c.termSig.Swap(0); s != 0 {
			*ev = Event{Type: EventTerminate, Signal: syscall.Signal(s)}
			return nil
		}
		if c.repaint.Swap(false) {
			*ev = Event{Type: EventRepaint}
			ev.Cols, ev.Rows, _ = c.term.Size()
			return nil
		}
		if c.resize.Swap(false) {
			*ev = Event{Type: EventResize}
			ev.Cols, ev.Rows, _ = c.term.Size()
			return nil
		}
		if c.suspend.Swap(false) {
			*ev = Event{Type: EventSuspend}
			return nil
		}
		if c.wake.Load() && c.wake.Swap(false) {
			*ev = Event{Type: EventWake}
			return nil
		}
		if c.dec.Next(&ev.Event) {
			ev.Type = EventInput
			ev.Cols, ev.Rows, ev.Signal = 0, 0, 0
			if c.detecting && ev.Kind == keys.KindReply {
				c.detect(&ev.Event)
			}
			return nil
		}
		if c.held {
			c.reader.Release()
			c.held = false
		}
		chunk, err := c.reader.Next(c.dec.Deadline())
		switch {
		case err == nil:
			c.dec.Feed(chunk.Data, chunk.Time, chunk.Drained)
			c.held = true
		case errors.Is(err, ErrDeadline):
			c.dec.Expire(mono.Now())
		case errors.Is(err, ErrInterrupted):
		case c.dec.Deadline() != 0:
			// Capture has ended (Close, hang-up): resolve what the
			// decoder still holds and deliver it before the error, which
			// the Reader keeps returning.
			c.dec.Expire(c.dec.Deadline())
		default:
			return err
		}
	}
}

// detect follows the replies to the kitty query: the kitty flags reply
// before the DA1 reply means the terminal has the protocol.
func (c *Console) detect(ev *keys.Event) {
	switch ev.Reply {
	case keys.ReplyKittyFlags:
		c.kittyReply = true
	case keys.ReplyDA1:
		c.detecting = false
		if !c.kittyReply {
			return
		}
		c.modeMu.Lock()
		_, err := c.term.Write([]byte(seqPushKitty))
		if err == nil {
			c.kitty.Store(true)
			c.dec.SetKitty(true)
			c.setCrashSequence()
		}
		c.modeMu.Unlock()
	}
}

// Kitty reports whether the kitty keyboard protocol is on. Any goroutine.
func (c *Console) Kitty() bool { return c.kitty.Load() }

// Write writes p to the terminal (see term.Terminal.Write). Any goroutine.
func (c *Console) Write(p []byte) (int, error) { return c.term.Write(p) }

// Size returns the window size in columns and rows. Any goroutine.
func (c *Console) Size() (cols, rows int, err error) { return c.term.Size() }

// Suspend leaves raw mode and the Console's terminal modes, stops the
// process, and restores both when it is continued; ReadEvent then reports an
// EventRepaint. Call it when the user types Ctrl-Z (ev.IsRune('z',
// keys.ModCtrl)). Any goroutine.
func (c *Console) Suspend() error { return c.term.Suspend() }

// Terminal returns the underlying terminal, e.g. to add a renderer's hooks
// with AddHook (they run before the Console's on the way out and after them
// on the way back in).
func (c *Console) Terminal() *term.Terminal { return c.term }

// Tty returns a tcell.Tty for drawing with tcell on this terminal.
func (c *Console) Tty() *term.Tty { return c.term.Tty() }

// Hot makes the Reader hot for min(d, ConsoleOptions.Reader.HotMax);
// Hot(0) ends it. See Reader.Hot. Any goroutine.
func (c *Console) Hot(d time.Duration) { c.reader.Hot(d) }

// Stats returns the Reader's counters. Any goroutine.
func (c *Console) Stats() ReaderStats { return c.reader.Stats() }

// Close stops the signal watch and the Reader, switches the terminal modes
// off, restores the termios and stops the crash monitor. It is idempotent.
// Any goroutine; a ReadEvent in progress returns ErrClosed.
func (c *Console) Close() error {
	c.once.Do(func() {
		if c.stopWatch != nil {
			c.stopWatch()
		}
		var errs []error
		if c.reader != nil {
			errs = append(errs, c.reader.Close())
		}
		errs = append(errs, c.term.Close())
		errs = append(errs, c.in.Close())
		c.closeErr = errors.Join(errs...)
	})
	return c.closeErr
}

package term

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"
)

// ErrNotTerminal is returned by Open when the file descriptor is not a
// terminal (for example stdin redirected from a file or /dev/null).
var ErrNotTerminal = errors.New("not a terminal")

// ErrClosed is returned by mode changes after Close.
var ErrClosed = errors.New("terminal closed")

// Options configures Open.
type Options struct {
	// NoMonitor disables the crash monitor. Without it, a panic in a goroutine
	// other than the main one, a fatal runtime error or SIGKILL leaves the
	// terminal in raw mode.
	NoMonitor bool
}

// Hook is a pair of callbacks run around the transitions out of and back into
// raw mode. Leave runs before the termios is restored (by Restore, Close,
// Suspend, or a terminating signal under Watch); Enter runs after raw mode is
// re-applied when Suspend resumes. Either may be nil. Hooks run with the
// Terminal's transition lock held: they may call Write and Size but must not
// call MakeRaw, Restore, Reapply, Suspend or Close.
type Hook struct {
	Leave func()
	Enter func()
}

// Terminal is one terminal device opened by Open: the input descriptor whose
// termios is managed and the output descriptor that Write and Size use (often
// the same tty).
//
// Concurrency: all methods are safe for concurrent use. Mode transitions
// (MakeRaw, Restore, Reapply, Suspend, Close) are serialised by one lock; Write
// and Size take no lock and may be called from hooks.
type Terminal struct {
	in, out int
	opts    Options

	mu      sync.Mutex // serialises transitions; guards the fields below
	saved   unix.Termios
	rawMode unix.Termios
	raw     bool // the raw termios is currently applied (as far as we know)
	wantRaw bool // MakeRaw was called and Restore was not
	closed  bool
	hooks   []Hook
	mon     *monitor
	seq     []byte         // the crash restore sequence (see SetCrashSequence)
	watch   chan os.Signal // Watch's channel while it runs (it owns SIGTSTP)
}

// Open checks that in is a terminal and saves its termios. out is the
// descriptor used for output (Write, Size, the tcell seam); pass the same
// descriptor when the terminal is opened once. Open changes nothing: call
// MakeRaw. It returns an error wrapping ErrNotTerminal if in or out is not a
// terminal.
func Open(in, out int, opts Options) (*Terminal, error) {
	saved, err := getTermios(in)
	if err != nil {
		if errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.EINVAL) {
			return nil, fmt.Errorf("fd %d: %w", in, ErrNotTerminal)
		}
		return nil, fmt.Errorf("read termios of fd %d: %w", in, err)
	}
	if out != in {
		if _, err := getTermios(out); err != nil {
			return nil, fmt.Errorf("fd %d: %w", out, ErrNotTerminal)
		}
	}
	t := &Terminal{in: in, out: out, opts: opts, saved: *saved}
	t.rawMode = MakeRawTermios(*saved)
	return t, nil
}

// IsTerminal reports whether fd refers to a terminal.
func IsTerminal(fd int) bool {
	_, err := getTermios(fd)
	return err == nil
}

// MakeRawTermios returns a copy of t changed as cfmakeraw(3) does: no input
// processing (ICRNL, IXON, ISTRIP...), no output processing (OPOST), no echo,
// no canonical mode, no signal characters (ISIG), no IEXTEN, 8-bit characters,
// and read returning as soon as one byte is available (VMIN 1, VTIME 0).
func MakeRawTermios(t unix.Termios) unix.Termios {
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return t
}

// In returns the input descriptor.
func (t *Terminal) In() int { return t.in }

// Out returns the output descriptor.
func (t *Terminal) Out() int { return t.out }

// Saved returns the termios saved by Open, the state every restore returns to.
func (t *Terminal) Saved() unix.Termios { return t.saved }

// IsRaw reports whether raw mode is currently applied.
func (t *Terminal) IsRaw() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.raw
}

// AddHook registers h. Leave hooks run in reverse order of registration,
// Enter hooks in order of registration.
func (t *Terminal) AddHook(h Hook) {
	t.mu.Lock()
	t.hooks = append(t.hooks, h)
	t.mu.Unlock()
}

// SetCrashSequence sets the bytes the crash monitor writes to the terminal
// before restoring the termios when the process dies in raw mode (for
// example: leave the alternate screen, show the cursor, pop the kitty
// keyboard mode, switch bracketed paste and focus reporting off). Normal exit
// paths do not use it: they run the Leave hooks instead.
func (t *Terminal) SetCrashSequence(seq []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seq = append(t.seq[:0], seq...)
	if t.mon != nil {
		t.mon.setSequence(t.seq)
	}
}

// MakeRaw puts the terminal in raw mode (see MakeRawTermios) and arms the
// crash monitor, starting it on first use unless Options.NoMonitor. Calling it
// while raw mode is on does nothing.
func (t *Terminal) MakeRaw() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return ErrClosed
	}
	if !t.opts.NoMonitor && t.mon == nil {
		m, err := startMonitor(t.in, t.out, t.saved, t.seq)
		if err != nil {
			return fmt.Errorf("start crash monitor: %w", err)
		}
		t.mon = m
	}
	t.wantRaw = true
	if t.raw {
		return nil
	}
	return t.applyRawLocked()
}

func (t *Terminal) applyRawLocked() error {
	if t.mon != nil {
		t.mon.arm(true) // armed before the change: a crash in between restores a cooked tty, harmlessly
	}
	if err := setTermios(t.in, &t.rawMode); err != nil {
		return fmt.Errorf("set raw mode: %w", err)
	}
	t.raw = true
	return nil
}

// Reapply sets the raw termios again if raw mode is wanted (MakeRaw was called
// and Restore was not), even if it is believed to be on: after the process was
// stopped and continued (SIGCONT), a shell may have changed the termios. It
// runs no hooks and reports whether raw mode was re-applied.
func (t *Terminal) Reapply() (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || !t.wantRaw {
		return false, nil
	}
	return true, t.applyRawLocked()
}

// Restore runs the Leave hooks and restores the saved termios. Raw mode stays
// off until MakeRaw is called again. Calling it when raw mode is off does
// nothing.
func (t *Terminal) Restore() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.wantRaw = false
	if !t.raw {
		return nil
	}
	t.leaveLocked()
	return t.restoreLocked()
}

func (t *Terminal) leaveLocked() {
	for i := len(t.hooks) - 1; i >= 0; i-- {
		if h := t.hooks[i].Leave; h != nil {
			h()
		}
	}
}

func (t *Terminal) enterLocked() {
	for _, h := range t.hooks {
		if h.Enter != nil {
			h.Enter()
		}
	}
}

func (t *Terminal) restoreLocked() error {
	err := setTermios(t.in, &t.saved)
	if err != nil {
		return fmt.Errorf("restore termios: %w", err)
	}
	t.raw = false
	if t.mon != nil {
		t.mon.arm(false)
	}
	return nil
}

// Suspend leaves raw mode (Leave hooks, then the saved termios), stops the
// job as a shell's Ctrl-Z would and, once the process is continued, re-applies
// raw mode and runs the Enter hooks. It returns after the resume. Use it for
// Ctrl-Z (byte 0x1A under raw mode) and for EventSuspend. Watch reports the
// SIGCONT as an EventRepaint. If raw mode is off, Suspend only stops.
//
// Stopping the job: while Watch runs, SIGTSTP goes to the whole process group
// first, so that whatever runs the program (a shell, make, `sh -c`) stops
// with it and the shell takes the terminal back; the kernel discards it for
// an orphaned group, harmlessly. The process itself then stops with SIGSTOP,
// aimed at the calling thread so that it returns only after SIGCONT: SIGTSTP
// cannot stop it, because Go's handler, once installed for Watch, stays
// installed and swallows a SIGTSTP that nobody is notified of.
func (t *Terminal) Suspend() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return ErrClosed
	}
	wasRaw := t.raw
	if wasRaw {
		t.leaveLocked()
		if err := t.restoreLocked(); err != nil {
			return err
		}
	}
	if t.watch != nil {
		stopGroup(t.watch)
	}
	if err := stopSelf(); err != nil {
		return err
	}
	if wasRaw && t.wantRaw {
		if err := t.applyRawLocked(); err != nil {
			return err
		}
		t.enterLocked()
	}
	return nil
}

// stopGroup sends SIGTSTP to the other processes of the process group,
// without catching its own copy (which Watch would report as an
// EventSuspend): the signal is ignored while it is sent, and watched again
// afterwards. (Go then remembers SIG_IGN as SIGTSTP's disposition before
// Notify: once the watch stops, during shutdown, SIGTSTP stays ignored.)
func stopGroup(watch chan os.Signal) {
	signal.Ignore(unix.SIGTSTP)
	_ = unix.Kill(0, unix.SIGTSTP)
	signal.Notify(watch, unix.SIGTSTP)
}

// stopSelf stops the process with SIGSTOP and returns once it is continued.
// kill(getpid(), SIGSTOP) is not enough: the kernel may pick another thread
// to start the group stop, and the caller would run on for a while (raw mode
// re-applied before the stop). tgkill aimed at the calling thread makes that
// thread start the group stop itself on its way out of the system call, so
// it returns only after SIGCONT.
func stopSelf() error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := unix.Tgkill(unix.Getpid(), unix.Gettid(), unix.SIGSTOP); err != nil {
		return fmt.Errorf("stop self: %w", err)
	}
	return nil
}

// Close restores the terminal (as Restore), stops the crash monitor and
// releases nothing else: the descriptors belong to the caller. It is
// idempotent.
func (t *Terminal) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	var err error
	t.wantRaw = false
	if t.raw {
		t.leaveLocked()
		err = t.restoreLocked()
	}
	t.closed = true
	if t.mon != nil {
		t.mon.close()
		t.mon = nil
	}
	return err
}

// RestoreOnPanic restores the terminal if the calling goroutine is panicking
// and then continues the panic. Use it deferred, directly, on the main
// goroutine: defer t.RestoreOnPanic(). (Panics in other goroutines are the
// crash monitor's job: Go cannot recover them.)
func (t *Terminal) RestoreOnPanic() {
	if r := recover(); r != nil {
		_ = t.Close()
		panic(r)
	}
}

// Size returns the window size of the output terminal (TIOCGWINSZ) in
// columns and rows. It takes no lock.
func (t *Terminal) Size() (cols, rows int, err error) {
	ws, err := unix.IoctlGetWinsize(t.out, unix.TIOCGWINSZ)
	if err != nil {
		return 0, 0, fmt.Errorf("TIOCGWINSZ: %w", err)
	}
	return int(ws.Col), int(ws.Row), nil
}

// Write writes p to the output descriptor completely. It copes with a
// descriptor that another part of the program made non-blocking (the input
// reader sets O_NONBLOCK, and stdin and stdout often share one open file
// description): on EAGAIN it waits with poll(2) until the terminal accepts
// more. It takes no lock; concurrent Writes may interleave.
func (t *Terminal) Write(p []byte) (int, error) {
	return writeAll(t.out, p)
}

func writeAll(fd int, p []byte) (int, error) {
	done := 0
	for done < len(p) {
		n, err := unix.Write(fd, p[done:])
		if n > 0 {
			done += n
		}
		switch {
		case err == nil:
		case errors.Is(err, unix.EINTR):
		case errors.Is(err, unix.EAGAIN):
			pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
			if _, perr := unix.Poll(pfd, -1); perr != nil && !errors.Is(perr, unix.EINTR) {
				return done, fmt.Errorf("poll tty for output: %w", perr)
			}
		default:
			return done, fmt.Errorf("write tty: %w", err)
		}
	}
	return done, nil
}

func getTermios(fd int) (*unix.Termios, error) {
	for {
		t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return t, err
	}
}

func setTermios(fd int, t *unix.Termios) error {
	for {
		err := unix.IoctlSetTermios(fd, unix.TCSETS, t)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return err
	}
}

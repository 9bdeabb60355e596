package term

import (
	"bytes"
	"io"
	"os"
	"os/signal"
	"strconv"
	"sync"

	"github.com/gdamore/tcell/v2"
	"golang.org/x/sys/unix"
)

// Tty is the seam between tcell and roshambo's input layer: it implements
// tcell.Tty so that tcell draws on the terminal while the input package alone
// reads it.
//
//   - Write goes to the terminal's output descriptor (Terminal.Write). Writes
//     that would change the terminal's input modes behind the input layer's
//     back are dropped: tcell's keyboard protocol toggles (xterm
//     modifyOtherKeys, the kitty keyboard protocol push/pop, win32 input
//     mode) and its bracketed paste and focus reporting toggles. The input
//     layer negotiates those itself.
//   - WindowSize uses TIOCGWINSZ.
//   - NotifyResize calls its callback on SIGWINCH.
//   - Read never returns data: it blocks until Drain, Stop or Close and then
//     returns 0, io.EOF, so tcell's input goroutine ends and never competes
//     for the keyboard.
//   - Start and Stop do not touch the termios: raw mode belongs to the
//     Terminal (tcell's Suspend/Resume, which call Stop/Start, therefore
//     cannot undo or fight it). Stop ends pending Reads; Start re-arms Read.
//   - Close ends pending Reads and closes nothing: the descriptors belong to
//     the Terminal's owner.
//
// Concurrency: all methods are safe for concurrent use, as tcell requires.
type Tty struct {
	t *Terminal

	mu     sync.Mutex
	stopQ  chan struct{} // closed by Drain/Stop/Close; replaced by Start
	cb     func()
	sigCh  chan os.Signal
	sigEnd chan struct{}
	sigWG  sync.WaitGroup
}

var _ tcell.Tty = (*Tty)(nil)

// Tty returns a tcell.Tty on the terminal, for
// tcell.NewTerminfoScreenFromTty.
func (t *Terminal) Tty() *Tty {
	return &Tty{t: t, stopQ: make(chan struct{})}
}

// filtered are the writes tcell makes to change input modes (see Tty). tcell
// emits each of them with one Write.
var filtered = [][]byte{
	[]byte("\x1b[>4;2m\x1b[>1u\x1b[?9001h"),      // enable modifyOtherKeys + kitty + win32-input-mode
	[]byte("\x1b[?9001l\x1b[<u\x1b[>4;0m"),       // and disable
	[]byte("\x1b[?2004h"), []byte("\x1b[?2004l"), // bracketed paste
	[]byte("\x1b[?1004h"), []byte("\x1b[?1004l"), // focus reporting
}

// Write writes p to the terminal (see Tty for the writes it drops).
func (y *Tty) Write(p []byte) (int, error) {
	if len(p) <= 24 {
		for _, f := range filtered {
			if bytes.Equal(p, f) {
				return len(p), nil
			}
		}
	}
	return y.t.Write(p)
}

// Read blocks until Drain, Stop or Close and returns 0, io.EOF. It never
// consumes input.
func (y *Tty) Read(p []byte) (int, error) {
	y.mu.Lock()
	q := y.stopQ
	y.mu.Unlock()
	<-q
	return 0, io.EOF
}

func (y *Tty) endReads() {
	y.mu.Lock()
	select {
	case <-y.stopQ:
	default:
		close(y.stopQ)
	}
	y.mu.Unlock()
}

// Start re-arms Read (after a Stop) and starts the SIGWINCH notification if a
// callback is registered. It leaves the termios alone.
func (y *Tty) Start() error {
	y.mu.Lock()
	select {
	case <-y.stopQ:
		y.stopQ = make(chan struct{})
	default:
	}
	y.mu.Unlock()
	return nil
}

// Drain makes pending and future Reads return io.EOF until Start.
func (y *Tty) Drain() error {
	y.endReads()
	return nil
}

// Stop makes pending and future Reads return io.EOF until Start. It leaves
// the termios alone.
func (y *Tty) Stop() error {
	y.endReads()
	return nil
}

// Close makes pending and future Reads return io.EOF and stops the SIGWINCH
// notification. It closes no descriptor.
func (y *Tty) Close() error {
	y.endReads()
	y.NotifyResize(nil)
	return nil
}

// WindowSize returns the terminal's size by TIOCGWINSZ (80x25 if the
// terminal reports zero, as tcell's own Tty does).
func (y *Tty) WindowSize() (tcell.WindowSize, error) {
	ws, err := unix.IoctlGetWinsize(y.t.out, unix.TIOCGWINSZ)
	if err != nil {
		return tcell.WindowSize{}, err
	}
	w, h := int(ws.Col), int(ws.Row)
	if w == 0 {
		w, _ = strconv.Atoi(os.Getenv("COLUMNS"))
		if w == 0 {
			w = 80
		}
	}
	if h == 0 {
		h, _ = strconv.Atoi(os.Getenv("LINES"))
		if h == 0 {
			h = 25
		}
	}
	return tcell.WindowSize{Width: w, Height: h, PixelWidth: int(ws.Xpixel), PixelHeight: int(ws.Ypixel)}, nil
}

// NotifyResize registers cb to be called (on a goroutine of the Tty) on every
// SIGWINCH; nil unregisters it.
func (y *Tty) NotifyResize(cb func()) {
	y.mu.Lock()
	y.cb = cb
	start := cb != nil && y.sigCh == nil
	stop := cb == nil && y.sigCh != nil
	var ch chan os.Signal
	var end chan struct{}
	if start {
		ch, end = make(chan os.Signal, 1), make(chan struct{})
		y.sigCh, y.sigEnd = ch, end
		signal.Notify(ch, unix.SIGWINCH)
		y.sigWG.Add(1)
	}
	if stop {
		ch, end = y.sigCh, y.sigEnd
		y.sigCh, y.sigEnd = nil, nil
		signal.Stop(ch)
		close(end)
	}
	y.mu.Unlock()
	if start {
		go func() {
			defer y.sigWG.Done()
			for {
				select {
				case <-end:
					return
				case <-ch:
					y.mu.Lock()
					f := y.cb
					y.mu.Unlock()
					if f != nil {
						f()
					}
				}
			}
		}()
	}
	if stop {
		y.sigWG.Wait()
	}
}

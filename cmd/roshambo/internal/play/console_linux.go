package play

import (
	"errors"
	"fmt"
	"sync"

	"github.com/gdamore/tcell/v2"
	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/cmd/roshambo/internal/tui"
	"github.com/roshambo-game/roshambo/input"
	"github.com/roshambo-game/roshambo/input/keys"
	"github.com/roshambo-game/roshambo/input/mono"
	"github.com/roshambo-game/roshambo/input/term"
)

// leaveScreen is written when the process is terminated by a signal or
// crashes while the game is on screen: attributes off, cursor shown, normal
// screen back.
const leaveScreen = "\x1b[0m\x1b[?25h\x1b[?1049l"

// console ties the terminal (raw mode, signals, the tcell seam), the input
// reader and the key decoder into the tui.Input the game loop reads. Next,
// Suspend and Close are for the loop's goroutine; Interrupt for any.
type console struct {
	t    *term.Terminal
	r    *input.Reader
	dec  *keys.Decoder
	stop func()

	held bool // a chunk from r is being decoded; release it when drained

	mu   sync.Mutex
	sigs []tui.EventKind // signal events not yet returned
}

// newConsole puts the terminal on inFD/outFD in raw mode, starts the reader
// and watches the signals (resize, resume, terminate).
func newConsole(inFD, outFD int, opts keys.Options) (*console, error) {
	t, err := term.Open(inFD, outFD, term.Options{})
	if err != nil {
		return nil, err
	}
	t.SetCrashSequence([]byte(leaveScreen))
	if err := t.MakeRaw(); err != nil {
		t.Close()
		return nil, fmt.Errorf("raw mode: %w", err)
	}
	r, err := input.NewReader(inFD, input.ReaderOptions{})
	if err != nil {
		t.Close()
		return nil, fmt.Errorf("start input reader: %w", err)
	}
	c := &console{t: t, r: r, dec: keys.NewDecoder(opts)}
	// The shell that ran the game while it was stopped (Ctrl-Z, fg)
	// shares the terminal's open file description and clears its
	// O_NONBLOCK: the reader, which reads until EAGAIN, would then block
	// in read(2) with a key in hand. Set it again on every resume.
	nonblock := func() { _ = unix.SetNonblock(inFD, true) }
	t.AddHook(term.Hook{Enter: nonblock})
	c.stop = t.Watch(func(ev term.Event) {
		var k tui.EventKind
		switch ev.Kind {
		case term.EventResize:
			k = tui.EventResize
		case term.EventRepaint:
			nonblock()
			k = tui.EventRepaint
		case term.EventTerminate:
			// The terminal is restored and the process ends when this
			// returns: leave the game's screen first.
			_, _ = t.Write([]byte(leaveScreen))
			k = tui.EventTerminate
		default:
			return
		}
		c.mu.Lock()
		c.sigs = append(c.sigs, k)
		c.mu.Unlock()
		r.Interrupt()
	})
	return c, nil
}

// Tty is the tcell seam: tcell draws through it and never reads.
func (c *console) Tty() tcell.Tty { return c.t.Tty() }

// Next implements tui.Input.
func (c *console) Next() (tui.Event, error) {
	var ev keys.Event
	for {
		c.mu.Lock()
		if len(c.sigs) > 0 {
			k := c.sigs[0]
			c.sigs = c.sigs[1:]
			c.mu.Unlock()
			return tui.Event{Kind: k}, nil
		}
		c.mu.Unlock()
		if c.dec.Next(&ev) {
			if k, ok := gameKey(&ev); ok {
				return tui.Event{Kind: tui.EventKey, Key: k}, nil
			}
			continue
		}
		if c.held {
			c.r.Release()
			c.held = false
		}
		chunk, err := c.r.Next(c.dec.Deadline())
		switch {
		case err == nil:
			c.dec.Feed(chunk.Data, chunk.Time, chunk.Drained)
			c.held = true
		case errors.Is(err, input.ErrDeadline):
			c.dec.Expire(mono.Now())
		case errors.Is(err, input.ErrInterrupted):
			c.mu.Lock()
			n := len(c.sigs)
			c.mu.Unlock()
			if n == 0 {
				return tui.Event{Kind: tui.EventWake}, nil
			}
		default:
			return tui.Event{}, fmt.Errorf("read keyboard: %w", err)
		}
	}
}

// gameKey adapts a decoded key press to the game's Key.
func gameKey(ev *keys.Event) (tui.Key, bool) {
	if ev.Kind != keys.KindKey || ev.Action == keys.ActionRelease {
		return tui.Key{}, false
	}
	k := tui.Key{
		Ctrl: ev.Mod&keys.ModCtrl != 0,
		Alt:  ev.Mod&keys.ModAlt != 0,
		Esc:  ev.Key == keys.KeyEsc,
		Time: ev.Time,
	}
	if ev.Key == keys.KeyRune {
		k.Rune = ev.Rune
	}
	return k, true
}

// Interrupt implements tui.Input.
func (c *console) Interrupt() { c.r.Interrupt() }

// Suspend implements tui.Input: the terminal is restored, the process
// stopped, and raw mode re-applied once it is continued.
func (c *console) Suspend() error { return c.t.Suspend() }

// Close stops the reader and restores the terminal.
func (c *console) Close() error {
	c.stop()
	err := c.r.Close()
	if terr := c.t.Close(); err == nil {
		err = terr
	}
	return err
}

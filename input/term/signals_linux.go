package term

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// EventKind says what a signal means to the application.
type EventKind uint8

const (
	// EventResize: the window size changed (SIGWINCH).
	EventResize EventKind = iota + 1
	// EventRepaint: the process was continued (SIGCONT) and raw mode is on
	// again; the screen must be redrawn from scratch.
	EventRepaint
	// EventTerminate: SIGTERM, SIGHUP or SIGINT arrived. The application
	// restores the terminal (Close), says what it has to say, and ends,
	// normally with ExitBySignal. If it has not stopped the watch when a
	// second terminating signal arrives, the watch does it for it (see
	// Event.Forced).
	EventTerminate
	// EventSuspend: SIGTSTP arrived from outside (kill -TSTP; the keyboard
	// sends byte 0x1A in raw mode instead). The application leaves its
	// screen and calls Suspend, as for Ctrl-Z.
	EventSuspend
)

// String names the kind.
func (k EventKind) String() string {
	switch k {
	case EventResize:
		return "Resize"
	case EventRepaint:
		return "Repaint"
	case EventTerminate:
		return "Terminate"
	case EventSuspend:
		return "Suspend"
	}
	return "EventKind(?)"
}

// Event is one signal turned into an application event.
type Event struct {
	Kind   EventKind
	Signal syscall.Signal // the signal behind the event
	// Forced is set on an EventTerminate for a repeated terminating
	// signal: the application did not end after the first one. When fn
	// returns, the watch restores the terminal (Close) and ends the process
	// with the signal; fn may only write what must leave the screen.
	Forced bool
}

// watchedSignals are caught by Watch.
var watchedSignals = []os.Signal{
	unix.SIGWINCH, unix.SIGTSTP, unix.SIGCONT, unix.SIGTERM, unix.SIGHUP, unix.SIGINT,
}

// Watch catches SIGWINCH, SIGTSTP, SIGCONT, SIGTERM, SIGHUP and SIGINT on a
// goroutine of its own and reports them to fn there, one event at a time.
// The library reports; the application decides:
//   - SIGWINCH: fn(EventResize).
//   - SIGTSTP (from outside; Ctrl-Z is byte 0x1A in raw mode): fn(EventSuspend).
//     The application leaves its screen and calls Suspend.
//   - SIGCONT: Reapply (a shell may have changed the termios while the
//     process was stopped), then fn(EventRepaint).
//   - SIGTERM, SIGHUP, SIGINT: fn(EventTerminate). The application restores
//     the terminal, prints what it must (a summary) and ends with
//     ExitBySignal. If another terminating signal arrives before the watch
//     is stopped, the watch stops waiting for the application: fn(EventTerminate
//     with Forced), then Close (Leave hooks, saved termios), then the signal
//     ends the process.
//
// While the watch runs, Suspend stops the whole job (see Suspend). fn must be
// quick and must not call Suspend or Close. The returned stop function ends the
// watch (idempotent); signals then get their previous disposition.
func (t *Terminal) Watch(fn func(Event)) (stop func()) {
	ch := make(chan os.Signal, 16)
	t.mu.Lock()
	t.watch = ch
	t.mu.Unlock()
	signal.Notify(ch, watchedSignals...)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		terminating := false
		for {
			select {
			case <-done:
				return
			case s := <-ch:
				sig := s.(syscall.Signal)
				switch sig {
				case unix.SIGWINCH:
					fn(Event{Kind: EventResize, Signal: sig})
				case unix.SIGTSTP:
					fn(Event{Kind: EventSuspend, Signal: sig})
				case unix.SIGCONT:
					_, _ = t.Reapply()
					fn(Event{Kind: EventRepaint, Signal: sig})
				default:
					if !terminating {
						terminating = true
						fn(Event{Kind: EventTerminate, Signal: sig})
						continue
					}
					fn(Event{Kind: EventTerminate, Signal: sig, Forced: true})
					_ = t.Close()
					ExitBySignal(sig)
				}
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			wg.Wait()
			t.mu.Lock()
			t.watch = nil
			t.mu.Unlock()
		})
	}
}

// ExitBySignal ends the process by sig with the signal's default action, so
// that the parent sees the conventional status (a shell prints 128+n): it
// resets the signal's disposition and sends it to the process. If the
// process is still running a second later (the signal is blocked or
// ignored), it exits with status 128+n. Call it after the terminal has been
// restored.
func ExitBySignal(sig syscall.Signal) {
	signal.Reset(sig)
	_ = unix.Kill(unix.Getpid(), sig)
	time.Sleep(time.Second)
	os.Exit(128 + int(sig))
}

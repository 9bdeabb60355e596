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
	// EventTerminate: SIGTERM, SIGHUP or SIGINT arrived. The terminal is
	// restored and the signal re-raised as soon as the handler returns.
	EventTerminate
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
	}
	return "EventKind(?)"
}

// Event is one signal turned into an application event.
type Event struct {
	Kind   EventKind
	Signal syscall.Signal // the signal behind the event
}

// watchedSignals are caught by Watch.
var watchedSignals = []os.Signal{
	unix.SIGWINCH, unix.SIGTSTP, unix.SIGCONT, unix.SIGTERM, unix.SIGHUP, unix.SIGINT,
}

// Watch catches SIGWINCH, SIGTSTP, SIGCONT, SIGTERM, SIGHUP and SIGINT on a
// goroutine of its own and calls fn there, one event at a time:
//   - SIGWINCH: fn(EventResize).
//   - SIGTSTP (an external kill -TSTP; the keyboard sends 0x1A in raw mode):
//     Suspend, then the SIGCONT below.
//   - SIGCONT: Reapply, then fn(EventRepaint).
//   - SIGTERM, SIGHUP, SIGINT: fn(EventTerminate); when fn returns, Close
//     (Leave hooks, saved termios, monitor stopped), then the signal is raised
//     again with its default disposition, which ends the process with the
//     conventional status. fn may block briefly to save state; it must not
//     expect to keep running.
//
// fn must be quick and must not call Suspend. The returned stop function ends
// the watch (idempotent); signals then get their previous disposition.
func (t *Terminal) Watch(fn func(Event)) (stop func()) {
	ch := make(chan os.Signal, 16)
	signal.Notify(ch, watchedSignals...)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
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
					_ = t.Suspend()
				case unix.SIGCONT:
					_, _ = t.Reapply()
					fn(Event{Kind: EventRepaint, Signal: sig})
				default:
					fn(Event{Kind: EventTerminate, Signal: sig})
					_ = t.Close()
					reraise(sig)
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
		})
	}
}

// reraise delivers sig to the process again with its default disposition.
func reraise(sig syscall.Signal) {
	signal.Reset(sig)
	_ = unix.Kill(unix.Getpid(), sig)
	// The default action of SIGTERM, SIGHUP and SIGINT ends the process; if
	// the signal was somehow blocked, exit with the shell's convention.
	time.Sleep(time.Second)
	os.Exit(128 + int(sig))
}

package input

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/input/keys"
	monoclock "github.com/roshambo-game/roshambo/internal/mono"
)

// conTerminal plays the terminal emulator on a pty master: it records what
// the program writes and types bytes.
type conTerminal struct {
	t      *testing.T
	master *os.File
	mu     sync.Mutex
	out    bytes.Buffer
}

func (ct *conTerminal) output() string {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	return ct.out.String()
}

func (ct *conTerminal) waitOutput(s string) {
	ct.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(ct.output(), s) {
		if time.Now().After(deadline) {
			ct.t.Fatalf("the program never wrote %q; it wrote %q", s, ct.output())
		}
		time.Sleep(time.Millisecond)
	}
}

func (ct *conTerminal) typ(s string) {
	ct.t.Helper()
	if _, err := ct.master.Write([]byte(s)); err != nil {
		ct.t.Fatalf("write master: %v", err)
	}
}

// openTestConsole starts a Console on a fresh pty (no crash monitor).
func openTestConsole(t *testing.T, opts ConsoleOptions) (*Console, *conTerminal, *os.File) {
	t.Helper()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatalf("pty: %v", err)
	}
	if err := pty.Setsize(master, &pty.Winsize{Rows: 40, Cols: 120}); err != nil {
		t.Fatalf("setsize: %v", err)
	}
	ct := &conTerminal{t: t, master: master}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			ct.mu.Lock()
			ct.out.Write(buf[:max(n, 0)])
			ct.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	// A description of its own, as OpenConsole opens: a dup would share
	// the test's, whose O_NONBLOCK every slave.Fd() call clears (os.File
	// puts a pollable file back in blocking mode), and the Reader would then
	// block in read(2).
	fd, err := unix.Open(slave.Name(), unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("open %s: %v", slave.Name(), err)
	}
	opts.NoMonitor = true
	c, err := newConsole(os.NewFile(uintptr(fd), "tty"), int(slave.Fd()), opts)
	if err != nil {
		t.Fatalf("newConsole: %v", err)
	}
	t.Cleanup(func() {
		c.Close()
		master.Close()
		slave.Close()
	})
	return c, ct, slave
}

// readEvent reads one event, failing the test after a generous timeout.
func readEvent(t *testing.T, c *Console, ev *Event) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- c.ReadEvent(ev) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ReadEvent: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ReadEvent: no event")
	}
}

func slaveTermios(t *testing.T, f *os.File) unix.Termios {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatalf("TCGETS: %v", err)
	}
	return *tio
}

func TestConsoleKittyDetected(t *testing.T) {
	c, ct, slave := openTestConsole(t, ConsoleOptions{})
	before := slaveTermios(t, slave) // raw now
	if before.Lflag&unix.ICANON != 0 {
		t.Fatal("the Console did not set raw mode")
	}
	ct.waitOutput(seqPasteOn)
	ct.waitOutput(seqFocusOn)
	ct.waitOutput(seqQueryKitty)
	// A kitty-capable terminal: flags reply, then DA1.
	ct.typ("\x1b[?0u\x1b[?62;22c")
	var ev Event
	readEvent(t, c, &ev)
	if ev.Type != EventInput || ev.Kind != keys.KindReply || ev.Reply != keys.ReplyKittyFlags {
		t.Fatalf("first event %v, want the kitty flags reply", ev.String())
	}
	readEvent(t, c, &ev)
	if ev.Kind != keys.KindReply || ev.Reply != keys.ReplyDA1 {
		t.Fatalf("second event %v, want the DA1 reply", ev.String())
	}
	if !c.Kitty() {
		t.Fatal("kitty protocol not enabled after a kitty reply before DA1")
	}
	ct.waitOutput(seqPushKitty)
	// Under kitty, Esc is CSI 27 u; Ctrl-C is CSI 99;5 u.
	ct.typ("\x1b[27u")
	readEvent(t, c, &ev)
	if !ev.Is(keys.KeyEsc, 0) {
		t.Fatalf("got %v, want Esc", ev.String())
	}
	ct.typ("\x1b[99;5u")
	readEvent(t, c, &ev)
	if !ev.IsRune('c', keys.ModCtrl) {
		t.Fatalf("got %v, want Ctrl+c", ev.String())
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ct.waitOutput(seqPopKitty)
	ct.waitOutput(seqPasteOff)
	ct.waitOutput(seqFocusOff)
	if got := slaveTermios(t, slave); got.Lflag&unix.ICANON == 0 || got.Lflag&unix.ECHO == 0 || got.Lflag&unix.ISIG == 0 {
		t.Fatalf("Close did not restore the termios: %+v", got)
	}
	if err := c.ReadEvent(&ev); !errors.Is(err, ErrClosed) {
		t.Fatalf("ReadEvent after Close: %v, want ErrClosed", err)
	}
}

func TestConsoleNoKitty(t *testing.T) {
	c, ct, _ := openTestConsole(t, ConsoleOptions{})
	ct.waitOutput(seqQueryKitty)
	ct.typ("\x1b[?62;22c") // DA1 only: no kitty protocol
	var ev Event
	readEvent(t, c, &ev)
	if ev.Reply != keys.ReplyDA1 {
		t.Fatalf("got %v, want DA1", ev.String())
	}
	if c.Kitty() {
		t.Fatal("kitty enabled without a kitty reply")
	}
	// A kitty reply after DA1 is too late: still off.
	ct.typ("\x1b[?0u")
	readEvent(t, c, &ev)
	if c.Kitty() {
		t.Fatal("kitty enabled by a reply after DA1")
	}
	cases := []struct {
		typed string
		check func(ev *Event) bool
	}{
		{"a", func(ev *Event) bool { return ev.IsRune('a', 0) }},
		{"é", func(ev *Event) bool { return ev.IsRune('é', 0) }},
		{"\x03", func(ev *Event) bool { return ev.IsRune('c', keys.ModCtrl) }},
		{"\x1a", func(ev *Event) bool { return ev.IsRune('z', keys.ModCtrl) }},
		{"\x1b[1;5A", func(ev *Event) bool { return ev.Is(keys.KeyUp, keys.ModCtrl) }},
		{"\x1b", func(ev *Event) bool { return ev.Is(keys.KeyEsc, 0) }},
		{"\x1b[200~hi\x1b[201~", func(ev *Event) bool { return ev.Kind == keys.KindPaste && string(ev.Text) == "hi" }},
		{"\x1b[I", func(ev *Event) bool { return ev.Kind == keys.KindFocus && ev.Focus }},
	}
	for _, tc := range cases {
		before := monoNow()
		ct.typ(tc.typed)
		readEvent(t, c, &ev)
		if ev.Type != EventInput || !tc.check(&ev) || string(ev.Raw) != tc.typed {
			t.Errorf("typed %q: got %v (raw %q)", tc.typed, ev.String(), ev.Raw)
		}
		if ev.Time < before {
			t.Errorf("typed %q: capture time %d before the write (%d)", tc.typed, ev.Time, before)
		}
	}
}

func TestConsoleSignals(t *testing.T) {
	c, ct, _ := openTestConsole(t, ConsoleOptions{NoKitty: true})
	if err := pty.Setsize(ct.master, &pty.Winsize{Rows: 30, Cols: 100}); err != nil {
		t.Fatalf("setsize: %v", err)
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGWINCH); err != nil {
		t.Fatal(err)
	}
	var ev Event
	readEvent(t, c, &ev)
	if ev.Type != EventResize || ev.Cols != 100 || ev.Rows != 30 {
		t.Fatalf("got %v, want Resize 100x30", ev.String())
	}
	// A SIGCONT (as after an external SIGSTOP) re-applies raw mode and
	// reports a repaint.
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	readEvent(t, c, &ev)
	if ev.Type != EventRepaint || ev.Cols != 100 {
		t.Fatalf("got %v, want Repaint 100x30", ev.String())
	}
	// Input typed before a signal is not lost.
	ct.typ("x")
	readEvent(t, c, &ev)
	if !ev.IsRune('x', 0) {
		t.Fatalf("got %v, want x", ev.String())
	}
}

func TestConsoleNoAllocs(t *testing.T) {
	c, ct, _ := openTestConsole(t, ConsoleOptions{NoKitty: true})
	const n = 200
	ct.typ(strings.Repeat("ab", n)) // more keys than AllocsPerRun reads
	var ev Event
	readEvent(t, c, &ev) // warm up: the Reader has the first chunk
	allocs := testing.AllocsPerRun(n, func() {
		if err := c.ReadEvent(&ev); err != nil {
			t.Fatal(err)
		}
		if ev.Kind != keys.KindKey {
			t.Fatalf("unexpected %v", ev.String())
		}
	})
	if allocs != 0 {
		t.Fatalf("ReadEvent allocates %.1f times per key, want 0", allocs)
	}
}

func TestOpenConsoleNotTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	saved, err := unix.Dup(0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Dup2(int(r.Fd()), 0); err != nil {
		t.Fatal(err)
	}
	_, err = OpenConsole(ConsoleOptions{})
	if derr := unix.Dup2(saved, 0); derr != nil {
		t.Fatal(derr)
	}
	unix.Close(saved)
	if !errors.Is(err, ErrNotTerminal) {
		t.Fatalf("OpenConsole with a pipe on stdin: %v, want ErrNotTerminal", err)
	}
}

func monoNow() int64 { return monoclock.Now() }

// TestConsoleCloseWhileReading: Close from another goroutine ends a blocked
// ReadEvent with ErrClosed and restores the termios.
func TestConsoleCloseWhileReading(t *testing.T) {
	c, _, slave := openTestConsole(t, ConsoleOptions{NoKitty: true})
	done := make(chan error, 1)
	go func() {
		var ev Event
		for {
			if err := c.ReadEvent(&ev); err != nil {
				done <- err
				return
			}
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for c.Stats().Parks == 0 { // ReadEvent is blocked in the Reader
		if time.Now().After(deadline) {
			t.Fatal("ReadEvent never parked")
		}
		time.Sleep(time.Millisecond)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("ReadEvent = %v, want ErrClosed", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("ReadEvent still blocked after Close")
	}
	if got := slaveTermios(t, slave); got.Lflag&unix.ICANON == 0 || got.Lflag&unix.ECHO == 0 || got.Lflag&unix.ISIG == 0 {
		t.Fatalf("Close did not restore the termios: %+v", got)
	}
}

// TestConsoleHangupKeepsPending: bytes the decoder holds (a partial
// sequence, waiting for its ESC delay) are delivered before the Reader's
// error when the terminal hangs up: nothing is lost on the way out.
func TestConsoleHangupKeepsPending(t *testing.T) {
	c, ct, _ := openTestConsole(t, ConsoleOptions{NoKitty: true, EscDelay: time.Hour})
	ct.typ("k\x1b[1;")
	var ev Event
	readEvent(t, c, &ev)
	if !ev.IsRune('k', 0) {
		t.Fatalf("got %v, want k", ev.String())
	}
	deadline := time.Now().Add(20 * time.Second)
	for c.Stats().Bytes < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("the Reader never captured the partial sequence: %+v", c.Stats())
		}
		time.Sleep(time.Millisecond)
	}
	// The master's descriptor is closed for real only when the test
	// terminal's blocking read of it returns: give that read something.
	ct.master.Close()
	if _, err := c.Write([]byte("bye")); err != nil && !errors.Is(err, unix.EIO) {
		// EIO: the read had returned already, the hang-up is done.
		t.Fatalf("Write: %v", err)
	}
	var raw []byte
	done := make(chan error, 1)
	go func() {
		for {
			if err := c.ReadEvent(&ev); err != nil {
				done <- err
				return
			}
			if ev.Type == EventInput {
				raw = append(raw, ev.Raw...)
			}
		}
	}()
	select {
	case err := <-done:
		if errors.Is(err, ErrClosed) || err == nil {
			t.Fatalf("ReadEvent after the hang-up = %v, want the read error", err)
		}
		t.Logf("after the hang-up: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatalf("ReadEvent did not report the hang-up (stats %+v)", c.Stats())
	}
	if string(raw) != "\x1b[1;" {
		t.Fatalf("events before the error carried %q, want the pending %q", raw, "\x1b[1;")
	}
}

// TestConsoleNoLeaks opens and closes Consoles (with their crash monitors)
// and checks that no descriptor, goroutine or monitor process outlives them.
func TestConsoleNoLeaks(t *testing.T) {
	countFDs := func() int {
		ents, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Fatal(err)
		}
		return len(ents)
	}
	cycle := func() {
		master, slave, err := pty.Open()
		if err != nil {
			t.Fatalf("pty: %v", err)
		}
		defer master.Close()
		defer slave.Close()
		fd, err := unix.Open(slave.Name(), unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0) // see openTestConsole
		if err != nil {
			t.Fatal(err)
		}
		c, err := newConsole(os.NewFile(uintptr(fd), "tty"), int(slave.Fd()), ConsoleOptions{NoKitty: true})
		if err != nil {
			t.Fatalf("newConsole: %v", err)
		}
		if err := c.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	cycle() // warm up: lazily created runtime descriptors and goroutines
	fds, goroutines := countFDs(), runtime.NumGoroutine()
	for range 3 {
		cycle()
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var children []string // of every thread: a child belongs to the thread that forked it
		tasks, _ := os.ReadDir("/proc/self/task")
		for _, task := range tasks {
			if b, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%s/children", task.Name())); err == nil {
				children = append(children, strings.Fields(string(b))...)
			}
		}
		// The monitors are reaped at most a moment after Close (a race
		// build's monitor sleeps in exit).
		nf, ng := countFDs(), runtime.NumGoroutine()
		if nf <= fds && ng <= goroutines && len(children) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 3 Consoles: %d descriptors (was %d), %d goroutines (was %d), children %v",
				nf, fds, ng, goroutines, children)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

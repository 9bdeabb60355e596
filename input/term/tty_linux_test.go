package term_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/gdamore/tcell/v2"
	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/input/term"
)

// TestTcellDrawsButDoesNotRead runs a real tcell screen on a pty through the
// Tty seam: it draws, it follows resizes, it suspends and resumes, and the
// bytes typed into the pty stay in the tty for the input layer.
func TestTcellDrawsButDoesNotRead(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatalf("pty: %v", err)
	}
	defer master.Close()
	defer slave.Close()
	if err := pty.Setsize(master, &pty.Winsize{Rows: 40, Cols: 120}); err != nil {
		t.Fatalf("setsize: %v", err)
	}
	var out lockedBuffer
	go func() { _, _ = out.ReadFrom(master) }()

	fd := int(slave.Fd())
	tm, err := term.Open(fd, fd, term.Options{NoMonitor: true})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer tm.Close()
	if err := tm.MakeRaw(); err != nil {
		t.Fatalf("raw: %v", err)
	}
	raw := term.MakeRawTermios(tm.Saved())
	tty := tm.Tty()
	ws, err := tty.WindowSize()
	if err != nil || ws.Width != 120 || ws.Height != 40 {
		t.Fatalf("WindowSize = %+v, %v; want 120x40", ws, err)
	}

	screen, err := tcell.NewTerminfoScreenFromTty(tty)
	if err != nil {
		t.Fatalf("NewTerminfoScreenFromTty: %v", err)
	}
	if err := screen.Init(); err != nil {
		t.Fatalf("screen.Init: %v", err)
	}
	finied := false
	defer func() {
		if !finied { // a failed test must not hang in Fini
			go screen.Fini()
		}
	}()
	if w, h := screen.Size(); w != 120 || h != 40 {
		t.Fatalf("screen.Size = %dx%d, want 120x40", w, h)
	}
	draw := func(s string) {
		for i, r := range s {
			screen.SetContent(i, 0, r, nil, tcell.StyleDefault)
		}
		screen.Show()
		waitFor(t, &out, s)
	}
	draw("hello-from-tcell")

	// Keys typed now must stay in the tty: tcell's input goroutine is
	// parked in Tty.Read, which never reads.
	typed := []byte("abc\x1b[A")
	if _, err := master.Write(typed); err != nil {
		t.Fatalf("write master: %v", err)
	}
	time.Sleep(100 * time.Millisecond) // give a reading tcell every chance to steal them
	if got := readAvailable(t, fd, len(typed)); !bytes.Equal(got, typed) {
		t.Fatalf("the tty held %q, want %q: tcell consumed input", got, typed)
	}

	// Resize: SIGWINCH reaches tcell through NotifyResize.
	if err := pty.Setsize(master, &pty.Winsize{Rows: 30, Cols: 100}); err != nil {
		t.Fatalf("setsize: %v", err)
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGWINCH); err != nil {
		t.Fatalf("kill SIGWINCH: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if w, h := screen.Size(); w == 100 && h == 30 {
			break
		}
		if time.Now().After(deadline) {
			w, h := screen.Size()
			t.Fatalf("screen did not follow the resize: %dx%d", w, h)
		}
		// tcell applies the new size when it processes the resize (on Show
		// or in its main loop).
		screen.Show()
		time.Sleep(5 * time.Millisecond)
	}

	// tcell's Suspend/Resume call Drain/Stop/Start: they must return (Read
	// unblocks) and leave our raw mode alone.
	done := make(chan struct{})
	go func() {
		_ = screen.Suspend()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("screen.Suspend hung: Tty.Read did not return after Drain/Stop")
	}
	if got := termios(t, fd); got != raw {
		t.Fatalf("tcell's Suspend changed the termios:\n got %+v\nwant %+v", got, raw)
	}
	if err := screen.Resume(); err != nil {
		t.Fatalf("Resume: %v", err)
	}
	draw("after-resume")
	if _, err := master.Write([]byte("xyz")); err != nil {
		t.Fatalf("write master: %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if got := readAvailable(t, fd, 3); string(got) != "xyz" {
		t.Fatalf("after Resume the tty held %q, want %q", got, "xyz")
	}

	finiDone := make(chan struct{})
	go func() {
		screen.Fini()
		close(finiDone)
	}()
	select {
	case <-finiDone:
		finied = true
	case <-time.After(10 * time.Second):
		t.Fatal("screen.Fini hung")
	}
	if got := termios(t, fd); got != raw {
		t.Fatalf("tcell's Fini changed the termios:\n got %+v\nwant %+v", got, raw)
	}
	if err := tm.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if got := termios(t, fd); got != tm.Saved() {
		t.Fatalf("Close did not restore:\n got %+v\nwant %+v", got, tm.Saved())
	}
	// tcell's own input-mode toggles never reached the terminal.
	s := out.String()
	for _, seq := range []string{"\x1b[>1u", "\x1b[>4;2m", "\x1b[?2004l", "\x1b[?1004l", "\x1b[<u"} {
		if strings.Contains(s, seq) {
			t.Errorf("tcell wrote %q to the terminal; the Tty should have filtered it", seq)
		}
	}
}

func waitFor(t *testing.T, out *lockedBuffer, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("terminal never showed %q; got %q", s, out.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// readAvailable reads what the tty holds: it waits (generously: the
// kernel's flush worker may be slow on a loaded machine) until at least want
// bytes have arrived, then takes whatever else comes within 20 ms.
func readAvailable(t *testing.T, fd, want int) []byte {
	t.Helper()
	var got []byte
	buf := make([]byte, 256)
	deadline := time.Now().Add(20 * time.Second)
	for {
		timeout := 20
		if len(got) < want && time.Now().Before(deadline) {
			timeout = 100
		}
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(pfd, timeout)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			t.Fatalf("poll: %v", err)
		}
		if n == 0 && (len(got) >= want || time.Now().After(deadline)) {
			return got
		}
		if n == 0 {
			continue
		}
		m, err := unix.Read(fd, buf)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		got = append(got, buf[:m]...)
	}
}

func termios(t *testing.T, fd int) unix.Termios {
	t.Helper()
	tio, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		t.Fatalf("TCGETS: %v", err)
	}
	return *tio
}

func TestOpenNotTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	_, err = term.Open(int(r.Fd()), int(w.Fd()), term.Options{})
	if !errors.Is(err, term.ErrNotTerminal) {
		t.Fatalf("Open(pipe) error = %v, want ErrNotTerminal", err)
	}
	if term.IsTerminal(int(r.Fd())) {
		t.Fatal("IsTerminal(pipe) = true")
	}
}

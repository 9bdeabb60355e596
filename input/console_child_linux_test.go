package input

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/input/keys"
	"github.com/roshambo-game/roshambo/input/term"
	"github.com/roshambo-game/roshambo/internal/testutil"
)

// appLeave stands for a renderer's leave-screen bytes in the tests.
const appLeave = "\x1b[0m\x1b[?25h\x1b[?1049l"

// TestMain: in the role "console" (testutil.RoleEnv) the test binary acts
// as a program using a Console (see consoleChild).
func TestMain(m *testing.M) {
	testutil.Main(m, map[string]testutil.Role{"console": func(string) int { return consoleChild() }})
}

// consoleChild runs on a pty: a Console with its crash monitor, the
// application's leave sequence, READY once the kitty detection is over, and
// a panic in another goroutine on 'p'.
func consoleChild() int {
	c, err := OpenConsole(ConsoleOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open console:", err)
		return 3
	}
	defer c.Close()
	c.SetLeaveSequence([]byte(appLeave))
	var ev Event
	for {
		if err := c.ReadEvent(&ev); err != nil {
			fmt.Fprintln(os.Stderr, "read:", err)
			return 4
		}
		switch {
		case ev.Type == EventRepaint:
			fmt.Fprintf(c, "REPAINT\r\n")
		case ev.Type != EventInput:
		case ev.Reply != 0 && !c.detecting:
			fmt.Fprintf(c, "READY kitty=%v\r\n", c.Kitty())
		case ev.IsRune('p', 0):
			go func() { panic("boom in a goroutine") }()
			time.Sleep(10 * time.Second)
		case ev.IsRune('z', keys.ModCtrl):
			if err := c.Suspend(); err != nil {
				fmt.Fprintf(c, "SUSPEND ERROR %v\r\n", err)
			}
			fmt.Fprintf(c, "RESUMED\r\n")
		case ev.Type == EventRepaint:
		case ev.IsRune('i', 0):
			fmt.Fprintf(c, "INFO %s\r\n", descriptionInfo(c))
		case ev.IsRune('q', 0):
			return 0
		}
	}
}

// descriptionInfo reports, in the child, whether stdin's description and
// the Reader's are non-blocking, and whether the Reader's descriptor is
// watched by an epoll instance other than the Reader's own two (the reader
// thread's and the parked consumer's): Go's netpoller, say.
func descriptionInfo(c *Console) string {
	nonblock := func(fd int) bool {
		fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		return err == nil && fl&unix.O_NONBLOCK != 0
	}
	others := 0
	ents, _ := os.ReadDir("/proc/self/fd")
	for _, e := range ents {
		if l, _ := os.Readlink("/proc/self/fd/" + e.Name()); l != "anon_inode:[eventpoll]" || e.Name() == fmt.Sprint(c.reader.epfd) || e.Name() == fmt.Sprint(c.reader.cepfd) {
			continue
		}
		info, _ := os.ReadFile("/proc/self/fdinfo/" + e.Name())
		for line := range strings.Lines(string(info)) {
			if f := strings.Fields(line); len(f) > 1 && f[0] == "tfd:" && f[1] == fmt.Sprint(c.reader.fd) {
				others++
			}
		}
	}
	return fmt.Sprintf("stdin-nonblock=%v reader-nonblock=%v other-epolls=%d", nonblock(0), nonblock(c.reader.fd), others)
}

type lockedOut struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedOut) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// consoleProc is a consoleChild on a pty, and the terminal it talks to.
type consoleProc struct {
	t       *testing.T
	master  *os.File
	slaveFD int
	before  unix.Termios
	cmd     *exec.Cmd
	out     lockedOut
	waited  chan error
}

// startConsoleChild starts consoleChild on a fresh pty, answers its kitty
// query as a kitty-capable terminal and waits for READY.
func startConsoleChild(t *testing.T) *consoleProc {
	t.Helper()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatalf("pty: %v", err)
	}
	p := &consoleProc{t: t, master: master, slaveFD: int(slave.Fd()), waited: make(chan error, 1)}
	before, err := unix.IoctlGetTermios(p.slaveFD, unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	p.before = *before
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			p.out.mu.Lock()
			p.out.b.Write(buf[:max(n, 0)])
			p.out.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	p.cmd = exec.Command(os.Args[0], "-test.run=^$")
	p.cmd.Env = testutil.Environ("console", "")
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = slave, slave, slave
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.waited <- p.cmd.Wait() }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.waited
		master.Close()
		slave.Close()
	})
	p.waitFor("the kitty query", func(s string) bool { return strings.Contains(s, seqQueryKitty) })
	// Play a kitty-capable terminal: flags reply, then DA1.
	p.typ("\x1b[?0u\x1b[?62;22c")
	p.waitFor("READY", func(s string) bool { return strings.Contains(s, "READY kitty=true") })
	return p
}

func (p *consoleProc) typ(s string) {
	p.t.Helper()
	if _, err := p.master.Write([]byte(s)); err != nil {
		p.t.Fatal(err)
	}
}

// waitFor polls the child's output until ok.
func (p *consoleProc) waitFor(what string, ok func(string) bool) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second) // generous: a shared machine
	for !ok(p.out.String()) {
		if time.Now().After(deadline) {
			p.t.Fatalf("never saw %s; the child wrote %q", what, p.out.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (p *consoleProc) termios() unix.Termios {
	p.t.Helper()
	got, err := unix.IoctlGetTermios(p.slaveFD, unix.TCGETS)
	if err != nil {
		p.t.Fatal(err)
	}
	return *got
}

// waitTermios polls until the pty's termios is want.
func (p *consoleProc) waitTermios(want unix.Termios, what string) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for p.termios() != want {
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: termios\n got %+v\nwant %+v", what, p.termios(), want)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestConsoleCrashSequence: when the program dies in raw mode, the crash
// monitor writes the application's leave sequence and then the Console's own
// mode resets (kitty pop, focus and paste off), and restores the termios.
func TestConsoleCrashSequence(t *testing.T) {
	p := startConsoleChild(t)
	mark := len(p.out.String())
	p.typ("p")
	select {
	case err := <-p.waited:
		p.waited <- err
	case <-time.After(20 * time.Second):
		t.Fatal("the child did not die of its panic")
	}
	want := appLeave + seqPopKitty + seqFocusOff + seqPasteOff
	p.waitFor("the crash sequence", func(s string) bool { return strings.Contains(s[mark:], want) })
	p.waitTermios(p.before, "after the crash")
	if s := p.out.String()[mark:]; !strings.Contains(s, "boom in a goroutine") {
		t.Errorf("no crash report after the restore: %q", s)
	}
}

// TestConsolePrivateDescription: the Reader reads a description of the tty
// of its own: its O_NONBLOCK never shows on the description the shell shares
// (stdin), and Go's netpoller does not watch it (no wake-up per key there).
func TestConsolePrivateDescription(t *testing.T) {
	p := startConsoleChild(t)
	mark := len(p.out.String())
	p.typ("i")
	const want = "INFO stdin-nonblock=false reader-nonblock=true other-epolls=0\r\n"
	p.waitFor("INFO", func(s string) bool { return strings.Contains(s[mark:], "other-epolls=") })
	p.waitFor("the rest of the INFO line", func(s string) bool { return strings.HasSuffix(s, "\r\n") })
	if s := p.out.String()[mark:]; !strings.Contains(s, want) {
		t.Fatalf("child wrote %q, want %q", s, want)
	}
	// The test's own descriptor shares the child's stdin description.
	if fl, err := unix.FcntlInt(uintptr(p.slaveFD), unix.F_GETFL, 0); err != nil || fl&unix.O_NONBLOCK != 0 {
		t.Fatalf("stdin's shared description: flags %#x (%v), want O_NONBLOCK off while the child reads", fl, err)
	}
}

// TestConsoleSuspend: Ctrl-Z and Suspend: the modes are switched off and the
// termios restored while the process is stopped; on SIGCONT raw mode and the
// modes come back (the Enter hook) and ReadEvent reports a repaint.
func TestConsoleSuspend(t *testing.T) {
	p := startConsoleChild(t)
	raw := p.termios()
	if raw == p.before {
		t.Fatal("the child is not in raw mode")
	}
	mark := len(p.out.String())
	p.typ("\x1a")
	p.waitFor("the modes switched off", func(s string) bool {
		return strings.Contains(s[mark:], seqPopKitty+seqFocusOff+seqPasteOff)
	})
	p.waitTermios(p.before, "while stopped")
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
		if err != nil {
			t.Fatal(err)
		}
		if f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:])); len(f) > 0 && f[0] == "T" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the child did not stop: %s", b)
		}
		time.Sleep(2 * time.Millisecond)
	}
	mark = len(p.out.String())
	if err := p.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	p.waitFor("RESUMED and REPAINT", func(s string) bool {
		s = s[mark:]
		return strings.Contains(s, "RESUMED") && strings.Contains(s, "REPAINT")
	})
	s := p.out.String()[mark:]
	if !strings.Contains(s, seqPasteOn) || !strings.Contains(s, seqFocusOn) || !strings.Contains(s, seqPushKitty) {
		t.Errorf("the modes were not switched on again after the resume: %q", s)
	}
	p.waitTermios(raw, "after the resume")
	p.typ("q")
	select {
	case err := <-p.waited:
		p.waited <- err
		if err != nil {
			t.Fatalf("the child failed: %v; it wrote %q", err, p.out.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the child did not quit")
	}
	p.waitTermios(p.before, "after quitting")
}

// TestConsoleLeaveOnTerminate: a terminating signal is reported by ReadEvent
// and writes nothing by itself (the application leaves its screen and
// closes); a repeated one, which the watch acts on without the application,
// writes the application's leave sequence before the Console's modes are
// switched off. Close alone does not write it.
func TestConsoleLeaveOnTerminate(t *testing.T) {
	c, ct, _ := openTestConsole(t, ConsoleOptions{NoKitty: true})
	c.SetLeaveSequence([]byte(appLeave))
	ct.waitOutput(seqPasteOn)
	c.onSignal(term.Event{Kind: term.EventTerminate, Signal: syscall.SIGTERM})
	var ev Event
	readEvent(t, c, &ev)
	if ev.Type != EventTerminate || ev.Signal != syscall.SIGTERM {
		t.Fatalf("got %v, want Terminate (terminated)", ev.String())
	}
	if strings.Contains(ct.output(), appLeave) {
		t.Errorf("the first signal wrote the leave sequence itself: %q", ct.output())
	}
	// What Watch does on a second SIGTERM: the forced event, then Close.
	c.onSignal(term.Event{Kind: term.EventTerminate, Signal: syscall.SIGTERM, Forced: true})
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	ct.waitOutput(appLeave + seqFocusOff + seqPasteOff)

	c2, ct2, _ := openTestConsole(t, ConsoleOptions{NoKitty: true})
	c2.SetLeaveSequence([]byte(appLeave))
	ct2.waitOutput(seqPasteOn)
	if err := c2.Close(); err != nil {
		t.Fatal(err)
	}
	ct2.waitOutput(seqFocusOff + seqPasteOff)
	if strings.Contains(ct2.output(), appLeave) {
		t.Errorf("Close wrote the application's leave sequence: %q", ct2.output())
	}
}

// TestConsoleInterrupt: Interrupt wakes a blocked ReadEvent with one
// EventWake; input typed meanwhile is not lost.
func TestConsoleInterrupt(t *testing.T) {
	c, ct, _ := openTestConsole(t, ConsoleOptions{NoKitty: true})
	done := make(chan Event, 1)
	go func() {
		var ev Event
		if err := c.ReadEvent(&ev); err != nil {
			t.Errorf("ReadEvent: %v", err)
		}
		done <- ev
	}()
	time.Sleep(20 * time.Millisecond) // let it block (either way the result is the same)
	c.Interrupt()
	select {
	case ev := <-done:
		if ev.Type != EventWake {
			t.Fatalf("got %v, want Wake", ev.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Interrupt did not wake ReadEvent")
	}
	c.Interrupt()
	c.Interrupt()
	ct.typ("x")
	var ev Event
	readEvent(t, c, &ev)
	if ev.Type != EventWake {
		t.Fatalf("got %v, want one Wake for two Interrupts", ev.String())
	}
	readEvent(t, c, &ev)
	if !ev.IsRune('x', 0) {
		t.Fatalf("got %v, want x", ev.String())
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c.Interrupt() // harmless after Close
}

// TestConsoleReportsSuspend: an external SIGTSTP (as the watch reports it)
// is an EventSuspend for the application, which decides to Suspend.
func TestConsoleReportsSuspend(t *testing.T) {
	c, _, _ := openTestConsole(t, ConsoleOptions{NoKitty: true})
	c.onSignal(term.Event{Kind: term.EventSuspend, Signal: syscall.SIGTSTP})
	var ev Event
	readEvent(t, c, &ev)
	if ev.Type != EventSuspend || ev.String() != "Suspend" {
		t.Fatalf("got %v, want Suspend", ev.String())
	}
}

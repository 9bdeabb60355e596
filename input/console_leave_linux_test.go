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

	"github.com/roshambo-game/roshambo/input/term"
)

// consoleChildEnv makes the test binary act as a program using a Console
// (see consoleChild).
const consoleChildEnv = "ROSHAMBO_INPUT_CONSOLE_CHILD"

// appLeave stands for a renderer's leave-screen bytes in the tests.
const appLeave = "\x1b[0m\x1b[?25h\x1b[?1049l"

func TestMain(m *testing.M) {
	if os.Getenv(consoleChildEnv) == "1" {
		os.Exit(consoleChild())
	}
	os.Exit(m.Run())
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
		case ev.Type != EventInput:
		case ev.Reply != 0 && !c.detecting:
			fmt.Fprintf(c, "READY kitty=%v\r\n", c.Kitty())
		case ev.IsRune('p', 0):
			go func() { panic("boom in a goroutine") }()
			time.Sleep(10 * time.Second)
		case ev.IsRune('q', 0):
			return 0
		}
	}
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

// TestConsoleCrashSequence: when the program dies in raw mode, the crash
// monitor writes the application's leave sequence and then the Console's own
// mode resets (kitty pop, focus and paste off), and restores the termios.
func TestConsoleCrashSequence(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatalf("pty: %v", err)
	}
	defer master.Close()
	defer slave.Close()
	slaveFD := int(slave.Fd())
	before, err := unix.IoctlGetTermios(slaveFD, unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	var out lockedOut
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			out.mu.Lock()
			out.b.Write(buf[:max(n, 0)])
			out.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), consoleChildEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
		<-waited
	}()
	waitFor := func(what string, ok func(string) bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second) // generous: a shared machine
		for !ok(out.String()) {
			if time.Now().After(deadline) {
				t.Fatalf("never saw %s; the child wrote %q", what, out.String())
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	waitFor("the kitty query", func(s string) bool { return strings.Contains(s, seqQueryKitty) })
	// Play a kitty-capable terminal: flags reply, then DA1.
	if _, err := master.Write([]byte("\x1b[?0u\x1b[?62;22c")); err != nil {
		t.Fatal(err)
	}
	waitFor("READY", func(s string) bool { return strings.Contains(s, "READY kitty=true") })
	mark := len(out.String())
	if _, err := master.Write([]byte("p")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-waited:
		waited <- nil
	case <-time.After(20 * time.Second):
		t.Fatal("the child did not die of its panic")
	}
	want := appLeave + seqPopKitty + seqFocusOff + seqPasteOff
	waitFor("the crash sequence", func(s string) bool { return strings.Contains(s[mark:], want) })
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := unix.IoctlGetTermios(slaveFD, unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		if *got == *before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("termios not restored after the crash:\n got %+v\nwant %+v", *got, *before)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if s := out.String()[mark:]; !strings.Contains(s, "boom in a goroutine") {
		t.Errorf("no crash report after the restore: %q", s)
	}
}

// TestConsoleLeaveOnTerminate: a terminating signal writes the application's
// leave sequence before the Console's modes are switched off, and ReadEvent
// reports it; Close alone does not write it.
func TestConsoleLeaveOnTerminate(t *testing.T) {
	c, ct, _ := openTestConsole(t, ConsoleOptions{NoKitty: true})
	c.SetLeaveSequence([]byte(appLeave))
	ct.waitOutput(seqPasteOn)
	// What Watch does on SIGTERM: the event, then Close.
	c.onSignal(term.Event{Kind: term.EventTerminate, Signal: syscall.SIGTERM})
	var ev Event
	readEvent(t, c, &ev)
	if ev.Type != EventTerminate || ev.Signal != syscall.SIGTERM {
		t.Fatalf("got %v, want Terminate (terminated)", ev.String())
	}
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

package term_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/input/term"
	"github.com/roshambo-game/roshambo/internal/testutil"
)

// TestMain: the test binary runs childMain in the role "child", and
// shellMain in the role "shell" (testutil.RoleEnv), instead of the tests
// (the re-exec pattern of os/signal's TestTerminalSignal).
func TestMain(m *testing.M) {
	testutil.Main(m, map[string]testutil.Role{
		"child": func(string) int { childMain(); return 0 },
		"shell": func(string) int { return shellMain() },
	})
}

// childMain runs on a pty as the test's child: raw mode, signal watch, then
// one action per input byte. It is the application: the watch reports, the
// child decides (Close and ExitBySignal on EventTerminate, Suspend on
// EventSuspend), as its main loop would.
func childMain() {
	t, err := term.Open(0, 1, term.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(3)
	}
	defer t.RestoreOnPanic()
	say := func(s string) { _, _ = t.Write([]byte(s + "\r\n")) }
	t.AddHook(term.Hook{Leave: func() { say("LEAVE") }, Enter: func() { say("ENTER") }})
	if err := t.MakeRaw(); err != nil {
		fmt.Fprintln(os.Stderr, "raw:", err)
		os.Exit(3)
	}
	// The watch hands its events to the main loop through a pipe, which
	// the loop polls beside the terminal.
	evR, evW, err := os.Pipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pipe:", err)
		os.Exit(3)
	}
	var deaf atomic.Bool // 'i': ignore terminating signals (the watch must force)
	stop := t.Watch(func(ev term.Event) {
		msg := "EVENT " + ev.Kind.String()
		if ev.Forced {
			msg += " forced"
		}
		say(msg)
		if ev.Forced || ev.Kind == term.EventTerminate && deaf.Load() {
			return
		}
		_, _ = evW.Write([]byte{byte(ev.Kind), byte(ev.Signal)})
	})
	defer stop()
	say("READY")
	buf := make([]byte, 2)
	for {
		pfd := []unix.PollFd{{Fd: 0, Events: unix.POLLIN}, {Fd: int32(evR.Fd()), Events: unix.POLLIN}}
		if _, err := unix.Poll(pfd, -1); err != nil && err != unix.EINTR {
			say("POLL ERROR")
			os.Exit(4)
		}
		if pfd[1].Revents&unix.POLLIN != 0 {
			if _, err := evR.Read(buf); err != nil {
				os.Exit(4)
			}
			switch term.EventKind(buf[0]) {
			case term.EventTerminate:
				stop()
				_ = t.Close()
				term.ExitBySignal(syscall.Signal(buf[1]))
			case term.EventSuspend:
				if err := t.Suspend(); err != nil {
					say("SUSPEND ERROR " + err.Error())
				}
				say("RESUMED")
			}
		}
		if pfd[0].Revents == 0 {
			continue
		}
		n, err := unix.Read(0, buf[:1])
		if err == unix.EINTR || err == unix.EAGAIN { // EAGAIN after 'n'
			continue
		}
		if err != nil || n == 0 {
			say("READ ERROR")
			os.Exit(4)
		}
		switch buf[0] {
		case 'q', 0x03: // normal exit; Ctrl-C as the application's quit key
			if err := t.Close(); err != nil {
				fmt.Fprintln(os.Stderr, "close:", err)
				os.Exit(5)
			}
			fmt.Println("BYE")
			return
		case 0x1a: // Ctrl-Z
			if err := t.Suspend(); err != nil {
				say("SUSPEND ERROR " + err.Error())
			}
			say("RESUMED")
		case 'p': // panic in another goroutine
			go func() { panic("boom in a goroutine") }()
			time.Sleep(10 * time.Second)
		case 'n': // what the input reader does on a shared description
			if err := unix.SetNonblock(0, true); err != nil {
				say("NONBLOCK ERROR")
			}
			say("NONBLOCK")
		case 'm': // panic on the main goroutine
			panic("boom on main")
		case 'i':
			deaf.Store(true)
			say("DEAF")
		}
	}
}

// lockedBuffer collects the child's output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type child struct {
	t             *testing.T
	cmd           *exec.Cmd
	master, slave *os.File
	// slaveFD is slave's descriptor, read once: every os.File.Fd call
	// clears O_NONBLOCK on the description, which the tests observe.
	slaveFD     int
	out         lockedBuffer
	before, raw unix.Termios
	waited      chan struct{}
	state       *os.ProcessState
}

func startChild(t *testing.T) *child {
	t.Helper()
	return startOnPty(t, "child")
}

// startJob starts a shell (shellMain) on a pty, which runs the child as a
// foreground job.
func startJob(t *testing.T) *child {
	t.Helper()
	return startOnPty(t, "shell")
}

// startOnPty starts the test binary in role, as the session leader of a
// fresh pty, and waits until the child is ready.
func startOnPty(t *testing.T, role string) *child {
	t.Helper()
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatalf("pty: %v", err)
	}
	c := &child{t: t, master: master, slave: slave, slaveFD: int(slave.Fd()), waited: make(chan struct{})}
	t.Cleanup(func() {
		if c.cmd.Process != nil {
			_ = c.cmd.Process.Kill()
		}
		<-c.waited
		master.Close()
		slave.Close()
	})
	c.before = c.termios()
	if c.before.Lflag&unix.ICANON == 0 {
		t.Fatalf("fresh pty is not in canonical mode: %+v", c.before)
	}
	c.raw = term.MakeRawTermios(c.before)
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = testutil.Environ(role, "")
	c.cmd.Stdin, c.cmd.Stdout, c.cmd.Stderr = slave, slave, slave
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	go func() { _, _ = c.out.ReadFrom(master) }()
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	go func() {
		_ = c.cmd.Wait()
		c.state = c.cmd.ProcessState
		close(c.waited)
	}()
	c.waitOutput("READY")
	if got := c.termios(); got != c.raw {
		t.Fatalf("child did not set raw mode:\n got %+v\nwant %+v", got, c.raw)
	}
	return c
}

func (l *lockedBuffer) ReadFrom(f *os.File) (int64, error) {
	buf := make([]byte, 4096)
	var total int64
	for {
		n, err := f.Read(buf)
		if n > 0 {
			l.Write(buf[:n])
			total += int64(n)
		}
		if err != nil {
			return total, err
		}
	}
}

func (c *child) termios() unix.Termios {
	c.t.Helper()
	tio, err := unix.IoctlGetTermios(c.slaveFD, unix.TCGETS)
	if err != nil {
		c.t.Fatalf("TCGETS: %v", err)
	}
	return *tio
}

const patience = 20 * time.Second // generous: the machine is shared; never a speed assertion

func (c *child) waitOutput(s string) {
	c.t.Helper()
	deadline := time.Now().Add(patience)
	for !strings.Contains(c.out.String(), s) {
		if time.Now().After(deadline) {
			c.t.Fatalf("child never printed %q; output so far:\n%s", s, c.out.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (c *child) send(b ...byte) {
	c.t.Helper()
	if _, err := c.master.Write(b); err != nil {
		c.t.Fatalf("write to pty master: %v", err)
	}
}

func (c *child) signal(sig syscall.Signal) {
	c.t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		c.t.Fatalf("signal %v: %v", sig, err)
	}
}

func (c *child) wait() *os.ProcessState {
	c.t.Helper()
	select {
	case <-c.waited:
		return c.state
	case <-time.After(patience):
		c.t.Fatalf("child did not exit; output:\n%s", c.out.String())
		return nil
	}
}

// waitTermios polls until the pty's termios equals want (the crash monitor
// restores asynchronously, after the child is gone).
func (c *child) waitTermios(want unix.Termios, what string) {
	c.t.Helper()
	deadline := time.Now().Add(patience)
	for {
		got := c.termios()
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s: termios\n got %+v\nwant %+v\noutput:\n%s", what, got, want, c.out.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// procState returns the state letter of /proc/PID/stat (R, S, T...).
func procState(pid int) (byte, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return 0, fmt.Errorf("bad stat line %q", b)
	}
	return b[i+2], nil
}

func (c *child) waitState(want byte) {
	c.t.Helper()
	deadline := time.Now().Add(patience)
	for {
		st, err := procState(c.cmd.Process.Pid)
		if err != nil {
			c.t.Fatalf("read child state: %v", err)
		}
		if st == want {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("child state %c, want %c; output:\n%s", st, want, c.out.String())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRestoreOnExit(t *testing.T) {
	cases := []struct {
		name       string
		trigger    func(c *child)
		exitCode   int            // when signal == 0
		signal     syscall.Signal // expected terminating signal
		wantOutput []string
	}{
		{name: "normal exit", trigger: func(c *child) { c.send('q') }, wantOutput: []string{"LEAVE", "BYE"}},
		{name: "ctrl-c byte", trigger: func(c *child) { c.send(0x03) }, wantOutput: []string{"LEAVE", "BYE"}},
		{name: "SIGTERM", trigger: func(c *child) { c.signal(syscall.SIGTERM) }, signal: syscall.SIGTERM,
			wantOutput: []string{"EVENT Terminate", "LEAVE"}},
		{name: "SIGHUP", trigger: func(c *child) { c.signal(syscall.SIGHUP) }, signal: syscall.SIGHUP,
			wantOutput: []string{"EVENT Terminate", "LEAVE"}},
		{name: "SIGINT", trigger: func(c *child) { c.signal(syscall.SIGINT) }, signal: syscall.SIGINT,
			wantOutput: []string{"EVENT Terminate", "LEAVE"}},
		{name: "second SIGTERM forces", trigger: func(c *child) {
			c.send('i')
			c.waitOutput("DEAF")
			c.signal(syscall.SIGTERM)
			c.waitOutput("EVENT Terminate")
			c.signal(syscall.SIGTERM)
		}, signal: syscall.SIGTERM, wantOutput: []string{"EVENT Terminate forced", "LEAVE"}},
		{name: "panic in a goroutine", trigger: func(c *child) { c.send('p') }, exitCode: 2,
			wantOutput: []string{"panic: boom in a goroutine", "terminal restored. Crash report:"}},
		{name: "panic on main", trigger: func(c *child) { c.send('m') }, exitCode: 2,
			wantOutput: []string{"LEAVE", "panic: boom on main"}},
		{name: "SIGKILL", trigger: func(c *child) { c.signal(syscall.SIGKILL) }, signal: syscall.SIGKILL},
		{name: "SIGKILL with O_NONBLOCK", trigger: func(c *child) {
			c.send('n')
			c.waitOutput("NONBLOCK")
			c.signal(syscall.SIGKILL)
		}, signal: syscall.SIGKILL},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := startChild(t)
			tc.trigger(c)
			st := c.wait()
			ws := st.Sys().(syscall.WaitStatus)
			if tc.signal != 0 {
				if !ws.Signaled() || ws.Signal() != tc.signal {
					t.Errorf("exit status %v, want death by %v", st, tc.signal)
				}
			} else if !ws.Exited() || ws.ExitStatus() != tc.exitCode {
				t.Errorf("exit status %v, want exit code %d", st, tc.exitCode)
			}
			c.waitTermios(c.before, "after exit")
			// The crash monitor restores after the child is gone: the flags
			// of the shared description are back too (no O_NONBLOCK left
			// for the shell).
			deadline := time.Now().Add(patience)
			for {
				fl, err := unix.FcntlInt(uintptr(c.slaveFD), unix.F_GETFL, 0)
				if err != nil {
					t.Fatalf("F_GETFL: %v", err)
				}
				if fl&unix.O_NONBLOCK == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("O_NONBLOCK left on the tty's description")
				}
				time.Sleep(2 * time.Millisecond)
			}
			for _, s := range tc.wantOutput {
				c.waitOutput(s)
			}
			if tc.name == "panic on main" && strings.Contains(c.out.String(), "Crash report") {
				t.Errorf("monitor relayed a crash the main goroutine had already restored:\n%s", c.out.String())
			}
		})
	}
}

func TestSuspendResume(t *testing.T) {
	cases := []struct {
		name string
		stop func(c *child)
		// restored: the termios is the saved one while stopped.
		restored bool
	}{
		{name: "ctrl-z byte", stop: func(c *child) { c.send(0x1a) }, restored: true},
		{name: "external SIGTSTP", stop: func(c *child) { c.signal(syscall.SIGTSTP) }, restored: true},
		{name: "external SIGSTOP", stop: func(c *child) { c.signal(syscall.SIGSTOP) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := startChild(t)
			tc.stop(c)
			c.waitState('T')
			if tc.restored {
				c.waitOutput("LEAVE")
				if got := c.termios(); got != c.before {
					t.Fatalf("termios while stopped:\n got %+v\nwant %+v", got, c.before)
				}
			} else {
				// Play the shell: it takes the terminal back in cooked mode
				// while the job is stopped.
				if err := unix.IoctlSetTermios(c.slaveFD, unix.TCSETS, &c.before); err != nil {
					t.Fatalf("TCSETS: %v", err)
				}
			}
			// Still stopped: the stop is real, not a passing state.
			time.Sleep(50 * time.Millisecond)
			if st, err := procState(c.cmd.Process.Pid); err != nil || st != 'T' {
				t.Fatalf("child state %c (%v), want T (stopped)", st, err)
			}
			c.signal(syscall.SIGCONT)
			c.waitOutput("EVENT Repaint")
			if tc.restored {
				c.waitOutput("ENTER")
			}
			c.waitTermios(c.raw, "after SIGCONT")
			c.send('q')
			c.wait()
			c.waitTermios(c.before, "after exit")
		})
	}
}

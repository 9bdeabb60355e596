package term

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// MonitorEnv is the environment variable that starts a process in crash
// monitor mode. The package's init function checks it: any program that
// imports this package can serve as its own monitor, and the Terminal
// re-executes /proc/self/exe with MonitorEnv=1 rather than a separate binary.
const MonitorEnv = "ROSHAMBO_TERM_MONITOR"

// Descriptors the monitor inherits (ExtraFiles start at 3).
const (
	monTTY   = 3 // the terminal to restore
	monCtl   = 4 // control messages from the parent; EOF = the parent is gone
	monCrash = 5 // the runtime's crash output (debug.SetCrashOutput)
	monIn    = 6 // the terminal's input descriptor (its file status flags)
)

// Control messages: one byte of type, then the payload.
const (
	msgTermios  = 'T' // + sizeof(unix.Termios) bytes: the termios to restore
	msgSequence = 'S' // + uint16 length + bytes: written to the tty before restoring
	msgArm      = 'A' // raw mode is on: restore if the parent dies
	msgDisarm   = 'D' // the parent restored the terminal itself: do nothing
	msgFlags    = 'F' // + 2 bytes: O_NONBLOCK was set on in, on out, before raw mode
)

const termiosSize = int(unsafe.Sizeof(unix.Termios{}))

// maxCrashText bounds what the monitor keeps of a crash report.
const maxCrashText = 4 << 20

func init() {
	if os.Getenv(MonitorEnv) == "1" {
		os.Exit(runMonitor())
	}
}

// monitor is the parent's side of the crash monitor.
//
// Concurrency: arm, setSequence and close are called with the Terminal's lock
// held; the control pipe writes are small (atomic) and never block for long.
type monitor struct {
	ctl  *os.File
	cmd  *exec.Cmd
	wait sync.WaitGroup
}

// startMonitor starts the monitor process for the terminal on fd tty.
func startMonitor(in, tty int, saved unix.Termios, seq []byte) (*monitor, error) {
	ttyDup, err := unix.FcntlInt(uintptr(tty), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("dup tty: %w", err)
	}
	ttyFile := os.NewFile(uintptr(ttyDup), "tty")
	defer ttyFile.Close()
	inDup, err := unix.FcntlInt(uintptr(in), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("dup tty: %w", err)
	}
	inFile := os.NewFile(uintptr(inDup), "tty-in")
	defer inFile.Close()
	// The input reader sets O_NONBLOCK; on a description shared with the
	// shell (stdin) it would outlive a crash. Remember the flags from before.
	flags := [3]byte{msgFlags}
	for i, fd := range []int{in, tty} {
		if fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); err == nil && fl&unix.O_NONBLOCK != 0 {
			flags[1+i] = 1
		}
	}
	ctlR, ctlW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("control pipe: %w", err)
	}
	defer ctlR.Close()
	crashR, crashW, err := os.Pipe()
	if err != nil {
		ctlW.Close()
		return nil, fmt.Errorf("crash pipe: %w", err)
	}
	defer crashR.Close()
	defer crashW.Close()

	cmd := exec.Command("/proc/self/exe")
	cmd.Args = []string{"roshambo-crash-monitor"}
	cmd.Env = append(os.Environ(), MonitorEnv+"=1")
	cmd.Stderr = os.Stderr
	cmd.ExtraFiles = []*os.File{ttyFile, ctlR, crashR, inFile}
	// A process group of its own: the signals aimed at the program's group
	// (the kernel's SIGHUP when a session leader dies, a kill of the job)
	// must not reach the monitor before it has installed its dispositions.
	// As a background process it may still restore the termios: it ignores
	// SIGTTOU.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		ctlW.Close()
		return nil, fmt.Errorf("exec monitor: %w", err)
	}
	m := &monitor{ctl: ctlW, cmd: cmd}
	m.wait.Add(1)
	go func() { // reap it whenever it ends
		defer m.wait.Done()
		_ = cmd.Wait()
	}()
	msg := make([]byte, 1+termiosSize)
	msg[0] = msgTermios
	copy(msg[1:], unsafe.Slice((*byte)(unsafe.Pointer(&saved)), termiosSize))
	m.send(msg)
	m.send(flags[:])
	if len(seq) > 0 {
		m.setSequence(seq)
	}
	// The runtime duplicates the descriptor (close-on-exec), so crashW can be
	// closed on return.
	if err := debug.SetCrashOutput(crashW, debug.CrashOptions{}); err != nil {
		m.close()
		return nil, fmt.Errorf("set crash output: %w", err)
	}
	return m, nil
}

func (m *monitor) send(msg []byte) {
	// Errors mean the monitor is gone; the program goes on without it.
	_, _ = m.ctl.Write(msg)
}

func (m *monitor) arm(on bool) {
	if on {
		m.send([]byte{msgArm})
	} else {
		m.send([]byte{msgDisarm})
	}
}

func (m *monitor) setSequence(seq []byte) {
	if len(seq) > 1024 {
		seq = seq[:1024]
	}
	msg := make([]byte, 3, 3+len(seq))
	msg[0] = msgSequence
	binary.LittleEndian.PutUint16(msg[1:], uint16(len(seq)))
	m.send(append(msg, seq...))
}

// closeWait bounds how long close waits for the monitor process to exit.
const closeWait = 100 * time.Millisecond

// close disarms the monitor and ends it: it sees EOF on the control pipe
// while disarmed and exits without touching the terminal. close waits for it
// to exit, but at most closeWait: the disarm is already in the pipe, ahead of
// the EOF, so the monitor can no longer touch the terminal, and the program
// must not stall on a helper's exit (a race-enabled build, for one, sleeps a
// second in exit). If the program lives on, the reaping goroutine still reaps
// the monitor.
func (m *monitor) close() {
	_ = debug.SetCrashOutput(nil, debug.CrashOptions{})
	m.send([]byte{msgDisarm})
	_ = m.ctl.Close()
	done := make(chan struct{})
	go func() {
		m.wait.Wait()
		close(done)
	}()
	t := time.NewTimer(closeWait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// runMonitor is the monitor process. It returns its exit status.
func runMonitor() int {
	// It must outlive the parent: no signal aimed at the session or a process
	// group may end it, and restoring the termios from a background process
	// group must not stop it (SIGTTOU).
	signal.Ignore(unix.SIGINT, unix.SIGTERM, unix.SIGHUP, unix.SIGQUIT, unix.SIGTSTP,
		unix.SIGTTIN, unix.SIGTTOU, unix.SIGPIPE)
	m := &monitorState{buf: make([]byte, 64<<10), nonblock: [2]byte{1, 1}}
	_ = unix.SetNonblock(monCrash, true)
	if err := m.follow(); err != nil {
		return 1
	}
	// The parent is gone. Its crash output, if any, was written before it
	// exited: collect what is left.
	if !m.crashEOF {
		m.crash, _ = readCrash(m.crash, m.buf)
	}
	m.restore()
	return 0
}

// monitorState is what the monitor knows of the parent's terminal.
type monitorState struct {
	saved    unix.Termios
	haveT    bool    // saved was received
	seq      []byte  // written to the tty before restoring
	armed    bool    // raw mode is on: restore when the parent dies
	nonblock [2]byte // O_NONBLOCK was set on in, out before raw mode (1: unknown, leave alone)
	crash    []byte  // the runtime's crash report so far
	crashEOF bool
	ctl      []byte // control bytes not yet parsed
	buf      []byte
}

// errProtocol ends the monitor on a control message it does not know: it
// never guesses.
var errProtocol = errors.New("crash monitor: unknown control message")

// follow reads the control pipe (and collects the crash report) until the
// parent is gone: EOF on the control pipe, however it died.
func (m *monitorState) follow() error {
	for {
		fds := []unix.PollFd{{Fd: monCtl, Events: unix.POLLIN}}
		if !m.crashEOF {
			fds = append(fds, unix.PollFd{Fd: monCrash, Events: unix.POLLIN})
		}
		if _, err := unix.Poll(fds, -1); err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return err
		}
		if !m.crashEOF && fds[1].Revents != 0 {
			m.crash, m.crashEOF = readCrash(m.crash, m.buf)
		}
		if fds[0].Revents == 0 {
			continue
		}
		n, err := unix.Read(monCtl, m.buf)
		if errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN) {
			continue
		}
		if n <= 0 { // EOF: the parent's process is gone (or closed us)
			return nil
		}
		m.ctl = append(m.ctl, m.buf[:n]...)
		if err := m.parse(); err != nil {
			return err
		}
	}
}

// parse applies the complete control messages in m.ctl and keeps the rest.
func (m *monitorState) parse() error {
	for len(m.ctl) > 0 {
		c := m.ctl
		used := 0
		switch c[0] {
		case msgArm:
			m.armed, used = true, 1
		case msgDisarm:
			m.armed, used = false, 1
		case msgTermios:
			if len(c) >= 1+termiosSize {
				copy(unsafe.Slice((*byte)(unsafe.Pointer(&m.saved)), termiosSize), c[1:])
				m.haveT, used = true, 1+termiosSize
			}
		case msgFlags:
			if len(c) >= 3 {
				m.nonblock[0], m.nonblock[1] = c[1], c[2]
				used = 3
			}
		case msgSequence:
			if len(c) >= 3 {
				if l := int(binary.LittleEndian.Uint16(c[1:])); len(c) >= 3+l {
					m.seq = append(m.seq[:0], c[3:3+l]...)
					used = 3 + l
				}
			}
		default:
			return errProtocol
		}
		if used == 0 {
			return nil // an incomplete message: wait for the rest
		}
		m.ctl = m.ctl[used:]
	}
	return nil
}

// restore puts the terminal back if the parent died in raw mode, then
// relays its crash report, which is readable only now.
func (m *monitorState) restore() {
	if !m.armed || !m.haveT {
		return
	}
	if len(m.seq) > 0 {
		_, _ = writeAll(monTTY, m.seq)
	}
	_ = setTermios(monTTY, &m.saved)
	for i, fd := range []int{monIn, monTTY} {
		if m.nonblock[i] == 0 {
			_ = unix.SetNonblock(fd, false)
		}
	}
	if len(m.crash) > 0 {
		_, _ = writeAll(2, []byte("roshambo: the program crashed; terminal restored. Crash report:\n"))
		_, _ = writeAll(2, m.crash)
	}
}

// readCrash appends what the non-blocking crash pipe holds to crash.
func readCrash(crash, buf []byte) ([]byte, bool) {
	for {
		n, err := unix.Read(monCrash, buf)
		if n > 0 {
			if room := maxCrashText - len(crash); room > 0 {
				crash = append(crash, buf[:min(n, room)]...)
			}
			continue
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return crash, err == nil && n == 0 // EOF
	}
}

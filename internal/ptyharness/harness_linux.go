// Package ptyharness is the terminal side of the input benchmarks: a pty
// pair whose slave is in raw mode, and a separate writer process (this
// program re-executed) that plays the terminal emulator. The writer holds the
// pty master, stamps CLOCK_MONOTONIC (internal/mono) just before each 1-byte
// write and publishes the stamp in memory shared with the reader side (a
// memfd mapped by both), so that the reader side can compute the latency of
// every byte it receives.
//
// One byte is in flight at a time: after its random gap the writer writes the
// next byte only once the reader side has acknowledged the previous one (an
// atomic store in the shared memory, which the writer polls only when the
// gap has already passed), so every sample measures one wake-up and matching
// writes to reads is a matter of counting.
//
// Child processes (the writer, the CPU spinner of the external load) are
// this same executable started with an environment variable; programs (and
// test binaries) that use this package call RunChild first thing in main
// (or TestMain).
package ptyharness

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/roshambo-game/roshambo/internal/mono"
)

// EnvChild names the child role of a re-executed benchmark process.
// EnvConfig carries its JSON configuration.
const (
	EnvChild  = "ROSHAMBO_BENCH_CHILD"
	EnvConfig = "ROSHAMBO_BENCH_CONFIG"
)

// Pair is a pty pair. The slave is in raw mode and kept open (as a raw fd,
// outside Go's netpoller, so that the harness's own process is not woken by
// the bytes) for the lifetime of the Pair; readers under test open their own
// descriptor on SlavePath.
type Pair struct {
	Master    *os.File // nil once handed to a writer process
	SlavePath string
	slaveFd   int
}

// OpenPair opens a pty pair (github.com/creack/pty), puts the slave in raw
// mode and sets an 80x24 window size.
func OpenPair() (*Pair, error) {
	master, slave, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("open pty: %w", err)
	}
	defer slave.Close() // the dup below keeps the slave open
	if err := pty.Setsize(slave, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		master.Close()
		return nil, fmt.Errorf("pty set size: %w", err)
	}
	var fd int
	rc, err := slave.SyscallConn()
	if err == nil {
		cerr := rc.Control(func(s uintptr) { fd, err = unix.Dup(int(s)) })
		if err == nil {
			err = cerr
		}
	}
	if err != nil {
		master.Close()
		return nil, fmt.Errorf("dup pty slave: %w", err)
	}
	unix.CloseOnExec(fd)
	if _, err := term.MakeRaw(fd); err != nil {
		unix.Close(fd)
		master.Close()
		return nil, fmt.Errorf("pty slave raw mode: %w", err)
	}
	return &Pair{Master: master, SlavePath: slave.Name(), slaveFd: fd}, nil
}

// Close closes both sides (whatever is still held here).
func (p *Pair) Close() error {
	var err error
	if p.Master != nil {
		err = p.Master.Close()
		p.Master = nil
	}
	if p.slaveFd >= 0 {
		if cerr := unix.Close(p.slaveFd); err == nil {
			err = cerr
		}
		p.slaveFd = -1
	}
	return err
}

// Mode selects the bytes the writer sends.
type Mode string

// Writer modes.
const (
	// ModeKeys cycles through the 62 ASCII letters and digits (Alphabet).
	ModeKeys Mode = "keys"
	// ModeEsc sends lone ESC bytes.
	ModeEsc Mode = "esc"
)

// Alphabet is the byte cycle of ModeKeys: printable bytes that every reader
// under test (tcell included) reports as plain runes.
const Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// ExpectedByte is the byte the writer sends as sample i in mode m.
func ExpectedByte(m Mode, i int) byte {
	if m == ModeEsc {
		return 0x1b
	}
	return Alphabet[i%len(Alphabet)]
}

// WriterConfig configures a writer process.
type WriterConfig struct {
	Samples int           // bytes to write (<= the Shared capacity)
	GapMin  time.Duration // each byte follows the previous one after a random
	GapMax  time.Duration // gap, uniform in [GapMin, GapMax]
	Mode    Mode
	Seed    uint64
	// Budget stops the writer early (setting the shared Limit) once this much
	// time has passed since its first write; 0 = no budget.
	Budget time.Duration
	// AckTimeout aborts when the reader side does not acknowledge a byte in
	// time; 0 = 10 s.
	AckTimeout time.Duration
}

// Writer is a running writer process. Wait must be called once.
type Writer struct {
	cmd    *exec.Cmd
	stderr *os.File
}

// StartWriter starts the writer process on the pair's master (which is
// handed over: p.Master is closed here and set to nil) and the shared memory.
// The writer waits until the reader side calls sh.SetReady.
func StartWriter(p *Pair, sh *Shared, cfg WriterConfig) (*Writer, error) {
	if p.Master == nil {
		return nil, errors.New("start writer: pty master already handed over")
	}
	if cfg.Samples <= 0 || cfg.Samples > sh.Capacity() {
		return nil, fmt.Errorf("start writer: %d samples for %d slots", cfg.Samples, sh.Capacity())
	}
	if cfg.GapMin <= 0 || cfg.GapMax < cfg.GapMin {
		return nil, fmt.Errorf("start writer: bad gap [%v, %v]", cfg.GapMin, cfg.GapMax)
	}
	sh.SetLimit(cfg.Samples)
	cmd, err := childCommand("writer", cfg)
	if err != nil {
		return nil, err
	}
	cmd.ExtraFiles = []*os.File{p.Master, sh.File()} // fds 3 and 4
	// The writer's stderr goes to an unlinked temporary file, not a pipe:
	// os/exec would copy a pipe with a goroutine of this process, which
	// would run (and allocate) during the measurement.
	errf, err := os.CreateTemp("", "roshambo-bench-writer-*.err")
	if err != nil {
		return nil, fmt.Errorf("start writer: %w", err)
	}
	os.Remove(errf.Name())
	w := &Writer{cmd: cmd, stderr: errf}
	cmd.Stderr = errf
	if err := cmd.Start(); err != nil {
		errf.Close()
		return nil, fmt.Errorf("start writer: %w", err)
	}
	// Only the writer holds the master now, as a terminal emulator would.
	p.Master.Close()
	p.Master = nil
	return w, nil
}

// Wait waits for the writer process to exit and returns its error, with its
// stderr.
func (w *Writer) Wait() error {
	defer w.stderr.Close()
	if err := w.cmd.Wait(); err != nil {
		msg := make([]byte, 4096)
		n, _ := w.stderr.ReadAt(msg, 0)
		return fmt.Errorf("writer process: %w: %s", err, strings.TrimSpace(string(msg[:n])))
	}
	return nil
}

// Pid is the writer process's id.
func (w *Writer) Pid() int { return w.cmd.Process.Pid }

// Kill stops the writer process at once (Wait must still be called).
func (w *Writer) Kill() { _ = w.cmd.Process.Kill() }

// Spinner is a process that keeps CPUs busy (the external load).
type Spinner struct{ cmd *exec.Cmd }

// StartSpinner starts a process spinning on the given number of threads.
func StartSpinner(threads int) (*Spinner, error) {
	cmd, err := childCommand("spin", spinConfig{Threads: threads})
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start spinner: %w", err)
	}
	return &Spinner{cmd: cmd}, nil
}

// Stop kills the spinner and reaps it.
func (s *Spinner) Stop() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

type spinConfig struct{ Threads int }

// ChildCommand returns a command that re-executes this program in the child
// role `role`, with cfg JSON-encoded in EnvConfig. Packages with their own
// roles (see RunChild) use it too.
func ChildCommand(role string, cfg any) (*exec.Cmd, error) { return childCommand(role, cfg) }

func childCommand(role string, cfg any) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("re-exec self: %w", err)
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("child config: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), EnvChild+"="+role, EnvConfig+"="+string(js))
	return cmd, nil
}

// ChildRole returns the child role of this process ("" in the parent) and
// decodes its configuration into cfg (when cfg is not nil).
func ChildRole(cfg any) (string, error) {
	role := os.Getenv(EnvChild)
	if role == "" || cfg == nil {
		return role, nil
	}
	if err := json.Unmarshal([]byte(os.Getenv(EnvConfig)), cfg); err != nil {
		return role, fmt.Errorf("child %s config: %w", role, err)
	}
	return role, nil
}

// RunChild runs this process's child role if it has one of this package's
// roles ("writer", "spin") and returns its exit code and true; it returns
// false in the parent or for other roles.
func RunChild() (int, bool) {
	switch os.Getenv(EnvChild) {
	case "writer":
		var cfg WriterConfig
		if _, err := ChildRole(&cfg); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2, true
		}
		if err := runWriter(cfg); err != nil {
			fmt.Fprintln(os.Stderr, "writer:", err)
			return 1, true
		}
		return 0, true
	case "spin":
		var cfg spinConfig
		if _, err := ChildRole(&cfg); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2, true
		}
		spin(cfg.Threads)
		return 0, true
	}
	return 0, false
}

// spin keeps `threads` threads busy until the process is killed.
func spin(threads int) {
	runtime.GOMAXPROCS(max(threads, 1))
	for i := 1; i < threads; i++ {
		go spinLoop()
	}
	spinLoop()
}

var spinSink atomic.Uint64

func spinLoop() {
	var x uint64
	for {
		for i := 0; i < 1<<20; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
		spinSink.Store(x)
	}
}

// sleepUntil sleeps until the mono time t (high-resolution timer).
func sleepUntil(t int64) {
	ts := unix.NsecToTimespec(t)
	for {
		err := unix.ClockNanosleep(unix.CLOCK_MONOTONIC, unix.TIMER_ABSTIME, &ts, nil)
		if err != unix.EINTR {
			return
		}
	}
}

// runWriter is the writer process: fd 3 is the pty master, fd 4 the memfd.
func runWriter(cfg WriterConfig) error {
	runtime.LockOSThread()
	// Timer slack 1 ns: the gaps are meant to be what the random draw says.
	_ = unix.Prctl(unix.PR_SET_TIMERSLACK, 1, 0, 0, 0)
	const masterFd = 3
	if err := unix.SetNonblock(masterFd, false); err != nil {
		return fmt.Errorf("master blocking mode: %w", err)
	}
	sh, err := OpenShared(os.NewFile(4, "memfd"))
	if err != nil {
		return err
	}
	if cfg.Samples > sh.Capacity() {
		return fmt.Errorf("%d samples for %d slots", cfg.Samples, sh.Capacity())
	}
	ackTimeout := cfg.AckTimeout
	if ackTimeout <= 0 {
		ackTimeout = 10 * time.Second
	}
	// Drain whatever the reader side writes to the terminal (tcell draws its
	// screen), as a terminal emulator would, so that its writes never block.
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := unix.Read(masterFd, buf)
			if n <= 0 && err != unix.EINTR {
				return
			}
		}
	}()
	// Wait for the reader side.
	for start := mono.Now(); !sh.Ready(); {
		if sh.Aborted() {
			return errors.New("reader side aborted before starting")
		}
		if mono.Since(start) > int64(ackTimeout) {
			return errors.New("reader side never became ready")
		}
		time.Sleep(200 * time.Microsecond)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x726f7368))
	gap := func() int64 {
		return int64(cfg.GapMin) + rng.Int64N(int64(cfg.GapMax-cfg.GapMin)+1)
	}
	waitAck := func(n int) error {
		for start := mono.Now(); sh.Acked() < n; {
			if sh.Aborted() {
				return errors.New("reader side aborted")
			}
			if mono.Since(start) > int64(ackTimeout) {
				return fmt.Errorf("reader side did not acknowledge sample %d within %v", n-1, ackTimeout)
			}
			sleepUntil(mono.Now() + 50_000)
		}
		return nil
	}
	buf := []byte{0}
	next := mono.Now() + gap()
	var first int64
	for i := 0; i < cfg.Samples; i++ {
		sleepUntil(next)
		if sh.Acked() < i {
			// The reader is late: wait for it, then give it a fresh gap so
			// that this byte again finds a reader that has gone back to wait.
			if err := waitAck(i); err != nil {
				return err
			}
			sleepUntil(mono.Now() + gap())
		}
		if i == 0 {
			first = mono.Now()
		} else if cfg.Budget > 0 && mono.Since(first) > int64(cfg.Budget) {
			sh.SetLimit(i + 1) // this is the last one
		}
		buf[0] = ExpectedByte(cfg.Mode, i)
		t := mono.Now()
		sh.SetWriteTime(i, t)
		if _, err := unix.Write(masterFd, buf); err != nil {
			return fmt.Errorf("write sample %d to master: %w", i, err)
		}
		sh.SetWritten(i + 1)
		if sh.Limit() == i+1 {
			break
		}
		next = t + gap()
	}
	return waitAck(sh.Limit())
}

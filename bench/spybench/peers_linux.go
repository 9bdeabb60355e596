package spybench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// attachTimeout bounds how long a peer tracer may take to attach (bpftrace
// compiles its script with LLVM first: about a second here).
const attachTimeout = 60 * time.Second

// settle is how long delivery may make no progress before a tracer's count is
// taken as final.
const settle = 500 * time.Millisecond

// outcome is what a tracer observed of one run.
type outcome struct {
	delivered *int64 // events of the target's sink writes that reached user space
	dropped   *int64 // events the tracer says it lost (nil: the tracer cannot lose any, or does not say)
	latP50    *int64 // reveal latency, spy only
	latP99    *int64
	latMax    *int64
	latN      int64
	note      string
}

// session is one tracer attached to one target. finish is called after the
// target has exited.
type session interface {
	finish(expected int64) (outcome, error)
	// abort stops the tracer after a failure.
	abort()
}

// ---- strace ----

// straceSession is strace -f -e trace=write -o FILE -p PID.
type straceSession struct {
	cmd    *exec.Cmd
	out    string
	stderr *lockedBuffer
	exited chan error
	dir    string
}

func startStrace(pid int, cpu *unix.CPUSet) (session, error) {
	path, err := exec.LookPath("strace")
	if err != nil {
		return nil, errAbsent{"strace is not installed (make bench-deps installs it)"}
	}
	dir, err := os.MkdirTemp("", "spybench-strace-")
	if err != nil {
		return nil, fmt.Errorf("strace output dir: %w", err)
	}
	s := &straceSession{out: filepath.Join(dir, "strace.out"), stderr: &lockedBuffer{}, exited: make(chan error, 1), dir: dir}
	s.cmd = exec.Command(path, "-f", "-e", "trace=write", "-o", s.out, "-p", fmt.Sprint(pid))
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("strace stderr: %w", err)
	}
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start strace: %w", err)
	}
	if cpu != nil {
		// strace and its tracee hand over at every ptrace stop. On
		// different CPUs each hand-over is a cross-CPU wake-up (an IPI,
		// costly in a VM): strace measured ~100 µs per write that way and
		// ~10 µs on the target's CPU, and left free the scheduler picks
		// either. Put it on the target's CPU: its best case.
		if err := pinPid(s.cmd.Process.Pid, cpu); err != nil {
			s.abort()
			return nil, fmt.Errorf("pin strace: %w", err)
		}
	}
	attached := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			line := sc.Text()
			s.stderr.WriteString(line + "\n")
			if strings.Contains(line, "attached") {
				once.Do(func() { close(attached) })
			}
		}
		s.exited <- s.cmd.Wait()
	}()
	select {
	case <-attached:
		return s, nil
	case err := <-s.exited:
		os.RemoveAll(dir)
		return nil, fmt.Errorf("strace exited before attaching: %v: %s", err, s.stderr.String())
	case <-time.After(attachTimeout):
		s.abort()
		return nil, fmt.Errorf("strace did not attach within %v: %s", attachTimeout, s.stderr.String())
	}
}

func (s *straceSession) finish(expected int64) (outcome, error) {
	defer os.RemoveAll(s.dir)
	select {
	case err := <-s.exited: // strace exits once its tracee has
		if err != nil {
			return outcome{}, fmt.Errorf("strace: %v: %s", err, s.stderr.String())
		}
	case <-time.After(30 * time.Second):
		s.abort()
		return outcome{}, fmt.Errorf("strace did not exit after its tracee")
	}
	f, err := os.Open(s.out)
	if err != nil {
		return outcome{}, fmt.Errorf("strace output: %w", err)
	}
	defer f.Close()
	n, err := straceCountWrites(f, sinkFD)
	if err != nil {
		return outcome{}, err
	}
	return outcome{delivered: &n, note: "strace stops the target at every call: it cannot lose events, it slows the writer"}, nil
}

func (s *straceSession) abort() {
	_ = s.cmd.Process.Kill()
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
	}
	os.RemoveAll(s.dir)
}

// ---- bpftrace ----

const (
	tracefsDir = "/sys/kernel/tracing"
	// bpftracePrintf prints one line per event, so delivery can be counted
	// (and perf buffer losses show as "Lost N events"). It does the same job
	// as the spy: every event reaches user space.
	bpftracePrintf = `BEGIN { printf("READY\n"); } tracepoint:syscalls:sys_enter_write /pid == %d && args->fd == %d/ { printf("w\n"); }`
	// bpftraceCount only counts in a map: the cheapest thing bpftrace can do.
	bpftraceCount = `BEGIN { printf("READY\n"); } tracepoint:syscalls:sys_enter_write /pid == %d && args->fd == %d/ { @c = count(); }`
)

// ensureTracefs mounts tracefs at /sys/kernel/tracing if it is not there
// (bpftrace's tracepoint:... probes need it). It returns a note when it
// mounted it.
func ensureTracefs() (string, error) {
	if _, err := os.Stat(filepath.Join(tracefsDir, "events")); err == nil {
		return "", nil
	}
	if err := unix.Mount("nodev", tracefsDir, "tracefs", 0, ""); err != nil {
		return "", fmt.Errorf("mount tracefs at %s (bpftrace's tracepoint probes need it): %w", tracefsDir, err)
	}
	return "mounted tracefs at " + tracefsDir + " for bpftrace's tracepoint probes", nil
}

// bpftraceSession runs one bpftrace script against the target.
type bpftraceSession struct {
	cmd       *exec.Cmd
	count     bool // count-only script: delivery is the final @c
	events    atomic.Int64
	lost      atomic.Int64
	final     atomic.Int64
	gotFinal  atomic.Bool
	stderr    *lockedBuffer
	readers   sync.WaitGroup
	exited    chan error
	readyOnce sync.Once
	ready     chan struct{}
}

func startBpftrace(pid int, count bool) (session, error) {
	path, err := exec.LookPath("bpftrace")
	if err != nil {
		return nil, errAbsent{"bpftrace is not installed (make bench-deps installs it)"}
	}
	script := bpftracePrintf
	if count {
		script = bpftraceCount
	}
	s := &bpftraceSession{count: count, stderr: &lockedBuffer{}, exited: make(chan error, 1), ready: make(chan struct{})}
	s.cmd = exec.Command(path, "-e", fmt.Sprintf(script, pid, sinkFD))
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("bpftrace stdout: %w", err)
	}
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("bpftrace stderr: %w", err)
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start bpftrace: %w", err)
	}
	s.readers.Add(2)
	go s.read(stdout, nil)
	go s.read(stderr, s.stderr)
	go func() {
		s.readers.Wait()
		s.exited <- s.cmd.Wait()
	}()
	select {
	case <-s.ready:
		return s, nil
	case err := <-s.exited:
		return nil, fmt.Errorf("bpftrace exited before attaching: %v: %s", err, s.stderr.String())
	case <-time.After(attachTimeout):
		s.abort()
		return nil, fmt.Errorf("bpftrace did not attach within %v: %s", attachTimeout, s.stderr.String())
	}
}

// read consumes one of bpftrace's output streams, line by line.
func (s *bpftraceSession) read(r io.Reader, keep *lockedBuffer) {
	defer s.readers.Done()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		kind, n := parseBpftraceLine(sc.Text())
		switch kind {
		case btReady:
			s.readyOnce.Do(func() { close(s.ready) })
		case btEvent:
			s.events.Add(1)
		case btLost:
			s.lost.Add(n)
		case btCount:
			s.final.Store(n)
			s.gotFinal.Store(true)
		default:
			if keep != nil {
				keep.WriteString(sc.Text() + "\n")
			}
		}
	}
}

func (s *bpftraceSession) finish(expected int64) (outcome, error) {
	if !s.count {
		waitSettled(func() int64 { return s.events.Load() + s.lost.Load() }, expected)
	}
	// On SIGINT bpftrace prints its maps and exits. bpftrace 0.17 checks
	// for the signal between epoll_waits without a timeout: a SIGINT that
	// lands just before it blocks is noticed only at the next event, which
	// may never come (seen here as a hang in do_epoll_wait). So repeat it.
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	giveUp := time.After(30 * time.Second)
wait:
	for {
		select {
		case err := <-s.exited:
			if err != nil {
				return outcome{}, fmt.Errorf("bpftrace: %v: %s", err, s.stderr.String())
			}
			break wait
		case <-tick.C:
			_ = s.cmd.Process.Signal(syscall.SIGINT)
		case <-giveUp:
			diag := procState(s.cmd.Process.Pid)
			s.abort()
			return outcome{}, fmt.Errorf("bpftrace did not exit on SIGINT (%s)", diag)
		}
	}
	if s.count {
		n := s.final.Load() // no "@c" line: the map is empty, nothing was counted
		return outcome{delivered: &n, note: "count map only: nothing is delivered per event, so nothing can be lost"}, nil
	}
	n, lost := s.events.Load(), s.lost.Load()
	return outcome{delivered: &n, dropped: &lost}, nil
}

func (s *bpftraceSession) abort() {
	_ = s.cmd.Process.Kill()
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
	}
}

// waitSettled waits until progress() reaches expected, or makes no progress
// for the settle time.
func waitSettled(progress func() int64, expected int64) {
	last, since := progress(), time.Now()
	for last < expected && time.Since(since) < settle {
		time.Sleep(10 * time.Millisecond)
		if n := progress(); n != last {
			last, since = n, time.Now()
		}
	}
}

// errAbsent says that a peer tracer is not installed.
type errAbsent struct{ msg string }

func (e errAbsent) Error() string { return e.msg }

// isAbsent reports whether err says a tracer is not available here.
func isAbsent(err error) bool {
	var a errAbsent
	return errors.As(err, &a)
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) WriteString(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() < 64<<10 {
		b.buf.WriteString(s)
	}
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(b.buf.String())
}

// procState describes what process pid is doing, for error messages.
func procState(pid int) string {
	var parts []string
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/wchan", pid)); err == nil {
		parts = append(parts, "wchan "+string(b))
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "State:") || strings.HasPrefix(l, "Sig") || strings.HasPrefix(l, "Threads:") {
				parts = append(parts, strings.Join(strings.Fields(l), " "))
			}
		}
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stack", pid)); err == nil {
		parts = append(parts, "stack "+strings.Join(strings.Fields(string(b)), " "))
	}
	return strings.Join(parts, "; ")
}

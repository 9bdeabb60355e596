package spybench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/internal/ptyharness"
)

// Sinks the target writes to.
const (
	sinkDevNull = "devnull"
	sinkPipe    = "pipe"
)

// pipeSize is the capacity asked for the sink pipe (F_SETPIPE_SZ), so that a
// drainer delayed by the scheduler does not block the target.
const pipeSize = 1 << 20

// target is one started target process, blocked until start is called.
// Its methods are called from one goroutine; the drainer runs on its own.
type target struct {
	cmd     *exec.Cmd
	goW     *os.File // write end of the start pipe
	stdout  bytes.Buffer
	stderr  bytes.Buffer
	drainR  *os.File // read end of the sink pipe (sinkPipe only)
	drained atomic.Int64
	drainWG sync.WaitGroup
	exited  chan error
}

// startTarget re-executes the benchmark binary as a target with cfg, writing
// to sink. It returns once the process exists; the process is blocked until
// start is called.
func startTarget(exe string, cfg targetConfig, sink string) (*target, error) {
	spec, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode target config: %w", err)
	}
	goR, goW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start pipe: %w", err)
	}
	defer goR.Close()
	var sinkW *os.File
	t := &target{goW: goW, exited: make(chan error, 1)}
	switch sink {
	case sinkDevNull:
		sinkW, err = os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			goW.Close()
			return nil, fmt.Errorf("open %s: %w", os.DevNull, err)
		}
	case sinkPipe:
		var r *os.File
		r, sinkW, err = os.Pipe()
		if err != nil {
			goW.Close()
			return nil, fmt.Errorf("sink pipe: %w", err)
		}
		// Best effort: a smaller pipe only makes the drainer's delays visible.
		_, _ = unix.FcntlInt(sinkW.Fd(), unix.F_SETPIPE_SZ, pipeSize)
		t.drainR = r
	default:
		goW.Close()
		return nil, fmt.Errorf("unknown sink %q (want %s or %s)", sink, sinkDevNull, sinkPipe)
	}
	defer sinkW.Close()

	cmd := exec.Command(exe, "spy")
	cmd.Env = append(os.Environ(), ptyharness.EnvChild+"="+roleTarget, ptyharness.EnvConfig+"="+string(spec))
	cmd.Stdout = &t.stdout
	cmd.Stderr = &t.stderr
	cmd.ExtraFiles = []*os.File{goR, sinkW} // fds 3 and 4
	if err := cmd.Start(); err != nil {
		goW.Close()
		if t.drainR != nil {
			t.drainR.Close()
		}
		return nil, fmt.Errorf("start target %s: %w", exe, err)
	}
	t.cmd = cmd
	if t.drainR != nil {
		t.drainWG.Add(1)
		go t.drain()
	}
	go func() { t.exited <- cmd.Wait() }()
	return t, nil
}

// drain reads the sink pipe until EOF, counting bytes.
func (t *target) drain() {
	defer t.drainWG.Done()
	buf := make([]byte, 256<<10)
	for {
		n, err := t.drainR.Read(buf)
		t.drained.Add(int64(n))
		if err != nil {
			return
		}
	}
}

// pid returns the target's process id.
func (t *target) pid() int { return t.cmd.Process.Pid }

// start releases the target into its write loop.
func (t *target) start() error {
	_, err := t.goW.Write([]byte{1})
	t.goW.Close()
	if err != nil {
		return fmt.Errorf("start target %d: %w", t.pid(), err)
	}
	return nil
}

// wait waits up to timeout for the target to exit and returns its report.
func (t *target) wait(timeout time.Duration) (targetResult, error) {
	var res targetResult
	select {
	case err := <-t.exited:
		t.closeDrain()
		if err != nil {
			return res, fmt.Errorf("target %d: %w (stderr: %q)", t.pid(), err, t.stderr.String())
		}
	case <-time.After(timeout):
		t.kill()
		return res, fmt.Errorf("target %d did not finish within %v", t.pid(), timeout)
	}
	if err := json.Unmarshal(t.stdout.Bytes(), &res); err != nil {
		return res, fmt.Errorf("target %d report %q: %w", t.pid(), t.stdout.String(), err)
	}
	return res, nil
}

func (t *target) closeDrain() {
	if t.drainR != nil {
		t.drainWG.Wait() // EOF arrives once the target (the only writer) is gone
		t.drainR.Close()
		t.drainR = nil
	}
}

// kill ends the target (if still running) and reaps it.
func (t *target) kill() {
	t.goW.Close()
	_ = t.cmd.Process.Kill()
	select {
	case <-t.exited:
	case <-time.After(5 * time.Second):
	}
	t.closeDrain()
}

// pinAll sets the affinity of every thread of the calling process to set,
// and returns the mask the calling thread had. Threads and children created
// later inherit the mask of the thread that creates them.
func pinAll(set *unix.CPUSet) (unix.CPUSet, error) {
	var old unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		return old, fmt.Errorf("get affinity: %w", err)
	}
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return old, fmt.Errorf("list threads: %w", err)
	}
	var errs []error
	for _, e := range ents {
		tid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if err := unix.SchedSetaffinity(tid, set); err != nil && !errors.Is(err, unix.ESRCH) {
			errs = append(errs, fmt.Errorf("thread %d: %w", tid, err))
		}
	}
	if len(errs) > 0 {
		return old, fmt.Errorf("set affinity: %w", errors.Join(errs...))
	}
	return old, nil
}

// pinPid sets the affinity of every thread of process pid (best effort: the
// threads that exist now).
func pinPid(pid int, set *unix.CPUSet) error {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return fmt.Errorf("list threads of %d: %w", pid, err)
	}
	for _, e := range ents {
		tid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if err := unix.SchedSetaffinity(tid, set); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("pin thread %d: %w", tid, err)
		}
	}
	return nil
}

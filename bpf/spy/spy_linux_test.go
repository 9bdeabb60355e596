package spy

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cilium/ebpf/btf"
	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/bpf/event"
	"github.com/roshambo-game/roshambo/game"
	"github.com/roshambo-game/roshambo/internal/testutil"
)

func errorsIsNoPrivilege(err error) bool { return errors.Is(err, ErrNoPrivilege) }

// requireSpy skips the test, naming what is missing, unless this process
// can load the spy (CAP_BPF and CAP_PERFMON, kernel BTF).
func requireSpy(t testing.TB) {
	t.Helper()
	if err := CheckPrivileges(); err != nil {
		t.Skipf("skipping: %v", err)
	}
	if _, err := btf.LoadKernelSpec(); err != nil {
		t.Skipf("skipping: kernel BTF is missing: %v", err)
	}
}

func openSpy(t testing.TB, opts Options) *Spy {
	t.Helper()
	requireSpy(t)
	s, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// collect reads events until every target has exited. A watchdog closes the
// spy if that takes more than limit.
func collect(t *testing.T, s *Spy, limit time.Duration) []event.Event {
	t.Helper()
	timer := time.AfterFunc(limit, func() { s.Close() })
	defer timer.Stop()
	var evs []event.Event
	for {
		var ev event.Event
		err := s.Read(&ev)
		if errors.Is(err, ErrTargetsExited) {
			return evs
		}
		if err != nil {
			t.Fatalf("Read after %d events: %v", len(evs), err)
		}
		evs = append(evs, ev)
	}
}

// label returns the first word of a write (up to a blank or the end of the
// first line), which the helpers make unique. The helpers write it on a
// line of its own, which the game (and so the spy) reads as no move.
func label(ev *event.Event) string {
	d := string(ev.Data)
	if i := strings.IndexAny(d, " \n"); i >= 0 {
		d = d[:i]
	}
	return d
}

type want struct {
	sys  event.Syscall
	move game.Move
}

// checkMoves checks that every labelled move of the "moves" helper is
// reported exactly once, with the right system call, and in order per thread.
func checkMoves(t *testing.T, evs []event.Event, helper int) {
	t.Helper()
	wants := map[string]want{
		"m01": {event.SysWrite, game.Rock},
		"m02": {event.SysWritev, game.Paper},
		"m03": {event.SysPwrite64, game.Scissors},
		"m04": {event.SysPwritev, game.Rock},
		"m05": {event.SysSendto, game.Paper},
		"m06": {event.SysSendmsg, game.Scissors},
		"m07": {event.SysWrite, game.Rock},
		"c01": {event.SysWrite, game.Scissors},
		"f01": {event.SysWrite, game.Paper},
	}
	seen := map[string]int{}
	perThread := map[uint32][]string{}
	children := map[uint32]bool{} // followed children of the helper
	for i := range evs {
		ev := &evs[i]
		switch ev.Kind {
		case event.KindFork:
			if ev.Parent == uint32(helper) {
				children[ev.PID] = true
			}
			continue
		case event.KindExit:
			continue
		}
		l := label(ev)
		if len(l) < 3 || !strings.ContainsRune("mcft", rune(l[0])) {
			continue // the Go runtime's own writes (eventfd wake-ups) carry no label
		}
		seen[l]++
		if strings.HasPrefix(l, "t") {
			perThread[ev.TID] = append(perThread[ev.TID], l)
			th, _ := strconv.Atoi(l[1:2])
			i, _ := strconv.Atoi(l[3:])
			if m := ev.Reveal().Move; m.String() != moveNames[(i+th)%3] {
				t.Errorf("%s: move %q, want %q", l, m, moveNames[(i+th)%3])
			}
			continue
		}
		if l == "m08" {
			if !ev.Truncated || len(ev.Data) != DefaultCopyBytes || ev.Requested != 1111 || ev.Ret != 1111 {
				t.Errorf("long write: truncated %v, %d bytes copied, requested %d, ret %d; want true, %d, 1111, 1111",
					ev.Truncated, len(ev.Data), ev.Requested, ev.Ret, DefaultCopyBytes)
			}
			if r := ev.Reveal(); r.Move != game.NoMove || !r.Truncated {
				t.Errorf("long write: reveal %+v, want no move (it lies beyond the copy bound) and truncated", r)
			}
			continue
		}
		w, ok := wants[l]
		if !ok {
			t.Errorf("unexpected write %q", ev.Data)
			continue
		}
		if ev.Syscall != w.sys {
			t.Errorf("%s: syscall %v, want %v", l, ev.Syscall, w.sys)
		}
		if m := ev.Reveal().Move; m != w.move {
			t.Errorf("%s: move %q, want %q (data %q)", l, m, w.move, ev.Data)
		}
		if ev.Truncated || int64(len(ev.Data)) != ev.Ret || uint64(ev.Ret) != ev.Requested {
			t.Errorf("%s: data %q (%d bytes), ret %d, requested %d, truncated %v", l, ev.Data, len(ev.Data), ev.Ret, ev.Requested, ev.Truncated)
		}
		// Every buffer was resident at the call's entry, and read the
		// same at its exit, except m07's: a file page the process never
		// touched, which only the kernel's own copy faulted in.
		if ev.Changed || ev.Unverified != (l == "m07") {
			t.Errorf("%s: changed %v, unverified %v", l, ev.Changed, ev.Unverified)
		}
		if l == "c01" || l == "f01" {
			// The fork event comes before any write of the child.
			if !children[ev.PID] || ev.PID == uint32(helper) {
				t.Errorf("%s: pid %d is not a reported child of %d", l, ev.PID, helper)
			}
		} else if ev.PID != uint32(helper) {
			t.Errorf("%s: pid %d, want %d", l, ev.PID, helper)
		}
	}
	for l := range wants {
		if seen[l] != 1 {
			t.Errorf("%s reported %d times, want once", l, seen[l])
		}
	}
	if seen["m08"] != 1 {
		t.Errorf("long write reported %d times, want once", seen["m08"])
	}
	for th := 1; th <= 2; th++ {
		for i := range threadWrites {
			if l := fmt.Sprintf("t%d-%02d", th, i); seen[l] != 1 {
				t.Errorf("%s reported %d times, want once", l, seen[l])
			}
		}
	}
	if len(perThread) != 2 {
		t.Errorf("thread writes came from %d threads, want 2", len(perThread))
	}
	for tid, ls := range perThread {
		for i := 1; i < len(ls); i++ {
			if ls[i][:2] != ls[0][:2] || ls[i] <= ls[i-1] {
				t.Errorf("thread %d: out of order or mixed: %v", tid, ls)
				break
			}
		}
	}
}

// movesDir prepares the helper's directory with the file it maps.
func movesDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mapped"), []byte("m07\nrock\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startNoise starts an untargeted process writing moves; stop it by closing
// the returned writer.
func startNoise(t *testing.T) (pid int, stop io.Closer) {
	cmd := helperCmd("noise")
	w, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close(); cmd.Wait() })
	return cmd.Process.Pid, w
}

func checkNoPID(t *testing.T, evs []event.Event, pid int) {
	t.Helper()
	for _, ev := range evs {
		if ev.PID == uint32(pid) {
			t.Fatalf("untargeted process %d reported: %v %q", pid, ev.Kind, ev.Data)
		}
	}
}

// TestLaunch launches a target that writes moves every way, from its very
// first instruction, next to an untargeted process writing moves, under
// each wake-up policy.
func TestLaunch(t *testing.T) {
	t.Parallel()
	for _, pol := range []struct {
		name   string
		wakeup Wakeup
	}{{"adaptive", WakeupAdaptive}, {"always", WakeupAlways}, {"parked", WakeupParked}} {
		t.Run(pol.name, func(t *testing.T) {
			t.Parallel()
			testLaunch(t, Options{Wakeup: pol.wakeup})
		})
	}
}

func testLaunch(t *testing.T, opts Options) {
	s := openSpy(t, opts)
	noise, _ := startNoise(t)
	cmd := helperCmd("moves", "SPY_DIR="+movesDir(t))
	if err := s.Launch(cmd); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	evs := collect(t, s, 30*time.Second)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	checkMoves(t, evs, cmd.Process.Pid)
	checkNoPID(t, evs, noise)
	if n, err := s.Dropped(); err != nil || n != 0 {
		t.Fatalf("Dropped = %d, %v; want 0", n, err)
	}
}

// TestAddTarget follows an already running process by PID.
func TestAddTarget(t *testing.T) {
	t.Parallel()
	s := openSpy(t, Options{})
	noise, _ := startNoise(t)
	cmd := helperCmd("moves", "SPY_DIR="+movesDir(t), "SPY_WAIT=1")
	goAhead, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	if err := s.AddTarget(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	io.WriteString(goAhead, "go\n")
	evs := collect(t, s, 30*time.Second)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	checkMoves(t, evs, cmd.Process.Pid)
	checkNoPID(t, evs, noise)
	var exits int
	for _, ev := range evs {
		if ev.Kind == event.KindExit && ev.PID == uint32(cmd.Process.Pid) {
			exits++
		}
	}
	if exits != 1 {
		t.Fatalf("%d exit events for the target, want 1", exits)
	}
}

// TestComm follows processes by name.
func TestComm(t *testing.T) {
	t.Parallel()
	s := openSpy(t, Options{Comm: "spycommtest"})
	// A process whose comm is "spycommtest": a copy of the test binary.
	dir := t.TempDir()
	bin := filepath.Join(dir, "spycommtest")
	copyFile(t, os.Args[0], bin, 0o755)
	cmd := exec.Command(bin, "-test.run=^$")
	cmd.Env = testutil.Environ("helper", "once")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("helper: %v: %s", err, out)
	}
	s.SetDeadline(time.Now().Add(2 * time.Second))
	var ev event.Event
	for {
		if err := s.Read(&ev); err != nil {
			t.Fatalf("no write from the process named spycommtest: %v", err)
		}
		if ev.Kind == event.KindWrite && label(&ev) == "r01" {
			break
		}
	}
	if ev.PID != uint32(cmd.Process.Pid) || ev.Name() != "spycommtest" || ev.Reveal().Move != game.Paper {
		t.Fatalf("got pid %d comm %q move %q, want %d spycommtest paper", ev.PID, ev.Name(), ev.Reveal().Move, cmd.Process.Pid)
	}
}

func copyFile(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, mode); err != nil {
		t.Fatal(err)
	}
}

// TestPaced writes 100k times a second for 2 s: nothing may be lost, and
// every write arrives, in order. The ring is 32 MiB (about 380k records,
// more than the 200k written) rather than the default 256 KiB (about 30 ms
// of events at this rate): whether the reader keeps up with a small ring
// depends on how much CPU a busy machine gives it (with -race and a load
// average of 8 on 2 CPUs it did not, even with 2 MiB), which is a speed
// figure for BenchmarkPaced, not a test assertion. What this test asserts
// is deterministic: the kernel side records every write, in order.
//
// It runs under the default policy and under WakeupParked, whose reader
// must neither miss a record committed without a wake-up nor sleep on one.
func TestPaced(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the 2 s paced test in -short mode")
	}
	t.Run("adaptive", func(t *testing.T) { testPaced(t, WakeupAdaptive) })
	t.Run("parked", func(t *testing.T) { testPaced(t, WakeupParked) })
}

func testPaced(t *testing.T, wakeup Wakeup) {
	s := openSpy(t, Options{RingSize: 32 << 20, Wakeup: wakeup})
	const rate, dur = 100_000, 2 * time.Second
	cmd := helperCmd("paced", "SPY_RATE="+strconv.Itoa(rate), "SPY_DUR="+dur.String())
	if err := s.Launch(cmd); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	timer := time.AfterFunc(30*time.Second, func() { s.Close() })
	defer timer.Stop()
	var ev event.Event
	next := 0
	for {
		err := s.Read(&ev)
		if errors.Is(err, ErrTargetsExited) {
			break
		}
		if err != nil {
			t.Fatalf("Read after %d writes: %v", next, err)
		}
		if ev.Kind != event.KindWrite || ev.PID != uint32(cmd.Process.Pid) || len(ev.Data) == 0 || ev.Data[0] != 'p' {
			continue
		}
		n, _, _ := strings.Cut(string(ev.Data[1:]), " ")
		if n != strconv.Itoa(next) {
			dropped, _ := s.Dropped()
			t.Fatalf("write %s arrived, want %d (%d events dropped)", n, next, dropped)
		}
		next++
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	if want := int(rate * dur.Seconds()); next != want {
		t.Errorf("%d writes reported, want %d", next, want)
	}
	if n, err := s.Dropped(); err != nil || n != 0 {
		t.Errorf("Dropped = %d, %v; want 0", n, err)
	}
}

// TestUnprivileged opens the spy in a subprocess running as nobody.
func TestUnprivileged(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		// Already unprivileged: Open itself must say what is missing.
		if err := CheckPrivileges(); err == nil {
			t.Skip("skipping: not root (cannot drop credentials) but privileged")
		}
		_, err := Open(Options{})
		checkPrivilegeMessage(t, err)
		return
	}
	// The test binary lives in a 0700 directory: copy it where nobody can run it.
	dir, err := os.MkdirTemp("", "spytest")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "spy.test")
	copyFile(t, os.Args[0], bin, 0o755)
	for _, tt := range []struct {
		name    string
		ambient []uintptr // capabilities kept as nobody
		lacks   string
	}{
		{"none", nil, "lacks CAP_BPF and CAP_PERFMON"},
		{"CAP_BPF only", []uintptr{unix.CAP_BPF}, "lacks CAP_PERFMON:"},
		{"CAP_PERFMON only", []uintptr{unix.CAP_PERFMON}, "lacks CAP_BPF:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, "-test.run=^$")
			cmd.Env = testutil.Environ("helper", "open")
			cmd.SysProcAttr = &syscall.SysProcAttr{
				Credential:  &syscall.Credential{Uid: 65534, Gid: 65534},
				AmbientCaps: tt.ambient,
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 {
				t.Fatalf("unprivileged Open: %v (stderr %q), want exit code 2", err, stderr.String())
			}
			checkPrivilegeMessage(t, errors.New(stderr.String()))
			if !strings.Contains(stderr.String(), tt.lacks) {
				t.Errorf("message %q does not say it %s", stderr.String(), tt.lacks)
			}
		})
	}
	// And these two are enough: nobody with CAP_BPF and CAP_PERFMON loads,
	// attaches and follows a process.
	t.Run("CAP_BPF and CAP_PERFMON", func(t *testing.T) {
		requireSpy(t)
		cmd := exec.Command(bin, "-test.run=^$")
		cmd.Env = testutil.Environ("helper", "open")
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Credential:  &syscall.Credential{Uid: 65534, Gid: 65534},
			AmbientCaps: []uintptr{unix.CAP_BPF, unix.CAP_PERFMON},
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("Open as nobody with CAP_BPF and CAP_PERFMON: %v: %s", err, out)
		}
	})
}

func checkPrivilegeMessage(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("Open succeeded without privileges")
	}
	msg := err.Error()
	for _, w := range []string{"CAP_BPF", "CAP_PERFMON", "root"} {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not name %s", msg, w)
		}
	}
	if strings.Contains(msg, "MEMLOCK") {
		t.Errorf("message %q mentions MEMLOCK", msg)
	}
}

func TestLoadErrorNamesPrivileges(t *testing.T) {
	// What cilium/ebpf returns for EPERM at map creation.
	raw := fmt.Errorf("map create: %w (MEMLOCK may be too low, consider rlimit.RemoveMemlock)", unix.EPERM)
	err := loadError("load eBPF programs", raw)
	if !errors.Is(err, ErrNoPrivilege) {
		t.Fatalf("%v is not ErrNoPrivilege", err)
	}
	checkPrivilegeMessage(t, err)
}

// TestPIDReuse checks that a target's PID, once the target has exited and
// the PID is taken by a new process, is not followed.
func TestPIDReuse(t *testing.T) {
	s := openSpy(t, Options{})
	cmd := helperCmd("once")
	if err := s.Launch(cmd); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	evs := collect(t, s, 10*time.Second)
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	var moves int
	for _, ev := range evs {
		if ev.Kind == event.KindWrite && ev.Reveal().Move == game.Paper && ev.PID == uint32(pid) {
			moves++
		}
	}
	if moves != 1 {
		t.Fatalf("target's move reported %d times, want once", moves)
	}
	var v uint8
	if err := s.objs.Targets.Lookup(uint32(pid), &v); err == nil {
		t.Fatalf("pid %d still in the kernel's target map after its exit", pid)
	}
	// Make the kernel hand out the same PID again (ns_last_pid), and check
	// that the new process is not followed. Other processes on the machine
	// may take the PID first: retry a few times.
	for try := 0; try < 20; try++ {
		if err := os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(pid-1)), 0); err != nil {
			t.Skipf("skipping the reuse half: cannot set ns_last_pid: %v", err)
		}
		again := helperCmd("once")
		if err := again.Start(); err != nil {
			t.Fatal(err)
		}
		again.Wait()
		if again.Process.Pid != pid {
			continue
		}
		s.SetDeadline(time.Now().Add(500 * time.Millisecond))
		var ev event.Event
		for {
			err := s.Read(&ev)
			if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, ErrTargetsExited) {
				t.Logf("pid %d reused after %d tries: not followed", pid, try+1)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ev.PID == uint32(pid) {
				t.Fatalf("reused pid %d reported: %v %q", pid, ev.Kind, ev.Data)
			}
		}
	}
	t.Skip("skipping the reuse half: could not get the same PID again (busy machine)")
}

// TestAddTargetErrors covers a PID that does not exist and one that has
// already exited (a zombie).
func TestAddTargetErrors(t *testing.T) {
	t.Parallel()
	s := openSpy(t, Options{})
	if err := s.AddTarget(0); !errors.Is(err, ErrNoSuchProcess) {
		t.Errorf("AddTarget(0) = %v", err)
	}
	cmd := helperCmd("once")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the exit without reaping: the PID stays a zombie.
	var info unix.Siginfo
	if err := unix.Waitid(unix.P_PID, cmd.Process.Pid, &info, unix.WEXITED|unix.WNOWAIT, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.AddTarget(cmd.Process.Pid); !errors.Is(err, ErrTargetExited) {
		t.Errorf("AddTarget(zombie) = %v, want ErrTargetExited", err)
	}
	cmd.Wait()
	if err := s.AddTarget(cmd.Process.Pid); !errors.Is(err, ErrNoSuchProcess) {
		t.Errorf("AddTarget(reaped) = %v, want ErrNoSuchProcess", err)
	}
	if s.Targets() != 0 {
		t.Errorf("Targets = %d after failed adds", s.Targets())
	}
}

// TestCloseUnblocksRead checks that Close makes a blocked Read return
// ErrClosed, also a parked one (WakeupParked) whose doorbell Close unmaps.
func TestCloseUnblocksRead(t *testing.T) {
	t.Parallel()
	t.Run("adaptive", func(t *testing.T) { testCloseUnblocksRead(t, WakeupAdaptive) })
	t.Run("parked", func(t *testing.T) { testCloseUnblocksRead(t, WakeupParked) })
}

func testCloseUnblocksRead(t *testing.T, wakeup Wakeup) {
	s := openSpy(t, Options{Wakeup: wakeup})
	done := make(chan error, 1)
	go func() {
		var ev event.Event
		done <- s.Read(&ev)
	}()
	time.Sleep(50 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Read = %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read still blocked after Close")
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	var ev event.Event
	if err := s.Read(&ev); !errors.Is(err, ErrClosed) {
		t.Fatalf("Read after Close = %v, want ErrClosed", err)
	}
	if err := s.AddTarget(os.Getpid()); !errors.Is(err, ErrClosed) {
		t.Fatalf("AddTarget after Close = %v, want ErrClosed", err)
	}
	if err := s.Launch(exec.Command("true")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Launch after Close = %v, want ErrClosed", err)
	}
}

func TestOptions(t *testing.T) {
	tests := []struct {
		opts Options
		ok   bool
	}{
		{Options{}, true},
		{Options{RingSize: 1 << 20, CopyBytes: 4096, Comm: "roshambo-bot"}, true},
		{Options{RingSize: 3000}, false},
		{Options{RingSize: 1024}, false},
		{Options{CopyBytes: 4097}, false},
		{Options{CopyBytes: -1}, false},
		{Options{Comm: "sixteen-chars-xx"}, false},
		{Options{Wakeup: 7}, false},
	}
	for _, tt := range tests {
		o := tt.opts
		if err := o.normalize(); (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInvalidOptions)) {
			t.Errorf("%+v: %v", tt.opts, err)
		}
	}
}

// TestLayout checks struct event in the compiled object against package event.
func TestLayout(t *testing.T) {
	spec, err := loadSpy()
	if err != nil {
		t.Fatal(err)
	}
	checkEventLayout(t, spec)
}

// TestLaunchFunc follows every process started inside the function.
func TestLaunchFunc(t *testing.T) {
	t.Parallel()
	s := openSpy(t, Options{})
	a, b := helperCmd("once"), helperCmd("once")
	err := s.LaunchFunc(func() error {
		if err := a.Start(); err != nil {
			return err
		}
		return b.Start()
	})
	if err != nil {
		t.Fatal(err)
	}
	evs := collect(t, s, 10*time.Second)
	a.Wait()
	b.Wait()
	for _, pid := range []int{a.Process.Pid, b.Process.Pid} {
		var moves int
		for _, ev := range evs {
			if ev.PID == uint32(pid) && ev.Kind == event.KindWrite && ev.Reveal().Move == game.Paper {
				moves++
			}
		}
		if moves != 1 {
			t.Errorf("pid %d: %d moves reported, want 1", pid, moves)
		}
	}
}

// TestStop checks that Stop returns the events already recorded, then
// ErrStopped, under both policies (WakeupParked commits them without a
// wake-up).
func TestStop(t *testing.T) {
	t.Parallel()
	t.Run("adaptive", func(t *testing.T) { testStop(t, WakeupAdaptive) })
	t.Run("parked", func(t *testing.T) { testStop(t, WakeupParked) })
}

func testStop(t *testing.T, wakeup Wakeup) {
	// With a Comm filter Read never ends by itself (more processes may match).
	s := openSpy(t, Options{Comm: "no-such-comm", Wakeup: wakeup})
	cmd := helperCmd("once")
	if err := s.Launch(cmd); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	var moves int
	var ev event.Event
	for {
		err := s.Read(&ev)
		if errors.Is(err, ErrStopped) {
			break
		}
		if err != nil {
			t.Fatalf("Read after Stop: %v", err)
		}
		if ev.Kind == event.KindWrite && ev.Reveal().Move == game.Paper {
			moves++
		}
	}
	if moves != 1 {
		t.Fatalf("%d moves read after Stop, want the 1 recorded before it", moves)
	}
}

// TestReadBeforeLaunch reads on one goroutine while another launches: the
// reader must see the move and only then ErrTargetsExited.
func TestReadBeforeLaunch(t *testing.T) {
	t.Parallel()
	s := openSpy(t, Options{})
	type result struct {
		moves int
		err   error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		var ev event.Event
		for {
			err := s.Read(&ev)
			if err != nil {
				r.err = err
				done <- r
				return
			}
			if ev.Kind == event.KindWrite && ev.Reveal().Move == game.Paper {
				r.moves++
			}
		}
	}()
	for i := 0; i < 3; i++ {
		cmd := helperCmd("once")
		if err := s.Launch(cmd); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	timer := time.AfterFunc(20*time.Second, func() { s.Close() })
	defer timer.Stop()
	r := <-done
	// The reader may finish after the first, second or third target, but
	// never before a move it has not yet been given.
	if !errors.Is(r.err, ErrTargetsExited) || r.moves < 1 {
		t.Fatalf("reader ended with %v after %d moves", r.err, r.moves)
	}
}

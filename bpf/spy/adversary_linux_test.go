package spy

// Targets that try to hide their move from the spy, or that write it in a
// legal way the spy must still see. The C targets (testdata/targets) are
// compiled with gcc at test time.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/bpf/event"
	"github.com/roshambo-game/roshambo/game"
	"github.com/roshambo-game/roshambo/internal/testutil"
)

// cTarget compiles testdata/targets/NAME.c and returns the program's path.
func cTarget(t *testing.T, name string) string {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skipf("skipping: the %s target is a C program and gcc is not installed (apt-get install gcc)", name)
	}
	bin := filepath.Join(t.TempDir(), name)
	out, err := exec.Command(gcc, "-O1", "-Wall", "-pthread", "-o", bin, filepath.Join("testdata", "targets", name+".c")).CombinedOutput()
	if err != nil {
		t.Fatalf("compile %s.c: %v\n%s", name, err, out)
	}
	return bin
}

// runTarget launches cmd under s, with its stdout captured through a pipe,
// and returns every event until it exits, and what it wrote to stdout. A
// target that exits with code 3 lacks a kernel feature: the test is skipped
// with the target's reason.
func runTarget(t *testing.T, s *Spy, cmd *exec.Cmd) ([]event.Event, []byte) {
	t.Helper()
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := s.Launch(cmd); err != nil {
		t.Fatal(err)
	}
	evs := collect(t, s, 60*time.Second)
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 3 {
		t.Skipf("skipping: %s", strings.TrimSpace(stderr.String()))
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd.Path, err, stderr.String())
	}
	return evs, out.Bytes()
}

// writesOf returns the write events of process pid to descriptor fd.
func writesOf(evs []event.Event, pid int, fd int32) []*event.Event {
	var ws []*event.Event
	for i := range evs {
		if ev := &evs[i]; ev.Kind == event.KindWrite && ev.PID == uint32(pid) && ev.FD == fd {
			ws = append(ws, ev)
		}
	}
	return ws
}

// TestRewrittenBufferUserfaultfd: a userfaultfd handler changes the line
// while the kernel copies it; the kernel delivers scissors, the buffer says
// paper when the call returns. The spy must never report paper as the move
// sent: the change is flagged with both readings, or the reading is marked
// unverified when nothing could be read at entry.
func TestRewrittenBufferUserfaultfd(t *testing.T) {
	bin := cTarget(t, "uffd")
	for _, mode := range []string{"rewrite", "missing"} {
		t.Run(mode, func(t *testing.T) {
			for run := 0; run < 3; run++ {
				s := openSpy(t, Options{})
				cmd := exec.Command(bin, mode)
				evs, out := runTarget(t, s, cmd)
				s.Close()
				if sent := event.Recognize(out, false); sent.Move != game.Scissors {
					t.Fatalf("the target delivered %q (%v), not scissors: the trick did not work", out, sent.Move)
				}
				ws := writesOf(evs, cmd.Process.Pid, 1)
				if len(ws) != 1 {
					t.Fatalf("%d writes reported, want 1", len(ws))
				}
				ev := ws[0]
				r := ev.Reveal()
				if r.Confident() && r.Move != game.Scissors {
					t.Fatalf("run %d: a confident %v, but scissors was delivered (data %q)", run, r.Move, ev.Data)
				}
				switch mode {
				case "rewrite":
					if !ev.Changed || r.Entry.Move != game.Scissors || r.Exit.Move != game.Paper || r.Move != game.NoMove {
						t.Fatalf("run %d: changed %v, readings %+v / %+v, move %v; want changed, scissors at entry, paper at exit, no move",
							run, ev.Changed, r.Entry, r.Exit, r.Move)
					}
				case "missing":
					if ev.Changed || !ev.Unverified || r.Confident() {
						t.Fatalf("run %d: changed %v unverified %v confident %v; want an unverified reading", run, ev.Changed, ev.Unverified, r.Confident())
					}
				}
			}
		})
	}
}

// TestRewrittenBufferRacingThread: a second thread rewrites each write's
// buffer once, at a random moment around the call. Whatever the timing,
// the spy's confident moves must be the ones delivered; the writes whose
// buffer changed during the call must be flagged (and some are).
func TestRewrittenBufferRacingThread(t *testing.T) {
	bin := cTarget(t, "race")
	const perRun = 500
	var changed, exitWrong, total int
	for run := 0; run < 4 && changed < 5; run++ {
		s := openSpy(t, Options{})
		cmd := exec.Command(bin, strconv.Itoa(perRun))
		evs, out := runTarget(t, s, cmd)
		s.Close()
		ws := writesOf(evs, cmd.Process.Pid, 1)
		if len(ws) != perRun || len(out) != 9*perRun {
			t.Fatalf("%d writes reported, %d bytes delivered; want %d and %d", len(ws), len(out), perRun, 9*perRun)
		}
		for i, ev := range ws {
			sent := out[9*i : 9*i+9]
			want := event.Recognize(sent, false).Move // what the game read
			r := ev.Reveal()
			if r.Confident() && r.Move != want {
				t.Errorf("write %d: a confident %v, but %q (%v) was delivered; changed %v, data %q, entry %q",
					total+i, r.Move, sent, want, ev.Changed, ev.Data, ev.Entry)
			}
			if ev.Changed {
				changed++
			}
			if !bytes.Equal(ev.Data, sent) {
				exitWrong++
			}
		}
		total += len(ws)
	}
	t.Logf("%d writes: %d flagged as changed; a reading at exit alone would have been wrong for %d", total, changed, exitWrong)
	if changed == 0 {
		t.Errorf("no write out of %d was flagged as changed: the racing thread never hit a call", total)
	}
}

// TestIA32 makes ia32 system calls from a 64-bit process: a write(2) (ia32
// number 4) must be reported as a write, and an ia32 getpid (number 20,
// x86_64's writev) whose registers look like a writev must not be.
func TestIA32(t *testing.T) {
	bin := cTarget(t, "ia32")
	s := openSpy(t, Options{})
	cmd := exec.Command(bin)
	evs, _ := runTarget(t, s, cmd)
	var i01 int
	for _, ev := range writesOf(evs, cmd.Process.Pid, 1) {
		switch label(ev) {
		case "i01":
			i01++
			if !ev.IA32 || ev.Syscall != event.SysWrite || ev.Reveal().Move != game.Rock {
				t.Errorf("i01: ia32 %v syscall %v move %v", ev.IA32, ev.Syscall, ev.Reveal().Move)
			}
		case "i02":
			t.Errorf("an ia32 getpid was reported as a %v of %q", ev.Syscall, ev.Data)
		}
	}
	if i01 != 1 {
		t.Errorf("the ia32 write was reported %d times, want once", i01)
	}
}

// TestOtherWritePaths: sendmmsg, vmsplice and io_uring (WRITE, WRITEV,
// SEND, SENDMSG, and WRITE from a kernel polling thread).
func TestOtherWritePaths(t *testing.T) {
	bin := cTarget(t, "paths")
	s := openSpy(t, Options{})
	noise, _ := startNoise(t)
	cmd := exec.Command(bin)
	evs, _ := runTarget(t, s, cmd)
	checkNoPID(t, evs, noise)
	type want struct {
		sys  event.Syscall
		op   event.IoUringOp
		move game.Move
	}
	wants := map[string]want{
		"s01": {event.SysSendmmsg, 0, game.Rock},
		"s02": {event.SysSendmmsg, 0, game.Paper},
		"v01": {event.SysVmsplice, 0, game.Scissors},
		"u01": {event.SysIoUring, event.IoUringWrite, game.Rock},
		"u02": {event.SysIoUring, event.IoUringWritev, game.Paper},
		"u03": {event.SysIoUring, event.IoUringSend, game.Scissors},
		"u04": {event.SysIoUring, event.IoUringSendmsg, game.Rock},
		"u05": {event.SysIoUring, event.IoUringWrite, game.Paper},
	}
	seen := map[string]*event.Event{}
	var rings []*event.Event
	for i := range evs {
		ev := &evs[i]
		if ev.PID != uint32(cmd.Process.Pid) {
			continue
		}
		if ev.Kind == event.KindRing {
			rings = append(rings, ev)
			continue
		}
		if ev.Kind != event.KindWrite {
			continue
		}
		l := label(ev)
		w, ok := wants[l]
		if !ok {
			continue
		}
		if seen[l] != nil {
			t.Errorf("%s reported twice", l)
		}
		seen[l] = ev
		if ev.Syscall != w.sys || ev.IoUringOp != w.op || ev.Reveal().Move != w.move {
			t.Errorf("%s: %v %v %v, want %v %v %v (data %q)", l, ev.Syscall, ev.IoUringOp, ev.Reveal().Move, w.sys, w.op, w.move, ev.Data)
		}
	}
	for l := range wants {
		if seen[l] == nil {
			t.Errorf("%s was not reported", l)
		}
	}
	if ev := seen["s02"]; ev != nil && (ev.Message != 1 || !ev.Unverified) {
		t.Errorf("s02: message %d, unverified %v; want the second message, read once", ev.Message, ev.Unverified)
	}
	if ev := seen["v01"]; ev != nil && (!ev.ByReference || ev.Reveal().Confident()) {
		t.Errorf("v01: by reference %v, confident %v", ev.ByReference, ev.Reveal().Confident())
	}
	if ev := seen["u01"]; ev != nil && (!ev.Submitted || ev.Reveal().Confident()) {
		t.Errorf("u01: submitted %v, confident %v", ev.Submitted, ev.Reveal().Confident())
	}
	if ev := seen["u05"]; ev != nil && ev.TID == uint32(cmd.Process.Pid) {
		t.Errorf("u05: submitted by thread %d, the main thread: not by the kernel's polling thread", ev.TID)
	}
	var sqpoll int
	for _, r := range rings {
		if r.Requested&2 != 0 { // IORING_SETUP_SQPOLL
			sqpoll++
		}
	}
	if len(rings) != 2 || sqpoll != 1 {
		t.Errorf("%d rings announced (%d with a polling thread), want 2 (1)", len(rings), sqpoll)
	}
}

// TestProtocolLines: lines that the game reads as moves, which an ASCII
// word search or a 64-byte copy missed: KELVIN SIGN, dotted capital I,
// 1000 blanks before the move, and a line written in two calls.
func TestProtocolLines(t *testing.T) {
	s := openSpy(t, Options{})
	noise, _ := startNoise(t)
	cmd := helperCmd("protocol")
	evs, _ := runTarget(t, s, cmd)
	checkNoPID(t, evs, noise)
	a := event.NewAssembler()
	var lines []event.Line
	for i := range evs {
		if ev := &evs[i]; ev.PID == uint32(cmd.Process.Pid) {
			lines = append(lines, a.Add(ev)...)
		}
	}
	lines = append(lines, a.Flush()...)
	got := map[string]event.Line{}
	for i := 1; i < len(lines); i++ {
		if l := strings.TrimSuffix(string(lines[i-1].Text), "\n"); len(l) == 3 {
			got[l] = lines[i]
		}
	}
	for l, want := range map[string]game.Move{"k01": game.Rock, "d01": game.Scissors, "b01": game.Paper, "w01": game.Rock} {
		line, ok := got[l]
		if !ok {
			t.Errorf("no line after %s", l)
			continue
		}
		if r := line.Reveal(); r.Move != want || !r.Confident() {
			t.Errorf("%s: %+q says %v (confident %v), want %v", l, line.Text, r.Move, r.Confident(), want)
		}
	}
	if l := got["w01"]; len(l.Times) != 2 {
		t.Errorf("the line written in two calls has %d call times, want 2", len(l.Times))
	}
}

// pump reads the spy's events on a goroutine, for tests whose spy never
// reports that its targets have exited (a name filter).
type pump struct {
	ch chan event.Event
}

func startPump(t *testing.T, s *Spy) *pump {
	p := &pump{ch: make(chan event.Event, 1<<14)}
	go func() {
		defer close(p.ch)
		for {
			var ev event.Event
			if err := s.Read(&ev); err != nil {
				return
			}
			p.ch <- ev
		}
	}()
	t.Cleanup(func() {
		s.Close()
		for range p.ch {
		}
	})
	return p
}

// wait returns the first event for which match is true, every event before
// it, and whether it came within timeout.
func (p *pump) wait(timeout time.Duration, match func(*event.Event) bool) (event.Event, []event.Event, bool) {
	deadline := time.After(timeout)
	var before []event.Event
	for {
		select {
		case ev, ok := <-p.ch:
			if !ok {
				return event.Event{}, before, false
			}
			if match(&ev) {
				return ev, before, true
			}
			before = append(before, ev)
		case <-deadline:
			return event.Event{}, before, false
		}
	}
}

func labelled(l string) func(*event.Event) bool {
	return func(ev *event.Event) bool { return ev.Kind == event.KindWrite && label(ev) == l }
}

// TestPIDReuseByFollowedChild: a target added by PID exits, and a followed
// process forks a child that gets the same PID. The child must be followed
// (the watcher of the first target must not remove it): 10 times out of 10.
func TestPIDReuseByFollowedChild(t *testing.T) {
	s := openSpy(t, Options{})
	forker := helperCmd("forker")
	in, err := forker.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	outPipe, err := forker.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Launch(forker); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); forker.Process.Kill(); forker.Wait() })
	out := bufio.NewReader(outPipe)
	p := startPump(t, s)
	var reused, tries int
	for reused < 10 && tries < 60 {
		tries++
		first := helperCmd("waitexit")
		stop, err := first.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := first.Start(); err != nil {
			t.Fatal(err)
		}
		pid := first.Process.Pid
		if err := s.AddTarget(pid); err != nil {
			t.Fatal(err)
		}
		stop.Close()
		first.Wait() // the PID is free again
		fmt.Fprintf(in, "fork %d\n", pid)
		line, err := out.ReadString('\n')
		if err != nil {
			t.Fatalf("forker: %v", err)
		}
		child, _ := strconv.Atoi(strings.TrimSpace(line))
		ev, _, ok := p.wait(5*time.Second, func(ev *event.Event) bool {
			return ev.Kind == event.KindWrite && ev.PID == uint32(child) && label(ev) == "q01"
		})
		if child != pid {
			continue // another process took the PID first: try again
		}
		reused++
		if !ok {
			t.Fatalf("try %d: the followed child %d, which reused the PID of an earlier target, was not followed", tries, child)
		}
		if ev.Reveal().Move != game.Rock {
			t.Fatalf("try %d: move %v", tries, ev.Reveal().Move)
		}
	}
	if reused < 10 {
		t.Skipf("skipping: the PID was reused only %d times in %d tries (a busy machine takes PIDs first)", reused, tries)
	}
	t.Logf("a followed child reused the PID of an earlier target %d times in %d tries: followed each time", reused, tries)
}

// TestAddTargetExistingChildren: a child forked before the parent was
// added is followed too.
func TestAddTargetExistingChildren(t *testing.T) {
	s := openSpy(t, Options{})
	cmd := helperCmd("forkwait")
	goAhead, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	out := bufio.NewReader(outPipe)
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	child, _ := strconv.Atoi(strings.TrimSpace(line))
	if err := s.AddTarget(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	if s.Targets() != 2 {
		t.Errorf("Targets = %d, want the parent and its child", s.Targets())
	}
	io.WriteString(goAhead, "go\n")
	go io.Copy(io.Discard, out)
	evs := collect(t, s, 20*time.Second)
	var moves int
	for _, ev := range writesOf(evs, child, 1) {
		if label(ev) == "c02" && ev.Reveal().Move == game.Rock {
			moves++
		}
	}
	if moves != 1 {
		t.Fatalf("the child forked before AddTarget: %d moves reported, want 1", moves)
	}
}

// TestAddTargetThread: a thread id given to AddTarget stands for its
// process.
func TestAddTargetThread(t *testing.T) {
	s := openSpy(t, Options{})
	cmd := helperCmd("threads")
	goAhead, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	out := bufio.NewReader(outPipe)
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	tid, _ := strconv.Atoi(strings.TrimSpace(line))
	if tid == cmd.Process.Pid {
		t.Fatalf("the helper's thread %d is its main thread", tid)
	}
	if pid, err := ProcessOf(tid); err != nil || pid != cmd.Process.Pid {
		t.Fatalf("ProcessOf(%d) = %d, %v; want %d", tid, pid, err, cmd.Process.Pid)
	}
	if err := s.AddTarget(tid); err != nil {
		t.Fatalf("AddTarget(thread %d): %v", tid, err)
	}
	io.WriteString(goAhead, "go\n")
	go io.Copy(io.Discard, out)
	evs := collect(t, s, 20*time.Second)
	got := map[string]uint32{}
	for _, ev := range writesOf(evs, cmd.Process.Pid, 1) {
		got[label(ev)] = ev.TID
	}
	if got["h01"] != uint32(tid) || got["h02"] != uint32(cmd.Process.Pid) {
		t.Fatalf("writes by thread: %v; want h01 by %d and h02 by %d", got, tid, cmd.Process.Pid)
	}
}

// TestCommFollows: a name filter follows a child that execs another
// program, a process whose other thread takes the name, and a process that
// renames itself away from the name.
func TestCommFollows(t *testing.T) {
	dir := t.TempDir()
	named := func(name string) string {
		bin := filepath.Join(dir, name)
		copyFile(t, os.Args[0], bin, 0o755)
		return bin
	}
	tests := []struct {
		name  string // the filter
		bin   string // the program run ("": the test binary)
		mode  string
		label string
		move  game.Move
		// byChild: the move is written by a child of the process run
		byChild bool
	}{
		{"spyexecparent", "spyexecparent", "execchild", "r01", game.Paper, true},
		{"spyrenamedthr", "", "renamethread", "e01", game.Scissors, false},
		{"spyrenamedaway", "spyrenamedaway", "renameaway", "a01", game.Paper, false},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			s := openSpy(t, Options{Comm: tt.name})
			p := startPump(t, s)
			bin := os.Args[0]
			if tt.bin != "" {
				bin = named(tt.bin)
			}
			noise, _ := startNoise(t)
			cmd := exec.Command(bin, "-test.run=^$")
			cmd.Env = append(testutil.Environ("helper", tt.mode), "SPY_NAME="+tt.name, "SPY_OTHER_BIN="+os.Args[0])
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = io.Discard, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v: %s", err, stderr.String())
			}
			ev, before, ok := p.wait(5*time.Second, labelled(tt.label))
			if !ok {
				t.Fatalf("the move of %s was not reported (%d events before)", tt.mode, len(before))
			}
			checkNoPID(t, append(before, ev), noise)
			if ev.Reveal().Move != tt.move {
				t.Errorf("move %v, want %v", ev.Reveal().Move, tt.move)
			}
			if ev.Name() == tt.name {
				t.Errorf("the writing thread is named %q: the test does not test a name change", ev.Name())
			}
			if tt.byChild == (ev.PID == uint32(cmd.Process.Pid)) {
				t.Errorf("written by %d (the process run is %d), by a child: %v", ev.PID, cmd.Process.Pid, tt.byChild)
			}
		})
	}
}

// TestWatchFileFDPassing: the target passes its stdout to a helper that is
// not followed (over a Unix socket), which writes the move. Watching the
// pipe by inode catches it; nothing else untargeted is reported.
func TestWatchFileFDPassing(t *testing.T) {
	s := openSpy(t, Options{})
	noise, _ := startNoise(t)
	sock := filepath.Join(t.TempDir(), "sock")
	helper := helperCmd("fdhelper", "SPY_SOCK="+sock)
	hout, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { helper.Process.Kill(); helper.Wait() })
	if l, err := bufio.NewReader(hout).ReadString('\n'); err != nil || l != "listening\n" {
		t.Fatalf("helper: %q, %v", l, err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := s.WatchFile(r); err != nil {
		t.Fatal(err)
	}
	sender := helperCmd("fdsender", "SPY_SOCK="+sock)
	sender.Stdout = w
	if err := s.Launch(sender); err != nil {
		t.Fatal(err)
	}
	w.Close()
	evs := collect(t, s, 20*time.Second)
	if err := sender.Wait(); err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	if string(got) != "x01\nscissors\n" {
		t.Fatalf("the pipe holds %q", got)
	}
	checkNoPID(t, evs, noise)
	var found int
	for i := range evs {
		ev := &evs[i]
		if ev.Kind == event.KindWrite && ev.PID == uint32(helper.Process.Pid) {
			if !ev.ByInode || label(ev) != "x01" || ev.Reveal().Move != game.Scissors {
				t.Errorf("the helper's write: by inode %v, %q", ev.ByInode, ev.Data)
			}
			found++
		}
	}
	if found != 1 {
		t.Fatalf("the helper's write into the watched pipe was reported %d times, want once", found)
	}
}

// TestTargetIdentity: the identity that the fork hook stores for a child
// (struct pid's ino, read with CO-RE) is the one user space gets from a
// pidfd (the pidfs inode), on kernels that have it.
func TestTargetIdentity(t *testing.T) {
	s := openSpy(t, Options{})
	cmd := helperCmd("waitexit")
	stop, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Launch(cmd); err != nil {
		t.Fatal(err)
	}
	defer func() { stop.Close(); cmd.Wait() }()
	var v spyTarget
	if err := s.objs.Targets.Lookup(uint32(cmd.Process.Pid), &v); err != nil {
		t.Fatalf("the launched process is not in the target map: %v", err)
	}
	pidfd, err := unix.PidfdOpen(cmd.Process.Pid, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(pidfd)
	ident, err := pidfdIdent(pidfd)
	if err != nil {
		t.Fatal(err)
	}
	if v.Ident == 0 {
		t.Skipf("skipping: this kernel has no pidfs inode in struct pid (before 6.9): the fork hook stores 0")
	}
	if v.Ident != ident {
		t.Fatalf("the fork hook stored identity %d, the pidfd's inode is %d", v.Ident, ident)
	}
}

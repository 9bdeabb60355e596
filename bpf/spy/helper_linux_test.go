package spy

// Target processes for the tests: the test binary re-executed in the role
// "helper:MODE" (testutil.RoleEnv; the os/signal TestTerminalSignal pattern).

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/bpf/event"
	"github.com/roshambo-game/roshambo/game"
	"github.com/roshambo-game/roshambo/internal/testutil"
)

// TestMain: in the role "helper:MODE" (testutil.RoleEnv) the test binary
// is a target process that writes as MODE says (see runHelper).
func TestMain(m *testing.M) {
	testutil.Main(m, map[string]testutil.Role{"helper": runHelper})
}

// helperCmd returns a command that runs the test binary as helper mode.
func helperCmd(mode string, env ...string) *exec.Cmd {
	cmd := testutil.Command("helper", mode, "-test.run=^$")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	return cmd
}

// threadWrites is how many writes each of the two threads makes.
const threadWrites = 20

var moveNames = []string{"rock", "paper", "scissors"}

func runHelper(mode string) int {
	check := func(what string, err error) {
		if err != nil {
			fmt.Fprintf(os.Stderr, "helper %s: %s: %v\n", mode, what, err)
			os.Exit(1)
		}
	}
	switch mode {
	case "moves":
		// Wait for the go-ahead when the test adds us by PID.
		if os.Getenv("SPY_WAIT") != "" {
			_, err := bufio.NewReader(os.Stdin).ReadString('\n')
			check("wait", err)
		}
		runtime.LockOSThread()
		dir := os.Getenv("SPY_DIR")
		fd, err := unix.Open(dir+"/out", unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC, 0o600)
		check("open", err)
		_, err = unix.Write(fd, []byte("m01\nrock\n"))
		check("write", err)
		_, err = unix.Writev(fd, [][]byte{[]byte("m02\npa"), []byte("per\n")})
		check("writev", err)
		_, err = unix.Pwrite(fd, []byte("m03\nscissors\n"), 100)
		check("pwrite", err)
		_, err = unix.Pwritev(fd, [][]byte{[]byte("m04\n"), []byte("rock\n")}, 200)
		check("pwritev", err)
		sv, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		check("socketpair", err)
		check("sendto", unix.Sendto(sv[0], []byte("m05\npaper\n"), 0, nil))
		_, err = unix.SendmsgN(sv[0], []byte("m06\nscissors\n"), nil, nil, 0)
		check("sendmsg", err)
		// A buffer in a file mapping that this process has never touched:
		// reading it at syscall entry would fail with -EFAULT.
		mf, err := os.Open(dir + "/mapped")
		check("open mapped", err)
		mem, err := unix.Mmap(int(mf.Fd()), 0, 4096, unix.PROT_READ, unix.MAP_PRIVATE)
		check("mmap", err)
		_, err = unix.Write(fd, mem[:len("m07\nrock\n")])
		check("write mapped", err)
		// A write longer than the copy bound (a protocol line).
		long := "m08\n" + strings.Repeat("x", 1100) + "\npaper\n"
		_, err = unix.Write(fd, []byte(long))
		check("long write", err)
		// Two threads.
		var wg sync.WaitGroup
		for th := 1; th <= 2; th++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runtime.LockOSThread()
				for i := range threadWrites {
					msg := fmt.Sprintf("t%d-%02d\n%s\n", th, i, moveNames[(i+th)%3])
					if _, err := unix.Write(fd, []byte(msg)); err != nil {
						check("thread write", err)
					}
				}
			}()
		}
		wg.Wait()
		// A forked child that writes without exec: a raw fork (clone with
		// SIGCHLD only: arm64 has no fork(2)), then only raw system calls in
		// the child (the Go runtime must not run there).
		msg := []byte("f01\npaper\n")
		pid, _, errno := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
		if errno != 0 {
			check("fork", errno)
		}
		if pid == 0 {
			syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&msg[0])), uintptr(len(msg)))
			syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)
		}
		var ws unix.WaitStatus
		_, err = unix.Wait4(int(pid), &ws, 0, nil)
		check("wait forked child", err)
		// A child process (fork + exec of this binary).
		child := helperCmd("child")
		check("child", child.Run())
		return 0
	case "child":
		_, err := unix.Write(1, []byte("c01\nscissors\n"))
		if err != nil {
			// stdout may be /dev/null; any fd will do
			check("child write", err)
		}
		return 0
	case "noise":
		// An untargeted process that writes moves until stdin closes.
		go func() {
			bufio.NewReader(os.Stdin).ReadString('\n')
			os.Exit(0)
		}()
		for {
			unix.Write(1, []byte("n01\nrock\n"))
			time.Sleep(time.Millisecond)
		}
	case "once":
		// Write one move, then exit (for the PID reuse test).
		_, err := unix.Write(1, []byte("r01\npaper\n"))
		check("write", err)
		return 0
	case "paced":
		// rate writes per second for dur, in 1 ms batches.
		rate, _ := strconv.Atoi(os.Getenv("SPY_RATE"))
		dur, _ := time.ParseDuration(os.Getenv("SPY_DUR"))
		fd, err := unix.Open("/dev/null", unix.O_WRONLY, 0)
		check("open", err)
		total := int(float64(rate) * dur.Seconds())
		perMs := rate / 1000
		start := time.Now()
		buf := make([]byte, 0, 32)
		for i := 0; i < total; i++ {
			if i%perMs == 0 {
				due := start.Add(time.Duration(i/perMs) * time.Millisecond)
				for time.Now().Before(due) {
					if d := time.Until(due); d > 200*time.Microsecond {
						time.Sleep(d - 100*time.Microsecond)
					}
				}
			}
			buf = strconv.AppendInt(append(buf[:0], 'p'), int64(i), 10)
			buf = append(buf, " rock\n"...)
			_, err := unix.Write(fd, buf)
			check("write", err)
		}
		return 0
	case "open":
		// Open the spy as whatever user we run as (the unprivileged test).
		s, err := Open(Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			if errorsIsNoPrivilege(err) {
				return 2
			}
			return 1
		}
		defer s.Close()
		// Follow a child and see its move: everything the spy does.
		cmd := helperCmd("once")
		if err := s.Launch(cmd); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer cmd.Wait()
		var ev event.Event
		for {
			if err := s.Read(&ev); err != nil {
				fmt.Fprintln(os.Stderr, "no move seen:", err)
				return 1
			}
			if ev.Reveal().Move == game.Paper {
				return 0
			}
		}
	}
	if code, ok := runMoreHelpers(mode); ok {
		return code
	}
	fmt.Fprintf(os.Stderr, "unknown helper mode %q\n", mode)
	return 1
}

package spy

// More target processes for the tests (see helper_linux_test.go): the ways
// a bot could write its move that the spy must still see.

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// runMoreHelpers runs helper mode, if it is one of these, and returns its
// exit code.
func runMoreHelpers(mode string) (int, bool) {
	fail := func(what string, err error) int {
		fmt.Fprintf(os.Stderr, "helper %s: %s: %v\n", mode, what, err)
		return 1
	}
	stdin := bufio.NewReader(os.Stdin)
	switch mode {
	case "protocol":
		// Lines that the game reads as moves, written in unusual but legal
		// ways, to stdout.
		for _, w := range []string{
			"k01\nROC\u212a\n",       // KELVIN SIGN: the game lower-cases it to k
			"d01\nSC\u0130SSORS\r\n", // dotted capital I: lower-cased to i
			"b01\n" + strings.Repeat(" ", 1000) + "paper\n",
			"w01\nro", // a line in two writes
		} {
			if _, err := unix.Write(1, []byte(w)); err != nil {
				return fail("write", err), true
			}
		}
		time.Sleep(20 * time.Millisecond)
		if _, err := unix.Write(1, []byte("ck\n")); err != nil {
			return fail("write", err), true
		}
		return 0, true
	case "waitexit":
		// Exit when stdin closes.
		stdin.ReadString('\n')
		return 0, true
	case "sleepwrite":
		// Sleep, then write a move (after the pidfd watcher's delay).
		time.Sleep(300 * time.Millisecond)
		if _, err := unix.Write(1, []byte("q01\nrock\n")); err != nil {
			return fail("write", err), true
		}
		return 0, true
	case "forker":
		// On "fork PID", make the kernel hand out PID next (ns_last_pid),
		// start a sleepwrite child, and print its pid.
		for {
			line, err := stdin.ReadString('\n')
			if err != nil {
				return 0, true
			}
			want, _ := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(line), "fork "))
			if err := os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(want-1)), 0); err != nil {
				return fail("ns_last_pid", err), true
			}
			child := helperCmd("sleepwrite")
			child.Stdout = nil
			if err := child.Start(); err != nil {
				return fail("start", err), true
			}
			fmt.Printf("%d\n", child.Process.Pid)
			go child.Wait()
		}
	case "forkwait":
		// Start a child that waits for a line on its stdin (this process's
		// stdin), then writes a move; print its pid, then wait for it.
		child := helperCmd("childwait")
		child.Stdin = os.Stdin
		if err := child.Start(); err != nil {
			return fail("start", err), true
		}
		fmt.Printf("%d\n", child.Process.Pid)
		if err := child.Wait(); err != nil {
			return fail("child", err), true
		}
		return 0, true
	case "childwait":
		stdin.ReadString('\n')
		if _, err := unix.Write(1, []byte("c02\nrock\n")); err != nil {
			return fail("write", err), true
		}
		return 0, true
	case "threads":
		// A second thread prints its id, then, after a line on stdin,
		// writes a move; then the main thread writes one.
		runtime.LockOSThread() // so that the goroutine below gets another thread
		tid := make(chan int)
		done := make(chan error)
		go func() {
			runtime.LockOSThread()
			tid <- unix.Gettid()
			stdin.ReadString('\n')
			_, err := unix.Write(1, []byte("h01\npaper\n"))
			done <- err
		}()
		fmt.Printf("%d\n", <-tid)
		if err := <-done; err != nil {
			return fail("thread write", err), true
		}
		if _, err := unix.Write(1, []byte("h02\nrock\n")); err != nil {
			return fail("write", err), true
		}
		return 0, true
	case "renamethread":
		// A second thread takes the name SPY_NAME; the main thread, which
		// keeps its own, writes a move.
		runtime.LockOSThread()
		renamed := make(chan error)
		go func() {
			runtime.LockOSThread() // the thread keeps the name until exit
			renamed <- setName(os.Getenv("SPY_NAME"))
			select {}
		}()
		if err := <-renamed; err != nil {
			return fail("rename", err), true
		}
		if _, err := unix.Write(1, []byte("e01\nscissors\n")); err != nil {
			return fail("write", err), true
		}
		return 0, true
	case "renameaway":
		// Started under the name SPY_NAME: rename every thread that writes
		// to something else first, then write.
		runtime.LockOSThread()
		if err := setName("innocent"); err != nil {
			return fail("rename", err), true
		}
		if _, err := unix.Write(1, []byte("a01\npaper\n")); err != nil {
			return fail("write", err), true
		}
		return 0, true
	case "execchild":
		// Named SPY_NAME: start a child of another name (this test binary
		// under its own name), which writes a move.
		child := helperCmd("once")
		child.Path = os.Getenv("SPY_OTHER_BIN")
		child.Args[0] = child.Path
		child.Stdout = os.Stdout
		if err := child.Run(); err != nil {
			return fail("child", err), true
		}
		return 0, true
	case "fdsender":
		// Pass stdout to the helper listening on SPY_SOCK, write nothing.
		c, err := net.Dial("unix", os.Getenv("SPY_SOCK"))
		if err != nil {
			return fail("dial", err), true
		}
		uc := c.(*net.UnixConn)
		if _, _, err := uc.WriteMsgUnix([]byte{0}, unix.UnixRights(1), nil); err != nil {
			return fail("send fd", err), true
		}
		// Wait until the helper has written.
		var b [1]byte
		uc.Read(b[:])
		return 0, true
	case "fdhelper":
		// Listen on SPY_SOCK, receive a descriptor, write a move into it.
		l, err := net.Listen("unix", os.Getenv("SPY_SOCK"))
		if err != nil {
			return fail("listen", err), true
		}
		fmt.Println("listening")
		c, err := l.Accept()
		if err != nil {
			return fail("accept", err), true
		}
		uc := c.(*net.UnixConn)
		oob := make([]byte, unix.CmsgSpace(4))
		_, oobn, _, _, err := uc.ReadMsgUnix(make([]byte, 1), oob)
		if err != nil {
			return fail("receive fd", err), true
		}
		msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
		if err != nil || len(msgs) != 1 {
			return fail("parse fd", err), true
		}
		fds, err := unix.ParseUnixRights(&msgs[0])
		if err != nil || len(fds) != 1 {
			return fail("parse fd", err), true
		}
		if _, err := unix.Write(fds[0], []byte("x01\nscissors\n")); err != nil {
			return fail("write", err), true
		}
		uc.Write([]byte{1})
		return 0, true
	}
	return 0, false
}

// setName renames the calling thread (prctl PR_SET_NAME).
func setName(name string) error {
	p, err := unix.BytePtrFromString(name)
	if err != nil {
		return err
	}
	return unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(p)), 0, 0, 0)
}

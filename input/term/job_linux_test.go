package term_test

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/internal/testutil"
)

// shellMain is the role "shell": the test binary plays a job-control shell,
// the session leader on the pty, running `sh -c '<child>; echo JOB-DONE'`
// as a foreground job in a process group of its own, as bash runs a command
// line. It starts the job, reports "JOB STOPPED" when the whole job (sh,
// which waits for the child) stops, continues it as `fg` does, and exits when
// the job ends.
func shellMain() int {
	sh, err := exec.LookPath("sh")
	if err != nil {
		fmt.Println("no sh:", err)
		return 3
	}
	exe, _ := os.Executable()
	env := testutil.Environ("child", "")
	attr := &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{0, 1, 2},
		Sys:   &syscall.SysProcAttr{Setpgid: true, Foreground: true, Ctty: 0},
	}
	pid, err := syscall.ForkExec(sh, []string{"sh", "-c", "'" + exe + "' -test.run=^$; echo JOB-DONE"}, attr)
	if err != nil {
		fmt.Println("fork:", err)
		return 3
	}
	// Like a shell, ignore the terminal's job-control signals while the
	// job is in the background.
	signalIgnore()
	for {
		var ws syscall.WaitStatus
		_, err := syscall.Wait4(pid, &ws, syscall.WUNTRACED, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			fmt.Println("wait:", err)
			return 3
		}
		if ws.Stopped() {
			// The shell takes the terminal back, then `fg`.
			_ = unix.IoctlSetPointerInt(0, unix.TIOCSPGRP, syscall.Getpgrp())
			fmt.Printf("JOB STOPPED by %v\r\n", ws.StopSignal())
			time.Sleep(100 * time.Millisecond)
			_ = unix.IoctlSetPointerInt(0, unix.TIOCSPGRP, pid)
			_ = syscall.Kill(-pid, syscall.SIGCONT)
			continue
		}
		fmt.Printf("JOB ENDED %v\r\n", ws.ExitStatus())
		return 0
	}
}

// signalIgnore ignores SIGTTOU and SIGTTIN, as an interactive shell does.
func signalIgnore() { signal.Ignore(syscall.SIGTTOU, syscall.SIGTTIN) }

// TestSuspendStopsTheJob: Ctrl-Z stops the whole foreground job, not only the
// program (a shell waiting for `sh -c 'roshambo; ...'` or `make run` sees the
// job stop and gets the terminal back); after fg the program resumes in raw
// mode and the job runs to its end.
func TestSuspendStopsTheJob(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("sh is not installed: cannot run a job under a shell")
	}
	c := startJob(t)
	c.send(0x1a)
	c.waitOutput("JOB STOPPED by stopped")
	c.waitOutput("RESUMED")
	c.waitTermios(c.raw, "after fg")
	c.send('q')
	c.waitOutput("JOB-DONE")
	c.waitOutput("JOB ENDED 0")
	c.wait()
	c.waitTermios(c.before, "after exit")
}

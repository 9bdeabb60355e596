package term

import (
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// TestMonitorEndsOnClose: the crash monitor process started by MakeRaw
// exits cleanly and is reaped after Close: no process is leaked per
// Terminal.
func TestMonitorEndsOnClose(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Fatalf("pty: %v", err)
	}
	defer master.Close()
	defer slave.Close()
	fd := int(slave.Fd())
	tm, err := Open(fd, fd, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := tm.MakeRaw(); err != nil {
		t.Fatal(err)
	}
	m := tm.mon
	if m == nil || m.cmd.Process == nil {
		t.Fatal("MakeRaw started no crash monitor")
	}
	pid := m.cmd.Process.Pid
	if err := unix.Kill(pid, 0); err != nil {
		t.Fatalf("monitor %d not running after MakeRaw: %v", pid, err)
	}
	if err := tm.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	reaped := make(chan struct{})
	go func() { m.wait.Wait(); close(reaped) }()
	select {
	case <-reaped:
	case <-time.After(20 * time.Second):
		t.Fatalf("monitor %d still running 20 s after Close", pid)
	}
	if st := m.cmd.ProcessState; st == nil || !st.Exited() || st.ExitCode() != 0 {
		t.Fatalf("monitor ended with %v, want exit code 0", st)
	}
	// Close restored the saved termios and the monitor's exit kept it.
	tio, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil || *tio != tm.Saved() {
		t.Fatalf("termios after Close: %+v (%v), want the saved one", tio, err)
	}
}

package breakdown

import (
	"errors"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/internal/testutil"
)

// TestTracerLoads loads and attaches the program for real (root) and sees a
// write(2) of this very process.
func TestTracerLoads(t *testing.T) {
	testutil.RequireRoot(t, "the tracer needs CAP_BPF, CAP_PERFMON and /proc/kallsyms addresses")
	tr, err := Open()
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer tr.Close()
	if err := tr.Configure(os.Getpid(), os.Getpid()); err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(t.TempDir(), "w")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := f.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	// A return from the epoll_wait family (epoll_wait on amd64,
	// epoll_pwait on arm64: x/sys/unix picks the one the kernel has).
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unix.EpollWait(epfd, make([]unix.EpollEvent, 1), 0); err != nil {
		t.Fatal(err)
	}
	unix.Close(epfd)
	if err := tr.Configure(0, 0); err != nil {
		t.Fatal(err)
	}
	evs, err := tr.Drain()
	if err != nil {
		t.Fatal(err)
	}
	writes, epolls := 0, 0
	for _, e := range evs {
		switch e.Kind {
		case KindWrite:
			writes++
		case KindEpollExit:
			epolls++
		}
		if e.Time <= 0 || e.Kind < KindWrite || e.Kind > KindEpollExit {
			t.Errorf("malformed event %+v", e)
		}
	}
	if writes < 3 {
		t.Errorf("saw %d write events, want >= 3 (%d events)", writes, len(evs))
	}
	if epolls < 1 {
		t.Errorf("saw no return from epoll_wait (%d events)", len(evs))
	}
	if lost, err := tr.Lost(); err != nil || lost != 0 {
		t.Errorf("lost %d, %v", lost, err)
	}
}

func TestOpenUnprivileged(t *testing.T) {
	if unix.Geteuid() == 0 {
		t.Skip("runs only without root")
	}
	if _, err := Open(); !errors.Is(err, ErrPrivileges) {
		t.Errorf("Open as non-root: %v, want ErrPrivileges", err)
	}
}

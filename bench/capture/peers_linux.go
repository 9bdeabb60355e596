package capture

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"runtime"

	"github.com/gdamore/tcell/v2"
	"github.com/muesli/cancelreader"
	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/internal/mono"
)

// readerSpec is one reader under test.
type readerSpec struct {
	name   string
	stages []string // stage names, in stamps.t order
	run    func(s *session, path string) error
	esc    func(s *session, path string) error // the ESC test; nil if not part of it
	// profileAllocs names the allocations of the measured samples
	// (allocs.go); roshambo's readers only, because the profile slows
	// every allocation down and the peers allocate per key.
	profileAllocs bool
}

// openPollable opens the pty slave as Go opens any file: nonblocking and
// registered with the runtime's netpoller (os.OpenFile does both for a
// character device).
func openPollable(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return f, nil
}

// runOSFile: os.File.Read through the netpoller, stamped when Read returns.
func runOSFile(s *session, path string) error {
	f, err := openPollable(path)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 256)
	s.ready()
	for {
		n, err := f.Read(buf)
		now := mono.Now()
		for _, b := range buf[:n] {
			if s.deliver(b, stamps{t: [maxStages]int64{now}}) {
				return s.err
			}
		}
		if err != nil {
			return fmt.Errorf("osfile read: %w", err)
		}
	}
}

// runBufio: bufio.Reader.ReadByte over the same pollable file, stamped when
// ReadByte returns.
func runBufio(s *session, path string) error {
	f, err := openPollable(path)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 4096)
	s.ready()
	for {
		b, err := br.ReadByte()
		now := mono.Now()
		if err != nil {
			return fmt.Errorf("bufio read: %w", err)
		}
		if s.deliver(b, stamps{t: [maxStages]int64{now}}) {
			return s.err
		}
	}
}

// runCancelReader: github.com/muesli/cancelreader (bubbletea's reader): its
// own epoll_wait on the fd and a cancel pipe, then a blocking read.
func runCancelReader(s *session, path string) error {
	f, err := openPollable(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cr, err := cancelreader.NewReader(f)
	if err != nil {
		return fmt.Errorf("cancelreader: %w", err)
	}
	defer cr.Close()
	buf := make([]byte, 256)
	s.ready()
	for {
		n, err := cr.Read(buf)
		now := mono.Now()
		for _, b := range buf[:n] {
			if s.deliver(b, stamps{t: [maxStages]int64{now}}) {
				cr.Cancel()
				return s.err
			}
		}
		if err != nil {
			return fmt.Errorf("cancelreader read: %w", err)
		}
	}
}

// runBusyPoll: a nonblocking read in a tight loop on a locked OS thread. It
// burns a whole core: it is the floor to compare against, not a design.
func runBusyPoll(s *session, path string) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(fd)
	var buf [256]byte
	s.ready()
	for {
		n, err := unix.Read(fd, buf[:])
		if n > 0 {
			now := mono.Now()
			for _, b := range buf[:n] {
				if s.deliver(b, stamps{t: [maxStages]int64{now}}) {
					return s.err
				}
			}
			continue
		}
		if err != nil && err != unix.EAGAIN && err != unix.EINTR {
			return fmt.Errorf("busypoll read: %w", err)
		}
		if n == 0 && err == nil {
			return errors.New("busypoll read: end of file")
		}
	}
}

// tcellScreen starts a tcell v2 screen on its own Tty (NewDevTtyFromDev) on
// the pty slave, as an application using tcell for input would.
func tcellScreen(path string) (tcell.Screen, error) {
	tty, err := tcell.NewDevTtyFromDev(path)
	if err != nil {
		return nil, fmt.Errorf("tcell tty: %w", err)
	}
	ti, err := tcell.LookupTerminfo("xterm-256color")
	if err != nil {
		return nil, fmt.Errorf("tcell terminfo: %w", err)
	}
	scr, err := tcell.NewTerminfoScreenFromTtyTerminfo(tty, ti)
	if err != nil {
		return nil, fmt.Errorf("tcell screen: %w", err)
	}
	if err := scr.Init(); err != nil {
		return nil, fmt.Errorf("tcell init: %w", err)
	}
	return scr, nil
}

// runTcell: tcell PollEvent, stamped when it returns the key event. Used for
// the keys run and the ESC test alike (a lone ESC arrives as KeyEscape after
// tcell's own timeout).
func runTcell(s *session, path string) error {
	scr, err := tcellScreen(path)
	if err != nil {
		return err
	}
	defer scr.Fini()
	s.ready()
	for {
		ev := scr.PollEvent()
		now := mono.Now()
		switch ev := ev.(type) {
		case *tcell.EventKey:
			var b byte
			switch {
			case ev.Key() == tcell.KeyRune && ev.Rune() < 0x80:
				b = byte(ev.Rune())
			case ev.Key() == tcell.KeyEscape:
				b = 0x1b
			default:
				s.fail(fmt.Errorf("tcell: unexpected key %s", ev.Name()))
				return s.err
			}
			if s.deliver(b, stamps{t: [maxStages]int64{now}}) {
				return s.err
			}
		case *tcell.EventError:
			return fmt.Errorf("tcell: %w", ev)
		case nil:
			return errors.New("tcell: screen finished")
		}
	}
}

var peerSpecs = []readerSpec{
	{name: "osfile", stages: []string{"read"}, run: runOSFile},
	{name: "bufio", stages: []string{"read"}, run: runBufio},
	{name: "tcell", stages: []string{"read"}, run: runTcell, esc: runTcell},
	{name: "cancelreader", stages: []string{"read"}, run: runCancelReader},
	{name: "busypoll", stages: []string{"read"}, run: runBusyPoll},
}

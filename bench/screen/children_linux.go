package screen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/gdamore/tcell/v2"
	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/roshambo-game/roshambo/internal/mono"
	"github.com/roshambo-game/roshambo/internal/ptyharness"
)

// Child roles of the re-executed benchmark (see RunChild).
const (
	roleWriter    = "screen-writer"
	roleEcho      = "screen-echo"
	roleTcell     = "screen-tcell"
	roleBubbletea = "screen-bubbletea"
)

// RunChild runs this process's child role if it is one of this package's
// (the writer, the peer apps) and returns its exit code and true; it returns
// false otherwise. Programs that embed the benchmark call it first thing.
func RunChild() (int, bool) {
	role, err := ptyharness.ChildRole(nil)
	if err != nil {
		return 0, false
	}
	var run func() error
	switch role {
	case roleWriter:
		var cfg writerConfig
		if _, err := ptyharness.ChildRole(&cfg); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2, true
		}
		run = func() error { return runWriter(cfg) }
	case roleEcho:
		run = runEcho
	case roleTcell:
		run = runTcell
	case roleBubbletea:
		run = runBubbletea
	default:
		return 0, false
	}
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", role, err)
		return 1, true
	}
	return 0, true
}

// writerConfig configures the writer process: the terminal emulator's side of
// one block.
type writerConfig struct {
	Keys    string        // the bytes to send, one per sample, in turn
	Quit    string        // sent at the end to end the program
	Samples int           // keys to time
	GapMin  time.Duration // each key follows the end of the previous update
	GapMax  time.Duration // after a random gap in [GapMin, GapMax]
	Quiet   time.Duration // an update ends after this long without output
	Settle  time.Duration // the program is ready once its output has been quiet this long
	Timeout time.Duration // no first byte within this long: the program is stuck
	Seed    uint64
}

// sample is one timed key: when it was written, when the first and the last
// byte of the screen update arrived (mono ns), and the update's size.
type sample struct {
	Write int64 `json:"w"`
	First int64 `json:"f"`
	Last  int64 `json:"l"`
	Bytes int   `json:"b"`
}

// writerReport is what the writer prints on its stdout when the block is done.
type writerReport struct {
	Samples []sample `json:"samples"`
	// Stray counts bytes that arrived between updates (outside any key's
	// update), e.g. a late second frame.
	Stray int `json:"stray"`
}

// masterFD is the pty master in the writer process (ExtraFiles[0]).
const masterFD = 3

// runWriter plays the terminal emulator: it holds the pty master, waits for
// the program's first screen, then writes one key at a time and times the
// screen update that follows.
func runWriter(cfg writerConfig) error {
	runtime.LockOSThread()
	// Timer slack 1 ns: the quiet period and the gaps mean what they say.
	_ = unix.Prctl(unix.PR_SET_TIMERSLACK, 1, 0, 0, 0)
	if err := unix.SetNonblock(masterFD, false); err != nil {
		return fmt.Errorf("master blocking mode: %w", err)
	}
	w := &writer{cfg: cfg, buf: make([]byte, 64<<10)}
	if err := w.settle(); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x73637265656e))
	rep := writerReport{Samples: make([]sample, 0, cfg.Samples)}
	key := []byte{0}
	for i := 0; i < cfg.Samples; i++ {
		gap := cfg.GapMin + time.Duration(rng.Int64N(int64(cfg.GapMax-cfg.GapMin)+1))
		n, err := w.drainFor(gap)
		if err != nil {
			return err
		}
		rep.Stray += n
		key[0] = cfg.Keys[i%len(cfg.Keys)]
		s, err := w.timeKey(key)
		if err != nil {
			return fmt.Errorf("key %d (%q): %w", i, key, err)
		}
		rep.Samples = append(rep.Samples, s)
	}
	if _, err := unix.Write(masterFD, []byte(cfg.Quit)); err != nil {
		return fmt.Errorf("write the quit key: %w", err)
	}
	// Keep reading until the program is gone (EIO once the slave is
	// closed), so that its last writes never block.
	go func() {
		for {
			if _, err := unix.Read(masterFD, w.buf); err != nil && err != unix.EINTR {
				return
			}
		}
	}()
	return json.NewEncoder(os.Stdout).Encode(rep)
}

type writer struct {
	cfg writerConfig
	buf []byte
}

// settle waits until the program has drawn its first screen: its output has
// been quiet for Settle. It answers the primary device attributes query
// (ESC [ c), as a terminal does: programs that detect the terminal's
// features wait for it.
func (w *writer) settle() error {
	deadline := mono.Now() + int64(w.cfg.Timeout)
	for {
		n, err := w.readWithin(w.cfg.Settle)
		if err != nil {
			return fmt.Errorf("waiting for the first screen: %w", err)
		}
		if n == 0 {
			return nil
		}
		if q := w.buf[:n]; bytes.Contains(q, []byte("\x1b[c")) || bytes.Contains(q, []byte("\x1b[0c")) {
			if _, err := unix.Write(masterFD, []byte("\x1b[?62;22c")); err != nil {
				return fmt.Errorf("answer the device attributes query: %w", err)
			}
		}
		if mono.Now() > deadline {
			return errors.New("the program's output never settled")
		}
	}
}

// readWithin waits up to d for output and reads what is there; 0 means
// nothing came.
func (w *writer) readWithin(d time.Duration) (int, error) {
	pfd := []unix.PollFd{{Fd: masterFD, Events: unix.POLLIN}}
	for {
		ms := int(d / time.Millisecond)
		if d > 0 && ms == 0 {
			ms = 1
		}
		n, err := unix.Poll(pfd, ms)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("poll the pty master: %w", err)
		}
		if n == 0 {
			return 0, nil
		}
		if pfd[0].Revents&(unix.POLLHUP|unix.POLLERR) != 0 && pfd[0].Revents&unix.POLLIN == 0 {
			return 0, errors.New("the program closed its terminal (it exited)")
		}
		return w.read()
	}
}

func (w *writer) read() (int, error) {
	for {
		n, err := unix.Read(masterFD, w.buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("read the pty master: %w", err)
		}
		return n, nil
	}
}

// drainFor lets d pass, reading (and counting) whatever the program writes
// meanwhile.
func (w *writer) drainFor(d time.Duration) (int, error) {
	end := mono.Now() + int64(d)
	total := 0
	for {
		left := end - mono.Now()
		if left <= 0 {
			return total, nil
		}
		pfd := []unix.PollFd{{Fd: masterFD, Events: unix.POLLIN}}
		ts := unix.NsecToTimespec(left)
		n, err := unix.Ppoll(pfd, &ts, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return total, fmt.Errorf("poll the pty master: %w", err)
		}
		if n > 0 {
			m, err := w.read()
			if err != nil {
				return total, err
			}
			total += m
		}
	}
}

// timeKey writes one key and times the update that follows: the first byte
// (a blocking read returns it), then every read until the output has been
// quiet for Quiet.
func (w *writer) timeKey(key []byte) (sample, error) {
	var s sample
	pfd := []unix.PollFd{{Fd: masterFD, Events: unix.POLLIN}}
	s.Write = mono.Now()
	if _, err := unix.Write(masterFD, key); err != nil {
		return s, fmt.Errorf("write to the pty master: %w", err)
	}
	to := unix.NsecToTimespec(int64(w.cfg.Timeout))
	for {
		n, err := unix.Ppoll(pfd, &to, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return s, fmt.Errorf("poll the pty master: %w", err)
		}
		if n == 0 {
			return s, fmt.Errorf("no screen update within %v", w.cfg.Timeout)
		}
		break
	}
	n, err := w.read()
	if err != nil {
		return s, err
	}
	s.First, s.Last, s.Bytes = mono.Now(), 0, n
	s.Last = s.First
	quiet := unix.NsecToTimespec(int64(w.cfg.Quiet))
	for {
		k, err := unix.Ppoll(pfd, &quiet, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return s, fmt.Errorf("poll the pty master: %w", err)
		}
		if k == 0 {
			return s, nil
		}
		n, err := w.read()
		if err != nil {
			return s, err
		}
		s.Last, s.Bytes = mono.Now(), s.Bytes+n
	}
}

// runEcho is the floor of the pty round trip: raw mode, then for each key
// one read(2) and one write(2) of a short line. Ctrl-C ends it.
func runEcho() error {
	st, err := term.MakeRaw(0)
	if err != nil {
		return fmt.Errorf("raw mode: %w", err)
	}
	defer term.Restore(0, st)
	in := make([]byte, 64)
	out := make([]byte, 0, 32)
	n := 0
	for {
		k, err := unix.Read(0, in)
		if err == unix.EINTR {
			continue
		}
		if err != nil || k == 0 {
			return nil
		}
		if bytes.IndexByte(in[:k], 0x03) >= 0 {
			return nil
		}
		n += k
		out = strconv.AppendInt(append(out[:0], "\rkeys: "...), int64(n), 10)
		if _, err := unix.Write(1, out); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
}

// runTcell is a minimal tcell application, as people write them: tcell reads
// the keyboard and the app redraws a counter on each key. Ctrl-C ends it.
func runTcell() error {
	s, err := tcell.NewScreen()
	if err != nil {
		return err
	}
	if err := s.Init(); err != nil {
		return err
	}
	defer s.Fini()
	n := 0
	draw := func() {
		s.Clear()
		for i, r := range "keys: " + strconv.Itoa(n) {
			s.SetContent(i, 0, r, nil, tcell.StyleDefault)
		}
		s.Show()
	}
	draw()
	for {
		switch ev := s.PollEvent().(type) {
		case nil:
			return nil
		case *tcell.EventKey:
			if ev.Key() == tcell.KeyCtrlC {
				return nil
			}
			n++
			draw()
		case *tcell.EventResize:
			s.Sync()
		}
	}
}

// counter is the minimal bubbletea model: a counter of keys.
type counter struct{ n int }

func (c counter) Init() tea.Cmd { return nil }

func (c counter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if k.String() == "ctrl+c" {
			return c, tea.Quit
		}
		c.n++
	}
	return c, nil
}

func (c counter) View() tea.View { return tea.NewView("keys: " + strconv.Itoa(c.n)) }

// runBubbletea is a minimal bubbletea v2 application: a counter of keys.
func runBubbletea() error {
	_, err := tea.NewProgram(counter{}).Run()
	return err
}

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
// one session, for one program or for several at once.
type writerConfig struct {
	// Targets are the programs, one pty each: target i's master is file
	// descriptor masterFD+i (ExtraFiles[i]).
	Targets []writerTarget
	Samples int           // keys to time per target
	GapMin  time.Duration // each key follows the end of the previous update
	GapMax  time.Duration // after a random gap in [GapMin, GapMax]
	Quiet   time.Duration // an update ends after this long without output
	Settle  time.Duration // the programs are ready once their output has been quiet this long
	Timeout time.Duration // no first byte within this long: the program is stuck
	Seed    uint64
	// Probe is the period of the stall probes that run while the keys are
	// timed (0: none).
	Probe time.Duration
}

// writerTarget is one program as the writer sees it.
type writerTarget struct {
	Keys string // the bytes to send, one per sample, in turn
	Quit string // sent at the end to end the program
}

// sample is one timed key: when it was written, when the first and the last
// byte of the screen update arrived (mono ns), and the update's size.
type sample struct {
	Write int64 `json:"w"`
	First int64 `json:"f"`
	Last  int64 `json:"l"`
	Bytes int   `json:"b"`
	// stalled: a CPU stalled between the write and the first byte (set
	// from the writer's report, not sent by it).
	stalled bool
}

// writerReport is what the writer prints on its stdout when the session is
// done: one entry per target.
type writerReport struct {
	Targets []targetReport `json:"targets"`
	// Stalls are the stretches in which a CPU stalled while the keys were
	// timed, by start time.
	Stalls []stall `json:"stalls"`
}

// targetReport is one target's part of a session.
type targetReport struct {
	Samples []sample `json:"samples"`
	// Stray counts bytes that arrived between updates (outside any key's
	// update), e.g. a late second frame.
	Stray int `json:"stray"`
	// Err says why the target was given up (it stopped answering, or its
	// terminal closed); its other figures are those taken before.
	Err string `json:"err,omitempty"`
}

// masterFD is the first pty master in the writer process (ExtraFiles[0]).
const masterFD = 3

// runWriter plays the terminal emulator: it holds the pty masters, waits for
// the programs' first screens, then writes one key at a time and times the
// screen update that follows. With several targets the keys go round, one
// target after the other (the order rotated every turn), so that whatever
// disturbs the machine for a while falls on every program alike.
func runWriter(cfg writerConfig) error {
	runtime.LockOSThread()
	// Timer slack 1 ns: the quiet period and the gaps mean what they say.
	_ = unix.Prctl(unix.PR_SET_TIMERSLACK, 1, 0, 0, 0)
	if len(cfg.Targets) == 0 {
		return errors.New("no targets")
	}
	w := &writer{cfg: cfg, buf: make([]byte, 64<<10)}
	rep := writerReport{Targets: make([]targetReport, len(cfg.Targets))}
	for i := range cfg.Targets {
		fd := masterFD + i
		if err := unix.SetNonblock(fd, false); err != nil {
			return fmt.Errorf("master %d blocking mode: %w", i, err)
		}
		w.pfd = append(w.pfd, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
		rep.Targets[i].Samples = make([]sample, 0, cfg.Samples)
	}
	if err := w.settle(rep.Targets); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x73637265656e))
	key := []byte{0}
	probes := startStallProbes(cfg.Probe)
	for i := 0; i < cfg.Samples; i++ {
		for k := range cfg.Targets {
			t := (k + i) % len(cfg.Targets)
			tr := &rep.Targets[t]
			if tr.Err != "" {
				continue
			}
			gap := cfg.GapMin + time.Duration(rng.Int64N(int64(cfg.GapMax-cfg.GapMin)+1))
			if err := w.drainFor(gap, rep.Targets); err != nil {
				return err
			}
			key[0] = cfg.Targets[t].Keys[i%len(cfg.Targets[t].Keys)]
			s, err := w.timeKey(t, key)
			if err != nil {
				tr.Err = fmt.Sprintf("key %d (%q): %v", i, key, err)
				continue
			}
			tr.Samples = append(tr.Samples, s)
		}
	}
	rep.Stalls = probes.stop()
	for i, t := range cfg.Targets {
		fd := masterFD + i
		if rep.Targets[i].Err == "" {
			if _, err := unix.Write(fd, []byte(t.Quit)); err != nil {
				rep.Targets[i].Err = fmt.Sprintf("write the quit key: %v", err)
			}
		}
		// Keep reading until the program is gone (EIO once the slave is
		// closed), so that its last writes never block.
		go func() {
			buf := make([]byte, 4096)
			for {
				if _, err := unix.Read(fd, buf); err != nil && err != unix.EINTR {
					return
				}
			}
		}()
	}
	return json.NewEncoder(os.Stdout).Encode(rep)
}

type writer struct {
	cfg writerConfig
	buf []byte
	pfd []unix.PollFd // one per target, in target order
}

// settle waits until every program has drawn its first screen: their output
// has been quiet for Settle. It answers the primary device attributes query
// (ESC [ c), as a terminal does: programs that detect the terminal's
// features wait for it. A target whose terminal closes is given up.
func (w *writer) settle(rep []targetReport) error {
	deadline := mono.Now() + int64(w.cfg.Timeout)
	quiet := unix.NsecToTimespec(int64(w.cfg.Settle))
	for {
		n, err := unix.Ppoll(w.pfd, &quiet, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("poll the pty masters: %w", err)
		}
		if n == 0 {
			return nil
		}
		for t := range w.pfd {
			got, err := w.readReady(t, rep)
			if err != nil || got == 0 {
				continue
			}
			if q := w.buf[:got]; bytes.Contains(q, []byte("\x1b[c")) || bytes.Contains(q, []byte("\x1b[0c")) {
				if _, err := unix.Write(int(w.pfd[t].Fd), []byte("\x1b[?62;22c")); err != nil {
					rep[t].Err = fmt.Sprintf("answer the device attributes query: %v", err)
				}
			}
		}
		if mono.Now() > deadline {
			return errors.New("the programs' output never settled")
		}
	}
}

// readReady reads target t's output if the last poll found some; it gives
// the target up (and stops polling it) when its terminal has closed.
func (w *writer) readReady(t int, rep []targetReport) (int, error) {
	ev := w.pfd[t].Revents
	w.pfd[t].Revents = 0
	switch {
	case ev&unix.POLLIN != 0:
		n, err := w.read(t)
		if err != nil {
			w.giveUp(t, rep, err.Error())
		}
		return n, err
	case ev&(unix.POLLHUP|unix.POLLERR) != 0:
		w.giveUp(t, rep, "the program closed its terminal (it exited)")
		return 0, errors.New("closed")
	}
	return 0, nil
}

// giveUp stops polling target t and records why.
func (w *writer) giveUp(t int, rep []targetReport, why string) {
	if rep[t].Err == "" {
		rep[t].Err = why
	}
	w.pfd[t].Fd = -1 // poll(2) ignores negative descriptors
}

func (w *writer) read(t int) (int, error) {
	for {
		n, err := unix.Read(masterFD+t, w.buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("read the pty master: %w", err)
		}
		return n, nil
	}
}

// drainFor lets d pass, reading (and counting as stray) whatever the
// programs write meanwhile.
func (w *writer) drainFor(d time.Duration, rep []targetReport) error {
	end := mono.Now() + int64(d)
	for {
		left := end - mono.Now()
		if left <= 0 {
			return nil
		}
		ts := unix.NsecToTimespec(left)
		n, err := unix.Ppoll(w.pfd, &ts, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("poll the pty masters: %w", err)
		}
		if n == 0 {
			continue
		}
		for t := range w.pfd {
			if got, err := w.readReady(t, rep); err == nil {
				rep[t].Stray += got
			}
		}
	}
}

// timeKey writes one key to target t and times the update that follows: the
// first byte (a blocking read returns it), then every read until the output
// has been quiet for Quiet.
func (w *writer) timeKey(t int, key []byte) (sample, error) {
	var s sample
	fd := masterFD + t
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	s.Write = mono.Now()
	if _, err := unix.Write(fd, key); err != nil {
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
	n, err := w.read(t)
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
		n, err := w.read(t)
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

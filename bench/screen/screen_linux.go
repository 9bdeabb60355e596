package screen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/internal/ptyharness"
)

// Config is one benchmark invocation.
type Config struct {
	Programs []string // program names (see ProgramNames), in report order
	Samples  int      // timed keys per program
	Block    int      // keys per program per session (each session on fresh ptys)
	// Interleave is InterleaveKeys or InterleaveBlocks.
	Interleave string
	GapMin     time.Duration // the gap before each key, after the previous update
	GapMax     time.Duration
	Quiet      time.Duration // an update ends after this long without output
	Cols       int           // the terminal's size
	Rows       int
	Term       string // TERM for the programs
	Roshambo   string // the game's executable
	Seed       uint64
	// Probe is the period of the stall probes (one thread per CPU that
	// notes when it wakes over 1 ms late); 0 runs none.
	Probe    time.Duration
	Progress io.Writer // progress lines; nil for none
}

// program is one contender: how to start it, which keys to send it, and
// how to make it quit.
type program struct {
	name, mode string
	label      string
	keys       string
	quit       string
	// stats: the program writes its allocation count on exit
	// (roshambo's ROSHAMBO_STATS_FILE).
	stats bool
	cmd   func(cfg *Config) (*exec.Cmd, error)
}

// childCmd starts this executable in a child role.
func childCmd(role string) func(*Config) (*exec.Cmd, error) {
	return func(*Config) (*exec.Cmd, error) { return ptyharness.ChildCommand(role, struct{}{}) }
}

// gameCmd starts the game against the built-in rock bot (a fixed opponent:
// every round costs the same), in plain or commit mode.
func gameCmd(commit bool) func(*Config) (*exec.Cmd, error) {
	return func(cfg *Config) (*exec.Cmd, error) {
		args := []string{"--bot", "rock", "--seed", "1"}
		if commit {
			args = append(args, "--commit")
		}
		return exec.Command(cfg.Roshambo, args...), nil
	}
}

var programs = []program{
	{name: "echo", label: "raw read/write echo (floor)", keys: alphabet, quit: "\x03", cmd: childCmd(roleEcho)},
	{name: "tcell", label: "minimal tcell app", keys: alphabet, quit: "\x03", cmd: childCmd(roleTcell)},
	{name: "bubbletea", label: "minimal bubbletea v2 app", keys: alphabet, quit: "\x03", cmd: childCmd(roleBubbletea)},
	{name: "roshambo", mode: "plain", label: "roshambo --bot rock", keys: "rps", quit: "q", stats: true, cmd: gameCmd(false)},
	{name: "roshambo-commit", mode: "commit", label: "roshambo --bot rock --commit", keys: "rps", quit: "q", stats: true, cmd: gameCmd(true)},
}

const alphabet = "abcdefghijklmnopqrstuvwxyz"

// ProgramNames lists the programs the benchmark knows, in report order.
func ProgramNames() []string {
	names := make([]string, len(programs))
	for i, p := range programs {
		names[i] = p.name
	}
	return names
}

func programByName(name string) (program, bool) {
	for _, p := range programs {
		if p.name == name {
			return p, true
		}
	}
	return program{}, false
}

// FindRoshambo returns the game's executable: next to this program (make
// build puts every program in bin/), else in PATH.
func FindRoshambo() (string, error) {
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), "roshambo")
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	if p, err := exec.LookPath("roshambo"); err == nil {
		return p, nil
	}
	return "", errors.New("the roshambo executable is neither next to this program nor in PATH (run make build, or pass --roshambo)")
}

// block is the outcome of one program's part of a session.
type block struct {
	samples []sample
	stray   int
	mallocs uint64 // roshambo: heap allocations at the end of the session
	throws  int
	err     error // why the program's part ended early, or nil
}

// started is one program of a session, running on its pty.
type started struct {
	p         program
	cmd       *exec.Cmd
	master    *os.File
	statsFile string
	exited    chan error
	gone      bool
}

// start opens a fresh pty of the configured size and starts p on it.
func start(cfg *Config, p program) (*started, error) {
	master, slave, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("open a pty: %w", err)
	}
	defer slave.Close()
	if err := pty.Setsize(slave, &pty.Winsize{Cols: uint16(cfg.Cols), Rows: uint16(cfg.Rows)}); err != nil {
		master.Close()
		return nil, fmt.Errorf("set the pty size: %w", err)
	}
	cmd, err := p.cmd(cfg)
	if err != nil {
		master.Close()
		return nil, err
	}
	st := &started{p: p, cmd: cmd, master: master, exited: make(chan error, 1)}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "TERM="+cfg.Term, "LANG=C.UTF-8", "COLUMNS=", "LINES=")
	if p.stats {
		f, err := os.CreateTemp("", "roshambo-screen-stats-*.json")
		if err != nil {
			master.Close()
			return nil, err
		}
		f.Close()
		st.statsFile = f.Name()
		cmd.Env = append(cmd.Env, "ROSHAMBO_STATS_FILE="+st.statsFile)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		st.cleanup()
		return nil, fmt.Errorf("start %s: %w", p.name, err)
	}
	go func() { st.exited <- cmd.Wait() }()
	return st, nil
}

// waitExit waits up to d for the program to exit.
func (st *started) waitExit(d time.Duration) bool {
	if st.gone {
		return true
	}
	select {
	case <-st.exited:
		st.gone = true
	case <-time.After(d):
	}
	return st.gone
}

// cleanup kills the program if it still runs and removes its files.
func (st *started) cleanup() {
	if st.cmd.Process != nil && !st.gone {
		_ = st.cmd.Process.Kill()
		<-st.exited
		st.gone = true
	}
	if st.master != nil {
		st.master.Close()
	}
	if st.statsFile != "" {
		os.Remove(st.statsFile)
	}
}

// runSession starts every program of ps on a fresh pty of its own, lets a
// writer process (the terminal emulator) time n keys per program, the keys
// going round the programs one at a time, and ends the programs. An error
// that ends the whole session is returned; one that ends a single program's
// part is in its block.
//
// Each sample is marked stalled when a stall probe saw a CPU stall between
// its key's write and its first byte; the stalls are returned too.
func runSession(cfg *Config, ps []program, n int, seed uint64) ([]block, []stall, error) {
	var sts []*started
	defer func() {
		for _, st := range sts {
			st.cleanup()
		}
	}()
	wcfg := writerConfig{
		Samples: n, GapMin: cfg.GapMin, GapMax: cfg.GapMax, Quiet: cfg.Quiet,
		Settle: 300 * time.Millisecond, Timeout: 10 * time.Second, Seed: seed, Probe: cfg.Probe,
	}
	var masters []*os.File
	for _, p := range ps {
		st, err := start(cfg, p)
		if err != nil {
			return nil, nil, err
		}
		sts = append(sts, st)
		masters = append(masters, st.master)
		wcfg.Targets = append(wcfg.Targets, writerTarget{Keys: p.keys, Quit: p.quit})
	}
	wcmd, err := ptyharness.ChildCommand(roleWriter, wcfg)
	if err != nil {
		return nil, nil, err
	}
	var out, errb bytes.Buffer
	wcmd.Stdout, wcmd.Stderr = &out, &errb
	wcmd.ExtraFiles = masters
	if err := wcmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start the writer: %w", err)
	}
	// Only the writer holds the masters now, as a terminal emulator would.
	for _, st := range sts {
		st.master.Close()
		st.master = nil
	}
	if err := wcmd.Wait(); err != nil {
		return nil, nil, fmt.Errorf("writer: %v: %s", err, strings.TrimSpace(errb.String()))
	}
	var rep writerReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || len(rep.Targets) != len(ps) {
		return nil, nil, fmt.Errorf("writer report (%d targets for %d programs): %v", len(rep.Targets), len(ps), err)
	}
	bs := make([]block, len(ps))
	for i, st := range sts {
		tr := rep.Targets[i]
		for k := range tr.Samples {
			smp := &tr.Samples[k]
			smp.stalled = stalledDuring(rep.Stalls, smp.Write, smp.First)
		}
		bs[i].samples, bs[i].stray = tr.Samples, tr.Stray
		if tr.Err != "" {
			bs[i].err = fmt.Errorf("%s: %s", st.p.name, tr.Err)
		}
	}
	// The writer sent the quit keys; a program that ignores its key is
	// terminated, then killed.
	for _, st := range sts {
		if !st.waitExit(5*time.Second) && st.cmd.Process.Signal(unix.SIGTERM) == nil {
			st.waitExit(5 * time.Second)
		}
	}
	for i, st := range sts {
		if st.statsFile == "" {
			continue
		}
		var stats struct {
			Throws  int    `json:"throws"`
			Mallocs uint64 `json:"mallocs"`
		}
		if js, err := os.ReadFile(st.statsFile); err == nil && json.Unmarshal(js, &stats) == nil {
			bs[i].mallocs, bs[i].throws = stats.Mallocs, stats.Throws
		}
	}
	return bs, rep.Stalls, nil
}

// Interleaving modes (Config.Interleave).
const (
	// InterleaveKeys runs every program at once, each on its own pty, and
	// sends the keys round the programs one at a time: a disturbance of
	// the machine lasting a fraction of a second falls on all of them.
	InterleaveKeys = "keys"
	// InterleaveBlocks runs one program at a time for a whole block, the
	// programs taking turns block by block: a disturbance lasting a few
	// seconds falls on one program's block.
	InterleaveBlocks = "blocks"
)

// Execute runs the benchmark in sessions of cfg.Block keys per program,
// each on fresh ptys: the programs share each session (InterleaveKeys) or
// take turns session by session (InterleaveBlocks), their order rotating
// every round, so that the machine's drift hits all of them alike.
func Execute(cfg Config) (*Result, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	res := newResult(&cfg)
	var progs []program
	for _, name := range cfg.Programs {
		p, _ := programByName(name)
		progs = append(progs, p)
		res.Runs = append(res.Runs, Run{Program: p.name, Mode: p.mode, Label: p.label})
	}
	acc := make([]map[groupKey][]sample, len(progs))
	for i := range acc {
		acc[i] = map[groupKey][]sample{}
	}
	per := cfg.groupKeys()
	stray := make([]int, len(progs))
	perKey := make([][]float64, len(progs))
	base := make([]uint64, len(progs))
	// The game's allocations with no key at all: start-up and shutdown,
	// subtracted from each session's count.
	for i, p := range progs {
		if !p.stats {
			continue
		}
		cfg.progress("screen: %s: baseline (no keys)", p.name)
		bs, _, err := runSession(&cfg, []program{p}, 0, cfg.Seed)
		if err != nil {
			res.Errors = append(res.Errors, fmt.Sprintf("%s: baseline: %v", p.name, err))
			continue
		}
		base[i] = bs[0].mallocs
	}
	// collect adds a session's blocks; idx maps them to programs.
	collect := func(round int, bs []block, idx []int) {
		for j, b := range bs {
			i := idx[j]
			if b.err != nil {
				res.Errors = append(res.Errors, b.err.Error())
			}
			for k, s := range b.samples {
				g := groupKey{round, k / per}
				acc[i][g] = append(acc[i][g], s)
			}
			stray[i] += b.stray
			if progs[i].stats && base[i] != 0 && b.throws > 0 && b.mallocs >= base[i] {
				perKey[i] = append(perKey[i], float64(b.mallocs-base[i])/float64(b.throws))
			}
		}
	}
	names := func(idx []int) string {
		var s []string
		for _, i := range idx {
			s = append(s, progs[i].name)
		}
		return strings.Join(s, ", ")
	}
	rounds := (cfg.Samples + cfg.Block - 1) / cfg.Block
	begin := time.Now()
	for r := 0; r < rounds; r++ {
		n := min(cfg.Block, cfg.Samples-r*cfg.Block)
		order := make([]int, len(progs))
		for k := range order {
			order[k] = (k + r) % len(progs)
		}
		var sessions [][]int
		if cfg.Interleave == InterleaveBlocks {
			for _, i := range order {
				sessions = append(sessions, []int{i})
			}
		} else {
			sessions = [][]int{order}
		}
		for k, idx := range sessions {
			ps := make([]program, len(idx))
			for j, i := range idx {
				ps[j] = progs[i]
			}
			bs, stalls, err := runSession(&cfg, ps, n, cfg.Seed+uint64(r*len(progs)+k))
			if err != nil {
				res.Errors = append(res.Errors, fmt.Sprintf("round %d (%s): %v", r+1, names(idx), err))
				continue
			}
			collect(r, bs, idx)
			res.Stalls.add(stalls)
		}
		cfg.progress("screen: round %d/%d done (%s), about %s left", r+1, rounds,
			time.Since(begin).Round(time.Second), (time.Since(begin) / time.Duration(r+1) * time.Duration(rounds-r-1)).Round(time.Second))
	}
	for i := range progs {
		res.Runs[i].fill(acc[i], stray[i], perKey[i])
	}
	res.judge()
	return res, nil
}

// groupKeys is the keys per program in a group, the unit that the
// intervals resample: with the keys interleaved, 5 turns (about 3 s, as long
// as the machine's stalls seen here last); one program at a time, a whole
// block.
func (c *Config) groupKeys() int {
	if c.Interleave == InterleaveBlocks {
		return c.Block
	}
	return min(5, c.Block)
}

func (c *Config) progress(format string, args ...any) {
	if c.Progress != nil {
		fmt.Fprintf(c.Progress, format+"\n", args...)
	}
}

func (c *Config) validate() error {
	if len(c.Programs) == 0 {
		return errors.New("no programs")
	}
	for _, name := range c.Programs {
		if _, ok := programByName(name); !ok {
			return fmt.Errorf("unknown program %q (known: %s)", name, strings.Join(ProgramNames(), ", "))
		}
	}
	switch c.Interleave {
	case InterleaveKeys, InterleaveBlocks:
	default:
		return fmt.Errorf("--interleave %q: must be %s or %s", c.Interleave, InterleaveKeys, InterleaveBlocks)
	}
	switch {
	case c.Samples < 1 || c.Samples > 100_000:
		return fmt.Errorf("--samples %d: must be 1 to 100000", c.Samples)
	case c.Block < 1 || c.Block > c.Samples:
		return fmt.Errorf("--block %d: must be 1 to --samples (%d)", c.Block, c.Samples)
	case c.GapMin < time.Millisecond || c.GapMax < c.GapMin || c.GapMax > 10*time.Second:
		return fmt.Errorf("gap %v-%v: want 1ms <= min <= max <= 10s", c.GapMin, c.GapMax)
	case c.Quiet < time.Millisecond || c.Quiet >= c.GapMin:
		return fmt.Errorf("--quiet %v: must be at least 1ms and below the gap's minimum (%v)", c.Quiet, c.GapMin)
	case c.Probe != 0 && (c.Probe < 500*time.Microsecond || c.Probe > time.Second):
		return fmt.Errorf("--stall-probe %v: must be 0 (none) or 500µs to 1s", c.Probe)
	case c.Cols < 20 || c.Cols > 1000 || c.Rows < 6 || c.Rows > 1000:
		return fmt.Errorf("terminal size %dx%d: want 20-1000 columns and 6-1000 rows", c.Cols, c.Rows)
	}
	for _, name := range c.Programs {
		if strings.HasPrefix(name, "roshambo") && c.Roshambo == "" {
			p, err := FindRoshambo()
			if err != nil {
				return err
			}
			c.Roshambo = p
		}
	}
	return nil
}

// machine describes where the benchmark ran.
func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version()}
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		m.Kernel = unix.ByteSliceToString(u.Release[:])
	}
	var info unix.Sysinfo_t
	if unix.Sysinfo(&info) == nil {
		m.Load1 = float64(info.Loads[0]) / 65536
	}
	return m
}

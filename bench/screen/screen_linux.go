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
	Programs []string      // program names (see ProgramNames), in report order
	Samples  int           // timed keys per program
	Block    int           // keys per block: programs take turns block by block
	GapMin   time.Duration // the gap before each key, after the previous update
	GapMax   time.Duration
	Quiet    time.Duration // an update ends after this long without output
	Cols     int           // the terminal's size
	Rows     int
	Term     string // TERM for the programs
	Roshambo string // the game's executable
	Seed     uint64
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

// block is the outcome of one block of one program.
type block struct {
	samples []sample
	stray   int
	mallocs uint64 // roshambo: heap allocations at the end of the session
	throws  int
}

// runBlock starts the program on a fresh pty, lets a writer process (the
// terminal emulator) time n keys, and ends the program.
func runBlock(cfg *Config, p program, n int, seed uint64) (block, error) {
	var b block
	master, slave, err := pty.Open()
	if err != nil {
		return b, fmt.Errorf("open a pty: %w", err)
	}
	defer master.Close()
	if err := pty.Setsize(slave, &pty.Winsize{Cols: uint16(cfg.Cols), Rows: uint16(cfg.Rows)}); err != nil {
		slave.Close()
		return b, fmt.Errorf("set the pty size: %w", err)
	}
	cmd, err := p.cmd(cfg)
	if err != nil {
		slave.Close()
		return b, err
	}
	var statsFile string
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "TERM="+cfg.Term, "LANG=C.UTF-8", "COLUMNS=", "LINES=")
	if p.stats {
		f, err := os.CreateTemp("", "roshambo-screen-stats-*.json")
		if err != nil {
			slave.Close()
			return b, err
		}
		f.Close()
		statsFile = f.Name()
		defer os.Remove(statsFile)
		cmd.Env = append(cmd.Env, "ROSHAMBO_STATS_FILE="+statsFile)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		slave.Close()
		return b, fmt.Errorf("start %s: %w", p.name, err)
	}
	slave.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	gone := false
	waitExit := func(d time.Duration) bool {
		select {
		case <-exited:
			gone = true
		case <-time.After(d):
		}
		return gone
	}
	defer func() {
		if !gone {
			_ = cmd.Process.Kill()
			<-exited
		}
	}()

	wcfg := writerConfig{
		Keys: p.keys, Quit: p.quit, Samples: n, GapMin: cfg.GapMin, GapMax: cfg.GapMax, Quiet: cfg.Quiet,
		Settle: 300 * time.Millisecond, Timeout: 10 * time.Second, Seed: seed,
	}
	wcmd, err := ptyharness.ChildCommand(roleWriter, wcfg)
	if err != nil {
		return b, err
	}
	var out, errb bytes.Buffer
	wcmd.Stdout, wcmd.Stderr = &out, &errb
	wcmd.ExtraFiles = []*os.File{master}
	if err := wcmd.Start(); err != nil {
		return b, fmt.Errorf("start the writer: %w", err)
	}
	master.Close() // only the writer holds it now, as a terminal emulator would
	if err := wcmd.Wait(); err != nil {
		return b, fmt.Errorf("%s: writer: %v: %s", p.name, err, strings.TrimSpace(errb.String()))
	}
	var rep writerReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		return b, fmt.Errorf("%s: writer report: %w", p.name, err)
	}
	b.samples, b.stray = rep.Samples, rep.Stray
	// The writer sent the quit key; a program that ignores it is
	// terminated, then killed.
	if !waitExit(5*time.Second) && cmd.Process.Signal(unix.SIGTERM) == nil {
		waitExit(5 * time.Second)
	}
	if statsFile != "" {
		var st struct {
			Throws  int    `json:"throws"`
			Mallocs uint64 `json:"mallocs"`
		}
		if js, err := os.ReadFile(statsFile); err == nil && json.Unmarshal(js, &st) == nil {
			b.mallocs, b.throws = st.Mallocs, st.Throws
		}
	}
	return b, nil
}

// Execute runs the benchmark: each program in blocks of cfg.Block keys,
// taking turns (the order rotates every round), so that the machine's drift
// hits all of them alike.
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
	acc := make([][]sample, len(progs))
	stray := make([]int, len(progs))
	perKey := make([][]float64, len(progs))
	base := make([]uint64, len(progs))
	// The game's allocations with no key at all: start-up and shutdown,
	// subtracted from each block's count.
	for i, p := range progs {
		if !p.stats {
			continue
		}
		cfg.progress("screen: %s: baseline (no keys)", p.name)
		b, err := runBlock(&cfg, p, 0, cfg.Seed)
		if err != nil {
			res.Errors = append(res.Errors, err.Error())
			continue
		}
		base[i] = b.mallocs
	}
	rounds := (cfg.Samples + cfg.Block - 1) / cfg.Block
	start := time.Now()
	for r := 0; r < rounds; r++ {
		n := min(cfg.Block, cfg.Samples-r*cfg.Block)
		for k := range progs {
			i := (k + r) % len(progs)
			p := progs[i]
			b, err := runBlock(&cfg, p, n, cfg.Seed+uint64(r*len(progs)+i))
			if err != nil {
				res.Errors = append(res.Errors, err.Error())
				continue
			}
			acc[i] = append(acc[i], b.samples...)
			stray[i] += b.stray
			if p.stats && base[i] != 0 && b.throws > 0 && b.mallocs >= base[i] {
				perKey[i] = append(perKey[i], float64(b.mallocs-base[i])/float64(b.throws))
			}
		}
		cfg.progress("screen: round %d/%d done (%s), about %s left", r+1, rounds,
			time.Since(start).Round(time.Second), (time.Since(start) / time.Duration(r+1) * time.Duration(rounds-r-1)).Round(time.Second))
	}
	for i := range progs {
		res.Runs[i].fill(acc[i], stray[i], perKey[i])
	}
	res.judge()
	return res, nil
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
	switch {
	case c.Samples < 1 || c.Samples > 100_000:
		return fmt.Errorf("--samples %d: must be 1 to 100000", c.Samples)
	case c.Block < 1 || c.Block > c.Samples:
		return fmt.Errorf("--block %d: must be 1 to --samples (%d)", c.Block, c.Samples)
	case c.GapMin < time.Millisecond || c.GapMax < c.GapMin || c.GapMax > 10*time.Second:
		return fmt.Errorf("gap %v-%v: want 1ms <= min <= max <= 10s", c.GapMin, c.GapMax)
	case c.Quiet < time.Millisecond || c.Quiet >= c.GapMin:
		return fmt.Errorf("--quiet %v: must be at least 1ms and below the gap's minimum (%v)", c.Quiet, c.GapMin)
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

//go:build linux

// Package capture is the capture-latency benchmark (roshambo-bench capture):
// the time from a byte written to a pty master by a separate "terminal"
// process to the moment a reader on the slave has it, for roshambo's input
// layer and the readers people use today, side by side in one run, under
// several CPU loads; plus the time to resolve a lone ESC, the input layer's
// CPU use while no key arrives, and the user-space part of roshambo's path.
//
// The terminal side is internal/ptyharness; percentiles and rendering are
// internal/latency. Main is the command's entry point; RunChild must be called
// first thing by programs that embed it (it runs the re-executed children).
package capture

import (
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/internal/latency"
	"github.com/roshambo-game/roshambo/internal/ptyharness"
)

// Gap regimes.
const (
	GapFast  = "fast"  // 200-1000 µs between keys: each key measures a wake-up
	GapHuman = "human" // 50-250 ms, as a person types
)

// Config is one benchmark invocation.
type Config struct {
	Samples    int           // measured samples per reader and load
	Block      int           // measured samples per block (0: DefaultBlock)
	Warmup     int           // samples discarded at the start of each block
	Gap        string        // GapFast or GapHuman
	Loads      []string      // subset of AllLoads, in order
	Readers    []string      // subset of ReaderNames(), in order
	Budget     time.Duration // time limit per reader and load (the rest of its blocks is skipped); 0 = none
	ESCSamples int           // lone ESCs per reader in the ESC test; 0 = skip it
	IdleCPU    time.Duration // duration of the idle CPU guard; 0 = skip it
	Seed       uint64        // gap randomness and bootstrap resampling
	Resamples  int           // bootstrap resamples (0: latency.DefaultResamples)
	Breakdown  bool          // eBPF breakdown (root)
	Progress   io.Writer     // progress lines (nil = none)
}

// gapRange returns the random gap bounds of a regime.
func gapRange(gap string) (time.Duration, time.Duration, error) {
	switch gap {
	case GapFast:
		return 200 * time.Microsecond, 1000 * time.Microsecond, nil
	case GapHuman:
		return 50 * time.Millisecond, 250 * time.Millisecond, nil
	}
	return 0, 0, fmt.Errorf("unknown gap %q (want %s or %s)", gap, GapFast, GapHuman)
}

// specs returns every reader under test, roshambo first.
func specs() []readerSpec { return append(roshamboSpecs(), peerSpecs...) }

// ReaderNames lists the readers under test, in report order.
func ReaderNames() []string {
	var names []string
	for _, s := range specs() {
		names = append(names, s.name)
	}
	return names
}

func specByName(name string) (readerSpec, bool) {
	for _, s := range specs() {
		if s.name == name {
			return s, true
		}
	}
	return readerSpec{}, false
}

// Result is the whole benchmark's outcome; its JSON form is the --json
// output.
type Result struct {
	Benchmark string   `json:"benchmark"` // "capture"
	Verdict   Verdicts `json:"verdict"`
	Samples   int      `json:"samples"` // requested measured samples per reader and load
	Block     int      `json:"block"`   // measured samples per block
	Kernel    string   `json:"kernel"`
	CPUs      int      `json:"cpus"`
	Go        string   `json:"go"`
	Machine   Machine  `json:"machine"`
	// Interleaving says how the runs were scheduled.
	Interleaving string    `json:"interleaving"`
	Runs         []Run     `json:"runs"`
	ESC          []ESCRun  `json:"esc"`
	Breakdown    Breakdown `json:"breakdown"`
	IdleCPUPct   *float64  `json:"idle_cpu_pct"` // null when not measured (see IdleCPUNote)

	IdleCPUNote string   `json:"idle_cpu_note,omitempty"`
	Gap         string   `json:"gap"`
	GapMinNs    int64    `json:"gap_min_ns"`
	GapMaxNs    int64    `json:"gap_max_ns"`
	Warmup      int      `json:"warmup"`
	Loads       []string `json:"loads"`
	Goals       []Goal   `json:"goals"`
	Errors      []string `json:"errors,omitempty"`
	ElapsedS    float64  `json:"elapsed_s"`

	recs   map[runKey]*latency.Recorder
	blocks map[runKey]latency.Blocks // per round; a missing block is nil
	parts  map[runKey]partBlocks     // traced pass: kernel and reader parts per round
	seed   uint64
	nres   int

	idleStats string // the idle CPU guard's Reader counters, for its goal
}

// Run is one reader (and stage) under one load.
type Run struct {
	Reader string `json:"reader"`
	Stage  string `json:"stage"` // "ring"/"consumer" for roshambo, "read" for peers
	Load   string `json:"load"`
	latency.Summary
	// P50CI and P99CI are 95% intervals (bootstrap over the blocks).
	P50CI [2]int64 `json:"p50_ci_ns"`
	P99CI [2]int64 `json:"p99_ci_ns"`
	// AllocsPerKey: process-wide Mallocs delta per measured sample over
	// the measured samples of every block; -1 unknown.
	AllocsPerKey float64 `json:"allocs_per_key"`
	// Allocs names the allocations (roshambo's readers only).
	Allocs *Allocs `json:"allocs,omitempty"`
	// CPUCores is the process's CPU time per wall second while the
	// measured samples ran (1 = a whole core), -1 unknown. It includes
	// the load's goroutines and the benchmark's own bookkeeping.
	CPUCores float64 `json:"cpu_cores"`
	// N is the number of measured samples, Blocks the blocks they came
	// in; Truncated is set when the run's time budget stopped it before
	// Samples (SkippedBlocks were not run), FailedBlocks failed.
	N             int  `json:"n"`
	Blocks        int  `json:"blocks"`
	Truncated     bool `json:"truncated,omitempty"`
	SkippedBlocks int  `json:"skipped_blocks,omitempty"`
	FailedBlocks  int  `json:"failed_blocks,omitempty"`
	// GOMAXPROCS while the reader ran (roshambo's Reader reserves a P:
	// one more than the peers see) and the load's busy goroutines.
	GOMAXPROCS     int `json:"gomaxprocs"`
	LoadGoroutines int `json:"load_goroutines"`
}

// ESCRun is the ESC test for one reader: lone ESC written to the master to
// the Esc key event.
type ESCRun struct {
	Reader string `json:"reader"`
	latency.Summary
}

// Breakdown says where the time goes.
type Breakdown struct {
	// UserSpace is roshambo's user-space part per load: epoll_wait returning
	// to the capture stamp (Chunk.Woke to Chunk.Time; the publish is one
	// atomic store after it). Measured without eBPF, always.
	UserSpace []LoadSummary `json:"user_space"`
	// Parts splits every reader's samples, from a separate traced pass
	// (interleaved like the main one), into the kernel's part and the
	// reader's part (--breakdown, root); empty when not measured.
	Parts []PartsRun `json:"parts"`
	// Kernel is roshambo's ring stage split step by step (same traced
	// pass); nil when not measured.
	Kernel any    `json:"kernel"`
	Note   string `json:"note,omitempty"`
}

// LoadSummary is a Summary for one load.
type LoadSummary struct {
	Load string `json:"load"`
	latency.Summary
	P50CI [2]int64 `json:"p50_ci_ns"`
	P99CI [2]int64 `json:"p99_ci_ns"`
}

type runKey struct{ reader, stage, load string }

// Recorder returns the recorder of a run (nil if absent), for plots.
func (r *Result) Recorder(reader, stage, load string) *latency.Recorder {
	return r.recs[runKey{reader, stage, load}]
}

// Find returns the run of reader/stage under load.
func (r *Result) Find(reader, stage, load string) (Run, bool) {
	for _, run := range r.Runs {
		if run.Reader == reader && run.Stage == stage && run.Load == load {
			return run, true
		}
	}
	return Run{}, false
}

func kernelRelease() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "unknown"
	}
	return unix.ByteSliceToString(u.Release[:])
}

func (c *Config) progress(format string, args ...any) {
	if c.Progress != nil {
		fmt.Fprintf(c.Progress, format+"\n", args...)
	}
}

// validate checks the configuration.
func (c *Config) validate() error {
	if c.Samples <= 0 {
		return fmt.Errorf("samples must be positive, got %d", c.Samples)
	}
	if c.Warmup < 0 {
		return fmt.Errorf("warmup must not be negative, got %d", c.Warmup)
	}
	if _, _, err := gapRange(c.Gap); err != nil {
		return err
	}
	for _, l := range c.Loads {
		if !contains(AllLoads, l) {
			return fmt.Errorf("unknown load %q (want some of %s)", l, strings.Join(AllLoads, ","))
		}
	}
	for _, r := range c.Readers {
		if _, ok := specByName(r); !ok {
			return fmt.Errorf("unknown reader %q (want some of %s)", r, strings.Join(ReaderNames(), ","))
		}
	}
	if c.Block <= 0 {
		return fmt.Errorf("block must be positive, got %d", c.Block)
	}
	if c.Resamples < 0 {
		return fmt.Errorf("resamples must not be negative, got %d", c.Resamples)
	}
	if len(c.Loads) == 0 || len(c.Readers) == 0 {
		return errors.New("no load or no reader selected")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Execute runs the benchmark. Errors of single blocks are recorded in
// Result.Errors and the other blocks go on; the returned error is for a
// configuration that cannot run at all.
func Execute(cfg Config) (*Result, error) {
	if cfg.Block == 0 {
		cfg.Block = DefaultBlock
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	// The allocation profile records only the measured samples of
	// roshambo's readers (session.startMeasure); off elsewhere.
	oldRate := runtime.MemProfileRate
	runtime.MemProfileRate = 0
	defer func() { runtime.MemProfileRate = oldRate }()
	began := time.Now()
	gmin, gmax, _ := gapRange(cfg.Gap)
	rounds := (cfg.Samples + cfg.Block - 1) / cfg.Block
	res := &Result{
		Benchmark: "capture", Samples: cfg.Samples, Block: cfg.Block, Kernel: kernelRelease(), CPUs: runtime.NumCPU(),
		Go: runtime.Version(), Machine: readMachine(), Gap: cfg.Gap, GapMinNs: int64(gmin), GapMaxNs: int64(gmax),
		Warmup: cfg.Warmup, Loads: cfg.Loads, Runs: []Run{}, ESC: []ESCRun{},
		Breakdown: Breakdown{UserSpace: []LoadSummary{}, Parts: []PartsRun{}}, Goals: []Goal{},
		Interleaving: fmt.Sprintf("%d rounds; each round runs one block of up to %d measured samples (after %d warm-up) of every reader under every load, "+
			"in an order rotated each round; every block has its own pty, writer process and reader", rounds, cfg.Block, cfg.Warmup),
		recs: map[runKey]*latency.Recorder{}, blocks: map[runKey]latency.Blocks{}, parts: map[runKey]partBlocks{},
		seed: cfg.Seed, nres: cfg.Resamples,
	}
	res.mainPass(cfg, gmin, gmax)
	if cfg.ESCSamples > 0 {
		res.escTest(cfg)
	}
	if cfg.IdleCPU > 0 {
		cfg.progress("capture: idle CPU guard (%v with no keys)...", cfg.IdleCPU)
		pct, st, err := measureIdleCPU(cfg.IdleCPU)
		if err != nil {
			res.IdleCPUNote = err.Error()
		} else {
			res.IdleCPUPct = &pct
			res.idleStats = fmt.Sprintf("over it (after the consumer parked) the reader thread was woken %d times and read %d times, and the consumer parked %d more times",
				st.Wakeups, st.Reads, st.Parks)
		}
	} else {
		res.IdleCPUNote = "not measured (--idle-cpu 0)"
	}
	if cfg.Breakdown {
		if err := res.tracedPass(cfg, gmin, gmax); err != nil {
			res.Breakdown.Note = fmt.Sprintf("eBPF breakdown not available: %v", err)
		}
	} else {
		res.Breakdown.Note = "not measured (--breakdown=false)"
	}
	cfg.progress("capture: computing intervals (%d bootstrap resamples each)...", max(cfg.Resamples, 0))
	res.summarize()
	res.Goals = evaluateGoals(res)
	res.Verdict = buildVerdicts(res)
	res.Machine.LoadAfter = loadavg()
	res.ElapsedS = time.Since(began).Seconds()
	return res, nil
}

// blockOut is what one block measured.
type blockOut struct {
	s      *session
	allocs *Allocs
}

// mainPass runs the interleaved blocks of every reader under every load and
// keeps their samples by round.
func (res *Result) mainPass(cfg Config, gmin, gmax time.Duration) {
	plan := planBlocks(cfg.Readers, cfg.Loads, cfg.Samples, cfg.Block)
	outs := map[runID][]*blockOut{}
	pm := newProgress(cfg.Progress, "main pass")
	cfg.progress("capture: main pass: %d readers x %d loads x %d samples in %d blocks of up to %d (gap %s)",
		len(cfg.Readers), len(cfg.Loads), cfg.Samples, len(plan), cfg.Block, cfg.Gap)
	var seq uint64
	states := interleave(plan, cfg.Budget, func(b blockSpec, remaining time.Duration) (int, error) {
		spec, _ := specByName(b.Reader)
		seq++
		profile := spec.profileAllocs
		var before allocSnapshot
		if profile {
			before = takeAllocSnapshot()
		}
		s, err := runOne(spec.run, b.Load, ptyharness.WriterConfig{
			Samples: cfg.Warmup + b.Samples, GapMin: gmin, GapMax: gmax,
			Mode: ptyharness.ModeKeys, Seed: cfg.Seed + seq, Budget: remaining,
		}, cfg.Warmup, len(spec.stages), func(s *session, _ *ptyharness.Writer) error {
			s.profileAllocs = profile
			return nil
		})
		runtime.MemProfileRate = 0 // also when the block failed inside its window
		if err != nil {
			return 0, err
		}
		o := &blockOut{s: s}
		if profile {
			a := classifyAllocs(before, takeAllocSnapshot())
			a.Keys = s.measured()
			if s.mallocEnd >= s.mallocStart {
				a.Mallocs = s.mallocEnd - s.mallocStart
			}
			// The profile can name an allocation made just after the
			// window (an mcache keeps the sampling point it drew while
			// the rate was 1), and publishes records at GC cycles; the
			// Mallocs delta is exact, and the window's own count cannot
			// exceed it.
			a.Input = min(a.Input, a.Mallocs)
			o.allocs = &a
		}
		id := runID{b.Reader, b.Load}
		if outs[id] == nil {
			outs[id] = make([]*blockOut, b.Rounds)
		}
		outs[id][b.Round] = o
		return s.measured(), nil
	}, func(b blockSpec, err error) {
		res.Errors = append(res.Errors, fmt.Sprintf("%s/%s round %d: %v", b.Reader, b.Load, b.Round, err))
		cfg.progress("capture: %s under load %s, round %d FAILED: %v", b.Reader, b.Load, b.Round, err)
	}, pm.tick)
	for _, ld := range cfg.Loads {
		for _, name := range cfg.Readers {
			spec, _ := specByName(name)
			st := states[runID{name, ld}]
			bl := outs[runID{name, ld}]
			if st == nil || st.measured == 0 {
				continue
			}
			var mallocs uint64
			var keys int
			var cpu, wall int64
			var allocs *Allocs
			var procs, loadG int
			for _, o := range bl {
				if o == nil {
					continue
				}
				keys += o.s.measured()
				if o.s.mallocEnd >= o.s.mallocStart {
					mallocs += o.s.mallocEnd - o.s.mallocStart
				}
				if o.s.cpuCores() >= 0 {
					cpu += o.s.cpuEnd - o.s.cpuStart
					wall += o.s.wallEnd - o.s.wallStart
				}
				if o.allocs != nil {
					if allocs == nil {
						allocs = &Allocs{}
					}
					allocs.add(*o.allocs)
				}
				procs, loadG = o.s.procs, o.s.loadGoroutines
			}
			for k, stage := range spec.stages {
				key := runKey{name, stage, ld}
				blocks := make(latency.Blocks, len(bl))
				for i, o := range bl {
					if o != nil {
						blocks[i] = o.s.lat[k]
					}
				}
				res.blocks[key] = blocks
				run := Run{Reader: name, Stage: stage, Load: ld, N: st.measured, Blocks: countBlocks(blocks),
					Truncated: st.truncated, SkippedBlocks: st.skipped, FailedBlocks: st.failed,
					AllocsPerKey: -1, CPUCores: -1, Allocs: allocs, GOMAXPROCS: procs, LoadGoroutines: loadG}
				if keys > 0 {
					run.AllocsPerKey = float64(mallocs) / float64(keys)
				}
				if wall > 0 {
					run.CPUCores = float64(cpu) / float64(wall)
				}
				res.Runs = append(res.Runs, run)
			}
			if name == "roshambo" {
				us := make(latency.Blocks, len(bl))
				for i, o := range bl {
					if o != nil {
						us[i] = o.s.userspace
					}
				}
				res.blocks[runKey{name, "userspace", ld}] = us
				res.Breakdown.UserSpace = append(res.Breakdown.UserSpace, LoadSummary{Load: ld})
			}
		}
	}
}

func countBlocks(b latency.Blocks) int {
	n := 0
	for _, x := range b {
		if len(x) > 0 {
			n++
		}
	}
	return n
}

// escTest runs the ESC test of the readers that have one.
func (res *Result) escTest(cfg Config) {
	seed := cfg.Seed + 1<<32
	for _, name := range cfg.Readers {
		spec, _ := specByName(name)
		if spec.esc == nil {
			continue
		}
		seed++
		cfg.progress("capture: ESC test for %s (%d lone ESCs)...", name, cfg.ESCSamples)
		s, err := runOne(spec.esc, LoadIdle, ptyharness.WriterConfig{
			Samples: cfg.ESCSamples, GapMin: 2 * time.Millisecond, GapMax: 10 * time.Millisecond,
			Mode: ptyharness.ModeEsc, Seed: seed, Budget: cfg.Budget,
		}, 0, 1, nil)
		if err != nil {
			res.Errors = append(res.Errors, fmt.Sprintf("esc %s: %v", name, err))
			continue
		}
		rec := latency.NewRecorder()
		rec.RecordAll(s.lat[0])
		res.recs[runKey{name, "esc", ""}] = rec
		res.blocks[runKey{name, "esc", ""}] = chunk(s.lat[0], max(1, len(s.lat[0])/8))
		res.ESC = append(res.ESC, ESCRun{Reader: name, Summary: rec.Summary()})
	}
}

// chunk cuts one series into consecutive blocks of size (for a bootstrap
// of a test that is not interleaved: the ESC test is cut in 8).
func chunk(v []int64, size int) latency.Blocks {
	var b latency.Blocks
	for len(v) > 0 {
		n := min(size, len(v))
		b = append(b, v[:n])
		v = v[n:]
	}
	return b
}

// summarize fills the summaries and intervals of every run from its blocks.
func (res *Result) summarize() {
	for i := range res.Runs {
		run := &res.Runs[i]
		key := runKey{run.Reader, run.Stage, run.Load}
		rec, p50, p99 := res.summaryOf(key)
		res.recs[key] = rec
		run.Summary = rec.Summary()
		run.P50CI, run.P99CI = p50, p99
	}
	for i := range res.Breakdown.UserSpace {
		u := &res.Breakdown.UserSpace[i]
		rec, p50, p99 := res.summaryOf(runKey{"roshambo", "userspace", u.Load})
		u.Summary, u.P50CI, u.P99CI = rec.Summary(), p50, p99
	}
}

// summaryOf records a run's blocks and bootstraps its P50 and P99.
func (res *Result) summaryOf(key runKey) (*latency.Recorder, [2]int64, [2]int64) {
	rec := latency.NewRecorder()
	for _, b := range res.blocks[key] {
		rec.RecordAll(b)
	}
	q := res.quantiles(key)
	return rec, ciNs(q[0].CI), ciNs(q[1].CI)
}

// quantiles returns P50 and P99 with their intervals (cached).
func (res *Result) quantiles(key runKey) []latency.QuantileCI {
	return res.blocks[key].QuantileCIs([]float64{0.5, 0.99}, res.nres, res.seedFor(key.reader+key.stage+key.load))
}

// seedFor derives a bootstrap seed from the run's seed and a name, so that
// every statistic has its own resampling stream and a rerun with the same
// seed gives the same intervals.
func (res *Result) seedFor(name string) uint64 {
	h := res.seed ^ 0x9e3779b97f4a7c15
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 0x100000001b3
	}
	return h
}

// ciNs rounds an interval to whole ns (NaN bounds become 0).
func ciNs(iv latency.Interval) [2]int64 {
	f := func(x float64) int64 {
		if math.IsNaN(x) {
			return 0
		}
		return int64(math.Round(x))
	}
	return [2]int64{f(iv.Lo), f(iv.Hi)}
}

// runOne runs one reader under one load against a fresh pty pair and a
// fresh writer process.
// prepare, if not nil, is called with the session and the writer process
// before the reader starts (the writer waits for the reader to be ready).
func runOne(read func(*session, string) error, loadName string, wcfg ptyharness.WriterConfig, warmup, nstages int,
	prepare func(s *session, w *ptyharness.Writer) error) (*session, error) {
	pair, err := ptyharness.OpenPair()
	if err != nil {
		return nil, err
	}
	defer pair.Close()
	sh, err := ptyharness.NewShared(wcfg.Samples)
	if err != nil {
		return nil, err
	}
	defer sh.Close()
	ld, err := startLoad(loadName)
	if err != nil {
		return nil, err
	}
	defer ld.stop()
	w, err := ptyharness.StartWriter(pair, sh, wcfg)
	if err != nil {
		return nil, err
	}
	s := newSession(sh, wcfg.Mode, warmup, wcfg.Samples, nstages)
	s.onReady = ld.begin
	var rerr error
	if prepare != nil {
		rerr = prepare(s, w)
	}
	if rerr == nil {
		rerr = read(s, pair.SlavePath)
	}
	if rerr != nil {
		sh.Abort()
		w.Kill()
	}
	werr := w.Wait()
	s.loadGoroutines = int(ld.spinners.Load())
	if rerr != nil {
		return nil, rerr
	}
	if werr != nil {
		return nil, werr
	}
	if s.next != sh.Limit() {
		return nil, fmt.Errorf("received %d samples, writer wrote %d", s.next, sh.Limit())
	}
	return s, nil
}

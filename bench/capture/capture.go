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
	Samples    int           // measured samples per run (after Warmup)
	Warmup     int           // samples discarded at the start of each run
	Gap        string        // GapFast or GapHuman
	Loads      []string      // subset of AllLoads, in order
	Readers    []string      // subset of ReaderNames(), in order
	Budget     time.Duration // time limit per run (the writer stops early); 0 = none
	ESCSamples int           // lone ESCs per reader in the ESC test; 0 = skip it
	IdleCPU    time.Duration // duration of the idle CPU guard; 0 = skip it
	Seed       uint64        // gap randomness
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
	Benchmark  string    `json:"benchmark"` // "capture"
	Samples    int       `json:"samples"`   // requested measured samples per run
	Kernel     string    `json:"kernel"`
	CPUs       int       `json:"cpus"`
	Go         string    `json:"go"`
	Runs       []Run     `json:"runs"`
	ESC        []ESCRun  `json:"esc"`
	Breakdown  Breakdown `json:"breakdown"`
	IdleCPUPct *float64  `json:"idle_cpu_pct"` // null when not measured (see IdleCPUNote)

	IdleCPUNote string   `json:"idle_cpu_note,omitempty"`
	Gap         string   `json:"gap"`
	GapMinNs    int64    `json:"gap_min_ns"`
	GapMaxNs    int64    `json:"gap_max_ns"`
	Warmup      int      `json:"warmup"`
	Loads       []string `json:"loads"`
	Goals       []Goal   `json:"goals"`
	Errors      []string `json:"errors,omitempty"`

	recs map[runKey]*latency.Recorder
}

// Run is one reader (and stage) under one load.
type Run struct {
	Reader string `json:"reader"`
	Stage  string `json:"stage"` // "ring"/"consumer" for roshambo, "read" for peers
	Load   string `json:"load"`
	latency.Summary
	AllocsPerKey float64 `json:"allocs_per_key"` // process-wide Mallocs delta per sample; -1 unknown
	// N is the number of measured samples; Truncated is set when the run's
	// time budget stopped it before Samples.
	N         int  `json:"n"`
	Truncated bool `json:"truncated,omitempty"`
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
	// Kernel is the eBPF split (--breakdown, root); nil when not measured.
	Kernel any    `json:"kernel"`
	Note   string `json:"note,omitempty"`
}

// LoadSummary is a Summary for one load.
type LoadSummary struct {
	Load string `json:"load"`
	latency.Summary
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

// Execute runs the benchmark. Errors of single runs are recorded in
// Result.Errors and the other runs go on; the returned error is for a
// configuration that cannot run at all.
func Execute(cfg Config) (*Result, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	gmin, gmax, _ := gapRange(cfg.Gap)
	res := &Result{
		Benchmark: "capture", Samples: cfg.Samples, Kernel: kernelRelease(), CPUs: runtime.NumCPU(),
		Go: runtime.Version(), Gap: cfg.Gap, GapMinNs: int64(gmin), GapMaxNs: int64(gmax),
		Warmup: cfg.Warmup, Loads: cfg.Loads, Runs: []Run{}, ESC: []ESCRun{},
		Breakdown: Breakdown{UserSpace: []LoadSummary{}}, Goals: []Goal{},
		recs: map[runKey]*latency.Recorder{},
	}
	seed := cfg.Seed
	for _, ld := range cfg.Loads {
		for _, name := range cfg.Readers {
			spec, _ := specByName(name)
			seed++
			cfg.progress("capture: %s under load %s (%d samples, gap %s)...", name, ld, cfg.Samples, cfg.Gap)
			start := time.Now()
			s, err := runOne(spec.run, ld, ptyharness.WriterConfig{
				Samples: cfg.Warmup + cfg.Samples, GapMin: gmin, GapMax: gmax,
				Mode: ptyharness.ModeKeys, Seed: seed, Budget: cfg.Budget,
			}, cfg.Warmup, len(spec.stages), nil)
			if err != nil {
				res.Errors = append(res.Errors, fmt.Sprintf("%s/%s: %v", name, ld, err))
				cfg.progress("capture: %s under load %s FAILED: %v", name, ld, err)
				continue
			}
			cfg.progress("capture: %s under load %s: %d samples in %v", name, ld, s.measured(), time.Since(start).Round(time.Millisecond))
			for k, stage := range spec.stages {
				rec := latency.NewRecorder()
				rec.RecordAll(s.lat[k])
				res.recs[runKey{name, stage, ld}] = rec
				res.Runs = append(res.Runs, Run{
					Reader: name, Stage: stage, Load: ld, Summary: rec.Summary(),
					AllocsPerKey: s.allocsPerKey(), N: s.measured(), Truncated: s.measured() < cfg.Samples,
					GOMAXPROCS: s.procs, LoadGoroutines: s.loadGoroutines,
				})
			}
			if len(s.userspace) > 0 {
				rec := latency.NewRecorder()
				rec.RecordAll(s.userspace)
				res.recs[runKey{name, "userspace", ld}] = rec
				res.Breakdown.UserSpace = append(res.Breakdown.UserSpace, LoadSummary{Load: ld, Summary: rec.Summary()})
			}
		}
	}
	if cfg.ESCSamples > 0 {
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
			res.ESC = append(res.ESC, ESCRun{Reader: name, Summary: rec.Summary()})
		}
	}
	if cfg.IdleCPU > 0 {
		cfg.progress("capture: idle CPU guard (%v with no keys)...", cfg.IdleCPU)
		pct, err := measureIdleCPU(cfg.IdleCPU)
		if err != nil {
			res.IdleCPUNote = err.Error()
		} else {
			res.IdleCPUPct = &pct
		}
	} else {
		res.IdleCPUNote = "not measured (--idle-cpu 0)"
	}
	if cfg.Breakdown {
		k, err := kernelBreakdown(cfg, gmin, gmax)
		if err != nil {
			res.Breakdown.Note = fmt.Sprintf("eBPF breakdown not available: %v", err)
		} else {
			res.Breakdown.Kernel = k
		}
	}
	res.Goals = evaluateGoals(res)
	return res, nil
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

package spybench

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/bpf/spy"
	"github.com/roshambo-game/roshambo/internal/cli"
)

// Tracer names, as they appear in the output.
const (
	TracerNone          = "none"
	TracerSpy           = "roshambo-spy"
	TracerSpyOther      = "roshambo-spy-other"
	TracerSpyPoll       = "roshambo-spy-poll" // the spy with a reader that polls (--spy-poll) instead of blocking
	TracerStrace        = "strace"
	TracerBpftrace      = "bpftrace"
	TracerBpftraceCount = "bpftrace-count"
)

var allTracers = []string{TracerNone, TracerSpy, TracerSpyOther, TracerSpyPoll, TracerStrace, TracerBpftrace, TracerBpftraceCount}

// Run statuses.
const (
	StatusOK     = "ok"
	StatusAbsent = "absent" // the tracer is not installed or cannot run here
	StatusError  = "error"  // the run failed
)

// Run is one row of the results. Pointer fields are null in JSON when the
// figure does not apply or was not measured.
type Run struct {
	Tracer string `json:"tracer"`
	// Rate is the writes per second asked for; 0 means unpaced (as fast as
	// possible). The game-pace run has Rate 50 (one write every 20 ms).
	Rate float64 `json:"rate"`
	// NsPerWrite is the mean time of one write call as the target sees it
	// (one mono reading before and one after, so it includes ~20-40 ns of
	// clock reading that is the same in every run).
	NsPerWrite *float64 `json:"ns_per_write"`
	// OverheadNs is NsPerWrite minus that of the none run with the same
	// sink and rate.
	OverheadNs *float64 `json:"overhead_ns"`
	// NsPerWriteShort is the mean over the write calls of at most 1 ms:
	// it leaves out the calls during which the writer lost its CPU to
	// another process (Stalls counts them). The goals are judged on it.
	NsPerWriteShort *float64 `json:"ns_per_write_short"`
	OverheadShortNs *float64 `json:"overhead_short_ns"`
	Stalls          int      `json:"stalls"`
	// Delivered counts the target's sink writes that reached the tracer's
	// user space; Expected is the writes made (0 for roshambo-spy-other,
	// which must see none of them).
	Delivered *int64 `json:"delivered"`
	Expected  int64  `json:"expected"`
	// Dropped is what the tracer reports it lost: the spy's in-kernel
	// counter, bpftrace's "Lost N events" lines. Null where the tracer
	// cannot lose events or does not say.
	Dropped *int64 `json:"dropped"`
	// LatencyP50Ns and LatencyP99Ns are the spy's reveal latency.
	LatencyP50Ns *int64 `json:"latency_p50_ns"`
	LatencyP99Ns *int64 `json:"latency_p99_ns"`

	LatencyMaxNs   *int64  `json:"latency_max_ns,omitempty"`
	LatencySamples int64   `json:"latency_samples,omitempty"`
	Sink           string  `json:"sink"`
	Writes         int     `json:"writes"`                  // writes the target made
	AchievedRate   float64 `json:"achieved_rate,omitempty"` // writes per second over the loop
	WriteP50Ns     int64   `json:"write_p50_ns,omitempty"`  // median write call
	WriteP99Ns     int64   `json:"write_p99_ns,omitempty"`  // 99th percentile write call
	MaxWriteNs     int64   `json:"max_write_ns,omitempty"`  // the longest write call
	Wakeup         string  `json:"wakeup,omitempty"`        // spy runs: the ring buffer wake-up policy
	RingSize       int     `json:"ring_size,omitempty"`     // spy runs: the ring buffer's size in bytes
	// Repeats lists the ns_per_write_short of every repeat (with --repeat >
	// 1), in the order they ran; the row is the median one.
	Repeats []float64 `json:"repeats_ns_per_write_short,omitempty"`
	Status  string    `json:"status"`
	Note    string    `json:"note,omitempty"`
}

// Goal is one of the benchmark's goals, checked against this invocation's runs.
type Goal struct {
	Name   string `json:"goal"`
	Status string `json:"status"` // PASS, FAIL, or UNKNOWN (a run it needs is missing)
	Detail string `json:"detail"`
}

// Report is the --json output.
type Report struct {
	Benchmark string   `json:"benchmark"`
	Runs      []Run    `json:"runs"`
	Goals     []Goal   `json:"goals"`
	Notes     []string `json:"notes,omitempty"`
}

// options are the command-line flags.
type options struct {
	writes         int
	duration       time.Duration
	rates          []float64
	sinks          []string
	tracers        []string
	straceWrites   int
	bpftraceWrites int
	repeat         int
	gameSamples    int
	gamePeriod     time.Duration
	pin            bool
	json           bool
	jsonOut        string
	ringSize       int
	copyBytes      int
	wakeup         string   // the spy's wake-up policy in the main runs
	compareWakeup  string   // a second policy for the spy's overhead and 1M/s rows ("": none)
	deliveryRing   int      // ring size of extra spy rows at 1M/s (0: none)
	gameWakeups    []string // the spy's wake-up policies at game pace
	spyPoll        time.Duration
	exe            string
}

// Main runs `roshambo-bench spy` with args (without the "spy" word) and
// returns the exit code: 0 when every run completed (whatever the goals
// say), 1 when a run failed, 2 for bad flags. The re-executed target
// process is run by RunChild, before Main.
func Main(args []string, stdout, stderr io.Writer) int {
	opt, done, code := parseFlags(args, stdout, stderr)
	if done {
		return code
	}
	rep, err := run(opt, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "roshambo-bench spy: %v\n", err)
		return 1
	}
	if opt.jsonOut != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err == nil {
			err = os.WriteFile(opt.jsonOut, append(b, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintf(stderr, "roshambo-bench spy: %v\n", err) // it names the file
			return 1
		}
	}
	if opt.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "roshambo-bench spy: %v\n", err)
			return 1
		}
	} else {
		writeTable(stdout, rep)
	}
	for _, r := range rep.Runs {
		if r.Status == StatusError {
			return 1
		}
	}
	return 0
}

// prog names the benchmark in messages.
const prog = "roshambo-bench spy"

// maxRing bounds the ring sizes the flags accept.
const maxRing = 1 << 30

func usage(w io.Writer) {
	fs, _, _ := newFlagSet()
	fmt.Fprint(w, "usage: roshambo-bench spy [flags]\n\nThe spy's cost and delivery against strace and bpftrace (root needed).\n"+
		"Exit codes: 0 every run completed (whatever the goals say), 1 a run failed, 2 bad usage.\n\nflags:\n")
	cli.WriteFlags(w, fs)
}

// lists are the comma-separated flags, checked after parsing.
type lists struct{ rates, sinks, tracers, gameWakeups *string }

func newFlagSet() (*flag.FlagSet, *options, lists) {
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	opt := &options{writes: 1_000_000, duration: time.Second, straceWrites: 20_000, bpftraceWrites: 200_000, repeat: 1,
		gameSamples: 400, gamePeriod: 20 * time.Millisecond, spyPoll: 200 * time.Microsecond, deliveryRing: 4 << 20}
	var l lists
	fs.Var(cli.IntRange{V: &opt.writes, Min: 1, Max: 100_000_000}, "writes", "writes `N` per unpaced run (and the cap for paced runs), 1 to 100000000")
	fs.Var(cli.DurationRange{V: &opt.duration, Min: time.Millisecond, Max: time.Hour}, "duration", "length `D` of each paced run, 1ms to 1h: rate*duration writes, at most --writes")
	l.rates = fs.String("rates", "0,10000,100000,1000000", "comma-separated write `RATES` per second, each 0 to 1e9; 0 = unpaced")
	l.sinks = fs.String("sinks", sinkDevNull+","+sinkPipe, "comma-separated `SINKS`: devnull, pipe")
	l.tracers = fs.String("tracers", strings.Join(allTracers, ","), "comma-separated `TRACERS`: "+strings.Join(allTracers, ", "))
	fs.Var(cli.IntRange{V: &opt.straceWrites, Min: 1, Max: 100_000_000}, "strace-writes", "cap `N` on the writes of a strace run, 1 to 100000000 (strace slows each write by tens of µs)")
	fs.Var(cli.IntRange{V: &opt.bpftraceWrites, Min: 1, Max: 100_000_000}, "bpftrace-writes", "cap `N` on the writes of a bpftrace (printf) run, 1 to 100000000 (it slows each write by µs)")
	fs.Var(cli.IntRange{V: &opt.repeat, Min: 1, Max: 100}, "repeat", "measure each sink and rate `N` times, 1 to 100 (tracers interleaved), and report the run\nwith the median mean<1ms ns/write")
	fs.Var(cli.IntRange{V: &opt.gameSamples, Min: 0, Max: 1_000_000}, "game-samples", "writes `N` of the game-pace spy run, 0 to 1000000 (0: no game-pace run)")
	fs.Var(cli.DurationRange{V: &opt.gamePeriod, Min: time.Millisecond, Max: 10 * time.Second}, "game-period", "time `D` between writes at game pace, 1ms to 10s")
	fs.BoolVar(&opt.pin, "pin", true, "pin the target and strace to CPU 1, and this process (spy reader, pipe drainer) and bpftrace to CPU 0 (needs 2 CPUs)")
	fs.BoolVar(&opt.json, "json", false, "print JSON instead of a table")
	fs.StringVar(&opt.jsonOut, "json-out", "", "also write the JSON report to `FILE`")
	fs.Var(cli.IntRange{V: &opt.ringSize, Min: 0, Max: maxRing}, "ring-size", "spy ring buffer size in `BYTES`: 0 (the spy's default) or a power of two from the page size to 1073741824")
	fs.Var(cli.IntRange{V: &opt.copyBytes, Min: 0, Max: spy.MaxCopyBytes}, "copy-bytes", "`BYTES` of data the spy copies per write, 0 to 4096 (0: the spy's default)")
	l.gameWakeups = fs.String("game-wakeups", "adaptive,always,parked", "the spy's wake-up `POLICIES` to run at game pace, comma-separated (the first one is judged)")
	fs.Var(cli.DurationRange{V: &opt.spyPoll, Min: time.Microsecond, Max: time.Second}, "spy-poll", "the "+TracerSpyPoll+" reader's sleep `D` after draining the ring, 1µs to 1s")
	fs.StringVar(&opt.wakeup, "wakeup", "adaptive", "the spy's ring buffer wake-up `POLICY` in the main runs: "+policyNames()+
		"\n(adaptive: the kernel's default; always: BPF_RB_FORCE_WAKEUP; parked: wake only a reader that has parked)")
	fs.StringVar(&opt.compareWakeup, "compare-wakeup", "parked", "a second wake-up `POLICY` under which the "+TracerSpy+
		" rows of the overhead goals (unpaced)\nand of the 1M/s delivery goal are measured too, shown beside the judged ones (\"\": none;\nnone either when it is the --wakeup policy and not given)")
	fs.Var(cli.IntRange{V: &opt.deliveryRing, Min: 0, Max: maxRing}, "delivery-ring-size", "ring size in `BYTES` of extra "+TracerSpy+
		" rows at 1M/s (under --wakeup and --compare-wakeup), to show what delivers 100%\n(0: none; skipped unless larger than --ring-size; else a power of two up to 1073741824)")
	return fs, opt, l
}

// parseFlags parses the benchmark's arguments. --help and --version are
// answered on stdout and a mistake in one line on stderr; then done is true
// and code is the exit code.
func parseFlags(args []string, stdout, stderr io.Writer) (opt *options, done bool, code int) {
	fs, opt, l := newFlagSet()
	if p := cli.Parse(fs, prog, args, stdout, stderr, usage); p.Exit {
		return nil, true, p.Code
	}
	if err := opt.check(fs, l); err != nil {
		return nil, true, cli.Fail(stderr, prog, "%v", err)
	}
	return opt, false, 0
}

// check checks the flags together and parses the lists.
func (opt *options) check(fs *flag.FlagSet, l lists) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if _, ok := wakeupPolicies[opt.wakeup]; !ok {
		return fmt.Errorf("--wakeup %s: must be one of %s", opt.wakeup, policyNames())
	}
	if _, ok := wakeupPolicies[opt.compareWakeup]; !ok && opt.compareWakeup != "" {
		return fmt.Errorf("--compare-wakeup %s: must be one of %s, or \"\"", opt.compareWakeup, policyNames())
	}
	if opt.compareWakeup == opt.wakeup {
		if set["compare-wakeup"] {
			return fmt.Errorf("--compare-wakeup %s: must differ from --wakeup", opt.compareWakeup)
		}
		opt.compareWakeup = ""
	}
	page := os.Getpagesize()
	for _, r := range []struct {
		name string
		n    int
	}{{"ring-size", opt.ringSize}, {"delivery-ring-size", opt.deliveryRing}} {
		if r.n != 0 && (r.n < page || r.n&(r.n-1) != 0) {
			return fmt.Errorf("--%s %d: must be 0 or a power of two from %d to %d", r.name, r.n, page, maxRing)
		}
	}
	for _, w := range splitList(*l.gameWakeups) {
		if _, ok := wakeupPolicies[w]; !ok {
			return fmt.Errorf("--game-wakeups: unknown policy %q (want some of %s)", w, policyNames())
		}
		opt.gameWakeups = append(opt.gameWakeups, w)
	}
	for _, f := range splitList(*l.rates) {
		r, err := strconv.ParseFloat(f, 64)
		if err != nil || r < 0 || r > 1e9 {
			return fmt.Errorf("--rates: rate %q must be writes per second from 0 (unpaced) to 1e9", f)
		}
		opt.rates = append(opt.rates, r)
	}
	for _, s := range splitList(*l.sinks) {
		if s != sinkDevNull && s != sinkPipe {
			return fmt.Errorf("--sinks: unknown sink %q (want %s or %s)", s, sinkDevNull, sinkPipe)
		}
		opt.sinks = append(opt.sinks, s)
	}
	for _, t := range splitList(*l.tracers) {
		if !slices.Contains(allTracers, t) {
			return fmt.Errorf("--tracers: unknown tracer %q (want some of %s)", t, strings.Join(allTracers, ", "))
		}
		opt.tracers = append(opt.tracers, t)
	}
	if len(opt.rates) == 0 || len(opt.sinks) == 0 || len(opt.tracers) == 0 {
		return errors.New("--rates, --sinks and --tracers must each name at least one")
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// bench holds one invocation's state.
type bench struct {
	opt       *options
	log       io.Writer
	targetCPU int // -1: not pinned
	notes     []string
	tracefs   error // from mounting tracefs, for the bpftrace runs
}

func run(opt *options, log io.Writer) (*Report, error) {
	b := &bench{opt: opt, log: log, targetCPU: -1}
	restore, err := b.prepare()
	if err != nil {
		return nil, err
	}
	defer restore()
	b.notes = append(b.notes, "load average at start: "+loadAvg())
	var runs []Run
	for _, sink := range opt.sinks {
		for _, rate := range opt.rates {
			runs = append(runs, b.block(sink, rate)...)
		}
	}
	runs = append(runs, b.gamePace()...)
	b.notes = append(b.notes, "load average at end: "+loadAvg())
	rep := &Report{Benchmark: "spy", Runs: runs, Notes: b.notes}
	rep.Goals = checkGoals(runs, opt)
	return rep, nil
}

// prepare finds the executable to re-execute as the target, pins the CPUs
// (--pin) and mounts tracefs for bpftrace, noting what it could not do.
// restore undoes the pinning.
func (b *bench) prepare() (restore func(), err error) {
	restore = func() {}
	if b.opt.exe == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("find own executable to re-execute as the target: %w", err)
		}
		b.opt.exe = exe
	}
	if os.Geteuid() != 0 {
		b.notes = append(b.notes, "not running as root: the spy, strace -p and bpftrace runs need root")
	}
	if b.opt.pin {
		if r, err := b.pin(); err != nil {
			b.notes = append(b.notes, "not pinned: "+err.Error())
		} else {
			restore = r
		}
	} else {
		b.notes = append(b.notes, "not pinned (--pin=false): target and tracers share the CPUs")
	}
	if contains(b.opt.tracers, TracerBpftrace) || contains(b.opt.tracers, TracerBpftraceCount) {
		if _, err := exec.LookPath("bpftrace"); err == nil {
			note, err := ensureTracefs()
			if note != "" {
				b.notes = append(b.notes, note)
			}
			b.tracefs = err
		}
	}
	return restore, nil
}

// block measures every tracer variant on one sink at one rate, --repeat
// times with the variants interleaved, and returns the median run of each
// with its overhead over the none run.
func (b *bench) block(sink string, rate float64) []Run {
	vs := variants(b.opt, rate)
	all := make([][]Run, len(vs))
	for rep := 0; rep < b.opt.repeat; rep++ {
		for i, v := range vs {
			all[i] = append(all[i], b.runOne(v.tracer, sink, rate, 0, v.wakeup, v.ringSize))
		}
	}
	var none *Run
	block := make([]Run, len(vs))
	for i, v := range vs {
		block[i] = median(all[i])
		if v.tracer == TracerNone && block[i].Status == StatusOK {
			none = &block[i]
		}
	}
	setOverheads(block, none)
	return block
}

// gamePace measures the spy at game pace (--game-period), under each of
// --game-wakeups, beside a none run and the polling reader; none without
// --game-samples or a spy tracer.
func (b *bench) gamePace() []Run {
	opt := b.opt
	if !(contains(opt.tracers, TracerSpy) || contains(opt.tracers, TracerSpyPoll)) || opt.gameSamples == 0 {
		return nil
	}
	period := opt.gamePeriod
	rate := float64(time.Second) / float64(period)
	var game []Run
	if contains(opt.tracers, TracerNone) {
		game = append(game, b.runOne(TracerNone, sinkDevNull, rate, period, "", 0))
	}
	if contains(opt.tracers, TracerSpy) {
		for _, w := range opt.gameWakeups {
			game = append(game, b.runOne(TracerSpy, sinkDevNull, rate, period, w, opt.ringSize))
		}
	}
	if contains(opt.tracers, TracerSpyPoll) {
		game = append(game, b.runOne(TracerSpyPoll, sinkDevNull, rate, period, opt.wakeup, opt.ringSize))
	}
	if none := game[0]; none.Tracer == TracerNone && none.Status == StatusOK {
		setOverheads(game, &none)
	}
	return game
}

// setOverheads sets each run's overheads over none (the run without a
// tracer, nil when it failed or is missing: then they stay null).
func setOverheads(runs []Run, none *Run) {
	if none == nil {
		return
	}
	for i := range runs {
		r := &runs[i]
		if r.NsPerWrite != nil && none.NsPerWrite != nil {
			ov := *r.NsPerWrite - *none.NsPerWrite
			r.OverheadNs = &ov
		}
		if r.NsPerWriteShort != nil && none.NsPerWriteShort != nil {
			ov := *r.NsPerWriteShort - *none.NsPerWriteShort
			r.OverheadShortNs = &ov
		}
	}
}

// variant is one row of a sink and rate: a tracer and, for the spy, its
// wake-up policy and ring size (0: the spy's default).
type variant struct {
	tracer   string
	wakeup   string
	ringSize int
}

// variants are the rows measured at rate: every tracer under --wakeup and
// --ring-size, then the spy's extra rows: under --compare-wakeup at the
// rate of the overhead goals and at 1M/s, and with --delivery-ring-size at
// 1M/s (under both policies).
func variants(opt *options, rate float64) []variant {
	var vs []variant
	for _, tr := range opt.tracers {
		vs = append(vs, variant{tr, opt.wakeup, opt.ringSize})
	}
	if !contains(opt.tracers, TracerSpy) {
		return vs
	}
	if opt.compareWakeup != "" && (rate == overheadRate(opt) || rate == deliveryRate) {
		vs = append(vs, variant{TracerSpy, opt.compareWakeup, opt.ringSize})
	}
	if rate == deliveryRate && opt.deliveryRing > effRing(opt.ringSize) {
		vs = append(vs, variant{TracerSpy, opt.wakeup, opt.deliveryRing})
		if opt.compareWakeup != "" {
			vs = append(vs, variant{TracerSpy, opt.compareWakeup, opt.deliveryRing})
		}
	}
	return vs
}

// overheadRate is the rate at which the overhead goals are judged: unpaced
// when measured, else the first rate.
func overheadRate(opt *options) float64 {
	if !containsRate(opt.rates, 0) && len(opt.rates) > 0 {
		return opt.rates[0]
	}
	return 0
}

// effRing is the spy's ring size for the --ring-size value n.
func effRing(n int) int {
	if n == 0 {
		return spy.DefaultRingSize
	}
	return n
}

// policyNames lists the wake-up policies, sorted.
func policyNames() string {
	var names []string
	for n := range wakeupPolicies {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// loadAvg returns the 1, 5 and 15 minute load averages, or why not.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ") + fmt.Sprintf(" (%d CPUs)", runtime.NumCPU())
}

// median returns the run with the median ns/write among the repeats of one
// measurement (the lower middle one for an even count), with every repeat's
// figure attached; a failed repeat is returned as is.
func median(reps []Run) Run {
	var ok []Run
	for _, r := range reps {
		if r.Status != StatusOK || r.NsPerWrite == nil {
			return r
		}
		ok = append(ok, r)
	}
	if len(ok) == 1 {
		return ok[0]
	}
	key := func(r Run) float64 {
		if r.NsPerWriteShort != nil {
			return *r.NsPerWriteShort
		}
		return *r.NsPerWrite
	}
	sort.Slice(ok, func(i, j int) bool { return key(ok[i]) < key(ok[j]) })
	m := ok[(len(ok)-1)/2]
	m.Repeats = nil
	for _, r := range reps {
		m.Repeats = append(m.Repeats, key(r))
	}
	return m
}

// pin puts every thread of this process (and so the tracers it starts) on
// CPU 0, and tells targets to pin themselves to CPU 1.
func (b *bench) pin() (restore func(), err error) {
	var cur unix.CPUSet
	if err := unix.SchedGetaffinity(0, &cur); err != nil {
		return nil, fmt.Errorf("get affinity: %w", err)
	}
	if cur.Count() < 2 || !cur.IsSet(0) || !cur.IsSet(1) {
		return nil, fmt.Errorf("CPUs 0 and 1 are not both available (%d CPUs allowed)", cur.Count())
	}
	var zero unix.CPUSet
	zero.Set(0)
	old, err := pinAll(&zero)
	if err != nil {
		_, _ = pinAll(&cur)
		return nil, err
	}
	b.targetCPU = 1
	b.notes = append(b.notes, fmt.Sprintf("pinned: target on CPU 1; benchmark, spy reader, pipe drainer and bpftrace on CPU 0 (of %d); "+
		"strace on CPU 1 with its tracee (away from it, it measured ~10x slower: a cross-CPU wake-up at every ptrace stop)", runtime.NumCPU()))
	return func() { _, _ = pinAll(&old) }, nil
}

// targetSet is the target's CPU as a set, or nil when not pinned.
func (b *bench) targetSet() *unix.CPUSet {
	if b.targetCPU < 0 {
		return nil
	}
	var set unix.CPUSet
	set.Set(b.targetCPU)
	return &set
}

// writesFor is the number of writes a run makes.
func (b *bench) writesFor(tracer string, rate float64) int {
	n := b.opt.writes
	if rate > 0 {
		if m := int(rate * b.opt.duration.Seconds()); m < n {
			n = m
		}
	}
	if tracer == TracerStrace && b.opt.straceWrites < n {
		n = b.opt.straceWrites
	}
	if tracer == TracerBpftrace && b.opt.bpftraceWrites < n {
		n = b.opt.bpftraceWrites
	}
	if n < 1 {
		n = 1
	}
	return n
}

// runOne measures one row: a fresh target writing n times into sink at rate
// (or at game pace, every gamePeriod), under tracer. A tracer that is not
// installed or cannot run here gives an absent row, a failure an error row;
// the other rows go on.
func (b *bench) runOne(tracer, sink string, rate float64, gamePeriod time.Duration, wakeup string, ringSize int) Run {
	r, cfg := b.newRow(tracer, sink, rate, gamePeriod, wakeup, ringSize)
	n := cfg.Writes
	fmt.Fprintf(b.log, "spy bench: %-18s sink=%-7s %-14s %d writes\n", rowName(r), sink, rateName(rate), n)
	fail := func(status string, err error) Run {
		r.Status = status
		r.Note = err.Error()
		fmt.Fprintf(b.log, "spy bench:   %s: %v\n", status, err)
		return r
	}
	if err := b.bpftraceAbsent(tracer); err != nil {
		return fail(StatusAbsent, err)
	}
	t, err := startTarget(b.opt.exe, cfg, sink)
	if err != nil {
		return fail(StatusError, err)
	}
	sess, other, err := b.attach(tracer, t, wakeup, ringSize)
	if other != nil {
		defer other.kill()
	}
	if err != nil {
		t.kill()
		if isAbsent(err) {
			return fail(StatusAbsent, err)
		}
		if os.Geteuid() != 0 {
			return fail(StatusAbsent, fmt.Errorf("%s needs root here: %w", tracer, err))
		}
		return fail(StatusError, fmt.Errorf("attach %s: %w", tracer, err))
	}
	res, err := b.measure(t, cfg)
	if err != nil {
		if sess != nil {
			sess.abort()
		}
		return fail(StatusError, err)
	}
	if sink == sinkPipe {
		if got, want := t.drained.Load(), res.Bytes; got != want {
			r.Note = fmt.Sprintf("pipe drained %d bytes of %d written; ", got, want)
		}
	}
	if err := b.recordWrites(&r, res); err != nil {
		return fail(StatusError, err)
	}
	if sess != nil {
		out, err := sess.finish(int64(n))
		if err != nil {
			return fail(StatusError, fmt.Errorf("%s: %w", tracer, err))
		}
		r.Delivered, r.Dropped = out.delivered, out.dropped
		r.LatencyP50Ns, r.LatencyP99Ns, r.LatencyMaxNs, r.LatencySamples = out.latP50, out.latP99, out.latMax, out.latN
		r.Note += out.note
	}
	if gamePeriod > 0 {
		r.Note += "game pace: the target sleeps between writes"
	}
	r.Note = strings.TrimSuffix(strings.TrimSpace(r.Note), ";")
	return r
}

// newRow returns the row's fixed fields and the target's configuration.
func (b *bench) newRow(tracer, sink string, rate float64, gamePeriod time.Duration, wakeup string, ringSize int) (Run, targetConfig) {
	r := Run{Tracer: tracer, Rate: rate, Sink: sink, Status: StatusOK}
	if tracer == TracerSpy || tracer == TracerSpyOther || tracer == TracerSpyPoll {
		r.Wakeup = wakeup
		r.RingSize = effRing(ringSize)
	}
	cfg := targetConfig{Writes: b.writesFor(tracer, rate), CPU: b.targetCPU}
	if rate > 0 {
		cfg.Period = int64(float64(time.Second) / rate)
	}
	if gamePeriod > 0 {
		cfg.Writes, cfg.Period, cfg.Sleep = b.opt.gameSamples, int64(gamePeriod), true
	}
	r.Expected = int64(cfg.Writes)
	if tracer == TracerSpyOther {
		r.Expected = 0 // the spy follows another process: it must see none
	}
	return r, cfg
}

// bpftraceAbsent says why a bpftrace row cannot run here (nil when it can,
// or when tracer is not bpftrace).
func (b *bench) bpftraceAbsent(tracer string) error {
	if tracer != TracerBpftrace && tracer != TracerBpftraceCount {
		return nil
	}
	if _, err := exec.LookPath("bpftrace"); err != nil {
		return errAbsent{"bpftrace is not installed (make bench-deps installs it)"}
	}
	return b.tracefs
}

// attach starts tracer on the target t, which has not started writing yet.
// For roshambo-spy-other it starts another (idle) process for the spy to
// follow, returned as other (to be killed after the run): the spy then
// reports what it sees of the measured, untargeted one (nothing, if the
// filter works).
func (b *bench) attach(tracer string, t *target, wakeup string, ringSize int) (sess session, other *target, err error) {
	switch tracer {
	case TracerNone:
	case TracerSpy:
		sess, err = startSpy(b.opt, t.pid(), t.pid(), wakeup, ringSize, 0)
	case TracerSpyPoll:
		sess, err = startSpy(b.opt, t.pid(), t.pid(), wakeup, ringSize, b.opt.spyPoll)
	case TracerSpyOther:
		other, err = startTarget(b.opt.exe, targetConfig{NoStart: true, CPU: -1}, sinkDevNull)
		if err == nil {
			sess, err = startSpy(b.opt, other.pid(), t.pid(), wakeup, ringSize, 0)
		}
	case TracerStrace:
		sess, err = startStrace(t.pid(), b.targetSet())
	case TracerBpftrace:
		sess, err = startBpftrace(t.pid(), false)
	case TracerBpftraceCount:
		sess, err = startBpftrace(t.pid(), true)
	}
	return sess, other, err
}

// measure lets the target write and waits for its figures, with a timeout
// that grows with its writes and their pacing.
func (b *bench) measure(t *target, cfg targetConfig) (targetResult, error) {
	if err := t.start(); err != nil {
		t.kill()
		return targetResult{}, err
	}
	n := cfg.Writes
	timeout := 60*time.Second + time.Duration(n)*200*time.Microsecond
	if cfg.Period > 0 {
		timeout += time.Duration(n) * time.Duration(cfg.Period)
	}
	return t.wait(timeout)
}

// recordWrites puts the target's write figures into the row; an error when
// some writes failed.
func (b *bench) recordWrites(r *Run, res targetResult) error {
	r.Writes = res.Writes
	r.MaxWriteNs = res.MaxNs
	r.WriteP50Ns, r.WriteP99Ns = res.P50Ns, res.P99Ns
	fmt.Fprintf(b.log, "spy bench:   %.0f ns/write (P50 %d, P99 %d), longest %d ns (write #%d)\n",
		float64(res.SumNs)/float64(max(res.Writes, 1)), res.P50Ns, res.P99Ns, res.MaxNs, res.MaxAt)
	if res.Errors > 0 {
		return fmt.Errorf("%d of %d writes failed or were short", res.Errors, res.Writes)
	}
	ns := float64(res.SumNs) / float64(max(res.Writes, 1))
	r.NsPerWrite = &ns
	if res.Short > 0 {
		tr := float64(res.SumShortNs) / float64(res.Short)
		r.NsPerWriteShort = &tr
		r.Stalls = res.Writes - res.Short
	}
	if res.ElapsedNs > 0 {
		r.AchievedRate = float64(res.Writes) / (float64(res.ElapsedNs) / 1e9)
	}
	return nil
}

func rateName(rate float64) string {
	if rate == 0 {
		return "unpaced"
	}
	return fmt.Sprintf("%s/s", siCount(rate))
}

func siCount(v float64) string {
	switch {
	case v >= 1e6 && v == float64(int64(v/1e6))*1e6:
		return fmt.Sprintf("%dM", int64(v/1e6))
	case v >= 1e3 && v == float64(int64(v/1e3))*1e3:
		return fmt.Sprintf("%dk", int64(v/1e3))
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

//go:build linux

package screen

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/roshambo-game/roshambo/internal/latency"
)

// Result is a finished benchmark. It marshals to the JSON that --json
// prints.
type Result struct {
	Benchmark string   `json:"benchmark"` // "screen"
	Date      string   `json:"date"`      // RFC 3339, UTC
	Machine   Machine  `json:"machine"`
	Settings  Settings `json:"settings"`
	Runs      []Run    `json:"runs"`
	Verdict   []Goal   `json:"verdict"`
	Stalls    Stalls   `json:"stalls"`
	Errors    []string `json:"errors,omitempty"`
}

// Machine describes where the benchmark ran.
type Machine struct {
	CPUs      int     `json:"cpus"`
	Kernel    string  `json:"kernel"`
	GoVersion string  `json:"go_version"`
	Load1     float64 `json:"load1"` // load average when the run started
}

// Settings are the benchmark's parameters.
type Settings struct {
	Samples      int    `json:"samples"`
	Block        int    `json:"block"`
	GapMinNs     int64  `json:"gap_min_ns"`
	GapMaxNs     int64  `json:"gap_max_ns"`
	QuietNs      int64  `json:"quiet_ns"`
	Cols         int    `json:"cols"`
	Rows         int    `json:"rows"`
	Term         string `json:"term"`
	Seed         uint64 `json:"seed"`
	Roshambo     string `json:"roshambo,omitempty"`
	Interleaving string `json:"interleaving"`
	// GroupKeys is the keys per program in a group, the unit the
	// intervals resample: the programs' groups of one round and position
	// are paired (measured side by side).
	GroupKeys int `json:"group_keys"`
	// StallProbeNs is the stall probes' period (0: none ran); a probe
	// that wakes more than StallLateNs late marks a stall of its CPU.
	StallProbeNs int64 `json:"stall_probe_ns"`
	StallLateNs  int64 `json:"stall_late_ns"`
}

// Stalls sums up what the stall probes saw while keys were timed: the
// stretches in which a CPU could not run a thread that was due.
type Stalls struct {
	Count   int   `json:"count"`
	TotalNs int64 `json:"total_ns"` // summed over CPUs
	MaxNs   int64 `json:"max_ns"`
	PerCPU  []int `json:"per_cpu"` // stalls by CPU
}

// add counts a session's stalls.
func (s *Stalls) add(stalls []stall) {
	for _, x := range stalls {
		for len(s.PerCPU) <= x.CPU {
			s.PerCPU = append(s.PerCPU, 0)
		}
		s.Count++
		s.PerCPU[x.CPU]++
		s.TotalNs += x.To - x.From
		s.MaxNs = max(s.MaxNs, x.To-x.From)
	}
}

// Run is one program's figures. First is the first byte of the screen
// update after a key (the key written to the pty master -> the first byte
// back), Last the last byte of that update.
type Run struct {
	Program string `json:"program"`
	Mode    string `json:"mode"`
	Label   string `json:"label"`
	Samples int    `json:"samples"`
	P50     int64  `json:"p50_ns"`
	P90     int64  `json:"p90_ns"`
	P99     int64  `json:"p99_ns"`
	Max     int64  `json:"max_ns"`
	// P50CI and P99CI are 95% bootstrap intervals of P50 and P99
	// (resampling groups of keys).
	P50CI    [2]int64 `json:"p50_ci_ns"`
	P99CI    [2]int64 `json:"p99_ci_ns"`
	LastP50  int64    `json:"last_p50_ns"`
	LastP99  int64    `json:"last_p99_ns"`
	BytesP50 int      `json:"bytes_p50"`
	// Stray counts bytes written between updates (outside the quiet
	// period after a key).
	Stray int `json:"stray_bytes"`
	// StalledKeys counts the keys whose update met a stall of the machine
	// (a stall probe woke late between the write and the first byte).
	StalledKeys int `json:"stalled_keys"`
	// AllocsPerKey is the game process's heap allocations per key (median
	// over blocks), or -1 where not measured.
	AllocsPerKey float64 `json:"allocs_per_key"`

	first, last []int64
	raw         []sample
	groups      map[groupKey][]int64 // first-byte latencies by group
	calm        map[groupKey][]int64 // the same without the stalled keys
}

// groupKey names a group of keys: the session's round and the group's
// place in it. The groups of one key are paired across programs.
type groupKey struct{ round, index int }

// Goal is one judged claim.
type Goal struct {
	Name string `json:"name"`
	// Value is the measured ratio, CI its 95% bootstrap interval, Bound
	// the claim's limit (Value <= Bound).
	Value  float64    `json:"value"`
	CI     [2]float64 `json:"ci"`
	Bound  float64    `json:"bound"`
	Status string     `json:"status"` // PASS, FAIL, or INCONCLUSIVE
	// N is the keys per program behind the figure; NeedSamples, for an
	// INCONCLUSIVE claim, the keys at which the interval would clear the
	// bound (-1: none would, the estimate is on it).
	N           int `json:"n"`
	NeedSamples int `json:"need_samples,omitempty"`
}

func newResult(cfg *Config) *Result {
	return &Result{
		Benchmark: "screen",
		Date:      time.Now().UTC().Format(time.RFC3339),
		Machine:   machine(),
		Stalls:    Stalls{PerCPU: make([]int, runtime.NumCPU())},
		Settings: Settings{
			Samples: cfg.Samples, Block: cfg.Block, GapMinNs: int64(cfg.GapMin), GapMaxNs: int64(cfg.GapMax),
			QuietNs: int64(cfg.Quiet), Cols: cfg.Cols, Rows: cfg.Rows, Term: cfg.Term, Seed: cfg.Seed,
			Roshambo: cfg.Roshambo, Interleaving: interleaving(cfg), GroupKeys: cfg.groupKeys(),
			StallProbeNs: int64(cfg.Probe), StallLateNs: int64(stallLate),
		},
	}
}

// interleaving describes how the programs shared the run.
func interleaving(cfg *Config) string {
	if cfg.Interleave == InterleaveBlocks {
		return fmt.Sprintf("blocks of %d keys, one program at a time on a fresh pty, programs taking turns (order rotated every round)", cfg.Block)
	}
	return fmt.Sprintf("sessions of %d keys per program, every program at once on a fresh pty of its own, keys going round them one at a time (order rotated every turn)", cfg.Block)
}

// fill computes the run's figures from its samples, grouped.
func (r *Run) fill(groups map[groupKey][]sample, stray int, perKey []float64) {
	keys := sortedKeys(groups)
	var ss []sample
	r.groups = make(map[groupKey][]int64, len(groups))
	r.calm = make(map[groupKey][]int64, len(groups))
	r.StalledKeys = 0
	for _, k := range keys {
		ss = append(ss, groups[k]...)
		f := make([]int64, len(groups[k]))
		var calm []int64
		for i, s := range groups[k] {
			f[i] = s.First - s.Write
			if s.stalled {
				r.StalledKeys++
			} else {
				calm = append(calm, f[i])
			}
		}
		r.groups[k] = f
		if len(calm) > 0 {
			r.calm[k] = calm
		}
	}
	r.Samples, r.Stray, r.raw = len(ss), stray, ss
	r.first = make([]int64, len(ss))
	r.last = make([]int64, len(ss))
	sizes := make([]int, len(ss))
	for i, s := range ss {
		r.first[i], r.last[i], sizes[i] = s.First-s.Write, s.Last-s.Write, s.Bytes
	}
	r.AllocsPerKey = -1
	if len(perKey) > 0 {
		slices.Sort(perKey)
		r.AllocsPerKey = math.Round(perKey[len(perKey)/2]*10) / 10
	}
	if len(ss) == 0 {
		return
	}
	f := sorted(r.first)
	r.P50, r.P90, r.P99, r.Max = latency.Quantile(f, 0.5), latency.Quantile(f, 0.9), latency.Quantile(f, 0.99), f[len(f)-1]
	l := sorted(r.last)
	r.LastP50, r.LastP99 = latency.Quantile(l, 0.5), latency.Quantile(l, 0.99)
	slices.Sort(sizes)
	r.BytesP50 = sizes[len(sizes)/2]
	var b latency.Blocks
	for _, k := range keys {
		b = append(b, r.groups[k])
	}
	q := b.QuantileCIs([]float64{0.5, 0.99}, bootstraps, uint64(len(ss)))
	r.P50CI = [2]int64{int64(q[0].CI.Lo), int64(q[0].CI.Hi)}
	r.P99CI = [2]int64{int64(q[1].CI.Lo), int64(q[1].CI.Hi)}
}

// sortedKeys returns the groups' keys in the order they were measured.
func sortedKeys[V any](m map[groupKey]V) []groupKey {
	keys := make([]groupKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b groupKey) int {
		return cmp.Or(cmp.Compare(a.round, b.round), cmp.Compare(a.index, b.index))
	})
	return keys
}

// WriteSamples writes every timed key of every run as CSV, in the order
// the keys were written: the program, the key's write time and the first
// and last byte's (ns on the writer's monotonic clock, comparable across
// programs of one run), and the update's bytes.
func (res *Result) WriteSamples(w io.Writer) error {
	type row struct {
		program string
		s       sample
	}
	var rows []row
	for _, r := range res.Runs {
		for _, s := range r.raw {
			rows = append(rows, row{r.Program, s})
		}
	}
	slices.SortFunc(rows, func(a, b row) int { return cmp.Compare(a.s.Write, b.s.Write) })
	bw := bufio.NewWriter(w)
	bw.WriteString("program,write_ns,first_ns,last_ns,bytes,stalled\n")
	for _, r := range rows {
		stalled := 0
		if r.s.stalled {
			stalled = 1
		}
		fmt.Fprintf(bw, "%s,%d,%d,%d,%d,%d\n", r.program, r.s.Write, r.s.First, r.s.Last, r.s.Bytes, stalled)
	}
	return bw.Flush()
}

// Recorder returns the first-byte latencies as a latency.Recorder (for
// the plot).
func (r *Run) Recorder() *latency.Recorder {
	rec := latency.NewRecorder()
	rec.RecordAll(r.first)
	return rec
}

func sorted(v []int64) []int64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s
}

// bootstraps is the number of resamples behind each interval.
const bootstraps = 2000

// judge evaluates the claims: the game's first frame after a key, in plain
// and in commit mode, has a P50 of at most 0.7x the minimal tcell app's and
// a P99 no worse than its P99, in the same run. The intervals come from a
// paired bootstrap over groups of keys (the same groups for both programs),
// so that a stall shared by a group cancels. A claim passes when its whole
// interval is within the bound, fails when the whole interval is beyond
// it, and is inconclusive otherwise. When the stall probes ran, both
// claims are judged a second time without the keys whose update met a
// stall of the machine: their premise is an idle machine, and a key that
// waited for the host to give a CPU back measures the host.
func (res *Result) judge() {
	ref := res.find("tcell")
	if ref == nil || ref.Samples == 0 {
		return
	}
	for _, name := range []string{"roshambo", "roshambo-commit"} {
		r := res.find(name)
		if r == nil || r.Samples == 0 {
			continue
		}
		claims := []claim{{0.5, "P50", 0.7, false}, {0.99, "P99", 1.0, false}}
		if res.Settings.StallProbeNs > 0 {
			claims = append(claims, claim{0.5, "P50", 0.7, true}, claim{0.99, "P99", 1.0, true})
		}
		for _, c := range claims {
			a, b := paired(r, ref, c.calm)
			name := fmt.Sprintf("%s first byte %s / tcell %s", name, c.what, c.what)
			if c.calm {
				name += ", keys without a stall"
			}
			g := Goal{Name: name, Bound: c.bound, N: a.Len()}
			est, iv := latency.RatioCI(a, b, c.q, bootstraps, uint64(len(res.Verdict)+1))
			v, need := latency.Judge(est, iv, c.bound, a.Len())
			g.Value, g.CI, g.Status, g.NeedSamples = est, [2]float64{iv.Lo, iv.Hi}, string(v), need
			res.Verdict = append(res.Verdict, g)
		}
	}
}

// claim is "quantile q of the game's first byte is at most bound times the
// tcell app's", over every key or over the keys without a stall.
type claim struct {
	q     float64
	what  string
	bound float64
	calm  bool // over the keys without a stall only
}

// paired returns the groups that both runs measured, in the order they
// were measured, as side-by-side blocks; with calm, the groups without
// their stalled keys (a group left empty on either side is dropped).
func paired(a, b *Run, calm bool) (latency.Blocks, latency.Blocks) {
	ga, gb := a.groups, b.groups
	if calm {
		ga, gb = a.calm, b.calm
	}
	var ba, bb latency.Blocks
	for _, k := range sortedKeys(ga) {
		g, ok := gb[k]
		if !ok {
			continue
		}
		ba, bb = append(ba, ga[k]), append(bb, g)
	}
	return ba, bb
}

func (res *Result) find(program string) *Run {
	for i := range res.Runs {
		if res.Runs[i].Program == program {
			return &res.Runs[i]
		}
	}
	return nil
}

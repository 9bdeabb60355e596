//go:build linux

package screen

import (
	"fmt"
	"math"
	"math/rand/v2"
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
	// P50CI and P99CI are 95% bootstrap intervals of P50 and P99.
	P50CI    [2]int64 `json:"p50_ci_ns"`
	P99CI    [2]int64 `json:"p99_ci_ns"`
	LastP50  int64    `json:"last_p50_ns"`
	LastP99  int64    `json:"last_p99_ns"`
	BytesP50 int      `json:"bytes_p50"`
	// Stray counts bytes written between updates (outside the quiet
	// period after a key).
	Stray int `json:"stray_bytes"`
	// AllocsPerKey is the game process's heap allocations per key (median
	// over blocks), or -1 where not measured.
	AllocsPerKey float64 `json:"allocs_per_key"`

	first, last []int64
}

// Goal is one judged claim.
type Goal struct {
	Name string `json:"name"`
	// Value is the measured ratio, CI its 95% bootstrap interval, Bound
	// the claim's limit (Value <= Bound).
	Value  float64    `json:"value"`
	CI     [2]float64 `json:"ci"`
	Bound  float64    `json:"bound"`
	Status string     `json:"status"` // PASS, FAIL, or INCONCLUSIVE
}

func newResult(cfg *Config) *Result {
	return &Result{
		Benchmark: "screen",
		Date:      time.Now().UTC().Format(time.RFC3339),
		Machine:   machine(),
		Settings: Settings{
			Samples: cfg.Samples, Block: cfg.Block, GapMinNs: int64(cfg.GapMin), GapMaxNs: int64(cfg.GapMax),
			QuietNs: int64(cfg.Quiet), Cols: cfg.Cols, Rows: cfg.Rows, Term: cfg.Term, Seed: cfg.Seed,
			Roshambo: cfg.Roshambo, Interleaving: fmt.Sprintf("blocks of %d keys, each on a fresh pty, programs taking turns (order rotated every round)", cfg.Block),
		},
	}
}

// fill computes the run's figures from its samples.
func (r *Run) fill(ss []sample, stray int, perKey []float64) {
	r.Samples, r.Stray = len(ss), stray
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
	r.P50, r.P90, r.P99, r.Max = quantile(f, 0.5), quantile(f, 0.9), quantile(f, 0.99), f[len(f)-1]
	l := sorted(r.last)
	r.LastP50, r.LastP99 = quantile(l, 0.5), quantile(l, 0.99)
	slices.Sort(sizes)
	r.BytesP50 = sizes[len(sizes)/2]
	r.P50CI = bootstrapCI(r.first, 0.5)
	r.P99CI = bootstrapCI(r.first, 0.99)
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

// quantile is the order statistic of q in sorted values (nearest rank).
func quantile(sorted []int64, q float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// bootstraps is the number of resamples behind each interval.
const bootstraps = 2000

// bootstrapCI is the 95% percentile-bootstrap interval of quantile q.
func bootstrapCI(v []int64, q float64) [2]int64 {
	if len(v) == 0 {
		return [2]int64{}
	}
	rng := rand.New(rand.NewPCG(uint64(len(v)), math.Float64bits(q)))
	est := make([]int64, bootstraps)
	buf := make([]int64, len(v))
	for b := range est {
		for i := range buf {
			buf[i] = v[rng.IntN(len(v))]
		}
		slices.Sort(buf)
		est[b] = quantile(buf, q)
	}
	slices.Sort(est)
	return [2]int64{quantile(est, 0.025), quantile(est, 0.975)}
}

// ratioCI is the 95% bootstrap interval of quantile q of a over quantile q
// of b, resampling both independently.
func ratioCI(a, b []int64, q float64) [2]float64 {
	if len(a) == 0 || len(b) == 0 {
		return [2]float64{math.NaN(), math.NaN()}
	}
	rng := rand.New(rand.NewPCG(uint64(len(a))<<32|uint64(len(b)), math.Float64bits(q)))
	est := make([]float64, bootstraps)
	ba, bb := make([]int64, len(a)), make([]int64, len(b))
	for k := range est {
		for i := range ba {
			ba[i] = a[rng.IntN(len(a))]
		}
		for i := range bb {
			bb[i] = b[rng.IntN(len(b))]
		}
		slices.Sort(ba)
		slices.Sort(bb)
		est[k] = float64(quantile(ba, q)) / float64(max(1, quantile(bb, q)))
	}
	slices.Sort(est)
	lo := est[int(0.025*float64(len(est)))]
	hi := est[min(len(est)-1, int(0.975*float64(len(est))))]
	return [2]float64{lo, hi}
}

// judge evaluates the claims: the game's first frame after a key, in plain
// and in commit mode, has a P50 of at most 0.7x the minimal tcell app's and
// a P99 no worse than its P99, in the same run. A claim passes when its
// whole interval is within the bound, fails when the whole interval is
// beyond it, and is inconclusive otherwise.
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
		for _, c := range []struct {
			q     float64
			what  string
			bound float64
		}{{0.5, "P50", 0.7}, {0.99, "P99", 1.0}} {
			a, b := sorted(r.first), sorted(ref.first)
			g := Goal{
				Name:  fmt.Sprintf("%s first byte %s / tcell %s", name, c.what, c.what),
				Value: float64(quantile(a, c.q)) / float64(max(1, quantile(b, c.q))),
				CI:    ratioCI(r.first, ref.first, c.q),
				Bound: c.bound,
			}
			switch {
			case g.CI[1] <= g.Bound:
				g.Status = "PASS"
			case g.CI[0] > g.Bound:
				g.Status = "FAIL"
			default:
				g.Status = "INCONCLUSIVE"
			}
			res.Verdict = append(res.Verdict, g)
		}
	}
}

func (res *Result) find(program string) *Run {
	for i := range res.Runs {
		if res.Runs[i].Program == program {
			return &res.Runs[i]
		}
	}
	return nil
}

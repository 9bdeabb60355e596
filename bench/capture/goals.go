//go:build linux

package capture

import (
	"fmt"
	"math"

	"github.com/roshambo-game/roshambo/internal/latency"
)

// Goal is one goal, judged on this run's figures. Ratio and quantile goals
// are judged with their 95% interval: PASS when it lies inside the bound,
// FAIL when it lies outside, INCONCLUSIVE when it straddles it (then
// NeedSamples estimates the samples per run that would settle it; -1: the
// estimate sits on the bound).
type Goal struct {
	Name        string          `json:"name"`
	Status      latency.Verdict `json:"status"` // PASS, FAIL, INCONCLUSIVE, N/A, or INFO (reported, not judged)
	Detail      string          `json:"detail"`
	Estimate    *float64        `json:"estimate,omitempty"`
	CI          *[2]float64     `json:"ci,omitempty"`
	Bound       *float64        `json:"bound,omitempty"`
	NeedSamples int             `json:"need_samples,omitempty"`
}

// Info marks a goal line that is reported, not judged.
const Info latency.Verdict = "INFO"

// peersJudged are the readers roshambo's reader part is compared with (not
// the busy-poll floor, which is never woken, nor roshambo-hot).
var peersJudged = []string{"osfile", "bufio", "tcell", "cancelreader"}

// judged builds a goal from an estimate, its interval and a bound.
func judged(name string, est float64, iv latency.Interval, bound float64, n int, detail string) Goal {
	v, need := latency.Judge(est, iv, bound, n)
	g := Goal{Name: name, Status: v, Detail: detail}
	if v == latency.NotMeasured {
		g.Detail = "not measured in this run"
		return g
	}
	e, b := est, bound
	g.Estimate, g.Bound = &e, &b
	ci := [2]float64{iv.Lo, iv.Hi}
	g.CI = &ci
	if v == latency.Inconclusive {
		g.NeedSamples = need
		if need < 0 {
			g.Detail += "; inconclusive: the estimate sits on the bound"
		} else {
			g.Detail += fmt.Sprintf("; inconclusive at %d samples: about %d would settle it", n, need)
		}
	}
	return g
}

// ratioGoal judges quantile q of a over quantile q of b <= bound, paired by
// round.
func (res *Result) ratioGoal(name string, a, b latency.Blocks, q, bound float64, what string) Goal {
	if a.Len() == 0 || b.Len() == 0 {
		return Goal{Name: name, Status: latency.NotMeasured, Detail: "not measured in this run"}
	}
	est, iv := latency.RatioCI(a, b, q, res.nres, res.seedFor(name))
	sa, sb := a.Sorted(nil, nil), b.Sorted(nil, nil)
	detail := fmt.Sprintf("ratio %.3f [%.3f, %.3f] (bound %.2f); %s", est, iv.Lo, iv.Hi, bound,
		fmt.Sprintf(what, latency.FormatNs(latency.Quantile(sa, q)), latency.FormatNs(latency.Quantile(sb, q))))
	return judged(name, est, iv, bound, min(a.Len(), b.Len()), detail)
}

// quantileGoal judges quantile q of a series <= bound ns.
func (res *Result) quantileGoal(name string, b latency.Blocks, q float64, bound int64) Goal {
	if b.Len() == 0 {
		return Goal{Name: name, Status: latency.NotMeasured, Detail: "not measured in this run"}
	}
	c := b.QuantileCIs([]float64{q}, res.nres, res.seedFor(name))[0]
	detail := fmt.Sprintf("P%g %s [%s, %s] (bound %s)", q*100, latency.FormatNs(c.Estimate),
		latency.FormatNs(int64(c.CI.Lo)), latency.FormatNs(int64(c.CI.Hi)), latency.FormatNs(bound))
	return judged(name, float64(c.Estimate), c.CI, float64(bound), b.Len(), detail)
}

// evaluateGoals checks the goals against the results.
func evaluateGoals(res *Result) []Goal {
	var gs []Goal
	f := latency.FormatNs
	blk := func(reader, stage, load string) latency.Blocks { return res.blocks[runKey{reader, stage, load}] }
	reader := func(name, stage, load string) latency.Blocks { return res.parts[runKey{name, stage, load}].reader }

	// Idle CPU of the default mode.
	g := Goal{Name: "guard: input layer idle CPU < 1% of a core (default mode: parked)", Status: latency.NotMeasured, Detail: res.IdleCPUNote}
	if res.IdleCPUPct != nil {
		p := *res.IdleCPUPct
		g.Status = latency.Fail
		if p < 1 {
			g.Status = latency.Pass
		}
		g.Detail = fmt.Sprintf("%.3f%% over the idle period", p)
		if res.idleStats != "" {
			g.Detail += "; " + res.idleStats
		}
	}
	gs = append(gs, g)

	// The reader's part, idle: roshambo against each peer.
	for _, p := range peersJudged {
		for _, q := range []float64{0.5, 0.99} {
			name := fmt.Sprintf("idle: roshambo reader part P%g <= %s's", q*100, p)
			gs = append(gs, res.ratioGoal(name, reader("roshambo", "ring", LoadIdle), reader(p, "read", LoadIdle), q, 1,
				"woken -> key in user space: roshambo (ring) %s, "+p+" %s (eBPF-traced pass)"))
		}
	}

	// Every P busy.
	ringC, osfC := blk("roshambo", "ring", LoadCPU), blk("osfile", "read", LoadCPU)
	gs = append(gs, res.ratioGoal("cpu: roshambo ring P50 <= 0.01x osfile P50", ringC, osfC, 0.5, 0.01, "ring %s, osfile %s"))
	gs = append(gs, res.ratioGoal("cpu: roshambo ring P99 <= osfile P99", ringC, osfC, 0.99, 1, "ring %s, osfile %s"))

	// Hot mode against the floor.
	hot := res.ratioGoal("hot: end-to-end P50 <= 1.3x the busy-poll floor, idle", blk("roshambo-hot", "consumer", LoadIdle),
		blk("busypoll", "read", LoadIdle), 0.5, 1.3, "roshambo-hot consumer %s, busypoll %s")
	if hot.Status != latency.NotMeasured {
		hot.Detail += "; CPU " + coresStr(res.cpuCores("roshambo-hot", LoadIdle)) + " cores while hot (roshambo parked: " +
			coresStr(res.cpuCores("roshambo", LoadIdle)) + ", busypoll: " + coresStr(res.cpuCores("busypoll", LoadIdle)) + ")"
	}
	gs = append(gs, hot)

	// Allocations: the input layer's own, counted.
	var tot Allocs
	have := false
	for _, r := range res.Runs {
		if r.Allocs != nil && (r.Stage == "ring") {
			tot.add(*r.Allocs)
			have = true
		}
	}
	ag := Goal{Name: "allocations per key: the input layer's own 0 (roshambo, roshambo-hot, every load)", Status: latency.NotMeasured, Detail: "not measured in this run"}
	if have {
		ag.Status = latency.Fail
		if tot.Input == 0 {
			ag.Status = latency.Pass
		}
		ag.Detail = fmt.Sprintf("%d keys: input layer %d, runtime sudog cache %d, other %d (process-wide Mallocs %d)",
			tot.Keys, tot.Input, tot.RuntimeSudog, tot.Other, tot.Mallocs)
		if len(tot.OtherSites) > 0 {
			ag.Detail += fmt.Sprintf("; other sites: %v", tot.OtherSites)
		}
	}
	gs = append(gs, ag)

	// Earlier goals, judged the same way.
	ring, cons := blk("roshambo", "ring", LoadIdle), blk("roshambo", "consumer", LoadIdle)
	tc := blk("tcell", "read", LoadIdle)
	gs = append(gs, res.ratioGoal("idle: roshambo consumer P50 <= 0.8x tcell P50", cons, tc, 0.5, 0.8, "consumer %s, tcell %s"))
	gs = append(gs, res.ratioGoal("idle: roshambo consumer P99 <= tcell P99", cons, tc, 0.99, 1, "consumer %s, tcell %s"))
	gs = append(gs, res.ratioGoal("cpu1: roshambo ring P99 <= 0.7x osfile P99", blk("roshambo", "ring", LoadCPU1),
		blk("osfile", "read", LoadCPU1), 0.99, 0.7, "ring %s, osfile %s"))
	gs = append(gs, res.quantileGoal("idle: roshambo user-space part (epoll_wait return -> capture stamp) P99 < 2µs",
		blk("roshambo", "userspace", LoadIdle), 0.99, 2000))
	gs = append(gs, res.quantileGoal("ESC resolved in <= 1 ms (roshambo P99)", res.blocks[runKey{"roshambo", "esc", ""}], 0.99, 1_000_000))

	// Reported, not judged.
	bp := blk("busypoll", "read", LoadIdle)
	info := Goal{Name: "idle: ring P99 against the busy-poll floor (reported, not targeted)", Status: Info, Detail: "not measured in this run"}
	if ring.Len() > 0 && bp.Len() > 0 {
		est, iv := latency.RatioCI(ring, bp, 0.99, res.nres, res.seedFor(info.Name))
		info.Detail = fmt.Sprintf("ratio %.2f [%.2f, %.2f]: ring P99 %s, busypoll P99 %s", est, iv.Lo, iv.Hi,
			f(latency.Quantile(ring.Sorted(nil, nil), 0.99)), f(latency.Quantile(bp.Sorted(nil, nil), 0.99)))
	}
	gs = append(gs, info)
	return gs
}

func coresStr(c *float64) string {
	if c == nil || math.IsNaN(*c) {
		return "?"
	}
	return fmt.Sprintf("%.2f", *c)
}

package spybench

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"
)

// Goal statuses.
const (
	GoalPass    = "PASS"
	GoalFail    = "FAIL"
	GoalUnknown = "UNKNOWN" // a run the goal needs is missing or failed
	GoalInfo    = "INFO"    // a figure without a goal, shown beside them
)

// The goals' limits.
const (
	straceFactor        = 50  // targeted overhead ≤ 1/50 of strace's
	untargetedLimitNs   = 50  // ns added per write of an untargeted process
	deliveryRate        = 1e6 // writes/s at which delivery must be 100%
	revealP99LimitNs    = 100_000
	gamePaceMinPeriodNs = int64(time.Millisecond) // a run this slow or slower is a game-pace run
)

func isGamePace(r Run) bool {
	return r.Rate > 0 && float64(time.Second)/r.Rate >= float64(gamePaceMinPeriodNs)
}

// find returns the first OK run matching tracer, sink and rate (and, for the
// spy, the wake-up policy "" = any).
func find(runs []Run, tracer, sink string, rate float64, wakeup string) *Run {
	for i := range runs {
		r := &runs[i]
		if r.Tracer == tracer && r.Sink == sink && r.Rate == rate && r.Status == StatusOK && (wakeup == "" || r.Wakeup == wakeup) {
			return r
		}
	}
	return nil
}

// findSpy returns the OK spy run (tracer is one of the spy's) with sink,
// rate, wake-up policy and ring size (0: the spy's default).
func findSpy(runs []Run, tracer, sink string, rate float64, wakeup string, ringSize int) *Run {
	for i := range runs {
		r := &runs[i]
		if r.Tracer == tracer && r.Sink == sink && r.Rate == rate && r.Status == StatusOK && r.Wakeup == wakeup && r.RingSize == effRing(ringSize) {
			return r
		}
	}
	return nil
}

// rowName is the run's tracer, with the spy's wake-up policy when it is not
// adaptive and its ring size when it is not the default: e.g.
// "roshambo-spy (parked, 4 MiB ring)".
func rowName(r Run) string {
	var tags []string
	if r.Wakeup != "" && r.Wakeup != "adaptive" {
		tags = append(tags, r.Wakeup)
	}
	if r.RingSize != 0 && r.RingSize != effRing(0) {
		tags = append(tags, fmtBytes(r.RingSize)+" ring")
	}
	if len(tags) == 0 {
		return r.Tracer
	}
	return r.Tracer + " (" + strings.Join(tags, ", ") + ")"
}

// fmtBytes prints a size in KiB or MiB when it is a whole number of them.
func fmtBytes(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// checkGoals evaluates the benchmark's goals on the runs of one
// invocation: the spy's targeted overhead against bpftrace's and strace's,
// its untargeted overhead, delivery at 1M writes/s and reveal latency at
// game pace, with figures shown beside them (a polling reader, the reveal
// latency at 100k writes/s).
func checkGoals(runs []Run, opt *options) []Goal {
	j := newJudge(runs, opt)
	goals := []Goal{
		j.overheadGoal("targeted overhead <= bpftrace's (per-event printf); "+j.judged, TracerBpftrace,
			func(p float64) float64 { return p }),
		j.overheadGoal(fmt.Sprintf("targeted overhead <= 1/%d of strace's; %s", straceFactor, j.judged), TracerStrace,
			func(p float64) float64 { return p / straceFactor }),
	}
	if g, ok := j.pollingInfo(); ok {
		goals = append(goals, g)
	}
	goals = append(goals, j.untargetedGoal(), j.deliveryGoal(), j.gamePaceGoal())
	if g, ok := j.fastRevealInfo(); ok {
		goals = append(goals, g)
	}
	return goals
}

// judge holds what every goal is judged on.
type judge struct {
	runs []Run
	opt  *options
	// base is the rate of the overhead goals: they are judged on unpaced
	// runs, which measure the cost of a write, not the pacing; rn names it.
	base float64
	rn   string
	// judged says which wake-up policy the overhead goals are judged on
	// (--wakeup) and which one is shown beside (--compare-wakeup).
	judged string
}

func newJudge(runs []Run, opt *options) *judge {
	j := &judge{runs: runs, opt: opt, base: overheadRate(opt)}
	j.rn = rateName(j.base)
	j.judged = fmt.Sprintf("judged on wake-up %s", opt.wakeup)
	if opt.compareWakeup != "" {
		j.judged += fmt.Sprintf(", %s shown beside", opt.compareWakeup)
	}
	return j
}

// spyRow is the run of one of the spy's tracers in the spy's judged
// configuration (--wakeup, --ring-size).
func (j *judge) spyRow(tracer, sink string, rate float64) *Run {
	return findSpy(j.runs, tracer, sink, rate, j.opt.wakeup, j.opt.ringSize)
}

// overheadGoal compares the spy's targeted overhead on each sink with a
// peer's: it must be at most limit(the peer's overhead).
func (j *judge) overheadGoal(name, peer string, limit func(peerOv float64) float64) Goal {
	g := Goal{Name: name, Status: GoalPass}
	var parts []string
	seen := false
	for _, sink := range j.opt.sinks {
		s, p := j.spyRow(TracerSpy, sink, j.base), find(j.runs, peer, sink, j.base, "")
		if s == nil || p == nil || s.OverheadShortNs == nil || p.OverheadShortNs == nil {
			parts = append(parts, fmt.Sprintf("%s %s: no %s/%s pair of runs", sink, j.rn, TracerSpy, peer))
			continue
		}
		seen = true
		lim := limit(*p.OverheadShortNs)
		ok := *s.OverheadShortNs <= lim
		if !ok {
			g.Status = GoalFail
		}
		part := fmt.Sprintf("%s %s: spy %+.0f ns, %s %+.0f ns, limit <= %.0f ns: %s (plain means: spy %+.0f, %s %+.0f)",
			sink, j.rn, *s.OverheadShortNs, peer, *p.OverheadShortNs, lim, passWord(ok), *s.OverheadNs, peer, *p.OverheadNs)
		if c := findSpy(j.runs, TracerSpy, sink, j.base, j.opt.compareWakeup, j.opt.ringSize); j.opt.compareWakeup != "" && c != nil && c.OverheadShortNs != nil {
			part += fmt.Sprintf(" [%s: spy %+.0f ns: would %s]", j.opt.compareWakeup, *c.OverheadShortNs, passWord(*c.OverheadShortNs <= lim))
		}
		parts = append(parts, part)
	}
	if !seen {
		g.Status = GoalUnknown
	}
	g.Detail = strings.Join(parts, "; ")
	return g
}

// pollingInfo shows the overhead of the polling reader beside the blocking
// one: no goal, it shows what the wake-ups cost. ok is false without
// polling runs.
func (j *judge) pollingInfo() (g Goal, ok bool) {
	var parts []string
	for _, sink := range j.opt.sinks {
		q, s := j.spyRow(TracerSpyPoll, sink, j.base), j.spyRow(TracerSpy, sink, j.base)
		if q == nil || q.OverheadShortNs == nil {
			continue
		}
		part := fmt.Sprintf("%s %s: %s %+.0f ns", sink, j.rn, TracerSpyPoll, *q.OverheadShortNs)
		if s != nil && s.OverheadShortNs != nil {
			part += fmt.Sprintf(" vs blocking reader %+.0f ns", *s.OverheadShortNs)
		}
		part += fmt.Sprintf(", delivered %d/%d, dropped %d, reveal P50 %s", derefOr(q.Delivered, 0), q.Expected, derefOr(q.Dropped, 0), fmtNs(derefOr(q.LatencyP50Ns, 0)))
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return Goal{}, false
	}
	return Goal{Name: fmt.Sprintf("targeted overhead with a reader polling every %v (fewer kernel wake-ups)", j.opt.spyPoll),
		Status: GoalInfo, Detail: strings.Join(parts, "; ")}, true
}

// untargetedGoal: a process the spy does not follow pays at most
// untargetedLimitNs per write, and none of its writes is reported.
func (j *judge) untargetedGoal() Goal {
	g := Goal{Name: fmt.Sprintf("untargeted overhead <= %d ns per write", untargetedLimitNs), Status: GoalUnknown}
	var parts []string
	for _, sink := range j.opt.sinks {
		o := j.spyRow(TracerSpyOther, sink, j.base)
		if o == nil || o.OverheadShortNs == nil {
			parts = append(parts, fmt.Sprintf("%s %s: no %s run", sink, j.rn, TracerSpyOther))
			continue
		}
		ok := *o.OverheadShortNs <= untargetedLimitNs
		leak := ""
		if o.Delivered != nil && *o.Delivered != 0 {
			leak = fmt.Sprintf(" (and %d of its writes were reported: the filter leaks)", *o.Delivered)
			ok = false
		}
		g.Status = judgeStatus(g.Status, ok)
		parts = append(parts, fmt.Sprintf("%s %s: %+.0f ns: %s%s (plain mean %+.0f; medians %d vs none %d)", sink, j.rn, *o.OverheadShortNs,
			passWord(*o.OverheadShortNs <= untargetedLimitNs), leak, *o.OverheadNs, o.WriteP50Ns, noneP50(j.runs, sink, j.base)))
	}
	g.Detail = strings.Join(parts, "; ")
	return g
}

// judgeStatus folds one judged figure into a goal's status: the first
// makes an UNKNOWN goal PASS, any failure makes it FAIL.
func judgeStatus(status string, ok bool) string {
	switch {
	case !ok:
		return GoalFail
	case status == GoalUnknown:
		return GoalPass
	}
	return status
}

// deliveredAll reports whether a run delivered every write and dropped none.
func deliveredAll(r *Run) bool {
	return r.Delivered != nil && *r.Delivered == r.Expected && r.Dropped != nil && *r.Dropped == 0
}

// deliveryGoal: 100% delivery at 1M writes/s, judged on the default
// configuration; the other spy rows at 1M/s (another policy, a larger
// ring) are shown beside it, and the goal says which configurations
// delivered everything on every sink.
func (j *judge) deliveryGoal() Goal {
	g := Goal{Name: fmt.Sprintf("100%% delivery at paced 1M writes/s; judged on wake-up %s with a %s ring", j.opt.wakeup, fmtBytes(effRing(j.opt.ringSize))), Status: GoalUnknown}
	var parts []string
	full := map[string]int{} // row name -> sinks on which it delivered everything
	var names []string
	for _, sink := range j.opt.sinks {
		s := j.spyRow(TracerSpy, sink, deliveryRate)
		if s == nil || s.Delivered == nil {
			parts = append(parts, fmt.Sprintf("%s: no %s run at 1M/s", sink, TracerSpy))
			continue
		}
		ok := deliveredAll(s)
		g.Status = judgeStatus(g.Status, ok)
		part := fmt.Sprintf("%s: spy %d/%d, %d dropped (achieved %.0f writes/s): %s", sink, *s.Delivered, s.Expected, derefOr(s.Dropped, -1), s.AchievedRate, passWord(ok))
		for i := range j.runs {
			r := &j.runs[i]
			if r.Tracer != TracerSpy || r.Sink != sink || r.Rate != deliveryRate || r.Status != StatusOK || r.Delivered == nil {
				continue
			}
			name := rowName(*r)
			if !contains(names, name) {
				names = append(names, name)
			}
			if deliveredAll(r) {
				full[name]++
			}
			if r != s {
				part += fmt.Sprintf("; %s %d/%d, %d dropped (%.0f writes/s)", name, *r.Delivered, r.Expected, derefOr(r.Dropped, -1), r.AchievedRate)
			}
		}
		if p := find(j.runs, TracerBpftrace, sink, deliveryRate, ""); p != nil && p.Delivered != nil && p.Expected > 0 {
			part += fmt.Sprintf(" [bpftrace %d/%d = %.1f%%, Lost %d]", *p.Delivered, p.Expected, 100*float64(*p.Delivered)/float64(p.Expected), derefOr(p.Dropped, 0))
		}
		parts = append(parts, part)
	}
	if len(names) > 0 {
		parts = append(parts, j.fullDelivery(names, full))
	}
	g.Detail = strings.Join(parts, "; ")
	return g
}

// fullDelivery names the spy configurations (rows) that delivered
// everything on every sink.
func (j *judge) fullDelivery(names []string, full map[string]int) string {
	var good []string
	for _, n := range names {
		if full[n] == len(j.opt.sinks) {
			good = append(good, n)
		}
	}
	if len(good) == 0 {
		return "no spy configuration measured here delivered 100% on every sink (a larger --delivery-ring-size may)"
	}
	return "delivered 100% on every sink: " + strings.Join(good, ", ")
}

// gamePaceGoal: the reveal latency's P99 at game pace, judged on the first
// of --game-wakeups (adaptive by default); the others are shown for
// comparison.
func (j *judge) gamePaceGoal() Goal {
	g := Goal{Name: fmt.Sprintf("reveal P99 <= %s at game pace", fmtNs(revealP99LimitNs)), Status: GoalUnknown}
	if len(j.opt.gameWakeups) > 0 {
		g.Name += "; judged on wake-up " + j.opt.gameWakeups[0]
	}
	var parts []string
	for _, r := range j.runs {
		if r.Tracer != TracerSpy || !isGamePace(r) || r.Status != StatusOK || r.LatencyP99Ns == nil {
			continue
		}
		ok := *r.LatencyP99Ns <= revealP99LimitNs
		tag := " (for comparison)"
		if len(j.opt.gameWakeups) > 0 && r.Wakeup == j.opt.gameWakeups[0] && r.RingSize == effRing(j.opt.ringSize) {
			g.Status = judgeStatus(g.Status, ok)
			tag = ""
		}
		parts = append(parts, fmt.Sprintf("wake-up %s%s: P50 %s, P99 %s, max %s over %d samples: %s",
			r.Wakeup, tag, fmtNs(*r.LatencyP50Ns), fmtNs(*r.LatencyP99Ns), fmtNs(derefOr(r.LatencyMaxNs, 0)), r.LatencySamples, passWord(ok)))
	}
	if len(parts) == 0 {
		parts = append(parts, "no game-pace spy run")
	}
	g.Detail = strings.Join(parts, "; ")
	return g
}

// fastRevealInfo shows the reveal latency at 100k writes/s: no goal. ok is
// false without such runs.
func (j *judge) fastRevealInfo() (g Goal, ok bool) {
	var parts []string
	for _, sink := range j.opt.sinks {
		if s := j.spyRow(TracerSpy, sink, 1e5); s != nil && s.LatencyP99Ns != nil {
			parts = append(parts, fmt.Sprintf("%s: P50 %s, P99 %s", sink, fmtNs(*s.LatencyP50Ns), fmtNs(*s.LatencyP99Ns)))
		}
	}
	if len(parts) == 0 {
		return Goal{}, false
	}
	return Goal{Name: "reveal latency at 100k writes/s", Status: GoalInfo, Detail: strings.Join(parts, "; ")}, true
}

func noneP50(runs []Run, sink string, rate float64) int64 {
	if n := find(runs, TracerNone, sink, rate, ""); n != nil {
		return n.WriteP50Ns
	}
	return 0
}

func passWord(ok bool) string {
	if ok {
		return GoalPass
	}
	return GoalFail
}

func containsRate(rates []float64, r float64) bool {
	for _, x := range rates {
		if x == r {
			return true
		}
	}
	return false
}

func derefOr(p *int64, def int64) int64 {
	if p == nil {
		return def
	}
	return *p
}

// fmtNs prints a duration in ns, µs or ms with three significant digits.
func fmtNs(ns int64) string {
	v := float64(ns)
	switch {
	case math.Abs(v) >= 1e6:
		return fmt.Sprintf("%.3g ms", v/1e6)
	case math.Abs(v) >= 1e3:
		return fmt.Sprintf("%.3g µs", v/1e3)
	}
	return fmt.Sprintf("%d ns", ns)
}

// writeTable prints the runs, the goals and the notes.
func writeTable(w io.Writer, rep *Report) {
	fmt.Fprintf(w, "roshambo-bench spy: cost of watching a process's writes, in ns per write call as the writer times it\n")
	fmt.Fprintf(w, "(mean<1ms leaves out the calls during which the writer lost its CPU to another process: 'stalls'; the goals use it)\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "sink\trate\ttracer\tmean\toverhead\tmean<1ms\toverhead<1ms\tP50\tstalls\tdelivered/expected\tdropped\treveal P50\treveal P99\t")
	for _, r := range rep.Runs {
		rate := rateName(r.Rate)
		if isGamePace(r) {
			rate = "game " + fmtNs(int64(float64(time.Second)/r.Rate))
		}
		tracer := rowName(r)
		if r.Status != StatusOK {
			// The reason goes below the table, which stays narrow.
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\t\t\t\t\t\t\t\t\t\n", r.Sink, rate, tracer, strings.ToUpper(r.Status))
			continue
		}
		num := func(p *float64, sign bool) string {
			switch {
			case p == nil:
				return "-"
			case sign:
				return fmt.Sprintf("%+.0f", *p)
			}
			return fmt.Sprintf("%.0f", *p)
		}
		ov, ovs := num(r.OverheadNs, true), num(r.OverheadShortNs, true)
		if r.Tracer == TracerNone {
			ov, ovs = "-", "-"
		}
		del := "-"
		if r.Delivered != nil {
			del = fmt.Sprintf("%d/%d", *r.Delivered, r.Expected)
		}
		drop := "-"
		if r.Dropped != nil {
			drop = fmt.Sprint(*r.Dropped)
		}
		p50, p99 := "-", "-"
		if r.LatencyP50Ns != nil {
			p50, p99 = fmtNs(*r.LatencyP50Ns), fmtNs(*r.LatencyP99Ns)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t\n", r.Sink, rate, tracer,
			num(r.NsPerWrite, false), ov, num(r.NsPerWriteShort, false), ovs, r.WriteP50Ns, r.Stalls, del, drop, p50, p99)
	}
	tw.Flush()
	var notes []string
	for _, r := range rep.Runs {
		switch {
		case r.Status != StatusOK:
			notes = append(notes, fmt.Sprintf("%s %s %s: %s: %s", r.Sink, rateName(r.Rate), rowName(r), strings.ToUpper(r.Status), r.Note))
		case r.Note != "":
			notes = append(notes, fmt.Sprintf("%s %s %s: %s", r.Sink, rateName(r.Rate), rowName(r), r.Note))
		}
	}
	fmt.Fprintf(w, "\ngoals:\n")
	for _, g := range rep.Goals {
		fmt.Fprintf(w, "  %-7s %s\n          %s\n", g.Status, g.Name, g.Detail)
	}
	if len(rep.Notes)+len(notes) > 0 {
		fmt.Fprintf(w, "\nnotes:\n")
		for _, n := range append(append([]string{}, rep.Notes...), notes...) {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
}

package spybench

import (
	"strings"
	"testing"
	"time"
)

func f64(v float64) *float64 { return &v }
func i64(v int64) *int64     { return &v }

// goalRuns is one invocation's runs on one sink: unpaced overheads, a 1M/s
// delivery run and a game-pace run, with figures that pass every goal.
func goalRuns() []Run {
	ok := func(r Run) Run {
		r.Sink, r.Status = sinkDevNull, StatusOK
		if r.Tracer == TracerSpy || r.Tracer == TracerSpyOther {
			r.Wakeup, r.RingSize = "adaptive", effRing(0)
		}
		return r
	}
	return []Run{
		ok(Run{Tracer: TracerNone, OverheadShortNs: f64(0), OverheadNs: f64(0), WriteP50Ns: 300}),
		ok(Run{Tracer: TracerSpy, OverheadShortNs: f64(150), OverheadNs: f64(160)}),
		ok(Run{Tracer: TracerBpftrace, OverheadShortNs: f64(2000), OverheadNs: f64(2100)}),
		ok(Run{Tracer: TracerStrace, OverheadShortNs: f64(20000), OverheadNs: f64(21000)}),
		ok(Run{Tracer: TracerSpyOther, OverheadShortNs: f64(20), OverheadNs: f64(25), Delivered: i64(0), WriteP50Ns: 320}),
		ok(Run{Tracer: TracerSpy, Rate: deliveryRate, Delivered: i64(1000), Expected: 1000, Dropped: i64(0), AchievedRate: 9.9e5}),
		ok(Run{Tracer: TracerSpy, Rate: 50, LatencyP50Ns: i64(20_000), LatencyP99Ns: i64(60_000), LatencyMaxNs: i64(90_000), LatencySamples: 400}),
	}
}

func goalOptions() *options {
	return &options{sinks: []string{sinkDevNull}, rates: []float64{0, deliveryRate}, wakeup: "adaptive",
		gameWakeups: []string{"adaptive"}, spyPoll: 200 * time.Microsecond}
}

// TestCheckGoals: each goal passes on good figures, fails on the figure
// that breaks it, and is unknown without the runs it needs.
func TestCheckGoals(t *testing.T) {
	statuses := func(runs []Run) map[string]string {
		m := map[string]string{}
		for _, g := range checkGoals(runs, goalOptions()) {
			key := strings.Fields(g.Name)[0] + " " + strings.Fields(g.Name)[1]
			m[key] = g.Status
		}
		return m
	}
	want := map[string]string{"targeted overhead": GoalPass, "untargeted overhead": GoalPass, "100% delivery": GoalPass, "reveal P99": GoalPass}
	good := statuses(goalRuns())
	for k, v := range want {
		if good[k] != v {
			t.Errorf("good figures: %q is %s, want %s (%v)", k, good[k], v, good)
		}
	}
	for _, tc := range []struct {
		name   string
		change func(rs []Run) []Run
		goal   string
		status string
	}{
		{"slower than bpftrace", func(rs []Run) []Run { rs[1].OverheadShortNs = f64(2500); return rs }, "targeted overhead", GoalFail},
		{"untargeted too slow", func(rs []Run) []Run { rs[4].OverheadShortNs = f64(80); return rs }, "untargeted overhead", GoalFail},
		{"the filter leaks", func(rs []Run) []Run { rs[4].Delivered = i64(3); return rs }, "untargeted overhead", GoalFail},
		{"no untargeted run", func(rs []Run) []Run { return append(rs[:4], rs[5:]...) }, "untargeted overhead", GoalUnknown},
		{"a drop at 1M/s", func(rs []Run) []Run { rs[5].Dropped = i64(1); return rs }, "100% delivery", GoalFail},
		{"no 1M/s run", func(rs []Run) []Run { return append(rs[:5], rs[6:]...) }, "100% delivery", GoalUnknown},
		{"slow reveal", func(rs []Run) []Run { rs[6].LatencyP99Ns = i64(150_000); return rs }, "reveal P99", GoalFail},
		{"no game-pace run", func(rs []Run) []Run { return rs[:6] }, "reveal P99", GoalUnknown},
	} {
		if got := statuses(tc.change(goalRuns()))[tc.goal]; got != tc.status {
			t.Errorf("%s: %q is %s, want %s", tc.name, tc.goal, got, tc.status)
		}
	}
}

package capture

import (
	"fmt"

	"github.com/roshambo-game/roshambo/internal/latency"
)

// Goal is one of the benchmark's goals, evaluated on this run's figures.
type Goal struct {
	Name   string `json:"name"`
	Status string `json:"status"` // PASS, FAIL, or N/A (figures missing)
	Detail string `json:"detail"`
}

func status(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// evaluateGoals checks the benchmark's goals against the results.
func evaluateGoals(res *Result) []Goal {
	var gs []Goal
	add := func(name string, have bool, ok bool, detail string, args ...any) {
		g := Goal{Name: name, Status: "N/A", Detail: "not measured in this run"}
		if have {
			g.Status, g.Detail = status(ok), fmt.Sprintf(detail, args...)
		}
		gs = append(gs, g)
	}
	f := latency.FormatNs

	// Guard.
	if res.IdleCPUPct != nil {
		p := *res.IdleCPUPct
		add("guard: input layer idle CPU < 1% of a core", true, p < 1, "%.3f%% over the idle period", p)
	} else {
		add("guard: input layer idle CPU < 1% of a core", false, false, "")
	}

	ring, okR := res.Find("roshambo", "ring", LoadIdle)
	cons, okC := res.Find("roshambo", "consumer", LoadIdle)
	osf, okO := res.Find("osfile", "read", LoadIdle)
	tc, okT := res.Find("tcell", "read", LoadIdle)
	add("idle: roshambo ring P50 <= osfile P50", okR && okO, ring.P50 <= osf.P50,
		"ring P50 %s, osfile P50 %s", f(ring.P50), f(osf.P50))
	add("idle: roshambo consumer P50 <= 0.8x tcell P50", okC && okT, float64(cons.P50) <= 0.8*float64(tc.P50),
		"consumer P50 %s, 0.8x tcell P50 = %s (ratio %.2f)", f(cons.P50), f(int64(0.8*float64(tc.P50))), latency.Ratio(cons.P50, tc.P50))
	add("idle: roshambo consumer P99 <= tcell P99", okC && okT, cons.P99 <= tc.P99,
		"consumer P99 %s, tcell P99 %s", f(cons.P99), f(tc.P99))
	add("idle: roshambo 0 allocations per key", okR, ring.AllocsPerKey == 0,
		"%.4f allocs/key (%.0f allocations over %d keys, process-wide Mallocs delta)", ring.AllocsPerKey, ring.AllocsPerKey*float64(ring.N), ring.N)

	ringC, okRC := res.Find("roshambo", "ring", LoadCPU)
	osfC, okOC := res.Find("osfile", "read", LoadCPU)
	procs := func(r Run) string {
		return fmt.Sprintf("%d busy goroutines, GOMAXPROCS %d", r.LoadGoroutines, r.GOMAXPROCS)
	}
	add("cpu: roshambo ring P50 <= 0.01x osfile P50", okRC && okOC, float64(ringC.P50) <= 0.01*float64(osfC.P50),
		"ring P50 %s, osfile P50 %s (ratio %.3f); roshambo reserves a P: %s for roshambo, %s for osfile",
		f(ringC.P50), f(osfC.P50), latency.Ratio(ringC.P50, osfC.P50), procs(ringC), procs(osfC))
	add("cpu: roshambo ring P99 <= osfile P99", okRC && okOC, ringC.P99 <= osfC.P99,
		"ring P99 %s, osfile P99 %s", f(ringC.P99), f(osfC.P99))

	// cpuall: the load holds roshambo's reserved P too. Reported, not a
	// goal.
	ringA, okRA := res.Find("roshambo", "ring", LoadCPUAll)
	osfA, okOA := res.Find("osfile", "read", LoadCPUAll)
	gs = append(gs, Goal{Name: "cpuall: every P busy, the reserved P included (reported, not targeted)", Status: "INFO",
		Detail: func() string {
			if !okRA || !okOA {
				return "not measured in this run"
			}
			return fmt.Sprintf("ring P50 %s, P99 %s; osfile P50 %s, P99 %s (P50 ratio %.3f); %s for roshambo",
				f(ringA.P50), f(ringA.P99), f(osfA.P50), f(osfA.P99), latency.Ratio(ringA.P50, osfA.P50), procs(ringA))
		}()})

	ring1, okR1 := res.Find("roshambo", "ring", LoadCPU1)
	osf1, okO1 := res.Find("osfile", "read", LoadCPU1)
	add("cpu1: roshambo ring P99 <= 0.7x osfile P99", okR1 && okO1, float64(ring1.P99) <= 0.7*float64(osf1.P99),
		"ring P99 %s, osfile P99 %s (ratio %.2f)", f(ring1.P99), f(osf1.P99), latency.Ratio(ring1.P99, osf1.P99))

	var us *LoadSummary
	for i := range res.Breakdown.UserSpace {
		if res.Breakdown.UserSpace[i].Load == LoadIdle {
			us = &res.Breakdown.UserSpace[i]
		}
	}
	add("user-space part (epoll_wait return -> capture stamp) P99 < 2µs, idle", us != nil, us != nil && us.P99 < 2000,
		"P99 %s (P50 %s, max %s)", fnz(us, func(s *LoadSummary) int64 { return s.P99 }),
		fnz(us, func(s *LoadSummary) int64 { return s.P50 }), fnz(us, func(s *LoadSummary) int64 { return s.Max }))

	if ks, ok := res.Breakdown.Kernel.([]KernelSplit); ok {
		for _, k := range ks {
			if k.Load == LoadIdle && len(gs) > 0 {
				gs[len(gs)-1].Detail += fmt.Sprintf("; eBPF, from the epoll_wait syscall's return (incl. Go's syscall exit): P50 %s, P99 %s",
					f(k.User.P50), f(k.User.P99))
			}
		}
	}

	var esc *ESCRun
	for i := range res.ESC {
		if res.ESC[i].Reader == "roshambo" {
			esc = &res.ESC[i]
		}
	}
	add("ESC resolved in <= 1 ms (roshambo P99)", esc != nil, esc != nil && esc.P99 <= 1_000_000,
		"P50 %s, P99 %s, max %s", escF(esc, 0), escF(esc, 1), escF(esc, 2))

	bp, okB := res.Find("busypoll", "read", LoadIdle)
	gs = append(gs, Goal{Name: "idle P99 against the busy-poll floor (reported, not targeted)", Status: "INFO",
		Detail: func() string {
			if !okR || !okB {
				return "not measured in this run"
			}
			return fmt.Sprintf("ring P99 %s, busypoll P99 %s (ratio %.2f)", f(ring.P99), f(bp.P99), latency.Ratio(ring.P99, bp.P99))
		}()})
	return gs
}

func fnz(s *LoadSummary, get func(*LoadSummary) int64) string {
	if s == nil {
		return "-"
	}
	return latency.FormatNs(get(s))
}

func escF(e *ESCRun, which int) string {
	if e == nil {
		return "-"
	}
	return latency.FormatNs([]int64{e.P50, e.P99, e.Max}[which])
}

//go:build linux

package capture

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/roshambo-game/roshambo/internal/latency"
)

// WriteReport prints the human report: the machine, a table and a CDF chart
// per load, the user-space part, the ESC test, the idle CPU guard, the
// breakdown note, errors and the goals.
func WriteReport(w io.Writer, res *Result) error {
	var b strings.Builder
	writeVerdicts(&b, res.Verdict)
	b.WriteString("\n")
	m := res.Machine
	fmt.Fprintf(&b, "roshambo-bench capture: kernel %s, %d CPUs, %s; gap %s (%s-%s random), %d samples per reader and load in blocks of %d after %d warm-up each\n",
		res.Kernel, res.CPUs, res.Go, res.Gap, latency.FormatNs(res.GapMinNs), latency.FormatNs(res.GapMaxNs), res.Samples, res.Block, res.Warmup)
	haltpoll := "not active"
	if m.Haltpoll {
		haltpoll = "active"
	}
	if m.GuestHaltPollNs != "" {
		haltpoll += ", guest_halt_poll_ns " + m.GuestHaltPollNs
	}
	fmt.Fprintf(&b, "machine: cpuidle driver %s, governor %s, haltpoll %s; clocksource %s; load average %s before, %s after; %.0f s\n",
		m.CPUIdleDriver, m.CPUIdleGovernor, haltpoll, m.Clocksource, m.LoadBefore, m.LoadAfter, res.ElapsedS)
	fmt.Fprintf(&b, "Interleaved: %s, so that drift hits every reader alike.\n", res.Interleaving)
	b.WriteString("Latency: CLOCK_MONOTONIC just before the writer process's 1-byte write to the pty master -> the reader's stamp. [lo, hi] are 95% intervals (bootstrap over blocks).\n")
	b.WriteString("cpu = the process's CPU time per wall second over the measured samples (the load's goroutines included); allocs/key is process-wide (Mallocs delta over the measured samples).\n\n")
	for _, ld := range res.Loads {
		t := latency.Table{
			Title:  fmt.Sprintf("load %s — %s", ld, loadDescription(ld)),
			Header: []string{"reader", "stage", "n", "blocks", "P50 [95% CI]", "P99 [95% CI]", "P99.9", "max", "cpu", "allocs/key"},
		}
		var series []latency.Series
		for _, run := range res.Runs {
			if run.Load != ld {
				continue
			}
			n := fmt.Sprint(run.N)
			if run.Truncated {
				n += "*"
			}
			allocs := "?"
			if run.AllocsPerKey >= 0 {
				allocs = fmt.Sprintf("%.3f", run.AllocsPerKey)
			}
			cpu := "?"
			if run.CPUCores >= 0 {
				cpu = fmt.Sprintf("%.2f", run.CPUCores)
			}
			t.Add(run.Reader, run.Stage, n, fmt.Sprint(run.Blocks), formatCI(run.P50, run.P50CI), formatCI(run.P99, run.P99CI),
				latency.FormatNs(run.P999), latency.FormatNs(run.Max), cpu, allocs)
			if rec := res.Recorder(run.Reader, run.Stage, ld); rec != nil {
				series = append(series, latency.Series{Name: run.Reader + "/" + run.Stage, Rec: rec})
			}
		}
		if len(t.Rows) == 0 {
			continue
		}
		if err := t.Write(&b); err != nil {
			return err
		}
		if hasTruncated(res, ld) {
			b.WriteString("* truncated by the per-run time budget (--budget): blocks skipped or stopped early\n")
		}
		if ld != LoadIdle {
			b.WriteString(procsLine(res, ld))
		}
		b.WriteString("\n")
		_ = latency.WriteCDF(&b, series, 64, 12)
		b.WriteString("\n")
	}
	for _, r := range res.Runs {
		if r.Allocs != nil && r.Stage == "ring" {
			a := r.Allocs
			fmt.Fprintf(&b, "allocations, %s under %s: %d over %d measured keys: input layer %d, runtime sudog cache %d, other %d",
				r.Reader, r.Load, a.Mallocs, a.Keys, a.Input, a.RuntimeSudog, a.Other)
			if len(a.OtherSites) > 0 {
				fmt.Fprintf(&b, " %v", a.OtherSites)
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n")
	if len(res.Breakdown.Parts) > 0 {
		t := latency.Table{Title: "Where the time goes, every reader (separate eBPF-traced pass, interleaved the same way): kernel part = write -> a thread of the reader woken (flush work included); reader part = woken -> the reader's stamp (scheduling, syscall exit, the reader's code and hand-offs)",
			Header: []string{"load", "reader", "stage", "n", "kernel P50", "kernel P99", "reader P50", "reader P99", "not woken"}}
		for _, p := range res.Breakdown.Parts {
			t.Add(p.Load, p.Reader, p.Stage, fmt.Sprint(p.N), formatCI(p.Kernel.P50, p.Kernel.P50CI), formatCI(p.Kernel.P99, p.Kernel.P99CI),
				formatCI(p.ReaderPart.P50, p.ReaderPart.P50CI), formatCI(p.ReaderPart.P99, p.ReaderPart.P99CI), fmt.Sprint(p.NotWoken))
		}
		_ = t.Write(&b)
		b.WriteString("not woken: samples for which no thread of the reader was woken (it was running: busy-poll, hot mode); their kernel part ends when flush_to_ldisc finishes.\n\n")
	}
	if len(res.Breakdown.UserSpace) > 0 {
		t := latency.Table{Title: "roshambo user-space part without eBPF: Chunk.Woke -> Chunk.Time (epoll_wait back in Go code -> capture stamp; the publish is one atomic store after it)",
			Header: []string{"load", "n", "P50 [95% CI]", "P99 [95% CI]", "max"}}
		for _, u := range res.Breakdown.UserSpace {
			t.Add(u.Load, fmt.Sprint(u.Count), formatCI(u.P50, u.P50CI), formatCI(u.P99, u.P99CI), latency.FormatNs(u.Max))
		}
		_ = t.Write(&b)
		b.WriteString("\n")
	}
	if ks, ok := res.Breakdown.Kernel.([]KernelSplit); ok && len(ks) > 0 {
		t := latency.Table{Title: "roshambo's ring stage step by step (same traced pass): the steps add up to the total",
			Header: append([]string{"load", "step"}, latency.SummaryHeader...)}
		for _, k := range ks {
			for _, st := range []struct {
				name string
				s    latency.Summary
			}{
				{"flush: write -> reader thread woken", k.Flush},
				{"  of which: write -> worker starts flush_to_ldisc", k.WorkerStart},
				{"sched: woken -> switched in", k.Sched},
				{"syscall exit: switched in -> epoll_wait returns", k.SyscallExit},
				{"user: epoll_wait returns -> capture stamp", k.User},
				{"total: write -> capture stamp", k.Total},
			} {
				t.Add(append([]string{k.Load, st.name}, latency.SummaryCells(st.s)...)...)
			}
			t.Add(k.Load, fmt.Sprintf("(%d samples split, %d unmatched, %d events lost)", k.N, k.Unmatched, k.Lost))
		}
		_ = t.Write(&b)
		b.WriteString("\n")
	}
	if res.Breakdown.Note != "" {
		b.WriteString("breakdown: " + res.Breakdown.Note + "\n\n")
	}
	if len(res.ESC) > 0 {
		t := latency.Table{Title: "ESC test: lone ESC written to the master -> Esc key event",
			Header: append([]string{"reader"}, latency.SummaryHeader...)}
		for _, e := range res.ESC {
			t.Add(append([]string{e.Reader}, latency.SummaryCells(e.Summary)...)...)
		}
		_ = t.Write(&b)
		b.WriteString("\n")
	}
	if res.IdleCPUPct != nil {
		fmt.Fprintf(&b, "idle CPU guard: %.3f%% of one core (child process running only an input.Reader on an idle pty; user+system time of the whole process)\n\n", *res.IdleCPUPct)
	} else {
		fmt.Fprintf(&b, "idle CPU guard: %s\n\n", res.IdleCPUNote)
	}
	for _, e := range res.Errors {
		fmt.Fprintf(&b, "ERROR: %s\n", e)
	}
	if len(res.Errors) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("Goals (PASS: the 95% interval inside the bound; FAIL: outside; INCONCLUSIVE: it straddles the bound):\n")
	for _, g := range res.Goals {
		fmt.Fprintf(&b, "  [%s] %s: %s\n", g.Status, g.Name, g.Detail)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func hasTruncated(res *Result, ld string) bool {
	for _, r := range res.Runs {
		if r.Load == ld && r.Truncated {
			return true
		}
	}
	return false
}

func loadDescription(ld string) string {
	switch ld {
	case LoadIdle:
		return "nothing else running"
	case LoadCPU:
		return "GOMAXPROCS busy goroutines in the reader's process, counted before the reader opens (roshambo's Reader reserves one more P, which stays free)"
	case LoadCPUAll:
		return "GOMAXPROCS busy goroutines counted after the reader opened (they hold roshambo's reserved P too; for the peers the same as cpu)"
	case LoadCPU1:
		return "one busy goroutine in the reader's process"
	case LoadExt:
		return "a separate process spinning on every CPU"
	}
	return ld
}

// WritePlots draws the CDF plot of the first load to path and of every other
// load to path with "-<load>" before the extension. It returns the files
// written.
func WritePlots(path string, res *Result) ([]string, error) {
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext)
	var files []string
	for i, ld := range res.Loads {
		var series []latency.Series
		for _, run := range res.Runs {
			if run.Load != ld {
				continue
			}
			if rec := res.Recorder(run.Reader, run.Stage, ld); rec != nil {
				series = append(series, latency.Series{Name: run.Reader + " " + run.Stage, Rec: rec})
			}
		}
		if len(series) == 0 {
			continue
		}
		file := path
		if i > 0 {
			file = base + "-" + ld + ext
		}
		title := fmt.Sprintf("pty master write -> reader, load %s (%s, %d CPUs, gap %s)", ld, res.Kernel, res.CPUs, res.Gap)
		if err := latency.PlotCDF(file, title, series); err != nil {
			return files, err
		}
		files = append(files, file)
	}
	return files, nil
}

// procsLine says, per reader, how many Ps there were while it ran and how
// many of them the load's goroutines kept busy (roshambo's Reader reserves
// one P more than the application configured).
func procsLine(res *Result, ld string) string {
	var parts []string
	seen := map[string]bool{}
	for _, run := range res.Runs {
		if run.Load != ld || seen[run.Reader] {
			continue
		}
		seen[run.Reader] = true
		parts = append(parts, fmt.Sprintf("%s %d/%d", run.Reader, run.LoadGoroutines, run.GOMAXPROCS))
	}
	if len(parts) == 0 {
		return ""
	}
	return "busy load goroutines / GOMAXPROCS while reading: " + strings.Join(parts, ", ") + "\n"
}

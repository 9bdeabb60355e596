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
	fmt.Fprintf(&b, "roshambo-bench capture: kernel %s, %d CPUs, %s; gap %s (%s-%s random), %d samples per run after %d warm-up\n",
		res.Kernel, res.CPUs, res.Go, res.Gap, latency.FormatNs(res.GapMinNs), latency.FormatNs(res.GapMaxNs), res.Samples, res.Warmup)
	b.WriteString("Latency: CLOCK_MONOTONIC just before the writer process's 1-byte write to the pty master -> the reader's stamp.\n")
	b.WriteString("allocs/key is process-wide (runtime.MemStats.Mallocs delta over the measured keys).\n\n")
	for _, ld := range res.Loads {
		ring, hasRing := res.Find("roshambo", "ring", ld)
		bp, hasBP := res.Find("busypoll", "read", ld)
		t := latency.Table{
			Title:  fmt.Sprintf("load %s — %s", ld, loadDescription(ld)),
			Header: append(append([]string{"reader", "stage"}, latency.SummaryHeader...), "allocs/key", "p50/ring", "p99/ring", "p50/floor", "p99/floor"),
		}
		var series []latency.Series
		for _, run := range res.Runs {
			if run.Load != ld {
				continue
			}
			ratio := func(has bool, a, b int64) string {
				if !has {
					return "-"
				}
				return latency.FormatRatio(latency.Ratio(a, b))
			}
			n := fmt.Sprint(run.N)
			if run.Truncated {
				n += "*"
			}
			allocs := "?"
			if run.AllocsPerKey >= 0 {
				allocs = fmt.Sprintf("%.3f", run.AllocsPerKey)
			}
			cells := latency.SummaryCells(run.Summary)
			cells[0] = n
			row := append(append([]string{run.Reader, run.Stage}, cells...), allocs,
				ratio(hasRing, run.P50, ring.P50), ratio(hasRing, run.P99, ring.P99),
				ratio(hasBP, run.P50, bp.P50), ratio(hasBP, run.P99, bp.P99))
			t.Add(row...)
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
			b.WriteString("* truncated by the per-run time budget (--budget)\n")
		}
		b.WriteString("ring = roshambo ring stage, floor = busypoll, same load and run.\n")
		if ld != LoadIdle {
			b.WriteString(procsLine(res, ld))
		}
		b.WriteString("\n")
		_ = latency.WriteCDF(&b, series, 64, 12)
		b.WriteString("\n")
	}
	if len(res.Breakdown.UserSpace) > 0 {
		t := latency.Table{Title: "roshambo user-space part without eBPF: Chunk.Woke -> Chunk.Time (epoll_wait back in Go code -> capture stamp; the publish is one atomic store after it)",
			Header: append([]string{"load"}, latency.SummaryHeader...)}
		for _, u := range res.Breakdown.UserSpace {
			t.Add(append([]string{u.Load}, latency.SummaryCells(u.Summary)...)...)
		}
		_ = t.Write(&b)
		b.WriteString("\n")
	}
	if ks, ok := res.Breakdown.Kernel.([]KernelSplit); ok && len(ks) > 0 {
		t := latency.Table{Title: "eBPF breakdown of roshambo's ring stage (separate traced pass): the steps add up to the total",
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
	b.WriteString("Goals:\n")
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

//go:build linux

package screen

import (
	"fmt"
	"io"
	"strings"

	"github.com/roshambo-game/roshambo/internal/latency"
)

// WriteReport prints the verdict, then the table of every program.
func WriteReport(w io.Writer, res *Result) error {
	var b strings.Builder
	m, s := res.Machine, res.Settings
	fmt.Fprintf(&b, "roshambo-bench screen: key-to-screen latency (a key written to the pty master -> the program's screen update)\n")
	fmt.Fprintf(&b, "%s · %d CPUs · Linux %s · %s · load %.2f\n", res.Date, m.CPUs, m.Kernel, m.GoVersion, m.Load1)
	fmt.Fprintf(&b, "%dx%d, TERM=%s; %d keys per program, %s; gaps %s-%s; an update ends after %s of quiet\n\n",
		s.Cols, s.Rows, s.Term, s.Samples, s.Interleaving, latency.FormatNs(s.GapMinNs), latency.FormatNs(s.GapMaxNs), latency.FormatNs(s.QuietNs))
	if len(res.Verdict) > 0 {
		fmt.Fprintf(&b, "verdict (ratios in the same run; 95%% intervals from a paired bootstrap over groups of %d keys per program):\n", s.GroupKeys)
		for _, g := range res.Verdict {
			need := ""
			if g.NeedSamples > 0 {
				need = fmt.Sprintf(", about %d keys would settle it", g.NeedSamples)
			}
			fmt.Fprintf(&b, "  %-12s %s = %s [%s, %s] (bound %s, %d keys%s)\n", g.Status, g.Name,
				latency.FormatRatio(g.Value), latency.FormatRatio(g.CI[0]), latency.FormatRatio(g.CI[1]), latency.FormatRatio(g.Bound), g.N, need)
		}
		if s.StallProbeNs > 0 {
			st := res.Stalls
			fmt.Fprintf(&b, "  (a key met a stall when a probe thread, one per CPU waking every %s, woke over %s late between the key's write and its first byte;\n   the probes saw %d stalls %v by CPU, %s in all, the longest %s; keys that met one:%s)\n",
				latency.FormatNs(s.StallProbeNs), latency.FormatNs(s.StallLateNs), st.Count, st.PerCPU,
				latency.FormatNs(st.TotalNs), latency.FormatNs(st.MaxNs), stalledKeys(res.Runs))
		}
		b.WriteByte('\n')
	}
	t := latency.Table{
		Title:  "first byte of the update after a key (last byte: the whole update)",
		Header: []string{"program", "mode", "n", "p50", "p50 95% CI", "p90", "p99", "max", "last p50", "last p99", "bytes p50", "allocs/key"},
	}
	for _, r := range res.Runs {
		mode := r.Mode
		if mode == "" {
			mode = "-"
		}
		allocs := "-"
		if r.AllocsPerKey >= 0 {
			allocs = fmt.Sprintf("%.1f", r.AllocsPerKey)
		}
		if r.Samples == 0 {
			t.Add(r.Label, mode, "0", "-", "-", "-", "-", "-", "-", "-", "-", allocs)
			continue
		}
		t.Add(r.Label, mode, fmt.Sprint(r.Samples), latency.FormatNs(r.P50),
			latency.FormatNs(r.P50CI[0])+"-"+latency.FormatNs(r.P50CI[1]),
			latency.FormatNs(r.P90), latency.FormatNs(r.P99), latency.FormatNs(r.Max),
			latency.FormatNs(r.LastP50), latency.FormatNs(r.LastP99), fmt.Sprint(r.BytesP50), allocs)
	}
	if err := t.Write(&b); err != nil {
		return err
	}
	if ref := res.find("tcell"); ref != nil && ref.P50 > 0 {
		b.WriteString("\nP50 relative to the minimal tcell app: ")
		var parts []string
		for _, r := range res.Runs {
			if r.Samples > 0 {
				parts = append(parts, fmt.Sprintf("%s %s", r.Program, latency.FormatRatio(latency.Ratio(r.P50, ref.P50))))
			}
		}
		b.WriteString(strings.Join(parts, ", ") + "\n")
	}
	for _, r := range res.Runs {
		if r.Stray > 0 {
			fmt.Fprintf(&b, "%s wrote %d bytes outside the updates (after the quiet period)\n", r.Program, r.Stray)
		}
	}
	if len(res.Errors) > 0 {
		b.WriteString("\nerrors:\n")
		for _, e := range res.Errors {
			fmt.Fprintf(&b, "  %s\n", e)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WritePlot draws the CDF of every program's first-byte latency.
func WritePlot(path string, res *Result) error {
	var series []latency.Series
	for i := range res.Runs {
		if res.Runs[i].Samples > 0 {
			series = append(series, latency.Series{Name: res.Runs[i].Label, Rec: res.Runs[i].Recorder()})
		}
	}
	return latency.PlotCDF(path, "key to first byte of the screen update", series)
}

// stalledKeys lists how many keys of each program met a stall.
func stalledKeys(runs []Run) string {
	var b strings.Builder
	for i, r := range runs {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, " %s %d", r.Program, r.StalledKeys)
	}
	return b.String()
}

//go:build linux

package capture

import (
	"fmt"
	"math"
	"strings"

	"github.com/roshambo-game/roshambo/internal/latency"
)

// Sub10us is the bound of the design's promise, "sub-10 µs capture", in ns.
const Sub10us = 10_000

// VerdictLine is one figure of the verdict: P50 and P99 with their 95%
// intervals, and whether each is under 10 µs. Sub10usP50/P99 are true when
// the whole interval is under it, false when all of it is above, and null
// when the interval straddles 10 µs (the *Verdict fields then say
// INCONCLUSIVE and Need* the samples that would settle it).
type VerdictLine struct {
	What  string `json:"what"`
	Basis string `json:"basis"` // where the figures come from
	N     int    `json:"n"`
	// Missing is set when the figures were not measured in this run.
	Missing    bool            `json:"missing,omitempty"`
	P50        int64           `json:"p50_ns"`
	P50CI      [2]int64        `json:"p50_ci_ns"`
	P99        int64           `json:"p99_ns"`
	P99CI      [2]int64        `json:"p99_ci_ns"`
	Sub10usP50 *bool           `json:"sub10us_p50"`
	Sub10usP99 *bool           `json:"sub10us_p99"`
	P50Verdict latency.Verdict `json:"sub10us_p50_verdict"`
	P99Verdict latency.Verdict `json:"sub10us_p99_verdict"`
	NeedP50    int             `json:"sub10us_p50_need_samples,omitempty"`
	NeedP99    int             `json:"sub10us_p99_need_samples,omitempty"`
	// CPUCores: the process's CPU per wall second while it ran (the
	// end-to-end lines).
	CPUCores *float64 `json:"cpu_cores,omitempty"`
}

// EndToEnd is the end-to-end line (write -> the key in the consumer) with
// the busy-poll floor and the hot mode beside it.
type EndToEnd struct {
	VerdictLine
	Floor *VerdictLine `json:"floor"`
	Hot   *VerdictLine `json:"hot"`
}

// Verdicts is the verdict block: the answer to "sub-10 µs capture".
type Verdicts struct {
	Capture  VerdictLine `json:"capture"`
	Consumer VerdictLine `json:"consumer"`
	EndToEnd EndToEnd    `json:"end_to_end"`
}

// line builds a VerdictLine from blocks.
func (res *Result) line(what, basis string, b latency.Blocks, seedName string) VerdictLine {
	l := VerdictLine{What: what, Basis: basis, N: b.Len()}
	if l.N == 0 {
		l.Missing, l.P50Verdict, l.P99Verdict = true, latency.NotMeasured, latency.NotMeasured
		return l
	}
	q := b.QuantileCIs([]float64{0.5, 0.99}, res.nres, res.seedFor(seedName))
	l.P50, l.P50CI, l.P99, l.P99CI = q[0].Estimate, ciNs(q[0].CI), q[1].Estimate, ciNs(q[1].CI)
	l.P50Verdict, l.NeedP50 = latency.Judge(float64(q[0].Estimate), q[0].CI, Sub10us, l.N)
	l.P99Verdict, l.NeedP99 = latency.Judge(float64(q[1].Estimate), q[1].CI, Sub10us, l.N)
	l.Sub10usP50, l.Sub10usP99 = yesNo(l.P50Verdict), yesNo(l.P99Verdict)
	return l
}

func yesNo(v latency.Verdict) *bool {
	var b bool
	switch v {
	case latency.Pass:
		b = true
	case latency.Fail:
		b = false
	default:
		return nil
	}
	return &b
}

// buildVerdicts answers "sub-10 µs capture" at idle. Capture is the
// reader's part of roshambo's ring stage from the traced pass (the kernel
// has the key: the reader thread is woken -> the key is in the ring); the
// consumer the same up to Next returning it; without the traced pass both
// fall back to the whole path from the write (and say so). End to end is
// the write to the master -> the key in the consumer, untraced, beside the
// busy-poll floor and the hot mode.
func buildVerdicts(res *Result) Verdicts {
	var v Verdicts
	stage := func(stage, what string) VerdictLine {
		if pb, ok := res.parts[runKey{"roshambo", stage, LoadIdle}]; ok && pb.reader.Len() > 0 {
			return res.line(what, "eBPF-traced pass, load idle: reader thread woken -> "+stageEnd(stage), pb.reader, "verdict"+stage)
		}
		return res.line(what, "no eBPF breakdown in this run: the whole path, write to the master -> "+stageEnd(stage)+", load idle (an upper bound)",
			res.blocks[runKey{"roshambo", stage, LoadIdle}], "verdict-whole"+stage)
	}
	v.Capture = stage("ring", "capture (kernel has the key -> key in roshambo's ring)")
	v.Consumer = stage("consumer", "consumer (kernel has the key -> key returned by Next)")
	v.EndToEnd.VerdictLine = res.line("end to end (write to the pty master -> key returned by Next)", "untraced main pass, load idle",
		res.blocks[runKey{"roshambo", "consumer", LoadIdle}], "e2e")
	v.EndToEnd.CPUCores = res.cpuCores("roshambo", LoadIdle)
	if b := res.blocks[runKey{"busypoll", "read", LoadIdle}]; b.Len() > 0 {
		f := res.line("busy-poll floor (write -> a thread spinning on read(2) has it)", "untraced main pass, load idle", b, "floor")
		f.CPUCores = res.cpuCores("busypoll", LoadIdle)
		v.EndToEnd.Floor = &f
	}
	if b := res.blocks[runKey{"roshambo-hot", "consumer", LoadIdle}]; b.Len() > 0 {
		h := res.line("hot mode (write -> key returned by Next, Reader.Hot)", "untraced main pass, load idle", b, "hot")
		h.CPUCores = res.cpuCores("roshambo-hot", LoadIdle)
		v.EndToEnd.Hot = &h
	}
	return v
}

func stageEnd(stage string) string {
	if stage == "ring" {
		return "key in the ring (capture stamp)"
	}
	return "key returned by Next"
}

// cpuCores is a run's CPU per wall second, nil if unknown.
func (res *Result) cpuCores(reader, load string) *float64 {
	for _, r := range res.Runs {
		if r.Reader == reader && r.Load == load && r.CPUCores >= 0 {
			c := r.CPUCores
			return &c
		}
	}
	return nil
}

// formatCI prints "x [lo, hi]".
func formatCI(est int64, ci [2]int64) string {
	if ci[0] == 0 && ci[1] == 0 {
		return latency.FormatNs(est) + " [no interval]"
	}
	return fmt.Sprintf("%s [%s, %s]", latency.FormatNs(est), latency.FormatNs(ci[0]), latency.FormatNs(ci[1]))
}

// answer prints a sub-10 µs judgement: yes, no, or inconclusive with the
// samples needed.
func answer(v latency.Verdict, need int) string {
	switch v {
	case latency.Pass:
		return "yes"
	case latency.Fail:
		return "no"
	case latency.Inconclusive:
		if need < 0 {
			return "inconclusive (the estimate sits on 10 µs)"
		}
		return fmt.Sprintf("inconclusive (about %d samples would settle it)", need)
	}
	return "not measured"
}

// writeVerdictLine prints one line of the verdict block.
func writeVerdictLine(b *strings.Builder, l VerdictLine, judge bool) {
	if l.Missing {
		fmt.Fprintf(b, "  %s: not measured in this run\n", l.What)
		return
	}
	fmt.Fprintf(b, "  %s: P50 %s, P99 %s", l.What, formatCI(l.P50, l.P50CI), formatCI(l.P99, l.P99CI))
	if judge {
		fmt.Fprintf(b, ": sub-10 µs at P50 %s, at P99 %s", answer(l.P50Verdict, l.NeedP50), answer(l.P99Verdict, l.NeedP99))
	}
	if l.CPUCores != nil && !math.IsNaN(*l.CPUCores) {
		fmt.Fprintf(b, "; CPU %.2f cores", *l.CPUCores)
	}
	b.WriteString("\n")
}

// writeVerdicts prints the verdict block.
func writeVerdicts(b *strings.Builder, v Verdicts) {
	b.WriteString("VERDICT (95% intervals from a bootstrap over blocks; \"sub-10 µs\" is judged on the interval)\n")
	writeVerdictLine(b, v.Capture, true)
	writeVerdictLine(b, v.Consumer, true)
	writeVerdictLine(b, v.EndToEnd.VerdictLine, true)
	if v.EndToEnd.Floor != nil {
		writeVerdictLine(b, *v.EndToEnd.Floor, false)
	}
	if v.EndToEnd.Hot != nil {
		writeVerdictLine(b, *v.EndToEnd.Hot, true)
	}
	fmt.Fprintf(b, "  (capture and consumer: %s)\n", v.Capture.Basis)
}

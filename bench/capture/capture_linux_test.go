package capture

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	if code, ok := RunChild(); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// TestEndToEndJSON runs the whole benchmark (every reader, every load, the
// ESC test, the idle CPU guard) with a few hundred samples through Main and
// checks that the JSON is well formed and complete. No timing thresholds.
func TestEndToEndJSON(t *testing.T) {
	const samples = 200
	var stdout, stderr bytes.Buffer
	// The cpu load (every P busy) makes each sample take ~10-20 ms: it has
	// its own shorter test below.
	loads := []string{LoadIdle, LoadCPU1, LoadExt}
	code := Main([]string{"--json", "--quiet", "--samples", "200", "--block", "50", "--warmup", "5", "--esc-samples", "5", "--load", strings.Join(loads, ","),
		"--idle-cpu", "500ms", "--budget", "2m", "--seed", "7", "--resamples", "200"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("Main exit %d; stderr:\n%s\nstdout:\n%s", code, stderr.String(), stdout.String())
	}
	var doc map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatalf("JSON does not parse: %v\n%s", err, stdout.String())
	}
	for _, k := range []string{"benchmark", "verdict", "samples", "block", "kernel", "cpus", "go", "machine", "interleaving", "runs", "esc", "breakdown", "idle_cpu_pct"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON lacks key %q", k)
		}
	}
	if doc["benchmark"] != "capture" || doc["samples"] != float64(samples) {
		t.Errorf("benchmark=%v samples=%v", doc["benchmark"], doc["samples"])
	}
	if pct, ok := doc["idle_cpu_pct"].(float64); !ok || pct < 0 {
		t.Errorf("idle_cpu_pct = %v (%s)", doc["idle_cpu_pct"], doc["idle_cpu_note"])
	}

	// Every reader and stage under every load, with well-formed figures.
	want := map[string]bool{}
	for _, s := range specs() {
		for _, st := range s.stages {
			for _, ld := range loads {
				want[s.name+"/"+st+"/"+ld] = true
			}
		}
	}
	runs, _ := doc["runs"].([]any)
	for _, r := range runs {
		run := r.(map[string]any)
		key := run["reader"].(string) + "/" + run["stage"].(string) + "/" + run["load"].(string)
		if !want[key] {
			t.Errorf("unexpected or duplicate run %s", key)
			continue
		}
		delete(want, key)
		checkFigures(t, key, run, []string{"p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns"})
		if n := run["n"]; n != float64(samples) {
			t.Errorf("%s: n = %v, want %d", key, n, samples)
		}
		if a, ok := run["allocs_per_key"].(float64); !ok || a < 0 {
			t.Errorf("%s: allocs_per_key = %v", key, run["allocs_per_key"])
		}
		if run["blocks"] != float64(4) {
			t.Errorf("%s: %v blocks, want 4", key, run["blocks"])
		}
		checkCI(t, key, run, "p50")
		checkCI(t, key, run, "p99")
		if c, ok := run["cpu_cores"].(float64); !ok || c <= 0 {
			t.Errorf("%s: cpu_cores = %v", key, run["cpu_cores"])
		}
		if strings.HasPrefix(key, "roshambo") {
			a, ok := run["allocs"].(map[string]any)
			if !ok || a["keys"] != float64(samples) || a["input"] != float64(0) {
				t.Errorf("%s: allocs = %v, want %d keys and 0 input-layer allocations", key, run["allocs"], samples)
			}
		}
	}
	for k := range want {
		t.Errorf("missing run %s", k)
	}

	esc, _ := doc["esc"].([]any)
	escWant := map[string]bool{"roshambo": true, "tcell": true}
	for _, e := range esc {
		m := e.(map[string]any)
		name := m["reader"].(string)
		if !escWant[name] {
			t.Errorf("unexpected ESC run %q", name)
		}
		delete(escWant, name)
		checkFigures(t, "esc/"+name, m, []string{"p50_ns", "p99_ns", "max_ns"})
		if m["count"] != float64(5) {
			t.Errorf("esc/%s: count = %v, want 5", name, m["count"])
		}
	}
	for k := range escWant {
		t.Errorf("missing ESC run for %s", k)
	}

	bd, _ := doc["breakdown"].(map[string]any)
	us, _ := bd["user_space"].([]any)
	if len(us) != len(loads) {
		t.Errorf("breakdown.user_space has %d loads, want %d", len(us), len(loads))
	}
	for _, u := range us {
		m := u.(map[string]any)
		checkFigures(t, "user_space/"+m["load"].(string), m, []string{"p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns"})
	}
	checkVerdict(t, doc)
	mach, _ := doc["machine"].(map[string]any)
	for _, k := range []string{"cpuidle_driver", "cpuidle_governor", "haltpoll", "clocksource", "loadavg_before", "loadavg_after"} {
		if _, ok := mach[k]; !ok {
			t.Errorf("machine lacks %q", k)
		}
	}
	if parts, _ := bd["parts"].([]any); os.Geteuid() == 0 {
		if len(parts) != len(runs) {
			t.Errorf("%d readers split into parts, want %d (one per run)", len(parts), len(runs))
		}
		for _, p := range parts {
			m := p.(map[string]any)
			for _, k := range []string{"kernel", "reader_part"} {
				what := fmt.Sprintf("parts %v/%v %s", m["reader"], m["load"], k)
				fig := m[k].(map[string]any)
				if r := m["reader"]; k == "reader_part" && (r == "busypoll" || r == "roshambo-hot") {
					// A polling reader is not woken: its part runs from
					// the end of the flush work, which its read can
					// beat (the part is then 0).
					checkFiguresFrom(t, what, fig, []string{"p50_ns", "p99_ns"}, 0)
					continue
				}
				checkFigures(t, what, fig, []string{"p50_ns", "p99_ns"})
			}
		}
	} else if len(parts) != 0 || !strings.Contains(fmt.Sprint(bd["note"]), "root") {
		t.Errorf("not root: parts %v, note %v", parts, bd["note"])
	}
	goals, _ := doc["goals"].([]any)
	if len(goals) < 12 {
		t.Errorf("%d goals evaluated, want at least 12", len(goals))
	}
	for _, g := range goals {
		m := g.(map[string]any)
		s, name := m["status"], m["name"].(string)
		switch {
		case strings.HasPrefix(name, "cpu:"):
			if s != "N/A" {
				t.Errorf("goal %v: status %v without the cpu load", name, s)
			}
		case strings.Contains(name, "reader part") && os.Geteuid() != 0:
			if s != "N/A" {
				t.Errorf("goal %v: status %v without the traced pass", name, s)
			}
		case s != "PASS" && s != "FAIL" && s != "INCONCLUSIVE" && s != "INFO":
			t.Errorf("goal %v: status %v with every figure measured", name, s)
		}
		if s == "INCONCLUSIVE" && m["need_samples"] == nil {
			t.Errorf("goal %v: inconclusive without the samples needed", name)
		}
	}
}

// checkCI: the run's p50/p99 has an interval [lo, hi] around it.
func checkCI(t *testing.T, what string, m map[string]any, q string) {
	t.Helper()
	ci, ok := m[q+"_ci_ns"].([]any)
	if !ok || len(ci) != 2 {
		t.Errorf("%s: %s_ci_ns = %v, want [lo, hi]", what, q, m[q+"_ci_ns"])
		return
	}
	lo, _ := ci[0].(float64)
	hi, _ := ci[1].(float64)
	if lo <= 0 || lo > hi {
		t.Errorf("%s: %s_ci_ns = %v", what, q, ci)
	}
}

// checkVerdict: the verdict object has the shape the docs promise.
func checkVerdict(t *testing.T, doc map[string]any) {
	t.Helper()
	v, ok := doc["verdict"].(map[string]any)
	if !ok {
		t.Fatalf("verdict = %v", doc["verdict"])
	}
	for _, k := range []string{"capture", "consumer", "end_to_end"} {
		l, ok := v[k].(map[string]any)
		if !ok {
			t.Errorf("verdict lacks %q", k)
			continue
		}
		for _, f := range []string{"p50_ns", "p50_ci_ns", "p99_ns", "p99_ci_ns", "sub10us_p50", "sub10us_p99", "sub10us_p50_verdict"} {
			if _, ok := l[f]; !ok {
				t.Errorf("verdict.%s lacks %q", k, f)
			}
		}
		checkFigures(t, "verdict."+k, l, []string{"p50_ns", "p99_ns"})
		checkCI(t, "verdict."+k, l, "p50")
		for _, q := range []string{"p50", "p99"} {
			sub, verdict := l["sub10us_"+q], l["sub10us_"+q+"_verdict"]
			if want := map[any]any{"PASS": true, "FAIL": false, "INCONCLUSIVE": nil}[verdict]; sub != want {
				t.Errorf("verdict.%s: sub10us_%s = %v with verdict %v", k, q, sub, verdict)
			}
		}
	}
	e2e, _ := v["end_to_end"].(map[string]any)
	for _, k := range []string{"floor", "hot"} {
		if m, ok := e2e[k].(map[string]any); !ok || m["p50_ns"] == nil {
			t.Errorf("verdict.end_to_end.%s = %v", k, e2e[k])
		}
	}
}

// TestCPULoad: every reader under the cpu and cpuall loads (GOMAXPROCS busy
// goroutines), with few samples because each waits for a P. It also checks
// the Ps each run reports: roshambo's Reader reserves one (GOMAXPROCS+1 while
// it reads), which cpu leaves free and cpuall keeps busy.
func TestCPULoad(t *testing.T) {
	const samples = 10
	base := runtime.GOMAXPROCS(0)
	loads := []string{LoadCPU, LoadCPUAll}
	res, err := Execute(Config{Samples: samples, Warmup: 2, Gap: GapFast, Loads: loads, Readers: ReaderNames(), Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("run errors: %v", res.Errors)
	}
	n := 0
	for _, ld := range loads {
		for _, s := range specs() {
			for _, st := range s.stages {
				run, ok := res.Find(s.name, st, ld)
				if !ok {
					t.Errorf("missing run %s/%s/%s", s.name, st, ld)
					continue
				}
				n++
				if run.N != samples || run.Count != samples {
					t.Errorf("%s/%s/%s: n=%d count=%d, want %d", s.name, st, ld, run.N, run.Count, samples)
				}
				if !(run.P50 > 0 && run.P50 <= run.P90 && run.P90 <= run.P99 && run.P99 <= run.P999 && run.P999 <= run.Max) {
					t.Errorf("%s/%s/%s: percentiles not positive and ordered: %+v", s.name, st, ld, run.Summary)
				}
				wantProcs, wantBusy := base, base
				if strings.HasPrefix(s.name, "roshambo") {
					wantProcs = base + 1
					if ld == LoadCPUAll {
						wantBusy = base + 1
					}
				}
				if run.GOMAXPROCS != wantProcs || run.LoadGoroutines != wantBusy {
					t.Errorf("%s/%s/%s: GOMAXPROCS %d with %d busy goroutines, want %d with %d",
						s.name, st, ld, run.GOMAXPROCS, run.LoadGoroutines, wantProcs, wantBusy)
				}
			}
		}
	}
	if len(res.Runs) != n {
		t.Errorf("%d runs, want %d", len(res.Runs), n)
	}
	if got := runtime.GOMAXPROCS(0); got != base {
		t.Errorf("GOMAXPROCS %d after the runs, want %d restored", got, base)
	}
}

// checkFigures: every percentile is positive and they are ordered.
func checkFigures(t *testing.T, what string, m map[string]any, keys []string) {
	t.Helper()
	checkFiguresFrom(t, what, m, keys, 1)
}

// checkFiguresFrom is checkFigures with the smallest value allowed.
func checkFiguresFrom(t *testing.T, what string, m map[string]any, keys []string, least float64) {
	t.Helper()
	prev := 0.0
	for _, k := range keys {
		v, ok := m[k].(float64)
		if !ok || v < least {
			t.Errorf("%s: %s = %v, want at least %v", what, k, m[k], least)
			continue
		}
		if v < prev {
			t.Errorf("%s: %s = %v is below the previous percentile %v", what, k, v, prev)
		}
		prev = v
	}
}

func TestReportAndPlot(t *testing.T) {
	res, err := Execute(Config{Samples: 30, Warmup: 5, Gap: GapFast, Loads: []string{LoadIdle, LoadCPU1},
		Readers: []string{"roshambo", "osfile", "busypoll"}, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("run errors: %v", res.Errors)
	}
	var b bytes.Buffer
	if err := WriteReport(&b, res); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "VERDICT") {
		t.Errorf("the report does not open with the verdict:\n%s", out)
	}
	for _, want := range []string{"capture (kernel has the key", "sub-10 µs at P50", "machine: cpuidle driver", "Interleaved:",
		"load idle", "load cpu1", "busypoll", "(log scale)", "user-space part", "Goals (PASS",
		"[N/A] cpu: roshambo ring P50", "idle CPU guard: not measured", "allocations, roshambo under idle"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	dir := t.TempDir()
	files, err := WritePlots(filepath.Join(dir, "cdf.svg"), res)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || filepath.Base(files[1]) != "cdf-cpu1.svg" {
		t.Fatalf("plots %v, want cdf.svg and cdf-cpu1.svg", files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil || !bytes.Contains(data, []byte("<svg")) {
			t.Errorf("%s: not an SVG (%v)", f, err)
		}
	}
}

func TestMainRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--load", "idle,busy"},
		{"--readers", "roshambo,curses"},
		{"--gap", "slow"},
		{"--samples", "-3"},
		{"--esc-samples", "-1"},
		{"extra"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Main(append(args, "--idle-cpu", "0"), &stdout, &stderr); code != 2 {
			t.Errorf("Main(%v) = %d, want 2; stderr: %s", args, code, stderr.String())
		} else if stderr.Len() == 0 {
			t.Errorf("Main(%v): no error message", args)
		}
	}
}

func TestMainHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"--help"}, &stdout, &stderr); code != 0 || stderr.Len() != 0 ||
		!strings.Contains(stdout.String(), "usage: roshambo-bench capture") || !strings.Contains(stdout.String(), "-block") {
		t.Fatalf("--help: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	if code := Main([]string{"--nosuch"}, &stdout, &stderr); code != 2 || stdout.Len() != 0 ||
		strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
		t.Fatalf("--nosuch: exit %d, stdout %q, stderr %q (want one line)", code, stdout.String(), stderr.String())
	}
}

func TestGapRange(t *testing.T) {
	lo, hi, err := gapRange(GapHuman)
	if err != nil || lo != 50*time.Millisecond || hi != 250*time.Millisecond {
		t.Errorf("human gap = %v..%v, %v", lo, hi, err)
	}
}

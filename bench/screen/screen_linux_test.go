package screen

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	if code, ok := RunChild(); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// buildGame builds roshambo and roshambo-bot into a temporary directory.
func buildGame(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	dir := t.TempDir()
	cmd := exec.Command(goCmd, "build", "-o", dir+string(filepath.Separator),
		"github.com/roshambo-game/roshambo/cmd/roshambo", "github.com/roshambo-game/roshambo/cmd/roshambo-bot")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return filepath.Join(dir, "roshambo")
}

// TestEndToEndJSON runs every program for a few keys through Main and
// checks the JSON: every run has samples and well-ordered figures, the game
// reports its allocations per key, and the verdict judges both modes. No
// timing thresholds.
func TestEndToEndJSON(t *testing.T) {
	game := buildGame(t)
	plot := filepath.Join(t.TempDir(), "screen.svg")
	var stdout, stderr bytes.Buffer
	code := Main([]string{"--json", "--quiet-progress", "--samples", "6", "--block", "3", "--gap-min", "30ms", "--gap-max", "40ms",
		"--quiet", "15ms", "--roshambo", game, "--plot", plot, "--seed", "3"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("Main exit %d; stderr:\n%s\nstdout:\n%s", code, stderr.String(), stdout.String())
	}
	var doc struct {
		Benchmark string           `json:"benchmark"`
		Runs      []map[string]any `json:"runs"`
		Verdict   []map[string]any `json:"verdict"`
		Machine   map[string]any   `json:"machine"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatalf("JSON does not parse: %v\n%s", err, stdout.String())
	}
	if doc.Benchmark != "screen" || len(doc.Runs) != len(ProgramNames()) {
		t.Fatalf("benchmark %q with %d runs:\n%s", doc.Benchmark, len(doc.Runs), stdout.String())
	}
	for _, r := range doc.Runs {
		for _, k := range []string{"program", "mode", "p50_ns", "p90_ns", "p99_ns", "max_ns", "bytes_p50", "p50_ci_ns", "p99_ci_ns", "allocs_per_key"} {
			if _, ok := r[k]; !ok {
				t.Errorf("run %v lacks %q", r["program"], k)
			}
		}
		p50, p90, p99, mx := r["p50_ns"].(float64), r["p90_ns"].(float64), r["p99_ns"].(float64), r["max_ns"].(float64)
		if r["samples"].(float64) != 6 || !(0 < p50 && p50 <= p90 && p90 <= p99 && p99 <= mx) || r["bytes_p50"].(float64) < 1 {
			t.Errorf("run %v: samples %v, p50 %v p90 %v p99 %v max %v, bytes %v", r["program"], r["samples"], p50, p90, p99, mx, r["bytes_p50"])
		}
		game := strings.HasPrefix(r["program"].(string), "roshambo")
		if a := r["allocs_per_key"].(float64); game != (a >= 0) {
			t.Errorf("run %v: allocs_per_key %v", r["program"], a)
		}
	}
	if len(doc.Verdict) != 4 {
		t.Errorf("verdict: %v", doc.Verdict)
	}
	for _, g := range doc.Verdict {
		if s := g["status"]; s != "PASS" && s != "FAIL" && s != "INCONCLUSIVE" {
			t.Errorf("goal %v: status %v", g["name"], s)
		}
	}
	if st, err := os.Stat(plot); err != nil || st.Size() == 0 {
		t.Errorf("no plot: %v", err)
	}
	if doc.Machine["cpus"].(float64) < 1 || doc.Machine["kernel"] == "" {
		t.Errorf("machine %v", doc.Machine)
	}
}

func TestMainRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--samples", "0"},
		{"--samples", "10", "--block", "20"},
		{"--quiet", "200ms"},
		{"--gap-min", "100ms", "--gap-max", "50ms"},
		{"--size", "huge"},
		{"--size", "10x3"},
		{"--programs", "vim"},
		{"extra"},
		{"--nosuch"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Main(args, &stdout, &stderr); code != 2 || stderr.Len() == 0 {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}

func TestQuantileAndIntervals(t *testing.T) {
	v := make([]int64, 1000)
	for i := range v {
		v[i] = int64(i + 1)
	}
	if q := quantile(v, 0.5); q != 500 {
		t.Errorf("P50 of 1..1000 = %d", q)
	}
	if q := quantile(v, 0.99); q != 990 {
		t.Errorf("P99 of 1..1000 = %d", q)
	}
	ci := bootstrapCI(v, 0.5)
	if !(ci[0] < 500 && 500 < ci[1]) || ci[1]-ci[0] > 120 {
		t.Errorf("95%% interval of the median of 1..1000: %v", ci)
	}
	half := make([]int64, len(v))
	for i, x := range v {
		half[i] = x / 2
	}
	r := ratioCI(half, v, 0.5)
	if !(r[0] < 0.5 && 0.5 < r[1]) || r[1]-r[0] > 0.2 {
		t.Errorf("interval of a ratio of 0.5: %v", r)
	}
}

func TestJudge(t *testing.T) {
	mk := func(name string, base int64, n int) Run {
		r := Run{Program: name}
		ss := make([]sample, n)
		for i := range ss {
			ss[i] = sample{Write: 0, First: base + int64(i%10)*base/50, Last: 2 * base, Bytes: 10}
		}
		r.fill(ss, 0, nil)
		return r
	}
	res := &Result{Runs: []Run{mk("tcell", 1000_000, 400), mk("roshambo", 300_000, 400), mk("roshambo-commit", 990_000, 400)}}
	res.judge()
	want := map[string]string{
		"roshambo first byte P50 / tcell P50":        "PASS",
		"roshambo first byte P99 / tcell P99":        "PASS",
		"roshambo-commit first byte P50 / tcell P50": "FAIL",
	}
	for _, g := range res.Verdict {
		if w, ok := want[g.Name]; ok && g.Status != w {
			t.Errorf("%s: %s (%.2f [%.2f, %.2f]), want %s", g.Name, g.Status, g.Value, g.CI[0], g.CI[1], w)
		}
	}
	var b bytes.Buffer
	if err := WriteReport(&b, res); err != nil || !strings.Contains(b.String(), "PASS") {
		t.Errorf("report: %v\n%s", err, b.String())
	}
}

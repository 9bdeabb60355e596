package screen

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/internal/mono"
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
	raw := filepath.Join(t.TempDir(), "samples.csv")
	var stdout, stderr bytes.Buffer
	code := Main([]string{"--json", "--quiet-progress", "--samples", "6", "--block", "3", "--gap-min", "30ms", "--gap-max", "40ms",
		"--quiet", "15ms", "--roshambo", game, "--plot", plot, "--samples-file", raw, "--seed", "3"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("Main exit %d; stderr:\n%s\nstdout:\n%s", code, stderr.String(), stdout.String())
	}
	var doc struct {
		Benchmark string           `json:"benchmark"`
		Runs      []map[string]any `json:"runs"`
		Verdict   []map[string]any `json:"verdict"`
		Machine   map[string]any   `json:"machine"`
		Settings  map[string]any   `json:"settings"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatalf("JSON does not parse: %v\n%s", err, stdout.String())
	}
	if doc.Benchmark != "screen" || len(doc.Runs) != len(ProgramNames()) || !strings.Contains(doc.Settings["interleaving"].(string), "every program at once") {
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
	// Two modes, each judged on P50 and P99, over every key and over the
	// keys without a stall (the stall probes ran, as they do by default).
	if len(doc.Verdict) != 8 {
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
	checkSamplesFile(t, raw, 6, 2)
	if doc.Machine["cpus"].(float64) < 1 || doc.Machine["kernel"] == "" {
		t.Errorf("machine %v", doc.Machine)
	}
}

// checkSamplesFile checks the CSV of every timed key: perKey rows per
// program, in the order the keys were written, with every key's first byte
// after its write and its last byte after its first; with every program
// running at once, consecutive keys go to different programs (but where one
// session ends and the next begins).
func checkSamplesFile(t *testing.T, path string, perKey, sessions int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "program,write_ns,first_ns,last_ns,bytes,stalled" {
		t.Fatalf("header %q", lines[0])
	}
	count := map[string]int{}
	var prevWrite int64
	prevProg, changes := "", 0
	for _, l := range lines[1:] {
		var prog string
		var w, f, la, n, stalled int64
		if _, err := fmt.Sscanf(strings.ReplaceAll(l, ",", " "), "%s %d %d %d %d %d", &prog, &w, &f, &la, &n, &stalled); err != nil {
			t.Fatalf("row %q: %v", l, err)
		}
		if w < prevWrite || f <= w || la < f || n < 1 || (stalled != 0 && stalled != 1) {
			t.Errorf("row %q after write %d", l, prevWrite)
		}
		if prog != prevProg {
			changes++
		}
		prevWrite, prevProg = w, prog
		count[prog]++
	}
	for _, p := range ProgramNames() {
		if count[p] != perKey {
			t.Errorf("%s: %d rows, want %d", p, count[p], perKey)
		}
	}
	if want := len(lines) - 2 - (sessions - 1); changes-1 < want {
		t.Errorf("the program changed %d times in %d rows: the keys did not go round the programs", changes-1, len(lines)-1)
	}
}

// TestBlocksInterleaving runs two programs one at a time, block by block,
// and checks that each got its keys and the report says how they were run.
func TestBlocksInterleaving(t *testing.T) {
	game := buildGame(t)
	var stdout, stderr bytes.Buffer
	code := Main([]string{"--quiet-progress", "--interleave", "blocks", "--programs", "echo,roshambo", "--samples", "4", "--block", "2",
		"--gap-min", "30ms", "--gap-max", "40ms", "--quiet", "15ms", "--roshambo", game, "--seed", "5"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("Main exit %d; stderr:\n%s\nstdout:\n%s", code, stderr.String(), stdout.String())
	}
	out := stdout.String()
	for _, want := range []string{"blocks of 2 keys, one program at a time", "raw read/write echo (floor)", "roshambo --bot rock"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "errors:") {
		t.Errorf("report has errors:\n%s", out)
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
		{"--interleave", "sideways"},
		{"extra"},
		{"--nosuch"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Main(args, &stdout, &stderr); code != 2 || stderr.Len() == 0 {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}

// runOf builds a run of 80 groups of 5 keys; lat gives each key's
// latency in ns from its group and place.
func runOf(name string, lat func(group, i int) int64) Run {
	return runOfStalled(name, lat, func(int, int) bool { return false })
}

// runOfStalled is runOf with the keys for which stalled is true marked as
// having met a stall of the machine.
func runOfStalled(name string, lat func(group, i int) int64, stalled func(group, i int) bool) Run {
	r := Run{Program: name}
	groups := map[groupKey][]sample{}
	for g := range 80 {
		for i := range 5 {
			k := groupKey{g / 8, g % 8}
			groups[k] = append(groups[k], sample{Write: 0, First: lat(g, i), Last: 2 * lat(g, i), Bytes: 10, stalled: stalled(g, i)})
		}
	}
	r.fill(groups, 0, nil)
	return r
}

func TestJudge(t *testing.T) {
	steady := func(base int64) func(int, int) int64 {
		return func(g, i int) int64 { return base + int64((g*5+i)%10)*base/50 }
	}
	res := &Result{Runs: []Run{runOf("tcell", steady(1000_000)), runOf("roshambo", steady(300_000)), runOf("roshambo-commit", steady(990_000))}}
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
		if g.N != 400 {
			t.Errorf("%s: n %d, want 400", g.Name, g.N)
		}
	}
	if len(res.Verdict) != 4 {
		t.Errorf("%d claims judged without the echo, want 4", len(res.Verdict))
	}
	var b bytes.Buffer
	if err := WriteReport(&b, res); err != nil || !strings.Contains(b.String(), "PASS") {
		t.Errorf("report: %v\n%s", err, b.String())
	}
}

// TestJudgeWithoutStalls: in five groups the machine stalled while the
// game's keys were on their way (the probes saw it) and not the tcell
// app's. The P99 over every key fails; without the stalled keys it passes,
// with only those keys left out.
func TestJudgeWithoutStalls(t *testing.T) {
	stalledGroup := func(g int) bool { return g%16 == 3 }
	res := &Result{Settings: Settings{StallProbeNs: int64(2 * time.Millisecond)}, Runs: []Run{
		runOf("tcell", func(g, i int) int64 { return 1_000_000 + int64((g*5+i)%10)*20_000 }),
		runOfStalled("roshambo", func(g, i int) int64 {
			if stalledGroup(g) {
				return 30_000_000
			}
			return 500_000 + int64(i)*10_000
		}, func(g, i int) bool { return stalledGroup(g) }),
	}}
	res.judge()
	got := map[string]Goal{}
	for _, g := range res.Verdict {
		got[g.Name] = g
	}
	all, calm := got["roshambo first byte P99 / tcell P99"], got["roshambo first byte P99 / tcell P99, keys without a stall"]
	if all.Status != "FAIL" || calm.Status != "PASS" {
		t.Errorf("P99 over every key %s (%.2f), without the stalled keys %s (%.2f); want FAIL, PASS", all.Status, all.Value, calm.Status, calm.Value)
	}
	if all.N != 400 || calm.N != 375 || res.Runs[1].StalledKeys != 25 || res.Runs[0].StalledKeys != 0 {
		t.Errorf("keys behind the claims: %d and %d, stalled %d and %d; want 400 and 375, 25 and 0", all.N, calm.N, res.Runs[1].StalledKeys, res.Runs[0].StalledKeys)
	}
	// Without the probes there is no claim without stalls.
	res.Verdict, res.Settings.StallProbeNs = nil, 0
	res.judge()
	for _, g := range res.Verdict {
		if strings.Contains(g.Name, "without a stall") {
			t.Errorf("claim %q judged without stall probes", g.Name)
		}
	}
}

// TestStalledDuring: a key met a stall when the stall overlaps the stretch
// from its write to its first byte, ends included.
func TestStalledDuring(t *testing.T) {
	stalls := []stall{{0, 100, 150}, {1, 120, 400}, {0, 1000, 1010}}
	for _, c := range []struct {
		from, to int64
		want     bool
	}{
		{0, 99, false}, {0, 100, true}, {150, 160, true}, {401, 999, false},
		{300, 310, true}, {1010, 2000, true}, {1011, 2000, false}, {500, 600, false},
	} {
		if got := stalledDuring(stalls, c.from, c.to); got != c.want {
			t.Errorf("[%d, %d]: stalled %v, want %v", c.from, c.to, got, c.want)
		}
	}
	if stalledDuring(nil, 0, 1<<40) {
		t.Error("stalled with no stalls")
	}
}

// TestStallProbesSeeAStoppedProcess stops this whole process (SIGSTOP)
// for 50 ms, as the host stops a vCPU: the probe of every CPU this process
// may use must report a stall of at least 30 ms over the stop.
func TestStallProbesSeeAStoppedProcess(t *testing.T) {
	p := startStallProbes(time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	// A shell stops this process and lets it go on 50 ms later.
	stopper := exec.Command("sh", "-c", fmt.Sprintf("kill -STOP %d; sleep 0.05; kill -CONT %d", os.Getpid(), os.Getpid()))
	before := mono.Now()
	if err := stopper.Run(); err != nil {
		t.Fatal(err)
	}
	after := mono.Now()
	time.Sleep(10 * time.Millisecond)
	stalls := p.stop()
	var mask unix.CPUSet
	if err := unix.SchedGetaffinity(0, &mask); err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, s := range stalls {
		if s.To-s.From < int64(stallLate) {
			t.Errorf("stall %+v shorter than %v", s, stallLate)
		}
		// The stall overlaps the stop; it may begin before it (a probe
		// already late) and end after this goroutine ran again (the
		// probe's thread is woken in turn).
		if s.From < after && s.To > before && s.To-s.From >= int64(30*time.Millisecond) {
			seen[s.CPU] = true
		}
	}
	for cpu := range len(mask) * 64 {
		if mask.IsSet(cpu) && !seen[cpu] {
			t.Errorf("CPU %d: no stall over the stop [%d, %d]; stalls: %+v", cpu, before, after, stalls)
		}
	}
	if !slices.IsSortedFunc(stalls, func(a, b stall) int { return cmp.Compare(a.From, b.From) }) {
		t.Errorf("stalls not by start time: %+v", stalls)
	}
}

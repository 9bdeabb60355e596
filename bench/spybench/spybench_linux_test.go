package spybench

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/roshambo-game/roshambo/internal/testutil"
)

// TestMain lets the test binary be the re-executed target.
func TestMain(m *testing.M) {
	if code, ok := RunChild(); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// runMain runs Main with args and returns its exit code, stdout and stderr.
func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

// requiredKeys are the fields every run must carry in --json.
var requiredKeys = []string{"tracer", "rate", "ns_per_write", "overhead_ns", "delivered", "expected", "dropped", "latency_p50_ns", "latency_p99_ns"}

// TestEndToEnd runs every tracer with a few writes and checks that the
// report is well-formed and that what each tracer delivered adds up. No
// timing is asserted.
func TestEndToEnd(t *testing.T) {
	testutil.RequireRoot(t, "the spy needs CAP_BPF and CAP_PERFMON, strace -p and bpftrace need root")
	code, out, errs := runMain(t, "--json", "--writes", "3000", "--rates", "1000000", "--duration", "3ms",
		"--sinks", "devnull,pipe", "--strace-writes", "300", "--ring-size", "2097152", "--delivery-ring-size", "8388608", "--game-samples", "20", "--game-period", "2ms")
	if code != 0 {
		t.Fatalf("Main exited %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	// The exact shape: every required key present in every run.
	var raw struct {
		Benchmark string           `json:"benchmark"`
		Runs      []map[string]any `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if raw.Benchmark != "spy" {
		t.Errorf("benchmark = %q, want spy", raw.Benchmark)
	}
	for i, r := range raw.Runs {
		for _, k := range requiredKeys {
			if _, ok := r[k]; !ok {
				t.Errorf("run %d (%v) lacks %q", i, r["tracer"], k)
			}
		}
	}
	var rep Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	_, straceErr := exec.LookPath("strace")
	_, bpftraceErr := exec.LookPath("bpftrace")
	counts := map[string]int{}
	spyRows := map[string]int{}
	for _, r := range rep.Runs {
		if r.Tracer == TracerSpy {
			spyRows[rowName(r)+" "+r.Wakeup+" "+strconv.Itoa(r.RingSize)]++
		}
		name := r.Tracer + " " + r.Sink + " " + rateName(r.Rate)
		counts[r.Tracer]++
		absent := (r.Tracer == TracerStrace && straceErr != nil) ||
			((r.Tracer == TracerBpftrace || r.Tracer == TracerBpftraceCount) && bpftraceErr != nil)
		if absent {
			if r.Status != StatusAbsent || !strings.Contains(r.Note, "not installed") {
				t.Errorf("%s: status %q note %q, want absent: not installed", name, r.Status, r.Note)
			}
			continue
		}
		if r.Status != StatusOK {
			t.Errorf("%s: status %q: %s", name, r.Status, r.Note)
			continue
		}
		if r.NsPerWrite == nil || *r.NsPerWrite <= 0 || r.Writes == 0 || int64(r.Writes) < r.Expected {
			t.Errorf("%s: ns_per_write %v writes %d expected %d", name, r.NsPerWrite, r.Writes, r.Expected)
		}
		if r.OverheadNs == nil {
			t.Errorf("%s: no overhead over none", name)
		}
		switch r.Tracer {
		case TracerNone:
			if r.Delivered != nil || r.Dropped != nil || r.LatencyP50Ns != nil {
				t.Errorf("%s: untraced run reports delivery %v/%v/%v", name, r.Delivered, r.Dropped, r.LatencyP50Ns)
			}
		case TracerSpyPoll:
			if r.Delivered == nil || r.Dropped == nil || *r.Delivered+*r.Dropped != r.Expected {
				t.Errorf("%s: delivered %v + dropped %v != %d", name, r.Delivered, r.Dropped, r.Expected)
			}
		case TracerSpy:
			// The 2 and 8 MiB rings hold these few events many times over:
			// all arrive, under every wake-up policy.
			if r.Delivered == nil || *r.Delivered != r.Expected || r.Dropped == nil || *r.Dropped != 0 {
				t.Errorf("%s: delivered %v of %d, dropped %v", name, r.Delivered, r.Expected, r.Dropped)
			}
			if r.LatencyP50Ns == nil || r.LatencyP99Ns == nil || *r.LatencyP50Ns <= 0 || *r.LatencyP99Ns < *r.LatencyP50Ns ||
				r.LatencySamples != r.Expected {
				t.Errorf("%s: latency P50 %v P99 %v over %d samples", name, r.LatencyP50Ns, r.LatencyP99Ns, r.LatencySamples)
			}
			if r.Note != "" && !isGamePace(r) {
				t.Errorf("%s: note %q (data mismatch?)", name, r.Note)
			}
		case TracerSpyOther:
			if r.Expected != 0 || r.Delivered == nil || *r.Delivered != 0 {
				t.Errorf("%s: the untargeted process's writes were reported: %v (expected %d)", name, r.Delivered, r.Expected)
			}
		case TracerStrace, TracerBpftraceCount:
			if r.Delivered == nil || *r.Delivered != r.Expected {
				t.Errorf("%s: delivered %v of %d", name, r.Delivered, r.Expected)
			}
		case TracerBpftrace:
			if r.Delivered == nil || r.Dropped == nil || *r.Delivered+*r.Dropped != r.Expected {
				t.Errorf("%s: delivered %v + lost %v != %d", name, r.Delivered, r.Dropped, r.Expected)
			}
		}
	}
	// 2 sinks x 1 rate (the spy under adaptive and parked, with a 2 MiB
	// ring, not the default, and the 8 MiB delivery ring), plus the
	// game-pace runs under the three wake-up policies.
	for row, want := range map[string]int{
		"roshambo-spy (2 MiB ring) adaptive 2097152":       2 + 1,
		"roshambo-spy (parked, 2 MiB ring) parked 2097152": 2 + 1,
		"roshambo-spy (always, 2 MiB ring) always 2097152": 1,
		"roshambo-spy (8 MiB ring) adaptive 8388608":       2,
		"roshambo-spy (parked, 8 MiB ring) parked 8388608": 2,
	} {
		if spyRows[row] != want {
			t.Errorf("%d %q runs, want %d (all spy rows: %v)", spyRows[row], row, want, spyRows)
		}
	}
	for tr, want := range map[string]int{TracerNone: 3, TracerSpy: 11, TracerSpyOther: 2, TracerSpyPoll: 3, TracerStrace: 2, TracerBpftrace: 2, TracerBpftraceCount: 2} {
		if counts[tr] != want {
			t.Errorf("%d %s runs, want %d", counts[tr], tr, want)
		}
	}
	var delivery string
	for _, g := range rep.Goals {
		if strings.HasPrefix(g.Name, "100% delivery") {
			delivery = g.Detail
		}
	}
	if want := "delivered 100% on every sink: roshambo-spy (2 MiB ring), roshambo-spy (parked, 2 MiB ring), roshambo-spy (8 MiB ring), roshambo-spy (parked, 8 MiB ring)"; !strings.Contains(delivery, want) {
		t.Errorf("delivery goal %q lacks %q", delivery, want)
	}
	if len(rep.Goals) < 5 {
		t.Errorf("%d goals, want at least 5: %+v", len(rep.Goals), rep.Goals)
	}
	for _, g := range rep.Goals {
		switch g.Status {
		case GoalPass, GoalFail, GoalInfo:
		case GoalUnknown:
			if !strings.Contains(g.Name, "bpftrace") && !strings.Contains(g.Name, "strace") {
				t.Errorf("goal %q unknown although every run was made: %s", g.Name, g.Detail)
			}
		default:
			t.Errorf("goal %q has status %q", g.Name, g.Status)
		}
		if g.Detail == "" {
			t.Errorf("goal %q has no detail", g.Name)
		}
	}
}

// TestAbsentPeers checks that missing peers are reported, not skipped, and
// that the table shows it. It needs no privilege: the none run only starts
// the target, and the peers are looked up on an empty PATH.
func TestAbsentPeers(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	code, out, errs := runMain(t, "--writes", "200", "--rates", "0", "--sinks", "devnull",
		"--tracers", "none,strace,bpftrace,bpftrace-count", "--pin=false")
	if code != 0 {
		t.Fatalf("Main exited %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	for _, want := range []string{"strace is not installed", "bpftrace is not installed", "ABSENT", "goals:", "UNKNOWN"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "ABSENT:"); n != 3 {
		t.Errorf("%d ABSENT notes, want 3 (strace, bpftrace, bpftrace-count):\n%s", n, out)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--writes", "0"},
		{"--rates", "fast"},
		{"--rates", "-5"},
		{"--sinks", "disk"},
		{"--tracers", "dtrace"},
		{"--tracers", ""},
		{"extra"},
		{"--no-such-flag"},
		{"--wakeup", "never"},
		{"--game-wakeups", "adaptive,sometimes"},
		{"--compare-wakeup", "never"},
		{"--delivery-ring-size", "-1"},
		{"--spy-poll", "0s"},
		{"--repeat", "0"},
	} {
		code, out, errs := runMain(t, args...)
		if code != 2 || out != "" || errs == "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2, nothing, a message", args, code, out, errs)
		}
	}
}

package spybench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/internal/mono"
	"github.com/roshambo-game/roshambo/internal/ptyharness"
)

// roleTarget is the child role of a benchmark binary re-executed as the
// target process, in the benchmarks' one re-exec convention (the role in
// ptyharness.EnvChild, the JSON targetConfig in ptyharness.EnvConfig).
const roleTarget = "spybench-target"

// The file descriptors the target inherits (exec.Cmd.ExtraFiles start at 3).
const (
	goFD   = 3 // read end of the start pipe: one byte (or EOF) starts the loop
	sinkFD = 4 // where the moves are written: /dev/null or a pipe
)

// words are the writes a target makes, in turn: 6, 6 and 9 bytes, each a
// whole move word that the spy recognises.
var words = [][]byte{[]byte("rock!\n"), []byte("paper\n"), []byte("scissors\n")}

// stallNs separates a write call that was merely slow from one during which
// the writer lost its CPU to another process (a scheduler slice on a loaded
// machine is milliseconds; the slowest tracer here, strace, adds tens of µs).
const stallNs = int64(time.Millisecond)

// targetConfig is what the parent tells a target (JSON in ptyharness.EnvConfig).
type targetConfig struct {
	Writes  int   `json:"writes"`   // number of writes to make
	Period  int64 `json:"period"`   // ns between write starts; 0 = unpaced
	Sleep   bool  `json:"sleep"`    // wait by sleeping, not spinning (game pace)
	CPU     int   `json:"cpu"`      // CPU to pin the writing thread to; -1 = none
	NoStart bool  `json:"no_start"` // idle target: wait for the start pipe, then exit without writing
}

// targetResult is what a target reports on stdout (one JSON object).
type targetResult struct {
	Writes     int   `json:"writes"`       // writes made
	Bytes      int64 `json:"bytes"`        // bytes the writes returned
	Errors     int   `json:"errors"`       // writes that failed or were short
	SumNs      int64 `json:"sum_ns"`       // total ns spent inside the write calls (one mono reading each side)
	ElapsedNs  int64 `json:"elapsed_ns"`   // loop wall time, first write to last return
	StartNs    int64 `json:"start_ns"`     // mono time of the first write
	SumShortNs int64 `json:"sum_short_ns"` // SumNs over the calls of at most stallNs
	Short      int   `json:"short"`        // the number of such calls
	P50Ns      int64 `json:"p50_ns"`       // median write call
	P99Ns      int64 `json:"p99_ns"`       // 99th percentile write call
	MaxNs      int64 `json:"max_ns"`       // the longest write call
	MaxAt      int   `json:"max_at"`       // its index
	Pinned     bool  `json:"pinned"`       // the writing thread was pinned to cfg.CPU
}

func init() {
	// The target writes from the main thread, so that its thread id is its
	// pid (strace -p follows it even without -f) and the pinning below holds.
	// LockOSThread in init locks the main goroutine to the main thread.
	if IsTarget() {
		runtime.LockOSThread()
	}
}

// IsTarget reports whether this process was started as a benchmark target.
func IsTarget() bool { return os.Getenv(ptyharness.EnvChild) == roleTarget }

// RunChild runs the target process if this process is one, and returns its
// exit code and true; it returns false otherwise. Programs that run the
// benchmark (and test binaries that run Main end to end) call it first
// thing in main (TestMain), before flags are parsed.
func RunChild() (int, bool) {
	if !IsTarget() {
		return 0, false
	}
	return runTarget(os.Getenv(ptyharness.EnvConfig), os.Stdout, os.Stderr), true
}

// runTarget is the target process: wait for the start byte, make the writes,
// report on stdout.
func runTarget(spec string, stdout, stderr io.Writer) int {
	var cfg targetConfig
	if err := json.Unmarshal([]byte(spec), &cfg); err != nil {
		fmt.Fprintf(stderr, "spybench target: bad %s: %v\n", ptyharness.EnvConfig, err)
		return 2
	}
	res := targetResult{}
	if cfg.CPU >= 0 {
		var set unix.CPUSet
		set.Set(cfg.CPU)
		if err := unix.SchedSetaffinity(0, &set); err != nil {
			fmt.Fprintf(stderr, "spybench target: pin to CPU %d: %v\n", cfg.CPU, err)
		} else {
			res.Pinned = true
		}
	}
	// Block until the tracer is attached (a byte) or the parent gives up (EOF).
	var b [1]byte
	for {
		n, err := unix.Read(goFD, b[:])
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			fmt.Fprintf(stderr, "spybench target: start pipe closed before start (%v)\n", err)
			return 1
		}
		break
	}
	if !cfg.NoStart {
		writeLoop(&cfg, &res)
	}
	if err := json.NewEncoder(stdout).Encode(&res); err != nil {
		fmt.Fprintf(stderr, "spybench target: report: %v\n", err)
		return 1
	}
	return 0
}

// writeLoop makes cfg.Writes writes to sinkFD. Each write is timed with one
// monotonic reading before and one after (the bookkeeping between writes is
// outside that window); between writes it busy-waits for the next deadline
// (start + i*period) or, with cfg.Sleep, sleeps first. A late write starts at
// once.
func writeLoop(cfg *targetConfig, res *targetResult) {
	n := cfg.Writes
	// Per-write durations, for the median and P99 that preemption by other
	// processes (a shared machine) does not move as it moves the mean.
	hist := hdrhistogram.New(1, int64(10*time.Second), 2)
	start := mono.Now()
	res.StartNs = start
	var sum, bytes, sumShort int64
	errs, nShort := 0, 0
	t, t2 := start, start
	for i := 0; i < n; i++ {
		if cfg.Period > 0 {
			deadline := start + int64(i)*cfg.Period
			if cfg.Sleep {
				if d := deadline - mono.Now(); d > 0 {
					time.Sleep(time.Duration(d))
				}
			}
			for t = mono.Now(); t < deadline; t = mono.Now() {
			}
		} else {
			t = mono.Now()
		}
		w := words[i%len(words)]
		m, err := unix.Write(sinkFD, w)
		t2 = mono.Now()
		d := t2 - t
		sum += d
		if d <= stallNs {
			sumShort += d
			nShort++
		}
		_ = hist.RecordValue(d)
		if d > res.MaxNs {
			res.MaxNs, res.MaxAt = d, i
		}
		if err != nil || m != len(w) {
			errs++
		}
		if m > 0 {
			bytes += int64(m)
		}
	}
	res.Writes = n
	res.Bytes = bytes
	res.Errors = errs
	res.SumNs = sum
	res.SumShortNs, res.Short = sumShort, nShort
	res.ElapsedNs = t2 - start
	res.P50Ns = hist.ValueAtQuantile(50)
	res.P99Ns = hist.ValueAtQuantile(99)
}

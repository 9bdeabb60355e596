//go:build linux

package capture

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Main is `roshambo-bench capture`: it parses args (without the subcommand
// name), runs the benchmark and writes the report (or the JSON object) to
// stdout, progress and errors to stderr. It returns the exit code: 0 when
// every run succeeded, 1 when some failed (the report says which), 2 on bad
// usage. Goals that are not met do not change the exit code: they are
// figures to report, not test assertions.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("roshambo-bench capture", flag.ContinueOnError)
	fs.SetOutput(stderr)
	samples := fs.Int("samples", 0, "measured samples per reader and load (default 20000 with --gap fast, 400 with --gap human)")
	warmup := fs.Int("warmup", -1, "warm-up samples discarded per run (default 200 fast, 10 human)")
	gap := fs.String("gap", GapFast, "key spacing: fast (random 200-1000 µs: each key measures a wake-up) or human (50-250 ms)")
	loads := fs.String("load", strings.Join(AllLoads, ","), "comma-separated loads: idle, cpu (GOMAXPROCS busy goroutines, counted before the reader opens: roshambo's reserved P stays free), cpuall (counted after: the reserved P busy too), cpu1 (one busy goroutine), ext (a busy process)")
	readers := fs.String("readers", strings.Join(ReaderNames(), ","), "comma-separated readers")
	jsonOut := fs.Bool("json", false, "write one JSON object to stdout instead of the report")
	jsonFile := fs.String("json-file", "", "also write the JSON object to this file (with the report on stdout)")
	plot := fs.String("plot", "", "write a CDF plot (.svg or .png) of the first load; other loads go to FILE-<load>.ext")
	breakdown := fs.Bool("breakdown", false, "split latency with eBPF tracepoints (root)")
	budget := fs.Duration("budget", 0, "time limit per run; the writer stops early and the run is marked truncated (default 3x the expected duration, at least 30s)")
	escSamples := fs.Int("esc-samples", 200, "lone ESCs per reader in the ESC test (0 skips it)")
	idleCPU := fs.Duration("idle-cpu", 10*time.Second, "duration of the idle CPU guard (0 skips it)")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "seed of the random gaps")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: roshambo-bench capture [flags]\n\nCapture latency: pty master write -> reader, for roshambo's input layer and its peers.\nDefault run: 20000 samples x 6 readers x 5 loads, about 10 minutes on a 2-CPU VM (runs under cpu/ext stop at their --budget).\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "roshambo-bench capture: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg := Config{
		Samples: *samples, Warmup: *warmup, Gap: *gap, Loads: splitList(*loads), Readers: splitList(*readers),
		Budget: *budget, ESCSamples: *escSamples, IdleCPU: *idleCPU, Seed: *seed, Breakdown: *breakdown,
	}
	if !*quiet {
		cfg.Progress = stderr
	}
	if cfg.Samples == 0 {
		cfg.Samples = 20000
		if cfg.Gap == GapHuman {
			cfg.Samples = 400
		}
	}
	if cfg.Warmup < 0 {
		cfg.Warmup = 200
		if cfg.Gap == GapHuman {
			cfg.Warmup = 10
		}
	}
	if cfg.Budget == 0 {
		if gmin, gmax, err := gapRange(cfg.Gap); err == nil {
			cfg.Budget = max(30*time.Second, 3*time.Duration(cfg.Samples+cfg.Warmup)*(gmin+gmax)/2)
		}
	}
	if *escSamples < 0 || *idleCPU < 0 {
		fmt.Fprintln(stderr, "roshambo-bench capture: --esc-samples and --idle-cpu must not be negative")
		return 2
	}
	res, err := Execute(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "roshambo-bench capture: %v\n", err)
		return 2
	}
	code := 0
	if len(res.Errors) > 0 {
		code = 1
	}
	if *plot != "" {
		files, err := WritePlots(*plot, res)
		if err != nil {
			fmt.Fprintf(stderr, "roshambo-bench capture: %v\n", err)
			code = 1
		} else if !*quiet {
			fmt.Fprintf(stderr, "capture: plot written to %s\n", strings.Join(files, ", "))
		}
	}
	if *jsonFile != "" {
		js, err := json.MarshalIndent(res, "", "  ")
		if err == nil {
			err = os.WriteFile(*jsonFile, append(js, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintf(stderr, "roshambo-bench capture: %v\n", err)
			code = 1
		}
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "roshambo-bench capture: %v\n", err)
			return 1
		}
		return code
	}
	if err := WriteReport(stdout, res); err != nil {
		fmt.Fprintf(stderr, "roshambo-bench capture: %v\n", err)
		return 1
	}
	return code
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

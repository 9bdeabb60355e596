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
	warmup := fs.Int("warmup", -1, "warm-up samples discarded at the start of each block (default 10 fast, 2 human)")
	block := fs.Int("block", DefaultBlock, "measured samples per block: readers and loads take turns, one block each, round after round")
	resamples := fs.Int("resamples", 1000, "bootstrap resamples per 95% interval")
	gap := fs.String("gap", GapFast, "key spacing: fast (random 200-1000 µs: each key measures a wake-up) or human (50-250 ms)")
	loads := fs.String("load", strings.Join(AllLoads, ","), "comma-separated loads: idle, cpu (GOMAXPROCS busy goroutines, counted before the reader opens: roshambo's reserved P stays free), cpuall (counted after: the reserved P busy too), cpu1 (one busy goroutine), ext (a busy process)")
	readers := fs.String("readers", strings.Join(ReaderNames(), ","), "comma-separated readers")
	jsonOut := fs.Bool("json", false, "write one JSON object to stdout instead of the report")
	jsonFile := fs.String("json-file", "", "also write the JSON object to this file (with the report on stdout)")
	plot := fs.String("plot", "", "write a CDF plot (.svg or .png) of the first load; other loads go to FILE-<load>.ext")
	breakdown := fs.Bool("breakdown", true, "split every reader's latency into the kernel's part and the reader's part with eBPF tracepoints, in a second, traced pass (root; without it the report says why and the verdict falls back to the whole path)")
	budget := fs.Duration("budget", 0, "time limit per reader and load over all its blocks; the rest is skipped and the run marked truncated (default 3x the expected duration, at least 30s)")
	escSamples := fs.Int("esc-samples", 200, "lone ESCs per reader in the ESC test (0 skips it)")
	idleCPU := fs.Duration("idle-cpu", 10*time.Second, "duration of the idle CPU guard (0 skips it)")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "seed of the random gaps")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	usage := func() {
		fs.SetOutput(stdout)
		fmt.Fprintf(stdout, "usage: roshambo-bench capture [flags]\n\nCapture latency: pty master write -> reader, for roshambo's input layer (parked and hot) and its peers,\ninterleaved in blocks, with 95%% intervals and a verdict on \"sub-10 µs capture\" first.\nDefault run: 20000 samples x 7 readers x 5 loads (runs under cpu/ext stop at their --budget), then a traced pass of up to 5000;\n`--load idle,cpu1 --samples 5000` takes a few minutes on a 2-CPU VM.\n\n")
		fs.PrintDefaults()
	}
	// A mistake is one line on stderr (the flag package's); --help is the
	// usage on stdout.
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "roshambo-bench capture: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg := Config{
		Samples: *samples, Block: *block, Warmup: *warmup, Gap: *gap, Loads: splitList(*loads), Readers: splitList(*readers),
		Budget: *budget, ESCSamples: *escSamples, IdleCPU: *idleCPU, Seed: *seed, Resamples: *resamples, Breakdown: *breakdown,
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
		cfg.Warmup = 10
		if cfg.Gap == GapHuman {
			cfg.Warmup = 2
		}
	}
	if *block <= 0 || *resamples <= 0 {
		fmt.Fprintln(stderr, "roshambo-bench capture: --block and --resamples must be positive")
		return 2
	}
	if cfg.Budget == 0 {
		if gmin, gmax, err := gapRange(cfg.Gap); err == nil {
			blocks := (cfg.Samples + *block - 1) / *block
			cfg.Budget = max(30*time.Second, 3*time.Duration(cfg.Samples+blocks*cfg.Warmup)*(gmin+gmax)/2)
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

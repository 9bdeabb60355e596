//go:build linux

package capture

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/roshambo-game/roshambo/internal/cli"
)

// Main is `roshambo-bench capture`: it parses args (without the subcommand
// name), runs the benchmark and writes the report (or the JSON object) to
// stdout, progress and errors to stderr. It returns the exit code: 0 when
// every run succeeded, 1 when some failed (the report says which), 2 on bad
// usage. Goals that are not met do not change the exit code: they are
// figures to report, not test assertions.
func Main(args []string, stdout, stderr io.Writer) int {
	const prog = "roshambo-bench capture"
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	samples := cli.Int(fs, "samples", 0, 1, 1_000_000, "measured samples `N` per reader and load, 1 to 1000000 (default 20000 with --gap fast, 400 with --gap human)")
	warmup := cli.Int(fs, "warmup", 0, 0, 100_000, "warm-up samples `N` discarded at the start of each block, 0 to 100000 (default 10 fast, 2 human)")
	block := cli.Int(fs, "block", DefaultBlock, 1, 1_000_000, "measured samples `N` per block, 1 to 1000000: readers and loads take turns, one block each, round after round")
	resamples := cli.Int(fs, "resamples", 1000, 1, 100_000, "bootstrap resamples `N` per 95% interval, 1 to 100000")
	gap := GapFast
	fs.Func("gap", "key spacing, `GAP` fast (random 200-1000 µs: each key measures a wake-up) or human (50-250 ms) (default fast)", func(v string) error {
		if _, _, err := gapRange(v); err != nil {
			return fmt.Errorf("must be %s or %s", GapFast, GapHuman)
		}
		gap = v
		return nil
	})
	loads := fs.String("load", strings.Join(AllLoads, ","), "comma-separated `LOADS`: idle, cpu (GOMAXPROCS busy goroutines, counted before the reader opens: roshambo's reserved P stays free),\ncpuall (counted after: the reserved P busy too), cpu1 (one busy goroutine), ext (a busy process)")
	readers := fs.String("readers", strings.Join(ReaderNames(), ","), "comma-separated `READERS`")
	jsonOut := fs.Bool("json", false, "write one JSON object to stdout instead of the report")
	jsonFile := fs.String("json-file", "", "also write the JSON object to `FILE` (with the report on stdout)")
	plot := fs.String("plot", "", "write a CDF plot (.svg or .png) of the first load to `FILE`; other loads go to FILE-<load>.ext")
	breakdown := fs.Bool("breakdown", true, "split every reader's latency into the kernel's part and the reader's part with eBPF tracepoints, in a second,\ntraced pass (root; without it the report says why and the verdict falls back to the whole path)")
	budget := cli.Duration(fs, "budget", 0, time.Second, 24*time.Hour, "time limit `D` per reader and load over all its blocks, 1s to 24h; the rest is skipped and the run\nmarked truncated (default 3x the expected duration, at least 30s)")
	escSamples := cli.Int(fs, "esc-samples", 200, 0, 100_000, "lone ESCs `N` per reader in the ESC test, 0 to 100000 (0 skips it)")
	idleCPU := cli.Duration(fs, "idle-cpu", 10*time.Second, 0, time.Hour, "duration `D` of the idle CPU guard, 0 to 1h (0 skips it)")
	seed := fs.Uint64("seed", 0, "seed `N` of the random gaps (default: from the clock)")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	usage := func(w io.Writer) {
		fmt.Fprint(w, "usage: roshambo-bench capture [flags]\n\nCapture latency: pty master write -> reader, for roshambo's input layer (parked and hot) and its peers,\n"+
			"interleaved in blocks, with 95% intervals and a verdict on \"sub-10 µs capture\" first.\n"+
			"Default run: 20000 samples x 7 readers x 5 loads (runs under cpu/ext stop at their --budget), then a traced pass of up to 5000;\n"+
			"`--load idle,cpu1 --samples 5000` takes a few minutes on a 2-CPU VM.\n"+
			"Exit codes: 0 every run worked, 1 some run failed (the report says which), 2 bad usage.\n\nflags:\n")
		cli.WriteFlags(w, fs)
	}
	if p := cli.Parse(fs, prog, args, stdout, stderr, usage); p.Exit {
		return p.Code
	}
	if fs.NArg() > 0 {
		return cli.Fail(stderr, prog, "unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	cfg := Config{
		Samples: *samples, Block: *block, Warmup: *warmup, Gap: gap, Loads: splitList(*loads), Readers: splitList(*readers),
		Budget: *budget, ESCSamples: *escSamples, IdleCPU: *idleCPU, Seed: *seed, Resamples: *resamples, Breakdown: *breakdown,
	}
	if !*quiet {
		cfg.Progress = stderr
	}
	cfg.setDefaults(set)
	if err := cfg.validate(); err != nil {
		return cli.Fail(stderr, prog, "%v", err)
	}
	res, err := Execute(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	code := 0
	if len(res.Errors) > 0 {
		code = 1
	}
	if err := writeFiles(res, *plot, *jsonFile, cfg.Progress); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		code = 1
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(res)
	} else {
		err = WriteReport(stdout, res)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	return code
}

// setDefaults fills in the values whose flags were not given (set): the
// seed from the clock, and samples, warm-up and time budget from the gap
// (the budget counts every block's warm-up).
func (cfg *Config) setDefaults(set map[string]bool) {
	if !set["seed"] {
		cfg.Seed = uint64(time.Now().UnixNano())
	}
	if !set["samples"] {
		cfg.Samples = 20000
		if cfg.Gap == GapHuman {
			cfg.Samples = 400
		}
	}
	if !set["warmup"] {
		cfg.Warmup = 10
		if cfg.Gap == GapHuman {
			cfg.Warmup = 2
		}
	}
	if !set["budget"] {
		gmin, gmax, _ := gapRange(cfg.Gap)
		blocks := (cfg.Samples + cfg.Block - 1) / cfg.Block
		cfg.Budget = max(30*time.Second, 3*time.Duration(cfg.Samples+blocks*cfg.Warmup)*(gmin+gmax)/2)
	}
}

// writeFiles writes the plots (--plot) and the JSON file (--json-file) that
// were asked for, saying on progress where the plots went; the error is the
// first that failed, the others are still written.
func writeFiles(res *Result, plot, jsonFile string, progress io.Writer) error {
	var first error
	if plot != "" {
		files, err := WritePlots(plot, res)
		if err != nil {
			first = err
		} else if progress != nil {
			fmt.Fprintf(progress, "capture: plot written to %s\n", strings.Join(files, ", "))
		}
	}
	if jsonFile != "" {
		js, err := json.MarshalIndent(res, "", "  ")
		if err == nil {
			err = os.WriteFile(jsonFile, append(js, '\n'), 0o644)
		}
		if err != nil && first == nil {
			first = err
		}
	}
	return first
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

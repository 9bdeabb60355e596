package screen

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

// Main is `roshambo-bench screen`: it parses args (without the subcommand
// name), runs the benchmark and writes the report (or the JSON object) to
// stdout, progress and errors to stderr. It returns the exit code: 0 when
// every block ran, 1 when some failed (the report says which), 2 on bad
// usage. Claims that do not hold do not change the exit code: they are
// figures to report.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("roshambo-bench screen", flag.ContinueOnError)
	// 2000 keys: a P99 over 400 is the fourth-slowest key, and the runs of
	// 400 left every P99 verdict inconclusive (docs/BENCHMARKS.md). A run
	// of the five programs takes about 20 minutes.
	samples := fs.Int("samples", 2000, "timed keys per program, `N` from 1 to 100000 (the default takes about 20 minutes)")
	block := fs.Int("block", 40, "keys per program per session, `N`: each session starts the programs on fresh ptys")
	interleave := fs.String("interleave", InterleaveKeys, "`HOW` the programs share the run: "+InterleaveKeys+" (all at once, keys going round them one at a time) or "+InterleaveBlocks+" (one at a time, taking turns session by session)")
	gapMin := fs.Duration("gap-min", 60*time.Millisecond, "shortest gap `D` between the end of an update and the next key")
	gapMax := fs.Duration("gap-max", 120*time.Millisecond, "longest gap `D`")
	quiet := fs.Duration("quiet", 25*time.Millisecond, "an update ends after `D` without output (below --gap-min)")
	size := fs.String("size", "100x30", "terminal size, `COLSxROWS`")
	termName := fs.String("term", "xterm-256color", "TERM for the programs, `NAME`")
	progs := fs.String("programs", strings.Join(ProgramNames(), ","), "comma-separated `LIST` of programs: "+strings.Join(ProgramNames(), ", "))
	game := fs.String("roshambo", "", "the game's executable, `PATH` (default: next to this program, else in PATH)")
	jsonOut := fs.Bool("json", false, "write one JSON object to stdout instead of the report")
	jsonFile := fs.String("json-file", "", "also write the JSON object to `FILE`")
	rawFile := fs.String("samples-file", "", "write every timed key to `FILE` as CSV (program, write, first and last byte in ns, bytes, stalled)")
	plot := fs.String("plot", "", "write a CDF plot of the first-byte latency to `FILE` (.svg or .png)")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "seed `N` of the random gaps (default: from the clock)")
	probe := fs.Duration("stall-probe", 2*time.Millisecond, "period `D` of the stall probes: a thread per CPU wakes every D and notes when it is over 1ms late (the machine stalled); keys that meet a stall are left out of the second P50 and P99 verdicts; 0: no probes")
	quietFlag := fs.Bool("quiet-progress", false, "no progress lines on stderr")
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "usage: roshambo-bench screen [flags]\n\nKey-to-screen latency: a writer process that owns the pty master writes one key and times the\nfirst and the last byte of the screen update that follows, for a raw read/write echo, a minimal\ntcell app, a minimal bubbletea v2 app and roshambo (plain and commit mode), interleaved key by key.\n\nflags:\n")
		cli.WriteFlags(w, fs)
	}
	if p := cli.Parse(fs, "roshambo-bench screen", args, stdout, stderr, usage); p.Exit {
		return p.Code
	}
	if fs.NArg() > 0 {
		return cli.Fail(stderr, "roshambo-bench screen", "unexpected argument %q", fs.Arg(0))
	}
	var cols, rows int
	if _, err := fmt.Sscanf(*size, "%dx%d", &cols, &rows); err != nil {
		return cli.Fail(stderr, "roshambo-bench screen", "--size %s: must be COLSxROWS, e.g. 100x30", *size)
	}
	cfg := Config{
		Programs: splitList(*progs), Samples: *samples, Block: *block, Interleave: *interleave, GapMin: *gapMin, GapMax: *gapMax,
		Quiet: *quiet, Cols: cols, Rows: rows, Term: *termName, Roshambo: *game, Seed: *seed,
		Probe: *probe,
	}
	if !*quietFlag {
		cfg.Progress = stderr
	}
	res, err := Execute(cfg)
	if err != nil {
		return cli.Fail(stderr, "roshambo-bench screen", "%v", err)
	}
	code := 0
	if len(res.Errors) > 0 {
		code = 1
	}
	if *plot != "" {
		if err := WritePlot(*plot, res); err != nil {
			fmt.Fprintf(stderr, "roshambo-bench screen: %v\n", err)
			code = 1
		}
	}
	if *rawFile != "" {
		if err := writeFile(*rawFile, res.WriteSamples); err != nil {
			fmt.Fprintf(stderr, "roshambo-bench screen: %v\n", err)
			code = 1
		}
	}
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "roshambo-bench screen: %v\n", err)
		return 1
	}
	if *jsonFile != "" {
		if err := os.WriteFile(*jsonFile, append(js, '\n'), 0o644); err != nil {
			fmt.Fprintf(stderr, "roshambo-bench screen: %v\n", err)
			code = 1
		}
	}
	if *jsonOut {
		if _, err := stdout.Write(append(js, '\n')); err != nil {
			return 1
		}
		return code
	}
	if err := WriteReport(stdout, res); err != nil {
		fmt.Fprintf(stderr, "roshambo-bench screen: %v\n", err)
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

// writeFile creates path and fills it with write.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

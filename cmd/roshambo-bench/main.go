// Command roshambo-bench runs the side-by-side benchmarks:
//
//	roshambo-bench capture [flags]   capture latency: pty master write -> reader (see bench/capture)
//	roshambo-bench screen [flags]    key-to-screen latency of the whole game against its peers (see bench/screen)
//	roshambo-bench spy [flags]       spy overhead against its peers (see bench/spybench)
//	roshambo-bench help [benchmark]  usage
//
// Run `roshambo-bench <benchmark> -h` for the flags of each, with their
// ranges. Exit codes: 0 every run worked, 1 some run failed, 2 bad usage
// (one line on stderr).
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/roshambo-game/roshambo/bench/capture"
	"github.com/roshambo-game/roshambo/bench/screen"
	"github.com/roshambo-game/roshambo/bench/spybench"
	"github.com/roshambo-game/roshambo/internal/cli"
)

func main() {
	// The benchmarks re-execute this program for their child processes
	// (the terminal writer, load spinners, the idle CPU guard, the peer
	// apps, the spy's traced target), each in a named role
	// (internal/ptyharness.EnvChild).
	if code, ok := capture.RunChild(); ok {
		os.Exit(code)
	}
	if code, ok := screen.RunChild(); ok {
		os.Exit(code)
	}
	if code, ok := spybench.RunChild(); ok {
		os.Exit(code)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func usage(w io.Writer) {
	fmt.Fprint(w, "usage: roshambo-bench capture|screen|spy [flags]\n"+
		"       roshambo-bench help [benchmark]\n\n"+
		"  capture  capture latency of roshambo's input layer against os.File, bufio, tcell, cancelreader and a busy-poll floor\n"+
		"  screen   key-to-screen latency of the game against a raw echo, a minimal tcell app and a minimal bubbletea app\n"+
		"  spy      overhead of roshambo-spy on a traced process against its peers\n\n"+
		"Run roshambo-bench BENCHMARK --help for the flags of each. Exit codes: 0 every run worked, 1 some run\n"+
		"failed (the report says which), 2 bad usage. Claims that do not hold do not change the exit code.\n")
}

// benchmarks maps a benchmark's name to its entry point (args after the
// name).
var benchmarks = map[string]func(args []string, stdout, stderr io.Writer) int{
	"capture": capture.Main,
	"screen":  screen.Main,
	"spy":     spybench.Main,
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return cli.ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return cli.ExitOK
	case "help":
		if len(args) == 1 {
			usage(stdout)
			return cli.ExitOK
		}
		if b, ok := benchmarks[args[1]]; ok {
			return b([]string{"--help"}, stdout, stderr)
		}
		return cli.Fail(stderr, "roshambo-bench", "help %s: no such benchmark (capture, screen, spy)", args[1])
	case "-version", "--version":
		fmt.Fprintln(stdout, cli.Version("roshambo-bench"))
		return cli.ExitOK
	}
	if b, ok := benchmarks[args[0]]; ok {
		return b(args[1:], stdout, stderr)
	}
	return cli.Fail(stderr, "roshambo-bench", "unknown benchmark %q (capture, screen, spy)", args[0])
}

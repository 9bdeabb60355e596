// Command roshambo-bench runs the side-by-side benchmarks:
//
//	roshambo-bench capture [flags]   capture latency: pty master write -> reader (see bench/capture)
//	roshambo-bench screen [flags]    key-to-screen latency of the whole game against its peers (see bench/screen)
//	roshambo-bench spy [flags]       spy overhead against its peers
//
// Run `roshambo-bench <benchmark> -h` for the flags of each.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/roshambo-game/roshambo/bench/capture"
	"github.com/roshambo-game/roshambo/bench/screen"
	"github.com/roshambo-game/roshambo/bench/spybench"
)

func main() {
	// The capture benchmark re-executes this program for its child
	// processes (the terminal writer, load spinners, the idle CPU guard).
	// The spy benchmark's targets are re-executed as `roshambo-bench spy`
	// and recognized by spybench.Main itself.
	if code, ok := capture.RunChild(); ok {
		os.Exit(code)
	}
	if code, ok := screen.RunChild(); ok {
		os.Exit(code)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func usage(w io.Writer) {
	fmt.Fprint(w, "usage: roshambo-bench capture|screen|spy [flags]\n\n"+
		"  capture  capture latency of roshambo's input layer against os.File, bufio, tcell, cancelreader and a busy-poll floor\n"+
		"  screen   key-to-screen latency of the game against a raw echo, a minimal tcell app and a minimal bubbletea app\n"+
		"  spy      overhead of roshambo-spy on a traced process against its peers\n")
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "capture":
		return capture.Main(args[1:], stdout, stderr)
	case "screen":
		return screen.Main(args[1:], stdout, stderr)
	case "spy":
		return spybench.Main(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "roshambo-bench: unknown benchmark %q\n", args[0])
	usage(stderr)
	return 2
}

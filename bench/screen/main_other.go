//go:build !linux

package screen

import (
	"io"

	"github.com/roshambo-game/roshambo/internal/cli"
)

// Main says in one line that the screen benchmark needs Linux and returns
// 2 (--help works).
func Main(args []string, stdout, stderr io.Writer) int {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			io.WriteString(stdout, "usage: roshambo-bench screen [flags]: key-to-screen latency (Linux only)\n")
			return cli.ExitOK
		}
	}
	return cli.Unsupported(stderr, "roshambo-bench screen", "ptys and the game's terminal input")
}

// RunChild reports false: there are no child roles off Linux.
func RunChild() (int, bool) { return 0, false }

//go:build !linux

package spybench

import (
	"io"

	"github.com/roshambo-game/roshambo/internal/cli"
)

// Main says in one line that the spy benchmark needs Linux and returns 2
// (--help works).
func Main(args []string, stdout, stderr io.Writer) int {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			io.WriteString(stdout, "usage: roshambo-bench spy [flags]: the spy's overhead against strace and bpftrace (Linux only)\n")
			return cli.ExitOK
		}
	}
	return cli.Unsupported(stderr, "roshambo-bench spy", "eBPF, strace, bpftrace")
}

// IsTarget reports false: there are no targets off Linux.
func IsTarget() bool { return false }

// RunChild reports false: there are no targets off Linux.
func RunChild() (int, bool) { return 0, false }

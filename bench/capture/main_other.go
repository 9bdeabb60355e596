//go:build !linux

package capture

import (
	"io"

	"github.com/roshambo-game/roshambo/internal/cli"
)

// Main says in one line that the capture benchmark needs Linux and returns
// 2 (--help works).
func Main(args []string, stdout, stderr io.Writer) int {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			io.WriteString(stdout, "usage: roshambo-bench capture [flags]: keystroke capture latency (Linux only)\n")
			return cli.ExitOK
		}
	}
	return cli.Unsupported(stderr, "roshambo-bench capture", "ptys, epoll and eBPF")
}

// RunChild reports false: there are no child roles off Linux.
func RunChild() (int, bool) { return 0, false }

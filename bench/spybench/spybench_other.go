//go:build !linux

package spybench

import (
	"fmt"
	"io"
)

// Main reports that the spy benchmark needs Linux (eBPF, strace, bpftrace)
// and returns 1.
func Main(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "roshambo-bench spy: needs Linux (eBPF, strace, bpftrace)")
	return 1
}

// IsTarget reports false: there are no targets off Linux.
func IsTarget() bool { return false }

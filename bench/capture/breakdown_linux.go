package capture

import "errors"

// errNoBreakdown: the eBPF split of the kernel path is not part of this
// build (it needs a BPF program under bench/breakdown, built with clang and
// bpf2go). The user-space part is measured without eBPF regardless.
var errNoBreakdown = errors.New("the eBPF breakdown program is not built yet (bench/breakdown); the user-space part below is measured without eBPF")

// kernelBreakdown would split each sample into the kernel's tty flush work,
// the reader thread's wake-up and scheduling, and the user-space part.
func kernelBreakdown(Config) (any, error) { return nil, errNoBreakdown }

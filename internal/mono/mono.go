// Package mono reads the monotonic clock without a system call.
//
// The input path stamps every captured chunk, so the stamp must be cheap: the
// runtime's own monotonic clock (vDSO clock_gettime(CLOCK_MONOTONIC)) costs
// tens of nanoseconds, about half of time.Now, and a raw unix.ClockGettime is a
// real syscall (hundreds of nanoseconds). Readings are CLOCK_MONOTONIC
// nanoseconds, so they compare across processes on the same machine (the
// benchmark's writer process and bpf_ktime_get_ns use the same clock).
package mono

import (
	_ "unsafe" // for go:linkname
)

//go:linkname nanotime runtime.nanotime
func nanotime() int64

// Now returns the current CLOCK_MONOTONIC time in nanoseconds.
// It is safe for concurrent use and never allocates.
func Now() int64 { return nanotime() }

// Since returns the nanoseconds elapsed since t, a value returned by Now.
func Since(t int64) int64 { return nanotime() - t }

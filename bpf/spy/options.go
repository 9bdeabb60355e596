package spy

import (
	"fmt"
	"os"
	"time"

	"github.com/roshambo-game/roshambo/bpf/event"
)

// Defaults and bounds of Options.
const (
	// DefaultRingSize is the ring buffer size: 4 MiB holds about 50,000
	// records of short writes, 50 ms of a million writes a second, which
	// is what a reader that is kept off the CPU for a while needs to lose
	// nothing (256 KiB lost up to 3% of a million paced writes a second:
	// see docs/BENCHMARKS.md).
	DefaultRingSize = 4 << 20
	// DefaultCopyBytes is how many bytes of each write are copied: a whole
	// protocol line, its line ending included (event.LineMax). A record
	// is only as long as the bytes actually copied, so short writes cost
	// no more for it.
	DefaultCopyBytes = event.LineMax
	// MaxCopyBytes is the largest copy bound.
	MaxCopyBytes = event.MaxCopy
	// MaxCommLen is the longest Comm filter: the kernel keeps 15 bytes of a
	// task's name.
	MaxCommLen = event.CommLen - 1
)

// Wakeup is the ring buffer's wake-up policy: when a committed event wakes
// a Read blocked on an empty ring.
type Wakeup uint8

const (
	// WakeupAdaptive is the kernel's default: an event wakes the reader
	// when the reader has consumed everything before it (the ring was
	// empty), and not while the reader is still draining. An event never
	// waits for a later one.
	WakeupAdaptive Wakeup = iota
	// WakeupAlways forces a wake-up for every event (BPF_RB_FORCE_WAKEUP):
	// more wake-ups under load, no latency gain (see docs/spy.md).
	WakeupAlways
	// WakeupParked wakes the reader only when it has parked: Read spins
	// for up to ParkAfter on an empty ring, then sets a doorbell shared
	// with the kernel and blocks; a record committed while the doorbell is
	// set wakes it (at once, as with WakeupAdaptive), any other record is
	// committed with BPF_RB_NO_WAKEUP. Under load a reader that keeps up
	// costs the writers no wake-ups at all (each is an irq_work, a
	// self-IPI that costs microseconds in a VM); at game pace every event
	// still wakes the parked reader at once. An event never waits for a
	// later one.
	WakeupParked
)

// ParkAfter is how long Read spins on an empty ring (yielding the
// processor between looks) before it parks, with WakeupParked.
const ParkAfter = 50 * time.Microsecond

// Options configure Open. The zero value is valid: every field has a default.
type Options struct {
	// RingSize is the ring buffer size in bytes: a power of two, at least
	// the page size. Default DefaultRingSize.
	RingSize int
	// CopyBytes bounds the data copied from each write, 1 to MaxCopyBytes.
	// Default DefaultCopyBytes.
	CopyBytes int
	// Comm, when set, also follows every process one of whose threads is
	// named exactly Comm (at most MaxCommLen bytes), in addition to the
	// targets: the processes so named when Open runs, any that execs into
	// the name or whose thread is renamed to it (prctl PR_SET_NAME,
	// /proc/PID/task/TID/comm) later, and any whose writing thread bears it.
	// Such a process stays followed, with its children, until it exits,
	// whatever it is called later (event.KindFollow reports it).
	Comm string
	// NoFollowForks stops the kernel from adding the children of targets.
	NoFollowForks bool
	// Wakeup is the ring buffer's wake-up policy. Default WakeupAdaptive.
	Wakeup Wakeup
}

func badOption(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidOptions}, args...)...)
}

func (o *Options) normalize() error {
	if o.RingSize == 0 {
		o.RingSize = DefaultRingSize
	}
	page := os.Getpagesize()
	if o.RingSize < page || o.RingSize&(o.RingSize-1) != 0 {
		return badOption("ring size %d: must be a power of two of at least %d bytes", o.RingSize, page)
	}
	if o.CopyBytes == 0 {
		o.CopyBytes = DefaultCopyBytes
	}
	if o.CopyBytes < 0 || o.CopyBytes > MaxCopyBytes {
		return badOption("copy bound %d: must be between 1 and %d bytes", o.CopyBytes, MaxCopyBytes)
	}
	if len(o.Comm) > MaxCommLen {
		return badOption("comm %q is %d bytes long: the kernel keeps only %d bytes of a process name (use %q)",
			o.Comm, len(o.Comm), MaxCommLen, o.Comm[:MaxCommLen])
	}
	if o.Wakeup > WakeupParked {
		return badOption("unknown wake-up policy %d", o.Wakeup)
	}
	return nil
}

// MaxWatchedFiles is how many files WatchFile and WatchPath can watch at
// once.
const MaxWatchedFiles = 64

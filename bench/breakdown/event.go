package breakdown

import "errors"

// Kind is the kind of a traced event.
type Kind uint32

// Event kinds (the values of enum kind in breakdown.c).
const (
	KindWrite     Kind = 1 // the writer process enters write(2)
	KindWQStart   Kind = 2 // a kernel worker starts flush_to_ldisc
	KindWQEnd     Kind = 3 // ... and finishes it
	KindWakeup    Kind = 4 // a thread of the reader process is woken (Tid2: the waker)
	KindSwitchIn  Kind = 5 // a thread of the reader process is switched in
	KindEpollExit Kind = 6 // a thread of the reader process returns from epoll_wait
)

// Event is one traced event. Time is CLOCK_MONOTONIC ns (input/mono's clock).
type Event struct {
	Time int64
	Kind Kind
	Tid  uint32 // the thread concerned
	Tid2 uint32 // KindWakeup: the waking thread
}

const eventSize = 24 // struct event in breakdown.c

var (
	// ErrPrivileges means the process lacks CAP_BPF/CAP_PERFMON (run as root).
	ErrPrivileges = errors.New("eBPF breakdown needs root (CAP_BPF and CAP_PERFMON)")
	// ErrUnsupportedPlatform is returned by Open and FlushToLdisc on an
	// operating system other than Linux, where the package builds but
	// cannot trace.
	ErrUnsupportedPlatform = errors.New("the eBPF breakdown runs only on Linux (amd64 or arm64)")
)

package input

import (
	"errors"
	"time"

	"github.com/roshambo-game/roshambo/input/ring"
)

// DefaultRingSize is the ring capacity used when ReaderOptions.RingSize is 0.
const DefaultRingSize = 64 << 10

// DefaultSpin is how long Next spins, checking the ring, before it parks,
// when ReaderOptions.Spin is 0. It is long enough to catch the follow-up
// chunks of a burst (a paste, a sequence split across reads: the kernel's
// tty flush worker delivers them microseconds apart) and short enough that a
// consumer waiting for the next human keystroke parks at once, in CPU terms.
// BenchmarkPtyRoundTrip compares spinning with parking at once.
const DefaultSpin = 25 * time.Microsecond

// Sentinel errors returned by Reader.Next; check them with errors.Is.
var (
	// ErrClosed: the Reader was closed and every chunk captured before has
	// been consumed.
	ErrClosed = errors.New("input: reader closed")
	// ErrDeadline: the deadline passed Next before a chunk arrived.
	ErrDeadline = errors.New("input: deadline passed")
	// ErrInterrupted: Interrupt was called.
	ErrInterrupted = errors.New("input: interrupted")
)

// ReaderOptions configures NewReader. The zero value gives the defaults.
type ReaderOptions struct {
	// RingSize is the ring capacity in bytes, a power of two; 0 means
	// DefaultRingSize.
	RingSize int
	// Spin is how long Next spins before it parks; 0 means DefaultSpin, a
	// negative value never spins.
	Spin time.Duration
	// NoReserveP opts out of the reserved P. By default, while a Reader is
	// open, the input layer raises GOMAXPROCS by one, process-wide: the
	// reader thread is in a system call (epoll_wait) nearly all the time,
	// and when it returns with a key Go's runtime must give it a P before
	// it can stamp and publish the chunk. If the application's own
	// goroutines hold every P, that wait is Go's 10 ms preemption slice;
	// with one P more than the application's work, a P is idle (or
	// retaken from the reader's own system call by sysmon) for the
	// reader, and for the consumer it wakes. The reservation is counted
	// across Readers: the first Open raises GOMAXPROCS, the last Close
	// restores the value it found, unless GOMAXPROCS was changed
	// meanwhile (then the application's value stays). Setting GOMAXPROCS
	// explicitly also stops the runtime's automatic updates of it (Go
	// 1.25+, e.g. on a container's CPU limit change) for the rest of the
	// process. Readers with NoReserveP neither raise nor restore it.
	NoReserveP bool

	// wake selects the consumer's parking mechanism (tests and benchmarks
	// compare them); the zero value picks the default: wakeFutex when the
	// Reader reserves a P, wakeChan with NoReserveP.
	wake wakeMode
}

// wakeMode is how a parked consumer is woken.
type wakeMode uint8

const (
	// wakeAuto picks wakeFutex with a reserved P and wakeChan without.
	wakeAuto wakeMode = iota
	// wakeChan parks the consumer goroutine on a 1-buffered channel (and
	// the reused timer for deadlines); the Go scheduler wakes it.
	wakeChan
	// wakeFutex blocks the consumer's thread in futex(2); the kernel wakes
	// it directly. The default with a reserved P (see docs/input.md).
	wakeFutex
)

// ReaderStats are a Reader's cumulative counters.
type ReaderStats struct {
	ring.Stats        // Bytes, Chunks, Full of the ring
	Reads      uint64 // read(2) calls on the fd
	Wakeups    uint64 // epoll_wait returns with events
	SpaceWaits uint64 // times the reader waited for the consumer to free space
	Doorbells  uint64 // times the reader (or Interrupt, or the end) woke a parked consumer
	Parks      uint64 // times Next parked
	Spins      uint64 // times Next found a chunk while spinning (no park needed)
	Yields     uint64 // times the reader gave up its P so that the consumer it woke could run
}

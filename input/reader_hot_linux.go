package input

import (
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/input/ring"
	"github.com/roshambo-game/roshambo/internal/mono"
)

// Hot makes the Reader hot for min(d, ReaderOptions.HotMax) from now: the
// reader thread polls the fd with read(2) instead of blocking in
// epoll_wait, and Next spins instead of parking, so that a key reaches the
// consumer without a thread wake-up on either side. Each call replaces the
// previous window; Hot(0) (or a negative d) ends hot mode at once, and
// both sides park again (the reader thread at its next poll, the consumer
// at its next check). With HotMax 0 (the default) Hot does nothing.
// Re-arming a Reader that is hot already is two atomic operations, cheap
// enough to call before every wait.
//
// Hot costs up to two busy cores for as long as it lasts: call it while a
// key is awaited that must be fast, with a bound (the round's time limit),
// and Hot(0) as soon as the wait is over. Any goroutine; it never blocks.
func (r *Reader) Hot(d time.Duration) {
	if r.hotMax == 0 {
		return
	}
	if d <= 0 {
		r.hotUntil.Store(0)
		return
	}
	now := mono.Now()
	if old := r.hotUntil.Swap(now + min(int64(d), r.hotMax)); old > now+int64(time.Millisecond) {
		// Hot already, and not about to end: both sides poll and will
		// see the new end (the margin covers a side that is checking
		// the old end right now).
		return
	}
	// Get both sides out of their sleep: the reader thread through the
	// eventfd, the consumer through its doorbell (it then spins).
	r.signalSpace()
	r.ringBell()
}

// hot reports whether hot mode is on now.
func (r *Reader) hot() bool {
	u := r.hotUntil.Load()
	return u != 0 && mono.Now() < u
}

// hotPoll is the reader thread's loop while hot: it reads the fd until hot
// mode ends, Close is called or the ring fills up (then it returns
// readable: the normal path waits for space). Bytes that arrive after its
// last read raise an edge that the next epoll_wait reports.
func (r *Reader) hotPoll(exhaust bool) (readable bool, err error) {
	for r.hot() && !r.stopping.Load() {
		if !r.producer.CompareAndSwap(false, true) {
			// The consumer still waits on the fd itself (Hot is
			// getting it out): it reads meanwhile.
			schedYield()
			continue
		}
		before := r.reads.Load()
		readable, rang, err := r.drain(mono.Now(), exhaust, true)
		r.producer.Store(false)
		r.hotPolls.Add(r.reads.Load() - before)
		if err != nil || readable {
			return readable, err
		}
		if rang && r.wake == wakeChan {
			r.handOff()
		}
		schedYield()
	}
	return false, nil
}

// spinHot spins while hot mode lasts (Hot woke the parked consumer, or it
// was hot already), checking like Next. done reports that Next must return
// (c, err); otherwise hot mode ended with nothing to return.
func (r *Reader) spinHot(deadline int64) (c ring.Chunk, err error, done bool) {
	for r.hot() {
		if c, err, done := r.poll(deadline); done {
			if err == nil {
				r.spins.Add(1)
				r.hotSpins.Add(1)
			}
			return c, err, true
		}
		schedYield()
	}
	return ring.Chunk{}, nil, false
}

// schedYield gives the CPU to any thread waiting for it (sched_yield(2)),
// and returns at once when none is. A hot Reader spins on two threads: on
// a machine with few CPUs they would otherwise hold the kernel's tty flush
// worker and the terminal's own process off the CPU until their time
// slice ends, which is the very latency hot mode is meant to cut.
func schedYield() { _, _, _ = unix.RawSyscall(unix.SYS_SCHED_YIELD, 0, 0, 0) }

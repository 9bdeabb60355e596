package input

import (
	"encoding/binary"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/input/ring"
	"github.com/roshambo-game/roshambo/internal/mono"
)

// procyield executes cycles PAUSE instructions: a cheap pause for spin
// loops (it tells the CPU, and a hypervisor, that this is a spin-wait).
//
//go:linkname procyield runtime.procyield
func procyield(cycles uint32)

// Reader captures the bytes of a terminal (or any pollable) fd on a
// dedicated OS thread and hands them, as timestamped chunks, to one consumer.
//
// Concurrency contract: Next and Release are called by one consumer
// goroutine (the role may move between goroutines only with a happens-before
// edge between the calls). Interrupt, Stats and Close may be called by any
// goroutine at any time, concurrently with everything else. The reader's own
// goroutine is internal; it exits before Close returns.
type Reader struct {
	fd, epfd, evfd int
	cepfd, cevfd   int  // the consumer's own epoll instance (fd + cevfd) and doorbell, wakeDirect only
	origFlags      int  // fd's file status flags at NewReader
	setNonblock    bool // NewReader turned O_NONBLOCK on; Close turns it off
	ring           *ring.Buffer
	spin           int64 // ns; <= 0: never spin
	hotMax         int64 // ns; 0: hot mode disabled (reader_hot_linux.go)
	wake           wakeMode
	reserved       bool    // holds a share of the reserved P (reader_reserve.go)
	one            [8]byte // eventfd increment 1, read-only after NewReader

	// Shared between the reader thread, the consumer and Interrupt/Close.
	parked   atomic.Uint32 // consumer is parked (or about to); the futex word in wakeFutex mode
	intr     atomic.Bool   // Interrupt pending
	prodWait atomic.Bool   // reader waits for the consumer to free space
	stopping atomic.Bool   // Close was called
	fin      atomic.Bool   // reader goroutine finished; rerr is set
	rerr     error         // why it finished (nil: closed); written before fin
	bell     chan struct{} // wakeChan doorbell, capacity 1
	woken    atomic.Uint32 // 0 when a doorbell is rung, 1 once the consumer runs again
	hotUntil atomic.Int64  // hot mode ends at this mono time; 0: not hot
	exited   chan struct{} // closed when the reader goroutine returns
	// producer is the right to read fd and commit to the ring: the reader
	// thread takes it around each drain, a consumer parking in wakeDirect
	// mode for as long as it waits on fd itself, and Close for good.
	producer atomic.Bool
	direct   atomic.Bool // the parked consumer waits on cepfd: ring cevfd, not the futex

	// Reader-thread private.
	evbuf [8]byte

	// Consumer private.
	timer    *time.Timer // reused for deadlines, never reallocated
	ts       unix.Timespec
	cevs     [2]unix.EpollEvent
	cbuf     [8]byte
	noPwait2 bool // epoll_pwait2 is missing (Linux < 5.11): millisecond timeouts

	closeOnce sync.Once
	closeErr  error
	// evmu guards the eventfd between a space-freed signal from Release
	// (the slow path only) and Close closing it.
	evmu     sync.Mutex
	evClosed bool

	reads, wakeups, spaceWaits, doorbells, parks, spins, yields, directs atomic.Uint64
	hotPolls, hotSpins                                                   atomic.Uint64
}

// NewReader starts capturing fd. It turns O_NONBLOCK on (Close restores the
// fd's flags), creates its own epoll instance watching fd (EPOLLIN|EPOLLET)
// and an eventfd (stop and space-freed wake-ups), and starts the reader
// goroutine, locked to its OS thread. On each readiness edge the reader
// reads until EAGAIN or a short read (the kernel had nothing more queued;
// see the package doc and epoll(7));
// when the ring is full it stops reading and resumes as soon as the consumer
// releases a chunk, without waiting for a new edge. fd must be pollable (a tty, pty, pipe or
// socket); it is not closed by Close. Nothing else may read fd meanwhile.
//
// Unless opts.NoReserveP is set, NewReader also raises GOMAXPROCS by one for
// as long as the Reader is open (a process-wide effect, counted across
// Readers; see ReaderOptions.NoReserveP), so that the reader thread finds a
// P when epoll_wait returns even when the application keeps every other P
// busy.
func NewReader(fd int, opts ReaderOptions) (*Reader, error) {
	size := opts.RingSize
	if size == 0 {
		size = DefaultRingSize
	}
	rb, err := ring.New(size)
	if err != nil {
		return nil, fmt.Errorf("input: new reader: %w", err)
	}
	spin := opts.Spin
	if spin == 0 {
		spin = DefaultSpin
	}
	if opts.HotMax < 0 {
		return nil, fmt.Errorf("input: new reader: negative HotMax %v", opts.HotMax)
	}
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return nil, fmt.Errorf("input: new reader: fcntl(%d, F_GETFL): %w", fd, err)
	}
	r := &Reader{
		fd: fd, epfd: -1, evfd: -1, cepfd: -1, cevfd: -1, origFlags: flags,
		ring: rb, spin: int64(spin), hotMax: int64(opts.HotMax), wake: opts.wake,
		bell:   make(chan struct{}, 1),
		exited: make(chan struct{}),
		timer:  time.NewTimer(time.Hour),
	}
	r.timer.Stop()
	binary.NativeEndian.PutUint64(r.one[:], 1)
	if err := r.setup(); err != nil {
		r.release()
		return nil, fmt.Errorf("input: new reader on fd %d: %w", fd, err)
	}
	if !opts.NoReserveP {
		reserveP()
		r.reserved = true
	}
	if r.wake == wakeAuto {
		r.wake = wakeChan
		if r.reserved {
			r.wake = wakeDirect
		}
	}
	if r.wake == wakeDirect {
		if err := r.setupDirect(); err != nil {
			r.release()
			return nil, fmt.Errorf("input: new reader on fd %d: %w", fd, err)
		}
	}
	go r.run()
	return r, nil
}

func (r *Reader) setup() error {
	if err := r.watch(&r.epfd, &r.evfd); err != nil {
		return err
	}
	if r.origFlags&unix.O_NONBLOCK == 0 {
		if _, err := unix.FcntlInt(uintptr(r.fd), unix.F_SETFL, r.origFlags|unix.O_NONBLOCK); err != nil {
			return fmt.Errorf("set O_NONBLOCK: %w", err)
		}
		r.setNonblock = true
	}
	return nil
}

// ttyEvents is the reader's epoll interest in fd.
const ttyEvents = unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLET

// setupDirect creates the consumer's epoll instance, watching fd
// (edge-triggered, like the reader's) and the consumer's doorbell eventfd.
func (r *Reader) setupDirect() error { return r.watch(&r.cepfd, &r.cevfd) }

// watch creates an epoll instance (*epfd) and an eventfd (*evfd), and
// watches fd (ttyEvents) and the eventfd (level-triggered) with it. What it
// created is stored even when a later step fails, for release to close.
func (r *Reader) watch(epfd, evfd *int) error {
	var err error
	if *epfd, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		return fmt.Errorf("epoll_create1: %w", err)
	}
	if *evfd, err = unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC); err != nil {
		return fmt.Errorf("eventfd: %w", err)
	}
	ev := unix.EpollEvent{Events: ttyEvents, Fd: int32(r.fd)}
	if err := unix.EpollCtl(*epfd, unix.EPOLL_CTL_ADD, r.fd, &ev); err != nil {
		return fmt.Errorf("watch fd with epoll (is it a tty, pipe or socket?): %w", err)
	}
	ev = unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(*evfd)}
	if err := unix.EpollCtl(*epfd, unix.EPOLL_CTL_ADD, *evfd, &ev); err != nil {
		return fmt.Errorf("watch eventfd with epoll: %w", err)
	}
	return nil
}

// release closes the epoll fd and the eventfd and restores fd's flags. It
// runs once, after the reader goroutine exited (or before it started).
func (r *Reader) release() error {
	var errs []error
	if r.setNonblock {
		if _, err := unix.FcntlInt(uintptr(r.fd), unix.F_SETFL, r.origFlags); err != nil {
			errs = append(errs, fmt.Errorf("restore flags of fd %d: %w", r.fd, err))
		}
		r.setNonblock = false
	}
	r.evmu.Lock()
	r.evClosed = true
	r.evmu.Unlock()
	for _, fd := range []int{r.epfd, r.evfd, r.cepfd, r.cevfd} {
		if fd >= 0 {
			if err := unix.Close(fd); err != nil {
				errs = append(errs, fmt.Errorf("close fd %d: %w", fd, err))
			}
		}
	}
	if r.reserved {
		r.reserved = false
		unreserveP()
	}
	if len(errs) > 0 {
		return fmt.Errorf("input: close reader: %v", errs)
	}
	return nil
}

// run is the reader goroutine.
func (r *Reader) run() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err := r.loop()
	r.rerr = err
	r.fin.Store(true) // after the last Commit: the consumer sees every chunk first
	r.ringBell()
	close(r.exited)
}

// loop waits for readiness and drains fd into the ring until Close or a read
// error.
func (r *Reader) loop() error {
	var evs [4]unix.EpollEvent
	readable := true // read once at start: bytes may be queued already
	hangup := false  // the other side hung up: read to the end
	woke := mono.Now()
	for {
		if readable && !r.stopping.Load() {
			if !r.producer.CompareAndSwap(false, true) {
				// A parked consumer reads fd itself (wakeDirect) and
				// has switched our interest off; it switches it back
				// on when it stops, and a byte it left behind raises
				// an event here then.
				readable = false
			} else {
				var err error
				var rang bool
				readable, rang, err = r.drain(woke, hangup, true)
				r.producer.Store(false)
				if err != nil {
					return err
				}
				if rang && r.wake == wakeChan {
					r.handOff()
				}
				if !rang && r.wake == wakeDirect && r.parked.Load() == 1 && !r.direct.Load() {
					// The consumer parked on the futex because we
					// held the producer role, and we read nothing
					// for it: wake it so that it parks on fd itself.
					r.ringBell()
				}
			}
		}
		if !readable && r.hot() {
			var err error
			if readable, err = r.hotPoll(hangup); err != nil {
				return err
			}
			if r.stopping.Load() {
				return nil
			}
		}
		n, err := unix.EpollWait(r.epfd, evs[:], -1)
		woke = mono.Now()
		if err != nil {
			if err == unix.EINTR {
				continue
			}
			return fmt.Errorf("input: epoll_wait: %w", err)
		}
		r.wakeups.Add(1)
		for i := range n {
			if evs[i].Fd == int32(r.evfd) {
				// Stop or space freed: reset the counter. readable is
				// left as it was (true if the ring was full).
				_, _ = unix.Read(r.evfd, r.evbuf[:])
				continue
			}
			// EPOLLIN, EPOLLHUP, EPOLLERR, EPOLLRDHUP: read to find out
			// (data first, then EIO or EOF).
			readable = true
			if evs[i].Events&(unix.EPOLLHUP|unix.EPOLLRDHUP|unix.EPOLLERR) != 0 {
				// No edge will follow a hangup: read through to
				// EOF or the error, past short reads.
				hangup = true
			}
		}
		if r.stopping.Load() {
			return nil
		}
	}
}

// drain reads fd into the ring until the kernel has nothing more (EAGAIN or
// a short read) or the ring is full. With exhaust (after a hangup), a short
// read does not end it: only EAGAIN, EOF or an error does, because a hangup
// raises no further edge. It reports whether fd may still be readable (the
// ring filled up: no new edge will come for those bytes).
//
// The caller holds the producer role. bell: ring the consumer's doorbell
// after each chunk (the reader thread; a consumer draining for itself does
// not).
func (r *Reader) drain(woke int64, exhaust, bell bool) (readable, rang bool, err error) {
	for {
		buf := r.ring.Reserve()
		if buf == nil {
			// Announce the wait, then re-check (the consumer releases,
			// then checks prodWait: one of us sees the other).
			r.prodWait.Store(true)
			if buf = r.ring.Reserve(); buf == nil {
				r.spaceWaits.Add(1)
				return true, rang, nil
			}
			r.prodWait.Store(false)
		}
		n, err := unix.Read(r.fd, buf)
		t := mono.Now()
		r.reads.Add(1)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			return false, rang, nil
		case err != nil:
			return false, rang, fmt.Errorf("input: read fd %d: %w", r.fd, err)
		case n == 0:
			return false, rang, fmt.Errorf("input: read fd %d: %w", r.fd, io.EOF)
		}
		r.ring.Commit(n, ring.Meta{Time: t, Woke: woke, Drained: n < len(buf)})
		if bell {
			rang = r.ringBell() || rang
		}
		if n < len(buf) && !exhaust {
			// A short read: the kernel had nothing more queued, and any
			// byte that arrives later raises a new edge (epoll(7): a
			// short read on a stream means the data is exhausted). This
			// saves the read that would only return EAGAIN. A read that
			// filled buf exactly proves nothing: read again.
			return false, rang, nil
		}
	}
}

// handOffWait bounds how long the reader thread waits, after ringing the
// doorbell, for the consumer to start running on another P.
const handOffWait = 10 * time.Microsecond

// handOff makes sure the consumer the doorbell just readied gets to run. The
// channel send readies it onto this thread's own P (runnext); with an idle P
// elsewhere, the runtime wakes a thread that takes it from there within a
// few microseconds. With no idle P (the application keeps the others busy),
// blocking in epoll_wait now would keep this P in a system call with the
// consumer stuck on it until sysmon retakes it (20 µs to 10 ms). So the
// reader waits up to handOffWait for the consumer to report that it runs,
// and if it does not, yields: runtime.Gosched hands this P to another
// thread, which runs the consumer at once, and this goroutine waits on the
// global run queue for a free P (bytes that arrive meanwhile wait in the
// kernel; their edge is not lost).
func (r *Reader) handOff() {
	end := mono.Now() + int64(handOffWait)
	for r.woken.Load() == 0 {
		if mono.Now() >= end {
			r.yields.Add(1)
			runtime.Gosched()
			return
		}
		procyield(8)
	}
}

// ringBell rings the consumer's doorbell if it is parked. Called by the reader
// thread after each chunk, by Interrupt, and when the reader finishes; it
// reports whether it rang. The common case (consumer busy or spinning) is one
// atomic load.
func (r *Reader) ringBell() bool {
	if r.parked.Load() == 0 || r.parked.Swap(0) == 0 {
		return false
	}
	// We took the consumer's parked flag: exactly one doorbell is owed.
	r.doorbells.Add(1)
	if r.direct.Load() {
		// The consumer waits on cepfd (it stores direct before it checks
		// parked: one of us sees the other).
		_, _ = unix.Write(r.cevfd, r.one[:])
		return true
	}
	if r.wake != wakeChan {
		futex(&r.parked, futexWakePrivate, 1, nil)
		return true
	}
	r.woken.Store(0)
	r.bell <- struct{}{} // never blocks: at most one token is outstanding
	return true
}

// futex(2) operations (linux/futex.h).
const (
	futexWaitPrivate = 0 | 128 // FUTEX_WAIT | FUTEX_PRIVATE_FLAG
	futexWakePrivate = 1 | 128 // FUTEX_WAKE | FUTEX_PRIVATE_FLAG
)

// futex calls futex(2) on addr; errors (EAGAIN: the word changed, ETIMEDOUT,
// EINTR) all mean "re-check", which every caller does.
func futex(addr *atomic.Uint32, op int, val uint32, ts *unix.Timespec) {
	_, _, _ = unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), uintptr(op), uintptr(val),
		uintptr(unsafe.Pointer(ts)), 0, 0)
}

// Next returns the oldest unreleased chunk; the caller must Release it
// before the next call to Next. If none is ready, Next spins for up to the
// configured Spin, then parks until the reader publishes a chunk. Next
// returns:
//   - ErrInterrupted if Interrupt was called since the last ErrInterrupted
//     (one-shot; it takes precedence over pending chunks, so that an
//     application event is not held up behind a paste);
//   - ErrDeadline if deadline (input.Now ns; 0 = none) passed before a
//     chunk arrived;
//   - ErrClosed after Close, once every chunk captured before has been
//     returned;
//   - the read error (wrapped; e.g. EIO on hangup, io.EOF) that ended
//     capture, once every chunk captured before it has been returned.
//
// Consumer only. The steady state allocates nothing.
func (r *Reader) Next(deadline int64) (ring.Chunk, error) {
	if r.intr.Load() && r.intr.Swap(false) {
		return ring.Chunk{}, ErrInterrupted
	}
	if c, ok := r.ring.Peek(); ok {
		return c, nil
	}
	return r.wait(deadline)
}

// poll checks, in order: interrupt, a chunk, the end of capture, the
// deadline. done reports that Next must return (c, err).
func (r *Reader) poll(deadline int64) (c ring.Chunk, err error, done bool) {
	if r.intr.Load() && r.intr.Swap(false) {
		return ring.Chunk{}, ErrInterrupted, true
	}
	if c, ok := r.ring.Peek(); ok {
		return c, nil, true
	}
	if r.fin.Load() {
		// Every chunk was published before fin: look once more.
		if c, ok := r.ring.Peek(); ok {
			return c, nil, true
		}
		if r.rerr != nil {
			return ring.Chunk{}, r.rerr, true
		}
		return ring.Chunk{}, ErrClosed, true
	}
	if deadline != 0 && mono.Now() >= deadline {
		return ring.Chunk{}, ErrDeadline, true
	}
	return ring.Chunk{}, nil, false
}

func (r *Reader) wait(deadline int64) (ring.Chunk, error) {
	if c, err, done := r.spinHot(deadline); done {
		return c, err
	}
	if r.spin > 0 {
		end := mono.Now() + r.spin
		for {
			if c, err, done := r.poll(deadline); done {
				if err == nil {
					r.spins.Add(1)
				}
				return c, err
			}
			if mono.Now() >= end {
				break
			}
			procyield(8)
		}
	}
	for {
		r.parked.Store(1)
		// Re-check after announcing (the reader publishes, then loads
		// parked: one of us sees the other, so no wake-up is lost).
		if c, err, done := r.poll(deadline); done {
			if r.parked.Swap(0) == 0 {
				r.absorb() // a waker took the flag: take its token
			}
			return c, err
		}
		r.parks.Add(1)
		if r.wake != wakeDirect || !r.sleepDirect(deadline) {
			r.sleep(deadline)
		}
		if c, err, done := r.spinHot(deadline); done {
			return c, err
		}
	}
}

// sleepDirect is the consumer's park in wakeDirect mode: it takes the
// producer role, switches the reader thread's interest in fd off, and waits
// on its own epoll instance for fd or its doorbell, reading what arrives
// into the ring itself. The kernel's wake-up for a key then reaches the
// thread that handles it, not the reader thread that would wake it in turn
// (on an idle machine each such wake-up of a sleeping CPU costs tens of
// microseconds). Before it returns it hands the role back and switches the
// reader's interest on again (an event is raised there at once if fd has
// bytes), so keys that arrive while the application works are captured by
// the reader thread as always. It returns false, having done nothing, if
// the reader thread is reading (or Close has begun): the caller parks on
// the futex instead. On return the parked flag is 0.
func (r *Reader) sleepDirect(deadline int64) bool {
	if !r.producer.CompareAndSwap(false, true) {
		return false
	}
	if r.stopping.Load() {
		r.producer.Store(false)
		return false
	}
	if err := epollMod(r.epfd, r.fd, 0); err != nil {
		r.producer.Store(false)
		return false
	}
	r.direct.Store(true)
	woke := mono.Now()
	for r.parked.Load() == 1 {
		// Bytes may be waiting whose edge went to the reader's epoll.
		got, handBack := r.drainDirect(woke)
		if got || handBack {
			break
		}
		n, timedOut := r.waitDirect(deadline)
		woke = mono.Now()
		if timedOut {
			break
		}
		for i := range n {
			ev := r.cevs[i]
			if ev.Fd == int32(r.cevfd) {
				_, _ = unix.Read(r.cevfd, r.cbuf[:])
			} else if ev.Events&(unix.EPOLLHUP|unix.EPOLLRDHUP|unix.EPOLLERR) != 0 {
				handBack = true // the reader thread reads to the end
			}
		}
		if handBack {
			break
		}
	}
	r.parked.Store(0)
	r.direct.Store(false)
	_ = epollMod(r.epfd, r.fd, ttyEvents)
	r.producer.Store(false)
	return true
}

// epollMod sets the events epfd watches fd for (EPOLL_CTL_MOD). It is a raw
// system call: epoll_ctl never blocks for long, and the hand-back in
// sleepDirect runs between a key's capture and the application's frame,
// where the runtime's bookkeeping around a system call costs a microsecond
// or two with caches cold from the wait.
func epollMod(epfd, fd int, events uint32) error {
	ev := unix.EpollEvent{Events: events, Fd: int32(fd)}
	_, _, errno := unix.RawSyscall6(unix.SYS_EPOLL_CTL, uintptr(epfd), unix.EPOLL_CTL_MOD, uintptr(fd),
		uintptr(unsafe.Pointer(&ev)), 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// drainDirect reads fd into the ring for the consumer parked in
// sleepDirect. got: a chunk was committed; handBack: fd hung up or failed,
// or the ring is full, which the reader thread handles.
func (r *Reader) drainDirect(woke int64) (got, handBack bool) {
	readable, _, err := r.drain(woke, false, false)
	_, got = r.ring.Peek() // the ring was empty when the consumer parked
	if got {
		r.directs.Add(1)
	}
	return got, err != nil || readable
}

// waitDirect waits on the consumer's epoll instance until an event or the
// deadline (input/mono ns, 0: none). It returns the number of events in
// r.cevs, or timedOut.
func (r *Reader) waitDirect(deadline int64) (n int, timedOut bool) {
	for {
		var d int64 = -1
		if deadline != 0 {
			if d = deadline - mono.Now(); d <= 0 {
				return 0, true
			}
		}
		var err error
		n, err = r.epollWait(d)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, true // cannot happen with valid fds; let the caller re-check
		case n == 0:
			if deadline != 0 && mono.Now() >= deadline {
				return 0, true
			}
			continue
		}
		return n, false
	}
}

// epollWait waits on cepfd for up to d ns (d < 0: no limit), with
// epoll_pwait2's nanosecond timeout where the kernel has it (5.11+).
func (r *Reader) epollWait(d int64) (int, error) {
	if !r.noPwait2 {
		var ts *unix.Timespec
		if d >= 0 {
			r.ts = unix.NsecToTimespec(d)
			ts = &r.ts
		}
		n, _, errno := unix.Syscall6(unix.SYS_EPOLL_PWAIT2, uintptr(r.cepfd),
			uintptr(unsafe.Pointer(&r.cevs[0])), uintptr(len(r.cevs)), uintptr(unsafe.Pointer(ts)), 0, 0)
		if errno != unix.ENOSYS {
			if errno != 0 {
				return 0, errno
			}
			return int(n), nil
		}
		r.noPwait2 = true
	}
	ms := -1
	if d >= 0 {
		ms = int((d + int64(time.Millisecond) - 1) / int64(time.Millisecond))
	}
	return unix.EpollWait(r.cepfd, r.cevs[:], ms)
}

// sleep blocks until the doorbell rings or the deadline passes. On return
// the parked flag is 0 and no doorbell token is outstanding.
func (r *Reader) sleep(deadline int64) {
	var d int64
	if deadline != 0 {
		if d = deadline - mono.Now(); d <= 0 {
			d = 1
		}
	}
	if r.wake != wakeChan {
		var ts *unix.Timespec
		if d > 0 {
			r.ts = unix.NsecToTimespec(d)
			ts = &r.ts
		}
		// Returns at once if parked is no longer 1.
		futex(&r.parked, futexWaitPrivate, 1, ts)
		r.parked.Store(0)
		return
	}
	if d == 0 {
		<-r.bell
		r.woken.Store(1)
		return
	}
	r.timer.Reset(time.Duration(d))
	select {
	case <-r.bell:
		r.woken.Store(1)
		r.timer.Stop()
	case <-r.timer.C:
		if r.parked.Swap(0) == 0 {
			r.absorb()
		}
	}
}

// absorb takes the doorbell token owed by the waker that took the parked
// flag (it is being sent, or was sent, right now).
func (r *Reader) absorb() {
	if r.wake == wakeChan {
		<-r.bell
		r.woken.Store(1)
	}
}

// Release frees the chunk returned by Next (its Data is invalid afterwards)
// and wakes the reader if it waits for space. Consumer only.
func (r *Reader) Release() {
	r.ring.Release()
	if r.prodWait.Load() && r.prodWait.Swap(false) {
		r.signalSpace()
	}
}

// signalSpace wakes the reader thread waiting for space (off the fast path:
// only when the reader announced the wait).
func (r *Reader) signalSpace() {
	r.evmu.Lock()
	if !r.evClosed {
		_, _ = unix.Write(r.evfd, r.one[:])
	}
	r.evmu.Unlock()
}

// Interrupt makes the consumer's current or next Next return ErrInterrupted
// (once). Any goroutine; it never blocks.
func (r *Reader) Interrupt() {
	r.intr.Store(true)
	r.ringBell()
}

// Stats returns the cumulative counters. Any goroutine.
func (r *Reader) Stats() ReaderStats {
	return ReaderStats{
		Stats:      r.ring.Stats(),
		Reads:      r.reads.Load(),
		Wakeups:    r.wakeups.Load(),
		SpaceWaits: r.spaceWaits.Load(),
		Doorbells:  r.doorbells.Load(),
		Parks:      r.parks.Load(),
		Spins:      r.spins.Load(),
		Yields:     r.yields.Load(),
		Direct:     r.directs.Load(),
		HotPolls:   r.hotPolls.Load(),
		HotSpins:   r.hotSpins.Load(),
	}
}

// Close stops the reader goroutine, even while it is blocked in epoll_wait,
// waits for it to exit, closes the epoll fd and the eventfd, and restores
// fd's file status flags (fd itself stays open). Chunks captured before
// remain readable with Next, which then returns ErrClosed. Any goroutine;
// idempotent: later calls return the first call's result.
func (r *Reader) Close() error {
	r.closeOnce.Do(func() {
		r.stopping.Store(true)
		if _, err := unix.Write(r.evfd, r.one[:]); err != nil && err != unix.EAGAIN {
			r.closeErr = fmt.Errorf("input: close reader: wake the reader thread: %w", err)
			// It may be blocked forever: do not wait, and leave the
			// fds open for it.
			return
		}
		<-r.exited
		// Take the producer role for good: a consumer reading fd
		// itself (woken by the reader's last doorbell) finishes first,
		// and none starts after, so no one uses the fds release closes.
		// (Gosched, not Sleep: Close allocates nothing, so that a
		// benchmark's allocation profile sees no input-layer allocation
		// right after its window.)
		for !r.producer.CompareAndSwap(false, true) {
			runtime.Gosched()
		}
		r.closeErr = r.release()
	})
	return r.closeErr
}

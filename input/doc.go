// Package input is roshambo's keyboard path: it captures the bytes the
// terminal sends with as little delay as Linux allows and hands them, with
// their capture times, to the key decoder.
//
// A keystroke's path:
//
//	terminal emulator -> pty master -> kernel tty (flush_to_ldisc, n_tty) -> fd readable
//	  -> Reader thread: epoll_wait (EPOLLIN|EPOLLET) returns, read(2) into the ring
//	  -> ring.Buffer: bytes + capture time, published with one atomic store
//	  -> consumer: Reader.Next (spins briefly, else parked until the doorbell)
//	  -> keys.Decoder: bytes -> key events -> the application
//
// The Reader runs one goroutine locked to its own OS thread, blocked in
// epoll_wait on its own epoll instance, so it does not wait for Go's
// netpoller, which notices readiness only at scheduling points. It reads
// straight into the ring (no copy), stamps each read with the monotonic clock (input.Now, no
// system call), and stops reading when the ring is full: the kernel keeps the
// bytes and back-pressures the terminal, and the reader resumes as soon as the
// consumer releases a chunk. No byte is ever dropped.
//
// While a Reader is open, the input layer reserves a P for it: GOMAXPROCS is
// one higher than the application set (process-wide, counted across Readers,
// restored by the last Close unless the application changed it meanwhile;
// ReaderOptions.NoReserveP opts out). The reader thread needs a P the moment
// epoll_wait returns; if the application's goroutines held every P, it would
// wait for Go's 10 ms preemption slice.
//
// The reader's epoll watch is edge-triggered (EPOLLET), so after each edge
// it must read until the kernel has nothing left, or no new edge will come
// for the bytes it left behind. It stops at the first short read rather than
// at EAGAIN: epoll(7) documents that for stream-oriented files (pipes, FIFOs,
// stream sockets, and ttys behave the same way: n_tty's read copies all it
// has, up to the size asked for) "if you call read(2) by asking to read a
// certain amount of data and read(2) returns a lower number of bytes, you can
// be sure of having exhausted the read I/O space for the file descriptor".
// That saves one read(2) per keystroke, the one that would only return
// EAGAIN. A read that fills the space it was given exactly proves nothing, so
// the reader reads again; only a short read marks its chunk Drained, which
// the decoder uses to resolve a lone ESC at once. Bytes that arrive after the
// short read raise a new edge.
//
// The consumer (one goroutine, e.g. the application's event loop) calls Next.
// Next spins for a few tens of microseconds checking the ring, then parks;
// the reader rings the consumer's doorbell only when the consumer has
// announced that it is parked, so a busy consumer costs the reader nothing
// but an atomic load. With the reserved P (the default) the doorbell is a
// futex: the consumer's thread sleeps in futex(2) and the kernel wakes it
// directly, without a second thread taking the goroutine from the reader's
// P. With NoReserveP it is a channel, and after ringing it the reader waits
// up to 10 µs for the consumer to run on another P, and otherwise yields its
// own P to it (with every other P busy, the woken consumer would wait for
// sysmon otherwise). With no keys arriving, neither side uses any CPU.
//
// Sub-packages: input/ring (the SPSC buffer), input/keys (the decoder) and input/term (raw mode, signals, the tcell.Tty
// seam).
package input

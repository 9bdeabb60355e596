// Package input is roshambo's keyboard path: it captures the bytes the
// terminal sends with as little delay as Linux allows and hands them, with
// their capture times, to the key decoder.
//
// A keystroke's path:
//
//	terminal emulator -> pty master -> kernel tty (flush_to_ldisc, n_tty) -> fd readable
//	  -> Reader thread: epoll_wait (EPOLLIN|EPOLLET) returns, read(2) into the ring
//	  -> ring.Buffer: bytes + capture time, published with one atomic store
//	  -> consumer: Reader.Next (spins briefly, else parked: on the fd itself, or until the doorbell)
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
// but an atomic load.
//
// With the reserved P (the default) a parked consumer does better than wait
// for the reader: it takes over the reader's job while it waits. It switches
// the reader thread's epoll interest in the fd off, waits on an epoll
// instance of its own (the fd, edge-triggered, and a doorbell eventfd for
// Interrupt and the end of capture), reads what arrives into the ring with
// the same stamps, and hands the fd back before Next returns. The kernel's
// wake-up for a key then reaches the thread that handles it: on an idle
// machine, waking a second thread on a sleeping CPU is the largest single
// cost on the way from the key to the application (Stats.Direct counts the
// chunks read this way). Keys that arrive while the application works are
// captured by the reader thread as always. The right to read the fd and to
// commit to the ring (the producer role) passes between the two with one
// atomic flag, so the ring stays single-producer; if the reader thread is
// reading when the consumer parks, the consumer sleeps in futex(2) and the
// reader wakes it after the chunk. With NoReserveP the doorbell is a
// channel, and after ringing it the reader waits
// up to 10 µs for the consumer to run on another P, and otherwise yields its
// own P to it (with every other P busy, the woken consumer would wait for
// sysmon otherwise). With no keys arriving, neither side uses any CPU.
//
// Hot mode is the opt-in exception (ReaderOptions.HotMax, Reader.Hot,
// Console.Hot): for a bounded time the reader thread polls the fd with
// read(2) and Next spins, so that a key awaited now wakes no thread, at the
// cost of up to two busy cores. Hot(0) parks both sides again.
//
// Sub-packages: input/ring (the SPSC buffer), input/keys (the decoder) and
// input/term (raw mode, signals, the tcell.Tty
// seam).
package input

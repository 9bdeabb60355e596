// Package spybench is `roshambo-bench spy`: what watching a process's writes
// costs that process (and everyone else), and what reaches the watcher, for
// the roshambo spy against strace and bpftrace, in one invocation.
//
// A target process (the benchmark binary re-executed in its child role, see RunChild) makes N
// small writes (6 to 9 bytes: "rock!\n", "paper\n", "scissors\n") to
// /dev/null or to a pipe that the benchmark drains, unpaced or paced at given
// rates (busy-waiting between writes; at game pace, one write every 20 ms, it
// sleeps), and times every write call with the monotonic clock (internal/mono).
// It starts blocked on a pipe, so each tracer is attached before the first
// write. The runs of one invocation:
//
//   - none: untraced;
//   - roshambo-spy: the spy (package bpf/spy, in this process) targeting it,
//     its reader blocked in Read;
//   - roshambo-spy-other: the spy attached but targeting another process, so
//     the figure is what the spy costs every process it does not follow;
//   - roshambo-spy-poll: the spy targeting it, its reader draining the ring
//     and then sleeping (--spy-poll), which shows what the kernel's
//     per-event wake-ups cost the writer;
//   - strace: strace -f -e trace=write -o FILE -p PID, on the target's CPU;
//   - bpftrace: a tracepoint:syscalls:sys_enter_write probe filtered by pid
//     and fd that prints one line per event (so delivery can be counted and
//     losses show as "Lost N events" lines);
//   - bpftrace-count: the same probe counting into a map (bpftrace's
//     cheapest form; it delivers nothing per event).
//
// The spy's rows use its default wake-up policy (--wakeup adaptive) and
// ring (--ring-size); the roshambo-spy row is also measured under a second
// policy (--compare-wakeup, default parked) unpaced and at 1M/s, and at 1M/s
// with a larger ring (--delivery-ring-size, run only when larger than the
// spy's ring, whose default is 4 MiB) under both; the
// game-pace run is made under each of --game-wakeups (adaptive, always,
// parked). The goals are judged on the default configuration, with the other
// rows' figures beside them.
//
// For each run it reports ns per write (the mean, and the mean over the calls
// of at most 1 ms, which leaves out the ones during which another process had
// the CPU), the overhead over none, the events delivered against writes made,
// the drops each tracer reports, and for the spy the reveal latency (kernel
// timestamp at syscall entry to the Go reader holding the decoded event). It
// then checks the spy's goals (targeted overhead against bpftrace's and
// strace's, untargeted overhead, delivery at 1M writes/s, reveal latency at
// game pace), printing PASS or FAIL with the numbers.
//
// Main is meant to be called once at a time per process: it pins the calling
// process's threads to CPU 0 while it runs (and restores them).
package spybench

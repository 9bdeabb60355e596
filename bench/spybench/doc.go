// Package spybench is `roshambo-bench spy`: what watching a process's writes
// costs that process (and everyone else), and what reaches the watcher, for
// the roshambo spy against strace and bpftrace, in one invocation.
//
// A target process (the benchmark binary re-executed, see IsTarget) makes N
// small writes (6 to 9 bytes: "rock!\n", "paper\n", "scissors\n") to
// /dev/null or to a pipe that the benchmark drains, unpaced or paced at given
// rates (busy-waiting between writes), and times every write call with the
// monotonic clock (input/mono). It starts blocked on a pipe, so each tracer is
// attached before the first write. The runs of one invocation:
//
//   - none: untraced;
//   - roshambo-spy: the spy (package bpf/spy, in this process) targeting it;
//   - roshambo-spy-other: the spy attached but targeting another process, so
//     the figure is what the spy costs every process it does not follow;
//   - strace: strace -f -e trace=write -o FILE -p PID;
//   - bpftrace: a tracepoint:syscalls:sys_enter_write probe filtered by pid
//     and fd that prints one line per event (so delivery can be counted and
//     losses show as "Lost N events" lines);
//   - bpftrace-count: the same probe counting into a map (bpftrace's
//     cheapest form; it delivers nothing per event).
//
// For each run it reports ns per write, the overhead over none, the events
// delivered against writes made, the drops each tracer reports, and for the
// spy the reveal latency (kernel timestamp at syscall entry to the Go reader
// holding the decoded event), also at game pace (one write every 20 ms). It
// then checks the goals of the spy's issue, printing PASS or FAIL with the
// numbers.
//
// Main is safe to call once at a time per process: it pins the calling
// process's threads to one CPU while it runs (and restores them).
package spybench

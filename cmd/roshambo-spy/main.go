// Command roshambo-spy reveals the moves that target processes write.
//
// It follows processes with eBPF (package bpf/spy) and reads what they
// write (write, writev, pwrite64, pwritev, pwritev2, sendto, sendmsg,
// sendmmsg, vmsplice, io_uring writes and sends; 32-bit compat calls too) line by
// line, with the game's own parser: a line that the game reads as a move
// ("rock", in any Unicode letter case, among any blanks) or as a commitment
// ("commit <hex>", whose move stays hidden) is reported, with every call
// that wrote part of it. A buffer that the process rewrote while the kernel
// was reading it is reported as such, with both readings, never as a move.
//
//	sudo roshambo-spy --pid PID [--pid PID ...]
//	sudo roshambo-spy --comm NAME
//	sudo roshambo-spy --inode FILE
//	sudo roshambo-spy [flags] -- CMD ARGS...
//
// Flags:
//
//	--pid PID       follow a running process and its children (repeatable; a thread id stands for its process)
//	--comm NAME     follow every process named NAME (1 to 15 bytes), now or later, and its children
//	--inode FILE    report every write into FILE (by inode), whoever writes it (repeatable)
//	--json          print JSON lines instead of text
//	--all           print every line the targets write (and forks, exits, follows), not only moves
//	--ringbuf SIZE  ring buffer size: a power of two from 4K to 1024M, bytes or with a K/M suffix (default 4M)
//	--copy BYTES    bytes copied from each write, 1 to 4096 (default 1026: a whole protocol line);
//	                a longer write is reported truncated, with its true length
//	--no-follow     do not follow the children of targets
//	--wakeup POLICY ring buffer wake-up policy: adaptive (default), parked or always
//	-o FILE         write the report to FILE instead of stdout
//	-h, --help      the usage, on stdout
//	--version       the version and VCS revision
//
// The targets may be combined. The children of targets are followed from
// their first instruction; with "-- CMD" the command is too. roshambo-spy
// exits when every target has exited, or on Ctrl-C or SIGTERM, and then
// prints a summary to stderr: events, moves, and events dropped. It needs
// CAP_BPF and CAP_PERFMON (root has both), and Linux on amd64 or arm64.
// Exit codes: 0 done, 1 failure, 2 bad usage (one line on stderr), missing
// privileges, or another operating system.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Command roshambo-spy reveals the moves that target processes write.
//
// It follows processes with eBPF (package bpf/spy) and reports every write
// (write, writev, pwrite64, pwritev, pwritev2, sendto, sendmsg) in which a
// move appears: rock, paper or scissors as a whole word, or a commitment
// ("commit <hex>") whose move stays hidden.
//
//	sudo roshambo-spy --pid PID [--pid PID ...]
//	sudo roshambo-spy --comm NAME
//	sudo roshambo-spy [flags] -- CMD ARGS...
//
// Flags:
//
//	--pid PID       follow a running process (repeatable)
//	--comm NAME     follow every process named NAME (at most 15 bytes)
//	--json          print JSON lines instead of text
//	--all           print every write of the targets, not only moves
//	--ringbuf SIZE  ring buffer size: bytes or with K/M suffix (default 256K)
//	--copy N        bytes copied from each write, 1 to 4096 (default 64)
//	--no-follow     do not follow the children of targets
//	--wakeup POLICY ring buffer wake-up policy: adaptive (default), parked or always
//	-o FILE         write the report to FILE instead of stdout
//
// The children of targets are followed from their first instruction; with
// "-- CMD" the command is too. roshambo-spy exits when every target has
// exited, or on Ctrl-C or SIGTERM, and then prints a summary to stderr:
// events, moves, and events dropped. It needs CAP_BPF and CAP_PERFMON
// (root has both). Exit codes: 0 done, 1 failure, 2 bad usage or missing
// privileges.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

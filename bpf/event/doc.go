// Package event decodes the records that the spy's eBPF programs put in the
// ring buffer, recognises the rock-paper-scissors moves in them with the
// game's own parser (game.ClassifyLine), and reassembles the lines that a
// process writes in several calls (Assembler).
//
// It is pure Go (no eBPF, no privileges), so that the game and the tests can
// use it anywhere. The record layout is struct event in bpf/spy/spy.c; a test
// in bpf/spy checks it against the compiled object's BTF.
//
// A record is a 64-byte little-endian header followed by DataLen bytes of the
// written data (the buffer as read at the end of the call) and EntryLen bytes
// of the buffer as read at its start (only when the two differ):
//
//	offset size field
//	     0    8 ts_ns      bpf_ktime_get_ns (CLOCK_MONOTONIC) at syscall entry
//	     8    8 ret        return value: bytes written, or -errno
//	    16    8 count      requested length
//	    24    4 tgid       process id (host PID namespace)
//	    28    4 tid        thread id
//	    32    4 fd         file descriptor (parent tgid for a fork record)
//	    36    2 data_len   bytes of data after the header (the exit reading)
//	    38    2 entry_len  bytes of the entry reading after the data
//	    40    2 syscall    x86_64 syscall number, on every architecture (426 for io_uring)
//	    42    1 kind       1 write, 2 fork, 3 exit, 4 follow, 5 ring
//	    43    1 op         io_uring opcode; sendmmsg message index
//	    44    2 flags      see the Event fields
//	    46    2 (padding)
//	    48   16 comm       thread name, NUL-padded
//	    64    … data, then the entry reading
package event

// Package spy loads the roshambo spy's eBPF programs, chooses what they
// follow, and reads the events they report: every write-family system call
// (write, writev, pwrite64, pwritev, pwritev2, sendto, sendmsg) of the
// target processes, with a bounded copy of the data written.
//
// The programs are BTF-typed raw tracepoints (tp_btf) on sys_enter,
// sys_exit, sched_process_fork and sched_process_exit: they need kernel BTF
// and CAP_BPF plus CAP_PERFMON (or root), and no tracefs. The arguments are
// saved at syscall entry and the buffer is copied at exit, once the kernel
// has faulted its pages in. Targets are kept in a kernel hash map keyed by
// the process id (tgid, host PID namespace); the children of targets are
// added at fork, and a target is removed by the kernel when its whole thread
// group exits, so a reused PID is never followed.
//
// The records are decoded by package bpf/event, which also recognises the
// moves. See docs/spy.md for the design and its limits.
//
// The C source is spy.c; spy_x86_bpfel.go and spy_x86_bpfel.o are generated
// from it by bpf2go (go generate, or make generate) and committed, so that
// building needs no clang.
package spy

//go:generate go tool bpf2go -cc clang -target amd64 -cflags "-O2 -g -mcpu=v3 -Wall -Werror -I/usr/include/x86_64-linux-gnu" spy spy.c

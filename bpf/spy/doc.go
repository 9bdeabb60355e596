// Package spy loads the roshambo spy's eBPF programs, chooses what they
// follow, and reads the events they report: every write-family system call
// (write, writev, pwrite64, pwritev, pwritev2, sendto, sendmsg, sendmmsg,
// vmsplice, in the native ABI and the 32-bit compat one: x86_64 and ia32,
// or arm64 and AArch32) and io_uring write or send
// of the target processes, or into a watched file (WatchFile), with a
// bounded copy of the data written.
//
// The programs are BTF-typed raw tracepoints (tp_btf) on sys_enter,
// sys_exit, io_uring_submit_req, io_uring_create, sched_process_fork,
// sched_process_exec, task_rename and sched_process_exit: they need kernel
// BTF and CAP_BPF plus CAP_PERFMON (or root), and no tracefs. The buffer is
// read at syscall entry as far as it is resident and again at exit, once
// the kernel has faulted its pages in; a buffer that differs is reported as
// changed, with both readings. Targets are kept in a kernel hash map keyed
// by the process id (tgid, host PID namespace) with the process's identity;
// the children of targets are added at fork, and a target is removed by the
// kernel when its whole thread group exits, so a reused PID is never
// followed.
//
// The records are decoded by package bpf/event, which also recognises the
// moves with the game's parser and reassembles lines. See docs/spy.md for
// the design and its limits.
//
// The C source is spy.c; spy_x86_bpfel.go/.o (amd64) and
// spy_arm64_bpfel.go/.o (arm64) are generated from it by bpf2go (go
// generate, or make generate) and committed, so that building needs no
// clang. The two differ only in spy.c's per-architecture block: registers,
// system call numbers, how a compat call is recognised (docs/spy.md,
// "Architectures"). Elsewhere than Linux the package builds, and Open
// returns ErrUnsupportedPlatform.
package spy

//go:generate go tool bpf2go -cc clang -target amd64,arm64 -cflags "-O2 -g -mcpu=v3 -Wall -Werror -I/usr/include/x86_64-linux-gnu -I/usr/include/aarch64-linux-gnu" spy spy.c

// Package breakdown traces, with eBPF, where a keystroke's time goes between
// the terminal's write to the pty master and the reader thread: the kernel's
// tty flush work, the wake-up and scheduling of the reader thread, the return
// from epoll_wait, and the user-space part up to the capture stamp.
//
// It needs root (CAP_BPF and CAP_PERFMON) and uses only BTF-typed raw
// tracepoints (tp_btf: syscalls, sched, workqueue), which need no tracefs;
// kprobes and fentry are not used. The C source is breakdown.c; the bpf2go
// output (breakdown_x86_bpfel.go/.o for amd64, breakdown_arm64_bpfel.go/.o
// for arm64) is committed, so only `go build` is needed; `go generate
// ./bench/breakdown` rebuilds it (clang). The objects differ only in
// breakdown.c's per-architecture block: the register that holds the system
// call number at sys_exit, and the numbers of write and of the epoll_wait
// family (arm64 has only epoll_pwait and epoll_pwait2). Elsewhere than
// Linux, Open returns ErrUnsupportedPlatform.
package breakdown

//go:generate go tool bpf2go -cc clang -target amd64,arm64 -cflags "-O2 -g -Wall -Werror -I/usr/include/x86_64-linux-gnu -I/usr/include/aarch64-linux-gnu" breakdown breakdown.c

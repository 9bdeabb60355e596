//go:build ignore

// roshambo-bench capture --breakdown: timestamps of the steps a keystroke
// takes from the pty master to the reader thread.
//
// Hooks (BTF-typed raw tracepoints: no tracefs, no kprobes):
//   tp_btf/sys_enter               the writer process's write(2) to the master
//   tp_btf/workqueue_execute_start the kernel worker starts flush_to_ldisc
//   tp_btf/workqueue_execute_end   ... and finishes it
//   tp_btf/sched_wakeup            a thread of the reader process is woken (by whom)
//   tp_btf/sched_switch            a thread of the reader process is switched in
//   tp_btf/sys_exit                a thread of the reader process returns from epoll_wait
//
// Every event carries bpf_ktime_get_ns (CLOCK_MONOTONIC, the clock of
// input/mono). Events go to a ring buffer that user space reads after the
// run; a failed reservation is counted in `lost`.

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

// The per-architecture part, the one table of each: the register that holds
// the system call number at sys_exit, and the numbers traced. The Go table in
// internal/sysnum is checked against these lines and against
// golang.org/x/sys/unix.
#if defined(__TARGET_ARCH_x86)

struct pt_regs {
	unsigned long orig_ax;
} __attribute__((preserve_access_index));

#define REGS_NR(r) ((long)(r)->orig_ax)

#define NR_WRITE 1
#define NR_EPOLL_WAIT 232
#define NR_EPOLL_PWAIT 281
#define NR_EPOLL_PWAIT2 441

#elif defined(__TARGET_ARCH_arm64)

struct pt_regs {
	int syscallno;
} __attribute__((preserve_access_index));

#define REGS_NR(r) ((long)(r)->syscallno)

// No epoll_wait: the generic table has only epoll_pwait and epoll_pwait2.
#define NR_WRITE 64
#define NR_EPOLL_PWAIT 22
#define NR_EPOLL_PWAIT2 441

#else
#error "breakdown.c: no system call table for this architecture (bpf2go -target amd64 or arm64)"
#endif

// is_epoll_wait reports whether nr is one of the epoll_wait family.
static __always_inline int is_epoll_wait(long nr)
{
#ifdef NR_EPOLL_WAIT
	if (nr == NR_EPOLL_WAIT)
		return 1;
#endif
	return nr == NR_EPOLL_PWAIT || nr == NR_EPOLL_PWAIT2;
}

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
} __attribute__((preserve_access_index));

enum kind {
	KIND_WRITE = 1,
	KIND_WQ_START = 2,
	KIND_WQ_END = 3,
	KIND_WAKEUP = 4,
	KIND_SWITCH_IN = 5,
	KIND_EPOLL_EXIT = 6,
};

struct event {
	__u64 ts;
	__u32 kind;
	__u32 tid;  // the thread concerned (writer, worker, wakee, switched-in, returning)
	__u32 tid2; // KIND_WAKEUP: the waker
	__u32 pad;
};

struct config {
	__u32 writer_tgid;
	__u32 reader_tgid;
	__u64 flush_fn; // address of flush_to_ldisc
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct config);
} cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

// Force the event type into BTF for bpf2go.
const struct event *unused_event __attribute__((unused));

static __always_inline struct config *config(void)
{
	__u32 k = 0;
	return bpf_map_lookup_elem(&cfg, &k);
}

static __always_inline void emit(__u32 kind, __u32 tid, __u32 tid2)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__u32 k = 0;
		__u64 *n = bpf_map_lookup_elem(&lost, &k);
		if (n)
			__sync_fetch_and_add(n, 1);
		return;
	}
	e->ts = bpf_ktime_get_ns();
	e->kind = kind;
	e->tid = tid;
	e->tid2 = tid2;
	e->pad = 0;
	// No wake-up: user space reads the ring only after the run, so that
	// the tracer adds no activity to the process under test.
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

SEC("tp_btf/sys_enter")
int handle_sys_enter(__u64 *ctx)
{
	long id = (long)ctx[1];
	if (id != NR_WRITE)
		return 0;
	struct config *c = config();
	__u64 pt = bpf_get_current_pid_tgid();
	if (!c || c->writer_tgid == 0 || (__u32)(pt >> 32) != c->writer_tgid)
		return 0;
	emit(KIND_WRITE, (__u32)pt, 0);
	return 0;
}

SEC("tp_btf/sys_exit")
int handle_sys_exit(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	struct config *c = config();
	__u64 pt = bpf_get_current_pid_tgid();
	if (!c || c->reader_tgid == 0 || (__u32)(pt >> 32) != c->reader_tgid)
		return 0;
	if (!is_epoll_wait(REGS_NR(regs)))
		return 0;
	emit(KIND_EPOLL_EXIT, (__u32)pt, 0);
	return 0;
}

SEC("tp_btf/workqueue_execute_start")
int handle_wq_start(__u64 *ctx)
{
	struct work_struct *work = (struct work_struct *)ctx[0];
	struct config *c = config();
	if (!c || c->flush_fn == 0 || (__u64)work->func != c->flush_fn)
		return 0;
	emit(KIND_WQ_START, (__u32)bpf_get_current_pid_tgid(), 0);
	return 0;
}

SEC("tp_btf/workqueue_execute_end")
int handle_wq_end(__u64 *ctx)
{
	// The function argument (a function pointer) is not readable from a
	// tp_btf context; the work item is (flush_to_ldisc's work is embedded
	// in the tty buffer, so it is still valid here).
	struct work_struct *work = (struct work_struct *)ctx[0];
	struct config *c = config();
	if (!c || c->flush_fn == 0 || (__u64)work->func != c->flush_fn)
		return 0;
	emit(KIND_WQ_END, (__u32)bpf_get_current_pid_tgid(), 0);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int handle_sched_wakeup(__u64 *ctx)
{
	struct task_struct *p = (struct task_struct *)ctx[0];
	struct config *c = config();
	if (!c || c->reader_tgid == 0 || p->tgid != (int)c->reader_tgid)
		return 0;
	emit(KIND_WAKEUP, p->pid, (__u32)bpf_get_current_pid_tgid());
	return 0;
}

SEC("tp_btf/sched_switch")
int handle_sched_switch(__u64 *ctx)
{
	struct task_struct *next = (struct task_struct *)ctx[2];
	struct config *c = config();
	if (!c || c->reader_tgid == 0 || next->tgid != (int)c->reader_tgid)
		return 0;
	emit(KIND_SWITCH_IN, next->pid, 0);
	return 0;
}

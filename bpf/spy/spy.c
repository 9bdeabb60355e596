//go:build ignore

// roshambo-spy: report what target processes write.
//
// Hooks (all BTF-typed raw tracepoints, so no tracefs is needed):
//   tp_btf/sys_enter           save the arguments of write-family syscalls (task storage)
//   tp_btf/sys_exit            copy the buffer (now faulted in) and emit one event
//   tp_btf/sched_process_fork  follow the children of targets (and of a launcher thread)
//   tp_btf/sched_process_exit  forget a target when its whole thread group is dead
//
// The layout of struct event is decoded by hand in Go (package bpf/event):
// keep the two in step (a test compares them through BTF).

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

// Minimal kernel types, relocated by CO-RE against the running kernel's BTF.
// tp_btf arguments are typed pointers: the programs dereference them
// directly (the verifier turns the loads into fault-safe PROBE_MEM loads),
// with no bpf_probe_read_kernel, which kernel lockdown may forbid.
struct pt_regs {
	unsigned long di;
	unsigned long si;
	unsigned long dx;
	unsigned long r10;
	unsigned long r8;
	unsigned long orig_ax;
} __attribute__((preserve_access_index));

typedef struct {
	int counter;
} atomic_t;

struct signal_struct {
	atomic_t live;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	struct signal_struct *signal;
} __attribute__((preserve_access_index));

// User-space types (x86_64 ABI), read with bpf_probe_read_user.
struct user_iovec {
	__u64 base;
	__u64 len;
};

struct user_msghdr {
	__u64 name;
	__u32 namelen;
	__u32 _pad;
	__u64 iov;
	__u64 iovlen;
};

// x86_64 syscall numbers.
#define NR_WRITE 1
#define NR_PWRITE64 18
#define NR_WRITEV 20
#define NR_SENDTO 44
#define NR_SENDMSG 46
#define NR_PWRITEV 296
#define NR_PWRITEV2 328

#define MAX_COPY 4096 // the largest configurable copy bound
#define MAX_IOV 16    // iovecs inspected per vector call

#define KIND_WRITE 1
#define KIND_FORK 2
#define KIND_EXIT 3

#define FLAG_TRUNCATED 1
#define FLAG_IOV_PARTIAL 2 // more iovecs than MAX_IOV: count covers the first MAX_IOV

#define TASK_COMM_LEN 16

struct event {
	__u64 ts_ns;      // bpf_ktime_get_ns (CLOCK_MONOTONIC) at syscall entry
	__s64 ret;        // return value: bytes written or -errno
	__u64 count;      // requested length (sum of the inspected iov_len for vectors)
	__u32 tgid;       // process (host PID namespace)
	__u32 tid;        // thread
	__u32 fd;         // file descriptor; parent tgid for KIND_FORK
	__u32 data_len;   // bytes of data that follow the header
	__u16 syscall;    // x86_64 syscall number
	__u8 kind;        // KIND_*
	__u8 flags;       // FLAG_*
	__u32 _pad;
	char comm[TASK_COMM_LEN];
	// data_len bytes of data follow in the ring record
};

// The per-CPU scratch event. data is larger than MAX_COPY so that the
// verifier can prove that data[off .. off+len] stays inside for the masked
// off < 4096 and len < 8192.
struct scratch {
	struct event ev;
	__u8 data[3 * MAX_COPY];
};

struct args {
	__u64 ts_ns;
	__u64 buf; // buffer, iovec array or msghdr
	__u64 count; // length or iovec count
	__u32 fd;
	__u32 nr;
};

// Set by user space before loading (frozen .rodata: the verifier sees constants).
volatile const __u32 copy_bytes = 64;
volatile const __u32 wakeup_flags = 0; // 0 (adaptive) or BPF_RB_FORCE_WAKEUP
volatile const __u8 use_doorbell = 0;  // wake the reader only when it has parked (see ring_doorbell)
volatile const __u8 follow_forks = 1;
volatile const __u8 use_comm = 0;
volatile const char comm_filter[TASK_COMM_LEN] = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);  // tgid
	__type(value, __u8); // 1
} targets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);  // tid of a thread that is starting a target
	__type(value, __u8); // 1
} launchers SEC(".maps");

// Per-thread saved arguments: task-local storage, freed with the task.
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct args);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} dropped SEC(".maps");

// The reader's doorbell, mapped into user space: the reader sets it to 1
// (an atomic exchange) just before it blocks on an empty ring, then checks
// the ring once more; a producer that commits a record reads it after its
// reservation and wakes the reader only if it is set. See ring_doorbell.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} doorbell SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024); // overridden by user space
} events SEC(".maps");

static __always_inline int is_write_call(long nr)
{
	switch (nr) {
	case NR_WRITE:
	case NR_PWRITE64:
	case NR_WRITEV:
	case NR_SENDTO:
	case NR_SENDMSG:
	case NR_PWRITEV:
	case NR_PWRITEV2:
		return 1;
	}
	return 0;
}

static __always_inline int comm_matches(void)
{
	char comm[TASK_COMM_LEN];
	if (bpf_get_current_comm(comm, sizeof(comm)))
		return 0;
#pragma unroll
	for (int i = 0; i < TASK_COMM_LEN; i++) {
		if (comm[i] != comm_filter[i])
			return 0;
		if (comm[i] == 0)
			break;
	}
	return 1;
}

static __always_inline void count_drop(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&dropped, &zero);
	if (n)
		*n += 1; // per-CPU: no other writer
}

// ring_doorbell returns the wake-up flag for a record reserved (not yet
// submitted) in the doorbell mode: BPF_RB_FORCE_WAKEUP if the reader has
// parked, and then clears the doorbell so that one producer wakes it;
// BPF_RB_NO_WAKEUP otherwise. The reservation has published the producer
// position; the locked exchange orders that store before the doorbell's
// load, and the reader stores the doorbell before it loads the producer
// position (a Dekker pair): either the reader sees the record and does not
// block, or this sees the doorbell and wakes it. A reader that is draining
// or spinning is never woken, which spares the producer an irq_work
// (a self-IPI, costly in a VM) per record.
static __always_inline __u64 ring_doorbell(void)
{
	__u32 zero = 0;
	__u32 *bell = bpf_map_lookup_elem(&doorbell, &zero);
	if (bell && __sync_lock_test_and_set(bell, 0))
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void emit(struct scratch *s, __u32 data_len)
{
	// data_len <= MAX_COPY already; the mask (kept by the asm barrier) lets
	// the verifier prove that the record stays inside the scratch value.
	__u64 len = data_len;
	asm volatile("%0 &= 8191" : "+r"(len));
	__u32 size = sizeof(struct event) + len;
	if (!use_doorbell) {
		if (bpf_ringbuf_output(&events, &s->ev, size, wakeup_flags))
			count_drop();
		return;
	}
	// The record is exactly as long as header plus copied data.
	struct bpf_dynptr rec;
	if (bpf_ringbuf_reserve_dynptr(&events, size, 0, &rec)) {
		bpf_ringbuf_discard_dynptr(&rec, 0); // required even on failure
		count_drop();
		return;
	}
	if (bpf_dynptr_write(&rec, 0, &s->ev, size, 0)) {
		bpf_ringbuf_discard_dynptr(&rec, ring_doorbell());
		count_drop();
		return;
	}
	bpf_ringbuf_submit_dynptr(&rec, ring_doorbell());
}

SEC("tp_btf/sys_enter")
int on_sys_enter(__u64 *ctx)
{
	long nr = (long)ctx[1];
	if (!is_write_call(nr))
		return 0;

	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	if (!bpf_map_lookup_elem(&targets, &tgid) && !(use_comm && comm_matches()))
		return 0;

	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	struct args *a = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0,
					      BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!a) {
		count_drop(); // out of memory: never lose the write silently
		return 0;
	}
	a->ts_ns = bpf_ktime_get_ns();
	a->nr = nr;
	a->fd = regs->di;
	a->buf = regs->si;
	a->count = regs->dx;
	return 0;
}

// copy_iov copies up to limit (<= MAX_COPY) bytes from the first MAX_IOV
// iovecs into s->data and returns the number of bytes copied; *requested
// gets the sum of the inspected lengths.
static __always_inline __u32 copy_iov(struct scratch *s, __u64 iov, __u64 iovcnt, __u64 limit,
				      __u64 *requested, __u8 *flags)
{
	__u64 off = 0;
	__u64 total = 0;
	if (iovcnt > MAX_IOV)
		*flags |= FLAG_IOV_PARTIAL;
	for (int i = 0; i < MAX_IOV; i++) {
		if (i >= iovcnt)
			break;
		struct user_iovec v;
		if (bpf_probe_read_user(&v, sizeof(v), (void *)(iov + i * sizeof(v))))
			break;
		total += v.len;
		if (off >= limit)
			continue;
		__u64 n = limit - off;
		if (n > v.len)
			n = v.len;
		// off < limit <= MAX_COPY and n <= MAX_COPY, so these masks change
		// nothing; the asm barriers keep them for the verifier.
		__u64 o = off;
		asm volatile("%0 &= 4095" : "+r"(o));
		asm volatile("%0 &= 8191" : "+r"(n));
		if (bpf_probe_read_user(&s->data[o], n, (void *)v.base))
			break;
		off += n;
	}
	*requested = total;
	return off;
}

SEC("tp_btf/sys_exit")
int on_sys_exit(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	long ret = (long)ctx[1];
	long nr = regs->orig_ax;
	if (!is_write_call(nr))
		return 0;

	struct args *ap = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0, 0);
	if (!ap || ap->nr != nr)
		return 0;
	struct args a = *ap;
	ap->nr = 0; // consumed
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;

	// Copy what was actually written (ret bytes), at most copy_bytes.
	__u64 limit = ret > 0 ? (__u64)ret : 0;
	if (limit > copy_bytes)
		limit = copy_bytes;
	if (limit > MAX_COPY)
		limit = MAX_COPY;

	__u8 flags = 0;
	__u64 requested = a.count;
	__u32 copied = 0;
	int vector = nr == NR_WRITEV || nr == NR_PWRITEV || nr == NR_PWRITEV2;
	__u64 iov = a.buf, iovcnt = a.count;
	if (nr == NR_SENDMSG) {
		struct user_msghdr m = {};
		bpf_probe_read_user(&m, sizeof(m), (void *)a.buf);
		iov = m.iov;
		iovcnt = m.iovlen;
		vector = 1;
	}
	if (vector) {
		copied = copy_iov(s, iov, iovcnt, limit, &requested, &flags);
	} else if (limit > 0) {
		__u32 n = limit;
		if (n > MAX_COPY)
			n = MAX_COPY;
		if (bpf_probe_read_user(s->data, n, (void *)a.buf) == 0)
			copied = n;
	}
	if (ret > 0 && copied < (__u64)ret)
		flags |= FLAG_TRUNCATED;

	s->ev.ts_ns = a.ts_ns;
	s->ev.ret = ret;
	s->ev.count = requested;
	s->ev.tgid = pid_tgid >> 32;
	s->ev.tid = (__u32)pid_tgid;
	s->ev.fd = a.fd;
	s->ev.data_len = copied;
	s->ev.syscall = nr;
	s->ev.kind = KIND_WRITE;
	s->ev.flags = flags;
	s->ev._pad = 0;
	bpf_get_current_comm(s->ev.comm, sizeof(s->ev.comm));
	emit(s, copied);
	return 0;
}

static __always_inline void emit_task(__u8 kind, __u32 tgid, __u32 tid, __u32 parent)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return;
	s->ev.ts_ns = bpf_ktime_get_ns();
	s->ev.ret = 0;
	s->ev.count = 0;
	s->ev.tgid = tgid;
	s->ev.tid = tid;
	s->ev.fd = parent;
	s->ev.data_len = 0;
	s->ev.syscall = 0;
	s->ev.kind = kind;
	s->ev.flags = 0;
	s->ev._pad = 0;
	bpf_get_current_comm(s->ev.comm, sizeof(s->ev.comm));
	emit(s, 0);
}

SEC("tp_btf/sched_process_fork")
int on_fork(__u64 *ctx)
{
	struct task_struct *parent = (struct task_struct *)ctx[0];
	struct task_struct *child = (struct task_struct *)ctx[1];
	__u32 ptgid = parent->tgid;
	__u32 ptid = parent->pid;
	__u32 ctgid = child->tgid;
	if (ctgid == ptgid)
		return 0; // a new thread of the same process

	if (!bpf_map_lookup_elem(&launchers, &ptid) &&
	    !(follow_forks && bpf_map_lookup_elem(&targets, &ptgid)))
		return 0;

	__u8 one = 1;
	if (bpf_map_update_elem(&targets, &ctgid, &one, BPF_ANY))
		count_drop(); // the child cannot be followed: never silently
	emit_task(KIND_FORK, ctgid, ctgid, ptgid);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int on_exit(__u64 *ctx)
{
	struct task_struct *p = (struct task_struct *)ctx[0];
	__u32 tgid = p->tgid;
	if (!bpf_map_lookup_elem(&targets, &tgid))
		return 0;
	// do_exit decrements signal->live before this tracepoint: 0 means the
	// whole thread group is dead (works on kernels without the group_dead argument).
	if (p->signal->live.counter != 0)
		return 0;
	bpf_map_delete_elem(&targets, &tgid);
	emit_task(KIND_EXIT, tgid, p->pid, 0);
	return 0;
}

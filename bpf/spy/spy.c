//go:build ignore

// roshambo-spy: report what target processes write.
//
// Hooks (all BTF-typed raw tracepoints, so no tracefs is needed):
//   tp_btf/sys_enter             save the arguments of write-family syscalls and a
//                                first reading of the buffer (task storage)
//   tp_btf/sys_exit              read the buffer again, compare, emit one event
//   tp_btf/io_uring_submit_req   io_uring writes and sends, read in the submitter's context
//   tp_btf/io_uring_create       announce a target's io_uring instance
//   tp_btf/sched_process_fork    follow the children of targets (and of a launcher thread)
//   tp_btf/sched_process_exec    --comm: follow a process that execs into the name
//   tp_btf/task_rename           --comm: follow a process one of whose threads takes the name
//   tp_btf/sched_process_exit    forget a target when its whole thread group is dead
//
// The layout of struct event is decoded by hand in Go (package bpf/event):
// keep the two in step (a test compares them through BTF).

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

// Minimal kernel types, relocated by CO-RE against the running kernel's BTF.
// tp_btf arguments are typed pointers: the programs dereference them
// directly (the verifier turns the loads into fault-safe PROBE_MEM loads),
// with no bpf_probe_read_kernel, which kernel lockdown may forbid. Where a
// pointer is only an address (an fd table slot, a string), bpf_rdonly_cast
// gives it a type, and the loads through it are fault-safe too.
typedef struct {
	int counter;
} atomic_t;

struct signal_struct {
	atomic_t live;
} __attribute__((preserve_access_index));

struct thread_info {
	__u32 status;
} __attribute__((preserve_access_index));

struct pid {
	__u64 ino; // pidfs inode number: unique for the life of the system (6.9+)
} __attribute__((preserve_access_index));

struct super_block {
	__u32 s_dev;
} __attribute__((preserve_access_index));

struct inode {
	unsigned long i_ino;
	struct super_block *i_sb;
} __attribute__((preserve_access_index));

struct file {
	struct inode *f_inode;
	unsigned int f_mode;
} __attribute__((preserve_access_index));

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} __attribute__((preserve_access_index));

struct files_struct {
	struct fdtable *fdt;
} __attribute__((preserve_access_index));

// A struct whose first member is a struct file pointer: an fd table slot
// is read through it (bpf_rdonly_cast needs a struct type).
struct kiocb {
	struct file *ki_filp;
	long long ki_pos;
} __attribute__((preserve_access_index));

// A struct whose first member is a char array: a kernel string is read
// through it.
struct new_utsname {
	char sysname[65];
} __attribute__((preserve_access_index));

struct task_struct {
	struct thread_info thread_info;
	int pid;
	int tgid;
	struct signal_struct *signal;
	struct task_struct *group_leader;
	struct pid *thread_pid;
	struct files_struct *files;
	char comm[16];
} __attribute__((preserve_access_index));

struct io_cqe {
	int fd; // in a union with the CQE flags: the fd until the request completes
} __attribute__((preserve_access_index));

struct io_kiocb {
	__u8 opcode;
	__u64 flags;
	struct io_cqe cqe;
} __attribute__((preserve_access_index));

// The per-opcode command data overlays the start of struct io_kiocb.
struct io_rw {
	__u64 addr;
	__u32 len;
} __attribute__((preserve_access_index));

struct io_sr_msg {
	void *buf; // or the user msghdr (a union)
	int len;
} __attribute__((preserve_access_index));

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

// User-space types, read with bpf_probe_read_user: the 64-bit layouts
// (x86_64 and arm64 alike) and the 32-bit compat ones (ia32 and AArch32 alike).
struct user_iovec {
	__u64 base;
	__u64 len;
};

struct user_iovec32 {
	__u32 base;
	__u32 len;
};

#define MSGHDR_IOV 16 // offset of msg_iov in struct msghdr (64-bit)
#define MSGHDR32_IOV 8 // in struct compat_msghdr
#define MMSGHDR_SIZE 64
#define MMSGHDR32_SIZE 32
#define MMSGHDR_LEN 56 // offset of msg_len in struct mmsghdr
#define MMSGHDR32_LEN 28

// The events' system call numbers: the x86_64 numbers, on every
// architecture and in every ABI (package bpf/event decodes them).
#define SYS_WRITE 1
#define SYS_PWRITE64 18
#define SYS_WRITEV 20
#define SYS_SENDTO 44
#define SYS_SENDMSG 46
#define SYS_VMSPLICE 278
#define SYS_PWRITEV 296
#define SYS_SENDMMSG 307
#define SYS_PWRITEV2 328
#define SYS_IO_URING_ENTER 426 // io_uring events

// The per-architecture part, the one table of each: the registers that hold
// the system call number and the first three arguments (fd, buffer, count),
// the native ABI's numbers (NR_*), the 32-bit compat ABI's numbers (NR32_*),
// and how a compat call is recognised. The Go table in internal/sysnum is
// checked against these lines and against golang.org/x/sys/unix.
#if defined(__TARGET_ARCH_x86)

struct pt_regs {
	unsigned long bx;
	unsigned long cx;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
	unsigned long orig_ax;
} __attribute__((preserve_access_index));

#define REGS_NR(r) ((long)(r)->orig_ax)
#define REGS_ARG1(r) ((r)->di)
#define REGS_ARG2(r) ((r)->si)
#define REGS_ARG3(r) ((r)->dx)
#define REGS_COMPAT_ARG1(r) ((__u32)(r)->bx)
#define REGS_COMPAT_ARG2(r) ((__u32)(r)->cx)
#define REGS_COMPAT_ARG3(r) ((__u32)(r)->dx)

// x86_64
#define NR_WRITE 1
#define NR_PWRITE64 18
#define NR_WRITEV 20
#define NR_SENDTO 44
#define NR_SENDMSG 46
#define NR_VMSPLICE 278
#define NR_PWRITEV 296
#define NR_SENDMMSG 307
#define NR_PWRITEV2 328

// ia32
#define NR32_WRITE 4
#define NR32_WRITEV 146
#define NR32_PWRITE64 181
#define NR32_VMSPLICE 316
#define NR32_PWRITEV 334
#define NR32_SENDMMSG 345
#define NR32_SENDTO 369
#define NR32_SENDMSG 370
#define NR32_PWRITEV2 379

#define TS_COMPAT 0x0002 // thread_info.status: an ia32 system call is in progress

// native_event returns the event number of native write-family call nr:
// nr itself, the events' numbers being x86_64's.
static __always_inline __u16 native_event(long nr)
{
	return nr;
}

// in_compat reports whether the current system call is an ia32 one (int
// $0x80 or a 32-bit process).
static __always_inline int in_compat(struct task_struct *t, struct pt_regs *regs)
{
	return (t->thread_info.status & TS_COMPAT) != 0;
}

#elif defined(__TARGET_ARCH_arm64)

// The kernel's struct pt_regs has regs, sp, pc and pstate inside an
// anonymous union; CO-RE finds them there. regs[0] (x0) is overwritten by
// the return value before sys_exit: orig_x0 keeps the first argument.
struct pt_regs {
	unsigned long regs[31];
	unsigned long sp;
	unsigned long pc;
	unsigned long pstate;
	unsigned long orig_x0;
	int syscallno;
} __attribute__((preserve_access_index));

#define REGS_NR(r) ((long)(r)->syscallno)
#define REGS_ARG1(r) ((r)->orig_x0)
#define REGS_ARG2(r) ((r)->regs[1])
#define REGS_ARG3(r) ((r)->regs[2])
// AArch32 r0-r2 are the low halves of x0-x2.
#define REGS_COMPAT_ARG1(r) ((__u32)(r)->orig_x0)
#define REGS_COMPAT_ARG2(r) ((__u32)(r)->regs[1])
#define REGS_COMPAT_ARG3(r) ((__u32)(r)->regs[2])

// arm64 (the generic table)
#define NR_WRITE 64
#define NR_WRITEV 66
#define NR_PWRITE64 68
#define NR_PWRITEV 70
#define NR_VMSPLICE 75
#define NR_SENDTO 206
#define NR_SENDMSG 211
#define NR_SENDMMSG 269
#define NR_PWRITEV2 287

// AArch32 (EABI). send(2) is a system call of its own there, with
// sendto's first arguments: it is decoded as a sendto.
#define NR32_WRITE 4
#define NR32_WRITEV 146
#define NR32_PWRITE64 181
#define NR32_SEND 289
#define NR32_SENDTO 290
#define NR32_SENDMSG 296
#define NR32_VMSPLICE 343
#define NR32_PWRITEV 362
#define NR32_SENDMMSG 374
#define NR32_PWRITEV2 393

#define PSR_MODE32_BIT 0x10 // pstate: the task runs in AArch32 state

// native_event returns the event number (SYS_*) of native write-family call
// nr.
static __always_inline __u16 native_event(long nr)
{
	switch (nr) {
	case NR_WRITE:
		return SYS_WRITE;
	case NR_PWRITE64:
		return SYS_PWRITE64;
	case NR_WRITEV:
		return SYS_WRITEV;
	case NR_SENDTO:
		return SYS_SENDTO;
	case NR_SENDMSG:
		return SYS_SENDMSG;
	case NR_VMSPLICE:
		return SYS_VMSPLICE;
	case NR_PWRITEV:
		return SYS_PWRITEV;
	case NR_SENDMMSG:
		return SYS_SENDMMSG;
	case NR_PWRITEV2:
		return SYS_PWRITEV2;
	}
	return 0;
}

// in_compat reports whether the current system call comes from an AArch32
// task (the saved user pstate says so; the bit is architectural).
static __always_inline int in_compat(struct task_struct *t, struct pt_regs *regs)
{
	return (regs->pstate & PSR_MODE32_BIT) != 0;
}

#else
#error "spy.c: no system call table for this architecture (bpf2go -target amd64 or arm64)"
#endif

#define FMODE_WRITE 0x2

// io_uring opcodes (UAPI).
#define IORING_OP_WRITEV 2
#define IORING_OP_WRITE_FIXED 5
#define IORING_OP_SENDMSG 9
#define IORING_OP_WRITE 23
#define IORING_OP_SEND 26
#define IORING_OP_SEND_ZC 47
#define IORING_OP_SENDMSG_ZC 48
#define IORING_OP_WRITEV_FIXED 61
#define REQ_F_FIXED_FILE 1

#define MAX_COPY 4096 // the largest configurable copy bound
#define MAX_IOV 16    // iovecs inspected per vector call
#define MAX_MMSG 4    // messages reported per sendmmsg
#define PAGE_SIZE 4096

#define KIND_WRITE 1
#define KIND_FORK 2
#define KIND_EXIT 3
#define KIND_FOLLOW 4 // a process became a target by its name (--comm)
#define KIND_RING 5   // a target created an io_uring instance

#define FLAG_TRUNCATED 0x001
#define FLAG_IOV_PARTIAL 0x002 // more iovecs than MAX_IOV: count covers the first MAX_IOV
#define FLAG_CHANGED 0x004     // the buffer differed at entry and at exit: both readings follow
#define FLAG_UNVERIFIED 0x008  // the entry reading did not cover every byte copied
#define FLAG_COMPAT 0x010      // a 32-bit compat call, ia32 or AArch32 (decoded with its own numbers and layouts)
#define FLAG_BY_REF 0x020      // vmsplice: the pipe references the writer's pages
#define FLAG_INODE 0x040       // matched by the watched file, not by the process
#define FLAG_SUBMITTED 0x080   // io_uring: read at submission; ret is the length submitted
#define FLAG_MORE 0x100        // sendmmsg: more messages were sent than reported

#define TASK_COMM_LEN 16

struct event {
	__u64 ts_ns;      // bpf_ktime_get_ns (CLOCK_MONOTONIC) at syscall entry
	__s64 ret;        // return value: bytes written or -errno
	__u64 count;      // requested length (sum of the inspected iov_len for vectors)
	__u32 tgid;       // process (host PID namespace)
	__u32 tid;        // thread
	__u32 fd;         // file descriptor; parent tgid for KIND_FORK
	__u16 data_len;   // bytes of data (the reading at exit) that follow the header
	__u16 entry_len;  // bytes of the reading at entry that follow the data (FLAG_CHANGED)
	__u16 syscall;    // SYS_*: the x86_64 number, on every architecture
	__u8 kind;        // KIND_*
	__u8 op;          // io_uring opcode; sendmmsg message index
	__u16 flags;      // FLAG_*
	__u16 _pad;
	char comm[TASK_COMM_LEN];
	// data_len + entry_len bytes of data follow in the ring record
};

// The per-CPU scratch event. data holds the exit reading at [0, 4096) and
// the entry reading after it; it is larger than that so that the verifier
// can prove every masked access stays inside.
struct scratch {
	struct event ev;
	__u8 data[3 * MAX_COPY];
};

// The arguments of a traced call in progress, and the buffer as read at
// entry (entry_len bytes, a prefix of what the call asked to write).
struct args {
	__u64 ts_ns;
	__u64 buf;   // buffer, iovec array, msghdr or mmsghdr array
	__u64 count; // length or iovec count
	__u32 fd;
	__u16 nr;    // the event's number (SYS_*)
	__u16 raw;   // the number as called (native or compat)
	__u16 entry_len;
	__u8 active;
	__u8 compat;
	__u16 flags; // FLAG_INODE, FLAG_BY_REF
	__u16 _pad[3];
	__u8 entry[2 * MAX_COPY];
};

struct target {
	__u64 ident; // pidfs inode of the process (0 if unknown): a reused PID has another
};

struct inode_key {
	__u64 ino;
	__u32 dev; // kernel dev_t: major << 20 | minor
	__u32 _pad;
};

// Set by user space before loading (frozen .rodata: the verifier sees constants).
volatile const __u32 copy_bytes = 1026;
volatile const __u32 wakeup_flags = 0; // 0 (adaptive) or BPF_RB_FORCE_WAKEUP
volatile const __u8 use_doorbell = 0;  // wake the reader only when it has parked (see ring_doorbell)
volatile const __u8 follow_forks = 1;
volatile const __u8 use_comm = 0;
volatile const char comm_filter[TASK_COMM_LEN] = {};

// Set by user space at run time: how many files are watched (the inodes map).
volatile __u32 inode_watch = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32); // tgid
	__type(value, struct target);
} targets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);  // tid of a thread that is starting a target
	__type(value, __u8); // 1
} launchers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct inode_key); // a watched file
	__type(value, __u8);           // 1
} inodes SEC(".maps");

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
	__uint(max_entries, 4 * 1024 * 1024); // overridden by user space
} events SEC(".maps");

// candidate is the first test of every system call on the machine: is nr a
// write-family number in either ABI? Which one it is, is decided later.
static __always_inline int candidate(long nr)
{
	switch (nr) {
	case NR_WRITE:
	case NR_PWRITE64:
	case NR_WRITEV:
	case NR_SENDTO:
	case NR_SENDMSG:
	case NR_VMSPLICE:
	case NR_PWRITEV:
	case NR_SENDMMSG:
	case NR_PWRITEV2:
	case NR32_WRITE:
	case NR32_WRITEV:
	case NR32_PWRITE64:
	case NR32_VMSPLICE:
	case NR32_PWRITEV:
	case NR32_SENDMMSG:
	case NR32_SENDTO:
	case NR32_SENDMSG:
	case NR32_PWRITEV2:
#ifdef NR32_SEND
	case NR32_SEND:
#endif
		return 1;
	}
	return 0;
}

// normalize returns the event number (SYS_*) of a write-family call, or 0
// when nr is not one in its ABI (compat calls have their own numbers: ia32's
// getpid is x86_64's writev).
static __always_inline __u16 normalize(long nr, int compat)
{
	if (!compat) {
		switch (nr) {
		case NR_WRITE:
		case NR_PWRITE64:
		case NR_WRITEV:
		case NR_SENDTO:
		case NR_SENDMSG:
		case NR_VMSPLICE:
		case NR_PWRITEV:
		case NR_SENDMMSG:
		case NR_PWRITEV2:
			return native_event(nr);
		}
		return 0;
	}
	switch (nr) {
	case NR32_WRITE:
		return SYS_WRITE;
	case NR32_WRITEV:
		return SYS_WRITEV;
	case NR32_PWRITE64:
		return SYS_PWRITE64;
	case NR32_VMSPLICE:
		return SYS_VMSPLICE;
	case NR32_PWRITEV:
		return SYS_PWRITEV;
	case NR32_SENDMMSG:
		return SYS_SENDMMSG;
	case NR32_SENDTO:
		return SYS_SENDTO;
#ifdef NR32_SEND
	case NR32_SEND:
		return SYS_SENDTO;
#endif
	case NR32_SENDMSG:
		return SYS_SENDMSG;
	case NR32_PWRITEV2:
		return SYS_PWRITEV2;
	}
	return 0;
}

static __always_inline int is_vector(__u16 nr)
{
	return nr == SYS_WRITEV || nr == SYS_PWRITEV || nr == SYS_PWRITEV2 || nr == SYS_VMSPLICE;
}

static __always_inline int comm_is(const char *comm)
{
#pragma unroll
	for (int i = 0; i < TASK_COMM_LEN; i++) {
		if (comm[i] != comm_filter[i])
			return 0;
		if (comm[i] == 0)
			break;
	}
	return 1;
}

static __always_inline int comm_matches(void)
{
	char comm[TASK_COMM_LEN];
	if (bpf_get_current_comm(comm, sizeof(comm)))
		return 0;
	return comm_is(comm);
}

static __always_inline void count_drop(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&dropped, &zero);
	if (n)
		*n += 1; // per-CPU: no other writer
}

// ident returns the pidfs inode number of the process t belongs to, or 0
// on kernels without it.
static __always_inline __u64 ident(struct task_struct *t)
{
	if (!bpf_core_field_exists(struct pid, ino))
		return 0;
	struct task_struct *leader = t->group_leader;
	if (!leader)
		return 0;
	struct pid *p = leader->thread_pid;
	if (!p)
		return 0;
	return p->ino;
}

// fd_file returns the file behind t's descriptor fd, or NULL. The pointer
// is untrusted: loads through it are fault-safe.
static __always_inline struct file *fd_file(struct task_struct *t, __u32 fd)
{
	struct files_struct *files = t->files;
	if (!files)
		return 0;
	struct fdtable *fdt = files->fdt;
	if (!fdt || fd >= fdt->max_fds)
		return 0;
	__u64 slot = (__u64)fdt->fd + (__u64)fd * sizeof(void *);
	struct kiocb *k = bpf_rdonly_cast((void *)slot, bpf_core_type_id_kernel(struct kiocb));
	return k->ki_filp;
}

static __always_inline int file_watched(struct file *f)
{
	if (!f)
		return 0;
	struct inode *in = f->f_inode;
	if (!in)
		return 0;
	struct inode_key k = {};
	k.ino = in->i_ino;
	k.dev = in->i_sb->s_dev;
	return bpf_map_lookup_elem(&inodes, &k) != 0;
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

// emit writes the header and size bytes of data from the scratch buffer as
// one record, exactly that long.
static __always_inline void emit(struct scratch *s, __u32 data_size)
{
	// data_size <= 2 * MAX_COPY already; the mask (kept by the asm
	// barrier) lets the verifier prove that the record stays inside the
	// scratch value.
	__u64 len = data_size;
	asm volatile("%0 &= 16383" : "+r"(len));
	if (len > 2 * MAX_COPY)
		len = 2 * MAX_COPY;
	__u32 size = sizeof(struct event) + len;
	if (!use_doorbell) {
		if (bpf_ringbuf_output(&events, &s->ev, size, wakeup_flags))
			count_drop();
		return;
	}
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

static __always_inline struct scratch *get_scratch(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&scratch, &zero);
}

static __always_inline void fill_header(struct scratch *s, __u8 kind, __u64 ts, __u32 tgid, __u32 tid, __u32 fd)
{
	s->ev.ts_ns = ts;
	s->ev.ret = 0;
	s->ev.count = 0;
	s->ev.tgid = tgid;
	s->ev.tid = tid;
	s->ev.fd = fd;
	s->ev.data_len = 0;
	s->ev.entry_len = 0;
	s->ev.syscall = 0;
	s->ev.kind = kind;
	s->ev.op = 0;
	s->ev.flags = 0;
	s->ev._pad = 0;
	bpf_get_current_comm(s->ev.comm, sizeof(s->ev.comm));
}

static __always_inline void emit_task(__u8 kind, __u32 tgid, __u32 tid, __u32 parent)
{
	struct scratch *s = get_scratch();
	if (!s)
		return;
	fill_header(s, kind, bpf_ktime_get_ns(), tgid, tid, parent);
	emit(s, 0);
}

// follow makes t's process a target (it matched the name filter) and says so.
static __always_inline void follow(struct task_struct *t)
{
	__u32 tgid = t->tgid;
	struct target v = {.ident = ident(t)};
	if (bpf_map_update_elem(&targets, &tgid, &v, BPF_NOEXIST))
		return; // already followed (or the map is full: counted at fork)
	emit_task(KIND_FOLLOW, tgid, t->pid, 0);
}

// read_user copies n (<= MAX_COPY) bytes from user address src to
// dst[off..] and returns how many bytes it copied as a prefix: n, the part
// before the first page boundary when only the first page is resident, or
// 0. off < MAX_COPY and dst has room for 2 * MAX_COPY bytes.
static __always_inline __u64 read_user(__u8 *dst, __u64 off, __u64 n, __u64 src)
{
	asm volatile("%0 &= 4095" : "+r"(off));
	if (n > MAX_COPY)
		n = MAX_COPY;
	asm volatile("%0 &= 8191" : "+r"(n));
	if (n == 0)
		return 0;
	if (bpf_probe_read_user(&dst[off], n, (void *)src) == 0)
		return n;
	__u64 first = PAGE_SIZE - (src & (PAGE_SIZE - 1));
	if (first >= n)
		return 0;
	asm volatile("%0 &= 8191" : "+r"(first));
	if (bpf_probe_read_user(&dst[off], first, (void *)src) == 0)
		return first;
	return 0;
}

// The state of read_iov's loop, kept in map memory rather than in
// registers: the verifier does not track values in map memory, so the
// states of one iteration's many paths (read or not, whole or cut at a page)
// are equal at the next iteration and pruned, instead of multiplying.
struct iovloop {
	__u64 off;
	__u64 total; // read_iov: the sum of the inspected lengths
	__u64 stopped;
	__u64 partial; // read_iov: more iovecs than inspected
	__u64 n; // the bound of differs and append_entry
	__u64 msgs; // sendmmsg: messages sent
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct iovloop);
} loopvars SEC(".maps");

static __always_inline struct iovloop *loop_vars(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&loopvars, &zero);
}

struct iov_ctx {
	__u8 *dst;
	__u64 iov;
	__u64 iovcnt;
	__u64 limit;
	__u64 compat;
	struct iovloop *lv;
};

// iov_step reads iovec i and copies its part of the data (bpf_loop body).
static long iov_step(__u64 i, void *c)
{
	struct iov_ctx *ic = c;
	struct iovloop *lv = ic->lv;
	if (i >= ic->iovcnt)
		return 1;
	__u64 base, len;
	if (ic->compat) {
		struct user_iovec32 v;
		if (bpf_probe_read_user(&v, sizeof(v), (void *)(ic->iov + i * sizeof(v))))
			return 1;
		base = v.base;
		len = v.len;
	} else {
		struct user_iovec v;
		if (bpf_probe_read_user(&v, sizeof(v), (void *)(ic->iov + i * sizeof(v))))
			return 1;
		base = v.base;
		len = v.len;
	}
	lv->total += len;
	__u64 off = lv->off;
	if (lv->stopped || off >= ic->limit)
		return 0;
	__u64 n = ic->limit - off;
	if (n > len)
		n = len;
	__u64 got = read_user(ic->dst, off, n, base);
	lv->off = off + got;
	if (got < n)
		lv->stopped = 1;
	return 0;
}

// read_iov copies up to limit (<= MAX_COPY) bytes from the first MAX_IOV
// iovecs (32-bit layout if compat) into dst and returns the bytes copied as a
// prefix of the concatenation; it stops at the first part that cannot be
// read. It leaves the sum of the inspected lengths in the loop variables'
// total, and whether there were more iovecs in partial. The loop's state
// lives in map memory, which the verifier does not track, so that the
// many paths of one iteration (read or not, whole or cut at a page) leave
// equal states behind.
static __always_inline __u64 read_iov(__u8 *dst, __u64 iov, __u64 iovcnt, __u64 limit, int compat)
{
	struct iovloop *lv = loop_vars();
	if (!lv)
		return 0;
	lv->off = 0;
	lv->total = 0;
	lv->stopped = 0;
	lv->partial = iovcnt > MAX_IOV;
	struct iov_ctx ic = {.dst = dst, .iov = iov, .iovcnt = iovcnt, .limit = limit, .compat = compat, .lv = lv};
	bpf_loop(MAX_IOV, iov_step, &ic, 0);
	return lv->off;
}

// read_iov_into is read_iov with its side results: *requested gets the sum
// of the inspected lengths, and *flags FLAG_IOV_PARTIAL if there were more.
static __always_inline __u64 read_iov_into(__u8 *dst, __u64 iov, __u64 iovcnt, __u64 limit, int compat,
					   __u64 *requested, __u16 *flags)
{
	__u64 n = read_iov(dst, iov, iovcnt, limit, compat);
	struct iovloop *lv = loop_vars();
	if (!lv)
		return 0;
	*requested = lv->total;
	if (lv->partial)
		*flags |= FLAG_IOV_PARTIAL;
	return n;
}

// msg_iov reads the iovec array and count of a user msghdr.
static __always_inline void msg_iov(__u64 msg, int compat, __u64 *iov, __u64 *iovcnt)
{
	*iov = 0;
	*iovcnt = 0;
	if (compat) {
		__u32 v[2] = {};
		if (bpf_probe_read_user(v, sizeof(v), (void *)(msg + MSGHDR32_IOV)) == 0) {
			*iov = v[0];
			*iovcnt = v[1];
		}
	} else {
		__u64 v[2] = {};
		if (bpf_probe_read_user(v, sizeof(v), (void *)(msg + MSGHDR_IOV)) == 0) {
			*iov = v[0];
			*iovcnt = v[1];
		}
	}
}

// read_call copies up to limit bytes of what call nr writes (its buffer,
// iovecs, or first message) into dst and returns the length of the prefix
// copied; *requested gets the length asked for. For sendmmsg, msg is the
// message's index.
static __always_inline __u64 read_call(__u8 *dst, __u16 nr, __u64 buf, __u64 count, __u64 limit, int compat,
				       __u32 msg, __u64 *requested, __u16 *flags)
{
	*requested = count;
	if (nr == SYS_SENDMSG || nr == SYS_SENDMMSG) {
		__u64 hdr = buf;
		if (nr == SYS_SENDMMSG)
			hdr = buf + (__u64)msg * (compat ? MMSGHDR32_SIZE : MMSGHDR_SIZE);
		__u64 iov, iovcnt;
		msg_iov(hdr, compat, &iov, &iovcnt);
		return read_iov_into(dst, iov, iovcnt, limit, compat, requested, flags);
	}
	if (is_vector(nr))
		return read_iov_into(dst, buf, count, limit, compat, requested, flags);
	if (limit > count)
		limit = count;
	return read_user(dst, 0, limit, buf);
}

// The loops over whole readings run in bpf_loop: the verifier checks a
// callback's body until its states converge, not once per iteration.
struct bytes_ctx {
	const __u8 *x; // differs: compared with y; append: copied to y
	__u8 *y;
	__u64 n;
	__u64 differ;
};

static long differs_step(__u64 i, void *c)
{
	struct bytes_ctx *bc = c;
	__u64 o = (i & (MAX_COPY / 8 - 1)) * 8;
	if (o >= bc->n)
		return 1;
	__u64 a = *(const __u64 *)&bc->x[o];
	__u64 b = *(const __u64 *)&bc->y[o];
	__u64 rem = bc->n - o;
	if (rem < 8) {
		__u64 mask = (1ULL << ((rem & 7) * 8)) - 1;
		a &= mask;
		b &= mask;
	}
	if (a != b) {
		bc->differ = 1;
		return 1;
	}
	return 0;
}

// word returns the 8 bytes of p, or the first n of them when n < 8.
static __always_inline __u64 word(const __u8 *p, __u64 n)
{
	__u64 w = *(const __u64 *)p;
	if (n < 8)
		w &= (1ULL << ((n & 7) * 8)) - 1;
	return w;
}

// differs reports whether the first n (<= MAX_COPY) bytes of x and y
// differ. A move's line is at most 16 bytes: those are compared inline,
// longer ones in a bpf_loop.
static __always_inline int differs(const __u8 *x, __u8 *y, __u64 n)
{
	if (n <= 16) {
		if (n == 0)
			return 0;
		if (word(x, n) != word(y, n))
			return 1;
		return n > 8 && word(x + 8, n - 8) != word(y + 8, n - 8);
	}
	struct bytes_ctx bc = {.x = x, .y = y, .n = n};
	bpf_loop(MAX_COPY / 8, differs_step, &bc, 0);
	return bc.differ;
}

static long append_step(__u64 i, void *c)
{
	struct bytes_ctx *bc = c;
	__u64 o = (i & (MAX_COPY / 8 - 1)) * 8;
	if (o >= bc->n)
		return 1;
	*(__u64 *)&bc->y[o] = *(const __u64 *)&bc->x[o];
	return 0;
}

// append_entry copies the entry reading (n <= MAX_COPY bytes) after the
// exit reading (off <= MAX_COPY bytes) in the scratch data.
static __always_inline void append_entry(struct scratch *s, __u64 off, const __u8 *entry, __u64 n)
{
	asm volatile("%0 &= 8191" : "+r"(off));
	if (off > MAX_COPY)
		return;
	struct bytes_ctx bc = {.x = entry, .y = &s->data[off], .n = n};
	bpf_loop(MAX_COPY / 8, append_step, &bc, 0);
}

SEC("tp_btf/sys_enter")
int on_sys_enter(__u64 *ctx)
{
	long raw = (long)ctx[1];
	if (!candidate(raw))
		return 0;

	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	int followed = bpf_map_lookup_elem(&targets, &tgid) != 0;
	if (!followed && !use_comm && !inode_watch)
		return 0;

	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	int compat = in_compat(task, regs);
	__u16 nr = normalize(raw, compat);
	if (!nr)
		return 0;
	__u64 fd, buf, count;
	if (compat) {
		fd = REGS_COMPAT_ARG1(regs);
		buf = REGS_COMPAT_ARG2(regs);
		count = REGS_COMPAT_ARG3(regs);
	} else {
		fd = REGS_ARG1(regs);
		buf = REGS_ARG2(regs);
		count = REGS_ARG3(regs);
	}

	__u16 flags = 0;
	if (!followed && use_comm && comm_matches()) {
		follow(task);
		followed = 1;
	}
	struct file *f = 0;
	if (nr == SYS_VMSPLICE || (!followed && inode_watch))
		f = fd_file(task, fd);
	if (!followed) {
		if (!inode_watch || !file_watched(f))
			return 0;
		flags |= FLAG_INODE;
	}
	if (nr == SYS_VMSPLICE) {
		// Into a pipe (a write) only; from a pipe it is a read.
		if (!f || !(f->f_mode & FMODE_WRITE))
			return 0;
		flags |= FLAG_BY_REF;
	}

	struct args *a = bpf_task_storage_get(&inflight, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!a) {
		count_drop(); // out of memory: never lose the write silently
		return 0;
	}
	a->ts_ns = bpf_ktime_get_ns();
	a->nr = nr;
	a->raw = raw;
	a->compat = compat;
	a->fd = fd;
	a->buf = buf;
	a->count = count;
	a->flags = flags;
	a->active = 1;
	// The first reading, of whatever is resident now; the kernel may take
	// a page fault for the rest, which a BPF program cannot.
	__u64 requested;
	__u16 ignored = 0;
	a->entry_len = read_call(a->entry, nr, buf, count, copy_bytes, compat, 0, &requested, &ignored);
	return 0;
}

// finish completes the event of one written buffer (or sendmmsg message)
// whose exit reading is in s->data[0, copied): it compares that with the
// entry reading and emits the record.
static __always_inline void finish(struct scratch *s, struct args *a, __u64 copied, long ret, __u64 requested,
				   __u16 flags, int compare, __u8 op, __u64 pid_tgid)
{
	if (ret > 0 && copied < (__u64)ret)
		flags |= FLAG_TRUNCATED;
	__u64 entry_len = 0;
	if (!compare) {
		if (copied > 0)
			flags |= FLAG_UNVERIFIED;
	} else {
		__u64 have = a->entry_len;
		if (have > MAX_COPY)
			have = MAX_COPY;
		__u64 n = copied < have ? copied : have;
		if (differs(a->entry, s->data, n)) {
			flags |= FLAG_CHANGED;
			entry_len = have;
			append_entry(s, copied, a->entry, entry_len);
		} else if (have < copied) {
			flags |= FLAG_UNVERIFIED;
		}
	}
	fill_header(s, KIND_WRITE, a->ts_ns, pid_tgid >> 32, (__u32)pid_tgid, a->fd);
	s->ev.ret = ret;
	s->ev.count = requested;
	s->ev.data_len = copied;
	s->ev.entry_len = entry_len;
	s->ev.syscall = a->nr;
	s->ev.op = op;
	s->ev.flags = flags | a->flags | (a->compat ? FLAG_COMPAT : 0);
	emit(s, copied + entry_len);
}

static __always_inline __u64 clamp_copy(long n)
{
	__u64 limit = n > 0 ? (__u64)n : 0;
	if (limit > copy_bytes)
		limit = copy_bytes;
	if (limit > MAX_COPY)
		limit = MAX_COPY;
	return limit;
}

SEC("tp_btf/sys_exit")
int on_sys_exit(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	long ret = (long)ctx[1];
	long raw = REGS_NR(regs);
	if (!candidate(raw))
		return 0;

	struct task_struct *task = bpf_get_current_task_btf();
	struct args *a = bpf_task_storage_get(&inflight, task, 0, 0);
	if (!a || !a->active || a->raw != raw)
		return 0;
	a->active = 0; // consumed
	if (a->compat != in_compat(task, regs))
		return 0;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct scratch *s = get_scratch();
	if (!s)
		return 0;
	__u16 nr = a->nr;
	int compat = a->compat;

	if (nr == SYS_SENDMMSG) {
		// ret is the number of messages sent; each one's length is in its
		// mmsghdr now. One event per message, the first compared with the
		// entry reading.
		struct iovloop *lv = loop_vars();
		if (!lv)
			return 0;
		lv->msgs = ret;
		for (__u32 i = 0; i < MAX_MMSG; i++) {
			if ((__s64)lv->msgs <= (__s64)i)
				break;
			__u64 hdr = a->buf + (__u64)i * (compat ? MMSGHDR32_SIZE : MMSGHDR_SIZE);
			__u32 sent = 0;
			if (bpf_probe_read_user(&sent, sizeof(sent), (void *)(hdr + (compat ? MMSGHDR32_LEN : MMSGHDR_LEN))))
				break;
			__u16 flags = 0;
			if (i == MAX_MMSG - 1 && (__s64)lv->msgs > MAX_MMSG)
				flags |= FLAG_MORE;
			__u64 requested;
			__u64 copied = read_call(s->data, nr, a->buf, a->count, clamp_copy(sent), compat, i, &requested, &flags);
			finish(s, a, copied, sent, requested, flags, i == 0, i, pid_tgid);
		}
		return 0;
	}

	// Copy what was actually written (ret bytes), at most copy_bytes; for
	// a failed call, nothing (the iovecs are still read, for the length
	// requested).
	__u16 flags = 0;
	__u64 requested;
	__u64 copied = read_call(s->data, nr, a->buf, a->count, clamp_copy(ret), compat, 0, &requested, &flags);
	finish(s, a, copied, ret, requested, flags, 1, 0, pid_tgid);
	return 0;
}

// io_uring: a write or send submitted by a target (or into a watched file).
// The request's command data (struct io_rw, struct io_sr_msg) overlays the
// start of struct io_kiocb; the tracepoint runs in the submitter's context
// (the task calling io_uring_enter, or the SQPOLL thread, which belongs to
// the same process and shares its memory and files).
SEC("tp_btf/io_uring_submit_req")
int on_uring_submit(__u64 *ctx)
{
	struct io_kiocb *req = (struct io_kiocb *)ctx[0];
	__u8 op = req->opcode;
	int rw = 0, vec = 0, msg = 0;
	switch (op) {
	case IORING_OP_WRITE:
	case IORING_OP_WRITE_FIXED:
	case IORING_OP_SEND:
	case IORING_OP_SEND_ZC:
		break;
	case IORING_OP_WRITEV:
	case IORING_OP_WRITEV_FIXED:
		vec = 1;
		break;
	case IORING_OP_SENDMSG:
	case IORING_OP_SENDMSG_ZC:
		msg = 1;
		break;
	default:
		return 0;
	}
	rw = op == IORING_OP_WRITE || op == IORING_OP_WRITE_FIXED || vec;

	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	__u16 flags = FLAG_SUBMITTED;
	__u32 fd = req->cqe.fd;
	if (!bpf_map_lookup_elem(&targets, &tgid)) {
		// A fixed file is an index into the ring's table, not an fd.
		if (!inode_watch || (req->flags & REQ_F_FIXED_FILE))
			return 0;
		if (!file_watched(fd_file(bpf_get_current_task_btf(), fd)))
			return 0;
		flags |= FLAG_INODE;
	}

	__u64 addr, len;
	if (rw) {
		struct io_rw *r = bpf_rdonly_cast(req, bpf_core_type_id_kernel(struct io_rw));
		addr = r->addr;
		len = r->len;
	} else {
		// The user pointer (buf or msghdr) is a pointer member in BTF;
		// it is read as the integer that struct kiocb has at the same
		// offset, so that it can be used as an address.
		if (bpf_core_field_offset(struct io_sr_msg, buf) != bpf_core_field_offset(struct kiocb, ki_pos))
			return 0;
		struct kiocb *k = bpf_rdonly_cast(req, bpf_core_type_id_kernel(struct kiocb));
		addr = k->ki_pos;
		struct io_sr_msg *m = bpf_rdonly_cast(req, bpf_core_type_id_kernel(struct io_sr_msg));
		len = m->len;
	}
	struct scratch *s = get_scratch();
	if (!s)
		return 0;
	__u64 requested = len;
	__u64 copied;
	if (msg) {
		__u64 iov, iovcnt;
		msg_iov(addr, 0, &iov, &iovcnt);
		copied = read_iov_into(s->data, iov, iovcnt, clamp_copy(MAX_COPY), 0, &requested, &flags);
	} else if (vec) {
		copied = read_iov_into(s->data, addr, len, clamp_copy(MAX_COPY), 0, &requested, &flags);
	} else {
		copied = read_user(s->data, 0, clamp_copy(len), addr);
	}
	if (copied < requested)
		flags |= FLAG_TRUNCATED;
	fill_header(s, KIND_WRITE, bpf_ktime_get_ns(), tgid, (__u32)pid_tgid, fd);
	s->ev.ret = requested;
	s->ev.count = requested;
	s->ev.data_len = copied;
	s->ev.syscall = SYS_IO_URING_ENTER;
	s->ev.op = op;
	s->ev.flags = flags | (copied > 0 ? FLAG_UNVERIFIED : 0);
	emit(s, copied);
	return 0;
}

// A target created an io_uring instance: say so, even where none of its
// requests are decoded. fd is the ring's descriptor, count its setup flags.
SEC("tp_btf/io_uring_create")
int on_uring_create(__u64 *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	if (!bpf_map_lookup_elem(&targets, &tgid))
		return 0;
	struct scratch *s = get_scratch();
	if (!s)
		return 0;
	fill_header(s, KIND_RING, bpf_ktime_get_ns(), tgid, (__u32)pid_tgid, (__u32)ctx[0]);
	s->ev.count = (__u32)ctx[4];
	emit(s, 0);
	return 0;
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
	    !(follow_forks && (bpf_map_lookup_elem(&targets, &ptgid) || (use_comm && comm_is(parent->comm)))))
		return 0;

	struct target v = {};
	if (bpf_core_field_exists(struct pid, ino)) {
		struct pid *p = child->thread_pid;
		if (p)
			v.ident = p->ino;
	}
	if (bpf_map_update_elem(&targets, &ctgid, &v, BPF_ANY))
		count_drop(); // the child cannot be followed: never silently
	emit_task(KIND_FORK, ctgid, ctgid, ptgid);
	return 0;
}

// --comm: a process that execs into the name becomes a target.
SEC("tp_btf/sched_process_exec")
int on_exec(__u64 *ctx)
{
	if (!use_comm)
		return 0;
	struct task_struct *t = (struct task_struct *)ctx[0];
	if (comm_is(t->comm))
		follow(t);
	return 0;
}

// --comm: a process one of whose threads is renamed to the name (prctl
// PR_SET_NAME, /proc/.../comm) becomes a target, and stays one when it is
// renamed away. The hook runs before the new name is stored: it is read
// from the argument.
SEC("tp_btf/task_rename")
int on_rename(__u64 *ctx)
{
	if (!use_comm)
		return 0;
	struct task_struct *t = (struct task_struct *)ctx[0];
	struct new_utsname *name = bpf_rdonly_cast((void *)ctx[1], bpf_core_type_id_kernel(struct new_utsname));
	char comm[TASK_COMM_LEN] = {};
#pragma unroll
	for (int i = 0; i < TASK_COMM_LEN - 1; i++) {
		comm[i] = name->sysname[i];
		if (comm[i] == 0)
			break;
	}
	if (comm_is(comm))
		follow(t);
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

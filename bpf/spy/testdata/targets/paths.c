// A target that writes its moves every way that is not write(2): each
// line is "<label>\n<move>\n".
//   s01, s02   sendmmsg: two messages in one call, on a socket pair
//   v01        vmsplice into a pipe
//   u01..u04   io_uring WRITE (a pipe), WRITEV (a pipe), SEND and SENDMSG
//              (a socket pair)
//   u05        io_uring WRITE from a ring with a kernel polling thread
//              (IORING_SETUP_SQPOLL): no system call submits it
// It uses raw system calls (no liburing).
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

struct ring {
	int fd;
	unsigned flags;
	unsigned *sq_head, *sq_tail, *sq_mask, *sq_array, *sq_flags;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
	struct io_uring_sqe *sqes;
};

static void ring_open(struct ring *r, unsigned flags)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.sq_thread_idle = 2000;
	r->fd = syscall(SYS_io_uring_setup, 8, &p);
	if (r->fd < 0)
		die("io_uring_setup");
	r->flags = flags;
	size_t sqsz = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	size_t cqsz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (cqsz > sqsz)
		sqsz = cqsz;
	char *sq = mmap(0, sqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		die("mmap sq");
	char *cq = sq;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		cq = mmap(0, cqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
		if (cq == MAP_FAILED)
			die("mmap cq");
	}
	r->sq_head = (unsigned *)(sq + p.sq_off.head);
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->sq_flags = (unsigned *)(sq + p.sq_off.flags);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	r->sqes = mmap(0, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       r->fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		die("mmap sqes");
}

// ring_do submits one request and waits for its completion; it returns
// the result.
static int ring_do(struct ring *r, struct io_uring_sqe *in)
{
	unsigned tail = *r->sq_tail;
	unsigned idx = tail & *r->sq_mask;
	r->sqes[idx] = *in;
	r->sq_array[idx] = idx;
	atomic_store_explicit((_Atomic unsigned *)r->sq_tail, tail + 1, memory_order_release);
	unsigned enter = IORING_ENTER_GETEVENTS;
	unsigned submit = 1;
	if (r->flags & IORING_SETUP_SQPOLL) {
		// The kernel thread picks the request up; wake it if it sleeps.
		submit = 0;
		if (atomic_load_explicit((_Atomic unsigned *)r->sq_flags, memory_order_acquire) & IORING_SQ_NEED_WAKEUP)
			enter |= IORING_ENTER_SQ_WAKEUP;
	}
	for (;;) {
		unsigned head = *r->cq_head;
		if (head != atomic_load_explicit((_Atomic unsigned *)r->cq_tail, memory_order_acquire)) {
			int res = r->cqes[head & *r->cq_mask].res;
			atomic_store_explicit((_Atomic unsigned *)r->cq_head, head + 1, memory_order_release);
			return res;
		}
		if (syscall(SYS_io_uring_enter, r->fd, submit, 1, enter, 0, 0) < 0)
			die("io_uring_enter");
		submit = 0;
		if (r->flags & IORING_SETUP_SQPOLL &&
		    atomic_load_explicit((_Atomic unsigned *)r->sq_flags, memory_order_acquire) & IORING_SQ_NEED_WAKEUP)
			enter |= IORING_ENTER_SQ_WAKEUP;
	}
}

static void check(int res, int want, const char *what)
{
	if (res != want) {
		fprintf(stderr, "%s: result %d, want %d\n", what, res, want);
		exit(1);
	}
}

int main(void)
{
	int pfd[2], sv[2];
	if (pipe(pfd) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("pipe");

	// sendmmsg: two messages.
	char m1[] = "s01\nrock\n", m2[] = "s02\npaper\n";
	struct iovec v1 = {m1, strlen(m1)}, v2 = {m2, strlen(m2)};
	struct mmsghdr mm[2];
	memset(mm, 0, sizeof(mm));
	mm[0].msg_hdr.msg_iov = &v1;
	mm[0].msg_hdr.msg_iovlen = 1;
	mm[1].msg_hdr.msg_iov = &v2;
	mm[1].msg_hdr.msg_iovlen = 1;
	if (sendmmsg(sv[0], mm, 2, 0) != 2)
		die("sendmmsg");

	// vmsplice into the pipe.
	char vs[] = "v01\nscissors\n";
	struct iovec vv = {vs, strlen(vs)};
	if (vmsplice(pfd[1], &vv, 1, 0) != (ssize_t)strlen(vs))
		die("vmsplice");

	struct ring r;
	ring_open(&r, 0);
	struct io_uring_sqe sqe;

	char u1[] = "u01\nrock\n";
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_WRITE;
	sqe.fd = pfd[1];
	sqe.addr = (unsigned long)u1;
	sqe.len = strlen(u1);
	sqe.off = -1;
	check(ring_do(&r, &sqe), strlen(u1), "IORING_OP_WRITE");

	char u2a[] = "u02\n", u2b[] = "paper\n";
	struct iovec u2[2] = {{u2a, strlen(u2a)}, {u2b, strlen(u2b)}};
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_WRITEV;
	sqe.fd = pfd[1];
	sqe.addr = (unsigned long)u2;
	sqe.len = 2;
	sqe.off = -1;
	check(ring_do(&r, &sqe), strlen(u2a) + strlen(u2b), "IORING_OP_WRITEV");

	char u3[] = "u03\nscissors\n";
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_SEND;
	sqe.fd = sv[0];
	sqe.addr = (unsigned long)u3;
	sqe.len = strlen(u3);
	check(ring_do(&r, &sqe), strlen(u3), "IORING_OP_SEND");

	char u4[] = "u04\nrock\n";
	struct iovec u4v = {u4, strlen(u4)};
	struct msghdr mh;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &u4v;
	mh.msg_iovlen = 1;
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_SENDMSG;
	sqe.fd = sv[0];
	sqe.addr = (unsigned long)&mh;
	sqe.len = 1;
	check(ring_do(&r, &sqe), strlen(u4), "IORING_OP_SENDMSG");

	struct ring q;
	ring_open(&q, IORING_SETUP_SQPOLL);
	char u5[] = "u05\npaper\n";
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_WRITE;
	sqe.fd = pfd[1];
	sqe.addr = (unsigned long)u5;
	sqe.len = strlen(u5);
	sqe.off = -1;
	check(ring_do(&q, &sqe), strlen(u5), "IORING_OP_WRITE (SQPOLL)");
	return 0;
}

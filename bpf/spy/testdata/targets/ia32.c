// A 64-bit target that makes ia32 system calls with int $0x80:
//   an ia32 write(2) (number 4) of "i01\nrock\n" to stdout, and
//   an ia32 getpid (number 20, x86_64's writev) with rdi, rsi, rdx set as
//   for a writev of "i02\npaper\n" to stdout: a spy that decodes it as
//   x86_64 would report a move that was never written.
// It exits 3, with the reason on stderr, if the kernel does not run ia32
// system calls.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static long int80(long nr, long a, long b, long c, long di, long si, long dx)
{
	long ret;
	register long rdi asm("rdi") = di;
	register long rsi asm("rsi") = si;
	register long rdx asm("rdx") = dx;
	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(c), "D"(rdi), "S"(rsi)
		     : "memory");
	(void)rdx;
	return ret;
}

int main(void)
{
	// Can this kernel run them? Try in a child.
	pid_t pid = fork();
	if (pid == 0) {
		int80(20, 0, 0, 0, 0, 0, 0);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st)) {
		fprintf(stderr, "ia32 system calls are not available: int $0x80 killed the process with signal %d\n",
			WIFSIGNALED(st) ? WTERMSIG(st) : 0);
		return 3;
	}
	// The buffers must have 32-bit addresses.
	char *mem = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	strcpy(mem, "i01\nrock\n");
	long n = int80(4, 1, (long)mem, 9, 0, 0, 0);
	if (n != 9) {
		fprintf(stderr, "ia32 write returned %ld\n", n);
		return 1;
	}
	struct iovec *iov = (struct iovec *)(mem + 256);
	strcpy(mem + 128, "i02\npaper\n");
	iov->iov_base = mem + 128;
	iov->iov_len = 10;
	long me = int80(20, 0, 0, 0, 1, (long)iov, 1);
	if (me != getpid()) {
		fprintf(stderr, "ia32 getpid returned %ld\n", me);
		return 1;
	}
	return 0;
}

// A target that rewrites its buffer while the kernel copies it, from a
// userfaultfd handler: the kernel's copy of the line faults on a page that
// is not there yet, and the handler changes the part of the line that the
// kernel has already taken before it supplies the page.
//
//   uffd rewrite   the line starts at the end of a resident page with
//                  "scissors" and goes on into a missing page; the handler
//                  turns "scissors" into "paper   ". The kernel delivers
//                  scissors; the buffer says paper when the call returns.
//   uffd missing   the line starts in a missing page: the handler supplies
//                  "scissors", and when the kernel faults on the next
//                  (missing) page, rewrites it to "paper   ".
//
// Each writes one line to stdout (a pipe) and exits 0; 3 if userfaultfd is
// not available.
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096
#define LINE "scissors                    \n" // 29 bytes
#define FAKE "paper   "

static int uffd;
static char *area; // 3 pages
static char *line; // where the line starts
static int missing_mode;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

// supply fills page p (missing until now) with the line's bytes that fall
// in it, blanks elsewhere.
static void supply(char *p)
{
	static char page[PAGE] __attribute__((aligned(PAGE)));
	memset(page, ' ', PAGE);
	for (size_t i = 0; i < strlen(LINE); i++) {
		char *at = line + i;
		if (at >= p && at < p + PAGE)
			page[at - p] = LINE[i];
	}
	struct uffdio_copy c = {.dst = (unsigned long)p, .src = (unsigned long)page, .len = PAGE};
	if (ioctl(uffd, UFFDIO_COPY, &c))
		die("UFFDIO_COPY");
}

static void *handler(void *arg)
{
	(void)arg;
	int faults = 0;
	for (;;) {
		struct uffd_msg msg;
		if (read(uffd, &msg, sizeof(msg)) != sizeof(msg))
			die("read uffd");
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		char *p = (char *)(msg.arg.pagefault.address & ~(unsigned long)(PAGE - 1));
		faults++;
		// The kernel has copied what lies before this page: change it.
		if (!missing_mode || faults == 2)
			memcpy(line, FAKE, strlen(FAKE));
		supply(p);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	missing_mode = strcmp(argv[1], "missing") == 0;
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0) {
		perror("userfaultfd");
		return 3;
	}
	struct uffdio_api api = {.api = UFFD_API};
	if (ioctl(uffd, UFFDIO_API, &api))
		die("UFFDIO_API");
	area = mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die("mmap");
	char *missing_from;
	if (missing_mode) {
		line = area + 2 * PAGE - 8; // "scissors" in page 1, the rest in page 2
		missing_from = area + PAGE;
	} else {
		line = area + PAGE - 8; // "scissors" at the end of page 0, the rest in page 1
		memset(area, ' ', PAGE);
		memcpy(line, LINE, 8);
		missing_from = area + PAGE;
	}
	struct uffdio_register reg = {.range = {.start = (unsigned long)missing_from, .len = 2 * PAGE},
				      .mode = UFFDIO_REGISTER_MODE_MISSING};
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER");
	pthread_t th;
	if (pthread_create(&th, 0, handler, 0))
		die("pthread_create");
	ssize_t n = write(1, line, strlen(LINE));
	if (n != (ssize_t)strlen(LINE))
		die("write");
	return 0;
}

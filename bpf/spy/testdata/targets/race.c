// A target whose second thread rewrites the buffer of each write once,
// at a random moment around the call: "scissors\n" becomes "paper   \n".
// Usage: race N. It makes N writes of one line each to stdout (a pipe).
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[64] __attribute__((aligned(64)));
static atomic_int round_go, round_done;

static void *racer(void *arg)
{
	(void)arg;
	unsigned seed = 1;
	for (int r = 1;; r++) {
		while (atomic_load(&round_go) != r)
			;
		// Wait 0 to ~4 µs: before the call, inside it, or after it.
		int spin = rand_r(&seed) % 4000;
		for (volatile int i = 0; i < spin; i++)
			;
		memcpy(buf, "paper   \n", 9);
		atomic_store(&round_done, r);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100;
	pthread_t th;
	if (pthread_create(&th, 0, racer, 0)) {
		perror("pthread_create");
		return 1;
	}
	for (int r = 1; r <= n; r++) {
		memcpy(buf, "scissors\n", 9);
		atomic_store(&round_go, r);
		if (write(1, buf, 9) != 9) {
			perror("write");
			return 1;
		}
		while (atomic_load(&round_done) != r)
			;
	}
	return 0;
}

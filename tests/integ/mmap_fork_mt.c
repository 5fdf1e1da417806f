// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* fork() racing writable mmap()/munmap() and freeze of map fds: no deadlock, freeze counts stay right. */
#include "t.h"
#include "userbpf.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096
static int fds[2];
static atomic_int stop;

/*
 * Under ThreadSanitizer, a child fork()ed while the mapper threads run sees
 * them as never joined when it _exit()s: not a leak of the program's.
 */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "report_thread_leaks=0";
}

static void *mapper(void *arg)
{
	int fd = fds[(long)arg];
	int n = 0;
	while (!atomic_load(&stop) && n < 2000) {
		void *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED) {
			((volatile char *)p)[0]++;
			munmap(p, PG);
		}
		n++;
	}
	return NULL;
}

int main(void)
{
	pthread_t th[2];
	alarm(60); /* a deadlock fails the test instead of hanging it */
	for (int i = 0; i < 2; i++) {
		fds[i] = ub_map_create(BPF_MAP_TYPE_ARRAY, "fk", 4, 8, 16, BPF_F_MMAPABLE);
		CHECK(fds[i] >= 0, "create");
	}
	/* A long-lived writable mapping of map 0: every child gets a copy. */
	void *keep = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
	CHECK(keep != MAP_FAILED, "mmap");
	for (long i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, mapper, (void *)i);
	int forks = 0;
	for (int i = 0; i < 100; i++) {
		pid_t k = fork();
		if (k == 0)
			_exit(0);
		if (k > 0) {
			forks++;
			waitpid(k, NULL, 0);
		}
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	CHECK(forks == 100, "forks %d", forks);
	/* Map 0 still has our writable mapping: EBUSY; dead children do not count. */
	CHECK_RET(ub_map_freeze(fds[0]) < 0 ? -1 : 0, -1, EBUSY, "freeze with a mapping");
	munmap(keep, PG);
	CHECK_RET(ub_map_freeze(fds[0]) < 0 ? -1 : 0, 0, 0, "freeze after munmap");
	CHECK_RET(ub_map_freeze(fds[1]) < 0 ? -1 : 0, 0, 0, "freeze of the other map");
	/* A live child holding a copy blocks freeze until it exits. */
	int f = ub_map_create(BPF_MAP_TYPE_ARRAY, "fk2", 4, 8, 16, BPF_F_MMAPABLE);
	int pp[2];
	CHECK(pipe(pp) == 0, "pipe");
	void *q = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	pid_t k = fork();
	if (k == 0) {
		char c;
		close(pp[1]);
		(void)!read(pp[0], &c, 1);
		_exit(0);
	}
	close(pp[0]);
	munmap(q, PG);
	CHECK_RET(ub_map_freeze(f) < 0 ? -1 : 0, -1, EBUSY, "child holds a copy");
	close(pp[1]);
	waitpid(k, NULL, 0);
	CHECK_RET(ub_map_freeze(f) < 0 ? -1 : 0, 0, 0, "child gone");
	return T_DONE();
}

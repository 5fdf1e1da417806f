// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The fd table and object cache under threads: several threads create maps,
 * reopen them and each other's by id (MAP_GET_FD_BY_ID while the owner may be
 * closing), walk MAP_GET_NEXT_ID, dup and close, with fd numbers reused
 * between threads all the time, while another process walks the ids and opens
 * what it finds. Every fd must reach the map it was opened for (each map
 * stores its own id in element 1). Also run under ThreadSanitizer.
 */
#include "t.h"
#include "userbpf.h"
#include "tsan_mt.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#define NTHREADS 4
#define ROUNDS 250

struct thr {
	pthread_t tid;
	int t;
	int bad;          /* inconsistencies seen */
	int others_opened; /* other threads' maps opened by id */
	char why[200];
	pthread_barrier_t *start;
};

static void fail(struct thr *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct thr *t, const char *fmt, ...)
{
	if (!t->bad++) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(t->why, sizeof(t->why), fmt, ap);
		va_end(ap);
	}
}

static uint32_t map_id(int fd)
{
	struct bpf_map_info info;
	union bpf_attr a;
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)&info;
	return ub_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)) ? 0 : info.id;
}

static int fd_by_id(uint32_t id)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_id = id;
	return ub_bpf(BPF_MAP_GET_FD_BY_ID, &a, sizeof(a));
}

static int next_id(uint32_t start, uint32_t *next)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.start_id = start;
	int r = ub_bpf(BPF_MAP_GET_NEXT_ID, &a, sizeof(a));
	*next = a.next_id;
	return r;
}

/* Element 1 holds the map's id once its creator stored it: 0 or @id. */
static void check_is(struct thr *t, int fd, uint32_t id, const char *how)
{
	uint32_t k = 1;
	uint64_t v = ~0ull;
	if (ub_map_lookup_elem(fd, &k, &v, 0)) {
		fail(t, "%s: lookup on fd %d for id %u: %s", how, fd, id, strerror(errno));
		return;
	}
	if (v != 0 && v != id)
		fail(t, "%s: fd %d opened for id %u reaches map %llu", how, fd, id,
		     (unsigned long long)v);
	uint32_t got = map_id(fd);
	if (got != id)
		fail(t, "%s: fd %d opened for id %u has id %u", how, fd, id, got);
}

static void *thread_main(void *arg)
{
	struct thr *t = arg;
	pthread_barrier_wait(t->start);
	for (int r = 0; r < ROUNDS; r++) {
		int fd = ub_map_create(BPF_MAP_TYPE_ARRAY, "mt_obj", 4, 8, 2, 0);
		if (fd < 0) {
			fail(t, "create: %s", strerror(errno));
			continue;
		}
		uint32_t id = map_id(fd), k = 1;
		uint64_t v = id;
		if (!id || ub_map_update_elem(fd, &k, &v, 0))
			fail(t, "id %u / update: %s", id, strerror(errno));
		check_is(t, fd, id, "own fd");

		/* Reopen by id, dup, close the original: the others keep the map. */
		int fd2 = fd_by_id(id);
		if (fd2 < 0)
			fail(t, "get_fd_by_id(%u) of a live map: %s", id, strerror(errno));
		else
			check_is(t, fd2, id, "by id");
		int fd3 = dup(fd);
		close(fd);
		check_is(t, fd3, id, "dup after close");
		if (fd2 >= 0)
			close(fd2);

		/* Others' maps, which their owners may be closing right now. */
		uint32_t cur = r & 1 ? 0 : id, nx;
		for (int s = 0; s < 3 && next_id(cur, &nx) == 0; s++, cur = nx) {
			if (nx <= cur) {
				fail(t, "get_next_id(%u) gave %u", cur, nx);
				break;
			}
			int o = fd_by_id(nx);
			if (o < 0) {
				if (errno != ENOENT)
					fail(t, "get_fd_by_id(%u): %s", nx, strerror(errno));
				continue;
			}
			check_is(t, o, nx, "other by id");
			if (nx != id)
				t->others_opened++;
			close(o);
		}
		close(fd3);
	}
	return NULL;
}

/*
 * Another process (forked before the threads start) walks the ids and opens
 * every map it finds while the threads create and close theirs, until told
 * to stop: each fd must reach the map of its id, or the map is gone (ENOENT).
 * Exit status: 0, or 1 with the first inconsistency on stderr.
 */
static int walker(int stop_fd)
{
	struct thr t;
	memset(&t, 0, sizeof(t));
	int opened = 0;
	for (int round = 0; round < 100000; round++) {
		char c;
		if (read(stop_fd, &c, 1) == 1)
			break;
		uint32_t cur = 0, nx;
		while (next_id(cur, &nx) == 0) {
			if (nx <= cur) {
				fail(&t, "walker: get_next_id(%u) gave %u", cur, nx);
				break;
			}
			cur = nx;
			int o = fd_by_id(nx);
			if (o < 0) {
				if (errno != ENOENT)
					fail(&t, "walker: get_fd_by_id(%u): %s", nx, strerror(errno));
				continue;
			}
			check_is(&t, o, nx, "walker by id");
			opened++;
			close(o);
		}
	}
	if (t.bad)
		fprintf(stderr, "walker: %d inconsistencies, first: %s\n", t.bad, t.why);
	fprintf(stderr, "walker process opened %d maps by id\n", opened);
	return t.bad ? 1 : opened ? 0 : 2;
}

int main(void)
{
	pthread_barrier_t start;
	struct thr t[NTHREADS];
	int stop[2];

	CHECK(pipe2(stop, O_NONBLOCK) == 0, "pipe");
	fflush(NULL);
	pid_t wpid = fork();
	if (wpid == 0) {
		close(stop[1]);
		_exit(walker(stop[0]));
	}
	CHECK(wpid > 0, "fork: %s", strerror(errno));
	close(stop[0]);
	pthread_barrier_init(&start, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].t = i;
		t[i].start = &start;
		CHECK(pthread_create(&t[i].tid, NULL, thread_main, &t[i]) == 0, "thread %d", i);
	}
	int opened = 0;
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(t[i].tid, NULL);
		CHECK(t[i].bad == 0, "thread %d: %d inconsistencies, first: %s", i, t[i].bad,
		      t[i].why);
		opened += t[i].others_opened;
	}
	pthread_barrier_destroy(&start);
	CHECK(write(stop[1], "s", 1) == 1, "stop the walker");
	close(stop[1]);
	int st = 0;
	CHECK(wpid > 0 && waitpid(wpid, &st, 0) == wpid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "walker process status %#x (1: inconsistent fd, 2: opened nothing)", st);
	fprintf(stderr, "other threads' maps opened by id: %d\n", opened);
	CHECK(opened > 0, "the threads never reached each other's maps: the test proves little");

	/* Every fd is closed: no map is alive in the namespace any more. */
	uint32_t nx = 0;
	int r = next_id(0, &nx);
	CHECK(r == -1 && errno == ENOENT, "get_next_id(0) after all closed: %d (id %u) %s", r, nx,
	      strerror(errno));
	return T_DONE();
}

// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Concurrency on one mmapable ARRAY: threads of one process, a fork()ed child
 * and an unrelated process that received the fd over SCM_RIGHTS all do atomic
 * adds through mmap() and read-modify-write updates of their own elements
 * through ub_bpf(); the final counts are exact. Also run under ThreadSanitizer.
 */
#include "t.h"
#include "userbpf.h"
#include "tsan_mt.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "scm.h"

#define NELEM 64      /* u64 values, stride 8 */
#define NSHARED 8     /* elements 0..7: atomic counters everyone adds to */
#define OWN_BASE 16   /* elements 16..: 4 per worker, updated only by it */
#define OWN_PER 4
#define NTHREADS 4
#define ADDS 400000   /* atomic adds per worker, spread over the shared elements */
#define UPDATES 80000 /* ub_bpf lookup+update pairs per worker */

/* Worker ids: threads 0..3, fork child 4, fork parent 5, exec child 6, its peer 7. */
#define W_FORK_CHILD 4
#define W_FORK_PARENT 5
#define W_SCM_CHILD 6
#define W_SCM_PARENT 7
#define NWORKERS 8

/*
 * One worker's share: ADDS atomic increments through the mapping @p, and
 * UPDATES times: look up one of its own elements, check it holds what this
 * worker last stored, store it plus one. Returns the number of mismatches
 * (ub_bpf failures count too); @why gets the first.
 */
static int work(int fd, volatile uint64_t *p, int w, char *why, size_t whysz)
{
	uint64_t mine[OWN_PER] = { 0 };
	int bad = 0;
	for (int i = 0; i < ADDS; i++) {
		__atomic_fetch_add(&p[i % NSHARED], 1, __ATOMIC_RELAXED);
		if (i % (ADDS / UPDATES))
			continue;
		int j = (i / (ADDS / UPDATES)) % OWN_PER;
		uint32_t k = OWN_BASE + w * OWN_PER + j;
		uint64_t v = ~0ull;
		if (ub_map_lookup_elem(fd, &k, &v, 0) || v != mine[j]) {
			if (!bad++)
				snprintf(why, whysz, "worker %d elem %u: lookup %s, %llu want %llu", w, k,
					 strerror(errno), (unsigned long long)v,
					 (unsigned long long)mine[j]);
			continue;
		}
		v++;
		if (ub_map_update_elem(fd, &k, &v, BPF_EXIST)) {
			if (!bad++)
				snprintf(why, whysz, "worker %d elem %u: update %s", w, k,
					 strerror(errno));
			continue;
		}
		mine[j] = v;
	}
	return bad;
}

/* Each worker's own elements after a full run. */
static uint64_t own_expected(void)
{
	return UPDATES / OWN_PER;
}

struct thr {
	pthread_t tid;
	int fd, w, bad;
	volatile uint64_t *p;
	pthread_barrier_t *start;
	char why[160];
};

static void *thread_main(void *arg)
{
	struct thr *t = arg;
	pthread_barrier_wait(t->start);
	t->bad = work(t->fd, t->p, t->w, t->why, sizeof(t->why));
	return NULL;
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

static volatile uint64_t *map_mmap(int fd)
{
	void *p = mmap(NULL, NELEM * 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

/*
 * The exec()ed process: no memory shared with the parent but the socket.
 * It receives the map fd, checks it is the map with id @want_id, waits for
 * the go byte, works, and says "done" in its exit status.
 */
static int scm_child(int sock, uint32_t want_id)
{
	char why[160] = "";
	int fd = scm_recv_fd(sock, MSG_CMSG_CLOEXEC);
	if (fd < 0)
		return 10;
	if (!ub_is_object_fd(fd) || map_id(fd) != want_id)
		return 11;
	volatile uint64_t *p = map_mmap(fd);
	if (!p)
		return 12;
	char go;
	if (read(sock, &go, 1) != 1)
		return 13;
	int bad = work(fd, p, W_SCM_CHILD, why, sizeof(why));
	if (bad)
		fprintf(stderr, "scm child: %d bad: %s\n", bad, why);
	return bad ? 14 : 0;
}

/* Sum of the shared counters, and each own element, against the workers run. */
static void check_counts(int fd, volatile uint64_t *p, const int *workers, int nw,
			 const char *what)
{
	uint64_t want_each = (uint64_t)ADDS / NSHARED * nw;
	for (uint32_t k = 0; k < NSHARED; k++) {
		uint64_t v = 0;
		CHECK(ub_map_lookup_elem(fd, &k, &v, 0) == 0 && v == want_each,
		      "%s: shared elem %u = %llu, want %llu", what, k, (unsigned long long)v,
		      (unsigned long long)want_each);
		CHECK(p[k] == want_each, "%s: mapping of elem %u = %llu", what, k,
		      (unsigned long long)p[k]);
	}
	for (int i = 0; i < nw; i++)
		for (uint32_t j = 0; j < OWN_PER; j++) {
			uint32_t k = OWN_BASE + workers[i] * OWN_PER + j;
			uint64_t v = 0;
			CHECK(ub_map_lookup_elem(fd, &k, &v, 0) == 0 && v == own_expected(),
			      "%s: worker %d elem %u = %llu, want %llu", what, workers[i], k,
			      (unsigned long long)v, (unsigned long long)own_expected());
		}
}

static int new_map(void)
{
	return ub_map_create(BPF_MAP_TYPE_ARRAY, "mt_array", 4, 8, NELEM, BPF_F_MMAPABLE);
}

static void test_threads(void)
{
	int fd = new_map();
	CHECK(fd >= 0, "create: %s", strerror(errno));
	volatile uint64_t *p = fd >= 0 ? map_mmap(fd) : NULL;
	CHECK(p, "mmap: %s", strerror(errno));
	if (!p)
		return;
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, NTHREADS);
	struct thr t[NTHREADS];
	int workers[NTHREADS];
	for (int i = 0; i < NTHREADS; i++) {
		t[i] = (struct thr){ .fd = fd, .w = i, .p = p, .start = &start };
		workers[i] = i;
		CHECK(pthread_create(&t[i].tid, NULL, thread_main, &t[i]) == 0, "thread %d", i);
	}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(t[i].tid, NULL);
		CHECK(t[i].bad == 0, "thread %d: %d bad ops, first: %s", i, t[i].bad, t[i].why);
	}
	pthread_barrier_destroy(&start);
	check_counts(fd, p, workers, NTHREADS, "threads");
	munmap((void *)p, NELEM * 8);
	close(fd);
}

/* Parent and fork()ed child: the child uses the inherited fd and a fresh mapping. */
static void test_fork(void)
{
	int fd = new_map();
	CHECK(fd >= 0, "create: %s", strerror(errno));
	volatile uint64_t *p = fd >= 0 ? map_mmap(fd) : NULL;
	CHECK(p, "mmap: %s", strerror(errno));
	if (!p)
		return;
	int go[2];
	CHECK(pipe(go) == 0, "pipe");
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char why[160] = "", c;
		close(go[1]);
		volatile uint64_t *q = map_mmap(fd);
		if (!q || read(go[0], &c, 1) != 1)
			_exit(20);
		int bad = work(fd, q, W_FORK_CHILD, why, sizeof(why));
		if (bad)
			fprintf(stderr, "fork child: %d bad: %s\n", bad, why);
		_exit(bad ? 21 : 0);
	}
	CHECK(pid > 0, "fork: %s", strerror(errno));
	close(go[0]);
	char why[160] = "";
	CHECK(write(go[1], "g", 1) == 1, "go");
	close(go[1]);
	int bad = work(fd, p, W_FORK_PARENT, why, sizeof(why));
	CHECK(bad == 0, "fork parent: %d bad, first: %s", bad, why);
	int st = 0;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "fork child status %#x", st);
	int workers[2] = { W_FORK_CHILD, W_FORK_PARENT };
	check_counts(fd, p, workers, 2, "fork");
	munmap((void *)p, NELEM * 8);
	close(fd);
}

/* An unrelated process (exec()ed) gets the fd only through SCM_RIGHTS. */
static void test_scm(void)
{
	int fd = new_map();
	CHECK(fd >= 0, "create: %s", strerror(errno));
	volatile uint64_t *p = fd >= 0 ? map_mmap(fd) : NULL;
	CHECK(p, "mmap: %s", strerror(errno));
	if (!p)
		return;
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	char sock[16], id[16];
	snprintf(sock, sizeof(sock), "%d", sv[1]);
	snprintf(id, sizeof(id), "%u", map_id(fd));
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		/* Only the socket crosses exec: the map fd is close-on-exec. */
		close(sv[0]);
		execl("/proc/self/exe", "array_mt", "scm-child", sock, id, (char *)NULL);
		_exit(127);
	}
	CHECK(pid > 0, "fork: %s", strerror(errno));
	close(sv[1]);
	CHECK(scm_send_fd(sv[0], fd) == 1, "send fd: %s", strerror(errno));
	CHECK(write(sv[0], "g", 1) == 1, "go");
	char why[160] = "";
	int bad = work(fd, p, W_SCM_PARENT, why, sizeof(why));
	CHECK(bad == 0, "scm parent: %d bad, first: %s", bad, why);
	int st = 0;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "scm child status %#x", st);
	close(sv[0]);
	int workers[2] = { W_SCM_CHILD, W_SCM_PARENT };
	check_counts(fd, p, workers, 2, "scm");
	munmap((void *)p, NELEM * 8);
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "scm-child"))
		return scm_child(atoi(argv[2]), (uint32_t)strtoul(argv[3], NULL, 10));
	_Static_assert(NWORKERS * OWN_PER + OWN_BASE <= NELEM, "elements for every worker");
	_Static_assert(ADDS % NSHARED == 0 && ADDS % UPDATES == 0, "exact counts");
	/* Processes first, while this one has a single thread (fork + TSan). */
	test_fork();
	test_scm();
	test_threads();
	return T_DONE();
}

// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * MAP_FREEZE racing writable mmap()s from other threads, on the kernel and on
 * userbpf: freeze succeeds only while no writable mapping exists (EBUSY
 * otherwise), every writable mmap() after it fails with EPERM, and so no
 * write through a mapping can land after the freeze. Also run under
 * ThreadSanitizer.
 */
#include "t.h"
#include "userbpf.h"
#include "tsan_mt.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NMAPPERS 3
#define MAP_ROUNDS 3000   /* each mapper's mmap attempts at most */
#define FREEZE_TRIES 200000 /* freeze attempts at most (EBUSY while mapped) */
#define START_AFTER 30      /* writable mappings made before the freezer starts */

/* One side of the comparison: the kernel or userbpf. */
struct side {
	const char *name;
	int (*bpf)(int cmd, union bpf_attr *attr, unsigned int size);
};

static int kernel_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	return (int)syscall(__NR_bpf, cmd, attr, size);
}

static int userbpf_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	return ub_bpf(cmd, attr, size);
}

struct mapper {
	pthread_t tid;
	int fd;
	atomic_int *frozen; /* set by the freezer once MAP_FREEZE returned 0 */
	atomic_int *progress; /* writable mappings made by all mappers */
	int mapped;         /* writable mappings made */
	int after;          /* writable mmap() attempts after the freeze */
	int late_ok;        /* ... that succeeded: must be 0 */
	int other_err;      /* errno other than EPERM from a writable mmap() */
	int last_errno;
};

/*
 * Map writable, bump element 0 through the mapping, unmap; until a few
 * attempts after the freeze was seen or the rounds run out.
 */
static void *mapper_main(void *arg)
{
	struct mapper *m = arg;
	for (int r = 0; r < MAP_ROUNDS && m->after < 20; r++) {
		int was_frozen = atomic_load(m->frozen);
		volatile uint64_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
		if (p == MAP_FAILED) {
			if (errno != EPERM) {
				m->other_err++;
				m->last_errno = errno;
			}
			if (was_frozen)
				m->after++;
			continue;
		}
		if (was_frozen) {
			m->after++;
			m->late_ok++;
		}
		m->mapped++;
		atomic_fetch_add(m->progress, 1);
		__atomic_fetch_add(&p[0], 1, __ATOMIC_RELAXED);
		munmap((void *)p, 4096);
	}
	return NULL;
}

static int map_create(const struct side *s)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 4;
	a.map_flags = BPF_F_MMAPABLE;
	return s->bpf(BPF_MAP_CREATE, &a, sizeof(a));
}

static int lookup0(const struct side *s, int fd, uint64_t *v)
{
	uint32_t k = 0;
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uintptr_t)&k;
	a.value = (uintptr_t)v;
	return s->bpf(BPF_MAP_LOOKUP_ELEM, &a, sizeof(a));
}

static void run_side(const struct side *s)
{
	int fd = map_create(s);
	CHECK(fd >= 0, "%s: create: %s", s->name, strerror(errno));
	if (fd < 0)
		return;
	atomic_int frozen = 0, progress = 0;
	struct mapper m[NMAPPERS];
	for (int i = 0; i < NMAPPERS; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		m[i].fd = fd;
		m[i].frozen = &frozen;
		m[i].progress = &progress;
		CHECK(pthread_create(&m[i].tid, NULL, mapper_main, &m[i]) == 0, "thread");
	}

	/* Once the mappers are going, freeze while they come and go: EBUSY until a gap. */
	for (int i = 0; i < 1000000 && atomic_load(&progress) < START_AFTER; i++)
		sched_yield();
	int busy = 0, r = -1, other = 0;
	union bpf_attr a;
	for (int i = 0; i < FREEZE_TRIES; i++) {
		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)fd;
		r = s->bpf(BPF_MAP_FREEZE, &a, sizeof(a));
		if (r == 0)
			break;
		if (errno == EBUSY)
			busy++;
		else
			other++;
	}
	uint64_t v1 = 0, v2 = 0;
	CHECK(r == 0, "%s: freeze never succeeded (%d EBUSY, %d other errors)", s->name, busy,
	      other);
	CHECK(other == 0, "%s: freeze failed %d times with an errno other than EBUSY", s->name,
	      other);
	CHECK(lookup0(s, fd, &v1) == 0, "%s: lookup: %s", s->name, strerror(errno));
	atomic_store(&frozen, 1);

	int mapped = 0;
	for (int i = 0; i < NMAPPERS; i++) {
		pthread_join(m[i].tid, NULL);
		mapped += m[i].mapped;
		CHECK(m[i].late_ok == 0, "%s: mapper %d: %d writable mmap()s succeeded after the "
					 "freeze", s->name, i, m[i].late_ok);
		CHECK(m[i].other_err == 0, "%s: mapper %d: %d writable mmap()s failed with %s, not "
					   "EPERM", s->name, i, m[i].other_err,
		      strerror(m[i].last_errno));
	}
	/* No mapping outlived the freeze, so no write landed after it. */
	CHECK(lookup0(s, fd, &v2) == 0 && v2 == v1, "%s: element 0 was %llu at the freeze, %llu "
						     "after the mappers stopped", s->name,
	      (unsigned long long)v1, (unsigned long long)v2);
	/* Every write made through a mapping before the freeze is there. */
	CHECK(v1 == (uint64_t)mapped, "%s: element 0 = %llu, %d mapped increments", s->name,
	      (unsigned long long)v1, mapped);
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(ro != MAP_FAILED, "%s: read-only mmap of the frozen map: %s", s->name,
	      strerror(errno));
	if (ro != MAP_FAILED)
		munmap(ro, 4096);
	fprintf(stderr, "%s: %d writable mappings, %d EBUSY freezes before it succeeded\n",
		s->name, mapped, busy);
	close(fd);
}

int main(void)
{
	static const struct side kernel = { "kernel", kernel_bpf };
	static const struct side userbpf = { "userbpf", userbpf_bpf };
	int fd = map_create(&kernel);
	if (fd >= 0) {
		close(fd);
		run_side(&kernel);
	} else {
		fprintf(stderr, "kernel bpf() unavailable (%s): userbpf only\n", strerror(errno));
	}
	run_side(&userbpf);
	return T_DONE();
}

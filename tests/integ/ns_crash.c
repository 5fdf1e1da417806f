// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Crash safety across processes: writer processes are SIGKILLed at random
 * instants, 200 times, while they update elements, take a map's robust
 * freeze mutex (freeze with a writable mapping: EBUSY) and, when BTF is
 * available, its bpf_spin_lock (BPF_F_LOCK updates). Afterwards every map
 * is readable, every value is whole, every value a writer reported as
 * written is there, no lock is left held, and two survivor processes that
 * ran all along lost none of their __atomic_fetch_add()s through mmap.
 */
#include "t.h"
#include "userbpf.h"

#include <bpf/btf.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KILLS 200
#define WRITERS 3
#define SLOTS 32
#define SURVIVORS 2
#define ADDS 200000
#define COUNTER_KEY 63

struct shared {
	uint64_t progress[SLOTS]; /* last seq a writer saw its update return for */
	uint64_t lock_progress[SLOTS];
};

static int vmap, fmap, lmap = -1;
static uint64_t *counter_page;
static struct shared *sh;

static uint64_t pattern(uint64_t seq)
{
	return (seq << 32) | (seq & 0xffffffffu);
}

static bool whole(uint64_t v)
{
	return (v >> 32) == (v & 0xffffffffu);
}

/* A BTF-described map whose value holds a bpf_spin_lock: {lock, a, b}. */
static int make_lock_map(void)
{
	struct btf *btf = btf__new_empty();
	if (!btf)
		return -1;
	int i32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	int lk = btf__add_struct(btf, "bpf_spin_lock", 4);
	btf__add_field(btf, "val", i32, 0, 0);
	int val = btf__add_struct(btf, "val", 12);
	btf__add_field(btf, "lock", lk, 0, 0);
	btf__add_field(btf, "a", i32, 32, 0);
	btf__add_field(btf, "b", i32, 64, 0);
	__u32 size;
	const void *raw = btf__raw_data(btf, &size);
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.btf = (unsigned long)raw;
	a.btf_size = size;
	int bfd = ub_bpf(BPF_BTF_LOAD, &a, sizeof(a));
	btf__free(btf);
	if (bfd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 12;
	a.max_entries = SLOTS;
	a.btf_fd = (unsigned)bfd;
	a.btf_key_type_id = (unsigned)i32;
	a.btf_value_type_id = (unsigned)val;
	int fd = ub_bpf(BPF_MAP_CREATE, &a, sizeof(a));
	close(bfd);
	return fd;
}

static void writer(unsigned slot)
{
	void *fm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fmap, 0);
	for (uint64_t seq = sh->progress[slot] + 1;; seq++) {
		uint64_t v = pattern(seq);
		if (ub_map_update_elem(vmap, &slot, &v, 0))
			_exit(3);
		__atomic_store_n(&sh->progress[slot], seq, __ATOMIC_RELEASE);
		/* The freeze mutex: always EBUSY while we hold a writable mapping. */
		if (fm != MAP_FAILED && ub_map_freeze(fmap) != -EBUSY)
			_exit(4);
		if (lmap >= 0) {
			uint32_t lv[3] = {0, (uint32_t)seq, (uint32_t)seq};
			if (ub_map_update_elem(lmap, &slot, lv, BPF_F_LOCK))
				_exit(5);
			__atomic_store_n(&sh->lock_progress[slot], seq, __ATOMIC_RELEASE);
		}
	}
}

static void survivor(void)
{
	int bad = 0;
	for (int i = 0; i < ADDS; i++) {
		__atomic_fetch_add(&counter_page[COUNTER_KEY], 1, __ATOMIC_RELAXED);
		if (i % 1000 == 0) {
			/* Meanwhile the maps stay readable and whole. */
			unsigned slot = (unsigned)(i / 1000) % SLOTS;
			uint64_t v;
			if (ub_map_lookup_elem(vmap, &slot, &v, 0) || !whole(v))
				bad++;
			uint32_t lv[3];
			if (lmap >= 0 &&
			    (ub_map_lookup_elem(lmap, &slot, lv, BPF_F_LOCK) || lv[1] != lv[2]))
				bad++;
		}
	}
	_exit(bad ? 1 : 0);
}

int main(void)
{
	alarm(60); /* a lock left held would hang: fail instead */
	vmap = ub_map_create(BPF_MAP_TYPE_ARRAY, "crash_vals", 4, 8, 64, BPF_F_MMAPABLE);
	fmap = ub_map_create(BPF_MAP_TYPE_ARRAY, "crash_frz", 4, 8, 1, BPF_F_MMAPABLE);
	CHECK(vmap >= 0 && fmap >= 0, "create maps");
	lmap = make_lock_map();
	if (lmap < 0)
		SKIP("no BTF_LOAD yet: the bpf_spin_lock part is not exercised");
	counter_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vmap, 0);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(counter_page != MAP_FAILED && sh != MAP_FAILED, "mappings");
	if (counter_page == MAP_FAILED || sh == MAP_FAILED)
		return T_DONE();

	pid_t surv[SURVIVORS];
	for (int i = 0; i < SURVIVORS; i++)
		if ((surv[i] = fork()) == 0)
			survivor();

	pid_t w[WRITERS] = {0};
	unsigned wslot[WRITERS] = {0};
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int kills = 0, bad_exits = 0;
	for (unsigned n = 0; kills < KILLS; n++) {
		int i = (int)(n % WRITERS);
		if (!w[i]) {
			wslot[i] = n % SLOTS;
			if ((w[i] = fork()) == 0)
				writer(wslot[i]);
		}
		struct timespec d = {0, (long)(rand() % 1500) * 1000};
		nanosleep(&d, NULL);
		int victim = rand() % WRITERS;
		if (!w[victim])
			continue;
		kill(w[victim], SIGKILL);
		int st;
		waitpid(w[victim], &st, 0);
		if (!(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL))
			bad_exits++; /* the writer found an error and exited */
		w[victim] = 0;
		kills++;
	}
	for (int i = 0; i < WRITERS; i++)
		if (w[i]) {
			kill(w[i], SIGKILL);
			waitpid(w[i], NULL, 0);
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(bad_exits == 0, "writers saw no error before being killed (%d did)", bad_exits);

	for (int i = 0; i < SURVIVORS; i++) {
		int st;
		waitpid(surv[i], &st, 0);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "survivor %d carried on and always read whole values", i);
	}
	CHECK(counter_page[COUNTER_KEY] == (uint64_t)SURVIVORS * ADDS,
	      "no atomic add lost: %llu, want %llu", (unsigned long long)counter_page[COUNTER_KEY],
	      (unsigned long long)SURVIVORS * ADDS);

	int lost = 0, torn = 0;
	for (unsigned s = 0; s < SLOTS; s++) {
		uint64_t v = 0;
		if (ub_map_lookup_elem(vmap, &s, &v, 0)) {
			torn++;
			continue;
		}
		if (!whole(v))
			torn++;
		else if ((v & 0xffffffffu) < sh->progress[s])
			lost++;
		if (lmap >= 0) {
			uint32_t lv[3];
			if (ub_map_lookup_elem(lmap, &s, lv, BPF_F_LOCK) || lv[1] != lv[2])
				torn++;
			else if (lv[1] < (uint32_t)sh->lock_progress[s])
				lost++;
		}
	}
	CHECK(torn == 0, "every value readable and whole after %d kills (%d not)", kills, torn);
	CHECK(lost == 0, "every completed update is there (%d lost)", lost);
	if (lmap >= 0) {
		uint32_t lv[3] = {0, 7, 7};
		unsigned s = 0;
		CHECK(ub_map_update_elem(lmap, &s, lv, BPF_F_LOCK) == 0,
		      "the spin lock is free (a dead owner's lock is taken over)");
	}
	CHECK(ub_map_freeze(fmap) == 0, "the freeze mutex is free and dead writers' mappings "
					"no longer count");
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "%d kills in %.2f s\n", kills, secs);
	CHECK(secs < 10, "bounded: %.2f s", secs);
	return T_DONE();
}

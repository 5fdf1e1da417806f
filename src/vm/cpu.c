// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* CPU slots: a running program owns one exclusively, across the namespace. */
#include "vm/vm.h"
#include "sys/raw.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * $ROOT/cpus holds one lock word per possible CPU, a cache line apart. A run
 * takes a free slot (its thread's own first, then any) and holds it to the
 * end, so per-CPU values see one writer at a time, as on a kernel CPU with
 * preemption off. The word holds the owner's pid: a slot whose owner died
 * is taken over (ub_spin_lock).
 */
#define SLOT_STRIDE 16 /* u32s: 64 bytes */

static u32 *slots;
static u32 nslots;
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;
static atomic_uint next_pref;
static __thread u32 pref = UINT32_MAX;
static u32 fallback[256 * SLOT_STRIDE]; /* if the file cannot be had */

static void slots_init(void)
{
	char path[4200];
	nslots = (u32)ub_possible_cpus();
	size_t len = round_up((size_t)nslots * SLOT_STRIDE * 4, UB_PAGE_SIZE);
	snprintf(path, sizeof(path), "%s/cpus", ub_ns_root());
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (ftruncate(fd, (off_t)len) == 0) {
			long p = ub_raw_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (!ub_raw_is_err(p))
				slots = (u32 *)p;
		}
		close(fd);
	}
	if (!slots) {
		slots = fallback;
		if (nslots > 256)
			nslots = 256;
	}
}

u32 ub_cpu_acquire(void)
{
	pthread_once(&slots_once, slots_init);
	if (pref == UINT32_MAX)
		pref = atomic_fetch_add(&next_pref, 1) % nslots;
	u32 me = (u32)getpid();
	for (u32 i = 0; i < nslots; i++) {
		u32 c = (pref + i) % nslots, expected = 0;
		if (__atomic_compare_exchange_n(&slots[c * SLOT_STRIDE], &expected, me, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return c;
	}
	/* All busy: wait for our own (a dead owner's slot is taken over). */
	ub_spin_lock(&slots[pref * SLOT_STRIDE]);
	return pref;
}

void ub_cpu_release(u32 cpu)
{
	ub_spin_unlock(&slots[cpu * SLOT_STRIDE]);
}

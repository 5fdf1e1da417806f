// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * CHECK_ATTR's tail check, ub_attr_tail_nonzero(): every range within the
 * union, every non-zero byte in and around it, the range ending at a
 * PROT_NONE page so that a load past it faults. Then the same through
 * ub_bpf()'s fast paths: for every size from a command's boundary to the
 * whole union, and every byte past the boundary, a non-zero byte gives EINVAL
 * exactly when it lies below the size; through ub_bpf() and the preload
 * hook's entry, which instantiate the path separately.
 */
#include "t.h"
#include "userbpf.h"
#include "sys/attr.h"

#include <linux/bpf.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#define ATTR_MAX 168 /* the 6.18 union */

long ub_bpf_syscall(long nr, long cmd, long attr, long size); /* hidden in the library */

static uint8_t *guard_end; /* the first byte of the PROT_NONE page */

static uint32_t key = 1, next;
static uint64_t value;

/*
 * @cmd on map @map through ub_bpf() (@via 0) or the hook's entry (1), with
 * an attr of @size bytes whose fields up to @end are valid and whose byte
 * @at (if below @size) is non-zero. 0 or -errno.
 */
static long call(int via, int cmd, unsigned end, uint32_t map, unsigned size, unsigned at)
{
	/*
	 * 8-byte aligned, as a union bpf_attr is (the element commands read it
	 * in place): up to 7 bytes from the guard page. The helper's test ends
	 * its ranges at the page itself.
	 */
	uint8_t *a = guard_end - ((size + 7) & ~7u);
	uint64_t k = (uintptr_t)&key,
		 v = (uintptr_t)(cmd == BPF_MAP_GET_NEXT_KEY ? (void *)&next : (void *)&value);
	memset(a, 0, size);
	memcpy(a, &map, 4);
	if (end >= 16)
		memcpy(a + 8, &k, 8);
	if (end >= 24)
		memcpy(a + 16, &v, 8);
	if (at < size)
		a[at] = (uint8_t)(0x80 >> (at % 8));
	errno = 0;
	long r = via ? ub_bpf_syscall(0, cmd, (long)(uintptr_t)a, size)
		     : ub_bpf(cmd, (union bpf_attr *)a, size);
	return r < 0 ? -errno : r;
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *mem =
	    mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED, "mmap");
	if (mem == MAP_FAILED)
		return T_DONE();
	CHECK(mprotect(mem + page, page, PROT_NONE) == 0, "guard page");
	guard_end = mem + page;

	/* The helper alone: [from, to) ends at the guard page; bytes around it count iff inside. */
	long wrong = 0, checks = 0;
	for (unsigned to = 1; to <= ATTR_MAX; to++) {
		uint8_t *a = guard_end - to;
		memset(a, 0, to);
		for (unsigned from = 0; from < to; from++) {
			checks++;
			wrong += ub_attr_tail_nonzero(a, from, to) != 0;
			for (unsigned at = 0; at < to; at++) {
				a[at] = (uint8_t)(1u << (at % 8));
				checks++;
				wrong += (ub_attr_tail_nonzero(a, from, to) != 0) != (at >= from);
				a[at] = 0;
			}
		}
	}
	CHECK(wrong == 0, "%ld of %ld ranges answered wrongly", wrong, checks);

	int fd = ub_map_create(BPF_MAP_TYPE_ARRAY, "tail", 4, 8, 4, 0);
	int frozen = ub_map_create(BPF_MAP_TYPE_ARRAY, "tailf", 4, 8, 4, 0);
	CHECK(fd >= 0 && frozen >= 0, "create: %d %d", fd, frozen);
	CHECK(ub_map_freeze(frozen) == 0, "freeze");

	static const struct {
		int cmd;
		unsigned end; /* the command's CHECK_ATTR boundary */
		int ok;	      /* what a zero tail gives: 0, or -errno */
	} cmds[] = {
	    {BPF_MAP_LOOKUP_ELEM, 32, 0},
	    {BPF_MAP_UPDATE_ELEM, 32, 0},
	    {BPF_MAP_GET_NEXT_KEY, 24, 0},
	    {BPF_MAP_LOOKUP_AND_DELETE_ELEM, 32, -524}, /* ENOTSUPP on arrays; attr copied */
	    {BPF_MAP_FREEZE, 4, -EPERM},		/* a second freeze */
	};
	long bad = 0, calls = 0;
	for (int via = 0; via < 2; via++) {
		for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
			int cmd = cmds[c].cmd;
			unsigned end = cmds[c].end;
			uint32_t map = cmd == BPF_MAP_FREEZE ? (uint32_t)frozen : (uint32_t)fd;
			for (unsigned size = end; size <= ATTR_MAX; size++) {
				/* at == size: no byte set, the zero tail. */
				for (unsigned at = end; at <= size; at++) {
					long got = call(via, cmd, end, map, size, at);
					long want = at < size ? -EINVAL : cmds[c].ok;
					calls++;
					if (got != want && bad++ < 10)
						fprintf(stderr,
							"via %d cmd %d size %u byte %u: got %ld\n",
							via, cmd, size, at, got);
				}
			}
		}
	}
	CHECK(bad == 0, "%ld of %ld calls answered wrongly", bad, calls);
	return T_DONE();
}

// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The interpreter: threaded (computed goto) and switch engines, each trusted
 * (verified programs) and checked (raw programs, USERBPF_VM_CHECKED=1), from
 * the same bodies.
 */
#include "vm/vm.h"

#include <stdlib.h>

/* Threaded dispatch: keep one indirect jump per body (GCC manual, -fgcse). */
#pragma GCC optimize("no-gcse")

/* Signed division as the kernel defines it: by 0 gives 0, by -1 negates (wrapping). */
static inline u64 sdiv64(u64 a, u64 b)
{
	if (b == 0)
		return 0;
	if ((s64)b == -1)
		return -a;
	return (u64)((s64)a / (s64)b);
}

/* Signed modulo: by 0 leaves the dividend, by -1 gives 0. */
static inline u64 smod64(u64 a, u64 b)
{
	if (b == 0)
		return a;
	if ((s64)b == -1)
		return 0;
	return (u64)((s64)a % (s64)b);
}

static inline u64 sdiv32(u32 a, u32 b)
{
	if (b == 0)
		return 0;
	if ((s32)b == -1)
		return (u32)-a;
	return (u32)((s32)a / (s32)b);
}

static inline u64 smod32(u32 a, u32 b)
{
	if (b == 0)
		return a;
	if ((s32)b == -1)
		return 0;
	return (u32)((s32)a % (s32)b);
}

static inline u64 load_be32(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | p[3];
}

static inline u64 load_be16(const u8 *p)
{
	return ((u32)p[0] << 8) | p[1];
}

static inline u64 load_u8(const u8 *p)
{
	return *p;
}

/* Each inclusion defines one engine and undefines its parameters. */
#define UB_EXEC_NAME ub_vm_exec_threaded
#define UB_THREADED 1
#define UB_CHECKED 0
#include "vm/interp_body.h"

#define UB_EXEC_NAME ub_vm_exec_switch
#define UB_THREADED 0
#define UB_CHECKED 0
#include "vm/interp_body.h"

#define UB_EXEC_NAME ub_vm_exec_threaded_checked
#define UB_THREADED 1
#define UB_CHECKED 1
#include "vm/interp_body.h"

#define UB_EXEC_NAME ub_vm_exec_switch_checked
#define UB_THREADED 0
#define UB_CHECKED 1
#include "vm/interp_body.h"

bool ub_vm_checked_env(void)
{
	/* -1: not read yet. Racing first readers store the same answer. */
	static int checked = -1;
	int c = __atomic_load_n(&checked, __ATOMIC_RELAXED);
	if (c < 0) {
		const char *e = getenv("USERBPF_VM_CHECKED");
		c = e && *e && strcmp(e, "0") != 0;
		__atomic_store_n(&checked, c, __ATOMIC_RELAXED);
	}
	return c;
}

void ub_run_add_region(struct ub_run *run, const void *p, u64 len, bool wr)
{
	if (run->nregions >= UB_MAX_REGIONS)
		return;
	run->regions[run->nregions++] =
		(struct ub_region){.lo = (uintptr_t)p, .hi = (uintptr_t)p + len, .writable = wr};
}

// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Helpers programs call: the registry (one line each) and their bodies. */
#include "vm/vm.h"
#include "vm/ctx.h"

#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

/*
 * Pointer arguments are re-checked in checked runs only: in a trusted run the
 * verifier proved them (do_helper() in walk.c, against the same argument
 * kinds). Argument values the kernel checks at run time (flags, sizes, CPU
 * numbers) are checked by the helpers in both.
 */

/* Reject the call's memory argument unless the run may touch it. */
static bool arg_mem(struct ub_run *run, u64 p, u64 size, bool wr)
{
	if (!run->checked || likely(ub_run_mem_ok(run, p, size, wr)))
		return true;
	run->fault = -EFAULT;
	return false;
}

/* The map behind a map argument: one the program uses, or the run faults. */
static struct ub_map *arg_map(struct ub_run *run, u64 r)
{
	struct ub_prog *prog = run->prog;
	if (!run->checked)
		return u64_to_ptr(r);
	if (prog)
		for (u32 i = 0; i < prog->nr_maps; i++)
			if ((uintptr_t)prog->maps[i] == r)
				return prog->maps[i];
	run->fault = -EFAULT;
	return NULL;
}

static u64 h_map_lookup_elem(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)r3, (void)r4, (void)r5;
	struct ub_map *map = arg_map(run, r1);
	if (!map || !arg_mem(run, r2, map->key_size, false))
		return 0;
	return (u64)(uintptr_t)map->ops->lookup(map, u64_to_ptr(r2), run->cpu);
}

static u64 h_map_update_elem(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)r5;
	struct ub_map *map = arg_map(run, r1);
	if (!map || !arg_mem(run, r2, map->key_size, false) ||
	    !arg_mem(run, r3, map->value_size, false))
		return 0;
	/* Only the element flags are allowed from programs. */
	if (r4 > BPF_F_LOCK)
		return (u64)-EINVAL;
	if ((r4 & BPF_F_LOCK) && map->spin_lock_off < 0)
		return (u64)-EINVAL;
	if ((r4 & (BPF_NOEXIST | BPF_EXIST)) == (BPF_NOEXIST | BPF_EXIST))
		return (u64)-EINVAL;
	return (u64)(s64)map->ops->update(map, u64_to_ptr(r2), u64_to_ptr(r3), r4, run->cpu);
}

static u64 h_map_delete_elem(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)r3, (void)r4, (void)r5;
	struct ub_map *map = arg_map(run, r1);
	if (!map || !arg_mem(run, r2, map->key_size, false))
		return 0;
	return (u64)(s64)map->ops->delete(map, u64_to_ptr(r2));
}

static u64 h_map_lookup_percpu_elem(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)r4, (void)r5;
	struct ub_map *map = arg_map(run, r1);
	if (!map || !arg_mem(run, r2, map->key_size, false))
		return 0;
	/* A CPU that does not exist has no slot. */
	if (r3 >= (u64)ub_possible_cpus())
		return 0;
	return (u64)(uintptr_t)map->ops->lookup(map, u64_to_ptr(r2), (u32)r3);
}

static u64 clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

static u64 h_ktime_get_ns(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)run, (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
	return clock_ns(CLOCK_MONOTONIC);
}

static u64 h_ktime_get_boot_ns(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)run, (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
	return clock_ns(CLOCK_BOOTTIME);
}

static u64 h_ktime_get_coarse_ns(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)run, (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
	return clock_ns(CLOCK_MONOTONIC_COARSE);
}

static u64 h_get_prandom_u32(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)run, (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
	static __thread u64 state;
	if (!state)
		state = clock_ns(CLOCK_MONOTONIC) ^ ((u64)(uintptr_t)&state << 16) ^ 0x9e3779b97f4a7c15ull;
	/* xorshift64*: fast, per thread, not for cryptography (neither is the kernel's). */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (u32)((state * 0x2545f4914f6cdd1dull) >> 32);
}

static u64 h_get_smp_processor_id(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
	return run->cpu;
}

/*
 * bpf_trace_printk: the kernel's restricted format (%d %i %u %x %X %ld %lu %lx
 * %lld %llu %llx %p %c %%; at most three arguments), one line appended to
 * $USERBPF_ROOT/trace_pipe in the kernel's trace format.
 */
static u64 h_trace_printk(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	if (!arg_mem(run, r1, r2, false))
		return 0;
	const char *fmt = u64_to_ptr(r1);
	u64 args[3] = {r3, r4, r5};
	char out[512];
	size_t n = 0;
	int ai = 0;
	/* The format must be NUL-terminated within its size. */
	if (r2 == 0 || fmt[r2 - 1] != '\0')
		return (u64)-EINVAL;
	for (const char *p = fmt; *p && n < sizeof(out) - 1; p++) {
		if (*p != '%') {
			out[n++] = *p;
			continue;
		}
		p++;
		if (*p == '%') {
			out[n++] = '%';
			continue;
		}
		int longs = 0;
		while (*p == 'l' && longs < 2) {
			longs++;
			p++;
		}
		if (ai >= 3)
			return (u64)-EINVAL;
		u64 v = args[ai++];
		char tmp[64];
		switch (*p) {
		case 'd':
		case 'i':
			snprintf(tmp, sizeof(tmp), "%lld", longs ? (long long)v : (long long)(s32)v);
			break;
		case 'u':
			snprintf(tmp, sizeof(tmp), "%llu", longs ? (unsigned long long)v
								 : (unsigned long long)(u32)v);
			break;
		case 'x':
		case 'X':
			snprintf(tmp, sizeof(tmp), *p == 'x' ? "%llx" : "%llX",
				 longs ? (unsigned long long)v : (unsigned long long)(u32)v);
			break;
		case 'p':
			snprintf(tmp, sizeof(tmp), "%016llx", (unsigned long long)v);
			break;
		case 'c':
			snprintf(tmp, sizeof(tmp), "%c", (char)v);
			break;
		default:
			/* An unsupported conversion fails the call, as in the kernel. */
			return (u64)-EINVAL;
		}
		for (char *t = tmp; *t && n < sizeof(out) - 1; t++)
			out[n++] = *t;
	}
	out[n] = '\0';

	char path[4200], line[700];
	snprintf(path, sizeof(path), "%s/trace_pipe", ub_ns_root());
	u64 ns = clock_ns(CLOCK_MONOTONIC);
	int len = snprintf(line, sizeof(line), "%16s-%-7d [%03u] ..... %6llu.%06llu: bpf_trace_printk: %s%s",
			   "userbpf", (int)getpid(), run->cpu,
			   (unsigned long long)(ns / 1000000000ull),
			   (unsigned long long)(ns % 1000000000ull / 1000), out,
			   n && out[n - 1] == '\n' ? "" : "\n");
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		ssize_t w = write(fd, line, (size_t)len);
		(void)w;
		close(fd);
	}
	return n;
}

/*
 * What a callback may touch besides its own stack, for checked runs: the
 * caller's stack (the callback context lives there) and @key. Returns the
 * region count to restore afterwards.
 */
static u32 cb_regions(struct ub_run *run, const void *key, u32 key_size)
{
	u32 saved = run->nregions;
	if (run->checked) {
		ub_run_add_region(run, (void *)run->stack_lo, run->stack_hi - run->stack_lo, true);
		if (key)
			ub_run_add_region(run, key, key_size, false);
	}
	return saved;
}

/*
 * bpf_for_each_map_elem(map, callback, ctx, flags): call the BPF function
 * callback(map, &key, &value, ctx) for each element until it returns 1.
 * Returns the number of elements visited.
 */
static u64 h_for_each_map_elem(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)r5;
	struct ub_map *map = arg_map(run, r1);
	if (!map)
		return 0;
	if (r4)
		return (u64)-EINVAL;
	if (run->depth >= 8) {
		run->fault = -EFAULT;
		return 0;
	}
	u8 key[512] __attribute__((aligned(8))), next[512] __attribute__((aligned(8)));
	if (map->key_size > sizeof(key))
		return (u64)-EINVAL;
	u32 saved_regions = cb_regions(run, key, map->key_size);
	u64 visited = 0;
	void *prev = NULL;
	run->depth++;
	while (map->ops->get_next_key(map, prev, next) == 0) {
		memcpy(key, next, map->key_size);
		prev = key;
		void *val = map->ops->lookup(map, key, run->cpu);
		if (!val)
			continue;
		visited++;
		u64 args[5] = {r1, (u64)(uintptr_t)key, (u64)(uintptr_t)val, r3, 0}, ret;
		if (ub_vm_exec(run, (u32)r2, args, &ret))
			break;
		if (ret == 1)
			break;
	}
	run->depth--;
	run->nregions = saved_regions;
	return visited;
}

/*
 * bpf_loop(nr_loops, callback, ctx, flags): callback(i, ctx) for i from 0
 * while it returns 0, at most nr_loops (up to 1 << 23) times. Returns the
 * number of calls.
 */
static u64 h_loop(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)r5;
	/* No flags are defined; more than BPF_MAX_LOOPS is E2BIG. */
	if (r4)
		return (u64)-EINVAL;
	if (r1 > (1u << 23))
		return (u64)-E2BIG;
	if (run->depth >= 8) {
		run->fault = -EFAULT;
		return 0;
	}
	u32 saved_regions = cb_regions(run, NULL, 0);
	run->depth++;
	u64 i;
	for (i = 0; i < (u32)r1;) {
		u64 args[5] = {i, r3, 0, 0, 0}, ret;
		if (ub_vm_exec(run, (u32)r2, args, &ret))
			break;
		i++;
		if (ret == 1)
			break;
	}
	run->depth--;
	run->nregions = saved_regions;
	return i;
}

/* bpf_spin_lock / unlock: the word BPF_F_LOCK takes from the syscall side. */
static u32 *arg_lock(struct ub_run *run, u64 p)
{
	struct ub_prog *prog = run->prog;
	if (!run->checked)
		return u64_to_ptr(p);
	for (u32 i = 0; prog && i < prog->nr_maps; i++) {
		struct ub_map *m = prog->maps[i];
		uintptr_t lo = (uintptr_t)m->data;
		if (m->spin_lock_off < 0 || p < lo || p >= lo + m->elem_size * m->max_entries)
			continue;
		if ((p - lo) % m->elem_size == (u64)m->spin_lock_off)
			return u64_to_ptr(p);
	}
	run->fault = -EFAULT;
	return NULL;
}

static u64 h_spin_lock(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)r2, (void)r3, (void)r4, (void)r5;
	u32 *lock = arg_lock(run, r1);
	if (lock)
		ub_spin_lock(lock);
	return 0;
}

static u64 h_spin_unlock(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)r2, (void)r3, (void)r4, (void)r5;
	u32 *lock = arg_lock(run, r1);
	if (lock)
		ub_spin_unlock(lock);
	return 0;
}

static u64 h_xdp_adjust_head(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)r1, (void)r3, (void)r4, (void)r5;
	return (u64)(s64)ub_xdp_adjust_head(run, (s32)r2);
}

static u64 h_xdp_adjust_tail(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)r1, (void)r3, (void)r4, (void)r5;
	return (u64)(s64)ub_xdp_adjust_tail(run, (s32)r2);
}

static u64 h_xdp_adjust_meta(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)r1, (void)r3, (void)r4, (void)r5;
	return (u64)(s64)ub_xdp_adjust_meta(run, (s32)r2);
}

#define T(x) (1u << BPF_PROG_TYPE_##x)
#define XDP_ONLY T(XDP)

/* The registry: one line per helper (id, name, body, GPL only, types, return, args). */
#define UB_HELPERS(H)                                                                             \
	H(1, map_lookup_elem, h_map_lookup_elem, false, 0, RET_VALUE_OR_NULL, A_MAP, A_KEY)       \
	H(2, map_update_elem, h_map_update_elem, false, 0, RET_INT, A_MAP, A_KEY, A_VALUE, A_ANY) \
	H(3, map_delete_elem, h_map_delete_elem, false, 0, RET_INT, A_MAP, A_KEY)                 \
	H(5, ktime_get_ns, h_ktime_get_ns, false, 0, RET_INT)                                     \
	H(6, trace_printk, h_trace_printk, true, 0, RET_INT, A_MEM, A_SIZE) /* 3-5 unchecked */ \
	H(7, get_prandom_u32, h_get_prandom_u32, false, 0, RET_INT)                               \
	H(8, get_smp_processor_id, h_get_smp_processor_id, false, 0, RET_INT)                     \
	H(44, xdp_adjust_head, h_xdp_adjust_head, false, XDP_ONLY, RET_INT, A_CTX, A_ANY)         \
	H(54, xdp_adjust_meta, h_xdp_adjust_meta, false, XDP_ONLY, RET_INT, A_CTX, A_ANY)         \
	H(65, xdp_adjust_tail, h_xdp_adjust_tail, false, XDP_ONLY, RET_INT, A_CTX, A_ANY)         \
	H(93, spin_lock, h_spin_lock, false, 0, RET_VOID, A_LOCK)                                 \
	H(94, spin_unlock, h_spin_unlock, false, 0, RET_VOID, A_LOCK)                             \
	H(125, ktime_get_boot_ns, h_ktime_get_boot_ns, false, 0, RET_INT)                         \
	H(160, ktime_get_coarse_ns, h_ktime_get_coarse_ns, false, 0, RET_INT)                     \
	H(164, for_each_map_elem, h_for_each_map_elem, false, 0, RET_INT, A_MAP, A_FUNC,          \
	  A_STACK_OR_NULL, A_ANY)                                                                 \
	H(181, loop, h_loop, false, 0, RET_INT, A_ANY, A_FUNC, A_STACK_OR_NULL, A_ANY)           \
	H(195, map_lookup_percpu_elem, h_map_lookup_percpu_elem, false, 0, RET_VALUE_OR_NULL,     \
	  A_MAP, A_KEY, A_ANY)

static const struct ub_helper helpers[] = {
#define UB_HELPER_ROW(id, nm, f, gpl, types, r, ...)                                              \
	[id] = {.name = "bpf_" #nm, .fn = f, .gpl_only = gpl, .prog_types = types, .ret = r,      \
		.args = {__VA_ARGS__}},
	UB_HELPERS(UB_HELPER_ROW)
#undef UB_HELPER_ROW
};

const struct ub_helper *ub_helper_get(u32 id)
{
	if (id >= ARRAY_SIZE(helpers) || !helpers[id].fn)
		return NULL;
	return &helpers[id];
}

const char *ub_helper_name(s32 id)
{
	const struct ub_helper *h = ub_helper_get((u32)id);
	return h ? h->name : "unknown";
}

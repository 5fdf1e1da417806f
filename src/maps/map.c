// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The map core: registry, attaching a mapped file, value copies, spin locks. */
#include "maps/map.h"

#include <sched.h>
#include <signal.h>
#include <unistd.h>

#define UB_MAP_TYPE(type, ops) extern const struct map_ops ops;
#include "maps/map_types.h"
#undef UB_MAP_TYPE

static const struct map_ops *const map_types[] = {
#define UB_MAP_TYPE(type, ops) [type] = &ops,
#include "maps/map_types.h"
#undef UB_MAP_TYPE
};

const struct map_ops *ub_map_ops_of(u32 map_type)
{
	if (map_type >= ARRAY_SIZE(map_types))
		return NULL;
	return map_types[map_type];
}

/* Fill the process-local copy of the header's immutable fields. */
static void map_attach(struct ub_obj *obj)
{
	struct ub_map *map = obj_to_map(obj);
	struct ub_map_hdr *h = ub_obj_hdr_tail(obj);

	map->h = h;
	map->data = obj->base;
	map->ops = ub_map_ops_of(h->map_type);
	map->map_type = h->map_type;
	map->key_size = h->key_size;
	map->value_size = h->value_size;
	map->max_entries = h->max_entries;
	map->map_flags = h->map_flags;
	map->spin_lock_off = h->spin_lock_off;
	map->nr_special = h->nr_special;
	map->ncpus = h->ncpus;
	map->elem_size = h->elem_size;
	map->percpu_stride = h->percpu_stride;
}

__attribute__((constructor)) static void map_kind_register(void)
{
	ub_obj_register_kind(UB_OBJ_MAP, sizeof(struct ub_map), map_attach, NULL);
}

/* Copy everything but the lock word and the special fields (rare: timers, kptrs...). */
static void copy_around_special(const struct ub_map *map, void *dst, const void *src)
{
	struct ub_map_special r[UB_MAP_MAX_SPECIAL + 1];
	u32 n = 0, at = 0;
	for (u32 i = 0; i < map->nr_special && i < UB_MAP_MAX_SPECIAL; i++)
		r[n++] = map->h->special[i];
	if (map->spin_lock_off >= 0)
		r[n++] = (struct ub_map_special){(u32)map->spin_lock_off, 4};
	for (u32 i = 1; i < n; i++) /* by offset */
		for (u32 j = i; j > 0 && r[j].off < r[j - 1].off; j--) {
			struct ub_map_special t = r[j];
			r[j] = r[j - 1];
			r[j - 1] = t;
		}
	for (u32 i = 0; i < n; i++) {
		if (r[i].off > at)
			memcpy((u8 *)dst + at, (const u8 *)src + at, r[i].off - at);
		if (r[i].off + r[i].size > at)
			at = r[i].off + r[i].size;
	}
	if (at < map->value_size)
		memcpy((u8 *)dst + at, (const u8 *)src + at, map->value_size - at);
}

void ub_map_copy_value(const struct ub_map *map, void *dst, const void *src)
{
	s32 off = map->spin_lock_off;
	if (unlikely(map->nr_special)) {
		copy_around_special(map, dst, src);
		return;
	}
	if (likely(off < 0)) {
		memcpy(dst, src, map->value_size);
		return;
	}
	/* Everything but the 4-byte lock word. */
	memcpy(dst, src, (size_t)off);
	memcpy((u8 *)dst + off + 4, (const u8 *)src + off + 4, map->value_size - off - 4);
}

/*
 * bpf_spin_lock across processes. The lock word holds the owner's pid, so a
 * waiter that finds the owner dead (killed while holding it) takes the lock
 * over instead of spinning forever. Programs' bpf_spin_lock() and the
 * syscall side's BPF_F_LOCK take the same word.
 */
static u32 self_pid(void)
{
	return (u32)getpid();
}

void ub_spin_lock(u32 *lock)
{
	u32 me = self_pid();
	unsigned spins = 0;
	for (;;) {
		u32 expected = 0;
		if (__atomic_compare_exchange_n(lock, &expected, me, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		if (++spins % 1024 == 0) {
			if (expected != me && kill((pid_t)expected, 0) && errno == ESRCH &&
			    __atomic_compare_exchange_n(lock, &expected, me, false,
							__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				return;
			sched_yield();
		}
		__builtin_ia32_pause();
	}
}

void ub_spin_unlock(u32 *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

void ub_map_copy_value_locked(const struct ub_map *map, void *dst, const void *src,
			      bool lock_in_dst)
{
	u32 *lock = (u32 *)((u8 *)(lock_in_dst ? dst : (void *)src) + map->spin_lock_off);
	ub_spin_lock(lock);
	ub_map_copy_value(map, dst, src);
	ub_spin_unlock(lock);
}

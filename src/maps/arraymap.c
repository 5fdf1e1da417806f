// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_PERCPU_ARRAY. */
#include "maps/map.h"
#include "sys/sha256.h"

#include <limits.h>

/*
 * Layout. An ARRAY's element i sits at data + i * elem_size, elem_size being
 * round_up(value_size, 8); the padding after each value stays zero. That is
 * exactly what mmap() of the map fd shows from offset 0.
 *
 * A PERCPU_ARRAY keeps one region per possible CPU, each starting on its own
 * cache line: CPU c's copy of element i is at
 * data + c * percpu_stride + i * elem_size. The syscall side moves whole
 * 8-byte-rounded slots, padding included, as the kernel does.
 */
#define ARRAY_CREATE_FLAG_MASK                                                               \
	(BPF_F_NUMA_NODE | BPF_F_MMAPABLE | BPF_F_ACCESS_MASK | BPF_F_INNER_MAP |            \
	 BPF_F_PRESERVE_ELEMS)
#define PCPU_MIN_UNIT_SIZE 32768u

static int array_map_alloc_check(const union ub_attr *attr)
{
	bool percpu = attr->map_type == BPF_MAP_TYPE_PERCPU_ARRAY;
	u32 numa = (attr->map_flags & BPF_F_NUMA_NODE) ? attr->numa_node : UB_NUMA_NO_NODE;

	/* Keys are u32 indexes; a zero-sized value or array is meaningless. */
	if (attr->max_entries == 0 || attr->key_size != 4 || attr->value_size == 0 ||
	    attr->map_flags & ~ARRAY_CREATE_FLAG_MASK ||
	    /* A program can be denied reads or writes, not both. */
	    (attr->map_flags & BPF_F_RDONLY_PROG && attr->map_flags & BPF_F_WRONLY_PROG) ||
	    /* Per-CPU memory has no NUMA placement. */
	    (percpu && numa != UB_NUMA_NO_NODE))
		return -EINVAL;
	/* Only plain arrays can be mmap()ed or be inner maps. */
	if (attr->map_type != BPF_MAP_TYPE_ARRAY &&
	    attr->map_flags & (BPF_F_MMAPABLE | BPF_F_INNER_MAP))
		return -EINVAL;
	/* PRESERVE_ELEMS is for perf event arrays only. */
	if (attr->map_flags & BPF_F_PRESERVE_ELEMS)
		return -EINVAL;
	/* A per-CPU slot must fit the per-CPU allocator's unit. */
	if (percpu && round_up((u64)attr->value_size, 8) > PCPU_MIN_UNIT_SIZE)
		return -E2BIG;
	/* Element sizes are ints in the kernel. */
	if (attr->value_size > INT_MAX)
		return -E2BIG;
	return 0;
}

static u64 array_content_size(const union ub_attr *attr, u32 ncpus)
{
	u64 bytes = (u64)attr->max_entries * round_up((u64)attr->value_size, 8);
	if (attr->map_type == BPF_MAP_TYPE_PERCPU_ARRAY)
		bytes = round_up(bytes, 64) * ncpus;
	return page_align(bytes);
}

static u32 array_sys_value_size(const struct ub_map *map)
{
	return map->value_size;
}

static u32 percpu_sys_value_size(const struct ub_map *map)
{
	return (u32)(map->elem_size * map->ncpus);
}

static inline void *array_elem(struct ub_map *map, u32 index)
{
	return map->data + (u64)index * map->elem_size;
}

static inline void *percpu_elem(struct ub_map *map, u32 index, u32 cpu)
{
	return map->data + (u64)cpu * map->percpu_stride + (u64)index * map->elem_size;
}

static void *array_map_lookup(struct ub_map *map, const void *key, u32 cpu)
{
	u32 index = *(const u32 *)key;
	(void)cpu;
	if (unlikely(index >= map->max_entries))
		return NULL;
	return array_elem(map, index);
}

static void *percpu_array_map_lookup(struct ub_map *map, const void *key, u32 cpu)
{
	u32 index = *(const u32 *)key;
	if (unlikely(index >= map->max_entries))
		return NULL;
	return percpu_elem(map, index, cpu);
}

/* No lock word, no special field: a value moves as plain bytes. */
static inline bool array_plain_value(const struct ub_map *map)
{
	return map->spin_lock_off < 0 && !map->nr_special;
}

/*
 * The syscall side's common case, a plain 8-byte value (a counter): one
 * move, no frame, before anything else. BPF_F_LOCK needs no test: callers
 * refuse it without a lock word, which a plain value does not have.
 */
static inline bool array_plain8(const struct ub_map *map)
{
	return array_plain_value(map) && map->value_size == 8;
}

/*
 * A value copy on the syscall path. A plain 8- or 4-byte value (a counter,
 * the common case) is one move instead of two calls; everything else, lock
 * words included, goes through ub_map_copy_value().
 */
static inline void array_copy_value(const struct ub_map *map, void *dst, const void *src)
{
	if (likely(array_plain_value(map))) {
		if (map->value_size == 8) {
			memcpy(dst, src, 8);
			return;
		}
		if (map->value_size == 4) {
			memcpy(dst, src, 4);
			return;
		}
	}
	ub_map_copy_value(map, dst, src);
}

/* A per-CPU slot: the common 8-byte one is one move. */
static inline void percpu_copy_slot(const struct ub_map *map, void *dst, const void *src)
{
	if (likely(map->elem_size == 8))
		memcpy(dst, src, 8);
	else
		memcpy(dst, src, map->elem_size);
}

/* Copy element @elem out to a syscall buffer: any size, lock word, F_LOCK. */
static __attribute__((noinline)) int array_copy_out(struct ub_map *map, void *value, void *elem,
						    u64 flags)
{
	if (flags & BPF_F_LOCK)
		ub_map_copy_value_locked(map, value, elem, false);
	else
		array_copy_value(map, value, elem);
	if (map->spin_lock_off >= 0) /* the lock word never leaves the map */
		memset((u8 *)value + map->spin_lock_off, 0, sizeof(u32));
	for (u32 i = 0; i < map->nr_special; i++) /* nor do timers, kptrs... */
		memset((u8 *)value + map->h->special[i].off, 0, map->h->special[i].size);
	return 0;
}

static int array_sys_lookup(struct ub_map *map, const void *key, void *value, u64 flags)
{
	u32 index = *(const u32 *)key;
	if (unlikely(index >= map->max_entries))
		return -ENOENT;
	void *elem = array_elem(map, index);
	if (likely(array_plain8(map))) {
		memcpy(value, elem, 8);
		return 0;
	}
	return array_copy_out(map, value, elem, flags);
}

static int percpu_array_sys_lookup(struct ub_map *map, const void *key, void *value, u64 flags)
{
	u32 index = *(const u32 *)key;
	(void)flags;
	if (index >= map->max_entries)
		return -ENOENT;
	for (u32 cpu = 0; cpu < map->ncpus; cpu++)
		percpu_copy_slot(map, (u8 *)value + cpu * map->elem_size,
				 percpu_elem(map, index, cpu));
	/* Special fields (kptrs, refcounts) never leave the map: each CPU's reads as 0. */
	for (u32 i = 0; unlikely(i < map->nr_special); i++)
		for (u32 cpu = 0; cpu < map->ncpus; cpu++)
			memset((u8 *)value + cpu * map->elem_size + map->h->special[i].off, 0,
			       map->h->special[i].size);
	return 0;
}

/* Flags an array update accepts: ANY, NOEXIST, EXIST, each optionally with F_LOCK. */
static int array_update_flags_check(const struct ub_map *map, const void *key, u64 flags)
{
	if (unlikely((flags & ~(u64)BPF_F_LOCK) > BPF_EXIST))
		return -EINVAL;
	/* The array is fixed: an index past the end is too big, not missing. */
	if (unlikely(*(const u32 *)key >= map->max_entries))
		return -E2BIG;
	/* Every element always exists. */
	if (unlikely(flags & BPF_NOEXIST))
		return -EEXIST;
	return 0;
}

/* Store @value into element @elem: any size, lock word, F_LOCK. Returns 0. */
static __attribute__((noinline)) int array_copy_in(struct ub_map *map, void *elem,
						   const void *value, u64 flags)
{
	if (flags & BPF_F_LOCK)
		ub_map_copy_value_locked(map, elem, value, true);
	else
		array_copy_value(map, elem, value);
	return 0;
}

/* An update from a program (@sys false) or from bpf(), which has checked F_LOCK already. */
static __attribute__((always_inline)) inline int
array_update(struct ub_map *map, const void *key, const void *value, u64 flags, bool sys)
{
	int err = array_update_flags_check(map, key, flags);
	if (err)
		return err;
	if (!sys && unlikely((flags & BPF_F_LOCK) && map->spin_lock_off < 0))
		return -EINVAL;
	void *elem = array_elem(map, *(const u32 *)key);
	if (likely(array_plain8(map))) {
		memcpy(elem, value, 8);
		return 0;
	}
	return array_copy_in(map, elem, value, flags);
}

static int array_map_update(struct ub_map *map, const void *key, const void *value, u64 flags,
			    u32 cpu)
{
	(void)cpu;
	return array_update(map, key, value, flags, false);
}

static int array_sys_update(struct ub_map *map, const void *key, const void *value, u64 flags)
{
	return array_update(map, key, value, flags, true);
}

static int percpu_array_map_update(struct ub_map *map, const void *key, const void *value,
				   u64 flags, u32 cpu)
{
	/* Per-CPU values have no lock: F_LOCK is just an unknown flag here. */
	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	int err = array_update_flags_check(map, key, flags);
	if (err)
		return err;
	memcpy(percpu_elem(map, *(const u32 *)key, cpu), value, map->value_size);
	return 0;
}

/* A slot update that leaves the special fields (kptrs, refcounts) as they are. */
static __attribute__((noinline)) void percpu_update_around_special(struct ub_map *map, u32 index,
								   const void *value)
{
	u8 saved[UB_MAP_MAX_SPECIAL][32];
	for (u32 cpu = 0; cpu < map->ncpus; cpu++) {
		u8 *slot = percpu_elem(map, index, cpu);
		for (u32 i = 0; i < map->nr_special && i < UB_MAP_MAX_SPECIAL; i++)
			memcpy(saved[i], slot + map->h->special[i].off, map->h->special[i].size);
		percpu_copy_slot(map, slot, (const u8 *)value + cpu * map->elem_size);
		for (u32 i = 0; i < map->nr_special && i < UB_MAP_MAX_SPECIAL; i++)
			memcpy(slot + map->h->special[i].off, saved[i], map->h->special[i].size);
	}
}

static int percpu_array_sys_update(struct ub_map *map, const void *key, const void *value,
				   u64 flags)
{
	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	int err = array_update_flags_check(map, key, flags);
	if (err)
		return err;
	/* The whole 8-byte-rounded slot of every CPU, user padding included. */
	u32 index = *(const u32 *)key;
	if (unlikely(map->nr_special)) {
		percpu_update_around_special(map, index, value);
		return 0;
	}
	for (u32 cpu = 0; cpu < map->ncpus; cpu++)
		percpu_copy_slot(map, percpu_elem(map, index, cpu),
				 (const u8 *)value + cpu * map->elem_size);
	return 0;
}

/* Array elements cannot be deleted. */
static int array_map_delete(struct ub_map *map, const void *key)
{
	(void)map;
	(void)key;
	return -EINVAL;
}

static int array_map_get_next_key(struct ub_map *map, const void *key, void *next_key)
{
	u32 index = key ? *(const u32 *)key : UINT32_MAX;
	u32 *next = next_key;

	/* No key, or one past the end: start over at 0. */
	if (index >= map->max_entries) {
		*next = 0;
		return 0;
	}
	if (index == map->max_entries - 1)
		return -ENOENT;
	*next = index + 1;
	return 0;
}

static int array_mmap_check(const struct ub_map *map)
{
	/* Only BPF_F_MMAPABLE arrays are backed page by page for users. */
	if (!(map->map_flags & BPF_F_MMAPABLE))
		return -EINVAL;
	/* A lock word (or a timer, kptr...) must not be reachable from userspace. */
	if (map->spin_lock_off >= 0 || map->nr_special)
		return -ENOTSUPP;
	return 0;
}

static int array_hash(struct ub_map *map, u8 out[32])
{
	ub_sha256(map->data, (u64)map->max_entries * map->elem_size, out);
	return 0;
}

/*
 * What the kernel reports as memlock: its struct bpf_array (312 bytes on
 * 6.18 x86-64), then the elements; per-CPU maps add a pointer per element,
 * mmap-able arrays are page aligned (array_map_mem_usage()).
 */
#define KERNEL_BPF_ARRAY_SIZE 312u

static u64 array_mem_usage(const struct ub_map *map)
{
	u64 usage = KERNEL_BPF_ARRAY_SIZE, data = (u64)map->max_entries * map->elem_size;
	if (map->map_flags & BPF_F_MMAPABLE)
		return page_align(usage) + page_align(data);
	return usage + data;
}

static u64 percpu_array_mem_usage(const struct ub_map *map)
{
	return KERNEL_BPF_ARRAY_SIZE + (u64)map->max_entries * sizeof(void *) +
	       (u64)map->max_entries * map->elem_size * map->ncpus;
}

const struct map_ops array_map_ops = {
	.alloc_check = array_map_alloc_check,
	.content_size = array_content_size,
	.ifindex_errno = -EOPNOTSUPP,
	.sys_value_size = array_sys_value_size,
	.sys_lookup = array_sys_lookup,
	.sys_update = array_sys_update,
	.get_next_key = array_map_get_next_key,
	.mmap_check = array_mmap_check,
	.hash = array_hash,
	.mem_usage = array_mem_usage,
	.lookup = array_map_lookup,
	.update = array_map_update,
	.delete = array_map_delete,
};

/* The per-CPU variant reuses the array and overrides what differs. */
const struct map_ops percpu_array_map_ops = {
	.alloc_check = array_map_alloc_check,
	.content_size = array_content_size,
	.ifindex_errno = -EINVAL,
	.sys_value_size = percpu_sys_value_size,
	.sys_lookup = percpu_array_sys_lookup,
	.sys_update = percpu_array_sys_update,
	.get_next_key = array_map_get_next_key,
	.mem_usage = percpu_array_mem_usage,
	.lookup = percpu_array_map_lookup,
	.update = percpu_array_map_update,
	.delete = array_map_delete,
};

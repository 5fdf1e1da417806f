/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The map core: the shared map header, the process-local map and map_ops. */
#ifndef UB_MAP_H
#define UB_MAP_H

#include <pthread.h>
#include "sys/attr.h"
#include "sys/obj.h"

#define UB_WMAP_SLOTS 32
#define UB_MAP_MAX_SPECIAL 11 /* the kernel's BTF_FIELDS_MAX */

/*
 * The shared part of a map, in its header page right after struct ub_obj_hdr.
 * Written once at create (everything above @frozen) and read by every process
 * that opens the map; @frozen and below change at run time.
 */
struct ub_map_hdr {
	u32 map_type;
	u32 key_size;
	u32 value_size;
	u32 max_entries;
	u32 map_flags;  /* as reported by OBJ_GET_INFO: without RDONLY/WRONLY */
	u32 numa_node;
	u64 map_extra;
	char name[16];
	u32 btf_id;
	u32 btf_key_type_id;
	u32 btf_value_type_id;
	u32 btf_vmlinux_value_type_id;
	s32 spin_lock_off; /* offset of the value's struct bpf_spin_lock, or -1 */
	/*
	 * The value's other special fields (a second lock, timers, work queues,
	 * kptrs, graph roots): syscall copies skip them, lookups return them
	 * zeroed, and the map cannot be frozen or mmap()ed (src/btf/btf.h).
	 */
	u32 nr_special;
	struct ub_map_special {
		u32 off, size;
	} special[UB_MAP_MAX_SPECIAL];
	u32 ncpus;         /* per-CPU maps: possible CPUs at create time */
	u64 elem_size;     /* round_up(value_size, 8): the element stride */
	u64 percpu_stride; /* per-CPU maps: bytes from one CPU's region to the next */
	u64 data_size;     /* bytes of elements at offset 0 (before page rounding) */

	atomic_uint frozen;
	/* Serialises freeze against new writable mappings, across processes. */
	pthread_mutex_t lock;
	/*
	 * Writable user mappings, per process: freeze gives EBUSY while any live
	 * process has one. A dead process's slot is ignored and reused.
	 */
	struct {
		atomic_int pid;
		atomic_int count;
	} wmaps[UB_WMAP_SLOTS];
	/* The family's own shared state follows (struct ub_map_hdr_tail). */
	u8 family[] __attribute__((aligned(64)));
};

_Static_assert(sizeof(struct ub_map_hdr) == 512, "shared layout changed: bump UB_HDR_VERSION");

struct map_ops;

/* One map as seen by this process. Fields up to @ops copy the header for speed. */
struct ub_map {
	struct ub_obj obj;
	const struct map_ops *ops;
	struct ub_map_hdr *h;
	u8 *data;
	u32 map_type;
	u32 key_size;
	u32 value_size;
	u32 max_entries;
	u32 map_flags;
	s32 spin_lock_off;
	u32 nr_special; /* h->special[] entries: 0 for nearly every map */
	u32 ncpus;
	u64 elem_size;
	u64 percpu_stride;
};

static inline struct ub_map *obj_to_map(struct ub_obj *obj)
{
	return (struct ub_map *)obj;
}

/*
 * map_ops: one table per family. The core never asks a map its type; what
 * differs between families is here. Grouped by who calls them.
 */
struct map_ops {
	/* --- create (sys only) --- */
	/* Pure validation of the create attr: 0 or -errno. */
	int (*alloc_check)(const union ub_attr *attr);
	/* Bytes of content the map needs at offset 0 of its file. */
	u64 (*content_size)(const union ub_attr *attr, u32 ncpus);
	/* Fill the family's shared state in a fresh, zeroed file. */
	int (*init)(struct ub_map *map);
	/* Errno for a non-zero map_ifindex (no device offload here). */
	int ifindex_errno;

	/* --- syscall side only --- */
	/* Bytes a syscall value buffer holds (per-CPU: all CPUs). */
	u32 (*sys_value_size)(const struct ub_map *map);
	/* Copy one element to or from a syscall buffer; flags already checked. */
	int (*sys_lookup)(struct ub_map *map, const void *key, void *value, u64 flags);
	int (*sys_update)(struct ub_map *map, const void *key, const void *value, u64 flags);
	/* NULL: ENOTSUPP. */
	int (*sys_lookup_and_delete)(struct ub_map *map, const void *key, void *value, u64 flags);
	int (*get_next_key)(struct ub_map *map, const void *key, void *next_key);
	/* 0 if the map can be mmap()ed; NULL: ENOTSUPP. */
	int (*mmap_check)(const struct ub_map *map);
	/* Batch: whether batch.flags must be zero. */
	bool batch_flags_must_be_zero;
	/* (LOOKUP_AND_)DELETE_BATCH; NULL: ENOTSUPP. */
	int (*delete_batch)(struct ub_map *map, union ub_attr *attr, void *uattr, bool lookup);
	/* Bytes the kernel would charge (fdinfo "memlock"); NULL: the file's size. */
	u64 (*mem_usage)(const struct ub_map *map);
	/* SHA-256 over the contents for OBJ_GET_INFO of a frozen map; NULL: EINVAL. */
	int (*hash)(struct ub_map *map, u8 out[32]);

	/* --- syscall and programs --- */
	/* A pointer into the element (this CPU's slot for per-CPU maps), or NULL. */
	void *(*lookup)(struct ub_map *map, const void *key, u32 cpu);
	int (*update)(struct ub_map *map, const void *key, const void *value, u64 flags, u32 cpu);
	int (*delete)(struct ub_map *map, const void *key);
};

/* The registry (map_types.h) as a table indexed by map type. */
UB_HIDDEN const struct map_ops *ub_map_ops_of(u32 map_type);

/* Copy a value skipping the bpf_spin_lock word (copy_map_value). */
UB_HIDDEN void ub_map_copy_value(const struct ub_map *map, void *dst, const void *src);
/* Copy a value while holding its spin lock (BPF_F_LOCK). */
UB_HIDDEN void ub_map_copy_value_locked(const struct ub_map *map, void *dst, const void *src,
					bool lock_in_dst);
UB_HIDDEN void ub_spin_lock(u32 *lock);
UB_HIDDEN void ub_spin_unlock(u32 *lock);

UB_HIDDEN void ub_map_kind_init(void);

#endif

// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The CLI's direct view of the namespace, for listing every map quickly:
 * instead of GET_FD_BY_ID + OBJ_GET_INFO_BY_FD + fdinfo for each id (which
 * attach and map each object), read the object file's header page once.
 * The answers are the ones those commands give (same header, same memlock
 * op); the id walk is MAP_GET_NEXT_ID's, which also collects dead objects.
 */
#include "ns.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maps/map.h"
#include "sys/raw.h"

int ns_next_map_id(uint32_t start, uint32_t *next)
{
	return ub_obj_next_id(UB_OBJ_MAP, start, next);
}

int ns_map_describe(uint32_t id, struct bpf_map_info *info, uint64_t *memlock, int *frozen)
{
	char path[4400];
	union {
		struct ub_obj_hdr o;
		u8 page[UB_HDR_SIZE];
	} hp;
	struct stat st;

	snprintf(path, sizeof(path), "%s/objs/%s-%u", ub_ns_root(), ub_obj_prefix(UB_OBJ_MAP), id);
	int fd = (int)ub_raw_syscall6(SYS_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC, 0, 0,
				      0);
	if (fd < 0)
		return fd == -EACCES ? -EACCES : -ENOENT;
	int err = -ENOENT;
	if (fstat(fd, &st) || st.st_size < (off_t)UB_HDR_SIZE || st.st_nlink == 0)
		goto out;
	if (pread(fd, &hp, sizeof(hp), st.st_size - (off_t)UB_HDR_SIZE) != (ssize_t)sizeof(hp))
		goto out;
	if (hp.o.magic != UB_OBJ_MAGIC || hp.o.hdr_version != UB_HDR_VERSION ||
	    hp.o.kind != UB_OBJ_MAP || hp.o.id != id ||
	    hp.o.content_size + UB_HDR_SIZE != (u64)st.st_size)
		goto out;
	const struct ub_map_hdr *h = (const void *)(hp.page + sizeof(struct ub_obj_hdr));
	memset(info, 0, sizeof(*info));
	info->type = h->map_type;
	info->id = id;
	info->key_size = h->key_size;
	info->value_size = h->value_size;
	info->max_entries = h->max_entries;
	info->map_flags = h->map_flags;
	memcpy(info->name, h->name, sizeof(info->name));
	info->btf_id = h->btf_id;
	info->btf_key_type_id = h->btf_key_type_id;
	info->btf_value_type_id = h->btf_value_type_id;
	info->map_extra = h->map_extra;
	/* memlock as fdinfo computes it: the family's op over the same fields. */
	struct ub_map m = {
		.ops = ub_map_ops_of(h->map_type),
		.map_type = h->map_type,
		.key_size = h->key_size,
		.value_size = h->value_size,
		.max_entries = h->max_entries,
		.map_flags = h->map_flags,
		.spin_lock_off = h->spin_lock_off,
		.ncpus = h->ncpus,
		.elem_size = h->elem_size,
		.percpu_stride = h->percpu_stride,
	};
	*memlock = m.ops && m.ops->mem_usage ? m.ops->mem_usage(&m) : (u64)st.st_size;
	*frozen = atomic_load_explicit((atomic_uint *)&h->frozen, memory_order_relaxed) ? 1 : 0;
	err = 0;
out:
	ub_raw_close(fd);
	return err;
}

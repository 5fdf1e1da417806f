/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* BTF objects: BPF_BTF_LOAD, validation, and the checks maps make against BTF. */
#ifndef UB_BTF_H
#define UB_BTF_H

#include "sys/attr.h"
#include "sys/obj.h"

/* BPF_BTF_LOAD: returns a BTF fd or -errno. */
UB_HIDDEN long ub_sys_btf_load(union ub_attr *attr, void *uattr);

/*
 * ub_btf_map_check - the kernel's map_check_btf() for a map being created:
 * validates @key_type_id and @value_type_id in the BTF object @btf against the
 * map's sizes and type rules, and finds a struct bpf_spin_lock in the value.
 * On success returns 0 and sets *@spin_lock_off (-1 when there is none).
 * Errors: -EINVAL for a mismatch; -EOPNOTSUPP where a lock is not allowed
 * (per-CPU maps); -E2BIG / -ENOTSUPP as the kernel.
 */
UB_HIDDEN int ub_btf_map_check(struct ub_obj *btf, u32 map_type, u32 key_size, u32 value_size,
			       u32 max_entries, u32 key_type_id, u32 value_type_id,
			       s32 *spin_lock_off);

/* The BTF object's id (for bpf_map_info.btf_id). */
UB_HIDDEN u32 ub_btf_id(struct ub_obj *btf);

#endif

// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* BTF objects: BPF_BTF_LOAD and map_check_btf (being written: see issue). */
#include "btf/btf.h"

long ub_sys_btf_load(union ub_attr *attr, void *uattr)
{
	(void)attr;
	(void)uattr;
	return -EINVAL;
}

int ub_btf_map_check(struct ub_obj *btf, u32 map_type, u32 key_size, u32 value_size,
		     u32 max_entries, u32 key_type_id, u32 value_type_id, s32 *spin_lock_off)
{
	(void)btf, (void)map_type, (void)key_size, (void)value_size, (void)max_entries;
	(void)key_type_id, (void)value_type_id;
	*spin_lock_off = -1;
	return -EINVAL;
}

u32 ub_btf_id(struct ub_obj *btf)
{
	return btf->id;
}

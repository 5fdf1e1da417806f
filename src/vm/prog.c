// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Programs: BPF_PROG_LOAD, BPF_PROG_TEST_RUN, BPF_PROG_BIND_MAP (being written). */
#include "sys/sys.h"

long ub_sys_prog_load(union ub_attr *attr, void *uattr)
{
	(void)attr;
	(void)uattr;
	return -EINVAL;
}

long ub_sys_prog_test_run(union ub_attr *attr, void *uattr)
{
	(void)attr;
	(void)uattr;
	return -EINVAL;
}

long ub_sys_prog_bind_map(union ub_attr *attr, void *uattr)
{
	(void)attr;
	(void)uattr;
	return -EINVAL;
}

long ub_sys_link_create(union ub_attr *attr, void *uattr)
{
	(void)attr;
	(void)uattr;
	return -EINVAL;
}

/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The bpf() boundary: command handlers and what the other modules share with them. */
#ifndef UB_SYS_H
#define UB_SYS_H

#include "sys/attr.h"
#include "sys/obj.h"

/*
 * A command handler receives the attr already checked by CHECK_ATTR and
 * copied (bytes past the command's boundary are zero), and the caller's attr
 * pointer for the fields the kernel writes back. Returns >= 0 or -errno.
 */
typedef long (*ub_cmd_fn)(union ub_attr *attr, void *uattr);

/*
 * The size the caller passed to this thread's current ub_bpf() call, for
 * write-backs that depend on it (PROG_LOAD's log_true_size, BTF_LOAD's). Set
 * only for commands whose attr is copied: lookup, update and get_next_key,
 * which read the caller's attr in place, never look at it. Initial-exec: a
 * plain %fs-relative store, not a __tls_get_addr() call.
 */
extern __thread unsigned int ub_cur_attr_size __attribute__((tls_model("initial-exec")));

#define UB_CMD(cmd, fn, end) UB_HIDDEN long fn(union ub_attr *attr, void *uattr);
#include "sys/cmds.h"
#undef UB_CMD

/* O_RDONLY / O_WRONLY / O_RDWR for BPF_F_RDONLY / BPF_F_WRONLY flags, or -EINVAL. */
static inline int ub_file_flags(u32 flags)
{
	if ((flags & BPF_F_RDONLY) && (flags & BPF_F_WRONLY))
		return -EINVAL;
	if (flags & BPF_F_RDONLY)
		return 00; /* O_RDONLY */
	if (flags & BPF_F_WRONLY)
		return 01; /* O_WRONLY */
	return 02;         /* O_RDWR */
}

/*
 * ub_bpf() for the preload syscall() hook: syscall()'s own arguments and
 * result type (number, cmd, attr, size), so the hook forwards them untouched.
 */
UB_HIDDEN long ub_bpf_syscall(long nr, long cmd, long attr, long size);

/* Write a u32 field back into the caller's attr at @off, as put_user() does. */
static inline void ub_put_attr_u32(void *uattr, size_t off, u32 v)
{
	memcpy((u8 *)uattr + off, &v, sizeof(v));
}

/* Validate a kernel object name (map_name, prog_name): 0 or -EINVAL. */
UB_HIDDEN int ub_obj_name_check(const char name[16]);

/* The object behind @fd if it is of @kind: -EBADF, -EINVAL otherwise. */
UB_HIDDEN struct ub_obj *ub_obj_from_fd(int fd, u32 kind, u32 *mode, int *err);

/* mmap() support for the interposer: see src/sys/mmap.c. */
UB_HIDDEN int ub_map_mmap_check(int fd, size_t len, int prot, int flags, s64 off, bool *is_map,
				void **objp);
UB_HIDDEN void ub_map_mmap_done(void *obj, void *addr, size_t len, int prot);
UB_HIDDEN int ub_map_munmap_note(void *addr, size_t len);
UB_HIDDEN int ub_map_mprotect_check(void *addr, size_t len, int prot);
UB_HIDDEN int ub_map_wmap_count(void *map_hdr);
/* Writable mappings of a map in live processes (freeze lock held): EBUSY if > 0. */
UB_HIDDEN int ub_map_wmap_busy(struct ub_obj *obj);
/* The interposed fork(): writable mappings are counted for the child too. */
UB_HIDDEN void ub_map_fork_prepare(void);
UB_HIDDEN void ub_map_fork_parent(int child);
UB_HIDDEN void ub_map_fork_child(void);
UB_HIDDEN int ub_map_mremap_check(void *addr, size_t old_len, size_t new_len, void **objp,
				  bool *writable);
UB_HIDDEN void ub_map_mremap_done(void *obj, bool writable, void *old, size_t old_len, void *addr,
				  size_t new_len);

#endif

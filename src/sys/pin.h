/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The pin tree: how /sys/fs/bpf paths reach the namespace's bpffs directory. */
#ifndef UB_PIN_H
#define UB_PIN_H

#include "internal.h"

#define UB_BPFFS_PREFIX "/sys/fs/bpf"
#define UB_BPF_FS_MAGIC 0xcafe4a11

/*
 * ub_bpffs_path - place @path in the namespace's pin tree.
 * @path is taken lexically: "//" and "." are dropped and ".." goes up one
 * component. A path that then lies at or below /sys/fs/bpf is written to
 * @out as $ROOT/bpffs/<rest> (a trailing '/' is kept, so the file system
 * gives the errors a trailing slash gives) and 1 is returned. Any other
 * path returns 0 and leaves @out alone; -ENAMETOOLONG if @out is too small.
 * Relative paths are never ours (the caller resolves them first).
 */
UB_HIDDEN int ub_bpffs_path(const char *path, char *out, size_t outsz);

/* Cheap pre-check for the interposers: could @path name the pin tree? */
static inline bool ub_bpffs_maybe(const char *path)
{
	return path && path[0] == '/' && path[1] == 's' &&
	       !strncmp(path, UB_BPFFS_PREFIX, sizeof(UB_BPFFS_PREFIX) - 1) &&
	       (path[sizeof(UB_BPFFS_PREFIX) - 1] == '/' ||
		path[sizeof(UB_BPFFS_PREFIX) - 1] == '\0');
}

/*
 * ub_bpffs_dir_of_fd - is the directory open as @dirfd inside the
 * namespace's pin tree? 1 and its namespace path in @out, 0 if not.
 */
UB_HIDDEN int ub_bpffs_dir_of_fd(int dirfd, char *out, size_t outsz);

/* Is @nspath (a real path) inside the namespace's pin tree? */
UB_HIDDEN bool ub_bpffs_contains(const char *nspath);

#endif

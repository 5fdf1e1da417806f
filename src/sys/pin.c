// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* BPF_OBJ_PIN and BPF_OBJ_GET: /sys/fs/bpf paths live in the namespace's pin tree. */
#include "sys/sys.h"
#include "sys/pin.h"
#include "sys/raw.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef BPF_F_PATH_FD
#define BPF_F_PATH_FD (1U << 14)
#endif

/*
 * A pin is a hard link to the object's file, under $ROOT/bpffs. The kernel
 * resolves the path through the real VFS and then insists that the parent is
 * a bpf file system; here the "bpf file system" is every path at or below
 * /sys/fs/bpf (taken lexically), and every path inside $ROOT/bpffs reached
 * relatively (a cwd or a BPF_F_PATH_FD directory in the namespace).
 */

int ub_bpffs_path(const char *path, char *out, size_t outsz)
{
	char norm[PATH_MAX];
	size_t n = 0, plen = sizeof(UB_BPFFS_PREFIX) - 1;

	if (!path || path[0] != '/')
		return 0;
	/* Lexical clean-up: "//" and "." vanish, ".." drops one component. */
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - s);
		if (!len || (len == 1 && s[0] == '.'))
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			while (n && norm[n - 1] != '/')
				n--;
			if (n)
				n--;
			continue;
		}
		if (n + 1 + len >= sizeof(norm))
			return -ENAMETOOLONG;
		norm[n++] = '/';
		memcpy(norm + n, s, len);
		n += len;
	}
	norm[n] = '\0';
	if (n < plen || memcmp(norm, UB_BPFFS_PREFIX, plen) || (norm[plen] && norm[plen] != '/'))
		return 0;
	bool slash = path[strlen(path) - 1] == '/' && norm[plen];
	int r = snprintf(out, outsz, "%s/bpffs%s%s", ub_ns_root(), norm + plen, slash ? "/" : "");
	if (r < 0 || (size_t)r >= outsz)
		return -ENAMETOOLONG;
	return 1;
}

bool ub_bpffs_contains(const char *nspath)
{
	const char *root = ub_ns_root();
	size_t rl = strlen(root);
	if (strncmp(nspath, root, rl) || strncmp(nspath + rl, "/bpffs", 6))
		return false;
	return nspath[rl + 6] == '\0' || nspath[rl + 6] == '/';
}

int ub_bpffs_dir_of_fd(int dirfd, char *out, size_t outsz)
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	/* Raw: readlink() itself is interposed for /proc/self/fd of objects. */
	long n = ub_raw_syscall6(SYS_readlink, (long)link, (long)out, (long)outsz - 1, 0, 0, 0);
	if (n < 0)
		return 0;
	out[n] = '\0';
	return ub_bpffs_contains(out);
}

/*
 * Where @path (relative to @dirfd when not absolute) lands: 1 and a real path
 * inside the pin tree in @where, 0 when the path is outside it (@where then
 * holds the path to use with @dirfd as the kernel would), or -errno.
 */
static int pin_target(int dirfd, const char *path, char *where, size_t sz)
{
	char base[PATH_MAX], full[PATH_MAX * 2];

	int r = ub_bpffs_path(path, where, sz);
	if (r)
		return r;
	if (path[0] != '/') {
		bool ours;
		if (dirfd == AT_FDCWD) {
			ours = getcwd(base, sizeof(base)) && ub_bpffs_contains(base);
		} else {
			ours = ub_bpffs_dir_of_fd(dirfd, base, sizeof(base));
		}
		if (ours) {
			snprintf(full, sizeof(full), "%s/%s", base, path);
			if (strlen(full) >= sz)
				return -ENAMETOOLONG;
			strcpy(where, full);
			return 1;
		}
	}
	if (strlen(path) >= sz)
		return -ENAMETOOLONG;
	strcpy(where, path);
	return 0;
}

/* strncpy_from_user(): EFAULT, ENAMETOOLONG, and ENOENT for "". */
static int user_path(u64 uptr, char *buf, size_t sz)
{
	const char *p = u64_to_ptr(uptr);
	if (!p)
		return -EFAULT;
	size_t n = strnlen(p, sz);
	/* getname(): a name of PATH_MAX bytes or more is too long. */
	if (n == sz)
		return -ENAMETOOLONG;
	/* getname(): the empty name does not exist. */
	if (n == 0)
		return -ENOENT;
	memcpy(buf, p, n + 1);
	return 0;
}

static int attr_dirfd(const union ub_attr *attr)
{
	return (attr->file_flags & BPF_F_PATH_FD) ? attr->path_fd : AT_FDCWD;
}

long ub_sys_obj_pin(union ub_attr *attr, void *uattr)
{
	char path[PATH_MAX], where[PATH_MAX + 256], src[64];
	u32 mode;
	struct stat st;
	int err;
	(void)uattr;

	/* BPF_F_PATH_FD is the only flag a pin takes. */
	if (attr->file_flags & ~BPF_F_PATH_FD)
		return -EINVAL;
	/* path_fd without BPF_F_PATH_FD is a mistake. */
	if (!(attr->file_flags & BPF_F_PATH_FD) && attr->path_fd)
		return -EINVAL;
	/* bpf_fd_probe_obj(): any fd that is not a map, program or link is EINVAL (BTF too). */
	struct ub_obj *pinned = ub_fd_get((int)attr->bpf_fd, &mode);
	if (!pinned || pinned->kind == UB_OBJ_BTF)
		return -EINVAL;
	err = user_path(attr->pathname, path, sizeof(path));
	if (err)
		return err;
	int dirfd = attr_dirfd(attr);
	err = pin_target(dirfd, path, where, sizeof(where));
	if (err < 0)
		return err;
	if (err == 0) {
		/*
		 * Outside the pin tree the kernel's user_path_create() still runs
		 * first: an existing name is EEXIST, a missing or non-directory
		 * parent ENOENT / ENOTDIR; only then is a non-bpffs parent EPERM.
		 */
		if (fstatat(dirfd, where, &st, AT_SYMLINK_NOFOLLOW) == 0)
			return -EEXIST;
		if (errno != ENOENT)
			return -errno;
		char *slash = strrchr(where, '/');
		if (slash && slash != where) {
			*slash = '\0';
			if (fstatat(dirfd, where, &st, 0))
				return -errno;
			if (!S_ISDIR(st.st_mode))
				return -ENOTDIR;
		}
		return -EPERM;
	}
	snprintf(src, sizeof(src), "/proc/self/fd/%d", (int)attr->bpf_fd);
	if (linkat(AT_FDCWD, src, AT_FDCWD, where, AT_SYMLINK_FOLLOW)) {
		err = -errno;
		/* A name ending in '/' cannot be created: the kernel says ENOENT. */
		if (err == -EISDIR || (err == -ENOTDIR && where[strlen(where) - 1] == '/'))
			return -ENOENT;
		return err;
	}
	return 0;
}

long ub_sys_obj_get(union ub_attr *attr, void *uattr)
{
	char path[PATH_MAX], where[PATH_MAX + 256];
	struct stat st;
	int err;
	(void)uattr;

	/* bpf_fd must be zero; RDONLY, WRONLY and PATH_FD are the only flags. */
	if (attr->bpf_fd || attr->file_flags & ~(BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_PATH_FD))
		return -EINVAL;
	if (!(attr->file_flags & BPF_F_PATH_FD) && attr->path_fd)
		return -EINVAL;
	/* RDONLY together with WRONLY is no access mode. */
	int accmode = ub_file_flags(attr->file_flags);
	if (accmode < 0)
		return accmode;
	err = user_path(attr->pathname, path, sizeof(path));
	if (err)
		return err;
	int dirfd = attr_dirfd(attr);
	err = pin_target(dirfd, path, where, sizeof(where));
	if (err < 0)
		return err;
	if (err == 0) {
		/* Lookup errors as they are; anything found is not a bpf object: EACCES. */
		return fstatat(dirfd, where, &st, 0) ? -errno : -EACCES;
	}
	int fd = open(where, accmode | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		/* bpf_inode_type(): a directory is not a pinned object. */
		return err == -EISDIR ? -EACCES : err;
	}
	int r = ub_obj_adopt_fd(fd, 0);
	if (r < 0) {
		ub_raw_close(fd);
		/* A file that is no object: bpf_inode_type() says EACCES. */
		return r == -ENOENT ? -ENOENT : -EACCES;
	}
	return r;
}

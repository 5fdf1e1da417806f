// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Objects as tmpfs files: the namespace, ids, the process's fd table and cache. */
#include "sys/obj.h"
#include "sys/raw.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

_Atomic(uintptr_t *) ub_fd_chunks[UB_FD_CHUNKS];

static struct {
	ub_obj_info_fn info;
	size_t obj_size;
	void (*attach)(struct ub_obj *obj);
	void (*destroy)(struct ub_obj *obj);
} kinds[UB_OBJ_KIND_MAX];

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ub_obj *cache_head;

/* fork() from a threaded process must not leave the cache lock held in the child. */
static void cache_prefork(void)
{
	pthread_mutex_lock(&cache_lock);
}

static void cache_postfork(void)
{
	pthread_mutex_unlock(&cache_lock);
}

/* Our pid, for names of unfinished objects: kept here, getpid() is a system call. */
static pid_t self_pid;

static void cache_postfork_child(void)
{
	self_pid = getpid();
	pthread_mutex_unlock(&cache_lock);
}

__attribute__((constructor)) static void cache_atfork(void)
{
	self_pid = getpid();
	pthread_atfork(cache_prefork, cache_postfork, cache_postfork_child);
}

static char ns_root[4096];
static char ns_objs[4200]; /* $ROOT/objs: no fd is kept open for it */
static atomic_uint *ns_ids; /* the shared id counters, one per kind */
static pthread_once_t ns_once = PTHREAD_ONCE_INIT;
static int ns_err;
static mode_t ns_obj_mode = 0600; /* new object files: see ns_init() */

void ub_obj_register_kind(u32 kind, size_t obj_size, void (*attach)(struct ub_obj *),
			  void (*destroy)(struct ub_obj *))
{
	kinds[kind].obj_size = obj_size;
	kinds[kind].attach = attach;
	kinds[kind].destroy = destroy;
}

void ub_obj_register_info(u32 kind, ub_obj_info_fn fn)
{
	kinds[kind].info = fn;
}

ub_obj_info_fn ub_obj_info_of(u32 kind)
{
	return kind < UB_OBJ_KIND_MAX ? kinds[kind].info : NULL;
}

const char *ub_obj_prefix(u32 kind)
{
	switch (kind) {
	case UB_OBJ_MAP:
		return "bpf-map";
	case UB_OBJ_PROG:
		return "bpf-prog";
	case UB_OBJ_BTF:
		return "bpf-btf";
	case UB_OBJ_LINK:
		return "bpf-link";
	}
	return "bpf-obj";
}

static int mkdir_p(char *path, mode_t mode)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int r = mkdir(path, mode);
		*p = '/';
		if (r && errno != EEXIST)
			return -errno;
	}
	if (mkdir(path, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

static void ns_init(void)
{
	int saved_errno = errno;
	const char *env = getenv("USERBPF_ROOT");
	char path[4200];
	mode_t mode = 0700;

	if (env && *env) {
		snprintf(ns_root, sizeof(ns_root), "%s", env);
		mode = 0755;
	} else {
		snprintf(ns_root, sizeof(ns_root), "/dev/shm/userbpf-%u", (unsigned)getuid());
	}
	snprintf(path, sizeof(path), "%s/objs", ns_root);
	if ((ns_err = mkdir_p(path, mode)))
		return;
	snprintf(path, sizeof(path), "%s/bpffs", ns_root);
	if ((ns_err = mkdir_p(path, mode)))
		return;
	snprintf(ns_objs, sizeof(ns_objs), "%s/objs", ns_root);
	/*
	 * Objects are private to their creator's uid unless the namespace is
	 * shared: a group- or other-writable objs/ directory gives that class
	 * read and write access to new objects too (docs/namespace.md).
	 */
	struct stat dst;
	if (stat(ns_objs, &dst) == 0)
		ns_obj_mode = 0600 | ((dst.st_mode & S_IWGRP) ? 0060 : 0) |
			      ((dst.st_mode & S_IWOTH) ? 0006 : 0);

	snprintf(path, sizeof(path), "%s/ids", ns_root);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, ns_obj_mode);
	if (fd < 0) {
		ns_err = -errno;
		return;
	}
	struct stat st;
	/* A shared namespace's id counters are everyone's (umask aside). */
	if (fstat(fd, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 0777) != ns_obj_mode)
		fchmod(fd, ns_obj_mode);
	if (fstat(fd, &st) == 0 && st.st_size < (off_t)UB_PAGE_SIZE && ftruncate(fd, UB_PAGE_SIZE)) {
		ns_err = -errno;
		close(fd);
		return;
	}
	long p = ub_raw_mmap(NULL, UB_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (ub_raw_is_err(p)) {
		ns_err = (int)p;
		return;
	}
	ns_ids = (atomic_uint *)p;
	errno = saved_errno;
}

const char *ub_ns_root(void)
{
	pthread_once(&ns_once, ns_init);
	return ns_root;
}

/* The objs directory; the AT_FDCWD-relative paths below are built on it. */
int ub_ns_objs_dirfd(void)
{
	pthread_once(&ns_once, ns_init);
	return ns_err;
}

/* $ROOT/objs/@name into @buf. */
static const char *objpath(char *buf, size_t sz, const char *name)
{
	snprintf(buf, sz, "%s/%s", ns_objs, name);
	return buf;
}
#define OBJPATH(name) objpath((char[4300]){0}, 4300, (name))

u32 ub_ns_next_id(u32 kind)
{
	/* Ids start at 1 and are never reused within a namespace. */
	return atomic_fetch_add(&ns_ids[kind], 1) + 1;
}

/* ---- fd table ---------------------------------------------------------- */

static uintptr_t *fd_slot(int fd, bool alloc)
{
	if (fd < 0 || fd >= (UB_FD_CHUNKS << UB_FD_CHUNK_BITS))
		return NULL;
	_Atomic(uintptr_t *) *cp = &ub_fd_chunks[fd >> UB_FD_CHUNK_BITS];
	uintptr_t *chunk = atomic_load(cp);
	if (!chunk) {
		if (!alloc)
			return NULL;
		uintptr_t *fresh = calloc(1u << UB_FD_CHUNK_BITS, sizeof(uintptr_t));
		if (!fresh)
			return NULL;
		uintptr_t *expected = NULL;
		if (atomic_compare_exchange_strong(cp, &expected, fresh))
			chunk = fresh;
		else {
			free(fresh);
			chunk = expected;
		}
	}
	return &chunk[fd & ((1 << UB_FD_CHUNK_BITS) - 1)];
}

void ub_fd_install(int fd, struct ub_obj *obj, u32 mode)
{
	uintptr_t *slot = fd_slot(fd, true);
	if (!slot)
		return; /* beyond the table: resolved slowly each time */
	ub_obj_get(obj);
	uintptr_t old = __atomic_exchange_n(slot, (uintptr_t)obj | mode, __ATOMIC_ACQ_REL);
	if (old)
		ub_obj_put((struct ub_obj *)(old & ~(uintptr_t)3));
}

void ub_fd_forget(int fd)
{
	uintptr_t *slot = fd_slot(fd, false);
	if (!slot)
		return;
	uintptr_t old = __atomic_exchange_n(slot, 0, __ATOMIC_ACQ_REL);
	if (old)
		ub_obj_put((struct ub_obj *)(old & ~(uintptr_t)3));
}

void ub_fd_forget_range(unsigned lo, unsigned hi)
{
	unsigned max = (unsigned)UB_FD_CHUNKS << UB_FD_CHUNK_BITS;
	if (hi >= max)
		hi = max - 1;
	for (unsigned fd = lo; fd <= hi && fd >= lo; fd++) {
		if (!atomic_load(&ub_fd_chunks[fd >> UB_FD_CHUNK_BITS])) {
			fd |= (1u << UB_FD_CHUNK_BITS) - 1; /* skip the empty chunk */
			continue;
		}
		ub_fd_forget((int)fd);
	}
}

bool ub_fd_known(int fd)
{
	uintptr_t *slot = fd_slot(fd, false);
	return slot && __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}

/* Take a reference unless the last one is already gone (a close raced us). */
static bool obj_tryget(struct ub_obj *obj)
{
	int r = atomic_load(&obj->refs);
	while (r > 0)
		if (atomic_compare_exchange_weak(&obj->refs, &r, r + 1))
			return true;
	return false;
}

void ub_fd_dup(int oldfd, int newfd)
{
	uintptr_t *slot = fd_slot(oldfd, false);
	uintptr_t w = slot ? __atomic_load_n(slot, __ATOMIC_ACQUIRE) : 0;
	struct ub_obj *obj = (struct ub_obj *)(w & ~(uintptr_t)3);
	/*
	 * A close() of @oldfd in another thread may have dropped the object's
	 * last reference after we read the slot: never revive it. @newfd is
	 * then resolved from the file on first use, like any unknown fd.
	 */
	if (w && obj_tryget(obj)) {
		ub_fd_install(newfd, obj, (u32)(w & 3));
		ub_obj_put(obj);
	} else {
		ub_fd_forget(newfd);
	}
}

/* ---- process-local objects --------------------------------------------- */

void ub_obj_get(struct ub_obj *obj)
{
	atomic_fetch_add(&obj->refs, 1);
}

/*
 * Objects whose last reference went away are kept mapped a little longer: a
 * thread still inside an operation on an fd that another thread closed keeps
 * reading valid memory. The oldest are released once the quarantine is full.
 */
#define QUARANTINE 32
static struct ub_obj *quarantine[QUARANTINE];
static unsigned quarantine_next;

static void obj_release(struct ub_obj *obj)
{
	if (kinds[obj->kind].destroy)
		kinds[obj->kind].destroy(obj);
	ub_raw_munmap(obj->base, obj->map_len);
	free(obj);
}

void ub_obj_put(struct ub_obj *obj)
{
	if (atomic_fetch_sub(&obj->refs, 1) != 1)
		return;
	pthread_mutex_lock(&cache_lock);
	/*
	 * Between our drop to zero and this lock, a lookup may have revived the
	 * object and its new last put may have quarantined it already: then it
	 * is no longer cached (and may be freed), so it is not ours to release.
	 */
	struct ub_obj **pp = &cache_head;
	while (*pp && *pp != obj)
		pp = &(*pp)->cache_next;
	if (!*pp || atomic_load(&obj->refs) != 0) {
		pthread_mutex_unlock(&cache_lock);
		return;
	}
	*pp = obj->cache_next;
	struct ub_obj *old = quarantine[quarantine_next % QUARANTINE];
	quarantine[quarantine_next++ % QUARANTINE] = obj;
	pthread_mutex_unlock(&cache_lock);
	if (old)
		obj_release(old);
}

/* Find or build this process's object for the file open as @fd. */
static struct ub_obj *obj_attach(int fd, const struct stat *st, const struct ub_obj_hdr *h)
{
	struct ub_obj *obj;

	pthread_mutex_lock(&cache_lock);
	for (obj = cache_head; obj; obj = obj->cache_next) {
		if (obj->dev == st->st_dev && obj->ino == st->st_ino) {
			ub_obj_get(obj);
			pthread_mutex_unlock(&cache_lock);
			return obj;
		}
	}
	pthread_mutex_unlock(&cache_lock);

	if (h->kind == 0 || h->kind >= UB_OBJ_KIND_MAX || !kinds[h->kind].obj_size)
		return NULL;
	/* Map through a lock-free open file description of our own. */
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int rfd = open(path, O_RDWR | O_CLOEXEC);
	if (rfd < 0)
		return NULL;
	size_t len = h->content_size + UB_HDR_SIZE;
	long r = ub_raw_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, rfd, 0);
	ub_raw_close(rfd);
	if (ub_raw_is_err(r))
		return NULL;
	void *base = (void *)r;
	obj = calloc(1, kinds[h->kind].obj_size);
	if (!obj) {
		ub_raw_munmap(base, len);
		return NULL;
	}
	obj->kind = h->kind;
	obj->id = h->id;
	obj->dev = st->st_dev;
	obj->ino = st->st_ino;
	obj->base = base;
	obj->map_len = len;
	obj->hdr = (struct ub_obj_hdr *)((u8 *)base + h->content_size);
	atomic_init(&obj->refs, 1);
	if (kinds[h->kind].attach)
		kinds[h->kind].attach(obj);

	pthread_mutex_lock(&cache_lock);
	struct ub_obj *o2;
	for (o2 = cache_head; o2; o2 = o2->cache_next) {
		if (o2->dev == st->st_dev && o2->ino == st->st_ino) {
			ub_obj_get(o2);
			break;
		}
	}
	if (!o2) {
		obj->cache_next = cache_head;
		cache_head = obj;
	}
	pthread_mutex_unlock(&cache_lock);
	if (o2) { /* another thread attached it first */
		obj_release(obj);
		obj = o2;
	}
	return obj;
}

/* Read the header of the file open as @fd: 0, or -EINVAL if not an object. */
static int read_hdr(int fd, struct stat *st, struct ub_obj_hdr *h)
{
	if (fstat(fd, st))
		return -errno;
	if (!S_ISREG(st->st_mode) || st->st_size < (off_t)UB_HDR_SIZE ||
	    st->st_size % UB_PAGE_SIZE)
		return -EINVAL;
	/* pread needs read access; fall back to our own open for O_WRONLY fds. */
	ssize_t n = pread(fd, h, sizeof(*h), st->st_size - UB_HDR_SIZE);
	if (n < 0 && errno == EBADF) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		int rfd = open(path, O_RDONLY | O_CLOEXEC);
		if (rfd < 0)
			return -EINVAL;
		n = pread(rfd, h, sizeof(*h), st->st_size - UB_HDR_SIZE);
		close(rfd);
	}
	if (n == (ssize_t)sizeof(*h) && h->magic == UB_OBJ_MAGIC && h->hdr_version != UB_HDR_VERSION) {
		ub_log("fd %d: object of header version %u, this build reads %u", fd,
		       h->hdr_version, UB_HDR_VERSION);
		return -EINVAL;
	}
	if (n != (ssize_t)sizeof(*h) || h->magic != UB_OBJ_MAGIC ||
	    h->content_size + UB_HDR_SIZE != (u64)st->st_size)
		return -EINVAL;
	return 0;
}

static u32 accmode_to_mode(int flags)
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		return UB_MODE_READ;
	case O_WRONLY:
		return UB_MODE_WRITE;
	default:
		return UB_MODE_RDWR;
	}
}

struct ub_fd_ref ub_fd_resolve_slow(int fd)
{
	struct stat st;
	struct ub_obj_hdr h;
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return (struct ub_fd_ref){NULL, (u32)-EBADF};
	if (read_hdr(fd, &st, &h))
		return (struct ub_fd_ref){NULL, (u32)-EINVAL};
	struct ub_obj *obj = obj_attach(fd, &st, &h);
	if (!obj)
		return (struct ub_fd_ref){NULL, (u32)-EINVAL};
	u32 mode = accmode_to_mode(fl);
	ub_fd_install(fd, obj, mode);
	ub_obj_put(obj);
	return (struct ub_fd_ref){obj, mode};
}

/* ---- creating and opening --------------------------------------------- */

/* Remove the unfinished object file @tmp and close what ub_obj_create() opened of it. */
static int create_fail(const char *tmp, int ufd, int fd, int err)
{
	unlinkat(AT_FDCWD, OBJPATH(tmp), 0);
	if (fd >= 0)
		ub_raw_close(fd);
	ub_raw_close(ufd);
	return err;
}

/*
 * The creating open: the user's fd, made first so that it is the lowest free
 * fd, as the kernel's would be, and with the fd's access mode from the start,
 * so it is never reopened. Its name, ".new-<pid>-<n>", is ignored by
 * collectors and lets the id walk reap it if we die before it is published.
 */
static int create_file(int accmode, char *tmp, size_t sz)
{
	static atomic_uint seq;
	for (;;) {
		snprintf(tmp, sz, ".new-%d-%u", (int)self_pid, atomic_fetch_add(&seq, 1));
		int fd = openat(AT_FDCWD, OBJPATH(tmp), accmode | O_CREAT | O_EXCL | O_CLOEXEC,
				ns_obj_mode);
		/* Taken by a process that shares our pid's name (a raw clone() child): next. */
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? -errno : fd;
	}
}

int ub_obj_create(u32 kind, u64 content_size, int accmode,
		  int (*init)(struct ub_obj *obj, void *arg), void *arg, struct ub_obj **objp)
{
	int nserr = ub_ns_objs_dirfd();
	char tmp[64], name[64];
	u64 len = content_size + UB_HDR_SIZE;
	int fd, ufd, err;

	if (nserr)
		return nserr;
	if (len > (u64)SIZE_MAX / 2)
		return -ENOMEM;
	ufd = create_file(accmode, tmp, sizeof(tmp));
	if (ufd < 0)
		return ufd;
	/*
	 * A second open file description, ours, to size and map the file: it
	 * holds no lock, so this process's mapping never keeps the object alive.
	 */
	fd = openat(AT_FDCWD, OBJPATH(tmp), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return create_fail(tmp, ufd, -1, -errno);
	/* What the kernel's allocator would refuse: more than the memory there is. */
	struct statvfs vfs;
	if (fstatvfs(fd, &vfs) == 0 && vfs.f_bavail && len / vfs.f_frsize >= (u64)vfs.f_bavail)
		return create_fail(tmp, ufd, fd, -ENOMEM);
	/* The namespace's mode, not the umask's. */
	if (ns_obj_mode != 0600)
		fchmod(fd, ns_obj_mode);
	/* Not ftruncate(): the interposed one would look the fd up first. */
	long r = ub_raw_syscall6(SYS_ftruncate, fd, (long)len, 0, 0, 0, 0);
	if (r < 0)
		return create_fail(tmp, ufd, fd, r == -EFBIG || r == -ENOSPC ? -ENOMEM : (int)r);
	struct stat st;
	if (fstat(fd, &st))
		return create_fail(tmp, ufd, fd, -errno);
	r = ub_raw_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
	ub_raw_close(fd);
	if (ub_raw_is_err(r))
		return create_fail(tmp, ufd, -1, -ENOMEM);
	void *base = (void *)r;
	struct ub_obj *obj = calloc(1, kinds[kind].obj_size);
	if (!obj) {
		ub_raw_munmap(base, len);
		return create_fail(tmp, ufd, -1, -ENOMEM);
	}
	/* The id is taken only now: a refused create leaves no gap in the ids. */
	u32 id = ub_ns_next_id(kind);
	obj->kind = kind;
	obj->id = id;
	obj->dev = st.st_dev;
	obj->ino = st.st_ino;
	obj->base = base;
	obj->map_len = len;
	obj->hdr = (struct ub_obj_hdr *)((u8 *)base + content_size);
	obj->hdr->kind = kind;
	obj->hdr->id = id;
	obj->hdr->content_size = content_size;
	obj->hdr->hdr_version = UB_HDR_VERSION;
	obj->hdr->creator_pid = (u32)self_pid;
	atomic_init(&obj->refs, 1);
	err = init ? init(obj, arg) : 0;
	if (err) {
		ub_raw_munmap(base, len);
		free(obj);
		return create_fail(tmp, ufd, -1, err);
	}
	if (kinds[kind].attach)
		kinds[kind].attach(obj);
	__atomic_store_n(&obj->hdr->magic, UB_OBJ_MAGIC, __ATOMIC_RELEASE);

	/* The user's fd holds the object before it gets its public name. */
	while (flock(ufd, LOCK_SH))
		if (errno != EINTR) {
			err = -errno;
			goto err_release;
		}
	snprintf(name, sizeof(name), "%s-%u", ub_obj_prefix(kind), id);
	if (renameat(AT_FDCWD, OBJPATH(tmp), AT_FDCWD, OBJPATH(name))) {
		err = -errno;
		goto err_release;
	}
	pthread_mutex_lock(&cache_lock);
	obj->cache_next = cache_head;
	cache_head = obj;
	pthread_mutex_unlock(&cache_lock);
	ub_fd_install(ufd, obj, accmode_to_mode(accmode));
	ub_obj_put(obj); /* the fd slot holds it now */
	if (objp)
		*objp = obj;
	return ufd;

err_release:
	obj_release(obj);
	return create_fail(tmp, ufd, -1, err);
}

/*
 * Objects that hold other objects (a map its BTF, a program its maps) do it
 * the way pins do: a hard link of the held object's file, named
 * ".ref.<holder>.<held>" (the collector skips dot files), and the list of
 * held names in the holder's "user.userbpf.refs" xattr, so whoever collects
 * the holder drops the links too.
 */
#define REFS_XATTR "user.userbpf.refs"

int ub_obj_hold(int holder_fd, u32 kind, u32 id)
{
	char held[32], ref[80], list[1024];
	struct ub_obj *holder;
	u32 mode;

	if (!(holder = ub_fd_get(holder_fd, &mode)))
		return (int)mode;
	snprintf(held, sizeof(held), "%s-%u", ub_obj_prefix(kind), id);
	snprintf(ref, sizeof(ref), ".ref.%s-%u.%s", ub_obj_prefix(holder->kind), holder->id, held);
	/* Before the list exists: a collector reads the list only when the flag says so. */
	__atomic_fetch_or(&holder->hdr->flags, UB_OBJ_F_HOLDS, __ATOMIC_RELEASE);
	if (linkat(AT_FDCWD, OBJPATH(held), AT_FDCWD, OBJPATH(ref), 0) && errno != EEXIST)
		return -errno;
	ssize_t n = fgetxattr(holder_fd, REFS_XATTR, list, sizeof(list) - 1);
	if (n < 0)
		n = 0;
	list[n] = '\0';
	size_t hl = strlen(held);
	if ((size_t)n + hl + 2 > sizeof(list))
		goto fail;
	snprintf(list + n, sizeof(list) - (size_t)n, "%s\n", held);
	if (fsetxattr(holder_fd, REFS_XATTR, list, strlen(list), 0))
		goto fail;
	return 0;
fail:
	unlinkat(AT_FDCWD, OBJPATH(ref), 0);
	return -ENOSPC;
}

static bool obj_alive_or_collect(const char *name, const struct ub_obj *known);

/* The holder @name is gone: drop the links it held and collect what they kept. */
static void drop_refs(int fd, const char *name)
{
	char list[1024], ref[80];
	ssize_t n = fgetxattr(fd, REFS_XATTR, list, sizeof(list) - 1);
	if (n <= 0)
		return;
	list[n] = '\0';
	char *save;
	for (char *held = strtok_r(list, "\n", &save); held; held = strtok_r(NULL, "\n", &save)) {
		snprintf(ref, sizeof(ref), ".ref.%s.%s", name, held);
		unlinkat(AT_FDCWD, OBJPATH(ref), 0);
		obj_alive_or_collect(held, NULL);
	}
}

/*
 * Is the object file @name alive? Collect it if not: nobody holds its flock
 * and no pin links it. Returns true if alive. @known is this process's
 * object of that name when the caller has it (after a close()): the caller
 * has looked at the links already, and its header says whether it holds
 * others.
 */
static bool obj_alive_or_collect(const char *name, const struct ub_obj *known)
{
	struct stat st;
	/* Pinned or held by another object: alive, no need to look at locks. */
	if (!known && fstatat(AT_FDCWD, OBJPATH(name), &st, 0) == 0 && st.st_nlink > 1)
		return true;
	int fd = openat(AT_FDCWD, OBJPATH(name), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT; /* another user's private object still exists */
	bool alive = true;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		if (fstat(fd, &st) == 0 && st.st_nlink <= 1) {
			unlinkat(AT_FDCWD, OBJPATH(name), 0);
			alive = false;
			if (!known ||
			    __atomic_load_n(&known->hdr->flags, __ATOMIC_ACQUIRE) & UB_OBJ_F_HOLDS)
				drop_refs(fd, name);
		}
		/* Not left to close(): a fork() in another thread may share @fd now. */
		flock(fd, LOCK_UN);
	}
	ub_raw_close(fd);
	return alive;
}

int ub_obj_close(int fd, int (*real_close)(int))
{
	/*
	 * The slot's reference becomes ours: the object stays mapped until we
	 * are done. (Other fds' slots are only read: most closes are not ours.)
	 */
	uintptr_t *slot = fd_slot(fd, false);
	uintptr_t w = slot && __atomic_load_n(slot, __ATOMIC_RELAXED)
			  ? __atomic_exchange_n(slot, 0, __ATOMIC_ACQ_REL)
			  : 0;
	struct ub_obj *obj = (struct ub_obj *)(w & ~(uintptr_t)3);
	if (!obj)
		return real_close(fd);
	int saved = errno;
	/*
	 * Pinned or held by another object (a map by a program): this close
	 * cannot release it. Asked of the fd while we have it: no path lookup.
	 */
	struct stat st;
	bool linked = fstat(fd, &st) == 0 && st.st_nlink > 1;
	errno = saved;
	int r = real_close(fd);
	saved = errno;
	if (r == 0 && !linked && !ub_ns_objs_dirfd()) {
		char name[64];
		snprintf(name, sizeof(name), "%s-%u", ub_obj_prefix(obj->kind), obj->id);
		obj_alive_or_collect(name, obj);
	}
	ub_obj_put(obj);
	errno = saved;
	return r;
}

/*
 * Make the object file open as @fd a user fd of this process: take the
 * holder's shared lock (waiting out a collector's brief exclusive one), check
 * the file is a live object of @want_kind (0: any), attach it. @accmode is
 * the fd's O_ACCMODE, or -1 to ask the fd.
 */
static int adopt(int fd, u32 want_kind, int accmode)
{
	struct stat st;
	struct ub_obj_hdr h;
	while (flock(fd, LOCK_SH))
		if (errno != EINTR)
			return -errno;
	if (read_hdr(fd, &st, &h) || (want_kind && h.kind != want_kind))
		return -EINVAL;
	/* Unlinked by a collector before we held it: the object is gone. */
	if (st.st_nlink == 0)
		return -ENOENT;
	struct ub_obj *obj = obj_attach(fd, &st, &h);
	if (!obj)
		return -EINVAL;
	if (accmode < 0)
		accmode = fcntl(fd, F_GETFL);
	ub_fd_install(fd, obj, accmode_to_mode(accmode));
	ub_obj_put(obj);
	return fd;
}

int ub_obj_adopt_fd(int fd, u32 want_kind)
{
	return adopt(fd, want_kind, -1);
}

int ub_obj_open_by_id(u32 kind, u32 id, int accmode)
{
	char name[64];
	int nserr = ub_ns_objs_dirfd();
	if (nserr)
		return nserr;
	snprintf(name, sizeof(name), "%s-%u", ub_obj_prefix(kind), id);
	int fd = openat(AT_FDCWD, OBJPATH(name), accmode | O_CLOEXEC);
	if (fd < 0)
		return errno == EACCES ? -EACCES : -ENOENT;
	int r = adopt(fd, kind, accmode);
	if (r < 0) {
		ub_raw_close(fd);
		return r == -EINVAL ? -ENOENT : r;
	}
	return r;
}

static int parse_id(const char *name, const char *prefix, u32 *id)
{
	size_t pl = strlen(prefix);
	if (strncmp(name, prefix, pl) || name[pl] != '-')
		return -1;
	char *end;
	unsigned long v = strtoul(name + pl + 1, &end, 10);
	if (*end || v == 0 || v > UINT32_MAX)
		return -1;
	*id = (u32)v;
	return 0;
}

/* A ".new-<pid>-..." file whose creator died inside ub_obj_create(): remove it. */
static void reap_unfinished(int dirfd, const char *name)
{
	char *end;
	long pid = strtol(name + 5, &end, 10);
	if (end == name + 5 || *end != '-' || pid <= 0)
		return;
	if (kill((pid_t)pid, 0) && errno == ESRCH)
		unlinkat(dirfd, OBJPATH(name), 0);
}

int ub_obj_next_id(u32 kind, u32 start, u32 *next)
{
	int dirfd = AT_FDCWD, nserr = ub_ns_objs_dirfd();
	if (nserr)
		return nserr;
	const char *prefix = ub_obj_prefix(kind);
	u32 last = atomic_load(&ns_ids[kind]);
	char name[64];

	/* Ids are dense in practice: probe the next few by name first. */
	for (u32 id = start + 1, n = 0; id > start && id <= last && n < 64; id++, n++) {
		snprintf(name, sizeof(name), "%s-%u", prefix, id);
		if (obj_alive_or_collect(name, NULL)) {
			*next = id;
			return 0;
		}
	}
	/* Sparse: one pass over the directory. */
	DIR *d = opendir(ns_objs);
	if (!d)
		return -errno;
	u32 best = 0;
	struct dirent *de;
	/* Candidates are checked smallest first; collect in a small sorted pass. */
	u32 *cand = NULL;
	size_t nc = 0, cap = 0;
	while ((de = readdir(d))) {
		u32 id;
		if (!strncmp(de->d_name, ".new-", 5)) {
			reap_unfinished(dirfd, de->d_name);
			continue;
		}
		if (parse_id(de->d_name, prefix, &id) || id <= start)
			continue;
		if (nc == cap) {
			cap = cap ? cap * 2 : 64;
			u32 *nca = realloc(cand, cap * sizeof(*cand));
			if (!nca)
				break;
			cand = nca;
		}
		cand[nc++] = id;
	}
	closedir(d);
	while (nc) {
		size_t mi = 0;
		for (size_t i = 1; i < nc; i++)
			if (cand[i] < cand[mi])
				mi = i;
		snprintf(name, sizeof(name), "%s-%u", prefix, cand[mi]);
		if (obj_alive_or_collect(name, NULL)) {
			best = cand[mi];
			break;
		}
		cand[mi] = cand[--nc];
	}
	free(cand);
	if (!best)
		return -ENOENT;
	*next = best;
	return 0;
}

int ub_is_object_fd(int fd)
{
	u32 mode;
	return ub_fd_get(fd, &mode) != NULL;
}

const char *ub_namespace_root(void)
{
	return ub_ns_root();
}

/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Objects, the fd table and the namespace: how an fd number reaches a map. */
#ifndef UB_OBJ_H
#define UB_OBJ_H

#include "internal.h"
#include <sys/types.h>

/*
 * Every userbpf object (map, program, BTF) is a regular file on tmpfs in the
 * namespace, $ROOT/objs/<prefix>-<id>. Its layout:
 *
 *   offset 0                      content_size               + UB_HDR_SIZE
 *   +-----------------------------+--------------------------+
 *   | content: a map's elements   | header page: struct      |
 *   | (mmap-able from offset 0),  | ub_obj_hdr, then the     |
 *   | a program's insns, BTF blob | kind's own shared state  |
 *   +-----------------------------+--------------------------+
 *
 * An fd the user holds is an open file description of that file, opened with
 * the access mode of the kernel's fd (O_RDONLY for BPF_F_RDONLY, ...) and
 * holding a shared flock(). Liveness follows from that: the object is alive
 * while some open file description holds the flock (fds, dup()s, fork()ed and
 * SCM_RIGHTS copies, and user mmap()s, which keep their file open) or a pin
 * (a hard link in the pin tree: st_nlink > 1). Each process maps every object
 * it uses once, through a second open file description that holds no lock, so
 * its own bookkeeping never keeps an object alive.
 */
#define UB_HDR_SIZE 4096UL
#define UB_OBJ_MAGIC 0x3170627265737575ULL /* "userbpf1" */
/*
 * The layout of every shared header (struct ub_obj_hdr and the kinds' own).
 * Bump it whenever one changes: processes of different builds then refuse
 * each other's objects (EINVAL, as for any non-bpf fd) instead of misreading
 * them. Size assertions beside each header are the reminder.
 */
#define UB_HDR_VERSION 3

enum ub_obj_kind {
	UB_OBJ_MAP = 1,
	UB_OBJ_PROG = 2,
	UB_OBJ_BTF = 3,
	UB_OBJ_LINK = 4,
	UB_OBJ_KIND_MAX,
};

/* The start of every header page; the kind's own header follows it. */
struct ub_obj_hdr {
	u64 magic;
	u32 kind;
	u32 id;
	u64 content_size; /* bytes before the header; page aligned */
	u32 hdr_version;
	u32 creator_pid;
	u32 flags;		/* UB_OBJ_F_* */
} __attribute__((aligned(64))); /* the kind's header follows, cache-line aligned */

/* The object holds others (ub_obj_hold()): its collector must drop their links. */
#define UB_OBJ_F_HOLDS 1u
_Static_assert(sizeof(struct ub_obj_hdr) == 64, "shared layout changed: bump UB_HDR_VERSION");

/* One object as seen by this process. */
struct ub_obj {
	u32 kind;
	u32 id;
	atomic_int refs;   /* fd slots in this process + internal holders */
	dev_t dev;
	ino_t ino;
	u8 *base;          /* content, then header: the whole file, shared */
	size_t map_len;
	struct ub_obj_hdr *hdr;
	struct ub_obj *cache_next;
	void (*destroy)(struct ub_obj *obj); /* the kind's teardown */
};

static inline void *ub_obj_hdr_tail(struct ub_obj *obj)
{
	return (u8 *)obj->hdr + sizeof(struct ub_obj_hdr);
}

/* The fd table. Lookup is a lock-free load: no syscall on the fast path. */
#define UB_FD_CHUNK_BITS 10
#define UB_FD_CHUNKS 4096 /* fds up to 4M */
extern UB_HIDDEN _Atomic(uintptr_t *) ub_fd_chunks[UB_FD_CHUNKS];

/*
 * An fd's object and access mode (or, without an object, -errno), returned
 * by value: in two registers, so that ub_fd_get()'s callers keep no stack
 * slot for a slow path they almost never take.
 */
struct ub_fd_ref {
	struct ub_obj *obj;
	u32 mode;
};
UB_HIDDEN struct ub_fd_ref ub_fd_resolve_slow(int fd);

/*
 * ub_fd_get - the object behind @fd, with the fd's access mode in *@mode.
 * Returns NULL with *mode == -EBADF for a closed fd, -EINVAL for an open fd
 * that is not a userbpf object. No reference is taken: valid until the fd is
 * closed (a concurrent close() of an fd in use is the caller's race, as with
 * any fd).
 */
static inline struct ub_obj *ub_fd_get(int fd, u32 *mode)
{
	unsigned int ufd = (unsigned int)fd; /* one compare for both ends, no sign extension */
	if (likely(ufd < (UB_FD_CHUNKS << UB_FD_CHUNK_BITS))) {
		uintptr_t *chunk = atomic_load_explicit(&ub_fd_chunks[ufd >> UB_FD_CHUNK_BITS],
							memory_order_acquire);
		if (likely(chunk != NULL)) {
			uintptr_t w = __atomic_load_n(&chunk[ufd & ((1 << UB_FD_CHUNK_BITS) - 1)],
						      __ATOMIC_ACQUIRE);
			/* Tested as a pointer: a caller's NULL check then folds away. */
			struct ub_obj *obj = (struct ub_obj *)(w & ~(uintptr_t)3);
			if (likely(obj)) {
				*mode = (u32)(w & 3);
				return obj;
			}
		}
	}
	struct ub_fd_ref ref = ub_fd_resolve_slow(fd);
	*mode = ref.mode;
	return ref.obj;
}

UB_HIDDEN void ub_fd_install(int fd, struct ub_obj *obj, u32 mode);
UB_HIDDEN void ub_fd_forget(int fd);               /* close(fd) happened */
UB_HIDDEN void ub_fd_forget_range(unsigned lo, unsigned hi);
UB_HIDDEN void ub_fd_dup(int oldfd, int newfd);    /* newfd now shares oldfd */
UB_HIDDEN bool ub_fd_known(int fd);

/*
 * ub_obj_close - close(@fd) through @real_close, keeping the fd table right;
 * when @fd was an object's fd and its close may have dropped the object's
 * last holder, release the object now (the kernel frees an unpinned map at
 * its last close). Returns what @real_close returned, with its errno.
 */
UB_HIDDEN int ub_obj_close(int fd, int (*real_close)(int));

/* Object references (process-local). */
UB_HIDDEN void ub_obj_get(struct ub_obj *obj);
UB_HIDDEN void ub_obj_put(struct ub_obj *obj);

/* Namespace. */
UB_HIDDEN const char *ub_ns_root(void);
UB_HIDDEN int ub_ns_objs_dirfd(void); /* 0, or -errno if the namespace is unusable */
UB_HIDDEN const char *ub_obj_prefix(u32 kind);
UB_HIDDEN u32 ub_ns_next_id(u32 kind);

/*
 * ub_obj_create - make a new object file of @content_size bytes (page
 * aligned) plus the header page; map it, fill the common header, call
 * @init(obj, arg) to fill the rest, then publish it and return a user fd
 * with access mode @accmode (O_RDONLY, O_WRONLY or O_RDWR).
 * The new object is returned in *@objp with one reference owned by the fd.
 */
UB_HIDDEN int ub_obj_create(u32 kind, u64 content_size, int accmode,
			    int (*init)(struct ub_obj *obj, void *arg), void *arg,
			    struct ub_obj **objp);

/*
 * ub_obj_open_by_id - a new user fd for object @id of @kind, with @accmode.
 * -ENOENT when no live object has that id.
 */
UB_HIDDEN int ub_obj_open_by_id(u32 kind, u32 id, int accmode);

/* ub_obj_next_id - the smallest live id of @kind above @start, or -ENOENT. */
UB_HIDDEN int ub_obj_next_id(u32 kind, u32 start, u32 *next);

/*
 * ub_obj_hold - the object open as @holder_fd keeps object @id of @kind alive
 * for as long as it lives itself (the kernel's reference from a map to its
 * BTF, from a program to its maps). 0 or -errno.
 */
UB_HIDDEN int ub_obj_hold(int holder_fd, u32 kind, u32 id);

/* Open a user fd on an object file already opened as @fd (pins). */
UB_HIDDEN int ub_obj_adopt_fd(int fd, u32 want_kind);

/*
 * Each kind registers the size of its process-local object (which starts
 * with struct ub_obj), @attach to fill it once the file is mapped, and
 * @destroy to undo that when the process drops its last reference.
 */
UB_HIDDEN void ub_obj_register_kind(u32 kind, size_t obj_size, void (*attach)(struct ub_obj *),
				    void (*destroy)(struct ub_obj *));

/*
 * BPF_OBJ_GET_INFO_BY_FD for one kind: fill the caller's @uinfo (@info_len
 * bytes, may be NULL) and write the final length back with
 * ub_put_attr_u32(uattr, offsetof(union ub_attr, info.info_len), len).
 * Returns 0 or -errno.
 */
typedef long (*ub_obj_info_fn)(struct ub_obj *obj, void *uinfo, u32 info_len, void *uattr);
UB_HIDDEN void ub_obj_register_info(u32 kind, ub_obj_info_fn fn);
UB_HIDDEN ub_obj_info_fn ub_obj_info_of(u32 kind);

#endif

// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* ub_bpf(): the generic attr checks, the command table, and the map commands. */
#include "sys/sys.h"
#include "maps/map.h"
#include "btf/btf.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const struct {
	ub_cmd_fn fn;
	u16 last_end;
} cmd_table[] = {
#define UB_CMD(cmd, fn_, end) [cmd] = {.fn = fn_, .last_end = (end)},
#include "sys/cmds.h"
#undef UB_CMD
};

/*
 * Copy @n (at most UB_ATTR_SIZE) bytes of the caller's attr, reading 4 bytes
 * at a time and writing 8. Every load then lies inside one of the caller's
 * field stores (libbpf clears the attr with 16-byte stores and then writes
 * 4- and 8-byte fields over it): a wider load spanning several recent stores
 * cannot be forwarded from them and waits for them to reach the cache, which
 * cost libbpf's bpf_map_lookup_elem() 15.4 ns a call against 8.5 ns. The
 * handler's loads lie inside our 8-byte stores. Not memcpy() either: gcc
 * inlines a variable-length memcpy() of this size as a rep movs.
 */
static inline void attr_copy_in(u8 *dst, const u8 *src, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		u32 lo, hi;
		memcpy(&lo, src + i, 4);
		memcpy(&hi, src + i + 4, 4);
		/* Keep gcc from merging the two loads back into one. */
		__asm__("" : "+r"(lo), "+r"(hi));
		u64 w = lo | (u64)hi << 32;
		memcpy(dst + i, &w, 8);
	}
	for (; i < n; i++)
		dst[i] = src[i];
}

/*
 * Element commands whose handlers only read their attr, each field at most
 * as far as the command's last one, and never write it: when the caller's
 * attr holds all of their fields, ub_bpf() hands them that attr itself
 * instead of a copy (2.3 ns of a 7.7 ns lookup). A handler that comes to
 * write its attr, or to read past its fields, must leave this list; the
 * differential tests compare the attr bytes after every call.
 */
static const bool attr_read_only[] = {
	[BPF_MAP_LOOKUP_ELEM] = true,
	[BPF_MAP_UPDATE_ELEM] = true,
	[BPF_MAP_GET_NEXT_KEY] = true,
};

__thread unsigned int ub_cur_attr_size __attribute__((tls_model("initial-exec")));

/* The size of the whole union in the uapi header userbpf was built with (144 in Linux 6.1's). */
#define HDR_ATTR_SIZE sizeof(union bpf_attr)

/*
 * CHECK_ATTR of a complete attr (end < size <= UB_ATTR_SIZE). A raw caller
 * usually passes its whole union: 6.18's, or that of the headers on the
 * system, which userbpf was built with too. Those sizes get their own
 * constant-bound copy of the check, others the jump into the run of loads.
 */
static __attribute__((always_inline)) inline u64 attr_check_tail(const void *uattr, size_t end,
								 unsigned int size)
{
	if (size == UB_ATTR_SIZE)
		return ub_attr_tail_nonzero(uattr, end, UB_ATTR_SIZE);
	if (HDR_ATTR_SIZE > end && HDR_ATTR_SIZE < UB_ATTR_SIZE && size == HDR_ATTR_SIZE)
		return ub_attr_tail_nonzero(uattr, end, HDR_ATTR_SIZE);
	return ub_attr_tail_nonzero(uattr, end, size);
}

/* Every attr the fast path in ub_bpf() does not take, with all the checks in order. */
static __attribute__((noinline)) long bpf_general(int cmd, void *uattr, unsigned int size)
{
	union ub_attr attr;

	ub_cur_attr_size = size;
	/* bpf_check_uarg_tail_zero(): at most a page, zeros past the union. */
	if (unlikely(size > UB_PAGE_SIZE))
		return -E2BIG;
	if (unlikely(size && !uattr))
		return -EFAULT;
	if (unlikely(size > UB_ATTR_SIZE) && !mem_is_zero(uattr, UB_ATTR_SIZE, size))
		return -E2BIG;
	if (unlikely(cmd < 0 || (unsigned)cmd >= ARRAY_SIZE(cmd_table) || !cmd_table[cmd].fn))
		return -EINVAL;

	/* CHECK_ATTR: bytes past the command's last field must be zero. */
	size_t end = cmd_table[cmd].last_end;
	size_t n = size < UB_ATTR_SIZE ? size : UB_ATTR_SIZE;
	if (unlikely(n > end) && ub_attr_tail_nonzero(uattr, end, n))
		return -EINVAL;
	if (n > end)
		n = end;
	attr_copy_in(attr.raw, uattr, n);
	if (n < end)
		memset(attr.raw + n, 0, end - n);
	return cmd_table[cmd].fn(&attr, uattr);
}

/*
 * The common case: a known command and an attr that holds all of its fields
 * (libbpf passes exactly those, raw callers the whole union). Every check of
 * bpf_general() passes then but CHECK_ATTR, so the order of checks is the
 * same. Returns >= 0 or -errno. Always inlined: bpf_dispatch() instantiates
 * it with a constant @cmd for the element commands, which folds the table
 * lookups (boundary, handler, read-only) into constants and the handler call
 * into a direct one, inlined in turn (UB_ELEM_HANDLER).
 */
static __attribute__((always_inline)) inline long bpf_fast(int cmd, void *uattr, unsigned int size)
{
	union ub_attr attr;

	if (likely((unsigned)cmd < ARRAY_SIZE(cmd_table) && uattr && size <= UB_ATTR_SIZE)) {
		size_t end = cmd_table[cmd].last_end;
		if (likely(cmd_table[cmd].fn && size >= end)) {
			/* CHECK_ATTR: bytes past the command's last field must be zero. */
			if (size > end && unlikely(attr_check_tail(uattr, end, size)))
				return -EINVAL;
			if (likely(cmd < (int)ARRAY_SIZE(attr_read_only) && attr_read_only[cmd]))
				return cmd_table[cmd].fn(uattr, uattr);
			/* Only commands that copy their attr may look at the caller's size. */
			ub_cur_attr_size = size;
			attr_copy_in(attr.raw, uattr, end);
			return cmd_table[cmd].fn(&attr, uattr);
		}
	}
	return bpf_general(cmd, uattr, size);
}

/* The other commands: the same path with @cmd a variable, and the attr copy's frame. */
static __attribute__((noinline)) long bpf_other(int cmd, void *uattr, unsigned int size)
{
	return bpf_fast(cmd, uattr, size);
}

static __attribute__((always_inline)) inline long bpf_dispatch(int cmd, void *uattr,
							     unsigned int size)
{
	switch (cmd) {
	case BPF_MAP_LOOKUP_ELEM:
		return bpf_fast(BPF_MAP_LOOKUP_ELEM, uattr, size);
	case BPF_MAP_UPDATE_ELEM:
		return bpf_fast(BPF_MAP_UPDATE_ELEM, uattr, size);
	case BPF_MAP_GET_NEXT_KEY:
		return bpf_fast(BPF_MAP_GET_NEXT_KEY, uattr, size);
	default:
		return bpf_other(cmd, uattr, size);
	}
}

/* A failed call: errno, -1. Out of line, a tail call: the success path keeps no frame for it. */
static __attribute__((noinline, cold)) int bpf_fail(long err)
{
	errno = (int)-err;
	return -1;
}

int ub_bpf(int cmd, union bpf_attr *uattr, unsigned int size)
{
	long r = bpf_dispatch(cmd, uattr, size);
	return likely(r >= 0) ? (int)r : bpf_fail(r);
}

/*
 * The preload library's syscall(SYS_bpf, cmd, attr, size): its arguments
 * arrive where syscall() received them and the result is already a long, so
 * the hook is a compare and a jump.
 */
long ub_bpf_syscall(long nr, long cmd, long uattr, long size)
{
	(void)nr;
	long r = bpf_dispatch((int)cmd, (void *)uattr, (unsigned int)size);
	return likely(r >= 0) ? (int)r : bpf_fail(r);
}

/* ---- shared helpers ------------------------------------------------------ */

/* ub_obj_from_fd(), inlined into the element commands: out-parameters become registers. */
static __attribute__((always_inline)) inline struct ub_obj *obj_from_fd(int fd, u32 kind, u32 *mode,
									 int *err)
{
	struct ub_obj *obj = ub_fd_get(fd, mode);
	if (unlikely(!obj)) {
		*err = (int)*mode;
		return NULL;
	}
	if (unlikely(obj->kind != kind)) {
		*err = -EINVAL;
		return NULL;
	}
	return obj;
}

struct ub_obj *ub_obj_from_fd(int fd, u32 kind, u32 *mode, int *err)
{
	return obj_from_fd(fd, kind, mode, err);
}

/* The map behind @fd for a command that only reads it: frozen does not matter. */
static inline struct ub_map *map_from_fd_read(u32 fd, u32 *perms, int *err)
{
	struct ub_obj *obj = obj_from_fd((int)fd, UB_OBJ_MAP, perms, err);
	return likely(obj) ? obj_to_map(obj) : NULL;
}

static inline struct ub_map *map_from_fd(u32 fd, u32 *perms, int *err)
{
	struct ub_obj *obj = obj_from_fd((int)fd, UB_OBJ_MAP, perms, err);
	if (unlikely(!obj))
		return NULL;
	struct ub_map *map = obj_to_map(obj);
	/* A frozen map has no write permission through any fd. */
	if (atomic_load_explicit(&map->h->frozen, memory_order_acquire))
		*perms &= ~UB_MODE_WRITE;
	return map;
}

/*
 * Letters, digits, '_' and '.' (the kernel's isalnum() is Latin-1: 0xC0-0xFF
 * except 0xD7 and 0xF7 count as letters; the live kernel rejects 0xAA, 0xB5
 * and 0xBA), NUL-terminated within 16 bytes.
 */
static bool name_char_ok(u8 c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '.')
		return true;
	return c >= 0xC0 && c != 0xD7 && c != 0xF7;
}

int ub_obj_name_check(const char name[16])
{
	for (int i = 0; i < 16; i++) {
		if (!name[i])
			return 0;
		if (!name_char_ok((u8)name[i]))
			return -EINVAL;
	}
	return -EINVAL; /* no terminator */
}

/* ---- BPF_MAP_CREATE ------------------------------------------------------ */

struct map_create_ctx {
	const union ub_attr *attr;
	const struct map_ops *ops;
	u32 ncpus;
	s32 spin_lock_off;
	u32 btf_id;
	u32 nr_special;
	struct ub_btf_special special[UB_BTF_MAX_SPECIAL];
};

static int map_init(struct ub_obj *obj, void *arg)
{
	struct map_create_ctx *c = arg;
	const union ub_attr *a = c->attr;
	struct ub_map_hdr *h = ub_obj_hdr_tail(obj);

	h->map_type = a->map_type;
	h->key_size = a->key_size;
	h->value_size = a->value_size;
	h->max_entries = a->max_entries;
	/* RDONLY/WRONLY only shape the creating fd; they are not map flags. */
	h->map_flags = a->map_flags & ~(BPF_F_RDONLY | BPF_F_WRONLY);
	h->numa_node = (a->map_flags & BPF_F_NUMA_NODE) ? a->numa_node : UB_NUMA_NO_NODE;
	h->map_extra = a->map_extra;
	memcpy(h->name, a->map_name, strnlen(a->map_name, sizeof(h->name)));
	h->btf_id = c->btf_id;
	if (c->btf_id) {
		h->btf_key_type_id = a->btf_key_type_id;
		h->btf_value_type_id = a->btf_value_type_id;
	}
	h->spin_lock_off = c->spin_lock_off;
	h->nr_special = c->nr_special;
	for (u32 i = 0; i < c->nr_special; i++) {
		h->special[i].off = c->special[i].off;
		h->special[i].size = c->special[i].size;
	}
	h->ncpus = c->ncpus;
	h->elem_size = round_up((u64)a->value_size, 8);
	h->percpu_stride = round_up(h->elem_size * a->max_entries, 64);
	h->data_size = h->elem_size * a->max_entries;

	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&h->lock, &ma);
	pthread_mutexattr_destroy(&ma);

	struct ub_map tmp = {.h = h, .data = obj->base};
	return c->ops->init ? c->ops->init(&tmp) : 0;
}

/*
 * Is NUMA node @node online? /sys/devices/system/node/online is a list such
 * as "0" or "0-1,3"; without it (no NUMA support) only node 0 exists.
 */
static bool numa_node_online(u32 node)
{
	FILE *f = fopen("/sys/devices/system/node/online", "re");
	char buf[256];
	bool on = false;
	if (!f)
		return node == 0;
	if (fgets(buf, sizeof(buf), f)) {
		char *p = buf;
		while (*p && *p != '\n' && !on) {
			char *end;
			unsigned long a = strtoul(p, &end, 10), b = a;
			if (end == p)
				break;
			if (*end == '-')
				b = strtoul(end + 1, &end, 10);
			on = node >= a && node <= b;
			p = *end == ',' ? end + 1 : end;
		}
	}
	fclose(f);
	return on;
}

long sys_map_create(union ub_attr *attr, void *uattr)
{
	struct map_create_ctx c = {.attr = attr, .spin_lock_off = -1};
	bool token = attr->map_flags & BPF_F_TOKEN_FD;
	int accmode, err;
	(void)uattr;

	/* A token is an fd, not a property of the map: per-type checks never see it. */
	attr->map_flags &= ~BPF_F_TOKEN_FD;
	/* vmlinux value types are for struct_ops maps, which are kernel-only. */
	if (attr->btf_vmlinux_value_type_id)
		return -EINVAL;
	/* A key type without a value type describes nothing. */
	if (attr->btf_key_type_id && !attr->btf_value_type_id)
		return -EINVAL;
	/* map_extra belongs to bloom filters and arenas. */
	if (attr->map_extra)
		return -EINVAL;
	accmode = ub_file_flags(attr->map_flags);
	if (accmode < 0)
		return accmode;
	/* The node must be online (or NUMA_NO_NODE). */
	if ((attr->map_flags & BPF_F_NUMA_NODE) && attr->numa_node != UB_NUMA_NO_NODE &&
	    !numa_node_online(attr->numa_node))
		return -EINVAL;
	c.ops = ub_map_ops_of(attr->map_type);
	if (!c.ops)
		return -EINVAL;
	err = c.ops->alloc_check(attr);
	if (err)
		return err;
	/* No device can take a map offload here. */
	if (attr->map_ifindex)
		return c.ops->ifindex_errno;
	/* Tokens delegate privilege; every caller already has it, none is a token. */
	if (token)
		return fcntl(attr->map_token_fd, F_GETFD) < 0 ? -EBADF : -EINVAL;

	c.ncpus = (u32)ub_possible_cpus();
	if (ub_obj_name_check(attr->map_name))
		return -EINVAL;

	struct ub_obj *btf = NULL;
	if (attr->btf_key_type_id || attr->btf_value_type_id) {
		u32 mode;
		btf = ub_obj_from_fd((int)attr->btf_fd, UB_OBJ_BTF, &mode, &err);
		if (!btf)
			return err;
		err = ub_btf_map_check_fields(btf, attr->map_type, attr->map_flags, attr->key_size,
					      attr->value_size, attr->max_entries,
					      attr->btf_key_type_id, attr->btf_value_type_id,
					      &c.spin_lock_off, c.special, &c.nr_special);
		if (err)
			return err;
		c.btf_id = ub_btf_id(btf);
	}
	int fd = ub_obj_create(UB_OBJ_MAP, c.ops->content_size(attr, c.ncpus), accmode, map_init,
			       &c, NULL);
	/* The map holds its BTF, as the kernel's does: btf_id stays valid. */
	if (fd >= 0 && btf)
		ub_obj_hold(fd, UB_OBJ_BTF, c.btf_id);
	return fd;
}

/* ---- element commands ---------------------------------------------------- */

static inline u32 sys_value_size(const struct ub_map *map)
{
	return map->ops->sys_value_size(map);
}

/*
 * Copying out to a NULL buffer faults only once there is something to copy:
 * run the operation into scratch memory, then report EFAULT.
 */
static __attribute__((noinline, cold)) int
lookup_into_null(struct ub_map *map, const void *key, u64 flags,
		 int (*op)(struct ub_map *, const void *, void *, u64))
{
	void *scratch = malloc(sys_value_size(map));
	if (!scratch)
		return -ENOMEM;
	int err = op(map, key, scratch, flags);
	free(scratch);
	return err ? err : -EFAULT;
}

/* Copy-out to NULL faults only if there is a key to copy. */
static __attribute__((noinline, cold)) int next_key_into_null(struct ub_map *map, const void *key)
{
	void *scratch = malloc(map->key_size);
	if (!scratch)
		return -ENOMEM;
	int err = map->ops->get_next_key(map, key, scratch);
	free(scratch);
	return err ? err : -EFAULT;
}

/*
 * The element commands' handlers are inlined into ub_bpf()'s instances for
 * them (always_inline); the table still holds their out-of-line copies.
 */
#define UB_ELEM_HANDLER __attribute__((always_inline)) inline

UB_ELEM_HANDLER long sys_map_lookup_elem(union ub_attr *attr, void *uattr)
{
	struct ub_map *map;
	u32 perms;
	int err;
	(void)uattr;

	/* Flags are checked before the fd. */
	if (unlikely(attr->flags & ~(u64)BPF_F_LOCK))
		return -EINVAL;
	map = map_from_fd_read(attr->map_fd, &perms, &err);
	if (unlikely(!map))
		return err;
	if (unlikely(!(perms & UB_MODE_READ)))
		return -EPERM;
	if (unlikely((attr->flags & BPF_F_LOCK) && map->spin_lock_off < 0))
		return -EINVAL;
	if (unlikely(!attr->key))
		return -EFAULT;
	if (unlikely(!attr->value))
		return lookup_into_null(map, u64_to_ptr(attr->key), attr->flags,
					map->ops->sys_lookup);
	return map->ops->sys_lookup(map, u64_to_ptr(attr->key), u64_to_ptr(attr->value),
				    attr->flags);
}

UB_ELEM_HANDLER long sys_map_update_elem(union ub_attr *attr, void *uattr)
{
	struct ub_map *map;
	u32 perms;
	int err;
	(void)uattr;

	/* Unlike lookup, the fd comes first. */
	map = map_from_fd(attr->map_fd, &perms, &err);
	if (unlikely(!map))
		return err;
	if (unlikely(!(perms & UB_MODE_WRITE)))
		return -EPERM;
	if (unlikely((attr->flags & BPF_F_LOCK) && map->spin_lock_off < 0))
		return -EINVAL;
	/* Key, then value, are copied in before the map sees the flags. */
	if (unlikely(!attr->key || !attr->value))
		return -EFAULT;
	return map->ops->sys_update(map, u64_to_ptr(attr->key), u64_to_ptr(attr->value),
				    attr->flags);
}

long sys_map_delete_elem(union ub_attr *attr, void *uattr)
{
	struct ub_map *map;
	u32 perms;
	int err;
	(void)uattr;

	map = map_from_fd(attr->map_fd, &perms, &err);
	if (!map)
		return err;
	if (!(perms & UB_MODE_WRITE))
		return -EPERM;
	if (!attr->key)
		return -EFAULT;
	return map->ops->delete(map, u64_to_ptr(attr->key));
}

long sys_map_lookup_and_delete_elem(union ub_attr *attr, void *uattr)
{
	struct ub_map *map;
	u32 perms;
	int err;
	(void)uattr;

	if (attr->flags & ~(u64)BPF_F_LOCK)
		return -EINVAL;
	map = map_from_fd(attr->map_fd, &perms, &err);
	if (!map)
		return err;
	if (!(perms & UB_MODE_READ) || !(perms & UB_MODE_WRITE))
		return -EPERM;
	if ((attr->flags & BPF_F_LOCK) && map->spin_lock_off < 0)
		return -EINVAL;
	if (!attr->key)
		return -EFAULT;
	if (!map->ops->sys_lookup_and_delete)
		return -ENOTSUPP;
	if (!attr->value)
		return lookup_into_null(map, u64_to_ptr(attr->key), attr->flags,
					map->ops->sys_lookup_and_delete);
	return map->ops->sys_lookup_and_delete(map, u64_to_ptr(attr->key),
					       u64_to_ptr(attr->value), attr->flags);
}

UB_ELEM_HANDLER long sys_map_get_next_key(union ub_attr *attr, void *uattr)
{
	struct ub_map *map;
	u32 perms;
	int err;
	(void)uattr;

	map = map_from_fd_read(attr->map_fd, &perms, &err);
	if (unlikely(!map))
		return err;
	if (unlikely(!(perms & UB_MODE_READ)))
		return -EPERM;
	void *next = u64_to_ptr(attr->next_key);
	if (likely(next))
		return map->ops->get_next_key(map, u64_to_ptr(attr->key), next);
	return next_key_into_null(map, u64_to_ptr(attr->key));
}

long sys_map_freeze(union ub_attr *attr, void *uattr)
{
	struct ub_map *map;
	u32 perms;
	int err;
	(void)uattr;

	map = map_from_fd(attr->map_fd, &perms, &err);
	if (!map)
		return err;
	/* Values with special fields (a spin lock, a timer...) cannot be frozen. */
	if (map->spin_lock_off >= 0 || map->nr_special)
		return -ENOTSUPP;
	/* Already frozen means no write permission: a second freeze is EPERM. */
	if (!(perms & UB_MODE_WRITE))
		return -EPERM;
	struct ub_map_hdr *h = map->h;
	int r = pthread_mutex_lock(&h->lock);
	if (r == EOWNERDEAD)
		pthread_mutex_consistent(&h->lock);
	if (ub_map_wmap_busy(&map->obj)) {
		err = -EBUSY;
	} else if (atomic_load(&h->frozen)) {
		err = -EBUSY;
	} else {
		atomic_store(&h->frozen, 1);
		err = 0;
	}
	pthread_mutex_unlock(&h->lock);
	return err;
}

/* ---- batch commands (generic, over get_next_key and copies) -------------- */

static int batch_map(union ub_attr *attr, bool need_read, bool need_write, struct ub_map **mapp)
{
	u32 perms;
	int err;
	struct ub_map *map = map_from_fd(attr->batch.map_fd, &perms, &err);
	if (!map)
		return err;
	if (need_read && !(perms & UB_MODE_READ))
		return -EPERM;
	if (need_write && !(perms & UB_MODE_WRITE))
		return -EPERM;
	*mapp = map;
	return 0;
}

static int batch_elem_flags_check(const struct ub_map *map, u64 elem_flags)
{
	if (elem_flags & ~(u64)BPF_F_LOCK)
		return -EINVAL;
	if ((elem_flags & BPF_F_LOCK) && map->spin_lock_off < 0)
		return -EINVAL;
	return 0;
}

#define BATCH_COUNT_OFF offsetof(union ub_attr, batch.count)

/* One key or value out to the caller's batch buffer: 4- and 8-byte ones in one move. */
static inline void batch_copy_out(void *dst, const void *src, u32 n)
{
	if (n == 8)
		memcpy(dst, src, 8);
	else if (n == 4)
		memcpy(dst, src, 4);
	else
		memcpy(dst, src, n);
}

/*
 * The start both generic batches share, in the kernel's order: fd and access,
 * batch.flags (only where the family checks them), elem_flags, then count:
 * 0 means nothing to do (0 returned); otherwise count is zeroed in the
 * caller's attr before any element moves, and 1 returned.
 */
static int batch_begin(union ub_attr *attr, void *uattr, bool rd, bool wr, struct ub_map **mapp)
{
	int err = batch_map(attr, rd, wr, mapp);
	if (err)
		return err;
	if ((*mapp)->ops->batch_flags_must_be_zero && attr->batch.flags)
		return -EINVAL;
	err = batch_elem_flags_check(*mapp, attr->batch.elem_flags);
	if (err)
		return err;
	if (!attr->batch.count)
		return 0;
	ub_put_attr_u32(uattr, BATCH_COUNT_OFF, 0);
	return 1;
}

static inline void swap_bufs(u8 **a, u8 **b)
{
	u8 *t = *a;
	*a = *b;
	*b = t;
}

long sys_map_lookup_batch(union ub_attr *attr, void *uattr)
{
	struct ub_map *map = NULL;
	int err = batch_begin(attr, uattr, true, false, &map);
	if (err <= 0)
		return err;
	u32 max = attr->batch.count;

	u32 ks = map->key_size, vs = sys_value_size(map);
	u8 *keys = u64_to_ptr(attr->batch.keys), *values = u64_to_ptr(attr->batch.values);
	u8 *inb = u64_to_ptr(attr->batch.in_batch), *outb = u64_to_ptr(attr->batch.out_batch);
	u8 *buf = malloc(2 * (size_t)ks + vs);
	if (!buf)
		return -ENOMEM;
	u8 *prev = buf, *key = buf + ks, *value = buf + 2 * ks;
	bool have_prev = false;
	u32 cp = 0;

	if (inb) {
		memcpy(prev, inb, ks);
		have_prev = true;
	}
	while (cp < max) {
		err = map->ops->get_next_key(map, have_prev ? prev : NULL, key);
		if (err)
			break;
		err = map->ops->sys_lookup(map, key, value, attr->batch.elem_flags);
		if (err == -ENOENT) { /* deleted meanwhile: step past it */
			swap_bufs(&prev, &key);
			have_prev = true;
			continue;
		}
		if (err)
			goto out;
		/* The key is copied out before the value: a NULL values still gets it. */
		if (!keys) {
			err = -EFAULT;
			goto out;
		}
		batch_copy_out(keys + (size_t)cp * ks, key, ks);
		if (!values) {
			err = -EFAULT;
			goto out;
		}
		batch_copy_out(values + (size_t)cp * vs, value, vs);
		swap_bufs(&prev, &key);
		have_prev = true;
		cp++;
	}
	ub_put_attr_u32(uattr, BATCH_COUNT_OFF, cp);
	if (cp) {
		if (!outb)
			err = -EFAULT;
		else
			memcpy(outb, prev, ks);
	}
out:
	free(buf);
	return err;
}

long sys_map_update_batch(union ub_attr *attr, void *uattr)
{
	struct ub_map *map = NULL;
	int err = batch_begin(attr, uattr, false, true, &map);
	if (err <= 0)
		return err;
	u32 max = attr->batch.count;

	u32 ks = map->key_size, vs = sys_value_size(map);
	const u8 *keys = u64_to_ptr(attr->batch.keys), *values = u64_to_ptr(attr->batch.values);
	u32 cp;
	for (cp = 0; cp < max; cp++) {
		if (!keys || !values) {
			err = -EFAULT;
			break;
		}
		err = map->ops->sys_update(map, keys + (size_t)cp * ks, values + (size_t)cp * vs,
					   attr->batch.elem_flags);
		if (err)
			break;
	}
	ub_put_attr_u32(uattr, BATCH_COUNT_OFF, cp);
	return err;
}

long sys_map_delete_batch(union ub_attr *attr, void *uattr)
{
	struct ub_map *map = NULL;
	int err = batch_map(attr, false, true, &map);
	(void)uattr;
	if (err)
		return err;
	if (!map->ops->delete_batch)
		return -ENOTSUPP;
	return map->ops->delete_batch(map, attr, uattr, false);
}

long sys_map_lookup_and_delete_batch(union ub_attr *attr, void *uattr)
{
	struct ub_map *map = NULL;
	int err = batch_map(attr, true, true, &map);
	(void)uattr;
	if (err)
		return err;
	if (!map->ops->delete_batch)
		return -ENOTSUPP;
	return map->ops->delete_batch(map, attr, uattr, true);
}

/* ---- ids ----------------------------------------------------------------- */

static long get_next_id(u32 kind, union ub_attr *attr, void *uattr)
{
	u32 next;
	/* Ids are positive ints: a start at or past INT_MAX has no successor. */
	if (attr->start_id >= INT32_MAX)
		return -EINVAL;
	int err = ub_obj_next_id(kind, attr->start_id, &next);
	if (err)
		return err;
	ub_put_attr_u32(uattr, offsetof(union ub_attr, next_id), next);
	return 0;
}

long sys_map_get_next_id(union ub_attr *attr, void *uattr)
{
	return get_next_id(UB_OBJ_MAP, attr, uattr);
}

long sys_prog_get_next_id(union ub_attr *attr, void *uattr)
{
	return get_next_id(UB_OBJ_PROG, attr, uattr);
}

long sys_btf_get_next_id(union ub_attr *attr, void *uattr)
{
	return get_next_id(UB_OBJ_BTF, attr, uattr);
}

long sys_link_get_next_id(union ub_attr *attr, void *uattr)
{
	return get_next_id(UB_OBJ_LINK, attr, uattr);
}

/* Maps take open_flags; programs, BTF and links must pass 0. */
static long get_fd_by_id(u32 kind, union ub_attr *attr, bool takes_flags)
{
	if (attr->open_flags & ~(u32)(takes_flags ? BPF_F_RDONLY | BPF_F_WRONLY : 0))
		return -EINVAL;
	/* A token fd without BPF_F_TOKEN_FD (itself refused above: no tokens here). */
	if (attr->fd_by_id_token_fd)
		return -EINVAL;
	/* BTF fds are read-only, whatever the flags (the kernel opens them O_RDONLY). */
	int accmode = kind == UB_OBJ_BTF ? 00 : ub_file_flags(attr->open_flags);
	if (accmode < 0)
		return accmode;
	return ub_obj_open_by_id(kind, attr->map_id, accmode);
}

long sys_map_get_fd_by_id(union ub_attr *attr, void *uattr)
{
	(void)uattr;
	return get_fd_by_id(UB_OBJ_MAP, attr, true);
}

long sys_prog_get_fd_by_id(union ub_attr *attr, void *uattr)
{
	(void)uattr;
	return get_fd_by_id(UB_OBJ_PROG, attr, false);
}

long sys_btf_get_fd_by_id(union ub_attr *attr, void *uattr)
{
	(void)uattr;
	return get_fd_by_id(UB_OBJ_BTF, attr, false);
}

long sys_link_get_fd_by_id(union ub_attr *attr, void *uattr)
{
	(void)uattr;
	return get_fd_by_id(UB_OBJ_LINK, attr, true);
}

/* ---- BPF_OBJ_GET_INFO_BY_FD ---------------------------------------------- */

/* struct bpf_map_info as of 6.18 (104 bytes). */
struct ub_map_info {
	u32 type;
	u32 id;
	u32 key_size;
	u32 value_size;
	u32 max_entries;
	u32 map_flags;
	char name[16];
	u32 ifindex;
	u32 btf_vmlinux_value_type_id;
	u64 netns_dev;
	u64 netns_ino;
	u32 btf_id;
	u32 btf_key_type_id;
	u32 btf_value_type_id;
	u32 btf_vmlinux_id;
	u64 map_extra;
	u64 hash;
	u32 hash_size;
	u32 pad;
};
_Static_assert(sizeof(struct ub_map_info) == UB_MAP_INFO_SIZE, "bpf_map_info is 104 bytes");

static long map_get_info(struct ub_obj *obj, void *uinfo, u32 info_len, void *uattr)
{
	struct ub_map *map = obj_to_map(obj);
	struct ub_map_info info;
	struct ub_map_hdr *h = map->h;

	/* Past the last field the caller's bytes must be zero. */
	if (info_len > UB_PAGE_SIZE)
		return -E2BIG;
	size_t known = offsetofend(struct ub_map_info, hash_size);
	if (info_len > known) {
		if (!uinfo)
			return -EFAULT;
		if (!mem_is_zero(uinfo, known, info_len))
			return -E2BIG;
	}
	if (info_len > sizeof(info))
		info_len = sizeof(info);
	memset(&info, 0, sizeof(info));
	if (info_len) {
		if (!uinfo)
			return -EFAULT;
		memcpy(&info, uinfo, info_len);
	}
	/* Fields the kernel does not fill keep the caller's values. */
	info.type = h->map_type;
	info.id = map->obj.id;
	info.key_size = h->key_size;
	info.value_size = h->value_size;
	info.max_entries = h->max_entries;
	info.map_flags = h->map_flags;
	info.map_extra = h->map_extra;
	memcpy(info.name, h->name, sizeof(info.name));
	if (h->btf_id) {
		info.btf_id = h->btf_id;
		info.btf_key_type_id = h->btf_key_type_id;
		info.btf_value_type_id = h->btf_value_type_id;
	}
	info.btf_vmlinux_value_type_id = h->btf_vmlinux_value_type_id;

	if (info.hash) {
		u8 digest[32];
		if (!map->ops->hash || info.hash_size != sizeof(digest))
			return -EINVAL;
		/* Only a frozen map's contents have a stable hash. */
		if (!atomic_load(&h->frozen))
			return -EPERM;
		map->ops->hash(map, digest);
		memcpy(u64_to_ptr(info.hash), digest, sizeof(digest));
	} else if (info.hash_size) {
		return -EINVAL;
	}
	if (info_len)
		memcpy(uinfo, &info, info_len);
	ub_put_attr_u32(uattr, offsetof(union ub_attr, info.info_len), info_len);
	return 0;
}

long sys_obj_get_info_by_fd(union ub_attr *attr, void *uattr)
{
	u32 mode;
	struct ub_obj *obj = ub_fd_get((int)attr->info.bpf_fd, &mode);
	if (!obj)
		return (int)mode == -EBADF ? -EBADFD : -EINVAL;
	ub_obj_info_fn fn = ub_obj_info_of(obj->kind);
	if (!fn)
		return -EINVAL;
	return fn(obj, u64_to_ptr(attr->info.info), attr->info.info_len, uattr);
}

__attribute__((constructor)) static void map_info_register(void)
{
	ub_obj_register_info(UB_OBJ_MAP, map_get_info);
}

/* ---- typed wrappers ------------------------------------------------------ */

int ub_map_create(enum bpf_map_type type, const char *name, uint32_t key_size,
		  uint32_t value_size, uint32_t max_entries, uint32_t map_flags)
{
	union ub_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = key_size;
	a.value_size = value_size;
	a.max_entries = max_entries;
	a.map_flags = map_flags;
	if (name)
		memcpy(a.map_name, name, strnlen(name, sizeof(a.map_name) - 1));
	int r = ub_bpf(BPF_MAP_CREATE, (union bpf_attr *)&a, UB_ATTR_SIZE);
	return r < 0 ? -errno : r;
}

static int elem_op(int cmd, int fd, const void *key, void *value, u64 flags)
{
	union ub_attr a;
	memset(&a, 0, 32);
	a.map_fd = (u32)fd;
	a.key = (u64)(uintptr_t)key;
	a.value = (u64)(uintptr_t)value;
	a.flags = flags;
	int r = ub_bpf(cmd, (union bpf_attr *)&a, 32);
	return r < 0 ? -errno : r;
}

int ub_map_lookup_elem(int fd, const void *key, void *value, uint64_t flags)
{
	return elem_op(BPF_MAP_LOOKUP_ELEM, fd, key, value, flags);
}

int ub_map_update_elem(int fd, const void *key, const void *value, uint64_t flags)
{
	return elem_op(BPF_MAP_UPDATE_ELEM, fd, key, (void *)value, flags);
}

int ub_map_delete_elem(int fd, const void *key)
{
	union ub_attr a;
	memset(&a, 0, 16);
	a.map_fd = (u32)fd;
	a.key = (u64)(uintptr_t)key;
	int r = ub_bpf(BPF_MAP_DELETE_ELEM, (union bpf_attr *)&a, 16);
	return r < 0 ? -errno : r;
}

int ub_map_get_next_key(int fd, const void *key, void *next_key)
{
	union ub_attr a;
	memset(&a, 0, 24);
	a.map_fd = (u32)fd;
	a.key = (u64)(uintptr_t)key;
	a.next_key = (u64)(uintptr_t)next_key;
	int r = ub_bpf(BPF_MAP_GET_NEXT_KEY, (union bpf_attr *)&a, 24);
	return r < 0 ? -errno : r;
}

int ub_map_freeze(int fd)
{
	union ub_attr a;
	memset(&a, 0, 4);
	a.map_fd = (u32)fd;
	int r = ub_bpf(BPF_MAP_FREEZE, (union bpf_attr *)&a, 4);
	return r < 0 ? -errno : r;
}

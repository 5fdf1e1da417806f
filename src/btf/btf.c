// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* BTF objects: BPF_BTF_LOAD, the BTF object kind, its OBJ_GET_INFO, and the verifier log. */
#include "btf/internal.h"
#include "sys/sys.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>

/* ---- the verifier log ------------------------------------------------------- */

int ub_vlog_init(struct ub_vlog *log, u32 level, u64 ubuf, u32 size)
{
	memset(log, 0, sizeof(*log));
	log->level = level;
	log->ubuf = u64_to_ptr(ubuf);
	log->len_total = size;
	if (!level && !ubuf && !size)
		return 0;
	/* A buffer and its size come together. */
	if (!!ubuf != !!size)
		return -EINVAL; /* a buffer and its size come together */
	/* A buffer without a level would stay empty. */
	if (ubuf && !level)
		return -EINVAL; /* a buffer needs a level */
	if (level & ~UB_LOG_MASK)
		return -EINVAL; /* unknown level bits */
	if (size > UINT32_MAX >> 2)
		return -EINVAL; /* len_total above UINT_MAX >> 2 */
	return 0;
}

void ub_vlog(struct ub_vlog *log, const char *fmt, ...)
{
	char line[UB_LOG_LINE_MAX + 1];
	if (!ub_vlog_needed(log))
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > UB_LOG_LINE_MAX)
		n = UB_LOG_LINE_MAX;
	if (log->len + (size_t)n + 1 > log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 4096;
		while (cap < log->len + (size_t)n + 1)
			cap *= 2;
		char *t = realloc(log->text, cap);
		if (!t) {
			log->oom = true;
			return;
		}
		log->text = t;
		log->cap = cap;
	}
	memcpy(log->text + log->len, line, (size_t)n);
	log->len += (size_t)n;
	log->text[log->len] = '\0';
}

int ub_vlog_finalize(struct ub_vlog *log, u32 *true_size)
{
	*true_size = 0;
	if (!log->level)
		return 0;
	u64 total = log->len ? (u64)log->len + 1 : 0; /* with the NUL; nothing is 0 */
	*true_size = total > UINT32_MAX ? UINT32_MAX : (u32)total;
	if (!log->ubuf)
		return 0;
	if (!log->len)
		return 0;
	if (total <= log->len_total) {
		memcpy(log->ubuf, log->text, log->len + 1);
		return 0;
	}
	/* Too long: keep the head (BPF_LOG_FIXED) or the tail, NUL-terminated. */
	size_t keep = log->len_total - 1;
	const char *from = (log->level & UB_LOG_FIXED) ? log->text : log->text + log->len - keep;
	memcpy(log->ubuf, from, keep);
	log->ubuf[keep] = '\0';
	return -ENOSPC; /* the log did not fit: truncated */
}

void ub_vlog_free(struct ub_vlog *log)
{
	free(log->text);
	log->text = NULL;
}

/* ---- the object kind ------------------------------------------------------------ */

static void btf_attach(struct ub_obj *obj)
{
	struct ub_btf *btf = obj_to_btf(obj);
	const struct ub_btf_hdr *h = ub_obj_hdr_tail(obj);
	btf->resolved_id = (const u32 *)(obj->base + h->resolved_off);
	btf->resolved_size = btf->resolved_id + h->nr_types;
	/* The blob was validated at load; a failed index leaves no types. */
	if (ub_btf_index(btf, obj->base, h->btf_size))
		btf->nr_types = 0;
}

static void btf_destroy(struct ub_obj *obj)
{
	ub_btf_index_free(obj_to_btf(obj));
}

struct btf_create {
	const struct ub_btf *parsed;
	u32 resolved_off;
};

static int btf_init(struct ub_obj *obj, void *arg)
{
	const struct btf_create *c = arg;
	const struct ub_btf *p = c->parsed;
	struct ub_btf_hdr *h = ub_obj_hdr_tail(obj);

	memcpy(obj->base, p->data, p->size);
	memcpy(obj->base + c->resolved_off, p->resolved_id, p->nr_types * sizeof(u32));
	memcpy(obj->base + c->resolved_off + p->nr_types * sizeof(u32), p->resolved_size,
	       p->nr_types * sizeof(u32));
	h->btf_size = p->size;
	h->nr_types = p->nr_types;
	h->resolved_off = c->resolved_off;
	return 0;
}

struct ub_btf *ub_btf_from_fd(int fd, int *err)
{
	u32 mode;
	struct ub_obj *obj = ub_obj_from_fd(fd, UB_OBJ_BTF, &mode, err);
	return obj ? obj_to_btf(obj) : NULL;
}

u32 ub_btf_id(struct ub_obj *btf)
{
	return btf->id;
}

/* ---- BPF_BTF_LOAD ------------------------------------------------------------------ */

#define BTF_LOG_TRUE_SIZE_OFF offsetof(union ub_attr, btf_log_true_size)

long ub_sys_btf_load(union ub_attr *attr, void *uattr)
{
	struct ub_vlog log;
	struct ub_btf parsed;
	u8 *data = NULL;
	u32 true_size;
	int err;

	/* The only flag is the token's. */
	if (attr->btf_flags & ~BPF_F_TOKEN_FD)
		return -EINVAL; /* BTF_LOAD takes only BPF_F_TOKEN_FD */
	/* No fd here is a BPF token: a closed fd is EBADF, any other EINVAL. */
	if (attr->btf_flags & BPF_F_TOKEN_FD)
		return fcntl(attr->btf_token_fd, F_GETFD) < 0 ? -EBADF : -EINVAL;
	if (attr->btf_size > UB_BTF_MAX_SIZE)
		return -E2BIG; /* BTF_MAX_SIZE */
	err = ub_vlog_init(&log, attr->btf_log_level, attr->btf_log_buf, attr->btf_log_size);
	if (err)
		return err;

	memset(&parsed, 0, sizeof(parsed));
	data = malloc(attr->btf_size ? attr->btf_size : 1);
	if (!data) {
		err = -ENOMEM;
		goto out;
	}
	if (attr->btf_size) {
		if (!attr->btf) {
			err = -EFAULT;
			goto out;
		}
		memcpy(data, u64_to_ptr(attr->btf), attr->btf_size);
	}
	err = ub_btf_parse(&parsed, data, attr->btf_size, &log);
out:;
	/* The log is reported even on failure; a log that did not fit is ENOSPC. */
	int lerr = ub_vlog_finalize(&log, &true_size);
	if (ub_cur_attr_size >= offsetofend(union ub_attr, btf_log_true_size))
		ub_put_attr_u32(uattr, BTF_LOG_TRUE_SIZE_OFF, true_size);
	ub_vlog_free(&log);
	if (lerr)
		err = lerr;
	if (!err) {
		struct btf_create c = {.parsed = &parsed,
				       .resolved_off = (u32)round_up((u64)parsed.size, 8)};
		u64 content = page_align((u64)c.resolved_off + 2ull * parsed.nr_types * sizeof(u32));
		/* BTF fds are read-only, as the kernel's. */
		err = ub_obj_create(UB_OBJ_BTF, content, O_RDONLY, btf_init, &c, NULL);
	}
	if (parsed.types) {
		free((void *)parsed.resolved_id);
		free((void *)parsed.resolved_size);
		ub_btf_index_free(&parsed);
	}
	free(data);
	return err;
}

/* ---- BPF_OBJ_GET_INFO_BY_FD ------------------------------------------------------ */

/* struct bpf_btf_info as of 6.18 (32 bytes). */
struct ub_btf_info {
	u64 btf;
	u32 btf_size;
	u32 id;
	u64 name;
	u32 name_len;
	u32 kernel_btf;
};

static long btf_get_info(struct ub_obj *obj, void *uinfo, u32 info_len, void *uattr)
{
	struct ub_btf *btf = obj_to_btf(obj);
	struct ub_btf_info info;
	long ret = 0;

	/* Bytes past the struct we know must be zero. */
	if (info_len > UB_PAGE_SIZE)
		return -E2BIG; /* bpf_check_uarg_tail_zero: more than a page */
	if (info_len > sizeof(info)) {
		if (!uinfo)
			return -EFAULT; /* a tail to check and no buffer */
		if (!mem_is_zero(uinfo, sizeof(info), info_len))
			return -E2BIG; /* non-zero bytes past struct bpf_btf_info */
	}
	u32 copy = info_len < sizeof(info) ? info_len : sizeof(info);
	memset(&info, 0, sizeof(info));
	if (copy) {
		if (!uinfo)
			return -EFAULT; /* copy_from_user of the info */
		memcpy(&info, uinfo, copy);
	}
	info.id = obj->id;
	u32 bcopy = btf->size < info.btf_size ? btf->size : info.btf_size;
	if (bcopy) {
		if (!info.btf)
			return -EFAULT; /* copy_to_user of the blob */
		memcpy(u64_to_ptr(info.btf), btf->data, bcopy);
	}
	info.btf_size = btf->size;
	info.kernel_btf = 0;
	/* A name buffer and its length come together; user BTF is unnamed. */
	if (!info.name != !info.name_len)
		return -EINVAL; /* name and name_len come together */
	u32 ulen = info.name_len;
	info.name_len = 0;
	if (info.name && ulen)
		*(char *)u64_to_ptr(info.name) = '\0';
	if (copy)
		memcpy(uinfo, &info, copy);
	ub_put_attr_u32(uattr, offsetof(union ub_attr, info.info_len), copy);
	return ret;
}

__attribute__((constructor)) static void btf_kind_register(void)
{
	ub_obj_register_kind(UB_OBJ_BTF, sizeof(struct ub_btf), btf_attach, btf_destroy);
	ub_obj_register_info(UB_OBJ_BTF, btf_get_info);
}

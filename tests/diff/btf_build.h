/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* A tiny BTF blob builder for the BTF tests: types and strings appended, then a header. */
#ifndef UB_TEST_BTF_BUILD_H
#define UB_TEST_BTF_BUILD_H

#include <linux/btf.h>
#include <stdint.h>
#include <string.h>

/* The 6.18 BTF_LOAD attr (Debian's 6.1 header lacks the last three fields). */
struct btf_load_attr {
	uint64_t btf;
	uint64_t log_buf;
	uint32_t btf_size;
	uint32_t log_size;
	uint32_t log_level;
	uint32_t log_true_size;
	uint32_t btf_flags;
	int32_t token_fd;
};

#define BB_INFO(kind, kflag, vlen) (((uint32_t)(kflag) << 31) | ((uint32_t)(kind) << 24) | (vlen))
#define BB_INT_DATA(enc, off, bits) (((uint32_t)(enc) << 24) | ((uint32_t)(off) << 16) | (bits))

struct bb {
	uint8_t types[16384];
	uint32_t tlen;
	char strs[4096];
	uint32_t slen;
	uint8_t blob[24 + 16384 + 4096 + 64];
	uint32_t size;
};

static inline void bb_init(struct bb *b)
{
	b->tlen = 0;
	b->slen = 1;
	b->strs[0] = 0;
	b->size = 0;
}

/* Append a string (with its NUL) and return its offset; "" is offset 0. */
static inline uint32_t bb_str(struct bb *b, const char *s)
{
	if (!*s)
		return 0;
	uint32_t off = b->slen;
	size_t n = strlen(s) + 1;
	memcpy(b->strs + b->slen, s, n);
	b->slen += (uint32_t)n;
	return off;
}

static inline void bb_u32(struct bb *b, uint32_t v)
{
	memcpy(b->types + b->tlen, &v, 4);
	b->tlen += 4;
}

/* A type header: name (string, appended), info, size or type. */
static inline void bb_t(struct bb *b, const char *name, uint32_t info, uint32_t size_type)
{
	bb_u32(b, bb_str(b, name));
	bb_u32(b, info);
	bb_u32(b, size_type);
}

static inline void bb_int(struct bb *b, const char *name, uint32_t size, uint32_t enc, uint32_t off,
			  uint32_t bits)
{
	bb_t(b, name, BB_INFO(BTF_KIND_INT, 0, 0), size);
	bb_u32(b, BB_INT_DATA(enc, off, bits));
}

static inline void bb_ref(struct bb *b, uint32_t kind, const char *name, uint32_t type)
{
	bb_t(b, name, BB_INFO(kind, 0, 0), type);
}

static inline void bb_array(struct bb *b, uint32_t elem, uint32_t index, uint32_t nelems)
{
	bb_t(b, "", BB_INFO(BTF_KIND_ARRAY, 0, 0), 0);
	bb_u32(b, elem);
	bb_u32(b, index);
	bb_u32(b, nelems);
}

/* A struct/union header; follow with bb_member() vlen times. */
static inline void bb_struct(struct bb *b, uint32_t kind, const char *name, uint32_t kflag,
			     uint32_t vlen, uint32_t size)
{
	bb_t(b, name, BB_INFO(kind, kflag, vlen), size);
}

static inline void bb_member(struct bb *b, const char *name, uint32_t type, uint32_t offset)
{
	bb_u32(b, bb_str(b, name));
	bb_u32(b, type);
	bb_u32(b, offset);
}

static inline void bb_enum_val(struct bb *b, const char *name, uint32_t val)
{
	bb_u32(b, bb_str(b, name));
	bb_u32(b, val);
}

static inline void bb_param(struct bb *b, const char *name, uint32_t type)
{
	bb_u32(b, bb_str(b, name));
	bb_u32(b, type);
}

static inline void bb_var(struct bb *b, const char *name, uint32_t type, uint32_t linkage)
{
	bb_t(b, name, BB_INFO(BTF_KIND_VAR, 0, 0), type);
	bb_u32(b, linkage);
}

static inline void bb_secinfo(struct bb *b, uint32_t type, uint32_t off, uint32_t size)
{
	bb_u32(b, type);
	bb_u32(b, off);
	bb_u32(b, size);
}

static inline void bb_decl_tag(struct bb *b, const char *value, uint32_t type, int32_t idx)
{
	bb_t(b, value, BB_INFO(BTF_KIND_DECL_TAG, 0, 0), type);
	bb_u32(b, (uint32_t)idx);
}

/* Lay out header, types, strings: the standard layout libbpf produces. */
static inline void *bb_finish(struct bb *b)
{
	struct btf_header h = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.flags = 0,
		.hdr_len = sizeof(h),
		.type_off = 0,
		.type_len = b->tlen,
		.str_off = b->tlen,
		.str_len = b->slen,
	};
	memcpy(b->blob, &h, sizeof(h));
	memcpy(b->blob + sizeof(h), b->types, b->tlen);
	memcpy(b->blob + sizeof(h) + b->tlen, b->strs, b->slen);
	b->size = (uint32_t)sizeof(h) + b->tlen + b->slen;
	return b->blob;
}

static inline struct btf_header *bb_hdr(struct bb *b)
{
	return (struct btf_header *)b->blob;
}

#endif

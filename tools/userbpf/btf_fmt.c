// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Map keys and values formatted through their BTF types, in the JSON shapes
 * bpftool's BTF dumper gives: integers as numbers (bool as true/false),
 * enums by enumerator name, structs and unions as objects of their members,
 * arrays as arrays (printable char arrays as strings), pointers as numbers,
 * DATASEC/VAR as {section: [{var: value}]}.
 */
#include "main.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>
#include <bpf/btf.h>

static int fmt_type(struct json_writer *w, const struct btf *btf, __u32 id, __u8 bit_off,
		    const void *data);

/* Plain-text dumps print hex numbers bare, JSON quotes them (bpftool's is_plain_text). */
static bool plain;

static void print_hex_num(struct json_writer *w, __u64 hi, __u64 lo)
{
	if (hi)
		jsonw_printf(w, plain ? "0x%" PRIx64 "%016" PRIx64 : "\"0x%" PRIx64 "%016" PRIx64 "\"",
			     (uint64_t)hi, (uint64_t)lo);
	else
		jsonw_printf(w, plain ? "0x%" PRIx64 : "\"0x%" PRIx64 "\"", (uint64_t)lo);
}

/* An integer of @bits at @bit_off bits into @data (little endian). */
static __u64 read_bits(const void *data, __u32 bit_off, __u32 bits)
{
	__u64 v = 0;
	const __u8 *p = data;
	__u32 nbytes = (bit_off + bits + 7) / 8;
	for (__u32 i = 0; i < nbytes && i < 8; i++)
		v |= (__u64)p[i] << (8 * i);
	if (nbytes > 8) /* a field straddling the 9th byte */
		v |= (__u64)p[8] << (64 - bit_off % 8) << 0;
	v >>= bit_off;
	if (bits < 64)
		v &= (1ULL << bits) - 1;
	return v;
}

static void fmt_int(struct json_writer *w, const struct btf_type *t, __u8 bit_off,
		    const void *data)
{
	__u32 info = *(const __u32 *)(t + 1);
	__u32 enc = BTF_INT_ENCODING(info), bits = BTF_INT_BITS(info);
	__u32 off = BTF_INT_OFFSET(info) + bit_off;

	if (bits == 128) {
		const __u64 *q = data;
		print_hex_num(w, q[1], q[0]);
		return;
	}
	/* Bit-sized or bit-shifted integers print as hex, like bitfields. */
	if (off || bits % 8) {
		print_hex_num(w, 0, read_bits((const __u8 *)data + off / 8, off % 8, bits));
		return;
	}
	__u64 v = read_bits(data, 0, bits);
	if (enc & BTF_INT_BOOL) {
		jsonw_bool(w, v != 0);
		return;
	}
	if (enc & BTF_INT_CHAR) {
		char c = (char)v;
		if (isprint((unsigned char)c))
			jsonw_printf(w, "\"%c\"", c);
		else if (plain)
			jsonw_printf(w, "0x%hhx", (unsigned char)c);
		else
			jsonw_printf(w, "\"\\u00%02hhx\"", (unsigned char)c);
		return;
	}
	if (enc & BTF_INT_SIGNED) {
		__s64 sv = bits < 64 && (v >> (bits - 1)) & 1 ? (__s64)(v | ~((1ULL << bits) - 1))
							    : (__s64)v;
		jsonw_int(w, sv);
		return;
	}
	jsonw_uint(w, v);
}

static void fmt_enum(struct json_writer *w, const struct btf *btf, const struct btf_type *t,
		     const void *data)
{
	__s64 v;
	switch (t->size) {
	case 1:
		v = *(const __s8 *)data;
		break;
	case 2:
		v = *(const __s16 *)data;
		break;
	case 8:
		v = *(const __s64 *)data;
		break;
	default:
		v = *(const __s32 *)data;
	}
	if (btf_is_enum(t)) {
		const struct btf_enum *e = btf_enum(t);
		for (__u16 i = 0; i < btf_vlen(t); i++)
			if (e[i].val == (__s32)v) {
				jsonw_string(w, btf__name_by_offset(btf, e[i].name_off));
				return;
			}
	}
#ifdef BTF_KIND_ENUM64
	if (btf_kind(t) == BTF_KIND_ENUM64) {
		const struct btf_enum64 *e = btf_enum64(t);
		for (__u16 i = 0; i < btf_vlen(t); i++)
			if (btf_enum64_value(&e[i]) == (__u64)v) {
				jsonw_string(w, btf__name_by_offset(btf, e[i].name_off));
				return;
			}
	}
#endif
	jsonw_int(w, v);
}

/*
 * A char array holding a string: bpftool looks through modifiers (not
 * typedefs) for a 1-byte int named "char" and wants a NUL within the array
 * and only printable ASCII before it (the empty string counts).
 */
static bool is_str_array(const struct btf *btf, const struct btf_array *a, const char *s)
{
	const struct btf_type *et = btf__type_by_id(btf, a->type);
	while (et && (btf_is_const(et) || btf_is_volatile(et) || btf_is_restrict(et)))
		et = btf__type_by_id(btf, et->type);
	if (!et || !btf_is_int(et) || et->size != 1)
		return false;
	const char *name = btf__name_by_offset(btf, et->name_off);
	if (!name || strcmp(name, "char"))
		return false;
	for (const char *p = s; p < s + a->nelems; p++) {
		if (!*p)
			return true;
		if ((unsigned char)*p <= 0x1f || (unsigned char)*p >= 0x7f)
			return false;
	}
	return false;
}

static int fmt_array(struct json_writer *w, const struct btf *btf, const struct btf_type *t,
		     const void *data)
{
	const struct btf_array *a = btf_array(t);
	if (is_str_array(btf, a, data)) {
		jsonw_string(w, data);
		return 0;
	}
	__s64 esz = btf__resolve_size(btf, a->type);
	if (esz < 0)
		return (int)esz;
	jsonw_start_array(w);
	for (__u32 i = 0; i < a->nelems; i++)
		fmt_type(w, btf, a->type, 0, (const char *)data + (size_t)i * (size_t)esz);
	jsonw_end_array(w);
	return 0;
}

static int fmt_struct(struct json_writer *w, const struct btf *btf, const struct btf_type *t,
		      const void *data)
{
	const struct btf_member *m = btf_members(t);
	bool kflag = btf_kflag(t);
	jsonw_start_object(w);
	for (__u16 i = 0; i < btf_vlen(t); i++) {
		__u32 bit_off = kflag ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;
		__u32 bitsz = kflag ? BTF_MEMBER_BITFIELD_SIZE(m[i].offset) : 0;
		const char *name = btf__name_by_offset(btf, m[i].name_off);
		const char *p = (const char *)data + bit_off / 8;
		if (name && *name)
			jsonw_name(w, name);
		else
			jsonw_name(w, ""); /* anonymous member */
		if (bitsz) {
			print_hex_num(w, 0, read_bits(p, bit_off % 8, bitsz));
		} else {
			fmt_type(w, btf, m[i].type, (__u8)(bit_off % 8), p);
		}
	}
	jsonw_end_object(w);
	return 0;
}

static int fmt_datasec(struct json_writer *w, const struct btf *btf, const struct btf_type *t,
		       const void *data)
{
	const struct btf_var_secinfo *vsi = btf_var_secinfos(t);
	jsonw_start_object(w);
	jsonw_name(w, btf__name_by_offset(btf, t->name_off));
	jsonw_start_array(w);
	for (__u16 i = 0; i < btf_vlen(t); i++)
		fmt_type(w, btf, vsi[i].type, 0, (const char *)data + vsi[i].offset);
	jsonw_end_array(w);
	jsonw_end_object(w);
	return 0;
}

static int fmt_type(struct json_writer *w, const struct btf *btf, __u32 id, __u8 bit_off,
		    const void *data)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	if (!t) {
		jsonw_null(w);
		return -22;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		fmt_int(w, t, bit_off, data);
		return 0;
	case BTF_KIND_ENUM:
#ifdef BTF_KIND_ENUM64
	case BTF_KIND_ENUM64:
#endif
		fmt_enum(w, btf, t, data);
		return 0;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return fmt_struct(w, btf, t, data);
	case BTF_KIND_ARRAY:
		return fmt_array(w, btf, t, data);
	case BTF_KIND_PTR:
		if (plain)
			jsonw_printf(w, "%p", *(void *const *)data);
		else
			jsonw_uint(w, *(const __u64 *)data);
		return 0;
	case BTF_KIND_FLOAT:
		if (t->size == 4)
			jsonw_printf(w, "%f", (double)*(const float *)data);
		else if (t->size == 8)
			jsonw_printf(w, "%f", *(const double *)data);
		else
			jsonw_hex_bytes(w, data, t->size);
		return 0;
	case BTF_KIND_VAR:
		jsonw_start_object(w);
		jsonw_name(w, btf__name_by_offset(btf, t->name_off));
		fmt_type(w, btf, t->type, 0, data);
		jsonw_end_object(w);
		return 0;
	case BTF_KIND_DATASEC:
		return fmt_datasec(w, btf, t, data);
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return fmt_type(w, btf, t->type, bit_off, data);
	default:
		jsonw_null(w);
		return 0;
	}
}

int btf_fmt_value(struct json_writer *w, const struct btf *btf, uint32_t type_id, const void *data,
		  bool plain_text)
{
	plain = plain_text;
	return fmt_type(w, btf, type_id, 0, data);
}

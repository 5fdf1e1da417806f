// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Formatting a value of a BTF type as JSON or as a C initializer, for tools and logs. */
#include "btf/internal.h"

#include <inttypes.h>

/*
 * JSON: integers as numbers (128-bit ones, pointers and odd-sized values as
 * "0x.." strings), bools as true/false, enums by enumerator name ("RED")
 * or number, structs and unions as objects in member order (anonymous
 * members as "(anon)"), arrays as lists, char arrays that hold a
 * NUL-terminated printable string as that string, floats as numbers,
 * DATASECs as objects of their variables.
 * Text: the same values as a C initializer: {.a = 1, .name = "x", .c = RED}.
 */

struct show {
	const struct ub_btf *btf;
	bool json;
	FILE *out;
	int depth;
};

static int show_type(struct show *s, u32 id, const u8 *data, u32 bit_off, u32 nbits);

static u64 get_bits(const u8 *data, u32 bit_off, u32 nbits)
{
	u64 v = 0;
	for (u32 i = 0; i < nbits && i < 64; i++) {
		u32 b = bit_off + i;
		if (data[b / 8] & (1u << (b % 8)))
			v |= 1ull << i;
	}
	return v;
}

static void show_hex(struct show *s, const u8 *data, u32 size)
{
	fputs(s->json ? "\"0x" : "0x", s->out);
	for (u32 i = size; i > 0; i--)
		fprintf(s->out, "%02x", data[i - 1]);
	if (s->json)
		fputc('"', s->out);
}

static void show_string(struct show *s, const char *str, size_t n)
{
	fputc('"', s->out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)str[i];
		if (c == '"' || c == '\\')
			fprintf(s->out, "\\%c", c);
		else
			fputc(c, s->out);
	}
	fputc('"', s->out);
}

/* An INT, possibly a bitfield (@nbits != 0). */
static int show_int(struct show *s, const struct btf_type *t, const u8 *data, u32 bit_off,
		    u32 nbits)
{
	u32 d = btf_int_data(t), enc = BTF_INT_ENCODING(d);
	u32 bits = nbits ? nbits : BTF_INT_BITS(d);
	bit_off += BTF_INT_OFFSET(d);
	if (bits > 64) {
		show_hex(s, data + bit_off / 8, (bits + 7) / 8);
		return 0;
	}
	u64 v = get_bits(data, bit_off, bits);
	if (enc & BTF_INT_BOOL) {
		fputs(v ? "true" : "false", s->out);
	} else if (enc & BTF_INT_SIGNED) {
		s64 sv = bits < 64 && (v >> (bits - 1)) ? (s64)(v | (~0ull << bits)) : (s64)v;
		fprintf(s->out, "%" PRId64, sv);
	} else {
		fprintf(s->out, "%" PRIu64, v);
	}
	return 0;
}

static int show_enum(struct show *s, const struct btf_type *t, const u8 *data, u32 bit_off,
		     u32 nbits)
{
	bool is64 = btf_kind(t) == BTF_KIND_ENUM64;
	u32 bits = nbits ? nbits : t->size * 8;
	u64 v = get_bits(data, bit_off, bits);
	if (btf_kflag(t) && bits < 64 && (v >> (bits - 1)))
		v |= ~0ull << bits; /* signed enumerators */
	for (u32 i = 0; i < BTF_INFO_VLEN(t->info); i++) {
		u64 ev;
		u32 name_off;
		if (is64) {
			const struct btf_enum64 *e = (const struct btf_enum64 *)(t + 1) + i;
			ev = ((u64)e->val_hi32 << 32) | e->val_lo32;
			name_off = e->name_off;
		} else {
			const struct btf_enum *e = (const struct btf_enum *)(t + 1) + i;
			ev = btf_kflag(t) ? (u64)(s64)(s32)e->val : (u64)e->val;
			name_off = e->name_off;
		}
		if (bits < 64)
			ev &= btf_kflag(t) ? ~0ull : (1ull << bits) - 1;
		if (ev == v) {
			const char *n = ub_btf_str(s->btf, name_off);
			if (s->json)
				fprintf(s->out, "\"%s\"", n ? n : "");
			else
				fputs(n ? n : "", s->out);
			return 0;
		}
	}
	fprintf(s->out, btf_kflag(t) ? "%" PRId64 : "%" PRIu64, v);
	return 0;
}

/* A char array holding a printable NUL-terminated string is shown as one. */
static bool show_char_array(struct show *s, const struct btf_type *et, const u8 *data, u32 n)
{
	if (btf_kind(et) != BTF_KIND_INT || et->size != 1 || !n ||
	    (!(BTF_INT_ENCODING(btf_int_data(et)) & BTF_INT_CHAR) &&
	     strcmp(ub_btf_name(s->btf, et), "char")))
		return false;
	const char *str = (const char *)data;
	size_t len = strnlen(str, n);
	if (len == n)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)str[i] < 0x20 || (unsigned char)str[i] >= 0x7f)
			return false;
	show_string(s, str, len);
	return true;
}

static int show_array(struct show *s, const struct btf_type *t, const u8 *data)
{
	const struct btf_array *a = (const void *)(t + 1);
	u32 eid = a->type, esize;
	const struct btf_type *et = ub_btf_skip_modifiers(s->btf, eid, &eid);
	if (!et || !ub_btf_type_id_size(s->btf, &eid, &esize))
		return -EINVAL; /* an array of unsized elements */
	if (show_char_array(s, et, data, a->nelems))
		return 0;
	fputc(s->json ? '[' : '{', s->out);
	for (u32 i = 0; i < a->nelems; i++) {
		if (i)
			fputs(", ", s->out);
		int err = show_type(s, eid, data + (size_t)i * esize, 0, 0);
		if (err)
			return err;
	}
	fputc(s->json ? ']' : '}', s->out);
	return 0;
}

static void show_key(struct show *s, const char *name)
{
	if (s->json)
		fprintf(s->out, "\"%s\": ", *name ? name : "(anon)");
	else if (*name)
		fprintf(s->out, ".%s = ", name);
}

static int show_struct(struct show *s, const struct btf_type *t, const u8 *data)
{
	const struct btf_member *m = btf_members(t);
	fputc('{', s->out);
	for (u32 i = 0; i < BTF_INFO_VLEN(t->info); i++) {
		if (i)
			fputs(", ", s->out);
		const char *name = ub_btf_str(s->btf, m[i].name_off);
		show_key(s, name ? name : "");
		u32 off = ub_btf_member_bit_offset(t, &m[i]);
		u32 bits = ub_btf_member_bitfield_size(t, &m[i]);
		int err;
		if (bits || off % 8)
			err = show_type(s, m[i].type, data, off, bits);
		else
			err = show_type(s, m[i].type, data + off / 8, 0, 0);
		if (err)
			return err;
	}
	fputc('}', s->out);
	return 0;
}

static int show_datasec(struct show *s, const struct btf_type *t, const u8 *data)
{
	const struct btf_var_secinfo *vsi = (const void *)(t + 1);
	fputc('{', s->out);
	for (u32 i = 0; i < BTF_INFO_VLEN(t->info); i++) {
		const struct btf_type *var = ub_btf_type(s->btf, vsi[i].type);
		if (!var)
			return -EINVAL; /* a section entry that is not a VAR */
		if (i)
			fputs(", ", s->out);
		show_key(s, ub_btf_name(s->btf, var));
		int err = show_type(s, var->type, data + vsi[i].offset, 0, 0);
		if (err)
			return err;
	}
	fputc('}', s->out);
	return 0;
}

static int show_type(struct show *s, u32 id, const u8 *data, u32 bit_off, u32 nbits)
{
	const struct btf_type *t = ub_btf_skip_modifiers(s->btf, id, &id);
	if (!t || ++s->depth > UB_BTF_MAX_RESOLVE_DEPTH)
		return -EINVAL; /* no such type, or nested too deep */
	int err = 0;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		err = show_int(s, t, data, bit_off, nbits);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		err = show_enum(s, t, data, bit_off, nbits);
		break;
	case BTF_KIND_PTR:
		show_hex(s, data + bit_off / 8, sizeof(void *));
		break;
	case BTF_KIND_FLOAT:
		if (t->size == 4) {
			float f;
			memcpy(&f, data + bit_off / 8, 4);
			fprintf(s->out, "%g", (double)f);
		} else if (t->size == 8) {
			double f;
			memcpy(&f, data + bit_off / 8, 8);
			fprintf(s->out, "%g", f);
		} else {
			show_hex(s, data + bit_off / 8, t->size);
		}
		break;
	case BTF_KIND_ARRAY:
		err = show_array(s, t, data + bit_off / 8);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		err = show_struct(s, t, data + bit_off / 8);
		break;
	case BTF_KIND_DATASEC:
		err = show_datasec(s, t, data + bit_off / 8);
		break;
	case BTF_KIND_VAR:
		err = show_type(s, t->type, data, bit_off, nbits);
		break;
	default:
		err = -EINVAL; /* void, FWD, FUNC, FUNC_PROTO: nothing to show */
	}
	s->depth--;
	return err;
}

int ub_btf_show(const struct ub_btf *btf, u32 id, const void *data, u32 size, bool json,
		FILE *out)
{
	u32 sid = id, need;
	if (!ub_btf_type_id_size(btf, &sid, &need) || size < need)
		return -EINVAL; /* nothing sized, or not enough bytes */
	struct show s = {.btf = btf, .json = json, .out = out};
	return show_type(&s, id, data, 0, 0);
}

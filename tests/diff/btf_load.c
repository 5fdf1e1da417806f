// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Differential test of BPF_BTF_LOAD: valid and malformed blobs, client probes, the log rules. */
#include "diff.h"
#include "btf_build.h"

#include <fcntl.h>

static struct bb B;

/* Load @size bytes at @blob on both sides; compare ret and errno. */
static void run_raw(const char *name, const void *blob, uint32_t size)
{
	struct dcase *c = d_new(BPF_BTF_LOAD, 40, "%s", name);
	struct btf_load_attr *a = (void *)c->t.b;
	a->btf = blob ? d_ptr(c, (void *)blob, size) : 0;
	a->btf_size = size;
	d_run(c);
	/*
	 * The same blob with log_level 1 and a roomy buffer: the log text is the
	 * kernel's byte for byte, and so is log_true_size.
	 */
	static char logs[2][65536];
	struct dres lr[2];
	memset(lr, 0, sizeof(lr));
	for (int s = d_first(); s < 2; s++) {
		struct btf_load_attr l = {.btf = (uintptr_t)blob, .btf_size = size,
					  .log_buf = (uintptr_t)logs[s],
					  .log_size = sizeof(logs[s]), .log_level = 1};
		memset(logs[s], 0, sizeof(logs[s]));
		errno = 0;
		long r = d_bpf(s, BPF_BTF_LOAD, &l, sizeof(l));
		int e = errno;
		if (r >= 0)
			close((int)r);
		lr[s] = d_res(r >= 0 ? 0 : r, e, logs[s], strlen(logs[s]));
		lr[s].hash ^= l.log_true_size;
	}
	char lname[96];
	snprintf(lname, sizeof(lname), "%s/log", name);
	if (!d_report(lname, lr) && d.kernel)
		fprintf(stderr, "--- kernel log:\n%s\n--- userbpf log:\n%s\n", logs[0], logs[1]);
}

static void run(const char *name)
{
	bb_finish(&B);
	run_raw(name, B.blob, B.size);
}

/* Cases with a log: compare ret, errno, whether a log was written, and true_size != 0. */
static void run_log(const char *name, const void *blob, uint32_t size, uint32_t level,
		    uint32_t log_size, bool null_buf, unsigned attr_size)
{
	struct dres r[2];
	memset(r, 0, sizeof(r));
	for (int s = d_first(); s < 2; s++) {
		static char logbuf[65536];
		struct btf_load_attr a;
		memset(&a, 0, sizeof(a));
		memset(logbuf, 0x7f, sizeof(logbuf));
		a.btf = (uint64_t)(uintptr_t)blob;
		a.btf_size = size;
		a.log_level = level;
		a.log_size = log_size;
		a.log_buf = null_buf ? 0 : (uint64_t)(uintptr_t)logbuf;
		a.log_true_size = 0xdeadbeef;
		errno = 0;
		long ret = d_bpf(s, BPF_BTF_LOAD, &a, attr_size);
		int e = errno;
		if (ret >= 0)
			close((int)ret);
		/* What must agree: a log was written (and NUL-terminated within the buffer),
		 * log_true_size was written back and non-zero, or left alone. */
		uint32_t facts[4] = {0};
		facts[0] = logbuf[0] != 0x7f && logbuf[0] != 0;
		if (!null_buf && log_size && facts[0])
			facts[1] = memchr(logbuf, 0, log_size) != NULL;
		facts[2] = a.log_true_size == 0xdeadbeef ? 2 : a.log_true_size != 0;
		facts[3] = a.log_true_size != 0xdeadbeef && a.log_true_size > log_size;
		r[s] = d_res(ret >= 0 ? 0 : ret, e, facts, sizeof(facts));
		/* The text is the kernel's, so the exact size and the bytes kept match too. */
		r[s].hash ^= a.log_true_size;
		if (!null_buf && log_size)
			r[s].hash = d_fnv(r[s].hash, logbuf, log_size < sizeof(logbuf) ? log_size : sizeof(logbuf));
		if (getenv("UB_BTF_SHOWLOG") && facts[0])
			fprintf(stderr, "%s %s log (true %u):\n%s\n", name, s ? "userbpf" : "kernel",
				a.log_true_size, logbuf);
	}
	d_report(name, r);
}

/* ---- valid BTF ----------------------------------------------------------------------- */

static void valid_cases(void)
{
	/* libbpf 1.1's feature probes, type by type. */
	bb_init(&B);
	bb_int(&B, "int", 4, BTF_INT_SIGNED, 0, 32);
	run("probe/btf");

	bb_init(&B);
	bb_int(&B, "int", 4, BTF_INT_SIGNED, 0, 32);
	bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 1), 1);
	bb_param(&B, "x", 1);
	bb_t(&B, "a", BB_INFO(BTF_KIND_FUNC, 0, 0), 2);
	run("probe/btf_func");

	bb_init(&B);
	bb_int(&B, "int", 4, BTF_INT_SIGNED, 0, 32);
	bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 1), 1);
	bb_param(&B, "x", 1);
	bb_t(&B, "a", BB_INFO(BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL), 2);
	run("probe/btf_func_global");

	bb_init(&B);
	bb_int(&B, "int", 4, BTF_INT_SIGNED, 0, 32);
	bb_var(&B, "x", 1, BTF_VAR_STATIC);
	bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 4);
	bb_secinfo(&B, 2, 0, 4);
	run("probe/btf_datasec");

	bb_init(&B);
	bb_int(&B, "int", 4, BTF_INT_SIGNED, 0, 32);
	bb_var(&B, "x", 1, BTF_VAR_STATIC);
	bb_t(&B, "?.data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 4);
	bb_secinfo(&B, 2, 0, 4);
	run("probe/btf_qmark_datasec");

	bb_init(&B);
	bb_t(&B, "float", BB_INFO(BTF_KIND_FLOAT, 0, 0), 4);
	run("probe/btf_float");

	bb_init(&B);
	bb_int(&B, "", 4, BTF_INT_SIGNED, 0, 32);
	bb_var(&B, "tag", 1, BTF_VAR_STATIC);
	bb_decl_tag(&B, "tag", 2, -1);
	run("probe/btf_decl_tag");

	bb_init(&B);
	bb_int(&B, "", 4, BTF_INT_SIGNED, 0, 32);
	bb_ref(&B, BTF_KIND_TYPE_TAG, "tag", 1);
	bb_ref(&B, BTF_KIND_PTR, "", 2);
	run("probe/btf_type_tag");

	bb_init(&B);
	bb_t(&B, "enum64", BB_INFO(BTF_KIND_ENUM64, 0, 0), 8);
	run("probe/btf_enum64");

	/* cilium/ebpf 0.9.1: haveBTF (PTR + VAR), haveFuncLinkage (FUNC_PROTO + global FUNC). */
	bb_init(&B);
	bb_ref(&B, BTF_KIND_PTR, "", 0);
	bb_var(&B, "a", 1, BTF_VAR_STATIC);
	run("cilium/have_btf");

	bb_init(&B);
	bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 0);
	bb_t(&B, "a", BB_INFO(BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL), 1);
	run("cilium/have_func_linkage");

	/* A bit of everything a clang object holds. */
	bb_init(&B);
	bb_int(&B, "int", 4, BTF_INT_SIGNED, 0, 32);                 /* 1 */
	bb_int(&B, "unsigned int", 4, 0, 0, 32);                     /* 2 */
	bb_int(&B, "char", 1, BTF_INT_CHAR, 0, 8);                   /* 3 */
	bb_int(&B, "_Bool", 1, BTF_INT_BOOL, 0, 8);                  /* 4 */
	bb_struct(&B, BTF_KIND_STRUCT, "node", 0, 3, 24);            /* 5 */
	bb_member(&B, "next", 6, 0);
	bb_member(&B, "val", 1, 64);
	bb_member(&B, "name", 7, 96);
	bb_ref(&B, BTF_KIND_PTR, "", 5);                             /* 6 */
	bb_array(&B, 3, 2, 12);                                      /* 7 */
	bb_ref(&B, BTF_KIND_TYPEDEF, "node_t", 5);                   /* 8 */
	bb_ref(&B, BTF_KIND_CONST, "", 8);                           /* 9 */
	bb_ref(&B, BTF_KIND_VOLATILE, "", 9);                        /* 10 */
	bb_ref(&B, BTF_KIND_RESTRICT, "", 11);                       /* 11 -> 11? no: ptr below */
	run("loop/restrict_self_after_types");

	bb_init(&B);
	bb_int(&B, "int", 4, BTF_INT_SIGNED, 0, 32);                 /* 1 */
	bb_int(&B, "unsigned int", 4, 0, 0, 32);                     /* 2 */
	bb_int(&B, "char", 1, BTF_INT_CHAR, 0, 8);                   /* 3 */
	bb_struct(&B, BTF_KIND_STRUCT, "node", 0, 3, 24);            /* 4 */
	bb_member(&B, "next", 5, 0);
	bb_member(&B, "val", 1, 64);
	bb_member(&B, "name", 6, 96);
	bb_ref(&B, BTF_KIND_PTR, "", 4);                             /* 5 */
	bb_array(&B, 3, 2, 12);                                      /* 6 */
	bb_ref(&B, BTF_KIND_TYPEDEF, "node_t", 4);                   /* 7 */
	bb_ref(&B, BTF_KIND_CONST, "", 7);                           /* 8 */
	bb_ref(&B, BTF_KIND_VOLATILE, "", 8);                        /* 9 */
	bb_ref(&B, BTF_KIND_PTR, "", 9);                             /* 10 */
	bb_ref(&B, BTF_KIND_RESTRICT, "", 10);                       /* 11 */
	bb_struct(&B, BTF_KIND_UNION, "u", 0, 2, 8);                 /* 12 */
	bb_member(&B, "a", 1, 0);
	bb_member(&B, "p", 11, 0);
	bb_struct(&B, BTF_KIND_STRUCT, "bits", 1, 3, 4);             /* 13: kflag bitfields */
	bb_member(&B, "a", 2, (3u << 24) | 0);
	bb_member(&B, "b", 2, (5u << 24) | 3);
	bb_member(&B, "c", 14, (2u << 24) | 8);
	bb_t(&B, "color", BB_INFO(BTF_KIND_ENUM, 0, 2), 4);          /* 14 */
	bb_enum_val(&B, "RED", 0);
	bb_enum_val(&B, "BLUE", 7);
	bb_t(&B, "big", BB_INFO(BTF_KIND_ENUM64, 1, 1), 8);          /* 15 */
	bb_enum_val(&B, "HUGE", 1);
	bb_u32(&B, 0x80000000u);
	bb_ref(&B, BTF_KIND_FWD, "later", 0);                        /* 16 */
	bb_ref(&B, BTF_KIND_PTR, "", 16);                            /* 17 */
	bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 3), 1);         /* 18 */
	bb_param(&B, "ctx", 17);
	bb_param(&B, "n", 2);
	bb_param(&B, "", 0);
	bb_t(&B, "prog", BB_INFO(BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL), 18); /* 19 */
	bb_t(&B, "double", BB_INFO(BTF_KIND_FLOAT, 0, 0), 8);        /* 20 */
	bb_var(&B, "counter", 1, BTF_VAR_GLOBAL_ALLOCATED);          /* 21 */
	bb_var(&B, "ratio", 20, BTF_VAR_STATIC);                     /* 22 */
	bb_t(&B, ".bss", BB_INFO(BTF_KIND_DATASEC, 0, 2), 16);       /* 23 */
	bb_secinfo(&B, 21, 0, 4);
	bb_secinfo(&B, 22, 8, 8);
	bb_decl_tag(&B, "hot", 19, -1);                              /* 24 */
	bb_decl_tag(&B, "arg", 19, 1);                               /* 25 */
	bb_decl_tag(&B, "field", 4, 2);                              /* 26 */
	bb_ref(&B, BTF_KIND_TYPE_TAG, "user", 1);                    /* 27 */
	bb_ref(&B, BTF_KIND_PTR, "", 27);                            /* 28 */
	bb_struct(&B, BTF_KIND_STRUCT, "", 0, 2, 16);                /* 29: anonymous */
	bb_member(&B, "", 12, 0);
	bb_member(&B, "d", 20, 64);
	bb_int(&B, "__int128", 16, BTF_INT_SIGNED, 0, 128);          /* 30 */
	bb_int(&B, "bf", 1, 0, 2, 3);                                /* 31: offset bits */
	bb_struct(&B, BTF_KIND_STRUCT, "plainbits", 0, 2, 4);        /* 32 */
	bb_member(&B, "x", 31, 0);
	bb_member(&B, "y", 2, 0);
	bb_ref(&B, BTF_KIND_PTR, "", 18);                            /* 33: fn pointer */
	bb_ref(&B, BTF_KIND_CONST, "", 0);                           /* 34: const void */
	bb_ref(&B, BTF_KIND_TYPEDEF, "proto_t", 18);                 /* 35 */
	bb_struct(&B, BTF_KIND_STRUCT, "flex", 0, 2, 4);             /* 36 */
	bb_member(&B, "n", 2, 0);
	bb_member(&B, "data", 37, 32);
	bb_array(&B, 3, 2, 0);                                       /* 37: char[0] */
	bb_struct(&B, BTF_KIND_STRUCT, "empty", 0, 0, 0);            /* 38 */
	bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 0);         /* 39: void (void) */
	bb_t(&B, "f_static", BB_INFO(BTF_KIND_FUNC, 0, BTF_FUNC_STATIC), 39); /* 40 */
	run("valid/everything");
}

/* ---- header and sections ---------------------------------------------------------------- */

static void base_int(void)
{
	bb_init(&B);
	bb_int(&B, "int", 4, BTF_INT_SIGNED, 0, 32);
	bb_finish(&B);
}

static void header_cases(void)
{
	uint8_t buf[256];
	struct btf_header *h;

	base_int();
	run_raw("hdr/size_0", B.blob, 0);
	run_raw("hdr/size_7", B.blob, 7);
	run_raw("hdr/size_8", B.blob, 8);
	run_raw("hdr/size_23", B.blob, 23);
	run_raw("hdr/size_24", B.blob, 24);
	run_raw("hdr/null_ptr", NULL, B.size);
	run_raw("hdr/null_ptr_size_0", NULL, 0);
	run_raw("hdr/size_16M_plus_1", NULL, 16 * 1024 * 1024 + 1);
	run_raw("hdr/size_16M_null", NULL, 16 * 1024 * 1024);
	run_raw("hdr/truncated_strings", B.blob, B.size - 1);

	base_int();
	bb_hdr(&B)->magic = 0x9feb;
	run_raw("hdr/magic_swapped", B.blob, B.size);
	base_int();
	bb_hdr(&B)->version = 2;
	run_raw("hdr/version_2", B.blob, B.size);
	base_int();
	bb_hdr(&B)->version = 0;
	run_raw("hdr/version_0", B.blob, B.size);
	base_int();
	bb_hdr(&B)->flags = 1;
	run_raw("hdr/flags_1", B.blob, B.size);
	base_int();
	bb_hdr(&B)->hdr_len = 1000;
	run_raw("hdr/hdr_len_past_end", B.blob, B.size);
	base_int();
	bb_hdr(&B)->type_off = 2;
	bb_hdr(&B)->str_off += 2;
	run_raw("hdr/type_off_gap", B.blob, B.size);

	/* A longer header: zeros past 24 are fine, anything else is E2BIG. */
	base_int();
	memset(buf, 0, sizeof(buf));
	memcpy(buf, B.blob, 24);
	h = (void *)buf;
	h->hdr_len = 32;
	memcpy(buf + 32, B.blob + 24, B.size - 24);
	run_raw("hdr/hdr_len_32_zero_tail", buf, B.size + 8);
	buf[28] = 1;
	run_raw("hdr/hdr_len_32_nonzero_tail", buf, B.size + 8);
	/* A shorter header (no string section fields): str_len reads as 0. */
	h->hdr_len = 16;
	run_raw("hdr/hdr_len_16", buf, B.size + 8);
	h->hdr_len = 7;
	run_raw("hdr/hdr_len_7", buf, B.size + 8);
	h->hdr_len = 26;
	memset(buf + 24, 0, 8);
	run_raw("hdr/hdr_len_26_unaligned", buf, B.size + 8);

	base_int();
	run_raw("hdr/no_data", B.blob, 24);

	/* Sections: overlap, gap, not at the end, too long, strings first. */
	base_int();
	bb_hdr(&B)->str_off -= 4;
	bb_hdr(&B)->str_len += 4;
	run_raw("sec/overlap", B.blob, B.size);
	base_int();
	bb_hdr(&B)->type_len -= 4;
	run_raw("sec/gap", B.blob, B.size);
	base_int();
	bb_hdr(&B)->str_len -= 1;
	run_raw("sec/strings_not_at_end", B.blob, B.size);
	base_int();
	bb_hdr(&B)->str_len += 1;
	run_raw("sec/strings_too_long", B.blob, B.size);
	base_int();
	bb_hdr(&B)->str_off = 1000;
	run_raw("sec/str_off_past_end", B.blob, B.size);
	base_int();
	bb_hdr(&B)->type_len = 0;
	bb_hdr(&B)->str_off = 0;
	bb_hdr(&B)->str_len = B.size - 24;
	run_raw("sec/no_types", B.blob, B.size);
	{
		/* Strings before types, type section aligned. */
		uint8_t s[256];
		memset(s, 0, sizeof(s));
		memcpy(s, B.blob, 24);
		h = (void *)s;
		uint32_t tl = B.tlen, sl = B.slen;
		memcpy(s + 24, B.strs, sl);
		uint32_t toff = (sl + 3) & ~3u;
		memcpy(s + 24 + toff, B.types, tl);
		h->str_off = 0;
		h->str_len = toff;
		h->type_off = toff;
		h->type_len = tl;
		run_raw("sec/strings_first", s, 24 + toff + tl);
	}
	base_int();
	bb_hdr(&B)->type_off = 4;
	bb_hdr(&B)->type_len -= 4;
	run_raw("sec/type_off_4_gap_before", B.blob, B.size);
	{
		/* Type section at an unaligned offset. */
		uint8_t s[256];
		memset(s, 0, sizeof(s));
		memcpy(s, B.blob, 24);
		h = (void *)s;
		base_int();
		memcpy(s, B.blob, 24);
		h->str_off = 0;
		h->str_len = 5;
		memcpy(s + 24, "\0int\0", 5);
		h->type_off = 5;
		h->type_len = B.tlen;
		memcpy(s + 29, B.types, B.tlen);
		run_raw("sec/type_off_unaligned", s, 29 + B.tlen);
	}

	/* String section rules. */
	base_int();
	B.blob[24 + B.tlen] = 'x';
	run_raw("str/first_not_nul", B.blob, B.size);
	base_int();
	B.blob[B.size - 1] = 'x';
	run_raw("str/last_not_nul", B.blob, B.size);
	base_int();
	bb_hdr(&B)->str_len = 0;
	run_raw("str/len_0", B.blob, B.size - B.slen);
}

/* ---- per-kind meta rules --------------------------------------------------------------------- */

#define CASE(name, body)                                                                          \
	do {                                                                                      \
		bb_init(&B);                                                                      \
		body;                                                                             \
		run(name);                                                                        \
	} while (0)

static void meta_cases(void)
{
	/* The type header itself. */
	CASE("meta/truncated_header", { bb_int(&B, "int", 4, 1, 0, 32); bb_u32(&B, 0); });
	CASE("meta/kind_0", bb_t(&B, "", BB_INFO(0, 0, 0), 0));
	CASE("meta/kind_20", bb_t(&B, "", BB_INFO(20, 0, 0), 0));
	CASE("meta/kind_31", bb_t(&B, "", BB_INFO(31, 0, 0), 0));
	CASE("meta/info_reserved_bits", bb_t(&B, "int", BB_INFO(BTF_KIND_INT, 0, 0) | 0x10000, 4));
	CASE("meta/name_off_out_of_range", { bb_u32(&B, 999); bb_u32(&B, BB_INFO(1, 0, 0)); bb_u32(&B, 4); bb_u32(&B, 32); });

	/* INT. */
	CASE("int/missing_data", bb_t(&B, "int", BB_INFO(BTF_KIND_INT, 0, 0), 4));
	CASE("int/vlen", { bb_t(&B, "int", BB_INFO(BTF_KIND_INT, 0, 1), 4); bb_u32(&B, 32); });
	CASE("int/kflag", { bb_t(&B, "int", BB_INFO(BTF_KIND_INT, 1, 0), 4); bb_u32(&B, 32); });
	CASE("int/data_reserved", { bb_t(&B, "int", BB_INFO(BTF_KIND_INT, 0, 0), 4); bb_u32(&B, 0x10000020); });
	CASE("int/bits_129", bb_int(&B, "i", 16, 0, 0, 129));
	CASE("int/bits_plus_offset_129", bb_int(&B, "i", 16, 0, 1, 128));
	CASE("int/bits_exceed_size", bb_int(&B, "i", 4, 0, 0, 33));
	CASE("int/offset_exceeds_size", bb_int(&B, "i", 4, 0, 8, 32));
	CASE("int/encoding_3", bb_int(&B, "i", 4, 3, 0, 32));
	CASE("int/encoding_8", bb_int(&B, "i", 4, 8, 0, 32));
	CASE("int/size_3", bb_int(&B, "i", 3, 0, 0, 24));
	CASE("int/size_0_bits_0", bb_int(&B, "i", 0, 0, 0, 0));
	CASE("int/size_32", bb_int(&B, "i", 32, 0, 0, 64));
	CASE("int/bad_name", bb_int(&B, "a-b", 4, 0, 0, 32));
	CASE("int/anonymous", bb_int(&B, "", 4, 0, 0, 32));

	/* PTR and qualifiers. */
	CASE("ptr/named", bb_ref(&B, BTF_KIND_PTR, "p", 0));
	CASE("ptr/vlen", bb_t(&B, "", BB_INFO(BTF_KIND_PTR, 0, 1), 0));
	CASE("ptr/kflag", bb_t(&B, "", BB_INFO(BTF_KIND_PTR, 1, 0), 0));
	CASE("ptr/type_out_of_range", bb_ref(&B, BTF_KIND_PTR, "", 5));
	CASE("ptr/type_id_huge", bb_ref(&B, BTF_KIND_PTR, "", 0x100000));
	CASE("ptr/self", bb_ref(&B, BTF_KIND_PTR, "", 1));
	CASE("ptr/to_var", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "v", 1, 0); bb_ref(&B, BTF_KIND_PTR, "", 2); });
	CASE("ptr/to_func", {
		bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 0);
		bb_t(&B, "f", BB_INFO(BTF_KIND_FUNC, 0, 0), 1);
		bb_ref(&B, BTF_KIND_PTR, "", 2);
	});
	CASE("ptr/to_fwd", { bb_ref(&B, BTF_KIND_FWD, "s", 0); bb_ref(&B, BTF_KIND_PTR, "", 1); });
	CASE("const/named", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_CONST, "c", 1); });
	CASE("const/loop", { bb_ref(&B, BTF_KIND_CONST, "", 2); bb_ref(&B, BTF_KIND_VOLATILE, "", 1); });
	CASE("const/self", bb_ref(&B, BTF_KIND_CONST, "", 1));
	CASE("const/to_func_proto", { bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 0); bb_ref(&B, BTF_KIND_CONST, "", 1); });
	CASE("const/to_func", {
		bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 0);
		bb_t(&B, "f", BB_INFO(BTF_KIND_FUNC, 0, 0), 1);
		bb_ref(&B, BTF_KIND_CONST, "", 2);
	});
	CASE("const/to_datasec", {
		bb_int(&B, "int", 4, 1, 0, 32);
		bb_var(&B, "x", 1, 0);
		bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 4);
		bb_secinfo(&B, 2, 0, 4);
		bb_ref(&B, BTF_KIND_CONST, "", 3);
	});
	CASE("typedef/anonymous", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPEDEF, "", 1); });
	CASE("typedef/bad_name", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPEDEF, "1x", 1); });
	CASE("typedef/dot_name", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPEDEF, "a.b", 1); });
	CASE("typedef/void", bb_ref(&B, BTF_KIND_TYPEDEF, "v", 0));
	CASE("typedef/latin1_name", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPEDEF, "\xe9t\xe9", 1); });
	CASE("typedef/name_0xaa", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPEDEF, "a\xaa", 1); });
	CASE("typedef/name_0xd7", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPEDEF, "a\xd7", 1); });
	CASE("typedef/leading_dot", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPEDEF, ".a", 1); });
	CASE("typedef/leading_digit_dot", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPEDEF, "_.9", 1); });
	{
		/* Identifier and section names are shorter than KSYM_NAME_LEN (512). */
		static char n511[512], n512[513];
		memset(n511, 'a', 511);
		memset(n512, 'a', 512);
		CASE("typedef/name_511", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPEDEF, n511, 1); });
		CASE("typedef/name_512", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPEDEF, n512, 1); });
		CASE("datasec/name_511", {
			bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "a", 1, 0);
			bb_t(&B, n511, BB_INFO(BTF_KIND_DATASEC, 0, 1), 4); bb_secinfo(&B, 2, 0, 4);
		});
		CASE("datasec/name_512", {
			bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "a", 1, 0);
			bb_t(&B, n512, BB_INFO(BTF_KIND_DATASEC, 0, 1), 4); bb_secinfo(&B, 2, 0, 4);
		});
	}
	CASE("typedef/loop", { bb_ref(&B, BTF_KIND_TYPEDEF, "a", 2); bb_ref(&B, BTF_KIND_TYPEDEF, "b", 1); });
	CASE("type_tag/empty", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPE_TAG, "", 1); });
	CASE("type_tag/kflag", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "t", BB_INFO(BTF_KIND_TYPE_TAG, 1, 0), 1); });
	CASE("type_tag/odd_chars", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPE_TAG, "a b-c", 1); });
	/* Type tags come first in a chain of modifiers. */
	CASE("type_tag/after_const", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPE_TAG, "t", 1); bb_ref(&B, BTF_KIND_CONST, "", 2); });
	CASE("type_tag/before_const", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_CONST, "", 1); bb_ref(&B, BTF_KIND_TYPE_TAG, "t", 2); });
	CASE("type_tag/ptr_const_tag", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPE_TAG, "t", 1); bb_ref(&B, BTF_KIND_CONST, "", 2); bb_ref(&B, BTF_KIND_PTR, "", 3); });
	CASE("type_tag/typedef_of_tag", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPE_TAG, "t", 1); bb_ref(&B, BTF_KIND_TYPEDEF, "td", 2); });
	CASE("type_tag/tag_tag_const", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_CONST, "", 1); bb_ref(&B, BTF_KIND_TYPE_TAG, "a", 2); bb_ref(&B, BTF_KIND_TYPE_TAG, "b", 3); });
	CASE("type_tag/forward_ref_after_const", { bb_ref(&B, BTF_KIND_CONST, "", 2); bb_ref(&B, BTF_KIND_TYPE_TAG, "t", 3); bb_int(&B, "int", 4, 1, 0, 32); });
	CASE("restrict/kflag", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "", BB_INFO(BTF_KIND_RESTRICT, 1, 0), 1); });
	{
		/* A modifier chain 33 deep: past the resolver's depth. */
		bb_init(&B);
		bb_int(&B, "int", 4, 1, 0, 32);
		for (int i = 0; i < 33; i++)
			bb_ref(&B, BTF_KIND_CONST, "", (uint32_t)(i + 3)); /* ids 2..34 -> next */
		bb_ref(&B, BTF_KIND_VOLATILE, "", 1);
		run("const/chain_34_deep");
		bb_init(&B);
		bb_int(&B, "int", 4, 1, 0, 32);
		for (int i = 0; i < 30; i++)
			bb_ref(&B, BTF_KIND_CONST, "", (uint32_t)(i + 3));
		bb_ref(&B, BTF_KIND_VOLATILE, "", 1);
		run("const/chain_31_deep");
		bb_init(&B);
		bb_int(&B, "int", 4, 1, 0, 32);
		for (int i = 0; i < 31; i++)
			bb_ref(&B, BTF_KIND_CONST, "", (uint32_t)(i + 3));
		bb_ref(&B, BTF_KIND_VOLATILE, "", 1);
		run("const/chain_32_deep");
		/* The same chain declared backwards: resolution meets resolved types. */
		bb_init(&B);
		bb_int(&B, "int", 4, 1, 0, 32);
		for (int i = 0; i < 40; i++)
			bb_ref(&B, BTF_KIND_CONST, "", (uint32_t)(i + 1));
		run("const/chain_40_backwards");
	}

	/* FWD. */
	CASE("fwd/anonymous", bb_ref(&B, BTF_KIND_FWD, "", 0));
	CASE("fwd/type", bb_ref(&B, BTF_KIND_FWD, "s", 1));
	CASE("fwd/vlen", bb_t(&B, "s", BB_INFO(BTF_KIND_FWD, 0, 1), 0));
	CASE("fwd/union", bb_t(&B, "s", BB_INFO(BTF_KIND_FWD, 1, 0), 0));

	/* ARRAY. */
	CASE("array/named", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "a", BB_INFO(BTF_KIND_ARRAY, 0, 0), 0); bb_u32(&B, 1); bb_u32(&B, 1); bb_u32(&B, 4); });
	CASE("array/size", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "", BB_INFO(BTF_KIND_ARRAY, 0, 0), 16); bb_u32(&B, 1); bb_u32(&B, 1); bb_u32(&B, 4); });
	CASE("array/kflag", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "", BB_INFO(BTF_KIND_ARRAY, 1, 0), 0); bb_u32(&B, 1); bb_u32(&B, 1); bb_u32(&B, 4); });
	CASE("array/vlen", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "", BB_INFO(BTF_KIND_ARRAY, 0, 1), 0); bb_u32(&B, 1); bb_u32(&B, 1); bb_u32(&B, 4); });
	CASE("array/truncated", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "", BB_INFO(BTF_KIND_ARRAY, 0, 0), 0); bb_u32(&B, 1); bb_u32(&B, 1); });
	CASE("array/elem_void", { bb_int(&B, "int", 4, 1, 0, 32); bb_array(&B, 0, 1, 4); });
	CASE("array/index_void", { bb_int(&B, "int", 4, 1, 0, 32); bb_array(&B, 1, 0, 4); });
	CASE("array/elem_out_of_range", { bb_int(&B, "int", 4, 1, 0, 32); bb_array(&B, 9, 1, 4); });
	CASE("array/index_not_int", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_PTR, "", 1); bb_array(&B, 1, 2, 4); });
	CASE("array/index_bitfield_int", { bb_int(&B, "int", 4, 1, 0, 32); bb_int(&B, "b", 4, 0, 0, 5); bb_array(&B, 1, 2, 4); });
	CASE("array/index_typedef_int", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPEDEF, "u32", 1); bb_array(&B, 1, 2, 4); });
	CASE("array/index_int128", { bb_int(&B, "int", 16, 1, 0, 128); bb_array(&B, 1, 1, 4); });
	CASE("array/elem_int_bits", { bb_int(&B, "int", 4, 1, 0, 32); bb_int(&B, "b", 4, 0, 0, 5); bb_array(&B, 2, 1, 4); });
	CASE("array/elem_int128", { bb_int(&B, "int", 4, 1, 0, 32); bb_int(&B, "w", 16, 0, 0, 128); bb_array(&B, 2, 1, 4); });
	CASE("array/elem_func_proto", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 0); bb_array(&B, 2, 1, 4); });
	CASE("array/elem_fwd", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_FWD, "s", 0); bb_array(&B, 2, 1, 4); });
	CASE("array/elem_var", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "v", 1, 0); bb_array(&B, 2, 1, 4); });
	CASE("array/overflow", { bb_int(&B, "int", 4, 1, 0, 32); bb_array(&B, 1, 1, 0x40000000); });
	CASE("array/max_ok", { bb_int(&B, "int", 4, 1, 0, 32); bb_array(&B, 1, 1, 0x3fffffff); });
	CASE("array/of_self", { bb_int(&B, "int", 4, 1, 0, 32); bb_array(&B, 2, 1, 2); });
	CASE("array/nelems_0", { bb_int(&B, "int", 4, 1, 0, 32); bb_array(&B, 1, 1, 0); });

	/* STRUCT / UNION. */
	CASE("struct/truncated_members", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 2, 8); bb_member(&B, "a", 1, 0); });
	CASE("struct/bad_name", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s:x", 0, 1, 4); bb_member(&B, "a", 1, 0); });
	CASE("struct/member_bad_name", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "a.b", 1, 0); });
	CASE("struct/member_name_off_range", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_u32(&B, 999); bb_u32(&B, 1); bb_u32(&B, 0); });
	CASE("struct/member_void", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "a", 0, 0); });
	CASE("struct/member_out_of_range", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "a", 7, 0); });
	CASE("struct/member_past_end", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "a", 1, 8); });
	CASE("struct/member_offset_beyond", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "a", 1, 40); });
	CASE("struct/member_decreasing", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 2, 8); bb_member(&B, "a", 1, 32); bb_member(&B, "b", 1, 0); });
	CASE("struct/member_same_offset", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 2, 8); bb_member(&B, "a", 1, 0); bb_member(&B, "b", 1, 0); });
	CASE("struct/member_unaligned_struct", {
		bb_int(&B, "int", 4, 1, 0, 32);
		bb_struct(&B, BTF_KIND_STRUCT, "in", 0, 1, 4); bb_member(&B, "a", 1, 0);
		bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 8); bb_member(&B, "x", 2, 4);
	});
	CASE("struct/member_ptr_unaligned", { bb_ref(&B, BTF_KIND_PTR, "", 0); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 16); bb_member(&B, "p", 1, 4); });
	CASE("struct/member_ptr_exceeds", { bb_ref(&B, BTF_KIND_PTR, "", 0); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "p", 1, 0); });
	CASE("struct/member_int_bit_offset", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 8); bb_member(&B, "a", 1, 3); });
	CASE("struct/member_int_bit_offset_exceeds", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "a", 1, 3); });
	CASE("struct/member_func_proto", { bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 0); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "f", 1, 0); });
	CASE("struct/member_fwd", { bb_ref(&B, BTF_KIND_FWD, "x", 0); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "f", 1, 0); });
	CASE("struct/member_typedef_void", { bb_ref(&B, BTF_KIND_TYPEDEF, "v", 0); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "f", 1, 0); });
	CASE("struct/member_typedef_fwd", { bb_ref(&B, BTF_KIND_FWD, "x", 0); bb_ref(&B, BTF_KIND_TYPEDEF, "v", 1); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "f", 2, 0); });
	CASE("struct/member_var", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "v", 1, 0); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "f", 2, 0); });
	CASE("struct/contains_itself", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 2, 8); bb_member(&B, "a", 1, 0); bb_member(&B, "self", 2, 32); });
	CASE("struct/contains_itself_via_typedef", {
		bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "t", 2, 0);
		bb_ref(&B, BTF_KIND_TYPEDEF, "t", 1);
	});
	CASE("struct/contains_itself_via_array", {
		bb_int(&B, "int", 4, 1, 0, 32);
		bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 8); bb_member(&B, "a", 3, 0);
		bb_array(&B, 2, 1, 1);
	});
	CASE("struct/mutual_by_value", {
		bb_struct(&B, BTF_KIND_STRUCT, "a", 0, 1, 4); bb_member(&B, "b", 2, 0);
		bb_struct(&B, BTF_KIND_STRUCT, "b", 0, 1, 4); bb_member(&B, "a", 1, 0);
	});
	CASE("struct/mutual_by_ptr", {
		bb_struct(&B, BTF_KIND_STRUCT, "a", 0, 1, 8); bb_member(&B, "b", 3, 0);
		bb_struct(&B, BTF_KIND_STRUCT, "b", 0, 1, 8); bb_member(&B, "a", 4, 0);
		bb_ref(&B, BTF_KIND_PTR, "", 2); bb_ref(&B, BTF_KIND_PTR, "", 1);
	});
	CASE("struct/member_array_exceeds", { bb_int(&B, "int", 4, 1, 0, 32); bb_array(&B, 1, 1, 3); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 8); bb_member(&B, "a", 2, 0); });
	CASE("struct/member_enum_unaligned", {
		bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM, 0, 1), 4); bb_enum_val(&B, "A", 0);
		bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 8); bb_member(&B, "a", 1, 4);
	});
	CASE("struct/member_float_misaligned", {
		bb_t(&B, "double", BB_INFO(BTF_KIND_FLOAT, 0, 0), 8);
		bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 16); bb_member(&B, "d", 1, 32);
	});
	CASE("struct/member_float_exceeds", {
		bb_t(&B, "double", BB_INFO(BTF_KIND_FLOAT, 0, 0), 8);
		bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "d", 1, 0);
	});
	CASE("struct/size_0_with_member", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 0); bb_member(&B, "a", 1, 0); });
	CASE("union/member_offset", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_UNION, "u", 0, 2, 8); bb_member(&B, "a", 1, 0); bb_member(&B, "b", 1, 32); });
	CASE("union/decreasing_ok", { bb_int(&B, "int", 4, 1, 0, 32); bb_int(&B, "long", 8, 1, 0, 64); bb_struct(&B, BTF_KIND_UNION, "u", 0, 2, 8); bb_member(&B, "a", 2, 0); bb_member(&B, "b", 1, 0); });
	/* kind_flag bitfields. */
	CASE("kflag/bitfield_too_wide", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 1, 1, 8); bb_member(&B, "a", 1, (33u << 24)); });
	CASE("kflag/bitfield_exceeds", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 1, 1, 4); bb_member(&B, "a", 1, (4u << 24) | 30); });
	CASE("kflag/int_unaligned_no_bitfield", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 1, 1, 8); bb_member(&B, "a", 1, 3); });
	CASE("kflag/base_not_regular", { bb_int(&B, "b", 4, 0, 0, 20); bb_struct(&B, BTF_KIND_STRUCT, "s", 1, 1, 4); bb_member(&B, "a", 1, (4u << 24)); });
	CASE("kflag/ptr_bitfield", { bb_ref(&B, BTF_KIND_PTR, "", 0); bb_struct(&B, BTF_KIND_STRUCT, "s", 1, 1, 8); bb_member(&B, "p", 1, (4u << 24)); });
	CASE("kflag/ptr_plain", { bb_ref(&B, BTF_KIND_PTR, "", 0); bb_struct(&B, BTF_KIND_STRUCT, "s", 1, 1, 8); bb_member(&B, "p", 1, 0); });
	CASE("kflag/enum_bitfield", {
		bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM, 0, 1), 4); bb_enum_val(&B, "A", 0);
		bb_struct(&B, BTF_KIND_STRUCT, "s", 1, 2, 4); bb_member(&B, "a", 1, (3u << 24)); bb_member(&B, "b", 1, (3u << 24) | 3);
	});
	CASE("kflag/enum_too_wide", {
		bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM, 0, 1), 1); bb_enum_val(&B, "A", 0);
		bb_struct(&B, BTF_KIND_STRUCT, "s", 1, 1, 4); bb_member(&B, "a", 1, (9u << 24));
	});
	CASE("kflag/typedef_int_bitfield", {
		bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPEDEF, "u", 1);
		bb_struct(&B, BTF_KIND_STRUCT, "s", 1, 1, 4); bb_member(&B, "a", 2, (7u << 24) | 2);
	});
	CASE("kflag/struct_member_bitfield", {
		bb_int(&B, "int", 4, 1, 0, 32);
		bb_struct(&B, BTF_KIND_STRUCT, "in", 0, 1, 4); bb_member(&B, "a", 1, 0);
		bb_struct(&B, BTF_KIND_STRUCT, "s", 1, 1, 4); bb_member(&B, "x", 2, (8u << 24));
	});

	/* ENUM / ENUM64. */
	CASE("enum/size_3", { bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM, 0, 1), 3); bb_enum_val(&B, "A", 0); });
	CASE("enum/size_16", { bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM, 0, 1), 16); bb_enum_val(&B, "A", 0); });
	CASE("enum/size_0", { bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM, 0, 1), 0); bb_enum_val(&B, "A", 0); });
	CASE("enum/size_1", { bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM, 0, 1), 1); bb_enum_val(&B, "A", 0); });
	CASE("enum/vlen_0", bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM, 0, 0), 4));
	CASE("enum/signed_kflag", { bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM, 1, 1), 4); bb_enum_val(&B, "A", (uint32_t)-5); });
	CASE("enum/truncated", { bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM, 0, 2), 4); bb_enum_val(&B, "A", 0); });
	CASE("enum/bad_name", { bb_t(&B, "e-x", BB_INFO(BTF_KIND_ENUM, 0, 1), 4); bb_enum_val(&B, "A", 0); });
	CASE("enum/value_no_name", { bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM, 0, 1), 4); bb_enum_val(&B, "", 0); });
	CASE("enum/value_bad_name", { bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM, 0, 1), 4); bb_enum_val(&B, "9", 0); });
	CASE("enum/value_name_off_range", { bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM, 0, 1), 4); bb_u32(&B, 999); bb_u32(&B, 0); });
	CASE("enum/anonymous", { bb_t(&B, "", BB_INFO(BTF_KIND_ENUM, 0, 1), 4); bb_enum_val(&B, "A", 0); });
	CASE("enum64/size_4", { bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM64, 0, 1), 4); bb_enum_val(&B, "A", 0); bb_u32(&B, 0); });
	CASE("enum64/size_16", { bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM64, 0, 1), 16); bb_enum_val(&B, "A", 0); bb_u32(&B, 0); });
	CASE("enum64/truncated", { bb_t(&B, "e", BB_INFO(BTF_KIND_ENUM64, 0, 1), 8); bb_enum_val(&B, "A", 0); });

	/* FUNC_PROTO / FUNC. */
	CASE("proto/named", bb_t(&B, "p", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 0));
	CASE("proto/kflag", bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 1, 0), 0));
	CASE("proto/truncated", { bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 2), 0); bb_param(&B, "a", 0); });
	CASE("proto/ret_out_of_range", bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 5));
	CASE("proto/ret_var", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "v", 1, 0); bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 2); });
	CASE("proto/ret_fwd", { bb_ref(&B, BTF_KIND_FWD, "s", 0); bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 1); });
	CASE("proto/ret_struct", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "a", 1, 0); bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 2); });
	CASE("proto/ret_loop", { bb_ref(&B, BTF_KIND_CONST, "", 2); bb_ref(&B, BTF_KIND_CONST, "", 1); bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 1); });
	CASE("proto/arg_void_middle", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 2), 1); bb_param(&B, "", 0); bb_param(&B, "b", 1); });
	CASE("proto/vararg_named", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 2), 1); bb_param(&B, "a", 1); bb_param(&B, "b", 0); });
	CASE("proto/only_vararg", { bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 1), 0); bb_param(&B, "", 0); });
	CASE("proto/arg_bad_name", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 1), 1); bb_param(&B, "a b", 1); });
	CASE("proto/arg_name_off_range", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 1), 1); bb_u32(&B, 999); bb_u32(&B, 1); });
	CASE("proto/arg_unnamed", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 1), 1); bb_param(&B, "", 1); });
	CASE("proto/arg_out_of_range", { bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 1), 0); bb_param(&B, "a", 7); });
	CASE("proto/arg_fwd", { bb_ref(&B, BTF_KIND_FWD, "s", 0); bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 1), 0); bb_param(&B, "a", 1); });
	CASE("proto/arg_datasec", {
		bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "x", 1, 0);
		bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 4); bb_secinfo(&B, 2, 0, 4);
		bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 1), 0); bb_param(&B, "a", 3);
	});
	CASE("func/anonymous", { bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 0); bb_t(&B, "", BB_INFO(BTF_KIND_FUNC, 0, 0), 1); });
	CASE("func/extern", { bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 0); bb_t(&B, "f", BB_INFO(BTF_KIND_FUNC, 0, BTF_FUNC_EXTERN), 1); });
	CASE("func/linkage_3", { bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 0); bb_t(&B, "f", BB_INFO(BTF_KIND_FUNC, 0, 3), 1); });
	CASE("func/kflag", { bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 0); bb_t(&B, "f", BB_INFO(BTF_KIND_FUNC, 1, 0), 1); });
	CASE("func/not_proto", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "f", BB_INFO(BTF_KIND_FUNC, 0, 0), 1); });
	CASE("func/void", bb_t(&B, "f", BB_INFO(BTF_KIND_FUNC, 0, 0), 0));
	CASE("func/unnamed_arg", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 1), 1); bb_param(&B, "", 1); bb_t(&B, "f", BB_INFO(BTF_KIND_FUNC, 0, 0), 2); });
	CASE("func/bad_name", { bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 0); bb_t(&B, "f.x", BB_INFO(BTF_KIND_FUNC, 0, 0), 1); });

	/* VAR. */
	CASE("var/extern", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "v", 1, 2); });
	CASE("var/linkage_9", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "v", 1, 9); });
	CASE("var/void", bb_var(&B, "v", 0, 0));
	CASE("var/anonymous", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "", 1, 0); });
	CASE("var/dot_name", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "a.b", 1, 0); });
	CASE("var/kflag", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "v", BB_INFO(BTF_KIND_VAR, 1, 0), 1); bb_u32(&B, 0); });
	CASE("var/vlen", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "v", BB_INFO(BTF_KIND_VAR, 0, 1), 1); bb_u32(&B, 0); });
	CASE("var/truncated", { bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "v", BB_INFO(BTF_KIND_VAR, 0, 0), 1); });
	CASE("var/of_func_proto", { bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 0); bb_var(&B, "v", 1, 0); });
	CASE("var/of_fwd", { bb_ref(&B, BTF_KIND_FWD, "s", 0); bb_var(&B, "v", 1, 0); });
	CASE("var/of_var", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "a", 1, 0); bb_var(&B, "b", 2, 0); });
	CASE("var/of_ptr", { bb_ref(&B, BTF_KIND_PTR, "", 0); bb_var(&B, "p", 1, 0); });
	CASE("var/of_typedef_void", { bb_ref(&B, BTF_KIND_TYPEDEF, "t", 0); bb_var(&B, "p", 1, 0); });
	CASE("var/of_array", { bb_int(&B, "int", 4, 1, 0, 32); bb_array(&B, 1, 1, 3); bb_var(&B, "a", 2, 0); });

	/* DATASEC. */
#define SEC_BASE()                                                                                \
	bb_int(&B, "int", 4, 1, 0, 32);                                                           \
	bb_var(&B, "a", 1, 0);                                                                    \
	bb_var(&B, "b", 1, 1)
	CASE("datasec/ok_two", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 2), 8); bb_secinfo(&B, 2, 0, 4); bb_secinfo(&B, 3, 4, 4); });
	CASE("datasec/size_0", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 0); bb_secinfo(&B, 2, 0, 4); });
	CASE("datasec/vlen_0", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 0), 8); });
	CASE("datasec/anonymous", { SEC_BASE(); bb_t(&B, "", BB_INFO(BTF_KIND_DATASEC, 0, 1), 8); bb_secinfo(&B, 2, 0, 4); });
	CASE("datasec/name_with_space", { SEC_BASE(); bb_t(&B, "a b/c:d", BB_INFO(BTF_KIND_DATASEC, 0, 1), 8); bb_secinfo(&B, 2, 0, 4); });
	CASE("datasec/name_control_char", { SEC_BASE(); bb_t(&B, "a\tb", BB_INFO(BTF_KIND_DATASEC, 0, 1), 8); bb_secinfo(&B, 2, 0, 4); });
	CASE("datasec/name_0x80", { SEC_BASE(); bb_t(&B, "a\x80", BB_INFO(BTF_KIND_DATASEC, 0, 1), 8); bb_secinfo(&B, 2, 0, 4); });
	CASE("datasec/name_0xa0", { SEC_BASE(); bb_t(&B, "a\xa0", BB_INFO(BTF_KIND_DATASEC, 0, 1), 8); bb_secinfo(&B, 2, 0, 4); });
	CASE("datasec/kflag", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 1, 1), 8); bb_secinfo(&B, 2, 0, 4); });
	CASE("datasec/unsorted", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 2), 8); bb_secinfo(&B, 2, 4, 4); bb_secinfo(&B, 3, 0, 4); });
	CASE("datasec/overlap", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 2), 8); bb_secinfo(&B, 2, 0, 4); bb_secinfo(&B, 3, 2, 4); });
	CASE("datasec/offset_at_end", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 8); bb_secinfo(&B, 2, 8, 4); });
	CASE("datasec/past_end", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 8); bb_secinfo(&B, 2, 6, 4); });
	CASE("datasec/size_0_var", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 8); bb_secinfo(&B, 2, 0, 0); });
	CASE("datasec/var_bigger_than_slot", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 8); bb_secinfo(&B, 2, 0, 2); });
	CASE("datasec/slot_bigger_than_var", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 8); bb_secinfo(&B, 2, 0, 8); });
	CASE("datasec/not_var", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 8); bb_secinfo(&B, 1, 0, 4); });
	CASE("datasec/type_void", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 8); bb_secinfo(&B, 0, 0, 4); });
	CASE("datasec/type_out_of_range", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 8); bb_secinfo(&B, 40, 0, 4); });
	CASE("datasec/truncated", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 2), 8); bb_secinfo(&B, 2, 0, 4); });
	CASE("datasec/same_var_twice", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 2), 8); bb_secinfo(&B, 2, 0, 4); bb_secinfo(&B, 2, 4, 4); });
	CASE("datasec/offset_size_wrap", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 1), 0xffffffffu); bb_secinfo(&B, 2, 0x80000001u, 0xffffffffu); });
	CASE("datasec/sum_exceeds", { SEC_BASE(); bb_t(&B, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 2), 0xffffffffu); bb_secinfo(&B, 2, 0, 0x80000000u); bb_secinfo(&B, 3, 0x80000000u, 0x7fffffffu); });
	CASE("datasec/var_of_struct_with_ptr", {
		bb_ref(&B, BTF_KIND_PTR, "", 2);
		bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 8); bb_member(&B, "p", 1, 0);
		bb_var(&B, "v", 2, 1);
		bb_t(&B, ".bss", BB_INFO(BTF_KIND_DATASEC, 0, 1), 8); bb_secinfo(&B, 3, 0, 8);
	});

	/* FLOAT. */
	CASE("float/size_3", bb_t(&B, "f", BB_INFO(BTF_KIND_FLOAT, 0, 0), 3));
	CASE("float/size_12", bb_t(&B, "long double", BB_INFO(BTF_KIND_FLOAT, 0, 0), 12));
	CASE("float/size_16", bb_t(&B, "q", BB_INFO(BTF_KIND_FLOAT, 0, 0), 16));
	CASE("float/size_2", bb_t(&B, "h", BB_INFO(BTF_KIND_FLOAT, 0, 0), 2));
	CASE("float/size_32", bb_t(&B, "o", BB_INFO(BTF_KIND_FLOAT, 0, 0), 32));
	CASE("float/vlen", bb_t(&B, "f", BB_INFO(BTF_KIND_FLOAT, 0, 1), 4));
	CASE("float/kflag", bb_t(&B, "f", BB_INFO(BTF_KIND_FLOAT, 1, 0), 4));
	CASE("float/anonymous", bb_t(&B, "", BB_INFO(BTF_KIND_FLOAT, 0, 0), 4));

	/* DECL_TAG. */
	CASE("decl_tag/empty_value", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "v", 1, 0); bb_decl_tag(&B, "", 2, -1); });
	CASE("decl_tag/on_int", { bb_int(&B, "int", 4, 1, 0, 32); bb_decl_tag(&B, "t", 1, -1); });
	CASE("decl_tag/on_void", bb_decl_tag(&B, "t", 0, -1));
	CASE("decl_tag/on_typedef", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPEDEF, "x", 1); bb_decl_tag(&B, "t", 2, -1); });
	CASE("decl_tag/on_typedef_idx", { bb_int(&B, "int", 4, 1, 0, 32); bb_ref(&B, BTF_KIND_TYPEDEF, "x", 1); bb_decl_tag(&B, "t", 2, 0); });
	CASE("decl_tag/on_var_idx", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "v", 1, 0); bb_decl_tag(&B, "t", 2, 0); });
	CASE("decl_tag/idx_minus_2", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "v", 1, 0); bb_decl_tag(&B, "t", 2, -2); });
	CASE("decl_tag/struct_idx_ok", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "a", 1, 0); bb_decl_tag(&B, "t", 2, 0); });
	CASE("decl_tag/struct_idx_past", { bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_STRUCT, "s", 0, 1, 4); bb_member(&B, "a", 1, 0); bb_decl_tag(&B, "t", 2, 1); });
	CASE("decl_tag/func_idx_past", {
		bb_int(&B, "int", 4, 1, 0, 32); bb_t(&B, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 1), 1); bb_param(&B, "a", 1);
		bb_t(&B, "f", BB_INFO(BTF_KIND_FUNC, 0, 0), 2); bb_decl_tag(&B, "t", 3, 1);
	});
	CASE("decl_tag/vlen", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "v", 1, 0); bb_t(&B, "t", BB_INFO(BTF_KIND_DECL_TAG, 0, 1), 2); bb_u32(&B, (uint32_t)-1); });
	CASE("decl_tag/kflag", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "v", 1, 0); bb_t(&B, "t", BB_INFO(BTF_KIND_DECL_TAG, 1, 0), 2); bb_u32(&B, (uint32_t)-1); });
	CASE("decl_tag/on_decl_tag", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "v", 1, 0); bb_decl_tag(&B, "t", 2, -1); bb_decl_tag(&B, "u", 3, -1); });
	CASE("decl_tag/truncated", { bb_int(&B, "int", 4, 1, 0, 32); bb_var(&B, "v", 1, 0); bb_t(&B, "t", BB_INFO(BTF_KIND_DECL_TAG, 0, 0), 2); });
	CASE("decl_tag/on_union_idx", {
		bb_int(&B, "int", 4, 1, 0, 32); bb_struct(&B, BTF_KIND_UNION, "u", 0, 2, 4);
		bb_member(&B, "a", 1, 0); bb_member(&B, "b", 1, 0); bb_decl_tag(&B, "t", 2, 1);
	});

	/* Special kernel structs in BTF: checked at load when a struct embeds them. */
	CASE("special/two_spin_locks", {
		bb_int(&B, "int", 4, 1, 0, 32);
		bb_struct(&B, BTF_KIND_STRUCT, "bpf_spin_lock", 0, 1, 4); bb_member(&B, "val", 1, 0);
		bb_struct(&B, BTF_KIND_STRUCT, "v", 0, 2, 8); bb_member(&B, "a", 2, 0); bb_member(&B, "b", 2, 32);
	});
	CASE("special/one_spin_lock", {
		bb_int(&B, "int", 4, 1, 0, 32);
		bb_struct(&B, BTF_KIND_STRUCT, "bpf_spin_lock", 0, 1, 4); bb_member(&B, "val", 1, 0);
		bb_struct(&B, BTF_KIND_STRUCT, "v", 0, 2, 8); bb_member(&B, "a", 2, 0); bb_member(&B, "b", 1, 32);
	});
	CASE("special/spin_lock_size_8", {
		bb_int(&B, "long", 8, 1, 0, 64);
		bb_struct(&B, BTF_KIND_STRUCT, "bpf_spin_lock", 0, 1, 8); bb_member(&B, "val", 1, 0);
		bb_struct(&B, BTF_KIND_STRUCT, "v", 0, 1, 8); bb_member(&B, "a", 2, 0);
	});
	CASE("special/spin_lock_with_bitfield", {
		bb_int(&B, "int", 4, 1, 0, 32);
		bb_struct(&B, BTF_KIND_STRUCT, "bpf_spin_lock", 0, 1, 4); bb_member(&B, "val", 1, 0);
		bb_struct(&B, BTF_KIND_STRUCT, "v", 1, 3, 12); bb_member(&B, "a", 2, 0);
		bb_member(&B, "x", 1, (3u << 24) | 32); bb_member(&B, "y", 1, (3u << 24) | 35);
	});
	CASE("special/spin_lock_misaligned", {
		bb_int(&B, "int", 4, 1, 0, 32); bb_int(&B, "char", 1, 0, 0, 8);
		bb_struct(&B, BTF_KIND_STRUCT, "bpf_spin_lock", 0, 1, 4); bb_member(&B, "val", 1, 0);
		bb_struct(&B, BTF_KIND_STRUCT, "v", 0, 2, 8); bb_member(&B, "c", 2, 0); bb_member(&B, "a", 3, 8);
	});
	CASE("special/list_head_no_contains", {
		bb_int(&B, "long", 8, 1, 0, 64);
		bb_struct(&B, BTF_KIND_STRUCT, "bpf_list_head", 0, 2, 16); bb_member(&B, "a", 1, 0); bb_member(&B, "b", 1, 64);
		bb_struct(&B, BTF_KIND_STRUCT, "v", 0, 1, 16); bb_member(&B, "h", 2, 0);
	});
	/*
	 * Graph roots: struct v { struct bpf_spin_lock l; struct bpf_list_head h; }
	 * with a "contains:<struct>:<member>" decl tag on member 1 naming the node.
	 */
	static const struct {
		const char *name, *tag;
		bool lock, second_tag;
		int idx;
	} roots[] = {
		{"special/list_head_ok", "contains:node:n", true, false, 1},
		{"special/list_head_no_lock", "contains:node:n", false, false, 1},
		{"special/list_head_no_such_struct", "contains:nosuch:n", true, false, 1},
		{"special/list_head_no_such_member", "contains:node:zz", true, false, 1},
		{"special/list_head_member_not_node", "contains:node:x", true, false, 1},
		{"special/list_head_no_colon", "contains:node", true, false, 1},
		{"special/list_head_empty_member", "contains:node:", true, false, 1},
		{"special/list_head_two_tags", "contains:node:n", true, true, 1},
		{"special/list_head_tag_on_other_member", "contains:node:n", true, false, 0},
		{"special/list_head_other_tag", "other:node:n", true, false, 1},
	};
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		bb_init(&B);
		bb_int(&B, "int", 4, 1, 0, 32);                                   /* 1 */
		bb_int(&B, "long", 8, 1, 0, 64);                                  /* 2 */
		bb_struct(&B, BTF_KIND_STRUCT, "bpf_spin_lock", 0, 1, 4);         /* 3 */
		bb_member(&B, "val", 1, 0);
		bb_array(&B, 2, 1, 2);                                            /* 4: long[2] */
		bb_array(&B, 2, 1, 3);                                            /* 5: long[3] */
		bb_struct(&B, BTF_KIND_STRUCT, "bpf_list_head", 0, 1, 16);        /* 6 */
		bb_member(&B, "__opaque", 4, 0);
		bb_struct(&B, BTF_KIND_STRUCT, "bpf_list_node", 0, 1, 24);        /* 7 */
		bb_member(&B, "__opaque", 5, 0);
		bb_struct(&B, BTF_KIND_STRUCT, "node", 0, 2, 32);                 /* 8 */
		bb_member(&B, "x", 1, 0);
		bb_member(&B, "n", 7, 64);
		if (roots[i].lock) {
			bb_struct(&B, BTF_KIND_STRUCT, "v", 0, 2, 24);            /* 9 */
			bb_member(&B, "l", 3, 0);
			bb_member(&B, "h", 6, 64);
		} else {
			bb_struct(&B, BTF_KIND_STRUCT, "v", 0, 2, 24);
			bb_member(&B, "l", 1, 0);
			bb_member(&B, "h", 6, 64);
		}
		bb_decl_tag(&B, roots[i].tag, 9, roots[i].idx);
		if (roots[i].second_tag)
			bb_decl_tag(&B, "contains:node:n", 9, roots[i].idx);
		run(roots[i].name);
	}
	CASE("special/timer_only", {
		bb_int(&B, "long", 8, 1, 0, 64);
		bb_struct(&B, BTF_KIND_STRUCT, "bpf_timer", 0, 2, 16); bb_member(&B, "a", 1, 0); bb_member(&B, "b", 1, 64);
		bb_struct(&B, BTF_KIND_STRUCT, "v", 0, 2, 32); bb_member(&B, "t", 2, 0); bb_member(&B, "u", 2, 128);
	});
}

/* ---- attr fields and the log ------------------------------------------------------------------ */

static void attr_cases(void)
{
	base_int();
	struct dcase *c;

	c = d_new(BPF_BTF_LOAD, 40, "attr/btf_flags_2");
	((struct btf_load_attr *)c->t.b)->btf = d_ptr(c, B.blob, B.size);
	((struct btf_load_attr *)c->t.b)->btf_size = B.size;
	((struct btf_load_attr *)c->t.b)->btf_flags = 2;
	d_run(c);
	c = d_new(BPF_BTF_LOAD, 40, "attr/token_flag_closed_fd");
	((struct btf_load_attr *)c->t.b)->btf = d_ptr(c, B.blob, B.size);
	((struct btf_load_attr *)c->t.b)->btf_size = B.size;
	((struct btf_load_attr *)c->t.b)->btf_flags = 1u << 16;
	((struct btf_load_attr *)c->t.b)->token_fd = 999;
	d_run(c);
	c = d_new(BPF_BTF_LOAD, 40, "attr/token_flag_not_token");
	((struct btf_load_attr *)c->t.b)->btf = d_ptr(c, B.blob, B.size);
	((struct btf_load_attr *)c->t.b)->btf_size = B.size;
	((struct btf_load_attr *)c->t.b)->btf_flags = 1u << 16;
	((struct btf_load_attr *)c->t.b)->token_fd = 0;
	d_run(c);
	c = d_new(BPF_BTF_LOAD, 40, "attr/token_fd_without_flag");
	((struct btf_load_attr *)c->t.b)->btf = d_ptr(c, B.blob, B.size);
	((struct btf_load_attr *)c->t.b)->btf_size = B.size;
	((struct btf_load_attr *)c->t.b)->token_fd = 999;
	d_run(c);
	c = d_new(BPF_BTF_LOAD, 48, "attr/byte_40_set");
	((struct btf_load_attr *)c->t.b)->btf = d_ptr(c, B.blob, B.size);
	((struct btf_load_attr *)c->t.b)->btf_size = B.size;
	c->t.b[40] = 1;
	d_run(c);
	c = d_new(BPF_BTF_LOAD, 28, "attr/size_28_valid");
	((struct btf_load_attr *)c->t.b)->btf = d_ptr(c, B.blob, B.size);
	((struct btf_load_attr *)c->t.b)->btf_size = B.size;
	d_run(c);

	/* The log: level, buffer and size rules; then ENOSPC. */
	char bad[64];
	memcpy(bad, B.blob, B.size);
	((struct btf_header *)bad)->magic = 1;
	run_log("log/level1_big_buf_valid", B.blob, B.size, 1, 65536, false, 40);
	run_log("log/level1_big_buf_invalid", bad, B.size, 1, 65536, false, 40);
	run_log("log/level2_valid", B.blob, B.size, 2, 65536, false, 40);
	run_log("log/level4_stats", B.blob, B.size, 4, 65536, false, 40);
	run_log("log/level8_fixed_only", B.blob, B.size, 8, 65536, false, 40);
	run_log("log/level9", B.blob, B.size, 9, 65536, false, 40);
	run_log("log/level16", B.blob, B.size, 16, 65536, false, 40);
	run_log("log/level0_with_buf", B.blob, B.size, 0, 65536, false, 40);
	run_log("log/level1_no_buf_no_size", B.blob, B.size, 1, 0, true, 40);
	run_log("log/level1_no_buf_invalid", bad, B.size, 1, 0, true, 40);
	run_log("log/level1_buf_size_0", B.blob, B.size, 1, 0, false, 40);
	run_log("log/level1_size_no_buf", B.blob, B.size, 1, 100, true, 40);
	run_log("log/size_too_big", B.blob, B.size, 1, 0x40000000, false, 40);
	run_log("log/size_max_ok", B.blob, B.size, 1, 0x3fffffff, false, 40);
	run_log("log/level1_tiny_buf_valid", B.blob, B.size, 1, 8, false, 40);
	run_log("log/level1_size_1_valid", B.blob, B.size, 1, 1, false, 40);
	run_log("log/level1_tiny_buf_invalid", bad, B.size, 1, 8, false, 40);
	run_log("log/level9_tiny_buf_fixed", B.blob, B.size, 9, 8, false, 40);
	run_log("log/level1_tiny_buf_attr_28", B.blob, B.size, 1, 8, false, 28);
	run_log("log/level1_attr_28", B.blob, B.size, 1, 65536, false, 28);
	run_log("log/level1_null_blob", NULL, B.size, 1, 65536, false, 40);
	run_log("log/level1_tiny_null_blob", NULL, B.size, 1, 8, false, 40);
	run_log("log/level0_attr_40", B.blob, B.size, 0, 0, true, 40);
	/* Which comes first: the size limit or the log rules. */
	run_log("order/too_big_and_bad_level", B.blob, 16 * 1024 * 1024 + 1, 16, 65536, false, 40);
	run_log("order/too_big_and_buf_without_level", B.blob, 16 * 1024 * 1024 + 1, 0, 65536, false, 40);
	run_log("order/null_blob_and_bad_level", NULL, B.size, 16, 65536, false, 40);
	run_log("order/size_0_level1", B.blob, 0, 1, 65536, false, 40);
}

int main(void)
{
	d_init("btf_load");
	valid_cases();
	header_cases();
	meta_cases();
	attr_cases();
	return d_done();
}

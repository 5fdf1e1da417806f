// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* ub_btf_show(): values of BTF types as JSON and as C initializers. */
#include "t.h"
#include "userbpf.h"
#include "btf/btf.h"
#include "../diff/btf_build.h"

#include <unistd.h>

static struct ub_btf *btf;

/* Format and compare with @want. */
static void expect(uint32_t id, const void *data, uint32_t size, bool json, const char *want)
{
	char *txt = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&txt, &len);
	int err = ub_btf_show(btf, id, data, size, json, f);
	fclose(f);
	CHECK(err == 0 && txt && !strcmp(txt, want), "type %u %s: err %d got '%s' want '%s'", id,
	      json ? "json" : "text", err, txt ? txt : "", want);
	free(txt);
}

int main(void)
{
	static struct bb b;
	bb_init(&b);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 0, 32);                  /* 1 */
	bb_int(&b, "unsigned int", 4, 0, 0, 32);                      /* 2 */
	bb_int(&b, "char", 1, BTF_INT_SIGNED, 0, 8);                 /* 3: as clang emits it */
	bb_int(&b, "_Bool", 1, BTF_INT_BOOL, 0, 8);                   /* 4 */
	bb_array(&b, 3, 2, 8);                                        /* 5: char[8] */
	bb_t(&b, "color", BB_INFO(BTF_KIND_ENUM, 0, 2), 4);           /* 6 */
	bb_enum_val(&b, "RED", 0);
	bb_enum_val(&b, "BLUE", 7);
	bb_struct(&b, BTF_KIND_STRUCT, "flags", 1, 3, 4);             /* 7: bitfields */
	bb_member(&b, "lo", 2, (3u << 24) | 0);
	bb_member(&b, "neg", 1, (4u << 24) | 3);
	bb_member(&b, "c", 6, (3u << 24) | 7);
	bb_array(&b, 1, 2, 3);                                        /* 8: int[3] */
	bb_ref(&b, BTF_KIND_PTR, "", 0);                              /* 9: void * */
	bb_t(&b, "double", BB_INFO(BTF_KIND_FLOAT, 0, 0), 8);         /* 10 */
	bb_struct(&b, BTF_KIND_STRUCT, "val", 0, 7, 56);              /* 11 */
	bb_member(&b, "a", 1, 0);
	bb_member(&b, "name", 5, 32);
	bb_member(&b, "f", 7, 96);
	bb_member(&b, "v", 8, 128);
	bb_member(&b, "p", 9, 256);
	bb_member(&b, "d", 10, 320);
	bb_member(&b, "ok", 4, 384);
	bb_ref(&b, BTF_KIND_TYPEDEF, "val_t", 11);                    /* 12 */
	bb_ref(&b, BTF_KIND_CONST, "", 12);                           /* 13 */
	bb_var(&b, "counter", 1, BTF_VAR_GLOBAL_ALLOCATED);           /* 14 */
	bb_var(&b, "who", 5, BTF_VAR_STATIC);                         /* 15 */
	bb_t(&b, ".data", BB_INFO(BTF_KIND_DATASEC, 0, 2), 16);       /* 16 */
	bb_secinfo(&b, 14, 0, 4);
	bb_secinfo(&b, 15, 4, 8);
	bb_int(&b, "__int128", 16, BTF_INT_SIGNED, 0, 128);           /* 17 */
	bb_ref(&b, BTF_KIND_FWD, "opaque", 0);                        /* 18 */
	bb_finish(&b);

	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.btf = (uintptr_t)b.blob;
	a.btf_size = b.size;
	int fd = ub_bpf(BPF_BTF_LOAD, &a, sizeof(a));
	CHECK(fd >= 0, "BTF_LOAD: errno %d", errno);
	int err;
	btf = fd >= 0 ? ub_btf_from_fd(fd, &err) : NULL;
	if (!btf)
		return T_DONE();

	int32_t i = -42;
	expect(1, &i, 4, true, "-42");
	expect(2, &i, 4, false, "4294967254");
	uint8_t yes = 1;
	expect(4, &yes, 1, true, "true");
	uint32_t c = 7, c2 = 5;
	expect(6, &c, 4, true, "\"BLUE\"");
	expect(6, &c, 4, false, "BLUE");
	expect(6, &c2, 4, true, "5");

	uint8_t v[56];
	memset(v, 0, sizeof(v));
	memcpy(v, &i, 4);
	memcpy(v + 4, "hey", 4);
	/* lo = 5 (3 bits), neg = -2 (4 bits at 3), c = BLUE (3 bits at 7) */
	uint32_t bits = 5u | ((0xeu) << 3) | (7u << 7);
	memcpy(v + 12, &bits, 4);
	int32_t arr[3] = {1, -2, 3};
	memcpy(v + 16, arr, 12);
	uint64_t p = 0xdeadbeef;
	memcpy(v + 32, &p, 8);
	double d = 1.5;
	memcpy(v + 40, &d, 8);
	v[48] = 0;
	expect(11, v, sizeof(v), true,
	       "{\"a\": -42, \"name\": \"hey\", \"f\": {\"lo\": 5, \"neg\": -2, \"c\": \"BLUE\"}, "
	       "\"v\": [1, -2, 3], \"p\": \"0x00000000deadbeef\", \"d\": 1.5, \"ok\": false}");
	expect(13, v, sizeof(v), false,
	       "{.a = -42, .name = \"hey\", .f = {.lo = 5, .neg = -2, .c = BLUE}, "
	       ".v = {1, -2, 3}, .p = 0x00000000deadbeef, .d = 1.5, .ok = false}");

	/* A char array without a terminator is an array of numbers. */
	memcpy(v + 4, "abcdefgh", 8);
	expect(5, v + 4, 8, true, "[97, 98, 99, 100, 101, 102, 103, 104]");

	/* A section: its variables by name. */
	uint8_t sec[16] = {0};
	memcpy(sec, &i, 4);
	memcpy(sec + 4, "me", 3);
	expect(16, sec, sizeof(sec), true, "{\"counter\": -42, \"who\": \"me\"}");
	expect(14, sec, 4, true, "-42");

	uint8_t wide[16];
	for (int k = 0; k < 16; k++)
		wide[k] = (uint8_t)k;
	expect(17, wide, 16, true, "\"0x0f0e0d0c0b0a09080706050403020100\"");

	/* What cannot be shown. */
	FILE *null = fopen("/dev/null", "w");
	CHECK(ub_btf_show(btf, 18, v, 8, true, null) == -EINVAL, "a forward declaration");
	CHECK(ub_btf_show(btf, 0, v, 8, true, null) == -EINVAL, "void");
	CHECK(ub_btf_show(btf, 11, v, 55, true, null) == -EINVAL, "too few bytes");
	CHECK(ub_btf_show(btf, 99, v, 8, true, null) == -EINVAL, "no such type");
	fclose(null);
	close(fd);
	return T_DONE();
}

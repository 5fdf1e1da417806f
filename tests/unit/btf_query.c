// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The BTF query helpers the program loader uses: types by id, sizes, names, func_info checks. */
#include "t.h"
#include "userbpf.h"
#include "btf/btf.h"
#include "../diff/btf_build.h"

#include <unistd.h>

int main(void)
{
	static struct bb b;
	bb_init(&b);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 0, 32);                 /* 1 */
	bb_ref(&b, BTF_KIND_TYPEDEF, "myint", 1);                    /* 2 */
	bb_ref(&b, BTF_KIND_CONST, "", 2);                           /* 3 */
	bb_array(&b, 3, 1, 5);                                       /* 4: const myint[5] */
	bb_struct(&b, BTF_KIND_STRUCT, "s", 1, 2, 24);               /* 5 */
	bb_member(&b, "flag", 1, (3u << 24) | 0);
	bb_member(&b, "arr", 4, 32);
	bb_t(&b, "", BB_INFO(BTF_KIND_FUNC_PROTO, 0, 1), 1);         /* 6 */
	bb_param(&b, "x", 1);
	bb_t(&b, "f", BB_INFO(BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL), 6); /* 7 */
	bb_t(&b, "g", BB_INFO(BTF_KIND_FUNC, 0, BTF_FUNC_STATIC), 6); /* 8 */
	bb_finish(&b);

	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.btf = (uintptr_t)b.blob;
	a.btf_size = b.size;
	int fd = ub_bpf(BPF_BTF_LOAD, &a, sizeof(a));
	CHECK(fd >= 0, "BTF_LOAD: errno %d", errno);
	if (fd < 0)
		return T_DONE();
	int err = 0;
	struct ub_btf *btf = ub_btf_from_fd(fd, &err);
	CHECK(btf != NULL, "ub_btf_from_fd: %d", err);
	CHECK(!ub_btf_from_fd(-1, &err) && err == -EBADF, "closed fd: %d", err);
	CHECK(!ub_btf_from_fd(0, &err) && err == -EINVAL, "stdin: %d", err);
	if (!btf)
		return T_DONE();

	/* Types by id, names, kinds. */
	CHECK(ub_btf_type(btf, 0) && BTF_INFO_KIND(ub_btf_type(btf, 0)->info) == 0, "void");
	CHECK(ub_btf_type(btf, 9) == NULL, "id past the end");
	const struct btf_type *s = ub_btf_type(btf, 5);
	CHECK(s && BTF_INFO_KIND(s->info) == BTF_KIND_STRUCT && !strcmp(ub_btf_name(btf, s), "s"),
	      "struct s");
	CHECK(ub_btf_vlen(s) == 2, "two members");
	const struct btf_member *m = (const void *)(s + 1);
	CHECK(ub_btf_member_bit_offset(s, &m[1]) == 32 && ub_btf_member_bitfield_size(s, &m[0]) == 3,
	      "member offsets and bitfield sizes");
	CHECK(!strcmp(ub_btf_str(btf, m[1].name_off), "arr"), "member name");
	CHECK(ub_btf_find_by_name_kind(btf, "f", BTF_KIND_FUNC) == 7, "find f");
	CHECK(ub_btf_find_by_name_kind(btf, "f", BTF_KIND_STRUCT) == -ENOENT, "no struct f");

	/* Sizes through modifiers and arrays (the resolved sizes the validator stored). */
	uint32_t id = 3, size = 0;
	const struct btf_type *t = ub_btf_type_id_size(btf, &id, &size);
	CHECK(t && id == 1 && size == 4, "const myint -> int, 4 bytes (id %u size %u)", id, size);
	id = 4;
	t = ub_btf_type_id_size(btf, &id, &size);
	CHECK(t && id == 4 && size == 20, "const myint[5] is 20 bytes (%u)", size);
	id = 7;
	CHECK(ub_btf_type_id_size(btf, &id, &size) == NULL, "a FUNC has no size");
	uint32_t rid = 0;
	t = ub_btf_skip_modifiers(btf, 3, &rid);
	CHECK(t && rid == 1, "skip modifiers of 3 -> %u", rid);

	/* func_info records. */
	struct bpf_func_info fi[3] = {{0, 7}, {5, 8}, {9, 7}};
	CHECK(ub_btf_check_func_info(btf, fi, 8, 3, 10, NULL) == 0, "valid func_info");
	CHECK(ub_btf_check_func_info(btf, fi, 8, 0, 10, NULL) == 0, "no records");
	CHECK(ub_btf_check_func_info(btf, fi, 4, 3, 10, NULL) == -EINVAL, "rec size 4");
	CHECK(ub_btf_check_func_info(btf, fi, 10, 1, 10, NULL) == -EINVAL, "rec size 10");
	CHECK(ub_btf_check_func_info(btf, fi, 256, 1, 10, NULL) == -EINVAL, "rec size 256");
	CHECK(ub_btf_check_func_info(btf, fi, 8, 3, 9, NULL) == -EINVAL, "insn_off past the end");
	uint32_t longrec[4] = {0, 7, 0, 0};
	CHECK(ub_btf_check_func_info(btf, longrec, 16, 1, 10, NULL) == 0, "zero tail ok");
	longrec[3] = 1;
	CHECK(ub_btf_check_func_info(btf, longrec, 16, 1, 10, NULL) == -E2BIG, "non-zero tail");
	struct bpf_func_info bad_first[1] = {{1, 7}};
	CHECK(ub_btf_check_func_info(btf, bad_first, 8, 1, 10, NULL) == -EINVAL, "first insn_off");
	struct bpf_func_info unsorted[2] = {{0, 7}, {0, 8}};
	CHECK(ub_btf_check_func_info(btf, unsorted, 8, 2, 10, NULL) == -EINVAL, "not increasing");
	struct bpf_func_info not_func[1] = {{0, 6}};
	char *txt = NULL;
	size_t len = 0;
	FILE *log = open_memstream(&txt, &len);
	CHECK(ub_btf_check_func_info(btf, not_func, 8, 1, 10, log) == -EINVAL, "type not a FUNC");
	fclose(log);
	CHECK(txt && strstr(txt, "invalid type id 6"), "log names the type: %s", txt ? txt : "");
	free(txt);

	/* line_info records: line_off/file_name_off are string offsets ("s" is at 1). */
	struct bpf_line_info li[2] = {{0, 1, 1, 0}, {4, 1, 1, 0}};
	CHECK(ub_btf_check_line_info(btf, li, 16, 2, 10, NULL) == 0, "valid line_info");
	CHECK(ub_btf_check_line_info(btf, li, 12, 2, 10, NULL) == -EINVAL, "rec size 12");
	CHECK(ub_btf_check_line_info(btf, li, 18, 1, 10, NULL) == -EINVAL, "rec size 18");
	CHECK(ub_btf_check_line_info(btf, li, 16, 2, 4, NULL) == -EINVAL, "insn_off past the end");
	struct bpf_line_info li_same[2] = {{0, 1, 1, 0}, {0, 1, 1, 0}};
	CHECK(ub_btf_check_line_info(btf, li_same, 16, 2, 10, NULL) == -EINVAL, "same insn_off");
	struct bpf_line_info li_first[1] = {{2, 1, 1, 0}};
	CHECK(ub_btf_check_line_info(btf, li_first, 16, 1, 10, NULL) == -EINVAL, "first not 0");
	struct bpf_line_info li_str[1] = {{0, 1, 99999, 0}};
	CHECK(ub_btf_check_line_info(btf, li_str, 16, 1, 10, NULL) == -EINVAL, "bad line_off");
	uint32_t lilong[6] = {0, 1, 1, 0, 0, 5};
	CHECK(ub_btf_check_line_info(btf, lilong, 24, 1, 10, NULL) == -E2BIG, "non-zero tail");
	lilong[5] = 0;
	CHECK(ub_btf_check_line_info(btf, lilong, 24, 1, 10, NULL) == 0, "zero tail");
	close(fd);
	return T_DONE();
}

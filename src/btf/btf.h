/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* BTF objects: BPF_BTF_LOAD, validation, type queries, and the checks maps make against BTF. */
#ifndef UB_BTF_H
#define UB_BTF_H

#include <linux/btf.h>
#include <stdio.h>
#include "sys/attr.h"
#include "sys/obj.h"

/*
 * A BTF object is an object file (src/sys/obj.h) whose content is the blob
 * exactly as the caller loaded it, followed (8-aligned) by two u32 arrays
 * indexed by type id: the resolved type id and the resolved size the
 * validator computed. The header tail (struct ub_btf_hdr) says where they
 * are. Another process attaching the file rebuilds only the id -> type
 * pointer index (one walk over the type section, no validation: the blob was
 * validated once, at load, and is never written again).
 */
#define UB_BTF_MAX_SIZE (16u * 1024 * 1024) /* the kernel's BTF_MAX_SIZE */
#define UB_BTF_MAX_TYPE 0xfffffu             /* ids are 20 bits */
#define UB_BTF_MAX_NAME_OFFSET 0xffffffu
#define UB_BTF_MAX_RESOLVE_DEPTH 32

struct ub_btf_hdr {
	u32 btf_size;   /* bytes of the blob at offset 0 */
	u32 nr_types;   /* including void, id 0 */
	u32 resolved_off; /* offset of u32 resolved_id[nr_types], then resolved_size[] */
	u32 pad;
};

/* One BTF object as seen by this process (starts with struct ub_obj). */
struct ub_btf {
	struct ub_obj obj;
	const u8 *data;   /* the blob */
	u32 size;
	struct btf_header hdr; /* a copy, zero-extended when hdr_len < 24 */
	const char *strs;
	u32 str_len;
	u32 nr_types;     /* including void */
	const struct btf_type **types; /* by id; types[0] is a static void */
	const u32 *resolved_id;
	const u32 *resolved_size;
};

static inline struct ub_btf *obj_to_btf(struct ub_obj *obj)
{
	return (struct ub_btf *)obj;
}

/* BPF_BTF_LOAD: returns a BTF fd or -errno. */
UB_HIDDEN long ub_sys_btf_load(union ub_attr *attr, void *uattr);

/*
 * ub_btf_map_check - the kernel's map_check_btf() for a map being created:
 * validates @key_type_id and @value_type_id in the BTF object @btf against the
 * map's sizes and type rules, and finds a struct bpf_spin_lock in the value.
 * On success returns 0 and sets *@spin_lock_off (-1 when there is none).
 * Errors: -EINVAL for a mismatch; -EOPNOTSUPP where a field is not allowed
 * in this map type (a lock in a per-CPU map); -EACCES for special fields in
 * a map with BPF_F_RDONLY_PROG/WRONLY_PROG.
 */
UB_HIDDEN int ub_btf_map_check(struct ub_obj *btf, u32 map_type, u32 key_size, u32 value_size,
			       u32 max_entries, u32 key_type_id, u32 value_type_id,
			       s32 *spin_lock_off);

/*
 * ub_btf_map_check_flags - the same, knowing the map's flags (the RDONLY_PROG
 * / WRONLY_PROG rule for values with special fields). ub_btf_map_check()
 * is this with flags 0.
 */
UB_HIDDEN int ub_btf_map_check_flags(struct ub_obj *btf, u32 map_type, u32 map_flags,
				     u32 key_size, u32 value_size, u32 max_entries,
				     u32 key_type_id, u32 value_type_id, s32 *spin_lock_off);

/* A byte range of a map value that syscall copies never touch. */
struct ub_btf_special {
	u32 off, size;
};
#define UB_BTF_MAX_SPECIAL 11

/*
 * ub_btf_map_check_fields - the same, also listing the value's special
 * fields other than its lock (a second lock, timers, work queues, kptrs,
 * graph roots, refcounts) in @special (room for UB_BTF_MAX_SPECIAL), their
 * count in *@nr_special. The kernel never copies those in from or out to
 * userspace, and a map that has any cannot be frozen or mmap()ed.
 */
UB_HIDDEN int ub_btf_map_check_fields(struct ub_obj *btf, u32 map_type, u32 map_flags,
				      u32 key_size, u32 value_size, u32 max_entries,
				      u32 key_type_id, u32 value_type_id, s32 *spin_lock_off,
				      struct ub_btf_special *special, u32 *nr_special);

/* The BTF object's id (for bpf_map_info.btf_id). */
UB_HIDDEN u32 ub_btf_id(struct ub_obj *btf);

/* ---- type queries (for maps, the program loader and the CLI) ------------ */

/* The type with @id, or NULL when out of range. Id 0 is void (kind 0). */
UB_HIDDEN const struct btf_type *ub_btf_type(const struct ub_btf *btf, u32 id);
/* The string at @off in the string section, or NULL when out of range. */
UB_HIDDEN const char *ub_btf_str(const struct ub_btf *btf, u32 off);
/* The name of type @t ("" when anonymous). */
UB_HIDDEN const char *ub_btf_name(const struct ub_btf *btf, const struct btf_type *t);
/*
 * Skip typedef/volatile/const/restrict/type_tag from @id; the id reached is
 * stored in *@res_id when not NULL. NULL when @id is out of range.
 */
UB_HIDDEN const struct btf_type *ub_btf_skip_modifiers(const struct ub_btf *btf, u32 id,
							u32 *res_id);
/*
 * The kernel's btf_type_id_size(): the sized type @*id stands for (after
 * modifiers and a VAR), with its size in *@size. Updates *@id to the sized
 * type's id. NULL when the type has no size (void, FWD, FUNC, FUNC_PROTO).
 */
UB_HIDDEN const struct btf_type *ub_btf_type_id_size(const struct ub_btf *btf, u32 *id,
						      u32 *size);
/* Members of a STRUCT/UNION: count, and the bit offset of member @i. */
UB_HIDDEN u32 ub_btf_vlen(const struct btf_type *t);
UB_HIDDEN u32 ub_btf_member_bit_offset(const struct btf_type *s, const struct btf_member *m);
UB_HIDDEN u32 ub_btf_member_bitfield_size(const struct btf_type *s, const struct btf_member *m);
/* The first type named @name of @kind, its id, or -ENOENT. */
UB_HIDDEN int ub_btf_find_by_name_kind(const struct ub_btf *btf, const char *name, u32 kind);

/*
 * A BTF object from a BTF fd: -EBADF for a closed fd, -EINVAL for a
 * non-BTF fd. No reference is taken (valid while the fd is open).
 */
UB_HIDDEN struct ub_btf *ub_btf_from_fd(int fd, int *err);

/*
 * ub_btf_check_func_info - the verifier's checks of BPF_PROG_LOAD func_info
 * records against the program's BTF: @rec_size at least 8, at most 252, a
 * multiple of 4, bytes past struct bpf_func_info zero (else -E2BIG); the
 * first insn_off 0 and each later one strictly greater and below @insn_cnt;
 * each type_id a FUNC whose type is a FUNC_PROTO. @recs holds @cnt records
 * already copied in. Writes the reason, naming the record, to @log (may be
 * NULL). Returns 0, -EINVAL or -E2BIG.
 */
UB_HIDDEN int ub_btf_check_func_info(const struct ub_btf *btf, const void *recs, u32 rec_size,
				     u32 cnt, u32 insn_cnt, FILE *log);

/*
 * ub_btf_check_line_info - the same for line_info: @rec_size 16..252, a
 * multiple of 4, zero tail (else -E2BIG); insn_off 0 first, then strictly
 * increasing, below @insn_cnt; line_off and file_name_off valid string
 * offsets. (Whether each subprogram starts with a record, and that no
 * record points into the middle of a 16-byte instruction, is the
 * program's business.) Returns 0, -EINVAL or -E2BIG.
 */
/*
 * ub_btf_show - write the @size bytes at @data as a value of type @id to
 * @out: JSON (@json) or a C initializer. Integers (bitfields extracted,
 * signed per encoding, bools as true/false), enums by name, pointers and
 * 128-bit integers in hex, floats, char arrays holding a string as a string,
 * arrays, structs/unions member by member, DATASECs variable by variable.
 * Returns 0, or -EINVAL when @id has no size or @size is smaller than it.
 */
UB_HIDDEN int ub_btf_show(const struct ub_btf *btf, u32 id, const void *data, u32 size, bool json,
			  FILE *out);

UB_HIDDEN int ub_btf_check_line_info(const struct ub_btf *btf, const void *recs, u32 rec_size,
				     u32 cnt, u32 insn_cnt, FILE *log);


#endif

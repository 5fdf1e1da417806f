/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* union ub_attr: the 168-byte Linux 6.18 union bpf_attr, field by field. */
#ifndef UB_ATTR_H
#define UB_ATTR_H

#include "internal.h"

/*
 * Debian's uapi header describes the 6.1 union (144 bytes); the kernel we
 * emulate has more fields. This union has the 6.18 layout for every command
 * userbpf serves. Offsets are asserted below; keep them in step with the
 * kernel's, never with a header.
 */
union ub_attr {
	struct { /* BPF_MAP_CREATE */
		u32 map_type;
		u32 key_size;
		u32 value_size;
		u32 max_entries;
		u32 map_flags;
		u32 inner_map_fd;
		u32 numa_node;
		char map_name[16];
		u32 map_ifindex;
		u32 btf_fd;
		u32 btf_key_type_id;
		u32 btf_value_type_id;
		u32 btf_vmlinux_value_type_id;
		u64 map_extra;
		s32 value_type_btf_obj_fd;
		s32 map_token_fd;
	};
	struct { /* BPF_MAP_*_ELEM, BPF_MAP_GET_NEXT_KEY, BPF_MAP_FREEZE */
		u32 map_fd;
		u32 :32;
		u64 key;
		union {
			u64 value;
			u64 next_key;
		};
		u64 flags;
	};
	struct { /* BPF_MAP_*_BATCH */
		u64 in_batch;
		u64 out_batch;
		u64 keys;
		u64 values;
		u32 count;
		u32 map_fd;
		u64 elem_flags;
		u64 flags;
	} batch;
	struct { /* BPF_PROG_LOAD */
		u32 prog_type;
		u32 insn_cnt;
		u64 insns;
		u64 license;
		u32 log_level;
		u32 log_size;
		u64 log_buf;
		u32 kern_version;
		u32 prog_flags;
		char prog_name[16];
		u32 prog_ifindex;
		u32 expected_attach_type;
		u32 prog_btf_fd;
		u32 func_info_rec_size;
		u64 func_info;
		u32 func_info_cnt;
		u32 line_info_rec_size;
		u64 line_info;
		u32 line_info_cnt;
		u32 attach_btf_id;
		union {
			u32 attach_prog_fd;
			u32 attach_btf_obj_fd;
		};
		u32 core_relo_cnt;
		u64 fd_array;
		u64 core_relos;
		u32 core_relo_rec_size;
		u32 log_true_size;
		s32 prog_token_fd;
		u32 fd_array_cnt;
		u64 signature;
		u32 signature_size;
		s32 keyring_id;
	};
	struct { /* BPF_OBJ_PIN, BPF_OBJ_GET */
		u64 pathname;
		u32 bpf_fd;
		u32 file_flags;
		s32 path_fd;
	};
	struct { /* BPF_PROG_TEST_RUN */
		u32 prog_fd;
		u32 retval;
		u32 data_size_in;
		u32 data_size_out;
		u64 data_in;
		u64 data_out;
		u32 repeat;
		u32 duration;
		u32 ctx_size_in;
		u32 ctx_size_out;
		u64 ctx_in;
		u64 ctx_out;
		u32 flags;
		u32 cpu;
		u32 batch_size;
	} test;
	struct { /* BPF_*_GET_*_ID */
		union {
			u32 start_id;
			u32 prog_id;
			u32 map_id;
			u32 btf_id;
			u32 link_id;
		};
		u32 next_id;
		u32 open_flags;
		s32 fd_by_id_token_fd;
	};
	struct { /* BPF_OBJ_GET_INFO_BY_FD */
		u32 bpf_fd;
		u32 info_len;
		u64 info;
	} info;
	struct { /* BPF_BTF_LOAD */
		u64 btf;
		u64 btf_log_buf;
		u32 btf_size;
		u32 btf_log_size;
		u32 btf_log_level;
		u32 btf_log_true_size;
		u32 btf_flags;
		s32 btf_token_fd;
	};
	struct { /* BPF_PROG_BIND_MAP */
		u32 prog_fd;
		u32 map_fd;
		u32 flags;
	} prog_bind_map;
	struct { /* BPF_LINK_CREATE */
		union {
			u32 prog_fd;
			u32 map_fd;
		};
		union {
			u32 target_fd;
			u32 target_ifindex;
		};
		u32 attach_type;
		u32 flags;
		u8 target_specific[24];
	} link_create;
	u8 raw[UB_ATTR_SIZE];
};

_Static_assert(sizeof(union ub_attr) == UB_ATTR_SIZE, "bpf_attr is 168 bytes in 6.18");
_Static_assert(offsetof(union ub_attr, map_extra) == 64, "map_extra");
_Static_assert(offsetof(union ub_attr, map_token_fd) == 76, "map_token_fd");
_Static_assert(offsetof(union ub_attr, flags) == 24, "elem flags");
_Static_assert(offsetof(union ub_attr, batch.flags) == 48, "batch flags");
_Static_assert(offsetof(union ub_attr, log_true_size) == 140, "log_true_size");
_Static_assert(offsetof(union ub_attr, keyring_id) == 164, "keyring_id");
_Static_assert(offsetof(union ub_attr, test.batch_size) == 72, "test batch_size");
_Static_assert(offsetof(union ub_attr, btf_token_fd) == 36, "btf_token_fd");

/*
 * Each command's CHECK_ATTR boundary: the end of its last field. Bytes from
 * here to 168 must be zero or the command fails with EINVAL.
 */
#define MAP_CREATE_LAST_END 80
#define MAP_ELEM_LAST_END offsetofend(union ub_attr, flags)
#define MAP_DELETE_ELEM_LAST_END offsetofend(union ub_attr, key)
#define MAP_GET_NEXT_KEY_LAST_END offsetofend(union ub_attr, next_key)
#define MAP_FREEZE_LAST_END offsetofend(union ub_attr, map_fd)
#define MAP_BATCH_LAST_END offsetofend(union ub_attr, batch.flags)
#define OBJ_LAST_END offsetofend(union ub_attr, path_fd)
#define OBJ_GET_INFO_LAST_END offsetofend(union ub_attr, info.info)
#define GET_NEXT_ID_LAST_END offsetofend(union ub_attr, next_id)
#define GET_FD_BY_ID_LAST_END offsetofend(union ub_attr, fd_by_id_token_fd)
#define BTF_LOAD_LAST_END offsetofend(union ub_attr, btf_token_fd)
#define PROG_LOAD_LAST_END offsetofend(union ub_attr, keyring_id)
#define PROG_TEST_RUN_LAST_END offsetofend(union ub_attr, test.batch_size)
#define PROG_BIND_MAP_LAST_END offsetofend(union ub_attr, prog_bind_map.flags)
#define LINK_CREATE_LAST_END UB_ATTR_SIZE


static inline u64 ub_attr_load_u64(const u8 *p)
{
	u64 v;
	memcpy(&v, p, 8);
	return v;
}

#define UB_TAIL_CHUNK(j)                                                                    \
	case j:                                                                             \
		acc |= ub_attr_load_u64(p + to - 8 * (j));                                  \
		__attribute__((fallthrough))

/*
 * CHECK_ATTR: non-zero if any of bytes [from, to) of the caller's attr is
 * (from < to <= UB_ATTR_SIZE); reads nothing outside [0, to). Every bpf()
 * call with a whole union runs this over 100-160 bytes, so no loop: one
 * 8-byte load at @from, then a jump into a run of 8-byte loads ending at @to
 * (overlapping the first where the length is not a multiple of 8), one OR
 * each; with constant bounds, straight-line code. Every load lies past the
 * command's fields, in bytes the caller cleared: none spans one of its field
 * stores (see attr_copy_in() in syscall.c). The chain of ORs is off the
 * critical path: only a predicted branch waits for it.
 */
static __attribute__((always_inline)) inline u64 ub_attr_tail_nonzero(const void *uattr,
								      size_t from, size_t to)
{
	const u8 *p = uattr;
	size_t n = to - from;
	u64 acc;

	if (unlikely(n < 8)) {
		if (to < 8)
			return !mem_is_zero(p, from, to);
		/* The 8 bytes ending at @to, without the 8 - n below @from. */
		return ub_attr_load_u64(p + to - 8) >> (8 * (8 - n));
	}
	acc = ub_attr_load_u64(p + from);
	_Static_assert((UB_ATTR_SIZE - 1) / 8 <= 20, "ub_attr_tail_nonzero: extend the chunk run");
	switch ((n - 1) / 8) { /* loads past the first, ending at @to */
		UB_TAIL_CHUNK(20);
		UB_TAIL_CHUNK(19);
		UB_TAIL_CHUNK(18);
		UB_TAIL_CHUNK(17);
		UB_TAIL_CHUNK(16);
		UB_TAIL_CHUNK(15);
		UB_TAIL_CHUNK(14);
		UB_TAIL_CHUNK(13);
		UB_TAIL_CHUNK(12);
		UB_TAIL_CHUNK(11);
		UB_TAIL_CHUNK(10);
		UB_TAIL_CHUNK(9);
		UB_TAIL_CHUNK(8);
		UB_TAIL_CHUNK(7);
		UB_TAIL_CHUNK(6);
		UB_TAIL_CHUNK(5);
		UB_TAIL_CHUNK(4);
		UB_TAIL_CHUNK(3);
		UB_TAIL_CHUNK(2);
		UB_TAIL_CHUNK(1);
	case 0:
		break;
	default:
		__builtin_unreachable();
	}
	return acc;
}
#undef UB_TAIL_CHUNK

#endif

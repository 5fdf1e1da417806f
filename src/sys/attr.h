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

#endif

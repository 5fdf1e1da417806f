// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* What BPF_PROG_LOAD checks of func_info records against the program's BTF. */
#include "btf/internal.h"

#define MIN_FUNCINFO_REC_SIZE 8u
#define MAX_FUNCINFO_REC_SIZE 252u

static int fi_err(FILE *log, int err, const char *fmt, u32 a, u32 b)
{
	if (log) {
		fprintf(log, fmt, a, b);
		fputc('\n', log);
	}
	return err;
}

int ub_btf_check_func_info(const struct ub_btf *btf, const void *recs, u32 rec_size, u32 cnt,
			   u32 insn_cnt, FILE *log)
{
	const u8 *p = recs;
	u32 prev = 0;

	if (!cnt)
		return 0;
	if (rec_size < MIN_FUNCINFO_REC_SIZE || rec_size > MAX_FUNCINFO_REC_SIZE || rec_size % 4)
		return fi_err(log, -EINVAL, "invalid func info rec size %u%.0u", rec_size, 0);
	for (u32 i = 0; i < cnt; i++, p += rec_size) {
		struct bpf_func_info rec;
		memcpy(&rec, p, sizeof(rec));
		/* A newer, longer record must carry nothing we do not know. */
		if (rec_size > sizeof(rec) && !mem_is_zero(p, sizeof(rec), rec_size))
			return fi_err(log, -E2BIG, "nonzero tailing record in func info%.0u%.0u", 0, 0);
		if (i == 0 && rec.insn_off)
			return fi_err(log, -EINVAL, "nonzero insn_off %u for the first func info record%.0u",
				      rec.insn_off, 0);
		if (i > 0 && rec.insn_off <= prev)
			return fi_err(log, -EINVAL,
				      "same or smaller insn offset (%u) than previous func info record (%u)",
				      rec.insn_off, prev);
		if (rec.insn_off >= insn_cnt)
			return fi_err(log, -EINVAL, "func info insn_off %u past the program (%u insns)",
				      rec.insn_off, insn_cnt);
		const struct btf_type *t = ub_btf_type(btf, rec.type_id);
		if (!t || btf_kind(t) != BTF_KIND_FUNC)
			return fi_err(log, -EINVAL, "invalid type id %u in func info%.0u", rec.type_id, 0);
		const struct btf_type *proto = ub_btf_type(btf, t->type);
		if (!proto || btf_kind(proto) != BTF_KIND_FUNC_PROTO)
			return fi_err(log, -EINVAL, "invalid func proto %u in func info record %u",
				      t->type, i);
		prev = rec.insn_off;
	}
	return 0;
}

#define MIN_LINEINFO_REC_SIZE 16u
#define MAX_LINEINFO_REC_SIZE 252u

int ub_btf_check_line_info(const struct ub_btf *btf, const void *recs, u32 rec_size, u32 cnt,
			   u32 insn_cnt, FILE *log)
{
	const u8 *p = recs;
	u32 prev = 0;

	if (!cnt)
		return 0;
	if (rec_size < MIN_LINEINFO_REC_SIZE || rec_size > MAX_LINEINFO_REC_SIZE || rec_size % 4)
		return fi_err(log, -EINVAL, "invalid line_info rec_size %u%.0u", rec_size, 0);
	for (u32 i = 0; i < cnt; i++, p += rec_size) {
		struct bpf_line_info rec;
		memcpy(&rec, p, sizeof(rec));
		if (rec_size > sizeof(rec) && !mem_is_zero(p, sizeof(rec), rec_size))
			return fi_err(log, -E2BIG, "nonzero tailing record in line_info%.0u%.0u", 0, 0);
		/* The first record starts the program; the rest go strictly forward. */
		if ((i == 0 && rec.insn_off) || (i && rec.insn_off <= prev) ||
		    rec.insn_off >= insn_cnt) {
			if (log)
				fprintf(log, "Invalid line_info[%u].insn_off:%u (prev_offset:%u prog->len:%u)\n",
					i, rec.insn_off, prev, insn_cnt);
			return -EINVAL; /* line_info insn_off order and range */
		}
		/* Both offsets name strings of the program's BTF. */
		if (!ub_btf_str(btf, rec.line_off) || !ub_btf_str(btf, rec.file_name_off))
			return fi_err(log, -EINVAL, "Invalid line_info[%u].line_off or .file_name_off%.0u",
				      i, 0);
		prev = rec.insn_off;
	}
	return 0;
}

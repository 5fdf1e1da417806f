// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Programs as objects: BPF_PROG_LOAD, program info, BIND_MAP and LINK_CREATE. */
#include "vm/vm.h"
#include "btf/btf.h"
#include "sys/raw.h"
#include "sys/sha256.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#ifndef BPF_F_TEST_REG_INVARIANTS
#define BPF_F_TEST_REG_INVARIANTS (1U << 7)
#endif
#define BPF_F_PROG_TOKEN_FD (1U << 16)
/* prog_flags the kernel accepts (6.18). */
#define PROG_LOAD_FLAGS                                                                     \
	(BPF_F_STRICT_ALIGNMENT | BPF_F_ANY_ALIGNMENT | BPF_F_TEST_STATE_FREQ |             \
	 BPF_F_SLEEPABLE | BPF_F_TEST_RND_HI32 | BPF_F_XDP_HAS_FRAGS | (1U << 6) /* XDP_DEV_BOUND_ONLY */ | \
	 BPF_F_TEST_REG_INVARIANTS | BPF_F_PROG_TOKEN_FD)
#define BPF_LOG_LEVEL1 1u
#define BPF_LOG_LEVEL2 2u
#define BPF_LOG_STATS 4u
#define BPF_LOG_FIXED 8u
#define BPF_LOG_MASK (BPF_LOG_LEVEL1 | BPF_LOG_LEVEL2 | BPF_LOG_STATS | BPF_LOG_FIXED)
#define UB_PROG_TYPE_MAX 33 /* __MAX_BPF_PROG_TYPE in 6.18 (NETFILTER is 32) */

/* ---- the verifier log ---------------------------------------------------- */

void ub_vm_logf(struct ub_vm_log *log, const char *fmt, ...)
{
	if (!log || !log->level)
		return;
	va_list ap;
	va_start(ap, fmt);
	char tmp[512];
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	if (log->len + (size_t)n + 1 > log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 4096;
		while (cap < log->len + (size_t)n + 1)
			cap *= 2;
		char *b = realloc(log->buf, cap);
		if (!b)
			return;
		log->buf = b;
		log->cap = cap;
	}
	memcpy(log->buf + log->len, tmp, (size_t)n);
	log->len += (size_t)n;
	log->buf[log->len] = '\0';
}

/*
 * The kernel's rules for log_level/log_buf/log_size: buffer and size come
 * together; a buffer needs a level; only known level bits; size below 2^30.
 */
static int vlog_attr_check(const union ub_attr *a)
{
	if (!!a->log_buf != !!a->log_size)
		return -EINVAL;
	if (a->log_buf && a->log_level == 0)
		return -EINVAL;
	if (a->log_level & ~BPF_LOG_MASK)
		return -EINVAL;
	if (a->log_size > UINT32_MAX >> 2)
		return -EINVAL;
	return 0;
}

/*
 * Copy the log out as the kernel finalizes it: the whole text if it fits,
 * else the first (BPF_LOG_FIXED) or last (rotating) log_size - 1 bytes and
 * -ENOSPC. log_true_size (the size that would have fit) goes back when the
 * caller's attr reaches that field.
 */
static int vlog_finish(struct ub_vm_log *log, const union ub_attr *a, void *uattr, int err)
{
	u32 true_size = log->level && log->len ? (u32)log->len + 1 : 0;
	int ret = err;
	if (a->log_buf && a->log_size && log->level) {
		char *ubuf = u64_to_ptr(a->log_buf);
		size_t n = log->len;
		const char *src = log->buf ? log->buf : "";
		if (n + 1 > a->log_size) {
			size_t keep = a->log_size - 1;
			if (!(a->log_level & BPF_LOG_FIXED))
				src += n - keep;
			n = keep;
			/* A truncated log fails the load even when verification failed. */
			ret = -ENOSPC;
		}
		memcpy(ubuf, src, n);
		ubuf[n] = '\0';
	}
	if (ub_cur_attr_size >= offsetofend(union ub_attr, log_true_size))
		ub_put_attr_u32(uattr, offsetof(union ub_attr, log_true_size), true_size);
	free(log->buf);
	log->buf = NULL;
	return ret;
}

/* ---- the program object ------------------------------------------------ */

static bool license_is_gpl(const char *l)
{
	static const char *const ok[] = {"GPL", "GPL v2", "GPL and additional rights",
					 "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"};
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (!strcmp(l, ok[i]))
			return true;
	return false;
}

bool ub_prog_type_known(u32 type)
{
	switch (type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_SYSCALL:
		return true;
	}
	return false;
}

static void prog_release_maps(struct ub_prog *prog)
{
	for (u32 i = 0; i < prog->nr_maps; i++)
		ub_obj_put(&prog->maps[i]->obj);
	prog->nr_maps = 0;
}

/* Take a map into the process-local program (referenced, its values a run region). */
static int prog_add_map(struct ub_prog *prog, struct ub_map *map)
{
	for (u32 i = 0; i < prog->nr_maps; i++)
		if (prog->maps[i] == map)
			return 0;
	if (prog->nr_maps >= UB_MAX_USED_MAPS)
		return -E2BIG;
	u32 i = prog->nr_maps++;
	ub_obj_get(&map->obj);
	prog->maps[i] = map;
	/* Values programs may touch; read-only to programs with RDONLY_PROG. */
	u64 len = map->obj.hdr->content_size;
	prog->map_regions[i] = (struct ub_region){
		.lo = (uintptr_t)map->data,
		.hi = (uintptr_t)map->data + len,
		.writable = !(map->map_flags & BPF_F_RDONLY_PROG),
	};
	return 0;
}

/* Attach in a process that opens the program: find its maps by id, decode. */
static void prog_attach(struct ub_obj *obj)
{
	struct ub_prog *prog = obj_to_prog(obj);
	prog->h = ub_obj_hdr_tail(obj);
	prog->insns = (const struct bpf_insn *)obj->base;
	prog->len = prog->h->insn_cnt;
	pthread_mutex_init(&prog->lock, NULL);
	if (prog->creating)
		return; /* being created: ub_sys_prog_load fills it in */
	for (u32 i = 0; i < prog->h->nr_map_ids; i++) {
		int fd = ub_obj_open_by_id(UB_OBJ_MAP, prog->h->map_ids[i], O_RDONLY);
		if (fd < 0) {
			prog->attach_err = -ENOENT;
			return;
		}
		u32 mode;
		struct ub_obj *m = ub_fd_get(fd, &mode);
		if (m)
			prog_add_map(prog, obj_to_map(m));
		close(fd);
	}
	prog->x = calloc(prog->len, sizeof(*prog->x));
	if (!prog->x || ub_vm_translate(prog, prog->insns, prog->len, prog->x))
		prog->attach_err = -ENOMEM;
}

static void prog_destroy(struct ub_obj *obj)
{
	struct ub_prog *prog = obj_to_prog(obj);
	prog_release_maps(prog);
	free(prog->x);
	prog->x = NULL;
}

/* The tag: the first 8 bytes of the SHA-256 of the insns, map imms zeroed (6.18). */
static void prog_tag(const struct bpf_insn *insns, u32 cnt, u8 tag[8])
{
	struct bpf_insn *c = malloc((size_t)cnt * sizeof(*c));
	u8 dg[32];
	if (!c)
		return;
	memcpy(c, insns, (size_t)cnt * sizeof(*c));
	for (u32 i = 0; i + 1 < cnt; i++) {
		if (c[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
		    (c[i].src_reg == BPF_PSEUDO_MAP_FD || c[i].src_reg == BPF_PSEUDO_MAP_VALUE)) {
			c[i].imm = 0;
			c[i + 1].imm = 0;
			i++;
		}
	}
	ub_sha256(c, (u64)cnt * sizeof(*c), dg);
	memcpy(tag, dg, 8);
	free(c);
}

__attribute__((constructor)) static void prog_kind_register(void)
{
	ub_obj_register_kind(UB_OBJ_PROG, sizeof(struct ub_prog), prog_attach, prog_destroy);
}

/* ---- BPF_PROG_LOAD --------------------------------------------------------- */

struct load_ctx {
	const union ub_attr *attr;
	struct bpf_insn *insns; /* relocated: map imms are map ids */
	struct ub_map **used;
	u32 nr_used;
	bool gpl;
	u32 stack_depth;
	u32 processed;
	u32 max_ctx_off;
	u64 load_time;
	u8 tag[8];
};

static int prog_init(struct ub_obj *obj, void *arg)
{
	struct load_ctx *c = arg;
	const union ub_attr *a = c->attr;
	struct ub_prog_hdr *h = ub_obj_hdr_tail(obj);
	obj_to_prog(obj)->creating = true;
	memcpy(obj->base, c->insns, (size_t)a->insn_cnt * sizeof(struct bpf_insn));
	h->prog_type = a->prog_type;
	h->expected_attach_type = a->expected_attach_type;
	h->prog_flags = a->prog_flags;
	h->gpl_compatible = c->gpl;
	h->stack_depth = c->stack_depth;
	h->verified_insns = c->processed;
	h->max_ctx_off = c->max_ctx_off;
	h->load_time = c->load_time;
	h->func_info_cnt = a->func_info_cnt;
	h->line_info_cnt = a->line_info_cnt;
	memcpy(h->name, a->prog_name, strnlen(a->prog_name, sizeof(h->name)));
	memcpy(h->tag, c->tag, sizeof(h->tag));
	h->nr_map_ids = c->nr_used;
	for (u32 i = 0; i < c->nr_used; i++)
		h->map_ids[i] = c->used[i]->obj.id;
	h->insn_cnt = a->insn_cnt;
	return 0;
}

/* The map an lddw names: by fd, or by index into fd_array. */
static struct ub_map *ldimm_map(const union ub_attr *a, const struct bpf_insn *in,
				struct ub_vm_log *log, int *err)
{
	s32 fd = in->imm;
	if (in->src_reg == BPF_PSEUDO_MAP_IDX || in->src_reg == BPF_PSEUDO_MAP_IDX_VALUE) {
		const s32 *fds = u64_to_ptr(a->fd_array);
		if (!fds) {
			ub_vm_logf(log, "fd_idx without fd_array is invalid\n");
			*err = -EPROTO; /* the kernel's answer for an index with no array */
			return NULL;
		}
		fd = fds[in->imm];
	}
	u32 mode;
	struct ub_obj *o = ub_obj_from_fd(fd, UB_OBJ_MAP, &mode, err);
	if (!o) {
		ub_vm_logf(log, "fd %d is not pointing to valid bpf_map\n", fd);
		return NULL;
	}
	return obj_to_map(o);
}

/*
 * Resolve lddw pseudo forms (the kernel's resolve_pseudo_ldimm64): map fds
 * and fd_array indices become maps (collected in c->used) and the stored
 * imm becomes the map id; map value offsets are checked.
 */
static int resolve_ldimm(struct load_ctx *c, struct ub_map **insn_maps, struct ub_vm_log *log)
{
	const union ub_attr *a = c->attr;
	struct bpf_insn *in = c->insns;
	u32 cnt = a->insn_cnt;
	for (u32 i = 0; i < cnt; i++) {
		/* Loads and stores with modes the ISA does not have. */
		if (BPF_CLASS(in[i].code) == BPF_LDX &&
		    ((BPF_MODE(in[i].code) != BPF_MEM && BPF_MODE(in[i].code) != BPF_MEMSX) ||
		     in[i].imm)) {
			ub_vm_logf(log, "BPF_LDX uses reserved fields\n");
			return -EINVAL;
		}
		if (in[i].code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		if (i == cnt - 1 || in[i + 1].code || in[i + 1].dst_reg || in[i + 1].src_reg ||
		    in[i + 1].off) {
			ub_vm_logf(log, "invalid bpf_ld_imm64 insn\n");
			return -EINVAL;
		}
		u8 src = in[i].src_reg;
		/* A callback's signature comes from BTF: without func_info there is none. */
		if (src == BPF_PSEUDO_FUNC && !a->func_info_cnt) {
			ub_vm_logf(log, "missing btf func_info\n");
			return -EINVAL;
		}
		if (src == 0 || src == BPF_PSEUDO_FUNC) {
			i++;
			continue;
		}
		if (src != BPF_PSEUDO_MAP_FD && src != BPF_PSEUDO_MAP_VALUE &&
		    src != BPF_PSEUDO_MAP_IDX && src != BPF_PSEUDO_MAP_IDX_VALUE) {
			ub_vm_logf(log, "unrecognized bpf_ld_imm64 insn\n");
			return -EINVAL;
		}
		bool value = src == BPF_PSEUDO_MAP_VALUE || src == BPF_PSEUDO_MAP_IDX_VALUE;
		/* The second slot's imm is only an offset for the value forms. */
		if (!value && in[i + 1].imm) {
			ub_vm_logf(log, "unrecognized bpf_ld_imm64 insn\n");
			return -EINVAL;
		}
		int err = 0;
		struct ub_map *map = ldimm_map(a, &in[i], log, &err);
		if (!map)
			return err;
		if (value) {
			u32 off = (u32)in[i + 1].imm;
			/* Direct value access: single-entry arrays only. */
			if (map->map_type != BPF_MAP_TYPE_ARRAY || map->max_entries != 1) {
				ub_vm_logf(log, "map direct value access not supported for this map\n");
				return -EINVAL;
			}
			if (off >= map->value_size) {
				ub_vm_logf(log, "invalid access to map value pointer, value_size=%u off=%u\n",
					map->value_size, off);
				return -EINVAL;
			}
		}
		u32 k;
		for (k = 0; k < c->nr_used; k++)
			if (c->used[k] == map)
				break;
		if (k == c->nr_used) {
			/* The kernel's MAX_USED_MAPS. */
			if (c->nr_used >= UB_MAX_USED_MAPS) {
				ub_vm_logf(log, "too many maps\n");
				return -E2BIG;
			}
			c->used[c->nr_used++] = map;
		}
		insn_maps[i] = map;
		in[i].imm = (s32)map->obj.id;
		in[i].src_reg = value ? BPF_PSEUDO_MAP_VALUE : BPF_PSEUDO_MAP_FD;
		i++;
	}
	return 0;
}

/* The kernel's bpf_prog_load_check_attach() for the types userbpf has. */
static int check_attach_type(u32 type, u32 eat)
{
	if (type == BPF_PROG_TYPE_CGROUP_SOCK) {
		switch (eat) {
		case BPF_CGROUP_INET_SOCK_CREATE:
		case BPF_CGROUP_INET_SOCK_RELEASE:
		case BPF_CGROUP_INET4_POST_BIND:
		case BPF_CGROUP_INET6_POST_BIND:
			return 0;
		}
		return -EINVAL;
	}
	return 0;
}

/* Append what @f (an open_memstream) collected to the verifier log. */
static void log_stream(struct ub_vm_log *log, FILE *f, char **text, size_t *len)
{
	fclose(f);
	if (*text && *len)
		ub_vm_logf(log, "%s", *text);
	free(*text);
}

/*
 * func_info and line_info against the program's BTF (check_btf_info): the
 * BTF fd must be a BTF object; the records are checked by the BTF module.
 */
static int check_info_recs(const union ub_attr *a, struct ub_vm_log *log)
{
	if (!a->func_info_cnt && !a->line_info_cnt)
		return 0;
	int err = 0;
	struct ub_btf *btf = ub_btf_from_fd((int)a->prog_btf_fd, &err);
	if (!btf)
		return err;
	struct {
		u64 ptr;
		u32 rec_size, cnt;
		int (*check)(const struct ub_btf *, const void *, u32, u32, u32, FILE *);
	} kinds[2] = {
		{a->func_info, a->func_info_rec_size, a->func_info_cnt, ub_btf_check_func_info},
		{a->line_info, a->line_info_rec_size, a->line_info_cnt, ub_btf_check_line_info},
	};
	for (int k = 0; k < 2 && !err; k++) {
		if (!kinds[k].cnt)
			continue;
		if (!kinds[k].ptr)
			return -EFAULT; /* copying the records in faults */
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		err = kinds[k].check(btf, u64_to_ptr(kinds[k].ptr), kinds[k].rec_size, kinds[k].cnt,
				     a->insn_cnt, f);
		if (f)
			log_stream(log, f, &text, &len);
	}
	return err;
}

static u64 boottime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

long ub_sys_prog_load(union ub_attr *attr, void *uattr)
{
	struct ub_vm_log log = {0};
	struct load_ctx c = {.attr = attr};
	char license[128];
	int err;

	/* Unknown prog_flags. */
	if (attr->prog_flags & ~PROG_LOAD_FLAGS)
		return -EINVAL;
	/* A token is a delegated privilege; every caller has it already, none is a token. */
	if (attr->prog_flags & BPF_F_PROG_TOKEN_FD)
		return fcntl(attr->prog_token_fd, F_GETFD) < 0 ? -EBADF : -EINVAL;
	/* bpf_prog_load_fixup_attach_type(): cgroup sock programs default to sock_create. */
	if (attr->prog_type == BPF_PROG_TYPE_CGROUP_SOCK && !attr->expected_attach_type)
		attr->expected_attach_type = BPF_CGROUP_INET_SOCK_CREATE;
	/* An empty program, or more than BPF_COMPLEXITY_LIMIT_INSNS. */
	if (attr->insn_cnt == 0 || attr->insn_cnt > UB_MAX_INSNS)
		return -E2BIG;
	/* Attaching to another program or a kernel BTF id: not for these types. */
	if (attr->attach_prog_fd || attr->attach_btf_id)
		return -EINVAL;
	if (check_attach_type(attr->prog_type, attr->expected_attach_type))
		return -EINVAL;
	if (!attr->insns)
		return -EFAULT;
	if (!attr->license)
		return -EFAULT;
	snprintf(license, sizeof(license), "%s", (const char *)u64_to_ptr(attr->license));
	c.gpl = license_is_gpl(license);
	if (ub_obj_name_check(attr->prog_name))
		return -EINVAL;
	/* Types the kernel does not have, or that userbpf does not run. */
	if (!ub_prog_type_known(attr->prog_type))
		return -EINVAL;
	/* Syscall programs are sleepable, and only they are here. */
	if ((attr->prog_type == BPF_PROG_TYPE_SYSCALL) != !!(attr->prog_flags & BPF_F_SLEEPABLE)) {
		err = vlog_attr_check(attr);
		if (err)
			return err;
		log.level = attr->log_level;
		ub_vm_logf(&log, attr->prog_type == BPF_PROG_TYPE_SYSCALL
					 ? "Syscall programs can only be sleepable\n"
					 : "Only fentry/fexit/fmod_ret, lsm, iter, uprobe, and struct_ops programs can be sleepable\n");
		return vlog_finish(&log, attr, uattr, -EINVAL);
	}
	/* Device offload: no device here takes a program. */
	if (attr->prog_ifindex)
		return -EINVAL;

	err = vlog_attr_check(attr);
	if (err)
		return err;
	log.level = attr->log_level;

	c.insns = malloc((size_t)attr->insn_cnt * sizeof(struct bpf_insn));
	struct ub_map **insn_maps = calloc(attr->insn_cnt, sizeof(*insn_maps));
	c.used = calloc(UB_MAX_USED_MAPS, sizeof(*c.used));
	if (!c.insns || !insn_maps || !c.used) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(c.insns, u64_to_ptr(attr->insns), (size_t)attr->insn_cnt * sizeof(struct bpf_insn));

	err = check_info_recs(attr, &log);
	if (err)
		goto out;
	err = resolve_ldimm(&c, insn_maps, &log);
	if (err)
		goto out;

	struct ub_verify_env env = {
		.prog_type = attr->prog_type,
		.expected_attach_type = attr->expected_attach_type,
		.prog_flags = attr->prog_flags,
		.gpl = c.gpl,
		.log = &log,
		.insns = c.insns,
		.cnt = attr->insn_cnt,
		.maps = insn_maps,
		.inline_lookup = calloc(attr->insn_cnt, 1),
	};
	u64 t0 = boottime_ns();
	err = env.inline_lookup ? ub_verify(&env) : -ENOMEM;
	/* The kernel's log: level 1 keeps nothing of a program that passed. */
	if (!err && (log.level & 3) == 1) {
		log.len = 0;
		if (log.buf)
			log.buf[0] = '\0';
	}
	if (log.level & 4) { /* BPF_LOG_STATS */
		ub_vm_logf(&log, "verification time %llu usec\n",
			   (unsigned long long)((boottime_ns() - t0) / 1000));
		ub_vm_logf(&log, "stack depth ");
		for (u32 k = 0; k < env.nsubprogs; k++)
			ub_vm_logf(&log, k ? "+%u" : "%u", env.subprog_depth[k]);
		ub_vm_logf(&log, "\n");
	}
	ub_vm_logf(&log, "processed %u insns (limit %u) max_states_per_insn %u total_states %u peak_states %u mark_read 0\n",
		env.processed, UB_MAX_INSNS, env.max_states_per_insn, env.total_states,
		env.total_states);
	if (err) {
		free(env.inline_lookup);
		goto out;
	}
	/* The tag is over what the loader sent; the inline markers come after. */
	prog_tag(c.insns, attr->insn_cnt, c.tag);
	for (u32 i = 0; i < attr->insn_cnt; i++)
		if (env.inline_lookup[i] == 1)
			c.insns[i].off = UB_CALL_INLINE_ARRAY;
	free(env.inline_lookup);
	c.stack_depth = env.stack_depth;
	c.processed = env.processed;
	c.max_ctx_off = env.max_ctx_off;
	c.load_time = boottime_ns();

	struct ub_obj *obj;
	u64 content = page_align((u64)attr->insn_cnt * sizeof(struct bpf_insn));
	int fd = ub_obj_create(UB_OBJ_PROG, content, O_RDWR, prog_init, &c, &obj);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	/* The program keeps its maps alive, in every process, as long as it lives. */
	for (u32 i = 0; i < c.nr_used; i++) {
		err = ub_obj_hold(fd, UB_OBJ_MAP, c.used[i]->obj.id);
		if (err) {
			close(fd);
			goto out;
		}
	}
	/* This process's view: maps referenced, instructions decoded. */
	struct ub_prog *prog = obj_to_prog(obj);
	prog->len = attr->insn_cnt;
	prog->creating = false;
	for (u32 i = 0; i < c.nr_used; i++)
		prog_add_map(prog, c.used[i]);
	prog->x = calloc(prog->len, sizeof(*prog->x));
	if (!prog->x || ub_vm_translate(prog, prog->insns, prog->len, prog->x))
		prog->attach_err = -ENOMEM;
	err = fd;
out:
	free(c.insns);
	free(insn_maps);
	free(c.used);
	int r = vlog_finish(&log, attr, uattr, err < 0 ? err : 0);
	if (r < 0) {
		/* The log did not fit: the load fails with ENOSPC, whatever else happened. */
		if (err >= 0)
			close(err);
		return r;
	}
	return err;
}

/* ---- BPF_OBJ_GET_INFO_BY_FD ------------------------------------------------ */

static long prog_get_info(struct ub_obj *obj, void *uinfo, u32 info_len, void *uattr)
{
	struct ub_prog *prog = obj_to_prog(obj);
	struct ub_prog_hdr *h = prog->h;
	struct bpf_prog_info info;

	/* Bytes the kernel does not know must be zero. */
	if (info_len > UB_PAGE_SIZE)
		return -E2BIG;
	if (info_len > sizeof(info)) {
		if (!uinfo)
			return -EFAULT;
		if (!mem_is_zero(uinfo, sizeof(info), info_len))
			return -E2BIG;
		info_len = sizeof(info);
	}
	memset(&info, 0, sizeof(info));
	if (info_len) {
		if (!uinfo)
			return -EFAULT;
		memcpy(&info, uinfo, info_len);
	}
	u32 want_maps = info.nr_map_ids;
	u64 ubuf_maps = info.map_ids;
	u32 want_xlated = info.xlated_prog_len;
	u64 ubuf_xlated = info.xlated_prog_insns;

	info.type = h->prog_type;
	info.id = obj->id;
	memcpy(info.tag, h->tag, sizeof(info.tag));
	info.load_time = h->load_time;
	info.created_by_uid = (u32)getuid();
	memcpy(info.name, h->name, sizeof(info.name));
	info.gpl_compatible = h->gpl_compatible;
	info.verified_insns = h->verified_insns;
	info.jited_prog_len = 0;
	info.nr_jited_ksyms = 0;
	info.nr_jited_func_lens = 0;
	info.xlated_prog_len = h->insn_cnt * (u32)sizeof(struct bpf_insn);
	info.nr_func_info = h->func_info_cnt;
	info.nr_line_info = h->line_info_cnt;

	ub_spin_lock(&h->map_lock);
	u32 nmaps = h->nr_map_ids;
	u32 ids[UB_MAX_USED_MAPS];
	memcpy(ids, h->map_ids, sizeof(ids));
	ub_spin_unlock(&h->map_lock);
	info.nr_map_ids = nmaps;
	if (want_maps && ubuf_maps) {
		u32 n = want_maps < nmaps ? want_maps : nmaps;
		memcpy(u64_to_ptr(ubuf_maps), ids, n * sizeof(u32));
	}
	if (want_xlated && ubuf_xlated) {
		u32 n = want_xlated < info.xlated_prog_len ? want_xlated : info.xlated_prog_len;
		memcpy(u64_to_ptr(ubuf_xlated), prog->insns, n);
	}
	if (info_len)
		memcpy(uinfo, &info, info_len);
	ub_put_attr_u32(uattr, offsetof(union ub_attr, info.info_len), info_len);
	return 0;
}

__attribute__((constructor)) static void prog_info_register(void)
{
	ub_obj_register_info(UB_OBJ_PROG, prog_get_info);
}

/* ---- BPF_PROG_BIND_MAP ------------------------------------------------------- */

long ub_sys_prog_bind_map(union ub_attr *attr, void *uattr)
{
	u32 mode;
	int err;
	(void)uattr;
	/* No flags are defined. */
	if (attr->prog_bind_map.flags)
		return -EINVAL;
	struct ub_obj *po = ub_obj_from_fd((int)attr->prog_bind_map.prog_fd, UB_OBJ_PROG, &mode,
					   &err);
	if (!po)
		return err;
	struct ub_obj *mo = ub_obj_from_fd((int)attr->prog_bind_map.map_fd, UB_OBJ_MAP, &mode,
					   &err);
	if (!mo)
		return err;
	struct ub_prog *prog = obj_to_prog(po);
	struct ub_prog_hdr *h = prog->h;
	ub_spin_lock(&h->map_lock);
	u32 i;
	for (i = 0; i < h->nr_map_ids; i++)
		if (h->map_ids[i] == mo->id)
			break;
	err = 0;
	if (i == h->nr_map_ids) {
		if (h->nr_map_ids >= UB_MAX_USED_MAPS)
			err = -E2BIG; /* as many maps as a program may use */
		else
			h->map_ids[h->nr_map_ids++] = mo->id;
	}
	ub_spin_unlock(&h->map_lock);
	if (!err)
		err = ub_obj_hold((int)attr->prog_bind_map.prog_fd, UB_OBJ_MAP, mo->id);
	if (!err) {
		pthread_mutex_lock(&prog->lock);
		err = prog_add_map(prog, obj_to_map(mo));
		pthread_mutex_unlock(&prog->lock);
	}
	return err;
}

/* ---- BPF_LINK_CREATE ----------------------------------------------------------- */

long ub_sys_link_create(union ub_attr *attr, void *uattr)
{
	u32 mode;
	int err;
	(void)uattr;
	/* The program comes first: a bad fd is EBADF (cilium probes exactly this). */
	if (!ub_obj_from_fd((int)attr->link_create.prog_fd, UB_OBJ_PROG, &mode, &err))
		return err;
	/* No attach points (cgroups, devices) exist in userspace yet. */
	return -EINVAL;
}

/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The program runtime's internal interfaces: programs, runs, helpers, engines. */
#ifndef UB_VM_H
#define UB_VM_H

#include <pthread.h>
#include "sys/sys.h"
#include "maps/map.h"
#include "vm/insn.h"

#define UB_MAX_USED_MAPS 64	 /* the kernel's MAX_USED_MAPS */
#define UB_MAX_CALL_FRAMES 8	 /* the kernel's MAX_CALL_FRAMES */
#define UB_STACK_SIZE 512	 /* MAX_BPF_STACK: per program, all frames together */
#define UB_MAX_INSNS 1000000	 /* BPF_COMPLEXITY_LIMIT_INSNS */
#define UB_MAX_REGIONS (UB_MAX_USED_MAPS + 4)

/*
 * A program's shared state, in its object file's header page after struct
 * ub_obj_hdr. The file's content is the translated instructions (insn_cnt
 * struct bpf_insn): what the loader sent, with map fds and indices replaced
 * by map ids (imm of the first lddw slot), as the kernel's xlated dump shows
 * them. Everything a process needs to run the program is there.
 */
struct ub_prog_hdr {
	u32 prog_type;
	u32 expected_attach_type;
	u32 insn_cnt;
	u32 prog_flags;
	u32 gpl_compatible;
	u32 stack_depth;
	u32 btf_id;
	u32 func_info_cnt;
	u32 line_info_cnt;
	u32 nr_map_ids;
	u32 map_lock;		/* ub_spin_lock word guarding map_ids for BIND_MAP */
	u32 verified_insns;
	u32 max_ctx_off;	/* syscall programs: test runs need a context this large */
	u32 pad;
	u64 load_time;		/* CLOCK_BOOTTIME ns, as the kernel reports it */
	u8 tag[8];
	char name[16];
	u32 map_ids[UB_MAX_USED_MAPS];
};

/*
 * Marker the loader leaves in a verified program's translated insns: a
 * map_lookup_elem call with this offset is one the verifier proved always
 * looks up an ARRAY map; it runs inline (bounds check and address arithmetic).
 */
#define UB_CALL_INLINE_ARRAY 1

struct ub_region {
	uintptr_t lo, hi;
	bool writable;
};

/* One program as seen by this process. */
struct ub_prog {
	struct ub_obj obj;
	struct ub_prog_hdr *h;
	const struct bpf_insn *insns;	/* the file's translated insns */
	struct ub_xinsn *x;		/* decoded for the interpreter (process-local) */
	u32 len;
	int attach_err;			/* a map it uses is gone: runs fail with this */
	bool creating;			/* ub_sys_prog_load is still filling it in */
	u32 nr_maps;
	struct ub_map *maps[UB_MAX_USED_MAPS];
	struct ub_region map_regions[UB_MAX_USED_MAPS];
	pthread_mutex_t lock;
};

static inline struct ub_prog *obj_to_prog(struct ub_obj *obj)
{
	return (struct ub_prog *)obj;
}

/*
 * One execution. A *checked* run checks every memory access against the
 * stack of the current call chain and @regions (context, packet, the values
 * of maps the program uses); a failed check ends the run with @fault set.
 * A *trusted* run (verified programs) leaves those checks to the verifier and
 * keeps only what it cannot prove at load (see "What is checked at run time"
 * in docs/programs.md).
 */
struct ub_run {
	struct ub_prog *prog;		/* NULL for raw runs (conformance) */
	const struct ub_xinsn *x;
	u32 cpu;
	u32 nregions;
	struct ub_region regions[UB_MAX_REGIONS];
	uintptr_t stack_lo, stack_hi;	/* the stack in use by the call chain (checked runs) */
	u8 *pkt_data;			/* ld_abs/ld_ind data and its length */
	u32 pkt_len;
	void *xdp;			/* struct ub_xdp for the xdp_adjust_* helpers */
	int fault;			/* -errno once an access was refused */
	u32 fault_pc;
	int depth;			/* nested callback runs */
	bool threaded;			/* which engine: computed goto or switch */
	bool checked;			/* which flavour: memory checks at run time */
};

/*
 * Run @x from insn @start with r1..r5 = @args; returns r0 in *@ret.
 * Returns 0, or run->fault (-EFAULT) when an access was refused. Four
 * engines from the same bodies (interp_body.h): threaded or switch dispatch,
 * trusted or checked.
 */
UB_HIDDEN int ub_vm_exec_threaded(struct ub_run *run, u32 start, const u64 args[5], u64 *ret);
UB_HIDDEN int ub_vm_exec_switch(struct ub_run *run, u32 start, const u64 args[5], u64 *ret);
UB_HIDDEN int ub_vm_exec_threaded_checked(struct ub_run *run, u32 start, const u64 args[5],
					  u64 *ret);
UB_HIDDEN int ub_vm_exec_switch_checked(struct ub_run *run, u32 start, const u64 args[5],
					u64 *ret);

/* Callbacks go through here too, so they keep the flavour of their run. */
static inline int ub_vm_exec(struct ub_run *run, u32 start, const u64 args[5], u64 *ret)
{
	if (run->checked)
		return run->threaded ? ub_vm_exec_threaded_checked(run, start, args, ret)
				     : ub_vm_exec_switch_checked(run, start, args, ret);
	return run->threaded ? ub_vm_exec_threaded(run, start, args, ret)
			     : ub_vm_exec_switch(run, start, args, ret);
}

/*
 * Verified programs run checked only when USERBPF_VM_CHECKED is set (to
 * anything but "" or "0"): a debugging aid for suspected verifier holes. Read
 * once per process.
 */
UB_HIDDEN bool ub_vm_checked_env(void);

/* Is [addr, addr + size) inside memory the run may touch (for writing if @wr)? */
static inline bool ub_run_mem_ok(const struct ub_run *run, u64 addr, u64 size, bool wr)
{
	if (likely(addr >= run->stack_lo && addr + size <= run->stack_hi && addr + size > addr))
		return true;
	for (u32 i = 0; i < run->nregions; i++) {
		const struct ub_region *r = &run->regions[i];
		if (addr >= r->lo && addr + size <= r->hi && addr + size > addr)
			return !wr || r->writable;
	}
	return false;
}

UB_HIDDEN void ub_run_add_region(struct ub_run *run, const void *p, u64 len, bool wr);

/*
 * Decode @insns (already validated by the verifier or ub_vm_decode_raw's
 * own checks) into @x. @prog supplies the maps for lddw map forms.
 */
UB_HIDDEN int ub_vm_translate(struct ub_prog *prog, const struct bpf_insn *insns, u32 cnt,
			      struct ub_xinsn *x);

/*
 * For raw programs (conformance): check structure (opcodes, reserved
 * fields, jumps, lddw pairs) and decode; -EINVAL with a message in @err.
 */
UB_HIDDEN int ub_vm_decode_raw(const struct bpf_insn *insns, u32 cnt, struct ub_xinsn *x,
			       char *err, size_t errlen);

/* ---- helpers ---- */
typedef u64 (*ub_helper_fn)(struct ub_run *run, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);

/* Argument kinds the verifier checks a helper call against. */
enum ub_arg {
	A_NONE,
	A_ANY,		/* any initialised value */
	A_MAP,		/* const map pointer (lddw map) */
	A_KEY,		/* pointer to map key_size bytes */
	A_VALUE,	/* pointer to map value_size bytes */
	A_MEM,		/* pointer to memory of the size in the next argument */
	A_SIZE,		/* size of the previous A_MEM */
	A_CTX,		/* the program's context */
	A_FUNC,		/* callback (lddw BPF_PSEUDO_FUNC) */
	A_STACK_OR_NULL,/* callback context: stack pointer or 0 */
	A_LOCK,		/* pointer to a struct bpf_spin_lock in a map value */
};

enum ub_ret { RET_INT, RET_VOID, RET_VALUE_OR_NULL };

struct ub_helper {
	const char *name;
	ub_helper_fn fn;
	bool gpl_only;
	u32 prog_types;	/* bit per supported program type; 0: all */
	u8 ret;
	u8 args[5];
};

/* The helper @id, or NULL when userbpf does not have it. */
UB_HIDDEN const struct ub_helper *ub_helper_get(u32 id);
UB_HIDDEN const char *ub_helper_name(s32 id);

/* The CPU slot for a run: exclusive until released. */
UB_HIDDEN u32 ub_cpu_acquire(void);
UB_HIDDEN void ub_cpu_release(u32 cpu);

/* Program types userbpf loads, and whether @type can be test-run. */
UB_HIDDEN bool ub_prog_type_known(u32 type);

/* ---- the verifier ---- */
struct ub_vm_log;

struct ub_verify_env {
	u32 prog_type;
	u32 expected_attach_type;
	u32 prog_flags;		/* BPF_F_STRICT_ALIGNMENT, BPF_F_ANY_ALIGNMENT matter */
	bool gpl;
	struct ub_vm_log *log;
	struct bpf_insn *insns;
	u32 cnt;
	struct ub_map **maps;	/* per insn: the map of an lddw map form, else NULL */
	u32 stack_depth;	/* out: deepest combined stack */
	u32 processed;		/* out: insns processed */
	u32 total_states;	/* out: states kept for pruning (none is ever dropped) */
	u32 max_states_per_insn;/* out: most states kept at one insn */
	u32 nsubprogs;		/* out: functions, in insn order ... */
	u32 subprog_depth[256];	/* ... and the stack each uses (BPF_LOG_STATS) */
	u32 max_ctx_off;	/* out: syscall programs: context bytes used */
	u8 *inline_lookup;	/* out, per insn: 1 = a lookup in an ARRAY map on every path */
};

/* Verify a relocated program (map forms hold map pointers in env->maps). 0 or -errno. */
UB_HIDDEN int ub_verify(struct ub_verify_env *env);

/* The verifier log: kernel semantics (rotating unless BPF_LOG_FIXED). */
struct ub_vm_log {
	u32 level;
	char *buf;
	size_t len, cap;
};
UB_HIDDEN void ub_vm_logf(struct ub_vm_log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif

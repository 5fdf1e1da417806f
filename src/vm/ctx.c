// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Packet contexts: frames below 4 GiB, the run's regions, the xdp_adjust_* helpers. */
#include "vm/ctx.h"

#include <sys/mman.h>

static __thread u8 *thread_frame;

u8 *ub_frame_get(void)
{
	if (!thread_frame) {
		void *p = mmap(NULL, UB_FRAME_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		thread_frame = p;
	}
	return thread_frame;
}

/* Program-visible packet pointers follow the frame after every change. */
static void sync_md(struct ub_pkt_ctx *pc, u32 prog_type)
{
	if (prog_type == BPF_PROG_TYPE_XDP) {
		pc->md.xdp.data = (u32)(uintptr_t)pc->data;
		pc->md.xdp.data_end = (u32)(uintptr_t)pc->data_end;
		pc->md.xdp.data_meta = (u32)(uintptr_t)pc->data_meta;
	} else {
		pc->md.skb.data = (u32)(uintptr_t)pc->data;
		pc->md.skb.data_end = (u32)(uintptr_t)pc->data_end;
		pc->md.skb.data_meta = (u32)(uintptr_t)pc->data_meta;
		pc->md.skb.len = (u32)(pc->data_end - pc->data);
	}
}

/*
 * Regions: the writable parts of the context come first (the first region
 * containing an access decides), then the read-only rest, then the packet
 * (meta data included).
 */
void ub_pkt_regions(struct ub_run *run, struct ub_pkt_ctx *pc, u32 prog_type)
{
	run->nregions = 0;
	sync_md(pc, prog_type);
	run->xdp = pc;
	if (prog_type == BPF_PROG_TYPE_XDP) {
		ub_run_add_region(run, &pc->md.xdp, sizeof(pc->md.xdp), false);
	} else {
		struct __sk_buff *s = &pc->md.skb;
		ub_run_add_region(run, &s->mark, sizeof(s->mark), true);
		ub_run_add_region(run, &s->priority, sizeof(s->priority), true);
		ub_run_add_region(run, s->cb, sizeof(s->cb), true);
		if (prog_type != BPF_PROG_TYPE_SOCKET_FILTER) {
			ub_run_add_region(run, &s->tc_index, sizeof(s->tc_index), true);
			ub_run_add_region(run, &s->tc_classid, sizeof(s->tc_classid), true);
		}
		ub_run_add_region(run, s, sizeof(*s), false);
	}
	/* Direct packet access: XDP and tc; socket filters use ld_abs only. */
	if (prog_type != BPF_PROG_TYPE_SOCKET_FILTER)
		ub_run_add_region(run, pc->data_meta, (u64)(pc->data_end - pc->data_meta), true);
	run->pkt_data = pc->data;
	run->pkt_len = (u32)(pc->data_end - pc->data);
}

/* After a helper moved the packet, the run's regions follow. */
static void resync(struct ub_run *run, struct ub_pkt_ctx *pc)
{
	u32 keep = run->nregions;
	sync_md(pc, BPF_PROG_TYPE_XDP);
	/* The packet is the region whose start is the old data_meta: redo the list. */
	for (u32 i = 0; i < keep; i++) {
		struct ub_region *r = &run->regions[i];
		if (r->lo >= (uintptr_t)pc->frame && r->hi <= (uintptr_t)pc->frame + UB_FRAME_SIZE) {
			r->lo = (uintptr_t)pc->data_meta;
			r->hi = (uintptr_t)pc->data_end;
		}
	}
	run->pkt_data = pc->data;
	run->pkt_len = (u32)(pc->data_end - pc->data);
}

int ub_xdp_adjust_head(struct ub_run *run, s32 delta)
{
	struct ub_pkt_ctx *pc = run->xdp;
	u8 *frame_end = pc->frame + UB_XDP_FRAME_HDR;
	u64 metalen = (u64)(pc->data - pc->data_meta);
	u8 *data = pc->data + delta;
	/* The head may move into the headroom, but keep an Ethernet header. */
	if (data < frame_end + metalen || data > pc->data_end - UB_ETH_HLEN)
		return -EINVAL;
	if (metalen)
		memmove(pc->data_meta + delta, pc->data_meta, metalen);
	pc->data_meta += delta;
	pc->data = data;
	resync(run, pc);
	return 0;
}

int ub_xdp_adjust_tail(struct ub_run *run, s32 delta)
{
	struct ub_pkt_ctx *pc = run->xdp;
	u8 *hard_end = pc->frame + UB_FRAME_SIZE - UB_TAILROOM;
	u8 *data_end = pc->data_end + delta;
	/* Grow only into the tailroom; never below an Ethernet header. */
	if (data_end > hard_end || data_end < pc->data + UB_ETH_HLEN)
		return -EINVAL;
	if (delta > 0)
		memset(pc->data_end, 0, (size_t)delta);
	pc->data_end = data_end;
	resync(run, pc);
	return 0;
}

int ub_xdp_adjust_meta(struct ub_run *run, s32 delta)
{
	struct ub_pkt_ctx *pc = run->xdp;
	u8 *meta = pc->data_meta + delta;
	u64 metalen = (u64)(pc->data - meta);
	if (meta < pc->frame + UB_XDP_FRAME_HDR || meta > pc->data)
		return -EINVAL;
	/* Meta data is at most 32 bytes, in 4-byte units. */
	if ((metalen & 3) || metalen > 32)
		return -EACCES;
	pc->data_meta = meta;
	resync(run, pc);
	return 0;
}

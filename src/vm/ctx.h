/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Program contexts: struct xdp_md and struct __sk_buff as the program sees them. */
#ifndef UB_VM_CTX_H
#define UB_VM_CTX_H

#include "vm/vm.h"

/*
 * Packets live in a frame allocated below 4 GiB (MAP_32BIT), so the 32-bit
 * data/data_end/data_meta fields of struct xdp_md and struct __sk_buff hold
 * the packet's real addresses: a program's 32-bit ctx load yields a usable
 * pointer without rewriting its loads. The frame is one page, as in the
 * kernel's test runs: XDP_PACKET_HEADROOM (256) before the data, room for
 * struct skb_shared_info (320) at the end.
 */
#define UB_FRAME_SIZE 4096u
#define UB_XDP_HEADROOM 256u
#define UB_SKB_HEADROOM 64u	/* NET_SKB_PAD */
#define UB_TAILROOM 320u	/* SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) */
#define UB_XDP_FRAME_HDR 40u	/* sizeof(struct xdp_frame): kept free at the start */
#define UB_ETH_HLEN 14u

/* The program-visible context and where the packet is, per run. */
struct ub_pkt_ctx {
	u8 *frame;		/* UB_FRAME_SIZE bytes below 4 GiB */
	union {
		struct xdp_md xdp;
		struct __sk_buff skb;
	} md;
	u8 *data, *data_end, *data_meta;
};

/* One frame per thread, below 4 GiB; NULL if none can be had. */
UB_HIDDEN u8 *ub_frame_get(void);

UB_HIDDEN int ub_xdp_adjust_head(struct ub_run *run, s32 delta);
UB_HIDDEN int ub_xdp_adjust_tail(struct ub_run *run, s32 delta);
UB_HIDDEN int ub_xdp_adjust_meta(struct ub_run *run, s32 delta);

/* Set the run's regions for a packet context: ctx (rw parts first), packet. */
UB_HIDDEN void ub_pkt_regions(struct ub_run *run, struct ub_pkt_ctx *pc, u32 prog_type);

#endif

// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* xdp_parse with the TCP/UDP header at a constant offset: IPv4 options are passed untouched. */
#define CORPUS_IHL5
#include "known/xdp_parse.bpf.c"

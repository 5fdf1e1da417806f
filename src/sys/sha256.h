/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* SHA-256 (FIPS 180-4), for the hash of a frozen map's contents. */
#ifndef UB_SHA256_H
#define UB_SHA256_H
#include "internal.h"
UB_HIDDEN void ub_sha256(const void *data, u64 len, u8 out[32]);
#endif

/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The map type registry: one line per map family. Adding a type is one line here. */
UB_MAP_TYPE(BPF_MAP_TYPE_ARRAY, array_map_ops)
UB_MAP_TYPE(BPF_MAP_TYPE_PERCPU_ARRAY, percpu_array_map_ops)

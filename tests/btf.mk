# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# BPF objects the BTF tests load through libbpf ($(BUILD)/bpf/btf_*.bpf.o).
BTF_BPF_OBJS := $(BUILD)/bpf/btf_obj.bpf.o

$(BTF_BPF_OBJS): $(BUILD)/bpf/%.bpf.o: tests/bpf/%.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c $< -o $@

TEST_EXTRA += $(BTF_BPF_OBJS)

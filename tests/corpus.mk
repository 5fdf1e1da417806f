# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The program corpus (tests/vmbpf/corpus/): realistic clang-built programs,
# each compiled for -mcpu=v1 (clang's default), v2 and v3, and the corpus
# loader (plain libbpf, no userbpf code: the same binary runs on the kernel and
# under LD_PRELOAD) with its in-process twin linked with the preload library.
# A program may differ by CPU version (CORPUS_CPU is 1, 2 or 3): its transcript
# for that version is expected/NAME.vN.out. known/ holds programs where userbpf and the kernel still differ (each named
# with its cause in tests/integ/prog_corpus.c).
CORPUS_DIR := tests/vmbpf/corpus
CORPUS_CPUS := v1 v2 v3
CORPUS_SRCS := $(wildcard $(CORPUS_DIR)/*.bpf.c)
CORPUS_KNOWN_SRCS := $(wildcard $(CORPUS_DIR)/known/*.bpf.c)
CORPUS_OBJS := $(foreach s,$(CORPUS_SRCS),$(foreach c,$(CORPUS_CPUS), \
	$(BUILD)/bpf/corpus/$(notdir $(s:.bpf.c=)).$(c).bpf.o)) \
	$(foreach s,$(CORPUS_KNOWN_SRCS),$(foreach c,$(CORPUS_CPUS), \
	$(BUILD)/bpf/corpus-known/$(notdir $(s:.bpf.c=)).$(c).bpf.o))
CORPUS_HDRS := $(wildcard $(CORPUS_DIR)/*.h)
CORPUS_BPF_CFLAGS := -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu

define corpus_cpu_rule
$(BUILD)/bpf/corpus/%.$(1).bpf.o: $(CORPUS_DIR)/%.bpf.c $(CORPUS_HDRS) $(CORPUS_KNOWN_SRCS)
	@mkdir -p $$(dir $$@)
	$(CLANG) $(CORPUS_BPF_CFLAGS) -mcpu=$(1) -DCORPUS_CPU=$(subst v,,$(1)) -c $$< -o $$@

$(BUILD)/bpf/corpus-known/%.$(1).bpf.o: $(CORPUS_DIR)/known/%.bpf.c $(CORPUS_HDRS)
	@mkdir -p $$(dir $$@)
	$(CLANG) $(CORPUS_BPF_CFLAGS) -mcpu=$(1) -DCORPUS_CPU=$(subst v,,$(1)) -c $$< -o $$@
endef
$(foreach c,$(CORPUS_CPUS),$(eval $(call corpus_cpu_rule,$(c))))

$(BUILD)/testbin/corpus: $(CORPUS_DIR)/corpus.c $(CORPUS_DIR)/pkt.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -o $@ $< -lbpf

$(BUILD)/testbin/corpus_linked: $(CORPUS_DIR)/corpus.c $(CORPUS_DIR)/pkt.h \
		$(BUILD)/libuserbpf-preload.so
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE $(LDSAN) -o $@ $< \
		-L$(BUILD) -l:libuserbpf-preload.so -Wl,-rpath,'$$ORIGIN/..' -lbpf

TEST_EXTRA += $(CORPUS_OBJS) $(BUILD)/testbin/corpus $(BUILD)/testbin/corpus_linked

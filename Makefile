# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# userbpf: `make` builds into $(BUILD); `make test`, `make demo`, `make bench`.
BUILD ?= build
PREFIX ?= /usr/local
CC ?= cc
CLANG ?= clang
SAN ?=
OPT ?= -O2
CFLAGS_BASE := -std=gnu11 -g $(OPT) -Wall -Wextra -Werror -fPIC -fvisibility=hidden \
	-D_GNU_SOURCE -Iinclude -Isrc -pthread
ifeq ($(SAN),address)
CFLAGS_BASE += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDSAN := -fsanitize=address,undefined
endif
ifeq ($(SAN),thread)
CFLAGS_BASE += -fsanitize=thread -fno-omit-frame-pointer
LDSAN := -fsanitize=thread
endif
CFLAGS := $(CFLAGS_BASE) $(EXTRA_CFLAGS)
LDLIBS := -ldl -pthread

LIB_SRCS := $(wildcard src/sys/*.c src/maps/*.c src/btf/*.c src/vm/*.c src/attach/*.c) \
	$(filter-out src/preload/syscall.c,$(wildcard src/preload/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
PRELOAD_OBJS := $(LIB_OBJS) $(BUILD)/obj/src/preload/syscall.o
CLI_SRCS := $(wildcard tools/userbpf/*.c)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)

.PHONY: all lib clean test demo bench install deps check-deps
all: lib $(BUILD)/userbpf

lib: $(BUILD)/libuserbpf.so $(BUILD)/libuserbpf.a $(BUILD)/libuserbpf-preload.so

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

ifeq ($(SAN),thread)
# The libc interposers run inside ThreadSanitizer's own start-up (its
# symbolizer calls mmap() before the runtime is ready): leave them uninstrumented.
$(BUILD)/obj/src/preload/%.o: CFLAGS += -fno-sanitize=thread
endif

$(BUILD)/libuserbpf.so: $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,libuserbpf.so.0 -o $@ $^ $(LDSAN) $(LDLIBS)

$(BUILD)/libuserbpf.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libuserbpf-preload.so: $(PRELOAD_OBJS)
	$(CC) -shared -o $@ $^ $(LDSAN) $(LDLIBS)

# The CLI carries the whole library and the syscall() hook, so libbpf inside it
# reaches userbpf in-process.
$(BUILD)/userbpf: $(CLI_OBJS) $(PRELOAD_OBJS)
	$(CC) -o $@ $^ $(LDSAN) -lbpf -lelf -lz $(LDLIBS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

include mk/tests.mk
-include mk/bench.mk

clean:
	rm -rf build build-*

install: all
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 include/userbpf.h $(DESTDIR)$(PREFIX)/include/
	install -m 755 $(BUILD)/libuserbpf.so $(DESTDIR)$(PREFIX)/lib/libuserbpf.so.0
	ln -sf libuserbpf.so.0 $(DESTDIR)$(PREFIX)/lib/libuserbpf.so
	install -m 644 $(BUILD)/libuserbpf.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/libuserbpf-preload.so $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/userbpf $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|' userbpf.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/userbpf.pc

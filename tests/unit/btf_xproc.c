// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* A BTF object used by another process: opened by id after exec, checked against maps there. */
#include "t.h"
#include "userbpf.h"
#include "../diff/btf_build.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static struct bb b;

static void build(void)
{
	bb_init(&b);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 0, 32);                  /* 1 */
	bb_struct(&b, BTF_KIND_STRUCT, "bpf_spin_lock", 0, 1, 4);     /* 2 */
	bb_member(&b, "val", 1, 0);
	bb_struct(&b, BTF_KIND_STRUCT, "v", 0, 2, 8);                 /* 3 */
	bb_member(&b, "data", 1, 0);
	bb_member(&b, "lock", 2, 32);
	bb_finish(&b);
}

static int create_map(int btf_fd, uint32_t value_id)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 2;
	a.btf_fd = (uint32_t)btf_fd;
	a.btf_key_type_id = 1;
	a.btf_value_type_id = value_id;
	return ub_bpf(BPF_MAP_CREATE, &a, sizeof(a));
}

/* In the exec'd child: open BTF @id, create a map whose value has a lock at 4. */
static int child(uint32_t id, uint32_t size)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.btf_id = id;
	int fd = ub_bpf(BPF_BTF_GET_FD_BY_ID, &a, sizeof(a));
	CHECK(fd >= 0, "child: BTF_GET_FD_BY_ID %u: errno %d", id, errno);
	if (fd < 0)
		return T_DONE();
	CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY, "BTF fds are read-only");
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC, "BTF fds are close-on-exec");
	uint8_t info[32] = {0}, raw[256];
	uint64_t p = (uintptr_t)raw;
	uint32_t sz = sizeof(raw);
	memcpy(info, &p, 8);
	memcpy(info + 8, &sz, 4);
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)info;
	CHECK_RET(ub_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)), 0, 0, "child: btf info");
	memcpy(&sz, info + 8, 4);
	build();
	CHECK(sz == size && sz == b.size && !memcmp(raw, b.blob, sz), "child sees the same blob");

	/* The index built in this process finds the lock: F_LOCK works, freeze does not. */
	int m = create_map(fd, 3);
	CHECK(m >= 0, "child: map with BTF: errno %d", errno);
	uint32_t k = 0;
	uint8_t v[8] = {1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff}, out[8];
	CHECK(ub_map_update_elem(m, &k, v, BPF_F_LOCK) == 0, "child: F_LOCK update");
	CHECK(ub_map_lookup_elem(m, &k, out, BPF_F_LOCK) == 0, "child: F_LOCK lookup");
	CHECK(!memcmp(out, v, 4) && out[4] == 0 && out[7] == 0, "data kept, lock word not");
	CHECK(ub_map_freeze(m) == -ENOTSUPP, "child: freeze a lock map");
	CHECK(create_map(fd, 99) == -1 && errno == EINVAL, "child: invalid value id");
	close(m);
	close(fd);
	return T_DONE();
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "child"))
		return child((uint32_t)strtoul(argv[2], NULL, 0), (uint32_t)strtoul(argv[3], NULL, 0));

	build();
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.btf = (uintptr_t)b.blob;
	a.btf_size = b.size;
	int fd = ub_bpf(BPF_BTF_LOAD, &a, sizeof(a));
	CHECK(fd >= 0, "BTF_LOAD: errno %d", errno);
	if (fd < 0)
		return T_DONE();
	uint8_t info[32] = {0};
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)info;
	CHECK_RET(ub_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)), 0, 0, "btf info");
	uint32_t id, size;
	memcpy(&size, info + 8, 4);
	memcpy(&id, info + 12, 4);
	CHECK(size == b.size && id > 0, "size %u id %u", size, id);

	/* BTF_GET_NEXT_ID finds it. */
	memset(&a, 0, sizeof(a));
	a.start_id = 0;
	CHECK_RET(ub_bpf(BPF_BTF_GET_NEXT_ID, &a, sizeof(a)), 0, 0, "BTF_GET_NEXT_ID");
	CHECK(a.next_id == id, "next id %u", a.next_id);

	pid_t pid = fork();
	if (pid == 0) {
		char ids[16], sizes[16];
		snprintf(ids, sizeof(ids), "%u", id);
		snprintf(sizes, sizeof(sizes), "%u", size);
		execl("/proc/self/exe", argv[0], "child", ids, sizes, (char *)NULL);
		_exit(127);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);

	/* Once every fd is closed the BTF is gone. */
	close(fd);
	memset(&a, 0, sizeof(a));
	a.btf_id = id;
	CHECK_RET(ub_bpf(BPF_BTF_GET_FD_BY_ID, &a, sizeof(a)), -1, ENOENT, "closed BTF by id");
	return T_DONE();
}

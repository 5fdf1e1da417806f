// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Programs as objects: a program keeps its maps alive, runs in a forked
 * child on the same shared map, runs from several threads at once (atomic
 * adds lose nothing), binds maps, and is found again by id and by pin.
 */
#include "t.h"
#include "userbpf.h"

#include <linux/bpf.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

static int mkmap(void)
{
	return ub_map_create(BPF_MAP_TYPE_ARRAY, "cnt", 4, 8, 1, 0);
}

static int load_counter(int map)
{
	struct bpf_insn p[] = {
		INSN(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4),
		INSN(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, map),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 1),
		INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 0, 1, 0, BPF_ADD),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 2),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_XDP;
	a.insns = (unsigned long)p;
	a.insn_cnt = sizeof(p) / sizeof(p[0]);
	a.license = (unsigned long)"GPL";
	strcpy(a.prog_name, "counter");
	return ub_bpf(BPF_PROG_LOAD, &a, sizeof(a));
}

static int test_run(int prog, unsigned repeat)
{
	unsigned char pkt[64] = {0};
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (unsigned)prog;
	a.test.data_in = (unsigned long)pkt;
	a.test.data_size_in = sizeof(pkt);
	a.test.repeat = repeat;
	int r = ub_bpf(BPF_PROG_TEST_RUN, &a, sizeof(a));
	return r ? -errno : (int)a.test.retval;
}

static unsigned long long count_of(unsigned map_id)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_id = map_id;
	int fd = ub_bpf(BPF_MAP_GET_FD_BY_ID, &a, sizeof(a));
	if (fd < 0)
		return (unsigned long long)-1;
	unsigned key = 0;
	unsigned long long v = 0;
	ub_map_lookup_elem(fd, &key, &v, 0);
	close(fd);
	return v;
}

static int prog_fd;
static void *runner(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10; i++)
		if (test_run(prog_fd, 100) != 2)
			return (void *)1;
	return NULL;
}

static struct bpf_prog_info info_of(int fd, unsigned *ids, unsigned nids)
{
	struct bpf_prog_info info;
	union bpf_attr a;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = nids;
	info.map_ids = (unsigned long)ids;
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (unsigned)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (unsigned long)&info;
	ub_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
	return info;
}

int main(void)
{
	int map = mkmap();
	CHECK(map >= 0, "map");
	prog_fd = load_counter(map);
	CHECK(prog_fd >= 0, "load: %s", strerror(errno));
	unsigned ids[4] = {0};
	struct bpf_prog_info info = info_of(prog_fd, ids, 4);
	unsigned map_id = ids[0];
	CHECK(info.nr_map_ids == 1 && map_id, "the program uses one map (%u)", info.nr_map_ids);

	/* The program holds the map: closing the map fd loses nothing. */
	close(map);
	CHECK(test_run(prog_fd, 5) == 2, "runs after its map fd is closed");
	CHECK(count_of(map_id) == 5, "count 5 through the map id: %llu", count_of(map_id));

	/* A forked child runs the same program on the same shared map. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(test_run(prog_fd, 10) == 2 ? 0 : 1);
	int st = 0;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child ran");
	CHECK(count_of(map_id) == 15, "child's runs counted: %llu", count_of(map_id));

	/* Four threads test-running one program at once: every atomic add counts. */
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, runner, NULL);
	int bad = 0;
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(th[i], &r);
		bad |= r != NULL;
	}
	CHECK(!bad, "all threads ran");
	CHECK(count_of(map_id) == 15 + 4000, "4000 concurrent runs counted: %llu", count_of(map_id));

	/* PROG_BIND_MAP: a second map joins the program's maps, once. */
	int m2 = mkmap();
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_bind_map.prog_fd = (unsigned)prog_fd;
	a.prog_bind_map.map_fd = (unsigned)m2;
	CHECK_RET(ub_bpf(BPF_PROG_BIND_MAP, &a, sizeof(a)), 0, 0, "bind map");
	CHECK_RET(ub_bpf(BPF_PROG_BIND_MAP, &a, sizeof(a)), 0, 0, "bind the same map again");
	a.prog_bind_map.flags = 1;
	CHECK_RET(ub_bpf(BPF_PROG_BIND_MAP, &a, sizeof(a)), -1, EINVAL, "bind with flags");
	info = info_of(prog_fd, ids, 4);
	CHECK(info.nr_map_ids == 2, "two maps after bind: %u", info.nr_map_ids);
	close(m2);

	/* By id and by pin. */
	memset(&a, 0, sizeof(a));
	a.prog_id = info.id;
	int byid = ub_bpf(BPF_PROG_GET_FD_BY_ID, &a, sizeof(a));
	CHECK(byid >= 0 && test_run(byid, 1) == 2, "runs through an fd from its id");
	memset(&a, 0, sizeof(a));
	a.pathname = (unsigned long)"/sys/fs/bpf/ub_prog_pin";
	a.bpf_fd = (unsigned)prog_fd;
	CHECK_RET(ub_bpf(BPF_OBJ_PIN, &a, sizeof(a)), 0, 0, "pin the program");
	close(byid);
	/* Another process (exec'd, plain libbpf under the preload library) attaches it. */
	const char *b = getenv("UB_BUILD"), *pre = getenv("UB_PRELOAD");
	if (b && pre) {
		char cmd[4096], out[256] = "";
		snprintf(cmd, sizeof(cmd), "LD_PRELOAD=%s %s/testbin/vm_run_pinned /sys/fs/bpf/ub_prog_pin 7 2>&1",
			 pre, b);
		FILE *p = popen(cmd, "r");
		if (p) {
			size_t n = fread(out, 1, sizeof(out) - 1, p);
			out[n] = '\0';
			pclose(p);
		}
		CHECK(strstr(out, "retval 2") != NULL, "another process runs the pinned program: %s", out);
		CHECK(count_of(map_id) == 4016 + 7, "its runs count in the shared map: %llu",
		      count_of(map_id));
	} else {
		SKIP("UB_BUILD / UB_PRELOAD not set");
	}
	close(prog_fd);
	memset(&a, 0, sizeof(a));
	a.pathname = (unsigned long)"/sys/fs/bpf/ub_prog_pin";
	int pinned = ub_bpf(BPF_OBJ_GET, &a, sizeof(a));
	CHECK(pinned >= 0 && test_run(pinned, 1) == 2, "runs from its pin");
	CHECK(count_of(map_id) == 4017 + (b && pre ? 7 : 0), "count %llu", count_of(map_id));
	unlink("/sys/fs/bpf/ub_prog_pin");
	close(pinned);
	return T_DONE();
}

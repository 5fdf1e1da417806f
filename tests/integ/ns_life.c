// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Object lifetime across processes: pins outlive a SIGKILLed creator, the
 * storage (the object file) is released once no fd, mapping or pin holds it
 * (after SIGKILL too), never while a live process still uses it; fds work
 * across fork() and exec(); objects are private to their owner's uid.
 */
#include "t.h"
#include "userbpf.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "scm.h"

static long bpf_(int cmd, union bpf_attr *a)
{
	return ub_bpf(cmd, a, sizeof(*a));
}

static int map_create(unsigned flags)
{
	return ub_map_create(BPF_MAP_TYPE_ARRAY, "life", 4, 8, 4, flags);
}

static unsigned map_id(int fd)
{
	struct bpf_map_info info;
	union bpf_attr a;
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (unsigned)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (unsigned long)&info;
	return bpf_(BPF_OBJ_GET_INFO_BY_FD, &a) ? 0 : info.id;
}

static int fd_by_id(unsigned id)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_id = id;
	return (int)bpf_(BPF_MAP_GET_FD_BY_ID, &a);
}

/* Is @id among the ids MAP_GET_NEXT_ID walks? (The walk also collects.) */
static bool id_listed(unsigned id)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	while (bpf_(BPF_MAP_GET_NEXT_ID, &a) == 0) {
		if (a.next_id == id)
			return true;
		a.start_id = a.next_id;
	}
	return false;
}

static bool file_exists(unsigned id)
{
	char p[4200];
	struct stat st;
	snprintf(p, sizeof(p), "%s/objs/bpf-map-%u", ub_namespace_root(), id);
	return stat(p, &st) == 0;
}

static int obj_get(const char *path)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.pathname = (unsigned long)path;
	return (int)bpf_(BPF_OBJ_GET, &a);
}

static int obj_pin(int fd, const char *path)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.pathname = (unsigned long)path;
	a.bpf_fd = (unsigned)fd;
	return (int)bpf_(BPF_OBJ_PIN, &a);
}

/* A child that creates a map, reports its id, optionally pins it, then is killed. */
static unsigned child_creates_and_dies(const char *pin)
{
	int p[2];
	unsigned id = 0;
	if (pipe(p))
		return 0;
	pid_t pid = fork();
	if (pid == 0) {
		int fd = map_create(0);
		unsigned key = 2;
		unsigned long long v = 0xfeedULL;
		ub_map_update_elem(fd, &key, &v, 0);
		if (pin)
			obj_pin(fd, pin);
		id = map_id(fd);
		if (write(p[1], &id, sizeof(id)) != sizeof(id))
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &id, sizeof(id)) != sizeof(id))
		id = 0;
	close(p[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return id;
}

static void test_pin_outlives_sigkill(void)
{
	unsigned id = child_creates_and_dies("/sys/fs/bpf/survivor");
	CHECK(id != 0, "child reported its map id");
	int fd = obj_get("/sys/fs/bpf/survivor");
	CHECK(fd >= 0, "pinned map opens after its creator was SIGKILLed: %d", errno);
	unsigned key = 2;
	unsigned long long v = 0;
	CHECK(ub_map_lookup_elem(fd, &key, &v, 0) == 0 && v == 0xfeedULL,
	      "value written before the kill is there: %llx", v);
	CHECK(id_listed(id), "pinned map of a dead creator is listed by id");
	close(fd);
	/* Unpinned and unheld: released. */
	CHECK(unlink("/sys/fs/bpf/survivor") == 0, "unlink the pin: %d", errno);
	CHECK(!id_listed(id), "unpinned map without holders is gone from the ids");
	CHECK(!file_exists(id), "its storage is released");
	CHECK(fd_by_id(id) == -1 && errno == ENOENT, "GET_FD_BY_ID of a released map: ENOENT");
}

static void test_unpinned_sigkill(void)
{
	unsigned id = child_creates_and_dies(NULL);
	CHECK(id != 0, "child reported its map id");
	CHECK(!id_listed(id), "a SIGKILLed creator's unpinned map is not listed");
	CHECK(!file_exists(id), "and its storage is released lazily by the id walk");
	CHECK(fd_by_id(id) == -1 && errno == ENOENT, "GET_FD_BY_ID: ENOENT");
}

static void test_live_holder(void)
{
	int fd = map_create(0);
	unsigned id = map_id(fd);
	int go[2], done[2];
	CHECK(pipe(go) == 0 && pipe(done) == 0, "pipes");
	pid_t pid = fork();
	if (pid == 0) {
		/* The child's inherited fd is the only holder once the parent closes. */
		char c;
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		unsigned key = 1;
		unsigned long long v = 0x77;
		int ok = ub_map_update_elem(fd, &key, &v, 0) == 0;
		if (write(done[1], "x", 1) != 1)
			_exit(3);
		pause();
		_exit(ok ? 0 : 1);
	}
	close(fd);
	CHECK(id_listed(id), "map held only by another live process stays listed");
	CHECK(file_exists(id), "and its storage stays");
	CHECK(write(go[1], "g", 1) == 1, "signal child");
	char c;
	CHECK(read(done[0], &c, 1) == 1, "child used its inherited fd");
	int fd2 = fd_by_id(id);
	CHECK(fd2 >= 0, "GET_FD_BY_ID while another process holds it: %d", errno);
	unsigned key = 1;
	unsigned long long v = 0;
	CHECK(ub_map_lookup_elem(fd2, &key, &v, 0) == 0 && v == 0x77,
	      "the child's write through a fork()ed fd is visible: %llx", v);
	close(fd2);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	CHECK(!id_listed(id), "after the last holder is SIGKILLed the map is gone");
	CHECK(!file_exists(id), "and its storage is released");
	close(go[0]), close(go[1]), close(done[0]), close(done[1]);
}

static void test_close_releases(void)
{
	int fd = map_create(0);
	unsigned id = map_id(fd);
	CHECK(file_exists(id), "object file exists while the fd is open");
	close(fd);
	CHECK(!file_exists(id), "closing the last fd releases the storage at once");
}

/*
 * A map a program holds outlives its last fd; closing the program then
 * releases both at once, with no id walk (the program's collector drops the
 * links it held).
 */
static void test_holder_releases_held(void)
{
	int map = map_create(0);
	unsigned id = map_id(map);
	struct bpf_insn p[4] = {0};
	p[0] = (struct bpf_insn){.code = BPF_LD | BPF_IMM | BPF_DW,
				 .dst_reg = 1,
				 .src_reg = BPF_PSEUDO_MAP_FD,
				 .imm = map};
	p[2] = (struct bpf_insn){.code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = 2};
	p[3] = (struct bpf_insn){.code = BPF_JMP | BPF_EXIT};
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_XDP;
	a.insns = (unsigned long)p;
	a.insn_cnt = sizeof(p) / sizeof(p[0]);
	a.license = (unsigned long)"GPL";
	int prog = (int)bpf_(BPF_PROG_LOAD, &a);
	CHECK(prog >= 0, "load a program using the map: %d", errno);
	close(map);
	int again = fd_by_id(id);
	CHECK(file_exists(id) && again >= 0, "a map its program holds outlives its last fd");
	close(again);
	close(prog);
	CHECK(!file_exists(id), "closing the program releases the map it alone held, at once");
	CHECK(fd_by_id(id) == -1 && errno == ENOENT, "GET_FD_BY_ID of the released map: ENOENT");
}

/*
 * A map is visible to another process (GET_NEXT_ID, GET_FD_BY_ID) as soon as
 * MAP_CREATE returned, its id follows the previous one, and the last close,
 * in either process, releases it at once.
 */
static void test_visible_at_once(void)
{
	int ids[2], acks[2];
	CHECK(pipe(ids) == 0 && pipe(acks) == 0, "pipes");
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 20; i++) {
			int fd = map_create(0);
			unsigned id = map_id(fd);
			char c;
			if (write(ids[1], &id, sizeof(id)) != sizeof(id) ||
			    read(acks[0], &c, 1) != 1)
				_exit(1);
			close(fd);
			if (write(ids[1], &id, sizeof(id)) != sizeof(id))
				_exit(1);
		}
		_exit(0);
	}
	unsigned prev = 0, id, closed;
	int bad_dense = 0, bad_seen = 0, bad_released = 0;
	for (int i = 0; i < 20; i++) {
		if (read(ids[0], &id, sizeof(id)) != sizeof(id))
			break;
		bad_dense += prev && id != prev + 1;
		prev = id;
		int fd = fd_by_id(id);
		bad_seen += !id_listed(id) || fd < 0;
		/* Even rounds: ours is the last fd; odd rounds: the creator's is. */
		if (i & 1)
			close(fd);
		if (write(acks[1], "a", 1) != 1 ||
		    read(ids[0], &closed, sizeof(closed)) != sizeof(closed))
			break;
		if (!(i & 1))
			close(fd);
		bad_released += file_exists(id);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "creating child: status %#x", st);
	CHECK(bad_dense == 0, "another process's ids follow each other (%d gaps)", bad_dense);
	CHECK(bad_seen == 0, "another process's new map is listed and opens by id at once (%d not)",
	      bad_seen);
	CHECK(bad_released == 0, "the last close, in either process, releases it (%d left)",
	      bad_released);
	close(ids[0]), close(ids[1]), close(acks[0]), close(acks[1]);
}

/*
 * A process creating and closing maps, killed at random instants (inside
 * MAP_CREATE, inside the collecting close): after an id walk nothing it made
 * is left in objs/.
 */
static void test_killed_while_creating(void)
{
	int fd = map_create(0);
	unsigned first = map_id(fd);
	close(fd);
	srand(7);
	for (int round = 0; round < 60; round++) {
		pid_t pid = fork();
		if (pid == 0) {
			for (;;) {
				int m = map_create(0);
				if (m >= 0)
					close(m);
			}
		}
		usleep(200 + rand() % 3000);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	id_listed(0x7fffffff); /* a full walk */
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/objs", ub_namespace_root());
	DIR *d = opendir(dir);
	int left = 0, made = 0;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		unsigned id;
		if (!strncmp(de->d_name, ".new-", 5))
			left++;
		else if (sscanf(de->d_name, "bpf-map-%u", &id) == 1 && id > first)
			left++;
	}
	if (d)
		closedir(d);
	fd = map_create(0);
	made = (int)(map_id(fd) - first);
	close(fd);
	CHECK(made > 60, "the killed processes created maps (%d)", made);
	CHECK(left == 0,
	      "after SIGKILLs in create and close, the id walk leaves nothing (%d files)", left);
}

static void test_mmap_holds(void)
{
	int fd = map_create(BPF_F_MMAPABLE);
	unsigned id = map_id(fd);
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "mmap: %d", errno);
	close(fd);
	CHECK(id_listed(id) && file_exists(id), "a mapping keeps the map alive without fds");
	int fd2 = fd_by_id(id);
	CHECK(fd2 >= 0, "and it can be reopened by id");
	unsigned key = 0;
	unsigned long long v = 0x1234;
	ub_map_update_elem(fd2, &key, &v, 0);
	close(fd2);
	CHECK(p != MAP_FAILED && *(unsigned long long *)p == 0x1234, "mapping sees the update");
	munmap(p, 4096);
	CHECK(!id_listed(id) && !file_exists(id), "after munmap nothing holds it");
}

/* exec() of ourselves with an fd whose O_CLOEXEC was cleared. */
static int exec_child(int fd)
{
	unsigned key = 3;
	unsigned long long v = 0;
	if (ub_map_lookup_elem(fd, &key, &v, 0) || v != 0xabcULL)
		return 1;
	v = 0xdefULL;
	return ub_map_update_elem(fd, &key, &v, 0) ? 2 : 0;
}

static void test_exec(void)
{
	int fd = map_create(0);
	CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "bpf fds are created close-on-exec");
	unsigned key = 3;
	unsigned long long v = 0xabcULL;
	ub_map_update_elem(fd, &key, &v, 0);
	fcntl(fd, F_SETFD, 0);
	pid_t pid = fork();
	if (pid == 0) {
		char arg[16];
		snprintf(arg, sizeof(arg), "%d", fd);
		execl("/proc/self/exe", "ns_life", "exec-child", arg, (char *)NULL);
		_exit(99);
	}
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec'd child used the fd: status %d",
	      WEXITSTATUS(st));
	v = 0;
	CHECK(ub_map_lookup_elem(fd, &key, &v, 0) == 0 && v == 0xdefULL,
	      "its write is visible: %llx", v);
	close(fd);
}

static void test_private(void)
{
	int fd = map_create(0);
	unsigned id = map_id(fd);
	char p[4200];
	struct stat st;
	snprintf(p, sizeof(p), "%s/objs/bpf-map-%u", ub_namespace_root(), id);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600,
	      "objects of a private namespace are mode 0600: %o", st.st_mode & 0777);
	if (geteuid() != 0) {
		SKIP("not root: cannot try another uid");
		close(fd);
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(100);
		int r = fd_by_id(id);
		_exit(r == -1 && errno == EACCES ? 0 : 1);
	}
	int s;
	waitpid(pid, &s, 0);
	CHECK(WIFEXITED(s) && WEXITSTATUS(s) == 0, "another uid cannot open the map: status %d",
	      WEXITSTATUS(s));
	close(fd);
}

/* Read-only and write-only fds keep their access mode over SCM_RIGHTS. */
static void test_scm_rights_modes(void)
{
	int fd = map_create(0);
	unsigned id = map_id(fd);
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	pid_t pid = fork();
	if (pid == 0) {
		/* A process that never saw these maps: both fds arrive by message. */
		int ro = scm_recv_fd(sv[1], 0), wo = scm_recv_fd(sv[1], 0);
		unsigned key = 1;
		unsigned long long v = 5;
		int bad = 0;
		bad |= ub_map_lookup_elem(ro, &key, &v, 0) != 0;
		bad |= (ub_map_update_elem(ro, &key, &v, 0) != -EPERM) << 1;
		bad |= (ub_map_update_elem(wo, &key, &v, 0) != 0) << 2;
		bad |= (ub_map_lookup_elem(wo, &key, &v, 0) != -EPERM) << 3;
		_exit(bad);
	}
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_id = id;
	a.open_flags = BPF_F_RDONLY;
	int ro = (int)bpf_(BPF_MAP_GET_FD_BY_ID, &a);
	a.open_flags = BPF_F_WRONLY;
	int wo = (int)bpf_(BPF_MAP_GET_FD_BY_ID, &a);
	CHECK(ro >= 0 && wo >= 0, "read-only and write-only fds by id");
	CHECK(scm_send_fd(sv[0], ro) == 1, "sendmsg");
	CHECK(scm_send_fd(sv[0], wo) == 1, "sendmsg");
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "received fds keep their modes (failures mask %d)", WEXITSTATUS(st));
	close(ro), close(wo), close(fd), close(sv[0]), close(sv[1]);
}

/* A creator killed inside MAP_CREATE leaves ".new-<pid>-..."; the id walk reaps it. */
static void test_reap_unfinished(void)
{
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	char a[4200], b[4200];
	snprintf(a, sizeof(a), "%s/objs/.new-%d-bpf-map-4000000", ub_namespace_root(), (int)dead);
	snprintf(b, sizeof(b), "%s/objs/.new-%d-bpf-map-4000001", ub_namespace_root(),
		 (int)getpid());
	int fa = open(a, O_CREAT | O_WRONLY, 0600), fb = open(b, O_CREAT | O_WRONLY, 0600);
	CHECK(fa >= 0 && fb >= 0, "make unfinished object files");
	close(fa), close(fb);
	int fd = map_create(0);
	id_listed(map_id(fd));
	id_listed(0x7fffffff); /* a full walk */
	struct stat st;
	CHECK(stat(a, &st) == -1 && errno == ENOENT, "a dead creator's unfinished file is reaped");
	CHECK(stat(b, &st) == 0, "a live creator's is left alone");
	unlink(b);
	close(fd);
}

/*
 * A shared namespace (objs/ writable by others, sticky) makes objects
 * readable and writable by other users. Each side is a fresh exec of this
 * test, since a process picks its namespace once.
 */
static int shared_maker(void)
{
	int fd = map_create(0);
	unsigned key = 0;
	unsigned long long v = 41;
	ub_map_update_elem(fd, &key, &v, 0);
	return obj_pin(fd, "/sys/fs/bpf/shared") ? 1 : 0;
}

static int shared_user(void)
{
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 100;
	int fd = obj_get("/sys/fs/bpf/shared");
	unsigned key = 0;
	unsigned long long v = 0;
	if (fd < 0 || ub_map_lookup_elem(fd, &key, &v, 0) || v != 41)
		return 1;
	v = 42;
	return ub_map_update_elem(fd, &key, &v, 0) ? 2 : 0;
}

static int run_self(const char *dir, const char *what)
{
	pid_t pid = fork();
	if (pid == 0) {
		setenv("USERBPF_ROOT", dir, 1);
		execl("/proc/self/exe", "ns_life", what, (char *)NULL);
		_exit(99);
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void test_shared_namespace(void)
{
	if (geteuid() != 0) {
		SKIP("not root: cannot try another uid");
		return;
	}
	char dir[] = "/dev/shm/ub-ns-shared.XXXXXX", sub[256];
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	chmod(dir, 0755);
	const char *subs[] = {"objs", "bpffs"};
	for (int i = 0; i < 2; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, subs[i]);
		mkdir(sub, 01777);
		chmod(sub, 01777);
	}
	CHECK(run_self(dir, "shared-maker") == 0, "root made and pinned a map");
	int st = run_self(dir, "shared-user");
	CHECK(st == 0, "another user reads and writes a shared namespace's map: status %d", st);
	char rm[300];
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
	if (system(rm))
		fprintf(stderr, "cleanup failed\n");
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "exec-child"))
		return exec_child(atoi(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "shared-maker"))
		return shared_maker();
	if (argc == 2 && !strcmp(argv[1], "shared-user"))
		return shared_user();
	test_pin_outlives_sigkill();
	test_unpinned_sigkill();
	test_live_holder();
	test_close_releases();
	test_holder_releases_held();
	test_visible_at_once();
	test_killed_while_creating();
	test_mmap_holds();
	test_exec();
	test_private();
	test_scm_rights_modes();
	test_reap_unfinished();
	test_shared_namespace();
	return T_DONE();
}

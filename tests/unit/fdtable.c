// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The fd table: close and reuse, dup2 over a map fd, fork, SCM_RIGHTS, close-on-exec. */
#include "t.h"
#include "userbpf.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "scm.h"

static int mk(void)
{
	return ub_map_create(BPF_MAP_TYPE_ARRAY, "fdt", 4, 8, 4, 0);
}

int main(void)
{
	unsigned k = 1;
	unsigned long long v = 77, out = 0;

	/* Kernel bpf fds are close-on-exec. */
	int fd = mk();
	CHECK(fd >= 0, "create: %d", fd);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC, "map fd is O_CLOEXEC");
	CHECK(ub_is_object_fd(fd) == 1, "known");

	/* Closing a map fd and reusing the number for something else. */
	close(fd);
	int other = open("/dev/null", O_RDONLY);
	CHECK(other == fd, "number reused (%d vs %d)", other, fd);
	CHECK_RET(ub_map_lookup_elem(other, &k, &out, 0), -EINVAL, EINVAL, "lookup on /dev/null");
	close(other);
	CHECK_RET(ub_map_lookup_elem(other, &k, &out, 0), -EBADF, EBADF, "lookup on closed fd");

	/* dup2 over a map fd replaces it. */
	int a = mk(), b = mk();
	CHECK(ub_map_update_elem(a, &k, &v, 0) == 0, "update a");
	int n = open("/dev/null", O_RDONLY);
	CHECK(dup2(n, b) == b, "dup2 over map fd");
	CHECK_RET(ub_map_lookup_elem(b, &k, &out, 0), -EINVAL, EINVAL, "b is /dev/null now");
	CHECK(dup2(a, b) == b, "dup2 map over fd");
	out = 0;
	CHECK(ub_map_lookup_elem(b, &k, &out, 0) == 0 && out == 77, "b is a now: %llu", out);
	int c = fcntl(a, F_DUPFD_CLOEXEC, 100);
	out = 0;
	CHECK(c >= 100 && ub_map_lookup_elem(c, &k, &out, 0) == 0 && out == 77, "F_DUPFD_CLOEXEC");
	close(n);

	/* fork: the child sees the same map and its writes. */
	pid_t pid = fork();
	if (pid == 0) {
		unsigned long long w = 99;
		_exit(ub_map_update_elem(a, &k, &w, 0) == 0 ? 0 : 1);
	}
	int st;
	waitpid(pid, &st, 0);
	out = 0;
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child update");
	CHECK(ub_map_lookup_elem(a, &k, &out, 0) == 0 && out == 99, "parent sees child's write");

	/* SCM_RIGHTS: an fd number this process never saw as a map. */
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	int ro = open("/dev/null", O_RDONLY); /* make the received number differ */
	CHECK(scm_send_fd(sv[0], a) == 1, "send");
	int r = scm_recv_fd(sv[1], 0);
	CHECK(r >= 0 && r != a, "received %d", r);
	out = 0;
	CHECK(ub_map_lookup_elem(r, &k, &out, 0) == 0 && out == 99, "received fd works: %llu", out);
	close(ro);

	/* A read-only fd keeps its access mode when passed. */
	union bpf_attr at;
	memset(&at, 0, sizeof(at));
	struct bpf_map_info info;
	unsigned len = sizeof(info);
	memset(&info, 0, sizeof(info));
	at.info.bpf_fd = a;
	at.info.info_len = len;
	at.info.info = (unsigned long)&info;
	CHECK(ub_bpf(BPF_OBJ_GET_INFO_BY_FD, &at, sizeof(at)) == 0, "info");
	memset(&at, 0, sizeof(at));
	at.map_id = info.id;
	at.open_flags = BPF_F_RDONLY;
	int rofd = ub_bpf(BPF_MAP_GET_FD_BY_ID, &at, sizeof(at));
	CHECK(rofd >= 0, "rdonly by id");
	CHECK(scm_send_fd(sv[0], rofd) == 1, "send ro");
	int r2 = scm_recv_fd(sv[1], 0);
	CHECK_RET(ub_map_update_elem(r2, &k, &v, 0), -EPERM, EPERM, "received ro fd stays ro");
	CHECK(ub_map_lookup_elem(r2, &k, &out, 0) == 0, "received ro fd reads");

	/* close_range drops every map fd in the range. */
	int lo = fcntl(a, F_DUPFD, 200);
	CHECK(lo >= 200, "dup to 200");
	CHECK(close_range((unsigned)lo, (unsigned)lo + 10, 0) == 0, "close_range");
	CHECK_RET(ub_map_lookup_elem(lo, &k, &out, 0), -EBADF, EBADF, "closed by close_range");
	return T_DONE();
}

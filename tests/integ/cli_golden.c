// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Golden tests of the userbpf CLI: every tests/cli/<name>.cmds is run, one
 * line per invocation, in a fresh namespace (so map ids are deterministic),
 * and the transcript (command, stdout, stderr, exit status) must equal
 * tests/cli/<name>.golden byte for byte. UB_GOLDEN_UPDATE=1 rewrites the
 * golden files instead (review the diff before committing).
 */
#include "t.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char cli[PATH_MAX], root[PATH_MAX];

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Replace the namespace path (it differs per run) by $ROOT. */
static void buf_add_masked(struct buf *b, const char *s, size_t n)
{
	size_t rl = strlen(root);
	for (size_t i = 0; i < n;) {
		if (rl && i + rl <= n && !memcmp(s + i, root, rl)) {
			buf_str(b, "$ROOT");
			i += rl;
		} else {
			buf_add(b, s + i, 1);
			i++;
		}
	}
}

static void read_all(int fd, struct buf *b)
{
	char tmp[65536];
	ssize_t r;
	while ((r = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(b, tmp, (size_t)r);
}

/* Run the CLI with @line's words; append the transcript to @t. */
static void run_line(char *line, struct buf *t)
{
	char *argv[128];
	int argc = 0;
	argv[argc++] = cli;
	for (char *w = strtok(line, " "); w && argc < 127; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;

	char out_path[PATH_MAX + 8], err_path[PATH_MAX + 8];
	snprintf(out_path, sizeof(out_path), "%s.out", root);
	snprintf(err_path, sizeof(err_path), "%s.err", root);
	pid_t pid = fork();
	if (pid == 0) {
		FILE *o = freopen(out_path, "w", stdout);
		FILE *e = freopen(err_path, "w", stderr);
		if (!o || !e)
			_exit(126);
		alarm(20);
		execv(cli, argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	buf_str(t, "$ userbpf");
	for (int i = 1; i < argc; i++) {
		buf_str(t, " ");
		buf_str(t, argv[i]);
	}
	buf_str(t, "\n");
	struct buf o = {0}, e = {0};
	int fd = open(out_path, O_RDONLY);
	if (fd >= 0) {
		read_all(fd, &o);
		close(fd);
	}
	fd = open(err_path, O_RDONLY);
	if (fd >= 0) {
		read_all(fd, &e);
		close(fd);
	}
	if (o.len)
		buf_add_masked(t, o.p, o.len);
	if (e.len) {
		buf_str(t, "[stderr]\n");
		buf_add_masked(t, e.p, e.len);
	}
	char tail[64];
	snprintf(tail, sizeof(tail), "[exit %d]\n\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	buf_str(t, tail);
	free(o.p);
	free(e.p);
	unlink(out_path);
	unlink(err_path);
}

static void run_script(const char *dir, const char *name, bool update)
{
	char path[PATH_MAX * 4], rootbase[] = "/dev/shm/ub-cli-golden.XXXXXX";
	snprintf(path, sizeof(path), "%s/%s.cmds", dir, name);
	FILE *f = fopen(path, "r");
	CHECK(f != NULL, "open %s", path);
	if (!f)
		return;
	CHECK(mkdtemp(rootbase) != NULL, "mkdtemp");
	snprintf(root, sizeof(root), "%s/ns", rootbase);
	setenv("USERBPF_ROOT", root, 1);

	struct buf t = {0};
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		run_line(line, &t);
	}
	free(line);
	fclose(f);

	snprintf(path, sizeof(path), "%s/%s.golden", dir, name);
	if (update) {
		FILE *g = fopen(path, "w");
		CHECK(g && fwrite(t.p, 1, t.len, g) == t.len, "write %s", path);
		if (g)
			fclose(g);
		fprintf(stderr, "updated %s\n", path);
	} else {
		struct buf want = {0};
		int fd = open(path, O_RDONLY);
		CHECK(fd >= 0, "open %s", path);
		if (fd >= 0) {
			read_all(fd, &want);
			close(fd);
		}
		bool same = want.p && t.len == want.len && !memcmp(t.p, want.p, t.len);
		if (!same) {
			/* Show the first differing line. */
			size_t i = 0, line_start = 0;
			for (; i < t.len && want.p && i < want.len && t.p[i] == want.p[i]; i++)
				if (t.p[i] == '\n')
					line_start = i + 1;
			fprintf(stderr, "first difference at byte %zu:\n got: %.120s\nwant: %.120s\n",
				i, t.p + line_start, want.p ? want.p + line_start : "(none)");
		}
		CHECK(same, "%s transcript matches %s", name, path);
		free(want.p);
	}
	free(t.p);
	char rm[PATH_MAX + 16];
	snprintf(rm, sizeof(rm), "rm -rf '%s'", rootbase);
	if (system(rm))
		fprintf(stderr, "cleanup of %s failed\n", rootbase);
}

int main(void)
{
	const char *build = getenv("UB_BUILD");
	char src[PATH_MAX * 2], dir[PATH_MAX * 2 + 16];
	bool update = getenv("UB_GOLDEN_UPDATE") != NULL;

	if (!build) {
		SKIP("UB_BUILD is not set");
		return T_DONE();
	}
	snprintf(cli, sizeof(cli), "%s/userbpf", build);
	CHECK(access(cli, X_OK) == 0, "%s exists", cli);
	/* The sources: UB_SRC from tests/run.sh, else the build directory's parent. */
	if (getenv("UB_SRC"))
		snprintf(src, sizeof(src), "%s", getenv("UB_SRC"));
	else
		snprintf(src, sizeof(src), "%s/..", build);
	snprintf(dir, sizeof(dir), "%s/tests/cli", src);
	DIR *d = opendir(dir);
	CHECK(d != NULL, "open %s", dir);
	int scripts = 0;
	for (struct dirent *de; d && (de = readdir(d));) {
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".cmds"))
			continue;
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(l - 5), de->d_name);
		run_script(dir, name, update);
		scripts++;
	}
	if (d)
		closedir(d);
	CHECK(scripts > 0, "found golden scripts in %s", dir);
	return T_DONE();
}

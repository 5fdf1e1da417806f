// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* mmap() of map fds with the kernel's rules, and the writable-mapping count freeze needs. */
#include "sys/sys.h"
#include "maps/map.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * The kernel refuses, in this order: a zero length (EINVAL); PROT_WRITE on a
 * shared mapping of an fd without write access, or any mapping of an fd
 * without read access (EACCES); PROP_EXEC, since bpf fds live on a noexec
 * mount (EPERM); a map family that cannot be mapped (ENOTSUPP); a private
 * mapping, or a shared one of a read-only fd (EINVAL); a writable mapping of a
 * frozen map (EPERM) or of a BPF_F_RDONLY_PROG map (EACCES); a non-mmapable
 * array or a range past the page-aligned elements (EINVAL).
 */
int ub_map_mmap_check(int fd, size_t len, int prot, int flags, s64 off, bool *is_map,
		      void **objp)
{
	u32 mode;
	struct ub_obj *obj;

	*is_map = false;
	if (fd < 0 || (flags & MAP_ANONYMOUS))
		return 0;
	obj = ub_fd_get(fd, &mode);
	if (!obj || obj->kind != UB_OBJ_MAP)
		return 0;
	*is_map = true;
	*objp = obj;
	struct ub_map *map = obj_to_map(obj);
	int type = flags & MAP_TYPE;
	bool shared = type == MAP_SHARED || type == MAP_SHARED_VALIDATE;

	if (!len)
		return -EINVAL;
	if (shared && (prot & PROT_WRITE) && !(mode & UB_MODE_WRITE))
		return -EACCES;
	if (!(mode & UB_MODE_READ))
		return -EACCES;
	if (prot & PROT_EXEC)
		return -EPERM;
	if (!map->ops->mmap_check || map->spin_lock_off >= 0)
		return -ENOTSUPP;
	if (!shared || !(mode & UB_MODE_WRITE))
		return -EINVAL;
	if (prot & PROT_WRITE) {
		if (atomic_load(&map->h->frozen))
			return -EPERM;
		if (map->map_flags & BPF_F_RDONLY_PROG)
			return -EACCES;
	}
	int err = map->ops->mmap_check(map);
	if (err)
		return err;
	if (off < 0 || (u64)off % UB_PAGE_SIZE ||
	    (u64)off + page_align(len) > page_align(map->h->data_size))
		return -EINVAL;
	return 0;
}

/* ---- writable mappings, per process, in the map's shared header ---------- */

static bool pid_alive(int pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

static void wmap_add(struct ub_map_hdr *h, int delta)
{
	int me = getpid();
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < UB_WMAP_SLOTS; i++) {
			int pid = atomic_load(&h->wmaps[i].pid);
			if (pid == me) {
				atomic_fetch_add(&h->wmaps[i].count, delta);
				return;
			}
			if (pass == 1 && delta > 0 && (pid == 0 || !pid_alive(pid)) &&
			    atomic_compare_exchange_strong(&h->wmaps[i].pid, &pid, me)) {
				atomic_store(&h->wmaps[i].count, delta);
				return;
			}
		}
	}
}

int ub_map_wmap_count(void *hdr)
{
	struct ub_map_hdr *h = hdr;
	int n = 0;
	for (int i = 0; i < UB_WMAP_SLOTS; i++) {
		int pid = atomic_load(&h->wmaps[i].pid);
		int c = atomic_load(&h->wmaps[i].count);
		if (pid && c > 0 && pid_alive(pid))
			n += c;
	}
	return n;
}

/* This process's map mappings: for munmap() bookkeeping. */
struct mapping {
	u8 *start, *end;
	struct ub_obj *obj;
	bool writable;
	struct mapping *next;
};
static struct mapping *mappings;
static pthread_mutex_t mappings_lock = PTHREAD_MUTEX_INITIALIZER;

void ub_map_mmap_done(void *objp, void *addr, size_t len, int prot)
{
	struct ub_obj *obj = objp;
	struct mapping *m = calloc(1, sizeof(*m));
	if (!m)
		return;
	m->start = addr;
	m->end = (u8 *)addr + page_align(len);
	m->obj = obj;
	m->writable = prot & PROT_WRITE;
	ub_obj_get(obj);
	if (m->writable)
		wmap_add(obj_to_map(obj)->h, 1);
	pthread_mutex_lock(&mappings_lock);
	m->next = mappings;
	mappings = m;
	pthread_mutex_unlock(&mappings_lock);
}

int ub_map_munmap_note(void *addr, size_t len)
{
	u8 *a = addr, *e = a + page_align(len);
	struct mapping *gone = NULL;
	pthread_mutex_lock(&mappings_lock);
	for (struct mapping **pp = &mappings; *pp;) {
		struct mapping *m = *pp;
		if (a <= m->start && e >= m->end) {
			*pp = m->next;
			m->next = gone;
			gone = m;
			continue;
		}
		/* Trim a mapping cut at either end. */
		if (a <= m->start && e > m->start) {
			m->start = e;
		} else if (a < m->end && e >= m->end) {
			m->end = a;
		} else if (a > m->start && e < m->end) {
			/*
			 * A hole splits it in two, each counting as a mapping of its
			 * own, as the kernel's split VMAs do (vm_ops->open).
			 */
			struct mapping *tail = calloc(1, sizeof(*tail));
			if (tail) {
				*tail = *m;
				tail->start = e;
				m->end = a;
				ub_obj_get(m->obj);
				if (m->writable)
					wmap_add(obj_to_map(m->obj)->h, 1);
				tail->next = m->next;
				m->next = tail;
				pp = &tail->next;
				continue;
			}
		}
		pp = &m->next;
	}
	pthread_mutex_unlock(&mappings_lock);
	while (gone) {
		struct mapping *m = gone;
		gone = m->next;
		if (m->writable)
			wmap_add(obj_to_map(m->obj)->h, -1);
		ub_obj_put(m->obj);
		free(m);
	}
	return 0;
}

int ub_map_mprotect_check(void *addr, size_t len, int prot)
{
	u8 *a = addr, *e = a + page_align(len);
	int err = 0;
	pthread_mutex_lock(&mappings_lock);
	for (struct mapping *m = mappings; m; m = m->next) {
		if (a >= m->end || e <= m->start)
			continue;
		if (prot & PROT_EXEC)
			err = -EACCES;
	}
	pthread_mutex_unlock(&mappings_lock);
	return err;
}

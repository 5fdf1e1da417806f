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
#include <sys/sysmacros.h>
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
static void map_lock(struct ub_map_hdr *h)
{
	if (pthread_mutex_lock(&h->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&h->lock);
}

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
	if (!map->ops->mmap_check || map->spin_lock_off >= 0 || map->nr_special)
		return -ENOTSUPP;
	if (!shared || !(mode & UB_MODE_WRITE))
		return -EINVAL;
	/*
	 * A writable mapping is checked and made under the map's freeze lock
	 * (released by ub_map_mmap_done()), so freeze cannot slip in between.
	 */
	if (prot & PROT_WRITE) {
		map_lock(map->h);
		if (atomic_load(&map->h->frozen)) {
			pthread_mutex_unlock(&map->h->lock);
			return -EPERM;
		}
		if (map->map_flags & BPF_F_RDONLY_PROG) {
			pthread_mutex_unlock(&map->h->lock);
			return -EACCES;
		}
	}
	int err = map->ops->mmap_check(map);
	if (!err && (off < 0 || (u64)off % UB_PAGE_SIZE ||
		     (u64)off + page_align(len) > page_align(map->h->data_size)))
		err = -EINVAL;
	if (err && (prot & PROT_WRITE))
		pthread_mutex_unlock(&map->h->lock);
	return err;
}

/* ---- writable mappings, per process, in the map's shared header ---------- */

static bool pid_alive(int pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

static void wmap_add_pid(struct ub_map_hdr *h, int me, int delta)
{
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

static void wmap_add(struct ub_map_hdr *h, int delta)
{
	wmap_add_pid(h, getpid(), delta);
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

/*
 * After the real mmap() of a map fd that ub_map_mmap_check() allowed, with
 * its result @addr (MAP_FAILED too): note the mapping and, for a writable
 * one, count it and drop the freeze lock the check took.
 */
void ub_map_mmap_done(void *objp, void *addr, size_t len, int prot)
{
	struct ub_obj *obj = objp;
	struct ub_map_hdr *h = obj_to_map(obj)->h;
	bool writable = prot & PROT_WRITE;
	struct mapping *m = addr == MAP_FAILED ? NULL : calloc(1, sizeof(*m));
	if (m) {
		m->start = addr;
		m->end = (u8 *)addr + page_align(len);
		m->obj = obj;
		m->writable = writable;
		ub_obj_get(obj);
		if (writable)
			wmap_add(h, 1);
		pthread_mutex_lock(&mappings_lock);
		m->next = mappings;
		mappings = m;
		pthread_mutex_unlock(&mappings_lock);
	}
	if (writable)
		pthread_mutex_unlock(&h->lock);
}

/*
 * fork(): the child has copies of this process's mappings, each a writable
 * mapping of its own in the kernel's count (vm_ops->open). The interposed
 * fork() counts them for the child before returning to the parent, holding
 * the maps' freeze locks (in (dev, ino) order) across the real fork so no
 * freeze slips in between.
 */
#define FORK_LOCKS 64
static struct ub_obj *fork_locked[FORK_LOCKS];
static int fork_nlocked;

static int obj_cmp(const void *a, const void *b)
{
	const struct ub_obj *x = *(struct ub_obj *const *)a, *y = *(struct ub_obj *const *)b;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/*
 * Lock order: a writable mmap() takes a map's freeze lock, then
 * mappings_lock. So fork() first notes the maps under mappings_lock, drops
 * it, takes their freeze locks, and only then takes mappings_lock again for
 * the real fork. fork_lock keeps concurrent forks from sharing fork_locked.
 */
static pthread_mutex_t fork_lock = PTHREAD_MUTEX_INITIALIZER;

void ub_map_fork_prepare(void)
{
	pthread_mutex_lock(&fork_lock);
	pthread_mutex_lock(&mappings_lock);
	fork_nlocked = 0;
	for (struct mapping *m = mappings; m; m = m->next) {
		bool seen = false;
		if (!m->writable)
			continue;
		for (int i = 0; i < fork_nlocked; i++)
			seen |= fork_locked[i] == m->obj;
		if (!seen && fork_nlocked < FORK_LOCKS) {
			ub_obj_get(m->obj);
			fork_locked[fork_nlocked++] = m->obj;
		}
	}
	pthread_mutex_unlock(&mappings_lock);
	qsort(fork_locked, (size_t)fork_nlocked, sizeof(fork_locked[0]), obj_cmp);
	for (int i = 0; i < fork_nlocked; i++)
		map_lock(obj_to_map(fork_locked[i])->h);
	pthread_mutex_lock(&mappings_lock);
}

/* In the parent after the real fork (@child < 0: it failed). */
void ub_map_fork_parent(int child)
{
	if (child > 0)
		for (struct mapping *m = mappings; m; m = m->next)
			if (m->writable)
				wmap_add_pid(obj_to_map(m->obj)->h, child, 1);
	pthread_mutex_unlock(&mappings_lock);
	for (int i = fork_nlocked - 1; i >= 0; i--) {
		pthread_mutex_unlock(&obj_to_map(fork_locked[i])->h->lock);
		ub_obj_put(fork_locked[i]);
	}
	fork_nlocked = 0;
	pthread_mutex_unlock(&fork_lock);
}

/* In the child: the freeze locks stay the parent's to release. */
void ub_map_fork_child(void)
{
	for (int i = 0; i < fork_nlocked; i++)
		ub_obj_put(fork_locked[i]);
	fork_nlocked = 0;
	pthread_mutex_unlock(&mappings_lock);
	pthread_mutex_unlock(&fork_lock);
}

/*
 * Does @pid still have a mapping of @obj's content that may be written
 * (VM_MAYWRITE: "mw" in smaps, which stays after mprotect(PROT_READ))?
 * 1 yes, 0 no (an exec() or a raw munmap() dropped it), -1 cannot tell.
 * The process's own whole-file mapping reaches past the content: not counted.
 */
static int pid_maps_writable(int pid, const struct ub_obj *obj)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	bool cur = false;
	int found = 0;
	u64 content = obj->hdr->content_size;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long start, end, off, ino;
		unsigned maj, min;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &start, &end, perms, &off, &maj, &min,
			   &ino) == 7) {
			cur = ino == (unsigned long)obj->ino && maj == major(obj->dev) &&
			      min == minor(obj->dev) && off + (end - start) <= content;
			continue;
		}
		if (cur && !strncmp(line, "VmFlags:", 8) && strstr(line, " mw") &&
		    strstr(line, " sh"))
			found = 1;
	}
	fclose(f);
	return found;
}

/*
 * The writable mappings of @obj's map in live processes: what makes freeze
 * EBUSY. A slot whose process no longer maps the map writable is cleared.
 * Called with the map's freeze lock held.
 */
int ub_map_wmap_busy(struct ub_obj *obj)
{
	struct ub_map_hdr *h = obj_to_map(obj)->h;
	int n = 0;
	for (int i = 0; i < UB_WMAP_SLOTS; i++) {
		int pid = atomic_load(&h->wmaps[i].pid);
		int c = atomic_load(&h->wmaps[i].count);
		if (!pid || c <= 0 || !pid_alive(pid))
			continue;
		if (pid_maps_writable(pid, obj) == 0) {
			atomic_store(&h->wmaps[i].count, 0);
			continue;
		}
		n += c;
	}
	return n;
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

/*
 * mremap() of a map's mapping: it may move or shrink, never grow (the
 * kernel's VM_DONTEXPAND: EFAULT), which also keeps the header page out of
 * reach. Returns 0 or -EFAULT; *@objp and *@writable describe the mapping
 * found (NULL if @addr is not in one).
 */
int ub_map_mremap_check(void *addr, size_t old_len, size_t new_len, void **objp, bool *writable)
{
	u8 *a = addr;
	int err = 0;
	*objp = NULL;
	pthread_mutex_lock(&mappings_lock);
	for (struct mapping *m = mappings; m; m = m->next) {
		if (a < m->start || a >= m->end)
			continue;
		if (page_align(new_len) > page_align(old_len))
			err = -EFAULT;
		*objp = m->obj;
		*writable = m->writable;
		ub_obj_get(m->obj); /* kept across the real mremap */
		break;
	}
	pthread_mutex_unlock(&mappings_lock);
	if (err && *objp) {
		ub_obj_put(*objp);
		*objp = NULL;
	}
	return err;
}

/* After a successful mremap() of a mapping ub_map_mremap_check() found. */
void ub_map_mremap_done(void *objp, bool writable, void *old, size_t old_len, void *addr,
			size_t new_len)
{
	struct ub_obj *obj = objp;
	struct mapping *m = calloc(1, sizeof(*m));
	ub_map_munmap_note(old, old_len);
	if (m) {
		m->start = addr;
		m->end = (u8 *)addr + page_align(new_len);
		m->obj = obj; /* takes the check's reference */
		m->writable = writable;
		if (writable)
			wmap_add(obj_to_map(obj)->h, 1);
		pthread_mutex_lock(&mappings_lock);
		m->next = mappings;
		mappings = m;
		pthread_mutex_unlock(&mappings_lock);
	} else {
		ub_obj_put(obj);
	}
}

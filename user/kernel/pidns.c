// SPDX-License-Identifier: MIT
/* pidns: the table of (our pid, the kernel's pid), read from a BPF task iterator */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ldwatch.h"
#include "pids.skel.h"
#include "pidns.h"

struct pidns {
	struct pids_bpf *skel;
	struct bpf_link *link;
	struct lw_pidpair *tab;
	size_t n, cap;
	uint32_t level;		/* depth of our namespace; 0: the host's */
	int self_seen;		/* the last read found ldwatch itself */
};

int pidns_refresh(struct pidns *pn)
{
	struct lw_pidpair buf[256];
	size_t n = 0;
	ssize_t r;
	int fd;

	fd = bpf_iter_create(bpf_link__fd(pn->link));
	if (fd < 0)
		return -errno;
	while ((r = read(fd, buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR)) {
		size_t k = r > 0 ? (size_t)r / sizeof(buf[0]) : 0;

		if (n + k > pn->cap) {
			size_t cap = (n + k) * 2;
			void *t = realloc(pn->tab, cap * sizeof(*pn->tab));

			if (!t) {
				close(fd);
				return -ENOMEM;
			}
			pn->tab = t;
			pn->cap = cap;
		}
		memcpy(pn->tab + n, buf, k * sizeof(buf[0]));
		n += k;
	}
	close(fd);
	if (r < 0)
		return -errno;
	pn->n = n;
	pn->self_seen = 0;
	for (size_t i = 0; i < n; i++)
		if (pn->tab[i].nspid == (uint32_t)getpid()) {
			pn->level = pn->tab[i].level;
			pn->self_seen = 1;
		}
	return 0;
}

int pidns_open(struct pidns **out)
{
	struct pidns *pn = calloc(1, sizeof(*pn));
	struct stat st;
	int err;

	*out = NULL;
	if (!pn)
		return -ENOMEM;
	if (stat("/proc/self/ns/pid", &st)) {
		err = -errno;
		goto fail;
	}
	pn->skel = pids_bpf__open();
	if (!pn->skel) {
		err = -errno;
		goto fail;
	}
	pn->skel->rodata->cfg_pidns = (uint32_t)st.st_ino;
	err = pids_bpf__load(pn->skel);
	if (err)
		goto fail;
	pn->link = bpf_program__attach_iter(pn->skel->progs.dump_pids, NULL);
	if (!pn->link) {
		err = -errno;
		goto fail;
	}
	err = pidns_refresh(pn);
	if (err)
		goto fail;
	if (!pn->self_seen) {
		err = -ESRCH;	/* we are not in our own table: the namespace inode was wrong */
		goto fail;
	}
	*out = pn;
	return 0;
fail:
	pidns_close(pn);
	return err;
}

void pidns_close(struct pidns *pn)
{
	if (!pn)
		return;
	bpf_link__destroy(pn->link);
	pids_bpf__destroy(pn->skel);
	free(pn->tab);
	free(pn);
}

int pidns_is_host(const struct pidns *pn)
{
	return pn->level == 0;
}

uint32_t pidns_to_kernel(const struct pidns *pn, uint32_t nspid)
{
	if (pidns_is_host(pn))
		return nspid;
	for (size_t i = 0; i < pn->n; i++)
		if (pn->tab[i].nspid == nspid)
			return pn->tab[i].tgid;
	return 0;
}

uint32_t pidns_to_local(const struct pidns *pn, uint32_t tgid)
{
	if (pidns_is_host(pn))
		return tgid;
	for (size_t i = 0; i < pn->n; i++)
		if (pn->tab[i].tgid == tgid)
			return pn->tab[i].nspid;
	return 0;
}

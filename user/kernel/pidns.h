/* SPDX-License-Identifier: MIT */
/*
 * pidns: ldwatch's pid namespace against the kernel's. Every pid the BPF
 * side uses or sends is the kernel's (the initial namespace's); getpid(),
 * fork(), -p and /proc give ldwatch's own. Inside a container with its own
 * pid namespace the two differ, and this table translates.
 */
#ifndef LW_PIDNS_H
#define LW_PIDNS_H

#include <stdint.h>

struct pidns;

/* load the task iterator and read the table once; 0 or -errno */
int pidns_open(struct pidns **out);
void pidns_close(struct pidns *pn);
/* read the table again (processes come and go); 0 or -errno */
int pidns_refresh(struct pidns *pn);
/* 1 when ldwatch's namespace is the kernel's own: both views agree */
int pidns_is_host(const struct pidns *pn);
/* a pid of ldwatch's namespace as the kernel names it; 0 when not in the table */
uint32_t pidns_to_kernel(const struct pidns *pn, uint32_t nspid);
/* the kernel's pid as ldwatch's namespace names it; 0 when it is not visible here */
uint32_t pidns_to_local(const struct pidns *pn, uint32_t tgid);

/* pidns_to_kernel where pn NULL means both views agree: nothing to translate */
static inline uint32_t pidns_kpid(const struct pidns *pn, uint32_t nspid)
{
	return pn ? pidns_to_kernel(pn, nspid) : nspid;
}

#endif

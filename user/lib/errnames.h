/* SPDX-License-Identifier: MIT */
/* symbolic errno names, as strace prints them */
#ifndef ERRNAMES_H
#define ERRNAMES_H

/* "ENOENT" for 2; NULL for 0, negatives and values linux does not define */
const char *errno_name(int e);
/* value of a canonical name or of an alias (EWOULDBLOCK); 0 if unknown */
int errno_from_name(const char *name);

#endif

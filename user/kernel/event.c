// SPDX-License-Identifier: MIT
/* event: decode and check one ring-buffer record; nothing in it is trusted */
#include <errno.h>
#include <string.h>
#include "event.h"

static const char *const op_names[LW_OP__COUNT] = {
	[LW_OP_OPEN] = "open",
	[LW_OP_OPENAT] = "openat",
	[LW_OP_OPENAT2] = "openat2",
	[LW_OP_STAT] = "newstat",
	[LW_OP_LSTAT] = "newlstat",
	[LW_OP_FSTATAT] = "newfstatat",
	[LW_OP_STATX] = "statx",
	[LW_OP_ACCESS] = "access",
	[LW_OP_FACCESSAT] = "faccessat",
	[LW_OP_FACCESSAT2] = "faccessat2",
	[LW_OP_READLINK] = "readlink",
	[LW_OP_READLINKAT] = "readlinkat",
	[LW_OP_EXECVE] = "execve",
	[LW_OP_EXECVEAT] = "execveat",
	[LW_OP_MMAP] = "mmap",
	[LW_OP_WRITE] = "write",
	[LW_OP_WRITEV] = "writev",
	[LW_OP_DL_EXCEPTION] = "_dl_exception_create",
	[LW_OP_DL_EXCEPTION_FMT] = "_dl_exception_create_format",
	[LW_OP_DL_SIGNAL_ERROR] = "_dl_signal_error",
	[LW_OP_DL_SIGNAL_EXC] = "_dl_signal_exception",
	[LW_OP_DLOPEN] = "dlopen",
	[LW_OP_DLMOPEN] = "dlmopen",
	[LW_OP_DLOPEN_RET] = "dlopen%return",
	[LW_OP_GO_PLUGIN_OPEN] = "plugin.Open",
};

const char *op_name(uint32_t op)
{
	if (op >= LW_OP__COUNT || !op_names[op])
		return "unknown";
	return op_names[op];
}

/*
 * comps holds names leaf first, each NUL-terminated; write "/root/../leaf".
 * An empty list is the root itself. Returns the length, or cap when the
 * result did not fit (out is then cut and still NUL-terminated).
 */
size_t event_join_components(const char *comps, size_t n, char *out, size_t cap)
{
	size_t len = 0, end = n;

	if (!cap)
		return 0;
	if (n && comps[n - 1] != '\0')
		end = n;	/* tolerate a missing final NUL: treat the tail as a name */
	while (end > 0) {
		size_t start = end;

		if (comps[end - 1] == '\0')
			start = --end;
		while (start > 0 && comps[start - 1] != '\0')
			start--;
		if (end > start) {
			size_t k = end - start;

			if (len + 1 + k >= cap)
				goto full;
			out[len++] = '/';
			memcpy(out + len, comps + start, k);
			len += k;
		}
		end = start;
	}
	if (len == 0) {
		if (cap < 2)
			goto full;
		out[len++] = '/';
	}
	out[len] = '\0';
	return len;
full:
	out[len < cap ? len : cap - 1] = '\0';
	return cap;
}

/* base + "/" + path, dropping "." segments and repeated slashes */
size_t event_resolve(const char *base, const char *path, size_t path_len,
		     char *out, size_t cap)
{
	size_t len = 0, i = 0;

	if (!cap)
		return 0;
	if (path_len && path[0] == '/') {
		base = "";
	} else if (!base[0]) {
		/* unknown base: keep the relative path as it was given */
		size_t k = path_len < cap - 1 ? path_len : cap - 1;

		memcpy(out, path, k);
		out[k] = '\0';
		return k;
	}
	for (; base[i] && len < cap - 1; i++)
		out[len++] = base[i];
	if (len > 0 && out[len - 1] == '/')
		len--;
	i = 0;
	while (i < path_len) {
		size_t s, k;

		while (i < path_len && path[i] == '/')
			i++;
		s = i;
		while (i < path_len && path[i] != '/' && path[i] != '\0')
			i++;
		k = i - s;
		if (k == 0)
			break;
		if (k == 1 && path[s] == '.')
			continue;
		if (len + 1 + k >= cap)
			break;
		out[len++] = '/';
		memcpy(out + len, path + s, k);
		len += k;
		if (i < path_len && path[i] == '\0')
			break;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return len;
}

/* a loader record's strings: NUL-separated, the last one possibly cut */
static void split_strings(struct lw_rec *r)
{
	size_t i = 0, n = r->data_len, w = 0;
	unsigned k;

	for (k = 0; k < LW_LSTR_N; k++) {
		r->str[k] = &r->lstr[w];
		while (i < n && r->data[i] != '\0')
			r->lstr[w++] = r->data[i++];
		r->lstr[w++] = '\0';
		if (i < n)
			i++;	/* skip the NUL */
	}
}

int event_decode(const void *raw, size_t size, struct lw_rec *r)
{
	const char *bytes = raw;
	const struct lw_event *e;

	if (size < sizeof(*e))
		return -EINVAL;
	memcpy(&r->ev, raw, sizeof(r->ev));
	e = &r->ev;
	if (e->type < LW_EV_EXEC || e->type > LW_EV_NS)
		return -EINVAL;
	if (e->op >= LW_OP__COUNT)
		return -EINVAL;
	if (e->path_len > LW_PATH_MAX || e->base_len > LW_BASE_MAX ||
	    (size_t)e->path_len + e->base_len != size - sizeof(*e))
		return -EINVAL;
	r->ev.comm[LW_COMM_LEN - 1] = '\0';
	r->data = bytes + sizeof(*e);
	r->data_len = e->path_len;
	r->base[0] = '\0';
	r->base_len = 0;
	if (e->base_len || (e->str_flags & (LW_SF_BASE_CWD | LW_SF_BASE_DIRFD))) {
		size_t n = event_join_components(r->data + e->path_len, e->base_len,
						 r->base, sizeof(r->base));

		r->base_len = n < sizeof(r->base) ? n : strlen(r->base);
	}
	r->full[0] = '\0';
	r->full_len = 0;
	if (e->type == LW_EV_NS) {
		struct lw_ns ns;

		if (e->path_len < sizeof(ns))
			return -EINVAL;
		memcpy(&ns, r->data, sizeof(ns));
		/* full: its cgroup's path, joined from the components after the struct */
		if (ns.flags & LW_NS_CGROUP) {
			size_t n = event_join_components(r->data + sizeof(ns),
							 e->path_len - sizeof(ns),
							 r->full, sizeof(r->full));

			r->full_len = n < sizeof(r->full) ? n : strlen(r->full);
		} else if (e->path_len != sizeof(ns)) {
			return -EINVAL;
		}
		return 0;
	}
	if (e->type == LW_EV_STDERR || e->type == LW_EV_ENV || e->type == LW_EV_NS)
		return 0;
	if (e->type == LW_EV_LOADER) {
		split_strings(r);
		return 0;
	}
	if (e->type == LW_EV_MMAP)
		r->full_len = strlen(strcpy(r->full, r->base));	/* base is the file */
	else
		r->full_len = event_resolve(r->base, r->data, r->data_len,
					    r->full, sizeof(r->full));
	if (r->full_len >= sizeof(r->full))
		r->full_len = strlen(r->full);
	return 0;
}

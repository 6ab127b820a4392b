// SPDX-License-Identifier: MIT
/* records: the one name table of finding kinds, causes and severities */
#include "records.h"
#include "util.h"

static const char *const kind_names[LW_K__COUNT] = {
	[LW_K_NONE]			= "none",
	[LW_K_MISSING_LIBRARY]		= "missing-library",
	[LW_K_MISSING_PRELOAD]		= "missing-preload",
	[LW_K_MISSING_INTERPRETER]	= "missing-interpreter",
	[LW_K_PERMISSION_DENIED]	= "permission-denied",
	[LW_K_NOT_A_DIRECTORY]		= "not-a-directory",
	[LW_K_VERSION_MISMATCH]		= "version-mismatch",
	[LW_K_WRONG_ELF_CLASS]		= "wrong-elf-class",
	[LW_K_UNDEFINED_SYMBOL]		= "undefined-symbol",
	[LW_K_DLOPEN_FAILED]		= "dlopen-failed",
	[LW_K_GO_PLUGIN_MISMATCH]	= "go-plugin-mismatch",
	[LW_K_GOROOT_BROKEN]		= "goroot-broken",
	[LW_K_LINK_LIBRARY_NOT_FOUND]	= "link-library-not-found",
	[LW_K_COMMAND_NOT_FOUND]	= "command-not-found",
	[LW_K_LOADER_ERROR]		= "loader-error",
	[LW_K_EXEC_FAILED]		= "exec-failed",
};

static const char *const cause_names[LW_C__COUNT] = {
	[LW_C_NONE]			= NULL,
	[LW_C_FILE_MODE]		= "file-mode",
	[LW_C_NOEXEC_MOUNT]		= "noexec-mount",
	[LW_C_SECURITY_MODULE]		= "security-module",
	[LW_C_UNKNOWN]			= "unknown",
	[LW_C_MISSING]			= "missing",
	[LW_C_NOT_A_DIRECTORY]		= "not-a-directory",
	[LW_C_SRC_NOT_A_DIRECTORY]	= "src-not-a-directory",
	[LW_C_NO_SRC]			= "no-src",
	[LW_C_IS_A_DIRECTORY]		= "is-a-directory",
	[LW_C_CRLF_LINE_ENDINGS]	= "crlf-line-endings",
};

const char *lw_kind_name(enum lw_kind k)
{
	return (unsigned)k < ARRAY_SIZE(kind_names) && kind_names[k] ? kind_names[k] : "none";
}

const char *lw_cause_name(enum lw_cause c)
{
	return (unsigned)c < ARRAY_SIZE(cause_names) ? cause_names[c] : NULL;
}

const char *lw_severity_name(enum lw_severity s)
{
	return s == LW_SEV_WARNING ? "warning" : "error";
}

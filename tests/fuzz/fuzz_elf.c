// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the ELF reader on hostile images (a container's files):
 * truncated, lying headers, huge counts. Input goes through a memfd, as a
 * file ldwatch opened would; then again, grown past the size read lazily.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "elfinfo.h"

static struct elf_info info;
static struct elf_versions vers;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "dlopen", "_dl_exception_create", "plugin.open" };
	uint64_t offs[3];
	int fd = memfd_create("fuzz-elf", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	memset(&info, 0, sizeof(info));
	elf_inspect_fd(fd, 0, &info);
	elf_inspect_fd(fd, 64 << 10, &info);	/* the capped read classify uses */
	elf_func_offsets(fd, 0, names, 3, offs);
	if (!elf_versions_read(fd, &vers))
		elf_versions_free(&vers);
	/* past 256 KiB the reader maps the span and preads only what it parses */
	if (ftruncate(fd, (off_t)size + (1 << 20)))
		abort();
	elf_inspect_fd(fd, 0, &info);
	close(fd);
	return 0;
}

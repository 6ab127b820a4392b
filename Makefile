# ldwatch: plain Makefile, quiet unless V=1
OUTPUT	:= build
CLANG	?= clang
BPFTOOL	?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
CC	?= cc
ARCH	:= $(shell uname -m)
BPF_ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
VMLINUX	:= vmlinux/$(ARCH)/vmlinux.h

LIBBPF_CFLAGS := $(shell pkg-config --cflags libbpf 2>/dev/null)
LIBBPF_LIBS   := $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf)

CFLAGS	?= -g -O2
# what the code needs, whatever CFLAGS a caller passes (make CFLAGS=-fsanitize=...)
ALL_CFLAGS := $(CFLAGS) -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -MMD -MP
# user/ is split by stage (cli, kernel, host, corr, report, lib); each folder is on the include path
USER_DIRS := $(patsubst %/,%,$(sort $(dir $(wildcard user/*/*.c user/*/*.h))))
CPPFLAGS := -Iinclude -Iuser $(addprefix -I,$(USER_DIRS)) -I$(OUTPUT) $(LIBBPF_CFLAGS)
LDLIBS	:= $(LIBBPF_LIBS) -lelf -lz -lsystemd

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror \
	-Iinclude -I$(dir $(VMLINUX)) -MMD -MP

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(BPF_SRCS))
SKELS	 := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))

USER_SRCS := $(wildcard user/*.c user/*/*.c)
USER_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_SRCS))
LIB_OBJS  := $(filter-out $(OUTPUT)/user/main.o,$(USER_OBJS))

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(FUZZ_SRCS))
# the daemon's pure parts, built again with clang, libFuzzer and the sanitizers
FUZZ_LIB  := $(filter-out user/main.c user/session.c user/session_metrics.c user/kernel/probe.c user/kernel/pidns.c \
	user/kernel/uprobes.c user/kernel/loaders.c,$(USER_SRCS))
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror
FUZZ_S	?= 20

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(patsubst tests/unit/%.c,$(OUTPUT)/unit/%.o,$(UNIT_SRCS))

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY: $(BPF_OBJS)
.PHONY: image install uninstall deb bench-check bench-containers soak asan fuzz fuzz-build bench-deps all clean test unit deps vmlinux bench static

all: $(OUTPUT)/ldwatch

$(OUTPUT) $(OUTPUT)/user $(OUTPUT)/unit:
	$(Q)mkdir -p $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(VMLINUX) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# user objects may include any skeleton
$(USER_OBJS): $(SKELS)

$(OUTPUT)/user/%.o: user/%.c | $(OUTPUT)/user
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -c $< -o $@

$(OUTPUT)/ldwatch: $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# the same daemon with libbpf, libelf and zlib linked in from Debian's own .a
# files: one binary that runs in a root with no shared library at all
# (Debian ships no libsystemd.a: the journal and sd_notify are left out of it)
STATIC_LIBS := -l:libbpf.a -l:libelf.a -l:libz.a -lpthread
$(OUTPUT)/journal-nosd.o: user/report/journal.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -DLW_NO_SYSTEMD -c $< -o $@
STATIC_OBJS := $(filter-out $(OUTPUT)/user/report/journal.o,$(USER_OBJS)) $(OUTPUT)/journal-nosd.o
$(OUTPUT)/ldwatch-static: $(STATIC_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -static $(LDFLAGS) $^ $(STATIC_LIBS) -o $@

static: $(OUTPUT)/ldwatch-static

# the static binary as an OCI image FROM scratch (dist/Containerfile), built
# offline by podman from a context of that one file
VERSION	:= $(shell sed -n 's/^\#define LDWATCH_VERSION[[:space:]]*"\(.*\)"/\1/p' user/cli/cli.h)
IMAGE	?= localhost/ldwatch:$(VERSION)
image: $(OUTPUT)/ldwatch-static
	$(call msg,IMAGE,$(IMAGE))
	$(Q)rm -rf $(OUTPUT)/image && mkdir -p $(OUTPUT)/image
	$(Q)cp $(OUTPUT)/ldwatch-static $(OUTPUT)/image/ldwatch
	$(Q)podman build -q --no-cache --network=none --pull=never -f dist/Containerfile \
		--build-arg VERSION=$(VERSION) \
		--build-arg REVISION=$$(git rev-parse HEAD 2>/dev/null || echo unknown) \
		--build-arg SOURCE=$$(git config --get remote.origin.url 2>/dev/null || echo "$(CURDIR)") \
		-t $(IMAGE) $(OUTPUT)/image >/dev/null
	$(Q)podman image prune -f --filter label=org.opencontainers.image.title=ldwatch >/dev/null
	$(Q)echo $(IMAGE)

$(OUTPUT)/unit/%.o: tests/unit/%.c | $(OUTPUT)/unit
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -c $< -o $@

$(OUTPUT)/unit_tests: $(UNIT_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -lcriterion -o $@

# resolve.c on its own, for tests/resolve_vs_ldso.sh: what `ld.so --list` would print
$(OUTPUT)/resolve_probe: tests/resolve_probe.c $(LIB_OBJS) | $(OUTPUT)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(CPPFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

unit: $(OUTPUT)/unit_tests
	$(OUTPUT)/unit_tests

# the whole suite: unit tests, then real BPF integration tests (root)
test: $(OUTPUT)/ldwatch $(OUTPUT)/ldwatch-static $(OUTPUT)/unit_tests $(OUTPUT)/resolve_probe asan fuzz-build
	bash tests/run.sh

bench: $(OUTPUT)/ldwatch
	bash tests/bench/run.sh

# ldwatch check beside lddtree, libtree and ld.so --list on this host's files (make bench-deps)
bench-check: $(OUTPUT)/ldwatch
	bash tests/bench/check.sh

# what ldwatch --all costs a container start (podman; its images cached as the tests cache them)
bench-containers: $(OUTPUT)/ldwatch
	bash tests/bench/containers.sh

$(OUTPUT)/fuzz:
	$(Q)mkdir -p $@

$(OUTPUT)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) $(SKELS) | $(OUTPUT)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(CPPFLAGS) $< $(FUZZ_LIB) -lelf -lz -lsystemd -o $@

fuzz-build: $(FUZZ_BINS)

# each libFuzzer target for FUZZ_S seconds from the corpus in the repository
fuzz: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_S)

# ldwatch against storms, failing loads, dlopen churn and containers, SOAK_S seconds
SOAK_S	?= 120
soak: $(OUTPUT)/ldwatch
	bash tests/soak.sh $(SOAK_S)

# the daemon and the unit tests with AddressSanitizer and UBSan, in build/asan
ASAN_CFLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
asan:
	$(MAKE) OUTPUT=$(OUTPUT)/asan CFLAGS="$(ASAN_CFLAGS)" $(OUTPUT)/asan/ldwatch $(OUTPUT)/asan/unit_tests

# the peers the benchmark compares with
bench-deps:
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends strace libbpf-tools \
		pax-utils python3-pyelftools libtree bc

DEPS := make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev pkg-config \
	libcriterion-dev libsystemd-dev catatonit golang-go jq util-linux musl-tools procps libclang-rt-14-dev \
	podman runc debootstrap mandoc man-db logrotate python3-jsonschema dpkg-dev bc curl
deps:
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEPS)
	# the manifest's validator (tests/k8s: kubernetes-models, pinned by its lockfile)
	command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm
	cd tests/k8s && npm ci --no-audit --no-fund
	# the tests' own Prometheus: its package scripts must not start a system-wide
	# server, so a policy-rc.d says no while it installs (one already there is kept)
	if [ -e /usr/sbin/policy-rc.d ]; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus; \
	else \
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus; \
		rc=$$?; rm -f /usr/sbin/policy-rc.d; exit $$rc; \
	fi

# make install [PREFIX=/usr/local] [DESTDIR=]: the daemon, its man page, bash
# completion, a logrotate snippet for -o files (SIGHUP reopens them), the
# JSON Schema of its records and the systemd unit
PREFIX	?= /usr/local
SYSCONFDIR ?= /etc
INSTALL_FILES := $(PREFIX)/sbin/ldwatch $(PREFIX)/share/man/man8/ldwatch.8 \
	$(PREFIX)/share/bash-completion/completions/ldwatch $(SYSCONFDIR)/logrotate.d/ldwatch \
	$(PREFIX)/share/ldwatch/ldwatch.schema.json $(PREFIX)/lib/systemd/system/ldwatch.service
install: $(OUTPUT)/ldwatch
	install -D -m 0755 $(OUTPUT)/ldwatch $(DESTDIR)$(PREFIX)/sbin/ldwatch
	install -D -m 0644 dist/ldwatch.8 $(DESTDIR)$(PREFIX)/share/man/man8/ldwatch.8
	install -D -m 0644 dist/ldwatch.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/ldwatch
	install -D -m 0644 dist/ldwatch.logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/ldwatch
	install -D -m 0644 dist/ldwatch.schema.json $(DESTDIR)$(PREFIX)/share/ldwatch/ldwatch.schema.json
	mkdir -p $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|/usr/sbin/ldwatch|$(PREFIX)/sbin/ldwatch|' dist/ldwatch.service \
		> $(DESTDIR)$(PREFIX)/lib/systemd/system/ldwatch.service

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALL_FILES))

# a Debian package of the same tree (dpkg-deb; Depends from dpkg-shlibdeps)
deb: $(OUTPUT)/ldwatch
	bash dist/mkdeb.sh $(OUTPUT)

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX)

clean:
	rm -rf $(OUTPUT)

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/user/*.d $(OUTPUT)/user/*/*.d $(OUTPUT)/unit/*.d)

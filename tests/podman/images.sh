# shellcheck shell=bash
# tests/podman/images.sh: podman settings of the tests' own and the Debian
# roots and images they run, cached between runs; sourced by tests/podman.sh
# and tests/bench/containers.sh. Needs CACHE (where roots are kept) and TMP (logs).

# podman_conf FILE: a containers.conf of our own, never /etc's: runc (crun
# refuses this host's hybrid cgroups), and ulimits below this host's (root
# without CAP_SYS_RESOURCE cannot raise them, as podman's defaults do)
podman_conf()
{
	cat >"$1" <<CONF
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
}

# cached_root NAME SUITE [PACKAGES]: a debootstrapped root in the cache, made once
# (again when the packages asked for change)
cached_root()
{
	local name=$1 suite=$2 inc=${3:-} dir=$CACHE/$1
	[[ -x $dir/bin/sh && $(cat "$dir.packages" 2>/dev/null) == "$inc" ]] && return 0
	mkdir -p "$CACHE" || return 1
	podman rmi -f "ldwatch-test/$name:base" >/dev/null 2>&1
	rm -rf "$dir"
	rm -rf "$dir.tmp"
	debootstrap --variant=minbase ${inc:+--include="$inc"} "$suite" "$dir.tmp" \
		http://deb.debian.org/debian >"$TMP/debootstrap-$name.log" 2>&1 || {
		tail -n 5 "$TMP/debootstrap-$name.log"
		return 1
	}
	mv "$dir.tmp" "$dir"
	printf '%s' "$inc" >"$dir.packages"
}

# base_image NAME: ldwatch-test/NAME:base imported from the cached root, once
base_image()
{
	local name=$1
	podman image exists "ldwatch-test/$name:base" && return 0
	tar -C "$CACHE/$name" -c . | podman import - "ldwatch-test/$name:base" >/dev/null 2>&1
}


#!/bin/bash
# dist/mkdeb.sh OUTPUT: build/ldwatch as a Debian package, OUTPUT/ldwatch_VERSION_ARCH.deb,
# with Debian's own tools: the tree `make install PREFIX=/usr` makes (man page
# gzip'd, the logrotate snippet a conffile), Depends from dpkg-shlibdeps on the
# binary's own DT_NEEDED, dpkg-deb --root-owner-group. Prints the .deb's path.
set -euo pipefail

out=$(cd "$1" && pwd)
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=$(sed -n 's/^#define LDWATCH_VERSION[[:space:]]*"\(.*\)"/\1/p' "$src/user/cli/cli.h")
arch=$(dpkg --print-architecture)
stage=$out/deb
rm -rf "$stage"
mkdir -p "$stage/root/DEBIAN" "$stage/src/debian"
make -s -C "$src" install DESTDIR="$stage/root" PREFIX=/usr >/dev/null
gzip -9n "$stage/root/usr/share/man/man8/ldwatch.8"
# as Debian ships binaries: no debug info (the BPF objects inside are data, kept)
strip --strip-unneeded --remove-section=.comment "$stage/root/usr/sbin/ldwatch"
install -D -m 0644 /dev/stdin "$stage/root/usr/share/doc/ldwatch/copyright" <<'COPYRIGHT'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: ldwatch

Files: *
License: MIT
COPYRIGHT
# dpkg-shlibdeps reads debian/control of a source tree: a minimal one
printf 'Source: ldwatch\n\nPackage: ldwatch\nArchitecture: any\n' >"$stage/src/debian/control"
depends=$(cd "$stage/src" && dpkg-shlibdeps -O "$stage/root/usr/sbin/ldwatch" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[[ -n $depends ]] || { echo "mkdeb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size=$(du -sk --exclude=DEBIAN "$stage/root" | cut -f1)
cat >"$stage/root/DEBIAN/control" <<CONTROL
Package: ldwatch
Version: $version
Architecture: $arch
Maintainer: ldwatch developers <ldwatch@localhost>
Installed-Size: $size
Depends: $depends
Section: admin
Priority: optional
Description: explain why programs fail to start or to load a library
 ldwatch watches file lookups and the dynamic loader's verdicts through BPF
 and prints one root-cause finding per failed start or library load: what
 was missing or refused, where it was looked for, and what fixes it.
 ldwatch check resolves a program's load without running it.
CONTROL
echo /etc/logrotate.d/ldwatch >"$stage/root/DEBIAN/conffiles"
deb=$out/ldwatch_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$stage/root" "$deb" >/dev/null
echo "$deb"

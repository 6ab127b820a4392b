#!/usr/bin/env bash
# gobuild.sh DIR: `go build` of a small program with a cold GOCACHE (the
# standard library it needs is compiled again), in a fresh DIR; prints
# "gobuild 1 SECONDS s". -a: Go 1.19 ships its standard library prebuilt in
# GOROOT/pkg, so only -a makes a cold build compile it. No module downloads.
set -euo pipefail
d=$1
rm -rf "$d"
mkdir -p "$d/src"
cat >"$d/src/main.go" <<'GO'
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	fmt.Println(http.StatusText(200), len(os.Args))
}
GO
printf 'module benchhello\n\ngo 1.19\n' >"$d/src/go.mod"
cd "$d/src"
t0=${EPOCHREALTIME/./}
GOCACHE=$d/cache GOPATH=$d/gopath GOFLAGS= GOTOOLCHAIN=local CGO_ENABLED=0 \
	go build -a -o "$d/hello" .
t1=${EPOCHREALTIME/./}
rm -rf "$d"
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "gobuild 1 %.2f s\n", (b - a) / 1e6 }'

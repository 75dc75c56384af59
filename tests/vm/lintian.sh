#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Debian 13's lintian on the .deb (issue 14 item 4), from a trixie chroot made
# with mmdebstrap: the CI machines and the lab's guest images have Debian 12's
# lintian or none, and Debian 13's knows more (aliased-location: files in /lib
# on a merged-/usr system).  tests/vm/lab.sh runs it for the trixie profiles;
# alone:
#
#   tests/vm/lintian.sh [DEB] [OUT]
#
# The chroot (minbase + lintian, ~150 MB) is cached in $VM_CACHE (default
# /var/cache/pam_jail-vm) as lintian_trixie-HASH, keyed like the lab's images;
# lintian runs in it as nobody, with the package's own overrides
# (packaging/debian/lintian-overrides, shipped in the .deb) and
# --fail-on error,warning --pedantic -I: every finding that is not overridden
# fails.  It prints "# lintian summary: ..." and writes the findings to OUT
# (default build/vm/lintian-trixie.txt).  Root only; exit 0 = clean.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
DEB=${1:-$(ls "$TOP"/build/pam-jail_*.deb 2>/dev/null | tail -1)}
OUT=${2:-$TOP/build/vm/lintian-trixie.txt}
SUITE=trixie
VM_CACHE=${VM_CACHE:-/var/cache/pam_jail-vm}
log() { printf '# [%s] %s\n' "$(date -u +%T)" "$*"; }
die() { echo "vm-lintian: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "the lintian chroot needs root (mmdebstrap, chroot)" >&2; exit 77; }
[ -f "$DEB" ] || die "no .deb (make deb)"
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (tests/vm/lab.sh installs it)"

KEY=$( { echo "$SUITE"; echo lintian; } | sha256sum | cut -c1-16)
ROOT=$VM_CACHE/lintian_$SUITE-$KEY
mkdir -p "$VM_CACHE"
chmod 0700 "$VM_CACHE"
# its own lock: lab.sh holds .lock while it calls this
exec 9>"$VM_CACHE/.lintian.lock"
flock -w 1800 9 || die "another run holds $VM_CACHE/.lintian.lock"
if [ ! -f "$ROOT.done" ]; then
	log "building the $SUITE lintian chroot $ROOT (mmdebstrap; a few minutes)"
	rm -rf --one-file-system "$ROOT"
	if ! mmdebstrap --variant=minbase --include=lintian "$SUITE" "$ROOT" >"$ROOT.log" 2>&1; then
		tail -20 "$ROOT.log" >&2
		rm -rf --one-file-system "$ROOT"
		die "mmdebstrap failed"
	fi
	touch "$ROOT.done"
	# an older chroot of this suite (another key) goes
	for old in "$VM_CACHE"/lintian_"$SUITE"-*; do
		case $old in "$ROOT" | "$ROOT".*) ;; *) rm -rf --one-file-system "$old" ;; esac
	done
fi

work=$(mktemp -d "$ROOT/tmp/lintian.XXXXXX") || die "no scratch dir in the chroot"
trap 'rm -rf --one-file-system "$work"' EXIT
chmod 0755 "$work"
cp "$DEB" "$work/"
chmod 0644 "$work/$(basename "$DEB")"
mkdir -p "$(dirname "$OUT")"
# as nobody: lintian unpacks what it checks
chroot --userspec=65534:65534 "$ROOT" env -i HOME=/tmp PATH=/usr/bin:/bin LC_ALL=C.UTF-8 \
	lintian --fail-on error,warning --pedantic -I -E --show-overrides "/tmp/$(basename "$work")/$(basename "$DEB")" \
	>"$OUT" 2>&1
rc=$?
version=$(chroot "$ROOT" dpkg-query -W -f='${Version}' lintian 2>/dev/null)
n() { grep -c "^$1: " "$OUT"; }
echo "# lintian summary: $(n E) errors, $(n W) warnings, $(n I) info, $(n P) pedantic, $(n O) overridden (Debian 13 lintian $version, rc=$rc)"
grep -v '^[NO]: ' "$OUT" | sed 's/^/#   /'
exit $rc

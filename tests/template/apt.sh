#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `jailctl template apt` end to end, as root (issue 16): bootstraps a small
# Debian template with mmdebstrap from the host's configured mirror (~4 min,
# network), installs a package into a new generation and checks that the
# generation in use was never written, that the result runs and passes the
# jail builder's check, that a failing apt-get switches nothing, and that
# nothing of the run is left mounted.  Touches nothing outside its scratch
# directory.  APT_BASE=DIR copies an existing bootstrap instead (faster reruns).
#   make check-template-apt
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CC=${CC:-cc}
WARN="-std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g"
T=""
# shellcheck source=tests/lib/tap.sh
source "$TOP/tests/lib/tap.sh"

cleanup() {
	local rc=$?
	set +e
	# a mount left by a failed run would stop the removal: say so, never force
	if [ -n "$T" ] && grep -qF " $T/" /proc/self/mountinfo; then
		echo "mounts left under $T:"; grep -F " $T/" /proc/self/mountinfo
	fi
	remove_scratch "$T" || rc=1
	exit $rc
}
if [ "$(id -u)" != 0 ]; then
	echo "tests/template/apt.sh needs root" >&2
	exit 77
fi
T=$(mktemp -d /var/tmp/pamjail-apt-test.XXXXXX) || exit 1
chmod 0755 "$T"
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$TOP" || exit 1
JT=$T/jailctl-template
# shellcheck disable=SC2086
if ! $CC $WARN -Iinclude -o "$JT" tests/template/jailctl-template-main.c admin/template.c lib/template-verify.c \
	lib/template-gen.c lib/elf.c lib/path.c lib/error.c >"$T/build.log" 2>&1 ||
	! $CC $WARN -Iinclude -o "$T/verify-security" tests/template/verify-security.c lib/template-verify.c \
		lib/template-gen.c lib/path.c lib/error.c >>"$T/build.log" 2>&1; then
	cat "$T/build.log"; not_ok "build"; exit 1
fi
jt() { "$JT" template "$@"; }
gen_sum() {
	(cd "$1" && { stat -c '%i %Y %s %a' .; find . -mindepth 1 -printf '%p %i %T@ %C@ %s %m %l\n' | LC_ALL=C sort; } |
		sha256sum)
}

D=$T/deb
if [ -n "${APT_BASE:-}" ]; then
	cp -a --reflink=auto "$APT_BASE" "$D" && ok "bootstrap: copied $APT_BASE"
elif ! command -v mmdebstrap >/dev/null; then
	skip "template apt" "mmdebstrap is not installed (apt-get install mmdebstrap)"
	echo "$N_PASS passed, $N_FAIL failed, $N_SKIP skipped"; exit 0
else
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	if [ -z "$suite" ] || ! mmdebstrap --variant=apt --mode=root "$suite" "$D" >"$T/bootstrap.log" 2>&1; then
		tail -n 5 "$T/bootstrap.log" | sed 's/^/# /'
		skip "template apt" "mmdebstrap of '$suite' from the host's mirror failed (no network or mirror?)"
		echo "$N_PASS passed, $N_FAIL failed, $N_SKIP skipped"; exit 0
	fi
	ok "bootstrap: mmdebstrap --variant=apt $suite"
fi

out=$(jt apt "$D" -- update 2>&1); rc=$?
expect_eq "apt update: exit 0" 0 "$rc"
expect_match "apt update: converts the plain template" 'converted to generations: generation 1 is current' "$out"
expect_match "apt update: fixes what jails refuse (su loses setuid)" 'usr/bin/su: setuid: now root-owned, mode 0755' "$out"
expect_match "apt update: ... and removes the bootstrap's device nodes" 'dev/null: removed' "$out"
sum1=$(gen_sum "$D.gen/1")
out=$(jt apt "$D" -- install --no-install-recommends hello 2>&1); rc=$?
expect_eq "apt install hello: exit 0" 0 "$rc"
expect_match "apt install hello: generation 2 is current" "^$D: generation 2 is current \\(was 1\\)$" "$out"
expect_eq "apt install hello: generation 1 (the one jails use) untouched" "$sum1" "$(gen_sum "$D.gen/1")"
check "apt install hello: generation 1 has no hello" test ! -e "$D.gen/1/usr/bin/hello"
out=$(cd / && chroot "$D" /usr/bin/hello 2>&1)
expect_eq "apt install hello: hello runs in the new generation" "Hello, world!" "$out"
expect_eq "apt install hello: the new generation passes the jail builder's check" "secure" \
	"$("$T/verify-security" "$D" 2>&1)"
check "apt: no .deb left in the generation (apt-get clean)" \
	test -z "$(find "$D/var/cache/apt/archives" -name '*.deb')"
check "apt: the run's policy-rc.d is gone again" test ! -e "$D/usr/sbin/policy-rc.d"
expect_eq "apt: nothing of the run is still mounted" "" "$(grep -F " $T/" /proc/self/mountinfo)"
sum2=$(gen_sum "$D.gen/2")
out=$(jt apt "$D" -- install pamjail-no-such-package 2>&1); rc=$?
expect_eq "apt of a package that does not exist: exit 1" 1 "$rc"
expect_match "apt of a package that does not exist: nothing switched" 'apt-get failed.*nothing switched' "$out"
expect_eq "apt of a package that does not exist: the link stays" "$(basename "$D").gen/2" "$(readlink "$D")"
expect_eq "apt of a package that does not exist: generation 2 untouched" "$sum2" "$(gen_sum "$D.gen/2")"
check "apt of a package that does not exist: no copy left behind" \
	test -z "$(ls -A "$D.gen" | grep -v '^\([012]\|\.lock\)$')"
echo "$N_PASS passed, $N_FAIL failed, $N_SKIP skipped"
[ "$N_FAIL" = 0 ]

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs the Debian package built by `make deb`, runs one ssh login
# scenario against the installed files only (module by name from the system
# PAM directory, /usr/sbin/jailsh as login shell, /etc/security/pam_jail.conf,
# the installed jailctl to build the template), then purges the package and
# checks that nothing of it is left.  Root only.
export TEST_SSH_PORT=22741 SERVICE=sshd-pamjail-pkg STATE_DIR=/run/pam_jail-pkg JAIL_USERS="pjp_alice"
source "$(dirname "$0")/../integration/lib.sh"
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 77; }
DEB=$(ls -t "$TOP"/build/pam-jail_*.deb 2>/dev/null | head -1)
[ -n "$DEB" ] || { echo "no package: run 'make deb' first" >&2; exit 1; }
# This test installs and purges the package.  It never touches a pam-jail it
# did not install itself: an admin's package (any dpkg state but
# not-installed) makes it stop.  MARK says that a run of this test has
# installed, or may have installed, the package; it is removed only after the
# purge.  A run killed before its cleanup (SIGKILL, a machine stopped or
# snapshotted mid-run, dpkg interrupted mid-purge) leaves MARK, and the next
# run purges what that run left before it starts.
MARK=/var/lib/pam-jail-package-test
pkg_status() { dpkg-query -W -f='${Status}' pam-jail 2>/dev/null; }
pkg_remove_leftovers() { # the files of an earlier run of this test, named by MARK
	local old
	old=$(sed -n 's/^scratch=//p' "$MARK" 2>/dev/null)
	[ -f "$old/sshd.pid" ] && kill "$(cat "$old/sshd.pid")" 2>/dev/null
	pkill -KILL -u pjp_alice 2>/dev/null
	id pjp_alice >/dev/null 2>&1 && userdel -r pjp_alice >/dev/null 2>&1
	rm -f "/etc/pam.d/$SERVICE"
	rm -rf /run/pam_jail-pkg
	case $old in /var/tmp/pamjail-pkg.??????) remove_scratch "$old" ;; esac
}
if [ -f "$MARK" ]; then
	echo "# an earlier run of this test did not finish ($(tr '\n' ' ' < "$MARK")): purging what it left"
	# dpkg refuses every operation after an interrupted one until this has run
	dpkg --configure -a >/dev/null 2>&1
	if ! dpkg --purge pam-jail >/dev/null 2>&1; then
		echo "could not purge the pam-jail an earlier run of this test installed: $(pkg_status)" >&2
		exit 1
	fi
	pkg_remove_leftovers
	rm -f "$MARK"
fi
case $(pkg_status) in
"" | *" not-installed") ;;
*)
	echo "pam-jail is on this machine ($(pkg_status)) and this test did not install it; not touching it" >&2
	exit 1
	;;
esac

pkg_cleanup() {
	if dpkg --purge pam-jail >/dev/null 2>&1; then
		pkg_remove_leftovers
		rm -f "$MARK"
	else
		echo "# could not purge pam-jail; $MARK is left, so the next run of this test purges it" >&2
	fi
}
EXTRA_CLEANUP=pkg_cleanup
T=$(mktemp -d /var/tmp/pamjail-pkg.XXXXXX)
chmod 0755 "$T"
printf 'pid=%s\nstarted=%s\nscratch=%s\n' "$$" "$(date -u +%FT%TZ)" "$T" > "$MARK"
PREFIX=$T/none # nothing is installed here: the package is the install
trap cleanup EXIT

# An upgrade from a build of the old layout (the module and the user@.service
# drop-in under the aliased /lib, before lintian's aliased-location fix): if
# dpkg deleted the new files while it removes the old paths (the DEP17 hazard
# of files moving between packages), every login through 'session required
# pam_jail.so', root's too, would fail.  Within one package dpkg keeps a path
# that is the same file as a new one.
mkdir -p "$T/legacy"
if (cd "$TOP" && VERSION=0.0.9-1 DEB_LEGACY_LIB=1 OUTDIR="$T/legacy" bash packaging/mkdeb.sh) >"$T/legacy.log" 2>&1 &&
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$T"/legacy/pam-jail_0.0.9-1_*.deb >>"$T/legacy.log" 2>&1; then
	ok "upgrade: a build of the old /lib layout installs"
	check "upgrade: ... with its module under /lib" sh -c 'dpkg -L pam-jail | grep -q "^/lib/.*/security/pam_jail.so$"'
else
	not_ok "upgrade: a build of the old /lib layout installs" "$(tail -5 "$T/legacy.log")"
fi
# (mkdeb.sh's staging dir was rebuilt for the old layout; the new .deb is already built)
if DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$DEB" >"$T/apt.log" 2>&1; then ok "the package installs"; else not_ok "the package installs" "$(tail -5 "$T/apt.log")"; exit 1; fi
check "upgrade: the PAM module survives the move from /lib to /usr/lib" \
	test -f "/usr$(pkg-config --variable=libdir pam | sed 's#^/usr##')/security/pam_jail.so"
check "upgrade: the user@.service drop-in survives it" test -f /usr/lib/systemd/system/user@.service.d/pam_jail.conf
expect_eq "jailsh is installed setuid root" "4755 root root" "$(stat -c '%a %U %G' /usr/sbin/jailsh)"
check "the PAM module is in the system's PAM directory" test -f "$(pkg-config --variable=libdir pam)/security/pam_jail.so"
check "the config is a conffile" grep -qx /etc/security/pam_jail.conf /var/lib/dpkg/info/pam-jail.conffiles
check "man pages are installed" test -f /usr/share/man/man8/jailsh.8.gz
DROPIN=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)/user@.service.d/pam_jail.conf
expect_match "the user@.service drop-in runs the installed jailctl as its ExecCondition" \
	'^ExecCondition=\+/usr/sbin/jailctl user-manager %i$' "$(cat "$DROPIN" 2>&1)"
check "the example sshd set-up is shipped as documentation" \
	cmp /usr/share/doc/pam-jail/examples/sshd_config.d-pam_jail.conf "$TOP/conf/sshd_config.d-pam_jail.conf"
check "... and never installed into /etc/ssh" sh -c '! dpkg -L pam-jail | grep -q "^/etc/ssh"'

# a template made by the installed tool
check "jailctl template create" jailctl template create "$T/tpl"
check "jailctl template add --set shell --set sftp" jailctl template add "$T/tpl" --set shell --set sftp
echo pkg-marker > "$T/tpl/etc/pkg-marker"
check "jailctl template verify" jailctl template verify "$T/tpl"
cat > /etc/security/pam_jail.conf <<CONF
state_dir = "$STATE_DIR"
template "pkg" {
  rootfs = "$T/tpl"
  shell  = "/bin/sh"
}
user "pjp_alice" { template = "pkg" }
CONF
check "jailctl check on the installed config" jailctl check

SSHD_MATCH="# shell mode only"
start_sshd || exit 1
# the installed module, by name, as an admin would write it
cat > /etc/pam.d/$SERVICE <<CONF
auth     required pam_permit.so
auth     optional pam_jail.so
account  required pam_permit.so
session  required pam_permit.so
session  required pam_jail.so
CONF
add_user pjp_alice /usr/sbin/jailsh
out=$(sshc pjp_alice 'cat /etc/pkg-marker; id -u; ls /home' 2>&1)
expect_match "a login through the installed package lands in the jail" '^pkg-marker$' "$out"
expect_match "as the user" "^$(id -u pjp_alice)\$" "$out"
out=$(sshc pjp_alice 'bash -c "ls / | head -3; cat /etc/pkg-marker; echo bash-ok"' 2>&1)
expect_match "bash, ls and cat of the --set shell template run in the jail" 'bash-ok' "$out"
echo pkg-upload > "$T/up.txt"
printf 'put %s /home/pjp_alice/up.txt\nls /\n' "$T/up.txt" | sftpc pjp_alice -b - > "$T/sftp.out" 2>&1
expect_eq "an sftp session through the template's sftp-server" "pkg-upload" "$(cat /home/pjp_alice/up.txt 2>/dev/null)"
check "nothing left after the logout" wait_gone pjp_alice

kill "$(cat "$T/sshd.pid")" 2>/dev/null
userdel -r pjp_alice >/dev/null 2>&1
if dpkg --purge pam-jail >"$T/purge.log" 2>&1; then ok "the package purges"; else not_ok "the package purges" "$(cat "$T/purge.log")"; fi
left=$(ls -d /usr/sbin/jailsh /usr/sbin/jailctl /usr/libexec/pam_jail /etc/security/pam_jail.conf \
	"$(pkg-config --variable=libdir pam)/security/pam_jail.so" /usr/share/doc/pam-jail "$DROPIN" 2>/dev/null)
expect_eq "purge leaves none of its files" "" "$left"
summary

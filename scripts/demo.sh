#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The demo, end to end, on a fresh Debian/Ubuntu machine, as root:
#   sudo ./scripts/demo.sh
# Installs what it needs, builds, installs pam_jail under a scratch prefix,
# makes a busybox template, starts a loopback sshd (port 22723) with pam_jail
# in its own PAM service, logs a demo user in (ChrootDirectory mode) and a
# second one (jailsh shell mode), shows what they see, and cleans up.
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
if [ "${PAMJAIL_DEMO_REAPED:-}" != 1 ]; then
	scripts/deps.sh
	make -s build/tests/subreaper
	# jail-init processes are orphans; a real init reaps them, this VM's may not
	PAMJAIL_DEMO_REAPED=1 exec build/tests/subreaper "$0" "$@"
fi
set +e
export TEST_SSH_PORT=22723 SERVICE=sshd-pamjail-demo STATE_DIR=/run/pam_jail-demo
export JAIL_USERS="demo_sftp demo_shell"
source tests/integration/lib.sh
SSHD_MATCH="Match User demo_sftp
	ChrootDirectory $STATE_DIR/%u/root"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

[ "$(id -u)" = 0 ] || exit 1
T=$(mktemp -d /var/tmp/pamjail-demo.XXXXXX); chmod 0755 "$T"; PREFIX=$T/prefix
trap cleanup EXIT
say "build and install under $PREFIX"
make -s B="$T/build" PREFIX="$PREFIX" install >"$T/make.log" 2>&1 || { cat "$T/make.log"; exit 1; }
ls -l "$PREFIX/sbin" "$PREFIX/lib/security"
say "a template: busybox + sftp-server, root-owned, shared read-only by every jail"
make_template "$T/tpl/web"
cat > "$PREFIX/etc/security/pam_jail.conf" <<CONF
state_dir = "$STATE_DIR"
template "web" {
  rootfs = "$T/tpl/web"
  shell  = "/bin/sh"
}
user "demo_sftp"  { template = "web" }
user "demo_shell" { template = "web" }
CONF
run cat "$PREFIX/etc/security/pam_jail.conf"
run "$PREFIX/sbin/jailctl" check
start_syslog
start_sshd || exit 1
add_user demo_sftp /bin/sh
add_user demo_shell "$PREFIX/sbin/jailsh"
echo "hello from the host" > /home/demo_sftp/note.txt; chown demo_sftp: /home/demo_sftp/note.txt
run cat /etc/pam.d/$SERVICE
run grep -A1 '^Match' "$T/sshd_config"

say "demo_sftp logs in (ChrootDirectory mode) and looks around"
sshc demo_sftp -tt 'echo "id:   $(id)"; echo "tty:  $(tty)"; echo "/:    $(ls /)"; echo "/dev: $(ls /dev)"; echo "pts:  $(ls /dev/pts)"; echo "home: $(cat ~/note.txt)"; echo "ps:"; ps; echo "mounts:"; mount; echo "passwd:"; cat /etc/passwd' | tr -d '\r'
say "demo_shell: jailsh as login shell; two logins share one jail"
sshc demo_shell 'echo "written by login 1" > /tmp/shared; sleep 3' &
bg=$!
sleep 1.5
sshc demo_shell 'echo "login 2 reads /tmp/shared: $(cat /tmp/shared)"; echo "login 2 sees its processes:"; ps'
wait $bg
say "what the host sees while a jail is alive"
sshc demo_shell 'sleep 3' &
bg=$!
sleep 1.5
run "$PREFIX/sbin/jailctl" list
run findmnt -rn -o TARGET | grep -c pam_jail
wait $bg
say "after the last logout"
sleep 0.5
run "$PREFIX/sbin/jailctl" list
[ "$OWN_DEVLOG" = 1 ] && { say "audit lines (authpriv)"; grep -a 'pam_jail\|jailsh' "$T/auth.log" | sed 's/^<[0-9]*>//'; }
say "demo done; cleaning up"

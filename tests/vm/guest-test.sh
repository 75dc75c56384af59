#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The VM lab's focused suite: runs INSIDE the lab guest (tests/vm/lab.sh), as
# root, against the distribution's own sshd on port 22 with pam_jail added to
# the stock /etc/pam.d/sshd (which keeps pam_systemd), the installed package
# (/usr/sbin/jailsh, jailctl, the module by name) and /etc/security/pam_jail.conf.
# Never run it on a real host: it edits the system's sshd and PAM configuration.
#
# TAP; what it learns about systemd (cgroup paths, systemd-cgls, loginctl) goes
# to $LAB_OUT/facts.txt and $LAB_OUT/cgls.txt.
set -u
# shellcheck source=tests/lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"
[ -e /mnt/lab/guest.sh ] || { echo "this runs only inside the VM lab guest" >&2; exit 77; }
OUT=${LAB_OUT:-/root/lab-out}
mkdir -p "$OUT"
FACTS=$OUT/facts.txt
STATE_DIR=/run/pam_jail
T=/var/tmp/lab
rm -rf "$T"; mkdir -p "$T"; chmod 0755 "$T"
HOST_MNT_NS=$(readlink /proc/self/ns/mnt)
# as a regular expression: "mnt:[N]" taken literally, not as a bracket expression
HOST_MNT_NS_RE=$(printf '%s' "$HOST_MNT_NS" | sed 's/[][]/\\&/g')
fact() { printf '%s\n' "$*" >> "$FACTS"; }
section() { printf '\n==== %s\n' "$*" >> "$FACTS"; log "$*"; }

sshc() {
	local user=$1; shift
	timeout 120 ssh -F /dev/null -o BatchMode=yes -o UserKnownHostsFile=/dev/null \
		-o StrictHostKeyChecking=no -o LogLevel=ERROR -o ConnectTimeout=30 \
		-i "$T/id" "$user@127.0.0.1" "$@"
}
sftpc() {
	local user=$1; shift
	timeout 120 sftp -F /dev/null -o BatchMode=yes -o UserKnownHostsFile=/dev/null \
		-o StrictHostKeyChecking=no -o LogLevel=ERROR -i "$T/id" "$@" "$user@127.0.0.1"
}
scpc() {
	timeout 120 scp -F /dev/null -o BatchMode=yes -o UserKnownHostsFile=/dev/null \
		-o StrictHostKeyChecking=no -o LogLevel=ERROR -i "$T/id" "$@"
}
# poll CMD... until it succeeds (at most ~60 s: TCG guests are slow)
poll() { for _ in $(seq 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }
jail_init_of() { sed -n 's/^pid=//p' "$STATE_DIR/$1/state" 2>/dev/null; }
has_jail() { [ -n "$(jail_init_of "$1")" ]; }
# sleeps_of USER N: USER runs at least N sleep processes
sleeps_of() { [ "$(pgrep -u "$1" -x sleep | wc -l)" -ge "$2" ]; }
logins_at_most() { [ "$(loginctl list-sessions --no-legend | grep -c " $1 ")" -le "$2" ]; }
# wait_gone USER: no process, no jail-init, no state of USER left
wait_gone() {
	for _ in $(seq 300); do
		if ! pgrep -u "$1" >/dev/null && ! pgrep -x -f "jail-init $1" >/dev/null && [ ! -e "$STATE_DIR/$1" ]; then
			return 0
		fi
		sleep 0.2
	done
	echo "left: $(pgrep -a -u "$1" | tr '\n' ' ') $(pgrep -a -x -f "jail-init $1") $(ls -d "$STATE_DIR/$1" 2>/dev/null)"
	return 1
}
# processes of USER outside any jail: in the host's mount namespace
outside_procs() {
	local p
	for p in $(pgrep -u "$1"); do
		[ "$(readlink /proc/"$p"/ns/mnt 2>/dev/null)" = "$HOST_MNT_NS" ] && ps -o pid=,args= -p "$p"
	done
}

# ---- the platform -------------------------------------------------------------------
section "platform"
fact "distribution: $(. /etc/os-release; echo "$PRETTY_NAME") ($(cat /etc/debian_version))"
fact "kernel: $(uname -r)"
fact "openssh: $(ssh -V 2>&1)"
fact "systemd: $(systemctl --version | head -1)"
fact "cgroup fs: $(stat -fc %T /sys/fs/cgroup) controllers: $(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null) root subtree_control: $(cat /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null)"
fact "logind KillUserProcesses: $(busctl get-property org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager KillUserProcesses 2>&1)"
expect_eq "the guest runs pure cgroup v2" "cgroup2fs" "$(stat -fc %T /sys/fs/cgroup)"

# ---- set-up: templates, config, users, the stock sshd and its PAM stack --------------
ssh-keygen -q -t ed25519 -N '' -f "$T/id"
# pam_motd (stock stack) sends the motd on stderr of every ssh command: empty it, so
# that command output compares exactly (the PAM stack itself stays as shipped)
: > /etc/motd
chmod -x /etc/update-motd.d/* 2>/dev/null
install -d -m 0755 /srv/jails
rm -rf --one-file-system /srv/jails/web # a re-run (tests/vm/lab.sh --hold) starts over
check "jailctl template create (installed package)" jailctl template create /srv/jails/web
check "jailctl template add --set shell --set sftp" jailctl template add /srv/jails/web --set shell --set sftp
check "jailctl template add scp dd ps tty" jailctl template add /srv/jails/web scp dd ps tty
echo lab-marker > /srv/jails/web/etc/lab-marker
check "jailctl template verify" jailctl template verify /srv/jails/web
# the example config the package ships passes check after the README's steps
# (the template above is its /srv/jails/web); the lab's own config replaces it
cp /etc/security/pam_jail.conf "$T/shipped.conf"
out=$(jailctl -c "$T/shipped.conf" check 2>&1)
fact "jailctl check of the shipped example: $out"
expect_match "the package's example config passes jailctl check after the documented steps" ': OK' "$out"
cat > /etc/security/pam_jail.conf <<CONF
# written by tests/vm/guest-test.sh
state_dir = "$STATE_DIR"
template "web" {
  rootfs = "/srv/jails/web"
  shell  = "/bin/sh"
}
template "lim" {
  rootfs = "/srv/jails/web"
  shell  = "/bin/sh"
  limits {
    pids     = 24
    memory   = "48M"
    cpu      = "50%"
    required = true
  }
}
user "lab_shell"  { template = "web" }
user "lab_chroot" { template = "web" }
user "lab_lim"    { template = "lim" }
template "lng" {
  rootfs = "/srv/jails/web"
  shell  = "/bin/sh"
  linger = 40
}
user "lab_linger" { template = "lng" }
CONF
out=$(jailctl check 2>&1)
expect_match "jailctl check passes on the lab config" ': OK' "$out"
fact "jailctl check: $out"

add_user() {
	userdel -r "$1" >/dev/null 2>&1
	useradd -m -s "$2" "$1"
	chmod 0700 "/home/$1"
	install -d -m 0700 -o "$1" -g "$1" "/home/$1/.ssh"
	install -m 0600 -o "$1" -g "$1" "$T/id.pub" "/home/$1/.ssh/authorized_keys"
}
add_user lab_shell /usr/sbin/jailsh
add_user lab_chroot /bin/sh
add_user lab_lim /usr/sbin/jailsh
add_user lab_free /bin/bash
add_user lab_linger /usr/sbin/jailsh

# pam_jail last in the session section of the STOCK /etc/pam.d/sshd
check "the stock /etc/pam.d/sshd keeps pam_systemd (common-session)" \
	grep -q pam_systemd.so /etc/pam.d/common-session
check "the stock /etc/pam.d/sshd includes common-session" grep -q '^@include common-session' /etc/pam.d/sshd
# (and the auth line that the docs ask for: its setcred hook gives a ChrootDirectory-mode
# session child a root of the jail alone; on hosts without systemd it also moves that
# child into the jail's cgroup, with systemd the limits are the user's slice's)
grep -q pam_jail.so /etc/pam.d/sshd || printf 'session    required     pam_jail.so debug\nauth       optional     pam_jail.so\n' >> /etc/pam.d/sshd
cat > /etc/ssh/sshd_config.d/50-pam_jail-lab.conf <<CONF
Match User lab_chroot
	ChrootDirectory $STATE_DIR/%u/root
	DisableForwarding yes
CONF
check "the stock sshd accepts the lab's sshd_config" sshd -t
systemctl reload ssh || systemctl restart ssh
poll sshc lab_free true || true

# ---- both modes over the stock sshd ---------------------------------------------------
for mode in shell:lab_shell chroot:lab_chroot; do
	m=${mode%%:*} u=${mode#*:}
	out=$(sshc "$u" 'cat /etc/lab-marker; id -u; readlink /proc/self/ns/mnt; test -e /etc/shadow && echo SHADOW; echo CG:$(cat /proc/self/cgroup)' 2>&1)
	expect_match "$m mode: / is the template" '^lab-marker$' "$out"
	expect_match "$m mode: runs as the user" "^$(id -u "$u")\$" "$out"
	expect_nomatch "$m mode: not in the host's mount namespace" "^$HOST_MNT_NS_RE\$" "$out"
	expect_nomatch "$m mode: host files out of sight" 'SHADOW' "$out"
	fact "$m mode: the login's cgroup as seen inside: $(echo "$out" | sed -n 's/^CG://p')"
	out=$(sshc "$u" -tt 'tty' 2>&1 | tr -d '\r')
	expect_match "$m mode: a terminal login works (pty in the jail's devpts)" '^/dev/pts/0$' "$out"
	check "$m mode: nothing left after the logout" wait_gone "$u"
done

# ---- sftp, scp ----------------------------------------------------------------------
echo lab-upload > "$T/up.txt"
for u in lab_shell lab_chroot; do
	rm -f "/home/$u/up.txt" "/home/$u/scp1.txt" "/home/$u/scp2.txt"
	out=$(printf 'put %s /home/%s/up.txt\nls /\nls /etc\n' "$T/up.txt" "$u" | sftpc "$u" -b - 2>&1)
	expect_eq "sftp ($u): the upload lands in the home" "lab-upload" "$(cat "/home/$u/up.txt" 2>/dev/null)"
	expect_match "sftp ($u): / is the jail" '/etc/lab-marker' "$out"
	expect_nomatch "sftp ($u): the host's / is out of sight" '/boot|/etc/shadow' "$out"
	scpc "$T/up.txt" "$u@127.0.0.1:scp1.txt" >/dev/null 2>&1
	scpc -O "$T/up.txt" "$u@127.0.0.1:scp2.txt" >/dev/null 2>&1
	expect_eq "scp ($u, sftp protocol)" "lab-upload" "$(cat "/home/$u/scp1.txt" 2>/dev/null)"
	expect_eq "scp ($u, legacy -O)" "lab-upload" "$(cat "/home/$u/scp2.txt" 2>/dev/null)"
	check "sftp/scp ($u): nothing left" wait_gone "$u"
done

# ---- su - (su's stock stack has pam_systemd too; no pam_jail there: jailsh does it) ---
out=$(su - lab_shell -c 'cat /etc/lab-marker; readlink /proc/self/ns/mnt' 2>&1)
expect_match "su - lands in the jail" '^lab-marker$' "$out"
expect_nomatch "su - is not in the host's mount namespace" "^$HOST_MNT_NS_RE\$" "$out"
out=$(timeout 60 script -qec "su - lab_shell -c 'tty; exit 7'" /dev/null 2>&1 | tr -d '\r\000'; echo "rc=${PIPESTATUS[0]}")
expect_match "su - on a terminal: a pty of the jail" '/dev/pts/0' "$out"
expect_match "su - on a terminal: the exit status comes back" 'rc=7' "$out"
check "su - leaves nothing behind" wait_gone lab_shell

# ---- logind and systemd: where a jailed login lives ----------------------------------
# unit_of PID: the unit whose cgroup holds PID (its last path component)
unit_of() { sed -n 's/^0::.*\/\([^/]*\)$/\1/p' "/proc/$1/cgroup" 2>/dev/null; }
# pam_jail's scopes still known to systemd (any state)
jail_scopes() { systemctl list-units --all --no-legend --plain 'pam-jail-*.scope' 2>/dev/null | awk '{ print $1 }'; }
# session_of PID: the logind session whose scope holds PID
session_of() { sed -n 's/.*\/session-\([0-9]*\)\.scope$/\1/p' "/proc/$1/cgroup" 2>/dev/null; }
session_state() { loginctl show-session "$1" -p State --value 2>/dev/null || echo gone; }
session_not_active() { [ "$(session_state "$1")" != active ]; }
# scope_settled UNIT: systemd is done stopping UNIT (not active, not deactivating)
scope_settled() { case $(systemctl is-active "$1" 2>/dev/null) in active|deactivating) return 1 ;; esac; }
# first_login: a login that holds the jail's init (its scope made it), then a second
# login that joins; the first one ends.  Sets INIT, SID1, BG2.
first_and_second_login() {
	sshc lab_shell 'sleep 300' >/dev/null 2>&1 &
	BG1=$!
	poll has_jail lab_shell; poll sleeps_of lab_shell 1
	INIT=$(jail_init_of lab_shell)
	# the first login's session: that of its sleep (jail-init has a scope of its own)
	SID1=$(session_of "$(pgrep -u lab_shell -f '^sleep 300$' | head -1)")
	sshc lab_shell 'sleep 301' >/dev/null 2>&1 &
	BG2=$!
	poll sleeps_of lab_shell 2
}
end_first_login() {
	pkill -u lab_shell -f '^sleep 300$'
	wait "$BG1" 2>/dev/null
	poll session_not_active "$SID1"
}

section "logind (KillUserProcesses=no, Debian's default)"
first_and_second_login
sessions=$(loginctl list-sessions --no-legend 2>&1)
fact "loginctl list-sessions:"; fact "$sessions"
expect_match "loginctl list-sessions shows the jailed login" ' lab_shell ' "$sessions"
fact "$(loginctl session-status "$SID1" --no-pager 2>&1)"
fact "jail-init $INIT cgroup: $(cat /proc/"$INIT"/cgroup 2>&1)"
sl=$(pgrep -u lab_shell -f '^sleep 300$' | head -1)
fact "the login's sleep $sl cgroup: $(cat /proc/"$sl"/cgroup 2>&1)"
expect_match "the jailed login's processes are in its logind session scope" "session-$SID1\\.scope" "$(cat /proc/"$sl"/cgroup 2>&1)"
# the init in a scope of its own in the user's slice, made through systemd's D-Bus API
# (issue 14 item 2: not in the session scope of the login that made it)
expect_eq "jail-init is in its own scope, not in the session of the login that made it" \
	"0::/user.slice/user-$(id -u lab_shell).slice/pam-jail-lab_shell-$INIT.scope" "$(cat /proc/"$INIT"/cgroup 2>&1)"
fact "systemctl status of the jail's scope: $(systemctl status --no-pager "pam-jail-lab_shell-$INIT.scope" 2>&1 | head -8)"
systemd-cgls --no-pager > "$OUT/cgls.txt" 2>&1
ok "systemd-cgls captured ($(wc -l < "$OUT/cgls.txt") lines in cgls.txt)"
# the line after the scope's in systemd-cgls of the user's slice: its one process
out=$(systemd-cgls --no-pager -u "user-$(id -u lab_shell).slice" 2>&1 | grep -A1 -F "pam-jail-lab_shell-$INIT.scope")
fact "systemd-cgls of the user's slice, the jail's scope: $out"
expect_match "systemd-cgls shows jail-init under pam-jail-lab_shell-$INIT.scope in the user's slice" \
	"[^0-9]$INIT jail-init lab_shell" "$out"
fact "systemd-cgls, the user's part:"; fact "$(sed -n '/user-'"$(id -u lab_shell)"'\.slice/,/^[├└]/p' "$OUT/cgls.txt" | head -30)"
out=$(outside_procs lab_shell)
fact "lab_shell processes in the host's mount namespace: ${out:-none}"
fact "user@$(id -u lab_shell).service: $(systemctl is-active "user@$(id -u lab_shell).service" 2>&1)"
expect_eq "no process of the jailed user runs outside the jail (user@.service: systemd --user, (sd-pam))" "" "$out"
end_first_login
fact "the first login ended: its session $SID1 is $(session_state "$SID1"); its scope holds: $(systemd-cgls --no-pager -u "session-$SID1.scope" 2>&1 | tail -n +2 | tr '\n' ' ')"
expect_eq "jail-init survives the end of the login that made it" "$INIT" "$(jail_init_of lab_shell)"
check "... and is alive" kill -0 "$INIT"
# issue 14 / lab finding 2: jail-init no longer holds the ended session in "closing"
check "the ended login's session goes away (jail-init does not keep it closing)" \
	poll sh -c "! loginctl show-session $SID1 >/dev/null 2>&1"
out=$(sshc lab_shell 'cat /etc/lab-marker' 2>&1)
expect_eq "a third login gets the same jail" "lab-marker" "$out"
out=$(loginctl terminate-user lab_shell 2>&1)
wait "$BG2" 2>/dev/null
check "loginctl terminate-user ends the user's jail" wait_gone lab_shell
fact "after terminate-user: $(pgrep -a -f 'jail-init lab_shell' || echo 'no jail-init'); state: $(ls "$STATE_DIR" 2>&1 | tr '\n' ' ')"
check "after terminate-user no pam-jail scope is left" poll sh -c '[ -z "$(systemctl list-units --all --no-legend --plain "pam-jail-*.scope")" ]'
fact "pam-jail scopes after terminate-user: $(jail_scopes | tr '\n' ' ')"
jailctl stop lab_shell >/dev/null 2>&1; poll wait_gone lab_shell

section "logind: KillUserProcesses=yes"
mkdir -p /etc/systemd/logind.conf.d
printf '[Login]\nKillUserProcesses=yes\n' > /etc/systemd/logind.conf.d/lab-kill.conf
systemctl restart systemd-logind
kup() { busctl get-property org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager KillUserProcesses 2>&1; }
poll sh -c "busctl get-property org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager KillUserProcesses | grep -q true"
fact "KillUserProcesses now: $(kup)"
first_and_second_login
end_first_login
# logind stops the ended session's scope: SIGTERM, and SIGKILL after the scope's stop
# timeout (90 s by default); wait until systemd is done with it
for _ in $(seq 4); do poll scope_settled "session-$SID1.scope" && break; done
fact "KillUserProcesses=yes, the first login ended: scope session-$SID1.scope $(systemctl is-active "session-$SID1.scope" 2>&1); jail-init: $(pgrep -a -f 'jail-init lab_shell' || echo gone)"
fact "$(journalctl -b --no-pager -u "session-$SID1.scope" 2>&1 | tail -n 6)"
expect_eq "KillUserProcesses=yes: jail-init survives the end of the login that made it" "$INIT" "$(jail_init_of lab_shell)"
check "KillUserProcesses=yes: ... and is alive" kill -0 "$INIT"
check "KillUserProcesses=yes: the second login is still alive" kill -0 "$BG2"
out=$(sshc lab_shell 'cat /etc/lab-marker' 2>&1)
expect_eq "KillUserProcesses=yes: a third login gets the jail" "lab-marker" "$out"
pkill -u lab_shell -x sleep; wait "$BG2" 2>/dev/null
check "KillUserProcesses=yes: nothing left after the last logout" wait_gone lab_shell
check "KillUserProcesses=yes: no pam-jail scope is left after the last logout" \
	poll sh -c '[ -z "$(systemctl list-units --all --no-legend --plain "pam-jail-*.scope")" ]'
jailctl stop lab_shell >/dev/null 2>&1; poll wait_gone lab_shell
rm -f /etc/systemd/logind.conf.d/lab-kill.conf
systemctl restart systemd-logind

# ---- the user's systemd manager: units from the (writable) home ------------------------
# pam_systemd starts user@UID.service for every login; it reads user units from the
# home, which the jailed user can write.  A unit written from inside the jail must not
# run outside it at the next login: the package's user@.service drop-in
# (ExecCondition=+jailctl user-manager %i) keeps jailed users from having a manager,
# and the module refuses a jailed login while one runs (a drop-in undone by the admin).
section "user@.service and units from the home"
uid=$(id -u lab_shell)
cond=$(systemctl show --property=ExecCondition --value "user@$uid.service" 2>&1)
fact "user@$uid.service ExecCondition: $cond"
expect_match "systemd has loaded the package's user@.service drop-in" 'argv\[\]=/usr/sbin/jailctl user-manager '"$uid"' ' "$cond"
rm -f /home/lab_shell/escaped
sshc lab_shell 'mkdir -p ~/.config/systemd/user/default.target.wants &&
	printf "[Service]\nType=oneshot\nExecStart=/bin/sh -c \"readlink /proc/self/ns/mnt > %%h/escaped\"\n" > ~/.config/systemd/user/lab-escape.service &&
	ln -sf ../lab-escape.service ~/.config/systemd/user/default.target.wants/lab-escape.service && echo written' > "$T/unit.out" 2>&1
expect_eq "a jailed user can write a user unit into the home" "written" "$(cat "$T/unit.out")"
poll wait_gone lab_shell
systemctl stop "user@$uid.service" 2>/dev/null
sshc lab_shell 'sleep 2' >/dev/null 2>&1
poll test -s /home/lab_shell/escaped
got=$(cat /home/lab_shell/escaped 2>/dev/null)
fact "a user unit written inside the jail ran at the next login in mount namespace: ${got:-(did not run)} (the host's: $HOST_MNT_NS)"
expect_nomatch "a user unit written from inside the jail does not run outside it (user@.service)" "^$HOST_MNT_NS_RE\$" "$got"
sshc lab_shell 'sleep 30' >/dev/null 2>&1 &
bg=$!
poll sleeps_of lab_shell 1
st=$(systemctl is-active "user@$uid.service" 2>&1)
fact "during a jailed login: user@$uid.service is $st; $(systemctl status --no-pager "user@$uid.service" 2>&1 | grep -i condition | head -2)"
expect_nomatch "a jailed login has no systemd --user (user@$uid.service not active)" '^(active|activating)$' "$st"
expect_eq "no process of the jailed user runs outside the jail" "" "$(outside_procs lab_shell)"
fact "journal of the condition: $(journalctl -b --no-pager -t jailctl 2>&1 | tail -n 2)"
out=$(jailctl check --user lab_shell 2>&1)
expect_match "jailctl check: user-manager ok for the jailed user" "^ok: lab_shell: user-manager: user@$uid.service does not start" "$out"
pkill -u lab_shell -x sleep; wait "$bg" 2>/dev/null
poll wait_gone lab_shell
fuid=$(id -u lab_free)
sshc lab_free 'sleep 30' >/dev/null 2>&1 &
bg=$!
poll sleeps_of lab_free 1
poll sh -c "systemctl is-active user@$fuid.service | grep -qx active"
expect_eq "a user the config does not jail keeps the systemd --user (user@$fuid.service active)" "active" \
	"$(systemctl is-active "user@$fuid.service" 2>&1)"
pkill -u lab_free -x sleep; wait "$bg" 2>/dev/null

# the admin undoes the drop-in (an empty ExecCondition= resets the list): fail closed
mkdir -p /etc/systemd/system/user@.service.d
printf '[Service]\nExecCondition=\n' > /etc/systemd/system/user@.service.d/zz-lab-undo.conf
systemctl daemon-reload
out=$(jailctl check --user lab_shell 2>&1)
fact "jailctl check with the drop-in undone: $(echo "$out" | grep user-manager)"
expect_match "drop-in undone: jailctl check names the risk" "^risk: lab_shell: user-manager: pam_systemd would start user@$uid.service" "$out"
out=$(sshc lab_shell 'echo INSIDE' 2>&1)
fact "drop-in undone, a jailed login: $(echo "$out" | tr '\n' ' '); user@$uid.service: $(systemctl is-active "user@$uid.service" 2>&1)"
expect_nomatch "drop-in undone: the module refuses the jailed login while its systemd --user runs" '^INSIDE$' "$out"
expect_match "... and tells the client one refusal line" 'pam_jail: login refused: jail could not be set up \(ref [0-9a-f]{6}\)' "$out"
fact "the refusal: $(journalctl -b --no-pager 2>&1 | grep -a "action=refuse user='lab_shell'" | tail -n 1)"
out=$(jailctl check --user lab_shell 2>&1)
expect_match "drop-in undone: jailctl check names the running manager" "^risk: lab_shell: user-manager: user@$uid.service \(systemd --user\) runs outside the jail" "$out"
rm -f /etc/systemd/system/user@.service.d/zz-lab-undo.conf
rmdir /etc/systemd/system/user@.service.d 2>/dev/null
systemctl daemon-reload
systemctl stop "user@$uid.service" 2>/dev/null
out=$(sshc lab_shell 'cat /etc/lab-marker' 2>&1)
expect_eq "drop-in restored and the manager stopped: the jailed user logs in again" "lab-marker" "$out"
rm -rf /home/lab_shell/.config /home/lab_shell/escaped
poll wait_gone lab_shell

# ---- crash recovery: kill -9 of the sshd monitor -------------------------------------
sshc lab_shell 'sleep 60' >/dev/null 2>&1 &
bg=$!
poll pgrep -u lab_shell -x sleep
mon=$(pgrep -f 'lab_shell \[priv\]' | head -1)
fact "monitor of the login: $(ps -o pid=,args= -p "$mon" 2>&1)"
kill -9 "$mon" 2>/dev/null
wait $bg 2>/dev/null
pkill -KILL -u lab_shell 2>/dev/null
poll sh -c '! pgrep -u lab_shell'
# no login holds the jail any more: its jail-init ends it within seconds, no
# jailctl gc needed (issue 12 item 7); gc then finds nothing of it
check "after kill -9 of the monitor the jail ends by itself" wait_gone lab_shell
out=$(jailctl list 2>&1)
expect_eq "... jailctl list shows no jail" "no jails" "$out"
out=$(jailctl gc 2>&1)
expect_nomatch "... and jailctl gc has nothing of it to tear down" '^lab_shell: torn down$' "$out"
out=$(sshc lab_shell 'cat /etc/lab-marker' 2>&1)
expect_eq "a new login after the crash gets a fresh jail" "lab-marker" "$out"
check "... and leaves nothing" wait_gone lab_shell

# ---- systemctl stop of the jail's scope: SIGTERM to jail-init from outside ------------
# On systemd the jail's init is alone in pam-jail-USER-INITPID.scope (lib/systemd.c:
# KillSignal=SIGTERM, TimeoutStopSec=10s, SIGKILL after that).  jail-init takes a SIGTERM
# from outside its PID namespace as "the jail ends now": it removes the jail's state under
# the user's mutex, whether or not a login holds the jail, and exits; its death ends the
# PID namespace, every process in it and, with the last process in it, the jail's mount
# namespace (helper/jail-init.c, docs/DESIGN.md).  It is the path of terminate-user, of
# the user's last session and of shutdown; here an admin's `systemctl stop` takes it.
# jail-init itself logs nothing (it has no syslog: no C library, inside the jail); the
# record of the stop is systemd's journal of the scope, and a login that held the jail
# logs its action=leave when sshd closes its session.
section "systemctl stop of the jail's scope (SIGTERM to jail-init)"
# poll_long CMD...: as poll, for at most 150 s by the clock (the stop may take up to the
# 10 s stop timeout, and TCG guests on a busy host are slow)
poll_long() {
	local end=$((SECONDS + 150))
	while [ "$SECONDS" -lt "$end" ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
	"$@" >/dev/null 2>&1
}
pid_gone() { ! kill -0 "$1" 2>/dev/null; }
# the host's mount table entries at or below STATE_DIR/USER
jail_mounts() { awk -v p="$STATE_DIR/$1" '$5 == p || index($5, p "/") == 1' /proc/self/mountinfo; }
# processes in the mount namespace NS (e.g. mnt:[4026532301])
procs_in_ns() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
	done
}
no_procs_in_ns() { [ -n "$1" ] && [ -z "$(procs_in_ns "$1")" ]; }
# how many times the journal has LINE for USER (action=create, action=leave)
journal_count() { journalctl -b --no-pager 2>/dev/null | grep -ac "action=$1 user='$2'"; }
journal_count_above() { [ "$(journal_count "$1" "$2")" -gt "$3" ]; }
# systemd's journal of UNIT says it stopped
unit_stop_logged() { journalctl -b --no-pager -u "$1" 2>/dev/null | grep -Eq 'Stopped|Deactivated successfully'; }
no_sessions_of() { ! loginctl list-sessions --no-legend 2>/dev/null | grep -q " $1 "; }
suid=$(id -u lab_shell)

# -- 1. no login holds the jail.  Without a login the init's reaper ends a jail within
# seconds, so here `jailctl enter` (root's, not a login) holds it.  And once the user's
# last session is gone logind stops user-runtime-dir@UID, and with it (PartOf) the
# jail's scope: at once on Debian 12 (systemd 252), later or not at all on Debian 13,
# whatever `loginctl enable-linger` says, since the user's manager does not run for a
# jailed user.  Both are systemd stopping the scope of a jail that no login holds: the
# scope is stopped with `systemctl stop` if logind has not stopped it first (facts.txt
# says which), and the checks are the same.
sshc lab_shell 'sleep 300' >/dev/null 2>&1 &
bg=$!
poll has_jail lab_shell; poll sleeps_of lab_shell 1
SINIT=$(jail_init_of lab_shell)
jailctl enter lab_shell sleep 600 </dev/null >"$T/enter.out" 2>&1 &
ebg=$!
poll pgrep -x -f 'sleep 600'
scope=$(unit_of "$SINIT")
smnt=$(readlink /proc/"$SINIT"/ns/mnt 2>/dev/null)
expect_eq "scope stop, no login: jail-init is in its own scope" "pam-jail-lab_shell-$SINIT.scope" "$scope"
check "scope stop, no login: jailctl enter holds the jail" sh -c "kill -0 '$ebg' && pgrep -x -f 'sleep 600'"
ncreate=$(journal_count create lab_shell)
pkill -u lab_shell -f '^sleep 300$'; wait "$bg" 2>/dev/null
poll_long no_sessions_of lab_shell
fact "scope stop, no login: jail-init $SINIT in $scope ($(systemctl is-active "$scope" 2>&1)), mount namespace $smnt; sessions of lab_shell: $(loginctl list-sessions --no-legend 2>&1 | grep -c ' lab_shell '); user-runtime-dir@$suid: $(systemctl is-active "user-runtime-dir@$suid.service" 2>&1); jailctl list: $(jailctl list 2>&1 | tr '\n' ' ')"
fact "scope stop, no login: the host's mount table below $STATE_DIR/lab_shell while the jail lives: $(jail_mounts lab_shell | wc -l) entries: $(jail_mounts lab_shell | awk '{ print $5 }' | tr '\n' ' ')"
t0=$(date +%s)
if systemctl is-active -q "$scope"; then
	by="systemctl stop"
	out=$(timeout 150 systemctl stop "$scope" 2>&1); rc=$?
	# (logind may stop it in the same moment: then the unit can be gone already)
	[ "$rc" != 0 ] && ! systemctl is-active -q "$scope" && ! kill -0 "$SINIT" 2>/dev/null && rc="0 (stopped by logind meanwhile: $out)" && out=
	expect_eq "scope stop, no login: systemctl stop $scope succeeds" "0" "$rc${out:+ $out}"
else
	by="logind (user-runtime-dir@$suid stopped after the last session, before systemctl stop)"
fi
check "scope stop, no login: the scope stops" poll_long scope_settled "$scope"
check "scope stop, no login: jail-init ends" poll_long pid_gone "$SINIT"
fact "scope stop, no login: stopped by $by; jail-init gone $(($(date +%s) - t0)) s after the stop began; $scope: $(systemctl is-active "$scope" 2>&1)"
check "scope stop, no login: the jail's state is removed (no $STATE_DIR/lab_shell)" test ! -e "$STATE_DIR/lab_shell"
check "scope stop, no login: jailctl enter's command died with the jail, and jailctl returned" poll_long pid_gone "$ebg"
wait "$ebg" 2>/dev/null; erc=$?
fact "scope stop, no login: jailctl enter exited $erc: $(tr '\n' ' ' < "$T/enter.out")"
check "scope stop, no login: nothing is left in the jail's mount namespace (it is gone with its mounts)" \
	poll_long no_procs_in_ns "$smnt"
expect_eq "scope stop, no login: no mount below $STATE_DIR/lab_shell in the host's mount table" "" "$(jail_mounts lab_shell)"
check "scope stop, no login: systemd's journal has the scope's stop" poll_long unit_stop_logged "$scope"
slog=$(journalctl -b --no-pager -u "$scope" 2>&1 | tail -n 8)
fact "scope stop, no login: journal of $scope:"; fact "$slog"
expect_nomatch "scope stop, no login: jail-init ended on SIGTERM (systemd did not need SIGKILL)" 'timed out|Killing process|SIGKILL' "$slog"
expect_eq "scope stop, no login: jailctl list shows no jail" "no jails" "$(jailctl list 2>&1)"
out=$(jailctl gc 2>&1)
expect_nomatch "scope stop, no login: jailctl gc has nothing of it to tear down" 'lab_shell' "$out"
out=$(sshc lab_shell 'cat /etc/lab-marker' 2>&1)
expect_eq "scope stop, no login: the next login works" "lab-marker" "$out"
check "scope stop, no login: ... in a fresh jail (action=create logged)" poll_long journal_count_above create lab_shell "$ncreate"
check "scope stop, no login: ... and leaves nothing" wait_gone lab_shell

# -- 2. a login is live when the scope stops.  Intended (jail-init, DESIGN): the jail ends
# at once, the login holding it or not; the login's processes in the jail die with the
# PID namespace, so its shell ends and sshd closes the session (action=leave, no second
# teardown: the state is gone already); nothing of the jail stays joinable half-torn;
# the next login builds a new jail.
sshc lab_shell 'sleep 300' >/dev/null 2>&1 &
bg=$!
poll has_jail lab_shell; poll sleeps_of lab_shell 1
SINIT=$(jail_init_of lab_shell)
scope=$(unit_of "$SINIT")
smnt=$(readlink /proc/"$SINIT"/ns/mnt 2>/dev/null)
ncreate=$(journal_count create lab_shell)
nleave=$(journal_count leave lab_shell)
fact "scope stop, live login: jail-init $SINIT in $scope, mount namespace $smnt; jailctl list: $(jailctl list 2>&1 | tr '\n' ' ')"
check "scope stop, live login: the login runs in the jail" sh -c "kill -0 '$bg' && kill -0 '$SINIT' && pgrep -u lab_shell -f '^sleep 300\$'"
t0=$(date +%s)
out=$(timeout 150 systemctl stop "$scope" 2>&1); rc=$?
expect_eq "scope stop, live login: systemctl stop $scope succeeds" "0" "$rc${out:+ $out}"
check "scope stop, live login: jail-init ends" poll_long pid_gone "$SINIT"
fact "scope stop, live login: systemctl stop rc=$rc; jail-init gone $(($(date +%s) - t0)) s after the stop began"
check "scope stop, live login: the login's processes in the jail end with it" poll_long sh -c "! pgrep -u lab_shell -f '^sleep 300\$'"
check "scope stop, live login: the login ends (its ssh connection closes)" poll_long pid_gone "$bg"
wait "$bg" 2>/dev/null; brc=$?
fact "scope stop, live login: the login's ssh exited $brc"
check "scope stop, live login: sshd closes the session (its monitor ends)" poll_long sh -c "! pgrep -f 'lab_shell \\[priv\\]'"
check "scope stop, live login: the login's session leaves the jail (action=leave logged)" \
	poll_long journal_count_above leave lab_shell "$nleave"
check "scope stop, live login: nothing of lab_shell is left (processes, jail-init, state)" wait_gone lab_shell
check "scope stop, live login: nothing is left in the jail's mount namespace" poll_long no_procs_in_ns "$smnt"
expect_eq "scope stop, live login: no mount below $STATE_DIR/lab_shell in the host's mount table" "" "$(jail_mounts lab_shell)"
out=$(jailctl enter lab_shell true 2>&1); rc=$?
expect_match "scope stop, live login: the torn jail cannot be entered" "no (live )?jail for 'lab_shell'" "$out (rc=$rc)"
expect_eq "scope stop, live login: jailctl list shows no jail" "no jails" "$(jailctl list 2>&1)"
check "scope stop, live login: systemd's journal has the scope's stop" poll_long unit_stop_logged "$scope"
slog=$(journalctl -b --no-pager -u "$scope" 2>&1 | tail -n 8)
fact "scope stop, live login: journal of $scope:"; fact "$slog"
fact "scope stop, live login: pam_jail's lines: $(journalctl -b --no-pager 2>&1 | grep -a "user='lab_shell'" | tail -n 4)"
expect_nomatch "scope stop, live login: jail-init ended on SIGTERM (systemd did not need SIGKILL)" 'timed out|Killing process|SIGKILL' "$slog"
out=$(jailctl gc 2>&1)
expect_nomatch "scope stop, live login: jailctl gc has nothing of it to tear down" 'lab_shell' "$out"
out=$(sshc lab_shell 'cat /etc/lab-marker' 2>&1)
expect_eq "scope stop, live login: the next login works" "lab-marker" "$out"
check "scope stop, live login: ... in a fresh jail (action=create logged)" poll_long journal_count_above create lab_shell "$ncreate"
check "scope stop, live login: ... and leaves nothing" wait_gone lab_shell

# ---- cgroup v2 limits -------------------------------------------------------------------
section "limits on cgroup v2 (systemd: the user's slice)"
# issue 14 item 1: nothing is written behind systemd's back.  The jail's init gets a
# transient scope in user-UID.slice (StartTransientUnit), the template's limits go on
# user-UID.slice (SetUnitProperties, runtime), where logind keeps every session of the
# user: the slice's limits are the jail's.
luid=$(id -u lab_lim)
uslice=user-$luid.slice
ucg=/sys/fs/cgroup/user.slice/$uslice
out=$(sshc lab_lim 'cat /proc/self/cgroup; cat /etc/lab-marker' 2>&1)
fact "lab_lim login, /proc/self/cgroup inside: $out"
expect_match "limits: a login with required limits is accepted" '^lab-marker$' "$out"
expect_match "limits: the login's processes stay in their logind session scope, in the user's slice" \
	"^0::/user\\.slice/$uslice/session-[0-9]+\\.scope\$" "$out"
sshc lab_lim 'sleep 30' >/dev/null 2>&1 &
bg=$!
poll pgrep -u lab_lim -x sleep
LINIT=$(jail_init_of lab_lim)
fact "the user's slice: $(systemctl show "$uslice" -p Transient -p MemoryMax -p MemorySwapMax -p TasksMax -p CPUQuotaPerSecUSec -p FragmentPath -p DropInPaths 2>&1 | tr '\n' ' ')"
fact "$ucg: memory.max=$(cat "$ucg/memory.max" 2>&1) memory.swap.max=$(cat "$ucg/memory.swap.max" 2>&1) pids.max=$(cat "$ucg/pids.max" 2>&1) cpu.max=$(cat "$ucg/cpu.max" 2>&1)"
expect_eq "limits: memory.max of the user's slice is 48M" "50331648" "$(cat "$ucg/memory.max" 2>&1)"
expect_eq "limits: memory.swap.max of the user's slice is 0" "0" "$(cat "$ucg/memory.swap.max" 2>&1)"
expect_eq "limits: pids.max of the user's slice is 24" "24" "$(cat "$ucg/pids.max" 2>&1)"
expect_eq "limits: cpu.max of the user's slice is 50%" "50000 100000" "$(cat "$ucg/cpu.max" 2>&1)"
expect_eq "limits: systemd knows them (systemctl show $uslice)" "50331648/24" \
	"$(systemctl show "$uslice" --value -p MemoryMax 2>&1)/$(systemctl show "$uslice" --value -p TasksMax 2>&1)"
check "limits: no cgroup outside systemd's units (/sys/fs/cgroup/pam_jail)" test ! -e /sys/fs/cgroup/pam_jail
expect_eq "limits: jail-init is in its scope in the user's slice" \
	"0::/user.slice/$uslice/pam-jail-lab_lim-$LINIT.scope" "$(cat /proc/"$LINIT"/cgroup 2>&1)"
systemd-cgls --no-pager > "$OUT/cgls-limits.txt" 2>&1
out=$(grep -A1 -F "pam-jail-lab_lim-$LINIT.scope" "$OUT/cgls-limits.txt")
fact "systemd-cgls with a limited jail: $out"
expect_match "limits: systemd-cgls shows jail-init under its scope" "[^0-9]$LINIT jail-init lab_lim" "$out"
# the session of the live login: from its sleep's cgroup (loginctl's list-sessions has
# no CLASS column before systemd 256, so a column number picks nothing on Debian 12)
lsleep=$(pgrep -u lab_lim -x sleep | head -1)
lsid=$(sed -n 's|^0::/user\.slice/'"$uslice"'/session-\([^/]*\)\.scope$|\1|p' "/proc/$lsleep/cgroup" 2>/dev/null)
check "limits: the live login's processes are in a session scope ($lsid)" test -n "$lsid"
expect_eq "limits: the login's logind session scope stays active while the login lives" "active" \
	"$(systemctl is-active "session-${lsid:-none}.scope" 2>&1)"
expect_eq "limits: ... and logind has that session active" "active" "$(session_state "${lsid:-none}")"
fact "limits: session $lsid of lab_lim is $(session_state "$lsid"); $(journalctl -b --no-pager -u "session-$lsid.scope" 2>&1 | tail -n 2)"
fact "the lab_lim monitor's cgroup: $(for p in $(pgrep -f 'lab_lim \[priv\]'); do cat /proc/"$p"/cgroup; done)"
kill $bg 2>/dev/null; pkill -u lab_lim -x sleep; wait $bg 2>/dev/null
sshc lab_lim 'i=0; while [ $i -lt 100 ]; do (sleep 20 &) 2>/dev/null || break; i=$((i+1)); done; echo forked=$i' > "$T/bomb.out" 2>&1 &
bomb=$!
wait $bomb
forked=$(sed -n 's/^forked=//p' "$T/bomb.out")
fact "fork bomb: $(cat "$T/bomb.out" | tr '\n' ' '); $ucg pids.current=$(cat "$ucg/pids.current" 2>&1) pids.events: $(cat "$ucg/pids.events" 2>&1 | tr '\n' ' ')"
if [ -n "$forked" ] && [ "$forked" -lt 24 ] && [ "$forked" -gt 3 ]; then ok "limits: a fork bomb stops at the pids limit (forked $forked)"
else not_ok "limits: a fork bomb stops at the pids limit" "$(cat "$T/bomb.out")"; fi
out=$(sshc lab_free 'echo host-fine' 2>&1)
expect_eq "limits: during the fork bomb another user logs in" "host-fine" "$out"
pkill -u lab_lim -x sleep
poll sh -c "[ \"\$(cat $ucg/pids.current 2>/dev/null || echo 0)\" -lt 12 ]"
out=$(sshc lab_lim 'dd if=/dev/zero of=/dev/null bs=96M count=1 2>/dev/null; echo rc=$?' 2>&1)
expect_match "limits: a memory hog is killed inside the user's slice" 'rc=137' "$out"
fact "memory hog: $out; $ucg memory.events: $(cat "$ucg/memory.events" 2>&1 | tr '\n' ' ')"
out=$(sshc lab_lim 'dd if=/dev/zero of=/dev/null bs=8M count=1 2>/dev/null; echo rc=$?' 2>&1)
expect_eq "limits: small allocations still work" "rc=0" "$out"
check "limits: nothing left after the logout" wait_gone lab_lim
check "limits: no pam-jail scope is left after the last logout" \
	poll sh -c '[ -z "$(systemctl list-units --all --no-legend --plain "pam-jail-*.scope")" ]'
check "limits: the user's slice (and with it its limits) is gone after the last logout" \
	poll sh -c "! systemctl is-active -q $uslice && [ ! -e $ucg ]"
# user-UID.slice is not transient (user-.slice.d/ drop-ins): SetUnitProperties(runtime)
# leaves its drop-ins in /run/systemd/system.control until the next boot; the next jail
# of the user sets the template's limits again (docs/DESIGN.md)
fact "after the last lab_lim logout: $uslice $(systemctl is-active "$uslice" 2>&1); runtime drop-ins: $(ls /run/systemd/system.control/"$uslice".d 2>&1 | tr '\n' ' ')"
check "limits: still no cgroup outside systemd's units" test ! -e /sys/fs/cgroup/pam_jail
out=$(jailctl gc 2>&1)
fact "jailctl gc after the limits tests: $out"
expect_nomatch "jailctl gc finds no stale cgroup to remove" 'stale cgroup' "$out"

# ---- linger on systemd: the jail outlives the user's last session ----------------------
# A jail's scope is PartOf=user-runtime-dir@UID.service (lib/systemd.c), which logind
# stops (or lets go: StopWhenUnneeded) once the user has no session left; the scope of
# a jail that lingers is not, so that the template's linger holds, and its init ends it.
section "linger"
luid=$(id -u lab_linger)
out=$(jailctl check --user lab_linger 2>&1)
expect_match "jailctl check --user: what ends a lingering jail here" \
	"^ok: lab_linger: linger: the jail lives 40 s after the last logout \(template 'lng'\), with what the user left running; jailctl stop ends it at once, loginctl terminate-user does not\$" "$out"
out=$(sshc lab_linger 'echo mark > /tmp/mark; sleep 300 </dev/null >/dev/null 2>&1 & echo OK' 2>&1)
expect_eq "linger: a login of a template with linger = 40" "OK" "$out"
linit=$(jail_init_of lab_linger)
lscope=$(systemctl list-units --all --plain --no-legend 'pam-jail-lab_linger-*.scope' 2>&1 | awk '{print $1}')
fact "linger: the jail's scope $lscope: PartOf=$(systemctl show -p PartOf --value "$lscope" 2>&1)"
expect_eq "linger: the lingering jail's scope is not PartOf the user's runtime" "" \
	"$(systemctl show -p PartOf --value "$lscope" 2>&1)"
sleep 25
fact "linger: 25 s after the logout: jail-init $(jail_init_of lab_linger) (built: $linit); $lscope $(systemctl is-active "$lscope" 2>&1); user-runtime-dir@$luid $(systemctl is-active "user-runtime-dir@$luid.service" 2>&1); loginctl: $(loginctl show-user lab_linger -p State 2>&1)"
check "linger: the jail outlives the user's last session (25 s)" test -n "$linit" -a "$(jail_init_of lab_linger)" = "$linit"
check "... with what the user left running" pgrep -u lab_linger -x sleep
out=$(sshc lab_linger 'cat /tmp/mark' 2>&1)
expect_eq "... a login within the linger joins it (its /tmp)" "mark" "$out"
expect_eq "... and its init" "$linit" "$(jail_init_of lab_linger)"
left=$(date +%s)
check "... and it ends after the linger, with every process" wait_gone lab_linger
ended=$(( $(date +%s) - left ))
fact "linger: ended $ended s after the last logout (linger 40); $lscope $(systemctl is-active "$lscope" 2>&1)"
check "... no sooner than the linger" test "$ended" -ge 40

# ---- the unjailed control ---------------------------------------------------------------
out=$(sshc lab_free 'readlink /proc/self/ns/mnt' 2>&1)
expect_eq "an unnamed user is left alone" "$HOST_MNT_NS" "$out"
journalctl -b --no-pager -t sshd -t sshd-session -t pam_jail -t jailsh 2>/dev/null | grep -i pam_jail | tail -40 > "$OUT/pam_jail-log.txt"

# ---- the package goes --------------------------------------------------------------------
# last: the integration suite (guest.sh) builds its own tree; the stock sshd's
# PAM stack loses the lab's line first, as an admin would remove it
sed -i '/pam_jail.so/d' /etc/pam.d/sshd
out=$(dpkg --purge pam-jail 2>&1); rc=$?
fact "dpkg --purge pam-jail: rc=$rc $(echo "$out" | tail -n 3 | tr '\n' ' ')"
expect_eq "the package purges" 0 "$rc"
left=$(ls -d /usr/sbin/jailsh /usr/sbin/jailctl /usr/libexec/pam_jail /etc/security/pam_jail.conf \
	/usr/lib/*/security/pam_jail.so /lib/*/security/pam_jail.so /usr/share/doc/pam-jail \
	/lib/systemd/system/user@.service.d/pam_jail.conf /usr/lib/systemd/system/user@.service.d/pam_jail.conf 2>/dev/null)
expect_eq "purge leaves none of the package's files" "" "$left"
cond=$(systemctl show --property=ExecCondition --value "user@$(id -u lab_free).service" 2>&1)
expect_nomatch "after purge systemd has forgotten the user@.service drop-in (postrm reloads)" 'jailctl' "$cond"
out=$(sshc lab_free 'echo host-fine' 2>&1)
expect_eq "after purge a login through the stock stack works" "host-fine" "$out"
echo "$N_PASS passed, $N_FAIL failed, $N_SKIP skipped"
[ "$N_FAIL" = 0 ]

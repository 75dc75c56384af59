# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared set-up for the integration suite: a private install of pam_jail, a
# busybox template, test users, a loopback sshd under its own PAM service, and
# a syslog receiver.  Everything is removed again by cleanup(), on any exit.
#
# Nothing here touches /etc/pam.d/sshd, sshd_config or existing users: the
# suite writes only /etc/pam.d/$SERVICE, users named pjt_*, a group
# pjt_jailed, STATE_DIR=/run/pam_jail-test and /dev/log when it did not exist.

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PORT=${TEST_SSH_PORT:-22722}
SERVICE=${SERVICE:-sshd-pamjail-test}
STATE_DIR=${STATE_DIR:-/run/pam_jail-test}
# the installed default state dir (conf/pam_jail.conf): a suite works in its
# own STATE_DIR and must not make this one (default_state_untouched)
DEFAULT_STATE_DIR=/run/pam_jail
DEFAULT_STATE_AT_START=$([ -e "$DEFAULT_STATE_DIR" ] && echo present || echo absent)
SSHD_BIN=$(command -v sshd || echo /usr/sbin/sshd)
JAIL_USERS=${JAIL_USERS:-"pjt_alice pjt_bob pjt_carl pjt_dave pjt_free pjt_eve pjt_lim pjt_lmc pjt_ovl pjt_ov2 pjt_gna pjt_gnb pjt_lng pjt_lnc"}
T=""
OWN_DEVLOG=0
SYSLOG_PID=""
# shellcheck source=tests/lib/tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"

# sshc USER ARGS...: ssh to the suite's sshd (SSH_LOGLEVEL=INFO shows banners,
# as ssh's default does)
sshc() {
	local user=$1; shift
	timeout 60 ssh -F /dev/null -o BatchMode=yes -o UserKnownHostsFile="$T/known_hosts" \
		-o StrictHostKeyChecking=accept-new -o LogLevel="${SSH_LOGLEVEL:-ERROR}" -o ConnectTimeout=10 \
		-i "$T/id" -p "$PORT" "$user@127.0.0.1" "$@"
}

# a copy of a dynamically linked program and its libraries into a template
copy_with_libs() {
	local root=$1 bin=$2 lib
	install -D -m 0755 "$bin" "$root$bin"
	for lib in $(ldd "$bin" 2>/dev/null | grep -oE '/[^ ]+'); do
		[ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib"
	done
}

make_template() {
	local root=$1 a
	mkdir -p "$root"/{bin,etc,usr/bin,var/tmp,usr/lib/openssh}
	cp /bin/busybox "$root/bin/busybox"
	for a in sh ls cat id ps echo touch mkdir tty readlink grep mount stat sleep kill rm mknod \
		chroot ln head wc cut sed tr env true false printf test umount unshare nsenter dd nc seq; do
		ln -sf busybox "$root/bin/$a"
	done
	[ -x "$T/syscalls" ] || cc -static -O2 -o "$T/syscalls" "$TOP/tests/tools/syscalls.c"
	install -m 0755 "$T/syscalls" "$root/bin/syscalls"
	copy_with_libs "$root" /usr/lib/openssh/sftp-server
	copy_with_libs "$root" /usr/bin/scp
	printf 'hosts: files\npasswd: files\ngroup: files\n' > "$root/etc/nsswitch.conf"
	echo "template-marker" > "$root/etc/jail-template"
	chown -R root:root "$root"
	chmod -R go-w "$root"
}

write_config() {
	cat > "$PREFIX/etc/security/pam_jail.conf" <<CONF
# written by tests/integration/lib.sh
state_dir = "$STATE_DIR"
include_dir = "$PREFIX/etc/security/pam_jail.d"
template "web" {
  rootfs = "$T/tpl/web"
  shell  = "/bin/sh"
  bind "$T/hostshare" { target = "/opt/share" }
}
template "ovl" {
  rootfs      = "$T/tpl/web"
  mode        = "overlay"
  overlay_dir = "$T/ovl"
  writable    = {"/usr/local"}
}
template "limited" {
  rootfs   = "$T/tpl/web"
  seccomp  = true
  landlock = true
  limits {
    pids     = 24
    memory   = "48M"
    cpu      = "50%"
    required = true
  }
}
template "sftplog" {
  rootfs   = "$T/tpl/web"
  sftp_log = true
}
template "other" {
  rootfs  = "$T/tpl/other"
  shell   = "/bin/sh"
  network = "none"
  tmp_size = "2M"
}
template "gen" {
  rootfs = "$T/tpl/gen"
  shell  = "/bin/sh"
}
template "linger" {
  rootfs = "$T/tpl/web"
  linger = 10
}
user "pjt_alice" { template = "web" }
user "pjt_carl"  { template = "web" }
user "pjt_eve"   { template = "other" }
user "pjt_lim"   { template = "limited" }
user "pjt_lmc"   { template = "limited" }
user "pjt_ovl"   { template = "ovl" }
user "pjt_ov2"   { template = "ovl" }
user "pjt_gna"   { template = "gen" }
user "pjt_gnb"   { template = "gen" }
user "pjt_lng"   { template = "linger" }
user "pjt_lnc"   { template = "linger" }
group "pjt_jailed" { template = "web" }
CONF
	chmod 0644 "$PREFIX/etc/security/pam_jail.conf"
	# one tenant per drop-in, as config management would write them
	mkdir -p "$PREFIX/etc/security/pam_jail.d"
	chmod 0755 "$PREFIX/etc/security/pam_jail.d"
	printf '# tenant bob\nuser "pjt_bob" { template = "web" }\n' > "$PREFIX/etc/security/pam_jail.d/50-bob.conf"
	chmod 0644 "$PREFIX/etc/security/pam_jail.d/50-bob.conf"
}

start_syslog() {
	if [ -e /dev/log ]; then
		log "using the existing /dev/log; log assertions read $T/auth.log only if it is ours"
		return 0
	fi
	python3 - "$T/auth.log" <<'PY' &
import socket, sys, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
with open(sys.argv[1], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536) + b"\n")
PY
	SYSLOG_PID=$!
	OWN_DEVLOG=1
	for _ in $(seq 50); do [ -S /dev/log ] && return 0; sleep 0.1; done
	echo "cannot start syslog receiver" >&2
	return 1
}

start_sshd() {
	ssh-keygen -q -t ed25519 -N '' -f "$T/host"
	ssh-keygen -q -t ed25519 -N '' -f "$T/id"
	mkdir -p "$T/ak" /run/sshd
	cp "$T/id.pub" "$T/ak/root"
	cat > "$T/sshd_config" <<CONF
Port $PORT
ListenAddress 127.0.0.1
HostKey $T/host
PidFile $T/sshd.pid
AuthorizedKeysFile $T/ak/%u
StrictModes no
UsePAM yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
LogLevel DEBUG1
AllowTcpForwarding yes
Subsystem sftp /usr/lib/openssh/sftp-server
CONF
	cat > /etc/pam.d/$SERVICE <<CONF
# pam_jail integration tests; removed at the end of the run
auth     required pam_permit.so
auth     optional $PREFIX/lib/security/pam_jail.so
account  required pam_permit.so
account  required $PREFIX/lib/security/pam_jail.so
session  required pam_permit.so
session  required $PREFIX/lib/security/pam_jail.so debug
CONF
	# OpenSSH >= 9.8 penalizes a source address after refused or crashed
	# sessions (PerSourcePenalties: the next connections from 127.0.0.1 are
	# reset for seconds); this suite refuses and kills logins on purpose
	if "$SSHD_BIN" -t -f "$T/sshd_config" -o PerSourcePenalties=no 2>/dev/null; then
		echo "PerSourcePenalties no" >> "$T/sshd_config"
	fi
	# OpenSSH >= 9.8 takes PAMServiceName; older ones the service from argv[0].
	# Before the Match blocks: after them it would belong to the last one, and
	# every other user would go through the system's own /etc/pam.d/sshd.
	if "$SSHD_BIN" -t -f "$T/sshd_config" -o PAMServiceName=$SERVICE 2>/dev/null; then
		echo "PAMServiceName $SERVICE" >> "$T/sshd_config"
		SSHD_CMD=("$SSHD_BIN")
	else
		ln -sf "$SSHD_BIN" "$T/$SERVICE"
		SSHD_CMD=("$T/$SERVICE")
	fi
	cat >> "$T/sshd_config" <<CONF
${SSHD_MATCH:-Match User pjt_carl,pjt_ov2,pjt_lmc,pjt_lnc
	ChrootDirectory $STATE_DIR/%u/root
Match Group pjt_jailed
	ChrootDirectory $STATE_DIR/%u/root
	ForceCommand internal-sftp -l INFO}
CONF
	"${SSHD_CMD[0]}" -t -f "$T/sshd_config" || return 1
	"${SSHD_CMD[0]}" -D -f "$T/sshd_config" -E "$T/sshd.log" &
	for _ in $(seq 100); do
		[ -s "$T/sshd.pid" ] && (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return 0
		sleep 0.1
	done
	echo "sshd did not start" >&2
	cat "$T/sshd.log" >&2
	return 1
}

add_user() {
	local name=$1 shell=$2
	userdel -r "$name" >/dev/null 2>&1
	useradd -m -s "$shell" "$name"
	# home_mode_check = "refuse" (the default) wants homes others cannot reach
	chmod 0700 "/home/$name"
	cp "$T/id.pub" "$T/ak/$name"
}

sftpc() {
	local user=$1; shift
	timeout 60 sftp -F /dev/null -o BatchMode=yes -o UserKnownHostsFile="$T/known_hosts" \
		-o StrictHostKeyChecking=accept-new -o LogLevel=ERROR -i "$T/id" -P "$PORT" "$@" "$user@127.0.0.1"
}

scpc() {
	timeout 60 scp -F /dev/null -o BatchMode=yes -o UserKnownHostsFile="$T/known_hosts" \
		-o StrictHostKeyChecking=accept-new -o LogLevel=ERROR -i "$T/id" -P "$PORT" "$@"
}

# poll SECONDS CMD...: until CMD succeeds, for at most SECONDS
poll() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# wait_gone USER: until no process of USER, no jail-init of USER's jail (a
# root process) and no jail state of USER is left
wait_gone() {
	local i
	for i in $(seq 50); do
		if ! pgrep -u "$1" >/dev/null && ! pgrep -x -f "jail-init $1" >/dev/null && [ ! -e "$STATE_DIR/$1" ]; then
			return 0
		fi
		sleep 0.1
	done
	echo "left: $(pgrep -a -u "$1") $(pgrep -a -x -f "jail-init $1") $(ls -d "$STATE_DIR/$1" 2>/dev/null)"
	return 1
}

# wait_running USER REGEX: until a process of USER whose command line matches
# REGEX runs (the login is in and its command started), at most 30 s; never
# a fixed sleep, whatever the machine's speed
wait_running() {
	local i
	for i in $(seq 300); do
		pgrep -u "$1" -f "$2" >/dev/null && return 0
		sleep 0.1
	done
	echo "no process of $1 matching '$2' after 30 s" >&2
	return 1
}

# a one-shot TCP server on the host's loopback that answers "HOST-SECRET"
serve_secret() {
	# one at a time: the previous one may still listen, and the new one
	# would then fail to bind while the check below saw the old one.  It
	# waits up to 120 s for each connection (a login on a loaded machine can
	# take longer than 15 s); the next call or cleanup() ends it
	if [ -n "${SECRET_SRV:-}" ]; then
		kill "$SECRET_SRV" 2>/dev/null
		wait "$SECRET_SRV" 2>/dev/null
	fi
	python3 - "$1" <<'PY' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
s.settimeout(120)
try:
    while True:
        c, _ = s.accept()
        c.sendall(b"HOST-SECRET\n")
        c.close()
except Exception:
    pass
PY
	SECRET_SRV=$!
	# listening? (no fixed sleep: python starts slowly on a loaded machine)
	local _i
	for _i in $(seq 200); do grep -qiE ":$(printf %04X "$1") 00000000:0000 0A" /proc/net/tcp && break; sleep 0.05; done
}

# read_port PORT: what a client connecting to 127.0.0.1:PORT receives
read_port() {
	python3 - "$1" <<'PY'
import socket, sys
try:
    c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    c.settimeout(5)
    print(c.recv(100).decode().strip())
except Exception as e:
    print("ERR", type(e).__name__)
PY
}

# cgroups of ours that are left for USER, in any hierarchy
# logged_refusals TEXT: the log lines of the refusals whose refs TEXT shows
# ("... login refused: ... (ref REF)"), waiting up to 10 s for each to arrive
logged_refusals() {
	local ref
	for ref in $(printf '%s' "$1" | sed -nE 's/.*login refused: jail could not be set up \(ref ([0-9a-f]{6})\)$/\1/p'); do
		for _ in $(seq 100); do grep -q " ref=$ref\$" "$T/auth.log" && break; sleep 0.1; done
		grep -a " ref=$ref\$" "$T/auth.log"
	done
}

cgroups_of() { ls -d /sys/fs/cgroup/pam_jail/"$1".* /sys/fs/cgroup/*/pam_jail/"$1".* 2>/dev/null; }
no_cgroups_left() {
	local i
	for i in $(seq 50); do [ -z "$(cgroups_of "$1")" ] && return 0; sleep 0.1; done
	cgroups_of "$1"; return 1
}

# poll_until SECONDS CMD...: CMD succeeds within SECONDS (polled every 0.1 s)
poll_until() {
	local end=$((SECONDS + $1)); shift
	while [ $SECONDS -lt $end ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	"$@"
}
jail_init_of() { sed -n 's/^pid=//p' "$STATE_DIR/$1/state" 2>/dev/null; }
# login_monitor USER: sshd's monitor (title "PROGNAME: USER [priv]") of a live
# login of USER's, which is in the login's mount namespace (it holds
# STATE_DIR/USER/skel); "none" when there is none within 10 s
login_monitor() {
	local p i
	for i in $(seq 100); do
		for p in $(pgrep -f ": $1 \\[priv\\]\$"); do
			[ -d "/proc/$p/root$STATE_DIR/$1/skel" ] && { echo "$p"; return 0; }
		done
		sleep 0.1
	done
	echo none
}

host_mounts() { wc -l < /proc/self/mountinfo; }

setup() {
	if [ "$(id -u)" != 0 ]; then
		echo "integration tests need root" >&2
		exit 77
	fi
	# suites that share the pjt_* users, STATE_DIR and PAM service run one at a time
	exec 9>/run/lock/pamjail-suite.lock
	if ! flock -w 900 9; then
		echo "another pam_jail suite has held the test users for too long" >&2
		exit 1
	fi
	T=$(mktemp -d /var/tmp/pamjail-test.XXXXXX)
	chmod 0755 "$T"
	PREFIX=$T/prefix
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	log "scratch dir $T"
	make -s -C "$TOP" B="$T/build" PREFIX="$PREFIX" install >"$T/make.log" 2>&1 || { cat "$T/make.log"; return 1; }
	make_template "$T/tpl/web"
	make_template "$T/tpl/other"
	make_template "$T/tpl/gen" # t-generations.sh changes it
	mkdir -p "$T/hostshare" && echo "host-layer" > "$T/hostshare/f" && chmod -R go-w "$T/hostshare"
	echo "other-marker" > "$T/tpl/other/etc/jail-template"
	write_config
	groupadd -f pjt_jailed
	OWN_GROUP=1
	start_syslog || return 1
	start_sshd || return 1
	add_user pjt_alice "$PREFIX/sbin/jailsh"
	add_user pjt_bob "$PREFIX/sbin/jailsh"
	add_user pjt_carl /bin/sh
	add_user pjt_dave /bin/sh
	usermod -a -G pjt_jailed pjt_dave
	add_user pjt_eve "$PREFIX/sbin/jailsh"
	add_user pjt_free /bin/sh
	add_user pjt_lim "$PREFIX/sbin/jailsh"
	add_user pjt_lmc /bin/sh
	add_user pjt_ovl "$PREFIX/sbin/jailsh"
	add_user pjt_ov2 /bin/sh
	add_user pjt_gna "$PREFIX/sbin/jailsh"
	add_user pjt_gnb "$PREFIX/sbin/jailsh"
	add_user pjt_lng "$PREFIX/sbin/jailsh"
	add_user pjt_lnc /bin/sh
	JAILCTL="$PREFIX/sbin/jailctl"
}

# Tear down whatever jails of the test users are still there.
stop_jails() {
	local u
	for u in $JAIL_USERS; do
		"$PREFIX/sbin/jailctl" stop "$u" >/dev/null 2>&1
	done
}

cleanup() {
	local rc=$?
	set +e
	if [ -n "$T" ] && [ $N_FAIL -gt 0 ] && [ -f "$T/sshd.log" ]; then
		echo "#### sshd log (tail)"; tail -n 60 "$T/sshd.log" | sed 's/^/# /'
		[ -f "$T/auth.log" ] && { echo "#### auth log (tail)"; tail -n 40 "$T/auth.log" | sed 's/^/# /'; }
	fi
	[ -n "$T" ] && [ -f "$T/sshd.pid" ] && kill "$(cat "$T/sshd.pid")" 2>/dev/null
	[ -n "${SECRET_SRV:-}" ] && kill "$SECRET_SRV" 2>/dev/null
	# a second sshd a test started (run.sh: the documented sshd set-up)
	[ -n "$T" ] && [ -f "$T/sshd-snippet.pid" ] && kill "$(cat "$T/sshd-snippet.pid")" 2>/dev/null
	[ -n "$T" ] && [ -x "$T/prefix/sbin/jailctl" ] && stop_jails
	for u in $JAIL_USERS; do
		pkill -KILL -u "$u" 2>/dev/null
		id "$u" >/dev/null 2>&1 && userdel -r "$u" >/dev/null 2>&1
	done
	# the disk-cost test's temporary users, if a failure left any
	if [ "${MANY_USERS_MADE:-0}" = 1 ]; then
		for u in $(getent passwd | cut -d: -f1 | grep '^pjm_[0-9]*$'); do
			pkill -KILL -u "$u" 2>/dev/null
			userdel -r "$u" >/dev/null 2>&1
		done
	fi
	[ "${OWN_GROUP:-0}" = 1 ] && getent group pjt_jailed >/dev/null && groupdel pjt_jailed
	[ -n "${EXTRA_CLEANUP:-}" ] && $EXTRA_CLEANUP
	# the pty pool test lowers kernel.pty.max for a moment
	[ -n "${PTY_MAX_SAVED:-}" ] && echo "$PTY_MAX_SAVED" > /proc/sys/kernel/pty/max
	[ -n "${SERVICE:-}" ] && rm -f "/etc/pam.d/$SERVICE" "/etc/pam.d/$SERVICE-other"
	if [ "$OWN_DEVLOG" = 1 ]; then
		kill "$SYSLOG_PID" 2>/dev/null
		rm -f /dev/log
	fi
	# the mount-holding tests' host mounts, if the run ended between their
	# mount and umount (remove_scratch would then rightly refuse to remove T)
	for src in "${HOSTMNT_SRC:-}" "${MNT_SRC:-}"; do
		[ -n "$src" ] || continue
		findmnt -rn -S "$src" -o TARGET 2>/dev/null | while read -r m; do umount "$m"; done
	done
	[ -n "${MNTDIR:-}" ] && rmdir "$MNTDIR" 2>/dev/null
	# the template verification cache (root-only files of ours)
	rm -f "$STATE_DIR"/.verified/* "$STATE_DIR"/.verified/.[!.]* 2>/dev/null
	rmdir "$STATE_DIR/.verified" "$STATE_DIR" 2>/dev/null
	remove_scratch "$T" || rc=1
	exit $rc
}

# a check for the end of a suite: every config of the suite's own names its
# STATE_DIR (a jailctl check of one that does not refreshes the template cache
# in the host's default state dir)
default_state_untouched() {
	if [ "$DEFAULT_STATE_AT_START" = absent ]; then
		expect_eq "the suite made nothing in the host's default state dir $DEFAULT_STATE_DIR" \
			"" "$(ls -d "$DEFAULT_STATE_DIR" 2>/dev/null)"
	else
		skip "the suite made nothing in $DEFAULT_STATE_DIR" "it existed before the suite started"
	fi
}

summary() {
	echo "$N_PASS passed, $N_FAIL failed, $N_SKIP skipped, $N_TODO known holes (TODO)"
	[ $N_FAIL -eq 0 ]
}

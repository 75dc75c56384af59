# SPDX-License-Identifier: LGPL-2.1-or-later
# Set-up for the attack suite, on top of tests/integration/lib.sh (which it
# does not change): the static attack helper, a template of our own that
# holds it, our own config, and the removal of everything we add.
#
# Sourced by tests/security/run.sh after lib.sh.

ATTACK_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/attack.c
ATTACK_PIDS=()     # host processes we started; killed in attack_cleanup
ATTACK_SHM_KEYS=() # SysV shm keys created on the host
HOME_MOVED=""      # "USER" while that user's home is replaced by a symlink
STATE_LINK=""      # a symlink we put into STATE_DIR

# kv KEY TEXT: the value of the first "KEY=value" line in TEXT
kv() { printf '%s\n' "$2" | tr -d '\r' | sed -n "s/^$1=//p" | head -n 1; }

# expect_kv NAME KEY REGEX TEXT: the value of KEY must match REGEX
expect_kv() {
	local v
	v=$(kv "$2" "$4")
	if [ -n "$v" ] && printf '%s' "$v" | grep -Eqx -- "$3"; then
		ok "$1"
	else
		not_ok "$1" "want $2 =~ $3, got '$v'" "output: $(printf '%s' "$4" | tr '\n' ' ' | head -c 600)"
	fi
}

# the jail-init processes of USER (pid list, empty when none), leaving out
# those that were there before we started (another run's, say)
INITS_BEFORE=" $(pgrep -x -f 'jail-init .*' | tr '\n' ' ') "
inits_of() {
	local p out=""
	for p in $(pgrep -x -f "jail-init $1"); do
		case "$INITS_BEFORE" in *" $p "*) ;; *) out="$out $p" ;; esac
	done
	echo "${out# }"
}
# who the test users are: uid and login shell (jailsh of our prefix)
users_fingerprint() {
	local u
	for u in pjt_alice pjt_bob pjt_carl pjt_eve pjt_free; do
		getent passwd "$u" | cut -d: -f1,3,7
	done | tr '\n' ' '
}
# mounts of the host that involve our state dir, scratch dir or test homes
our_mounts() { grep -E " ($STATE_DIR|$T|/home/pjt_)[/ ]" /proc/self/mountinfo | wc -l; }
# zombies of jail-init (nobody reaped them)
zombie_inits() { ps -eo stat=,comm= | awk '$1 ~ /^Z/ && $2 == "jail-init"' | wc -l; }

# wait_jail USER: until USER's jail is up (its init is in the state file)
wait_jail() {
	for _ in $(seq 100); do
		[ -n "$(jail_init_of "$1")" ] && return 0
		sleep 0.05
	done
	return 1
}

# the most jail-inits of USER seen at once within ~1s
max_inits() {
	local m=0 n
	for _ in $(seq 10); do
		n=$(inits_of "$1" | wc -w)
		[ "$n" -gt "$m" ] && m=$n
		sleep 0.1
	done
	echo "$m"
}

# nothing_left USER: no process, no state, no init of USER (waits up to 10s)
nothing_left() {
	wait_gone "$1" || wait_gone "$1" || { echo "processes or state of $1 left: $(pgrep -u "$1" -a) $(ls -la "$STATE_DIR/$1" 2>&1)"; return 1; }
	[ -z "$(inits_of "$1")" ] || { echo "jail-init of $1 left: $(inits_of "$1")"; return 1; }
	return 0
}

# expect_nothing_left NAME USER: the test form of nothing_left; leaks of the
# jail-creation race are removed first (see account_race)
expect_nothing_left() {
	local msg
	wait_gone "$2" || wait_gone "$2"
	account_race "$2"
	account_teardown_leak "$2"
	if msg=$(nothing_left "$2"); then ok "$1"; else not_ok "$1" "$msg"; fi
}

# ATTACK TEMPLATE: the integration template plus the static helper at
# /usr/bin/attack; and a second one with (a careless admin's mistake) a
# setuid-root copy at /usr/bin/attack-suid.  Both live under a 0700 directory
# so that no host user can reach the setuid copy on the host.
attack_setup() {
	local cc_out
	mkdir -p "$T/priv" && chmod 0700 "$T/priv"
	if ! cc_out=$(cc -static -O2 -o "$T/priv/attack" "$ATTACK_SRC" 2>&1); then
		echo "cannot build the attack helper: $cc_out" >&2
		return 1
	fi
	ATK_TPL=$T/priv/tpl-attack
	make_template "$ATK_TPL"
	install -m 0755 "$T/priv/attack" "$ATK_TPL/usr/bin/attack"
	echo "attack-marker" > "$ATK_TPL/etc/jail-template"
	# a careless admin's template: the same plus a setuid-root copy
	SUID_TPL=$T/priv/tpl-suid
	cp -a "$ATK_TPL" "$SUID_TPL"
	install -o root -g root -m 4755 "$T/priv/attack" "$SUID_TPL/usr/bin/attack-suid"
	# a copy of the helper that host users may run (not setuid)
	install -D -m 0755 "$T/priv/attack" "$T/bin/attack"
	# a file only the host has, readable by everybody: must never be seen inside
	echo "host-only-secret" > "$T/host-secret"
	chmod 0644 "$T/host-secret"
	CONF=$PREFIX/etc/security/pam_jail.conf
	write_attack_config
}

# write_attack_config [EXTRA]: our config; EXTRA is appended verbatim
write_attack_config() {
	cat > "$CONF" <<CONF
# written by tests/security/lib-attacks.sh
state_dir = "$STATE_DIR"
template "attack" {
  rootfs   = "$ATK_TPL"
  shell    = "/bin/sh"
  tmp_size = "8M"
}
template "attack-nonet" {
  rootfs   = "$ATK_TPL"
  shell    = "/bin/sh"
  tmp_size = "8M"
  network  = "none"
}
template "attack-noll" {
  rootfs   = "$ATK_TPL"
  shell    = "/bin/sh"
  tmp_size = "8M"
  landlock = false
}
template "attack-ll" {
  rootfs   = "$ATK_TPL"
  shell    = "/bin/sh"
  tmp_size = "8M"
  landlock = true
}
template "suid" {
  rootfs   = "$SUID_TPL"
  shell    = "/bin/sh"
}
template "web" {
  rootfs = "$T/tpl/web"
  shell  = "/bin/sh"
}
template "other" {
  rootfs = "$T/tpl/other"
  shell  = "/bin/sh"
}
user "pjt_alice" { template = "attack" }
user "pjt_bob"   { template = "attack-ll" }
user "pjt_carl"  { template = "attack" }
user "pjt_eve"   { template = "attack-nonet" }
group "pjt_jailed" { template = "web" }
${1:-}
CONF
	chown root:root "$CONF"
	chmod 0644 "$CONF"
}

# a host process we start and must stop again
track() { ATTACK_PIDS+=("$1"); }

restore_home() {
	local u=$HOME_MOVED
	[ -n "$u" ] || return 0
	if [ -L "/home/$u" ]; then rm -f "/home/$u"; fi
	if [ -d "/home/$u.real" ] && [ ! -e "/home/$u" ]; then mv "/home/$u.real" "/home/$u"; fi
	HOME_MOVED=""
}

attack_cleanup() {
	local p k
	# first of all: no home may be a symlink when userdel -r runs
	restore_home
	[ -n "$STATE_LINK" ] && [ -L "$STATE_LINK" ] && rm -f "$STATE_LINK"
	for p in "${ATTACK_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	for k in "${ATTACK_SHM_KEYS[@]}"; do
		"$T/bin/attack" ipc remove "$k" >/dev/null 2>&1
	done
	[ -n "${CONF:-}" ] && [ -n "${PREFIX:-}" ] && [ -d "$PREFIX/etc/security" ] && write_config
	# the terminal tests switch dev.tty.legacy_tiocsti; the machine's value comes back
	[ -n "${KNOB_ORIG:-}" ] && echo "$KNOB_ORIG" > /proc/sys/dev/tty/legacy_tiocsti
	return 0
}

# root_tty DELAY LINE...: an interactive root bash on a fresh pseudo-terminal
# of the host (as an admin's terminal); types each LINE, waiting DELAY seconds
# before the next; prints the transcript.  Used for su(1) from a terminal.
root_tty() {
	python3 - "$@" <<'PY'
import os, pty, select, sys, time
delay = float(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
out = b""
def pump(t):
    global out
    end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                d = os.read(fd, 4096)
            except OSError:
                return
            if not d:
                return
            out += d
pump(0.3)
for line in sys.argv[2:]:
    os.write(fd, line.encode() + b"\n")
    pump(delay)
os.write(fd, b"exit\n")
pump(1)
try:
    os.kill(pid, 9)
except OSError:
    pass
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
PY
}

# ---- the jail-creation race ----------------------------------------------------
# Until 553239a, lib/jail.c's create_jail() stopped reading the set-up records
# at the init's "ready" record; when that overtook the set-up child's "pid"
# record the login was refused with "jail setup failed without a message" and
# the new jail-init was left running, unreferenced.  Should that come back, it
# is not an outcome of the attack being tested: the logins of the suite are
# retried when it strikes, the init it leaked is removed, and the test "no
# login lost the jail-creation race" at the end fails.
RACE_MSG='jail setup failed without a message'
# what the race did, one line per event ("retry ..." or "leak ..."): a file,
# because most of the logins run in subshells
race_event() { echo "$*" >> "$T/race-events"; }
race_count() {
	if [ -f "$T/race-events" ]; then grep -c "^$1 " "$T/race-events"; else echo 0; fi
}

# how often our syslog says a jail set-up lost the race (0 if the log is not ours)
race_refusals() {
	if [ "$OWN_DEVLOG" = 1 ] && [ -f "$T/auth.log" ]; then grep -c "$RACE_MSG" "$T/auth.log"; else echo 0; fi
}

# remove the jail-inits of USER that the race leaked: at most as many as the
# log has race refusals not yet accounted for
account_race() {
	local allowed p
	allowed=$(( $(race_refusals) - $(race_count leak) ))
	for p in $(inits_of "$1"); do
		[ "$allowed" -gt 0 ] || break
		[ "$p" = "$(jail_init_of "$1")" ] && continue
		kill -KILL "$p" 2>/dev/null || continue
		allowed=$((allowed - 1))
		race_event "leak $1 jail-init $p"
	done
}

# ChrootDirectory-mode logouts with landlock = true: the module applies
# Landlock scoping in sshd's monitor, and a process in a Landlock domain may
# not look at /proc/INIT/ns/pid of the jail's init (outside the domain).
# Until 553239a the teardown at logout then took the init for a stale one and
# removed the state without killing it.  Inits left that way are removed here
# and make the test "ChrootDirectory-mode logouts end the jail's init" fail.
account_teardown_leak() {
	local p
	[ "$1" = pjt_carl ] && [ ! -e "$STATE_DIR/$1" ] || return 0
	for p in $(inits_of "$1"); do
		kill -KILL "$p" 2>/dev/null && race_event "tdleak $1 jail-init $p"
	done
}

# sshc, retried when the login was refused by the race
eval "$(declare -f sshc | sed '1s/^sshc /lib_sshc /')"
sshc() {
	local before out rc try
	for try in 1 2 3; do
		before=$(race_refusals)
		out=$(lib_sshc "$@" 2>&1); rc=$?
		[ -z "$out" ] || break
		# a refused login prints nothing; give its log line time to arrive
		for _ in 1 2 3 4 5; do
			[ "$(race_refusals)" -gt "$before" ] && break
			sleep 0.1
		done
		[ "$(race_refusals)" -gt "$before" ] || break
		race_event "retry ssh $1"
	done
	[ -n "$out" ] && printf '%s\n' "$out"
	return $rc
}

# su, retried when jailsh says it lost the race
su() {
	local out rc try
	for try in 1 2 3; do
		out=$(command su "$@" 2>&1); rc=$?
		case "$out" in
		*"$RACE_MSG"*) race_event "retry su $1" ;;
		*) break ;;
		esac
	done
	[ -n "$out" ] && printf '%s\n' "$out"
	return $rc
}

# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 12, items 4, 5 and 7: a stopped lock holder, a killed creator and a
# login that never closes its session must not hang, leak or keep a jail.
# Sourced by run.sh (after setup); `tests/integration/run.sh lifecycle` runs
# only this part.

LOCK_BOUND=10 # JAIL_LOCK_TIMEOUT_MS / 1000 (include/jail/jail.h)
REAP_BOUND=3  # helper/jail-init.c: REAP_INTERVAL_S + one 1 s tick

# gone_within SECONDS USER: no process, no jail-init and no state of USER
jail_gone() { ! pgrep -u "$1" >/dev/null && ! pgrep -x -f "jail-init $1" >/dev/null && [ ! -e "$STATE_DIR/$1" ]; }
gone_within() {
	poll_until "$1" jail_gone "$2" && return 0
	echo "left after $1 s: $(pgrep -a -u "$2") $(pgrep -a -x -f "jail-init $2") $(ls "$STATE_DIR/$2" 2>&1)"
	return 1
}

# jail-inits of USER that no state file names
untracked_inits() {
	local p want
	want=$(sed -n 's/^pid=//p' "$STATE_DIR/$1/state" 2>/dev/null)
	for p in $(pgrep -x -f "jail-init $1"); do
		[ "$p" = "$want" ] || echo "$p"
	done
}
no_untracked_inits() { [ -z "$(untracked_inits "$1")" ]; }

# timed FILE CMD...: runs CMD under `timeout 60`, appends "rc=N ms=N" to FILE
timed() {
	local f=$1 t0; shift
	t0=$(date +%s%N)
	timeout 60 "$@" >"$f" 2>&1
	echo "rc=$? ms=$((($(date +%s%N) - t0) / 1000000))" >>"$f"
}
# within_bound FILE MAX_MS: the timed command returned (no timeout) in time
within_bound() {
	local rc ms
	rc=$(sed -n 's/^rc=\([0-9]*\) .*/\1/p' "$1")
	ms=$(sed -n 's/^rc=[0-9]* ms=//p' "$1")
	[ -n "$rc" ] && [ "$rc" != 124 ] && [ "$ms" -le "$2" ] || { cat "$1"; return 1; }
}

# ---- item 4: every lock wait is bounded and names the holder ---------------------
sshc pjt_bob 'sleep 120' >/dev/null 2>&1 &
lbg=$!
check "lock: a live jail to hold the lock of" poll_until 20 test -s "$STATE_DIR/pjt_bob/state"
# root's flock(1) takes the user's mutex and is stopped, as a caller stopping
# a privileged holder would (-o: only flock itself holds it, not its child)
flock -o -x "$STATE_DIR/pjt_bob" sleep 600 &
holder=$!
lock_held() { grep -q "FLOCK .* WRITE $holder [0-9a-f:]*:$(stat -c %i "$STATE_DIR/pjt_bob") " /proc/locks; }
check "lock: the test holds pjt_bob's state lock" poll_until 10 lock_held
kill -STOP "$holder"
timed "$T/lock.su" su - pjt_bob -c 'echo INSIDE' &
l1=$!
timed "$T/lock.stop" "$JAILCTL" stop pjt_bob &
l2=$!
timed "$T/lock.gc" "$JAILCTL" gc &
l3=$!
wait $l1 $l2 $l3
MAX_MS=$(((LOCK_BOUND + 10) * 1000))
check "lock: a login is refused within the bound (not hung)" within_bound "$T/lock.su" $MAX_MS
expect_nomatch "lock: ... and does not get in" 'INSIDE' "$(cat "$T/lock.su")"
# the user sees a ref only; the log line with that ref has the reason
if [ "$OWN_DEVLOG" = 1 ]; then
	expect_match "lock: the refusal (in the log, by the ref the user saw) names the holder's pid and command" \
		"still locked after $LOCK_BOUND s, by pid $holder \\(flock\\)" "$(logged_refusals "$(cat "$T/lock.su")")"
else
	skip "lock: the refusal names the holder's pid and command" "/dev/log already existed; not ours to read"
fi
check "lock: jailctl stop returns within the bound" within_bound "$T/lock.stop" $MAX_MS
expect_match "lock: jailctl stop names the holder" "pjt_bob: .*by pid $holder \(flock\)" "$(cat "$T/lock.stop")"
check "lock: jailctl gc returns within the bound" within_bound "$T/lock.gc" $MAX_MS
expect_match "lock: jailctl gc names the holder" "pjt_bob: .*by pid $holder \(flock\)" "$(cat "$T/lock.gc")"
if [ "$OWN_DEVLOG" = 1 ]; then
	expect_match "lock: the refusal is logged with the holder" "jailsh\[[0-9]+\]: action=refuse user='pjt_bob' .*by pid $holder \(flock\)" "$(cat "$T/auth.log")"
fi
pkill -KILL -P "$holder" 2>/dev/null
kill -KILL "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
out=$(timeout 60 su - pjt_bob -c 'cat /etc/jail-template' 2>&1)
expect_eq "lock: once released, logins work again" "template-marker" "$out"
# a holder that is only slow (sleeping, not stopped) past the 10 s bound: the
# login waits for it instead of being refused (make soak: an overloaded host
# held locks past 10 s and logins were refused), up to the 60 s hard bound
flock -o -x "$STATE_DIR/pjt_bob" sleep $((LOCK_BOUND + 5)) &
holder=$!
check "lock: the test holds pjt_bob's state lock again, sleeping" poll_until 10 lock_held
timed "$T/lock.slow" su - pjt_bob -c 'cat /etc/jail-template'
wait "$holder" 2>/dev/null
expect_match "lock: a login waits out a slow (not stopped) holder past the 10 s bound and gets in" \
	'^template-marker$' "$(cat "$T/lock.slow")"
check "lock: ... within the hard bound" within_bound "$T/lock.slow" 70000
"$JAILCTL" stop pjt_bob >/dev/null 2>&1
wait $lbg 2>/dev/null
check "lock: nothing left" gone_within 20 pjt_bob

# ---- item 5: a creator killed at any moment leaves no untracked jail-init --------
# jailsh (the creator) started as the user and SIGKILLed after a random short
# delay, 40 times; each time the previous jail is stopped, so that every try
# builds one.  Afterwards no jail-init may run that no state file names.
ALICE_UID=$(id -u pjt_alice)
ALICE_GID=$(id -g pjt_alice)
for i in $(seq 40); do
	setpriv --reuid "$ALICE_UID" --regid "$ALICE_GID" --init-groups "$PREFIX/sbin/jailsh" -c 'sleep 5' \
		</dev/null >/dev/null 2>&1 &
	victim=$!
	sleep "$(printf '0.%03d' $((RANDOM % 60)))"
	kill -KILL "$victim" 2>/dev/null
	wait "$victim" 2>/dev/null
	"$JAILCTL" stop pjt_alice >/dev/null 2>&1
done
# the creators' inits end by themselves (EOF on the commit socket): poll
if poll_until 20 no_untracked_inits pjt_alice; then
	ok "crash: 40 creators killed at random moments leave no untracked jail-init"
else
	not_ok "crash: 40 creators killed at random moments leave no untracked jail-init" \
		"untracked: $(untracked_inits pjt_alice | wc -l): $(untracked_inits pjt_alice | tr '\n' ' ')"
	"$JAILCTL" gc >/dev/null 2>&1
	pkill -KILL -x -f 'jail-init pjt_alice' 2>/dev/null
fi
"$JAILCTL" stop pjt_alice >/dev/null 2>&1
pkill -KILL -u pjt_alice 2>/dev/null
check "crash: nothing left" gone_within 20 pjt_alice

# jailctl gc ends a jail-init of ours that nothing tracks, and nothing else:
# an init made untracked by hand (its state names another pid), a tracked
# one (a live login) and a decoy (root, pid 1 of a PID namespace, argv
# "jail-init pjt_alice", but another program)
su - pjt_alice -c 'sleep 60' >/dev/null 2>&1 &
gbg=$!
check "gc: a live jail to orphan" poll_until 20 test -s "$STATE_DIR/pjt_alice/state"
orphan=$(jail_init_of pjt_alice)
sshc pjt_bob 'sleep 60' >/dev/null 2>&1 &
gbg2=$!
check "gc: a live jail to keep" poll_until 20 test -s "$STATE_DIR/pjt_bob/state"
kept=$(jail_init_of pjt_bob)
mkfifo "$T/pjt_alice"
(cd "$T" && exec unshare -p -f bash -c 'exec -a jail-init cat pjt_alice') &
decoy_parent=$!
check "gc: the decoy runs" poll_until 10 pgrep -x -f 'jail-init pjt_alice' -P "$decoy_parent"
decoy=$(pgrep -x -f 'jail-init pjt_alice' -P "$decoy_parent")
sed -i 's/^pid=.*/pid=999999/' "$STATE_DIR/pjt_alice/state"
out=$("$JAILCTL" gc 2>&1)
expect_match "gc: ends a jail-init that no state names" "^pjt_alice: ended jail-init $orphan, which no state recorded$" "$out"
check "gc: ... which is gone" poll_until 10 sh -c "! kill -0 $orphan"
check "gc: a tracked init with a login stays" kill -0 "$kept"
check "gc: a look-alike that is not our program stays" kill -0 "$decoy"
kill -KILL "$decoy" "$decoy_parent" 2>/dev/null
wait "$decoy_parent" 2>/dev/null
rm -f "$T/pjt_alice"
# where gc failed, the orphan would outlive the suite: end it here
if [ -n "$orphan" ] && [ "$(tr '\0' ' ' < "/proc/$orphan/cmdline" 2>/dev/null)" = "jail-init pjt_alice " ]; then
	kill -KILL "$orphan"
fi
"$JAILCTL" stop pjt_bob >/dev/null 2>&1
wait $gbg $gbg2 2>/dev/null
"$JAILCTL" stop pjt_alice >/dev/null 2>&1
check "gc: nothing left (alice)" gone_within 20 pjt_alice
check "gc: nothing left (bob)" gone_within 20 pjt_bob

# ---- item 7: a jail never outlives its last login by more than a bound -----------
LC_PORT=$((PORT + 21))
LC_FWD=$((PORT + 22))
python3 - "$LC_PORT" <<'PY' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
s.settimeout(300)
try:
    while True:
        c, _ = s.accept()
        c.sendall(b"LC-SERVICE\n")
        c.close()
except Exception:
    pass
PY
lcsrv=$!
check "reaper: the test's service listens" poll_until 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$LC_PORT"
# ssh -N -W: no command, no shell; only a forwarded connection
for u in pjt_carl pjt_alice; do
	out=$(sshc "$u" -N -W "127.0.0.1:$LC_PORT" </dev/null 2>&1)
	expect_match "reaper: ssh -N -W works ($u)" 'LC-SERVICE' "$out"
	check "reaper: after ssh -N -W the jail ends within the bound, without gc ($u)" gone_within $((REAP_BOUND + 10)) "$u"
done
# ssh -N -L: a forwarding login that ends when the client goes
# (sshc is a function: $! is its subshell; stop_bg ends its timeout + ssh)
stop_bg() { pkill -TERM -P "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
sshc pjt_carl -N -L "127.0.0.1:$LC_FWD:127.0.0.1:$LC_PORT" </dev/null >/dev/null 2>&1 &
fwd=$!
check "reaper: ssh -N -L forwards" poll_until 20 sh -c "python3 -c 'import socket; print(socket.create_connection((\"127.0.0.1\", $LC_FWD), timeout=5).recv(99).decode())' | grep -q LC-SERVICE"
check "reaper: the jail lives while the -L login does" test -s "$STATE_DIR/pjt_carl/state"
stop_bg "$fwd"
check "reaper: after ssh -N -L ends the jail ends within the bound, without gc" gone_within $((REAP_BOUND + 10)) pjt_carl
# a process the user left running (in the background, or double-forked like
# a daemon; the template's busybox has no nohup/setsid applets, and without
# a terminal there is no SIGHUP to guard against) ends with the jail
out=$(sshc pjt_alice 'sleep 1000 </dev/null >/dev/null 2>&1 & (sleep 1001 </dev/null >/dev/null 2>&1 &)
	for i in $(seq 50); do [ "$(ps -o comm | grep -c "^sleep")" -ge 2 ] && break; sleep 0.1; done
	ps -o comm | grep -c "^sleep"' 2>&1)
expect_eq "reaper: a login leaves two background processes" "2" "$out"
check "reaper: background and daemonised processes end with the jail after the last logout" gone_within $((REAP_BOUND + 10)) pjt_alice
# ... also when a forwarding login held the jail while they were started
sshc pjt_carl -N -L "127.0.0.1:$LC_FWD:127.0.0.1:$LC_PORT" </dev/null >/dev/null 2>&1 &
fwd=$!
check "reaper: a forwarding login holds the jail" poll_until 20 test -s "$STATE_DIR/pjt_carl/state"
sshc pjt_carl 'sleep 1000 </dev/null >/dev/null 2>&1 & echo started' >/dev/null 2>&1
check "reaper: the background process runs after its login ended" pgrep -u pjt_carl -x sleep
stop_bg "$fwd"
check "reaper: ... and ends with the jail once the forwarding login is gone" gone_within $((REAP_BOUND + 10)) pjt_carl
# and never while a login holds the jail
sshc pjt_alice 'sleep '$((REAP_BOUND * 3)) >/dev/null 2>&1 &
live=$!
check "reaper: a live login's jail is up" poll_until 20 test -s "$STATE_DIR/pjt_alice/state"
init=$(jail_init_of pjt_alice)
sleep $((REAP_BOUND * 2)) # the reaper must have looked at least once meanwhile
expect_eq "reaper: a jail with a live login is never reaped" "$init" "$(jail_init_of pjt_alice)"
wait $live
check "reaper: ... and ends after that login" gone_within $((REAP_BOUND + 10)) pjt_alice
kill "$lcsrv" 2>/dev/null; wait "$lcsrv" 2>/dev/null

# ---- SIGTERM from the host ends a jail tidily --------------------------------------
# systemd stops a jail's scope with SIGTERM (lib/systemd.c: loginctl terminate-user,
# the user's last session gone, shutdown); the init must remove the jail's state
# itself, at once and with a login still alive, not leave it `stale` for gc
sshc pjt_alice 'sleep 120' >/dev/null 2>&1 &
tbg=$!
check "term: a live jail with a login" poll_until 20 test -s "$STATE_DIR/pjt_alice/state"
tinit=$(jail_init_of pjt_alice)
# the login's monitor is stopped, so that its close_session cannot be what cleans up
# (a dead init may stay a zombie until the suite's subreaper reaps it: pgrep -f
# does not match a zombie, kill -0 does)
tmon=$(pgrep -f 'pjt_alice \[priv\]' | head -1)
[ -n "$tmon" ] && kill -STOP "$tmon"
kill -TERM "$tinit"
check "term: SIGTERM from the host: jail-init removes the jail's state itself and ends" \
	poll_until 20 sh -c "! pgrep -x -f 'jail-init pjt_alice' && [ ! -e '$STATE_DIR/pjt_alice' ]"
[ -n "$tmon" ] && kill -CONT "$tmon"
check "term: ... the jail's processes end with it, nothing left, without gc" gone_within 20 pjt_alice
out=$("$JAILCTL" gc 2>&1)
expect_nomatch "term: ... and gc finds nothing of it" '^pjt_alice: ' "$out"
wait $tbg 2>/dev/null

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `jailctl template` end to end, as root:
#   sudo tests/template/run.sh          (CC=clang and CFLAGS=... are honoured)
#
# Builds the command on its own (tests/template/jailctl-template-main.c) and
# a driver of jail_template_verify_security(), makes templates in a scratch
# directory under /var/tmp, runs programs in them with chroot, checks that
# `verify` passes a good template and names the file in each of a set of
# purpose-built bad ones, and removes everything again, also on failure.
# Touches nothing outside its scratch directory.

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CC=${CC:-cc}
CFLAGS=${CFLAGS:-"-O2 -g"}
WARN="-std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
-Wmissing-prototypes -Wimplicit-fallthrough -Wno-missing-field-initializers"
T=""
# shellcheck source=tests/lib/tap.sh
source "$TOP/tests/lib/tap.sh"

cleanup() {
	local rc=$?
	set +e
	remove_scratch "$T" || rc=1
	exit $rc
}

if [ "$(id -u)" != 0 ]; then
	echo "tests/template/run.sh needs root (templates are root-owned, chroot)" >&2
	exit 77
fi
T=$(mktemp -d /var/tmp/pamjail-template-test.XXXXXX) || exit 1
chmod 0755 "$T"
trap cleanup EXIT
trap 'exit 130' INT TERM
log "scratch dir $T"
cd "$TOP" || exit 1

# ---- build -------------------------------------------------------------------
JT_BIN=$T/jailctl-template
# shellcheck disable=SC2086
if ! $CC $WARN $CFLAGS -Iinclude -o "$JT_BIN" tests/template/jailctl-template-main.c admin/template.c \
	lib/template-verify.c lib/template-gen.c lib/elf.c lib/path.c lib/error.c >"$T/build.log" 2>&1 ||
	! $CC $WARN $CFLAGS -Iinclude -o "$T/verify-security" tests/template/verify-security.c \
		lib/template-verify.c lib/template-gen.c lib/path.c lib/error.c >>"$T/build.log" 2>&1; then
	cat "$T/build.log"
	not_ok "build"
	echo "$N_PASS passed, $N_FAIL failed, $N_SKIP skipped"
	exit 1
fi
ok "build with $CC"
jt() { "$JT_BIN" template "$@"; }
# tree_sum DIR: names, types, modes, owners, sizes, mtimes and link targets
tree_sum() { (cd "$1" && find . -printf '%p %y %m %u %g %s %T@ %l\n' | LC_ALL=C sort | sha256sum); }

# ---- the manual: jailctl(8) documents every template command and option -------
for c in create add apt generations gc verify; do
	check "jailctl(8) documents 'template $c'" grep -q "^\.It Cm template $c " "$TOP/man/jailctl.8"
done
for opt in $(jt --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
	check "jailctl(8) documents template option $opt" grep -qF -- "Fl \\${opt#-}" "$TOP/man/jailctl.8"
done
for set in shell sftp; do
	check "jailctl(8) documents --set $set" grep -q "^\.It Cm $set\$" "$TOP/man/jailctl.8"
done

# ---- create ------------------------------------------------------------------
G=$T/good
out=$(jt create "$G" 2>&1); rc=$?
expect_eq "create: exit 0" 0 "$rc"
# only mount points: every jail mounts its own tmpfs there; on the host
# nobody may drop files there (issue 12: anyone could block the template)
expect_eq "create: tmp is 755 root (a mount point, not writable by users)" "755 root" "$(stat -c '%a %U' "$G/tmp")"
expect_eq "create: var/tmp is 755 root" "755 root" "$(stat -c '%a %U' "$G/var/tmp")"
expect_eq "create: root is 700" "700 root" "$(stat -c '%a %U' "$G/root")"
expect_eq "create: DIR is 755 root" "755 root" "$(stat -c '%a %U' "$G")"
expect_eq "create: passwd has root only" "root:x:0:0:root:/root:/bin/sh" "$(cat "$G/etc/passwd")"
expect_match "create: nsswitch uses files" '^passwd: +files' "$(cat "$G/etc/nsswitch.conf")"
if [ -L /bin ]; then
	expect_eq "create: bin is a symlink like the host's (merged /usr)" "$(readlink /bin)" "$(readlink "$G/bin")"
else
	check "create: bin is a directory" test -d "$G/bin" -a ! -L "$G/bin"
fi
out=$(jt create "$G" 2>&1); rc=$?
expect_eq "create: refuses a non-empty DIR (exit 1)" 1 "$rc"
expect_match "create: says why" 'not empty' "$out"
mkdir "$T/empty"
check "create: accepts an existing empty root-owned DIR" jt create "$T/empty"
mkdir -m 0777 "$T/open"
out=$(jt create "$T/open/tpl" 2>&1); rc=$?
expect_eq "create: refuses under a world-writable parent (exit 1)" 1 "$rc"
expect_match "create: names the parent problem" "open.*writable by (group or )?others" "$out"
check "create: made nothing there" test ! -e "$T/open/tpl"

# ---- add ---------------------------------------------------------------------
jt add "$G" --set shell --set sftp >"$T/add1.log" 2>&1; rc=$?
expect_eq "add --set shell --set sftp: exit 0" 0 "$rc"
[ "$rc" = 0 ] || log "$(tail -n 20 "$T/add1.log")"
out=$(cd / && chroot "$G" /bin/bash -c 'ls / && cat /etc/passwd' 2>&1); rc=$?
expect_eq "chroot DIR /bin/bash -c 'ls / && cat /etc/passwd': exit 0" 0 "$rc"
expect_match "... lists / and shows passwd" 'usr.*root:x:0:0' "$(printf '%s' "$out" | tr '\n' ' ')"
out=$(cd / && chroot "$G" /bin/sh -c 'echo "$(id -u) $(head -1 /etc/group)" | sed s/root/ROOT/ | grep ROOT' 2>&1)
expect_eq "chroot: sh, id, head, sed, grep work" "0 ROOT:x:0:" "$out"
out=$(cd / && chroot "$G" /usr/lib/openssh/sftp-server -h 2>&1); rc=$?
if [ -x /usr/lib/openssh/sftp-server ]; then
	if [ "$rc" != 127 ] && [ "$rc" != 126 ]; then ok "chroot DIR sftp-server -h runs (exit $rc)"; else
		not_ok "chroot DIR sftp-server -h runs" "exit $rc: $out"; fi
else
	skip "chroot DIR sftp-server -h runs" "no /usr/lib/openssh/sftp-server on this host"
fi
# (no /proc nor /dev in a bare chroot: ps and scp are checked to be there; verify
# below checks that every library they need is)
for prog in tty stty; do
	out=$(cd / && chroot "$G" /bin/sh -c "$prog --version" 2>&1); rc=$?
	expect_eq "add --set shell: $prog is there and runs" 0 "$rc"
done
check "add --set shell: ps is there" chroot "$G" /bin/sh -c 'test -x "$(command -v ps)"'
if [ -x /usr/bin/scp ]; then
	check "add --set sftp: scp is there for legacy scp -O" chroot "$G" /bin/sh -c 'test -x "$(command -v scp)"'
else
	skip "add --set sftp: scp" "no /usr/bin/scp on this host"
fi
expect_nomatch "add: no ldd, no execution" 'ldd' "$(cat "$T/add1.log")"
if [ -e /usr/share/terminfo/x/xterm ] || [ -e /lib/terminfo/x/xterm ]; then
	out=$(cd / && chroot "$G" /bin/sh -c 'ls /usr/share/terminfo/x/xterm /lib/terminfo/x/xterm 2>/dev/null | head -1')
	expect_match "add --set shell: terminfo is there" 'terminfo/x/xterm' "$out"
fi
out=$(jt verify "$G" 2>&1); rc=$?
expect_eq "verify on the good template: exit 0" 0 "$rc"
expect_match "verify says OK" 'OK \(' "$out"
out=$("$T/verify-security" "$G" 2>&1); rc=$?
expect_eq "jail_template_verify_security on the good template: 0" "0 secure" "$rc $out"

# idempotence
before=$(tree_sum "$G")
out=$(jt add "$G" --set shell --set sftp 2>&1); rc=$?
expect_eq "second add: exit 0" 0 "$rc"
expect_match "second add: nothing copied" 'nothing copied' "$out"
expect_nomatch "second add: no copied/linked/updated lines" '^(copied|linked|updated) ' "$out"
expect_eq "second add: same tree checksum" "$before" "$(tree_sum "$G")"
# a changed file is updated, the rest stays
echo "# local change" >> "$G/etc/profile"
cp -p /bin/true "$G/usr/bin/true" 2>/dev/null || cp -p /usr/bin/true "$G/usr/bin/true"
printf 'x' >> "$G/usr/bin/true"
out=$(jt add "$G" true 2>&1)
expect_match "add: a modified copy is updated" '^updated /usr/bin/true' "$out"

# setuid bits are stripped, and said so
S=$T/suid
jt create "$S" >/dev/null
suid_prog=$(find /usr/bin /bin -maxdepth 1 -type f -perm -4000 2>/dev/null | head -n 1)
if [ -n "$suid_prog" ]; then
	out=$(jt add "$S" "$suid_prog" /bin/sh 2>&1); rc=$?
	expect_eq "add setuid $suid_prog: exit 0" 0 "$rc"
	expect_match "add: says the setuid bit was not copied" 'setuid.*bit not copied' "$out"
	copy=$(find "$S/" -type f -name "$(basename "$(readlink -f "$suid_prog")")" | head -n 1)
	expect_eq "add: the copy has no setuid bit" "" "$(find "$copy" -perm /6000)"
	check "verify: the stripped copy is fine" jt verify "$S"
else
	skip "add strips setuid" "no setuid program on this host"
fi

# scripts bring their interpreter; unknown programs fail and are named
mkdir -p "$T/bin"
printf '#!/bin/sh\necho hello from a script\n' > "$T/bin/hello"
chmod 755 "$T/bin/hello"
SC=$T/script
jt create "$SC" >/dev/null
out=$(jt add "$SC" "$T/bin/hello" 2>&1); rc=$?
expect_eq "add a script: exit 0" 0 "$rc"
expect_match "add a script: adds its interpreter" 'a script for /bin/sh' "$out"
expect_nomatch "add a script whose interpreter is there: no warning about it" 'cannot run' "$out"
out=$(cd / && chroot "$SC" "$T/bin/hello" 2>&1)
expect_eq "chroot: the script runs" "hello from a script" "$out"
# a script that cannot run in the jail: its interpreter is not in the template
printf '#!/usr/bin/env bash\necho via env\n' > "$T/bin/envscript"
chmod 755 "$T/bin/envscript"
out=$(jt add "$SC" "$T/bin/envscript" 2>&1); rc=$?
expect_eq "add a '#!/usr/bin/env bash' script: exit 0" 0 "$rc"
expect_match "add: warns that the template has no bash for env to run" \
	"envscript: a script for bash \(run through '/usr/bin/env bash'; .*\), which is not in the template" "$out"
out=$(jt add "$SC" bash "$T/bin/envscript" 2>&1)
expect_nomatch "add: no warning once bash is in the template" 'cannot run' "$out"
mkdir -p "$T/scripts"
for f in run-me run-me-too not-executable; do printf '#!/usr/bin/pjt-no-such-interpreter\n' > "$T/scripts/$f"; done
chmod 755 "$T/scripts/run-me" "$T/scripts/run-me-too"
out=$(jt add "$SC" --with-files "$T/scripts" 2>&1); rc=$?
expect_eq "add --with-files with a script whose interpreter is missing: exit 0" 0 "$rc"
expect_match "add --with-files: warns about the scripts whose interpreter is missing, once for both" \
	"2 executable scripts from --with-files need /usr/bin/pjt-no-such-interpreter, which is not in the template: they cannot run in the jail \(e.g. $T/scripts/run-me" "$out"
expect_nomatch "add --with-files: not about a file that is not executable" 'not-executable' "$out"
out=$(jt add "$SC" no-such-program-pjt 2>&1); rc=$?
expect_eq "add an unknown program: exit 1" 1 "$rc"
expect_match "add an unknown program: named" 'no-such-program-pjt: not found' "$out"

# program names come from the fixed system path, never from root's $PATH
# (a version manager's shim script there once got copied as python3)
mkdir -p "$T/shim"
printf '#!/bin/sh\nexec /usr/bin/true "$@"\n' > "$T/shim/true"
chmod 755 "$T/shim/true"
PT=$T/pathtpl
jt create "$PT" >/dev/null
out=$(PATH="$T/shim:$PATH" jt add "$PT" true 2>&1); rc=$?
expect_eq "add NAME with a shim first in \$PATH: exit 0" 0 "$rc"
expect_nomatch "add NAME: the shim in \$PATH is not taken" "$T/shim|a script for" "$out"
check "add NAME: no copy of the shim in the template" test ! -e "$PT$T/shim/true"
check "add NAME: the system's program is copied instead" test -f "$PT/usr/bin/true" -o -f "$PT/bin/true"
out=$(PATH=/nonexistent jt add "$PT" ls 2>&1); rc=$?
expect_eq "add NAME: found without any system directory in \$PATH" 0 "$rc"
out=$(PATH="$T/shim:$PATH" jt add "$PT" no-such-program-pjt 2>&1)
expect_match "add NAME: the error names the fixed path" 'not found in /usr/local/sbin:.*:/bin$' "$out"

# a template with real bin/ and lib64/ where the host has symlinks
if [ -L /bin ] && [ -L /lib64 ]; then
	O=$T/oldlayout
	mkdir -m 755 "$O" "$O/bin" "$O/lib64" "$O/etc"
	out=$(jt add "$O" /bin/bash 2>&1); rc=$?
	expect_eq "add into a non-merged layout: exit 0" 0 "$rc"
	out=$(cd / && chroot "$O" /bin/bash -c 'echo works' 2>&1)
	expect_eq "chroot non-merged layout: /bin/bash runs" "works" "$out"
	check "verify non-merged layout" jt verify "$O" --shell /bin/bash
fi

# add refuses a template whose parent is writable by others
mkdir -m 0777 "$T/ww"; mkdir -m 0755 "$T/ww/tpl"
out=$(jt add "$T/ww/tpl" /bin/sh 2>&1); rc=$?
expect_eq "add: refuses an untrusted template (exit 1)" 1 "$rc"
expect_match "add: says why" 'not usable as a template' "$out"
expect_eq "add: wrote nothing there" "" "$(ls -A "$T/ww/tpl")"

# ---- bad templates: verify exits 1 and names the file -------------------------
# bad NAME: a small, good template to break
bad() {
	B=$T/bad-$1
	jt create "$B" >/dev/null && jt add "$B" /bin/sh >/dev/null 2>&1 || not_ok "make $B"
}
# expect_bad NAME REGEX [verify args]: verify exits 1, and a line matches
expect_bad() {
	local name=$1 re=$2 out rc
	shift 2
	out=$(jt verify "$B" "$@" 2>&1); rc=$?
	expect_eq "verify $name: exit 1" 1 "$rc"
	expect_match "verify $name: names it" "$re" "$out"
}
# expect_insecure NAME REGEX: the library function refuses with -EPERM naming it
expect_insecure() {
	local out rc
	out=$("$T/verify-security" "$B" 2>&1); rc=$?
	expect_eq "verify_security $1: -EPERM" 1 "$rc"
	expect_match "verify_security $1: names it" "$2" "$out"
}

bad clean
check "verify a fresh small template: exit 0" jt verify "$B"

bad userdir
mkdir -m 0755 "$B/home/alice"; chown 65534:65534 "$B/home/alice"
expect_bad "user-owned dir" '^home/alice: not owned by root \(uid 65534\)'
expect_insecure "user-owned dir" "home/alice: not owned by root"

bad worldw
mkdir "$B/pub"; chmod 0777 "$B/pub"
expect_bad "0777 dir" '^pub: world-writable directory without the sticky bit'
expect_insecure "0777 dir" "pub: world-writable"

bad groupw
chmod g+w "$B/etc/profile"
expect_bad "group-writable file" '^etc/profile: group-writable'

bad setuid
install -m 4755 "$(readlink -f /bin/sh)" "$B/usr/bin/suid-sh"
expect_bad "setuid file" '^usr/bin/suid-sh: setuid'
expect_insecure "setuid file" 'usr/bin/suid-sh: setuid'

bad setgid
install -m 2755 "$(readlink -f /bin/sh)" "$B/usr/bin/sgid-sh"
expect_bad "setgid file" '^usr/bin/sgid-sh: setgid'

bad device
if mknod "$B/dev/sda" b 8 0 2>/dev/null; then
	expect_bad "device node" '^dev/sda: block device node 8:0'
	expect_insecure "device node" 'dev/sda: block device node'
else
	skip "verify device node" "mknod is not permitted here"
fi

bad fifo
mkfifo -m 0644 "$B/etc/fifo"
expect_bad "fifo" '^etc/fifo: fifo'

# No unprivileged user can make a template fail (issue 12): tmp/ and var/tmp/
# are covered by every jail's own tmpfs, so what is in them is not looked at
# (a template made before they became 0755 still has them 1777) ...
bad userdrop
chmod 1777 "$B/tmp" "$B/var/tmp"
touch "$B/tmp/dropped" "$B/var/tmp/dropped"; mkfifo "$B/tmp/p"; mkdir -m 0777 "$B/tmp/d"
chown 65534:65534 "$B/tmp/dropped" "$B/var/tmp/dropped" "$B/tmp/p" "$B/tmp/d"
expect_eq "a user's files in a 1777 tmp/ and var/tmp/ are there" "65534 65534" \
	"$(stat -c %u "$B/tmp/dropped") $(stat -c %u "$B/var/tmp/dropped")"
check "verify: a user's files in tmp/ and var/tmp/ do not fail the template" jt verify "$B"
expect_eq "verify_security: ... nor the jail builder's check" "secure" "$("$T/verify-security" "$B" 2>&1)"
# ... and every other place others can write to is the template's own problem
bad stickyelsewhere
mkdir -p -m 0755 "$B/run"; mkdir -m 1777 "$B/run/lock"
expect_bad "a sticky world-writable directory outside tmp/" \
	'^run/lock: world-writable directory outside tmp/ and var/tmp/'
expect_insecure "a sticky world-writable directory outside tmp/" 'run/lock: world-writable directory outside'
bad stickytop
chmod 1777 "$B"
expect_insecure "a sticky world-writable template root" '\.: world-writable directory outside'
chmod 0755 "$B"

bad shadow
ln -s /etc/shadow "$B/etc/shadow-link"
ln -s ../../../../../root/.ssh "$B/var/keys"
expect_bad "symlink to /etc/shadow" '^etc/shadow-link: symlink to /etc/shadow'
expect_bad "relative symlink escaping to /root" '^var/keys: symlink to .*/root/.ssh'
out=$("$T/verify-security" "$B" 2>&1)
expect_eq "verify_security: symlinks are not its business" "secure" "$out"
ln -s /etc/passwd "$B/etc/passwd-link"
out=$(jt verify "$B" 2>&1)
expect_nomatch "verify: a symlink to a file inside the template is fine" '^etc/passwd-link' "$out"

bad missinglib
jt add "$B" /bin/bash >/dev/null 2>&1
# "$B/": the template is a link to its current generation once changed
lib=$(find "$B/" -type f -name 'libtinfo.so*' | head -n 1)
[ -n "$lib" ] || lib=$(find "$B/" -type f -name 'libc.so.6' | head -n 1)
libname=$(basename "$lib")
find "$B/" -name "$(echo "$libname" | sed 's/\.so.*/.so/')*" -exec rm -f {} +
expect_bad "missing library ($libname)" '^usr/bin/bash: needs lib[a-z]+\.so\.[0-9]+, which is not in the template'

bad missingloader
find "$B/" -name 'ld-linux*' -exec rm -f {} +
expect_bad "missing loader" '^usr/bin/dash: needs the loader /.*, which is not in the template'

bad noshell
expect_bad "missing --shell" '^bin/zsh: the shell is missing' --shell /bin/zsh
rm -f "$B/usr/bin/sh" "$B/bin/sh"
expect_bad "missing default shell" '^bin/sh: the shell is missing'
chmod 0700 "$B/usr/bin/dash"
expect_bad "shell not executable by others" '^usr/bin/dash: the shell is not executable' --shell /usr/bin/dash

bad garbage
{ printf '\177ELF\002\001\001'; head -c 300 /dev/urandom; } > "$B/usr/bin/garbage"
chmod 755 "$B/usr/bin/garbage"
head -c 1000 "$(readlink -f /bin/sh)" > "$B/usr/bin/truncated"
chmod 755 "$B/usr/bin/truncated"
expect_bad "garbage ELF" '^usr/bin/garbage: an executable that is not a valid ELF file'
expect_bad "truncated ELF" '^usr/bin/truncated: an executable that is not a valid ELF file'

bad topowner
chown 65534 "$B"
expect_bad "template dir not owned by root" '^\.: .*not (owned by root|root-owned)'
chown 0 "$B"

bad many
# every problem is reported, not just the first
mkdir -m 0777 "$B/a"; install -m 4755 /dev/null "$B/b"; ln -s /proc/1/root "$B/c"
out=$(jt verify "$B" --shell /bin/nope 2>&1)
expect_eq "verify reports every problem (4 lines)" 4 "$(printf '%s\n' "$out" | grep -cE '^(a|b|c|bin/nope): ')"

# ---- the verification cache (jail creation's call) --------------------------
C=$T/cache-tpl S=$T/cache-state
jt create "$C" >/dev/null && jt add "$C" /bin/sh >/dev/null 2>&1 || not_ok "make $C"
chmod 1777 "$C/tmp"
mkdir -m 0755 "$S"
vc() { "$T/verify-security" --cache "$S" "${2:-60}" "$1" 2>&1; }
# (stat -L: the cache is keyed by the generation's directory, where the link leads)
entry() { printf '%s/.verified/%x:%s' "$S" "$(stat -L -c %d "$C")" "$(stat -L -c %i "$C")"; }
# a directory changed in the last 2 seconds is never cached (coarse ctimes)
# (each call right after a chmod of tmp/, which changes its ctime: "just now"
# must not depend on how fast the machine got from the chmod to the call)
chmod 1777 "$C/tmp"
expect_eq "cache: a template changed just now: walked" "secure (walked)" "$(vc "$C")"
chmod 1777 "$C/tmp"
expect_eq "cache: ... and walked again (too fresh to cache)" "secure (walked)" "$(vc "$C")"
sleep 2.1
expect_eq "cache: the first creation walks the template" "secure (walked)" "$(vc "$C")"
expect_eq "cache: the next one trusts the cache" "secure (cached)" "$(vc "$C")"
expect_eq "cache: entry and directory are root-only" "0:0 600 0:0 700" \
	"$(stat -c '%u:%g %a' "$(entry)") $(stat -c '%u:%g %a' "$S/.verified")"
expect_match "cache: the entry records the template" ' \.$' "$(sed -n 3p "$(entry)")"
expect_nomatch "cache: ... not tmp/, which no jail shows" ' tmp$' "$(cat "$(entry)")"
expect_eq "cache: interval 0 always walks" "secure (walked)" "$(vc "$C" 0)"
# what a user can do to a verified template: drop files into a 1777 tmp/,
# which every jail covers; it neither fails the template nor costs a walk
touch "$C/tmp/dropped" && chown 65534:65534 "$C/tmp/dropped"
mkdir -m 1777 "$C/tmp/sub" && mkfifo "$C/tmp/sub/p"
expect_eq "cache: a user's files in tmp/ change nothing" "secure (cached)" "$(vc "$C")"
expect_eq "cache: ... nor in a full walk" "secure (walked)" "$(vc "$C" 0)"
rm -rf "$C/tmp/dropped" "$C/tmp/sub"
touch "$C/new-at-top"
expect_eq "cache: a change at the template's top level: walked" "secure (walked)" "$(vc "$C")"
# what root does elsewhere waits for the interval or `jailctl check` (documented)
sleep 2.1
expect_eq "cache: (entry for the steps below)" "secure (walked)" "$(vc "$C")"
f=$(find "$C/" -type f -name 'libc.so*' | head -n 1)
chmod u+s "$f"
expect_eq "cache: root's chmod u+s deep in the tree waits for the next walk" "secure (cached)" "$(vc "$C")"
out=$("$T/verify-security" --refresh "$S" "$C" 2>&1); rc=$?
expect_eq "cache: refresh (jailctl check) walks and fails" 1 "$rc"
expect_match "cache: ... naming the file" "${f#"$C"/}: setuid" "$out"
expect_match "cache: after the refresh creation refuses at once" 'setuid.*\(walked\)$' "$(vc "$C")"
chmod u-s "$f"
expect_eq "cache: fixed: walked, fine" "secure (walked)" "$(vc "$C")"
sleep 1.1
expect_eq "cache: an entry older than the interval: walked" "secure (walked)" "$(vc "$C" 1)"
# entries the cache must not trust
expect_eq "cache: (fresh entry)" "secure (cached)" "$(vc "$C")"
sed -i "2s/.*/$(($(date +%s) + 1000))/" "$(entry)"
expect_eq "cache: an entry from the future: walked" "secure (walked)" "$(vc "$C")"
chown 65534 "$(entry)"
expect_eq "cache: an entry not owned by root: walked" "secure (walked)" "$(vc "$C")"
expect_eq "cache: ... and replaced by a root-owned one" "0" "$(stat -c %u "$(entry)")"
chmod 0644 "$(entry)"
expect_eq "cache: an entry readable by others: walked" "secure (walked)" "$(vc "$C")"
printf 'pam_jail-verified 1\n%s\n' "$(date +%s)" > "$(entry)"
expect_eq "cache: an entry without stamps: walked" "secure (walked)" "$(vc "$C")"
sed -i '3d' "$(entry)"
expect_eq "cache: an entry whose first stamp is not the template's: walked" "secure (walked)" "$(vc "$C")"
chown 65534 "$S/.verified"
expect_eq "cache: a cache directory not owned by root: walked" "secure (walked)" "$(vc "$C")"
expect_eq "cache: ... every time" "secure (walked)" "$(vc "$C")"
chown 0 "$S/.verified"
# jailctl gc: entries past their interval and writers' leftovers go
vc "$C" >/dev/null
check "cache gc: (a live entry)" test -s "$(entry)"
touch -d '2 minutes ago' "$S/.verified/.leftover.123"
touch "$S/.verified/.inflight.456"
printf 'pam_jail-verified 1\n%s\n' $(($(date +%s) - 600)) > "$S/.verified/1:2"
printf 'junk\n' > "$S/.verified/3:4"
mkfifo "$S/.verified/5:6"
expect_eq "cache gc: removes the old entry, the junk, a fifo and the old temporary file" 4 \
	"$(timeout 10 "$T/verify-security" --gc "$S" 60 2>&1)"
expect_eq "cache gc: keeps the live entry and a writer's file in flight" ".inflight.456 $(basename "$(entry)")" \
	"$(ls -A "$S/.verified" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "cache gc: interval 0 removes every entry" 1 "$("$T/verify-security" --gc "$S" 0 2>&1)"
rm -f "$S/.verified/.inflight.456"

# ---- the --with-files limits ------------------------------------------------
W=$T/with
jt create "$W" >/dev/null
mkdir -p "$T/data/sub"; echo hi > "$T/data/sub/f"; ln -s sub/f "$T/data/in"; ln -s /etc/hostname "$T/data/out"
mkfifo "$T/data/pipe"; chmod 4755 "$T/data/sub/f"
out=$(jt add "$W" --with-files "$T/data" 2>&1); rc=$?
expect_eq "add --with-files: exit 0" 0 "$rc"
expect_eq "add --with-files: inner symlink kept" "sub/f" "$(readlink "$W$T/data/in")"
expect_eq "add --with-files: outer symlink kept, not followed" "/etc/hostname:no" \
	"$(readlink "$W$T/data/out"):$([ -e "$W/etc/hostname" ] && echo yes || echo no)"
expect_match "add --with-files: warns about the outside symlink" 'outside the tree given' "$out"
expect_match "add --with-files: skips the fifo" 'pipe: a fifo; not copied' "$out"
expect_eq "add --with-files: setuid stripped" "755" "$(stat -c %a "$W$T/data/sub/f")"
# the ELF files of a --with-files tree (an interpreter's extension modules)
# bring their libraries; one that is not on the host is named
mkdir -p "$T/elftree/lib-dynload" "$T/elfsrc"
echo 'int pjt_mod(void) { return 42; }' > "$T/elfsrc/mod.c"
if $CC -shared -fPIC -o "$T/elftree/lib-dynload/mod.so" "$T/elfsrc/mod.c" -Wl,--no-as-needed -lm \
	>>"$T/build.log" 2>&1 &&
	$CC -shared -fPIC -Wl,-soname,libpjtgone.so.1 -o "$T/elfsrc/libpjtgone.so.1" "$T/elfsrc/mod.c" \
		>>"$T/build.log" 2>&1 &&
	$CC -shared -fPIC -o "$T/elftree/lib-dynload/gone.so" "$T/elfsrc/mod.c" -Wl,--no-as-needed \
		"$T/elfsrc/libpjtgone.so.1" >>"$T/build.log" 2>&1; then
	rm -f "$T/elfsrc/libpjtgone.so.1"
	E=$T/elftpl
	jt create "$E" >/dev/null
	out=$(jt add "$E" --with-files "$T/elftree" 2>&1); rc=$?
	expect_eq "add --with-files of a tree with shared objects: exit 0" 0 "$rc"
	check "add --with-files: the library a shared object in the tree needs (libm) is added" \
		sh -c "find '$E/' -name 'libm.so.6' | grep -q ."
	check "add --with-files: ... and libc" sh -c "find '$E/' -name 'libc.so.6' | grep -q ."
	expect_match "add --with-files: names the library that is not on the host" \
		"lib-dynload/gone.so: needs libpjtgone.so.1, which is not on the host" "$out"
	E2=$T/elftpl2
	jt create "$E2" >/dev/null
	out=$(jt add "$E2" --with-files "$T/elftree/lib-dynload/mod.so" 2>&1); rc=$?
	expect_eq "add --with-files of one shared object: exit 0" 0 "$rc"
	check "add --with-files of one shared object: its libraries are added" \
		sh -c "find '$E2/' -name 'libm.so.6' | grep -q ."
else
	not_ok "build the shared objects for the --with-files test" "$(tail -n 5 "$T/build.log")"
fi

# directories jailed users (others to the root-owned template) cannot read
mkdir -p "$T/modes/private" "$T/modes/unlisted" "$T/modes/open"
chmod 0700 "$T/modes/private"; chmod 0711 "$T/modes/unlisted"; chmod 0755 "$T/modes" "$T/modes/open"
echo x > "$T/modes/private/f"; echo y > "$T/modes/unlisted/f"; echo z > "$T/modes/open/f"
out=$(jt add "$W" --with-files "$T/modes" 2>&1); rc=$?
expect_eq "add --with-files of a tree with a 0700 directory: exit 0" 0 "$rc"
expect_match "add --with-files: warns about a directory jailed users cannot enter" \
	"modes/private: directory mode 0700: jailed users cannot enter it" "$out"
expect_match "add --with-files: warns about a directory jailed users cannot list" \
	"modes/unlisted: directory mode 0711: jailed users cannot list it" "$out"
expect_nomatch "add --with-files: not about a readable one" 'modes(/open)?: directory mode' "$out"
chmod 0700 "$W/usr/bin"
out=$(jt add "$W" true 2>&1)
expect_match "add: warns about a template directory on the way that jailed users cannot enter" \
	"$W/usr/bin: directory mode 0700: jailed users cannot enter it" "$out"
chmod 0755 "$W/usr/bin"
out=$(jt add "$W" --with-files "$T" 2>&1); rc=$?
expect_eq "add --with-files of a tree holding the template: exit 1" 1 "$rc"
expect_match "... refused" 'refusing to copy it into itself' "$out"

# ---- generations (issue 16): a change never writes into a tree a jail may use ----
# gen_sum DIR: every entry with its inode, mtime, ctime, size and mode: a
# write, a replacement or a chmod in DIR changes it
gen_sum() { (cd "$1" && find . -printf '%p %i %T@ %C@ %s %m %l\n' | LC_ALL=C sort | sha256sum); }
V=$T/gen
jt create "$V" >/dev/null && jt add "$V" /bin/sh >/dev/null 2>&1 || not_ok "make $V"
expect_eq "generations: the first change makes DIR a link to generation 1" "$(basename "$V").gen/1" \
	"$(readlink "$V")"
check "generations: ... and the plain directory it was is generation 0" test -x "$V.gen/0/bin" -a ! -L "$V.gen/0"
check "generations: ... which the change did not touch (no sh in it)" test ! -e "$V.gen/0/usr/bin/dash"
sum1=$(gen_sum "$V.gen/1")
out=$(jt add "$V" tty 2>&1); rc=$?
expect_eq "generations: add tty: exit 0" 0 "$rc"
expect_match "generations: add tty: says which generation is current" "^$V: generation 2 is current \\(was 1\\)$" "$out"
expect_eq "generations: add tty: the link moved to generation 2" "$(basename "$V").gen/2" "$(readlink "$V")"
expect_eq "generations: add tty: generation 1 unchanged (inodes, times, sizes, modes)" "$sum1" "$(gen_sum "$V.gen/1")"
check "generations: add tty: generation 1 has no tty (a live jail's view stays consistent)" \
	test ! -e "$V.gen/1/usr/bin/tty"
out=$(cd / && chroot "$V" /usr/bin/tty 2>&1); rc=$?
expect_eq "generations: add tty: tty runs in the new generation ('not a tty', exit 1)" "1 not a tty" "$rc $out"
expect_eq "generations: the new generation shares no inode with the old one (no hard links)" "" \
	"$(comm -12 <(find "$V.gen/1" -xdev -printf '%i\n' | sort -u) <(find "$V.gen/2" -xdev -printf '%i\n' | sort -u))"
out=$(jt add "$V" tty 2>&1); rc=$?
expect_eq "generations: an add that changes nothing: exit 0" 0 "$rc"
expect_eq "generations: ... makes no generation" "$(basename "$V").gen/2" "$(readlink "$V")"
check "generations: ... and leaves no copy behind" test -z "$(ls -A "$V.gen" | grep -v '^\([012]\|\.lock\)$')"
expect_eq "generations: the lock is a root-only file" "0 600" "$(stat -c '%u %a' "$V.gen/.lock")"
out=$(jt generations "$V" 2>&1); rc=$?
expect_eq "generations: list: exit 0" 0 "$rc"
expect_match "generations: list: the current one" '^2 +current ' "$out"
expect_match "generations: list: an old one" '^1 +old ' "$out"
out=$(jt gc "$V" 2>&1); rc=$?
expect_eq "generations: gc without the jails' state (not run as jailctl): refused" 1 "$rc"
check "generations: ... and removes nothing" test -d "$V.gen/0" -a -d "$V.gen/1"
out=$(jt add "$V.gen/2" ls 2>&1); rc=$?
expect_eq "generations: add into a generation itself: refused" 1 "$rc"
expect_match "generations: ... saying why" 'is a generation of template .*never changed in place' "$out"
# a new generation that fails verification is never switched to: root put a
# setuid file into the current one by hand (what jails refuse anyway)
install -m 4755 /dev/null "$V.gen/2/usr/bin/suid"
out=$(jt add "$V" ls 2>&1); rc=$?
expect_eq "generations: a copy that fails verification: exit 1" 1 "$rc"
expect_match "generations: ... not switched, saying why" 'fails verification, not switched.*setuid' "$out"
expect_eq "generations: ... the link stays" "$(basename "$V").gen/2" "$(readlink "$V")"
check "generations: ... and the copy is gone" test -z "$(ls -A "$V.gen" | grep -v '^\([012]\|\.lock\)$')"
rm -f "$V.gen/2/usr/bin/suid"
# fail closed: a link that is not one of the template's own generations
O=$T/genbad
jt create "$O" >/dev/null
mkdir -p "$T/elsewhere" && chmod 755 "$T/elsewhere"
mv "$O" "$T/elsewhere/tree" && ln -s elsewhere/tree "$O"
out=$(jt add "$O" ls 2>&1); rc=$?
expect_eq "generations: a link to elsewhere: add refused" 1 "$rc"
expect_match "generations: ... saying it is not one of its generations" \
	"is a symlink to 'elsewhere/tree', which is not one of its generations" "$out"
rm "$O" && mkdir -m 0755 "$O.gen" && mv "$T/elsewhere/tree" "$O.gen/1" && ln -s "$(basename "$O").gen/1" "$O"
chown 65534 "$O.gen/1"
out=$(jt add "$O" ls 2>&1); rc=$?
expect_eq "generations: a link to a generation not owned by root: add refused" 1 "$rc"
expect_match "generations: ... saying so" "$O.gen/1' is not owned by root" "$out"
chown 0 "$O.gen/1"
chmod 0777 "$O.gen"
out=$(jt add "$O" ls 2>&1); rc=$?
expect_eq "generations: generations in a directory others can write: add refused" 1 "$rc"
expect_match "generations: ... saying so" "$O.gen' is writable by group or others" "$out"
chmod 0755 "$O.gen"
ln -sfn /usr "$O"
out=$(jt add "$O" ls 2>&1); rc=$?
expect_eq "generations: a link to a host directory (/usr): add refused" 1 "$rc"
expect_match "generations: ... saying so" "is a symlink to '/usr', which is not one of its generations" "$out"
out=$("$T/verify-security" "$O" 2>&1)
expect_match "generations: jail creation's check refuses it as well" "not one of its generations" "$out"
ln -sfn "$(basename "$O").gen/1" "$O"
out=$("$T/verify-security" "$O" 2>&1)
expect_eq "generations: ... and takes a good one" "secure" "$out"

# ---- the README's steps make the shipped example config pass `jailctl check` ----
# `make install PREFIX=DIR` on a scratch prefix (own build dir), then the
# template commands of the README's step 1, read from README.md itself, with
# the example's /srv/jails/web and /run/pam_jail moved under the scratch dir.
PFX=$T/prefix
if make -s -C "$TOP" B="$T/build-prefix" PREFIX="$PFX" install >"$T/install.log" 2>&1; then
	ok "make install PREFIX=DIR"
else
	not_ok "make install PREFIX=DIR" "$(tail -n 5 "$T/install.log")"
fi
steps=$(sed -n 's/^ \{7\}\(jailctl template .*\)$/\1/p' "$TOP/README.md")
expect_match "README step 1 gives the commands that make the example template" \
	'jailctl template create /srv/jails/web' "$steps"
mkdir -p -m 0755 "$T/srv/jails"
while read -r cmd args; do
	[ "$cmd" = jailctl ] || continue
	# shellcheck disable=SC2086
	out=$("$PFX/sbin/jailctl" ${args//\/srv\/jails\/web/$T/srv/jails/web} 2>&1); rc=$?
	expect_eq "README: '$cmd $args': exit 0" 0 "$rc"
	[ "$rc" = 0 ] || log "$(printf '%s\n' "$out" | tail -n 5)"
done <<<"$steps"
check "make install PREFIX=DIR installed the shipped example config" \
	cmp -s "$TOP/conf/pam_jail.conf" "$PFX/etc/security/pam_jail.conf"
sed -e "s|\"/srv/jails/web\"|\"$T/srv/jails/web\"|" -e "s|^state_dir = .*|state_dir = \"$T/run-pam_jail\"|" \
	"$PFX/etc/security/pam_jail.conf" >"$T/example.conf"
out=$("$PFX/sbin/jailctl" -c "$T/example.conf" check 2>&1); rc=$?
expect_eq "the example config passes jailctl check after the README's steps: exit 0" 0 "$rc"
expect_match "... and says OK" "^$T/example.conf: OK \(" "$out"
# README step 3: the module line that works after make install PREFIX=DIR
modpath=$(grep -o 'DIR/lib/security/pam_jail\.so' "$TOP/README.md" | head -n 1)
expect_eq "README step 3 names the module by its full path under PREFIX" "DIR/lib/security/pam_jail.so" "$modpath"
check "... where make install PREFIX=DIR put it" test -f "$PFX/${modpath#DIR/}"

echo "$N_PASS passed, $N_FAIL failed, $N_SKIP skipped"
[ "$N_FAIL" -eq 0 ]

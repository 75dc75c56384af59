#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The VM lab (make vm-check): boots a Debian guest with systemd, logind and pure
# cgroup v2 under qemu (TCG, no KVM needed), installs the .deb built from this
# tree, and runs inside it tests/vm/guest-test.sh (against the distribution's
# own sshd and its stock PAM stack with pam_systemd) and the integration suite.
#
#   tests/vm/lab.sh [--profile trixie|bookworm|trixie-ldap] [--build-only] [--no-integration] [--hold]
#
# trixie-ldap is trixie plus slapd and sssd: users and groups come from an LDAP
# directory inside the guest, and the guest runs tests/vm/guest-ldap.sh instead
# of tests/vm/guest-test.sh.
#
# --hold boots the guest with the payload and waits (for debugging: it prints the
# ssh command) until the script is killed; it runs no tests.
#
# The guest image is built from Debian's packages with mmdebstrap and cached in
# $VM_CACHE (default /var/cache/pam_jail-vm), keyed by a hash of the profile's
# package list and tests/vm/image-hook.sh.  Each run boots it with snapshot=on
# (the cached image is never written), a fresh ssh key on a small per-run
# payload disk, and qemu's user-mode network with restrict=on: the guest has no
# network at all except one port forwarded from 127.0.0.1 to its sshd.  The
# guest is always shut down and the run directory removed (trap), whatever
# happens.  Logs of the run stay in build/vm/PROFILE/.  Root only.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PROFILE=trixie
BUILD_ONLY=0
INTEGRATION=1
HOLD=0
while [ $# -gt 0 ]; do
	case $1 in
	--profile) PROFILE=$2; shift ;;
	--build-only) BUILD_ONLY=1 ;;
	--no-integration) INTEGRATION=0 ;;
	--hold) HOLD=1 ;;
	*) echo "usage: $0 [--profile trixie|bookworm|trixie-ldap] [--build-only] [--no-integration] [--hold]" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "the VM lab needs root (mmdebstrap, mkfs)" >&2; exit 77; }
VM_CACHE=${VM_CACHE:-/var/cache/pam_jail-vm}
VM_MEM=${VM_MEM:-2048}
VM_CPUS=${VM_CPUS:-2}
BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-600}
GUEST_TIMEOUT=${VM_GUEST_TIMEOUT:-5400}

# ---- the profiles: what the guest image holds ---------------------------------------
BASE_PKGS="systemd systemd-sysv udev dbus libpam-systemd openssh-server openssh-client openssh-sftp-server
	linux-image-amd64 initramfs-tools iproute2 procps psmisc kmod less busybox-static python3 pamtester
	build-essential pkg-config libcmocka-dev libpam0g-dev libconfuse-dev libcap-ng-dev libseccomp-dev libsystemd-dev
	libconfuse2 libcap-ng0 libseccomp2 bsdutils util-linux"
# the directory profile: an LDAP server and sssd (NSS and PAM), configured by the test
LDAP_PKGS="slapd ldap-utils sssd-ldap sssd-tools libnss-sss libpam-sss"
# IMG_NAME names the cached image; no profile's name may be another's followed by
# '-' (the clean-up below removes IMG_NAME-* but the current image)
IMG_NAME=$PROFILE
GUEST_TEST=guest-test.sh
case $PROFILE in
trixie) SUITE=trixie; PKGS=$BASE_PKGS ;;
bookworm) SUITE=bookworm; PKGS=$BASE_PKGS ;;
trixie-ldap) SUITE=trixie; PKGS="$BASE_PKGS $LDAP_PKGS"; IMG_NAME=trixie_ldap; GUEST_TEST=guest-ldap.sh ;;
*) echo "unknown profile '$PROFILE' (trixie, bookworm, trixie-ldap)" >&2; exit 2 ;;
esac
PKGS=$(echo $PKGS | tr ' ' '\n' | sort -u | tr '\n' ',' | sed 's/,$//')

log() { printf '# [%s] %s\n' "$(date -u +%T)" "$*"; }
die() { echo "vm-lab: $*" >&2; exit 1; }

# ---- host packages the lab needs (not part of scripts/deps.sh: a separate target) ----
need=""
for p in mmdebstrap qemu-system-x86 qemu-utils e2fsprogs openssh-client debian-archive-keyring; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
	log "installing on the host:$need"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q $need >/dev/null || die "cannot install$need"
fi

# ---- the image (cached) ---------------------------------------------------------------
KEY=$( { echo "$SUITE"; echo "$PKGS"; cat "$TOP/tests/vm/image-hook.sh"; } | sha256sum | cut -c1-16)
IMG_DIR=$VM_CACHE/$IMG_NAME-$KEY
mkdir -p "$VM_CACHE"
chmod 0700 "$VM_CACHE"
exec 8>"$VM_CACHE/.lock"
flock -w 1800 8 || die "another VM lab run holds $VM_CACHE/.lock"
if [ ! -f "$IMG_DIR/done" ]; then
	log "building the $SUITE image $IMG_DIR (mmdebstrap; a few minutes)"
	t0=$(date +%s)
	rm -rf --one-file-system "$IMG_DIR"
	mkdir -p "$IMG_DIR"
	ROOT=$IMG_DIR/root
	if ! mmdebstrap --variant=minbase --include="$PKGS" \
		--customize-hook="$TOP/tests/vm/image-hook.sh \"\$1\"" \
		"$SUITE" "$ROOT" >"$IMG_DIR/mmdebstrap.log" 2>&1; then
		tail -20 "$IMG_DIR/mmdebstrap.log" >&2
		rm -rf --one-file-system "$IMG_DIR"
		die "mmdebstrap failed"
	fi
	cp "$(ls "$ROOT"/boot/vmlinuz-* | sort -V | tail -1)" "$IMG_DIR/vmlinuz"
	cp "$(ls "$ROOT"/boot/initrd.img-* | sort -V | tail -1)" "$IMG_DIR/initrd.img"
	if ! mkfs.ext4 -q -L lab-root -d "$ROOT" "$IMG_DIR/root.img" 6G >"$IMG_DIR/mkfs.log" 2>&1; then
		cat "$IMG_DIR/mkfs.log" >&2
		rm -rf --one-file-system "$IMG_DIR"
		die "mkfs.ext4 -d failed"
	fi
	rm -rf --one-file-system "$ROOT"
	echo "$PKGS" > "$IMG_DIR/packages"
	touch "$IMG_DIR/done"
	log "image built in $(($(date +%s) - t0)) s"
else
	log "cached image $IMG_DIR"
fi
# older images of this profile are replaced, not kept
for d in "$VM_CACHE/$IMG_NAME"-*; do
	[ "$d" = "$IMG_DIR" ] || [ ! -d "$d" ] || rm -rf --one-file-system "$d"
done
[ "$BUILD_ONLY" = 1 ] && exit 0

# ---- the run: payload disk, boot, ssh, tests, teardown --------------------------------
OUT=$TOP/build/vm/$PROFILE
mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/*.txt "$OUT"/*.tap
RUN=$(mktemp -d /var/tmp/pam_jail-vm.XXXXXX)
QPID=""
teardown() {
	local rc=$?
	set +e
	if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
		kill "$QPID"
		for _ in $(seq 50); do kill -0 "$QPID" 2>/dev/null || break; sleep 0.2; done
		kill -0 "$QPID" 2>/dev/null && kill -9 "$QPID"
	fi
	rm -rf --one-file-system "$RUN"
	exit $rc
}
trap teardown EXIT
trap 'exit 130' INT TERM HUP

DEB=$(ls "$TOP"/build/pam-jail_*.deb 2>/dev/null | head -1)
[ -n "$DEB" ] || die "no package: run 'make deb' first (make vm-check does)"
mkdir -p "$RUN/payload"
ssh-keygen -q -t ed25519 -N '' -C pam_jail-vm-lab -f "$RUN/id"
cp "$RUN/id.pub" "$RUN/payload/authorized_keys"
cp "$DEB" "$RUN/payload/pam-jail.deb"
# the source tree as it is now (tracked files plus uncommitted changes)
(cd "$TOP" && git ls-files -z --cached --others --exclude-standard | \
	tar --null -T - -czf "$RUN/payload/src.tar.gz") || die "cannot pack the source tree"
cp "$TOP/tests/vm/guest.sh" "$RUN/payload/"
printf 'INTEGRATION=%s\nGUEST_TEST=%s\n' "$INTEGRATION" "$GUEST_TEST" > "$RUN/payload/lab.env"
mkfs.ext4 -q -d "$RUN/payload" "$RUN/payload.img" 64M >/dev/null || die "cannot make the payload disk"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log "booting the $PROFILE guest (qemu TCG, -smp $VM_CPUS -m $VM_MEM, ssh on 127.0.0.1:$PORT)"
t_boot=$(date +%s)
qemu-system-x86_64 -accel tcg -machine q35 -cpu max -smp "$VM_CPUS" -m "$VM_MEM" \
	-kernel "$IMG_DIR/vmlinuz" -initrd "$IMG_DIR/initrd.img" \
	-append "root=/dev/vda rw console=ttyS0 net.ifnames=0 quiet" \
	-drive file="$IMG_DIR/root.img",if=virtio,format=raw,snapshot=on \
	-drive file="$RUN/payload.img",if=virtio,format=raw,readonly=on \
	-netdev user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$PORT-:22 -device virtio-net-pci,netdev=n0 \
	-display none -monitor none -serial file:"$OUT/console.log" \
	-pidfile "$RUN/qemu.pid" -daemonize || die "qemu did not start"
QPID=$(cat "$RUN/qemu.pid")

gssh() {
	ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o LogLevel=ERROR -o ConnectTimeout=10 -o ServerAliveInterval=30 -o ServerAliveCountMax=20 \
		-i "$RUN/id" -p "$PORT" root@127.0.0.1 "$@"
}
up=0
while [ $(($(date +%s) - t_boot)) -lt "$BOOT_TIMEOUT" ]; do
	kill -0 "$QPID" 2>/dev/null || { tail -30 "$OUT/console.log" >&2; die "qemu exited during boot"; }
	if gssh true 2>/dev/null; then up=1; break; fi
	sleep 3
done
[ "$up" = 1 ] || { tail -30 "$OUT/console.log" >&2; die "the guest's sshd did not answer within $BOOT_TIMEOUT s"; }
BOOT_S=$(($(date +%s) - t_boot))
log "guest up in $BOOT_S s"
gssh 'systemctl is-system-running --wait >/dev/null 2>&1; true'
if [ "$HOLD" = 1 ]; then
	log "holding the guest for debugging: ssh -i $RUN/id -p $PORT root@127.0.0.1; end with kill $$"
	while kill -0 "$QPID" 2>/dev/null; do sleep 5 & wait $!; done
	exit 0
fi
t_tests=$(date +%s)
# in the background, so that a signal reaches the trap at once (bash runs traps
# only between foreground commands) and the teardown stops the guest
timeout "$GUEST_TIMEOUT" ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o LogLevel=ERROR -o ServerAliveInterval=30 -o ServerAliveCountMax=20 -i "$RUN/id" -p "$PORT" root@127.0.0.1 \
	'bash /mnt/lab/guest.sh' > "$OUT/guest.log" 2>&1 &
gpid=$!
tail -n +1 -f --pid=$gpid "$OUT/guest.log" &
wait $gpid
rc=$?
sleep 1
TESTS_S=$(($(date +%s) - t_tests))
# everything guest-test.sh and guest.sh wrote: facts.txt, cgls*.txt, the TAP files
gssh 'tar -C /root/lab-out -cf - .' 2>/dev/null | tar -C "$OUT" -xf - 2>/dev/null
gssh 'journalctl -b --no-pager' > "$OUT/journal.log" 2>/dev/null
gssh 'systemctl poweroff' >/dev/null 2>&1
for _ in $(seq 150); do kill -0 "$QPID" 2>/dev/null || break; sleep 0.2; done
log "boot ${BOOT_S} s, tests ${TESTS_S} s, total $(($(date +%s) - t_boot)) s; logs in $OUT"
# Debian 13's lintian on the same .deb, from a trixie chroot on the host (the guest
# image has no lintian: tests/vm/lintian.sh); findings in $OUT/lintian.txt
if [ "$SUITE" = trixie ]; then
	"$TOP/tests/vm/lintian.sh" "$DEB" "$OUT/lintian.txt" > "$OUT/lintian-summary.txt" 2>&1 || rc=1
	cat "$OUT/lintian-summary.txt"
fi
grep -E '^# (guest|integration) summary:' "$OUT/guest.log" | sed 's/^/# /'
grep -E '^# lintian summary:' "$OUT/lintian-summary.txt" 2>/dev/null | sed 's/^/# /'
exit "$rc"

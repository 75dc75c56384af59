#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# mmdebstrap --customize-hook for the VM lab's guest image (tests/vm/lab.sh).
# $1 is the guest's root directory.  Everything here is part of the image
# cache key: change it and the next `make vm-check` builds a new image.
set -eu
R=$1
echo pam-jail-lab > "$R/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 pam-jail-lab\n' > "$R/etc/hosts"
echo '/dev/vda / ext4 rw,errors=remount-ro 0 1' > "$R/etc/fstab"
# an empty machine-id: systemd makes one at each boot; no first-boot prompts
: > "$R/etc/machine-id"
ln -sf /dev/null "$R/etc/systemd/system/systemd-firstboot.service"
# the only network: qemu's user-mode NIC with restrict=on (no way out), static
# address 10.0.2.15, the one hostfwd'ed port reaches sshd
cat > "$R/etc/systemd/system/lab-net.service" <<'UNIT'
[Unit]
Description=VM lab: static address on the user-mode NIC
After=sys-subsystem-net-devices-eth0.device
Wants=sys-subsystem-net-devices-eth0.device
Before=ssh.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/ip link set lo up
ExecStart=/usr/sbin/ip link set eth0 up
ExecStart=/usr/sbin/ip addr add 10.0.2.15/24 dev eth0
[Install]
WantedBy=multi-user.target
UNIT
# the payload disk of each run (/dev/vdb: the driver's ssh key, the .deb, the
# source tree, the guest scripts), read-only; root's key comes from there
mkdir -p "$R/mnt/lab"
cat > "$R/etc/systemd/system/lab-payload.service" <<'UNIT'
[Unit]
Description=VM lab: mount the run's payload disk and install the driver's key
After=dev-vdb.device
Wants=dev-vdb.device
Before=ssh.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/bin/mount -o ro /dev/vdb /mnt/lab
ExecStart=/usr/bin/install -D -m 0600 /mnt/lab/authorized_keys /root/.ssh/authorized_keys
[Install]
WantedBy=multi-user.target
UNIT
mkdir -p "$R/etc/systemd/system/multi-user.target.wants"
ln -sf ../lab-net.service "$R/etc/systemd/system/multi-user.target.wants/lab-net.service"
ln -sf ../lab-payload.service "$R/etc/systemd/system/multi-user.target.wants/lab-payload.service"
# ssh in (key only); sshd is enabled by its package
mkdir -p "$R/etc/ssh/sshd_config.d"
printf 'PermitRootLogin prohibit-password\nPasswordAuthentication no\nUseDNS no\n' \
	> "$R/etc/ssh/sshd_config.d/00-lab.conf"
# a volatile journal: each run starts with an empty one
mkdir -p "$R/etc/systemd/journald.conf.d"
printf '[Journal]\nForwardToConsole=no\nStorage=volatile\n' > "$R/etc/systemd/journald.conf.d/lab.conf"

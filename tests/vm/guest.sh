#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs inside the VM lab guest (tests/vm/lab.sh copies it onto the payload
# disk, mounted at /mnt/lab): installs the package, unpacks the source tree,
# runs tests/vm/guest-test.sh and then the integration suite, and prints one
# summary line for each.  The guest is thrown away afterwards.
set -u
. /mnt/lab/lab.env
export LAB_OUT=/root/lab-out
mkdir -p "$LAB_OUT"
rc=0
echo "# guest: $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r), $(ssh -V 2>&1), $(systemctl --version | head -1), /sys/fs/cgroup is $(stat -fc %T /sys/fs/cgroup)"
rm -rf /root/src && mkdir -p /root/src && tar -xzf /mnt/lab/src.tar.gz -C /root/src || { echo "cannot unpack the source"; exit 1; }
if DEBIAN_FRONTEND=noninteractive dpkg -i /mnt/lab/pam-jail.deb > "$LAB_OUT/dpkg.log" 2>&1; then
	echo "# the package installs: $(dpkg-query -W -f='${Package} ${Version}' pam-jail)"
else
	echo "# the package does NOT install:"; sed 's/^/#   /' "$LAB_OUT/dpkg.log"; exit 1
fi
t0=$(date +%s)
GUEST_TEST=${GUEST_TEST:-guest-test.sh}
echo "# ---- tests/vm/$GUEST_TEST (the stock sshd + pam_systemd)"
bash "/root/src/tests/vm/$GUEST_TEST" 2>&1 | tee "$LAB_OUT/guest-test.tap"
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
echo "# guest summary: $(tail -1 "$LAB_OUT/guest-test.tap") ($(($(date +%s) - t0)) s)"
if [ "${INTEGRATION:-1}" = 1 ]; then
	t0=$(date +%s)
	echo "# ---- make check-integration (its own sshd and PAM service, inside the guest)"
	make -s -C /root/src check-integration 2>&1 | tee "$LAB_OUT/integration.tap"
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	echo "# integration summary: $(grep -E '^[0-9]+ passed, ' "$LAB_OUT/integration.tap" | tail -1) ($(($(date +%s) - t0)) s)"
fi
exit $rc

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs what building, testing and the demo need on Debian/Ubuntu.
# Runs `apt-get update` once, and only when something is missing.
set -eu
PKGS="build-essential pkg-config clang libclang-rt-14-dev libpam0g-dev libconfuse-dev libcap-ng-dev libseccomp-dev libcmocka-dev libsystemd-dev
      openssh-server openssh-client openssh-sftp-server busybox-static python3 valgrind cppcheck
      mandoc procps util-linux iproute2 lintian pamtester mmdebstrap"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi

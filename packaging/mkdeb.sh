#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# make deb: builds build/pam-jail_VERSION_ARCH.deb from a staged
# `make install DESTDIR=...` (system paths), with conffiles, md5sums, the
# setuid bit on jailsh and root ownership (dpkg-deb --root-owner-group).
set -eu
cd "$(dirname "$0")/.."
VERSION=${VERSION:-0.1.0-1}
ARCH=$(dpkg --print-architecture)
STAGE=build/deb/root
rm -rf build/deb
mkdir -p "$STAGE/DEBIAN"
# Under /usr even where pkg-config still says /lib (Debian 12's libpam and
# systemd): Debian 13's lintian rejects files in the aliased /lib
# (aliased-location, an error: dpkg can lose such files when they move),
# and both releases are merged-/usr, where /lib/... and /usr/lib/... are
# the same directory.
PAMDIR=$(pkg-config --variable=libdir pam | sed 's#^/lib/#/usr/lib/#')/security
UNITDIR=/usr/lib/systemd/system
# Builds before this one had these two under /lib; an upgrade keeps them
# (dpkg does not remove an old path that is the same file as a new one: the
# upgrade test in tests/package).  DEB_LEGACY_LIB=1 builds that old layout,
# for that test only.
if [ "${DEB_LEGACY_LIB:-0}" = 1 ]; then
	PAMDIR=${PAMDIR#/usr} UNITDIR=${UNITDIR#/usr}
fi
make -s install DESTDIR="$PWD/$STAGE" PREFIX= PAMDIR="$PAMDIR" SYSTEMDUNITDIR="$UNITDIR" >/dev/null
# Debian ships stripped objects (debug info would go to a -dbgsym package)
for f in "$STAGE"/usr/sbin/jailsh "$STAGE"/usr/sbin/jailctl "$STAGE"/usr/libexec/pam_jail/jail-init "$STAGE"/usr/libexec/pam_jail/jail-login \
	"$STAGE"/lib/*/security/pam_jail.so "$STAGE"/usr/lib/*/security/pam_jail.so; do
	[ -e "$f" ] && strip --strip-unneeded --remove-section=.comment --remove-section=.note "$f"
done
# Debian wants compressed man pages and the docs in /usr/share/doc
gzip -9n "$STAGE"/usr/share/man/man*/*
DOC=$STAGE/usr/share/doc/pam-jail
install -D -m 0644 packaging/debian/copyright "$DOC/copyright"
install -D -m 0644 packaging/debian/lintian-overrides "$STAGE/usr/share/lintian/overrides/pam-jail"
sed "s/@VERSION@/$VERSION/" packaging/debian/changelog | gzip -9n > "$DOC/changelog.Debian.gz"
install -m 0644 README.md SECURITY.md "$DOC/" 2>/dev/null || install -m 0644 README.md "$DOC/"
gzip -9n "$DOC/README.md"
[ -f "$DOC/SECURITY.md" ] && gzip -9n "$DOC/SECURITY.md"
# the documented sshd set-up, as an example: never into /etc/ssh (the admin
# names the groups; `jailctl check` audits the result)
install -D -m 0644 conf/sshd_config.d-pam_jail.conf "$DOC/examples/sshd_config.d-pam_jail.conf"
chmod 4755 "$STAGE/usr/sbin/jailsh"
echo /etc/security/pam_jail.conf > "$STAGE/DEBIAN/conffiles"
# systemd reads the user@.service drop-in (no user manager for jailed users)
# at its next reload: load it now, and forget it after removal
for s in postinst postrm; do
	install -m 0755 packaging/debian/$s "$STAGE/DEBIAN/$s"
done
dep() { echo "$1 (>= $(dpkg-query -W -f='${Version}' "$1" | sed 's/[-+~].*//'))"; }
DEPENDS="$(dep libc6), $(dep libpam0g), $(dep libconfuse2), $(dep libcap-ng0), $(dep libsystemd0)"
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" -e "s/@DEPENDS@/$DEPENDS/" \
	packaging/debian/control.in > "$STAGE/DEBIAN/control"
(cd "$STAGE" && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\0' | sort -z | xargs -0 md5sum) \
	> "$STAGE/DEBIAN/md5sums"
chmod 0644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/conffiles" "$STAGE/DEBIAN/md5sums"
OUT=${OUTDIR:-build}/pam-jail_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$OUT" >/dev/null
echo "$OUT"

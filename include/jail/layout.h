/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * STATE_DIR's layout: the one place that names what lies in it.  The
 * state record, builder, join and teardown (lib/state.c, build.c, jail.c,
 * enter.c, teardown.c), jail-init's reaper
 * (helper/jail-init.c), jailsh and jailctl all use these names.  jail-init
 * is built freestanding (see the Makefile): this header includes only
 * <stddef.h> and declares nothing but names and one prototype.
 *
 *   host STATE_DIR/U/          root-owned 0700, flock(LOCK_EX) = setup mutex
 *   host STATE_DIR/U/ref       each live login holds flock(LOCK_SH) on it
 *   host STATE_DIR/U/state     the jail's record (keys below), written to
 *                              state.tmp and renamed over it
 *   STATE_DIR/U/root           the jail root and
 *   STATE_DIR/U/skel           its skeleton layer: both only on the private
 *                              tmpfs over STATE_DIR of the jail's (and a
 *                              login's) mount namespace, never on the host;
 *                              so skel is also jailsh's sign that it runs
 *                              in a login's namespace
 *   OVERLAY_DIR/U/upper, work  mode = "overlay": the user's persistent
 *                              upper layer and overlayfs's work directory
 */
#ifndef JAIL_LAYOUT_H
#define JAIL_LAYOUT_H

#include <stddef.h>

#define JAIL_STATE_REF "ref"
#define JAIL_STATE_RECORD "state"
#define JAIL_STATE_RECORD_TMP "state.tmp"
#define JAIL_STATE_ROOT "root"
#define JAIL_STATE_SKEL "skel"
#define JAIL_OVERLAY_UPPER "upper"
#define JAIL_OVERLAY_WORK "work"

/* The state record: one "KEY=VALUE" line each; a reader ignores lines it
 * does not know.  The init is identified by pid, start and pidns together. */
#define JAIL_STATE_KEY_VERSION "version="       /* 1 */
#define JAIL_STATE_KEY_PID "pid="               /* the init's pid on the host */
#define JAIL_STATE_KEY_START "start="           /* its start time (/proc/PID/stat) */
#define JAIL_STATE_KEY_PIDNS "pidns="           /* the inode of its PID namespace */
#define JAIL_STATE_KEY_NSFLAGS "nsflags="       /* the CLONE_NEW* flags the jail has */
#define JAIL_STATE_KEY_CREATED "created="       /* time(2) of the build */
#define JAIL_STATE_KEY_TEMPLATE "template="     /* the template's name */
#define JAIL_STATE_KEY_CGROUP "cgroup="         /* the jail's cgroup name, "" without limits */
#define JAIL_STATE_KEY_GENERATION "generation=" /* the template generation; absent: unversioned */
#define JAIL_STATE_KEY_ROOTFS "rootfs="         /* the generation's directory (lowerdir) */
#define JAIL_STATE_KEY_ROOTFS_ID "rootfs_id="   /* DEV:INO of that directory */
#define JAIL_STATE_KEY_LINGER "linger="         /* seconds it outlives its last login */
#define JAIL_STATE_KEY_SETTINGS "settings="     /* jail_settings_hash() when built, hex */

/*
 * DIR/USER, or DIR/USER/LEAF when `leaf` is neither NULL nor "" (a leaf may
 * hold '/'), into buf: DIR is STATE_DIR or a template's overlay_dir, LEAF
 * one of the names above.  Trailing slashes of DIR do not count.  USER must
 * pass jail_name_valid() (one path component, never "." or "..").  Returns 0,
 * -EINVAL (USER) or -ENAMETOOLONG; buf is written even then (for a
 * message), but is no path to use.  Pure; never logs.
 */
int jail_state_path(char *buf, size_t size, const char *dir, const char *user, const char *leaf);

#endif

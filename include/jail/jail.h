/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_JAIL_H
#define JAIL_JAIL_H

#include <stdbool.h>
#include <sys/types.h>
#include "config.h"
#include "user.h"
#include "error.h"
#include "layout.h"

/*
 * Life cycle of user U's jail (see docs/DESIGN.md; STATE_DIR's layout is
 * in include/jail/layout.h).
 *
 * The jail itself is a mount + PID + IPC (+ net) namespace kept alive by a
 * tiny init (pid 1 of the PID namespace).  The mount namespace holds only
 * the jail's mounts: it is built on a private tmpfs over STATE_DIR, at
 * STATE_DIR/U/root, then pivot_root makes that its root and the copy of the
 * host's mounts is detached.  Each login gets a mount namespace of its own
 * (jail_enter) with the jail's tree at STATE_DIR/U/root again.  Nothing is
 * mounted in the host's namespace.
 */
/*
 * The longest any lock wait in the library lasts (the user-dir mutex, a
 * login reference).  A wait that times out fails with -ETIMEDOUT and names
 * the holder (pid and command from /proc/locks).  Normal holds last
 * milliseconds; the longest legitimate one is a jail build (template walk,
 * setup), which takes well under a second on a sane host.
 */
#define JAIL_LOCK_TIMEOUT_MS 10000
/* how long a lock wait goes on past JAIL_LOCK_TIMEOUT_MS while the holder
 * is running or sleeping (only slow), in all */
#define JAIL_LOCK_HARD_TIMEOUT_MS 60000

struct jail_handle {
	int state_fd;   /* host STATE_DIR */
	int user_fd;    /* host STATE_DIR/U */
	int ref_fd;     /* holds LOCK_SH while this login lives */
	int pidfd;      /* the jail's init */
	pid_t init_pid;
	int ns_flags;   /* CLONE_NEW* the jail has */
	bool created;   /* this call built the jail */
	unsigned linger_s; /* the jail outlives its last login by this (its record's) */
	char user[65];
	char template_name[65];
	char cgroup[96];  /* the jail's cgroup name ("" without limits) */
	/* created with home_mode_check = "warn" and a home other users can
	 * reach: why (for the caller's log line), else "" */
	char home_warning[192];
};

#define JAIL_HANDLE_INIT                                                                        \
	{                                                                                       \
		.state_fd = -1, .user_fd = -1, .ref_fd = -1, .pidfd = -1, .init_pid = 0,        \
	}

/* Builds (first login) or joins (later logins) U's jail and takes a login
 * reference.  `init_path` is the jail-init program.  Returns 0 or -errno,
 * with detail in err.  Never logs. */
int jail_acquire(const struct jail_config *c, const struct jail_template *t,
		 const struct jail_user *u, const char *init_path, struct jail_handle *h,
		 struct jail_error *err);

/*
 * The host objects U's jail is built from, opened and checked exactly as
 * jail creation does (jail_acquire() calls this; `jailctl check --user`
 * calls it to tell whether a login would be refused, and why):
 *   - the template is a trusted directory that passes the security walk
 *     (jail_template_verify_cached(), or with JAIL_INPUTS_REFRESH a full
 *     walk that refreshes the cache: jail_template_verify_refresh()),
 *     always first, so that a refresh happens whatever else fails;
 *   - the home path is one a jail can mount, and resolves to one; the home
 *     is the user's; the jail-init at `init_path` is trusted;
 *   - every bind source of the template is trusted;
 *   - with sftp_log, the host's /dev/log is a root-owned socket reached
 *     through root-owned directories only.
 * All fds are O_PATH and O_CLOEXEC.  Returns 0 and fills *ret, or -errno
 * with the reason in err (the message a refused login logs).  Never logs.
 */
struct jail_inputs {
	int template_fd;
	int home_fd;
	int init_fd;
	int *bind_fds;  /* t->binds[i].source, n_binds of them */
	size_t n_binds;
	int devlog_fd;  /* sftp_log: the host's /dev/log socket, else -1 */
	char home_warning[192]; /* home_mode_check = "warn": why the home is reachable, else "" */
	long generation;        /* the template's generation template_fd is, -1: unversioned */
	char template_path[4096]; /* its path (jail_template_resolve()) */
};
#define JAIL_INPUTS_INIT                                                                         \
	{                                                                                        \
		.template_fd = -1, .home_fd = -1, .init_fd = -1, .bind_fds = NULL, .n_binds = 0, \
		.devlog_fd = -1, .home_warning = "", .generation = -1, .template_path = ""       \
	}
enum {
	JAIL_INPUTS_REFRESH = 1 << 0, /* walk the template fully, refresh its cache entry */
};
int jail_inputs_open(const struct jail_config *c, const struct jail_template *t,
		     const struct jail_user *u, const char *init_path, int state_fd, unsigned flags,
		     struct jail_inputs *ret, struct jail_error *err);
void jail_inputs_close(struct jail_inputs *in);

/* Like jail_acquire() for a jail that is already alive: takes a login
 * reference, never builds one.  Returns 0, -ESRCH (no live jail) or -errno. */
int jail_join_existing(const struct jail_config *c, const char *user, struct jail_handle *h,
		       struct jail_error *err);

/*
 * Moves the calling process into the jail's PID, IPC and network namespaces
 * (`ns_flags` subset of h->ns_flags; CLONE_NEWPID affects children only).
 * With CLONE_NEWNS, into a mount namespace of its own for this login, not
 * the jail's: the jail's namespace holds only the jail, while the caller
 * (sshd's monitor, su, jailsh's relay) goes on needing the host's files.
 * The login's namespace is a copy of the caller's (a slave of it) without
 * the host mounts that none of them needs (FUSE, /mnt, /media, /srv, other
 * homes: what is not a system tree nor on the way to STATE_DIR, u's home
 * or u's login shell), with the jail's mount tree at STATE_DIR/U/root, the
 * root of the login's sessions at STATE_DIR/U/skel (a read-only tmpfs with
 * the directories down to STATE_DIR/U/root and a copy of the jail's tree
 * there) and the jail's devpts at /dev/pts.  The login's own processes do not stay in
 * it: jail_enter_root() and jail_session_root() give them a namespace that
 * holds the jail alone.  `login_record` (NULL: none) is where jailsh looks
 * for the login record (include/jail/login-record.h), bound there in the
 * login's namespace.  Returns 0 or -errno.
 */
int jail_enter(const struct jail_config *c, const struct jail_handle *h, const struct jail_user *u,
	       int ns_flags, const char *login_record, struct jail_error *err);

/*
 * In a login's namespace (jail_enter), for the process that becomes the
 * user's (jailsh's shell, jailctl enter): jail_session_root(), then chroot
 * into STATE_DIR/U/root.  A mount namespace with nothing of the host's left
 * in it, and a root below the namespace's, so that the kernel still refuses
 * the process a user namespace (it does for chrooted processes only).
 * Returns 0 or -errno.
 */
int jail_enter_root(const char *state_dir, const char *user, struct jail_error *err);

/*
 * In a login's namespace, for sshd's session child in ChrootDirectory mode
 * (pam_sm_setcred, before sshd's chroot): a mount namespace of its own whose
 * root is the login's STATE_DIR/U/skel (jail_enter), a read-only tmpfs
 * holding only the directories down to STATE_DIR/U/root, with the jail's
 * tree there; the rest of the login's namespace is detached.  sshd's ChrootDirectory
 * (that path) then enters the jail as before; if sshd does not chroot (its
 * Match and the config disagree, e.g. a directory's group membership seen
 * at different times), the child still reaches nothing but the jail, and
 * the user's shell, absent there, cannot even start.  Returns 0 or -errno.
 */
int jail_session_root(const char *state_dir, const char *user, struct jail_error *err);

/*
 * What jail_enter() prepares in the login's namespace for jail_session_root():
 * on STATE_DIR/U/skel a read-only tmpfs with root-owned 0755 directories down
 * to the jail root's path (as sshd's safely_chroot() wants them) and there a
 * copy of the jail's tree at STATE_DIR/U/root.  Returns 0 or -errno.
 */
int jail_session_root_prepare(const char *state_dir, const char *user, struct jail_error *err);

/* Moves the calling process into the jail's cgroup (no-op without limits).
 * Returns 0 or -errno. */
int jail_attach_cgroup(const struct jail_handle *h, struct jail_error *err);

/* Removes empty cgroups of our sub-tree that belong to no live jail (left
 * by crashes).  Returns how many were removed. */
int jail_gc_cgroups(const struct jail_config *c);

/* Drops the login reference; if it was the last one, tears the jail down
 * (kills its init, which ends every process in it, removes the state),
 * unless the jail lingers (linger_s): then it marks the time on its `ref`
 * and leaves the end to the jail's init (helper/jail-init.c).  Sets
 * *ret_torn_down.  Always closes the handle's fds.  Returns 0 or -errno. */
int jail_release(struct jail_handle *h, bool *ret_torn_down, struct jail_error *err);

/* Closes the handle's fds without teardown (pam_end in a forked child). */
void jail_handle_close(struct jail_handle *h);

/* Status of user `user`'s jail as seen from the host, for jailctl. */
struct jail_status {
	bool exists;      /* a state file is present */
	bool alive;       /* its init runs */
	int logins;       /* live login references (-1 if unknown) */
	pid_t init_pid;
	long long created; /* unix time */
	char template_name[65];
	long generation;   /* of the template the jail was built from, -1: unversioned */
	/* that generation's directory when built ("" for jails older than
	 * generations), and its identity (0: unknown), which renames keep */
	char template_path[4096];
	unsigned long long template_dev, template_ino;
	unsigned linger_s; /* seconds it outlives its last login */
	int processes;     /* processes in the jail's PID namespace, init included */
	unsigned long long rss_kb; /* their resident memory */
};
int jail_status(const struct jail_config *c, const char *user, struct jail_status *ret,
		struct jail_error *err);

/* Tears U's jail down.  With force=false only if no login holds it and it
 * does not linger, or its init is gone (gc); with force=true also while
 * logins live or it lingers (jailctl stop).  Sets
 * *ret_done when something was removed.  Returns 0 or -errno. */
int jail_teardown(const struct jail_config *c, const char *user, bool force, bool *ret_done,
		  struct jail_error *err);

/* Ends jail-inits of ours (see lib/jail.c is_our_init: root, pid 1 of its
 * PID namespace, argv "jail-init USER", program `init_path`, holding
 * c->state_dir) that no STATE_DIR/U/state names, e.g. left by a crash of an
 * older version.  Calls report(pid, user, NULL, data) for each one ended,
 * report(pid, user, why, data) for one it had to leave (the user's state
 * stayed locked).  Returns how many were ended or -errno. */
int jail_gc_inits(const struct jail_config *c, const char *init_path,
		  void (*report)(pid_t pid, const char *user, const char *what, void *data),
		  void *data);

/* Drops every capability the running kernel knows (cap_last_cap, which may
 * be more than our headers know) from the bounding set. */
int jail_bounding_set_empty(struct jail_error *err);
/* Drops every capability including the bounding and ambient sets, and sets
 * no_new_privs; when uid != (uid_t)-1 also switches to uid/gid/gids first.
 * Verifies that regaining root fails.  Returns 0 or -errno. */
int jail_drop_privileges(uid_t uid, gid_t gid, const gid_t *gids, size_t n_gids,
			 struct jail_error *err);

#endif

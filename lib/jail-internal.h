/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the files of lib/ that build, join and tear down jails share, and
 * nothing outside lib/ may use: the state record in memory and the
 * functions one file lends the others.  Return 0 (or what is said) or
 * -errno; none logs.
 */
#ifndef JAIL_INTERNAL_H
#define JAIL_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>
#include "jail/error.h"
#include "jail/config.h"
#include "jail/user.h"
#include "jail/jail.h"

/* STATE_DIR/U/state in memory (the keys: include/jail/layout.h) */
struct state {
	pid_t pid;
	unsigned long long start;
	unsigned long long pidns;
	int ns_flags;
	long long created;
	char template_name[65];
	char cgroup[96];
	long generation;          /* of the template, -1: unversioned */
	char template_path[4096]; /* the generation's directory (lowerdir) when built */
	unsigned long long template_dev, template_ino; /* and its identity, which renames keep */
	unsigned linger_s;        /* the template's linger when built */
	unsigned long long settings; /* jail_settings_hash() when built, 0: unknown (older) */
};

/* ---- lib/state.c ---- */
/* Reads STATE_DIR/U/state (user_fd: STATE_DIR/U) into *s; -EBADMSG if it
 * names no init. */
int jail_state_read(int user_fd, struct state *s);
/* Writes *s to STATE_DIR/U/state, through state.tmp and rename(2). */
int jail_state_write(int user_fd, const struct state *s);
/* The start time (/proc/PID/stat) and the inode of namespace `ns` of pid. */
int jail_proc_start_time(pid_t pid, unsigned long long *ret);
int jail_proc_ns_inode(pid_t pid, const char *ns, unsigned long long *ret);
/* A pidfd of the init *s names if it is still that process, else -ESRCH. */
int jail_init_open(const struct state *s);
/* SIGKILL to the init (its whole PID namespace); waits up to wait_ms for
 * every process of it to be reaped. */
void jail_init_kill(int pidfd, int wait_ms);
/* CLOCK_MONOTONIC in ms. */
long long jail_now_ms(void);
/* flock(fd, op) retried until `deadline` (jail_now_ms()); -ETIMEDOUT with
 * the holder named in err. */
int jail_lock_until(int fd, int op, long long deadline, const char *what, struct jail_error *err);
/* Opens (with `create`: makes) STATE_DIR/U and takes its mutex; the fd. */
int jail_user_dir_lock(int state_fd, const char *user, bool create, struct jail_error *err);
/* A login's reference: LOCK_SH on STATE_DIR/U/ref; the fd. */
int jail_ref_take(int user_fd, const char *user, struct jail_error *err);
/* 1 if nobody holds a login reference, 0 if somebody does. */
int jail_refs_free(int user_fd);

/* ---- lib/build.c ---- */
/* Builds U's jail (see lib/build.c); *ret describes its init, and
 * *ret_commit_fd is the commit socket the init waits on. */
int jail_build_create(const struct jail_config *c, const struct jail_template *t,
		      const struct jail_user *u, const char *init_path, int state_fd,
		      struct state *ret, int *ret_commit_fd, char *ret_warning, size_t warning_size,
		      struct jail_error *err);
/* jail_mkdir_p(): include/jail/plan.h (lib/apply.c) */

/* ---- lib/teardown.c ---- */
/* Removes U's jail: the caller holds the mutex (user_fd locked); `known`
 * is the caller's handle, whose pidfd is used as is, or NULL. */
void jail_teardown_locked(int state_fd, int user_fd, const char *user, int wait_ms,
			  const struct jail_handle *known);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_CGROUP_H
#define JAIL_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"

#define JAIL_CGROUP_ROOT "/sys/fs/cgroup"
#define JAIL_CGROUP_DIR "pam_jail" /* our own sub-tree in each hierarchy */

/* Per-template limits; 0 / "" means "no limit". */
struct jail_limits {
	unsigned long long memory; /* bytes */
	long pids;
	unsigned cpu_percent;      /* 100 = one CPU */
	bool required;             /* refuse logins if the host cannot enforce them */
};

enum jail_controller { JAIL_CG_MEMORY, JAIL_CG_PIDS, JAIL_CG_CPU, _JAIL_CG_MAX };

/* What the host offers, found at run time: pure cgroup v2 with the
 * controllers available at the root, or v1 hierarchies per controller
 * (hybrid hosts, where the v2 tree carries no controllers). */
struct jail_cgroup_host {
	bool v2;
	bool have[_JAIL_CG_MAX];
	char root[128]; /* the cgroup file system root */
};

/* Inspects `root` (JAIL_CGROUP_ROOT, or a test directory). Never fails:
 * what is not found is simply not available. */
void jail_cgroup_detect(const char *root, struct jail_cgroup_host *ret);

bool jail_limits_any(const struct jail_limits *l);

/* Names the limits of `l` that `host` cannot enforce into buf ("" if none).
 * Returns the number of such limits. */
int jail_limits_unsupported(const struct jail_limits *l, const struct jail_cgroup_host *host,
			    char *buf, size_t size);

/* Creates cgroup `name` under our sub-tree of every hierarchy that enforces
 * one of the limits, writes the limits and moves `pid` in.  Limits the host
 * cannot enforce are skipped, or refused (-EOPNOTSUPP) when l->required.
 * Returns 0 or -errno; on failure nothing is left behind. */
int jail_cgroup_setup(const struct jail_cgroup_host *host, const char *name,
		      const struct jail_limits *l, pid_t pid, struct jail_error *err);

/* Moves `pid` (0: the caller) into cgroup `name` in every hierarchy where it
 * exists.  Returns 0 or -errno. */
int jail_cgroup_attach(const struct jail_cgroup_host *host, const char *name, pid_t pid,
		       struct jail_error *err);

/* 1 if cgroup `name` has a pids limit and is at it (a fork inside would
 * fail), 0 if not or if it has no pids limit. */
int jail_cgroup_pids_exhausted(const struct jail_cgroup_host *host, const char *name);

/* The cgroups a login into jail cgroup `name` of user `uid` must run in for
 * limits `l` to hold, as a login record's cgroup value ("-": none; see
 * include/jail/login-record.h): the user's slice on a systemd host (taken
 * from the caller's own /proc/self/cgroup), else the jail's cgroup in each
 * hierarchy that enforces one of the limits.  Returns 0 or -errno. */
int jail_cgroup_expected(const struct jail_limits *l, const char *name, uid_t uid, char *buf,
			 size_t size);

/* Removes cgroup `name` everywhere (rmdir only: it must be empty). Returns 0
 * when nothing of it is left, -EBUSY while processes are still inside. */
int jail_cgroup_remove(const struct jail_cgroup_host *host, const char *name);

/* Parses "512M", "1G", "1024" (bytes) -> bytes; "50%" -> 50.  Returns 0 or -EINVAL. */
int jail_parse_bytes(const char *s, unsigned long long *ret);
int jail_parse_percent(const char *s, unsigned *ret);

#endif

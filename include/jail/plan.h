/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_PLAN_H
#define JAIL_PLAN_H

/*
 * A jail's file system as data.  jail_plan_jail() turns the config, the user
 * and a few facts about the opened sources into a plain list of operations
 * (directories, generated files, mounts, the pivot into the jail's root); it
 * makes no system call and needs no privilege, so every option is
 * unit-tested without root (tests/unit/test-plan.c).  jail_plan_apply() is the
 * one loop that carries a plan out, in the setup child of the jail's
 * builder, in the jail's fresh mount namespace (lib/jail.c, run_setup).
 *
 * Mount sources never travel as paths: an operation names an fd slot, and
 * the builder fills the slots with sources it opened and checked (the
 * template, the home, each bind source...).  A path built from a user's name
 * or home therefore never reaches a mount option string.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "config.h"
#include "error.h"
#include "user.h"

enum jail_op_kind {
	JAIL_OP_MKDIR,   /* mkdir(path, mode) */
	JAIL_OP_MKDIR_P, /* path and its missing parents, mode */
	JAIL_OP_FILE,    /* a new file at path holding data, mode */
	JAIL_OP_OPEN,    /* open the directory at path (O_PATH) into slot `dst` */
	JAIL_OP_TMPFS,   /* a tmpfs on path: mount flags, options in data */
	JAIL_OP_DEVPTS,  /* a devpts instance on path: mount flags, options in data */
	JAIL_OP_OVERLAY, /* an overlay on path: lower = slots lower[0] (top), lower[1];
			    upper/work = slots upper, work, or JAIL_SLOT_NONE */
	JAIL_OP_BIND,    /* bind the source in slot `src` on path */
	JAIL_OP_SETATTR, /* mount_setattr(path): set the MOUNT_ATTR_* in attr */
	JAIL_OP_MKNOD,   /* a character device at path: mode, dev */
	JAIL_OP_PIVOT,   /* path becomes "/": pivot_root, the old root detached */
};

/* The fd slots a plan refers to; the bind sources follow JAIL_SLOT_BIND0. */
enum jail_slot {
	JAIL_SLOT_NONE = -1,
	JAIL_SLOT_TEMPLATE = 0, /* the template's root directory */
	JAIL_SLOT_HOME,         /* the user's home */
	JAIL_SLOT_SKEL,         /* STATE_DIR/U/skel, opened by the plan itself */
	JAIL_SLOT_UPPER,        /* mode = "overlay": the upper layer and its work dir */
	JAIL_SLOT_WORK,
	JAIL_SLOT_DEVLOG,       /* sftp_log: the host's /dev/log */
	JAIL_SLOT_BIND0,        /* t->binds[i] is slot JAIL_SLOT_BIND0 + i */
};

struct jail_op {
	enum jail_op_kind kind;
	char *path;               /* absolute, in the setup's mount namespace */
	char *data;               /* FILE: content; TMPFS, DEVPTS: mount options */
	mode_t mode;              /* MKDIR, MKDIR_P, FILE, MKNOD */
	dev_t dev;                /* MKNOD */
	unsigned long flags;      /* TMPFS, DEVPTS, OVERLAY: MS_* mount flags */
	unsigned long long attr;  /* SETATTR: MOUNT_ATTR_* to set */
	int src, dst;             /* BIND: source slot; OPEN: the slot filled */
	int lower[2], upper, work; /* OVERLAY */
	char *what;               /* the error's beginning: "cannot mount /tmp" */
};

struct jail_plan {
	struct jail_op *ops;
	size_t n_ops, cap;
	size_t n_slots;           /* JAIL_SLOT_BIND0 + the number of binds */
};

/* What the planner needs beyond the config: facts the builder learnt from
 * the sources it opened, and the files it generated. */
struct jail_plan_input {
	const char *state_dir;
	const char *user;
	const char *home;
	const struct jail_template *t;
	const bool *bind_is_dir;  /* t->binds[i]'s source is a directory */
	bool has_var_tmp;         /* the template has /var/tmp (it gets a tmpfs too) */
	bool devlog;              /* sftp_log: bind the host's /dev/log */
	gid_t tty_gid;            /* group of the jail's terminals */
	const char *passwd;       /* the jail's /etc/passwd and /etc/group */
	const char *group;
	const char *upper_path;   /* mode = "overlay": for messages */
};

/* Fills `p` (zeroed by the caller) with the jail's operations.  Returns 0,
 * -ENAMETOOLONG ("path too long" in err) or -ENOMEM; free with
 * jail_plan_free() either way. */
int jail_plan_jail(const struct jail_plan_input *in, struct jail_plan *p, struct jail_error *err);
void jail_plan_free(struct jail_plan *p);

/* One line describing `op` ("tmpfs /run/pam_jail/alice/root/tmp
 * mode=1777,..."), for tests and debugging.  Returns `buf`. */
const char *jail_op_format(const struct jail_op *op, char *buf, size_t size);

/* Carries out `p` in order; slots[] holds p->n_slots fds (JAIL_SLOT_NONE or
 * -1 where unused; OPEN fills its slot, closed by the caller).  Stops at the
 * first failure: returns its -errno with "WHAT: strerror" in err. */
int jail_plan_apply(const struct jail_plan *p, int *slots, struct jail_error *err);

/*
 * A hash (64-bit FNV-1a) of everything of `t` and `u` that a jail is built
 * from: the template's settings but its name, file and lines, and the
 * user's name, ids, groups and home.  A jail records it when built; a login
 * that finds the user's jail idle (linger) and recorded with another value
 * builds a new one, so that a changed config reaches the next login even
 * while the old jail lingers.  Never 0 (0 is "unknown": a jail built
 * before the record had it).  Pure.
 */
unsigned long long jail_settings_hash(const struct jail_template *t, const struct jail_user *u);

/* mkdir -p: `path` and its missing parents with `mode`.  0 or -errno. */
int jail_mkdir_p(const char *path, mode_t mode);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_CONFIG_H
#define JAIL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "cgroup.h"
#include "error.h"

#define JAIL_DEFAULT_STATE_DIR "/run/pam_jail"
#define JAIL_DEFAULT_SHELL "/bin/sh"
#define JAIL_DEFAULT_TMP_SIZE "10%"
/* ptys of one jail's devpts (the kernel shares pty.max - pty.reserve
 * among every devpts instance but the host's) */
#define JAIL_DEFAULT_PTY_MAX 64
#define JAIL_MAX_PTY_MAX 4096
/* tmp_inodes unset: one inode per this many bytes of tmp_size, at least
 * JAIL_TMP_MIN_INODES (an empty file costs kernel memory, not tmpfs size) */
#define JAIL_TMP_BYTES_PER_INODE 4096ULL
#define JAIL_TMP_MIN_INODES 256ULL
#define JAIL_DEFAULT_OVERLAY_DIR "/var/lib/pam_jail"
/* seconds a template stays verified without a full walk (template.h) */
#define JAIL_DEFAULT_VERIFY_INTERVAL 60
#define JAIL_MAX_VERIFY_INTERVAL 86400
/* seconds a jail lives on after its last login (linger); 0: it ends then */
#define JAIL_MAX_LINGER 86400

struct jail_bind {
	char *source;    /* host path, root-owned chain, never a symlink */
	char *target;    /* path inside the jail (default: same as source) */
	bool read_only;  /* default true */
	bool shared;     /* shared = true: the admin accepts a place other users share */
	unsigned line;
};

/* landlock = "auto" | true | false */
enum jail_landlock_mode {
	JAIL_LANDLOCK_OFF = 0,  /* false: the documented opt-out */
	JAIL_LANDLOCK_AUTO,     /* "auto" (default): scoped where the kernel can */
	JAIL_LANDLOCK_REQUIRED, /* true: refuse the login where it cannot */
};

/* home_mode_check = "refuse" | "warn" | "off" */
enum jail_home_check {
	JAIL_HOME_CHECK_REFUSE = 0, /* default */
	JAIL_HOME_CHECK_WARN,
	JAIL_HOME_CHECK_OFF,
};

struct jail_template {
	char *name;
	char *rootfs;   /* absolute, root-owned directory, bound read-only */
	char *shell;    /* absolute path inside rootfs, run by jailsh */
	char *tmp_size; /* tmpfs size= for /tmp and /var/tmp */
	unsigned long long tmp_inodes; /* tmpfs nr_inodes= (0: from tmp_size) */
	unsigned pty_max; /* devpts max= of the jail's own instance */
	bool network_none; /* network = "none": own network namespace, loopback only */
	struct jail_limits limits; /* limits { memory pids cpu required } */
	bool seccomp;      /* seccomp = true: block jail_seccomp_blocked[] */
	enum jail_landlock_mode landlock; /* abstract unix sockets scoped to each login */
	enum jail_home_check home_check;  /* home_mode_check: a home other users can reach */
	bool sftp_log;     /* sftp_log = true: the host's /dev/log socket at the jail's /dev/log */
	unsigned linger_s; /* linger: seconds the jail outlives its last login (0: none) */
	struct jail_bind *binds; /* bind "SRC" { target read_only } layers */
	size_t n_binds;
	bool overlay;      /* mode = "overlay": persistent per-user upper layer */
	char *overlay_dir; /* upper layers live in overlay_dir/USER/{upper,work} */
	char **writable;   /* directories the user owns in the upper layer */
	size_t n_writable;
	unsigned line;  /* where `template "name" {` starts */
	unsigned rootfs_line;
	char *file;     /* the file it is in (the main config or a drop-in) */
};

struct jail_rule {
	char *name;     /* user or group name */
	size_t template_index;
	unsigned line;
	unsigned ref_line; /* line of `template = ...` */
	char *template_ref;
	char *file;
};

struct jail_config {
	char *path;      /* the file that was parsed */
	char *state_dir;
	char *include_dir; /* drop-ins: *.conf in name order, or NULL */
	unsigned template_verify_interval; /* 0: walk every template at every creation */
	struct jail_template *templates;
	size_t n_templates;
	struct jail_rule *users;
	size_t n_users;
	struct jail_rule *groups;   /* in file order: the first match wins */
	size_t n_groups;
};

enum {
	/* Refuse a file (and its directories) that is not root-owned or is
	 * writable by group/others, and refuse a symlink as the file itself. */
	JAIL_CONFIG_CHECK_OWNER = 1 << 0,
	/* Skip checks that touch the file system for referenced paths
	 * (rootfs existence/ownership); used by unit tests of the pure parser. */
	JAIL_CONFIG_NO_FS_CHECKS = 1 << 1,
};

/* Whether a host path may be bound into jails: not the host's /etc as a whole
 * (nor any ancestor of it), not /root, /home, /proc, /sys, /dev, /boot, /run,
 * secrets under /etc (shadow, gshadow, sudoers, ssh, security), nor anything
 * of or above `state_dir`.  Returns NULL or the reason. */
const char *jail_bind_source_refused(const char *source, const char *state_dir);
/* Whether a host path is a place other users share (or holds one): /tmp,
 * /var/tmp, /var/crash, /var/mail, /var/spool, /var/lock, or a directory
 * above one of these (one below is judged by its owner and mode).  Such a
 * bind needs `shared = true`.  Returns NULL or the reason. */
const char *jail_bind_source_shared(const char *source);

/* Parses and validates the config at `path`.  Returns 0 or -errno; on
 * failure `err` holds "FILE:LINE: message" detail.  Never logs. */
int jail_config_load(const char *path, unsigned flags, struct jail_config **ret,
		     struct jail_error *err);
/* Parses an already opened and checked file descriptor (takes no ownership).
 * `path` is used for messages only. */
int jail_config_load_fd(int fd, const char *path, unsigned flags, struct jail_config **ret,
			struct jail_error *err);
void jail_config_free(struct jail_config *c);

/* nr_inodes= for the template's /tmp and /var/tmp: tmp_inodes if set, else
 * one per JAIL_TMP_BYTES_PER_INODE of tmp_size (a "N%" size is taken of
 * the RAM, as tmpfs does), at least JAIL_TMP_MIN_INODES. */
unsigned long long jail_template_tmp_inodes(const struct jail_template *t);

/* Which template applies to a user with name `user` that is a member of the
 * groups `groups[0..n_groups)`: a user entry wins, otherwise the first group
 * entry in file order.  Returns the template or NULL (user not covered).
 * `ret_rule_is_group`/`ret_rule` say which entry matched (may be NULL). */
const struct jail_template *jail_config_match(const struct jail_config *c, const char *user,
					      char *const *groups, size_t n_groups,
					      const struct jail_rule **ret_rule,
					      bool *ret_rule_is_group);

/*
 * The one decision whether, and where, a user is jailed: made here for the
 * PAM module, jailsh and `jailctl user-manager` alike, so that they cannot
 * disagree (the module jailing a login that jailctl lets run a user manager
 * outside the jail, say).
 *  - root is never jailed: FREE, the config is not read;
 *  - a config that loads: JAILED in the template its first matching entry
 *    names (a user entry before any group entry), otherwise FREE;
 *  - a config that does not load refuses everybody it might jail: REFUSE
 *    when it is missing, unreadable or insecure (it names nobody we can
 *    trust) or when it mentions the user or one of their groups
 *    (jail_config_mentions); FREE otherwise, with `err` set so that the
 *    caller can say the config is broken.
 * The caller picks what a verdict means for it (the module: ignore or
 * refuse the session; jailsh, the user's shell: refuse anything but JAILED).
 */
enum jail_verdict {
	JAIL_VERDICT_FREE,
	JAIL_VERDICT_JAILED,
	JAIL_VERDICT_REFUSE,
};

struct jail_decision {
	enum jail_verdict verdict;
	struct jail_config *cfg;       /* the loaded config (JAILED, FREE from a good config) */
	const struct jail_template *t; /* JAILED: the template */
	const struct jail_rule *rule;  /* JAILED: the entry that matched */
	bool by_group;                 /* JAILED: `rule` is a group entry */
	bool config_missing;           /* REFUSE: the file does not exist */
	struct jail_error err;         /* the config error (REFUSE, or FREE despite one) */
};

/* Fills `d` (`flags` as for jail_config_load); never fails (a config that
 * cannot be read is a verdict).  Free with jail_decision_done(). */
void jail_config_decide(const char *path, unsigned flags, const char *user, uid_t uid,
			char *const *groups, size_t n_groups, struct jail_decision *d);
/* The same without sparing the users a broken config does not mention:
 * every config error is REFUSE.  For jailsh, the user's shell, which must
 * refuse whatever is not JAILED anyway (and so links none of the
 * config-text scanning of jail_config_mentions). */
void jail_config_decide_strict(const char *path, unsigned flags, const char *user, uid_t uid,
			       char *const *groups, size_t n_groups, struct jail_decision *d);
void jail_decision_done(struct jail_decision *d);

/*
 * For a config that failed to load: does it name `user` or any of `groups`?
 * Used to fail closed for everybody a broken config might jail while sparing
 * everybody else.
 *  - If libconfuse can read the file (only our checks failed, or a drop-in,
 *    or a path), exactly the titles of its `user` and `group` entries count,
 *    as libconfuse reads them (escapes decoded, comments not), and the
 *    drop-ins of its include_dir are read the same way.
 *  - If libconfuse cannot read it, the user or a group counts when it appears
 *    anywhere as a word, comments included, as written or with libconfuse's
 *    escapes decoded; so do the drop-ins of every path that follows an
 *    "include_dir" in it.
 * Returns 1 (mentioned, or something cannot be read), 0 (not mentioned).
 */
int jail_config_mentions(const char *path, const char *user, char *const *groups, size_t n_groups);
/* The same for one file's text (`dropin`: a drop-in's schema).  Returns 1
 * (mentioned), 0 (not; *ret_dirs: NULL or a NULL-terminated list of the
 * include_dir candidates, free with jail_strv_free) or -ENOMEM. */
int jail_config_text_mentions(const char *text, bool dropin, const char *user, char *const *groups,
			      size_t n_groups, char ***ret_dirs);
void jail_strv_free(char **v);

#endif

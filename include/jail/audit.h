/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_AUDIT_H
#define JAIL_AUDIT_H

/*
 * What `jailctl check` reads about the host beyond the config file: the PAM
 * stacks that hold pam_jail.so and sshd's effective settings for a user.
 * Parsing only; jailctl decides what is a risk.  Nothing here logs.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "error.h"

/* ---- PAM stacks ---------------------------------------------------------------- */

enum jail_pam_kind {
	JAIL_PAM_BLANK,    /* empty or comment */
	JAIL_PAM_MODULE,   /* TYPE CONTROL MODULE [ARGS] */
	JAIL_PAM_INCLUDE,  /* TYPE include|substack FILE: that file's lines of TYPE */
	JAIL_PAM_INCLUDE_ALL, /* @include FILE (Debian): every line of FILE */
	JAIL_PAM_INVALID,
};

struct jail_pam_line {
	enum jail_pam_kind kind;
	char type[16];     /* auth account password session, without a leading '-' */
	char target[256];  /* the module path, or the included file */
};

/* Parses one logical line of a /etc/pam.d file (comments and trailing
 * newline allowed).  Never fails: what it cannot read is JAIL_PAM_INVALID. */
void jail_pam_line_parse(const char *line, struct jail_pam_line *ret);

/* Whether `module` (a path or a bare name) names pam_jail.so. */
bool jail_pam_is_ours(const char *module);

/*
 * Reads service file `service` in directory `dir_fd` (usually /etc/pam.d),
 * following `@include`, `include` and `substack` (relative names in dir_fd,
 * absolute ones as they are; at most 8 deep) and tells whether a session and
 * an auth line load pam_jail.so.  Returns 0, or -errno when the service file
 * itself cannot be read (an include that cannot be read is skipped, as PAM
 * fails that stack at run time anyway).
 */
int jail_pam_service_scan(int dir_fd, const char *service, bool *ret_session, bool *ret_auth);

/* ---- sshd -T ------------------------------------------------------------------- */

struct jail_sshd_settings {
	char chroot[512];        /* chrootdirectory ("none" when unset), unexpanded */
	char sftp[512];          /* the command of `subsystem sftp`, "" when none */
	char internal_sftp[64];  /* the first subsystem (any name: the client picks
				  * it) whose command is internal-sftp, "" when none */
	char force_command[512]; /* forcecommand ("none" when unset) */
	bool tcp_forwarding;     /* allowtcpforwarding is not "no" */
	bool tcp_local;          /* ... allows -L/-W (yes, all or local) */
	bool tcp_remote;         /* ... allows -R (yes, all or remote) */
	bool permit_open_none;   /* permitopen none: no -L/-W target at all */
	bool permit_listen_none; /* permitlisten none: no -R listener at all */
	bool streamlocal_forwarding; /* allowstreamlocalforwarding is not "no" */
	bool tunnel;             /* permittunnel is not "no" (DisableForwarding
				  * does not cover it) */
	bool disable_forwarding; /* disableforwarding yes */
	bool x11_forwarding;     /* x11forwarding yes */
	bool agent_forwarding;   /* allowagentforwarding yes */
	bool user_environment;   /* permituserenvironment is not "no" */
	bool expose_auth_info;   /* exposeauthinfo yes */
	char xauth[256];         /* xauthlocation, "" when sshd printed none */
	char pam_service[128];   /* pamservicename, "" when this sshd has none */
	bool seen;               /* at least one known key was read */
};

/* Parses the output of `sshd -T` (lower-case "key value" lines; unknown
 * keys ignored).  Returns 0, or -EINVAL when no known key was seen. */
int jail_sshd_parse(const char *text, struct jail_sshd_settings *ret);

/* Expands sshd's %% %u %U %h tokens of ChrootDirectory for one user into
 * buf.  Returns 0, -ENAMETOOLONG, or -EINVAL for a token sshd would not
 * expand there. */
int jail_sshd_expand(const char *pattern, const char *user, uid_t uid, const char *home, char *buf,
		     size_t size);

/* Whether command line `cmd` runs sshd's built-in sftp server. */
bool jail_sshd_is_internal_sftp(const char *cmd);

/*
 * Runs `SSHD -T -f CONFIG -C user=USER,host=localhost,addr=127.0.0.1` (no
 * -C when user is NULL: the settings outside Match blocks) with an empty
 * environment and parses what it prints.  Returns 0, or -errno with
 * the reason (sshd's own last line when it fails) in err.
 */
int jail_sshd_query(const char *sshd, const char *config, const char *user,
		    struct jail_sshd_settings *ret, struct jail_error *err);

/* ---- kernel -------------------------------------------------------------------- */

/* (the kernel's Landlock ABI: jail_landlock_abi() in jail/landlock.h) */

/* dev.tty.legacy_tiocsti: 0 or 1, or -ENOENT when the kernel has no such
 * setting (before 6.2: TIOCSTI always works). */
int jail_tiocsti_setting(void);

/* ---- systemd ------------------------------------------------------------------- */

/* (whether systemd is pid 1: jail_systemd_booted() in jail/systemd.h) */

/* Whether the output of `systemctl show -P ExecCondition UNIT` holds
 * pam_jail's `jailctl user-manager` (the user@.service drop-in). */
bool jail_systemd_condition_is_ours(const char *text);

/* Asks `SYSTEMCTL show -P ExecCondition user@UID.service` (what systemd has
 * loaded, all drop-ins applied) whether pam_jail's condition is in effect.
 * Returns 0, or -errno with the reason in err. */
int jail_systemd_user_condition(const char *systemctl, uid_t uid, bool *ret_ours,
				struct jail_error *err);

#endif

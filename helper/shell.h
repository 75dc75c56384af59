/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What jailsh and jail-login share (helper/shell.c): the caller's process
 * state saved at the start, the refusal, and starting the template's shell
 * in the jail, directly or under the relay.
 */
#ifndef JAIL_HELPER_SHELL_H
#define JAIL_HELPER_SHELL_H

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>
#include "jail/config.h"
#include "jail/macro.h"
#include "jail/term.h"
#include "jail/user.h"

#define MAX_ENV 64

/* Marks a function that runs only after this process gave up root for good
 * (jail_drop_privileges): scripts/root-lines.sh does not count what only
 * such a function reaches. */
#define JAIL_UNPRIVILEGED __attribute__((noinline))

/* what the caller had, for the shell: the environment jail_env_wanted()
 * keeps, the umask and the file-size and core limits */
extern char *saved_env[MAX_ENV + 1]; /* NULL-terminated for jail-login */
extern size_t n_saved_env;
extern mode_t saved_umask;
extern struct rlimit saved_fsize, saved_core;
/* the real uid of jailsh's caller: only root is told a refusal's reason */
extern uid_t caller_uid;
/* the relay's pid, which the relayed shell checks is still its parent */
extern pid_t relay_parent;

/* The jail a shell is started in: from the login record (jailsh, for a login
 * that the PAM module put in the jail) or from the config (jail-login). */
struct shell_jail {
	const char *state_dir;
	const char *template_name;
	const char *shell;
	bool seccomp;
	enum jail_landlock_mode landlock;
};

/* Logs the refusal (each value escaped) with a new ref, tells the caller the
 * ref (root: also the reason), exits with `code`. */
_Noreturn void die(int code, const char *fmt, ...) _printf_(2, 3);

/* A sane process before anything reads the environment or files: fds 0-2
 * open and no other, the environment saved and cleared, signals default and
 * unblocked, umask 077, no file-size limit, no core, not dumpable. */
void sanitize(void);

/* As root: confines this process to the user's jail (jail_confine: the
 * jail's root, the user's ids, seccomp, Landlock), or refuses. */
void confine_shell(const struct shell_jail *j, const struct jail_user *u);

/* Confined, as the user: runs the template's shell with the caller's
 * arguments and saved environment.  relayed: under a relay's parent. */
JAIL_UNPRIVILEGED _Noreturn void exec_confined(const struct shell_jail *j,
					       const struct jail_user *u, int argc, char **argv,
					       bool relayed);

/* confine_shell(), then exec_confined() */
_Noreturn void exec_shell(const struct shell_jail *j, const struct jail_user *u, int argc,
			char **argv, bool relayed);

/* Confined, as the user: the shell under a relay of the user's own (a pty
 * of the jail's devpts, pipes for the other fds); returns main()'s exit
 * status once the shell has exited. */
JAIL_UNPRIVILEGED int relay_confined(const struct shell_jail *j, const struct jail_user *u,
				     int argc, char **argv);

/* As root (jail-login, whose relay stays root to give the login's reference
 * back): starts the shell in a child under the relay; the child is confined
 * by exec_shell(). */
pid_t start_relayed(const struct shell_jail *j, const struct jail_user *u, struct jail_term *term,
		    int argc, char **argv, void (*in_child)(void *), void *arg,
		    struct jail_error *err);

int shell_status(int status);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_TERM_H
#define JAIL_TERM_H

#include <stdbool.h>
#include <signal.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include "error.h"

/*
 * The caller's terminal and fds never reach jailed code.
 *
 * A privileged parent that starts a jailed command for a caller (jailsh under
 * su/runuser/login, `jailctl enter`) hands the child none of the caller's
 * fds 0-2 and not its session: the child gets a session of its own and,
 * for each of fds 0-2, either the slave of a pty of the jail's own devpts
 * (where the caller's fd was a terminal; the pty is also the child's
 * controlling terminal, and it is one whenever the caller had a terminal
 * at all) or a pipe (everything else: files, directories, sockets, pipes,
 * /dev/null).  The parent copies bytes between the caller's fds and its
 * ends of the pty and pipes until the child exits, drains what the child
 * had written, and closes everything: a process the child left behind can
 * neither read the caller's input nor write to it afterwards.
 *
 *   jail_term_prepare()  in the parent, before it enters the jail
 *   jail_term_open()     in the parent, in the jail's mount namespace (the pty
 *                        comes from the jail's /dev/ptmx); blocks the signals
 *                        the relay forwards
 *   fork()
 *   jail_term_child()    in the child: new session, fds 0-2 and one fd of
 *                        the caller's choice, nothing else open, default
 *                        signal dispositions, empty mask
 *   jail_term_relay()    in the parent, until the child has exited
 *   jail_term_close()    in the parent
 */
struct jail_term {
	bool tty[3];           /* the caller's fd N is a terminal */
	int outer;             /* a caller's terminal (fd 0-2 or an opened /dev/tty), -1 */
	bool outer_owned;      /* outer was opened by jail_term_prepare() */
	bool have_termios;
	struct termios termios; /* the caller's terminal's settings */
	bool have_winsize;
	struct winsize winsize;
	bool raw;              /* fd 0 was switched to raw mode; restored by jail_term_close() */
	int master;            /* a pty of the jail's devpts, -1 without a terminal */
	char slave[64];
	int child_end[3];      /* pipe ends that become the child's fds 0-2 */
	int parent_end[3];     /* our ends: [0] writes to the child's stdin, [1] [2] read */
	sigset_t saved_mask;
	bool signals_blocked;
};

/* Looks at the caller's fds 0-2 and controlling terminal.  Never fails. */
void jail_term_prepare(struct jail_term *t);

/* Allocates the jail side: a pty whose slave belongs to `uid` (group tty,
 * mode 0620) when the caller has a terminal, pipes for the other fds.
 * Returns 0 or -errno. */
int jail_term_open(struct jail_term *t, uid_t uid, struct jail_error *err);

/* In the child: see above; keep_fd (> 2, or -1 for none) stays open too.
 * Returns 0 or -errno (the child should exit). */
int jail_term_child(struct jail_term *t, int keep_fd, struct jail_error *err);

/* In the parent: relays until `child` has exited; returns its wait status. */
int jail_term_relay(struct jail_term *t, pid_t child);

/* Restores the caller's terminal, closes every fd of `t`, unblocks signals. */
void jail_term_close(struct jail_term *t);

/* Whether an environment entry "KEY=value" of the caller may be handed to a
 * jailed program: TERM, COLORTERM, LANG, LANGUAGE, LC_*, TZ; with `remote`
 * also the SSH_* connection variables and DISPLAY (jailsh as a login shell). */
bool jail_env_wanted(const char *kv, bool remote);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The agreement between the jail builder (lib/build.c: jail_build_create,
 * run_setup, run_init) and the jail's pid 1 (helper/jail-init.c): the fds
 * jail-init starts with and the records both send the builder over the
 * status pipe, and the commit record the creator sends it.
 *
 * jail-init is built freestanding without a C library (-nostdlib
 * -ffreestanding, see the Makefile): this header includes nothing and uses
 * only the language itself.
 */
#ifndef JAIL_INIT_PROTO_H
#define JAIL_INIT_PROTO_H

/* The fds jail-init is started with: consecutive, for run_init dup2s its
 * sources to JAIL_INIT_FD_STATUS + i in this order. */
enum {
	JAIL_INIT_FD_STATUS = 3,    /* the status pipe: records to the builder */
	JAIL_INIT_FD_COMMIT = 4,    /* the commit socket: one byte once recorded, EOF if not */
	JAIL_INIT_FD_USER_DIR = 5,  /* the host's STATE_DIR/USER (the reaper's mutex) */
	JAIL_INIT_FD_STATE_DIR = 6, /* the host's STATE_DIR */
	JAIL_INIT_FD_PROGRAM = 7,   /* jail-init itself, for execveat; closed by the exec */
	_JAIL_INIT_FD_MAX,          /* every fd from here on is closed before the exec */
};

/* What a record says.  Two writers share the pipe: the setup child (errors,
 * the init's pid) and the init (errors before the exec, then jail-init's
 * "ready" or its error). */
enum jail_init_rec_kind {
	JAIL_INIT_REC_ERROR = 1, /* value: -errno; msg: what failed */
	JAIL_INIT_REC_PID = 2,   /* value: the init's pid as the builder sees it */
	JAIL_INIT_REC_READY = 3, /* jail-init dropped its capabilities and waits for the commit */
};

struct jail_init_record {
	int kind; /* enum jail_init_rec_kind */
	int value;
	char msg[400]; /* NUL-terminated by the reader */
};

/* Both sides write and read exactly one whole record: two writers share
 * the pipe, so a record must be one atomic write (at most PIPE_BUF, 4096
 * on Linux), and a short read is an error, never half a record. */
_Static_assert(sizeof(struct jail_init_record) == 408, "the builder/jail-init record changed size");
_Static_assert(sizeof(struct jail_init_record) <= 4096,
	       "a record must be one atomic pipe write (PIPE_BUF)");

/* What the creator sends on the commit socket once the jail is recorded.
 * jail-init reads up to its size or EOF: a creator of an older version
 * sent the kind byte alone, which means linger 0. */
struct jail_init_commit {
	char kind; /* JAIL_INIT_COMMIT */
	char pad_[3];
	unsigned linger_s; /* seconds the jail outlives its last login (0: none) */
};
#define JAIL_INIT_COMMIT 'c'
_Static_assert(sizeof(struct jail_init_commit) == 8, "the commit record changed size");

#endif

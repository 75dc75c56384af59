/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_ELF_H
#define JAIL_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A minimal reader of what the dynamic loader needs from an ELF file: the
 * program interpreter (PT_INTERP) and the dynamic section's DT_NEEDED,
 * DT_RPATH and DT_RUNPATH.  32/64-bit and both byte orders are read on any
 * host.  Hostile or truncated files are expected: every offset and size is
 * checked against the file size and the limits below before it is used,
 * nothing is mapped, and only the few bytes needed are pread().
 *
 * Errors: -ENOEXEC (not ELF: no "\177ELF" magic, e.g. a script or an empty
 * file), -EBADMSG (ELF magic but malformed or truncated), -EFBIG (over a
 * limit below), -EISDIR / -EINVAL (a directory / not a regular file),
 * -ENOMEM, or the -errno of open/fstat/pread.  Never prints.
 */

#define JAIL_ELF_MAX_PHNUM 4096            /* program headers */
#define JAIL_ELF_MAX_DYNAMIC (1024 * 1024) /* bytes of PT_DYNAMIC */
#define JAIL_ELF_MAX_NEEDED 1024           /* DT_NEEDED entries */
#define JAIL_ELF_MAX_STRING 4096           /* interp, needed, rpath (with NUL) */

struct jail_elf {
	unsigned char elf_class; /* ELFCLASS32 or ELFCLASS64 */
	unsigned char data;      /* ELFDATA2LSB or ELFDATA2MSB */
	uint16_t type;           /* ET_EXEC, ET_DYN, ... */
	uint16_t machine;        /* EM_X86_64, ... */
	bool dynamic;            /* has a PT_DYNAMIC segment */
	char *interp;            /* PT_INTERP, or NULL (static program, most libraries) */
	char **needed;           /* DT_NEEDED in file order, n_needed entries */
	size_t n_needed;
	char *rpath;             /* DT_RPATH, or NULL */
	char *runpath;           /* DT_RUNPATH, or NULL */
};

/* Reads `path` (followed if a symlink).  On success *ret is a new object to
 * free with jail_elf_free().  Returns 0 or -errno (see above). */
int jail_elf_read(const char *path, struct jail_elf **ret);
/* Same for an open file; reads with pread() only, the offset is untouched. */
int jail_elf_read_fd(int fd, struct jail_elf **ret);
void jail_elf_free(struct jail_elf *e);

/* True if `a` can load `b` as a library: same class, byte order, machine. */
bool jail_elf_compatible(const struct jail_elf *a, const struct jail_elf *b);

#endif

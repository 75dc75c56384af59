/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * marker.so: a library that leaves a file MARKDIR/loaded-euid-EUID-PROG
 * behind when any program loads it.  tests/security/run.sh builds it as an
 * LD_PRELOAD library and, with --filter, as a stand-in for a library jailsh
 * needs (LD_LIBRARY_PATH); the setuid jailsh must never load either.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#ifndef MARKDIR
#error "build with -DMARKDIR=\"...\""
#endif

__attribute__((constructor)) static void leave_marker(void)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/loaded-euid-%u-%s", MARKDIR, (unsigned)geteuid(),
		 program_invocation_short_name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

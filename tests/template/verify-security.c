/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Runs jail_template_verify_security() on DIR the way the jail builder
 * would (the fd from jail_open_trusted()); prints the error, exits 1 on
 * -EPERM, 2 on any other error.  Used by tests/template/run.sh. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include "jail/path.h"
#include "jail/template.h"

int main(int argc, char **argv)
{
	struct jail_error err = { 0 };
	int fd, r;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	fd = jail_open_trusted(argv[1], O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, &err);
	if (fd < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	r = jail_template_verify_security(fd, argv[1], &err);
	close(fd);
	if (r < 0) {
		printf("%s (%s)\n", err.msg, strerror(-r));
		return r == -EPERM ? 1 : 2;
	}
	printf("secure\n");
	return 0;
}

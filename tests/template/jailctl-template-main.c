/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `jailctl template ...` as a program of its own, for tests/template/run.sh
 * until jailctl dispatches to jail_template_main() itself. */
#include "jail/template.h"

int main(int c, char **v)
{
	return jail_template_main(c - 1, v + 1);
}

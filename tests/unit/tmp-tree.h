/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef JAIL_TEST_TMP_TREE_H
#define JAIL_TEST_TMP_TREE_H

/* A unit test's scratch directory tree: removed bottom-up, symlinks not
 * followed (FTW_PHYS) and no other file system entered (FTW_MOUNT). */
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static inline int tmp_tree_rm_entry(const char *path, const struct stat *st, int type,
				    struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* 0, or -1 when something of `dir` could not be removed */
static inline int tmp_tree_remove(const char *dir)
{
	return nftw(dir, tmp_tree_rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

#endif

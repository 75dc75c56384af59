#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Re-flow runs of C string-literal continuation lines to fill 100 columns.

clang-format (BreakStringLiterals) splits a literal where the column limit falls,
so a literal that was already split by hand ends up in odd pieces ("there "). A
run of lines that hold nothing but one literal each, at the same indentation
(the last may end in , ) ; or a combination), is joined and split again at
spaces, each piece as long as fits.  Only such pure runs are touched.

  scripts/reflow-strings.py FILE...
"""
import re
import sys

LIMIT = 100
LIT = re.compile(r'^(?P<ind>[ \t]*)"(?P<body>(?:[^"\\]|\\.)*)"(?P<tail>[,);]*)$')


def width(s):
    return len(s.expandtabs(8))


def split_body(body, ind, tail):
    """Pieces of body, each "piece" + tail (last) fitting LIMIT columns."""
    # break points: after blanks, and after a "\\n" or "\\t" escape
    words = re.findall(r'(?:\\[^nt]|[^\s\\])*(?:\s+|\\n|\\t|\\$|$)', body)
    words = [w for w in words if w]
    out, cur = [], ""
    for w in words:
        room = LIMIT - width(ind) - 2 - 1  # quotes, and a comma/paren to spare
        if cur and width(cur + w.rstrip()) > room:
            out.append(cur)
            cur = w
        else:
            cur += w
    if cur or not out:
        out.append(cur)
    return out


def reflow(lines):
    res, i = [], 0
    while i < len(lines):
        m = LIT.match(lines[i])
        if not m or m.group('tail'):
            res.append(lines[i])
            i += 1
            continue
        ind = m.group('ind')
        j = i
        body = ""
        tail = None
        unsafe = False
        while j < len(lines):
            mj = LIT.match(lines[j])
            if not mj or mj.group('ind') != ind:
                break
            # "\x4" "1" is not "\x41": never join after a numeric escape
            if re.search(r'\\(x[0-9a-fA-F]*|[0-7]{1,3})$', body):
                unsafe = True
            body += mj.group('body')
            j += 1
            if mj.group('tail'):
                tail = mj.group('tail')
                break
        # a run whose pieces end in "\\n" is laid out one output line per
        # source line (usage texts): keep it
        pieces_nl = [LIT.match(l).group('body').endswith('\\n') for l in lines[i:j - 1]]
        if tail is None or j - i < 2 or unsafe or any(pieces_nl):
            res.extend(lines[i:j] if j > i else [lines[i]])
            i = max(j, i + 1)
            continue
        pieces = split_body(body, ind, tail)
        for k, p in enumerate(pieces):
            res.append('%s"%s"%s' % (ind, p, tail if k == len(pieces) - 1 else ""))
        i = j
    return res


for path in sys.argv[1:]:
    with open(path) as f:
        text = f.read()
    lines = text.split("\n")
    new = reflow(lines)
    if new != lines:
        with open(path, "w") as f:
            f.write("\n".join(new))

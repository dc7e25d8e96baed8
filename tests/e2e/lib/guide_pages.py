"""The examples of a docs/guide page, as a bash script (tests/e2e/guide.sh).

usage: guide_pages.py PAGE PENDING
PENDING: the space-separated names of what this binary does not have yet.

A page's examples are its fenced blocks tagged `console`:

    ```console
    $ prevent list --stage awaiting-triage
    id             stage ...
    ```

Each line starting with `$ ` is a command (a line ending in `\\` goes on);
the lines up to the next command are what it prints on stdout, compared
exactly, except that a line `…` stands for any number of lines, and `…`
within a line for any text on that line (a commit ID, say). Lines
starting with `prevent: ` or `hint: ` are stderr instead, each of which must
appear in what the command printed there. A command with no output shown is
not compared. Every command must exit 0, or N in a block tagged
`console exit=N`. A block tagged `console pending=NAME` needs something this
binary lacks: it is skipped while NAME is in PENDING, and run once it is not.

While NAME is pending, what the page's later examples need from a skipped
one is done by a hidden block with today's commands, run only then:

    <!-- guide-test until=NAME
    $ prevent panel decide 2026-12-03 EXM-2026-0011 --decision adopt
    -->

The page's first line may set up its run: `<!-- guide-test: store=example
today=2026-12-03 -->` (store: `example`, a copy of the example store,
`empty`, a new store, or `none`; today: the day every command runs as).
The script calls guide_cmd, guide_skip and guide_setup, defined by guide.sh.
"""
import re
import shlex
import sys

page, pending = sys.argv[1], set(sys.argv[2].split())
text = open(page, encoding="utf-8").read()
lines = text.splitlines()

setup = {"store": "none", "today": "2026-11-27"}
m = re.match(r"<!-- guide-test: (.*?) -->", lines[0]) if lines else None
if m:
    for kv in m.group(1).split():
        k, _, v = kv.partition("=")
        setup[k] = v
out = [f"guide_setup {shlex.quote(setup['store'])} {shlex.quote(setup['today'])}"]

i = 0
while i < len(lines):
    fm = re.match(r"```console(.*)$", lines[i]) or re.match(r"<!-- guide-test (until=\S+)$", lines[i])
    if not fm:
        i += 1
        continue
    info = dict(kv.partition("=")[::2] for kv in fm.group(1).split())
    if "until" in info and info["until"] not in pending:
        while i < len(lines) and lines[i] != "-->":
            i += 1
        i += 1
        continue
    start = i + 1
    i += 1
    block = []
    while i < len(lines) and not lines[i].startswith("```") and lines[i] != "-->":
        block.append(lines[i])
        i += 1
    i += 1
    if "pending" in info and info["pending"] in pending:
        n = sum(1 for l in block if l.startswith("$ "))
        out.append(f"guide_skip {shlex.quote(info['pending'])} {n} {start}")
        continue
    rc = info.get("exit", "0")
    j = 0
    while j < len(block):
        if not block[j].startswith("$ "):
            sys.exit(f"{page}:{start + j + 1}: a console block must start with a `$ ` command")
        cmd = block[j][2:]
        line_no = start + j + 1
        while cmd.endswith("\\") and j + 1 < len(block):
            j += 1
            cmd = cmd + "\n" + block[j]
        j += 1
        stdout, stderr = [], []
        while j < len(block) and not block[j].startswith("$ "):
            (stderr if re.match(r"(prevent|hint): ", block[j]) else stdout).append(block[j])
            j += 1
        out.append(
            "guide_cmd {} {} {} {} {}".format(
                line_no, rc, shlex.quote(cmd),
                shlex.quote("\n".join(stdout)) if stdout else "''",
                shlex.quote("\n".join(stderr)) if stderr else "''"))
print("\n".join(out))

"""docs/commands.md against the binary's --help (tests/e2e/docs.sh).

usage: commands_doc.py PREVENT COMMANDS_MD WHAT
WHAT is one of:
  options   every command and subcommand has a section, and every option of
            its --help is named in that section
  commands  every command a heading of commands.md names is in the binary
  help      every help text copied into commands.md is the program's own
  refresh   rewrites commands.md with the program's help texts (to fix what
            `help` finds; review the diff: the prose may need changing too)
Prints one line per problem (nothing when all is well).
"""
import re
import subprocess
import sys

prevent, doc_path, what = sys.argv[1:4]


def help_of(path):
    r = subprocess.run([prevent, *path, "--help"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"prevent {' '.join(path)} --help exited {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def section(text, name):
    """The lines of a help section (`Options:`, `Subcommands:`)."""
    out, inside = [], False
    for line in text.splitlines():
        if line == name + ":":
            inside = True
        elif inside and line and not line.startswith(" "):
            break
        elif inside:
            out.append(line)
    return out


def tree():
    """Every command path the binary has, with its --help. A subcommand that
    comes after its parent's positional (`panel action ID add`) is asked for
    its help with a placeholder there."""
    found, todo = {}, [((), [])]
    while todo:
        path, argv = todo.pop(0)
        text = help_of(argv)
        found[path] = text
        usage = next((l for l in text.splitlines() if l.startswith("Usage: ")), "")
        between = [w for w in usage.split()[2 + len(path):-1] if not w.startswith("[")] \
            if usage.endswith(" SUBCOMMAND") else []
        for line in section(text, "Subcommands"):
            m = re.match(r"  (\S+)", line)
            if m:
                todo.append((path + (m.group(1),), argv + ["X"] * len(between) + [m.group(1)]))
    return found


def options(text):
    """Long options (and short-only ones) of a --help, without --help."""
    out = []
    for line in section(text, "Options"):
        m = re.match(r"\s+((?:-[A-Za-z],)?)(--[A-Za-z][A-Za-z0-9-]*)?", line)
        if not m or not (m.group(1) or m.group(2)):
            continue
        opt = m.group(2) or m.group(1).rstrip(",")
        if opt not in ("--help", "-h"):
            out.append(opt)
    return out


def headings(doc):
    """(level, words, start line, end line) of each heading outside code fences."""
    lines = doc.splitlines()
    heads, fence = [], False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            fence = not fence
            continue
        m = None if fence else re.match(r"(#{2,3}) (.*)", line)
        if m:
            heads.append([len(m.group(1)), m.group(2).strip(), i, len(lines)])
    for j, h in enumerate(heads):
        for k in heads[j + 1:]:
            if k[0] <= h[0]:
                h[3] = k[2]
                break
    return lines, heads


def command_words(title):
    """`panel decide` of `## panel decide`; `check` of `### check --staged`;
    None for a heading that is not a command (capitalised: `Exit codes`)."""
    words = []
    for w in title.replace("`", "").split():
        if w.startswith("-"):
            break
        if not re.fullmatch(r"[a-z][a-z-]*", w):
            return None
        words.append(w)
    return tuple(words) or None


doc = open(doc_path, encoding="utf-8").read()
lines, heads = headings(doc)
cmds = tree()
problems = []


def section_text(path):
    """The text of the section of the longest documented prefix of path."""
    for n in range(len(path), 0, -1):
        for level, title, start, end in heads:
            if command_words(title) == path[:n] and level == 2:
                return "\n".join(lines[start:end])
    return None


if what == "options":
    glob = next(("\n".join(lines[s:e]) for lvl, t, s, e in heads if t.startswith("Global options")), "")
    for path, text in sorted(cmds.items()):
        name = " ".join(path) or "(the program itself)"
        body = glob if not path else section_text(path)
        if body is None and section(text, "Subcommands") and not options(text):
            continue  # a group (`panel`): its subcommands have the sections
        if body is None:
            problems.append(f"command `prevent {name}` has no section (## {name}) in docs/commands.md")
            continue
        for opt in options(text):
            if not re.search(re.escape(opt) + r"(?![A-Za-z0-9-])", body):
                problems.append(f"option {opt} of `prevent {name}` is not in its section of docs/commands.md")
elif what == "commands":
    for level, title, start, end in heads:
        words = command_words(title)
        if words and words not in cmds:
            problems.append(f"docs/commands.md documents `prevent {' '.join(words)}` (line {start + 1}), which the binary lacks")
elif what in ("help", "refresh"):
    fence, block, start = False, [], 0
    blocks = []
    for i, line in enumerate(lines):
        if line.startswith("```"):
            if fence:
                blocks.append((start, block))
            fence, block, start = not fence, [], i + 2
            continue
        if fence:
            block.append(line)
    for start, block in (reversed(blocks) if what == "refresh" else blocks):
        usage = next((l for l in block[:3] if l.startswith("Usage: prevent")), None)
        if usage is None:
            continue
        words = tuple(w for w in usage.split()[2:])
        path = ()
        for w in words:
            if path + (w,) in cmds:
                path += (w,)
            else:
                break
        if path not in cmds:
            problems.append(f"line {start}: a help text of a command the binary lacks: {usage}")
            continue
        want = cmds[path].rstrip("\n").splitlines()
        if what == "refresh":
            lines[start - 1:start - 1 + len(block)] = want
            continue
        if block != want:
            diff = next((k for k in range(max(len(block), len(want)))
                         if k >= len(block) or k >= len(want) or block[k] != want[k]))
            got = block[diff] if diff < len(block) else "(end of the block)"
            exp = want[diff] if diff < len(want) else "(end of the help)"
            problems.append(f"line {start + diff}: the help of `prevent {' '.join(path)}` differs from the program's: "
                            f"docs [{got}] program [{exp}]")
else:
    sys.exit("unknown WHAT: " + what)

if what == "refresh":
    open(doc_path, "w", encoding="utf-8").write("\n".join(lines) + "\n")

print("\n".join(problems))

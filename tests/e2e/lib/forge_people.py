# Forges the person index (.git/prevent/people-v2) as someone without a key
# would: drops the line of PRV-2026-0002 and recomputes the body's checksum
# with the unkeyed hash prevent once used.
#   forge_people.py INDEX [CASES-TREE]
# With CASES-TREE the index also claims to describe that `cases` tree (and
# must hold a line for PRV-2026-0001); without it the tree line is kept.
import sys
p = sys.argv[1]
lines = open(p, 'rb').read().split(b'\n')
head, tree, rest = lines[0], lines[1], lines[3:]
if len(sys.argv) > 2:
    tree = b'cases ' + sys.argv[2].encode()
    assert any(l.endswith(b'PRV-2026-0001.yaml') for l in rest), "no line for PRV-2026-0001"
body = b''.join(l + b'\n' for l in rest if l and not l.endswith(b'PRV-2026-0002.yaml'))


def checksum(s):
    M = (1 << 64) - 1
    h = 0x9e3779b97f4a7c15 ^ len(s)

    def mix(w):
        nonlocal h
        h = ((h ^ w) * 0xff51afd7ed558ccd) & M
        h ^= h >> 32
    i = 0
    while i + 8 <= len(s):
        mix(int.from_bytes(s[i:i + 8], 'little'))
        i += 8
    mix(int.from_bytes(s[i:] + b'\0' * (8 - (len(s) - i)), 'little'))
    return h


open(p, 'wb').write(head + b'\n' + tree + b'\n' + b'body %d %016x\n' % (len(body), checksum(body)) + body)

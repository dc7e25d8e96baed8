# Forges the record cache as someone without a key would: changes one
# entry, then recomputes the file's trailing 8-byte checksum with the
# unkeyed function prevent once used, recovering its seed from the file's
# own trailer (every step of that function can be undone).
import sys
M = (1 << 64) - 1
K1, K2, K3 = 0x9e3779b97f4a7c15, 0xc2b2ae3d27d4eb4f, 0x165667b19e3779f9
def rotl(x, r): return ((x << r) | (x >> (64 - r))) & M
def rotr(x, r): return rotl(x, 64 - r)
def inv(k): return pow(k, -1, 1 << 64)
def lane_a(b):
    a, i = K3 ^ len(b), 0
    while i + 16 <= len(b):
        x = int.from_bytes(b[i:i + 8], 'little')
        a = (rotl(a ^ ((x * K2) & M), 31) * K1) & M
        i += 16
    while i < len(b):
        a = (rotl(a ^ ((b[i] * K2) & M), 23) * K1) & M
        i += 1
    return a
def checksum(b, seed):
    a, c, i = K3 ^ len(b), K1 ^ seed, 0
    while i + 16 <= len(b):
        x = int.from_bytes(b[i:i + 8], 'little'); y = int.from_bytes(b[i + 8:i + 16], 'little')
        a = (rotl(a ^ ((x * K2) & M), 31) * K1) & M
        c = (rotl(c ^ ((y * K2) & M), 29) * K3) & M
        i += 16
    while i < len(b):
        a = (rotl(a ^ ((b[i] * K2) & M), 23) * K1) & M
        i += 1
    h = a ^ rotl(c, 32)
    h ^= h >> 33; h = (h * K2) & M; h ^= h >> 29; h = (h * K3) & M; h ^= h >> 32
    return h
def seed_of(b, h):
    h ^= h >> 32; h = (h * inv(K3)) & M; h ^= (h >> 29) ^ (h >> 58); h = (h * inv(K2)) & M; h ^= h >> 33
    c = rotr(h ^ lane_a(b), 32)
    blocks = [int.from_bytes(b[i + 8:i + 16], 'little') for i in range(0, len(b) - 15, 16)]
    for y in reversed(blocks):
        c = rotr((c * inv(K3)) & M, 29) ^ ((y * K2) & M)
    return c ^ K1
path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
data = open(path, 'rb').read()
body, tag = data[:-8], int.from_bytes(data[-8:], 'little')
seed = seed_of(body, tag)
assert len(old) == len(new) and old in body
body = body.replace(old, new, 1)
open(path, 'wb').write(body + checksum(body, seed).to_bytes(8, 'little'))

"""Exit 1 if a file holds anything a terminal would act on.

Allowed: printable ASCII, line feed, tab, a carriage return directly
before a line feed (CSV's row end), and valid UTF-8 other than the C1
controls (U+0080-U+009F), the bidirectional embeddings, overrides and
isolates (U+202A-U+202E, U+2066-U+2069) and the line and paragraph
separators (U+2028, U+2029): what prevent's output_safe lets through.
"""
import sys

data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    print(f"invalid UTF-8 at byte {e.start}", file=sys.stderr)
    sys.exit(1)
for i, ch in enumerate(text):
    cp = ord(ch)
    if ch in "\n\t" or (ch == "\r" and text[i + 1 : i + 2] == "\n"):
        continue
    if cp < 0x20 or cp == 0x7F or 0x80 <= cp <= 0x9F or 0x202A <= cp <= 0x202E \
            or 0x2066 <= cp <= 0x2069 or cp in (0x2028, 0x2029):
        print(f"U+{cp:04X} at character {i}: {text[max(0, i - 30):i]!r}", file=sys.stderr)
        sys.exit(1)

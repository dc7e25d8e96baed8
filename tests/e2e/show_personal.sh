#!/usr/bin/env bash
# `--show-personal` of `list`, `review due` and `panel agenda` (issue 17):
# the coordinator's own working list with the person's name, a `name`
# column last (JSON and YAML key `name`), read from the records themselves.
# Without the flag no name anywhere; with it, in every format, escaped for
# the terminal and with CSV's formula guard; `panel agenda --fill` never
# writes a name into the meeting, its commit or the log.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
MEETING=2026-12-03
HOSTILE_NAME=$'Quennet \x1b[31mHarrowmoor\x07 \u202e <b>'
FORMULA_NAME="=HYPERLINK(\"http://example.invalid/x\",\"Velmarine\")"

# A store with a case awaiting a panel (PRV-2026-0001, Zorvan Quillet), one
# awaiting triage (PRV-2026-0002, Maribex Tundrell) and a meeting.
setup_store() {
    S="$T/store"
    new_store "$S"
    refer_ok "$S"
    refer_ok "$S" received=2026-11-04 sector=health agency="Example Surgery" referrer-role=GP \
        name="Maribex Tundrell" dob=2008-03-19 gender=female postcode-district=ZZ7 concern=islamist \
        summary="Fictional concern raised by a form tutor"
    pv_ok "$S" "$AS_OF" triage PRV-2026-0001 --outcome channel-panel --date 2026-11-05 --s36-date 2026-11-05 \
        --s36-by "Counter Terrorism Policing North West"
    meeting_ok "$S" "$MEETING"
}

# The commands, as words.
COMMANDS=("list" "review due --within 4w" "panel agenda $MEETING")

test_without_the_flag_no_name_is_shown_in_any_format() {
    setup_store
    local cmd f
    for cmd in "${COMMANDS[@]}"; do
        for f in table csv json yaml; do
            # shellcheck disable=SC2086 # the command is words
            run prevent -C "$S" --as-of "$AS_OF" $cmd --format "$f"
            assert_rc 0 "$cmd --format $f"
            assert_no_personal_data "$(stdout)$(stderr)" "$cmd --format $f"
            assert_not_contains "$(stdout)" "name" "$cmd --format $f"
        done
    done
}

test_with_the_flag_the_name_is_the_last_column_in_every_format() {
    setup_store
    local cmd
    for cmd in "${COMMANDS[@]}"; do
        # shellcheck disable=SC2086 # the command is words
        run prevent -C "$S" --as-of "$AS_OF" $cmd --format csv
        assert_rc 0 "$cmd csv"
        local plain_header
        plain_header="$(head -1 "$OUT" | tr -d '\r')"
        # shellcheck disable=SC2086
        run prevent -C "$S" --as-of "$AS_OF" $cmd --format csv --show-personal
        assert_rc 0 "$cmd csv --show-personal"
        assert_eq "$(head -1 "$OUT" | tr -d '\r')" "$plain_header,name" "$cmd: the csv header"
        assert_contains "$(stdout)" "PRV-2026-0001," "$cmd csv"
        "$PYTHON" - "$OUT" <<'PY' || fail "$cmd csv: a row's last cell is not its case's name"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
names = {"PRV-2026-0001": "Zorvan Quillet", "PRV-2026-0002": "Maribex Tundrell"}
assert len(rows) > 1, rows
for r in rows[1:]:
    assert r[-1] == names[r[0]], r
PY
        # shellcheck disable=SC2086
        run prevent -C "$S" --as-of "$AS_OF" $cmd --format json --show-personal
        assert_rc 0 "$cmd json --show-personal"
        "$PYTHON" - "$OUT" <<'PY' || fail "$cmd json: a row's name is not its case's name"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
names = {"PRV-2026-0001": "Zorvan Quillet", "PRV-2026-0002": "Maribex Tundrell"}
assert d and all(r["name"] == names[r["id"]] for r in d), d
PY
        assert_eq "$(json_eval 'list(d[0].keys())[-1]' <"$OUT")" name "$cmd: the json key, last"
        # shellcheck disable=SC2086
        run prevent -C "$S" --as-of "$AS_OF" $cmd --format yaml --show-personal
        assert_rc 0 "$cmd yaml --show-personal"
        assert_contains "$(stdout)" "name: Zorvan Quillet" "$cmd yaml"
        # shellcheck disable=SC2086
        run prevent -C "$S" --as-of "$AS_OF" $cmd --show-personal
        assert_rc 0 "$cmd table --show-personal"
        assert_matches "$(head -1 "$OUT")" " name$" "$cmd: the table header"
        assert_contains "$(grep '^PRV-2026-0001 ' "$OUT" | head -1)" "Zorvan Quillet" "$cmd: the table row"
    done
    # list's json: every row of the plain list, with its name added.
    run prevent -C "$S" --as-of "$AS_OF" list --format json
    cp "$OUT" "$T/plain.json"
    run prevent -C "$S" --as-of "$AS_OF" list --format json --show-personal
    "$PYTHON" - "$T/plain.json" "$OUT" <<'PY' || fail "list json: the columns without the name changed"
import json, sys
plain, named = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert [{k: v for k, v in r.items() if k != "name"} for r in named] == plain
PY
}

test_a_hostile_name_is_escaped_for_the_terminal_and_guarded_in_csv() {
    S="$T/store"
    new_store "$S"
    refer_ok "$S" name="$HOSTILE_NAME"
    refer_ok "$S" name="$FORMULA_NAME" dob=2008-03-19 received=2026-11-04
    local f
    for f in table csv json yaml; do
        run prevent -C "$S" --as-of "$AS_OF" list --format "$f" --show-personal
        assert_rc 0 "list --format $f --show-personal"
        "$PYTHON" - "$OUT" <<'PY' || fail "list --format $f: a control character or a bidi override reaches the terminal"
import sys
b = open(sys.argv[1], "rb").read()
assert not any(c < 0x20 and c not in (0x0a, 0x0d, 0x09) or c == 0x7f for c in b), b
assert "\u202e".encode() not in b, b
PY
    done
    run prevent -C "$S" --as-of "$AS_OF" list --format json --show-personal
    "$PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert [r["name"] for r in d if r["id"] == "PRV-2026-0001"] == [sys.argv[2]], d' "$OUT" "$HOSTILE_NAME" ||
        fail "the name read back from the json is not the name recorded"
    run prevent -C "$S" --as-of "$AS_OF" list --format table --show-personal
    assert_contains "$(stdout)" 'Quennet \x1b[31mHarrowmoor\x07 \u202e <b>' "the table (escaped)"
    run prevent -C "$S" --as-of "$AS_OF" list --format csv --show-personal
    "$PYTHON" - "$OUT" <<'PY' || fail "list csv: a name cell starts a formula"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
cells = [r[-1] for r in rows[1:]]
assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], cells
assert any(c.startswith("'=HYPERLINK") for c in cells), cells
PY
}

test_panel_agenda_fill_never_writes_a_name() {
    setup_store
    run prevent -C "$S" --as-of "$AS_OF" panel agenda "$MEETING" --fill --show-personal
    assert_rc 0 "panel agenda --fill --show-personal"
    assert_contains "$(stdout)" "Zorvan Quillet" "the printed agenda"
    assert_contains "$(cat "$S/panels/$MEETING.yaml")" "PRV-2026-0001" "the agenda in the meeting file"
    assert_no_personal_data "$(cat "$S/panels/$MEETING.yaml")" "the meeting file"
    assert_no_personal_data "$(git -C "$S" log --format='%B' -1)" "the commit message"
    assert_no_personal_data "$(git -C "$S" ls-tree -r --name-only HEAD)" "the file names"
    assert_no_personal_data "$(stderr)" "stderr"
    run prevent -C "$S" --as-of "$AS_OF" log
    assert_rc 0 "log"
    assert_no_personal_data "$(stdout)" "the log"
    assert_clean "$S"
}

test_show_personal_with_add_or_drop_is_a_usage_error() {
    setup_store
    expect_refusal 2 "$S" prevent -C "$S" --as-of "$AS_OF" panel agenda "$MEETING" --add PRV-2026-0002 --show-personal
    assert_stderr_contains "--show-personal"
}

run_tests "$@"

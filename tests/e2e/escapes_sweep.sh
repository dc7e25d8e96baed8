#!/usr/bin/env bash
# Nothing read from a store reaches the terminal as a control sequence, on
# stdout as on stderr (issue 15, finding 11): a store whose area, agency,
# referrer role, chair, commit author and a file name carry ESC, a lone CR,
# a line feed, a C1 control (CSI), a bidirectional override and invalid
# UTF-8, and every output of every reading command in every format. Each
# output is scanned byte by byte (tests/e2e/lib/terminal_safe.py), and the
# line-oriented outputs are checked to keep one item per line.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
ESC=$'\e'
AREA=$'Example\e[5m Borough\xe2\x80\xae'
AGENCY=$'Example\e[31m Acad\xe2\x80\xaeemy\xc2\x9b'
ROLE=$'DSL\r\e[2K'
CHAIR=$'Prevent\e]0;title\a Lead@Example\xc2\x9b Council'
AUTHOR=$'Eve\e[2K\rTrusted Coordinator'
BAD_NAME=$'cases/2026/bad\nnotice [history] all clear\xff.yaml'

# A store with every kind of hostile text in it, committed as a user
# would: through prevent where prevent takes it, by hand where not.
build_hostile() {
    local s="$1"
    mkdir -p "$(dirname "$s")"
    run prevent init --plain "$s" --area "$AREA" --no-hook
    assert_rc 0 "init"
    refer_ok "$s" "agency=$AGENCY" "referrer-role=$ROLE"
    meeting_ok_chair "$s"
    # A hand edit by an author whose name would blank the line before it.
    mkdir -p "$s/cases/2026"
    printf 'id: x\n' >"$s/$BAD_NAME"
    git -C "$s" add -A
    git -C "$s" -c user.name="$AUTHOR" commit -qm $'Hand edit\e[2K' || fail "the hand commit"
}

meeting_ok_chair() {
    run prevent -C "$1" panel new 2026-11-20 --as-of "$AS_OF" --chair "$CHAIR" \
        --police "Detective Sergeant@Example Constabulary"
    assert_rc 0 "panel new"
}

setup() {
    S="$T/store"
    cached_store "$S" sweep-base build_hostile
    ID=PRV-2026-0001
}

# assert_terminal_safe WHAT: stdout and stderr of the last run hold nothing
# a terminal would act on.
assert_terminal_safe() {
    local what="$1" f
    [[ $RC -lt 128 ]] || fail "$what: killed by a signal (exit $RC)"
    for f in "$OUT" "$ERR"; do
        "$PYTHON" "$E2E_DIR/lib/terminal_safe.py" "$f" || fail "$what: unsafe bytes in $(basename "$f")"
    done
}

test_the_store_does_hold_the_hostile_text() {
    setup
    # Without it, the sweep below would prove nothing.
    assert_contains "$(git -C "$S" log -1 --format=%an)" "$ESC" "the hand edit's author"
    assert_contains "$(git -C "$S" ls-tree -r --name-only -z HEAD | tr '\0' '|')" $'bad\nnotice' "the file name"
    run prevent -C "$S" show "$ID" --format json
    assert_rc 0 "show"
    assert_eq "$(json_eval "d['referral']['source']['agency']" <"$OUT")" "$AGENCY" "the agency, read back"
}

test_every_reading_command_in_every_format_is_terminal_safe() {
    setup
    local -a commands=(
        "list" "list --format csv" "list --format json" "list --format yaml" "list --stage triaged"
        "show $ID" "show $ID --format json" "show $ID --format yaml"
        "log" "log --format json" "log $ID" "log $ID --format json" "log --show-personal"
        # The hand-committed file cannot be read: these print only with --partial.
        "review due" "review due --partial" "review due --partial --format csv"
        "review due --partial --format json" "review due --partial --format yaml"
        "panel agenda 2026-11-20 --partial" "panel agenda 2026-11-20 --partial --format csv"
        "panel minutes 2026-11-20" "panel minutes 2026-11-20 --partial"
        "report --period 2026-11 --partial" "report --period 2026-11 --partial --format html"
        "report --period 2026-11 --partial --format csv" "report --period 2026-11 --partial --format json"
        "report --period 2026-11 --partial --foi"
        "check" "check --strict" "check history" "check authors" "check worktree" "check derived"
    )
    local c
    for c in "${commands[@]}"; do
        # shellcheck disable=SC2086 # each entry is words
        run prevent -C "$S" --as-of "$AS_OF" $c
        assert_terminal_safe "prevent $c"
    done
}

test_the_hostile_text_is_shown_escaped_not_dropped() {
    setup
    run prevent -C "$S" --as-of "$AS_OF" log "$ID"
    assert_stdout_contains 'Example\x1b[31m Acad\u202eemy\u009b'
    run prevent -C "$S" --as-of "$AS_OF" panel minutes 2026-11-20 --partial
    assert_stdout_contains 'Prevent\x1b]0;title\x07 Lead, Example\u009b Council'
    assert_stdout_contains '# Channel panel, Example\x1b[5m Borough\u202e: 2026-11-20'
    run prevent -C "$S" --as-of "$AS_OF" log
    assert_stdout_contains 'Eve\x1b[2K\rTrusted Coordinator'
    # show writes YAML's own escapes (read back as the same text: unit
    # tests of yaml_doc), which output_safe leaves as they are.
    run prevent -C "$S" --as-of "$AS_OF" show "$ID"
    assert_stdout_contains 'agency: "Example\x1B[31m Acad\u202Eemy\u009B"'
}

test_a_file_name_with_a_line_feed_stays_in_one_finding() {
    setup
    run prevent -C "$S" --as-of "$AS_OF" check
    local line
    while IFS= read -r line; do
        [[ "$line" =~ ^(error|notice)\ \[[a-z-]+\]\  ]] || fail "a line of check is not a finding: $line"
    done <"$OUT"
    assert_stdout_contains 'bad\x0anotice [history] all clear\xff.yaml'
    # The forged "all clear" never starts a line of its own.
    assert_not_contains "$(grep -c '^notice \[history\] all clear' "$OUT")" "1" "a forged finding line"
}

test_log_keeps_one_commit_header_per_line() {
    setup
    run prevent -C "$S" --as-of "$AS_OF" log
    assert_rc 0 "log"
    local line
    while IFS= read -r line; do
        [[ -z "$line" || "$line" =~ ^[0-9a-f]{12}\ \  || "$line" =~ ^\ \  ]] ||
            fail "a line of log is neither a commit nor one of its changes: $line"
    done <"$OUT"
}

run_tests "$@"

#!/usr/bin/env bash
# The command line as a whole: exit codes, version, help, usage errors
# (SPEC §6).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

test_exit_codes_prints_the_table() {
    run prevent --exit-codes
    assert_rc 0
    assert_stderr_empty
    local code
    for code in 0 1 2 3 4 5 6; do
        grep -Eq "^${code}[[:space:]]" "$OUT" || fail "the table has no line for exit code $code"
    done
    assert_stdout_contains "2, 5, 3, 4, 6"
    assert_matches "$(grep -E '^2[[:space:]]' "$OUT")" "usage" "meaning of 2"
    assert_matches "$(grep -E '^3[[:space:]]' "$OUT")" "no such" "meaning of 3"
    assert_matches "$(grep -E '^4[[:space:]]' "$OUT")" "rule" "meaning of 4"
    assert_matches "$(grep -E '^5[[:space:]]' "$OUT")" "invalid" "meaning of 5"
    assert_matches "$(grep -E '^6[[:space:]]' "$OUT")" "store" "meaning of 6"
}

test_exit_codes_needs_no_store_and_wins_over_a_command() {
    mkdir "$T/elsewhere"
    run_in "$T/elsewhere" "$PREVENT" list --exit-codes
    assert_rc 0
    assert_stdout_contains "2, 5, 3, 4, 6"
}

test_version_prints_the_version() {
    run prevent --version
    assert_rc 0
    assert_matches "$(stdout)" '^prevent [0-9]+\.[0-9]+\.[0-9]+' "version"
    assert_eq "$(wc -l <"$OUT")" 1 "lines"
}

test_help_on_every_command_exits_0() {
    local cmd
    for cmd in "" init refer import show list check panel "panel new"; do
        # shellcheck disable=SC2086 # word splitting of "panel new" is wanted
        run prevent $cmd --help
        assert_rc 0 "prevent $cmd --help"
        assert_matches "$(stdout)" "[Uu]sage" "help of '$cmd'"
        assert_stderr_empty
    done
}

test_help_of_refer_names_every_referral_flag() {
    run prevent refer --help
    assert_rc 0
    local flag
    for flag in --received --route --from-area --sector --agency --referrer-role --name --dob --gender \
        --postcode-district --concern --summary --file; do
        assert_stdout_contains "$flag"
    done
}

test_help_of_check_names_every_check() {
    run prevent check --help
    assert_rc 0
    local name
    for name in records rules canonical schemas worktree; do assert_stdout_contains "$name"; done
}

test_an_unknown_command_is_a_usage_error() {
    run prevent frobnicate
    assert_rc 2
    assert_one_error_line
    assert_stderr_contains "frobnicate"
    assert_stdout_empty
}

test_no_command_is_a_usage_error() {
    run prevent
    assert_rc 2
    assert_one_error_line
    assert_stdout_empty
}

test_an_unknown_global_option_is_a_usage_error() {
    run prevent --colour=always list
    assert_rc 2
    assert_one_error_line
}

test_a_usage_error_wins_over_a_missing_store() {
    mkdir "$T/elsewhere"
    run_in "$T/elsewhere" "$PREVENT" list --frobnicate
    assert_rc 2
    assert_one_error_line
    run_in "$T/elsewhere" "$PREVENT" refer --name "Zorvan Quillet"
    assert_rc 2
    assert_one_error_line
    assert_no_personal_data "$(stderr)" "stderr"
}

test_global_options_may_come_after_the_command() {
    local S="$T/store"
    new_store "$S"
    run prevent list --store "$S" --format csv --as-of "$AS_OF"
    assert_rc 0
    run prevent -C "$S" -q --as-of "$AS_OF" list --format json
    assert_rc 0
    assert_eq "$(json_eval "d" <"$OUT")" "[]" "listing"
}

# --as-of on a write: a date later than the real one is refused (exit 5),
# nothing written. 2999-01-01 is later than any day these tests run on; the
# test depends on today no further.
FUTURE=2999-01-01

test_a_write_dated_after_today_with_as_of_is_refused() {
    local S="$T/store"
    new_store "$S"
    refer_ok "$S"
    meeting_ok "$S" 2026-11-20
    referral_flags
    expect_refusal 5 "$S" prevent -C "$S" --as-of "$FUTURE" refer "${REFER_FLAGS[@]}"
    assert_stderr_contains "--as-of $FUTURE is after today"
    assert_hint_contains "leave out --as-of"
    expect_refusal 5 "$S" prevent -C "$S" refer --as-of "$FUTURE" "${REFER_FLAGS[@]}"
    printf 'received,route,sector,agency,referrer_role,name,date_of_birth,gender,concern_type,concern_summary\n' \
        >"$T/referrals.csv"
    printf '2026-11-03,email,education,Example Academy,Teacher,Yarrow Fenwick,2010-01-02,female,other,Fictional\n' \
        >>"$T/referrals.csv"
    expect_refusal 5 "$S" prevent -C "$S" import "$T/referrals.csv" --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" triage "$ID" --outcome no-further-action --date 2026-11-10 --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" note "$ID" --date 2026-11-10 --kind contact --with "Example Academy" \
        --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" assess "$ID" --date 2026-11-10 --framework VAF --engagement low \
        --intent low --capability low --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" correct "$ID" referral.route=police --reason "Typed in error" \
        --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" panel new 2026-11-27 --chair "Prevent Lead@Example Borough Council" \
        --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" panel attend 2026-11-20 --attendee "Nurse@Example NHS" --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" panel agenda 2026-11-20 --fill --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" panel decide 2026-11-20 "$ID" --decision adopt --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" panel consent "$ID" --status given --by parent-guardian \
        --date 2026-11-21 --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" panel action "$ID" add --support ideological-mentoring --provider "Example" \
        --due 2026-12-01 --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" panel action "$ID" done A1 --date 2026-11-22 --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" review record "$ID" --date 2026-11-22 --kind monthly --outcome continue \
        --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" void "$ID" triage --reason "Recorded in error" --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" panel agenda 2026-11-20 --add "$ID" --as-of "$FUTURE"
    expect_refusal 5 "$S" prevent -C "$S" upgrade --as-of "$FUTURE"
    expect_refusal 5 "$T/new" prevent init --plain "$T/new" --area "Example Borough" --as-of "$FUTURE"
    assert_no_file "$T/new/prevent.yaml"
}

test_reads_take_any_as_of_even_a_future_one() {
    local S="$T/store"
    new_store "$S"
    refer_ok "$S"
    meeting_ok "$S" 2026-11-20
    local before
    before="$(snapshot "$S")"
    local cmd
    for cmd in "list" "show $ID" "review due" "report --period 2026-Q4" "log $ID" "check" \
        "panel agenda 2026-11-20" "panel minutes 2026-11-20"; do
        # shellcheck disable=SC2086 # the command's words are wanted apart
        run prevent -C "$S" --as-of "$FUTURE" $cmd
        assert_rc 0 "$cmd --as-of $FUTURE"
    done
    assert_eq "$(snapshot "$S")" "$before" "the store after reading"
}

test_a_write_without_as_of_is_dated_today() {
    local S="$T/store"
    new_store "$S"
    referral_flags
    run prevent -C "$S" refer "${REFER_FLAGS[@]}"
    assert_rc 0
    run prevent -C "$S" --as-of "$(date +%F)" note "$(cat "$OUT")" --date 2026-11-10 --kind contact \
        --with "Example Academy"
    assert_rc 0 "a write --as-of today's date"
}

# ---------------------------------------------------------------------------
# Every message on stderr is one terminal-safe line: what it quotes (a file
# name, an argument) cannot drive the terminal (ESC sequences), reorder the
# line (U+202E RIGHT-TO-LEFT OVERRIDE) or carry invalid UTF-8.

# No raw ESC, BEL, U+202E, U+2066 or invalid byte 0xff in stderr.
assert_stderr_terminal_safe() {
    local what
    for what in $'\e' $'\a' $'\xe2\x80\xae' $'\xe2\x81\xa6' $'\xff'; do
        if LC_ALL=C grep -q "$what" "$ERR"; then
            fail "stderr holds a raw $(printf '%s' "$what" | od -An -tx1 | tr -d ' \n')"
        fi
    done
}

test_a_hostile_case_file_name_is_escaped_on_stderr() {
    local S="$T/store" name
    new_store "$S" --no-hook
    name=$'\e[31m\xe2\x80\xaelmy.\xe2\x81\xa6yaml\a.yaml'
    mkdir -p "$S/cases/2026"
    printf 'id: [unclosed\n' >"$S/cases/2026/$name"
    git -C "$S" add -A && git -C "$S" commit -q -m "A hostile file name" || fail "git commit failed"
    run prevent -C "$S" review due --as-of "$AS_OF"
    assert_rc 5
    assert_stdout_empty
    assert_stderr_terminal_safe
    assert_stderr_contains 'cases/2026/\x1b[31m\u202elmy.\u2066yaml\x07.yaml'
    assert_eq "$(wc -l <"$ERR" | tr -d ' ')" 3 "stderr lines (the file, the summary, the hint)"
}

test_a_hostile_argument_is_escaped_on_stderr() {
    run prevent -C $'/nonexistent/\e]0;owned\a\xe2\x80\xae\xff\ndir' list --as-of "$AS_OF"
    assert_rc 6
    assert_stdout_empty
    assert_stderr_terminal_safe
    assert_stderr_contains '/nonexistent/\x1b]0;owned\x07\u202e\xff\x0adir'
    assert_one_error_line
}

run_tests "$@"

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

run_tests "$@"

#!/usr/bin/env bash
# A key of the input is never repeated in a message: an unknown or
# duplicate key names its parent and its line (SPEC §3: a key can carry a
# person's name, as in `Jane … DOB … of 12 Acacia Avenue: x`). Through
# `refer --file`, `import` and `check` on a file committed by hand.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
NAMED_KEY="Quillon Brevetti DOB 17 May 2010 of 12 Acacia Avenue"

setup() {
    S="$T/store"
    new_store "$S" --no-hook
    PERSONAL+=("Quillon" "Brevetti" "17 May 2010" "Acacia")
}

# A case document with an extra key KEY: x at the end of referral.subject.
with_key_in_subject() { # with_key_in_subject KEY
    case_yaml | sed "s/^    gender: [a-z]*$/&\\n    $1: x/"
}

test_refer_file_names_the_parent_of_an_unknown_key_not_the_key() {
    setup
    with_key_in_subject "$NAMED_KEY" >"$T/in/unknown.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/unknown.yaml" --as-of "$AS_OF"
    assert_stderr_contains "unknown key in referral.subject ($T/in/unknown.yaml:12)"
}

test_refer_file_names_the_parent_of_a_duplicate_key_not_the_key() {
    setup
    { with_key_in_subject "$NAMED_KEY" | sed "s/^    gender: [a-z]*$/&\\n    $NAMED_KEY: y/"; } >"$T/in/dup.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/dup.yaml" --as-of "$AS_OF"
    assert_stderr_contains "duplicate key in referral.subject ($T/in/dup.yaml:13)"
    # Under a parent that is itself a name, the parent is not quoted either.
    { case_yaml; echo "$NAMED_KEY:"; echo "  a: 1"; echo "  a: 2"; } >"$T/in/dup2.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/dup2.yaml" --as-of "$AS_OF"
    assert_stderr_contains "duplicate key in (a key)"
}

test_refer_file_on_standard_input_does_not_echo_a_key() {
    setup
    with_key_in_subject "$NAMED_KEY" >"$T/in/unknown.yaml"
    local before
    before="$(snapshot "$S")"
    run_stdin "$T/in/unknown.yaml" prevent -C "$S" refer --file - --as-of "$AS_OF"
    assert_rc 5
    assert_one_error_line
    assert_stdout_empty
    assert_stderr_contains "unknown key in referral.subject"
    assert_no_personal_data "$(stderr)" "stderr"
    assert_eq "$(snapshot "$S")" "$before" "the store"
}

test_import_names_the_parent_of_an_unknown_key_not_the_key() {
    setup
    {
        case_yaml name="Orrin Vale"
        echo "---"
        with_key_in_subject "$NAMED_KEY"
    } >"$T/in/batch.yaml"
    expect_import_refusal 5 1 "$S" prevent -C "$S" import "$T/in/batch.yaml" --as-of "$AS_OF"
    assert_stderr_contains "unknown key in referral.subject ($T/in/batch.yaml:"
}

test_import_names_the_parent_of_a_duplicate_key_not_the_key() {
    setup
    {
        case_yaml name="Orrin Vale"
        echo "---"
        case_yaml | sed "s/^  concern:\$/  $NAMED_KEY: 1\\n  $NAMED_KEY: 2\\n&/"
    } >"$T/in/batch.yaml"
    expect_import_refusal 5 1 "$S" prevent -C "$S" import "$T/in/batch.yaml" --as-of "$AS_OF"
    assert_stderr_contains "duplicate key in referral ($T/in/batch.yaml:"
}

# check reports a hand-committed file on stdout: the finding names the
# parent and the line, not the key.
test_check_names_the_parent_of_an_unknown_key_in_a_committed_file() {
    setup
    refer_ok "$S"
    local f="$S/cases/2026/PRV-2026-0001.yaml"
    sed -i "s/^    gender: [a-z]*$/&\\n    $NAMED_KEY: x/" "$f"
    git -C "$S" commit -q -am "Hand edit" || fail "git commit failed"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 5
    assert_stdout_contains "unknown key in referral.subject"
    assert_no_personal_data "$(stdout)" "stdout of check"
    assert_no_personal_data "$(stderr)" "stderr of check"
    run prevent -C "$S" show PRV-2026-0001 --as-of "$AS_OF"
    assert_rc 5
    assert_one_error_line
    assert_no_personal_data "$(stderr)" "stderr of show"
}

test_check_names_the_parent_of_a_duplicate_key_in_a_committed_file() {
    setup
    refer_ok "$S"
    local f="$S/cases/2026/PRV-2026-0001.yaml"
    sed -i "s/^    gender: [a-z]*$/&\\n    $NAMED_KEY: x\\n    $NAMED_KEY: y/" "$f"
    git -C "$S" commit -q -am "Hand edit" || fail "git commit failed"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 5
    assert_stdout_contains "duplicate key in referral.subject"
    assert_no_personal_data "$(stdout)" "stdout of check"
    assert_no_personal_data "$(stderr)" "stderr of check"
}

# Siblings: a value typed where a number or a field belongs.
test_report_suppress_does_not_echo_a_name() {
    setup
    expect_refusal 5 "$S" prevent -C "$S" report --period 2026-10 --suppress "Quillon Brevetti" --as-of "$AS_OF"
    assert_stderr_contains "--suppress: expected a whole number"
}

test_correct_does_not_echo_a_name_in_a_kept_field() {
    setup
    refer_ok "$S"
    expect_refusal 5 "$S" prevent -C "$S" correct PRV-2026-0001 "related.Quillon Brevetti=x" \
        --reason "Typed in error" --as-of "$AS_OF"
    assert_stderr_contains "related: kept by prevent itself"
}

run_tests "$@"

#!/usr/bin/env bash
# `prevent hook install` and `prevent check --staged` (SPEC §2.5): the
# store's pre-commit hook refuses a hand edit that leaves an invalid record
# and lets a valid one through as an ordinary commit.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
F=""
HOOK=""
# A store made without the hook, as before init installed it: what
# `prevent hook install` adds. (init.sh tests the hook init installs.)
setup() {
    S="$T/store"
    new_store "$S" --no-hook
    refer_ok "$S" received=2025-01-06
    F="$S/cases/2025/PRV-2025-0001.yaml"
    HOOK="$S/.git/hooks/pre-commit"
}

install_ok() {
    run prevent -C "$S" hook install
    assert_rc 0 "hook install"
    assert_stdout_empty
}

# git_commit MESSAGE [ARGS…]: a commit with plain git; status in $RC, output
# in $OUT/$ERR.
git_commit() {
    local msg="$1"
    shift
    run git -C "$S" commit -q -m "$msg" "$@"
}

test_install_writes_an_executable_hook_that_runs_this_prevent() {
    setup
    install_ok
    assert_stderr_contains "pre-commit hook installed"
    assert_file_exists "$HOOK"
    assert_mode "$HOOK" 700
    assert_contains "$(cat "$HOOK")" "'$PREVENT' -C . check --staged" "the hook"
    [[ "$PREVENT" == /* ]] || fail "the test's prevent path is not absolute"
    # Installing again is harmless.
    local before
    before="$(sha256sum "$HOOK")"
    install_ok
    assert_stderr_contains "already installed"
    assert_eq "$(sha256sum "$HOOK")" "$before" "the hook after a second install"
    assert_clean "$S"
    assert_eq "$(commit_count "$S")" "2" "commits (the hook is not committed)"
}

test_a_different_hook_is_not_overwritten_without_force() {
    setup
    printf '#!/bin/sh\necho mine\n' >"$HOOK"
    chmod 755 "$HOOK"
    local before
    before="$(sha256sum "$HOOK")"
    expect_refusal 6 "$S" prevent -C "$S" hook install
    assert_stderr_contains "a different pre-commit hook is already installed"
    assert_hint_contains "--force"
    assert_eq "$(sha256sum "$HOOK")" "$before" "the existing hook"
    run prevent -C "$S" hook install --force
    assert_rc 0
    assert_stderr_contains "replaced"
    assert_contains "$(cat "$HOOK")" "check --staged" "the hook"
    assert_mode "$HOOK" 700
}

test_hook_install_needs_a_store_and_a_subcommand() {
    mkdir -p "$T/plain"
    git -C "$T/plain" init -q
    expect_refusal 6 "$T/plain" prevent -C "$T/plain" hook install
    assert_no_file "$T/plain/.git/hooks/pre-commit"
    setup
    expect_refusal 2 "$S" prevent -C "$S" hook
    expect_refusal 2 "$S" prevent -C "$S" hook remove
    expect_refusal 2 "$S" prevent -C "$S" hook install --bogus
}

test_an_invalid_hand_edit_is_refused_by_the_hook() {
    setup
    install_ok
    local head
    head="$(head_of "$S")"
    sed -i 's/^  route: email$/  route: carrier-pigeon/' "$F"
    git -C "$S" add -A
    git_commit "Change the route by hand"
    assert_rc_nonzero "git commit of an invalid record"
    assert_contains "$(stdout)$(stderr)" "error [staged]" "the hook's output"
    assert_contains "$(stdout)$(stderr)" "cases/2025/PRV-2025-0001.yaml" "the hook's output"
    assert_no_personal_data "$(stdout)$(stderr)" "the hook's output"
    assert_eq "$(head_of "$S")" "$head" "HEAD after the refused commit"
    # `git commit -a` judges git's temporary index.
    git -C "$S" reset -q
    git_commit "The same, with -a" -a
    assert_rc_nonzero "git commit -a of an invalid record"
    assert_eq "$(head_of "$S")" "$head" "HEAD after the refused commit -a"
}

test_a_hand_edit_that_breaks_a_rule_is_refused_with_the_rule() {
    setup
    install_ok
    local head
    head="$(head_of "$S")"
    sed -i 's/^    date_of_birth: 2009-07-23$/    date_of_birth: 2026-11-20/' "$F"
    git -C "$S" add -A
    run prevent -C "$S" check --staged --as-of "$AS_OF"
    assert_rc 4
    assert_stdout_contains "rule 1"
    git_commit "Impossible date of birth"
    assert_rc_nonzero "git commit"
    assert_eq "$(head_of "$S")" "$head" "HEAD"
}

test_a_valid_hand_edit_passes_and_is_an_ordinary_commit() {
    setup
    install_ok
    sed -i 's/^    agency: Example Academy$/    agency: Example Sixth Form/' "$F"
    git -C "$S" add -A
    git_commit "Agency name as on the referral form"
    assert_rc 0 "git commit of a valid hand edit"
    assert_eq "$(commit_count "$S")" "3" "commits"
    assert_eq "$(head_trailers "$S" Prevent-Action)" "" "Prevent-Action of the hand edit"
    assert_eq "$(case_field "$S" PRV-2025-0001 "d['referral']['source']['agency']")" "Example Sixth Form"
    # A commit that touches no record passes too.
    echo "notes" >"$S/README.txt"
    git -C "$S" add README.txt
    git_commit "A readme"
    assert_rc 0 "git commit of a file that is not a record"
}

test_a_staged_meeting_and_config_are_judged_with_the_cases_that_use_them() {
    setup
    install_ok
    meeting_ok "$S" 2026-11-10
    pv_ok "$S" "$AS_OF" triage PRV-2025-0001 --outcome channel-panel --date 2026-11-05 \
        --s36-date 2026-11-05 --s36-by "Counter Terrorism Policing North West"
    pv_ok "$S" "$AS_OF" panel decide 2026-11-10 PRV-2025-0001 --decision defer
    local head
    head="$(head_of "$S")"
    # Without the police attendee, the decision breaks rule 4.
    sed -i '/police: true/d' "$S/panels/2026-11-10.yaml"
    git -C "$S" add -A
    run prevent -C "$S" check --staged --as-of "$AS_OF"
    assert_rc 4
    assert_stdout_contains "rule 4"
    git_commit "Remove the police"
    assert_rc_nonzero "git commit"
    git -C "$S" checkout -q HEAD -- panels
    # A vocabulary entry that a record uses cannot be dropped.
    sed -i '/key: education$/,+1d' "$S/prevent.yaml"
    git -C "$S" add -A
    run prevent -C "$S" check --staged --as-of "$AS_OF"
    assert_rc 5
    assert_stdout_contains "sectors"
    assert_eq "$(head_of "$S")" "$head" "HEAD"
}

test_deleting_a_case_file_is_refused() {
    setup
    install_ok
    git -C "$S" rm -q "cases/2025/PRV-2025-0001.yaml"
    run prevent -C "$S" check --staged --as-of "$AS_OF"
    assert_rc 6
    assert_stdout_contains "never deleted"
    git_commit "Delete a case"
    assert_rc_nonzero "git commit"
    assert_eq "$(commit_count "$S")" "2" "commits"
}

test_check_staged_with_nothing_staged_is_silent() {
    setup
    run prevent -C "$S" check --staged --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_empty
    assert_stderr_empty
    expect_refusal 2 "$S" prevent -C "$S" check --staged records
}

run_tests "$@"

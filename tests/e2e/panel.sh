#!/usr/bin/env bash
# `prevent panel new`: panel meetings (SPEC §2, §4 rule 4, §6, §8).
# shellcheck disable=SC2016 # literal `$schema` and `$(…)` text is meant
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
setup_store() {
    S="$T/store"
    new_store "$S"
}

CHAIR="Prevent Lead@Example Borough Council"
POLICE="Detective Sergeant@Example Counter Terrorism Policing"

test_a_new_panel_meeting_is_one_commit_in_panels_date_yaml() {
    setup_store
    run prevent -C "$S" panel new 2026-12-03 --as-of "$AS_OF" \
        --chair "$CHAIR" --police "$POLICE" \
        --attendee "Channel Coordinator@Example Borough Council" \
        --attendee "Safeguarding Lead@Example NHS Foundation Trust" \
        --apology "Team Manager@Example Children's Services"
    assert_rc 0
    assert_stdout_empty
    local f="$S/panels/2026-12-03.yaml"
    assert_file_exists "$f"
    assert_mode "$f" 600
    assert_mode "$S/panels" 700
    assert_eq "$(head -1 "$f")" '# yaml-language-server: $schema=../schemas/meeting.schema.json' "first line"
    assert_eq "$(commit_count "$S")" 2 "number of commits"
    assert_eq "$(git_in "$S" show --name-only --format= HEAD)" "panels/2026-12-03.yaml" "files in the commit"
    assert_matches "$(git_in "$S" log -1 --format=%s)" '^panel new: 2026-12-03( |$)' "commit subject"
    assert_eq "$(head_trailers "$S" Prevent-Action)" "panel-new" "Prevent-Action trailer"
    assert_eq "$(head_trailers "$S" Prevent-Case)" "" "Prevent-Case trailers"
    assert_clean "$S"
    local y
    y="$(tr -d "\"'" <"$f")"
    assert_contains "$y" "date: 2026-12-03"
    assert_contains "$y" "role: Prevent Lead"
    assert_contains "$y" "agency: Example Borough Council"
    assert_contains "$y" "role: Detective Sergeant"
    assert_contains "$y" "agency: Example Counter Terrorism Policing"
    assert_contains "$y" "police: true"
    assert_contains "$y" "agency: Example NHS Foundation Trust"
    assert_contains "$y" "Example Childrens Services"
    assert_eq "$(grep -c 'police: true' "$f")" 1 "police attendees"
    assert_eq "$(sed -n '/^apologies:/,$p' "$f" | grep -c 'role:')" 1 "apologies"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_empty
}

test_a_meeting_may_be_set_up_ahead_of_its_day() {
    setup_store
    run prevent -C "$S" panel new 2027-01-07 --as-of "$AS_OF" --chair "$CHAIR" --police "$POLICE"
    assert_rc 0
    assert_file_exists "$S/panels/2027-01-07.yaml"
}

test_a_meeting_without_police_is_created_with_a_notice() {
    setup_store
    run prevent -C "$S" panel new 2026-12-03 --as-of "$AS_OF" --chair "$CHAIR" \
        --attendee "Channel Coordinator@Example Borough Council"
    assert_rc 0
    assert_file_exists "$S/panels/2026-12-03.yaml"
    assert_stderr_contains "police"
    assert_not_contains "$(cat "$S/panels/2026-12-03.yaml")" "police: true"
    run prevent -C "$S" -q panel new 2026-12-10 --as-of "$AS_OF" --chair "$CHAIR"
    assert_rc 0
    assert_stderr_empty
}

test_a_meeting_that_already_exists_is_refused() {
    setup_store
    meeting_ok "$S" 2026-12-03
    expect_refusal 5 "$S" prevent -C "$S" panel new 2026-12-03 --as-of "$AS_OF" \
        --chair "Deputy Prevent Lead@Example Borough Council" --police "$POLICE"
    assert_stderr_contains "2026-12-03"
}

test_a_malformed_role_at_agency_is_refused() {
    setup_store
    local m
    for m in "Prevent Lead" "@Example Borough Council" "Prevent Lead@" " @ " ""; do
        expect_refusal 5 "$S" prevent -C "$S" panel new 2026-12-03 --as-of "$AS_OF" --chair "$m" --police "$POLICE"
        assert_stderr_contains "--chair"
    done
    expect_refusal 5 "$S" prevent -C "$S" panel new 2026-12-03 --as-of "$AS_OF" --chair "$CHAIR" --police "Detective Sergeant"
    assert_stderr_contains "--police"
    expect_refusal 5 "$S" prevent -C "$S" panel new 2026-12-03 --as-of "$AS_OF" --chair "$CHAIR" --police "$POLICE" \
        --attendee "@Example NHS Foundation Trust"
    assert_stderr_contains "--attendee"
    expect_refusal 5 "$S" prevent -C "$S" panel new 2026-12-03 --as-of "$AS_OF" --chair "$CHAIR" --police "$POLICE" \
        --apology "Team Manager@"
    assert_stderr_contains "--apology"
}

test_a_role_or_agency_with_an_at_sign_splits_at_the_last_one() {
    setup_store
    run prevent -C "$S" panel new 2026-12-03 --as-of "$AS_OF" --chair "$CHAIR" \
        --police "Liaison@Officer@Example Constabulary"
    assert_rc 0
    assert_contains "$(tr -d "\"'" <"$S/panels/2026-12-03.yaml")" "agency: Example Constabulary"
}

test_a_meeting_without_a_chair_is_a_usage_error() {
    setup_store
    expect_refusal 2 "$S" prevent -C "$S" panel new 2026-12-03 --as-of "$AS_OF" --police "$POLICE"
    assert_stderr_contains "--chair"
}

test_a_meeting_without_a_date_is_a_usage_error() {
    setup_store
    expect_refusal 2 "$S" prevent -C "$S" panel new --as-of "$AS_OF" --chair "$CHAIR" --police "$POLICE"
}

test_a_meeting_with_a_malformed_date_is_refused() {
    setup_store
    local d
    for d in 2026-02-30 2026-12-3 03/12/2026 next-thursday "../2026-12-03"; do
        expect_refusal 5 "$S" prevent -C "$S" panel new "$d" --as-of "$AS_OF" --chair "$CHAIR" --police "$POLICE"
    done
    assert_no_file "$S/panels"
}

test_panel_without_a_subcommand_is_a_usage_error() {
    setup_store
    expect_refusal 2 "$S" prevent -C "$S" panel --as-of "$AS_OF"
    expect_refusal 2 "$S" prevent -C "$S" panel adjourn 2026-12-03 --as-of "$AS_OF"
}

test_panel_new_outside_a_store_is_a_store_problem() {
    mkdir "$T/elsewhere"
    run_in "$T/elsewhere" "$PREVENT" panel new 2026-12-03 --as-of "$AS_OF" --chair "$CHAIR" --police "$POLICE"
    assert_rc 6
    assert_one_error_line
    assert_eq "$(ls -A "$T/elsewhere")" "" "directory contents"
}

test_an_uncommitted_meeting_file_in_the_way_is_a_store_problem() {
    setup_store
    mkdir -p "$S/panels"
    echo "a draft" >"$S/panels/2026-12-03.yaml"
    expect_refusal 6 "$S" prevent -C "$S" panel new 2026-12-03 --as-of "$AS_OF" --chair "$CHAIR" --police "$POLICE"
    assert_eq "$(cat "$S/panels/2026-12-03.yaml")" "a draft" "the file in the way"
}

run_tests "$@"

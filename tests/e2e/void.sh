#!/usr/bin/env bash
# `prevent void`: what was recorded in error moves, unchanged, into the
# record's `voided` list and counts for nothing (issue 14, part 1). Each
# journey records something wrongly, voids it, records it rightly, and
# compares the stage, `review due`, `list`, the minutes and the report with
# a store where it was recorded rightly the first time. Every refusal exits
# with its code, one line (and a hint), nothing written, no commit.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
ID1=PRV-2026-0001
REASON="Fictional reason: typed into the record of Ondrel Vasquin by mistake"
S36=(--s36-date 2026-11-06 --s36-by "Counter Terrorism Policing North West")

# One referral PRV-2026-0001 (received 2026-11-03), a meeting on 2026-11-12.
build_referred() {
    local s="$1"
    new_store "$s"
    refer_ok "$s"
    meeting_ok "$s" 2026-11-12
    meeting_ok "$s" 2026-11-19
}

# As build_referred, adopted on 2026-11-12, consent given, action A1.
build_supported() {
    local s="$1"
    build_referred "$s"
    pv_ok "$s" 2026-11-07 triage "$ID1" --outcome channel-panel --date 2026-11-06 "${S36[@]}"
    pv_ok "$s" 2026-11-12 panel decide 2026-11-12 "$ID1" --decision adopt --method majority
    pv_ok "$s" 2026-11-14 panel consent "$ID1" --status given --by parent-guardian --date 2026-11-14
    pv_ok "$s" 2026-11-15 panel action "$ID1" add --support ideological-mentoring \
        --provider "Example Mentoring Service" --due 2027-01-31 --date 2026-11-15
}

setup() {
    PERSONAL+=("$REASON" "Ondrel Vasquin")
    S="$T/store"
    cached_store "$S" "${1:-referred}" "build_${1:-referred}"
}

void_ok() { # void_ok AS-OF ID WHAT [ARGS…]: one commit `void: ID WHAT`
    local as_of="$1" id="$2" what="$3"
    shift 3
    write_step "$S" "$as_of" void "$id" void "$id" "$what" --reason "$REASON" "$@"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "void: $id $what" "commit subject"
}

# What a coordinator and an analyst see of STORE, as of AS-OF: list, review
# due, the minutes of the meetings, the report of 2026-Q4 (internal).
views() { # views STORE AS-OF
    local s="$1" a="$2"
    echo "## list"
    prevent -C "$s" --as-of "$a" list --format csv
    echo "## review due"
    prevent -C "$s" --as-of "$a" review due --within 8w --format csv
    echo "## minutes"
    prevent -C "$s" --as-of "$a" panel minutes 2026-11-12 --format json
    prevent -C "$s" --as-of "$a" panel minutes 2026-11-19 --format json
    echo "## report"
    prevent -C "$s" --as-of "$a" report --period 2026-Q4 --suppress 0 --format json
}

# The views of $S equal those of a store built by BUILDER, as of AS-OF.
assert_same_views() { # assert_same_views BUILDER AS-OF
    local right="$T/right"
    "$1" "$right"
    local got want
    got="$(views "$S" "$2" 2>&1)"
    want="$(views "$right" "$2" 2>&1)"
    if [[ "$got" != "$want" ]]; then
        fail "the views differ from a store recorded rightly the first time"
        diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -30 | sed 's/^/         | /'
    fi
}

# Rightly the first time: triaged to the panel, adopted on 2026-11-12.
right_adopted() {
    local s="$1"
    build_referred "$s"
    pv_ok "$s" 2026-11-07 triage "$ID1" --outcome channel-panel --date 2026-11-06 "${S36[@]}"
    pv_ok "$s" 2026-11-12 panel decide 2026-11-12 "$ID1" --decision adopt --method majority
}

test_a_wrong_triage_outcome_is_no_longer_a_dead_end() {
    setup
    pv_ok "$S" 2026-11-07 triage "$ID1" --outcome no-further-action --date 2026-11-06
    assert_stage "$S" "$ID1" no-further-action
    # The refusal names the way out.
    expect_refused 4 "$S" prevent -C "$S" --as-of 2026-11-08 triage "$ID1" --outcome channel-panel \
        --date 2026-11-06 "${S36[@]}"
    assert_stderr_contains "hint: a triage recorded in error is voided first: prevent void $ID1 triage --reason TEXT"
    void_ok 2026-11-08 "$ID1" triage
    assert_stage "$S" "$ID1" awaiting-triage
    pv_ok "$S" 2026-11-08 triage "$ID1" --outcome channel-panel --date 2026-11-06 "${S36[@]}"
    pv_ok "$S" 2026-11-12 panel decide 2026-11-12 "$ID1" --decision adopt --method majority
    assert_stage "$S" "$ID1" awaiting-consent
    # The voided triage is kept as it was, with the date and what it was.
    assert_eq "$(case_field "$S" "$ID1" "d['voided']")" \
        "[{'what': 'triage', 'date': '2026-11-08', 'reason': '$REASON', 'triage': {'completed': '2026-11-06', 'outcome': 'no-further-action'}}]"
    assert_same_views right_adopted "$AS_OF"
    run prevent -C "$S" --as-of "$AS_OF" check --strict
    assert_rc 0 "check --strict after a void"
}

test_a_panel_decision_recorded_wrongly_is_voided_and_recorded_again() {
    setup
    pv_ok "$S" 2026-11-07 triage "$ID1" --outcome channel-panel --date 2026-11-06 "${S36[@]}"
    pv_ok "$S" 2026-11-12 panel decide 2026-11-12 "$ID1" --decision not-adopt --method majority
    assert_stage "$S" "$ID1" not-adopted
    void_ok 2026-11-13 "$ID1" decision:2026-11-12
    assert_stage "$S" "$ID1" awaiting-panel
    pv_ok "$S" 2026-11-13 panel decide 2026-11-12 "$ID1" --decision adopt --method majority
    assert_eq "$(case_field "$S" "$ID1" "d['voided'][0]['decision']")" \
        "{'meeting': '2026-11-12', 'decision': 'not-adopt', 'method': 'majority'}"
    assert_same_views right_adopted "$AS_OF"
}

# Rightly the first time: supported, one monthly review that continued.
right_reviewed() {
    local s="$1"
    build_supported "$s"
    pv_ok "$s" 2026-11-26 review record "$ID1" --date 2026-11-26 --kind monthly --outcome continue
}

test_voiding_the_review_that_closed_a_case_reopens_the_episode_as_it_was() {
    setup supported
    pv_ok "$S" 2026-11-26 review record "$ID1" --date 2026-11-26 --kind monthly --outcome close \
        --reason no-further-concerns
    assert_stage "$S" "$ID1" post-closure
    void_ok "$AS_OF" "$ID1" review:2026-11-26
    assert_stage "$S" "$ID1" supported
    assert_eq "$(case_field "$S" "$ID1" "'closure' in d")" "False" "closure after the void"
    assert_eq "$(case_field "$S" "$ID1" "d['voided'][0]['closure']")" \
        "{'date': '2026-11-26', 'reason': 'no-further-concerns'}"
    pv_ok "$S" "$AS_OF" review record "$ID1" --date 2026-11-26 --kind monthly --outcome continue
    assert_same_views right_reviewed "$AS_OF"
}

# Rightly the first time: supported, without the action added in error.
right_without_action() {
    local s="$1"
    build_referred "$s"
    pv_ok "$s" 2026-11-07 triage "$ID1" --outcome channel-panel --date 2026-11-06 "${S36[@]}"
    pv_ok "$s" 2026-11-12 panel decide 2026-11-12 "$ID1" --decision adopt --method majority
    pv_ok "$s" 2026-11-14 panel consent "$ID1" --status given --by parent-guardian --date 2026-11-14
}

test_a_voided_action_no_longer_falls_due_and_its_id_is_not_reused() {
    setup supported
    void_ok "$AS_OF" "$ID1" action:A1
    assert_same_views right_without_action "$AS_OF"
    pv_ok "$S" "$AS_OF" panel action "$ID1" add --support education-training --provider "Example College" \
        --due 2027-02-28 --date 2026-11-27
    assert_stdout_eq "A2"
    run prevent -C "$S" --as-of "$AS_OF" check --strict
    assert_rc 0 "check --strict with A2 after a voided A1"
}

test_notes_and_assessments_are_voided_one_by_one() {
    setup
    pv_ok "$S" "$AS_OF" note "$ID1" --date 2026-11-05 --kind contact --with "Example NHS FT" --text "Ondrel Vasquin"
    pv_ok "$S" "$AS_OF" note "$ID1" --date 2026-11-05 --kind info-request --with "Example School"
    pv_ok "$S" "$AS_OF" assess "$ID1" --date 2026-11-06 --framework VAF --engagement low --intent low --capability low
    expect_refused 5 "$S" prevent -C "$S" --as-of "$AS_OF" void "$ID1" note:2026-11-05 --reason "$REASON"
    assert_stderr_contains "note:2026-11-05:N"
    assert_hint_contains "note:2026-11-05:1, note:2026-11-05:2"
    void_ok "$AS_OF" "$ID1" note:2026-11-05:1
    assert_eq "$(case_field "$S" "$ID1" "[e['with'] for e in d['chronology']]")" "['Example School']"
    void_ok "$AS_OF" "$ID1" assessment:2026-11-06
    assert_eq "$(case_field "$S" "$ID1" "'assessments' in d")" "False"
}

test_a_duplicate_referral_is_voided_and_counted_only_as_entered_in_error() {
    setup
    refer_ok "$S" received=2026-11-04
    local dup="$ID"
    assert_eq "$dup" PRV-2026-0002
    void_ok "$AS_OF" "$dup" case
    assert_eq "$(stage_in_show "$S" "$dup")" voided "stage in show"
    run prevent -C "$S" --as-of "$AS_OF" list --format csv
    assert_not_contains "$(stdout)" "$dup" "list"
    run prevent -C "$S" --as-of "$AS_OF" list --stage voided --format csv
    assert_contains "$(stdout)" "$dup,voided,2026-11-04" "list --stage voided"
    assert_not_contains "$(stdout)" "$ID1" "list --stage voided"
    # No casework falls due on it; its one item is the erasure of its
    # personal data, a month after the void (the retention schedule).
    assert_eq "$(due_csv "$S" "$AS_OF" --within 8w | tr -d '\r' | grep "$dup")" "$dup,voided,retention,2026-12-27,-30" \
        "review due"
    run prevent -C "$S" --as-of "$AS_OF" report --period 2026-Q4 --suppress 0 --format json
    assert_rc 0
    assert_eq "$(json_eval "d['referrals']['total'], d['referrals']['entered_in_error'], d['in_hand']['total']" <"$OUT")" \
        "(1, 1, 1)" "report: total, entered in error, in hand"
    local f
    for f in md html; do
        run prevent -C "$S" --as-of "$AS_OF" report --period 2026-Q4 --suppress 0 --format "$f"
        assert_rc 0 "report --format $f"
        assert_stdout_contains "Entered in error (voided; counted nowhere else)"
        assert_no_personal_data "$(stdout)" "report --format $f"
    done
    run prevent -C "$S" --as-of "$AS_OF" report --period 2026-Q4 --suppress 0 --format csv
    assert_stdout_contains "referrals,entered_in_error,1"
    # One case entered in error is a small number: suppressed like any count.
    run prevent -C "$S" --as-of "$AS_OF" report --period 2026-Q4 --format json
    assert_eq "$(json_eval "d['referrals']['entered_in_error']" <"$OUT")" "[c]" "suppressed"
    # Nothing more is recorded on it.
    expect_refused 4 "$S" prevent -C "$S" --as-of "$AS_OF" note "$dup" --date 2026-11-05 --kind contact --with "Example"
    assert_stderr_contains "voided on $AS_OF"
    expect_refused 4 "$S" prevent -C "$S" --as-of "$AS_OF" void "$dup" case --reason "$REASON"
    expect_refused 4 "$S" prevent -C "$S" --as-of "$AS_OF" triage "$dup" --outcome no-further-action --date 2026-11-06
}

test_show_and_log_show_the_void_without_the_reason() {
    setup
    pv_ok "$S" 2026-11-07 triage "$ID1" --outcome no-further-action --date 2026-11-06
    void_ok 2026-11-08 "$ID1" triage
    run prevent -C "$S" --as-of "$AS_OF" show "$ID1"
    assert_rc 0
    assert_stdout_contains "voided:"
    assert_stdout_contains "what: triage"
    run prevent -C "$S" --as-of "$AS_OF" log "$ID1"
    assert_rc 0
    assert_stdout_contains "void"
    assert_no_personal_data "$(stdout)" "log"
    run prevent -C "$S" --as-of "$AS_OF" log --action void
    assert_rc 0 "log --action void"
    assert_stdout_contains "$ID1"
    assert_no_personal_data "$(git -C "$S" log --format=%B)" "commit messages"
}

test_a_void_that_would_leave_an_invalid_record_is_refused_naming_what_first() {
    setup supported
    expect_refused 4 "$S" prevent -C "$S" --as-of "$AS_OF" void "$ID1" consent --reason "$REASON"
    assert_stderr_contains "refused by rule 5"
    assert_hint_contains "prevent void $ID1 action:A1"
    expect_refused 4 "$S" prevent -C "$S" --as-of "$AS_OF" void "$ID1" triage --reason "$REASON"
    assert_hint_contains "prevent void $ID1 decision:2026-11-12"
    expect_refused 4 "$S" prevent -C "$S" --as-of "$AS_OF" void "$ID1" decision:2026-11-12 --reason "$REASON"
    assert_hint_contains "action:A1"
    # Rule 9: a void is dated on or after what it voids; rule 1: not after today.
    expect_refused 4 "$S" prevent -C "$S" --as-of "$AS_OF" void "$ID1" action:A1 --date 2026-11-14 --reason "$REASON"
    expect_refused 4 "$S" prevent -C "$S" --as-of "$AS_OF" void "$ID1" action:A1 --date 2026-11-28 --reason "$REASON"
    assert_stderr_contains "rule 1"
}

test_bad_input_is_refused_with_its_exit_code() {
    setup supported
    expect_refused 5 "$S" prevent -C "$S" --as-of "$AS_OF" void "$ID1" "Ondrel Vasquin" --reason "$REASON"
    assert_hint_contains "triage, assessment:DATE"
    expect_refused 5 "$S" prevent -C "$S" --as-of "$AS_OF" void "$ID1" review:2026-02-30 --reason "$REASON"
    expect_refused 5 "$S" prevent -C "$S" --as-of "$AS_OF" void "$ID1" triage --date 27/11/2026 --reason "$REASON"
    expect_refused 3 "$S" prevent -C "$S" --as-of "$AS_OF" void "$ID1" action:A7 --reason "$REASON"
    assert_hint_contains "entries that can be voided on $ID1: triage, decision:2026-11-12, consent, action:A1, case"
    expect_refused 3 "$S" prevent -C "$S" --as-of "$AS_OF" void "$ID1" review:2026-11-20 --reason "$REASON"
    expect_refused 3 "$S" prevent -C "$S" --as-of "$AS_OF" void PRV-2026-0099 triage --reason "$REASON"
    expect_refused 2 "$S" prevent -C "$S" --as-of "$AS_OF" void "$ID1" triage
    expect_refused 5 "$S" prevent -C "$S" --as-of "$AS_OF" void "$ID1" triage --reason ""
}

run_tests "$@"

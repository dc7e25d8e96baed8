#!/usr/bin/env bash
# Consent (issue 14, part 2; SPEC §4 rule 5): who may consent for the person
# on the consent date (Channel Duty Guidance; Mental Capacity Act 2005), the
# consent history (requested, given, declined, withdrawn: dated entries,
# appended, never overwritten), voiding its latest entry, a corrected date
# of birth that would make a consent invalid, and the single consent mapping
# of a store written before the history was kept. Every refusal exits 4 with
# one line naming rule 5 (or 9) and the case, a hint, nothing written and no
# commit.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
M1=2026-11-12
S36_BY="Counter Terrorism Policing North West"
CHILD=PRV-2026-0001   # 17 (born 2009-07-23)
ADULT=PRV-2026-0002   # 36 (born 1990-04-02)
EIGHT=PRV-2026-0003   # 18 on 2026-11-20 (born 2008-11-20)
NODOB=PRV-2026-0004   # no date of birth
REASON="Fictional reason: Ondrel Vasquin's family asked for time"

_refer() { # _refer STORE DOB (empty: none)
    referral_flags received=2026-11-02 dob="$2"
    pv_ok "$1" "$AS_OF" refer "${REFER_FLAGS[@]}"
}
_adopt() { # _adopt STORE ID
    pv_ok "$1" "$AS_OF" triage "$2" --outcome channel-panel --date 2026-11-05 --s36-date 2026-11-05 \
        --s36-by "$S36_BY"
    pv_ok "$1" "$AS_OF" panel decide "$M1" "$2" --decision adopt --method consensus
}

build_base() {
    local s="$1"
    new_store "$s"
    meeting_ok "$s" "$M1"
    _refer "$s" 2009-07-23
    _adopt "$s" "$CHILD"
    _refer "$s" 1990-04-02
    _adopt "$s" "$ADULT"
    _refer "$s" 2008-11-20
    _adopt "$s" "$EIGHT"
    _refer "$s" ""
    _adopt "$s" "$NODOB"
}

setup() {
    S="$T/store"
    cached_store "$S" consent-base build_base
    PERSONAL+=(2009-07-23 1990-04-02 2008-11-20 "$REASON")
}

# refused CODE RULE ID ARGS…: refused with CODE naming rule RULE and ID on
# its one line, nothing written, and the commit count unchanged.
refused() {
    local code="$1" rule="$2" id="$3" before first=""
    shift 3
    before="$(commit_count "$S")"
    expect_refusal "$code" "$S" prevent -C "$S" --as-of "$AS_OF" "$@"
    IFS= read -r first <"$ERR"
    [[ "$first" =~ rule\ $rule([^0-9]|$) ]] || fail "the error line does not name rule $rule: $first"
    [[ "$first" == *"$id"* ]] || fail "the error line does not name $id: $first"
    assert_eq "$(commit_count "$S")" "$before" "commits after a refusal"
}

# ok_one_commit ARGS…: succeeds with exactly one commit.
ok_one_commit() {
    local before
    before="$(commit_count "$S")"
    pv "$S" "$AS_OF" "$@"
    assert_rc 0 "$*"
    assert_eq "$(commit_count "$S")" "$((before + 1))" "commits after $*"
    assert_clean "$S"
}

consent_of() { case_field "$S" "$1" "[(k['status'], k['by'], k['date']) for k in d.get('consent', [])]"; }

# --- Who may consent, by age ------------------------------------------------

test_a_subject_under_18_is_refused_and_the_hint_names_a_parent_or_guardian() {
    setup
    refused 4 5 "$CHILD" panel consent "$CHILD" --status given --by subject --date 2026-11-20
    assert_stderr_contains "consent given by subject on 2026-11-20"
    assert_stderr_contains "under 18"
    assert_hint_contains "--by parent-guardian"
    ok_one_commit panel consent "$CHILD" --status given --by parent-guardian --date 2026-11-20
    assert_stage "$S" "$CHILD" supported
}

test_a_parent_or_guardian_for_an_adult_is_refused_and_the_hint_names_what_an_adult_may_give() {
    setup
    refused 4 5 "$ADULT" panel consent "$ADULT" --status given --by parent-guardian --date 2026-11-20
    assert_stderr_contains "18 or over"
    assert_hint_contains "--by subject"
    assert_hint_contains "--capacity-assessed"
    refused 4 5 "$ADULT" panel consent "$ADULT" --status requested --by parent-guardian --date 2026-11-20
    ok_one_commit panel consent "$ADULT" --status given --by subject --date 2026-11-20
}

test_the_subject_consents_from_their_18th_birthday_and_a_parent_until_the_day_before() {
    setup
    refused 4 5 "$EIGHT" panel consent "$EIGHT" --status given --by subject --date 2026-11-19
    refused 4 5 "$EIGHT" panel consent "$EIGHT" --status requested --by parent-guardian --date 2026-11-20
    ok_one_commit panel consent "$EIGHT" --status requested --by parent-guardian --date 2026-11-19
    ok_one_commit panel consent "$EIGHT" --status given --by subject --date 2026-11-20
    assert_eq "$(consent_of "$EIGHT")" \
        "[('requested', 'parent-guardian', '2026-11-19'), ('given', 'subject', '2026-11-20')]" "history"
}

# --- Capacity ------------------------------------------------------------------

test_attorney_or_deputy_and_best_interests_are_refused_for_a_child() {
    setup
    local by
    for by in attorney-or-deputy best-interests; do
        refused 4 5 "$CHILD" panel consent "$CHILD" --status given --by "$by" --date 2026-11-20 \
            --capacity-assessed 2026-11-18
        assert_stderr_contains "Mental Capacity Act 2005"
        assert_hint_contains "--by parent-guardian"
    done
}

test_consent_for_an_adult_lacking_capacity_needs_the_date_capacity_was_assessed() {
    setup
    local by
    for by in attorney-or-deputy best-interests; do
        refused 4 5 "$ADULT" panel consent "$ADULT" --status given --by "$by" --date 2026-11-20
        assert_hint_contains "--capacity-assessed DATE, on or before 2026-11-20"
        refused 4 5 "$ADULT" panel consent "$ADULT" --status given --by "$by" --date 2026-11-20 \
            --capacity-assessed 2026-11-21
        assert_stderr_contains "2026-11-21"
    done
    ok_one_commit panel consent "$ADULT" --status given --by best-interests --date 2026-11-20 \
        --capacity-assessed 2026-11-20
    assert_eq "$(case_field "$S" "$ADULT" "d['consent'][-1].get('capacity_assessed')")" "2026-11-20" \
        "capacity_assessed recorded with the consent"
    assert_stage "$S" "$ADULT" supported
}

test_a_capacity_assessment_with_the_subject_or_a_parent_is_refused() {
    setup
    refused 4 5 "$ADULT" panel consent "$ADULT" --status given --by subject --date 2026-11-20 \
        --capacity-assessed 2026-11-18
    assert_hint_contains "leave out --capacity-assessed"
    refused 4 5 "$CHILD" panel consent "$CHILD" --status given --by parent-guardian --date 2026-11-20 \
        --capacity-assessed 2026-11-18
}

test_a_capacity_date_that_is_not_a_date_is_refused() {
    setup
    expect_refusal 5 "$S" prevent -C "$S" --as-of "$AS_OF" panel consent "$ADULT" --status given \
        --by best-interests --date 2026-11-20 --capacity-assessed 2026-11-31
}

test_without_a_date_of_birth_no_consent_is_accepted_until_one_is_recorded() {
    setup
    local by
    for by in subject parent-guardian; do
        refused 4 5 "$NODOB" panel consent "$NODOB" --status given --by "$by" --date 2026-11-20
        assert_stderr_contains "date of birth is not recorded"
        assert_hint_contains "prevent correct $NODOB referral.subject.date_of_birth=YYYY-MM-DD"
    done
    refused 4 5 "$NODOB" panel consent "$NODOB" --status given --by attorney-or-deputy --date 2026-11-20 \
        --capacity-assessed 2026-11-19
    ok_one_commit correct "$NODOB" referral.subject.date_of_birth=2010-05-05 --reason "Confirmed by the school"
    PERSONAL+=(2010-05-05)
    ok_one_commit panel consent "$NODOB" --status given --by parent-guardian --date 2026-11-20
}

# --- The history -----------------------------------------------------------------

test_each_consent_is_a_dated_entry_appended_to_the_history() {
    setup
    ok_one_commit panel consent "$ADULT" --status requested --by subject --date 2026-11-13
    ok_one_commit panel consent "$ADULT" --status requested --by subject --date 2026-11-16
    assert_stage "$S" "$ADULT" awaiting-consent
    ok_one_commit panel consent "$ADULT" --status given --by subject --date 2026-11-18
    assert_stage "$S" "$ADULT" supported
    ok_one_commit panel consent "$ADULT" --status withdrawn --by subject --date 2026-11-25 --reason "$REASON"
    assert_eq "$(consent_of "$ADULT")" "[('requested', 'subject', '2026-11-13'), ('requested', 'subject', \
'2026-11-16'), ('given', 'subject', '2026-11-18'), ('withdrawn', 'subject', '2026-11-25')]" "history"
    assert_eq "$(case_field "$S" "$ADULT" "d['consent'][-1]['reason']")" "$REASON" "reason of the withdrawal"
    assert_eq "$(case_field "$S" "$ADULT" "d['closure']")" "{'date': '2026-11-25', 'reason': 'consent-withdrawn'}"
    assert_stage "$S" "$ADULT" post-closure
    # The reason is personal data: never in the history's messages nor in list output.
    assert_no_personal_data "$(git -C "$S" log --format=%B)" "commit messages"
    run prevent -C "$S" --as-of "$AS_OF" list --format csv
    assert_no_personal_data "$(stdout)" "list"
    run prevent -C "$S" --as-of "$AS_OF" check --strict
    assert_rc 0 "check --strict"
}

test_a_consent_entry_dated_before_the_latest_is_refused() {
    setup
    ok_one_commit panel consent "$ADULT" --status requested --by subject --date 2026-11-18
    refused 4 9 "$ADULT" panel consent "$ADULT" --status given --by subject --date 2026-11-17
    assert_hint_contains "--date 2026-11-18 or later"
}

test_after_a_refusal_the_history_takes_no_more_entries() {
    setup
    ok_one_commit panel consent "$CHILD" --status declined --by parent-guardian --date 2026-11-18
    assert_stage "$S" "$CHILD" post-closure
    refused 4 5 "$CHILD" panel consent "$CHILD" --status given --by parent-guardian --date 2026-11-20
}

# --- Void ------------------------------------------------------------------------

test_voiding_consent_voids_the_latest_entry_and_the_earlier_ones_stand() {
    setup
    ok_one_commit panel consent "$CHILD" --status requested --by parent-guardian --date 2026-11-13
    ok_one_commit panel consent "$CHILD" --status given --by parent-guardian --date 2026-11-18
    ok_one_commit void "$CHILD" consent --reason "Recorded on the wrong case"
    assert_eq "$(consent_of "$CHILD")" "[('requested', 'parent-guardian', '2026-11-13')]" "history after the void"
    assert_eq "$(case_field "$S" "$CHILD" "(d['voided'][0]['what'], d['voided'][0]['consent']['status'])")" \
        "('consent', 'given')" "voided entry"
    assert_stage "$S" "$CHILD" awaiting-consent
    ok_one_commit void "$CHILD" consent --reason "Recorded on the wrong case"
    assert_eq "$(consent_of "$CHILD")" "[]" "history after the second void"
    expect_refusal 3 "$S" prevent -C "$S" --as-of "$AS_OF" void "$CHILD" consent --reason "Nothing left"
}

test_consent_voided_while_support_actions_stand_is_refused_with_a_hint() {
    setup
    ok_one_commit panel consent "$CHILD" --status given --by parent-guardian --date 2026-11-18
    ok_one_commit panel action "$CHILD" add --support mental-health --provider "Example NHS Foundation Trust" \
        --due 2026-12-31 --date 2026-11-19
    refused 4 5 "$CHILD" void "$CHILD" consent --reason "Recorded wrongly"
    assert_hint_contains "prevent void $CHILD action:A1"
    # A withdrawal voided leaves the consent the actions stand on.
    ok_one_commit panel consent "$CHILD" --status withdrawn --by parent-guardian --date 2026-11-25
    ok_one_commit void "$CHILD" consent --reason "Withdrawal recorded on the wrong case"
    assert_stage "$S" "$CHILD" supported
    assert_eq "$(case_field "$S" "$CHILD" "'closure' in d")" "False" "closure after the void"
    # The withdrawal closed A1 with the case; voiding it opens A1 again.
    assert_eq "$(case_field "$S" "$CHILD" "[(a['status'], 'closed_with' in a) for a in d['support_plan']]")" \
        "[('open', False)]" "support actions after the void"
}

# --- Correcting the date of birth ------------------------------------------------

test_a_date_of_birth_correction_that_would_invalidate_a_consent_is_refused_naming_it() {
    setup
    ok_one_commit panel consent "$CHILD" --status given --by parent-guardian --date 2026-11-20
    PERSONAL+=(1999-07-23)
    refused 4 5 "$CHILD" correct "$CHILD" referral.subject.date_of_birth=1999-07-23 --reason "Typo"
    assert_stderr_contains "consent given by parent-guardian on 2026-11-20"
    assert_hint_contains "prevent void $CHILD consent"
    refused 4 5 "$CHILD" correct "$CHILD" referral.subject.date_of_birth= --reason "Not known"
    ok_one_commit correct "$CHILD" referral.subject.date_of_birth=2009-08-23 --reason "Typo in the month"
    PERSONAL+=(2009-08-23)
}

# --- The form before the history was kept ----------------------------------------

test_the_single_consent_mapping_of_an_older_store_is_read_shown_checked_and_extended() {
    setup
    ok_one_commit panel consent "$CHILD" --status given --by parent-guardian --date 2026-11-18
    local f
    f="$(case_file "$S" "$CHILD")"
    # Back to the form of SPEC §3 before the history: one mapping.
    "$PYTHON" - "$f" <<'EOF'
import sys
p = sys.argv[1]
t = open(p).read()
t = t.replace("consent:\n  - status: given\n    by: parent-guardian\n    date: 2026-11-18\n",
              "consent:\n  status: given\n  by: parent-guardian\n  date: 2026-11-18\n")
open(p, "w").write(t)
EOF
    assert_contains "$(cat "$f")" $'consent:\n  status: given' "old form in the file"
    git -C "$S" commit -q -am "A case file of an older store" || fail "git commit failed"
    # Accepted by check: only notices (a hand edit, not yet in canonical form).
    run prevent -C "$S" --as-of "$AS_OF" check
    assert_rc 0 "check of the old form"
    assert_stdout_contains "not in canonical form; prevent rewrites it canonically on its next change"
    assert_eq "$(consent_of "$CHILD")" "[('given', 'parent-guardian', '2026-11-18')]" "shown as a history of one"
    assert_stage "$S" "$CHILD" supported
    run prevent -C "$S" --as-of "$AS_OF" show "$CHILD"
    assert_rc 0 "show"
    assert_stdout_contains "parent-guardian"
    ok_one_commit panel consent "$CHILD" --status withdrawn --by parent-guardian --date 2026-11-25
    assert_eq "$(consent_of "$CHILD")" \
        "[('given', 'parent-guardian', '2026-11-18'), ('withdrawn', 'parent-guardian', '2026-11-25')]" \
        "the old entry kept, the new one appended"
    assert_contains "$(cat "$f")" $'consent:\n  - status: given' "list form after the next change"
}

run_tests "$@"

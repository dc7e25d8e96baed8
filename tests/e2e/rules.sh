#!/usr/bin/env bash
# The rules of SPEC §4 on the workflow commands (triage, note, assess, panel
# decide/consent/action, review record): each is refused with exit 4 (3 where
# a case, meeting or action does not exist), one `prevent: ` line naming the
# rule and the case, no personal data, and nothing written: HEAD, the commit
# count, git status, the index and every file as they were (expect_refused,
# the cheaper form of expect_refusal for a suite of ~200 refusals).
# Then the not-found paths and bad option values (exit 5, with a hint listing
# the allowed values), and the exit-code order of §6 (2, 5, 3, 4).
#
# One store with a case at every stage is built once and copied per test.
# "Today" is $AS_OF (2026-11-27) unless a test says otherwise.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
CHAIR="Prevent Lead@Example Borough Council"
POLICE="Detective Sergeant@Example Constabulary"
S36_BY="Counter Terrorism Policing North West"

# Meetings: M1 with the police, NOPOL without, FUT set up ahead of its day.
M1=2026-11-12
NOPOL=2026-11-19
FUT=2026-12-03

# The cases of the base store, by stage.
TRI=PRV-2026-0001    # awaiting-triage (17 years old)
PAN=PRV-2026-0002    # awaiting-panel
CON=PRV-2026-0003    # awaiting-consent, adopted at M1; 17 years old
SUP=PRV-2026-0004    # supported: consent 2026-11-13, A1 open (added 2026-11-14), monthly review 2026-11-20
NAD=PRV-2026-0005    # not-adopted at M1
NODOB=PRV-2026-0006  # awaiting-consent, no date of birth
POST=PRV-2026-0007   # post-closure: closed 2026-11-20; no post-closure review yet
DONE=PRV-2026-0008   # closed: every post-closure review done
# The base store records its post-closure reviews days after closure: its
# prevent.yaml opens every review window a year and more early
# (review.early_days; the windows themselves are tested by review_rules.sh).
EIGHT=PRV-2026-0009  # awaiting-consent; 18 on 2026-11-20
NFA=PRV-2026-0010    # no-further-action at triage

_refer() { # _refer STORE RECEIVED DOB (empty: none)
    referral_flags received="$2" dob="$3"
    pv_ok "$1" "$AS_OF" refer "${REFER_FLAGS[@]}"
}
_to_panel() { # _to_panel STORE ID TRIAGED
    pv_ok "$1" "$AS_OF" triage "$2" --outcome channel-panel --date "$3" --s36-date "$3" --s36-by "$S36_BY"
}
_adopt() { # _adopt STORE ID
    _to_panel "$1" "$2" 2026-11-05
    pv_ok "$1" "$AS_OF" panel decide "$M1" "$2" --decision adopt --method consensus
}
_support() { # _support STORE ID [BY] (a child, with a parent's consent; an adult: BY subject)
    _adopt "$1" "$2"
    pv_ok "$1" "$AS_OF" panel consent "$2" --status given --by "${3:-parent-guardian}" --date 2026-11-13
}

build_base() {
    local s="$1"
    new_store "$s"
    sed -i 's/^  monthly_days: 28$/  monthly_days: 28\n  early_days: 366/' "$s/prevent.yaml"
    git -C "$s" commit -qam "Open the review windows early" || fail "git commit of prevent.yaml"
    pv_ok "$s" "$AS_OF" panel new "$M1" --chair "$CHAIR" --police "$POLICE"
    pv_ok "$s" "$AS_OF" -q panel new "$NOPOL" --chair "$CHAIR" --attendee "Channel Coordinator@Example Borough Council"
    pv_ok "$s" "$AS_OF" panel new "$FUT" --chair "$CHAIR" --police "$POLICE"
    _refer "$s" 2026-11-03 2009-07-23                      # TRI
    _refer "$s" 2026-11-02 2009-07-23                      # PAN
    _to_panel "$s" "$PAN" 2026-11-05
    _refer "$s" 2026-11-02 2009-07-23                      # CON
    _adopt "$s" "$CON"
    _refer "$s" 2026-10-01 2010-01-01                      # SUP
    _support "$s" "$SUP"
    pv_ok "$s" "$AS_OF" panel action "$SUP" add --support mental-health --provider "Example NHS Foundation Trust" \
        --due 2026-12-31 --date 2026-11-14
    pv_ok "$s" "$AS_OF" review record "$SUP" --date 2026-11-20 --kind monthly --outcome continue
    _refer "$s" 2026-11-02 2009-07-23                      # NAD
    _to_panel "$s" "$NAD" 2026-11-05
    pv_ok "$s" "$AS_OF" panel decide "$M1" "$NAD" --decision not-adopt --signpost early-help
    _refer "$s" 2026-11-02 ""                              # NODOB
    _adopt "$s" "$NODOB"
    _refer "$s" 2026-11-02 1990-04-02                      # POST
    _support "$s" "$POST" subject
    pv_ok "$s" "$AS_OF" review record "$POST" --date 2026-11-20 --kind monthly --outcome close --reason no-further-concerns
    _refer "$s" 2026-11-02 1991-05-06                      # DONE
    _support "$s" "$DONE" subject
    pv_ok "$s" "$AS_OF" review record "$DONE" --date 2026-11-16 --kind monthly --outcome close --reason other
    pv_ok "$s" "$AS_OF" review record "$DONE" --date 2026-11-17 --kind post-closure-6 --outcome no-concerns
    pv_ok "$s" "$AS_OF" review record "$DONE" --date 2026-11-18 --kind post-closure-12 --outcome no-concerns
    _refer "$s" 2026-11-02 2008-11-20                      # EIGHT
    _adopt "$s" "$EIGHT"
    _refer "$s" 2026-11-02 1985-01-01                      # NFA
    pv_ok "$s" "$AS_OF" triage "$NFA" --outcome no-further-action --date 2026-11-04
}

setup() {
    S="$T/store"
    cached_store "$S" rules-base build_base
    # The (P) values of the base store (build_base may have run in an
    # earlier test).
    PERSONAL+=(2010-01-01 1990-04-02 1991-05-06 2008-11-20 1985-01-01)
}

# refused CODE RULE ID [AS-OF=…] ARGS…: `prevent -C $S --as-of $AS_OF ARGS…`
# is refused with CODE, naming "rule RULE" (an ERE; none when RULE is -) and
# ID (none when -) in its `prevent: ` line, and writes nothing
# (expect_refused: HEAD, commit count, status, index and files as they were).
refused() {
    local code="$1" rule="$2" id="$3" as_of="$AS_OF"
    shift 3
    if [[ "${1:-}" == AS-OF=* ]]; then
        as_of="${1#AS-OF=}"
        shift
    fi
    expect_refused "$code" "$S" prevent -C "$S" --as-of "$as_of" "$@"
    local first=""
    IFS= read -r first <"$ERR"
    [[ "$rule" == - || "$first" =~ rule\ $rule([^0-9]|$) ]] || fail "the error line does not name rule $rule: $first"
    [[ "$id" == - || "$first" == *"$id"* ]] || fail "the error line does not name $id: $first"
}

# ok_one_commit [AS-OF=…] ARGS…: the command succeeds with one commit (a
# positive control).
ok_one_commit() {
    local before as_of="$AS_OF"
    if [[ "${1:-}" == AS-OF=* ]]; then
        as_of="${1#AS-OF=}"
        shift
    fi
    before="$(commit_count "$S")"
    pv "$S" "$as_of" "$@"
    assert_rc 0 "$*"
    assert_eq "$(commit_count "$S")" "$((before + 1))" "commits after $*"
    assert_clean "$S"
}

test_the_base_store_has_a_case_at_every_stage() {
    setup
    local pair
    for pair in "$TRI awaiting-triage" "$PAN awaiting-panel" "$CON awaiting-consent" "$SUP supported" \
        "$NAD not-adopted" "$NODOB awaiting-consent" "$POST post-closure" "$DONE closed" \
        "$EIGHT awaiting-consent" "$NFA no-further-action"; do
        assert_stage "$S" "${pair% *}" "${pair#* }"
    done
    pv "$S" "$AS_OF" check
    assert_rc 0 "check of the base store"
}

# ---------------------------------------------------------------------------
# Rule 1: nothing dated after today (--as-of); date of birth before the referral.

test_rule1_a_triage_dated_after_as_of_is_refused() {
    setup
    refused 4 1 "$TRI" triage "$TRI" --outcome no-further-action --date 2026-11-28
    refused 4 1 "$TRI" triage "$TRI" --outcome channel-panel --date 2026-11-27 --s36-date 2026-11-28 --s36-by "$S36_BY"
    # The same triage with a later --as-of is fine.
    ok_one_commit AS-OF=2026-11-28 triage "$TRI" --outcome no-further-action --date 2026-11-28
}

test_rule1_a_decision_at_a_meeting_after_as_of_is_refused() {
    setup
    refused 4 1 "$PAN" panel decide "$FUT" "$PAN" --decision adopt
    assert_stderr_contains "$FUT"
}

test_rule1_a_review_consent_action_note_or_assessment_after_as_of_is_refused() {
    setup
    refused 4 1 "$SUP" review record "$SUP" --date 2026-11-28 --kind monthly --outcome continue
    refused 4 1 "$CON" panel consent "$CON" --status given --by parent-guardian --date 2026-11-28
    refused 4 1 "$SUP" panel action "$SUP" add --support housing --provider "Example Housing" --due 2026-12-31 --date 2026-11-28
    refused 4 1 "$SUP" panel action "$SUP" "done" A1 --date 2026-11-28
    refused 4 1 "$TRI" note "$TRI" --date 2026-11-28 --kind contact --with "Example Academy"
    refused 4 1 "$TRI" assess "$TRI" --date 2026-11-28 --framework VAF --engagement low --intent low --capability low
}

test_rule1_a_date_of_birth_after_the_referral_is_refused() {
    setup
    referral_flags received=2026-11-03 dob=2026-11-10
    refused 4 1 - refer "${REFER_FLAGS[@]}"
    referral_flags received=2026-11-03 dob=2026-11-03
    refused 4 1 - refer "${REFER_FLAGS[@]}"
    referral_flags received=2026-11-28
    refused 4 1 - refer "${REFER_FLAGS[@]}"
}

# ---------------------------------------------------------------------------
# Rule 2: triage once, on or after the referral; channel-panel needs a
# Section 36 decision; signposted names a service.

test_rule2_triage_twice_is_refused() {
    setup
    refused 4 2 "$PAN" triage "$PAN" --outcome no-further-action --date 2026-11-20
    # The way out of a wrong triage (issue 14), not a planned command.
    assert_hint_contains "prevent void $PAN triage --reason TEXT"
    assert_stderr_not_contains "planned"
    refused 4 2 "$NFA" triage "$NFA" --outcome no-further-action --date 2026-11-20
}

test_rule2_channel_panel_without_a_section_36_decision_is_refused() {
    setup
    refused 4 2 "$TRI" triage "$TRI" --outcome channel-panel --date 2026-11-05
    assert_stderr_contains "Section 36"
    # Half the pair is a usage error, before any rule.
    refused 2 - - triage "$TRI" --outcome channel-panel --date 2026-11-05 --s36-date 2026-11-05
    assert_stderr_contains "--s36-by"
    refused 2 - - triage "$TRI" --outcome channel-panel --date 2026-11-05 --s36-by "$S36_BY"
    assert_stderr_contains "--s36-date"
    refused 5 - - triage "$TRI" --outcome channel-panel --date 2026-11-05 --s36-date 2026-11-05 --s36-by " "
    # A Section 36 decision goes only with channel-panel.
    refused 4 2 "$TRI" triage "$TRI" --outcome no-further-action --date 2026-11-05 --s36-date 2026-11-05 --s36-by "$S36_BY"
    ok_one_commit triage "$TRI" --outcome channel-panel --date 2026-11-05 --s36-date 2026-11-05 --s36-by "$S36_BY"
    assert_stage "$S" "$TRI" awaiting-panel
}

test_rule2_signposted_without_a_service_is_refused() {
    setup
    refused 4 2 "$TRI" triage "$TRI" --outcome signposted --date 2026-11-05
    assert_stderr_contains "service"
    ok_one_commit triage "$TRI" --outcome signposted --date 2026-11-05 --signpost children-social-care
    assert_stage "$S" "$TRI" signposted
}

test_rule2_triage_or_section_36_before_the_referral_is_refused() {
    setup
    # Rule 2 says "on or after the referral"; rule 9 "received ≤ triage.completed".
    refused 4 '(2|9)' "$TRI" triage "$TRI" --outcome no-further-action --date 2026-11-02
    refused 4 '(2|9)' "$TRI" triage "$TRI" --outcome channel-panel --date 2026-11-05 --s36-date 2026-11-02 --s36-by "$S36_BY"
    ok_one_commit triage "$TRI" --outcome channel-panel --date 2026-11-03 --s36-date 2026-11-03 --s36-by "$S36_BY"
}

# ---------------------------------------------------------------------------
# Rule 3: a case is heard only while awaiting panel.

test_rule3_a_decision_on_a_case_not_awaiting_panel_is_refused() {
    setup
    refused 4 3 "$TRI" panel decide "$M1" "$TRI" --decision adopt
    assert_stderr_contains "awaiting-triage"
    refused 4 3 "$CON" panel decide "$M1" "$CON" --decision adopt
    refused 4 3 "$CON" AS-OF=2026-12-03 panel decide "$FUT" "$CON" --decision not-adopt
    refused 4 3 "$SUP" panel decide "$M1" "$SUP" --decision defer
    refused 4 3 "$NAD" panel decide "$M1" "$NAD" --decision adopt
    assert_stderr_contains "not-adopted"
    refused 4 3 "$NAD" AS-OF=2026-12-03 panel decide "$FUT" "$NAD" --decision adopt
    refused 4 3 "$NFA" panel decide "$M1" "$NFA" --decision adopt
    refused 4 3 "$DONE" AS-OF=2026-12-03 panel decide "$FUT" "$DONE" --decision adopt
}

test_rule3_two_decisions_at_the_same_meeting_are_refused() {
    setup
    ok_one_commit panel decide "$M1" "$PAN" --decision defer
    assert_stage "$S" "$PAN" awaiting-panel
    refused 4 3 "$PAN" panel decide "$M1" "$PAN" --decision adopt
    refused 4 3 "$PAN" panel decide "$M1" "$PAN" --decision defer
    # At the next meeting it is heard again.
    ok_one_commit AS-OF=2026-12-03 panel decide "$FUT" "$PAN" --decision adopt
    assert_stage "$S" "$PAN" awaiting-consent 2026-12-03
}

# ---------------------------------------------------------------------------
# Rule 4: a police representative attended (CTSA 2015 s.37).

test_rule4_a_decision_at_a_meeting_without_police_is_refused_until_one_attends() {
    setup
    refused 4 4 "$PAN" panel decide "$NOPOL" "$PAN" --decision adopt --method consensus
    assert_stderr_contains "police"
    assert_hint_contains "--police"
    # A non-police attendee does not help.
    ok_one_commit panel attend "$NOPOL" --attendee "Safeguarding Lead@Example NHS Foundation Trust"
    refused 4 4 "$PAN" panel decide "$NOPOL" "$PAN" --decision adopt --method consensus
    ok_one_commit panel attend "$NOPOL" --police "Police Sergeant@Example Constabulary"
    assert_eq "$(head_trailers "$S" Prevent-Action)" "panel-attend" "Prevent-Action"
    ok_one_commit panel decide "$NOPOL" "$PAN" --decision adopt --method consensus
    assert_eq "$(head_trailers "$S" Prevent-Case)" "$PAN" "Prevent-Case"
    assert_stage "$S" "$PAN" awaiting-consent
}

# ---------------------------------------------------------------------------
# Rule 5: consent before support; under 18 or no date of birth: not by the
# subject (hint: parent-guardian).

# SPEC §4 rule 5 "(hint: parent-guardian)" and §6 "one line `prevent: <what>
# (<where>)`, plus a hint line where one helps": the hint is a `hint: ` line.
test_rule5_consent_by_a_17_year_old_subject_is_refused_with_a_parent_guardian_hint() {
    setup
    refused 4 5 "$CON" panel consent "$CON" --status given --by subject --date 2026-11-20
    assert_one_error_line
    assert_hint_contains "parent-guardian"
    ok_one_commit panel consent "$CON" --status given --by parent-guardian --date 2026-11-20
    assert_stage "$S" "$CON" supported
}

test_rule5_no_consent_is_accepted_without_a_date_of_birth() {
    setup
    refused 4 5 "$NODOB" panel consent "$NODOB" --status given --by subject --date 2026-11-20
    assert_hint_contains "referral.subject.date_of_birth="
    refused 4 5 "$NODOB" panel consent "$NODOB" --status given --by parent-guardian --date 2026-11-20
    refused 4 5 "$NODOB" panel consent "$NODOB" --status given --by best-interests --date 2026-11-20 \
        --capacity-assessed 2026-11-19
    ok_one_commit correct "$NODOB" referral.subject.date_of_birth=1980-01-02 --reason "Date of birth confirmed"
    PERSONAL+=(1980-01-02)
    ok_one_commit panel consent "$NODOB" --status given --by best-interests --date 2026-11-20 \
        --capacity-assessed 2026-11-19
}

test_rule5_the_subject_consents_from_their_18th_birthday() {
    setup
    refused 4 5 "$EIGHT" panel consent "$EIGHT" --status given --by subject --date 2026-11-19
    ok_one_commit panel consent "$EIGHT" --status given --by subject --date 2026-11-20
    assert_stage "$S" "$EIGHT" supported
}

test_rule5_a_support_action_before_consent_is_given_is_refused() {
    setup
    refused 4 5 "$CON" panel action "$CON" add --support ideological-mentoring --provider "Example Provider" --due 2026-12-31
    ok_one_commit panel consent "$CON" --status requested --by parent-guardian --date 2026-11-20
    assert_stage "$S" "$CON" awaiting-consent
    refused 4 5 "$CON" panel action "$CON" add --support ideological-mentoring --provider "Example Provider" --due 2026-12-31
    refused 4 5 "$PAN" panel action "$PAN" add --support ideological-mentoring --provider "Example Provider" --due 2026-12-31
    refused 4 5 "$POST" panel action "$POST" add --support ideological-mentoring --provider "Example Provider" --due 2026-12-31
}

test_rule5_consent_on_a_case_not_adopted_is_refused() {
    setup
    refused 4 5 "$PAN" panel consent "$PAN" --status given --by parent-guardian --date 2026-11-20
    refused 4 5 "$TRI" panel consent "$TRI" --status given --by parent-guardian --date 2026-11-20
    refused 4 5 "$NAD" panel consent "$NAD" --status given --by parent-guardian --date 2026-11-20
    refused 4 5 "$NFA" panel consent "$NFA" --status declined --by subject --date 2026-11-20
    # Nor twice on a supported case.
    refused 4 5 "$SUP" panel consent "$SUP" --status given --by parent-guardian --date 2026-11-20
}

# ---------------------------------------------------------------------------
# Rule 6: declined or withdrawn consent closes the case.

test_rule6_consent_withdrawn_while_awaiting_consent_is_refused() {
    setup
    refused 4 6 "$CON" panel consent "$CON" --status withdrawn --by parent-guardian --date 2026-11-20
    assert_hint_contains "declined"
}

test_rule6_consent_declined_closes_the_case() {
    setup
    ok_one_commit panel consent "$CON" --status declined --by parent-guardian --date 2026-11-20
    assert_eq "$(head_trailers "$S" Prevent-Action)" "panel-consent" "Prevent-Action"
    assert_stage "$S" "$CON" post-closure
    assert_eq "$(case_field "$S" "$CON" "d['closure']")" "{'date': '2026-11-20', 'reason': 'consent-declined'}" "closure"
    assert_contains "$(cat "$(case_file "$S" "$CON")")" "reason: consent-declined" "case file"
}

test_rule6_consent_withdrawn_during_support_closes_the_case() {
    setup
    ok_one_commit panel consent "$SUP" --status withdrawn --by parent-guardian --date 2026-11-25
    assert_stage "$S" "$SUP" post-closure
    assert_eq "$(case_field "$S" "$SUP" "d['closure']")" "{'date': '2026-11-25', 'reason': 'consent-withdrawn'}" "closure"
}

test_rule6_a_review_cannot_close_with_a_consent_reason() {
    setup
    refused 4 6 "$SUP" review record "$SUP" --date 2026-11-25 --kind monthly --outcome close --reason consent-declined
    refused 4 6 "$SUP" review record "$SUP" --date 2026-11-25 --kind monthly --outcome close --reason consent-withdrawn
}

# ---------------------------------------------------------------------------
# Rule 7: monthly reviews of an adopted case; closure from a review with
# outcome close and a reason.

test_rule7_a_review_of_a_case_never_adopted_is_refused() {
    setup
    refused 4 7 "$PAN" review record "$PAN" --date 2026-11-20 --kind monthly --outcome continue
    refused 4 7 "$TRI" review record "$TRI" --date 2026-11-20 --kind monthly --outcome continue
    refused 4 7 "$NAD" review record "$NAD" --date 2026-11-20 --kind monthly --outcome continue
    refused 4 7 "$NFA" review record "$NFA" --date 2026-11-20 --kind monthly --outcome close --reason other
}

test_rule7_outcome_close_without_a_reason_is_a_usage_error() {
    setup
    refused 2 - - review record "$SUP" --date 2026-11-25 --kind monthly --outcome close
    assert_stderr_contains "--reason"
    refused 2 - - review record "$SUP" --date 2026-11-25 --kind monthly --outcome continue --reason other
    ok_one_commit review record "$SUP" --date 2026-11-25 --kind monthly --outcome close --reason escalated-to-police
    assert_stage "$S" "$SUP" post-closure
}

test_rule7_a_post_closure_review_of_an_open_case_is_refused() {
    setup
    refused 4 7 "$SUP" review record "$SUP" --date 2026-11-25 --kind post-closure-6 --outcome no-concerns
    refused 4 7 "$SUP" review record "$SUP" --date 2026-11-25 --kind extended --outcome continue
}

# ---------------------------------------------------------------------------
# Rule 8: post-closure reviews at +6 and +12 months, extended to 24; reopen
# only after closure.

test_rule8_a_post_closure_review_that_is_not_outstanding_is_refused() {
    setup
    refused 4 8 "$POST" review record "$POST" --date 2026-11-25 --kind post-closure-12 --outcome no-concerns
    assert_stderr_contains "post-closure-6"
    refused 4 8 "$POST" review record "$POST" --date 2026-11-25 --kind extended --outcome continue
    refused 4 8 "$DONE" review record "$DONE" --date 2026-11-25 --kind post-closure-12 --outcome no-concerns
    refused 4 8 "$DONE" review record "$DONE" --date 2026-11-25 --kind monthly --outcome continue
    ok_one_commit review record "$POST" --date 2026-11-25 --kind post-closure-6 --outcome no-concerns
    assert_stage "$S" "$POST" post-closure
    refused 4 8 "$POST" review record "$POST" --date 2026-11-25 --kind post-closure-6 --outcome no-concerns
    ok_one_commit review record "$POST" --date 2026-11-26 --kind post-closure-12 --outcome no-concerns
    assert_stage "$S" "$POST" closed
}

test_rule8_reopen_at_a_monthly_review_is_refused() {
    setup
    refused 4 8 "$SUP" review record "$SUP" --date 2026-11-25 --kind monthly --outcome reopen
    refused 4 8 "$POST" review record "$POST" --date 2026-11-25 --kind post-closure-6 --outcome close --reason other
}

# ---------------------------------------------------------------------------
# Rule 9: dates follow the process.

test_rule9_consent_before_the_adopting_meeting_is_refused() {
    setup
    refused 4 9 "$CON" panel consent "$CON" --status given --by parent-guardian --date 2026-11-11
    assert_stderr_contains "$M1"
    refused 4 9 "$CON" panel consent "$CON" --status declined --by parent-guardian --date 2026-11-11
    ok_one_commit panel consent "$CON" --status given --by parent-guardian --date "$M1"
}

test_rule9_an_action_due_before_it_was_added_or_added_before_consent_is_refused() {
    setup
    refused 4 9 "$SUP" panel action "$SUP" add --support housing --provider "Example Housing" --due 2026-11-24 --date 2026-11-25
    refused 4 9 "$SUP" panel action "$SUP" add --support housing --provider "Example Housing" --due 2026-12-24 --date 2026-11-12
    refused 4 9 "$SUP" panel action "$SUP" "done" A1 --date 2026-11-13
    refused 4 9 "$SUP" panel action "$SUP" cancel A1 --date 2026-11-13
    ok_one_commit panel action "$SUP" add --support housing --provider "Example Housing" --due 2026-11-25 --date 2026-11-25
    assert_stdout_eq "A2"
}

test_rule9_a_review_before_the_adopting_meeting_is_refused() {
    setup
    refused 4 9 "$SUP" review record "$SUP" --date 2026-11-11 --kind monthly --outcome continue
    # A closure before a monthly review already recorded.
    refused 4 9 "$SUP" review record "$SUP" --date 2026-11-19 --kind monthly --outcome close --reason other
    # A review held at a meeting is on the meeting's day.
    refused 4 9 "$SUP" review record "$SUP" --date 2026-11-25 --kind monthly --outcome continue --meeting "$M1"
}

test_rule9_a_post_closure_review_before_the_closure_is_refused() {
    setup
    refused 4 9 "$POST" review record "$POST" --date 2026-11-19 --kind post-closure-6 --outcome no-concerns
    assert_stderr_contains "closure"
}

test_rule9_a_note_or_assessment_before_the_referral_is_refused() {
    setup
    refused 4 9 "$TRI" note "$TRI" --date 2026-11-02 --kind info-request --with "Example NHS Foundation Trust"
    refused 4 9 "$TRI" assess "$TRI" --date 2026-11-02 --framework PAF --engagement high --intent low --capability low
    ok_one_commit note "$TRI" --date 2026-11-03 --kind info-request --with "Example NHS Foundation Trust"
}

test_rule9_a_first_panel_meeting_before_triage_is_refused() {
    setup
    ok_one_commit triage "$TRI" --outcome channel-panel --date 2026-11-20 --s36-date 2026-11-20 --s36-by "$S36_BY"
    refused 4 9 "$TRI" panel decide "$M1" "$TRI" --decision adopt
}

# ---------------------------------------------------------------------------
# Not found (3), malformed (5).

test_an_unknown_case_id_is_not_found() {
    setup
    local x=PRV-2026-0999
    refused 3 - "$x" triage "$x" --outcome no-further-action --date 2026-11-20
    refused 3 - "$x" note "$x" --date 2026-11-20 --kind contact --with "Example Academy"
    refused 3 - "$x" assess "$x" --date 2026-11-20 --framework VAF --engagement low --intent low --capability low
    refused 3 - "$x" panel decide "$M1" "$x" --decision adopt
    refused 3 - "$x" panel consent "$x" --status given --by parent-guardian --date 2026-11-20
    refused 3 - "$x" panel action "$x" add --support housing --provider "Example Housing" --due 2026-12-31
    refused 3 - "$x" panel action "$x" "done" A1 --date 2026-11-20
    refused 3 - "$x" review record "$x" --date 2026-11-20 --kind monthly --outcome continue
    refused 3 - "$x" panel attend "$M1" --declare "Head of Year@Example High School:$x"
    refused 3 - "$x" show "$x"
}

test_a_malformed_case_id_is_invalid_input() {
    setup
    local x
    for x in PRV-26-1 prv-2026-0001 "PRV-2026-0001;x" "../PRV-2026-0001" ""; do
        refused 5 - - triage "$x" --outcome no-further-action --date 2026-11-20
        refused 5 - - review record "$x" --date 2026-11-20 --kind monthly --outcome continue
    done
    refused 5 - - panel attend "$M1" --declare "Head of Year@Example High School:PRV-26-1"
    refused 5 - - panel attend "$M1" --declare "Head of Year@Example High School"
}

test_a_decision_at_a_meeting_that_does_not_exist_is_not_found() {
    setup
    refused 3 - - panel decide 2026-11-26 "$PAN" --decision adopt
    assert_stderr_contains "2026-11-26"
    refused 3 - - panel attend 2026-11-26 --police "$POLICE"
    refused 3 - - panel minutes 2026-11-26
    refused 3 - - panel agenda 2026-11-26
    refused 3 - "$SUP" review record "$SUP" --date 2026-11-26 --kind monthly --outcome continue --meeting 2026-11-26
}

test_an_unknown_support_action_is_not_found_and_closing_one_twice_is_refused() {
    setup
    refused 3 - "$SUP" panel action "$SUP" "done" A9 --date 2026-11-25
    assert_stderr_contains "A9"
    refused 3 - "$SUP" panel action "$SUP" cancel A2 --date 2026-11-25
    local a
    for a in B1 A A0x a1 A1234567; do
        refused 5 - - panel action "$SUP" "done" "$a" --date 2026-11-25
    done
    ok_one_commit panel action "$SUP" "done" A1 --date 2026-11-25
    refused 4 5 "$SUP" panel action "$SUP" "done" A1 --date 2026-11-26
    assert_stderr_contains "A1"
    refused 4 5 "$SUP" panel action "$SUP" cancel A1 --date 2026-11-26
}

# ---------------------------------------------------------------------------
# Bad option values (5, with the allowed values in the hint).

# bad_value OPTION-HINT-NEEDLE ARGS…: refused with 5, the hint lists the
# allowed values (contains NEEDLE).
bad_value() {
    local needle="$1"
    shift
    refused 5 - - "$@"
    # A fixed list's values are in the message itself (`--outcome: expected
    # one of …`), a store vocabulary's keys in the hint.
    assert_stderr_contains "$needle"
}

test_unknown_fixed_values_are_invalid_input_naming_the_allowed_values() {
    setup
    bad_value "no-further-action, signposted, police-managed, channel-panel" \
        triage "$TRI" --outcome nfa --date 2026-11-20
    bad_value "continue, close, no-concerns, reopen" review record "$SUP" --date 2026-11-25 --kind monthly --outcome closed
    bad_value "monthly, post-closure-6, post-closure-12, extended" \
        review record "$SUP" --date 2026-11-25 --kind weekly --outcome continue
    bad_value "no-further-concerns" review record "$SUP" --date 2026-11-25 --kind monthly --outcome close --reason bored
    bad_value "adopt, not-adopt, defer" panel decide "$M1" "$PAN" --decision adopted
    bad_value "consensus, majority, chair" panel decide "$M1" "$PAN" --decision adopt --method vote
    bad_value "requested, given, declined, withdrawn" panel consent "$CON" --status agreed --by parent-guardian --date 2026-11-20
    bad_value "subject, parent-guardian, attorney-or-deputy, best-interests" \
        panel consent "$CON" --status given --by parent --date 2026-11-20
    bad_value "contact, info-request, info-received, home-visit, other" \
        note "$TRI" --date 2026-11-20 --kind email --with "Example Academy"
    bad_value "VAF, PAF, other" assess "$TRI" --date 2026-11-20 --framework ERG22 --engagement low --intent low --capability low
    bad_value "low, medium, high" assess "$TRI" --date 2026-11-20 --framework VAF --engagement none --intent low --capability low
}

test_unknown_vocabulary_keys_are_invalid_input() {
    setup
    bad_value "early-help" triage "$TRI" --outcome signposted --date 2026-11-20 --signpost early-intervention
    bad_value "mental-health" panel decide "$M1" "$PAN" --decision not-adopt --signpost counselling
    bad_value "ideological-mentoring" panel action "$SUP" add --support mentoring --provider "Example Provider" --due 2026-12-31
    # --signpost goes with not-adopt only: a usage error.
    refused 2 - - panel decide "$M1" "$PAN" --decision adopt --signpost early-help
}

test_malformed_dates_are_invalid_input() {
    setup
    local d
    for d in 2026-02-30 2026-11-5 20/11/2026 yesterday ""; do
        refused 5 - - triage "$TRI" --outcome no-further-action --date "$d"
        refused 5 - - review record "$SUP" --date "$d" --kind monthly --outcome continue
    done
    refused 5 - - triage "$TRI" --outcome channel-panel --date 2026-11-20 --s36-date 2026-13-01 --s36-by "$S36_BY"
    refused 5 - - note "$TRI" --date 2026-11-31 --kind contact --with "Example Academy"
    refused 5 - - assess "$TRI" --date 2026-1120 --framework VAF --engagement low --intent low --capability low
    refused 5 - - panel decide 2026-11-1 "$PAN" --decision adopt
    refused 5 - - panel consent "$CON" --status given --by parent-guardian --date 2026-11-20x
    refused 5 - - panel action "$SUP" add --support housing --provider "Example Housing" --due 2026-12-32
    refused 5 - - panel action "$SUP" add --support housing --provider "Example Housing" --due 2026-12-30 --date 2026/11/25
    refused 5 - - panel action "$SUP" "done" A1 --date 25-11-2026
    refused 5 - - review record "$SUP" --date 2026-11-25 --kind monthly --outcome continue --meeting 2026-11-xx
    refused 5 - - panel minutes 2026-11-xx
    refused 5 - - AS-OF=2026-11-31 triage "$TRI" --outcome no-further-action --date 2026-11-20
    refused 5 - - AS-OF=2026-11-31 review due
}

test_a_malformed_within_duration_is_invalid_input() {
    setup
    local w
    for w in 3x 7 1m d -1d 2 " "; do
        refused 5 - - review due --within "$w"
        assert_stderr_contains "--within"
    done
    pv "$S" "$AS_OF" review due --within 2w --format csv
    assert_rc 0 "review due --within 2w"
}

test_the_first_applicable_exit_code_wins_usage_then_invalid_then_not_found_then_refused() {
    setup
    # 2 before 5: a malformed ID and a missing option.
    refused 2 - - triage PRV-26-1 --date 2026-11-20
    # 5 before 3: an unknown case with a bad value.
    refused 5 - - triage PRV-2026-0999 --outcome bogus --date 2026-11-20
    refused 5 - - review record PRV-2026-0999 --date 2026-11-20 --kind monthly --outcome continue --reason nope
    # 3 before 4: a case in the wrong stage at a meeting that does not exist.
    refused 3 - - panel decide 2026-11-26 "$TRI" --decision adopt
    # 5 before 4: a bad date on a case the rules would refuse anyway.
    refused 5 - - triage "$NFA" --outcome no-further-action --date 2026-11-31
}

# A case reopened on its closure day: a decision at a meeting that same day
# would not count for the new episode, so it is refused, not recorded.
test_rule9_a_case_reopened_on_its_closure_day_is_heard_at_a_later_meeting() {
    S="$T/store"
    new_store "$S"
    meeting_ok "$S" 2026-03-05
    meeting_ok "$S" 2026-06-04
    {
        echo "---"
        case_yaml id=PRV-2026-0001 received=2026-02-02 name="Okkio Fennwhistle" dob=1990-04-04
        cat <<'YAML'
triage:
  completed: 2026-02-04
  outcome: channel-panel
  section36:
    decided: 2026-02-04
    by: Counter Terrorism Policing North West
panel:
  - meeting: 2026-03-05
    decision: adopt
previous:
  - consent:
      status: given
      by: subject
      date: 2026-03-06
    reviews:
      - date: 2026-06-04
        kind: monthly
        outcome: close
      - date: 2026-06-04
        kind: post-closure-6
        outcome: reopen
    closure:
      date: 2026-06-04
      reason: no-further-concerns
    reopened: 2026-06-04
YAML
    } >"$T/in/reopened.yaml"
    run prevent -C "$S" -q import "$T/in/reopened.yaml" --as-of "$AS_OF"
    assert_rc 0 "import of the reopened case"
    assert_eq "$(stage_in_show "$S" PRV-2026-0001)" "awaiting-panel" "stage"
    expect_refused 4 "$S" prevent -C "$S" panel decide 2026-06-04 PRV-2026-0001 --decision adopt --as-of "$AS_OF"
    assert_stderr_contains "rule 9"
    assert_stderr_contains "PRV-2026-0001"
}

run_tests "$@"

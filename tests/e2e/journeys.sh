#!/usr/bin/env bash
# Whole Channel cases, from referral to their last step, through the real
# binary (SPEC §3 stages, §4 rules, §6 commands, §8 one commit per command;
# channel-process.md). After every command: the case's stage in `prevent show`
# and in `prevent list --format csv`, and exactly one new commit carrying the
# command's Prevent-Action trailer and Prevent-Case: ID. At the end of each
# journey the whole history is compared with the commands run.
#
# Every command is given the --as-of of the day it happens, so the journeys
# can run over months and years without anything dated "in the future". A
# write refuses an --as-of later than the real date, so the journeys that run
# into later years are set in 1998-2001: the calendar of 2026-2029 twenty-eight
# years earlier (the same weekdays, leap years and bank-holiday rules).
# Everyone named here is fictional; postcode districts are ZZ1..ZZ9.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
JOURNAL=()

CHAIR="Prevent Lead@Example Borough Council"
POLICE="Detective Sergeant@Example Constabulary"
S36_BY="Counter Terrorism Policing North West"

start_journey() {
    S="$T/store"
    new_store "$S"
    JOURNAL=()
}

# step STAGE ACTION AS-OF ARGS…: one command of the journey of case $ID; it
# makes one commit (ACTION, Prevent-Case: $ID, none for panel-new) and leaves
# the case at STAGE.
step() {
    local cases="$ID"
    [[ "$2" == panel-new ]] && cases="-"
    step_for "$cases" "$@"
}

# step_for CASES STAGE ACTION AS-OF ARGS…: as step, for a command whose
# Prevent-Case trailers are CASES (space-separated, in order; "-" for none).
step_for() {
    local cases="$1" stage="$2" action="$3" as_of="$4" joined
    shift 4
    write_step "$S" "$as_of" "$action" "$cases" "$@"
    joined="${cases/#-/}"
    JOURNAL+=("$action|${joined// /,}")
    assert_stage "$S" "$ID" "$stage" "$as_of"
}

# refer_step ID AS-OF [FLAG=VALUE]…: the referral, expected to get ID.
refer_step() {
    ID="$1"
    local as_of="$2"
    shift 2
    referral_flags "$@"
    step awaiting-triage refer "$as_of" refer "${REFER_FLAGS[@]}"
    assert_stdout_eq "$ID"
}

# The history of the store, oldest first, is init then the journal.
assert_history() {
    local expected actual
    expected="$(printf '%s\n' "init|" "${JOURNAL[@]}")"
    actual="$(git -C "$S" log --reverse \
        --format='%(trailers:key=Prevent-Action,valueonly,separator=%x2C)|%(trailers:key=Prevent-Case,valueonly,separator=%x2C)')"
    assert_eq "$actual" "$expected" "Prevent-Action|Prevent-Case of every commit, oldest first"
    assert_eq "$(commit_count "$S")" "$((${#JOURNAL[@]} + 1))" "commits: init plus one per command"
    assert_no_personal_data "$(git -C "$S" log --format='%an %ae%n%B')" "git log"
    assert_clean "$S"
}

# Meeting set up ahead of its day, with a chair and the police.
new_meeting_step() { # new_meeting_step STAGE DATE AS-OF [EXTRA…]
    local stage="$1" date="$2" as_of="$3"
    shift 3
    step "$stage" panel-new "$as_of" panel new "$date" --chair "$CHAIR" --police "$POLICE" "$@"
}

# A field of case $ID (python expression over `show --format json` as d).
field() { case_field "$S" "$ID" "$1"; }

# `review due --format csv` for AS-OF, with LF line ends, must be EXPECTED
# (header and rows, one per line).
assert_due() { # assert_due AS-OF EXPECTED [ARGS…]
    local as_of="$1" expected="$2"
    shift 2
    assert_eq "$(due_csv "$S" "$as_of" "$@")" "$expected" "review due as of $as_of"
}
H="id,stage,item,due,days_overdue"

# Triaged to the panel, adopted, consent given: the common start of several
# journeys. Received on RECEIVED; meeting on MEETING; consent on CONSENT.
to_supported() { # to_supported RECEIVED TRIAGED MEETING CONSENT BY
    step awaiting-panel triage "$2" triage "$ID" --outcome channel-panel --date "$2" \
        --s36-date "$2" --s36-by "$S36_BY"
    new_meeting_step awaiting-panel "$3" "$2"
    step awaiting-consent panel-decide "$3" panel decide "$3" "$ID" --decision adopt --method consensus
    step supported panel-consent "$4" panel consent "$ID" --status given --by "$5" --date "$4"
}

# ---------------------------------------------------------------------------

# 1. A 15-year-old referred by a school, from referral to the last
# post-closure review.
test_journey_school_referral_of_a_15_year_old_adopted_supported_closed_and_reviewed() {
    start_journey
    PERSONAL+=("Fictional GP record requested" "Fictional gateway rationale" "Fictional assessment notes"
        "Fictional panel rationale" "Fictional review notes")
    refer_step PRV-1998-0001 1998-01-12 received=1998-01-12 dob=1982-06-15 sector=education \
        agency="Example High School" referrer-role="Designated Safeguarding Lead"
    assert_eq "$(field "d['referral']['source']['sector']")" "education" "referring sector"
    step awaiting-triage note 1998-01-13 note "$ID" --date 1998-01-13 --kind info-request \
        --with "Example NHS Foundation Trust" --text "Fictional GP record requested"
    step awaiting-panel triage 1998-01-16 triage "$ID" --outcome channel-panel --date 1998-01-16 \
        --s36-date 1998-01-16 --s36-by "$S36_BY" --rationale "Fictional gateway rationale"
    step awaiting-panel assess 1998-01-20 assess "$ID" --date 1998-01-20 --framework VAF \
        --engagement medium --intent low --capability low --notes "Fictional assessment notes"
    assert_due 1998-01-20 "$H" # the panel is due on 1998-02-13
    assert_due 1998-01-20 "$H"$'\n'"$ID,awaiting-panel,panel,1998-02-13,-24" --within 4w
    new_meeting_step awaiting-panel 1998-02-05 1998-01-21 \
        --attendee "Head of Year@Example High School" --apology "Team Manager@Example Children's Services"
    step awaiting-consent panel-decide 1998-02-05 panel decide 1998-02-05 "$ID" --decision adopt \
        --method consensus --rationale "Fictional panel rationale"
    assert_due 1998-02-05 "$H"$'\n'"$ID,awaiting-consent,consent,1998-02-19,-14" --within 2w
    # A 15-year-old cannot consent for themselves: a parent consents.
    step supported panel-consent 1998-02-10 panel consent "$ID" --status given --by parent-guardian --date 1998-02-10
    step supported panel-action 1998-02-12 panel action "$ID" add --support ideological-mentoring \
        --provider "Home Office approved intervention provider" --due 1998-04-30 --date 1998-02-12
    assert_stdout_eq "A1"
    step supported panel-action 1998-02-12 panel action "$ID" add --support education-training \
        --provider "Example College" --due 1998-05-29
    assert_stdout_eq "A2"
    step supported review-record 1998-03-05 review record "$ID" --date 1998-03-05 --kind monthly \
        --outcome continue --notes "Fictional review notes"
    step supported review-record 1998-04-02 review record "$ID" --date 1998-04-02 --kind monthly --outcome continue
    assert_due 1998-04-30 "$H"$'\n'"$ID,supported,action,1998-04-30,0"$'\n'"$ID,supported,monthly-review,1998-04-30,0"
    step supported panel-action 1998-04-28 panel action "$ID" "done" A1 --date 1998-04-28
    step supported panel-action 1998-04-28 panel action "$ID" cancel A2 --date 1998-04-28
    assert_due 1998-04-30 "$H"$'\n'"$ID,supported,monthly-review,1998-04-30,0"
    step supported review-record 1998-04-30 review record "$ID" --date 1998-04-30 --kind monthly --outcome continue
    step post-closure review-record 1998-05-28 review record "$ID" --date 1998-05-28 --kind monthly \
        --outcome close --reason no-further-concerns
    assert_eq "$(field "d['closure']")" "{'date': '1998-05-28', 'reason': 'no-further-concerns'}" "closure"
    # A2 was added without --date: added "today" (the --as-of of the command).
    assert_eq "$(field "[(a['id'], a['support'], a['added'], a['due'], a['status'], a['closed']) for a in d['support_plan']]")" \
        "[('A1', 'ideological-mentoring', '1998-02-12', '1998-04-30', 'done', '1998-04-28'), ('A2', 'education-training', '1998-02-12', '1998-05-29', 'cancelled', '1998-04-28')]" \
        "support plan"
    assert_eq "$(field "d['consent']")" "[{'status': 'given', 'by': 'parent-guardian', 'date': '1998-02-10'}]" "consent"
    # Post-closure reviews at closure + 6 and + 12 months.
    assert_due 1998-11-27 "$H"
    assert_due 1998-11-28 "$H"$'\n'"$ID,post-closure,post-closure-6,1998-11-28,0"
    step post-closure review-record 1998-11-30 review record "$ID" --date 1998-11-30 --kind post-closure-6 \
        --outcome no-concerns
    assert_due 1999-05-28 "$H"$'\n'"$ID,post-closure,post-closure-12,1999-05-28,0"
    step closed review-record 1999-06-01 review record "$ID" --date 1999-06-01 --kind post-closure-12 \
        --outcome no-concerns
    assert_due 1999-06-01 "$H" --within 2w
    assert_eq "$(field "[(r['date'], r['kind'], r['outcome']) for r in d['reviews']]")" \
        "[('1998-03-05', 'monthly', 'continue'), ('1998-04-02', 'monthly', 'continue'), ('1998-04-30', 'monthly', 'continue'), ('1998-05-28', 'monthly', 'close'), ('1998-11-30', 'post-closure-6', 'no-concerns'), ('1999-06-01', 'post-closure-12', 'no-concerns')]" \
        "reviews"
    assert_eq "$(field "[(c['date'], c['kind'], c['with']) for c in d['chronology']]")" \
        "[('1998-01-13', 'info-request', 'Example NHS Foundation Trust')]" "chronology"
    assert_eq "$(field "[(a['framework'], a['engagement'], a['intent'], a['capability']) for a in d['assessments']]")" \
        "[('VAF', 'medium', 'low', 'low')]" "assessments"
    assert_history
    pv "$S" 1999-06-01 check
    assert_rc 0 "check at the end of the journey"
}

# 2. Closed at triage: no further action.
test_journey_closed_at_triage_with_no_further_action() {
    start_journey
    refer_step PRV-2026-0001 2026-11-03
    step awaiting-triage note 2026-11-04 note "$ID" --date 2026-11-04 --kind contact --with "Example Academy"
    step no-further-action triage 2026-11-06 triage "$ID" --outcome no-further-action --date 2026-11-06
    assert_eq "$(field "d['triage']['outcome']")" "no-further-action" "triage outcome"
    assert_eq "$(field "'section36' in d['triage']")" "False" "a Section 36 decision"
    assert_due 2026-11-27 "$H" --within 2w
    assert_history
}

# 3. Signposted at triage.
test_journey_signposted_at_triage_to_early_help() {
    start_journey
    refer_step PRV-2026-0001 2026-11-03 sector=family-friends
    step signposted triage 2026-11-05 triage "$ID" --outcome signposted --date 2026-11-05 --signpost early-help
    assert_eq "$(field "d['triage']['signposted_to']")" "['early-help']" "signposted to"
    assert_contains "$(cat "$(case_file "$S" "$ID")")" "signposted_to:" "case file"
    assert_due 2026-11-27 "$H" --within 2w
    assert_history
}

# 4. Managed by the police.
test_journey_police_managed_at_triage() {
    start_journey
    refer_step PRV-2026-0001 2026-11-03 sector=police route=police
    step police-managed triage 2026-11-09 triage "$ID" --outcome police-managed --date 2026-11-09
    assert_due 2026-11-27 "$H" --within 2w
    assert_history
}

# 5. Heard, not adopted, and signposted by the panel.
test_journey_not_adopted_and_signposted_to_mental_health() {
    start_journey
    refer_step PRV-2026-0001 2026-10-05 received=2026-10-05 sector=health
    step awaiting-panel triage 2026-10-09 triage "$ID" --outcome channel-panel --date 2026-10-09 \
        --s36-date 2026-10-09 --s36-by "$S36_BY"
    new_meeting_step awaiting-panel 2026-11-05 2026-10-12
    step not-adopted panel-decide 2026-11-05 panel decide 2026-11-05 "$ID" --decision not-adopt \
        --method majority --signpost mental-health
    assert_eq "$(field "[(h['meeting'], h['decision'], h['method'], h['signposted_to']) for h in d['panel']]")" \
        "[('2026-11-05', 'not-adopt', 'majority', ['mental-health'])]" "panel"
    assert_due 2026-11-27 "$H" --within 2w
    assert_history
}

# 6. Consent declined: the case closes with reason consent-declined, and its
# post-closure reviews still fall due (CTSA 1987 s.36(4)(e)).
test_journey_consent_declined_closes_the_case_and_post_closure_reviews_fall_due() {
    start_journey
    refer_step PRV-1998-0001 1998-01-12 received=1998-01-12 dob=1982-06-15
    step awaiting-panel triage 1998-01-16 triage "$ID" --outcome channel-panel --date 1998-01-16 \
        --s36-date 1998-01-16 --s36-by "$S36_BY"
    new_meeting_step awaiting-panel 1998-02-05 1998-01-16
    step awaiting-consent panel-decide 1998-02-05 panel decide 1998-02-05 "$ID" --decision adopt
    step awaiting-consent panel-consent 1998-02-09 panel consent "$ID" --status requested --by parent-guardian \
        --date 1998-02-09
    step post-closure panel-consent 1998-02-20 panel consent "$ID" --status declined --by parent-guardian \
        --date 1998-02-20
    local f
    f="$(case_file "$S" "$ID")"
    assert_eq "$(sed -n '/^closure:/,/^[a-z]/p' "$f" | sed '/^[a-z_]*:$/d;/^[a-z_]*: /d')" \
        "  date: 1998-02-20"$'\n'"  reason: consent-declined" "closure in the case file"
    assert_eq "$(sed -n '/^consent:/,/^[a-z]/p' "$f" | grep -E '^  ')" \
        "  - status: requested"$'\n'"    by: parent-guardian"$'\n'"    date: 1998-02-09"$'\n'"  - status: declined"$'\n'"    by: parent-guardian"$'\n'"    date: 1998-02-20" \
        "consent history in the case file: the request kept, the refusal appended"
    assert_due 1998-08-19 "$H"
    assert_due 1998-08-20 "$H"$'\n'"$ID,post-closure,post-closure-6,1998-08-20,0"
    assert_due 1999-02-20 "$H"$'\n'"$ID,post-closure,post-closure-6,1998-08-20,184"$'\n'"$ID,post-closure,post-closure-12,1999-02-20,0"
    step post-closure review-record 1998-08-21 review record "$ID" --date 1998-08-21 --kind post-closure-6 \
        --outcome no-concerns
    assert_due 1999-02-20 "$H"$'\n'"$ID,post-closure,post-closure-12,1999-02-20,0"
    step closed review-record 1999-02-22 review record "$ID" --date 1999-02-22 --kind post-closure-12 \
        --outcome no-concerns
    assert_due 1999-02-22 "$H" --within 4w
    assert_history
}

# 7. Deferred at one meeting, adopted at the next.
test_journey_deferred_at_one_meeting_then_adopted_at_the_next() {
    start_journey
    refer_step PRV-2026-0001 2026-01-12 received=2026-01-12 dob=2010-06-15
    step awaiting-panel triage 2026-01-16 triage "$ID" --outcome channel-panel --date 2026-01-16 \
        --s36-date 2026-01-15 --s36-by "$S36_BY"
    new_meeting_step awaiting-panel 2026-02-05 2026-01-16
    new_meeting_step awaiting-panel 2026-03-05 2026-01-16
    step awaiting-panel panel-decide 2026-02-05 panel decide 2026-02-05 "$ID" --decision defer --method chair
    # Still due at the panel from the Section 36 decision.
    assert_due 2026-02-12 "$H"$'\n'"$ID,awaiting-panel,panel,2026-02-12,0"
    step awaiting-consent panel-decide 2026-03-05 panel decide 2026-03-05 "$ID" --decision adopt --method consensus
    assert_eq "$(field "[(h['meeting'], h['decision']) for h in d['panel']]")" \
        "[('2026-02-05', 'defer'), ('2026-03-05', 'adopt')]" "panel"
    # Consent is due 14 days after the adopting meeting, not the first one.
    assert_due 2026-03-19 "$H"$'\n'"$ID,awaiting-consent,consent,2026-03-19,0"
    step supported panel-consent 2026-03-10 panel consent "$ID" --status given --by parent-guardian --date 2026-03-10
    assert_due 2026-04-02 "$H"$'\n'"$ID,supported,monthly-review,2026-04-02,0"
    assert_history
}

# 8. Reopened at the 6-month review: the episode moves into `previous`, the
# case goes back to the panel, is heard again and adopted.
test_journey_reopened_at_the_6_month_review_then_heard_again_and_adopted() {
    start_journey
    PERSONAL+=("Fictional concerns returned")
    refer_step PRV-2026-0001 2026-01-12 received=2026-01-12 dob=1990-04-02 sector=probation
    to_supported 2026-01-12 2026-01-16 2026-02-05 2026-02-10 subject # an adult consents for themselves
    # A support type outside the vocabulary is refused and leaves no commit.
    expect_refusal 5 "$S" prevent -C "$S" --as-of 2026-02-11 panel action "$ID" add --support mentoring \
        --provider "Example Youth Service" --due 2026-03-01
    step supported panel-action 2026-02-11 panel action "$ID" add --support life-skills \
        --provider "Example Youth Service" --due 2026-03-01 --date 2026-02-11
    assert_stdout_eq "A1"
    step supported panel-action 2026-03-01 panel action "$ID" "done" A1 --date 2026-03-01
    step post-closure review-record 2026-03-05 review record "$ID" --date 2026-03-05 --kind monthly \
        --outcome close --reason no-further-concerns
    assert_due 2026-09-05 "$H"$'\n'"$ID,post-closure,post-closure-6,2026-09-05,0"
    step awaiting-panel review-record 2026-09-07 review record "$ID" --date 2026-09-07 --kind post-closure-6 \
        --outcome reopen --notes "Fictional concerns returned"
    # The closed episode, as it was, is in `previous`; the case has none of it.
    assert_eq "$(field "len(d['previous'])")" "1" "episodes in previous"
    assert_eq "$(field "d['previous'][0]['consent']")" "[{'status': 'given', 'by': 'subject', 'date': '2026-02-10'}]" \
        "previous consent"
    assert_eq "$(field "[(a['id'], a['status']) for a in d['previous'][0]['support_plan']]")" "[('A1', 'done')]" \
        "previous support plan"
    assert_eq "$(field "[(r['date'], r['kind'], r['outcome']) for r in d['previous'][0]['reviews']]")" \
        "[('2026-03-05', 'monthly', 'close'), ('2026-09-07', 'post-closure-6', 'reopen')]" "previous reviews"
    assert_eq "$(field "d['previous'][0]['closure']")" "{'date': '2026-03-05', 'reason': 'no-further-concerns'}" \
        "previous closure"
    assert_eq "$(field "d['previous'][0]['reopened']")" "2026-09-07" "previous reopened"
    assert_eq "$(field "[k for k in ('consent', 'support_plan', 'reviews', 'closure') if d.get(k)]")" "[]" \
        "current consent, support plan, reviews, closure"
    local f
    f="$(case_file "$S" "$ID")"
    assert_matches "$(cat "$f")" $'\n''previous:' "case file"
    assert_matches "$(sed -n '/^previous:/,$p' "$f")" 'reopened: 2026-09-07' "previous in the case file"
    # Due at the panel again, 28 days from the reopening review.
    assert_due 2026-10-05 "$H"$'\n'"$ID,awaiting-panel,panel,2026-10-05,0"
    new_meeting_step awaiting-panel 2026-09-17 2026-09-07
    step awaiting-consent panel-decide 2026-09-17 panel decide 2026-09-17 "$ID" --decision adopt --method majority
    step supported panel-consent 2026-09-21 panel consent "$ID" --status given --by subject --date 2026-09-21
    step supported panel-action 2026-09-22 panel action "$ID" add --support ideological-mentoring \
        --provider "Home Office approved intervention provider" --due 2026-12-01 --date 2026-09-22
    assert_stdout_eq "A1"
    assert_eq "$(field "[(h['meeting'], h['decision']) for h in d['panel']]")" \
        "[('2026-02-05', 'adopt'), ('2026-09-17', 'adopt')]" "panel"
    assert_due 2026-10-19 "$H"$'\n'"$ID,supported,monthly-review,2026-10-15,4"
    assert_history
    pv "$S" 2026-10-19 check
    assert_rc 0 "check after the reopened case was adopted again"
}

# 9. Extended post-closure reviews: `continue` at the 12-month review adds an
# extended review every 6 months, up to 24 months after closure.
test_journey_extended_post_closure_reviews_up_to_24_months() {
    start_journey
    refer_step PRV-1998-0001 1998-06-01 received=1998-06-01 dob=1980-01-20 sector=community
    to_supported 1998-06-01 1998-06-05 1998-07-02 1998-07-06 subject # 18 on the consent date
    step supported review-record 1998-07-30 review record "$ID" --date 1998-07-30 --kind monthly --outcome continue
    step post-closure review-record 1998-08-31 review record "$ID" --date 1998-08-31 --kind monthly \
        --outcome close --reason no-further-concerns
    # Calendar months from 31 August, clamped to the month's end.
    assert_due 1999-02-28 "$H"$'\n'"$ID,post-closure,post-closure-6,1999-02-28,0"
    step post-closure review-record 1999-02-28 review record "$ID" --date 1999-02-28 --kind post-closure-6 \
        --outcome no-concerns
    assert_due 1999-08-31 "$H"$'\n'"$ID,post-closure,post-closure-12,1999-08-31,0"
    step post-closure review-record 1999-08-31 review record "$ID" --date 1999-08-31 --kind post-closure-12 \
        --outcome continue
    # closure + 18 months: 29 February 2000 (a leap year).
    assert_due 2000-02-28 "$H"
    assert_due 2000-02-29 "$H"$'\n'"$ID,post-closure,extended-review,2000-02-29,0"
    step post-closure review-record 2000-03-02 review record "$ID" --date 2000-03-02 --kind extended \
        --outcome continue
    # closure + 24 months.
    assert_due 2000-08-31 "$H"$'\n'"$ID,post-closure,extended-review,2000-08-31,0"
    # The 24-month review is the last: `continue` would extend nothing.
    expect_refusal 4 "$S" prevent -C "$S" --as-of 2000-08-31 review record "$ID" --date 2000-08-31 \
        --kind extended --outcome continue
    assert_stderr_contains "review.extension_limit_months"
    step closed review-record 2000-08-31 review record "$ID" --date 2000-08-31 --kind extended --outcome no-concerns
    # No review after 24 months.
    assert_due 2001-03-01 "$H" --within 8w
    expect_refusal 4 "$S" prevent -C "$S" --as-of 2001-03-01 review record "$ID" --date 2001-03-01 \
        --kind extended --outcome continue
    assert_stderr_contains "rule 8"
    assert_history
}

# ---------------------------------------------------------------------------
# Minutes and agenda

# Three cases heard at one meeting (adopt, not-adopt with signposting, defer),
# a supported case reviewed at it, a declaration of interest and an apology.
test_panel_minutes_list_attendance_declarations_and_decisions_by_case_id() {
    start_journey
    PERSONAL+=("Quen Arbolt" 2001-02-13 ZZ9 "Tirva Nolsk" 1999-12-01 ZZ2 "Fictional rationale adopt"
        "Fictional rationale not adopted" "Fictional rationale deferred" "Fictional review notes at panel")
    local a=PRV-2026-0001 b=PRV-2026-0002 c=PRV-2026-0003 r=PRV-2026-0004 m=2026-03-05
    refer_step "$a" 2026-01-12 received=2026-01-12 dob=2010-06-15
    refer_step "$b" 2026-01-13 received=2026-01-13 name="Quen Arbolt" dob=2001-02-13 postcode-district=ZZ9
    refer_step "$c" 2026-01-14 received=2026-01-14 name="Tirva Nolsk" dob=1999-12-01 postcode-district=ZZ2
    refer_step "$r" 2026-01-05 received=2026-01-05 dob=1995-05-05
    to_supported 2026-01-05 2026-01-07 2026-02-05 2026-02-06 subject
    for ID in "$a" "$b" "$c"; do
        step awaiting-panel triage 2026-02-10 triage "$ID" --outcome channel-panel --date 2026-02-10 \
            --s36-date 2026-02-10 --s36-by "$S36_BY"
    done
    ID="$a"
    step awaiting-panel panel-new 2026-02-20 panel new "$m" --chair "$CHAIR" \
        --attendee "Channel Coordinator@Example Borough Council" \
        --apology "Team Manager@Example Children's Services"
    # Attendance without declarations names no case; a declaration names its case.
    step_for - awaiting-panel panel-attend "$m" panel attend "$m" --police "$POLICE" \
        --attendee "Head of Year@Example High School"
    step_for "$c" awaiting-panel panel-attend "$m" panel attend "$m" \
        --declare "Head of Year@Example High School:$c"
    step awaiting-consent panel-decide "$m" panel decide "$m" "$a" --decision adopt --method consensus \
        --rationale "Fictional rationale adopt"
    ID="$b"
    step not-adopted panel-decide "$m" panel decide "$m" "$b" --decision not-adopt --method majority \
        --signpost mental-health --signpost early-help --rationale "Fictional rationale not adopted"
    ID="$c"
    step awaiting-panel panel-decide "$m" panel decide "$m" "$c" --decision defer \
        --rationale "Fictional rationale deferred"
    ID="$r"
    step supported review-record "$m" review record "$r" --date "$m" --kind monthly --outcome continue \
        --meeting "$m" --notes "Fictional review notes at panel"

    pv "$S" "$m" panel minutes "$m"
    assert_rc 0 "panel minutes"
    assert_stderr_empty
    local expected
    expected="# Channel panel, Example Borough: $m

Chair: Prevent Lead, Example Borough Council

## Attendance

| role | agency | police |
|---|---|---|
| Prevent Lead | Example Borough Council | |
| Channel Coordinator | Example Borough Council |  |
| Head of Year | Example High School |  |
| Detective Sergeant | Example Constabulary | yes |

## Apologies

- Team Manager, Example Children's Services

## Declarations of interest

- Head of Year, Example High School: $c

## Decisions

| case | decision | method | signposted to |
|---|---|---|---|
| $a | adopt | consensus |  |
| $b | not-adopt | majority | mental-health, early-help |
| $c | defer |  |  |

## Reviews

| case | review | outcome |
|---|---|---|
| $r | monthly | continue |

## Actions agreed

None.

## Closures

None.

Next meeting: none arranged yet."
    assert_stdout_eq "$expected"
    assert_no_personal_data "$(cat "$OUT")" "minutes (md)"

    pv "$S" "$m" panel minutes "$m" --format json
    assert_rc 0 "panel minutes --format json"
    assert_no_personal_data "$(cat "$OUT")" "minutes (json)"
    local j
    j="$(cat "$OUT")"
    assert_eq "$(json_eval "d['date'], d['chair']" <<<"$j")" \
        "('$m', {'role': 'Prevent Lead', 'agency': 'Example Borough Council'})" "date and chair"
    assert_eq "$(json_eval "[(a['role'], a['agency'], a['police']) for a in d['attendees']]" <<<"$j")" \
        "[('Channel Coordinator', 'Example Borough Council', False), ('Head of Year', 'Example High School', False), ('Detective Sergeant', 'Example Constabulary', True)]" \
        "attendees"
    assert_eq "$(json_eval "d['apologies']" <<<"$j")" \
        "[{'role': 'Team Manager', 'agency': \"Example Children's Services\"}]" "apologies"
    assert_eq "$(json_eval "d['declarations']" <<<"$j")" \
        "[{'role': 'Head of Year', 'agency': 'Example High School', 'case': '$c'}]" "declarations"
    assert_eq "$(json_eval "[(x['case'], x['decision'], x['method'], x['signposted_to']) for x in d['decisions']]" <<<"$j")" \
        "[('$a', 'adopt', 'consensus', []), ('$b', 'not-adopt', 'majority', ['mental-health', 'early-help']), ('$c', 'defer', None, [])]" \
        "decisions"
    assert_eq "$(json_eval "d['reviews']" <<<"$j")" "[{'case': '$r', 'kind': 'monthly', 'outcome': 'continue'}]" \
        "reviews"
    assert_eq "$(json_eval "sorted(set(k for x in d['decisions'] for k in x))" <<<"$j")" \
        "['case', 'decision', 'method', 'signposted_to']" "keys of a decision (no rationale)"
    assert_eq "$(json_eval "d['actions'], d['closures'], d['next_meeting']" <<<"$j")" "([], [], None)" \
        "actions, closures and next meeting"

    # A meeting with nothing decided yet.
    ID="$c"
    step awaiting-panel panel-new 2026-03-06 panel new 2026-04-02 --chair "$CHAIR"
    pv "$S" 2026-03-06 panel minutes 2026-04-02
    assert_rc 0
    assert_stdout_contains "## Apologies"$'\n\n'"None."
    assert_stdout_contains "## Declarations of interest"$'\n\n'"None."
    assert_stdout_contains "## Decisions"$'\n\n'"None."
    pv "$S" 2026-03-06 panel minutes 2026-04-02 --format json
    assert_eq "$(json_eval "d['attendees'], d['apologies'], d['declarations'], d['decisions'], d['reviews'], d['actions'], d['closures']" <"$OUT")" \
        "([], [], [], [], [], [], [])" "minutes of an empty meeting"
    # The meeting of $m now names the next one.
    pv "$S" 2026-03-06 panel minutes "$m"
    assert_stdout_contains $'\n'"Next meeting: 2026-04-02"
    pv "$S" 2026-03-06 panel minutes "$m" --format json
    assert_eq "$(json_eval "d['next_meeting']" <"$OUT")" "2026-04-02" "next meeting (json)"
    ID="$a"
    assert_history
}

# The agenda: cases awaiting panel (whenever due), reviews due before the
# next meeting (none in the store: 28 days on), consent and actions overdue
# at the meeting; never triage. --fill writes it into the meeting in one
# commit.
test_panel_agenda_lists_cases_awaiting_panel_and_reviews_due_and_fill_writes_them() {
    start_journey
    local m=2026-03-05 old=PRV-2025-0001 p1=PRV-2026-0001 p2=PRV-2026-0002 p3=PRV-2026-0003 p4=PRV-2026-0004 p5=PRV-2026-0005
    # Closed on 2025-08-14: its 6-month review fell due on 2026-02-14.
    refer_step "$old" 2025-06-02 received=2025-06-02 dob=1990-01-01
    to_supported 2025-06-02 2025-06-05 2025-06-12 2025-06-16 subject
    step post-closure review-record 2025-08-14 review record "$old" --date 2025-08-14 --kind monthly \
        --outcome close --reason no-further-concerns
    # Awaiting panel; due at the panel after the meeting.
    refer_step "$p1" 2026-02-16 received=2026-02-16
    step awaiting-panel triage 2026-02-20 triage "$p1" --outcome channel-panel --date 2026-02-20 \
        --s36-date 2026-02-20 --s36-by "$S36_BY"
    # Supported, adopted 2026-02-05: monthly review due on the meeting day;
    # its open action (due 2026-03-01) is overdue at the meeting.
    refer_step "$p2" 2026-01-12 received=2026-01-12 dob=1991-01-01
    to_supported 2026-01-12 2026-01-15 2026-02-05 2026-02-06 subject
    step supported panel-action 2026-02-06 panel action "$p2" add --support housing --provider "Example Housing" \
        --due 2026-03-01 --date 2026-02-06
    # Awaiting consent (adopted at 2026-02-05): consent overdue since 2026-02-19.
    refer_step "$p3" 2026-01-13 received=2026-01-13
    step awaiting-panel triage 2026-01-15 triage "$p3" --outcome channel-panel --date 2026-01-15 \
        --s36-date 2026-01-15 --s36-by "$S36_BY"
    step awaiting-consent panel-decide 2026-02-05 panel decide 2026-02-05 "$p3" --decision adopt
    # Awaiting triage: not for the panel.
    refer_step "$p4" 2026-03-02 received=2026-03-02
    # Supported, adopted 2026-02-19: its monthly review is due after the
    # meeting, before the next (2026-04-02 at the latest).
    refer_step "$p5" 2026-01-20 received=2026-01-20 dob=1992-01-01
    to_supported 2026-01-20 2026-01-22 2026-02-19 2026-02-20 subject
    ID="$old"
    new_meeting_step post-closure "$m" 2026-03-02

    local agenda="$H"$'\n'"$old,post-closure,post-closure-6,2026-02-14,19"$'\n'"$p3,awaiting-consent,consent,2026-02-19,14"$'\n'"$p2,supported,action,2026-03-01,4"$'\n'"$p2,supported,monthly-review,2026-03-05,0"$'\n'"$p5,supported,monthly-review,2026-03-19,-14"$'\n'"$p1,awaiting-panel,panel,2026-03-20,-15"
    pv "$S" 2026-03-02 panel agenda "$m" --format csv
    assert_rc 0 "panel agenda"
    assert_eq "$(tr -d '\r' <"$OUT")" "$agenda" "agenda of $m"
    local before
    before="$(snapshot "$S")"
    pv "$S" 2026-03-02 panel agenda "$m"
    assert_rc 0
    assert_eq "$(snapshot "$S")" "$before" "the store after an agenda without --fill"

    ID="$old"
    # One commit, naming every case on the agenda, in agenda order.
    step_for "$old $p3 $p2 $p5 $p1" post-closure panel-agenda 2026-03-02 panel agenda "$m" --fill --format csv
    assert_eq "$(tr -d '\r' <"$OUT")" "$agenda" "agenda printed by --fill"
    assert_eq "$(git_in "$S" show --name-only --format= HEAD)" "panels/$m.yaml" "files in the --fill commit"
    local y
    y="$(sed -n '/^agenda:/,$p' "$S/panels/$m.yaml")"
    assert_eq "$y" "agenda:
  - case: $old
    item: post-closure-6
  - case: $p3
    item: consent
  - case: $p2
    item: action
  - case: $p2
    item: monthly-review
  - case: $p5
    item: monthly-review
  - case: $p1
    item: panel" "agenda in the meeting file"
    assert_no_personal_data "$(cat "$S/panels/$m.yaml")" "meeting file"
    pv "$S" 2026-03-02 check
    assert_rc 0 "check after --fill"
    # A meeting that does not exist has no agenda.
    expect_refusal 3 "$S" prevent -C "$S" --as-of 2026-03-02 panel agenda 2026-03-12 --fill
    ID="$old"
    assert_history
}

run_tests "$@"

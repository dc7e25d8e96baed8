#!/usr/bin/env bash
# Meetings as they happen (issue 14 part 3, SPEC §4 rule 4, §6): attendance
# changed on the day (`panel attend --apology/--remove/--police`, each
# person listed once), the agenda changed by hand (`panel agenda --add/--drop`)
# and refilled without losing what was recorded (`--fill`, never for a past
# meeting), the agenda's window (`--until`, the next meeting), the minutes'
# actions agreed, closures and next meeting, and the police-presence rule on
# every piece of case business at a meeting (CTSA 2015 s.37).
#
# Every refusal: its exit code, one `prevent: ` line (a hint at most),
# nothing on stdout, no personal data, the store as it was (expect_refusal).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
CHAIR="Prevent Lead@Example Borough Council"
POLICE="Detective Sergeant@Example Constabulary"
COORD="Channel Coordinator@Example Borough Council"
NURSE="School Nurse@Example NHS Foundation Trust"
S36_BY="Counter Terrorism Policing North West"

M1=2026-03-05     # with the police; A adopted there
NOPOL=2026-04-02  # no police representative

A=PRV-2026-0001  # adopted at M1, consent given 2026-03-06 (supported)
B=PRV-2026-0002  # awaiting panel
C=PRV-2026-0003  # awaiting triage

build_base() {
    local s="$1"
    new_store "$s"
    pv_ok "$s" "$M1" panel new "$M1" --chair "$CHAIR" --police "$POLICE" --attendee "$COORD"
    pv_ok "$s" "$M1" -q panel new "$NOPOL" --chair "$CHAIR" --attendee "$COORD"
    referral_flags received=2026-01-12 dob=1990-01-01
    pv_ok "$s" "$M1" refer "${REFER_FLAGS[@]}"
    pv_ok "$s" "$M1" triage "$A" --outcome channel-panel --date 2026-01-15 --s36-date 2026-01-15 --s36-by "$S36_BY"
    pv_ok "$s" "$M1" panel decide "$M1" "$A" --decision adopt --method consensus
    pv_ok "$s" 2026-03-06 panel consent "$A" --status given --by subject --date 2026-03-06
    referral_flags received=2026-02-16
    pv_ok "$s" "$M1" refer "${REFER_FLAGS[@]}"
    pv_ok "$s" "$M1" triage "$B" --outcome channel-panel --date 2026-02-20 --s36-date 2026-02-20 --s36-by "$S36_BY"
    referral_flags received=2026-03-02
    pv_ok "$s" "$M1" refer "${REFER_FLAGS[@]}"
}

setup() {
    S="$T/store"
    cached_store "$S" meetings-base build_base
    # The (P) values of the base store's referrals.
    referral_flags
}

meeting_file() { cat "$S/panels/$1.yaml"; }
# How many entries of the meeting of DATE name ROLE (attendees and apologies).
entries_of() { grep -c "role: $2\$" "$S/panels/$1.yaml"; }

# ---------------------------------------------------------------------------
# Attendance

test_an_attendee_given_again_is_a_no_op_with_a_notice_and_no_commit() {
    setup
    local head
    head="$(head_of "$S")"
    pv "$S" "$M1" panel attend "$M1" --attendee "$COORD"
    assert_rc 0
    assert_stdout_empty
    assert_stderr_contains "already listed"
    assert_eq "$(head_of "$S")" "$head" "HEAD after a no-op"
    assert_eq "$(entries_of "$M1" "Channel Coordinator")" 1 "entries of the coordinator"
    # Typed with other capitals and spaces, still the same person.
    pv "$S" "$M1" panel attend "$M1" --attendee "channel  coordinator@example borough council"
    assert_rc 0
    assert_eq "$(head_of "$S")" "$head" "HEAD after a no-op"
    # The chair is present already.
    pv "$S" "$M1" panel attend "$M1" --attendee "$CHAIR"
    assert_rc 0
    assert_stderr_contains "the chair"
    assert_eq "$(head_of "$S")" "$head" "HEAD after a no-op"
    # -q: no notice.
    pv "$S" "$M1" -q panel attend "$M1" --police "$POLICE"
    assert_rc 0
    assert_stderr_empty
    assert_eq "$(head_of "$S")" "$head" "HEAD after a no-op"
}

test_panel_new_lists_a_person_given_twice_once() {
    setup
    pv "$S" "$M1" panel new 2026-05-07 --chair "$CHAIR" --police "$POLICE" --attendee "$NURSE" --attendee "$NURSE"
    assert_rc 0
    assert_stderr_contains "already listed"
    assert_eq "$(entries_of 2026-05-07 "School Nurse")" 1 "entries of the nurse"
}

test_an_apology_is_recorded_on_the_day_in_place_of_the_attendance() {
    setup
    write_step "$S" "$M1" panel-attend - panel attend "$M1" --apology "$COORD" --apology "$NURSE"
    assert_stdout_empty
    local y
    y="$(meeting_file "$M1")"
    assert_eq "$(entries_of "$M1" "Channel Coordinator")" 1 "entries of the coordinator"
    assert_eq "$(sed -n '/^apologies:/,$p' "$S/panels/$M1.yaml" | grep -c 'role:')" 2 "apologies"
    assert_not_contains "$(sed -n '/^attendees:/,/^apologies:/p' "$S/panels/$M1.yaml")" "Channel Coordinator" "attendees"
    # Sent apologies, then came after all.
    write_step "$S" "$M1" panel-attend - panel attend "$M1" --attendee "$NURSE"
    assert_eq "$(entries_of "$M1" "School Nurse")" 1 "entries of the nurse"
    assert_contains "$(sed -n '/^attendees:/,/^apologies:/p' "$S/panels/$M1.yaml")" "School Nurse" "attendees"
    pv "$S" "$M1" panel minutes "$M1" --format json
    assert_eq "$(json_eval "[a['role'] for a in d['attendees']], [a['role'] for a in d['apologies']]" <"$OUT")" \
        "(['Detective Sergeant', 'School Nurse'], ['Channel Coordinator'])" "attendance in the minutes"
    pv_ok "$S" "$AS_OF" check
}

test_police_on_a_listed_attendee_changes_the_entry_and_attendee_changes_it_back() {
    setup
    write_step "$S" "$M1" panel-attend - panel attend "$NOPOL" --police "$COORD"
    assert_eq "$(entries_of "$NOPOL" "Channel Coordinator")" 1 "entries of the coordinator"
    assert_eq "$(grep -c 'police: true' "$S/panels/$NOPOL.yaml")" 1 "police entries"
    write_step "$S" "$M1" panel-attend - panel attend "$NOPOL" --attendee "$COORD"
    assert_stderr_contains "not as a police representative"
    assert_eq "$(grep -c 'police: true' "$S/panels/$NOPOL.yaml")" 0 "police entries"
    assert_eq "$(entries_of "$NOPOL" "Channel Coordinator")" 1 "entries of the coordinator"
}

test_remove_takes_a_person_off_the_meeting() {
    setup
    write_step "$S" "$M1" panel-attend - panel attend "$NOPOL" --remove "$COORD"
    assert_eq "$(entries_of "$NOPOL" "Channel Coordinator")" 0 "entries of the coordinator"
    pv_ok "$S" "$AS_OF" check
}

test_removing_someone_not_listed_is_not_found() {
    setup
    expect_refusal 3 "$S" prevent -C "$S" --as-of "$M1" panel attend "$M1" --remove "$NURSE"
    assert_stderr_contains "not listed"
}

test_the_chair_is_not_removed_sent_apologies_or_made_police() {
    setup
    local flag
    for flag in --remove --apology --police; do
        expect_refusal 4 "$S" prevent -C "$S" --as-of "$M1" panel attend "$M1" "$flag" "$CHAIR"
        assert_stderr_contains "rule 4"
        assert_stderr_contains "chair"
    done
}

test_one_person_given_to_two_flags_is_a_usage_error() {
    setup
    expect_refusal 2 "$S" prevent -C "$S" --as-of "$M1" panel attend "$M1" --attendee "$NURSE" --apology "$NURSE"
    expect_refusal 2 "$S" prevent -C "$S" --as-of "$M1" panel new 2026-05-07 --chair "$CHAIR" \
        --police "$POLICE" --apology "$POLICE"
}

test_attend_without_a_change_is_a_usage_error() {
    setup
    expect_refusal 2 "$S" prevent -C "$S" --as-of "$M1" panel attend "$M1"
    assert_stderr_contains "--apology"
}

# s.37: the last police representative stays while case business is recorded.
test_the_last_police_representative_stays_at_a_meeting_with_case_business() {
    setup
    local flag
    for flag in --remove --apology --attendee; do
        expect_refusal 4 "$S" prevent -C "$S" --as-of "$M1" panel attend "$M1" "$flag" "$POLICE"
        assert_stderr_contains "rule 4"
        assert_stderr_contains "s.37"
        assert_stderr_contains "$A"
        assert_hint_contains "--police"
    done
    # Another police representative recorded first: then the first may go.
    write_step "$S" "$M1" panel-attend - panel attend "$M1" --police "Detective Constable@Example Constabulary" \
        --apology "$POLICE"
    pv_ok "$S" "$AS_OF" check
}

test_a_police_representative_leaves_a_meeting_without_case_business() {
    setup
    pv_ok "$S" "$M1" panel attend "$NOPOL" --police "$POLICE"
    write_step "$S" "$M1" panel-attend - panel attend "$NOPOL" --remove "$POLICE"
    assert_eq "$(grep -c 'police: true' "$S/panels/$NOPOL.yaml")" 0 "police entries"
}

# s.37: every piece of case business at a meeting needs the police there.
test_a_review_closure_or_reopening_at_a_meeting_without_police_is_refused() {
    setup
    expect_refusal 4 "$S" prevent -C "$S" --as-of "$NOPOL" review record "$A" --date "$NOPOL" --kind monthly \
        --outcome continue --meeting "$NOPOL"
    assert_stderr_contains "rule 4"
    assert_stderr_contains "s.37"
    assert_hint_contains "panel attend $NOPOL --police"
    expect_refusal 4 "$S" prevent -C "$S" --as-of "$NOPOL" review record "$A" --date "$NOPOL" --kind monthly \
        --outcome close --reason no-further-concerns --meeting "$NOPOL"
    assert_stderr_contains "rule 4"
    # Closed without a meeting; the 6-month review reopens it at a meeting
    # without the police.
    pv_ok "$S" "$NOPOL" review record "$A" --date "$NOPOL" --kind monthly --outcome close --reason no-further-concerns
    pv_ok "$S" 2026-10-02 -q panel new 2026-10-02 --chair "$CHAIR"
    expect_refusal 4 "$S" prevent -C "$S" --as-of 2026-10-02 review record "$A" --date 2026-10-02 \
        --kind post-closure-6 --outcome reopen --meeting 2026-10-02
    assert_stderr_contains "rule 4"
    # With the police recorded, it goes through.
    pv_ok "$S" 2026-10-02 panel attend 2026-10-02 --police "$POLICE"
    write_step "$S" 2026-10-02 review-record "$A" review record "$A" --date 2026-10-02 \
        --kind post-closure-6 --outcome reopen --meeting 2026-10-02
}

# ---------------------------------------------------------------------------
# The agenda

test_fill_on_a_past_meeting_is_refused_and_leaves_its_agenda() {
    setup
    pv_ok "$S" "$M1" panel agenda "$M1" --fill
    local agenda
    agenda="$(sed -n '/^agenda:/,$p' "$S/panels/$M1.yaml")"
    assert_contains "$agenda" "case: $B"
    expect_refusal 4 "$S" prevent -C "$S" --as-of 2026-03-06 panel agenda "$M1" --fill
    assert_stderr_contains "rule 4"
    assert_stderr_contains "past"
    assert_hint_contains "--add"
    assert_eq "$(sed -n '/^agenda:/,$p' "$S/panels/$M1.yaml")" "$agenda" "agenda of the past meeting"
    # Without --fill the agenda of a past meeting still prints.
    pv "$S" 2026-03-06 panel agenda "$M1" --format csv
    assert_rc 0
    assert_stdout_contains "$B,awaiting-panel,panel"
    # A meeting that does not exist is not found before it is past.
    expect_refusal 3 "$S" prevent -C "$S" --as-of 2026-03-06 panel agenda 2026-03-04 --fill
}

test_add_puts_a_case_on_the_agenda_by_hand_and_fill_keeps_it() {
    setup
    # A's monthly review (due 2026-04-02) falls after --until.
    write_step "$S" "$M1" panel-agenda "$A" panel agenda "$M1" --add "$A"
    assert_stdout_empty
    assert_eq "$(sed -n '/^agenda:/,$p' "$S/panels/$M1.yaml")" "agenda:
  - case: $A
    item: monthly-review
    by_hand: true" "agenda after --add"
    pv "$S" "$M1" panel agenda "$M1" --add "$A"
    assert_rc 0
    assert_stderr_contains "already on the agenda"
    write_step "$S" "$M1" panel-agenda "$B $A" panel agenda "$M1" --fill --until 2026-03-31 --format csv
    assert_eq "$(sed -n '/^agenda:/,$p' "$S/panels/$M1.yaml")" "agenda:
  - case: $B
    item: panel
  - case: $A
    item: monthly-review
    by_hand: true" "agenda after --fill"
    pv_ok "$S" "$AS_OF" check
}

test_fill_keeps_an_entry_with_business_recorded_at_the_meeting() {
    setup
    pv_ok "$S" "$M1" panel agenda "$M1" --fill
    # B deferred: still awaiting panel, so still on the computed agenda.
    write_step "$S" "$M1" panel-decide "$B" panel decide "$M1" "$B" --decision defer
    # A case put on the agenda, then not adopted: no longer computed, but
    # kept, as its business is recorded at the meeting.
    referral_flags received=2026-02-16
    pv_ok "$S" "$M1" refer "${REFER_FLAGS[@]}"
    local d=PRV-2026-0004
    pv_ok "$S" "$M1" triage "$d" --outcome channel-panel --date 2026-02-20 --s36-date 2026-02-20 --s36-by "$S36_BY"
    pv_ok "$S" "$M1" panel agenda "$M1" --fill
    assert_contains "$(meeting_file "$M1")" "case: $d"
    pv_ok "$S" "$M1" panel decide "$M1" "$d" --decision not-adopt
    pv "$S" "$M1" panel agenda "$M1" --format csv
    assert_not_contains "$(stdout)" "$d" "the computed agenda"
    write_step "$S" "$M1" panel-agenda "$B $d" panel agenda "$M1" --fill
    assert_contains "$(meeting_file "$M1")" "case: $d"
    # --drop of a case with business recorded is refused; of another, not.
    expect_refusal 4 "$S" prevent -C "$S" --as-of "$M1" panel agenda "$M1" --drop "$d"
    assert_stderr_contains "rule 4"
    assert_stderr_contains "$d"
}

test_drop_takes_a_case_off_the_agenda() {
    setup
    pv_ok "$S" "$M1" panel agenda "$M1" --fill
    write_step "$S" "$M1" panel-agenda "$B" panel agenda "$M1" --drop "$B"
    assert_not_contains "$(meeting_file "$M1")" "case: $B"
    expect_refusal 3 "$S" prevent -C "$S" --as-of "$M1" panel agenda "$M1" --drop "$B"
    assert_stderr_contains "not on the agenda"
}

test_agenda_changes_by_hand_refused() {
    setup
    # No such case; a case with nothing for the panel; no such meeting.
    expect_refusal 3 "$S" prevent -C "$S" --as-of "$M1" panel agenda "$M1" --add PRV-2026-0099
    expect_refusal 4 "$S" prevent -C "$S" --as-of "$M1" panel agenda "$M1" --add "$C"
    assert_stderr_contains "rule 3"
    assert_stderr_contains "awaiting-triage"
    expect_refusal 3 "$S" prevent -C "$S" --as-of "$M1" panel agenda 2026-03-04 --add "$B"
    # Usage: --add with --fill or --until, one case both added and dropped,
    # --until before the meeting; a malformed ID or date.
    expect_refusal 2 "$S" prevent -C "$S" --as-of "$M1" panel agenda "$M1" --add "$B" --fill
    expect_refusal 2 "$S" prevent -C "$S" --as-of "$M1" panel agenda "$M1" --drop "$B" --until 2026-03-31
    expect_refusal 2 "$S" prevent -C "$S" --as-of "$M1" panel agenda "$M1" --add "$B" --drop "$B"
    expect_refusal 2 "$S" prevent -C "$S" --as-of "$M1" panel agenda "$M1" --until 2026-03-04
    expect_refusal 5 "$S" prevent -C "$S" --as-of "$M1" panel agenda "$M1" --add "PRV-26-1"
    expect_refusal 5 "$S" prevent -C "$S" --as-of "$M1" panel agenda "$M1" --until 2026-02-30
}

test_the_agenda_covers_what_falls_due_before_the_next_meeting() {
    setup
    # A's first monthly review is due 2026-04-02 (28 days after M1).
    pv "$S" "$M1" panel agenda "$M1" --format csv
    assert_not_contains "$(stdout)" "$A," "agenda up to the day before the next meeting ($NOPOL)"
    pv "$S" "$M1" panel agenda "$M1" --format csv --until "$NOPOL"
    assert_stdout_contains "$A,supported,monthly-review,$NOPOL,-28"
    # With a meeting after that one, the window reaches the day before it.
    pv_ok "$S" "$M1" panel new 2026-04-16 --chair "$CHAIR" --police "$POLICE"
    pv "$S" "$M1" panel agenda "$NOPOL" --format csv
    assert_stdout_contains "$A,supported,monthly-review,$NOPOL,0"
    # Consent overdue at the meeting is on it; consent not yet due is not.
    referral_flags received=2026-02-16
    pv_ok "$S" "$M1" refer "${REFER_FLAGS[@]}"
    pv_ok "$S" "$M1" triage PRV-2026-0004 --outcome channel-panel --date 2026-02-20 --s36-date 2026-02-20 \
        --s36-by "$S36_BY"
    pv_ok "$S" "$M1" panel decide "$M1" PRV-2026-0004 --decision adopt
    pv "$S" "$M1" panel agenda "$NOPOL" --format csv
    assert_stdout_contains "PRV-2026-0004,awaiting-consent,consent,2026-03-19,14"
    pv "$S" "$M1" panel agenda 2026-04-16 --format csv
    assert_stdout_contains "PRV-2026-0004,awaiting-consent,consent"
    pv_ok "$S" "$M1" panel new 2026-03-12 --chair "$CHAIR" --police "$POLICE"
    pv "$S" "$M1" panel agenda 2026-03-12 --format csv
    assert_not_contains "$(stdout)" "PRV-2026-0004" "agenda before consent is overdue"
}

# ---------------------------------------------------------------------------
# The minutes

test_minutes_show_actions_agreed_closures_and_the_next_meeting() {
    setup
    pv_ok "$S" "$NOPOL" panel attend "$NOPOL" --police "$POLICE"
    pv_ok "$S" "$NOPOL" panel action "$A" add --support housing --provider "Example Housing" --due 2026-05-31 \
        --date "$NOPOL"
    pv_ok "$S" "$NOPOL" review record "$A" --date "$NOPOL" --kind monthly --outcome close \
        --reason no-further-concerns --meeting "$NOPOL"
    pv_ok "$S" "$NOPOL" panel new 2026-04-30 --chair "$CHAIR" --police "$POLICE"
    pv "$S" "$NOPOL" panel minutes "$NOPOL"
    assert_rc 0
    assert_stdout_contains "## Actions agreed

| case | action | support | due |
|---|---|---|---|
| $A | A1 | housing | 2026-05-31 |"
    assert_stdout_contains "## Closures

| case | reason |
|---|---|
| $A | no-further-concerns |"
    assert_stdout_contains "Next meeting: 2026-04-30"
    assert_no_personal_data "$(stdout)" "minutes"
    assert_not_contains "$(stdout)" "Example Housing" "minutes (no provider)"
    pv "$S" "$NOPOL" panel minutes "$NOPOL" --format json
    assert_eq "$(json_eval "d['actions'], d['closures'], d['next_meeting']" <"$OUT")" \
        "([{'case': '$A', 'action': 'A1', 'support': 'housing', 'due': '2026-05-31'}], [{'case': '$A', 'reason': 'no-further-concerns'}], '2026-04-30')" \
        "minutes (json)"
    # M1: A adopted there; its consent and actions came later.
    pv "$S" "$NOPOL" panel minutes "$M1" --format json
    assert_eq "$(json_eval "[x['case'] for x in d['decisions']], d['actions'], d['next_meeting']" <"$OUT")" \
        "(['$A'], [], '$NOPOL')" "minutes of $M1"
}

run_tests "$@"

#!/usr/bin/env bash
# Conflicts a merge left in a case (issue 19, docs/merge.md): `review due`
# lists them (item `conflict`), `check` reports them (check `conflicts`,
# notices that fail --strict), and `prevent resolve ID FIELD --take
# ours|theirs|VALUE` resolves one in one commit `resolve: ID FIELD`. The
# conflicts are written into the case file as a merge writes them and
# committed by hand (the fixture). Every refusal exits with its code, one
# line (and a hint), nothing written, no commit. Runs on an encrypted store
# too (E2E_ENCRYPTED=1); one test always does.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
ID1=PRV-2026-0001
S36=(--s36-date 2026-11-06 --s36-by "Counter Terrorism Policing North West")
RATIONALE_OURS="Fictional rationale by Velkran Odrissa, ours"
RATIONALE_THEIRS="Fictional rationale by Velkran Odrissa, theirs"
PROVIDER_OURS="Ombrel Housing Trust of Quennick"
PROVIDER_THEIRS="Ombrel Family Service of Quennick"

# PRV-2026-0001 adopted on 2026-11-12, consent given, action A1; then the
# conflicts a merge of two sides (Alex on 2026-11-20, Sam on 2026-11-22)
# would leave: the referring agency, the panel's rationale ((P)), the
# triage's date, and action A2 added two ways ((P): an action holds its
# provider).
build_conflicted() { # build_conflicted DIR [REFER FLAG=VALUE]…
    local s="$1" f
    new_store "$s" --no-hook
    refer_ok "$s" "${@:2}"
    meeting_ok "$s" 2026-11-12
    pv_ok "$s" 2026-11-07 triage "$ID1" --outcome channel-panel --date 2026-11-06 "${S36[@]}"
    pv_ok "$s" 2026-11-12 panel decide 2026-11-12 "$ID1" --decision adopt --method majority \
        --rationale "Fictional rationale as the panel recorded it"
    pv_ok "$s" 2026-11-14 panel consent "$ID1" --status given --by parent-guardian --date 2026-11-14
    pv_ok "$s" 2026-11-15 panel action "$ID1" add --support ideological-mentoring \
        --provider "Example Mentoring Service" --due 2027-01-31 --date 2026-11-15
    f="$(case_file "$s" "$ID1")"
    cat >>"$f" <<EOF
conflicts:
  - field: referral.source.agency
    ours:
      by: Alex Example
      date: 2026-11-20
      value: Example Sixth Form
    theirs:
      by: Sam Example
      date: 2026-11-22
      value: Example College
  - field: panel[2026-11-12].rationale
    ours:
      by: Alex Example
      date: 2026-11-20
      personal_value: $RATIONALE_OURS
    theirs:
      by: Sam Example
      date: 2026-11-22
      personal_value: $RATIONALE_THEIRS
  - field: triage.completed
    ours:
      by: Alex Example
      date: 2026-11-20
      value: 2026-11-05
    theirs:
      by: Sam Example
      date: 2026-11-22
      value: 2026-11-13
  - field: support_plan[A2]
    ours:
      by: Alex Example
      date: 2026-11-20
      personal_value: |
        id: A2
        support: housing
        provider: $PROVIDER_OURS
        added: 2026-11-16
        due: 2027-02-28
        status: open
    theirs:
      by: Sam Example
      date: 2026-11-22
      personal_value: |
        id: A2
        support: family-support
        provider: $PROVIDER_THEIRS
        added: 2026-11-17
        due: 2027-03-31
        status: open
EOF
    git -C "$s" add -A && git -C "$s" commit -q -m "merge: conflicts left by a merge (test fixture)" ||
        fail "committing the fixture failed"
}

setup() {
    PERSONAL+=("$RATIONALE_OURS" "$RATIONALE_THEIRS" "Velkran Odrissa" "$PROVIDER_OURS" "$PROVIDER_THEIRS")
    S="$T/store"
    cached_store "$S" conflicted build_conflicted
    # A copy of the suite's store: its key is the one new_store made.
    if [[ "${E2E_ENCRYPTED:-}" == 1 ]]; then export PREVENT_IDENTITY="${_E2E_SUITE_TMP:-$T}/e2e-identity"; fi
}

resolve_ok() { # resolve_ok FIELD TAKE: one commit `resolve: ID1 FIELD`
    write_step "$S" "$AS_OF" resolve "$ID1" resolve "$ID1" "$1" --take "$2"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "resolve: $ID1 $1" "commit subject"
}

conflict_fields() { case_field "$S" "$ID1" "' '.join(k['field'] for k in d.get('conflicts', []))"; }

test_taking_ours_puts_our_value_in_place_and_removes_the_conflict() {
    setup
    resolve_ok referral.source.agency ours
    assert_eq "$(case_field "$S" "$ID1" "d['referral']['source']['agency']")" "Example Sixth Form" "agency"
    assert_eq "$(conflict_fields)" "panel[2026-11-12].rationale triage.completed support_plan[A2]" "conflicts left"
    assert_contains "$(stderr)" "resolved the conflict on referral.source.agency taking ours"
}

test_taking_theirs_of_a_personal_field_puts_their_value_in_place() {
    setup
    resolve_ok "panel[2026-11-12].rationale" theirs
    assert_eq "$(case_field "$S" "$ID1" "d['panel'][0]['rationale']")" "$RATIONALE_THEIRS" "rationale"
    assert_eq "$(conflict_fields)" "referral.source.agency triage.completed support_plan[A2]" "conflicts left"
    assert_no_personal_data "$(git -C "$S" log -1 --format=%B)" "commit message"
    if [[ "${E2E_ENCRYPTED:-}" == 1 ]]; then
        assert_not_contains "$(cat "$(case_file "$S" "$ID1")")" "Velkran" "the case file (sealed)"
    fi
}

test_a_value_given_is_put_in_place() {
    setup
    resolve_ok referral.source.agency "Example Further Education College"
    assert_eq "$(case_field "$S" "$ID1" "d['referral']['source']['agency']")" \
        "Example Further Education College" "agency"
    resolve_ok triage.completed 2026-11-06
    assert_eq "$(case_field "$S" "$ID1" "d['triage']['completed']")" "2026-11-06" "triage date"
}

test_an_entry_added_two_ways_takes_the_chosen_sides_entry() {
    setup
    resolve_ok "support_plan[A2]" theirs
    assert_eq "$(case_field "$S" "$ID1" "[a['id'] + ' ' + a['support'] for a in d['support_plan']]")" \
        "['A1 ideological-mentoring', 'A2 family-support']" "actions"
    assert_eq "$(case_field "$S" "$ID1" "d['support_plan'][1]['provider']")" "$PROVIDER_THEIRS" "A2's provider"
    # A2 falls due in review due like any action.
    assert_contains "$(due_csv "$S" 2027-04-01)" "$ID1,supported,action,2027-03-31,1"
}

test_resolving_every_conflict_leaves_no_conflicts_key() {
    setup
    resolve_ok referral.source.agency theirs
    resolve_ok "panel[2026-11-12].rationale" ours
    resolve_ok triage.completed ours
    resolve_ok "support_plan[A2]" ours
    assert_not_contains "$(cat "$(case_file "$S" "$ID1")")" "conflicts:" "the case file"
    run prevent -C "$S" --as-of "$AS_OF" check
    assert_rc 0 "check after resolving every conflict"
    assert_eq "$(due_csv "$S" "$AS_OF" | grep -c ',conflict,')" 0 "conflict rows in review due"
}

test_refusals_exit_with_their_code_and_write_nothing() {
    setup
    local p=(prevent -C "$S" --as-of "$AS_OF" resolve)
    # Usage: a missing --take, FIELD or ID.
    expect_refused 2 "$S" "${p[@]}" "$ID1" referral.source.agency
    expect_refused 2 "$S" "${p[@]}" "$ID1" --take ours
    expect_refused 2 "$S" "${p[@]}" --take ours
    # No such case.
    expect_refused 3 "$S" "${p[@]}" PRV-2026-0099 referral.source.agency --take ours
    # No such conflict: one line naming the conflicts there are.
    expect_refused 3 "$S" "${p[@]}" "$ID1" referral.subject.name --take ours
    assert_stderr_contains "no conflict on the field given; its conflicts: referral.source.agency, panel[2026-11-12].rationale, triage.completed, support_plan[A2]"
    # What the user typed is never repeated (it may be a name).
    expect_refused 3 "$S" "${p[@]}" "$ID1" "Velkran Odrissa" --take ours
    assert_stderr_not_contains "Velkran"
    # A value that does not fit the field (5): not a date, a list, a
    # mapping for a field, not YAML, a scalar for a whole entry, a fixed-list
    # value outside the schema.
    expect_refused 5 "$S" "${p[@]}" "$ID1" triage.completed --take 06/11/2026
    expect_refused 5 "$S" "${p[@]}" "$ID1" triage.completed --take "[2026-11-06]"
    expect_refused 5 "$S" "${p[@]}" "$ID1" referral.source.agency --take "{name: Velkran Odrissa}"
    expect_refused 5 "$S" "${p[@]}" "$ID1" referral.source.agency --take "Velkran: Odrissa: x"
    expect_refused 5 "$S" "${p[@]}" "$ID1" "support_plan[A2]" --take "Velkran Odrissa"
    expect_refused 5 "$S" "${p[@]}" "$ID1" "support_plan[A2]" \
        --take "{id: A2, support: no-such-support, provider: Velkran Odrissa, added: 2026-11-16, due: 2027-01-01, status: open}"
    # An ID required by the schema removed (5).
    expect_refused 5 "$S" "${p[@]}" "$ID1" referral.source.agency --take "~"
    # A rule broken by the side taken (4): theirs dates the triage after the
    # panel that heard the case (rule 9); a value dated after today (rule 1).
    expect_refused 4 "$S" "${p[@]}" "$ID1" triage.completed --take theirs
    expect_refused 4 "$S" "${p[@]}" "$ID1" triage.completed --take 2026-12-01
    expect_refused 4 "$S" "${p[@]}" "$ID1" "support_plan[A2]" \
        --take "{id: A2, support: housing, provider: Velkran Odrissa, added: 2026-11-10, due: 2027-01-01, status: open}"
    # Nothing was resolved.
    assert_eq "$(conflict_fields)" "referral.source.agency panel[2026-11-12].rationale triage.completed support_plan[A2]" \
        "conflicts after the refusals"
}

test_a_voided_case_takes_no_resolution_and_is_not_listed() {
    setup
    pv_ok "$S" "$AS_OF" void "$ID1" case --reason "Fictional: a duplicate referral"
    PERSONAL+=("Fictional: a duplicate referral")
    expect_refused 4 "$S" prevent -C "$S" --as-of "$AS_OF" resolve "$ID1" referral.source.agency --take ours
    assert_eq "$(due_csv "$S" "$AS_OF" | grep -c ',conflict,')" 0 "conflict rows of a voided case"
}

test_review_due_lists_one_conflict_row_per_conflict_from_the_later_sides_date() {
    setup
    local csv
    csv="$(due_csv "$S" "$AS_OF")"
    assert_eq "$(grep -c "^$ID1,supported,conflict,2026-11-22,5\$" <<<"$csv")" 4 "conflict rows (csv)"
    assert_no_personal_data "$csv" "review due --format csv"
    # Not yet due before the later side's date.
    assert_eq "$(due_csv "$S" 2026-11-21 | grep -c ',conflict,')" 0 "conflict rows before they fall due"
    assert_eq "$(due_csv "$S" 2026-11-21 --within 1d | grep -c ',conflict,')" 4 "conflict rows within a day"
    run prevent -C "$S" review due --format json --as-of "$AS_OF"
    assert_rc 0 "review due --format json"
    assert_eq "$(json_eval "[ (r['id'], r['stage'], r['due'], r['days_overdue']) for r in d if r['item'] == 'conflict']" <"$OUT")" \
        "[('$ID1', 'supported', '2026-11-22', 5), ('$ID1', 'supported', '2026-11-22', 5), ('$ID1', 'supported', '2026-11-22', 5), ('$ID1', 'supported', '2026-11-22', 5)]" \
        "conflict rows (json)"
    assert_eq "$(json_eval "sorted(set(k for r in d for k in r))" <"$OUT")" \
        "['days_overdue', 'due', 'id', 'item', 'stage']" "json keys"
    assert_no_personal_data "$(stdout)" "review due --format json"
    run prevent -C "$S" review due --as-of "$AS_OF"
    assert_rc 0 "review due"
    assert_matches "$(stdout)" "$ID1 +supported +conflict +2026-11-22 +5"
    assert_no_personal_data "$(stdout)" "review due"
    # One row goes with each conflict resolved.
    resolve_ok referral.source.agency theirs
    assert_eq "$(due_csv "$S" "$AS_OF" | grep -c ',conflict,')" 3 "conflict rows after one is resolved"
}

test_a_conflict_on_a_closed_case_is_still_listed() {
    setup
    pv_ok "$S" 2026-11-26 review record "$ID1" --date 2026-11-26 --kind monthly --outcome close \
        --reason no-further-concerns
    assert_contains "$(due_csv "$S" "$AS_OF")" "$ID1,post-closure,conflict,2026-11-22,5"
}

test_check_reports_each_conflict_as_a_notice_and_strict_fails() {
    setup
    run prevent -C "$S" --as-of "$AS_OF" check conflicts
    assert_rc 0 "check conflicts"
    assert_eq "$(grep -c 'a merge left a conflict on' "$ERR" "$OUT" | awk -F: '{ n += $2 } END { print n }')" 4 \
        "conflict notices"
    assert_contains "$(stdout)$(stderr)" "$ID1: a merge left a conflict on panel[2026-11-12].rationale (changed on 2026-11-20 and on 2026-11-22); resolve it with \`prevent resolve $ID1 panel[2026-11-12].rationale --take ours|theirs|VALUE\`"
    assert_no_personal_data "$(stdout)$(stderr)" "check conflicts"
    run prevent -C "$S" --as-of "$AS_OF" check conflicts --strict
    assert_rc 4 "check conflicts --strict"
    # The whole check names them too.
    run prevent -C "$S" --as-of "$AS_OF" check
    assert_contains "$(stdout)$(stderr)" "a merge left a conflict on triage.completed"
    assert_no_personal_data "$(stdout)$(stderr)" "check"
}

test_log_and_show_after_resolving_hold_no_personal_data_in_the_history() {
    setup
    resolve_ok "panel[2026-11-12].rationale" ours
    run prevent -C "$S" --as-of "$AS_OF" log "$ID1"
    assert_rc 0 "log"
    assert_contains "$(stdout)" "resolve"
    assert_no_personal_data "$(stdout)" "log"
    assert_no_personal_data "$(git -C "$S" log --format=%B)" "commit messages"
}

# In an encrypted store a (P) value of a conflict is sealed like the
# field: putting it in place needs the key (6); a side without personal
# data does not.
test_a_sealed_side_needs_the_key() {
    S="$T/store"
    PERSONAL+=("$RATIONALE_OURS" "$RATIONALE_THEIRS" "Velkran Odrissa" "$PROVIDER_OURS" "$PROVIDER_THEIRS")
    # Born well before 18 at consent: the rules hold without the key too.
    E2E_ENCRYPTED=1 build_conflicted "$S" dob=2012-04-02
    local key="$PREVENT_IDENTITY"
    # Any change by prevent seals the plain values the fixture wrote.
    pv_ok "$S" "$AS_OF" note "$ID1" --date 2026-11-20 --kind contact --with "Example Academy" --text "Fictional note"
    PERSONAL+=("Fictional note")
    assert_not_contains "$(cat "$(case_file "$S" "$ID1")")" "Velkran" "the case file (sealed)"
    unset PREVENT_IDENTITY
    expect_refused 6 "$S" prevent -C "$S" --as-of "$AS_OF" resolve "$ID1" "panel[2026-11-12].rationale" --take ours
    assert_hint_contains "--identity"
    expect_refused 6 "$S" prevent -C "$S" --as-of "$AS_OF" resolve "$ID1" "support_plan[A2]" --take theirs
    # A value of one's own for a personal field is personal data to seal: 6.
    expect_refused 6 "$S" prevent -C "$S" --as-of "$AS_OF" resolve "$ID1" "panel[2026-11-12].rationale" \
        --take "Fictional rationale given by Velkran Odrissa"
    # A field that is not personal data is resolved without the key.
    resolve_ok referral.source.agency ours
    export PREVENT_IDENTITY="$key"
    resolve_ok "panel[2026-11-12].rationale" ours
    assert_eq "$(case_field "$S" "$ID1" "d['panel'][0]['rationale']")" "$RATIONALE_OURS" "rationale"
    assert_not_contains "$(cat "$(case_file "$S" "$ID1")")" "Velkran" "the case file (sealed)"
    resolve_ok "support_plan[A2]" theirs
    assert_eq "$(case_field "$S" "$ID1" "d['support_plan'][1]['provider']")" "$PROVIDER_THEIRS" "A2's provider"
}

# ---------------------------------------------------------------------------
# Meetings: the same list in a panel meeting's file, resolved by its date.

M1=2026-11-12

# The conflicted case's store, with three conflicts in the meeting of
# 2026-11-12 (where the case was adopted): a youth worker recorded as
# attending on one side and as sending apologies on the other, the police
# representative kept on one side and removed on the other, and the chair's
# agency changed two ways.
build_meeting_conflicted() {
    local s="$1"
    build_conflicted "$s"
    cat >>"$s/panels/$M1.yaml" <<MEETING
conflicts:
  - field: attendance[Youth Worker@Example Youth Service]
    ours:
      by: Alex Example
      date: 2026-11-20
      value: attendee
    theirs:
      by: Sam Example
      date: 2026-11-22
      value: apology
  - field: attendance[Detective Sergeant@Example Constabulary]
    ours:
      by: Alex Example
      date: 2026-11-20
      value: police
    theirs:
      by: Sam Example
      date: 2026-11-21
  - field: chair.agency
    ours:
      by: Alex Example
      date: 2026-11-20
      value: Example Borough Council (Prevent)
    theirs:
      by: Sam Example
      date: 2026-11-21
      value: Example Council
MEETING
    git -C "$s" add -A && git -C "$s" commit -q -m "merge: meeting conflicts left by a merge (test fixture)" ||
        fail "committing the fixture failed"
}

setup_meeting() {
    setup
    S="$T/meeting-store"
    cached_store "$S" meeting-conflicted build_meeting_conflicted
}

meeting_conflict_fields() {
    "$PYTHON" -c 'import re, sys; print(" ".join(re.findall(r"^  - field: (.*)$", open(sys.argv[1]).read(), re.M)))' \
        "$S/panels/$M1.yaml"
}

resolve_meeting_ok() { # resolve_meeting_ok FIELD TAKE: one commit `resolve: M1 FIELD`
    write_step "$S" "$AS_OF" resolve - resolve "$M1" "$1" --take "$2"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "resolve: $M1 $1" "commit subject"
}

test_a_meetings_attendance_conflict_is_resolved_by_its_date() {
    setup_meeting
    resolve_meeting_ok "attendance[Youth Worker@Example Youth Service]" theirs
    assert_contains "$(stderr)" "panel $M1: resolved the conflict on attendance[Youth Worker@Example Youth Service] taking theirs"
    run prevent -C "$S" --as-of "$AS_OF" panel minutes "$M1" --format json
    assert_rc 0 "panel minutes"
    assert_eq "$(json_eval "[a['role'] for a in d['apologies']]" <"$OUT")" "['Youth Worker']" "apologies"
    assert_eq "$(meeting_conflict_fields)" \
        "attendance[Detective Sergeant@Example Constabulary] chair.agency" "the meeting's conflicts left"
    resolve_meeting_ok chair.agency "Example Borough Council"
    assert_contains "$(cat "$S/panels/$M1.yaml")" "agency: Example Borough Council"
    resolve_meeting_ok "attendance[Detective Sergeant@Example Constabulary]" ours
    assert_not_contains "$(cat "$S/panels/$M1.yaml")" "conflicts:" "the meeting file"
    run prevent -C "$S" --as-of "$AS_OF" check conflicts
    assert_rc 0 "check after resolving the meeting's conflicts"
    assert_contains "$(stdout)$(stderr)" "$ID1: a merge left" "the case's conflicts, still there"
    assert_not_contains "$(stdout)$(stderr)" "meeting $M1: a merge left"
}

test_a_meetings_conflict_refusals_write_nothing() {
    setup_meeting
    local p=(prevent -C "$S" --as-of "$AS_OF" resolve)
    # The police leaving a meeting where the case was decided (rule 4).
    expect_refused 4 "$S" "${p[@]}" "$M1" "attendance[Detective Sergeant@Example Constabulary]" --take theirs
    assert_stderr_contains "rule 4"
    expect_refused 3 "$S" "${p[@]}" 2026-11-13 chair.agency --take ours
    expect_refused 3 "$S" "${p[@]}" "$M1" chair.role --take ours
    assert_stderr_contains "the meeting of $M1 holds no conflict on the field given; its conflicts: attendance[Youth Worker@Example Youth Service], attendance[Detective Sergeant@Example Constabulary], chair.agency"
    expect_refused 5 "$S" "${p[@]}" "$M1" "attendance[Youth Worker@Example Youth Service]" --take chairing
    expect_refused 5 "$S" "${p[@]}" "$M1" chair.agency --take "~"
    expect_refused 5 "$S" "${p[@]}" "$M1" chair.agency --take "{a: b}"
    expect_refused 5 "$S" "${p[@]}" 2026-13-01 chair.agency --take ours
}

test_review_due_and_check_list_a_meetings_conflicts() {
    setup_meeting
    local csv
    csv="$(due_csv "$S" "$AS_OF")"
    assert_eq "$(grep -c "^$M1,meeting,conflict,2026-11-22,5\$" <<<"$csv")" 1 "the meeting's row due 2026-11-22"
    assert_eq "$(grep -c "^$M1,meeting,conflict,2026-11-21,6\$" <<<"$csv")" 2 "the meeting's rows due 2026-11-21"
    # Most overdue first: the meeting's rows of 2026-11-21 before the case's.
    assert_eq "$(grep ',conflict,' <<<"$csv" | head -1)" "$M1,meeting,conflict,2026-11-21,6" "first conflict row"
    assert_no_personal_data "$csv" "review due --format csv"
    run prevent -C "$S" review due --format json --as-of "$AS_OF"
    assert_eq "$(json_eval "len([r for r in d if r['id'] == '$M1' and r['stage'] == 'meeting' and r['item'] == 'conflict'])" <"$OUT")" \
        3 "the meeting's rows (json)"
    run prevent -C "$S" --as-of "$AS_OF" check conflicts
    assert_rc 0 "check conflicts"
    assert_contains "$(stdout)$(stderr)" "meeting $M1: a merge left a conflict on chair.agency (changed on 2026-11-20 and on 2026-11-21); resolve it with \`prevent resolve $M1 chair.agency --take ours|theirs|VALUE\` [panels/$M1.yaml]"
    run prevent -C "$S" --as-of "$AS_OF" check conflicts --strict
    assert_rc 4 "check conflicts --strict"
}

run_tests "$@"

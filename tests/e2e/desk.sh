#!/usr/bin/env bash
# The coordinator's desk: every write says on stderr what it recorded, on
# which date, and what falls due next (silenced by -q; stdout unchanged);
# one grammar (the case ID first, --date defaulting to today); value
# errors that name the option and the form or the values expected.
# shellcheck disable=SC2016 # literal `$(…)` text is meant
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
CHAIR="Prevent Lead@Example Borough Council"
POLICE="Detective Sergeant@Example Constabulary"
S36_BY="Counter Terrorism Policing North West"
RATIONALE="Fictional rationale naming Zorvan Quillet"
PROVIDER="Fictional mentor Olwen Brackenridge"

setup() {
    S="$T/store"
    new_store "$S"
    refer_ok "$S"
    PERSONAL+=("$RATIONALE" "$PROVIDER" "Example Academy")
}

# pv ARGS…: prevent on the store, dated 2026-11-27.
pv() { run prevent -C "$S" --as-of "$AS_OF" "$@"; }

# confirms LINE ARGS…: the command succeeds, prints LINE (after `prevent: `)
# alone on stderr, no personal data; then, in a fresh copy of the store as
# it was, the same command with -q prints nothing on stderr and the same
# stdout.
confirms() {
    local line="$1" out copy
    shift
    copy="$T/copy-$RANDOM"
    cp -a "$S" "$copy"
    pv "$@"
    assert_rc 0 "$*"
    assert_eq "$(stderr)" "prevent: $line" "stderr of $*"
    assert_no_personal_data "$(stderr)" "stderr of $*"
    out="$(stdout)"
    run prevent -C "$copy" --as-of "$AS_OF" -q "$@"
    assert_rc 0 "-q $*"
    assert_stderr_empty
    assert_eq "$(stdout)" "$out" "stdout with -q"
    rm -rf "$copy"
}

# The case of setup() triaged to the panel, with a meeting on 2026-11-26
# that adopted it.
adopted() {
    setup
    pv -q triage "$ID" --outcome channel-panel --date 2026-11-20 --s36-date 2026-11-20 --s36-by "$S36_BY"
    assert_rc 0
    pv -q panel new 2026-11-26 --chair "$CHAIR" --police "$POLICE"
    assert_rc 0
    pv -q panel decide "$ID" --meeting 2026-11-26 --decision adopt --method consensus
    assert_rc 0
}

test_refer_confirms_and_prints_the_id_alone_on_stdout() {
    S="$T/store"
    new_store "$S"
    referral_flags
    confirms "PRV-2026-0001: referral received 2026-11-03 recorded on 2026-11-27; triage due by 2026-11-10" \
        refer "${REFER_FLAGS[@]}"
    assert_stdout_eq "PRV-2026-0001"
}

test_triage_confirms_the_outcome_the_date_and_the_panel_due() {
    setup
    confirms "PRV-2026-0001: triaged channel-panel on 2026-11-20; panel due by 2026-12-18" \
        triage "$ID" --outcome channel-panel --date 2026-11-20 --s36-date 2026-11-20 --s36-by "$S36_BY" \
        --rationale "$RATIONALE"
    assert_stdout_empty
}

test_triage_without_date_is_dated_today_and_says_so() {
    setup
    confirms "PRV-2026-0001: triaged no-further-action on 2026-11-27; nothing further falls due (stage no-further-action)" \
        triage "$ID" --outcome no-further-action
    assert_eq "$(case_field "$S" "$ID" "d['triage']['completed']")" "2026-11-27" "triage.completed"
}

test_note_and_assess_confirm_and_default_their_date() {
    setup
    confirms "PRV-2026-0001: noted (contact) on 2026-11-27; triage due by 2026-11-10" \
        note "$ID" --kind contact --with "Example Academy" --text "$RATIONALE"
    assert_eq "$(case_field "$S" "$ID" "d['chronology'][0]['date']")" "2026-11-27" "chronology date"
    confirms "PRV-2026-0001: assessed (VAF) on 2026-11-25; triage due by 2026-11-10" \
        assess "$ID" --date 2026-11-25 --framework VAF --engagement low --intent low --capability low \
        --notes "$RATIONALE"
    pv -q assess "$ID" --framework PAF --engagement low --intent low --capability low
    assert_rc 0
    assert_eq "$(case_field "$S" "$ID" "d['assessments'][1]['date']")" "2026-11-27" "assessment date"
}

test_panel_meeting_writes_confirm_with_the_meeting_date() {
    setup
    confirms "panel 2026-12-10: meeting created, 2 attending with the police; fill its agenda with \`prevent panel agenda 2026-12-10 --fill\`" \
        panel new 2026-12-10 --chair "$CHAIR" --police "$POLICE"
    confirms "panel 2026-12-10: attendance recorded: 1 change, 1 declaration of interest" \
        panel attend 2026-12-10 --apology "Team Manager@Example Children's Services" \
        --declare "Team Manager@Example Children's Services:$ID"
    pv -q triage "$ID" --outcome channel-panel --s36-date 2026-11-27 --s36-by "$S36_BY"
    confirms "panel 2026-12-10: agenda filled on 2026-11-27: 1 item" panel agenda 2026-12-10 --fill
    confirms "panel 2026-12-10: agenda changed; taken off: PRV-2026-0001" panel agenda 2026-12-10 --drop "$ID"
    confirms "panel 2026-12-10: agenda changed; on it: PRV-2026-0001" panel agenda 2026-12-10 --add "$ID"
}

test_panel_decide_takes_the_id_first_with_meeting() {
    setup
    pv -q triage "$ID" --outcome channel-panel --date 2026-11-20 --s36-date 2026-11-20 --s36-by "$S36_BY"
    pv -q panel new 2026-11-26 --chair "$CHAIR" --police "$POLICE"
    confirms "PRV-2026-0001: panel decided adopt at the meeting of 2026-11-26; consent due by 2026-12-10" \
        panel decide "$ID" --meeting 2026-11-26 --decision adopt --method consensus --rationale "$RATIONALE"
    assert_eq "$(case_field "$S" "$ID" "d['panel'][0]['meeting']")" "2026-11-26" "the hearing's meeting"
    assert_matches "$(git -C "$S" log -1 --format=%s)" "^panel decide: PRV-2026-0001 adopt at 2026-11-26$" "commit"
}

test_panel_decide_still_takes_date_then_id() {
    setup
    pv -q triage "$ID" --outcome channel-panel --date 2026-11-20 --s36-date 2026-11-20 --s36-by "$S36_BY"
    pv -q panel new 2026-11-26 --chair "$CHAIR" --police "$POLICE"
    confirms "PRV-2026-0001: panel decided defer at the meeting of 2026-11-26; panel due by 2026-12-18" \
        panel decide 2026-11-26 "$ID" --decision defer
    assert_eq "$(case_field "$S" "$ID" "d['panel'][0]['decision']")" "defer" "the decision"
}

test_panel_decide_refuses_what_it_cannot_tell_apart() {
    setup
    pv -q triage "$ID" --outcome channel-panel --date 2026-11-20 --s36-date 2026-11-20 --s36-by "$S36_BY"
    pv -q panel new 2026-11-26 --chair "$CHAIR" --police "$POLICE"
    local -a d=(prevent -C "$S" --as-of "$AS_OF" panel decide)
    expect_refusal 2 "$S" "${d[@]}" "$ID" --decision adopt
    assert_stderr_contains "prevent: give the meeting's date with --meeting DATE (command line)"
    assert_hint_contains "prevent panel decide ID --meeting DATE --decision"
    expect_refusal 2 "$S" "${d[@]}" 2026-11-26 "$ID" --meeting 2026-11-26 --decision adopt
    assert_stderr_contains "prevent: with --meeting, give the case ID alone (command line)"
    expect_refusal 2 "$S" "${d[@]}" "Zorvan Quillet" "2026-11-3O" --decision adopt
    assert_stderr_contains "prevent: cannot tell the case ID from the meeting's date (command line)"
    expect_refusal 2 "$S" "${d[@]}" 2026-11-26 2026-11-26 --decision adopt
    # One word is a case ID: the other is the date, and a bad one is named.
    expect_refusal 5 "$S" "${d[@]}" 2026-02-30 "$ID" --decision adopt
    assert_stderr_contains "prevent: DATE: expected a date as YYYY-MM-DD, e.g. 2026-12-03 (command line)"
    expect_refusal 5 "$S" "${d[@]}" "$ID" --meeting 26/11/2026 --decision adopt
    assert_stderr_contains "prevent: --meeting: expected a date as YYYY-MM-DD, e.g. 2026-12-03 (command line)"
    # One word is a date: the other is the ID, and a bad one is named.
    expect_refusal 5 "$S" "${d[@]}" 2026-11-26 "Zorvan Quillet" --decision adopt
    assert_stderr_contains "prevent: ID: expected a case ID as PREFIX-YYYY-NNNN, e.g. PRV-2026-0014 (command line)"
    assert_eq "$(case_field "$S" "$ID" "len(d.get('panel', []))")" "0" "no decision recorded"
}

test_consent_and_actions_confirm_and_default_their_date() {
    adopted
    confirms "PRV-2026-0001: consent given by parent-guardian on 2026-11-27; monthly-review due by 2026-12-24" \
        panel consent "$ID" --status given --by parent-guardian
    assert_eq "$(case_field "$S" "$ID" "d['consent'][0]['date']")" "2026-11-27" "consent date"
    confirms "PRV-2026-0001: added action A1 (ideological-mentoring, due 2026-12-15) on 2026-11-27; action A1 due by 2026-12-15" \
        panel action "$ID" add --support ideological-mentoring --provider "$PROVIDER" --due 2026-12-15
    assert_stdout_eq "A1"
    confirms "PRV-2026-0001: action A1 done on 2026-11-27; monthly-review due by 2026-12-24" \
        panel action "$ID" done A1
    assert_eq "$(case_field "$S" "$ID" "d['support_plan'][0]['closed']")" "2026-11-27" "action closed"
}

test_a_closing_review_confirms_the_post_closure_review_due() {
    adopted
    pv -q panel consent "$ID" --status given --by parent-guardian
    confirms "PRV-2026-0001: recorded the monthly review, outcome close (no-further-concerns), on 2026-11-27; post-closure-6 due by 2027-05-27" \
        review record "$ID" --kind monthly --outcome close --reason no-further-concerns --notes "$RATIONALE"
    assert_eq "$(case_field "$S" "$ID" "d['reviews'][0]['date']")" "2026-11-27" "review date"
}

test_correct_and_void_confirm() {
    setup
    pv -q note "$ID" --date 2026-11-20 --kind contact --with "Example Academy"
    confirms "PRV-2026-0001: corrected referral.received on 2026-11-27; triage due by 2026-11-09" \
        correct "$ID" referral.received=2026-11-02 --reason "$RATIONALE"
    confirms "PRV-2026-0001: voided note:2026-11-20 on 2026-11-27; triage due by 2026-11-09" \
        void "$ID" note:2026-11-20 --reason "$RATIONALE"
    confirms "PRV-2026-0001: voided case on 2026-11-27; nothing further falls due (stage voided)" \
        void "$ID" case --reason "$RATIONALE"
}

# 25/12/2026, 2026-13-01 and 2026-02-30 are told the same way, on every
# date option.
test_every_wrong_date_gets_the_same_message_naming_the_option() {
    setup
    local bad
    for bad in 25/12/2026 2026-13-01 2026-02-30; do
        expect_refusal 5 "$S" prevent -C "$S" --as-of "$AS_OF" triage "$ID" --outcome no-further-action --date "$bad"
        assert_stderr_contains "prevent: --date: expected a date as YYYY-MM-DD, e.g. 2026-12-03 (command line)"
        expect_refusal 5 "$S" prevent -C "$S" --as-of "$AS_OF" note "$ID" --kind contact --with X --date "$bad"
        assert_stderr_contains "prevent: --date: expected a date as YYYY-MM-DD, e.g. 2026-12-03 (command line)"
        referral_flags received="$bad"
        expect_refusal 5 "$S" prevent -C "$S" --as-of "$AS_OF" refer "${REFER_FLAGS[@]}"
        assert_stderr_contains "prevent: --received: expected a date as YYYY-MM-DD, e.g. 2026-12-03 (command line)"
        referral_flags dob="$bad"
        expect_refusal 5 "$S" prevent -C "$S" --as-of "$AS_OF" refer "${REFER_FLAGS[@]}"
        assert_stderr_contains "prevent: --dob: expected a date as YYYY-MM-DD, e.g. 2026-12-03 (command line)"
        expect_refusal 5 "$S" prevent -C "$S" --as-of "$AS_OF" panel new "$bad" --chair "$CHAIR"
        assert_stderr_contains "prevent: DATE: expected a date as YYYY-MM-DD, e.g. 2026-12-03 (command line)"
        expect_refusal 5 "$S" prevent -C "$S" --as-of "$bad" list
        assert_stderr_contains "prevent: --as-of: expected a date as YYYY-MM-DD, e.g. 2026-12-03 (command line)"
    done
}

test_value_errors_name_the_option_and_what_is_allowed() {
    setup
    local -a p=(prevent -C "$S" --as-of "$AS_OF")
    expect_refusal 5 "$S" "${p[@]}" triage "$ID" --outcome "Zorvan Quillet"
    assert_stderr_contains "prevent: --outcome: expected one of no-further-action, signposted, police-managed, channel-panel (command line)"
    # A store vocabulary: its keys.
    expect_refusal 5 "$S" "${p[@]}" triage "$ID" --outcome signposted --signpost "Zorvan Quillet"
    assert_stderr_contains "prevent: --signpost: the value given is not in the store's services vocabulary (command line)"
    assert_hint_contains "allowed: "
    assert_hint_contains "children-social-care"
    expect_refusal 5 "$S" "${p[@]}" triage "Zorvan Quillet" --outcome no-further-action
    assert_stderr_contains "prevent: ID: expected a case ID as PREFIX-YYYY-NNNN, e.g. PRV-2026-0014 (command line)"
    expect_refusal 5 "$S" "${p[@]}" review due --within "Zorvan Quillet"
    assert_stderr_contains "prevent: --within: expected a duration as Nd or Nw, e.g. 7d or 2w (command line)"
    expect_refusal 5 "$S" "${p[@]}" report --period "Zorvan Quillet"
    assert_stderr_contains "prevent: --period: expected a period as YYYY-MM, YYYY-Qn or FYYYYY, e.g. 2026-11, 2026-Q3 or FY2025 (command line)"
    expect_refusal 5 "$S" "${p[@]}" panel new 2026-12-10 --chair "Zorvan Quillet"
    assert_stderr_contains "prevent: --chair: expected ROLE@AGENCY, e.g."
    expect_refusal 5 "$S" "${p[@]}" panel action "$ID" done "Zorvan Quillet"
    assert_stderr_contains "prevent: ACTION: expected an action ID as A and a number, e.g. A1 (command line)"
}

run_tests "$@"

#!/usr/bin/env bash
# `prevent review due`: the coordinator's list (SPEC §6.1, §4 rules 2, 7, 8),
# checked against exact expected CSV at chosen --as-of dates: what is due
# (triage in working days across weekends and England and Wales bank
# holidays; panel, consent, monthly reviews, support actions, post-closure
# reviews in calendar months clamped to the month's end), the order (most
# overdue first, then by ID), --within, the JSON form, the empty list, and
# that a case in a final stage never appears but for the erasure of its
# personal data (the retention schedule, retention.sh).
#
# The CSV renderer ends lines with CRLF (RFC 4180); expected texts below are
# written with LF and compared after removing the CRs, and the bytes are
# checked separately. Stores are built once per suite (cached_store) with
# every write dated as it happened and a late --as-of ($BUILD). The journeys
# are set in 1998-2000: the calendar of 2026-2028 twenty-eight years earlier
# (the same weekdays, leap years and bank-holiday rules), so that the whole
# schedule, months and years of it, is recorded before today: a write
# refuses an --as-of later than the real date.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
H="id,stage,item,due,days_overdue"
BUILD=2000-12-31
CHAIR="Prevent Lead@Example Borough Council"
POLICE="Detective Sergeant@Example Constabulary"
S36_BY="Counter Terrorism Policing North West"

# Setting-up steps, all as of $BUILD.
b() { pv_ok "$STORE" "$BUILD" "$@"; }
STORE=""
refer_case() { # refer_case RECEIVED [DOB]: the new ID in $ID
    referral_flags received="$1" dob="${2:-1972-01-01}"
    b refer "${REFER_FLAGS[@]}"
    ID="$(cat "$OUT")"
}
to_panel() { # to_panel ID TRIAGED [S36-DATE]
    b triage "$1" --outcome channel-panel --date "$2" --s36-date "${3:-$2}" --s36-by "$S36_BY"
}
meeting() { b panel new "$1" --chair "$CHAIR" --police "$POLICE"; }
adopt() { b panel decide "$2" "$1" --decision adopt --method consensus; }               # adopt ID MEETING
consent() { b panel consent "$1" --status given --by subject --date "$2"; }              # consent ID DATE
review() { b review record "$1" --date "$2" --kind "$3" --outcome "$4" "${@:5}"; }       # review ID DATE KIND OUTCOME …
close_case() { review "$1" "$2" monthly close --reason no-further-concerns; }            # close_case ID DATE

# assert_due AS-OF EXPECTED [ARGS…]: `review due --format csv` (CRs removed).
assert_due() {
    local as_of="$1" expected="$2"
    shift 2
    run prevent -C "$S" review due --format csv --as-of "$as_of" "$@"
    assert_rc 0 "review due --as-of $as_of $*"
    assert_stderr_empty
    assert_eq "$(tr -d '\r' <"$OUT")" "$expected" "review due --as-of $as_of $*"
}

# ---------------------------------------------------------------------------
# Stores

# Awaiting triage, received on a Saturday, a Friday, before the summer bank
# holiday, before Christmas, on New Year's Eve; and one already triaged.
T_SAT=PRV-1998-0001  # Sat 1998-11-07 → Fri 1998-11-13
T_FRI=PRV-1998-0002  # Fri 1998-11-06 → Fri 1998-11-13
T_AUG=PRV-1998-0003  # Fri 1998-08-28 → Mon 1998-09-07 (Mon 31 Aug is a bank holiday)
T_XMAS=PRV-1998-0004 # Tue 1998-12-22 → Thu 1998-12-31 (Fri 25, Mon 28 Dec: Christmas, Boxing Day substitute)
T_NYE=PRV-1998-0005  # Thu 1998-12-31 → Fri 1999-01-08 (Fri 1 Jan is New Year's Day)
# PRV-1998-0006: triaged (police-managed), nothing due
build_triage() {
    STORE="$1"
    new_store "$STORE"
    refer_case 1998-11-07
    refer_case 1998-11-06
    refer_case 1998-08-28
    refer_case 1998-12-22
    refer_case 1998-12-31
    refer_case 1998-11-02
    b triage "$ID" --outcome police-managed --date 1998-11-03
}

# The work of open cases: panel, consent, monthly reviews, actions.
P_PANEL=PRV-1998-0001   # Section 36 decided 1998-10-06, triaged 1998-10-08 → panel 1998-11-03
P_CONSENT=PRV-1998-0002 # deferred 1998-10-15, adopted 1998-10-29 → consent 1998-11-12
P_SUP=PRV-1998-0003     # adopted 1998-10-15, no review → monthly 1998-11-12; actions
P_REV=PRV-1998-0004     # adopted 1998-10-15, reviews 10-22 and 11-05 → monthly 1998-12-03
P_CLOSED=PRV-1998-0005  # closed 1998-11-02 with an open action
P_NAD=PRV-1998-0006     # not adopted
build_pipeline() {
    STORE="$1"
    new_store "$STORE"
    meeting 1998-10-15
    meeting 1998-10-29
    refer_case 1998-10-01
    to_panel "$ID" 1998-10-08 1998-10-06
    refer_case 1998-10-01
    to_panel "$ID" 1998-10-02
    b panel decide 1998-10-15 "$ID" --decision defer
    adopt "$ID" 1998-10-29
    refer_case 1998-10-01
    to_panel "$ID" 1998-10-02
    adopt "$ID" 1998-10-15
    consent "$ID" 1998-10-16
    b panel action "$ID" add --support ideological-mentoring --provider "Example Provider" --due 1998-11-20 --date 1998-10-16 # A1 open
    b panel action "$ID" add --support housing --provider "Example Housing" --due 1998-11-05 --date 1998-10-16                # A2 done
    b panel action "$ID" add --support employment --provider "Example Jobcentre" --due 1998-11-06 --date 1998-10-16          # A3 cancelled
    b panel action "$ID" add --support life-skills --provider "Example Youth Service" --due 1998-11-12 --date 1998-10-16    # A4 open
    b panel action "$ID" "done" A2 --date 1998-11-04
    b panel action "$ID" cancel A3 --date 1998-11-04
    refer_case 1998-10-01
    to_panel "$ID" 1998-10-02
    adopt "$ID" 1998-10-15
    consent "$ID" 1998-10-16
    review "$ID" 1998-10-22 monthly continue
    review "$ID" 1998-11-05 monthly continue
    refer_case 1998-10-01
    to_panel "$ID" 1998-10-02
    adopt "$ID" 1998-10-15
    consent "$ID" 1998-10-16
    b panel action "$ID" add --support housing --provider "Example Housing" --due 1998-11-10 --date 1998-10-16
    close_case "$ID" 1998-11-02
    refer_case 1998-10-01
    to_panel "$ID" 1998-10-02
    b panel decide 1998-10-15 "$ID" --decision not-adopt --signpost mental-health
}

# Closed cases: post-closure reviews at + 6 and + 12 calendar months.
C_AUG=PRV-1998-0001 # closed 1998-08-31 → 1999-02-28, 1999-08-31
C_JUL=PRV-1998-0002 # closed 1998-07-31 → 1999-01-31, 1999-07-31
C_MAR=PRV-1998-0003 # closed 1998-03-31 → 1998-09-30, 1999-03-31
C_FEB=PRV-1998-0004 # closed 1998-02-28 → 1998-08-28, 1999-02-28
build_closed() {
    STORE="$1"
    new_store "$STORE"
    meeting 1998-02-05
    local closed
    for closed in 1998-08-31 1998-07-31 1998-03-31 1998-02-28; do
        refer_case 1998-01-12
        to_panel "$ID" 1998-01-14
        adopt "$ID" 1998-02-05
        consent "$ID" 1998-02-06
        close_case "$ID" "$closed"
    done
}

# Only final stages: no-further-action, signposted, police-managed,
# not-adopted, closed.
build_final() {
    STORE="$1"
    new_store "$STORE"
    meeting 1998-02-05
    refer_case 1998-01-12
    b triage "$ID" --outcome no-further-action --date 1998-01-13
    refer_case 1998-01-12
    b triage "$ID" --outcome signposted --date 1998-01-13 --signpost early-help
    refer_case 1998-01-12
    b triage "$ID" --outcome police-managed --date 1998-01-13
    refer_case 1998-01-12
    to_panel "$ID" 1998-01-13
    b panel decide 1998-02-05 "$ID" --decision not-adopt
    refer_case 1998-01-12
    to_panel "$ID" 1998-01-13
    adopt "$ID" 1998-02-05
    consent "$ID" 1998-02-06
    close_case "$ID" 1998-03-05
    review "$ID" 1998-09-07 post-closure-6 no-concerns
    review "$ID" 1999-03-05 post-closure-12 no-concerns
}

use() { # use NAME BUILDER [DIR]
    S="${3:-$T/store}"
    cached_store "$S" "$1" "$2"
    PERSONAL+=(1972-01-01)
}

# ---------------------------------------------------------------------------
# Triage: received + 5 working days

test_triage_is_due_5_working_days_after_receipt_across_a_weekend() {
    use triage build_triage
    # Friday and Saturday receipts both fall due the next Friday; the
    # bank-holiday Monday of 31 August is skipped.
    assert_due 1998-11-13 "$H
$T_AUG,awaiting-triage,triage,1998-09-07,67
$T_SAT,awaiting-triage,triage,1998-11-13,0
$T_FRI,awaiting-triage,triage,1998-11-13,0"
    assert_due 1998-11-12 "$H
$T_AUG,awaiting-triage,triage,1998-09-07,66"
}

test_triage_skips_christmas_the_boxing_day_substitute_and_new_years_day() {
    use triage build_triage
    assert_due 1998-12-30 "$H
$T_AUG,awaiting-triage,triage,1998-09-07,114
$T_SAT,awaiting-triage,triage,1998-11-13,47
$T_FRI,awaiting-triage,triage,1998-11-13,47"
    assert_due 1998-12-31 "$H
$T_AUG,awaiting-triage,triage,1998-09-07,115
$T_SAT,awaiting-triage,triage,1998-11-13,48
$T_FRI,awaiting-triage,triage,1998-11-13,48
$T_XMAS,awaiting-triage,triage,1998-12-31,0"
    # 1w from 31 December reaches 7 January: not the 8th.
    assert_due 1998-12-31 "$H
$T_AUG,awaiting-triage,triage,1998-09-07,115
$T_SAT,awaiting-triage,triage,1998-11-13,48
$T_FRI,awaiting-triage,triage,1998-11-13,48
$T_XMAS,awaiting-triage,triage,1998-12-31,0" --within 1w
    assert_due 1998-12-31 "$H
$T_AUG,awaiting-triage,triage,1998-09-07,115
$T_SAT,awaiting-triage,triage,1998-11-13,48
$T_FRI,awaiting-triage,triage,1998-11-13,48
$T_XMAS,awaiting-triage,triage,1998-12-31,0
$T_NYE,awaiting-triage,triage,1999-01-08,-8" --within 8d
}

test_a_triaged_case_has_no_triage_due() {
    use triage build_triage
    pv_ok "$S" 1999-01-08 triage "$T_XMAS" --outcome no-further-action --date 1999-01-04
    pv_ok "$S" 1999-01-08 triage "$T_AUG" --outcome channel-panel --date 1998-09-01 --s36-date 1998-09-01 --s36-by "$S36_BY"
    assert_due 1999-01-08 "$H
$T_AUG,awaiting-panel,panel,1998-09-29,101
$T_SAT,awaiting-triage,triage,1998-11-13,56
$T_FRI,awaiting-triage,triage,1998-11-13,56
$T_NYE,awaiting-triage,triage,1999-01-08,0"
}

test_csv_bytes_have_crlf_line_ends_and_an_empty_list_is_the_header_alone() {
    use triage build_triage
    run prevent -C "$S" review due --format csv --as-of 1998-11-13
    assert_rc 0
    printf '%s\r\n' "$H" "$T_AUG,awaiting-triage,triage,1998-09-07,67" "$T_SAT,awaiting-triage,triage,1998-11-13,0" \
        "$T_FRI,awaiting-triage,triage,1998-11-13,0" >"$T/expected.csv"
    cmp -s "$OUT" "$T/expected.csv" || { fail "review due CSV differs from the expected bytes"; diff <(od -c "$T/expected.csv") <(od -c "$OUT") | head; }
    run prevent -C "$S" review due --format csv --as-of 1998-09-06
    assert_rc 0
    assert_stderr_empty
    printf '%s\r\n' "$H" >"$T/expected.csv"
    cmp -s "$OUT" "$T/expected.csv" || { fail "an empty review due CSV is not the header alone"; _show "$OUT"; }
    run prevent -C "$S" review due --format json --as-of 1998-09-06
    assert_rc 0
    assert_eq "$(tr -d ' \n' <"$OUT")" "[]" "review due --format json with nothing due"
    assert_eq "$(json_eval "d" <"$OUT")" "[]" "parsed"
}

test_json_is_an_array_of_objects_with_days_overdue_a_number() {
    use triage build_triage
    run prevent -C "$S" review due --format json --as-of 1998-12-31 --within 8d
    assert_rc 0
    assert_stderr_empty
    assert_eq "$(json_eval "[list(r.keys()) == ['id', 'stage', 'item', 'due', 'days_overdue'] for r in d]" <"$OUT")" \
        "[True, True, True, True, True]" "keys, in order"
    assert_eq "$(json_eval "[(r['id'], r['due'], r['days_overdue']) for r in d]" <"$OUT")" \
        "[('$T_AUG', '1998-09-07', 115), ('$T_SAT', '1998-11-13', 48), ('$T_FRI', '1998-11-13', 48), ('$T_XMAS', '1998-12-31', 0), ('$T_NYE', '1999-01-08', -8)]" \
        "rows"
    assert_eq "$(json_eval "sorted(set(type(r['days_overdue']).__name__ for r in d))" <"$OUT")" "['int']" \
        "type of days_overdue"
    assert_eq "$(json_eval "set(r['stage'] + ' ' + r['item'] for r in d)" <"$OUT")" \
        "{'awaiting-triage triage'}" "stage and item"
    assert_no_personal_data "$(cat "$OUT")" "review due --format json"
}

# ---------------------------------------------------------------------------
# Panel, consent, monthly reviews, support actions

test_panel_consent_monthly_review_and_actions_fall_due_as_section_6_1_says() {
    use pipeline build_pipeline
    # Panel: Section 36 decision + 28 (not triage + 28). Consent: the adopting
    # meeting (not the deferring one) + 14. Monthly review: the adopting
    # meeting + 28 when there is no review. Open actions by their due date;
    # done and cancelled ones are gone; the closed case has none. Same day:
    # by ID, then by item.
    assert_due 1998-11-12 "$H
$P_PANEL,awaiting-panel,panel,1998-11-03,9
$P_CONSENT,awaiting-consent,consent,1998-11-12,0
$P_SUP,supported,action,1998-11-12,0
$P_SUP,supported,monthly-review,1998-11-12,0"
    assert_due 1998-11-11 "$H
$P_PANEL,awaiting-panel,panel,1998-11-03,8"
}

test_within_adds_what_falls_due_soon_with_negative_days_overdue() {
    use pipeline build_pipeline
    assert_due 1998-11-12 "$H
$P_PANEL,awaiting-panel,panel,1998-11-03,9
$P_CONSENT,awaiting-consent,consent,1998-11-12,0
$P_SUP,supported,action,1998-11-12,0
$P_SUP,supported,monthly-review,1998-11-12,0
$P_SUP,supported,action,1998-11-20,-8" --within 2w
    # The last review + 28 for a reviewed case: 1998-11-05 + 28.
    assert_due 1998-11-12 "$H
$P_PANEL,awaiting-panel,panel,1998-11-03,9
$P_CONSENT,awaiting-consent,consent,1998-11-12,0
$P_SUP,supported,action,1998-11-12,0
$P_SUP,supported,monthly-review,1998-11-12,0
$P_SUP,supported,action,1998-11-20,-8
$P_REV,supported,monthly-review,1998-12-03,-21" --within 21d
    assert_due 1998-11-05 "$H
$P_PANEL,awaiting-panel,panel,1998-11-03,2" --within 6d
    assert_due 1998-11-05 "$H
$P_PANEL,awaiting-panel,panel,1998-11-03,2
$P_CONSENT,awaiting-consent,consent,1998-11-12,-7
$P_SUP,supported,action,1998-11-12,-7
$P_SUP,supported,monthly-review,1998-11-12,-7" --within 7d
}

test_a_review_or_done_action_moves_the_supported_cases_items() {
    use pipeline build_pipeline
    pv_ok "$S" 1998-11-10 review record "$P_SUP" --date 1998-11-10 --kind monthly --outcome continue
    pv_ok "$S" 1998-11-10 panel action "$P_SUP" "done" A4 --date 1998-11-10
    pv_ok "$S" 1998-11-10 panel consent "$P_CONSENT" --status given --by subject --date 1998-11-10
    # Consent given: monthly from the adopting meeting (1998-10-29 + 28).
    assert_due 1998-12-08 "$H
$P_PANEL,awaiting-panel,panel,1998-11-03,35
$P_SUP,supported,action,1998-11-20,18
$P_CONSENT,supported,monthly-review,1998-11-26,12
$P_REV,supported,monthly-review,1998-12-03,5
$P_SUP,supported,monthly-review,1998-12-08,0"
}

# ---------------------------------------------------------------------------
# Post-closure reviews: calendar months, clamped to the month's end

test_post_closure_reviews_fall_due_6_and_12_calendar_months_after_closure() {
    use closed build_closed
    # 28 Feb + 6 → 28 Aug (not the month's end); 31 Mar + 6 → 30 Sep;
    # 31 Jul + 6 → 31 Jan; 31 Aug + 6 → 28 Feb (1999 is not a leap year).
    assert_due 1999-02-28 "$H
$C_FEB,post-closure,post-closure-6,1998-08-28,184
$C_MAR,post-closure,post-closure-6,1998-09-30,151
$C_JUL,post-closure,post-closure-6,1999-01-31,28
$C_AUG,post-closure,post-closure-6,1999-02-28,0
$C_FEB,post-closure,post-closure-12,1999-02-28,0"
    assert_due 1999-01-30 "$H
$C_FEB,post-closure,post-closure-6,1998-08-28,155
$C_MAR,post-closure,post-closure-6,1998-09-30,122
$C_JUL,post-closure,post-closure-6,1999-01-31,-1" --within 1d
}

test_recorded_post_closure_reviews_leave_the_list_and_12_month_ones_follow() {
    use closed build_closed
    local id
    for id in "$C_AUG" "$C_JUL" "$C_MAR" "$C_FEB"; do
        pv_ok "$S" 1999-02-28 review record "$id" --date 1999-02-28 --kind post-closure-6 --outcome no-concerns
    done
    assert_due 1999-02-28 "$H
$C_FEB,post-closure,post-closure-12,1999-02-28,0"
    assert_due 1999-02-28 "$H
$C_FEB,post-closure,post-closure-12,1999-02-28,0
$C_MAR,post-closure,post-closure-12,1999-03-31,-31
$C_JUL,post-closure,post-closure-12,1999-07-31,-153
$C_AUG,post-closure,post-closure-12,1999-08-31,-184" --within 27w
    pv_ok "$S" 1999-03-01 review record "$C_FEB" --date 1999-03-01 --kind post-closure-12 --outcome no-concerns
    assert_eq "$(stage_in_show "$S" "$C_FEB" 1999-03-01)" "closed" "stage after both reviews"
    assert_due 1999-03-31 "$H
$C_MAR,post-closure,post-closure-12,1999-03-31,0" --within 1w
}

test_an_extension_falls_due_at_closure_plus_18_and_24_months_then_no_more() {
    use closed build_closed
    # Closed 1998-08-31: + 12 → 1999-08-31; continue → + 18 → 2000-02-29
    # (a leap year); continue → + 24 → 2000-08-31; then none.
    local id
    pv_ok "$S" 1999-02-28 review record "$C_AUG" --date 1999-02-28 --kind post-closure-6 --outcome no-concerns
    pv_ok "$S" 1999-08-31 review record "$C_AUG" --date 1999-08-31 --kind post-closure-12 --outcome continue
    for id in "$C_JUL" "$C_MAR" "$C_FEB"; do
        pv_ok "$S" 1999-08-31 review record "$id" --date 1999-08-31 --kind post-closure-6 --outcome no-concerns
        pv_ok "$S" 1999-08-31 review record "$id" --date 1999-08-31 --kind post-closure-12 --outcome no-concerns
    done
    assert_due 2000-02-29 "$H
$C_AUG,post-closure,extended-review,2000-02-29,0"
    assert_due 2000-02-28 "$H"
    pv_ok "$S" 2000-03-01 review record "$C_AUG" --date 2000-03-01 --kind extended --outcome continue
    assert_due 2000-09-01 "$H
$C_AUG,post-closure,extended-review,2000-08-31,1"
    # The 24-month review is the last: `continue` would extend nothing and is
    # refused (review_rules.sh); it ends with no-concerns.
    expect_refused 4 "$S" prevent -C "$S" --as-of 2000-09-01 review record "$C_AUG" --date 2000-09-01 \
        --kind extended --outcome continue
    pv_ok "$S" 2000-09-01 review record "$C_AUG" --date 2000-09-01 --kind extended --outcome no-concerns
    assert_due 2001-09-01 "$H" --within 52w
    assert_eq "$(stage_in_show "$S" "$C_AUG" 2000-09-01)" "closed" "stage after the 24-month review"
}

# A store whose extended reviews step by one month: the 12-month review of a
# closure on 31 January 1998 is on 31 January 1999; one month on is
# 28 February 1999.
test_31_january_plus_one_month_is_28_february() {
    S="$T/store"
    STORE="$S"
    new_store "$S"
    sed -i 's/^  extension_step_months: 6$/  extension_step_months: 1/' "$S/prevent.yaml"
    assert_contains "$(cat "$S/prevent.yaml")" "extension_step_months: 1" "edited prevent.yaml"
    git_in "$S" commit -q -am "Extended reviews every month" || fail "committing the edited prevent.yaml"
    PERSONAL+=(1972-01-01)
    meeting 1998-01-15
    refer_case 1998-01-05
    to_panel "$ID" 1998-01-06
    adopt "$ID" 1998-01-15
    consent "$ID" 1998-01-16
    close_case "$ID" 1998-01-31
    review "$ID" 1998-07-31 post-closure-6 no-concerns
    assert_due 1999-01-31 "$H
$ID,post-closure,post-closure-12,1999-01-31,0"
    review "$ID" 1999-01-31 post-closure-12 continue
    assert_due 1999-02-28 "$H
$ID,post-closure,extended-review,1999-02-28,0"
    assert_due 1999-02-27 "$H"
    review "$ID" 1999-02-28 extended continue
    # 28 February + 1 month counts from the closure: 31 January + 14 months.
    assert_due 1999-03-31 "$H
$ID,post-closure,extended-review,1999-03-31,0"
}

# ---------------------------------------------------------------------------
# Final stages never appear

# No casework falls due on a final stage; its one item is the erasure of
# its personal data under the retention schedule (retention.sh): three
# years after triage or the panel's decision by default.
test_a_case_in_a_final_stage_never_appears_but_for_its_erasure() {
    use final build_final
    local stages
    stages="$(prevent -C "$S" list --format csv --as-of 1999-03-05 | tr -d '\r' | tail -n +2 | cut -d, -f2 | tr '\n' ' ')"
    assert_eq "$stages" "no-further-action signposted police-managed not-adopted closed " "stages of the store"
    assert_due 1998-01-12 "$H" --within 52w
    assert_due 1999-03-05 "$H
PRV-1998-0001,no-further-action,retention,2001-01-13,-680
PRV-1998-0002,signposted,retention,2001-01-13,-680
PRV-1998-0003,police-managed,retention,2001-01-13,-680
PRV-1998-0004,not-adopted,retention,2001-02-05,-703" --within 104w
    run prevent -C "$S" review due --format json --as-of 1999-03-05 --within 104w
    assert_rc 0
    assert_eq "$(json_eval "sorted(set(r['item'] for r in d))" <"$OUT")" "['retention']" "review due --format json"
    # The pipeline's closed-with-an-open-action and not-adopted cases: only
    # the post-closure reviews of the closed one.
    use pipeline build_pipeline "$T/pipeline"
    run prevent -C "$S" review due --format csv --as-of 1999-11-02
    assert_eq "$(tr -d '\r' <"$OUT" | grep -E "$P_CLOSED|$P_NAD")" \
        "$P_CLOSED,post-closure,post-closure-6,1999-05-02,184
$P_CLOSED,post-closure,post-closure-12,1999-11-02,0" "rows of the closed and not-adopted cases"
}

# ---------------------------------------------------------------------------
# Bank holidays: the England and Wales rules for every year; prevent.yaml
# holds an older store's explicit list and a store's exceptions.

# set_holidays STORE YAML: puts YAML (a `holidays:` list and/or a `calendar:`
# map) into prevent.yaml before `vocabularies:`, committed by hand.
set_holidays() {
    local store="$1" yaml="$2"
    "$PYTHON" - "$store/prevent.yaml" "$yaml" <<'PY'
import sys
path, yaml = sys.argv[1], sys.argv[2]
text = open(path).read()
open(path, "w").write(text.replace("vocabularies:\n", yaml + "vocabularies:\n", 1))
PY
    git_in "$store" commit -qam "Set the holidays by hand"
    run prevent -C "$store" check --as-of "$AS_OF"
    assert_rc 0 "check after setting the holidays"
}

# An Easter referral: Thursday 2 April 2026 + 5 working days skips Good
# Friday and Easter Monday by the rules: Monday 13 April.
test_triage_due_dates_follow_the_rules_in_a_year_no_list_covers() {
    local S="$T/store"
    new_store "$S"
    refer_ok "$S" received=2026-04-02
    assert_eq "$(due_csv "$S" 2026-04-13)" "$H
$ID,awaiting-triage,triage,2026-04-13,0" "due list"
    # A store made in 2023 listed 2023-2025 only; 2026 still follows the
    # rules (before, its holidays had run out and the case fell due on 9 April).
    set_holidays "$S" "holidays:
  - 2023-04-07
  - 2023-04-10
  - 2024-03-29
  - 2024-04-01
  - 2025-04-18
  - 2025-04-21
"
    assert_eq "$(due_csv "$S" 2026-04-13)" "$H
$ID,awaiting-triage,triage,2026-04-13,0" "due list with an older store's list"
}

test_an_explicit_list_decides_the_years_it_covers() {
    local S="$T/store"
    new_store "$S"
    refer_ok "$S" received=2026-04-02
    # An older store's list for 2026 without Easter Monday: the list, not the
    # rules, decides 2026, so only Good Friday is skipped.
    set_holidays "$S" "holidays:
  - 2026-01-01
  - 2026-04-03
  - 2026-05-04
"
    assert_eq "$(due_csv "$S" 2026-04-13)" "$H
$ID,awaiting-triage,triage,2026-04-10,3" "due list"
}

test_calendar_added_and_removed_change_the_working_days() {
    local S="$T/store"
    new_store "$S"
    refer_ok "$S" received=2026-11-06
    # Friday 6 November + 5 working days: Friday 13 November.
    assert_eq "$(due_csv "$S" 2026-11-13)" "$H
$ID,awaiting-triage,triage,2026-11-13,0" "due list"
    # A one-off holiday on Monday 9 November moves it to Monday 16.
    set_holidays "$S" "calendar:
  added:
    - 2026-11-09
"
    assert_eq "$(due_csv "$S" 2026-11-16)" "$H
$ID,awaiting-triage,triage,2026-11-16,0" "due list with a day added"
    # The summer bank holiday (Monday 31 August 2026) removed: a referral of
    # Friday 28 August falls due on Friday 4 September instead of Monday 7.
    refer_ok "$S" received=2026-08-28 name="Maribex Tundrell"
    local aug="$ID"
    assert_contains "$(due_csv "$S" 2026-11-16)" "$aug,awaiting-triage,triage,2026-09-07," "before removing"
    "$PYTHON" - "$S/prevent.yaml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
open(path, "w").write(text.replace("calendar:\n  added:\n    - 2026-11-09\n",
                                   "calendar:\n  added:\n    - 2026-11-09\n  removed:\n    - 2026-08-31\n"))
PY
    git_in "$S" commit -qam "Remove a holiday by hand"
    assert_contains "$(due_csv "$S" 2026-11-16)" "$aug,awaiting-triage,triage,2026-09-04," "after removing"
}

test_a_day_both_added_and_removed_is_a_damaged_prevent_yaml() {
    local S="$T/store"
    new_store "$S" --no-hook
    "$PYTHON" - "$S/prevent.yaml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
open(path, "w").write(text.replace("vocabularies:\n",
    "calendar:\n  added:\n    - 2026-11-09\n  removed:\n    - 2026-11-09\nvocabularies:\n", 1))
PY
    git_in "$S" commit -qam "Contradict the calendar by hand"
    expect_refusal 6 "$S" prevent -C "$S" review due --as-of "$AS_OF"
    assert_stderr_contains "2026-11-09 is both in calendar.added and in calendar.removed"
}

run_tests "$@"

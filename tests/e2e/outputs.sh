#!/usr/bin/env bash
# Outputs never silently incomplete (issue 14 part 4): `review due`, `panel
# agenda`, `panel minutes` and `report` print nothing on stdout and exit 5
# when any case file cannot be read (YAML that does not parse, a record the
# schema refuses), naming each such file on stderr, one line each, without
# personal data; `--partial` prints the rest, still with exit 5. `list`
# keeps printing the rest (list.sh). A store broken by hand is made with
# `new_store --no-hook`: the pre-commit hook init installs would refuse it.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
CHAIR="Prevent Lead@Example Borough Council"
POLICE="Detective Sergeant@Example Constabulary"
S36_BY="Counter Terrorism Policing North West"

M1=2026-03-05  # A adopted there
M2=2026-04-02  # B on its agenda
ASOF=2026-03-20

A=PRV-2026-0001  # adopted at M1: in the minutes of M1, a monthly review due
B=PRV-2026-0002  # awaiting panel: on the agenda of M2 and in review due
C=PRV-2026-0003  # awaiting triage
D=PRV-2026-0004  # awaiting panel; broken by hand in the tests
BROKEN=cases/2026/$D.yaml

build_base() {
    local s="$1"
    new_store "$s" --no-hook
    pv_ok "$s" "$M1" panel new "$M1" --chair "$CHAIR" --police "$POLICE"
    pv_ok "$s" "$M1" panel new "$M2" --chair "$CHAIR" --police "$POLICE"
    referral_flags received=2026-01-12 dob=1990-01-01
    pv_ok "$s" "$M1" refer "${REFER_FLAGS[@]}"
    pv_ok "$s" "$M1" triage "$A" --outcome channel-panel --date 2026-01-15 --s36-date 2026-01-15 --s36-by "$S36_BY"
    pv_ok "$s" "$M1" panel decide "$M1" "$A" --decision adopt --method consensus
    referral_flags received=2026-02-16
    pv_ok "$s" "$M1" refer "${REFER_FLAGS[@]}"
    pv_ok "$s" "$M1" triage "$B" --outcome channel-panel --date 2026-02-20 --s36-date 2026-02-20 --s36-by "$S36_BY"
    referral_flags received=2026-03-02
    pv_ok "$s" "$M1" refer "${REFER_FLAGS[@]}"
    referral_flags received=2026-02-17
    pv_ok "$s" "$M1" refer "${REFER_FLAGS[@]}"
    pv_ok "$s" "$M1" triage "$D" --outcome channel-panel --date 2026-02-20 --s36-date 2026-02-20 --s36-by "$S36_BY"
}

setup() {
    S="$T/store"
    cached_store "$S" outputs-base build_base
    referral_flags
}

# break_by_hand yaml|schema: D's file made unreadable, committed with git.
break_by_hand() {
    case "$1" in
        yaml) printf 'id: [unclosed\n' >"$S/$BROKEN" ;;
        schema) sed -i 's/^\(  route:\).*/\1 carrier-pigeon/' "$S/$BROKEN" ;;
    esac
    git -C "$S" commit -q -am "Break a record by hand" || fail "git commit of the broken record failed"
}

# The command CMD… with D broken: exit 5, nothing on stdout, D's file named
# on one line, a summary and a hint, no personal data, the store as it was.
expect_withheld() {
    local before
    before="$(snapshot "$S")"
    pv "$S" "$ASOF" "$@"
    assert_rc 5 "prevent $*"
    assert_stdout_empty
    assert_stderr_contains "($BROKEN"
    assert_stderr_contains "1 case file could not be read: nothing is printed"
    assert_hint_contains "--partial"
    assert_eq "$(grep -c "$BROKEN" "$ERR")" 1 "lines naming the file"
    assert_eq "$(wc -l <"$ERR" | tr -d ' ')" 3 "stderr lines (the file, the summary, the hint)"
    assert_no_personal_data "$(stderr)" "stderr of prevent $*"
    assert_eq "$(snapshot "$S")" "$before" "the store after prevent $*"
}

# The same with --partial: the rest printed (containing each of WANT…),
# D's file named, exit 5.
expect_partial() { # expect_partial "CMD ARGS" WANT…
    local -a cmd
    read -r -a cmd <<<"$1"
    shift
    pv "$S" "$ASOF" "${cmd[@]}" --partial
    assert_rc 5 "prevent ${cmd[*]} --partial"
    local w
    for w in "$@"; do assert_stdout_contains "$w"; done
    assert_not_contains "$(stdout)" "$D" "stdout of prevent ${cmd[*]} --partial"
    assert_stderr_contains "($BROKEN"
    assert_stderr_contains "1 case file could not be read and is left out"
    assert_no_personal_data "$(stdout)$(stderr)" "output of prevent ${cmd[*]} --partial"
}

# ---------------------------------------------------------------------------
# Before the file is broken, each command prints everything and exits 0.

test_with_every_file_readable_each_output_is_printed_whole() {
    setup
    pv "$S" "$ASOF" review due --format csv
    assert_rc 0
    assert_stderr_empty
    assert_stdout_contains "$D"
    pv "$S" "$ASOF" panel agenda "$M2" --format csv
    assert_rc 0
    assert_stdout_contains "$D"
    pv "$S" "$ASOF" panel minutes "$M1"
    assert_rc 0
    assert_stdout_contains "$A"
    pv "$S" "$ASOF" report --period 2026-Q1
    assert_rc 0
    assert_stderr_empty
    # --partial changes nothing when every file reads.
    local whole
    whole="$(stdout)"
    pv "$S" "$ASOF" report --period 2026-Q1 --partial
    assert_rc 0
    assert_eq "$(stdout)" "$whole" "report --partial with every file readable"
}

# ---------------------------------------------------------------------------
# review due

test_review_due_prints_nothing_when_a_case_file_does_not_parse() {
    setup
    break_by_hand yaml
    expect_withheld review due
    expect_withheld review due --format json
}

test_review_due_prints_nothing_when_a_case_file_breaks_the_schema() {
    setup
    break_by_hand schema
    expect_withheld review due --format csv
}

test_review_due_partial_prints_the_other_cases_with_exit_5() {
    setup
    break_by_hand yaml
    expect_partial "review due --format csv" "$A" "$B" "$C"
}

# ---------------------------------------------------------------------------
# panel agenda

test_panel_agenda_prints_nothing_when_a_case_file_does_not_parse() {
    setup
    break_by_hand yaml
    expect_withheld panel agenda "$M2"
    expect_withheld panel agenda "$M2" --format json
}

test_panel_agenda_partial_prints_the_other_cases_with_exit_5() {
    setup
    break_by_hand yaml
    expect_partial "panel agenda $M2 --format csv" "$B"
}

test_panel_agenda_fill_writes_nothing_when_a_case_file_does_not_read() {
    setup
    break_by_hand schema
    local before
    before="$(snapshot "$S")"
    # write_today: a fill is dated today (ASOF is in the past).
    pv "$S" "$ASOF" panel agenda "$M2" --fill
    assert_rc 5
    assert_stdout_empty
    assert_stderr_contains "($BROKEN"
    assert_eq "$(snapshot "$S")" "$before" "the store after panel agenda --fill"
    # --partial shows the rest, and still writes nothing.
    pv "$S" "$ASOF" panel agenda "$M2" --fill --partial
    assert_rc 5
    assert_stdout_contains "$B"
    assert_eq "$(snapshot "$S")" "$before" "the store after panel agenda --fill --partial"
}

test_panel_agenda_partial_goes_without_add_and_drop() {
    setup
    expect_refusal 2 "$S" prevent -C "$S" --as-of "$ASOF" panel agenda "$M2" --add "$C" --partial
}

# ---------------------------------------------------------------------------
# panel minutes

test_panel_minutes_prints_nothing_when_a_case_file_does_not_parse() {
    setup
    break_by_hand yaml
    expect_withheld panel minutes "$M1"
    expect_withheld panel minutes "$M1" --format json
}

test_panel_minutes_partial_prints_the_other_cases_with_exit_5() {
    setup
    break_by_hand schema
    expect_partial "panel minutes $M1" "$A"
    pv "$S" "$ASOF" panel minutes "$M1" --format json --partial
    assert_rc 5
    assert_eq "$(json_eval 'd["decisions"][0]["case"]' <"$OUT")" "$A" "the decision in the partial JSON minutes"
}

# ---------------------------------------------------------------------------
# report

test_report_prints_nothing_when_a_case_file_does_not_parse() {
    setup
    break_by_hand yaml
    local f
    for f in md html csv json; do expect_withheld report --period 2026-Q1 --format "$f"; done
}

test_report_partial_prints_the_rest_with_exit_5() {
    setup
    pv "$S" "$ASOF" report --period 2026-Q1 --format json --suppress 0
    assert_rc 0
    local whole_referrals
    whole_referrals="$(json_eval 'd["referrals"]["total"]' <"$OUT")"
    break_by_hand yaml
    pv "$S" "$ASOF" report --period 2026-Q1 --format json --suppress 0 --partial
    assert_rc 5
    assert_eq "$(json_eval 'd["referrals"]["total"]' <"$OUT")" "$((whole_referrals - 1))" \
        "referrals counted without the broken case"
    assert_stderr_contains "($BROKEN"
    assert_no_personal_data "$(stdout)$(stderr)"
}

# ---------------------------------------------------------------------------
# Two files broken: each is named, on a line of its own.

test_each_unreadable_file_is_named_on_a_line_of_its_own() {
    setup
    printf 'id: [unclosed\n' >"$S/$BROKEN"
    sed -i 's/^\(  route:\).*/\1 carrier-pigeon/' "$S/cases/2026/$C.yaml"
    git -C "$S" commit -q -am "Break two records by hand" || fail "git commit failed"
    pv "$S" "$ASOF" review due
    assert_rc 5
    assert_stdout_empty
    assert_eq "$(grep -c "cases/2026/$C.yaml" "$ERR")" 1 "lines naming C's file"
    assert_eq "$(grep -c "$BROKEN" "$ERR")" 1 "lines naming D's file"
    assert_stderr_contains "2 case files could not be read: nothing is printed"
    assert_no_personal_data "$(stderr)"
}

# `list` keeps printing the rest (its header and rows say which cases it
# shows), with exit 5.
test_list_still_prints_the_rest() {
    setup
    break_by_hand yaml
    pv "$S" "$ASOF" list --format csv
    assert_rc 5
    assert_stdout_contains "$A"
    assert_stderr_contains "($BROKEN"
    assert_stderr_contains "left out"
}

run_tests "$@"

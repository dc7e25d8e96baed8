#!/usr/bin/env bash
# The retention schedule (docs/retention.md, issue 18 item 4): `prevent
# retention due` and the item `retention` of `review due`, checked exactly
# in every format at chosen --as-of dates, on a store whose cases reach
# every final stage through the real commands: the default rules and their
# start events, the child floor, 29 February, a case already erased (by a
# hand edit, as `prevent erase` writes it), cases still in hand; a store's
# own schedule in prevent.yaml; a malformed schedule (exit 6, nothing
# written); bad --within and --as-of (exit 5); and no personal data in any
# output.
#
# The CSV renderer ends lines with CRLF; expected texts are compared after
# removing the CRs. The store is built once (cached_store), every write
# dated as it happened and run as of $AS_OF; the lists are read at later
# --as-of dates (a read may look ahead).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
STORE=""
CHAIR="Prevent Lead@Example Borough Council"
POLICE="Detective Sergeant@Example Constabulary"
S36_BY="Counter Terrorism Policing North West"
RH="id,stage,rule,erase_from,days_overdue"

b() { pv_ok "$STORE" "$AS_OF" "$@"; }
refer_case() { # refer_case RECEIVED DOB|"": the new ID in $ID
    referral_flags received="$1" dob="$2"
    b refer "${REFER_FLAGS[@]}"
    ID="$(cat "$OUT")"
}
to_panel() { b triage "$1" --outcome channel-panel --date "$2" --s36-date "$2" --s36-by "$S36_BY"; }
supported_then_closed() { # supported_then_closed ID BY: adopted 2021-01-20, closed 2021-02-17, reviews done 2022-02-17
    to_panel "$1" 2021-01-06
    b panel decide 2021-01-20 "$1" --decision adopt --method consensus
    b panel consent "$1" --status given --by "$2" --date 2021-01-22
    b review record "$1" --date 2021-02-17 --kind monthly --outcome close --reason no-further-concerns
    b review record "$1" --date 2021-08-17 --kind post-closure-6 --outcome no-concerns
    b review record "$1" --date 2022-02-17 --kind post-closure-12 --outcome no-concerns
}

# PRV-2021-0001 not adopted (deferred 2021-01-20, not adopted 2021-02-03)       → 2024-02-03 not-adopted
# PRV-2021-0002 a Channel case, 13 at referral (born 2007-03-01), last review
#               2022-02-17: six years on is 2028-02-17, the 24th birthday
#               surely passed on 2032-01-04                                      → 2032-01-04 channel-case
# PRV-2021-0003 the same journey, an adult                                       → 2028-02-17 channel-case
# PRV-2021-0004 no further action 2021-03-04, 10 at referral (no default floor)  → 2024-03-04 closed-at-triage
# PRV-2021-0005 signposted 2021-01-31, no date of birth                          → 2024-01-31 closed-at-triage
# PRV-2021-0006 police-managed 2021-06-02, erased by hand in erased_store         → 2024-06-02 closed-at-triage
# PRV-2024-0001 no further action on 29 February 2024                            → 2027-02-28 closed-at-triage
# PRV-2026-0001 voided (case) on 2026-11-03                                      → 2026-12-03 entered-in-error
# PRV-2026-0002 awaiting triage (in hand: triage due 2026-11-27)
# PRV-2026-0003 closed 2026-11-12, post-closure reviews to come (in hand)
build_store() {
    STORE="$1"
    new_store "$STORE" --no-hook
    for m in 2021-01-20 2021-02-03 2026-10-14; do b panel new "$m" --chair "$CHAIR" --police "$POLICE"; done
    refer_case 2021-01-04 1985-06-01
    to_panel "$ID" 2021-01-06
    b panel decide 2021-01-20 "$ID" --decision defer
    b panel decide 2021-02-03 "$ID" --decision not-adopt --method consensus
    refer_case 2021-01-04 2007-03-01
    supported_then_closed "$ID" parent-guardian
    refer_case 2021-01-04 1990-02-02
    supported_then_closed "$ID" subject
    refer_case 2021-03-01 2010-05-17
    b triage "$ID" --outcome no-further-action --date 2021-03-04
    refer_case 2021-01-29 ""
    b triage "$ID" --outcome signposted --signpost early-help --date 2021-01-31
    refer_case 2021-06-01 1999-09-09
    b triage "$ID" --outcome police-managed --date 2021-06-02
    refer_case 2024-02-27 2001-01-01
    b triage "$ID" --outcome no-further-action --date 2024-02-29
    refer_case 2026-11-02 1995-04-04
    b void "$ID" case --date 2026-11-03 --reason "Fictional duplicate of another referral"
    refer_case 2026-11-20 1996-05-05
    refer_case 2026-10-01 1997-06-06
    to_panel "$ID" 2026-10-02
    b panel decide 2026-10-14 "$ID" --decision adopt --method consensus
    b panel consent "$ID" --status given --by subject --date 2026-10-15
    b review record "$ID" --date 2026-11-12 --kind monthly --outcome close --reason no-further-concerns
}

journeys() {
    cached_store "$T/store" journeys build_store
    S="$T/store"
    PERSONAL+=("Fictional duplicate of another referral" 1985-06-01 2007-03-01 1990-02-02 2010-05-17 1999-09-09
        2001-01-01 1995-04-04 1996-05-05 1997-06-06)
}

# The same store with PRV-2021-0006 erased as `prevent erase` records it:
# its `erasure` section (a hand commit here, the command being another
# part of issue 18).
erased() {
    journeys
    printf 'erasure:\n  date: 2026-11-26\n  reason: Fictional erasure request\n' >>"$S/cases/2021/PRV-2021-0006.yaml"
    git_in "$S" commit -qam "Erase PRV-2021-0006 (as prevent erase would)" || fail "committing the erasure"
    PERSONAL+=("Fictional erasure request")
}

# assert_retention AS-OF EXPECTED [ARGS…]: `retention due --format csv` (CRs removed).
assert_retention() {
    local as_of="$1" expected="$2"
    shift 2
    run prevent -C "$S" retention due --format csv --as-of "$as_of" "$@"
    assert_rc 0 "retention due --as-of $as_of $*"
    assert_stderr_empty
    assert_eq "$(tr -d '\r' <"$OUT")" "$expected" "retention due --as-of $as_of $*"
    assert_no_personal_data "$(cat "$OUT")" "retention due --as-of $as_of $*"
}

# ---------------------------------------------------------------------------

test_each_final_stage_is_listed_under_its_default_rule_from_its_start_event() {
    journeys
    assert_retention 2030-01-01 "$RH
PRV-2021-0005,signposted,closed-at-triage,2024-01-31,2162
PRV-2021-0001,not-adopted,not-adopted,2024-02-03,2159
PRV-2021-0004,no-further-action,closed-at-triage,2024-03-04,2129
PRV-2021-0006,police-managed,closed-at-triage,2024-06-02,2039
PRV-2026-0001,voided,entered-in-error,2026-12-03,1125
PRV-2024-0001,no-further-action,closed-at-triage,2027-02-28,1038
PRV-2021-0003,closed,channel-case,2028-02-17,684"
}

test_a_child_s_channel_case_waits_for_the_24th_birthday() {
    journeys
    # Six years after the last review (2028-02-17) the person is 20: the
    # floor holds the case until 2032-01-04, the first day they are surely 24.
    assert_retention 2032-01-03 "$RH
PRV-2021-0005,signposted,closed-at-triage,2024-01-31,2894
PRV-2021-0001,not-adopted,not-adopted,2024-02-03,2891
PRV-2021-0004,no-further-action,closed-at-triage,2024-03-04,2861
PRV-2021-0006,police-managed,closed-at-triage,2024-06-02,2771
PRV-2026-0001,voided,entered-in-error,2026-12-03,1857
PRV-2024-0001,no-further-action,closed-at-triage,2027-02-28,1770
PRV-2021-0003,closed,channel-case,2028-02-17,1416"
    run prevent -C "$S" retention due --format csv --as-of 2032-01-04
    assert_contains "$(tr -d '\r' <"$OUT")" "PRV-2021-0002,closed,channel-case,2032-01-04,0" "on the day"
}

test_the_day_before_nothing_is_due_and_within_looks_ahead() {
    journeys
    assert_retention 2024-01-30 "$RH"
    assert_retention 2024-01-31 "$RH
PRV-2021-0005,signposted,closed-at-triage,2024-01-31,0"
    assert_retention 2024-01-30 "$RH
PRV-2021-0005,signposted,closed-at-triage,2024-01-31,-1
PRV-2021-0001,not-adopted,not-adopted,2024-02-03,-4" --within 4d
    assert_retention 2024-01-30 "$RH
PRV-2021-0005,signposted,closed-at-triage,2024-01-31,-1
PRV-2021-0001,not-adopted,not-adopted,2024-02-03,-4" --within 1w
}

test_29_february_plus_three_years_is_28_february() {
    journeys
    run prevent -C "$S" retention due --format csv --as-of 2027-02-27
    assert_not_contains "$(stdout)" "PRV-2024-0001" "the day before"
    run prevent -C "$S" retention due --format csv --as-of 2027-02-28
    assert_contains "$(tr -d '\r' <"$OUT")" "PRV-2024-0001,no-further-action,closed-at-triage,2027-02-28,0" "on 28 February"
}

test_every_format_shows_the_same_rows() {
    journeys
    run prevent -C "$S" retention due --as-of 2026-12-04
    assert_rc 0 "table"
    assert_stdout_eq "id             stage              rule              erase_from  days_overdue
PRV-2021-0005  signposted         closed-at-triage  2024-01-31  1038
PRV-2021-0001  not-adopted        not-adopted       2024-02-03  1035
PRV-2021-0004  no-further-action  closed-at-triage  2024-03-04  1005
PRV-2021-0006  police-managed     closed-at-triage  2024-06-02  915
PRV-2026-0001  voided             entered-in-error  2026-12-03  1"
    run prevent -C "$S" retention due --as-of 2026-12-04 --format csv
    assert_rc 0 "csv"
    assert_eq "$(cat "$OUT")" "$(printf '%s\r\n' "$RH" \
        PRV-2021-0005,signposted,closed-at-triage,2024-01-31,1038 \
        PRV-2021-0001,not-adopted,not-adopted,2024-02-03,1035 \
        PRV-2021-0004,no-further-action,closed-at-triage,2024-03-04,1005 \
        PRV-2021-0006,police-managed,closed-at-triage,2024-06-02,915 \
        PRV-2026-0001,voided,entered-in-error,2026-12-03,1)" "csv bytes (CRLF)"
    run prevent -C "$S" retention due --as-of 2026-12-04 --format json
    assert_rc 0 "json"
    assert_eq "$(json_eval "d" <"$OUT")" "[{'id': 'PRV-2021-0005', 'stage': 'signposted', 'rule': 'closed-at-triage', 'erase_from': '2024-01-31', 'days_overdue': 1038}, {'id': 'PRV-2021-0001', 'stage': 'not-adopted', 'rule': 'not-adopted', 'erase_from': '2024-02-03', 'days_overdue': 1035}, {'id': 'PRV-2021-0004', 'stage': 'no-further-action', 'rule': 'closed-at-triage', 'erase_from': '2024-03-04', 'days_overdue': 1005}, {'id': 'PRV-2021-0006', 'stage': 'police-managed', 'rule': 'closed-at-triage', 'erase_from': '2024-06-02', 'days_overdue': 915}, {'id': 'PRV-2026-0001', 'stage': 'voided', 'rule': 'entered-in-error', 'erase_from': '2026-12-03', 'days_overdue': 1}]" "json"
    assert_eq "$(json_eval "[list(r) for r in d][0]" <"$OUT")" "['id', 'stage', 'rule', 'erase_from', 'days_overdue']" "json key order"
    run prevent -C "$S" retention due --as-of 2026-12-04 --format yaml
    assert_rc 0 "yaml"
    assert_stdout_eq "- id: PRV-2021-0005
  stage: signposted
  rule: closed-at-triage
  erase_from: 2024-01-31
  days_overdue: 1038
- id: PRV-2021-0001
  stage: not-adopted
  rule: not-adopted
  erase_from: 2024-02-03
  days_overdue: 1035
- id: PRV-2021-0004
  stage: no-further-action
  rule: closed-at-triage
  erase_from: 2024-03-04
  days_overdue: 1005
- id: PRV-2021-0006
  stage: police-managed
  rule: closed-at-triage
  erase_from: 2024-06-02
  days_overdue: 915
- id: PRV-2026-0001
  stage: voided
  rule: entered-in-error
  erase_from: 2026-12-03
  days_overdue: 1"
}

test_nothing_due_is_a_header_or_an_empty_list() {
    journeys
    run prevent -C "$S" retention due --as-of 2024-01-01
    assert_rc 0 "table"
    assert_stdout_eq "id  stage  rule  erase_from  days_overdue"
    assert_retention 2024-01-01 "$RH"
    for f in json yaml; do
        run prevent -C "$S" retention due --as-of 2024-01-01 --format "$f"
        assert_rc 0 "$f"
        assert_eq "$(tr -d ' \n' <"$OUT")" "[]" "$f with nothing due"
    done
}

test_an_erased_case_is_never_listed_again() {
    erased
    run prevent -C "$S" retention due --format csv --as-of 2030-01-01
    assert_rc 0 "retention due"
    assert_not_contains "$(stdout)" "PRV-2021-0006" "retention due"
    assert_contains "$(stdout)" "PRV-2021-0004" "retention due"
    run prevent -C "$S" review due --format csv --as-of 2030-01-01
    assert_rc 0 "review due"
    assert_not_contains "$(stdout)" "PRV-2021-0006" "review due"
    assert_no_personal_data "$(stdout)$(stderr)" "review due"
}

test_review_due_lists_the_item_retention_among_the_week_s_work() {
    journeys
    # PRV-2026-0002: triage due 2026-11-27 (received Friday 20 November);
    # PRV-2026-0001: voided on 2026-11-03, erasure due a month later;
    # PRV-2026-0003 (post-closure) has its 6-month review in May 2027.
    run prevent -C "$S" review due --format csv --as-of 2026-12-03
    assert_rc 0 "review due"
    assert_stderr_empty
    assert_eq "$(tr -d '\r' <"$OUT")" "id,stage,item,due,days_overdue
PRV-2021-0005,signposted,retention,2024-01-31,1037
PRV-2021-0001,not-adopted,retention,2024-02-03,1034
PRV-2021-0004,no-further-action,retention,2024-03-04,1004
PRV-2021-0006,police-managed,retention,2024-06-02,914
PRV-2026-0002,awaiting-triage,triage,2026-11-27,6
PRV-2026-0001,voided,retention,2026-12-03,0" "review due"
    run prevent -C "$S" review due --as-of 2026-12-03 --within 1w --format json
    assert_rc 0 "review due json"
    assert_eq "$(json_eval "[(r['id'], r['item'], r['due'], r['days_overdue']) for r in d][-2:]" <"$OUT")" \
        "[('PRV-2026-0002', 'triage', '2026-11-27', 6), ('PRV-2026-0001', 'retention', '2026-12-03', 0)]" "json"
    run prevent -C "$S" review due --as-of 2026-12-03
    assert_contains "$(stdout)" "PRV-2026-0001  voided             retention  2026-12-03  0" "table"
    assert_no_personal_data "$(stdout)" "review due"
}

test_cases_in_hand_are_never_listed() {
    journeys
    run prevent -C "$S" retention due --format csv --as-of 2099-12-31
    assert_rc 0 "retention due"
    for id in PRV-2026-0002 PRV-2026-0003; do assert_not_contains "$(stdout)" "$id" "retention due"; done
    assert_eq "$(tr -d '\r' <"$OUT" | wc -l)" "9" "the header and the 8 cases in a final stage"
}

test_retention_due_writes_nothing() {
    journeys
    local before
    before="$(snapshot "$S")"
    run prevent -C "$S" retention due --as-of 2030-01-01
    assert_rc 0 "retention due"
    assert_eq "$(snapshot "$S")" "$before" "the store after retention due"
}

# A store's own schedule, committed with git: the start events the
# defaults do not use, a child floor on the triage outcomes (and a person
# without a date of birth, who has none), months at a month's end.
test_a_store_s_own_schedule_is_followed() {
    journeys
    cat >"$T/retention.yaml" <<'EOF'
retention:
  - name: nfa
    stages:
      - no-further-action
    start: triage
    years: 1
    not_before_birthday: 18
  - name: signposted
    stages:
      - signposted
    start: triage
    months: 13
    not_before_birthday: 25
  - name: gateway
    stages:
      - police-managed
    start: referral
    years: 0
  - name: panel
    stages:
      - not-adopted
    start: panel-decision
    years: 1
    months: 1
  - name: channel
    stages:
      - closed
    start: closure
    years: 2
  - name: error
    stages:
      - voided
    start: voided
    months: 0
EOF
    sed -i "/^vocabularies:/e cat $T/retention.yaml" "$S/prevent.yaml"
    git_in "$S" commit -qam "Our own retention schedule" || fail "committing prevent.yaml"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 0 "check accepts the schedule (and its canonical form)"
    assert_stderr_not_contains "canonical"
    # PRV-2021-0004: 10 at referral (2021-03-01): 18 surely on 2029-03-01.
    # PRV-2021-0005: no date of birth, so no floor: 2021-01-31 + 13 months
    #   is 28 February 2022 (the month's end).
    # PRV-2021-0006: from its referral, a period of nothing: 2021-06-01.
    # PRV-2021-0001: 2021-02-03 + 1 year 1 month.
    # PRV-2021-0002/0003: two years after the closure (2021-02-17); the
    #   child's has no floor under this rule.
    # PRV-2024-0001: an adult: 2024-02-29 + 1 year = 2025-02-28.
    # PRV-2026-0001: voided on 2026-11-03.
    assert_retention 2030-01-01 "$RH
PRV-2021-0006,police-managed,gateway,2021-06-01,3136
PRV-2021-0005,signposted,signposted,2022-02-28,2864
PRV-2021-0001,not-adopted,panel,2022-03-03,2861
PRV-2021-0002,closed,channel,2023-02-17,2510
PRV-2021-0003,closed,channel,2023-02-17,2510
PRV-2024-0001,no-further-action,nfa,2025-02-28,1768
PRV-2026-0001,voided,error,2026-11-03,1155
PRV-2021-0004,no-further-action,nfa,2029-03-01,306"
}

# ---------------------------------------------------------------------------
# Bad input

# A prevent.yaml whose retention is malformed: every command exits 6 with
# one line naming the problem, and nothing is written.
test_a_malformed_retention_is_a_damaged_prevent_yaml() {
    journeys
    local good bad
    good="$(cat "$S/prevent.yaml")"
    while IFS='|' read -r name block message; do
        [[ -n "$name" ]] || continue
        printf '%s\n' "$good" >"$S/prevent.yaml"
        printf -- "$block" >"$T/block.yaml"
        sed -i "/^vocabularies:/e cat $T/block.yaml" "$S/prevent.yaml"
        git_in "$S" commit -qam "A malformed retention: $name" || fail "committing ($name)"
        expect_refusal 6 "$S" prevent -C "$S" retention due --as-of 2030-01-01
        assert_eq "$(sed -n 1p "$ERR")" "prevent: prevent.yaml is damaged: $message" "$name: the error"
        if [[ "$name" == "no stage voided" ]]; then # every command, a write too
            expect_refusal 6 "$S" prevent -C "$S" review due --as-of 2030-01-01
            referral_flags name="Quorin Vastel" dob=2001-02-03
            expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
            run prevent -C "$S" check --as-of "$AS_OF"
            assert_rc 6 "check"
        fi
        git_in "$S" reset -q --hard HEAD~1 || fail "undoing ($name)"
    done <<'EOF'
no stage voided|retention:\n  - name: all\n    stages: [no-further-action, signposted, police-managed, not-adopted, closed]\n    start: referral\n    years: 1\n|retention has no rule for stage voided: its cases would be kept for ever (prevent.yaml:16)
stage twice|retention:\n  - name: all\n    stages: [no-further-action, signposted, police-managed, not-adopted, closed, voided]\n    start: referral\n    years: 1\n  - name: again\n    stages: [closed]\n    start: closure\n    years: 1\n|retention: stage closed is in rule 'all' and in rule 'again' (prevent.yaml:21)
start not had|retention:\n  - name: all\n    stages: [no-further-action, signposted, police-managed, not-adopted, closed, voided]\n    start: closure\n    years: 1\n|retention 'all': a case in stage no-further-action has no closure to start from (prevent.yaml:17)
no period|retention:\n  - name: all\n    stages: [no-further-action, signposted, police-managed, not-adopted, closed, voided]\n    start: referral\n|retention 'all' has no period (prevent.yaml:16)
years beyond|retention:\n  - name: all\n    stages: [no-further-action, signposted, police-managed, not-adopted, closed, voided]\n    start: referral\n    years: 101\n|retention 'all': years is outside its bounds, 0 to 100 (prevent.yaml:19)
unknown start|retention:\n  - name: all\n    stages: [no-further-action, signposted, police-managed, not-adopted, closed, voided]\n    start: birthday\n    years: 1\n|retention[1].start: value is not one of: referral, triage, panel-decision, closure, last-review, voided (prevent.yaml:18)
a stage in hand|retention:\n  - name: all\n    stages: [supported]\n    start: referral\n    years: 1\n|retention[1].stages[1]: value is not one of: no-further-action, signposted, police-managed, not-adopted, closed, voided (prevent.yaml:17)
a list of nothing|retention: []\n|retention: must not be empty (prevent.yaml:15)
EOF
}

test_bad_within_and_as_of_are_refused_with_exit_5() {
    journeys
    for w in 30 3x -1d 7 "" 2m; do
        expect_refusal 5 "$S" prevent -C "$S" retention due --as-of 2030-01-01 --within "$w"
        assert_eq "$(sed -n 1p "$ERR")" "prevent: --within: expected a duration as Nd or Nw, e.g. 7d or 2w (command line)" "--within '$w'"
    done
    for a in 2026-02-30 30/11/2026 2026-13-01 "" tomorrow; do
        expect_refusal 5 "$S" prevent -C "$S" retention due --as-of "$a"
        assert_eq "$(sed -n 1p "$ERR")" "prevent: --as-of: expected a date as YYYY-MM-DD, e.g. 2026-12-03 (command line)" "--as-of '$a'"
    done
    expect_refusal 2 "$S" prevent -C "$S" retention due --as-of 2030-01-01 --format xml
    expect_refusal 2 "$S" prevent -C "$S" retention --as-of 2030-01-01
    expect_refusal 2 "$S" prevent -C "$S" retention due --as-of 2030-01-01 --show-personal
}

test_an_unreadable_case_file_withholds_the_list() {
    journeys
    printf 'id: [\n' >"$S/cases/2021/PRV-2021-0004.yaml"
    git_in "$S" commit -qam "A broken case file" || fail "committing"
    run prevent -C "$S" retention due --as-of 2030-01-01 --format csv
    assert_rc 5 "retention due"
    assert_stdout_empty
    assert_stderr_contains "PRV-2021-0004.yaml"
    run prevent -C "$S" retention due --as-of 2030-01-01 --format csv --partial
    assert_rc 5 "retention due --partial"
    assert_contains "$(stdout)" "PRV-2021-0005" "--partial prints the rest"
    assert_not_contains "$(stdout)" "PRV-2021-0004" "--partial"
}

test_no_personal_data_reaches_any_output() {
    journeys
    local f cmd
    for cmd in "retention due" "review due"; do
        for f in table csv json yaml; do
            # shellcheck disable=SC2086 # the command's two words
            run prevent -C "$S" $cmd --as-of 2040-01-01 --within 8w --format "$f"
            assert_rc 0 "$cmd --format $f"
            assert_no_personal_data "$(stdout)$(stderr)" "$cmd --format $f"
        done
    done
    run prevent -C "$S" retention due --help
    assert_no_personal_data "$(stdout)" "--help"
    # The fixture's personal values are in the store, so the check can fail.
    assert_contains "$(cat "$S/cases/2021/PRV-2021-0002.yaml")" "2007-03-01" "the store holds the date of birth"
}

run_tests "$@"

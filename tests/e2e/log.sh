#!/usr/bin/env bash
# `prevent log`: a case's history and the store's activity, from git, field
# by field, without personal data unless asked (SPEC §3, §6, §8).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
C1=PRV-2026-0001

# A case taken through triage, a panel, consent and a support action, and a
# second case that stays at referral.
# Without the pre-commit hook: tests commit a broken record and a deleted
# case by hand, as a store without the hook can hold them.
build_history_store() {
    local s="$1"
    new_store "$s" --no-hook
    refer_ok "$s" received=2026-11-02 summary="Fictional summary Larkspindle"
    pv_ok "$s" 2026-11-05 triage "$C1" --outcome channel-panel --date 2026-11-04 --s36-date 2026-11-04 \
        --s36-by "Example Counter Terrorism Policing" --rationale "Fictional rationale Corvantile"
    meeting_ok "$s" 2026-11-10
    pv_ok "$s" 2026-11-10 panel decide 2026-11-10 "$C1" --decision adopt --method consensus \
        --rationale "Fictional panel rationale Mossgrave"
    pv_ok "$s" 2026-11-11 panel consent "$C1" --status requested --by parent-guardian --date 2026-11-11
    pv_ok "$s" 2026-11-12 panel consent "$C1" --status given --by parent-guardian --date 2026-11-12
    pv_ok "$s" 2026-11-13 panel action "$C1" add --support ideological-mentoring \
        --provider "Example Intervention Provider" --due 2026-12-31 --date 2026-11-13
    pv_ok "$s" 2026-11-20 panel action "$C1" "done" A1 --date 2026-11-20
    refer_ok "$s" name="Maribex Tundrell" dob=2008-03-19 received=2026-11-06 summary="Fictional summary Ondrakey"
}

setup() {
    S="$T/store"
    cached_store "$S" history build_history_store
    PERSONAL+=(Larkspindle Corvantile Mossgrave Ondrakey)
}

# The last block of the text log (the last commit shown).
last_block() { awk 'BEGIN { RS = "" } { b = $0 } END { print b }' "$OUT"; }

# hand_commit MESSAGE [GIT ENV…]: commits every change with plain git.
hand_commit() {
    local msg="$1"
    shift
    if ! { git -C "$S" add -A && env "$@" git -C "$S" commit -q -m "$msg"; }; then fail "git commit failed"; fi
}

test_the_log_of_a_case_reads_as_its_history_oldest_first() {
    setup
    run prevent -C "$S" log "$C1"
    assert_rc 0
    assert_stderr_empty
    # One block per commit that changed the case, in order, with its action.
    assert_eq "$(grep -E '^[0-9a-f]{12}  ' "$OUT" | awk '{print $5}' | tr '\n' ' ')" \
        "refer triage panel-decide panel-consent panel-consent panel-action panel-action " "actions in order"
    assert_stdout_contains "Test Coordinator <coordinator@example.invalid>"
    assert_stdout_contains "    file: (none) → cases/2026/PRV-2026-0001.yaml"
    assert_stdout_contains "    referral.received: (none) → 2026-11-02"
    assert_stdout_contains "    triage.outcome: (none) → channel-panel"
    assert_stdout_contains "    triage.section36.by: (none) → Example Counter Terrorism Policing"
    assert_stdout_contains "    panel[1].decision: (none) → adopt"
    # The consent history: each entry appended, none overwritten.
    assert_stdout_contains "    consent[1].status: (none) → requested"
    assert_stdout_contains "    consent[2].status: (none) → given"
    assert_not_contains "$(stdout)" "requested → given" "stdout"
    assert_stdout_contains "    support_plan[A1].provider: changed (personal data)"
    assert_stdout_contains "    support_plan[A1].status: open → done"
    assert_stdout_contains "    support_plan[A1].closed: (none) → 2026-11-20"
    assert_matches "$(stdout)" "^[0-9a-f]{12}  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}  refer  " \
        "the first block's header"
    # The other case is not in it.
    assert_not_contains "$(stdout)" "PRV-2026-0002" "log of $C1"
}

test_personal_fields_are_shown_as_changed_without_their_values() {
    setup
    run prevent -C "$S" log "$C1"
    assert_rc 0
    assert_stdout_contains "    referral.subject.name: changed (personal data)"
    assert_stdout_contains "    referral.concern.summary: changed (personal data)"
    assert_stdout_contains "    triage.rationale: changed (personal data)"
    assert_stdout_contains "    panel[1].rationale: changed (personal data)"
    assert_stdout_contains "    referral.subject.gender: (none) → male"
    assert_no_personal_data "$(stdout)$(stderr)" "log $C1"
    run prevent -C "$S" log "$C1" --show-personal
    assert_rc 0
    assert_stdout_contains "    referral.subject.name: (none) → Zorvan Quillet"
    assert_stdout_contains "    triage.rationale: (none) → Fictional rationale Corvantile"
    assert_stdout_contains "    referral.subject.date_of_birth: (none) → 2009-07-23"
    assert_stdout_contains "    support_plan[A1].provider: (none) → Example Intervention Provider"
}

test_the_json_log_has_the_documented_keys() {
    setup
    run prevent -C "$S" log "$C1" --format json
    assert_rc 0
    assert_no_personal_data "$(stdout)" "log --format json"
    local got
    got="$(json_eval '[list(e.keys()) for e in d][0]' <"$OUT")"
    assert_eq "$got" "['commit', 'author', 'date', 'action', 'hand_edit', 'cases', 'meetings', 'changes', 'other_files', 'committer', 'commit_date', 'author_date_differs', 'signature']" "keys"
    assert_eq "$(json_eval 'len(d)' <"$OUT")" 7 "entries"
    assert_eq "$(json_eval '[e["action"] for e in d]' <"$OUT")" \
        "['refer', 'triage', 'panel-decide', 'panel-consent', 'panel-consent', 'panel-action', 'panel-action']" "actions"
    assert_eq "$(json_eval 'd[0]["author"]' <"$OUT")" "{'name': 'Test Coordinator', 'email': 'coordinator@example.invalid'}" "author"
    assert_eq "$(json_eval 'len(d[0]["commit"])' <"$OUT")" 40 "commit id length"
    assert_eq "$(json_eval 'd[0]["commit"]' <"$OUT")" "$(git -C "$S" log --reverse --format=%H -- cases/2026/$C1.yaml | head -1)" "first commit"
    assert_matches "$(json_eval 'd[0]["date"]' <"$OUT")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$' "date"
    assert_eq "$(json_eval 'd[0]["hand_edit"]' <"$OUT")" False "hand_edit"
    assert_eq "$(json_eval '[c for c in d[1]["changes"] if c["field"] == "triage.outcome"]' <"$OUT")" \
        "[{'case': 'PRV-2026-0001', 'field': 'triage.outcome', 'from': None, 'to': 'channel-panel'}]" "the triage outcome change"
    assert_eq "$(json_eval '[c for c in d[1]["changes"] if c["field"] == "triage.rationale"]' <"$OUT")" \
        "[{'case': 'PRV-2026-0001', 'field': 'triage.rationale', 'personal': True}]" "a personal change"
    run prevent -C "$S" log "$C1" --format json --show-personal
    assert_eq "$(json_eval '[c for c in d[1]["changes"] if c["field"] == "triage.rationale"]' <"$OUT")" \
        "[{'case': 'PRV-2026-0001', 'field': 'triage.rationale', 'from': None, 'to': 'Fictional rationale Corvantile', 'personal': True}]" \
        "a personal change with --show-personal"
}

test_a_hand_edit_is_in_the_log_with_its_author() {
    setup
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$S/cases/2026/$C1.yaml"
    hand_commit "Correct the agency" GIT_AUTHOR_NAME="Audit Tester" GIT_AUTHOR_EMAIL=auditor@example.invalid
    run prevent -C "$S" log "$C1"
    assert_rc 0
    assert_matches "$(last_block)" "^[0-9a-f]{12}  .*  hand edit  Audit Tester <auditor@example.invalid>$" "last block"
    assert_contains "$(last_block)" "    referral.source.agency: Example Academy → Example Free School" "last block"
    run prevent -C "$S" log "$C1" --format json
    assert_eq "$(json_eval 'd[-1]["hand_edit"], d[-1]["action"]' <"$OUT")" "(True, 'hand edit')" "the hand edit in JSON"
}

test_an_unreadable_version_is_said_so_and_does_not_stop_the_log() {
    setup
    sed -i 's/^    name: Zorvan Quillet$/    name: [Zorvan Quillet/' "$S/cases/2026/$C1.yaml"
    hand_commit "Break the YAML"
    git -C "$S" revert --no-edit HEAD >/dev/null || fail "git revert failed"
    run prevent -C "$S" log "$C1"
    assert_rc 0
    assert_stdout_contains "    file: cases/2026/PRV-2026-0001.yaml → unreadable version"
    assert_stdout_contains "    file: unreadable version → cases/2026/PRV-2026-0001.yaml"
    assert_no_personal_data "$(stdout)$(stderr)" "log"
}

test_a_meeting_that_names_the_case_is_in_its_log() {
    setup
    pv_ok "$S" "$AS_OF" panel attend 2026-11-10 --declare "Housing Officer@Example Homes:$C1"
    run prevent -C "$S" log "$C1"
    assert_rc 0
    assert_contains "$(last_block)" "panel-attend" "last block"
    assert_contains "$(last_block)" "  meeting 2026-11-10" "last block"
    assert_contains "$(last_block)" "$C1" "last block"
    run prevent -C "$S" log PRV-2026-0002
    assert_rc 0
    assert_not_contains "$(stdout)" "panel-attend" "log of PRV-2026-0002"
    assert_not_contains "$(stdout)" "meeting" "log of PRV-2026-0002"
}

test_a_deleted_case_keeps_its_log() {
    setup
    git -C "$S" rm -q "cases/2026/PRV-2026-0002.yaml"
    hand_commit "Delete a case"
    run prevent -C "$S" log PRV-2026-0002
    assert_rc 0
    assert_contains "$(last_block)" "    file: cases/2026/PRV-2026-0002.yaml → (none)" "last block"
    assert_eq "$(last_block | wc -l)" 4 "lines of the last block: header, committed, case, file"
}

test_no_such_case_is_exit_3_and_a_malformed_id_exit_5() {
    setup
    expect_refused 3 "$S" prevent -C "$S" log PRV-2026-0099
    assert_stderr_contains "PRV-2026-0099"
    expect_refused 5 "$S" prevent -C "$S" log "Zorvan Quillet"
    expect_refused 5 "$S" prevent -C "$S" log PRV-2026-1
    expect_refused 5 "$S" prevent -C "$S" log ../PRV-2026-0001
}

test_bad_option_values_are_refused() {
    setup
    expect_refused 5 "$S" prevent -C "$S" log --since 2026-02-30
    assert_stderr_contains "--since"
    expect_refused 5 "$S" prevent -C "$S" log --until 27/11/2026
    assert_stderr_contains "--until"
    expect_refused 5 "$S" prevent -C "$S" log --since 2026-11-02 --until 2026-11-01
    expect_refused 5 "$S" prevent -C "$S" log --action triaging
    assert_hint_contains "hand-edit"
    expect_refused 2 "$S" prevent -C "$S" log --format csv
    expect_refused 2 "$S" prevent -C "$S" log --colour
    run prevent -C "$T" log
    assert_rc 6 "log outside a store"
    assert_one_error_line
}

test_the_store_log_lists_every_commit_with_the_cases_it_touched() {
    setup
    run prevent -C "$S" log
    assert_rc 0
    assert_eq "$(grep -cE '^[0-9a-f]{12}  ' "$OUT")" "$(commit_count "$S")" "one block per commit"
    assert_eq "$(grep -E '^[0-9a-f]{12}  ' "$OUT" | head -1 | awk '{print $5}')" "init" "the first block"
    assert_stdout_contains "  other files: prevent.yaml, schemas"
    assert_stdout_contains "  PRV-2026-0002"
    assert_stdout_contains "  meeting 2026-11-10"
    assert_stdout_contains "    chair.role: (none) → Prevent Lead"
    assert_no_personal_data "$(stdout)$(stderr)" "log"
    run prevent -C "$S" log --format json
    assert_eq "$(json_eval '[e["cases"] for e in d if e["action"] == "refer"]' <"$OUT")" \
        "[['PRV-2026-0001'], ['PRV-2026-0002']]" "cases of the refer commits"
    assert_eq "$(json_eval '[e["meetings"] for e in d if e["action"] == "panel-new"]' <"$OUT")" \
        "[['2026-11-10']]" "meetings of the panel-new commit"
}

test_the_store_log_filters_by_author_action_and_date() {
    setup
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$S/cases/2026/$C1.yaml"
    hand_commit "Correct the agency" GIT_AUTHOR_NAME="Audit Tester" GIT_AUTHOR_EMAIL=auditor@example.invalid \
        GIT_AUTHOR_DATE="2026-03-15T10:00:00+01:00"
    local hand
    hand="$(git -C "$S" rev-parse HEAD)"
    run prevent -C "$S" log --author AUDIT --format json
    assert_rc 0
    assert_eq "$(json_eval '[e["commit"] for e in d]' <"$OUT")" "['$hand']" "--author AUDIT"
    run prevent -C "$S" log --author auditor@example --format json
    assert_eq "$(json_eval '[e["commit"] for e in d]' <"$OUT")" "['$hand']" "--author by e-mail"
    run prevent -C "$S" log --action hand-edit --format json
    assert_eq "$(json_eval '[e["commit"] for e in d]' <"$OUT")" "['$hand']" "--action hand-edit"
    assert_eq "$(json_eval 'd[0]["date"]' <"$OUT")" "2026-03-15T10:00:00+01:00" "the author date, in its own offset"
    run prevent -C "$S" log --since 2026-03-15 --until 2026-03-15 --format json
    assert_eq "$(json_eval '[e["commit"] for e in d]' <"$OUT")" "['$hand']" "--since/--until one day"
    run prevent -C "$S" log --since 2026-03-16 --until 2026-03-31 --format json
    assert_stdout_eq "[]"
    run prevent -C "$S" log --action panel-consent --format json
    assert_eq "$(json_eval 'len(d)' <"$OUT")" 2 "--action panel-consent"
    run prevent -C "$S" log --action triage --author coordinator
    assert_eq "$(grep -cE '^[0-9a-f]{12}  ' "$OUT")" 1 "--action triage --author coordinator"
    run prevent -C "$S" log "$C1" --action panel-consent --format json
    assert_eq "$(json_eval '[e["action"] for e in d]' <"$OUT")" "['panel-consent', 'panel-consent']" "log ID --action"
    run prevent -C "$S" log --author nobody-at-all
    assert_rc 0
    assert_stdout_empty
}

# Anyone sets the author's date (GIT_AUTHOR_DATE); the log shows the
# committer and the commit date too, and marks the two far apart.
test_the_log_shows_the_committer_and_commit_date_and_marks_an_author_date_set_by_hand() {
    setup
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$S/cases/2026/$C1.yaml"
    hand_commit "Correct the agency" GIT_AUTHOR_NAME="Audit Tester" GIT_AUTHOR_EMAIL=auditor@example.invalid \
        GIT_AUTHOR_DATE="2026-03-15T10:00:00+01:00" GIT_COMMITTER_DATE="2026-11-20T09:30:00+00:00"
    run prevent -C "$S" log "$C1"
    assert_rc 0
    assert_contains "$(last_block)" "  hand edit  Audit Tester <auditor@example.invalid>" "last block"
    assert_contains "$(last_block)" "  committed 2026-11-20 09:30:00 +0000 by Test Coordinator <coordinator@example.invalid>, not signed; the author's date is more than a day from the commit date" "last block"
    run prevent -C "$S" log "$C1" --format json
    assert_eq "$(json_eval 'd[-1]["committer"], d[-1]["commit_date"], d[-1]["author_date_differs"], d[-1]["signature"]' <"$OUT")" \
        "({'name': 'Test Coordinator', 'email': 'coordinator@example.invalid'}, '2026-11-20T09:30:00+00:00', True, {'state': 'none'})" \
        "committer, commit date, the mark and the signature in JSON"
    assert_eq "$(json_eval 'd[0]["author_date_differs"]' <"$OUT")" False "a commit of prevent"
    run prevent -C "$S" log "$C1"
    assert_contains "$(grep -A1 -E '^[0-9a-f]{12}  .*  refer  ' "$OUT")" "  committed " "the refer block"
    assert_not_contains "$(grep -A1 -E '^[0-9a-f]{12}  .*  refer  ' "$OUT")" "more than a day" "the refer block"
}

# prevent.yaml holds settings, not personal data: the log shows each
# setting's old and new value, and vocabulary entries by key.
test_the_log_shows_each_setting_changed_in_prevent_yaml() {
    setup
    sed -i 's/^suppression_threshold: 5$/suppression_threshold: 0/' "$S/prevent.yaml"
    sed -i 's/^  sectors:$/  sectors:\n    - key: charity\n      label: Charity/' "$S/prevent.yaml"
    sed -i '/^  support_types:$/,${/^    - key: housing$/{N;d}}' "$S/prevent.yaml"
    hand_commit "Change the settings by hand"
    run prevent -C "$S" log --action hand-edit
    assert_rc 0
    assert_stdout_contains "  prevent.yaml
    suppression_threshold: 5 → 0
    vocabularies.sectors[charity]: (none) → Charity"
    assert_stdout_contains "    vocabularies.support_types[housing]: Housing → (none)"
    run prevent -C "$S" log --action hand-edit --format json
    assert_eq "$(json_eval '[c for c in d[0]["changes"] if c["field"] == "suppression_threshold"]' <"$OUT")" \
        "[{'config': 'prevent.yaml', 'field': 'suppression_threshold', 'from': '5', 'to': '0'}]" "the setting in JSON"
    assert_eq "$(json_eval 'd[0]["cases"], d[0]["meetings"], d[0]["other_files"]' <"$OUT")" "([], [], ['prevent.yaml'])" "files in JSON"
}

run_tests "$@"

#!/usr/bin/env bash
# `prevent show ID`: one case in full with its derived stage (SPEC §3, §6).
# shellcheck disable=SC2016 # literal `$schema` and `$(…)` text is meant
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
setup_store_with_a_case() { # [--no-hook]
    S="$T/store"
    new_store "$S" "$@"
    refer_ok "$S"
}

test_show_prints_the_case_as_yaml_with_its_stage_after_the_id() {
    setup_store_with_a_case
    run prevent -C "$S" show PRV-2026-0001 --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(sed -n 1p "$OUT")" "id: PRV-2026-0001" "first line"
    assert_eq "$(sed -n 2p "$OUT")" "stage: awaiting-triage" "second line"
    # A summary as comment lines, before the record.
    assert_eq "$(sed -n 3,5p "$OUT")" $'# due: triage by 2026-11-10 (17 days overdue)\n# open actions: none\n# consent: none recorded' "summary"
    assert_eq "$(sed -n 6p "$OUT")" "referral:" "the record after the summary"
    # show is how a coordinator reads a case: personal data is shown.
    assert_stdout_contains "name: Zorvan Quillet"
    assert_stdout_contains "date_of_birth: 2009-07-23"
    assert_stderr_empty
    # It is the stored record with the stage and the summary added.
    assert_eq "$(sed 2,5d "$OUT")" "$(tail -n +2 "$S/cases/2026/PRV-2026-0001.yaml")" "show without the stage and summary"
}

test_show_json_is_valid_json_with_the_stage() {
    setup_store_with_a_case
    run prevent -C "$S" show PRV-2026-0001 --format json --as-of "$AS_OF"
    assert_rc 0
    "$PYTHON" -m json.tool <"$OUT" >/dev/null 2>&1 || fail "show --format json is not valid JSON"
    assert_eq "$(json_eval "list(d.keys())[:3]" <"$OUT")" "['id', 'stage', 'referral']" "first keys"
    assert_eq "$(json_eval "d['stage']" <"$OUT")" "awaiting-triage" "stage"
    assert_eq "$(json_eval "d['referral']['received']" <"$OUT")" "2026-11-03" "received"
    assert_eq "$(json_eval "d['referral']['subject']['postcode_district']" <"$OUT")" "ZZ4" "postcode district"
    assert_eq "$(json_eval "list(d.keys())[-1]" <"$OUT")" "summary" "the summary, last"
    assert_eq "$(json_eval "d['summary']" <"$OUT")" \
        "{'due': ['triage by 2026-11-10 (17 days overdue)'], 'open_actions': [], 'consent': 'none recorded'}" "summary"
}

test_show_summarises_due_items_open_actions_and_consent_in_comments() {
    setup_store_with_a_case
    local -a p=(prevent -C "$S" --as-of "$AS_OF" -q)
    "${p[@]}" triage "$ID" --outcome channel-panel --date 2026-11-20 --s36-date 2026-11-20 \
        --s36-by "Counter Terrorism Policing North West" || fail "triage"
    "${p[@]}" panel new 2026-11-26 --chair "Prevent Lead@Example Borough Council" \
        --police "Detective Sergeant@Example Constabulary" || fail "panel new"
    "${p[@]}" panel decide "$ID" --meeting 2026-11-26 --decision adopt || fail "decide"
    "${p[@]}" panel consent "$ID" --status given --by parent-guardian --date 2026-11-27 || fail "consent"
    "${p[@]}" panel action "$ID" add --support ideological-mentoring --provider "Fictional Mentor" \
        --due 2026-12-15 >/dev/null || fail "action"
    run prevent -C "$S" show "$ID" --as-of 2026-12-20
    assert_rc 0
    assert_eq "$(sed -n 1,5p "$OUT")" "id: PRV-2026-0001
stage: supported
# due: action A1 by 2026-12-15 (5 days overdue); monthly-review by 2026-12-24
# open actions: A1 ideological-mentoring, due 2026-12-15
# consent: given by parent-guardian on 2026-11-27" "the summary"
    # Still YAML that parses to the record's keys.
    if "$PYTHON" -c 'import yaml' 2>/dev/null; then
        assert_eq "$("$PYTHON" -c 'import sys, yaml; d = yaml.safe_load(sys.stdin); print(d["stage"], d["support_plan"][0]["id"])' <"$OUT")" \
            "supported A1" "the YAML parsed"
    fi
}

test_show_json_keeps_text_that_looks_like_numbers_as_strings() {
    S="$T/store"
    new_store "$S"
    refer_ok "$S" agency="1234" referrer-role="true" summary="0x10"
    run prevent -C "$S" show "$ID" --format json --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(json_eval "repr(d['referral']['source']['agency']) + repr(d['referral']['source']['referrer_role']) + repr(d['referral']['concern']['summary'])" <"$OUT")" \
        "'1234''true''0x10'" "text values"
}

test_show_derives_the_stage_from_the_record() {
    S="$T/store"
    new_store "$S"
    {
        case_yaml received=2026-10-01
        printf 'triage:\n  completed: 2026-10-02\n  outcome: no-further-action\n'
    } >"$T/in/case.yaml"
    run prevent -C "$S" refer --file "$T/in/case.yaml" --as-of "$AS_OF"
    assert_rc 0
    run prevent -C "$S" show PRV-2026-0001 --as-of "$AS_OF"
    assert_eq "$(sed -n 2p "$OUT")" "stage: no-further-action" "stage"
    assert_not_contains "$(cat "$S/cases/2026/PRV-2026-0001.yaml")" "stage:" "the stored record"
}

test_show_refuses_malformed_ids() {
    setup_store_with_a_case
    local id
    for id in ../../etc/passwd "PRV-2026-0001/../x" /etc/passwd "PRV-2026-1; rm -rf /" "PRV-2026-0001 " \
        PRV-2026-00001 prv-2026-0001 PRV-2026-0000 PRV-26-0001 PRV-2026- "" cases/2026/PRV-2026-0001.yaml \
        'PRV-2026-$(id)' $'PRV-2026-0001\nPRV-2026-0002'; do
        expect_refusal 5 "$S" prevent -C "$S" show "$id" --as-of "$AS_OF"
    done
}

test_show_of_a_well_formed_unknown_id_is_not_found() {
    setup_store_with_a_case
    local id
    for id in PRV-2026-0002 PRV-2025-0001 PRV-2026-10000 SK-2026-0001; do
        expect_refusal 3 "$S" prevent -C "$S" show "$id" --as-of "$AS_OF"
        assert_stderr_contains "$id"
    done
}

test_show_with_an_unknown_format_is_a_usage_error() {
    setup_store_with_a_case
    expect_refusal 2 "$S" prevent -C "$S" show PRV-2026-0001 --format csv --as-of "$AS_OF"
    expect_refusal 2 "$S" prevent -C "$S" show --as-of "$AS_OF"
}

test_show_reads_what_is_committed_not_the_work_tree() {
    setup_store_with_a_case
    sed -i 's/Zorvan Quillet/Edited Byhand/' "$S/cases/2026/PRV-2026-0001.yaml"
    run prevent -C "$S" show PRV-2026-0001 --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_contains "Zorvan Quillet"
}

test_show_of_a_case_broken_by_a_hand_edit_is_invalid_data() {
    setup_store_with_a_case --no-hook
    sed -i 's/^  route: email$/  route: carrier-pigeon/' "$S/cases/2026/PRV-2026-0001.yaml"
    git -C "$S" commit -q -am "Break the route by hand" || fail "git commit failed"
    expect_refusal 5 "$S" prevent -C "$S" show PRV-2026-0001 --as-of "$AS_OF"
    assert_stderr_contains "cases/2026/PRV-2026-0001.yaml"
}

test_show_outside_a_store_is_a_store_problem() {
    mkdir "$T/elsewhere"
    run_in "$T/elsewhere" "$PREVENT" show PRV-2026-0001 --as-of "$AS_OF"
    assert_rc 6
    assert_one_error_line
}

test_a_malformed_id_wins_over_a_missing_store() {
    # SPEC §6 precedence: 5 before 6.
    mkdir "$T/elsewhere"
    run_in "$T/elsewhere" "$PREVENT" show ../../etc/passwd --as-of "$AS_OF"
    assert_rc 5
    assert_one_error_line
}

run_tests "$@"

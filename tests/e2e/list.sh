#!/usr/bin/env bash
# `prevent list`: the table of cases, its formats and filters (SPEC §6).
#
# Not tested here: the `'` prefix of CSV cells beginning with = + - or @.
# No column of `list` can carry such text: IDs, stage keys and dates have
# fixed forms and vocabulary keys must match ^[a-z0-9][a-z0-9-]*$ (the
# config schema). The agency, where a formula-looking value can be stored
# (import.sh), is not a column of `list`.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
HEADER="id,stage,received,sector,concern,next_due"

# Five cases: two years, three stages, four sectors, a repeat referral.
setup_store_with_cases() { # [--no-hook]
    S="$T/store"
    new_store "$S" "$@"
    {
        echo "---"
        case_yaml received=2026-11-03 sector=education concern=extreme-right-wing name="Zorvan Quillet" dob=2009-07-23 postcode=ZZ4
        echo "---"
        case_yaml received=2026-10-01 sector=health concern=islamist name="Maribex Tundrell" dob=2008-03-19 postcode=ZZ7
        printf 'triage:\n  completed: 2026-10-02\n  outcome: no-further-action\n  rationale: Fictional rationale one\n'
        echo "---"
        case_yaml received=2026-09-15 sector=police concern=islamist name="Quen Arbolt" dob=2001-02-13 postcode=ZZ9 summary="Fictional note about Quen"
        printf 'triage:\n  completed: 2026-09-16\n  outcome: signposted\n  signposted_to: [early-help]\n'
        echo "---"
        case_yaml received=2025-06-30 sector=education concern=conflicted name="Tirva Nolsk" dob=1999-12-01 postcode=ZZ2 summary="Fictional note about Tirva"
        echo "---"
        case_yaml received=2026-11-20 sector=community concern=extreme-right-wing name="zorvan  QUILLET" dob=2009-07-23 postcode=ZZ4
    } >"$T/in/cases.yaml"
    PERSONAL+=("Quen Arbolt" 2001-02-13 ZZ9 "Tirva Nolsk" 1999-12-01 ZZ2 "Fictional rationale one" "Fictional note about")
    run prevent -C "$S" -q import "$T/in/cases.yaml" --as-of "$AS_OF"
    [[ $RC -eq 0 ]] || { fail "import of the test cases failed"; _show "$ERR"; }
}

# The IDs of a CSV listing on stdout, space-separated.
listed_ids() {
    tail -n +2 "$OUT" | tr -d '\r' | cut -d, -f1 | tr '\n' ' '
}

# list_ids EXPECTED [list options…]: the filter selects exactly EXPECTED.
list_ids() {
    local expected="$1"
    shift
    run prevent -C "$S" list --format csv --as-of "$AS_OF" "$@"
    assert_rc 0 "list $*"
    assert_eq "$(listed_ids)" "$expected" "IDs listed by: list $*"
}

test_list_csv_has_the_contract_columns_and_crlf_line_ends() {
    setup_store_with_cases
    run prevent -C "$S" list --format csv --as-of "$AS_OF"
    assert_rc 0
    assert_stderr_empty
    local expected
    expected="$HEADER"$'\r\n'
    expected+="PRV-2025-0001,awaiting-triage,2025-06-30,education,conflicted,2025-07-07"$'\r\n'
    expected+="PRV-2026-0001,awaiting-triage,2026-11-03,education,extreme-right-wing,2026-11-10"$'\r\n'
    expected+="PRV-2026-0002,no-further-action,2026-10-01,health,islamist,"$'\r\n'
    expected+="PRV-2026-0003,signposted,2026-09-15,police,islamist,"$'\r\n'
    expected+="PRV-2026-0004,awaiting-triage,2026-11-20,community,extreme-right-wing,2026-11-27"$'\r\n'
    # Compare bytes, line ends included ($(…) would drop the last CRLF).
    printf '%s' "$expected" >"$T/expected.csv"
    cmp -s "$OUT" "$T/expected.csv" || { fail "list --format csv differs from the expected bytes"; diff <(od -c "$T/expected.csv") <(od -c "$OUT") | head -20; }
    # A CSV reader sees six columns in every row.
    assert_eq "$("$PYTHON" -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=""))); print(sorted(set(len(x) for x in r)), len(r))' "$OUT")" "[6] 6" "column counts and rows"
}

test_list_json_is_an_array_of_objects_with_the_contract_keys() {
    setup_store_with_cases
    run prevent -C "$S" list --format json --as-of "$AS_OF"
    assert_rc 0
    "$PYTHON" -m json.tool <"$OUT" >/dev/null 2>&1 || fail "list --format json is not valid JSON"
    assert_eq "$(json_eval "type(d).__name__ + ' ' + str(len(d))" <"$OUT")" "list 5" "shape"
    assert_eq "$(json_eval "sorted(set(tuple(o.keys()) for o in d))" <"$OUT")" \
        "[('id', 'stage', 'received', 'sector', 'concern', 'next_due')]" "keys, in order"
    assert_eq "$(json_eval "d[1]" <"$OUT")" \
        "{'id': 'PRV-2026-0001', 'stage': 'awaiting-triage', 'received': '2026-11-03', 'sector': 'education', 'concern': 'extreme-right-wing', 'next_due': '2026-11-10'}" "second object"
    assert_eq "$(json_eval "[o['next_due'] for o in d]" <"$OUT")" "['2025-07-07', '2026-11-10', None, None, '2026-11-27']" "next_due values"
}

test_list_yaml_and_table_carry_the_same_rows() {
    setup_store_with_cases
    run prevent -C "$S" list --format yaml --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(grep -c '^- id: ' "$OUT")" 5 "YAML items"
    assert_eq "$(grep -oE '^  [a-z_]+:' "$OUT" | sort -u | tr -d ' :' | tr '\n' ' ')" "concern next_due received sector stage " "YAML keys"
    if "$PYTHON" -c 'import yaml' 2>/dev/null; then
        assert_eq "$("$PYTHON" -c 'import yaml,sys; d=yaml.safe_load(open(sys.argv[1])); print([(o["id"], o["stage"], str(o["next_due"])) for o in d][2])' "$OUT")" \
            "('PRV-2026-0002', 'no-further-action', 'None')" "third YAML item"
    fi
    run prevent -C "$S" list --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(sed -n 1p "$OUT" | tr -s ' ')" "id stage received sector concern next_due" "table header"
    assert_eq "$(sed -n 3p "$OUT" | tr -s ' ')" "PRV-2026-0001 awaiting-triage 2026-11-03 education extreme-right-wing 2026-11-10" "table row"
    assert_eq "$(wc -l <"$OUT")" 6 "table lines"
}

test_list_of_an_empty_store() {
    S="$T/store"
    new_store "$S"
    run prevent -C "$S" list --format csv --as-of "$AS_OF"
    assert_rc 0
    printf '%s\r\n' "$HEADER" >"$T/expected.csv"
    cmp -s "$OUT" "$T/expected.csv" || fail "an empty CSV listing is not the header alone"
    run prevent -C "$S" list --format json --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(json_eval "d" <"$OUT")" "[]" "empty JSON listing"
    run prevent -C "$S" list --format yaml --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(tr -d '\n' <"$OUT")" "[]" "empty YAML listing"
    run prevent -C "$S" list --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(sed -n 1p "$OUT" | tr -s ' ')" "id stage received sector concern next_due" "table header"
}

test_list_filters_by_stage() {
    setup_store_with_cases
    list_ids "PRV-2025-0001 PRV-2026-0001 PRV-2026-0004 " --stage awaiting-triage
    list_ids "PRV-2026-0003 " --stage signposted
    list_ids "PRV-2026-0002 " --stage no-further-action
    list_ids "" --stage supported
}

test_list_filters_by_sector_and_concern() {
    setup_store_with_cases
    list_ids "PRV-2025-0001 PRV-2026-0001 " --sector education
    list_ids "PRV-2026-0004 " --sector community
    list_ids "" --sector prisons
    list_ids "PRV-2026-0002 PRV-2026-0003 " --concern islamist
    list_ids "PRV-2026-0001 PRV-2026-0004 " --concern extreme-right-wing
    list_ids "PRV-2026-0001 " --sector education --concern extreme-right-wing
}

test_list_filters_by_received_dates_inclusively() {
    setup_store_with_cases
    list_ids "PRV-2026-0001 PRV-2026-0002 PRV-2026-0004 " --received-from 2026-10-01
    list_ids "PRV-2025-0001 PRV-2026-0002 PRV-2026-0003 " --received-to 2026-10-01
    list_ids "PRV-2026-0002 PRV-2026-0003 " --received-from 2026-09-15 --received-to 2026-10-01
    list_ids "" --received-from 2026-10-02 --received-to 2026-11-02
    list_ids "PRV-2026-0001 " --stage awaiting-triage --sector education --received-from 2026-01-01
}

test_list_related_to_shows_linked_cases_either_way() {
    setup_store_with_cases
    list_ids "PRV-2026-0004 " --related-to PRV-2026-0001
    list_ids "PRV-2026-0001 " --related-to PRV-2026-0004
    list_ids "" --related-to PRV-2026-0002
    run prevent -C "$S" list --format json --related-to PRV-2026-0002 --as-of "$AS_OF"
    assert_eq "$(json_eval "d" <"$OUT")" "[]" "JSON with nothing listed"
}

test_next_due_of_triage_skips_weekends_and_bank_holidays() {
    S="$T/store"
    new_store "$S"
    # Tuesday 23 December 2025: 24, 29, 30, 31 December and 2 January are
    # the five working days (25 and 26 December and 1 January are holidays,
    # from the rules: the store lists none).
    referral_flags received=2025-12-23
    run prevent -C "$S" refer "${REFER_FLAGS[@]}"
    assert_rc 0
    run prevent -C "$S" list --format csv --as-of 2025-12-31
    assert_eq "$(tail -n +2 "$OUT" | tr -d '\r' | cut -d, -f6)" "2026-01-02" "next_due"
}

test_list_refuses_a_bad_stage_sector_concern_or_date() {
    setup_store_with_cases
    expect_refusal 5 "$S" prevent -C "$S" list --stage bogus --as-of "$AS_OF"
    assert_hint_contains "awaiting-triage"
    expect_refusal 5 "$S" prevent -C "$S" list --stage "Awaiting-Triage" --as-of "$AS_OF"
    expect_refusal 5 "$S" prevent -C "$S" list --sector nhs --as-of "$AS_OF"
    assert_hint_contains "education"
    expect_refusal 5 "$S" prevent -C "$S" list --concern islamism --as-of "$AS_OF"
    assert_hint_contains "extreme-right-wing"
    local d
    for d in 2026-02-30 2026-13-01 tomorrow 01/10/2026; do
        expect_refusal 5 "$S" prevent -C "$S" list --received-from "$d" --as-of "$AS_OF"
        assert_stderr_contains "--received-from"
        expect_refusal 5 "$S" prevent -C "$S" list --received-to "$d" --as-of "$AS_OF"
        assert_stderr_contains "--received-to"
    done
    expect_refusal 5 "$S" prevent -C "$S" list --related-to ../../etc/passwd --as-of "$AS_OF"
}

test_list_refuses_an_unknown_format_or_option() {
    setup_store_with_cases
    expect_refusal 2 "$S" prevent -C "$S" list --format xml --as-of "$AS_OF"
    expect_refusal 2 "$S" prevent -C "$S" list --format CSV --as-of "$AS_OF"
    expect_refusal 2 "$S" prevent -C "$S" list --show-personal-everything --as-of "$AS_OF"
}

test_list_never_shows_personal_data() {
    setup_store_with_cases
    local f
    for f in table csv json yaml; do
        run prevent -C "$S" list --format "$f" --as-of "$AS_OF"
        assert_rc 0 "list --format $f"
        assert_no_personal_data "$(stdout)" "list --format $f"
        assert_no_personal_data "$(stderr)" "stderr of list --format $f"
        assert_not_contains "$(stdout)" "Example Academy" "list --format $f (agency is not a column)"
    done
}

test_list_is_read_only_and_reads_what_is_committed() {
    setup_store_with_cases
    sed -i 's/sector: health/sector: police/' "$S/cases/2026/PRV-2026-0002.yaml"
    local before
    before="$(snapshot "$S")"
    list_ids "PRV-2026-0002 " --sector health
    assert_eq "$(snapshot "$S")" "$before" "the store after list"
}

# A hand edit that breaks one file must not hide every other case from the
# coordinator: the listing shows the rest, names the file, and exits 5.
test_an_unreadable_case_file_is_reported_and_the_others_still_listed() {
    setup_store_with_cases --no-hook
    local f
    f="$(git -C "$S" ls-files cases | head -n 1)"
    printf 'id: [unclosed\n' >"$S/$f"
    git -C "$S" commit -q -am "Break a file by hand" || fail "git commit failed"
    run prevent -C "$S" list --format csv --as-of "$AS_OF"
    assert_rc 5
    assert_eq "$(tail -n +2 "$OUT" | wc -l | tr -d ' ')" "4" "rows listed"
    assert_stderr_contains "$f"
    assert_stderr_contains "could not be read"
    assert_no_personal_data "$(stdout)$(stderr)"
}

test_a_malformed_as_of_is_invalid_data_even_where_today_is_not_used() {
    setup_store_with_cases
    run prevent -C "$S" list --as-of 2026-02-30
    assert_rc 5
    assert_one_error_line
    assert_stdout_empty
}

run_tests "$@"

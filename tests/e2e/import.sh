#!/usr/bin/env bash
# `prevent import`: a YAML stream or a CSV of referrals, all or nothing, in
# one commit (SPEC §2.1, §2.3, §6, §8).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
setup_store() {
    S="$T/store"
    new_store "$S"
}

# A case triaged to the panel and adopted at the meeting of DATE.
panel_case_yaml() { # panel_case_yaml MEETING-DATE [case_yaml KEY=VALUE]…
    local meeting="$1"
    shift
    case_yaml received=2026-10-01 "$@"
    cat <<EOF
triage:
  completed: 2026-10-05
  outcome: channel-panel
  section36:
    decided: 2026-10-05
    by: Example Counter Terrorism Policing
panel:
  - meeting: $meeting
    decision: adopt
    method: consensus
EOF
}

# A meeting with a chair and no police representative.
meeting_without_police() { # meeting_without_police DATE
    run prevent -C "$S" panel new "$1" --as-of "$AS_OF" \
        --chair "Prevent Lead@Example Borough Council" --attendee "Team Manager@Example Children's Services"
    [[ $RC -eq 0 ]] || { fail "panel new $1 failed"; _show "$ERR"; }
}

# The first line of each document of a `---`-separated stream.
doc_starts() { # doc_starts FILE -> sets STARTS (0-based: STARTS[0] is the first document)
    mapfile -t STARTS < <(grep -n '^---$' "$1" | cut -d: -f1 | awk '{print $1 + 1}')
}
STARTS=()

# N referral documents with distinct people, `---`-separated, on stdout.
many_cases() { # many_cases N
    local i
    for ((i = 1; i <= $1; i++)); do
        echo "---"
        case_yaml name="Person Fictional$i" dob="2001-01-$(printf '%02d' $(((i % 28) + 1)))" \
            received="2026-$(printf '%02d' $(((i % 10) + 1)))-15" summary="Fictional summary $i"
    done
}

# ---------------------------------------------------------------------------
# YAML streams

test_a_yaml_stream_is_imported_in_one_commit_with_a_trailer_per_case() {
    setup_store
    {
        echo "---"
        case_yaml id=PRV-2026-0005 name="Quen Arbolt" dob=2000-01-01
        echo "---"
        case_yaml name="Tirva Nolsk" dob=2001-02-02 received=2026-02-01
        echo "---"
        case_yaml name="Ulmo Prask" dob=2002-03-03 received=2025-06-30
    } >"$T/in/cases.yaml"
    run prevent -C "$S" import "$T/in/cases.yaml" --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_empty
    assert_eq "$(commit_count "$S")" 2 "number of commits"
    assert_file_exists "$S/cases/2026/PRV-2026-0005.yaml"
    assert_file_exists "$S/cases/2026/PRV-2026-0006.yaml"
    assert_file_exists "$S/cases/2025/PRV-2025-0001.yaml"
    assert_eq "$(git_in "$S" show --name-only --format= HEAD | sort | tr '\n' ' ')" \
        "cases/2025/PRV-2025-0001.yaml cases/2026/PRV-2026-0005.yaml cases/2026/PRV-2026-0006.yaml " "files in the commit"
    assert_eq "$(head_trailers "$S" Prevent-Case | sort | tr '\n' ' ')" "PRV-2025-0001 PRV-2026-0005 PRV-2026-0006 " "Prevent-Case trailers"
    assert_eq "$(head_trailers "$S" Prevent-Action)" "import" "Prevent-Action trailer"
    assert_eq "$(head_trailers "$S" Prevent-Case-Count)" "" "Prevent-Case-Count trailer"
    assert_matches "$(git_in "$S" log -1 --format=%s)" '^import: ' "commit subject"
    assert_eq "$(case_field "$S" PRV-2026-0006 "d['referral']['subject']['name']")" "Tirva Nolsk" "name of PRV-2026-0006"
    assert_clean "$S"
    assert_no_personal_data "$(git_in "$S" log -1 --format=%B)" "commit message"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_empty
    # New referrals carry on after the highest number.
    refer_ok "$S"
    assert_eq "$ID" "PRV-2026-0007" "next ID"
}

test_a_stream_without_leading_marker_or_with_an_end_marker_is_read() {
    setup_store
    {
        case_yaml name="Quen Arbolt"
        echo "..."
        echo "---"
        case_yaml name="Tirva Nolsk"
        echo "..."
    } >"$T/in/cases.yaml"
    run prevent -C "$S" import "$T/in/cases.yaml" --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(head_trailers "$S" Prevent-Case | tr '\n' ' ')" "PRV-2026-0001 PRV-2026-0002 " "Prevent-Case trailers"
}

test_a_yaml_stream_with_a_bom_and_crlf_line_ends_is_imported() {
    setup_store
    {
        printf '\xef\xbb\xbf'
        { echo "---"; case_yaml; echo "---"; case_yaml name="Quen Arbolt"; } | sed 's/$/\r/'
    } >"$T/in/windows.yaml"
    run prevent -C "$S" import "$T/in/windows.yaml" --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(case_field "$S" PRV-2026-0002 "d['referral']['subject']['name']")" "Quen Arbolt" "name"
    if grep -rq $'\r' "$S/cases"; then fail "a case file has CR characters"; fi
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0
}

test_an_import_of_20_cases_has_a_trailer_per_case() {
    setup_store
    many_cases 20 >"$T/in/cases.yaml"
    run prevent -C "$S" import "$T/in/cases.yaml" --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(head_trailers "$S" Prevent-Case | wc -l)" 20 "Prevent-Case trailers"
    assert_eq "$(head_trailers "$S" Prevent-Case-Count)" "" "Prevent-Case-Count trailer"
    assert_eq "$(commit_count "$S")" 2 "number of commits"
}

test_an_import_of_more_than_20_cases_names_the_count_instead_of_each_case() {
    setup_store
    many_cases 21 >"$T/in/cases.yaml"
    run prevent -C "$S" import "$T/in/cases.yaml" --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(head_trailers "$S" Prevent-Case)" "" "Prevent-Case trailers"
    assert_eq "$(head_trailers "$S" Prevent-Case-Count)" "21" "Prevent-Case-Count trailer"
    assert_eq "$(head_trailers "$S" Prevent-Action)" "import" "Prevent-Action trailer"
    assert_not_contains "$(git_in "$S" log -1 --format=%B)" "PRV-2026-" "commit message"
    assert_eq "$(commit_count "$S")" 2 "number of commits"
    assert_eq "$(git_in "$S" ls-files cases | wc -l)" 21 "case files"
    assert_clean "$S"
}

test_a_large_import_writes_a_pack_of_its_new_objects_only() {
    # An import of 64 records or more is written as one pack file. It must
    # hold what the import added (the commit, the new trees on the written
    # paths, the records), not every record already in the store again.
    setup_store
    many_cases 70 >"$T/in/first.yaml"
    run prevent -C "$S" import "$T/in/first.yaml" --as-of "$AS_OF" -q
    assert_rc 0
    many_cases 80 | sed 's/Fictional/Imaginary/' >"$T/in/second.yaml"
    run prevent -C "$S" import "$T/in/second.yaml" --as-of "$AS_OF" -q
    assert_rc 0
    local newest added
    newest=$(ls -t "$S"/.git/objects/pack/pack-*.idx | head -1)
    added=$(git_in "$S" rev-list --objects HEAD~1..HEAD | wc -l)
    assert_eq "$(git_in "$S" show-index <"$newest" | wc -l)" "$added" "objects in the second import's pack"
    assert_eq "$(git_in "$S" ls-files cases | wc -l)" 150 "case files"
    run git -C "$S" fsck --no-dangling
    assert_rc 0
    assert_clean "$S"
}

test_a_yaml_stream_may_come_from_standard_input() {
    setup_store
    { echo "---"; case_yaml; echo "---"; case_yaml name="Quen Arbolt"; } >"$T/in/cases.yaml"
    run_stdin "$T/in/cases.yaml" prevent -C "$S" import - --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(git_in "$S" ls-files cases | wc -l)" 2 "case files"
}

test_cases_of_any_stage_are_imported() {
    setup_store
    meeting_ok "$S" 2026-11-05
    {
        echo "---"
        panel_case_yaml 2026-11-05
        echo "---"
        case_yaml name="Quen Arbolt" received=2026-10-01
        printf 'triage:\n  completed: 2026-10-02\n  outcome: police-managed\n'
    } >"$T/in/cases.yaml"
    run prevent -C "$S" import "$T/in/cases.yaml" --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['stage']")" "awaiting-consent" "stage of PRV-2026-0001"
    assert_eq "$(case_field "$S" PRV-2026-0002 "d['stage']")" "police-managed" "stage of PRV-2026-0002"
}

test_repeat_referrals_within_an_import_and_against_the_store_are_linked() {
    setup_store
    refer_ok "$S"
    {
        echo "---"
        case_yaml name="ZORVAN quillet" dob=2009-07-23 received=2026-11-10
        echo "---"
        case_yaml name="Maribex Tundrell" dob=2008-03-19
        echo "---"
        case_yaml name="maribex tundrell" dob=2008-03-19 received=2026-11-12
    } >"$T/in/cases.yaml"
    run prevent -C "$S" import "$T/in/cases.yaml" --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(case_field "$S" PRV-2026-0002 "d.get('related')")" "['PRV-2026-0001']" "related of PRV-2026-0002"
    assert_eq "$(case_field "$S" PRV-2026-0003 "d.get('related')")" "None" "related of PRV-2026-0003"
    assert_eq "$(case_field "$S" PRV-2026-0004 "d.get('related')")" "['PRV-2026-0003']" "related of PRV-2026-0004"
    assert_no_personal_data "$(stderr)" "stderr"
}

# ---------------------------------------------------------------------------
# CSV

test_a_csv_of_referrals_is_imported_with_columns_in_any_order() {
    setup_store
    {
        printf '\xef\xbb\xbf'
        printf 'concern_summary,name,received,route,sector,agency,referrer_role,gender,concern_type,date_of_birth,postcode_district\r\n'
        printf '"Said ""leave us"", then left\nsecond fictional line",Orvel Brisk,2026-10-01,email,education,"=HYPERLINK(""x"")",Head of Year,male,islamist,2005-05-05,ZZ2\r\n'
        printf 'Plain fictional summary,Yassa Mervil,2026-10-02,police,police,Example Constabulary,Police Constable,female,other,,\r\n'
    } >"$T/in/referrals.csv"
    PERSONAL+=("Orvel Brisk" "Yassa Mervil" 2005-05-05 ZZ2 "second fictional line" "Plain fictional summary")
    run prevent -C "$S" import "$T/in/referrals.csv" --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(commit_count "$S")" 2 "number of commits"
    assert_eq "$(head_trailers "$S" Prevent-Case | tr '\n' ' ')" "PRV-2026-0001 PRV-2026-0002 " "Prevent-Case trailers"
    assert_eq "$(case_field "$S" PRV-2026-0001 "repr(d['referral']['concern']['summary'])")" \
        "'Said \"leave us\", then left\\nsecond fictional line'" "quoted summary"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['referral']['source']['agency']")" '=HYPERLINK("x")' "agency stored verbatim"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['referral']['subject']['postcode_district']")" "ZZ2" "postcode"
    assert_eq "$(case_field "$S" PRV-2026-0002 "'date_of_birth' in d['referral']['subject'] or 'postcode_district' in d['referral']['subject']")" \
        "False" "empty optional cells are left out"
    assert_eq "$(case_field "$S" PRV-2026-0002 "d['referral']['route'] + ' ' + d['referral']['source']['sector']")" "police police" "route and sector"
    assert_clean "$S"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_empty
}

test_a_csv_with_lf_line_ends_and_an_id_column_is_imported() {
    setup_store
    {
        echo "id,received,route,sector,agency,referrer_role,name,date_of_birth,gender,postcode_district,concern_type,concern_summary"
        echo "PRV-2026-0042,2026-09-01,email,education,Example Academy,Teacher,Quen Arbolt,2004-04-04,male,ZZ1,conflicted,Fictional one"
        echo ",2026-09-02,email,health,Example Surgery,GP,Tirva Nolsk,,female,,other,Fictional two"
    } >"$T/in/referrals.CSV"
    PERSONAL+=("Quen Arbolt" 2004-04-04 ZZ1 "Tirva Nolsk")
    run prevent -C "$S" import "$T/in/referrals.CSV" --as-of "$AS_OF"
    assert_rc 0
    assert_file_exists "$S/cases/2026/PRV-2026-0042.yaml"
    assert_file_exists "$S/cases/2026/PRV-2026-0043.yaml"
}

test_text_of_any_form_is_stored_and_read_back_exactly() {
    # SPEC §2.2: reading then writing a canonical file gives back the same
    # bytes; the emitter must quote whatever YAML would read otherwise.
    setup_store
    local -a values=("- dash" ": colon" "'single" '"double' "*star" "&amp" "!bang" "%pct" "@at" '`tick'
        "{brace" "[bracket" "|pipe" ">gt" "? q" "yes" "No" "null" "~" "1e3" "0x1F" "2026-01-01" "12:30" "a: b"
        "a #b" "trailing " " leading" $'tab\tin' "#hash" "-" "..." "---" "true" "+1" ".inf" "0o17" "=1+1"
        $'multi\nline' 'back\\slash' "ünïcödé" "a,b" "0123" "1_000" $'line\u2028sep' $'next\u0085line'
        $'bell\x07x' "y" "off" "=")
    "$PYTHON" - "$T/in/tricky.csv" "${values[@]}" <<'PY'
import csv, sys
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["received", "route", "sector", "agency", "referrer_role", "name", "gender", "concern_type", "concern_summary"])
    for i, v in enumerate(sys.argv[2:], 1):
        w.writerow(["2026-11-03", "email", "education", v, v, "Fictional Person %d" % i, "male", "islamist", v])
PY
    run prevent -C "$S" -q import "$T/in/tricky.csv" --as-of "$AS_OF"
    assert_rc 0
    mkdir "$T/shown"
    local i
    for ((i = 1; i <= ${#values[@]}; i++)); do
        prevent -C "$S" show "$(printf 'PRV-2026-%04d' "$i")" --format json --as-of "$AS_OF" >"$T/shown/$i.json" 2>&1
    done
    assert_eq "$("$PYTHON" - "$T/shown" "${values[@]}" <<'PY'
import json, os, sys
bad = []
for i, v in enumerate(sys.argv[2:], 1):
    try:
        d = json.load(open(os.path.join(sys.argv[1], "%d.json" % i), encoding="utf-8", errors="replace"))
        got = (d["referral"]["source"]["agency"], d["referral"]["source"]["referrer_role"], d["referral"]["concern"]["summary"])
    except Exception as e:
        got = repr(e)
    if got != (v, v, v):
        bad.append("%r -> %r" % (v, got))
print("; ".join(bad) or "all exact")
PY
)" "all exact" "values read back"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0 "check --strict"
    assert_stdout_empty
}

test_a_csv_with_an_unknown_column_is_refused_naming_it() {
    setup_store
    {
        echo "received,route,sector,agency,referrer_role,name,gender,concern_type,concern_summary,shoe_size"
        echo "2026-09-01,email,education,Example Academy,Teacher,Quen Arbolt,male,conflicted,Fictional one,9"
    } >"$T/in/referrals.csv"
    PERSONAL+=("Quen Arbolt")
    expect_refusal 5 "$S" prevent -C "$S" import "$T/in/referrals.csv" --as-of "$AS_OF"
    assert_stderr_contains "shoe_size"
}

test_a_csv_missing_a_required_column_is_refused_naming_it() {
    setup_store
    {
        echo "received,route,sector,agency,referrer_role,name,gender,concern_type"
        echo "2026-09-01,email,education,Example Academy,Teacher,Quen Arbolt,male,conflicted"
    } >"$T/in/referrals.csv"
    expect_refusal 5 "$S" prevent -C "$S" import "$T/in/referrals.csv" --as-of "$AS_OF"
    assert_stderr_contains "concern_summary"
}

test_a_csv_with_a_column_twice_is_refused() {
    setup_store
    {
        echo "received,route,sector,agency,referrer_role,name,gender,concern_type,concern_summary,name"
        echo "2026-09-01,email,education,Example Academy,Teacher,Quen Arbolt,male,conflicted,Fictional,Tirva Nolsk"
    } >"$T/in/referrals.csv"
    expect_refusal 5 "$S" prevent -C "$S" import "$T/in/referrals.csv" --as-of "$AS_OF"
    assert_stderr_contains "name"
}

test_bad_csv_rows_are_each_reported_with_their_line() {
    setup_store
    {
        echo "received,route,sector,agency,referrer_role,name,gender,concern_type,concern_summary"
        printf '2026-09-01,email,education,Example Academy,Teacher,Quen Arbolt,male,conflicted,"Fictional\nover two lines"\n'
        echo "2026-09-31,email,education,Example Academy,Teacher,Tirva Nolsk,male,conflicted,Fictional"
        echo "2026-09-03,email,education,Example Academy,Teacher,Ulmo Prask,male,conflicted,Fictional"
        echo "2026-09-04,fax,education,Example Academy,Teacher,Vell Osk,male,conflicted,Fictional"
        echo "2026-09-05,email,education,Example Academy,Teacher,Wrenna Tilp,male,Fictional"
    } >"$T/in/referrals.csv"
    PERSONAL+=("Quen Arbolt" "Tirva Nolsk" "Ulmo Prask" "Vell Osk" "Wrenna Tilp")
    # Lines: header 1, a record over lines 2-3, then 4 (bad date), 5, 6 (bad route), 7 (a field short).
    expect_import_refusal 5 3 "$S" prevent -C "$S" import "$T/in/referrals.csv" --as-of "$AS_OF"
    assert_reports_line "$(stderr)" "referrals.csv" 4
    assert_reports_line "$(stderr)" "referrals.csv" 6
    assert_reports_line "$(stderr)" "referrals.csv" 7
    if grep -Eq 'referrals\.csv:5([^0-9]|$)' "$ERR"; then fail "the good row on line 5 is reported"; fi
}

test_a_csv_with_a_formula_in_a_personal_field_keeps_it_verbatim() {
    setup_store
    {
        echo "received,route,sector,agency,referrer_role,name,gender,concern_type,concern_summary"
        echo "2026-09-01,email,education,+Example Academy,@Teacher,-Quen Arbolt,male,conflicted,=1+1"
    } >"$T/in/referrals.csv"
    PERSONAL+=("Quen Arbolt")
    run prevent -C "$S" import "$T/in/referrals.csv" --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(case_field "$S" PRV-2026-0001 "'|'.join([d['referral']['source']['agency'], d['referral']['source']['referrer_role'], d['referral']['subject']['name'], d['referral']['concern']['summary']])")" \
        "+Example Academy|@Teacher|-Quen Arbolt|=1+1" "stored values"
}

test_a_csv_with_an_unclosed_quote_is_refused() {
    setup_store
    {
        echo "received,route,sector,agency,referrer_role,name,gender,concern_type,concern_summary"
        echo '2026-09-01,email,education,Example Academy,Teacher,Quen Arbolt,male,conflicted,"Fictional'
    } >"$T/in/referrals.csv"
    expect_refusal 5 "$S" prevent -C "$S" import "$T/in/referrals.csv" --as-of "$AS_OF"
}

test_a_csv_cell_that_is_not_utf8_is_refused() {
    # SPEC §2.2: records are UTF-8; a Latin-1 export must not reach the store.
    setup_store
    {
        echo "received,route,sector,agency,referrer_role,name,gender,concern_type,concern_summary"
        printf '2026-09-01,email,education,Example Academy,Teacher,Ren\xe9e Arbolt,female,conflicted,Fictional\n'
    } >"$T/in/referrals.csv"
    expect_refusal 5 "$S" prevent -C "$S" import "$T/in/referrals.csv" --as-of "$AS_OF"
    run prevent -C "$S" list --as-of "$AS_OF"
    assert_rc 0 "list after the import"
}

test_a_csv_row_over_1_mib_is_refused() {
    setup_store
    {
        echo "received,route,sector,agency,referrer_role,name,gender,concern_type,concern_summary"
        printf '2026-09-01,email,education,Example Academy,Teacher,Quen Arbolt,male,conflicted,'
        head -c $((1024 * 1024 + 10)) /dev/zero | tr '\0' 'x'
        echo
    } >"$T/in/referrals.csv"
    expect_refusal 5 "$S" prevent -C "$S" import "$T/in/referrals.csv" --as-of "$AS_OF"
    assert_stderr_contains "1 MiB"
}

# ---------------------------------------------------------------------------
# Bad records: all reported, nothing written

test_every_bad_record_is_reported_with_its_line_number_and_nothing_is_written() {
    setup_store
    refer_ok "$S"
    meeting_without_police 2026-11-12
    {
        echo "---"
        case_yaml name="Quen Arbolt"                                 # good
        echo "---"
        case_yaml name="Tirva Nolsk" received=2026-09-31             # impossible date (5)
        echo "---"
        case_yaml name="Ulmo Prask" received=2026-11-28              # after today (4)
        echo "---"
        case_yaml id=PRV-2026-0001 name="Vell Osk"                   # ID taken (5)
        echo "---"
        panel_case_yaml 2026-11-19 name="Wrenna Tilp"                # no such meeting (3)
        echo "---"
        panel_case_yaml 2026-11-12 name="Xara Quend"                 # no police (4)
    } >"$T/in/cases.yaml"
    PERSONAL+=("Quen Arbolt" "Tirva Nolsk" "Ulmo Prask" "Vell Osk" "Wrenna Tilp" "Xara Quend")
    doc_starts "$T/in/cases.yaml"
    cd "$T/in" || return
    expect_import_refusal 5 5 "$S" prevent -C "$S" import cases.yaml --as-of "$AS_OF"
    local i
    for i in 1 2 3 4 5; do assert_reports_line "$(stderr)" "cases.yaml" "${STARTS[$i]}"; done
    if grep -Eq "cases\.yaml:(1|${STARTS[0]})([^0-9]|\$)" "$ERR"; then fail "the good first record is reported"; fi
}

test_a_decision_at_a_meeting_that_does_not_exist_outranks_a_rule_refusal() {
    setup_store
    meeting_without_police 2026-11-12
    {
        echo "---"
        panel_case_yaml 2026-11-12 name="Xara Quend"                 # no police (4)
        echo "---"
        panel_case_yaml 2026-11-19 name="Wrenna Tilp"                # no such meeting (3)
    } >"$T/in/cases.yaml"
    PERSONAL+=("Wrenna Tilp" "Xara Quend")
    doc_starts "$T/in/cases.yaml"
    expect_import_refusal 3 2 "$S" prevent -C "$S" import "$T/in/cases.yaml" --as-of "$AS_OF"
    assert_reports_line "$(stderr)" "cases.yaml" "${STARTS[0]}"
    assert_reports_line "$(stderr)" "cases.yaml" "${STARTS[1]}"
    assert_stderr_contains "2026-11-19"
}

test_rule_refusals_alone_exit_4_and_are_all_reported() {
    setup_store
    meeting_without_police 2026-11-12
    {
        echo "---"
        panel_case_yaml 2026-11-12 name="Xara Quend"                 # no police (4)
        echo "---"
        case_yaml name="Ulmo Prask" received=2026-11-28              # after today (4)
        echo "---"
        case_yaml name="Vell Osk"                                    # good
    } >"$T/in/cases.yaml"
    PERSONAL+=("Ulmo Prask" "Vell Osk" "Xara Quend")
    doc_starts "$T/in/cases.yaml"
    expect_import_refusal 4 2 "$S" prevent -C "$S" import "$T/in/cases.yaml" --as-of "$AS_OF"
    assert_reports_line "$(stderr)" "cases.yaml" "${STARTS[0]}"
    assert_reports_line "$(stderr)" "cases.yaml" "${STARTS[1]}"
    assert_stderr_contains "rule 4"
    assert_stderr_contains "rule 1"
}

test_a_decision_at_a_meeting_that_does_not_exist_is_refused_with_3() {
    setup_store
    panel_case_yaml 2026-11-19 >"$T/in/case.yaml"
    expect_refusal 3 "$S" prevent -C "$S" import "$T/in/case.yaml" --as-of "$AS_OF"
    assert_stderr_contains "2026-11-19"
}

test_a_decision_at_a_meeting_without_police_is_refused_by_rule_4() {
    setup_store
    meeting_without_police 2026-11-12
    panel_case_yaml 2026-11-12 >"$T/in/case.yaml"
    expect_refusal 4 "$S" prevent -C "$S" import "$T/in/case.yaml" --as-of "$AS_OF"
    assert_stderr_contains "rule 4"
    assert_stderr_contains "police"
}

test_an_explicit_id_already_taken_is_refused() {
    setup_store
    refer_ok "$S"
    case_yaml id=PRV-2026-0001 name="Quen Arbolt" >"$T/in/case.yaml"
    PERSONAL+=("Quen Arbolt")
    expect_refusal 5 "$S" prevent -C "$S" import "$T/in/case.yaml" --as-of "$AS_OF"
    assert_stderr_contains "PRV-2026-0001"
}

test_the_same_explicit_id_twice_in_one_import_is_refused() {
    setup_store
    {
        echo "---"
        case_yaml id=PRV-2026-0003 name="Quen Arbolt"
        echo "---"
        case_yaml id=PRV-2026-0003 name="Tirva Nolsk"
    } >"$T/in/cases.yaml"
    expect_import_refusal 5 1 "$S" prevent -C "$S" import "$T/in/cases.yaml" --as-of "$AS_OF"
    assert_stderr_contains "PRV-2026-0003"
}

test_an_explicit_id_of_another_year_or_prefix_is_refused() {
    setup_store
    local id
    for id in PRV-2025-0001 SK-2026-0001 PRV-2026-001 PRV-2026-0000 "../../x"; do
        case_yaml id="$id" >"$T/in/case.yaml"
        expect_import_refusal 5 1 "$S" prevent -C "$S" import "$T/in/case.yaml" --as-of "$AS_OF"
    done
}

test_an_empty_import_is_refused() {
    setup_store
    : >"$T/in/empty.yaml"
    expect_refusal 5 "$S" prevent -C "$S" import "$T/in/empty.yaml" --as-of "$AS_OF"
    printf -- '---\n---\n' >"$T/in/markers.yaml"
    expect_refusal 5 "$S" prevent -C "$S" import "$T/in/markers.yaml" --as-of "$AS_OF"
    : >"$T/in/empty.csv"
    expect_refusal 5 "$S" prevent -C "$S" import "$T/in/empty.csv" --as-of "$AS_OF"
}

test_a_record_over_1_mib_in_a_stream_is_refused() {
    setup_store
    {
        echo "---"
        case_yaml name="Quen Arbolt"
        echo "---"
        case_yaml name="Tirva Nolsk"
        printf '#'
        head -c $((1024 * 1024)) /dev/zero | tr '\0' 'x'
        echo
    } >"$T/in/cases.yaml"
    PERSONAL+=("Quen Arbolt" "Tirva Nolsk")
    run prevent -C "$S" import "$T/in/cases.yaml" --as-of "$AS_OF"
    assert_rc 5
    assert_stderr_contains "1 MiB"
    assert_eq "$(commit_count "$S")" 1 "number of commits"
    assert_clean "$S"
}

test_import_without_a_file_is_a_usage_error() {
    setup_store
    expect_refusal 2 "$S" prevent -C "$S" import --as-of "$AS_OF"
}

test_an_import_file_that_cannot_be_read_is_refused() {
    setup_store
    run prevent -C "$S" import "$T/in/absent.yaml" --as-of "$AS_OF"
    assert_rc_nonzero "a file that does not exist"
    assert_one_error_line
    assert_eq "$(commit_count "$S")" 1 "number of commits"
}

# SPEC §2.1: the next number is one more than the highest of that year in
# the store, even when the import also carries a lower explicit ID.
test_new_ids_follow_the_store_highest_even_beside_a_lower_explicit_id() {
    S="$T/store"
    new_store "$S"
    {
        echo "---"
        case_yaml id=PRV-2026-0020 received=2026-11-03
    } >"$T/in/first.yaml"
    run prevent -C "$S" -q import "$T/in/first.yaml" --as-of "$AS_OF"
    assert_rc 0 "first import"
    {
        echo "---"
        case_yaml id=PRV-2026-0010 received=2026-11-04 name="Maribex Tundrell" dob=2008-03-19
        echo "---"
        case_yaml received=2026-11-05 name="Okkio Fennwhistle" dob=2007-01-09
    } >"$T/in/second.yaml"
    run prevent -C "$S" -q import "$T/in/second.yaml" --as-of "$AS_OF"
    assert_rc 0 "second import"
    assert_file_exists "$S/cases/2026/PRV-2026-0010.yaml"
    assert_file_exists "$S/cases/2026/PRV-2026-0021.yaml"
    assert_no_file "$S/cases/2026/PRV-2026-0011.yaml"
}

run_tests "$@"

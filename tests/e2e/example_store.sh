#!/usr/bin/env bash
# The bundled example store (examples/build-example-store), built with the
# real binary: it must be valid, cover every stage, and keep its people out
# of listings and history.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

EXAMPLES="$PREVENT_SOURCE_DIR/examples"
EX_AS_OF=2026-11-27
S=""

build_example_store() {
    S="$T/example"
    run env PREVENT="$PREVENT" bash "$EXAMPLES/build-example-store" "$S"
    assert_rc 0 "build-example-store"
}

ALL_STAGES="awaiting-triage no-further-action signposted police-managed awaiting-panel not-adopted awaiting-consent supported post-closure closed"

test_the_example_store_builds_passes_check_and_has_one_commit_per_action() {
    build_example_store
    assert_file_exists "$S/prevent.yaml"
    run prevent -C "$S" check --as-of "$EX_AS_OF"
    assert_rc 0
    assert_stdout_empty
    assert_stderr_empty
    run prevent -C "$S" check --strict --as-of "$EX_AS_OF"
    assert_rc 0 "check --strict"
    assert_stdout_empty
    assert_clean "$S"
    assert_mode "$S" 700
    local fsck
    fsck="$(git -C "$S" fsck --full --strict --no-dangling 2>&1)"
    assert_eq "$?$fsck" "0" "git fsck"
    local meetings
    meetings="$(grep -cvE '^[[:space:]]*(#|$)' "$EXAMPLES/meetings.txt")"
    assert_eq "$(commit_count "$S")" "$((meetings + 2))" "commits: init, one per meeting, one import"
    assert_eq "$(git_in "$S" log --format='%(trailers:key=Prevent-Action,valueonly)' | sed '/^$/d' | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" \
        "import=1 init=1 panel-new=$meetings " "Prevent-Action trailers"
    assert_eq "$(git_in "$S" log --format='%an <%ae>' | sort -u)" "Test Coordinator <coordinator@example.invalid>" "authors"
    assert_eq "$(head_trailers "$S" Prevent-Case-Count)" 36 "Prevent-Case-Count of the import"
    assert_eq "$(git_in "$S" ls-files panels | wc -l)" "$meetings" "meeting files"
}

test_the_example_store_lists_36_cases_covering_every_stage_without_personal_data() {
    build_example_store
    run prevent -C "$S" list --format csv --as-of "$EX_AS_OF"
    assert_rc 0
    cp "$OUT" "$T/list.csv"
    assert_eq "$(sed -n 1p "$OUT" | tr -d '\r')" "id,stage,received,sector,concern,next_due" "header"
    assert_eq "$(tail -n +2 "$OUT" | wc -l)" 36 "data rows"
    assert_eq "$(tail -n +2 "$OUT" | cut -d, -f1 | sort -u | wc -l)" 36 "distinct IDs"
    local stage stages
    stages="$(tail -n +2 "$OUT" | cut -d, -f2 | sort -u | tr '\n' ' ')"
    for stage in $ALL_STAGES; do
        assert_contains " $stages" " $stage " "stages listed"
    done
    run prevent -C "$S" list --format csv --stage post-closure --as-of "$EX_AS_OF"
    assert_eq "$(tail -n +2 "$OUT" | wc -l)" "$(grep -c ',post-closure,' "$T/list.csv")" "rows listed with --stage post-closure"
    # `show` derives the same stage as `list` for every case.
    mkdir "$T/shown"
    local row id
    while IFS= read -r row; do
        id="${row%%,*}"
        prevent -C "$S" show "$id" --format json --as-of "$EX_AS_OF" >"$T/shown/$id.json" 2>>"$T/shown.err" ||
            fail "show $id failed"
    done < <(tail -n +2 "$T/list.csv" | tr -d '\r')
    assert_eq "$("$PYTHON" - "$T/list.csv" "$T/shown" <<'PY'
import csv, json, os, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
bad = [r["id"] for r in rows
       if json.load(open(os.path.join(sys.argv[2], r["id"] + ".json")))["stage"] != r["stage"]]
print(" ".join(bad) or "none")
PY
)" "none" "cases whose show stage differs from list"
    # No person of cases.yaml in listings, history or check output.
    example_personal_values
    [[ ${#PERSONAL[@]} -ge 36 ]] || fail "too few personal values read from cases.yaml (${#PERSONAL[@]})"
    local f
    for f in table csv json yaml; do
        run prevent -C "$S" list --format "$f" --as-of "$EX_AS_OF"
        assert_no_personal_data "$(stdout)" "list --format $f"
    done
    assert_no_personal_data "$(git_in "$S" log --all --format='%s%n%b')" "commit messages"
    assert_no_personal_data "$(git_in "$S" ls-files)" "file names"
    run prevent -C "$S" check --strict --as-of "$EX_AS_OF"
    assert_no_personal_data "$(stdout)$(stderr)" "check output"
}

run_tests "$@"

#!/usr/bin/env bash
# FOI answers (docs/disclosure.md): whole quarters and years only, the
# release register (one commit per answer), and a hostile requester who
# asks for every answer it can and sets them all against each other with
# its own linear programme (lib/foi_attacker.py, written apart from the
# suppression code): no primary [c] may be narrowed, no hidden group seen
# to share one category, no small change between two as-of dates shown.
#
# Stores: the bundled example store (36 cases) and a generated one of 300
# (prevent_gen_store, GEN). FOI_QUICK=1 (the sanitizer run) asks fewer
# answers of the larger store.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

: "${GEN:=$PREVENT_SOURCE_DIR/build/tests/bench/prevent_gen_store}"
ATTACKER="$E2E_DIR/lib/foi_attacker.py"

example_store() {
    copy_example_store "$1"
    example_personal_values
}

generated_store() {
    local dir="$1"
    git init -q -b main "$dir" || return 1
    "$GEN" --cases 300 --seed 7 --first-year 2025 --as-of "$AS_OF" --history light 2>/dev/null |
        git -C "$dir" fast-import --quiet >/dev/null || fail "generating the store failed"
    git -C "$dir" reset -q --hard
}

# ask STORE AS_OF PERIOD: one FOI answer as JSON, kept for the attacker.
ask() {
    local store="$1" as_of="$2" period="$3"
    run prevent -C "$store" -q --as-of "$as_of" report --period "$period" --foi --format json
    assert_rc 0 "report --period $period --foi (as of $as_of)"
    cp "$OUT" "$T/answers/$as_of-$period.json"
}

attack() {
    local store="$1"
    "$PYTHON" "$ATTACKER" "$store" "$T"/answers/*.json >"$T/attack.out" 2>&1
    local rc=$?
    [[ $rc -eq 0 ]] || { fail "the requester worked out hidden cells (exit $rc)"; _show "$T/attack.out"; }
    assert_contains "$(cat "$T/attack.out")" " 0 narrowed" "the attacker's summary"
}

test_the_attacker_finds_what_the_old_suppression_gave_away() {
    # The attacker must be able to fail: an answer as the earlier report
    # gave it (female 7, male 10, total 19 shown; other and not known [c],
    # both 1) is worked out.
    local s="$T/ex"
    example_store "$s"
    mkdir -p "$T/answers"
    ask "$s" 2026-11-27 FY2025
    "$PYTHON" - "$T/answers/2026-11-27-FY2025.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
a["referrals"]["total"] = 19
a["referrals"]["by_gender"] = {"female": 7, "male": 10, "other": "[c]", "not-known": "[c]"}
json.dump(a, open(sys.argv[1], "w"))
PY
    sed -i 's/^    other: .*/    other: "[c] primary"/; s/^    not-known: .*/    not-known: "[c] primary"/' "$s/releases/0001.yaml"
    run "$PYTHON" "$ATTACKER" "$s" "$T/answers/2026-11-27-FY2025.json"
    assert_rc 1 "the attacker on the old kind of answer"
    assert_stdout_contains "referrals.by_gender.other narrowed to 1..1"
}

test_every_answer_of_the_example_store_together_gives_nothing_away() {
    local s="$T/ex" as_of period
    example_store "$s"
    mkdir -p "$T/answers"
    # Years first, then quarters, at two as-of dates (one with FOI_QUICK).
    local dates=(2026-07-20 2026-11-27)
    [[ -n "${FOI_QUICK:-}" ]] && dates=(2026-11-27)
    for as_of in "${dates[@]}"; do
        for period in FY2024 FY2025 2025-Q1 2025-Q2 2025-Q3 2025-Q4 2026-Q1 2026-Q2 2026-Q3; do
            [[ "$period" == 2026-Q3 && "$as_of" < 2026-10-01 ]] && continue
            [[ "$period" == 2026-Q2 && "$as_of" < 2026-07-01 ]] && continue
            ask "$s" "$as_of" "$period"
        done
    done
    assert_eq "$(find "$s/releases" -name '*.yaml' | wc -l)" "$(find "$T/answers" -name '*.json' | wc -l)" "releases recorded"
    attack "$s"
    run prevent -C "$s" check --strict --as-of 2026-11-27
    assert_rc 0 "check --strict after the releases"
}

test_every_answer_of_a_300_case_store_together_gives_nothing_away() {
    local s="$T/big" as_of period dates=(2026-10-15 2026-11-27)
    [[ -x "$GEN" ]] || { fail "no generator at $GEN"; return; }
    generated_store "$s"
    mkdir -p "$T/answers"
    [[ -n "${FOI_QUICK:-}" ]] && dates=(2026-11-27)
    for as_of in "${dates[@]}"; do
        for period in 2025-Q1 2025-Q2 2025-Q3 2025-Q4 2026-Q1 2026-Q2 2026-Q3 FY2024 FY2025; do
            ask "$s" "$as_of" "$period"
        done
    done
    attack "$s"
}

test_an_answer_is_one_commit_in_the_release_register() {
    local s="$T/ex"
    example_store "$s"
    local before
    before="$(commit_count "$s")"
    run prevent -C "$s" --as-of 2026-11-27 report --period 2026-Q3 --foi --request FOI-2026-0117 --format csv
    assert_rc 0
    assert_eq "$(stderr)" "prevent: recorded as release 0001 in the release register (releases/0001.yaml)" "stderr"
    assert_eq "$(commit_count "$s")" "$((before + 1))" "commits"
    assert_eq "$(git -C "$s" log -1 --format=%s)" "report: release 0001 2026-Q3" "subject"
    assert_eq "$(head_trailers "$s" Prevent-Action)" "report" "trailer"
    assert_eq "$(git -C "$s" show --name-only --format= HEAD)" "releases/0001.yaml" "the commit's files"
    assert_clean "$s"
    local rel="$s/releases/0001.yaml"
    assert_contains "$(cat "$rel")" $'release: 1\nrequest: FOI-2026-0117\nperiod:\n  from: 2026-07-01\n  to: 2026-09-30\nas_of: 2026-11-27\nthreshold: 5\ncells:\n  referrals:\n' "the release"
    assert_no_personal_data "$(cat "$rel")" "the release"
    # What the register says was shown is what the answer showed.
    "$PYTHON" - "$rel" "$OUT" <<'PY' || fail "the release and the answer disagree"
import csv, sys
shown = {}
table = None
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("  ") and not line.startswith("    ") and line.rstrip().endswith(":"):
        table = line.strip()[:-1]
    elif line.startswith("    ") and table:
        k, v = line.strip().split(": ", 1)
        shown[(table, k.strip('"'))] = "[c]" if v.startswith('"[c]') else v
rows = {(r["table"], r["category"]): r["count"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
bad = [(k, v, rows.get(k)) for k, v in shown.items() if rows.get(k) != v]
sys.exit(1 if bad or len(shown) < 40 else 0)
PY
    # The next is 0002; the log knows the action.
    run prevent -C "$s" -q --as-of 2026-11-27 report --period 2026-Q2 --foi
    assert_rc 0
    assert_file_exists "$s/releases/0002.yaml"
    run prevent -C "$s" log --action report --as-of 2026-11-27
    assert_rc 0
    assert_stdout_contains "other files: releases"
}

test_a_report_that_is_not_an_foi_answer_records_nothing() {
    local s="$T/ex" before
    example_store "$s"
    before="$(snapshot "$s")"
    for args in "--period 2026-Q3" "--period 2026-07 --suppress 3" "--from 2026-07-03 --to 2026-07-09"; do
        # shellcheck disable=SC2086
        run prevent -C "$s" --as-of 2026-11-27 report $args
        assert_rc 0 "report $args"
    done
    assert_eq "$(snapshot "$s")" "$before" "the store after three reports"
}

test_foi_answers_cover_whole_quarters_and_years_that_have_ended() {
    local s="$T/ex"
    example_store "$s"
    local r=(prevent -C "$s" --as-of 2026-11-27 report --foi)
    expect_refusal 2 "$s" "${r[@]}" --from 2026-07-01 --to 2026-09-30
    assert_stderr_contains "give --period"
    expect_refusal 5 "$s" "${r[@]}" --period 2026-07
    assert_stderr_contains "not a month (2026-07)"
    expect_refusal 5 "$s" prevent -C "$s" --as-of 2026-11-27 report --foi --period 2026-Q4
    assert_stderr_contains "has not ended by 2026-11-27"
    expect_refusal 5 "$s" prevent -C "$s" --as-of 2099-01-01 report --foi --period 2026-Q4
    expect_refusal 2 "$s" "${r[@]}" --period 2026-Q3 --suppress 2
    expect_refusal 5 "$s" "${r[@]}" --period 2026-Q3 --request "Zorvan Quillet"
    assert_stderr_not_contains "Zorvan"
    expect_refusal 5 "$s" "${r[@]}" --period 2026-Q3 --request "-rf"
    expect_refusal 2 "$s" prevent -C "$s" --as-of 2026-11-27 report --period 2026-Q3 --request FOI-1
}

test_the_store_sets_the_shortest_period_an_answer_may_cover() {
    local s="$T/ex"
    example_store "$s"
    # foi.min_period: month lets a month be answered (one release).
    printf 'foi:\n  min_period: month\n' >>"$s/prevent.yaml"
    git_in "$s" commit -qam "FOI answers by month" || fail "committing prevent.yaml failed"
    run prevent -C "$s" --as-of 2026-11-27 report --foi --period 2026-07 --format csv
    assert_rc 0 "an FOI answer for a month"
    assert_stdout_contains "report,from,2026-07-01"
    assert_eq "$(find "$s/releases" -name '*.yaml' | wc -l)" 1 "releases"
    # year: a quarter is refused, naming the setting; a year is answered.
    sed -i 's/^  min_period: month$/  min_period: year/' "$s/prevent.yaml"
    git_in "$s" commit -qam "FOI answers by year" || fail "committing prevent.yaml failed"
    expect_refusal 5 "$s" prevent -C "$s" --as-of 2026-11-27 report --foi --period 2026-Q3
    assert_stderr_contains "covers a whole financial year, not a quarter (2026-Q3)"
    assert_stderr_contains "foi.min_period"
    run prevent -C "$s" --as-of 2026-11-27 report --foi --period FY2025 --format csv
    assert_rc 0 "an FOI answer for a year"
    # Anything else is a damaged prevent.yaml (past the pre-commit hook,
    # which refuses it).
    sed -i 's/^  min_period: year$/  min_period: week/' "$s/prevent.yaml"
    git_in "$s" commit -qam "FOI answers by week" 2>/dev/null && fail "the hook let a damaged prevent.yaml in"
    git_in "$s" commit -qam "FOI answers by week" --no-verify || fail "committing prevent.yaml failed"
    expect_refusal 6 "$s" prevent -C "$s" --as-of 2026-11-27 report --foi --period FY2025
    assert_stderr_contains "prevent.yaml is damaged"
}

test_a_damaged_register_is_refused_and_nothing_is_answered() {
    local s="$T/ex"
    example_store "$s"
    run prevent -C "$s" -q --as-of 2026-11-27 report --period 2026-Q3 --foi
    assert_rc 0
    local good
    good="$(cat "$s/releases/0001.yaml")"
    local bad
    for bad in 's/^threshold: 5$/threshold: 1/' 's/^  referrals:$/  "referrals; x":/' 's/^release: 1$/release: 2/' \
        's/^    total: .*/    total: lots/'; do
        printf '%s\n' "$good" >"$s/releases/0001.yaml"
        sed -i "$bad" "$s/releases/0001.yaml"
        git -C "$s" commit -qam "Register edited by hand" || fail "committing the edit failed"
        expect_refusal 6 "$s" prevent -C "$s" --as-of 2026-11-27 report --period 2026-Q2 --foi
        assert_stderr_contains "release register"
        # Suppressed reports read the register too; unsuppressed ones need not.
        expect_refusal 6 "$s" prevent -C "$s" --as-of 2026-11-27 report --period 2026-Q2
        run prevent -C "$s" --as-of 2026-11-27 report --period 2026-Q2 --suppress 0
        assert_rc 0 "an unsuppressed report with a damaged register"
    done
    # Something that is not a release in releases/.
    printf '%s\n' "$good" >"$s/releases/0001.yaml"
    mkdir -p "$s/releases/0002.yaml"
    printf 'x\n' >"$s/releases/0002.yaml/inner"
    printf 'x\n' >"$s/releases/notes.txt"
    git -C "$s" add -A && git -C "$s" commit -qm "Not releases" || fail "committing failed"
    expect_refusal 6 "$s" prevent -C "$s" --as-of 2026-11-27 report --period 2026-Q2 --foi
    assert_stderr_contains "not a release (releases/)"
}

test_an_answer_needs_every_case_readable() {
    local s="$T/ex"
    example_store "$s"
    local f
    f="$(find "$s/cases" -name '*.yaml' | head -1)"
    printf 'not: [valid\n' >>"$f"
    git -C "$s" commit -qam "Break a case" --no-verify || fail "committing failed"
    local before args
    before="$(snapshot "$s")"
    for args in "" "--partial"; do
        # shellcheck disable=SC2086
        run prevent -C "$s" --as-of 2026-11-27 report --period 2026-Q3 --foi $args
        assert_rc 5 "report --foi $args with an unreadable case"
        assert_stdout_empty
        assert_stderr_contains "nothing is printed"
        assert_eq "$(snapshot "$s")" "$before" "the store"
    done
}

test_check_reports_a_release_changed_outside_prevent() {
    # The register only ever grows by one answer per commit of `report`:
    # a hand edit, or a commit carrying a copied trailer that rewrites an
    # earlier release, is reported (notice; --strict exit 4).
    local s="$T/ex"
    example_store "$s"
    run prevent -C "$s" -q --as-of 2026-11-27 report --period 2026-Q3 --foi
    assert_rc 0
    run prevent -C "$s" check --strict --as-of 2026-11-27
    assert_rc 0 "check --strict after one release"
    sed -i 's/^    total: [0-9]*$/    total: "[c]"/' "$s/releases/0001.yaml"
    git -C "$s" commit -qam "Tidy the release" || fail "committing failed"
    run prevent -C "$s" check --as-of 2026-11-27
    assert_rc 0
    assert_stdout_contains "changed the release register outside prevent (releases)"
    run prevent -C "$s" check --strict --as-of 2026-11-27
    assert_rc 4
    git -C "$s" reset -q --hard HEAD~1
    sed -i 's/^    total: [0-9]*$/    total: "[c]"/' "$s/releases/0001.yaml"
    git -C "$s" commit -qam $'report: release 0001 2026-Q3\n\nPrevent-Action: report' || fail "committing failed"
    run prevent -C "$s" check --strict --as-of 2026-11-27
    assert_rc 4
    assert_stdout_contains "whatever its trailer says: report adds one release to releases/ only, and never changes or removes one"
}

test_explain_names_cells_only() {
    local s="$T/ex"
    example_store "$s"
    run prevent -C "$s" --as-of 2026-11-27 report --period FY2025 --suppress 5 --explain --format json
    assert_rc 0
    assert_stderr_contains "hidden referrals.by_gender female: for referrals.by_gender other"
    assert_no_personal_data "$(stderr)" "--explain"
}

run_tests "$@"

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
    copy_example_store "$S"
}

ALL_STAGES="awaiting-triage no-further-action signposted police-managed awaiting-panel not-adopted awaiting-consent supported post-closure closed"

# The history's commands, one a line, without comments: "WHEN WHO ARGS…".
history_lines() { grep -vE '^[[:space:]]*(#|$)' "$EXAMPLES/history.txt"; }

# The Prevent-Action value of each history line, in order.
history_actions() {
    history_lines | awk '{ a = $3; if (a == "panel" || a == "review" || a == "foi") a = a "-" $4; print a }'
}

test_the_example_store_builds_passes_check_and_has_one_commit_per_action() {
    build_example_store
    assert_file_exists "$S/prevent.yaml"
    run prevent -C "$S" check --as-of "$EX_AS_OF"
    assert_rc 0
    assert_stdout_empty
    # The example store is plain (fictional data): check notes it, on stderr.
    assert_eq "$(stderr)" "prevent: note: this store is plain: personal data is kept in clear in every file and commit (for fictional data; \`prevent encrypt\` converts it)" "stderr"
    run prevent -C "$S" -q check --as-of "$EX_AS_OF"
    assert_stderr_empty
    run prevent -C "$S" check --strict --as-of "$EX_AS_OF"
    assert_rc 0 "check --strict"
    assert_stdout_empty
    assert_clean "$S"
    assert_mode "$S" 700
    local fsck
    fsck="$(git -C "$S" fsck --full --strict --no-dangling 2>&1)"
    assert_eq "$?$fsck" "0" "git fsck"
    local lines
    lines="$(history_lines | wc -l)"
    [[ "$lines" -ge 300 ]] || fail "history.txt has only $lines commands"
    assert_eq "$(commit_count "$S")" "$((lines + 1))" "commits: init, then one per line of history.txt"
    assert_eq "$(git_in "$S" log --reverse --format='%(trailers:key=Prevent-Action,valueonly)' | sed '/^$/d' | tr '\n' ' ')" \
        "init $(history_actions | tr '\n' ' ')" "Prevent-Action trailers, oldest first"
    # Every kind of action a coordinator takes is in it.
    local action
    for action in refer triage note assess panel-new panel-attend panel-decide panel-consent panel-action \
        review-record correct; do
        assert_contains " $(history_actions | sort -u | tr '\n' ' ')" " $action " "actions in the history"
    done
    assert_eq "$(git_in "$S" log --format='%an <%ae>|%cn <%ce>' | sort -u | tr '\n' ';')" \
        "Alex Example <alex.example@example.invalid>|Alex Example <alex.example@example.invalid>;Robin Placeholder <robin.placeholder@example.invalid>|Robin Placeholder <robin.placeholder@example.invalid>;Sam Sample <sam.sample@example.invalid>|Sam Sample <sam.sample@example.invalid>;" \
        "authors and committers: the three fictional coordinators, never the user's identity"
    # Each commit is dated when its line says, author and committer alike.
    assert_eq "$(git_in "$S" log --reverse --format='%aI %cI' | sed 1d | awk '$1 == $2 { print $1 }' | tr '\n' ' ')" \
        "$(history_lines | awk '{ print $1 }' | sed -E 's/T([0-9]{2}:[0-9]{2})/T\1:00/' | tr '\n' ' ')" \
        "commit dates, oldest first"
    assert_eq "$(git_in "$S" ls-files panels | wc -l)" "$(history_actions | grep -c '^panel-new$')" "meeting files"
}

# The history replays to examples/cases.yaml: every case as `show` gives it
# (without the derived stage) is the document of cases.yaml.
test_the_example_stores_history_ends_in_the_cases_of_cases_yaml() {
    build_example_store
    mkdir "$T/shown"
    local id
    for id in $(grep -E '^id: ' "$EXAMPLES/cases.yaml" | cut -d' ' -f2); do
        prevent -C "$S" show "$id" --format json --as-of "$EX_AS_OF" >"$T/shown/$id.json" 2>>"$T/shown.err" ||
            fail "show $id failed"
    done
    assert_eq "$("$PYTHON" - "$EXAMPLES/cases.yaml" "$T/shown" <<'PY'
import datetime, json, os, sys
import yaml
def norm(v):
    if isinstance(v, dict): return {k: norm(x) for k, x in v.items()}
    if isinstance(v, list): return [norm(x) for x in v]
    if isinstance(v, (datetime.date,)): return v.isoformat()
    return v
bad = []
for doc in yaml.safe_load_all(open(sys.argv[1])):
    shown = json.load(open(os.path.join(sys.argv[2], doc["id"] + ".json")))
    shown.pop("stage", None)
    shown.pop("summary", None)  # what show derives (due items, actions, consent), not a field
    if norm(doc) != shown:
        keys = sorted(k for k in set(doc) | set(shown) if norm(doc.get(k)) != shown.get(k))
        bad.append(doc["id"] + ":" + ",".join(keys))
print(" ".join(bad) or "none")
PY
)" "none" "cases whose replayed record differs from cases.yaml"
}

# `prevent log ID` reads as the case's history: one entry per step, by the
# coordinator who took it, on the day it happened.
test_the_log_of_an_example_case_is_its_history_step_by_step() {
    build_example_store
    local id=EXM-2025-0009
    run prevent -C "$S" log "$id" --format json --as-of "$EX_AS_OF"
    assert_rc 0
    assert_eq "$("$PYTHON" -c '
import json, sys
for e in json.load(open(sys.argv[1])):
    print(e["date"][:16], e["author"]["name"], e["action"])' "$OUT" | tr '\n' ';')" \
        "$(history_lines | grep -E " (refer .*--received 2025-04-22 |.*$id)" |
            awk '{ a = $3; if (a == "panel" || a == "review") a = a "-" $4
                   n = ($2 == "alex") ? "Alex Example" : ($2 == "sam") ? "Sam Sample" : "Robin Placeholder"
                   print substr($1, 1, 16) " " n " " a }' | tr '\n' ';')" \
        "the entries of log $id: date, author, action"
    assert_contains "$(prevent -C "$S" log "$id" --as-of "$EX_AS_OF")" "triage.completed: 2025-04-22 → 2025-04-25" "the correction in the log"
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

#!/usr/bin/env bash
# `prevent check`: validation and integrity of a store, and hand edits made
# with plain git (SPEC §2.4, §2.5, §6, §8).
# shellcheck disable=SC2016 # literal `$schema` and `$(…)` text is meant
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
F=""
# Without the pre-commit hook: the hand edits check must find are committed
# as a store without it (or `git commit --no-verify`) lets them through.
setup_store_with_a_case() {
    S="$T/store"
    new_store "$S" --no-hook
    refer_ok "$S"
    F="$S/cases/2026/PRV-2026-0001.yaml"
}

# hand_commit MESSAGE: commits every change in the store with plain git.
hand_commit() {
    if ! { git -C "$S" add -A && git -C "$S" commit -q -m "$1"; }; then fail "git commit failed"; fi
}

run_check() { run prevent -C "$S" check --as-of "$AS_OF" "$@"; }

test_check_is_silent_and_exits_0_on_a_fresh_store() {
    S="$T/store"
    new_store "$S"
    run_check
    assert_rc 0
    assert_stdout_empty
    assert_stderr_empty
    run_check --strict
    assert_rc 0
    assert_stdout_empty
}

test_check_is_silent_on_a_store_written_by_prevent() {
    setup_store_with_a_case
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19 received=2025-05-05
    meeting_ok "$S" 2026-11-05 --attendee "Channel Coordinator@Example Borough Council"
    run_check --strict
    assert_rc 0
    assert_stdout_empty
    assert_stderr_empty
}

test_each_check_can_be_run_alone() {
    setup_store_with_a_case
    local name
    for name in records rules canonical schemas worktree repository authors history verified-head; do
        run_check "$name"
        assert_rc 0 "check $name"
        assert_stdout_empty
    done
    run_check records rules
    assert_rc 0 "check records rules"
}

test_an_unknown_check_name_is_a_usage_error() {
    setup_store_with_a_case
    expect_refusal 2 "$S" prevent -C "$S" check bogus --as-of "$AS_OF"
    assert_stderr_contains "bogus"
    assert_hint_contains "records"
    expect_refusal 2 "$S" prevent -C "$S" check records bogus --as-of "$AS_OF"
}

test_a_hand_edit_that_breaks_the_schema_is_reported_with_the_file_name() {
    setup_store_with_a_case
    sed -i 's/^  route: email$/  route: carrier-pigeon/' "$F"
    hand_commit "Change the route by hand"
    local before
    before="$(snapshot "$S")"
    run_check
    assert_rc 5
    assert_stdout_contains "cases/2026/PRV-2026-0001.yaml"
    assert_stdout_contains "route"
    assert_no_personal_data "$(stdout)$(stderr)" "check output"
    assert_eq "$(snapshot "$S")" "$before" "the store after check"
    run_check records
    assert_rc 5 "check records"
    run_check rules schemas worktree
    assert_rc 0 "the other checks"
}

test_a_hand_edit_that_is_not_yaml_is_reported_without_quoting_it() {
    setup_store_with_a_case
    sed -i 's/^    name: Zorvan Quillet$/    name: [Zorvan Quillet/' "$F"
    hand_commit "Break the YAML by hand"
    run_check
    assert_rc 5
    assert_stdout_contains "cases/2026/PRV-2026-0001.yaml"
    assert_no_personal_data "$(stdout)$(stderr)" "check output"
}

test_a_hand_edit_with_an_unknown_vocabulary_key_is_reported() {
    setup_store_with_a_case
    sed -i 's/^    sector: education$/    sector: nhs/' "$F"
    hand_commit "Change the sector by hand"
    run_check
    assert_rc 5
    assert_stdout_contains "cases/2026/PRV-2026-0001.yaml"
}

test_a_hand_edit_that_breaks_a_rule_is_reported() {
    setup_store_with_a_case
    printf 'triage:\n  completed: 2026-11-01\n  outcome: no-further-action\n' >>"$F"
    hand_commit "Add a triage dated before the referral"
    run_check
    assert_rc 4
    assert_stdout_contains "PRV-2026-0001"
    assert_stdout_contains "rule 9"
    assert_no_personal_data "$(stdout)$(stderr)" "check output"
    run_check records
    assert_rc 0 "check records"
    run_check rules
    assert_rc 4 "check rules"
}

test_a_record_dated_after_as_of_breaks_rule_1() {
    setup_store_with_a_case
    run_check
    assert_rc 0
    run prevent -C "$S" check --as-of 2026-11-02
    assert_rc 4
    assert_stdout_contains "rule 1"
}

test_an_invalid_file_outranks_a_broken_rule() {
    setup_store_with_a_case
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    printf 'triage:\n  completed: 2026-11-01\n  outcome: no-further-action\n' >>"$F"
    sed -i 's/^  route: email$/  route: carrier-pigeon/' "$S/cases/2026/PRV-2026-0002.yaml"
    hand_commit "Two bad hand edits"
    run_check
    assert_rc 5
    assert_stdout_contains "PRV-2026-0001"
    assert_stdout_contains "PRV-2026-0002"
}

test_findings_keep_their_order_when_many_records_are_read_at_once() {
    # Enough records to be read on all cores: records, then rules, then
    # canonical, each in path order, however the records were shared out.
    S="$T/store"
    new_store "$S" --no-hook
    local i
    {
        for i in $(seq 1 90); do
            echo "---"
            case_yaml received=2026-10-$(printf '%02d' $((i % 28 + 1))) name="Orlo Vantrek $i" dob=2008-03-19
        done
    } >"$T/in/many.yaml"
    run prevent -C "$S" -q import "$T/in/many.yaml" --as-of "$AS_OF"
    assert_rc 0 "import of 90 cases"
    local d="$S/cases/2026"
    sed -i 's/^  route: email$/  route: carrier-pigeon/' "$d/PRV-2026-0070.yaml" "$d/PRV-2026-0007.yaml"
    printf 'triage:\n  completed: 2026-09-01\n  outcome: no-further-action\n' >>"$d/PRV-2026-0080.yaml"
    printf 'triage:\n  completed: 2026-09-01\n  outcome: no-further-action\n' >>"$d/PRV-2026-0008.yaml"
    sed -i 's/^  route: email$/  route: email\n  from_area: ~/' "$d/PRV-2026-0060.yaml" "$d/PRV-2026-0006.yaml"
    hand_commit "Six bad hand edits"
    run_check records rules canonical
    assert_rc 5
    local got
    got=$(grep -o '^[a-z]* \[[a-z]*\].*PRV-2026-00[0-9][0-9]' "$OUT" | sed -E 's/^([a-z]+) \[([a-z]+)\].*(PRV-2026-[0-9]+)$/\1 \2 \3/')
    assert_eq "$got" "error records PRV-2026-0007
error records PRV-2026-0070
error rules PRV-2026-0008
error rules PRV-2026-0080
notice canonical PRV-2026-0006
notice canonical PRV-2026-0060" "findings in order"
}

test_a_valid_but_non_canonical_hand_edit_is_a_notice_and_strict_makes_it_exit_4() {
    setup_store_with_a_case
    sed -i 's/^  route: email$/  route: email\n  from_area: ~/' "$F"
    hand_commit "Add an empty from_area by hand"
    run_check
    assert_rc 0
    assert_stdout_contains "notice"
    assert_stdout_contains "cases/2026/PRV-2026-0001.yaml"
    assert_not_contains "$(stdout)" "error" "check output"
    run_check --strict
    assert_rc 4 "--strict"
    assert_stdout_contains "cases/2026/PRV-2026-0001.yaml"
    run prevent -C "$S" -q check --as-of "$AS_OF"
    assert_rc 0 "-q"
}

test_reordered_keys_are_not_canonical() {
    setup_store_with_a_case
    # Move `route:` below `source:` and its three lines.
    awk 'NR==1,0 { if ($0 == "  route: email") { held=$0; next } print; if ($0 ~ /^    referrer_role:/ && held != "") { print held; held="" } }' \
        "$F" >"$T/reordered.yaml"
    cp "$T/reordered.yaml" "$F"
    assert_eq "$(grep -n '^  route:' "$F" | cut -d: -f1)" 9 "line of route after the edit"
    hand_commit "Reorder keys by hand"
    run_check
    assert_rc 0
    assert_stdout_contains "notice"
    assert_stdout_contains "cases/2026/PRV-2026-0001.yaml"
    run_check --strict
    assert_rc 4
}

test_a_hand_edited_meeting_that_is_not_canonical_is_a_notice() {
    S="$T/store"
    new_store "$S"
    meeting_ok "$S" 2026-11-05
    sed -i 's/^date: 2026-11-05$/date: "2026-11-05"/' "$S/panels/2026-11-05.yaml"
    hand_commit "Quote the date by hand"
    run_check
    assert_rc 0
    assert_stdout_contains "panels/2026-11-05.yaml"
    run_check --strict
    assert_rc 4
}

test_a_meeting_file_whose_date_differs_from_its_name_is_reported() {
    S="$T/store"
    new_store "$S" --no-hook
    meeting_ok "$S" 2026-11-05
    sed -i 's/^date: 2026-11-05$/date: 2026-11-06/' "$S/panels/2026-11-05.yaml"
    hand_commit "Change the meeting date by hand"
    run_check
    assert_rc 5
    assert_stdout_contains "panels/2026-11-05.yaml"
}

test_a_case_file_under_the_wrong_name_is_reported() {
    setup_store_with_a_case
    git -C "$S" mv cases/2026/PRV-2026-0001.yaml cases/2026/PRV-2026-0002.yaml
    hand_commit "Rename a case by hand"
    run_check
    assert_rc 5
    assert_stdout_contains "cases/2026/PRV-2026-0002.yaml"
}

test_an_uncommitted_edit_under_cases_is_a_store_problem() {
    setup_store_with_a_case
    echo "# a note" >>"$F"
    local before
    before="$(snapshot "$S")"
    run_check
    assert_rc 6
    assert_stdout_contains "cases/2026/PRV-2026-0001.yaml"
    assert_eq "$(snapshot "$S")" "$before" "the store after check"
    run_check worktree
    assert_rc 6 "check worktree"
    run_check records
    assert_rc 0 "check records reads what is committed"
}

test_an_untracked_file_under_panels_is_a_store_problem() {
    setup_store_with_a_case
    mkdir -p "$S/panels"
    echo "date: 2026-11-05" >"$S/panels/2026-11-05.yaml"
    run_check
    assert_rc 6
    assert_stdout_contains "panels/2026-11-05.yaml"
}

test_a_staged_but_uncommitted_edit_is_a_store_problem() {
    setup_store_with_a_case
    sed -i 's/Example Academy/Example College/' "$F"
    git -C "$S" add "$F"
    run_check
    assert_rc 6
    assert_stdout_contains "cases/2026/PRV-2026-0001.yaml"
}

test_files_outside_the_record_folders_do_not_concern_check() {
    setup_store_with_a_case
    echo "fictional notes" >"$S/NOTES.txt"
    run_check
    assert_rc 0
    assert_stdout_empty
}

test_a_modified_schema_copy_is_reported() {
    setup_store_with_a_case
    echo '{"$schema": "http://json-schema.org/draft-07/schema#"}' >"$S/schemas/case.schema.json"
    hand_commit "Replace the case schema by hand"
    run_check
    assert_rc 6
    assert_stdout_contains "schemas/case.schema.json"
    run_check schemas
    assert_rc 6 "check schemas"
    run_check records
    assert_rc 0 "check records"
    assert_stdout_empty
}

# `prevent upgrade`: the store's schema copies brought to this prevent's,
# as after installing a newer prevent: one commit, then check is clean.
test_upgrade_brings_the_schema_copies_to_this_prevents() {
    setup_store_with_a_case
    echo '{"$schema": "http://json-schema.org/draft-07/schema#"}' >"$S/schemas/case.schema.json"
    git -C "$S" rm -q schemas/meeting.schema.json
    hand_commit "Schemas of another version"
    local before
    before="$(commit_count "$S")"
    run prevent -C "$S" upgrade --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_empty
    assert_stderr_contains "brought 2 schema files"
    assert_eq "$(commit_count "$S")" "$((before + 1))" "commits"
    assert_eq "$(head_trailers "$S" Prevent-Action)" "upgrade" "trailer"
    assert_clean "$S"
    run_check
    assert_rc 0
    assert_stdout_empty
    # Nothing left to do: no second commit.
    run prevent -C "$S" upgrade --as-of "$AS_OF"
    assert_rc 0
    assert_stderr_contains "already"
    assert_eq "$(commit_count "$S")" "$((before + 1))" "commits after the second upgrade"
    run prevent -C "$S" log --action upgrade --as-of "$AS_OF"
    assert_rc 0
}

test_upgrade_is_refused_while_a_record_is_invalid() {
    setup_store_with_a_case
    echo '{"$schema": "http://json-schema.org/draft-07/schema#"}' >"$S/schemas/case.schema.json"
    sed -i 's/^  route: .*/  route: carrier-pigeon/' "$F"
    hand_commit "A bad record and another schema"
    expect_refusal 5 "$S" prevent -C "$S" upgrade --as-of "$AS_OF"
    assert_stderr_contains "1 record file is not valid"
    assert_hint_contains "prevent check records"
}

test_upgrade_is_refused_over_uncommitted_edits_to_a_schema() {
    setup_store_with_a_case
    echo '{"$schema": "http://json-schema.org/draft-07/schema#"}' >"$S/schemas/case.schema.json"
    hand_commit "Another schema"
    echo '{}' >"$S/schemas/case.schema.json"
    expect_refusal 6 "$S" prevent -C "$S" upgrade --as-of "$AS_OF"
}

test_a_missing_schema_copy_is_reported() {
    setup_store_with_a_case
    git -C "$S" rm -q schemas/meeting.schema.json
    hand_commit "Remove the meeting schema by hand"
    run_check
    assert_rc_nonzero
    assert_stdout_contains "schemas/meeting.schema.json"
}

test_a_damaged_prevent_yaml_is_a_store_problem() {
    setup_store_with_a_case
    sed -i 's/^prefix: PRV$/prefix: [PRV/' "$S/prevent.yaml"
    hand_commit "Break prevent.yaml by hand"
    run_check
    assert_rc 6
    assert_one_error_line
    assert_stderr_contains "prevent.yaml"
    run prevent -C "$S" list --as-of "$AS_OF"
    assert_rc 6 "list"
    referral_flags name="Maribex Tundrell"
    expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
}

test_check_outside_a_store_is_a_store_problem() {
    mkdir "$T/elsewhere"
    run_in "$T/elsewhere" "$PREVENT" check --as-of "$AS_OF"
    assert_rc 6
    assert_one_error_line
}

test_check_with_a_malformed_as_of_is_invalid_data() {
    setup_store_with_a_case
    run prevent -C "$S" check --as-of 2026-11-31
    assert_rc 5
    assert_one_error_line
}

test_a_non_canonical_prevent_yaml_is_a_notice() {
    S="$T/store"
    new_store "$S"
    sed -i 's/^panel_target_days: 28$/panel_target_days: 28   # four weeks/' "$S/prevent.yaml"
    hand_commit "Comment a setting by hand"
    run_check
    assert_rc 0
    assert_stdout_contains "notice [canonical]"
    assert_stdout_contains "prevent.yaml"
}

# ---------------------------------------------------------------------------
# History: hand edits, deleted files, authors, dates, a damaged repository,
# rewritten history (SPEC §8).

test_a_hand_edit_commit_is_listed_as_a_notice_and_strict_makes_it_exit_4() {
    setup_store_with_a_case
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$F"
    hand_commit "Correct the agency by hand"
    local short
    short="$(git -C "$S" rev-parse --short=12 HEAD)"
    run_check
    assert_rc 0
    assert_stdout_eq "notice [history] hand edit: commit $short by Test Coordinator <coordinator@example.invalid> on $(git -C "$S" log -1 --format=%ad --date=format:'%Y-%m-%d %H:%M:%S %z') changed records outside prevent (cases/2026/PRV-2026-0001.yaml)"
    run_check --strict
    assert_rc 4 "--strict"
    run_check history
    assert_rc 0 "check history"
    assert_stdout_contains "$short"
    run_check history --strict
    assert_rc 4 "check history --strict"
    run prevent -C "$S" -q check --as-of "$AS_OF"
    assert_rc 0 "-q"
    assert_stdout_empty
}

test_a_commit_through_prevent_is_not_a_hand_edit() {
    setup_store_with_a_case
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    run_check history --strict
    assert_rc 0
    assert_stdout_empty
}

test_a_hand_commit_outside_the_records_is_not_listed() {
    setup_store_with_a_case
    echo "fictional notes" >"$S/NOTES.txt"
    hand_commit "Add notes"
    run_check --strict
    assert_rc 0
    assert_stdout_empty
}

test_a_deleted_case_file_is_a_store_problem() {
    setup_store_with_a_case
    git -C "$S" rm -q cases/2026/PRV-2026-0001.yaml
    hand_commit "Delete a case by hand"
    run_check
    assert_rc 6
    assert_stdout_contains "error [history] a case file was deleted in commit $(git -C "$S" rev-parse --short=12 HEAD)"
    assert_stdout_contains "(cases/2026/PRV-2026-0001.yaml)"
    run_check history
    assert_rc 6 "check history"
    run_check records rules
    assert_rc 0 "the record checks"
    # Putting the file back does not undo the deletion in the history.
    git -C "$S" revert --no-edit HEAD >/dev/null || fail "git revert failed"
    run_check history
    assert_rc 6 "after the file came back"
}

test_a_commit_dated_before_its_parent_is_a_store_problem() {
    setup_store_with_a_case
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$F"
    git -C "$S" add -A
    GIT_COMMITTER_DATE="2020-01-01T10:00:00+00:00" git -C "$S" commit -q -m "Correct the agency with a wrong clock" ||
        fail "git commit failed"
    run_check history
    assert_rc 6
    assert_stdout_contains "error [history] commit $(git -C "$S" rev-parse --short=12 HEAD) is dated before its parent"
}

test_a_record_change_without_an_author_e_mail_is_a_store_problem() {
    setup_store_with_a_case
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$F"
    git -C "$S" add -A
    local tree parent commit
    tree="$(git -C "$S" write-tree)"
    parent="$(git -C "$S" rev-parse HEAD)"
    # git itself refuses an empty e-mail; the object is made by hand.
    commit="$(printf 'tree %s\nparent %s\nauthor Anon <> 1795000000 +0000\ncommitter Anon <> 1795000000 +0000\n\nNo author\n' \
        "$tree" "$parent" | git -C "$S" hash-object -t commit -w --literally --stdin)"
    git -C "$S" update-ref HEAD "$commit" || fail "update-ref failed"
    run_check authors
    assert_rc 6
    assert_stdout_contains "error [authors] commit ${commit:0:12} changed records without an author e-mail (cases/2026/PRV-2026-0001.yaml)"
}

test_a_damaged_object_is_a_store_problem() {
    setup_store_with_a_case
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    local a b
    a="$(git -C "$S" rev-parse HEAD:cases/2026/PRV-2026-0001.yaml)"
    b="$(git -C "$S" rev-parse HEAD:cases/2026/PRV-2026-0002.yaml)"
    # One loose object's bytes replaced by another's: the content no longer matches the id.
    chmod u+w "$S/.git/objects/${a:0:2}/${a:2}"
    cp "$S/.git/objects/${b:0:2}/${b:2}" "$S/.git/objects/${a:0:2}/${a:2}"
    run_check repository
    assert_rc 6
    assert_stdout_contains "error [repository] object $a cannot be read"
    assert_no_personal_data "$(stdout)$(stderr)" "check output"
    run_check
    assert_rc_nonzero
}

# damage OBJECT-ID...: each loose object's bytes replaced by those of another
# object, so its content no longer matches its id.
damage() {
    local other id
    other="$(echo "fictional filler" | git -C "$S" hash-object -w --stdin)"
    for id in "$@"; do
        [[ -f "$S/.git/objects/${id:0:2}/${id:2}" ]] || fail "object $id is not loose"
        chmod u+w "$S/.git/objects/${id:0:2}/${id:2}"
        cp "$S/.git/objects/${other:0:2}/${other:2}" "$S/.git/objects/${id:0:2}/${id:2}"
    done
}

test_a_damaged_object_only_an_old_commit_reaches_is_found() {
    setup_store_with_a_case
    local old
    old="$(git -C "$S" rev-parse HEAD:cases/2026/PRV-2026-0001.yaml)"
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$F"
    hand_commit "Correct the agency by hand"
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    [[ "$(git -C "$S" rev-parse HEAD:cases/2026/PRV-2026-0001.yaml)" != "$old" ]] || fail "the file did not change"
    damage "$old"
    run_check repository
    assert_rc 6
    assert_stdout_contains "error [repository] object $old cannot be read"
    run_check records rules
    assert_rc 0 "the records at HEAD are sound"
    run_check
    assert_rc 6 "every check"
}

test_a_damaged_blob_in_two_directories_and_many_commits_is_reported_once() {
    setup_store_with_a_case
    mkdir -p "$S/notes"
    cp "$F" "$S/notes/copy.yaml"
    hand_commit "Keep a copy by hand"
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    refer_ok "$S" name="Corvin Ashdale" dob=2007-06-02
    local blob
    blob="$(git -C "$S" rev-parse HEAD:cases/2026/PRV-2026-0001.yaml)"
    assert_eq "$(git -C "$S" rev-parse HEAD:notes/copy.yaml)" "$blob" "the copy's blob"
    damage "$blob"
    run_check repository
    assert_rc 6
    assert_eq "$(grep -c "object $blob cannot be read" "$OUT")" 1 "lines naming the blob"
    assert_eq "$(wc -l <"$OUT")" 1 "lines"
}

test_a_damaged_directory_of_an_old_commit_is_found_and_a_later_version_is_read() {
    setup_store_with_a_case
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    local dir
    dir="$(git -C "$S" rev-parse HEAD~1:cases/2026)"
    refer_ok "$S" name="Corvin Ashdale" dob=2007-06-02
    local newest
    newest="$(git -C "$S" rev-parse HEAD:cases/2026/PRV-2026-0003.yaml)"
    damage "$dir" "$newest"
    run_check repository
    assert_rc 6
    assert_stdout_contains "error [repository] object $dir cannot be read"
    assert_stdout_contains "error [repository] object $newest cannot be read"
}

test_a_damaged_object_only_a_merged_branch_reaches_is_found() {
    setup_store_with_a_case
    local branch note
    branch="$(git -C "$S" symbolic-ref --short HEAD)"
    git -C "$S" checkout -q -b side || fail "checkout failed"
    echo "fictional side note" >"$S/side-note.txt"
    hand_commit "Add a note on a side branch"
    note="$(git -C "$S" rev-parse HEAD:side-note.txt)"
    git -C "$S" rm -q side-note.txt
    hand_commit "Remove the note again"
    git -C "$S" checkout -q "$branch" || fail "checkout failed"
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    git -C "$S" merge -q --no-ff --no-edit side || fail "merge failed"
    damage "$note"
    run_check repository
    assert_rc 6
    assert_stdout_contains "error [repository] object $note cannot be read"
}

test_no_more_than_20_damaged_objects_are_listed() {
    setup_store_with_a_case
    mkdir -p "$S/notes"
    local i ids=()
    for i in $(seq 1 25); do echo "fictional note $i" >"$S/notes/note-$i.txt"; done
    hand_commit "Add notes"
    for i in $(seq 1 25); do ids+=("$(git -C "$S" rev-parse "HEAD:notes/note-$i.txt")"); done
    damage "${ids[@]}"
    run_check repository
    assert_rc 6
    assert_eq "$(grep -c '^error \[repository\] object .* cannot be read' "$OUT")" 20 "objects listed"
}

test_a_case_deleted_in_an_old_commit_is_found_after_later_commits() {
    setup_store_with_a_case
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    git -C "$S" rm -q cases/2026/PRV-2026-0001.yaml
    hand_commit "Delete a case by hand"
    local deleted
    deleted="$(git -C "$S" rev-parse --short=12 HEAD)"
    refer_ok "$S" name="Corvin Ashdale" dob=2007-06-02
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$S/cases/2026/PRV-2026-0002.yaml"
    hand_commit "Correct the agency by hand"
    run_check history
    assert_rc 6
    assert_stdout_contains "error [history] a case file was deleted in commit $deleted; prevent never deletes a case, so its number cannot be reused (cases/2026/PRV-2026-0001.yaml)"
    assert_eq "$(grep -c 'was deleted' "$OUT")" 1 "deletions reported"
    assert_eq "$(grep -c 'notice \[history\] hand edit' "$OUT")" 2 "hand edits listed"
}

# rewrite_old_commit: changes the triage outcome in the commit that made
# it, and re-commits everything after it on top, with plain git.
rewrite_old_commit() {
    local old branch
    branch="$(git -C "$S" symbolic-ref --short HEAD)"
    old="$(git -C "$S" log --format=%H --grep '^triage: ' | tail -1)"
    git -C "$S" checkout -q -b rewrite "$old" || fail "checkout failed"
    sed -i 's/^  outcome: channel-panel$/  outcome: police-managed/; /^  section36:$/,/^    by: /d' "$F"
    git -C "$S" commit -q -a --amend --no-edit || fail "amend failed"
    git -C "$S" cherry-pick "$old..$branch" >/dev/null 2>&1 || fail "cherry-pick failed"
    git -C "$S" branch -q -f "$branch" rewrite && git -C "$S" checkout -q "$branch" && git -C "$S" branch -q -D rewrite ||
        fail "moving main failed"
}

history_for_rewrite() {
    setup_store_with_a_case
    pv_ok "$S" 2026-11-05 triage PRV-2026-0001 --outcome channel-panel --date 2026-11-04 --s36-date 2026-11-04 \
        --s36-by "Example Counter Terrorism Policing"
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    pv_ok "$S" 2026-11-06 note PRV-2026-0002 --date 2026-11-05 --kind contact --with "Example Academy"
}

test_a_rewritten_history_is_caught_through_the_verified_head() {
    history_for_rewrite
    local verified
    verified="$(head_of "$S")"
    assert_eq "$(cat "$S/.git/prevent/verified-head")" "$verified" "the verified head after the last write"
    assert_mode "$S/.git/prevent/verified-head" 600
    run_check
    assert_rc 0
    rewrite_old_commit
    assert_eq "$(git -C "$S" show HEAD:cases/2026/PRV-2026-0001.yaml | grep -c police-managed)" 1 "the rewritten decision"
    run_check
    assert_rc 6
    assert_stdout_contains "error [verified-head] history rewritten: HEAD's history no longer contains the last verified head $verified"
    assert_stdout_contains "the histories part after commit $(git -C "$S" rev-parse --short=12 HEAD~3)"
    run_check verified-head
    assert_rc 6 "check verified-head"
    # Neither a later write nor a check replaces the evidence.
    refer_ok "$S" name="Orvel Brisk" dob=2005-05-05
    assert_eq "$(cat "$S/.git/prevent/verified-head")" "$verified" "the verified head after a write on the rewritten history"
    run_check
    assert_rc 6 "after a write"
}

test_a_rewritten_history_is_caught_through_the_remote() {
    history_for_rewrite
    git init -q --bare "$T/remote.git"
    git -C "$S" remote add origin "$T/remote.git"
    local branch
    branch="$(git -C "$S" symbolic-ref --short HEAD)"
    git -C "$S" push -q origin "$branch" 2>/dev/null || fail "push failed"
    run_check
    assert_rc 0
    rewrite_old_commit
    rm "$S/.git/prevent/verified-head"
    run_check
    assert_rc 6
    assert_stdout_contains "error [verified-head] history diverged from origin/$branch: it has 3 commits that HEAD's history does not contain"
    # A remote that is only behind or ahead is fine.
    git -C "$S" push -q -f origin "$branch" 2>/dev/null || fail "push -f failed"
    run_check verified-head
    assert_rc 0 "after the remote was overwritten too"
}

test_check_records_the_verified_head_when_all_is_well() {
    setup_store_with_a_case
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$F"
    hand_commit "Correct the agency by hand"
    local before
    before="$(cat "$S/.git/prevent/verified-head")"
    assert_eq "$before" "$(git -C "$S" rev-parse HEAD~1)" "the verified head before check"
    run_check --strict
    assert_rc 4
    assert_eq "$(cat "$S/.git/prevent/verified-head")" "$before" "after a failing check"
    run_check records
    assert_rc 0
    assert_eq "$(cat "$S/.git/prevent/verified-head")" "$before" "after a check without verified-head"
    run_check
    assert_rc 0
    assert_eq "$(cat "$S/.git/prevent/verified-head")" "$(head_of "$S")" "after a successful check"
}

test_an_unreadable_verified_head_file_is_a_store_problem() {
    setup_store_with_a_case
    echo "not a commit" >"$S/.git/prevent/verified-head"
    run_check verified-head
    assert_rc 6
    assert_stdout_contains "(.git/prevent/verified-head)"
}

run_tests "$@"

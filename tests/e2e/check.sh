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
    # A plain store (fictional data) is noted, on stderr only; -q silences it.
    assert_eq "$(stderr)" "prevent: note: this store is plain: personal data is kept in clear in every file and commit (for fictional data; \`prevent encrypt\` converts it)" "stderr"
    run prevent -C "$S" -q check --as-of "$AS_OF"
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
    run prevent -C "$S" -q check --strict --as-of "$AS_OF"
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
# prevent.yaml along the history (SPEC §5, §7).

test_a_hand_edit_of_prevent_yaml_is_listed_and_an_unsafe_threshold_is_an_error() {
    setup_store_with_a_case
    sed -i 's/^suppression_threshold: 5$/suppression_threshold: 2/' "$S/prevent.yaml"
    hand_commit "Lower the threshold"
    local short
    short="$(git -C "$S" rev-parse --short=12 HEAD)"
    run_check
    assert_rc 4
    assert_stdout_contains "notice [config] configuration change: commit $short by Test Coordinator <coordinator@example.invalid> on"
    assert_stdout_contains "changed prevent.yaml outside \`prevent init\`: suppression_threshold (\`prevent log\` shows the values)"
    assert_stdout_contains "error [config] suppression_threshold is 2: counts of 1 to 2 would leave the council unsuppressed"
    run_check config
    assert_rc 4 "check config"
    # 0 turns suppression off for internal use: a notice.
    sed -i 's/^suppression_threshold: 2$/suppression_threshold: 0/' "$S/prevent.yaml"
    hand_commit "Turn suppression off"
    run_check
    assert_rc 0
    assert_stdout_contains "notice [config] suppression_threshold is 0"
    assert_eq "$(grep -c '^notice \[config\] configuration change' "$OUT")" 2 "configuration changes listed"
    run_check --strict
    assert_rc 4 "--strict"
    # The init commit's own prevent.yaml is no change to report.
    S="$T/fresh"
    new_store "$S"
    run_check config --strict
    assert_rc 0 "a fresh store"
    assert_stdout_empty
}

test_a_vocabulary_entry_removed_while_a_record_uses_it_is_an_error() {
    setup_store_with_a_case
    sed -i '/^  sectors:$/,/^  genders:$/{/^    - key: education$/{N;d}}' "$S/prevent.yaml"
    assert_not_contains "$(sed -n '/^  sectors:$/,/^  genders:$/p' "$S/prevent.yaml")" "education" "the sectors after the edit"
    hand_commit "Drop a sector"
    local short
    short="$(git -C "$S" rev-parse --short=12 HEAD)"
    run_check
    assert_rc 5
    assert_stdout_contains "error [config] commit $short removed education from the sectors vocabulary while a record still uses it; add it back to prevent.yaml (cases/2026/PRV-2026-0001.yaml)"
    assert_stdout_contains "changed prevent.yaml outside \`prevent init\`: vocabularies.sectors[education]"
    # An entry no record uses may go (a notice for the change only).
    git -C "$S" reset -q --hard HEAD~1
    sed -i '/^  sectors:$/,/^  genders:$/{/^    - key: prisons$/{N;d}}' "$S/prevent.yaml"
    hand_commit "Drop a sector nobody uses"
    run_check
    assert_rc 0 "an unused entry removed"
    assert_not_contains "$(stdout)" "error" "check output"
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
    git -C "$S" update-ref -d refs/prevent/verified
    run_check
    assert_rc 6
    assert_stdout_contains "error [verified-head] history diverged from origin/$branch: it has 3 commits that HEAD's history does not contain"
    # A remote that is only behind or ahead is fine.
    git -C "$S" push -q -f origin "$branch" 2>/dev/null || fail "push -f failed"
    run_check verified-head
    assert_rc 0 "after the remote was overwritten too"
}

test_a_rewritten_history_is_caught_through_an_upstream_of_another_name() {
    history_for_rewrite
    git init -q --bare "$T/remote.git"
    git -C "$S" remote add backup "$T/remote.git"
    local branch
    branch="$(git -C "$S" symbolic-ref --short HEAD)"
    git -C "$S" push -q -u backup "$branch:copy-of-main" 2>/dev/null || fail "push failed"
    assert_eq "$(git -C "$S" config "branch.$branch.merge")" "refs/heads/copy-of-main" "the upstream"
    rewrite_old_commit
    rm "$S/.git/prevent/verified-head"
    git -C "$S" update-ref -d refs/prevent/verified
    run_check
    assert_rc 6
    assert_stdout_contains "error [verified-head] history diverged from backup/copy-of-main: it has 3 commits that HEAD's history does not contain"
}

# The auditor's fake of issue 16: `git filter-branch` deletes one case from
# every commit and changes another's concern type inside the import that
# made it; `git merge -s ours OLD` then puts the old head back behind a
# merge's second parent, where an ancestry test through any parent finds it.
test_a_filter_branch_rewrite_merged_back_with_ours_is_caught() {
    S="$T/store"
    new_store "$S" --no-hook
    {
        echo "---"
        case_yaml received=2026-11-02 name="Orlo Vantrek" dob=2008-01-02
        echo "---"
        case_yaml received=2026-11-03
    } >"$T/in/two.yaml"
    run prevent -C "$S" -q import "$T/in/two.yaml" --as-of "$AS_OF"
    assert_rc 0 "import"
    pv_ok "$S" "$AS_OF" note PRV-2026-0001 --date 2026-11-05 --kind contact --with "Example Academy"
    pv_ok "$S" "$AS_OF" note PRV-2026-0002 --date 2026-11-05 --kind contact --with "Example Academy"
    run_check --strict
    assert_rc 0 "before the rewrite"
    local old verified
    old="$(head_of "$S")"
    verified="$(cat "$S/.git/prevent/verified-head")"
    assert_eq "$verified" "$old" "the verified head before the rewrite"
    FILTER_BRANCH_SQUELCH_WARNING=1 git -C "$S" filter-branch -f --tree-filter \
        'rm -f cases/2026/PRV-2026-0002.yaml; f=cases/2026/PRV-2026-0001.yaml; if [ -f $f ]; then sed -i "s/^    type: islamist$/    type: extreme-right-wing/" $f; fi' \
        HEAD >/dev/null 2>&1 || fail "git filter-branch failed"
    # filter-branch rewrites every commit, the first too (git drops the
    # `encoding UTF-8` header libgit2 writes), so the histories share none.
    git -C "$S" merge -q -s ours --allow-unrelated-histories --no-edit "$old" || fail "git merge -s ours failed"
    assert_eq "$(git -C "$S" ls-tree --name-only HEAD cases/2026/ | tr '\n' ' ')" "cases/2026/PRV-2026-0001.yaml " "the files after the rewrite"
    git -C "$S" merge-base --is-ancestor "$old" HEAD || fail "the old head is no longer an ancestor"
    # With --strict the notices below outrank the store problem (SPEC §6:
    # 4 before 6); without it, exit 6.
    run_check --strict
    assert_rc 4
    assert_stdout_contains "error [verified-head] history rewritten: the last verified head $verified is no longer on HEAD's first-parent history, only behind a merge's other parent"
    assert_stdout_contains "notice [history] merge: commit $(git -C "$S" rev-parse --short=12 HEAD) by Test Coordinator <coordinator@example.invalid>"
    # What the rewrite did inside the import shows too: it no longer adds
    # the case its trailers name, and the note on the deleted case is empty.
    assert_stdout_contains "its Prevent-Case trailers do not name the cases it added (cases/2026/PRV-2026-0001.yaml)"
    assert_stdout_contains "whatever its trailer says: it changed nothing, and prevent makes no commit of note that changes nothing"
    assert_eq "$(cat "$S/.git/prevent/verified-head")" "$verified" "the verified head after check --strict"
    run_check
    assert_rc 6 "without --strict"
    assert_eq "$(cat "$S/.git/prevent/verified-head")" "$verified" "the verified head after check"
    # Nor does a write move it on.
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    assert_eq "$(cat "$S/.git/prevent/verified-head")" "$verified" "the verified head after a write"
}

test_a_merge_is_listed_and_strict_makes_it_exit_4() {
    setup_store_with_a_case
    local branch
    branch="$(git -C "$S" symbolic-ref --short HEAD)"
    git -C "$S" checkout -q -b side || fail "checkout failed"
    echo "fictional side note" >"$S/NOTES.txt"
    hand_commit "Add a note on a side branch"
    git -C "$S" checkout -q "$branch" || fail "checkout failed"
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    git -C "$S" merge -q --no-ff --no-edit side || fail "merge failed"
    local short
    short="$(git -C "$S" rev-parse --short=12 HEAD)"
    run_check
    assert_rc 0
    assert_stdout_contains "notice [history] merge: commit $short by Test Coordinator <coordinator@example.invalid> on"
    assert_stdout_contains "merges 1 other history; prevent checks each commit the merge brought in"
    run_check --strict
    assert_rc 4 "--strict"
    # A merge that says it is prevent sync's is merged again from its
    # parents (docs/audit.md, "Merges"): the tree prevent's merge gives is
    # accepted; anything else is an error. (The reset rewrites the history:
    # the verified heads go, as after a reviewed rewrite.)
    git -C "$S" reset -q --hard HEAD~1
    rm -f "$S/.git/prevent/verified-head"
    git -C "$S" update-ref -d refs/prevent/verified
    git -C "$S" merge -q --no-ff -m "sync: 2026-11-27" -m "Prevent-Action: sync" side || fail "merge failed"
    run_check --strict
    assert_rc 0 "a merge with Prevent-Action: sync that prevent's merge gives"
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$F"
    git -C "$S" commit -q -a --amend --no-edit || fail "amend failed"
    short="$(git -C "$S" rev-parse --short=12 HEAD)"
    run_check history
    assert_rc 6 "a merge with Prevent-Action: sync and a hand edit"
    assert_stdout_contains "error [history] sync merge: commit $short by Test Coordinator <coordinator@example.invalid> on"
    assert_stdout_contains "is not prevent's merge of its parents: it changes cases/2026/PRV-2026-0001.yaml"
}

# A journal naming a path outside the records (.git/config) is damaged:
# repair touches nothing (safe_path.hpp).
test_repair_refuses_a_journal_naming_a_path_outside_the_records() {
    setup_store_with_a_case
    local head blob config_before path
    head="$(git -C "$S" rev-parse HEAD)"
    blob="$(printf '[core]\n\tfsmonitor = touch /tmp/prevent-repair-pwned\n' | git -C "$S" hash-object -w --stdin)"
    config_before="$(cat "$S/.git/config")"
    for path in .git/config .GIT/config "cases/.git./x"; do
        mkdir -p "$S/.git/prevent"
        printf 'prevent write journal v1\nparent %s\ncommit %s\n- %s %s\n' "$head" "$head" "$blob" "$path" \
            >"$S/.git/prevent/journal"
        run_check --repair
        assert_rc 6 "repair of a journal naming $path"
        assert_stderr_contains "the journal of an interrupted write is damaged"
        assert_eq "$(cat "$S/.git/config")" "$config_before" ".git/config ($path)"
        rm -f "$S/.git/prevent/journal"
    done
    assert_no_file /tmp/prevent-repair-pwned
}

test_a_future_dated_hand_commit_is_blamed_not_the_next_commit() {
    setup_store_with_a_case
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$F"
    git -C "$S" add -A
    GIT_COMMITTER_DATE="2036-01-01T10:00:00+00:00" git -C "$S" commit -q -m "Correct the agency with a clock set ahead" ||
        fail "git commit failed"
    local ahead honest
    ahead="$(git -C "$S" rev-parse --short=12 HEAD)"
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    honest="$(git -C "$S" rev-parse --short=12 HEAD)"
    run_check history
    assert_rc 6
    assert_stdout_contains "error [history] commit $ahead is dated after the commit that follows it ($honest)"
    assert_not_contains "$(stdout)" "commit $honest is dated" "check history"
    assert_eq "$(grep -c '^error' "$OUT")" 1 "errors"
    # With nothing after it, it is dated in the future.
    git -C "$S" reset -q --hard HEAD~1
    run_check history
    assert_rc 6 "at HEAD"
    assert_stdout_contains "error [history] commit $ahead is dated in the future"
}

# `git replace` makes git log, show and blame show another object in place
# of one the history holds; prevent reads the objects themselves.
test_a_replacement_ref_is_a_store_problem_and_prevent_reads_the_real_objects() {
    history_for_rewrite
    local branch triage fake
    branch="$(git -C "$S" symbolic-ref --short HEAD)"
    triage="$(git -C "$S" log --format=%H --grep '^triage: ' | tail -1)"
    git -C "$S" checkout -q -b fake "$triage" || fail "checkout failed"
    sed -i 's/^  outcome: channel-panel$/  outcome: police-managed/; /^  section36:$/,/^    by: /d' "$F"
    git -C "$S" commit -q -a --amend --no-edit || fail "amend failed"
    fake="$(head_of "$S")"
    git -C "$S" checkout -q "$branch" && git -C "$S" branch -q -D fake || fail "checkout failed"
    git -C "$S" replace "$triage" "$fake" || fail "git replace failed"
    assert_contains "$(git -C "$S" show "$triage:cases/2026/PRV-2026-0001.yaml")" "police-managed" "git show through the replacement"
    run prevent -C "$S" log PRV-2026-0001 --as-of "$AS_OF"
    assert_rc 0 "log"
    assert_stdout_contains "    triage.outcome: (none) → channel-panel"
    assert_not_contains "$(stdout)" "police-managed" "prevent log"
    run_check
    assert_rc 6
    assert_stdout_contains "error [history] a replacement ref: git log, show and blame show object ${triage:0:12} as another one, while prevent reads the real one"
    assert_stdout_contains "(refs/replace/$triage)"
    run_check history
    assert_rc 6 "check history"
    git -C "$S" replace -d "$triage" >/dev/null || fail "git replace -d failed"
    run_check --strict
    assert_rc 0 "after the replacement was removed"
}

test_a_grafts_file_is_a_store_problem() {
    setup_store_with_a_case
    echo "$(head_of "$S")" >"$S/.git/info/grafts"
    run_check history
    assert_rc 6
    assert_stdout_contains "error [history] a grafts file"
}

# trailer_commit ACTION CASE: commits every change with plain git, with the
# trailers prevent would have written, copied by hand.
trailer_commit() {
    git -C "$S" add -A && git -C "$S" commit -q -m "${1//-/ }: $2 by hand" -m "Prevent-Case: $2
Prevent-Action: $1" || fail "git commit failed"
}

test_a_copied_trailer_does_not_pass_a_hand_edit_off_as_the_programs() {
    history_for_rewrite
    sed -i 's/^    type: extreme-right-wing$/    type: islamist/' "$F"
    trailer_commit triage PRV-2026-0001
    assert_eq "$(head_trailers "$S" Prevent-Action)" "triage" "the copied trailer"
    local short
    short="$(git -C "$S" rev-parse --short=12 HEAD)"
    run_check
    assert_rc 0
    assert_stdout_eq "notice [history] hand edit: commit $short by Test Coordinator <coordinator@example.invalid> on $(git -C "$S" log -1 --format=%ad --date=format:'%Y-%m-%d %H:%M:%S %z') changed records outside prevent, whatever its trailer says: triage changes only the case's triage, but it changed referral.concern.type (cases/2026/PRV-2026-0001.yaml)"
    run_check --strict
    assert_rc 4 "--strict"
    assert_no_personal_data "$(stdout)" "check output"
}

test_a_trailer_must_name_the_case_the_commit_changed() {
    history_for_rewrite
    printf 'chronology:\n- date: 2026-11-05\n  kind: contact\n  with: Example Academy\n' >>"$F"
    trailer_commit note PRV-2026-0002
    run_check --strict
    assert_rc 4
    assert_stdout_contains "whatever its trailer says: its Prevent-Case trailer does not name the case it changed (cases/2026/PRV-2026-0001.yaml)"
}

test_a_correct_commit_must_record_its_correction() {
    history_for_rewrite
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$F"
    trailer_commit correct PRV-2026-0001
    run_check --strict
    assert_rc 4
    assert_stdout_contains "whatever its trailer says: correct changes only the fields its corrections entry names, but it did not add one corrections entry"
    # A corrections entry that names another field does not cover it.
    git -C "$S" reset -q --hard HEAD~1
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$F"
    printf 'corrections:\n- date: 2026-11-27\n  fields:\n  - triage.completed\n  reason: Fictional reason\n' >>"$F"
    trailer_commit correct PRV-2026-0001
    run_check --strict
    assert_rc 4 "a corrections entry naming another field"
    assert_stdout_contains "(referral.source.agency)"
    # A refer that changes a case that was there is no refer.
    git -C "$S" reset -q --hard HEAD~1
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$F"
    trailer_commit refer PRV-2026-0001
    run_check --strict
    assert_rc 4 "a refer trailer on a change"
    assert_stdout_contains "refer adds a new case file, but it changed cases/2026/PRV-2026-0001.yaml"
}

# What every command writes stays within its action: a store made by each
# of them passes `check history --strict`.
test_every_command_stays_within_its_action() {
    S="$T/store"
    new_store "$S" --no-hook
    {
        echo "---"
        case_yaml received=2026-10-01 name="Orlo Vantrek" dob=2008-01-02
        echo "---"
        case_yaml received=2026-10-02
    } >"$T/in/two.yaml"
    pv_ok "$S" 2026-10-02 import "$T/in/two.yaml"
    refer_ok "$S" received=2026-10-03
    local c=PRV-2026-0001
    pv_ok "$S" 2026-10-03 note "$c" --date 2026-10-03 --kind contact --with "Example Academy" --text "Fictional text"
    pv_ok "$S" 2026-10-03 assess "$c" --date 2026-10-03 --framework VAF --engagement low --intent low --capability low
    pv_ok "$S" 2026-10-05 triage "$c" --outcome channel-panel --date 2026-10-05 --s36-date 2026-10-05 \
        --s36-by "Example Counter Terrorism Policing"
    meeting_ok "$S" 2026-10-08
    pv_ok "$S" 2026-10-08 panel attend 2026-10-08 --attendee "Housing Officer@Example Homes" \
        --declare "Housing Officer@Example Homes:$c"
    pv_ok "$S" 2026-10-07 panel agenda 2026-10-08 --fill
    pv_ok "$S" 2026-10-08 panel decide 2026-10-08 "$c" --decision adopt --method consensus
    pv_ok "$S" 2026-10-09 panel consent "$c" --status given --by subject --date 2026-10-09
    pv_ok "$S" 2026-10-10 panel action "$c" add --support ideological-mentoring --provider "Example Provider" \
        --due 2026-12-31 --date 2026-10-10
    pv_ok "$S" 2026-10-10 panel action "$c" add --support life-skills --provider "Example Provider" \
        --due 2026-12-31 --date 2026-10-10
    pv_ok "$S" 2026-10-12 panel action "$c" "done" A1 --date 2026-10-12
    pv_ok "$S" 2026-10-13 correct "$c" referral.source.agency="Example College" --reason "Fictional reason"
    pv_ok "$S" 2026-10-14 note "$c" --date 2026-10-14 --kind contact --with "Example Academy"
    pv_ok "$S" 2026-10-14 void "$c" note:2026-10-14 --reason "Fictional reason"
    pv_ok "$S" 2026-11-05 review record "$c" --date 2026-11-05 --kind monthly --outcome close \
        --reason no-further-concerns
    pv_ok "$S" 2026-11-06 void PRV-2026-0002 case --reason "Fictional reason"
    pv_ok "$S" 2026-11-06 foi new --request FOI-2026-0001 --received 2026-11-02 --period 2026-Q3
    pv_ok "$S" 2026-11-06 foi new --request FOI/2026/0002 --received 2026-11-03
    pv_ok "$S" 2026-11-07 foi close --request FOI/2026/0002 --date 2026-11-07 --reason withdrawn
    run prevent -C "$S" check history config --strict --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_empty
}

# .git/prevent/verified-head stays on one machine; refs/prevent/verified
# travels with a push, and an auditor's fresh clone fetches it (docs/audit.md).
test_a_fresh_clone_of_a_rewritten_history_is_caught_through_the_published_verified_head() {
    history_for_rewrite
    local branch verified
    branch="$(git -C "$S" symbolic-ref --short HEAD)"
    verified="$(head_of "$S")"
    assert_eq "$(git -C "$S" rev-parse refs/prevent/verified)" "$verified" "the published verified head after a write"
    git init -q --bare "$T/remote.git"
    git -C "$S" remote add origin "$T/remote.git"
    git -C "$S" push -q origin "$branch" refs/prevent/verified 2>/dev/null || fail "push failed"
    rewrite_old_commit
    # The rewriter pushes the rewritten branch over the remote's; a push of
    # the ref without force is refused (not a fast-forward).
    git -C "$S" push -q -f origin "$branch" 2>/dev/null || fail "push -f failed"
    refer_ok "$S" name="Orvel Brisk" dob=2005-05-05
    assert_eq "$(git -C "$S" rev-parse refs/prevent/verified)" "$verified" "the published verified head after a write on the rewritten history"
    git -C "$S" update-ref refs/prevent/verified HEAD
    run git -C "$S" push -q origin refs/prevent/verified
    assert_rc_nonzero "a push that would rewind the published verified head"
    git clone -q "$T/remote.git" "$T/clone" 2>/dev/null || fail "clone failed"
    git -C "$T/clone" fetch -q origin "refs/prevent/verified:refs/prevent/remotes/origin/verified" || fail "fetch failed"
    run prevent -C "$T/clone" check --as-of "$AS_OF"
    assert_rc 6
    assert_stdout_contains "error [verified-head] history rewritten: HEAD's history no longer contains a remote's verified head $verified; the histories part after commit"
    assert_stdout_contains "(refs/prevent/remotes/origin/verified)"
    assert_no_file "$T/clone/.git/prevent/verified-head"
    assert_eq "$(git -C "$T/clone" rev-parse -q --verify refs/prevent/verified)" "" "the clone's own published verified head"
    # A clean clone records its own, file and ref.
    git clone -q "$T/remote.git" "$T/clean" 2>/dev/null || fail "clone failed"
    run prevent -C "$T/clean" check --as-of "$AS_OF"
    assert_rc 0 "a clone without the published verified head"
    assert_eq "$(git -C "$T/clean" rev-parse refs/prevent/verified)" "$(head_of "$T/clean")" "the clone's published verified head"
}

test_a_published_verified_head_off_the_history_is_caught_without_the_file() {
    history_for_rewrite
    local verified
    verified="$(head_of "$S")"
    rewrite_old_commit
    rm "$S/.git/prevent/verified-head"
    run_check
    assert_rc 6
    assert_stdout_contains "error [verified-head] history rewritten: HEAD's history no longer contains the published verified head $verified"
    assert_stdout_contains "(refs/prevent/verified)"
    assert_no_file "$S/.git/prevent/verified-head"
}

test_check_since_verified_catches_a_rewrite_of_a_head_written_down_earlier() {
    history_for_rewrite
    local noted
    noted="$(git -C "$S" rev-parse --short=12 HEAD)"
    run_check --since-verified "$noted"
    assert_rc 0 "before the rewrite"
    assert_stdout_empty
    rewrite_old_commit
    # Everything the store kept is gone: only the auditor's note is left.
    rm "$S/.git/prevent/verified-head"
    git -C "$S" update-ref -d refs/prevent/verified
    run_check
    assert_rc 0 "without the store's own evidence"
    git -C "$S" update-ref -d refs/prevent/verified
    rm -f "$S/.git/prevent/verified-head"
    run_check --since-verified "$noted"
    assert_rc 6
    assert_stdout_contains "error [verified-head] history rewritten: HEAD's history no longer contains the verified head given $(git -C "$S" rev-parse "$noted")"
    assert_stdout_contains "(--since-verified)"
    run_check --since-verified 0123456789abcdef0123456789abcdef01234567
    assert_rc 6 "a commit the repository does not hold"
    assert_stdout_contains "is no commit of the repository (--since-verified)"
    expect_refusal 5 "$S" prevent -C "$S" check --since-verified "not-a-hash" --as-of "$AS_OF"
    expect_refusal 2 "$S" prevent -C "$S" check --staged --since-verified "$noted" --as-of "$AS_OF"
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

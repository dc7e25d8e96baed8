#!/usr/bin/env bash
# `prevent edit ID`: a case corrected in the user's editor, driven here by a
# scripted $EDITOR. A valid change is one commit recorded as a correction
# (the same `corrections` entry, rules and check as `prevent correct`); a
# problem reopens the editor with the problem on top; unchanged, emptied, a
# failing editor, or the same problem saved again write nothing.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
REASON="Fictional reason: the agency was typed from the wrong form"

# A store with one adopted, supported case PRV-2026-0001 (consent given,
# action A1) and one referral PRV-2026-0002 awaiting triage.
build_supported() {
    local s="$1"
    new_store "$s"
    refer_ok "$s"
    pv_ok "$s" 2026-11-07 triage "$ID" --outcome channel-panel --date 2026-11-06 \
        --s36-date 2026-11-06 --s36-by "Counter Terrorism Policing North West"
    meeting_ok "$s" 2026-11-12
    pv_ok "$s" 2026-11-12 panel decide 2026-11-12 "$ID" --decision adopt --method majority
    pv_ok "$s" 2026-11-14 panel consent "$ID" --status given --by parent-guardian --date 2026-11-14
    pv_ok "$s" 2026-11-15 panel action "$ID" add --support ideological-mentoring \
        --provider "Example Mentoring Service" --due 2027-01-31 --date 2026-11-15
    refer_ok "$s" name="Maribex Tundrell" dob=2008-03-19 received=2026-11-20
}

# The scripted editor: each run is counted in $T/ed/count, the buffer's
# mode and path are noted, a copy of what it was given is kept as seenN,
# and $T/ed/stepN (if any) is sourced with the buffer as $1.
setup() {
    S="$T/store"
    PERSONAL+=("$REASON" "Example Mentoring Service")
    cached_store "$S" supported build_supported
    mkdir -p "$T/ed"
    cat >"$T/ed/editor.sh" <<EOF
#!/bin/sh
n=\$(cat "$T/ed/count" 2>/dev/null || echo 0)
n=\$((n + 1))
echo "\$n" >"$T/ed/count"
stat -c '%a' "\$1" >>"$T/ed/modes"
echo "\$1" >>"$T/ed/paths"
cp "\$1" "$T/ed/seen\$n"
if [ -f "$T/ed/step\$n" ]; then . "$T/ed/step\$n"; fi
EOF
    chmod +x "$T/ed/editor.sh"
    export EDITOR="$T/ed/editor.sh"
    unset VISUAL
}

step() { printf '%s\n' "$2" >"$T/ed/step$1"; } # step N SHELL: the editor's Nth run
runs() { cat "$T/ed/count" 2>/dev/null || echo 0; }

edit() { run prevent -C "$S" --as-of "$AS_OF" edit "$@" </dev/null; }

# No editing file is left in the store's state directory.
assert_no_buffer_left() {
    local left
    left="$(find "$S/.git/prevent" -name 'edit-*' 2>/dev/null)"
    [[ -z "$left" ]] || fail "an editing file was left behind: $left"
}

# The edit failed with CODE and left the store as it was: the same HEAD,
# status and files, nothing on stdout, no personal data on stderr, whose
# last line (before a hint) is a `prevent: ` line containing LAST.
expect_nothing_written() { # expect_nothing_written CODE LAST ARGS…
    local code="$1" last="$2" before after raw found
    shift 2
    before="$(quick_snapshot "$S")"
    edit "$@"
    assert_rc "$code" "prevent edit $*"
    after="$(quick_snapshot "$S")"
    [[ "$before" == "$after" ]] || fail "the store changed although the edit wrote nothing"
    assert_stdout_empty
    raw="$(cat "$ERR")"
    if found="$(personal_in "$raw")"; then fail "stderr contains personal data [$found]"; fi
    assert_contains "$(grep '^prevent: ' "$ERR" | tail -1)" "$last" "the last error line"
    # (The editor's own messages may come before prevent's.)
    [[ -n "${EDITOR_SPEAKS:-}" ]] ||
        assert_eq "$(grep -vc -e '^prevent: ' -e '^hint: ' "$ERR")" "0" "stderr lines that are neither prevent: nor hint:"
    assert_no_buffer_left
}

AGENCY='sed -i "s/^    agency: Example Academy\$/    agency: Example Sixth Form/" "$1"'

test_a_valid_edit_is_one_correction_commit_shown_in_the_log() {
    setup
    step 1 "$AGENCY"
    write_step "$S" "$AS_OF" edit PRV-2026-0001 edit PRV-2026-0001 --reason "$REASON"
    assert_eq "$(runs)" "1" "editor runs"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "edit: PRV-2026-0001 referral.source.agency" "commit subject"
    assert_eq "$(git -C "$S" show --name-only --format= HEAD)" "cases/2026/PRV-2026-0001.yaml" "files of the commit"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['referral']['source']['agency']")" "Example Sixth Form"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['corrections']")" \
        "[{'date': '$AS_OF', 'fields': ['referral.source.agency'], 'reason': '$REASON'}]" "corrections"
    assert_eq "$(stderr)" "prevent: PRV-2026-0001: corrected referral.source.agency on $AS_OF; monthly-review due by 2026-12-10" \
        "the confirming line"
    # The editor got the canonical record under comment lines.
    assert_eq "$(head -c 16 "$T/ed/seen1")" "# prevent edit P" "the buffer's first line"
    assert_eq "$(grep -v '^#' "$T/ed/seen1")" \
        "$(git -C "$S" show HEAD~1:cases/2026/PRV-2026-0001.yaml | grep -v '^#')" "the record in the buffer"
    run prevent -C "$S" log PRV-2026-0001 --as-of "$AS_OF"
    assert_rc 0 "log"
    assert_stdout_contains "referral.source.agency"
    assert_stdout_contains "Example Sixth Form"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0 "check --strict after the edit"
    assert_stdout_empty
}

test_the_buffer_is_private_inside_the_git_directory_and_removed() {
    setup
    step 1 "$AGENCY"
    edit PRV-2026-0001 --reason "$REASON"
    assert_rc 0
    assert_eq "$(cat "$T/ed/modes")" "600" "mode of the editing file"
    assert_matches "$(cat "$T/ed/paths")" "^$S/\\.git/prevent/edit-[0-9]+-PRV-2026-0001\\.yaml\$" "the editing file"
    assert_no_buffer_left
    assert_eq "$(stat -c %a "$S/.git/prevent")" "700" "mode of .git/prevent"
}

test_a_personal_field_is_edited_without_its_value_in_the_commit_or_output() {
    setup
    PERSONAL+=("Quorian Wembleton")
    step 1 'sed -i "s/^    name: Zorvan Quillet\$/    name: Quorian Wembleton/" "$1"'
    write_step "$S" "$AS_OF" edit PRV-2026-0001 edit PRV-2026-0001 --reason "$REASON"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['referral']['subject']['name']")" "Quorian Wembleton"
    assert_no_personal_data "$(stderr)" "stderr"
    assert_no_personal_data "$(git -C "$S" log --format=%B)" "commit messages"
    run prevent -C "$S" log PRV-2026-0001 --as-of "$AS_OF"
    assert_stdout_contains "referral.subject.name"
    assert_no_personal_data "$(stdout)" "log"
}

test_invalid_yaml_reopens_the_editor_and_the_fixed_record_is_one_commit() {
    setup
    step 1 'sed -i "s/^    agency: Example Academy\$/    agency: [Example/" "$1"'
    step 2 'sed -i "s/^    agency: \\[Example\$/    agency: Example Sixth Form/" "$1"'
    write_step "$S" "$AS_OF" edit PRV-2026-0001 edit PRV-2026-0001 --reason "$REASON"
    assert_eq "$(runs)" "2" "editor runs"
    assert_matches "$(sed -n 1p "$ERR")" "^prevent: .*edited record" "the problem on stderr"
    assert_contains "$(cat "$T/ed/seen2")" "# The record was not saved, because of this problem:" "the problem in the buffer"
    assert_contains "$(cat "$T/ed/seen2")" "agency: [Example" "the second run gets the user's text back"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['referral']['source']['agency']")" "Example Sixth Form"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "edit: PRV-2026-0001 referral.source.agency"
}

test_a_vocabulary_error_and_an_impossible_date_are_fixed_in_turn() {
    setup
    PERSONAL+=("2009-02-30")
    step 1 'sed -i "s/^    sector: education\$/    sector: astrology/" "$1"'
    step 2 'sed -i "s/^    sector: astrology\$/    sector: health/; s/^    date_of_birth: 2009-07-23\$/    date_of_birth: 2009-02-30/" "$1"'
    step 3 'sed -i "s/^    date_of_birth: 2009-02-30\$/    date_of_birth: 2009-07-22/" "$1"'
    write_step "$S" "$AS_OF" edit PRV-2026-0001 edit PRV-2026-0001 --reason "$REASON"
    assert_eq "$(runs)" "3" "editor runs"
    assert_contains "$(sed -n 1p "$ERR")" "referral.source.sector" "the first problem names the field"
    assert_contains "$(grep '^prevent: ' "$ERR" | sed -n 2p)" "date_of_birth" "the second problem names the field"
    assert_no_personal_data "$(stderr)" "stderr"
    assert_no_personal_data "$(cat "$T/ed/seen3" | grep '^#')" "the problem in the buffer"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['corrections'][0]['fields']")" \
        "['referral.source.sector', 'referral.subject.date_of_birth']"
}

test_a_broken_rule_is_fixed_then_committed() {
    setup
    step 1 'sed -i "s/^  completed: 2026-11-06\$/  completed: 2026-11-26/" "$1"'
    step 2 'sed -i "s/^  completed: 2026-11-26\$/  completed: 2026-11-05/" "$1"'
    write_step "$S" "$AS_OF" edit PRV-2026-0001 edit PRV-2026-0001 --reason "$REASON"
    assert_eq "$(runs)" "2" "editor runs"
    assert_matches "$(sed -n 1p "$ERR")" "^prevent: .*rule" "the rule named on stderr"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['triage']['completed']")" "2026-11-05"
}

test_a_record_saved_unchanged_writes_nothing() {
    setup
    local before
    before="$(quick_snapshot "$S")"
    edit PRV-2026-0001 --reason "$REASON"
    assert_rc 0
    assert_eq "$(stderr)" "prevent: PRV-2026-0001: no changes; nothing written"
    assert_eq "$(quick_snapshot "$S")" "$before" "the store"
    assert_no_buffer_left
    # Reformatted but the same record (a comment added, a key quoted): no change either.
    step 1 'sed -i "s/^    agency: Example Academy\$/    agency: \"Example Academy\"/" "$1"; echo "# a note" >>"$1"'
    rm -f "$T/ed/count"
    edit PRV-2026-0001 --reason "$REASON"
    assert_rc 0
    assert_eq "$(quick_snapshot "$S")" "$before" "the store"
}

test_an_emptied_record_aborts_and_writes_nothing() {
    setup
    step 1 ': >"$1"'
    expect_nothing_written 2 "emptied" PRV-2026-0001 --reason "$REASON"
    assert_one_error_line
    # Only comment lines left counts as emptied.
    rm -f "$T/ed/count"
    step 1 'sed -i "/^[^#]/d" "$1"'
    expect_nothing_written 2 "emptied" PRV-2026-0001 --reason "$REASON"
}

test_the_same_problem_saved_again_aborts_with_its_exit_code() {
    setup
    step 1 'sed -i "s/^    agency: Example Academy\$/    agency: [Example/" "$1"'
    expect_nothing_written 5 "saved again with the same problem" PRV-2026-0001 --reason "$REASON"
    assert_eq "$(runs)" "2" "editor runs"
    rm -f "$T/ed/count"
    step 1 'sed -i "s/^  completed: 2026-11-06\$/  completed: 2026-11-26/" "$1"'
    expect_nothing_written 4 "saved again with the same problem" PRV-2026-0001 --reason "$REASON"
    assert_eq "$(runs)" "2" "editor runs"
}

test_workflow_changes_are_refused_naming_the_command() {
    setup
    step 1 'sed -i "s/^  outcome: channel-panel\$/  outcome: police-managed/" "$1"'
    expect_nothing_written 5 "saved again" PRV-2026-0001 --reason "$REASON"
    assert_contains "$(sed -n 1p "$ERR")" "triage.outcome: a decision is a workflow event"
    assert_contains "$(sed -n 2p "$ERR")" "prevent triage PRV-2026-0001"
    rm -f "$T/ed/count"
    step 1 'sed -i "s/^panel:\$/panel:\n  - meeting: 2026-11-20\n    decision: defer/" "$1"'
    expect_nothing_written 5 "saved again" PRV-2026-0001 --reason "$REASON"
    assert_contains "$(sed -n 1p "$ERR")" "panel[2]: a new entry is a workflow event"
    assert_contains "$(sed -n 2p "$ERR")" "prevent panel decide DATE PRV-2026-0001"
    rm -f "$T/ed/count"
    step 1 'sed -i "s/^    status: open\$/    status: done\n    closed: 2026-11-20/" "$1"'
    expect_nothing_written 5 "saved again" PRV-2026-0001 --reason "$REASON"
    assert_contains "$(sed -n 1p "$ERR")" "support_plan[A1].status"
    assert_contains "$(sed -n 2p "$ERR")" "prevent panel action PRV-2026-0001 done"
    rm -f "$T/ed/count"
    step 1 'sed -i "s/^id: PRV-2026-0001\$/id: PRV-2026-0009/" "$1"'
    expect_nothing_written 5 "saved again" PRV-2026-0001 --reason "$REASON"
    assert_contains "$(sed -n 1p "$ERR")" "id: the ID of a case cannot be changed"
}

test_a_refused_workflow_change_can_be_undone_in_the_reopened_editor() {
    setup
    step 1 'sed -i "s/^  outcome: channel-panel\$/  outcome: police-managed/; s/^    agency: Example Academy\$/    agency: Example Sixth Form/" "$1"'
    step 2 'sed -i "s/^  outcome: police-managed\$/  outcome: channel-panel/" "$1"'
    write_step "$S" "$AS_OF" edit PRV-2026-0001 edit PRV-2026-0001 --reason "$REASON"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "edit: PRV-2026-0001 referral.source.agency"
}

test_an_editor_that_fails_aborts_and_writes_nothing() {
    setup
    step 1 "$AGENCY; exit 3"
    expect_nothing_written 2 "the editor exited with status 3" PRV-2026-0001 --reason "$REASON"
    assert_one_error_line
    export EDITOR="$T/no-such-editor"
    EDITOR_SPEAKS=1 expect_nothing_written 2 "the editor exited with status 127" PRV-2026-0001 --reason "$REASON"
}

test_without_an_editor_or_a_reason_nothing_runs() {
    setup
    unset EDITOR VISUAL
    # The store's own core.editor is never run: .git/config may be hostile.
    git -C "$S" config core.editor "touch $T/pwned"
    expect_refused 2 "$S" prevent -C "$S" --as-of "$AS_OF" edit PRV-2026-0001 --reason "$REASON"
    assert_stderr_contains "no editor"
    assert_no_file "$T/pwned"
    export EDITOR="$T/ed/editor.sh"
    expect_refused 2 "$S" prevent -C "$S" --as-of "$AS_OF" edit PRV-2026-0001
    assert_stderr_contains "--reason is needed"
    assert_eq "$(runs)" "0" "editor runs"
}

test_visual_comes_before_editor() {
    setup
    export VISUAL="$T/ed/editor.sh" EDITOR="false"
    step 1 "$AGENCY"
    write_step "$S" "$AS_OF" edit PRV-2026-0001 edit PRV-2026-0001 --reason "$REASON"
    assert_eq "$(runs)" "1" "editor runs"
}

test_an_unknown_case_is_refused_before_the_editor_runs() {
    setup
    expect_refused 3 "$S" prevent -C "$S" --as-of "$AS_OF" edit PRV-2026-0099 --reason "$REASON"
    expect_refused 5 "$S" prevent -C "$S" --as-of "$AS_OF" edit not-an-id --reason "$REASON"
    assert_eq "$(runs)" "0" "editor runs"
}

test_a_case_changed_by_another_writer_during_the_edit_is_refused() {
    setup
    step 1 "$AGENCY; \"$PREVENT\" -C \"$S\" --as-of $AS_OF note PRV-2026-0001 --date 2026-11-20 --kind contact --with 'Example Academy' -q"
    local head
    edit PRV-2026-0001 --reason "$REASON"
    assert_rc 6
    assert_stderr_contains "changed while it was being edited"
    head="$(git -C "$S" log -1 --format=%s)"
    assert_matches "$head" "^note: PRV-2026-0001" "HEAD is the other writer's commit"
    assert_no_buffer_left
}

test_a_voided_case_is_refused_before_the_editor_runs() {
    setup
    pv_ok "$S" "$AS_OF" void PRV-2026-0002 case --reason "$REASON"
    expect_refused 4 "$S" prevent -C "$S" --as-of "$AS_OF" edit PRV-2026-0002 --reason "$REASON"
    assert_eq "$(runs)" "0" "editor runs"
}

test_the_reason_is_asked_on_a_terminal_after_a_valid_edit() {
    command -v script >/dev/null || return 0
    setup
    step 1 "$AGENCY"
    # `script` gives prevent a terminal; the answer comes through it.
    printf '%s\n' "$REASON" | script -qec "\"$PREVENT\" -C \"$S\" --as-of $AS_OF edit PRV-2026-0001" /dev/null \
        >"$T/tty.out" 2>&1
    assert_contains "$(cat "$T/tty.out")" "Reason for the correction" "the question"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "edit: PRV-2026-0001 referral.source.agency" "commit subject"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['corrections'][0]['reason']")" "$REASON" "the reason recorded"
}

# ---------------------------------------------------------------------------
# `prevent edit --meeting DATE`: the meeting of 2026-11-12 (chair, one
# police attendee) has PRV-2026-0001's decision recorded at it.

M=2026-11-12
POLICE_AGENCY='sed -i "s/agency: Example Constabulary\$/agency: Example Constabulary North/" "$1"'

test_a_valid_meeting_edit_is_one_commit_with_a_corrections_entry() {
    setup
    step 1 "$POLICE_AGENCY"
    write_step "$S" "$AS_OF" edit - edit --meeting "$M" --reason "$REASON"
    assert_eq "$(runs)" "1" "editor runs"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "edit: $M attendees.1.agency" "commit subject"
    assert_eq "$(git -C "$S" show --name-only --format= HEAD)" "panels/$M.yaml" "files of the commit"
    assert_eq "$(cat "$ERR")" "prevent: panel $M: corrected attendees.1.agency on $AS_OF" "the confirming line"
    assert_contains "$(cat "$S/panels/$M.yaml")" "agency: Example Constabulary North" "the meeting file"
    assert_eq "$("$PYTHON" -c 'import sys,yaml; c = yaml.safe_load(open(sys.argv[1]))["corrections"]; print([dict(e, date=str(e["date"])) for e in c])' "$S/panels/$M.yaml")" \
        "[{'date': '$AS_OF', 'fields': ['attendees.1.agency'], 'reason': '$REASON'}]" "corrections"
    assert_eq "$(head -c 36 "$T/ed/seen1")" "# prevent edit --meeting $M:" "the buffer's first line"
    assert_eq "$(grep -v '^#' "$T/ed/seen1")" "$(git -C "$S" show "HEAD~1:panels/$M.yaml" | grep -v '^#')" \
        "the meeting in the buffer"
    assert_matches "$(cat "$T/ed/paths")" "^$S/\\.git/prevent/edit-[0-9]+-panel-$M\\.yaml\$" "the editing file"
    assert_eq "$(cat "$T/ed/modes")" "600" "mode of the editing file"
    assert_no_buffer_left
    run prevent -C "$S" log --as-of "$AS_OF"
    assert_rc 0 "log"
    assert_stdout_contains "attendees[1].agency"
    assert_stdout_contains "Example Constabulary North"
    assert_stdout_contains "corrections[1].reason"
    assert_no_personal_data "$(stdout)" "log"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0 "check --strict after the meeting edit"
    assert_stdout_empty
}

test_a_police_marking_and_a_misspelt_role_are_corrected() {
    setup
    step 1 'sed -i "s/role: Prevent Lead\$/role: Prevent Lead Officer/" "$1"'
    write_step "$S" "$AS_OF" edit - edit --meeting "$M" --reason "$REASON"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "edit: $M chair.role" "commit subject"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0 "check --strict"
}

test_an_invalid_meeting_is_reopened_then_fixed() {
    setup
    step 1 'sed -i "s/agency: Example Constabulary\$/agency: [Example/" "$1"'
    step 2 'sed -i "s/agency: \\[Example\$/agency: Example Constabulary North/" "$1"'
    write_step "$S" "$AS_OF" edit - edit --meeting "$M" --reason "$REASON"
    assert_eq "$(runs)" "2" "editor runs"
    assert_matches "$(sed -n 1p "$ERR")" "^prevent: .*edited record" "the problem on stderr"
    assert_contains "$(cat "$T/ed/seen2")" "# The record was not saved, because of this problem:" "the problem in the buffer"
    assert_contains "$(cat "$S/panels/$M.yaml")" "agency: Example Constabulary North" "the meeting file"
}

test_a_meeting_left_without_police_while_business_is_recorded_is_refused() {
    setup
    step 1 'sed -i "/^ *police: true\$/d" "$1"'
    expect_nothing_written 4 "saved again with the same problem" --meeting "$M" --reason "$REASON"
    assert_eq "$(runs)" "2" "editor runs"
    assert_contains "$(sed -n 1p "$ERR")" "keeps a police representative" "rule 4 on stderr"
    assert_contains "$(cat "$T/ed/seen2")" "keeps a police representative" "rule 4 in the buffer"
}

test_meeting_workflow_changes_are_refused_naming_the_command() {
    setup
    step 1 "sed -i \"s/^date: $M\\\$/date: 2026-11-19/\" \"\$1\""
    expect_nothing_written 5 "saved again" --meeting "$M" --reason "$REASON"
    assert_contains "$(sed -n 1p "$ERR")" "the meeting's date cannot be corrected"
    assert_contains "$(sed -n 2p "$ERR")" "prevent panel new"
    rm -f "$T/ed/count"
    step 1 'printf "apologies:\n  - role: School Nurse\n    agency: Example Health Trust\n" >>"$1"'
    expect_nothing_written 5 "saved again" --meeting "$M" --reason "$REASON"
    assert_contains "$(sed -n 1p "$ERR")" "who attended or sent apologies is not changed by edit"
    assert_contains "$(sed -n 2p "$ERR")" "prevent panel attend $M"
    rm -f "$T/ed/count"
    step 1 'printf "declarations:\n  - role: Prevent Lead\n    agency: Example Borough Council\n    case: PRV-2026-0002\n" >>"$1"'
    expect_nothing_written 5 "saved again" --meeting "$M" --reason "$REASON"
    assert_contains "$(sed -n 2p "$ERR")" "--declare"
    rm -f "$T/ed/count"
    step 1 'printf "agenda:\n  - case: PRV-2026-0002\n    item: panel\n" >>"$1"'
    expect_nothing_written 5 "saved again" --meeting "$M" --reason "$REASON"
    assert_contains "$(sed -n 2p "$ERR")" "prevent panel agenda $M"
}

test_a_meeting_saved_unchanged_or_emptied_writes_nothing() {
    setup
    local before
    before="$(quick_snapshot "$S")"
    edit --meeting "$M" --reason "$REASON"
    assert_rc 0
    assert_eq "$(cat "$ERR")" "prevent: panel $M: no changes; nothing written"
    assert_eq "$(quick_snapshot "$S")" "$before" "the store"
    assert_no_buffer_left
    rm -f "$T/ed/count"
    step 1 ': >"$1"'
    expect_nothing_written 2 "emptied" --meeting "$M" --reason "$REASON"
    assert_one_error_line
}

test_an_unknown_meeting_or_a_meeting_with_an_id_is_refused_before_the_editor_runs() {
    setup
    expect_refused 3 "$S" prevent -C "$S" --as-of "$AS_OF" edit --meeting 2026-11-19 --reason "$REASON"
    expect_refused 2 "$S" prevent -C "$S" --as-of "$AS_OF" edit PRV-2026-0001 --meeting "$M" --reason "$REASON"
    assert_stderr_contains "not both"
    expect_refused 2 "$S" prevent -C "$S" --as-of "$AS_OF" edit --reason "$REASON"
    assert_eq "$(runs)" "0" "editor runs"
}

# A plain store's meeting never holds a sealed reason: one put there by
# hand is refused before the editor runs (docs/encryption.md#meetings).
test_a_sealed_reason_in_a_plain_store_meeting_is_refused_before_the_editor_runs() {
    setup
    printf 'corrections:\n  - date: %s\n    fields:\n      - chair.role\n    reason: enc:v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n' \
        "$AS_OF" >>"$S/panels/$M.yaml"
    git -C "$S" commit -qam "A forged sealed reason" --no-verify
    expect_refused 5 "$S" prevent -C "$S" --as-of "$AS_OF" edit --meeting "$M" --reason "$REASON"
    assert_stderr_contains "sealed values, which prevent never writes in a plain store (panels/$M.yaml)"
    assert_eq "$(runs)" "0" "editor runs"
}

test_a_hand_forged_meeting_edit_is_reported_by_check() {
    setup
    # A plain commit that adds a person, passed off with an edit trailer.
    printf 'apologies:\n  - role: School Nurse\n    agency: Example Health Trust\ncorrections:\n  - date: %s\n    fields:\n      - chair.role\n    reason: Fictional\n' \
        "$AS_OF" >>"$S/panels/$M.yaml"
    git -C "$S" commit -qam "edit: $M chair.role" --no-verify -m "Prevent-Action: edit"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 4 "check --strict"
    assert_contains "$(cat "$OUT" "$ERR")" "apologies" "the field outside the edit"
}

test_a_terminated_edit_leaves_no_buffer_behind() {
    # The buffer holds personal data: SIGTERM or SIGHUP to prevent while
    # the editor is open removes it, and prevent ends as the signal ends it.
    setup
    local sig pid epid i before
    before="$(quick_snapshot "$S")"
    for sig in TERM HUP; do
        rm -f "$T/ed/count" "$T/ed/epid"
        step 1 "echo \$\$ >\"$T/ed/epid\"; sleep 30"
        "$PREVENT" -C "$S" --as-of "$AS_OF" edit PRV-2026-0001 --reason "$REASON" </dev/null >"$OUT" 2>"$ERR" &
        pid=$!
        for ((i = 0; i < 100; i++)); do [[ -s "$T/ed/epid" ]] && break; sleep 0.1; done
        [[ -n "$(find "$S/.git/prevent" -name 'edit-*')" ]] || fail "no buffer while the editor runs ($sig)"
        kill -s "$sig" "$pid"
        wait "$pid"
        RC=$?
        epid="$(cat "$T/ed/epid" 2>/dev/null)"
        [[ -n "$epid" ]] && kill "$epid" 2>/dev/null
        assert_eq "$RC" "$((128 + $(kill -l "$sig")))" "prevent ended by SIG$sig"
        assert_no_buffer_left
    done
    assert_eq "$(quick_snapshot "$S")" "$before" "nothing written"
}

run_tests "$@"

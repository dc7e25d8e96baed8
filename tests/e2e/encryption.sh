#!/usr/bin/env bash
# Personal data at rest (docs/encryption.md): in an encrypted store every
# (P) value is sealed in every object of the repository and every side
# file; without the key the analyst's and the auditor's commands work as
# before and `show` prints [encrypted]; a wrong or missing key, a changed
# ciphertext and one moved to another case or field are refused (exit 6).
# shellcheck disable=SC2016 # literal `$(…)` text is meant
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
KEY=""
CHAIR="Prevent Lead@Example Borough Council"
POLICE="Detective Sergeant@Example Constabulary"
S36_BY="Counter Terrorism Policing North West"
# Distinctive (P) texts of the scripted run (fictional).
RATIONALE="Fictional rationale about Quillet's leaflets"
PANEL_NOTE="Fictional panel reasoning for Quillet"
PROVIDER="Fictional mentor Olwen Brackenridge"
NOTE_TEXT="Fictional note of a call with Quillet's aunt"
REVIEW_NOTES="Fictional review notes on Quillet's progress"
CORRECTION_REASON="Fictional: the surname was misspelt by the referrer"
VOID_REASON="Fictional: the note was entered on the wrong case"
NEW_NAME="Zorvan Quillett-Example"

# A throw-away ssh-ed25519 key pair for this test ($1: its name).
make_key() {
    ssh-keygen -q -t ed25519 -N "" -C "" -f "$T/$1" >/dev/null </dev/null || fail "ssh-keygen failed"
}

# pk ARGS…: prevent on the store with the key, dated $AS_OF.
pk() { run env PREVENT_IDENTITY="$KEY" "$PREVENT" -C "$S" --as-of "$AS_OF" "$@"; }
# pn ARGS…: the same without any key.
pn() { run env -u PREVENT_IDENTITY "$PREVENT" -C "$S" --as-of "$AS_OF" "$@"; }

setup() {
    S="$T/store"
    make_key coordinator
    KEY="$T/coordinator"
    run prevent init "$S" --area "Example Borough" --as-of "$AS_OF" -q --recipient "$KEY.pub"
    assert_rc 0 "init --recipient"
    referral_flags
    pk refer "${REFER_FLAGS[@]}"
    assert_rc 0 "refer"
    ID="$(stdout)"
    PERSONAL+=("$RATIONALE" "$PANEL_NOTE" "$PROVIDER" "$NOTE_TEXT" "$REVIEW_NOTES" "$CORRECTION_REASON"
        "$VOID_REASON" "$NEW_NAME")
}

# The whole casework of one case, each step with the key.
casework() {
    pk -q triage "$ID" --outcome channel-panel --date 2026-11-05 --s36-date 2026-11-05 --s36-by "$S36_BY" \
        --rationale "$RATIONALE"
    assert_rc 0 "triage"
    pk -q note "$ID" --date 2026-11-06 --kind contact --with "Example Academy" --text "$NOTE_TEXT"
    assert_rc 0 "note"
    pk -q panel new 2026-11-12 --chair "$CHAIR" --police "$POLICE"
    assert_rc 0 "panel new"
    pk -q panel decide "$ID" --meeting 2026-11-12 --decision adopt --method consensus --rationale "$PANEL_NOTE"
    assert_rc 0 "decide"
    pk -q panel consent "$ID" --status given --by parent-guardian --date 2026-11-13
    assert_rc 0 "consent"
    pk -q panel action "$ID" add --support ideological-mentoring --provider "$PROVIDER" --due 2026-12-15 \
        --date 2026-11-13
    assert_rc 0 "action"
    pk -q review record "$ID" --kind monthly --outcome continue --date 2026-11-26 --notes "$REVIEW_NOTES"
    assert_rc 0 "review"
    pk -q correct "$ID" "referral.subject.name=$NEW_NAME" --reason "$CORRECTION_REASON"
    assert_rc 0 "correct"
    pk -q void "$ID" note:2026-11-06 --reason "$VOID_REASON"
    assert_rc 0 "void"
}

# Every object of the repository (loose and packed), every file under
# .git/ (side files, indexes, logs) and the work tree: none holds a (P)
# text of the run.
assert_nothing_in_clear() {
    local what="$1" all
    all="$(git -C "$S" cat-file --batch-all-objects --batch 2>/dev/null)"
    assert_no_personal_data "$all" "$what: an object of the repository"
    assert_not_contains "$all" "postcode_district: ZZ4" "$what: an object of the repository"
    assert_no_personal_data "$(find "$S" -type f ! -path '*/objects/*' -exec cat {} + 2>/dev/null | tr -d '\0')" \
        "$what: a file of the store or its .git"
}

test_a_scripted_casework_run_leaves_no_personal_data_in_clear_anywhere() {
    setup
    casework
    assert_nothing_in_clear "after the casework"
    # Packed as a clone or `git gc` packs them: the same.
    git -C "$S" gc -q --prune=now 2>/dev/null
    assert_nothing_in_clear "after git gc"
    # Every output of the keyless commands, too.
    local cmd out=""
    for cmd in "list" "review due" "panel agenda 2026-11-12" "panel minutes 2026-11-12" "log" "report --period 2026-11" \
        "report --period 2026-11 --format json" "check"; do
        # shellcheck disable=SC2086 # cmd is split on purpose
        pk $cmd
        out+="$(stdout)$(stderr)"
        # shellcheck disable=SC2086
        pn $cmd
        out+="$(stdout)$(stderr)"
    done
    assert_no_personal_data "$out" "the outputs"
}

test_without_the_key_reading_commands_work_and_show_says_encrypted() {
    setup
    casework
    local cmd with without
    for cmd in "list" "review due" "panel agenda 2026-11-12" "panel minutes 2026-11-12" "log" \
        "report --period 2026-11" "report --period 2026-11 --format csv"; do
        # shellcheck disable=SC2086 # cmd is split on purpose
        pk $cmd
        assert_rc 0 "$cmd with the key"
        with="$(stdout)"
        # shellcheck disable=SC2086
        pn $cmd
        assert_rc 0 "$cmd without the key"
        without="$(stdout)"
        assert_eq "$without" "$with" "$cmd without the key"
    done
    pn check
    assert_rc 0 "check without the key"
    pn show "$ID"
    assert_rc 0 "show without the key"
    assert_stdout_contains "name: \"[encrypted]\""
    assert_stdout_contains "gender: male"
    assert_stdout_contains "age_at_referral: 17"
    assert_no_personal_data "$(stdout)" "show without the key"
    pk show "$ID"
    assert_rc 0 "show with the key"
    assert_stdout_contains "name: $NEW_NAME"
    assert_stdout_contains "$PANEL_NOTE"
    assert_stdout_contains "date_of_birth: 2009-07-23"
}

test_writing_personal_data_without_the_key_is_refused_and_other_writes_keep_the_ciphertexts() {
    setup
    expect_refusal 6 "$S" env -u PREVENT_IDENTITY "$PREVENT" -C "$S" --as-of "$AS_OF" refer "${REFER_FLAGS[@]}"
    assert_stderr_contains "needs its key"
    expect_refusal 6 "$S" env -u PREVENT_IDENTITY "$PREVENT" -C "$S" --as-of "$AS_OF" \
        note "$ID" --kind contact --with "Example Academy" --text "$NOTE_TEXT"
    # A write with no (P) value: done, the sealed values written back as they were.
    local before
    before="$(git -C "$S" show HEAD:cases/2026/"$ID".yaml | grep 'enc:v1:' | sort)"
    pn -q triage "$ID" --outcome no-further-action --date 2026-11-05
    assert_rc 0 "a triage without (P) values, without the key"
    assert_eq "$(git -C "$S" show HEAD:cases/2026/"$ID".yaml | grep 'enc:v1:' | sort)" "$before" "the sealed values"
    pk show "$ID"
    assert_rc 0
    assert_stdout_contains "name: Zorvan Quillet"
}

test_a_key_store_lock_a_killed_writer_left_does_not_stop_the_next_write() {
    setup
    # A writer killed while it moved the key store's ref leaves its lock
    # file; only writers holding the store's writers' lock write there, so
    # the next one removes it, and the new case's key is written.
    : >"$S/.git/refs/prevent/keys.lock"
    pk refer "${REFER_FLAGS[@]}"
    assert_rc 0 "a refer after a stale key store lock"
    local second
    second="$(stdout)"
    assert_no_file "$S/.git/refs/prevent/keys.lock"
    pk show "$second"
    assert_rc 0
    pk check --strict
    assert_rc 0
}

test_a_wrong_or_missing_key_is_exit_6_with_one_line() {
    setup
    make_key stranger
    expect_refusal 6 "$S" env PREVENT_IDENTITY="$T/stranger" "$PREVENT" -C "$S" --as-of "$AS_OF" show "$ID"
    expect_refusal 6 "$S" env PREVENT_IDENTITY="$T/absent-key" "$PREVENT" -C "$S" --as-of "$AS_OF" show "$ID"
    printf 'not a key\n' >"$T/garbage"
    expect_refusal 6 "$S" env PREVENT_IDENTITY="$T/garbage" "$PREVENT" -C "$S" --as-of "$AS_OF" show "$ID"
    expect_refusal 6 "$S" "$PREVENT" -C "$S" --as-of "$AS_OF" --identity "$T/stranger" show "$ID"
}

# Commits a hand edit of the case file made by `sed EXPR`.
hand_edit() {
    sed -i -E "$1" "$S/cases/2026/$ID.yaml"
    git -C "$S" commit -q -a -m "hand edit" --no-verify
}

test_a_changed_or_moved_ciphertext_does_not_open() {
    setup
    pk -q triage "$ID" --outcome channel-panel --date 2026-11-05 --s36-date 2026-11-05 --s36-by "$S36_BY" \
        --rationale "$RATIONALE"
    # The summary's ciphertext put in place of the name: refused, naming the field.
    local summary
    summary="$(grep -E '^    summary: enc:v1:' "$S/cases/2026/$ID.yaml" | sed -E 's/^    summary: //')"
    [[ -n "$summary" ]] || fail "no sealed summary in the record"
    hand_edit "s|^    name: enc:v1:.*|    name: $summary|"
    expect_refusal 6 "$S" env PREVENT_IDENTITY="$KEY" "$PREVENT" -C "$S" --as-of "$AS_OF" show "$ID"
    assert_stderr_contains "referral.subject.name"
    pk check
    assert_rc_nonzero
    assert_stdout_contains "referral.subject.name"
    git -C "$S" reset -q --hard HEAD~1
    # One character of a ciphertext changed.
    hand_edit 's|^(  rationale: enc:v1:..)(.)|\1~|'
    sed -i -E 's|^(  rationale: enc:v1:..)~|\1A|' "$S/cases/2026/$ID.yaml"
    git -C "$S" commit -q -a -m "hand edit" --no-verify
    expect_refusal 6 "$S" env PREVENT_IDENTITY="$KEY" "$PREVENT" -C "$S" --as-of "$AS_OF" show "$ID"
    git -C "$S" reset -q --hard HEAD~2
    # The name's ciphertext copied into another case.
    local name other
    name="$(grep -E '^    name: enc:v1:' "$S/cases/2026/$ID.yaml" | sed -E 's/^    name: //')"
    referral_flags name="Fictional Other Person"
    pk refer "${REFER_FLAGS[@]}"
    other="$(stdout)"
    sed -i -E "s|^    name: enc:v1:.*|    name: $name|" "$S/cases/2026/$other.yaml"
    git -C "$S" commit -q -a -m "hand edit" --no-verify
    expect_refusal 6 "$S" env PREVENT_IDENTITY="$KEY" "$PREVENT" -C "$S" --as-of "$AS_OF" show "$other"
}

test_the_person_index_is_keyed() {
    setup
    pk find --name "Zorvan Quillet"
    assert_rc 0
    assert_stdout_contains "$ID"
    local f
    for f in "$S"/.git/prevent/people-v2* "$S"/.git/prevent/names-v1*; do
        [[ -e "$f" ]] || continue
        # The plain hash of the person key is not in it.
        local plain
        plain="$(printf 'zorvan quillet|2009-07-23' | git hash-object --stdin | cut -c1-16)"
        assert_not_contains "$(cat "$f")" "$plain" "$f"
    done
    assert_eq "$(find "$S/.git/prevent" -maxdepth 1 -name 'people-v2' | wc -l)" "0" "an unkeyed person index"
    # Without the key: no index is built, nothing to find.
    rm -f "$S"/.git/prevent/names-v1*
    expect_refusal 6 "$S" env -u PREVENT_IDENTITY "$PREVENT" -C "$S" --as-of "$AS_OF" find --name "Zorvan Quillet"
}

# A case whose data key in the key store is damaged (here: the key of
# another case put in its place) is left out of a rebuilt person index,
# as one that does not read: the rebuild goes on, the other cases are
# found, and the damaged one matches nothing.
test_a_damaged_case_key_leaves_only_that_case_out_of_a_rebuilt_index() {
    setup
    local first="$ID"
    referral_flags name="Morwenna Example-Tregarth" dob=2010-02-14
    pk refer "${REFER_FLAGS[@]}"
    assert_rc 0 "refer of another person"
    local second
    second="$(stdout)"
    local kc blob path2 tree commit
    kc="$(git -C "$S" rev-parse refs/prevent/keys)"
    path2="$(git -C "$S" ls-tree -r --name-only refs/prevent/keys | grep "/$second\$")"
    blob="$(git -C "$S" rev-parse "refs/prevent/keys:$(git -C "$S" ls-tree -r --name-only refs/prevent/keys | grep "/$first\$")")"
    GIT_INDEX_FILE="$T/keys-index" git -C "$S" read-tree refs/prevent/keys
    GIT_INDEX_FILE="$T/keys-index" git -C "$S" update-index --cacheinfo "100644,$blob,$path2"
    tree="$(GIT_INDEX_FILE="$T/keys-index" git -C "$S" write-tree)"
    commit="$(git -C "$S" commit-tree "$tree" -p "$kc" -m "a damaged key store")"
    git -C "$S" update-ref refs/prevent/keys "$commit"
    rm -f "$S"/.git/prevent/people-v2* "$S"/.git/prevent/names-v1*
    referral_flags received=2026-11-20
    pk refer "${REFER_FLAGS[@]}"
    assert_rc 0 "refer of the first person, the index rebuilt"
    assert_eq "$(case_field "$S" "$(stdout)" "d.get('related')")" "['$first']" "linked to the first case"
    referral_flags name="Morwenna Example-Tregarth" dob=2010-02-14 received=2026-11-21
    pk refer "${REFER_FLAGS[@]}"
    assert_rc 0 "refer of the second person"
    assert_eq "$(case_field "$S" "$(stdout)" "d.get('related')")" "None" "the case whose key is damaged matches nothing"
}

test_a_coordinator_who_leaves_no_longer_unlocks_the_store() {
    setup
    make_key deputy
    pk -q keys add deputy --ssh "$T/deputy.pub"
    assert_rc 0 "keys add"
    pk -q keys remove "$(prevent -C "$S" keys list --format csv | sed -n 2p | cut -d, -f1)"
    assert_rc 0 "keys remove"
    expect_refusal 6 "$S" env PREVENT_IDENTITY="$KEY" "$PREVENT" -C "$S" --as-of "$AS_OF" show "$ID"
    run env PREVENT_IDENTITY="$T/deputy" "$PREVENT" -C "$S" --as-of "$AS_OF" show "$ID"
    assert_rc 0 "show with the remaining key"
    assert_stdout_contains "name: Zorvan Quillet"
}

# ---------------------------------------------------------------------------
# A meeting's correction reasons (docs/encryption.md#meetings): sealed with
# the store's data key, bound to the meeting's file.

MEETING_REASON="Fictional: the constable's force was typed from the wrong form"

# $EDITOR for `edit --meeting`: corrects the police attendee's agency.
police_agency_editor() {
    printf '#!/bin/sh\nexec sed -i -e "s/agency: Example Constabulary\\$/agency: Example Constabulary North/" "$1"\n' \
        >"$T/meeting-editor"
    chmod +x "$T/meeting-editor"
    export EDITOR="$T/meeting-editor"
    unset VISUAL
}

# Commits a hand edit of a meeting file made by `sed EXPR`.
hand_edit_meeting() { # hand_edit_meeting DATE EXPR
    sed -i -E "$2" "$S/panels/$1.yaml"
    git -C "$S" commit -q -a -m "hand edit" --no-verify
}

# The sealed reason of the first correction of a meeting at HEAD.
sealed_reason_of() { git -C "$S" show "HEAD:panels/$1.yaml" | sed -n -E 's/^    reason: (enc:v1:.*)$/\1/p' | head -1; }

test_a_meeting_correction_reason_is_sealed_and_opens_only_with_the_key() {
    setup
    PERSONAL+=("$MEETING_REASON")
    pk -q panel new 2026-11-12 --chair "$CHAIR" --police "$POLICE"
    assert_rc 0 "panel new"
    police_agency_editor
    pk edit --meeting 2026-11-12 --reason "$MEETING_REASON" </dev/null
    assert_rc 0 "edit --meeting"
    assert_no_personal_data "$(stdout)$(stderr)" "edit's output"
    assert_no_personal_data "$(git -C "$S" log -1 --format=%B)" "the commit message"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "edit: 2026-11-12 attendees.1.agency" "the commit subject"
    [[ -n "$(sealed_reason_of 2026-11-12)" ]] || fail "no sealed reason in the meeting file"
    assert_nothing_in_clear "after a meeting edit"
    git -C "$S" gc -q --prune=now 2>/dev/null
    assert_nothing_in_clear "after git gc"
    # With the key the reason reads back; without it, [encrypted], and the
    # keyless commands print what they print with the key.
    pk log --show-personal
    assert_rc 0 "log --show-personal with the key"
    assert_stdout_contains "$MEETING_REASON"
    pn log --show-personal
    assert_rc 0 "log --show-personal without the key"
    assert_stdout_contains "corrections[1].reason: (none) → [encrypted]"
    assert_no_personal_data "$(stdout)" "log --show-personal without the key"
    local cmd with
    for cmd in "panel minutes 2026-11-12" "panel agenda 2026-11-12" "log" "list" "report --period 2026-11"; do
        # shellcheck disable=SC2086 # cmd is split on purpose
        pk $cmd
        assert_rc 0 "$cmd with the key"
        with="$(stdout)"
        # shellcheck disable=SC2086
        pn $cmd
        assert_rc 0 "$cmd without the key"
        assert_eq "$(stdout)" "$with" "$cmd without the key"
    done
    pn check
    assert_rc 0 "check without the key"
    pk check
    assert_rc 0 "check with the key"
    # A wrong or missing key: edit --meeting refused before its editor runs.
    make_key stranger
    expect_refusal 6 "$S" env PREVENT_IDENTITY="$T/stranger" "$PREVENT" -C "$S" --as-of "$AS_OF" \
        edit --meeting 2026-11-12 --reason "Fictional other reason" </dev/null
    expect_refusal 6 "$S" env -u PREVENT_IDENTITY "$PREVENT" -C "$S" --as-of "$AS_OF" \
        edit --meeting 2026-11-12 --reason "Fictional other reason" </dev/null
    assert_stderr_contains "needs the key"
    # Erasing a case leaves the meeting's reasons readable: the store's
    # data key is not the case's.
    pk -q erase "$ID" --reason "Fictional erasure reason"
    assert_rc 0 "erase"
    PERSONAL+=("Fictional erasure reason")
    assert_eq "$(git -C "$S" show --name-only --format= HEAD)" "cases/2026/$ID.yaml" "the files erase changed"
    pk log --show-personal
    assert_rc 0 "log --show-personal after the erasure"
    assert_stdout_contains "$MEETING_REASON"
}

test_a_changed_or_moved_meeting_reason_does_not_open() {
    setup
    PERSONAL+=("$MEETING_REASON")
    pk -q panel new 2026-11-12 --chair "$CHAIR" --police "$POLICE"
    pk -q panel new 2026-11-19 --chair "$CHAIR" --police "$POLICE"
    police_agency_editor
    pk edit --meeting 2026-11-12 --reason "$MEETING_REASON" </dev/null
    assert_rc 0 "edit --meeting"
    local sealed
    sealed="$(sealed_reason_of 2026-11-12)"
    [[ -n "$sealed" ]] || fail "no sealed reason in the meeting file"
    # One character of the ciphertext changed.
    hand_edit_meeting 2026-11-12 's|^(    reason: enc:v1:..)(.)|\1~|'
    sed -i -E 's|^(    reason: enc:v1:..)~|\1A|' "$S/panels/2026-11-12.yaml"
    [[ "$(sealed_reason_of 2026-11-12)" != "$sealed" ]] ||
        sed -i -E 's|^(    reason: enc:v1:..)A|\1B|' "$S/panels/2026-11-12.yaml"
    git -C "$S" commit -q -a -m "hand edit" --no-verify
    expect_refusal 6 "$S" env PREVENT_IDENTITY="$KEY" "$PREVENT" -C "$S" --as-of "$AS_OF" \
        edit --meeting 2026-11-12 --reason "Fictional other reason" </dev/null
    assert_stderr_contains "corrections.reason"
    assert_stderr_contains "panels/2026-11-12.yaml"
    pk check
    assert_rc 6 "check with the key"
    assert_stdout_contains "does not open"
    assert_stdout_contains "panels/2026-11-12.yaml"
    assert_no_personal_data "$(stdout)$(stderr)" "check"
    # Without the key the change cannot be seen: the keyless check is clean
    # but for the hand edits.
    pn check records rules
    assert_rc 0 "check records rules without the key"
    git -C "$S" reset -q --hard HEAD~2
    [[ "$(sealed_reason_of 2026-11-12)" == "$sealed" ]] || fail "the reset should bring the sealed reason back"
    # The sealed reason copied into the meeting of another date.
    printf 'corrections:\n  - date: %s\n    fields:\n      - chair.role\n    reason: %s\n' "$AS_OF" "$sealed" \
        >>"$S/panels/2026-11-19.yaml"
    git -C "$S" commit -q -a -m "hand edit" --no-verify
    expect_refusal 6 "$S" env PREVENT_IDENTITY="$KEY" "$PREVENT" -C "$S" --as-of "$AS_OF" \
        edit --meeting 2026-11-19 --reason "Fictional other reason" </dev/null
    assert_stderr_contains "moved from another meeting or field"
    pk check records rules
    assert_rc 6 "check with the key"
    assert_stdout_contains "panels/2026-11-19.yaml"
    assert_not_contains "$(stdout)" "panels/2026-11-12.yaml" "check with the key"
}

# A meeting reason in plain text in an encrypted store (typed in by hand,
# or left by a prevent that did not seal meetings): check reports it; the
# next write of the meeting seals it, and needs the key for that.
test_a_plain_meeting_reason_in_an_encrypted_store_is_reported_and_sealed_on_the_next_write() {
    setup
    local plain="Fictional plain meeting reason Harrowgate"
    PERSONAL+=("$plain")
    pk -q panel new 2026-11-12 --chair "$CHAIR" --police "$POLICE"
    printf 'corrections:\n  - date: %s\n    fields:\n      - chair.role\n    reason: %s\n' "$AS_OF" "$plain" \
        >>"$S/panels/2026-11-12.yaml"
    git -C "$S" commit -q -a -m "hand edit" --no-verify
    pn check records rules
    assert_rc 6 "check"
    assert_stdout_contains "personal data (a correction's reason) in plain text in an encrypted store"
    assert_no_personal_data "$(stdout)$(stderr)" "check"
    expect_refusal 6 "$S" env -u PREVENT_IDENTITY "$PREVENT" -C "$S" --as-of "$AS_OF" \
        panel attend 2026-11-12 --apology "School Nurse@Example Health Trust"
    assert_stderr_contains "needs its key"
    pk -q panel attend 2026-11-12 --apology "School Nurse@Example Health Trust"
    assert_rc 0 "panel attend with the key"
    assert_no_personal_data "$(git -C "$S" show HEAD:panels/2026-11-12.yaml)" "the meeting written with the key"
    [[ -n "$(sealed_reason_of 2026-11-12)" ]] || fail "the reason should be sealed"
    pk check records rules
    assert_rc 0 "check after the write"
}

run_tests "$@"

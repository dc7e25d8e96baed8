#!/usr/bin/env bash
# The case → commits index behind `prevent log ID` (.git/prevent/log-v1/cases-YYYY,
# docs/store.md): the same log, text and JSON, with no index, a warm one, a
# damaged or stale one, after hand commits, a rewritten history and prevent
# writes; and no personal data in it. PREVENT_LOG_INDEX=0 makes `log ID`
# walk the whole history instead, as it did before the index: the reference
# every comparison here is made against.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
C1=PRV-2026-0001
C2=PRV-2026-0002
C3=PRV-2025-0001
IDX=""

# Three cases (two years), a meeting that declares an interest in C1, an
# agenda naming C1, a decision, consent, a support action; C2 stays at
# referral.
# Without the pre-commit hook: a test deletes a case file by hand.
build_index_store() {
    local s="$1"
    new_store "$s" --no-hook
    refer_ok "$s" received=2026-11-02 summary="Fictional summary Larkspindle"
    pv_ok "$s" 2026-11-05 triage "$C1" --outcome channel-panel --date 2026-11-04 --s36-date 2026-11-04 \
        --s36-by "Example Counter Terrorism Policing" --rationale "Fictional rationale Corvantile"
    refer_ok "$s" name="Maribex Tundrell" dob=2008-03-19 received=2026-11-06 summary="Fictional summary Ondrakey"
    meeting_ok "$s" 2026-11-10
    pv_ok "$s" 2026-11-09 panel attend 2026-11-10 --declare "Housing Officer@Example Homes:$C1"
    pv_ok "$s" 2026-11-09 panel agenda 2026-11-10 --fill
    pv_ok "$s" 2026-11-10 panel decide 2026-11-10 "$C1" --decision adopt --method consensus \
        --rationale "Fictional panel rationale Mossgrave"
    refer_ok "$s" name="Quendra Vallisk" dob=2007-01-30 received=2025-12-01 summary="Fictional summary Brackwold"
    pv_ok "$s" 2026-11-12 panel consent "$C1" --status given --by parent-guardian --date 2026-11-12
    pv_ok "$s" 2026-11-13 panel action "$C1" add --support ideological-mentoring \
        --provider "Example Intervention Provider" --due 2026-12-31 --date 2026-11-13
}

setup() {
    S="$T/store"
    cached_store "$S" index build_index_store
    IDX="$S/.git/prevent/log-v1/cases-2026"
    PERSONAL+=(Larkspindle Corvantile Mossgrave Ondrakey "Quendra Vallisk" 2007-01-30 Brackwold)
}

# hand_commit MESSAGE: commits every change with plain git.
hand_commit() {
    if ! { git -C "$S" add -A && git -C "$S" commit -q -m "$1"; }; then fail "git commit failed"; fi
}

# The index's head: the 20 bytes before the last segment's checksum.
index_head() { tail -c 40 "$IDX" | head -c 20 | od -An -tx1 | tr -d ' \n'; }

# same_logs WHAT: every case's log, text and JSON, with and without filters,
# is the same through the index as by the walk (exit code, stdout, stderr).
same_logs() {
    local what="$1" id args want got
    for id in "$C1" "$C2" "$C3" PRV-2026-0099; do
        for args in "" "--format json" "--show-personal" "--action panel-attend" "--since 2026-11-11" \
            "--until 2026-11-09 --format json" "--author nobody"; do
            # shellcheck disable=SC2086 # the options are words
            want="$(PREVENT_LOG_INDEX=0 "$PREVENT" -C "$S" log "$id" $args 2>&1; echo "exit $?")"
            # shellcheck disable=SC2086
            got="$("$PREVENT" -C "$S" log "$id" $args 2>&1; echo "exit $?")"
            if [[ "$got" != "$want" ]]; then
                fail "$what: log $id $args differs from the walk's"
                diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -20 | sed 's/^/         | /'
                return
            fi
        done
    done
}

test_with_no_index_log_builds_one_and_gives_the_walks_log() {
    setup
    rm -f "$IDX"
    run prevent -C "$S" log "$C1"
    assert_rc 0
    assert_stderr_empty
    assert_file_exists "$IDX"
    assert_mode "$IDX" 600
    assert_eq "$(index_head)" "$(head_of "$S")" "the index's head"
    # The meeting blocks are in it.
    assert_stdout_contains "  meeting 2026-11-10"
    assert_eq "$(grep -cE '^[0-9a-f]{12}  ' "$OUT")" 7 "blocks in the log of $C1"
    rm -f "$IDX"
    same_logs "no index"
    assert_clean "$S"
}

test_a_warm_index_is_used_as_it_is() {
    setup
    run prevent -C "$S" log "$C2"
    assert_rc 0
    cp "$IDX" "$T/before"
    touch -d 2020-01-01 "$IDX"
    same_logs "warm index"
    cmp -s "$IDX" "$T/before" || fail "an index that was up to date was rewritten"
    assert_eq "$(stat -c %Y "$IDX")" "$(date -d 2020-01-01 +%s)" "the index's time (not rewritten)"
}

test_a_damaged_or_foreign_index_is_rebuilt() {
    setup
    run prevent -C "$S" log "$C1"
    cp "$IDX" "$T/good"
    local size
    size="$(stat -c %s "$T/good")"
    # garbage, truncated, a byte changed, another version, empty, extra bytes
    printf 'garbage\n' >"$T/bad.garbage"
    head -c $((size / 2)) "$T/good" >"$T/bad.truncated"
    head -c $((size - 1)) "$T/good" >"$T/bad.short"
    cp "$T/good" "$T/bad.flipped"
    printf 'X' | dd of="$T/bad.flipped" bs=1 seek=$((size / 2)) conv=notrunc status=none
    sed 's/prevent log index v2/prevent log index v1/' "$T/good" >"$T/bad.version"
    : >"$T/bad.empty"
    { cat "$T/good"; printf 'x'; } >"$T/bad.extra"
    local f
    local want_text want_json
    want_text="$(PREVENT_LOG_INDEX=0 "$PREVENT" -C "$S" log "$C1")"
    want_json="$(PREVENT_LOG_INDEX=0 "$PREVENT" -C "$S" log "$C1" --format json)"
    for f in "$T"/bad.*; do
        cp "$f" "$IDX"
        run prevent -C "$S" log "$C1"
        assert_rc 0 "index ${f##*.}"
        assert_stderr_empty
        assert_eq "$(stdout)" "$want_text" "log $C1 with index ${f##*.}"
        cmp -s "$IDX" "$T/good" || fail "index ${f##*.}: not rebuilt as a fresh one"
        cp "$f" "$IDX"
        run prevent -C "$S" log "$C1" --format json
        assert_eq "$(stdout)" "$want_json" "log $C1 --format json with index ${f##*.}"
    done
    same_logs "after the repairs"
}

test_an_index_of_a_history_that_was_rewritten_is_rebuilt() {
    setup
    run prevent -C "$S" log "$C1"
    local old_head
    old_head="$(head_of "$S")"
    # Back three commits, then a different history on top.
    git -C "$S" reset -q --hard HEAD~3
    pv_ok "$S" 2026-11-20 panel consent "$C1" --status declined --by parent-guardian --date 2026-11-20
    sed -i 's/^    agency: Example Academy$/    agency: Example College/' "$S/cases/2026/$C2.yaml"
    hand_commit "Correct the agency"
    assert_eq "$(index_head)" "$old_head" "the index's head before the log (not extended by the write)"
    same_logs "rewritten history"
    assert_eq "$(index_head)" "$(head_of "$S")" "the index's head after"
    run prevent -C "$S" log "$C1"
    assert_not_contains "$(stdout)" "panel-action" "log of $C1 after the rewrite"
    assert_stdout_contains "consent[1].status: (none) → declined"
    # The rebuilt index is the one a fresh build makes.
    cp "$IDX" "$T/rebuilt"
    rm -f "$IDX"
    run prevent -C "$S" log "$C1"
    cmp -s "$IDX" "$T/rebuilt" || fail "the rebuilt index differs from a fresh one"
}

test_a_hand_commit_is_added_to_the_index_by_the_next_log() {
    setup
    run prevent -C "$S" log "$C1"
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$S/cases/2026/$C1.yaml"
    hand_commit "Correct the agency"
    # A meeting edited by hand to name C2.
    sed -i "s/$C1/$C2/" "$S/panels/2026-11-10.yaml"
    hand_commit "Correct the declaration"
    git -C "$S" rm -q "cases/2025/$C3.yaml"
    hand_commit "Remove a case"
    same_logs "after hand commits"
    assert_eq "$(index_head)" "$(head_of "$S")" "the index's head"
    run prevent -C "$S" log "$C2"
    assert_contains "$(stdout)" "  meeting 2026-11-10" "log of $C2"
    run prevent -C "$S" log "$C3"
    assert_stdout_contains "    file: cases/2025/PRV-2025-0001.yaml → (none)"
}

test_prevent_writes_extend_the_index_as_they_commit() {
    setup
    run prevent -C "$S" log "$C1"
    run prevent -C "$S" log "$C3"
    local size idx25="$S/.git/prevent/log-v1/cases-2025"
    size="$(stat -c %s "$IDX")"
    pv_ok "$S" 2026-11-20 panel action "$C1" "done" A1 --date 2026-11-20
    assert_eq "$(index_head)" "$(head_of "$S")" "the index's head after panel action"
    refer_ok "$S" received=2026-11-21
    pv_ok "$S" 2026-11-22 triage "$ID" --outcome no-further-action --date 2026-11-22 --rationale "Fictional rationale Quorrel"
    PERSONAL+=(Quorrel)
    meeting_ok "$S" 2026-11-24
    pv_ok "$S" 2026-11-23 panel attend 2026-11-24 --declare "Housing Officer@Example Homes:$C2" \
        --declare "Youth Worker@Example Youth Service:$C3"
    assert_eq "$(index_head)" "$(head_of "$S")" "the index's head after five writes"
    assert_eq "$(IDX="$idx25" index_head)" "$(head_of "$S")" "the 2025 index's head after five writes"
    [[ "$(stat -c %s "$IDX")" -gt "$size" ]] || fail "the index did not grow"
    cp "$IDX" "$T/extended"
    same_logs "after prevent writes"
    cmp -s "$IDX" "$T/extended" || fail "the log rewrote an index the writes had kept up to date"
    run prevent -C "$S" log "$C2"
    assert_stdout_contains "  meeting 2026-11-24"
    run prevent -C "$S" log "$C3"
    assert_stdout_contains "  meeting 2026-11-24"
    run prevent -C "$S" log PRV-2026-0003
    assert_stdout_contains "triage.outcome: (none) → no-further-action"
    assert_clean "$S"
}

test_a_write_does_not_touch_an_index_that_is_behind_or_absent() {
    setup
    run prevent -C "$S" log "$C1"
    sed -i 's/^    agency: Example Academy$/    agency: Example Free School/' "$S/cases/2026/$C2.yaml"
    hand_commit "Correct the agency"
    cp "$IDX" "$T/behind"
    pv_ok "$S" 2026-11-20 panel action "$C1" "done" A1 --date 2026-11-20
    cmp -s "$IDX" "$T/behind" || fail "a write changed an index whose head is not its parent"
    same_logs "index behind by two commits"
    rm -f "$IDX"
    pv_ok "$S" 2026-11-21 panel consent "$C1" --status withdrawn --by parent-guardian --date 2026-11-21
    assert_no_file "$IDX"
}

test_many_segments_are_compacted_into_one() {
    setup
    run prevent -C "$S" log "$C1"
    local i
    # Each log after a hand commit appends a segment; past 32 the file is
    # written again as one.
    for i in $(seq 1 32); do
        printf 'note %s\n' "$i" >>"$S/notes.txt"
        hand_commit "Note $i"
        run prevent -C "$S" log "$C2"
        assert_rc 0
    done
    cp "$IDX" "$T/compacted"
    rm -f "$IDX"
    run prevent -C "$S" log "$C2"
    cmp -s "$IDX" "$T/compacted" || fail "after 32 extensions the index is not the one a fresh build makes"
    same_logs "after compaction"
}

test_the_index_holds_no_personal_data() {
    setup
    run prevent -C "$S" log "$C1" --show-personal
    assert_rc 0
    run prevent -C "$S" log "$C3" --show-personal
    assert_rc 0
    assert_eq "$(ls "$S/.git/prevent/log-v1" | tr '\n' ' ')" "cases-2025 cases-2026 " "one file per year queried"
    local all
    all="$(cat "$S/.git/prevent/log-v1"/* | tr -c '[:print:]\n' ' ')"
    assert_no_personal_data "$all" "the index"
    # Paths of cases, ID numbers (a meeting's mentions) and binary commit ids.
    assert_contains "$all" "cases/2026/PRV-2026-0001.yaml" "the index"
    assert_contains "$all" "cases/2025/PRV-2025-0001.yaml" "the index"
    assert_contains "$all" "m2026-0001" "the index"
}

test_a_store_whose_index_cannot_be_written_still_logs() {
    setup
    rm -f "$IDX"
    # A directory in the way of the file: the index cannot be saved.
    mkdir -p "$IDX"
    same_logs "index not writable"
    [[ -d "$IDX" ]] || fail "the directory in the index's place was replaced"
}

run_tests "$@"

#!/usr/bin/env bash
# The person index (.git/prevent/people-v2) and the in-place update of
# .git/index: caches that make `refer` fast in a large store and never
# change what it does (SPEC §4 rule 10, §8; docs/store.md).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
IDX=""
setup_store() { # [--no-hook]: for a test that renames or deletes a case with git
    S="$T/store"
    IDX="$S/.git/prevent/people-v2"
    new_store "$S" "$@"
}

related_of() { case_field "$S" "$1" "d.get('related')"; }

# A case of the same person as the test's default referral, committed with
# plain git (not through prevent), as PRV-2026-0050.
commit_by_hand() {
    refer_ok "$S" received=2026-10-01
    local f="$S/cases/2026/$ID.yaml" g="$S/cases/2026/PRV-2026-0050.yaml"
    sed "s/^id: $ID\$/id: PRV-2026-0050/" "$f" >"$g"
    git -C "$S" rm -q "cases/2026/$ID.yaml"
    git -C "$S" add cases/2026/PRV-2026-0050.yaml
    git -C "$S" commit -q -m "by hand"
}

# ---------------------------------------------------------------------------
# The person index

test_the_index_is_made_on_the_first_referral_and_holds_no_personal_data() {
    setup_store
    refer_ok "$S"
    assert_file_exists "$IDX"
    assert_eq "$(sed -n 2p "$IDX")" "cases -" "made before the first case"
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    assert_mode "$IDX" 600
    assert_eq "$(head -1 "$IDX")" "prevent person index v2" "header"
    # HEAD as the referral found it: its own case is read on the next run.
    assert_eq "$(sed -n 2p "$IDX")" "cases $(git -C "$S" rev-parse HEAD~1:cases)" "the tree it describes"
    assert_eq "$(wc -l <"$IDX")" 4 "lines"
    assert_matches "$(sed -n 4p "$IDX")" '^[0-9a-f]{16} cases/2026/PRV-2026-0001\.yaml$' "entry"
    assert_no_personal_data "$(cat "$IDX")" "the person index"
    assert_not_contains "$(tr 'A-Z' 'a-z' <"$IDX")" "quillet" "the person index"
}

test_a_repeat_referral_is_linked_whatever_state_the_index_is_in() {
    local state
    for state in missing empty garbage truncated flipped-entry wrong-checksum other-store old-format a-directory; do
        setup_store
        refer_ok "$S"
        refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
        case "$state" in
            missing) rm -f "$IDX" ;;
            empty) : >"$IDX" ;;
            garbage) printf 'not an index\n\x00\xff\n' >"$IDX" ;;
            truncated) head -c 100 "$IDX" >"$IDX.t" && mv "$IDX.t" "$IDX" ;;
            # Another person's hash on the first case's line: the checksum
            # no longer matches, so the index is rebuilt.
            flipped-entry) sed -i '4s/^[0-9a-f]\{16\}/0000000000000000/' "$IDX" ;;
            wrong-checksum) sed -i '3s/ [0-9a-f]\{16\}$/ 0123456789abcdef/' "$IDX" ;;
            # Made for a tree this repository does not have.
            other-store) sed -i "2s/ .*/ $(printf '%040d' 7)/" "$IDX" ;;
            old-format) rm -f "$IDX" && printf 'prevent person index v1\n' >"$S/.git/prevent/people-v1" ;;
            # Cannot be read or replaced: matching works without it.
            a-directory) rm -f "$IDX" && mkdir "$IDX" ;;
        esac
        refer_ok "$S" received=2026-11-10
        assert_eq "$ID" "PRV-2026-0003" "new ID ($state)"
        assert_eq "$(related_of PRV-2026-0003)" "['PRV-2026-0001']" "related ($state)"
        assert_stderr_contains "PRV-2026-0001"
        assert_clean "$S"
        if [[ "$state" == a-directory ]]; then
            [[ -d "$IDX" ]] || fail "the directory in the index's place was replaced"
        else
            assert_eq "$(head -1 "$IDX")" "prevent person index v2" "rewritten ($state)"
            assert_eq "$(sed -n 2p "$IDX")" "cases $(git -C "$S" rev-parse HEAD~1:cases)" "describes the tree it read ($state)"
        fi
        [[ "$state" != old-format ]] || assert_no_file "$S/.git/prevent/people-v1"
        rm -rf "$S"
    done
}

test_a_case_committed_with_git_is_found() {
    setup_store --no-hook
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    commit_by_hand
    local before
    before="$(sed -n '4,$p' "$IDX")"
    refer_ok "$S" received=2026-11-12
    assert_eq "$ID" "PRV-2026-0051" "new ID: after the highest at HEAD"
    assert_eq "$(related_of PRV-2026-0051)" "['PRV-2026-0050']" "related"
    # The hand-made case's line replaced the one of the file git removed.
    assert_eq "$(sed -n '4,$p' "$IDX" | cut -d' ' -f2)" \
        "$(printf '%s\n' cases/2026/PRV-2026-0001.yaml cases/2026/PRV-2026-0050.yaml)" "entries"
    assert_eq "$(sed -n 4p "$IDX")" "$(printf '%s\n' "$before" | head -1)" "unchanged entry kept"
}

test_a_corrected_name_moves_the_case_in_the_index() {
    setup_store
    refer_ok "$S"
    run prevent -C "$S" correct PRV-2026-0001 "referral.subject.name=Tessaly Corvane" --reason "Fictional typo" --as-of "$AS_OF"
    assert_rc 0
    refer_ok "$S" received=2026-11-10
    assert_eq "$(related_of "$ID")" "None" "the old name no longer matches"
    refer_ok "$S" name="Tessaly Corvane" received=2026-11-11
    assert_eq "$(related_of "$ID")" "['PRV-2026-0001']" "the new name matches"
}

test_a_case_removed_with_git_leaves_the_index() {
    setup_store --no-hook
    refer_ok "$S"
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    git -C "$S" rm -q cases/2026/PRV-2026-0001.yaml
    git -C "$S" commit -q -m "removed by hand"
    refer_ok "$S" received=2026-11-10
    assert_eq "$(related_of "$ID")" "None" "related"
    assert_eq "$(sed -n '4,$p' "$IDX" | cut -d' ' -f2)" "cases/2026/PRV-2026-0002.yaml" "entries"
}

test_an_import_links_to_a_case_committed_with_git_and_within_the_file() {
    setup_store --no-hook
    commit_by_hand
    {
        echo "received,route,sector,agency,referrer_role,name,date_of_birth,gender,concern_type,concern_summary"
        echo "2026-11-04,email,education,Example Academy,DSL,Zorvan Quillet,2009-07-23,male,other,Fictional"
        echo "2026-11-05,email,education,Example Academy,DSL,zorvan quillet,2009-07-23,male,other,Fictional"
    } >"$T/in/two.csv"
    run prevent -C "$S" import "$T/in/two.csv" --as-of "$AS_OF" -q
    assert_rc 0
    assert_eq "$(related_of PRV-2026-0051)" "['PRV-2026-0050']" "first record"
    assert_eq "$(related_of PRV-2026-0052)" "['PRV-2026-0050', 'PRV-2026-0051']" "second record"
}

full_build_matches_the_index_kept_up_to_date() {
    setup_store
    refer_ok "$S" name="Ostrel Fenwick" dob=2001-01-01
    # An encrypted store's index is named by its key (people-v2-k…).
    IDX="$(find "$S/.git/prevent" -maxdepth 1 -name 'people-v2*' -print -quit)"
    # Three imports of 50: each updates the index from the changed files
    # only, on one thread (fewer than 64 files).
    local batch i
    for batch in 1 2 3; do
        {
            echo "received,route,sector,agency,referrer_role,name,date_of_birth,gender,concern_type,concern_summary"
            for ((i = 1; i <= 50; i++)); do
                echo "2026-11-0$((i % 9 + 1)),email,education,Example Academy,DSL,Quorin Batch$batch Num$i,20$((10 + i % 9))-0$((batch + 1))-$((10 + i % 18)),male,other,Fictional"
            done
            echo "2026-11-04,email,health,Example NHS Trust,Nurse,No Birthdate$batch,,female,other,Fictional"
        } >"$T/in/batch$batch.csv"
        run prevent -C "$S" import "$T/in/batch$batch.csv" --as-of "$AS_OF" -q
        assert_rc 0 "import $batch"
        # Brought up to date by this import from the one before it.
        assert_eq "$(sed -n 2p "$IDX")" "cases $(git -C "$S" rev-parse HEAD~1:cases)" "the tree after import $batch"
    done
    refer_ok "$S" name="Ostrel Fenwick" dob=2001-01-01 received=2026-11-20
    local kept="$T/people-kept"
    cp "$IDX" "$kept"
    assert_eq "$(sed -n 2p "$kept")" "cases $(git -C "$S" rev-parse HEAD~1:cases)" "the tree it describes"
    # The same referral on a store with no index: every record (more than
    # 64) read and parsed on all cores.
    git -C "$S" reset -q --hard HEAD~1
    rm -f "$IDX"
    refer_ok "$S" name="Ostrel Fenwick" dob=2001-01-01 received=2026-11-20
    assert_eq "$(related_of "$ID")" "['PRV-2026-0001']" "linked through the rebuilt index"
    cmp -s "$IDX" "$kept" || {
        fail "the index built at once differs from the one kept up to date"
        diff "$kept" "$IDX" | head -5
    }
    assert_eq "$(grep -c ' cases/' "$IDX")" "151" "one line per case with a date of birth"
}

test_a_full_build_on_all_cores_gives_the_index_kept_up_to_date_one_file_at_a_time() {
    full_build_matches_the_index_kept_up_to_date
}

# An encrypted store's rebuild reads and unwraps each case's data key on
# all cores too (CaseKeyTable, lib/store/keyring.hpp): the same index.
test_an_encrypted_store_s_full_build_gives_the_index_kept_up_to_date() {
    E2E_ENCRYPTED=1 full_build_matches_the_index_kept_up_to_date
    assert_eq "$(git -C "$S" ls-files keys/recipients.yaml)" "keys/recipients.yaml" "an encrypted store"
    assert_contains "$IDX" "people-v2-k" "a keyed index"
}

# A referral that is refused (here: a route not in the vocabulary) is
# refused before the person index is read: on a store without one (a
# fresh clone) it costs no index build, and nothing is written, not even
# the index.
test_a_refused_referral_builds_no_index() {
    setup_store
    refer_ok "$S"
    rm -f "$S"/.git/prevent/people-v2* "$S"/.git/prevent/names-v1*
    referral_flags route=no-such-route received=2026-11-10
    expect_refusal 5 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_stderr_contains "routes"
    assert_eq "$(find "$S/.git/prevent" -maxdepth 1 \( -name 'people-v2*' -o -name 'names-v1*' \) | wc -l)" "0" \
        "no index was built"
}

# ---------------------------------------------------------------------------
# .git/index, updated in place

test_after_a_write_git_sees_the_index_exactly_as_head() {
    setup_store
    git -C "$S" write-tree >/dev/null # fills the cache tree
    refer_ok "$S"
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    assert_clean "$S"
    assert_eq "$(git -C "$S" write-tree)" "$(git -C "$S" rev-parse 'HEAD^{tree}')" "tree of the index"
    assert_eq "$(git -C "$S" ls-files -s cases)" "$(git -C "$S" ls-tree -r HEAD cases | awk '{print $1, $3, "0\t" $4}')" \
        "entries"
    git -C "$S" fsck --no-progress 2>&1 | grep -v '^dangling' >"$T/fsck"
    assert_eq "$(cat "$T/fsck")" "" "git fsck"
    # git can commit on top, and prevent after it.
    echo "notes" >"$S/README.txt"
    git -C "$S" add README.txt
    git -C "$S" commit -q -m "by hand"
    refer_ok "$S" name="Tessaly Corvane" dob=2007-01-02
    assert_clean "$S"
    assert_eq "$(git -C "$S" write-tree)" "$(git -C "$S" rev-parse 'HEAD^{tree}')" "tree of the index after git"
}

test_an_index_prevent_does_not_update_in_place_goes_through_libgit2() {
    local kind
    for kind in version-4 untracked-cache; do
        setup_store
        case "$kind" in
            version-4) git -C "$S" update-index --index-version 4 ;;
            untracked-cache)
                git -C "$S" -c core.untrackedCache=true update-index --untracked-cache
                git -C "$S" -c core.untrackedCache=true status -uall >/dev/null
                grep -q UNTR "$S/.git/index" || fail "git wrote no untracked cache"
                ;;
        esac
        refer_ok "$S"
        refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
        assert_clean "$S"
        assert_eq "$(git -C "$S" write-tree)" "$(git -C "$S" rev-parse 'HEAD^{tree}')" "tree of the index ($kind)"
        rm -rf "$S"
    done
}

test_an_index_with_extended_entries_is_updated_in_place_and_keeps_them() {
    # Version 3 with an intent-to-add entry (an extended flag): spliced,
    # the other entry kept as it was.
    setup_store
    git -C "$S" update-index --index-version 3
    echo "notes" >"$S/notes.txt"
    git -C "$S" add -N notes.txt
    local before
    before="$(git -C "$S" ls-files -s notes.txt)"
    refer_ok "$S"
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    assert_eq "$(git -C "$S" ls-files -s notes.txt)" "$before" "the intent-to-add entry"
    assert_eq "$(git -C "$S" status --porcelain)" " A notes.txt" "git status"
    assert_eq "$(git -C "$S" write-tree)" "$(git -C "$S" rev-parse 'HEAD^{tree}')" "tree of the index"
    assert_eq "$(od -An -tu1 -j4 -N4 "$S/.git/index" | tr -s ' ')" " 0 0 0 3" "index version"
}

test_a_held_index_lock_refuses_the_write_and_changes_nothing() {
    setup_store
    refer_ok "$S"
    : >"$S/.git/index.lock"
    referral_flags name="Maribex Tundrell" dob=2008-03-19
    expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_eq "$(commit_count "$S")" 2 "number of commits"
    assert_no_file "$S/.git/prevent/journal"
    rm -f "$S/.git/index.lock"
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19
    assert_eq "$ID" "PRV-2026-0002" "the next write"
    assert_clean "$S"
}

run_tests "$@"

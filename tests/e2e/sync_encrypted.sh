#!/usr/bin/env bash
# `prevent sync` of an encrypted store (issue 19, docs/team.md "Encrypted
# stores"): each copy's key store travels on its own ref of the remote
# (refs/prevent/keys-of/COPY) and is merged into the others'; a renumbered
# case and a conflict on personal data are sealed again with the key; an
# erasure travels as the destroyed key it is.
# shellcheck source=lib/common.bash
source "$(dirname "$0")/lib/common.bash"

# Every store of this suite is encrypted (lib/sync_team.bash).
E2E_ENCRYPTED=1
source "$(dirname "$0")/lib/sync_team.bash"

assert_converged() {
    assert_eq "$(head_of "$T/A")" "$(head_of "$T/B")" "the two heads"
    assert_clean "$T/A"
    assert_clean "$T/B"
}

# The key-store refs on the remote: one per copy that synced.
keys_refs() { git -C "$T/R.git" for-each-ref --format='%(refname)' refs/prevent/keys-of | wc -l; }

# No object of store $1's repository is case $2's data key.
assert_no_key_object() {
    local found
    found="$(git -C "$1" cat-file --batch-all-objects --batch 2>/dev/null | grep -a -c "^case: $2\$")"
    assert_eq "$found" "0" "objects of $1 holding the key of $2"
}

test_a_clone_gets_the_keys_by_its_first_sync() {
    team
    # B has A's key store without any git command of its own, and reads
    # the case with the key.
    assert_eq "$(git -C "$T/B" rev-parse refs/prevent/keys^{tree})" "$(git -C "$T/A" rev-parse refs/prevent/keys^{tree})" \
        "B's key store"
    pv_ok "$T/B" "$AS_OF" show "$BASE_ID"
    assert_stdout_contains "Quorbin Ashwell"
    assert_eq "$(keys_refs)" "2" "key stores on the remote"
    # The fetched key stores are not kept.
    assert_eq "$(git -C "$T/B" for-each-ref refs/prevent/sync/incoming-keys | wc -l)" "0" "fetched key refs kept"
    pv "$T/B" "$AS_OF" check --strict
    assert_rc 0
}

test_new_cases_on_both_copies_bring_their_keys() {
    team
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional referral at A"
    local a_id="$ID"
    pv_ok "$T/B" "$AS_OF" note "$BASE_ID" --date 2026-11-11 --kind contact --with "Example Academy" \
        --text "Fictional note at B"
    pv_ok "$T/B" "$AS_OF" sync
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/B" "$AS_OF" sync
    assert_converged
    pv_ok "$T/B" "$AS_OF" show "$a_id"
    assert_stdout_contains "Velmira Cottish"
    pv_ok "$T/A" "$AS_OF" show "$BASE_ID"
    assert_stdout_contains "Fictional note at B"
    # The values stay sealed in the records.
    assert_not_contains "$(cat "$T/B/cases/"*/"$a_id.yaml")" "Velmira" "B's record of A's case"
    local s
    for s in A B; do
        pv "$T/$s" "$AS_OF" check --strict
        assert_rc 0
    done
}

test_a_case_numbered_on_both_copies_is_sealed_again_under_its_new_id() {
    team
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional referral at A"
    local a_id="$ID"
    refer_ok "$T/B" name="Dorrin Halvesk" summary="Fictional referral at B"
    local b_id="$ID" n new
    assert_eq "$a_id" "$b_id" "the same ID allocated twice"
    n="${b_id##*-}"
    new="${b_id%-*}-$(printf '%04d' $((10#$n + 1)))"
    pv_ok "$T/A" "$AS_OF" sync
    # Without the key B cannot seal its case under the new ID: refused,
    # nothing changed.
    local before
    before="$(head_of "$T/B")"
    PREVENT_IDENTITY="" pv "$T/B" "$AS_OF" sync
    assert_rc 6
    assert_stderr_contains "$b_id was numbered on both copies and is renumbered here"
    assert_eq "$(head_of "$T/B")" "$before" "B's head"
    pv "$T/B" "$AS_OF" sync
    assert_rc 0
    assert_stdout_eq "renumbered $b_id $new"
    pv_ok "$T/A" "$AS_OF" sync
    assert_converged
    pv_ok "$T/A" "$AS_OF" show "$new"
    assert_stdout_contains "Dorrin Halvesk"
    pv_ok "$T/A" "$AS_OF" show "$a_id"
    assert_stdout_contains "Velmira Cottish"
    pv_ok "$T/B" "$AS_OF" show "$a_id"
    assert_stdout_contains "Velmira Cottish"
    # check recomputes the merge: the renumbered record differs from what a
    # merge without the key gives only in its sealed values.
    local s
    for s in A B; do
        pv "$T/$s" "$AS_OF" check --strict
        assert_rc 0
    done
}

test_a_personal_field_changed_two_ways_is_a_sealed_conflict() {
    team
    pv_ok "$T/A" "$AS_OF" correct "$BASE_ID" "referral.subject.name=Quorbin Ashwell-Ferr" --reason "Fictional spelling at A"
    pv_ok "$T/B" "$AS_OF" correct "$BASE_ID" "referral.subject.name=Quorbyn Ashwell" --reason "Fictional spelling at B"
    pv_ok "$T/A" "$AS_OF" sync
    pv "$T/B" "$AS_OF" sync
    assert_rc 0
    assert_stdout_contains "conflict $BASE_ID referral.subject.name"
    # Neither spelling is in the record in clear.
    local file
    file="$(ls "$T/B/cases/"*/"$BASE_ID.yaml")"
    assert_not_contains "$(cat "$file")" "Ashwell" "the merged record"
    pv_ok "$T/A" "$AS_OF" sync
    assert_converged
    pv "$T/A" "$AS_OF" check --strict
    assert_rc 4
    pv_ok "$T/A" "$AS_OF" resolve "$BASE_ID" referral.subject.name --take theirs
    pv_ok "$T/A" "$AS_OF" show "$BASE_ID"
    assert_stdout_contains "Quorbin Ashwell-Ferr"
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/B" "$AS_OF" sync
    assert_converged
    local s
    for s in A B; do
        pv "$T/$s" "$AS_OF" check --strict
        assert_rc 0
    done
}

test_an_erasure_travels_and_destroys_the_other_copy_s_key() {
    team
    # B writes more about the case while A erases it.
    pv_ok "$T/B" "$AS_OF" note "$BASE_ID" --date 2026-11-11 --kind contact --with "Example Academy" \
        --text "Fictional note written at B"
    pv_ok "$T/A" "$AS_OF" erase "$BASE_ID" --reason "Fictional erasure request"
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/B" "$AS_OF" sync
    pv_ok "$T/A" "$AS_OF" sync
    assert_converged
    local s
    for s in A B; do
        assert_no_key_object "$T/$s" "$BASE_ID"
        pv_ok "$T/$s" "$AS_OF" show "$BASE_ID"
        assert_not_contains "$(stdout)" "Fictional note written at B" "$s's record after the erasure"
        assert_not_contains "$(stdout)" "Quorbin" "$s's record after the erasure"
        pv "$T/$s" "$AS_OF" check --strict
        assert_rc 0
    done
    # B's own key store on the remote no longer holds the key either.
    local ref
    for ref in $(git -C "$T/R.git" for-each-ref --format='%(refname)' refs/prevent/keys-of); do
        assert_eq "$(git -C "$T/R.git" ls-tree -r "$ref" | grep -c "$BASE_ID")" "0" "$ref"
    done
}

test_a_copy_without_the_key_syncs_what_needs_none() {
    team
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional referral at A"
    local a_id="$ID"
    pv_ok "$T/A" "$AS_OF" sync
    # The analyst's copy: no identity. Its sync takes A's case and key.
    PREVENT_IDENTITY="" pv "$T/B" "$AS_OF" sync
    assert_rc 0
    pv_ok "$T/B" "$AS_OF" show "$a_id"
    assert_stdout_contains "Velmira Cottish"
}

test_a_key_store_pushed_without_its_branch_stops_no_one() {
    team
    # B's sync pushed its key store and was stopped before its branch:
    # its key for the case it numbered is on the remote, the case is not.
    refer_ok "$T/B" name="Dorrin Halvesk" summary="Fictional referral at B"
    local b_id="$ID"
    git -C "$T/B" push -q "$T/R.git" "refs/prevent/keys:refs/prevent/keys-of/0123456789abcdef0123456789abcdef" ||
        fail "git push failed"
    # A numbers its own case the same and syncs: its key stays its own.
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional referral at A"
    assert_eq "$ID" "$b_id" "the same ID allocated twice"
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/A" "$AS_OF" show "$ID"
    assert_stdout_contains "Velmira Cottish"
    # A third copy, made now, takes no key for a case it has no record of.
    git clone -q "$T/R.git" "$T/C" || fail "git clone failed"
    pv_ok "$T/C" "$AS_OF" sync
    pv_ok "$T/C" "$AS_OF" show "$ID"
    assert_stdout_contains "Velmira Cottish"
    # A copy without the key cannot tell the two keys offered apart: it
    # takes neither, and says so.
    git clone -q "$T/R.git" "$T/D" || fail "git clone failed"
    PREVENT_IDENTITY="" pv_ok "$T/D" "$AS_OF" sync
    assert_stderr_contains "$ID: other copies offer different keys for it"
    # B comes back: its case is renumbered, and every copy converges.
    pv_ok "$T/B" "$AS_OF" sync
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/C" "$AS_OF" sync
    assert_converged
    local s
    for s in A B C; do
        pv "$T/$s" "$AS_OF" check --strict
        assert_rc 0 "check of $s"
    done
    pv_ok "$T/C" "$AS_OF" list --format csv
    assert_eq "$(stdout | tail -n +2 | wc -l)" "3" "cases"
}

test_refuses_a_remote_key_store_with_a_key_out_of_place() {
    team
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional referral at A"
    pv_ok "$T/A" "$AS_OF" sync
    # A hostile copy's key store: the base case's key filed under another ID.
    local blob tree commit year fake
    year="${BASE_ID#*-}"
    year="${year%%-*}"
    fake="${BASE_ID%-*}-9999"
    blob="$(git -C "$T/A" rev-parse "refs/prevent/keys:$(git -C "$T/A" ls-tree -r --name-only refs/prevent/keys | grep "$BASE_ID")")"
    git -C "$T/A" cat-file blob "$blob" | git -C "$T/R.git" hash-object -w --stdin >/dev/null
    tree="$(printf '100644 blob %s\t%s\n' "$blob" "$fake" | git -C "$T/R.git" mktree)"
    tree="$(printf '040000 tree %s\t99\n' "$tree" | git -C "$T/R.git" mktree)"
    tree="$(printf '040000 tree %s\t%s\n' "$tree" "$year" | git -C "$T/R.git" mktree)"
    tree="$(printf '040000 tree %s\tcases\n' "$tree" | git -C "$T/R.git" mktree)"
    commit="$(git -C "$T/R.git" commit-tree -m "prevent key store" "$tree")"
    git -C "$T/R.git" update-ref refs/prevent/keys-of/0123456789abcdef0123456789abcdef "$commit"
    local before keys_before
    before="$(head_of "$T/B")"
    keys_before="$(git -C "$T/B" rev-parse refs/prevent/keys)"
    expect_refusal 6 "$T/B" prevent -C "$T/B" --as-of "$AS_OF" sync
    assert_stderr_contains "the remote's key store is damaged"
    assert_eq "$(head_of "$T/B")" "$before" "B's head"
    assert_eq "$(git -C "$T/B" rev-parse refs/prevent/keys)" "$keys_before" "B's key store"
}

# A rule that needs the case's key to be asked (the age on a consent's
# date, of a person 17 at referral: the date of birth is sealed) is not a
# broken rule: the merge checks the rules without keys, and two notes made
# on the two copies merge as they do in a plain store, with no conflict.
test_a_rule_that_needs_the_key_holds_nothing() {
    team
    pv_ok "$T/A" "$AS_OF" triage "$BASE_ID" --outcome channel-panel --date 2026-11-05 --s36-date 2026-11-05 --s36-by "Prevent Lead"
    meeting_ok "$T/A" 2026-11-12
    pv_ok "$T/A" "$AS_OF" panel decide 2026-11-12 "$BASE_ID" --decision adopt --method consensus
    pv_ok "$T/A" "$AS_OF" panel consent "$BASE_ID" --status given --by parent-guardian --date 2026-11-13
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/B" "$AS_OF" sync
    pv_ok "$T/A" "$AS_OF" note "$BASE_ID" --date 2026-11-20 --kind contact --with "Example Police" --text "Fictional note A"
    pv_ok "$T/B" "$AS_OF" note "$BASE_ID" --date 2026-11-21 --kind contact --with "Example School" --text "Fictional note B"
    pv_ok "$T/A" "$AS_OF" sync
    pv "$T/B" "$AS_OF" sync
    assert_rc 0
    assert_stdout_empty
    assert_stderr_not_contains "held as conflicts"
    assert_eq "$(case_field "$T/B" "$BASE_ID" "len(d['chronology'])")" "2" "chronology entries"
    pv_ok "$T/A" "$AS_OF" sync
    assert_converged
}

run_tests "$@"

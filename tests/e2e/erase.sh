#!/usr/bin/env bash
# `prevent erase` (issue 18, item 3): a case's personal data erased by
# destroying its data key. The key goes first (out of the key store and out
# of every object, loose or packed), then one commit turns the record's (P)
# values to [erased] and records the erasure. The report counts the case as
# before; `show` says [erased]; no object of the repository holds the key;
# `check` proves it. Needs an encrypted store (E2E_ENCRYPTED=1 is set for
# the suite: tests/e2e/lib/common.bash makes a throw-away ssh key).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

export E2E_ENCRYPTED=1
S=""
REASON="Fictional reason: erasure agreed on a subject access request Wendlesham"

setup() {
    PERSONAL+=("$REASON")
    S="$T/store"
    new_store "$S"
    refer_ok "$S"
    ID1="$ID"
    refer_ok "$S" received=2026-11-04 name="Ilvane Drossetti" dob=2010-02-14 summary="Fictional: drew symbols on a desk"
    ID2="$ID"
    refer_ok "$S" received=2026-11-05 name="Pellam Orrick" dob=2008-05-01 summary="Fictional: watched banned videos"
    ID3="$ID"
}

# Every object of the repository, read whole: no data key blob of CASE.
assert_no_key_object() { # assert_no_key_object STORE CASE
    local s="$1" id="$2" hits
    hits="$(git -C "$s" cat-file --batch-all-objects --batch-check='%(objectname) %(objecttype) %(objectsize)' |
        awk '$2 == "blob" && $3 < 1000 { print $1 }' |
        git -C "$s" cat-file --batch | grep -a -c "^case: $id\$" || true)"
    assert_eq "$hits" "0" "objects holding the data key of $id"
}

key_objects_of() { # the number of key blobs of CASE in the repository
    git -C "$1" cat-file --batch-all-objects --batch-check='%(objectname) %(objecttype) %(objectsize)' |
        awk '$2 == "blob" && $3 < 1000 { print $1 }' |
        git -C "$1" cat-file --batch | grep -a -c "^case: $2\$" || true
}

report_of() { prevent -C "$1" --as-of 2026-12-31 report --period 2026-Q4 --suppress 0 --format json; }

test_erase_one_case_destroys_its_key_and_keeps_the_counts() {
    setup
    local before
    before="$(report_of "$S")"
    # Old versions of the key store packed, as in a clone; and loose ones.
    git -C "$S" gc -q
    [[ "$(key_objects_of "$S" "$ID2")" -ge 1 ]] || fail "the key of $ID2 is not in the repository before"
    person_indexes() { find "$S/.git/prevent" -maxdepth 1 \( -name 'people-v*' -o -name 'names-v*' \) -printf '%f\n'; }
    [[ -n "$(person_indexes)" ]] || fail "no person index before the erasure"
    run prevent -C "$S" --as-of 2026-12-01 erase "$ID2" --reason "$REASON"
    assert_rc 0
    # The person indexes (hashes of the erased name and date of birth) go.
    assert_eq "$(person_indexes)" "" "the person indexes after the erasure"
    assert_no_personal_data "$(cat "$ERR")" "stderr"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "erase: $ID2" "commit subject"
    assert_contains "$(git -C "$S" log -1 --format=%B)" "Prevent-Action: erase"
    assert_no_personal_data "$(git -C "$S" log --format=%B)" "commit messages"
    assert_eq "$(report_of "$S")" "$before" "the report"
    run prevent -C "$S" show "$ID2"
    assert_rc 0
    assert_stdout_contains "[erased]"
    assert_not_contains "$(stdout)" "Ilvane"
    assert_no_key_object "$S" "$ID2"
    [[ "$(key_objects_of "$S" "$ID1")" -ge 1 ]] || fail "the key of $ID1 went too"
    git -C "$S" fsck --full --no-dangling --no-progress || fail "git fsck after the erasure"
    run prevent -C "$S" --as-of 2026-12-01 check
    assert_rc 0
    run prevent -C "$S" log "$ID2"
    assert_rc 0
    assert_stdout_contains "erase"
    assert_no_personal_data "$(stdout)" "log"
    # The other cases read as before.
    run prevent -C "$S" show "$ID1"
    assert_stdout_contains "Zorvan Quillet"
}

test_the_erased_values_cannot_be_opened_with_any_remaining_key() {
    setup
    local old
    old="$(git -C "$S" show "HEAD:$(git -C "$S" ls-tree -r --name-only HEAD cases | grep "$ID2")")"
    prevent -C "$S" --as-of 2026-12-01 erase "$ID2" --reason "$REASON" 2>/dev/null || fail "erase"
    # The old record's ciphertexts are in the history; with the store key
    # (PREVENT_IDENTITY) they do not open: a copy of the old record read now
    # shows nothing of them.
    local s2="$T/copy"
    cp -a "$S" "$s2"
    local f
    f="$(git -C "$s2" ls-tree -r --name-only HEAD cases | grep "$ID2")"
    printf '%s\n' "$old" > "$s2/$f"
    git -C "$s2" commit -qam "hand: the old record back" --no-verify
    run prevent -C "$s2" show "$ID2"
    assert_not_contains "$(stdout)" "Ilvane"
    assert_not_contains "$(stdout)" "2010-02-14"
    assert_not_contains "$(stdout)" "drew symbols"
}

test_erase_person_erases_every_linked_case_in_one_commit() {
    setup
    prevent -C "$S" --as-of 2026-12-01 link "$ID3" "$ID2" --reason "Fictional: same person" 2>/dev/null || fail "link"
    local n
    n="$(commit_count "$S")"
    run prevent -C "$S" --as-of 2026-12-02 erase --person "$ID2" --reason "$REASON"
    assert_rc 0
    assert_eq "$(commit_count "$S")" "$((n + 1))" "one commit"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "erase: $ID2 and 1 linked cases" "commit subject"
    assert_no_key_object "$S" "$ID2"
    assert_no_key_object "$S" "$ID3"
    run prevent -C "$S" show "$ID3"
    assert_stdout_contains "[erased]"
    run prevent -C "$S" show "$ID1"
    assert_stdout_contains "Zorvan Quillet"
    run prevent -C "$S" --as-of 2026-12-02 check
    assert_rc 0
}

test_erasing_twice_is_refused() {
    setup
    prevent -C "$S" --as-of 2026-12-01 erase "$ID2" --reason "$REASON" 2>/dev/null || fail "erase"
    expect_refusal 4 "$S" prevent -C "$S" --as-of 2026-12-02 erase "$ID2" --reason "$REASON"
    assert_stderr_contains "was erased on 2026-12-01"
    expect_refusal 4 "$S" prevent -C "$S" --as-of 2026-12-02 erase --person "$ID2" --reason "$REASON"
}

test_an_erasure_a_crash_left_half_done_is_reported_and_completed() {
    setup
    # The key destroyed, the record not committed: what a crash between
    # the two steps leaves. (Taken out by hand, as erase's first step does.)
    local tree
    local idx="$T/keys-index"
    GIT_INDEX_FILE="$idx" git -C "$S" read-tree refs/prevent/keys
    GIT_INDEX_FILE="$idx" git -C "$S" rm -q --cached "$(git -C "$S" ls-tree -r --name-only refs/prevent/keys | grep "$ID2")"
    tree="$(GIT_INDEX_FILE="$idx" git -C "$S" write-tree)"
    git -C "$S" update-ref refs/prevent/keys "$(echo "prevent key store" | git -C "$S" commit-tree "$tree")"
    run prevent -C "$S" --as-of 2026-12-01 check
    assert_rc 6
    assert_stdout_contains "case $ID2 has sealed values and no data key"
    run prevent -C "$S" --as-of 2026-12-01 erase "$ID2" --reason "$REASON"
    assert_rc 0
    assert_no_key_object "$S" "$ID2"
    run prevent -C "$S" --as-of 2026-12-01 check
    assert_rc 0
}

test_check_names_a_key_left_in_an_object() {
    setup
    prevent -C "$S" --as-of 2026-12-01 erase "$ID2" --reason "$REASON" 2>/dev/null || fail "erase"
    # A copy of the key brought back (as from a backup), loose.
    printf 'prevent data key 1\ncase: %s\nkey: AAAA\n' "$ID2" | git -C "$S" hash-object -w --stdin >/dev/null
    run prevent -C "$S" --as-of 2026-12-01 check
    assert_rc 6
    assert_stdout_contains "case $ID2 is erased, but its data key is still present in loose object"
    assert_not_contains "$(cat "$OUT" "$ERR")" "AAAA" "check's output"
}

test_refusals_plain_store_no_key_unknown_case_and_usage() {
    setup
    local p="$T/plain"
    new_store "$p" --plain
    refer_ok "$p"
    expect_refusal 6 "$p" prevent -C "$p" --as-of 2026-12-01 erase "$ID" --reason "$REASON"
    assert_stderr_contains "not encrypted"
    # No key: nothing destroyed.
    expect_refusal 6 "$S" env -u PREVENT_IDENTITY "$PREVENT" -C "$S" --as-of 2026-12-01 erase "$ID2" --reason "$REASON"
    [[ "$(key_objects_of "$S" "$ID2")" -ge 1 ]] || fail "the key went without the store key"
    expect_refusal 3 "$S" prevent -C "$S" --as-of 2026-12-01 erase PRV-2026-0099 --reason "$REASON"
    expect_refusal 5 "$S" prevent -C "$S" --as-of 2026-12-01 erase not-an-id --reason "$REASON"
    expect_refusal 2 "$S" prevent -C "$S" --as-of 2026-12-01 erase "$ID2"
    expect_refusal 2 "$S" prevent -C "$S" --as-of 2026-12-01 erase "$ID2" --person "$ID1" --reason "$REASON"
    expect_refusal 2 "$S" prevent -C "$S" --as-of 2026-12-01 erase --reason "$REASON"
}

run_tests "$@"

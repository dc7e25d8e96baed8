#!/usr/bin/env bash
# prevent encrypt and prevent purge-plaintext (docs/encryption.md): a plain
# store's casework converted, then its history rewritten so that no object
# of the repository holds a (P) value in plain text, with check, log,
# report and show as they were.
#
# Needs `prevent init --recipient`, PREVENT_IDENTITY and `prevent encrypt`
# (the key handling): a throw-away ed25519 key per test.
source "$(dirname "$0")/lib/common.bash"

# Until the key handling and the commands are in this build, there is
# nothing to run: say so, loudly, rather than fail on a missing command.
if ! "$PREVENT" purge-plaintext --help >/dev/null 2>&1 || ! "$PREVENT" encrypt --help >/dev/null 2>&1; then
    echo "purge.sh: SKIPPED: this prevent has no \`encrypt\` or \`purge-plaintext\` command yet"
    echo "0 passed, 0 failed, 6 skipped"
    exit 0
fi

# A throw-away key pair: $T/id (private) and $T/id.pub.
make_key() {
    ssh-keygen -q -t ed25519 -N "" -C "purge-test" -f "$T/id" >/dev/null || fail "ssh-keygen failed"
}

# The scripted casework of a plain store: refer, triage, a correction of
# the name, a decision with a rationale, a review with notes.
casework() {
    local s="$1"
    new_store "$s"
    refer_ok "$s" received=2026-11-02 summary="Fictional summary Larkspindle"
    run prevent -C "$s" --as-of 2026-11-05 triage "$ID" --outcome channel-panel --date 2026-11-04 \
        --s36-date 2026-11-04 --s36-by "Example Counter Terrorism Policing" --rationale "Fictional rationale Corvantile"
    assert_rc 0 triage
    run prevent -C "$s" --as-of 2026-11-06 correct "$ID" referral.subject.name="Threnody Vanecask" \
        --reason "Fictional reason Quorrelwick"
    assert_rc 0 correct
    meeting_ok "$s" 2026-11-10
    run prevent -C "$s" --as-of 2026-11-10 panel decide 2026-11-10 "$ID" --decision adopt --method consensus \
        --rationale "Fictional panel rationale Mossgrave"
    assert_rc 0 "panel decide"
    run prevent -C "$s" --as-of 2026-11-25 review record "$ID" --date 2026-11-25 --kind monthly --outcome continue \
        --notes "Fictional review Caddisbrook"
    assert_rc 0 "review record"
    PERSONAL+=("Fictional rationale Corvantile" "Threnody Vanecask" "Fictional reason Quorrelwick"
        "Fictional panel rationale Mossgrave" "Fictional review Caddisbrook")
}

# Every object of the repository, loose and packed, as text.
all_objects() { git -C "$1" cat-file --batch-all-objects --batch-check='%(objectname)' |
    git -C "$1" cat-file --batch; }

assert_no_plain_values_in_objects() {
    local s="$1" objects v
    objects="$(all_objects "$s")"
    for v in "${PERSONAL[@]}"; do
        [[ -z "$v" ]] && continue
        [[ "$objects" == *"$v"* ]] && fail "an object of ${s#"$T"/} holds the (P) value '$v'"
    done
}

test_purge_leaves_no_plain_value_and_changes_no_output() {
    make_key
    local s="$T/s"
    casework "$s"
    prevent -C "$s" --as-of "$AS_OF" report >"$T/report.before"
    prevent -C "$s" --as-of "$AS_OF" show "$ID" >"$T/show.before"
    run prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub" --recipient-name "Test Coordinator"
    assert_rc 0 encrypt
    assert_eq "$(git -C "$s" log -1 --format=%B | git interpret-trailers --parse | grep Prevent-Action)" \
        "Prevent-Action: encrypt" "encrypt's trailer"
    # The history still holds the plain values: the purge's reason.
    [[ "$(all_objects "$s")" == *"Threnody Vanecask"* ]] || fail "encrypt alone should leave the history as it was"
    local commits_before
    commits_before="$(commit_count "$s")"
    PREVENT_IDENTITY="$T/id" run prevent -C "$s" --as-of "$AS_OF" purge-plaintext
    assert_rc 0 purge-plaintext
    assert_no_personal_data "$(cat "$OUT" "$ERR")" "purge's output"
    assert_eq "$(commit_count "$s")" "$((commits_before + 1))" "commits after the purge"
    assert_file_exists "$s/purges/0001.yaml"
    assert_clean "$s"
    assert_no_plain_values_in_objects "$s"
    local all reachable
    all="$(git -C "$s" cat-file --batch-all-objects --batch-check='%(objectname)' | sort)"
    reachable="$(git -C "$s" rev-list --objects --all --no-object-names | sort -u)"
    assert_eq "$all" "$reachable" "objects beyond the reachable ones"
    run git -C "$s" fsck --full --unreachable --no-dangling --no-progress
    assert_rc 0 fsck
    assert_eq "$(cat "$OUT")" "" "fsck's unreachable objects"
    # After git gc in a copy, still nothing.
    cp -a "$s" "$T/copy"
    git -C "$T/copy" gc -q --prune=now
    assert_no_plain_values_in_objects "$T/copy"

    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 check
    run prevent -C "$s" --as-of "$AS_OF" log "$ID"
    assert_rc 0 log
    local action
    for action in refer triage correct panel-decide review-record encrypt; do
        assert_contains "$(cat "$OUT")" "  $action  " "log after the purge"
    done
    assert_eq "$(prevent -C "$s" --as-of "$AS_OF" report)" "$(cat "$T/report.before")" "report"
    assert_eq "$(PREVENT_IDENTITY="$T/id" prevent -C "$s" --as-of "$AS_OF" show "$ID")" "$(cat "$T/show.before")" \
        "show with the key"
}

test_purge_twice_finds_nothing_to_do() {
    make_key
    local s="$T/s"
    casework "$s"
    prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub" >/dev/null 2>&1 || fail encrypt
    PREVENT_IDENTITY="$T/id" prevent -C "$s" --as-of "$AS_OF" purge-plaintext >/dev/null 2>&1 || fail purge
    local before
    before="$(snapshot "$s")"
    PREVENT_IDENTITY="$T/id" run prevent -C "$s" --as-of "$AS_OF" purge-plaintext
    assert_rc 0 "second purge"
    assert_contains "$(cat "$OUT" "$ERR")" "nothing to do" "second purge"
    assert_eq "$(snapshot "$s")" "$before" "the store after a second purge"
}

test_purge_refused_on_a_plain_store() {
    local s="$T/s"
    casework "$s"
    expect_refusal 6 "$s" prevent -C "$s" --as-of "$AS_OF" purge-plaintext
    assert_hint_contains "prevent encrypt"
}

test_purge_refused_without_a_key() {
    make_key
    local s="$T/s"
    casework "$s"
    prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub" >/dev/null 2>&1 || fail encrypt
    expect_refusal 6 "$s" prevent -C "$s" --as-of "$AS_OF" purge-plaintext
}

test_purge_refused_with_uncommitted_changes() {
    make_key
    local s="$T/s"
    casework "$s"
    prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub" >/dev/null 2>&1 || fail encrypt
    echo "# a hand edit" >>"$s/prevent.yaml"
    PREVENT_IDENTITY="$T/id" expect_refusal 6 "$s" prevent -C "$s" --as-of "$AS_OF" purge-plaintext
    assert_stderr_contains "uncommitted changes in the way (prevent.yaml)"
}

test_encrypt_refused_on_an_encrypted_store() {
    make_key
    local s="$T/s"
    casework "$s"
    prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub" >/dev/null 2>&1 || fail encrypt
    expect_refusal 6 "$s" prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub"
}

run_tests "$@"

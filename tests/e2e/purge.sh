#!/usr/bin/env bash
# prevent encrypt and prevent purge-plaintext (docs/encryption.md): a plain
# store's casework converted, then its history rewritten so that no object
# of the repository holds a (P) value in plain text, with check, log,
# report and show as they were.
#
# Needs `prevent init --recipient`, PREVENT_IDENTITY and `prevent encrypt`
# (the key handling): a throw-away ed25519 key per test. encrypt.sh tests
# `prevent encrypt` itself.
source "$(dirname "$0")/lib/common.bash"

# A throw-away key pair: $T/id (private) and $T/id.pub.
make_key() {
    ssh-keygen -q -t ed25519 -N "" -C "purge-test" -f "$T/id" >/dev/null || fail "ssh-keygen failed"
}

# The scripted casework of a plain store: refer, triage, a correction of
# the name, a decision with a rationale, a review with notes.
casework() {
    local s="$1"
    shift
    new_store "$s" "$@"
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

# (assert_no_personal_data: a short value such as a postcode district only
# as a whole token, never inside a ciphertext, where it can be by chance.)
assert_no_plain_values_in_objects() {
    assert_no_personal_data "$(all_objects "$1")" "an object of ${1#"$T"/}"
}

# After a purge-plaintext run (its result in RC, OUT, ERR) on store $1,
# which had $2 commits before: one commit more with its trailer and its
# record under purges/, the work tree clean, no (P) value in clear in any
# object, no object beyond the reachable ones, and none either after
# git gc in a copy ($T/copy).
assert_purged() {
    local s="$1" commits_before="$2" all reachable
    assert_rc 0 purge-plaintext
    assert_no_personal_data "$(cat "$OUT" "$ERR")" "purge's output"
    assert_eq "$(commit_count "$s")" "$((commits_before + 1))" "commits after the purge"
    assert_file_exists "$s/purges/0001.yaml"
    assert_eq "$(git -C "$s" log -1 --format=%B | grep Prevent-Action)" "Prevent-Action: purge-plaintext" "trailer"
    assert_clean "$s"
    assert_no_plain_values_in_objects "$s"
    all="$(git -C "$s" cat-file --batch-all-objects --batch-check='%(objectname)' | sort)"
    reachable="$(git -C "$s" rev-list --objects --all --no-object-names | sort -u)"
    assert_eq "$all" "$reachable" "objects beyond the reachable ones"
    run git -C "$s" fsck --full --unreachable --no-dangling --no-progress
    assert_rc 0 fsck
    assert_eq "$(cat "$OUT")" "" "fsck's unreachable objects"
    cp -a "$s" "$T/copy"
    git -C "$T/copy" gc -q --prune=now
    assert_no_plain_values_in_objects "$T/copy"
}

test_purge_leaves_no_plain_value_and_changes_no_output() {
    make_key
    local s="$T/s"
    casework "$s"
    prevent -C "$s" --as-of "$AS_OF" report --period 2026-11 >"$T/report.before"
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
    assert_purged "$s" "$commits_before"

    # The encrypt commit, re-made, no longer changes the case file (its
    # older versions are sealed as encrypt sealed them): check takes it as
    # encrypt's all the same, and the case's log no longer lists it.
    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 check
    assert_not_contains "$(cat "$OUT")" "hand edit" "check after the purge"
    run prevent -C "$s" --as-of "$AS_OF" log "$ID"
    assert_rc 0 log
    local action
    for action in refer triage correct panel-decide review-record; do
        assert_contains "$(cat "$OUT")" "  $action  " "log after the purge"
    done
    run prevent -C "$s" --as-of "$AS_OF" log
    assert_rc 0 log
    assert_contains "$(cat "$OUT")" "  encrypt  " "the store's log after the purge"
    assert_no_personal_data "$(cat "$OUT")" "the store's log after the purge"
    assert_eq "$(prevent -C "$s" --as-of "$AS_OF" report --period 2026-11)" "$(cat "$T/report.before")" "report"
    assert_eq "$(PREVENT_IDENTITY="$T/id" prevent -C "$s" --as-of "$AS_OF" show "$ID")" "$(cat "$T/show.before")" \
        "show with the key"
}

# A plain store whose meeting was corrected twice: encrypt seals HEAD's
# reasons, the purge every older version of the meeting file, so that no
# object holds a reason in plain text (docs/encryption.md#meetings).
test_purge_seals_every_version_of_a_corrected_meeting() {
    make_key
    local s="$T/s" first="Fictional meeting reason Wendlemere" second="Fictional meeting reason Tollerbeck"
    casework "$s"
    meeting_editor 's/^  role: Prevent Lead$/  role: Prevent Lead Officer/'
    run prevent -C "$s" --as-of 2026-11-26 edit --meeting 2026-11-10 --reason "$first" </dev/null
    assert_rc 0 "first edit --meeting"
    meeting_editor 's/agency: Example Constabulary$/agency: Example Constabulary North/'
    run prevent -C "$s" --as-of 2026-11-26 edit --meeting 2026-11-10 --reason "$second" </dev/null
    assert_rc 0 "second edit --meeting"
    PERSONAL+=("$first" "$second")
    prevent -C "$s" --as-of "$AS_OF" log >"$T/log.before"
    prevent -C "$s" --as-of "$AS_OF" panel minutes 2026-11-10 >"$T/minutes.before"
    run prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub"
    assert_rc 0 encrypt
    local sealed
    sealed="$(git -C "$s" show HEAD:panels/2026-11-10.yaml | grep '    reason: ')"
    assert_eq "$(grep -c 'reason: enc:v1:' <<<"$sealed")" "2" "HEAD's sealed reasons"
    # The history still holds both reasons in plain text: the purge's reason.
    [[ "$(all_objects "$s")" == *"$first"* ]] || fail "encrypt alone should leave the older meeting as it was"
    local commits_before
    commits_before="$(commit_count "$s")"
    PREVENT_IDENTITY="$T/id" run prevent -C "$s" --as-of "$AS_OF" purge-plaintext
    assert_purged "$s" "$commits_before"
    assert_no_personal_data "$(git -C "$s" log --all --format=%B)" "the commit messages"

    # HEAD's ciphertexts are the ones encrypt wrote; the older versions of
    # the meeting hold the same text for each reason.
    assert_eq "$(git -C "$s" show HEAD:panels/2026-11-10.yaml | grep '    reason: ')" "$sealed" "HEAD's reasons"
    local first_sealed
    first_sealed="$(head -1 <<<"$sealed")"
    assert_contains "$(git -C "$s" log -p --format= -- panels/2026-11-10.yaml)" "+$first_sealed" \
        "the first edit's sealed reason"
    # check takes every rewritten commit as its action's, with and without
    # the key; log, minutes and the reason with the key are as they were.
    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 "check without the key"
    assert_not_contains "$(cat "$OUT")" "hand edit" "check after the purge"
    PREVENT_IDENTITY="$T/id" run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 "check with the key"
    assert_not_contains "$(cat "$OUT")" "hand edit" "check with the key after the purge"
    assert_eq "$(prevent -C "$s" --as-of "$AS_OF" panel minutes 2026-11-10)" "$(cat "$T/minutes.before")" "minutes"
    run prevent -C "$s" --as-of "$AS_OF" log
    assert_rc 0 log
    assert_eq "$(grep -c '  edit  ' "$OUT")" "$(grep -c '  edit  ' "$T/log.before")" "the edits in the log"
    PREVENT_IDENTITY="$T/id" run prevent -C "$s" --as-of "$AS_OF" log --show-personal
    assert_rc 0 "log --show-personal with the key"
    assert_stdout_contains "corrections[1].reason: (none) → $first"
    assert_stdout_contains "corrections[2].reason: (none) → $second"
    # Nothing left to seal.
    PREVENT_IDENTITY="$T/id" run prevent -C "$s" --as-of "$AS_OF" purge-plaintext
    assert_rc 0 "second purge"
    assert_contains "$(cat "$OUT" "$ERR")" "nothing to do" "second purge"
}

# An encrypted store whose meeting holds a reason in plain text at HEAD
# (typed in by hand, or left by a prevent that did not seal meetings):
# check reports it, and the purge seals it in every version, HEAD's too.
test_purge_seals_a_plain_meeting_reason_at_head() {
    local s="$T/s" reason="Fictional hand meeting reason Marrowvale"
    E2E_ENCRYPTED=1 casework "$s" --no-hook
    printf 'corrections:\n  - date: %s\n    fields:\n      - chair.role\n    reason: %s\n' "$AS_OF" "$reason" \
        >>"$s/panels/2026-11-10.yaml"
    git -C "$s" commit -qam "A meeting correction typed in by hand"
    PERSONAL+=("$reason")
    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 6 "check before the purge"
    assert_stdout_contains "meeting 2026-11-10: personal data (a correction's reason) in plain text"
    local commits_before
    commits_before="$(commit_count "$s")"
    run prevent -C "$s" --as-of "$AS_OF" purge-plaintext
    assert_purged "$s" "$commits_before"
    assert_contains "$(git -C "$s" show HEAD:panels/2026-11-10.yaml)" "    reason: enc:v1:" "HEAD's meeting"
    assert_no_personal_data "$(cat "$s/panels/2026-11-10.yaml")" "the work tree's meeting"
    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 "check after the purge"
    run prevent -C "$s" --as-of "$AS_OF" log --show-personal
    assert_rc 0 "log --show-personal"
    assert_stdout_contains "corrections[1].reason: (none) → $reason"
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

# An encrypted store (init --recipient) whose history holds plain values
# all the same: a case file committed by hand in plain text, then sealed by
# the program's next write. The purge seals the old version; the rest of
# the history is sealed already and keeps its ciphertexts.
test_purge_seals_a_plain_version_committed_by_hand() {
    local s="$T/s"
    E2E_ENCRYPTED=1 casework "$s" --no-hook
    local id2=PRV-2026-0002
    case_yaml id="$id2" name="Pellucid Ravenhoe" dob=2007-09-14 summary="Fictional hand summary Brackenlow" \
        >"$s/cases/2026/$id2.yaml"
    git -C "$s" add cases && git -C "$s" commit -q -m "A referral typed in by hand"
    run prevent -C "$s" --as-of "$AS_OF" note "$id2" --date 2026-11-26 --kind contact --with "Example Academy" \
        --text "Fictional note Tamberwick"
    assert_rc 0 note
    PERSONAL+=("Fictional note Tamberwick")
    [[ "$(git -C "$s" show HEAD:cases/2026/$id2.yaml)" != *"Pellucid Ravenhoe"* ]] || fail "note should seal the record"
    [[ "$(all_objects "$s")" == *"Pellucid Ravenhoe"* ]] || fail "the hand commit should hold the plain name"
    prevent -C "$s" --as-of "$AS_OF" report --period 2026-11 >"$T/report.before"
    prevent -C "$s" --as-of "$AS_OF" show "$id2" >"$T/show2.before"
    prevent -C "$s" --as-of "$AS_OF" show "$ID" >"$T/show.before"
    prevent -C "$s" --as-of "$AS_OF" log >"$T/log.before"
    local commits_before
    commits_before="$(commit_count "$s")"

    run prevent -C "$s" --as-of "$AS_OF" purge-plaintext
    assert_purged "$s" "$commits_before"

    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 check
    assert_stderr_not_contains "verified-head"
    assert_stderr_not_contains "purge-plaintext"
    assert_eq "$(prevent -C "$s" --as-of "$AS_OF" report --period 2026-11)" "$(cat "$T/report.before")" "report"
    assert_eq "$(prevent -C "$s" --as-of "$AS_OF" show "$id2")" "$(cat "$T/show2.before")" "show with the key"
    assert_eq "$(prevent -C "$s" --as-of "$AS_OF" show "$ID")" "$(cat "$T/show.before")" "show with the key"
    # log: every action as before (the commit ids are new), and the purge.
    run prevent -C "$s" --as-of "$AS_OF" log
    assert_rc 0 log
    assert_eq "$(grep -c '^[0-9a-f]\{12\}  ' "$OUT")" "$(($(grep -c '^[0-9a-f]\{12\}  ' "$T/log.before") + 1))" \
        "log entries"
    # (oldest first: the purge is the last)
    assert_contains "$(sed -n 's/^[0-9a-f]\{12\}  //p' "$OUT" | tail -1)" "  purge-plaintext  " "the last log entry"
    assert_eq "$(sed -n 's/^[0-9a-f]\{12\}  //p' "$OUT" | sed '$d')" "$(sed -n 's/^[0-9a-f]\{12\}  //p' "$T/log.before")" \
        "log entries but for the purge"

    # A second run finds nothing to do.
    local before
    before="$(snapshot "$s")"
    run prevent -C "$s" --as-of "$AS_OF" purge-plaintext
    assert_rc 0 "second purge"
    assert_contains "$(cat "$OUT" "$ERR")" "nothing to do" "second purge"
    assert_eq "$(snapshot "$s")" "$before" "the store after a second purge"
}

test_purge_refused_on_a_plain_store_or_without_the_key() {
    local s="$T/s"
    casework "$s"
    expect_refusal 6 "$s" prevent -C "$s" --as-of "$AS_OF" purge-plaintext
    assert_hint_contains "prevent encrypt"
    local e="$T/e"
    E2E_ENCRYPTED=1 casework "$e"
    PREVENT_IDENTITY= expect_refusal 6 "$e" prevent -C "$e" --as-of "$AS_OF" purge-plaintext
    echo "# a hand edit" >>"$e/prevent.yaml"
    expect_refusal 6 "$e" prevent -C "$e" --as-of "$AS_OF" purge-plaintext
    assert_stderr_contains "uncommitted changes in the way (prevent.yaml)"
}

run_tests "$@"

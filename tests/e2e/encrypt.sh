#!/usr/bin/env bash
# prevent encrypt (docs/encryption.md, "Converting a plain store"): a plain
# store made encrypted in one commit, every case's personal data sealed
# with a data key of its own; what it refuses, leaving the store, its
# history and the key store (refs/prevent/keys) as they were; what it
# leaves for `prevent purge-plaintext` (the older history).
#
# A throw-away ed25519 key per test (ssh-keygen).
source "$(dirname "$0")/lib/common.bash"

# A throw-away key pair: $T/id (private) and $T/id.pub.
make_key() {
    ssh-keygen -q -t ed25519 -N "" -C "encrypt-test" -f "$T/id" >/dev/null || fail "ssh-keygen failed"
}

# The key store's commit, or "none".
key_ref() { git -C "$1" rev-parse -q --verify refs/prevent/keys 2>/dev/null || echo none; }

# A plain store with two referrals, a triage with a rationale, a corrected
# name and a review with notes; the first case in $ID, the second in $ID2.
casework() {
    local s="$1"
    shift
    new_store "$s" "$@"
    refer_ok "$s" received=2026-11-02 name="Oriel Fennimore" dob=2010-05-06 summary="Fictional summary Larkspindle"
    local first="$ID"
    run prevent -C "$s" --as-of 2026-11-05 triage "$first" --outcome channel-panel --date 2026-11-04 \
        --s36-date 2026-11-04 --s36-by "Example Counter Terrorism Policing" --rationale "Fictional rationale Corvantile"
    assert_rc 0 triage
    run prevent -C "$s" --as-of 2026-11-06 correct "$first" referral.subject.name="Threnody Vanecask" \
        --reason "Fictional reason Quorrelwick"
    assert_rc 0 correct
    refer_ok "$s" received=2026-11-09 name="Pellucid Ravenhoe" dob=1999-12-30 postcode-district=ZZ9 \
        summary="Fictional summary Brackenlow"
    ID2="$ID"
    ID="$first"
    PERSONAL+=("Fictional rationale Corvantile" "Threnody Vanecask" "Fictional reason Quorrelwick")
}

# HEAD's case files as one text.
head_case_files() {
    local s="$1" f out=""
    for f in $(git -C "$s" ls-tree -r --name-only HEAD cases); do
        out+="$(git -C "$s" show "HEAD:$f")"$'\n'
    done
    printf '%s' "$out"
}

test_encrypt_seals_every_case_in_one_commit_and_changes_no_output() {
    make_key
    local s="$T/s"
    casework "$s"
    prevent -C "$s" --as-of "$AS_OF" report --period 2026-11 >"$T/report.before"
    prevent -C "$s" --as-of "$AS_OF" list >"$T/list.before"
    prevent -C "$s" --as-of "$AS_OF" review due >"$T/due.before"
    prevent -C "$s" --as-of "$AS_OF" show "$ID" >"$T/show.before"
    prevent -C "$s" --as-of "$AS_OF" show "$ID2" >"$T/show2.before"
    local commits head
    commits="$(commit_count "$s")"
    head="$(head_of "$s")"

    run prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub" --recipient-name "Test Coordinator"
    assert_rc 0 encrypt
    assert_stdout_empty
    assert_stderr_contains "prevent: encrypt: the store is encrypted, readable by Test Coordinator (SHA256:"
    assert_stderr_contains "2 of 2 cases sealed on $AS_OF"
    assert_stderr_contains "purge-plaintext"
    assert_no_personal_data "$(cat "$OUT" "$ERR")" "encrypt's output"
    assert_clean "$s"

    # One commit, on top of the old HEAD.
    assert_eq "$(commit_count "$s")" "$((commits + 1))" "commits"
    assert_eq "$(git -C "$s" rev-parse HEAD~1)" "$head" "the encrypt commit's parent"
    local msg
    msg="$(git -C "$s" log -1 --format=%B)"
    assert_eq "$(sed -n 1p <<<"$msg")" "encrypt: store encrypted, 2 cases sealed" "subject"
    assert_eq "$(head_trailers "$s" Prevent-Action)" "encrypt" "Prevent-Action"
    assert_eq "$(head_trailers "$s" Prevent-Case | sort)" "$(printf '%s\n%s' "$ID" "$ID2" | sort)" "Prevent-Case"
    assert_no_personal_data "$msg" "the commit message"
    assert_eq "$(git -C "$s" show --format= --name-status HEAD | sort)" \
        "$(printf 'A\tkeys/recipients.yaml\nM\tcases/2026/%s.yaml\nM\tcases/2026/%s.yaml' "$ID" "$ID2" | sort)" \
        "the files the commit changed"

    # HEAD holds no plain personal value; the older history still does.
    local now
    now="$(head_case_files "$s")"
    assert_no_personal_data "$now" "HEAD's case files"
    assert_contains "$now" "name: enc:v1:" "HEAD's case files"
    assert_contains "$now" "date_of_birth: enc:v1:" "HEAD's case files"
    assert_contains "$now" "postcode_district: enc:v1:" "HEAD's case files"
    assert_contains "$now" "age_at_referral: 16" "HEAD's case files"
    assert_contains "$(git -C "$s" show "HEAD~1:cases/2026/$ID.yaml")" "Threnody Vanecask" "the previous version"
    assert_contains "$(git -C "$s" show "HEAD~1:cases/2026/$ID2.yaml")" "Pellucid Ravenhoe" "the previous version"
    # The key store: the store's own entry and a data key per case.
    [[ "$(key_ref "$s")" != none ]] || fail "no key store"
    assert_eq "$(git -C "$s" ls-tree -r --name-only refs/prevent/keys | sort)" \
        "$(printf 'cases/2026/00/%s\ncases/2026/00/%s\nstore' "$ID" "$ID2" | sort)" "the key store's entries"

    # Nothing a reader without the key sees has changed.
    assert_eq "$(prevent -C "$s" --as-of "$AS_OF" report --period 2026-11)" "$(cat "$T/report.before")" "report"
    assert_eq "$(prevent -C "$s" --as-of "$AS_OF" list)" "$(cat "$T/list.before")" "list"
    assert_eq "$(prevent -C "$s" --as-of "$AS_OF" review due)" "$(cat "$T/due.before")" "review due"
    run prevent -C "$s" --as-of "$AS_OF" show "$ID"
    assert_rc 0 "show without the key"
    assert_contains "$(cat "$OUT")" "[encrypted]" "show without the key"
    assert_no_personal_data "$(cat "$OUT")" "show without the key"
    # With the key, show is as it was.
    assert_eq "$(PREVENT_IDENTITY="$T/id" prevent -C "$s" --as-of "$AS_OF" show "$ID")" "$(cat "$T/show.before")" \
        "show with the key"
    assert_eq "$(PREVENT_IDENTITY="$T/id" prevent -C "$s" --as-of "$AS_OF" show "$ID2")" "$(cat "$T/show2.before")" \
        "show with the key"
    run prevent -C "$s" --as-of "$AS_OF" keys list --format csv
    assert_rc 0 "keys list"
    assert_contains "$(cat "$OUT")" "Test Coordinator,ssh-ed25519,SHA256:" "keys list"

    # check passes, with and without the key, and takes the commit as encrypt's.
    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 "check without the key"
    assert_stdout_not_contains_hand_edit
    assert_stderr_not_contains "this store is plain"
    PREVENT_IDENTITY="$T/id" run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 "check with the key"
    assert_stdout_not_contains_hand_edit
    run prevent -C "$s" --as-of "$AS_OF" log "$ID"
    assert_rc 0 log
    assert_contains "$(cat "$OUT")" "  encrypt  " "log"
    assert_no_personal_data "$(cat "$OUT")" "log"

    # The store is written to as any encrypted store.
    PREVENT_IDENTITY="$T/id" run prevent -C "$s" --as-of "$AS_OF" note "$ID2" --date 2026-11-20 --kind contact \
        --with "Example Academy" --text "Fictional note Tamberwick"
    assert_rc 0 "note after encrypt"
    PERSONAL+=("Fictional note Tamberwick")
    assert_no_personal_data "$(head_case_files "$s")" "HEAD's case files after a note"
    run prevent -C "$s" --as-of "$AS_OF" note "$ID2" --date 2026-11-21 --kind contact --with "Example Academy" \
        --text "Fictional note without a key"
    assert_rc 6 "note without the key"
}

assert_stdout_not_contains_hand_edit() {
    assert_not_contains "$(cat "$OUT")" "hand edit" "check's findings"
    assert_not_contains "$(cat "$OUT")" "error [" "check's findings"
}

test_encrypt_names_many_cases_by_their_count() {
    make_key
    local s="$T/s" i id letters=ABCDEFGHIJKLMNOPQRSTU
    new_store "$s" --no-hook
    mkdir -p "$s/cases/2026"
    for i in $(seq 1 21); do
        id="$(printf 'PRV-2026-%04d' "$i")"
        case_yaml id="$id" name="Fictional Person ${letters:i-1:1}bbersley" \
            summary="Fictional summary number $i" >"$s/cases/2026/$id.yaml"
    done
    git -C "$s" add cases && git -C "$s" commit -q -m "Referrals typed in by hand"
    run prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub"
    assert_rc 0 encrypt
    assert_stderr_contains "21 of 21 cases sealed"
    assert_eq "$(head_trailers "$s" Prevent-Case-Count)" "21" "Prevent-Case-Count"
    assert_eq "$(head_trailers "$s" Prevent-Case)" "" "Prevent-Case"
    assert_eq "$(head_trailers "$s" Prevent-Action)" "encrypt" "Prevent-Action"
    assert_no_personal_data "$(head_case_files "$s")" "HEAD's case files"
    # The recipient's label is the key file's name without .pub.
    assert_contains "$(prevent -C "$s" keys list --format csv)" "id,ssh-ed25519," "keys list"
    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 check
    assert_not_contains "$(cat "$OUT")" "whatever its trailer says" "check"
}

test_encrypt_of_a_store_without_cases() {
    make_key
    local s="$T/s"
    new_store "$s"
    meeting_ok "$s" 2026-11-10
    run prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub"
    assert_rc 0 encrypt
    assert_stderr_contains "0 of 0 cases sealed"
    assert_eq "$(git -C "$s" show --format= --name-only HEAD)" "keys/recipients.yaml" "the files the commit changed"
    assert_eq "$(head_trailers "$s" Prevent-Case)" "" "Prevent-Case"
    assert_eq "$(git -C "$s" ls-tree -r --name-only refs/prevent/keys)" "store" "the key store's entries"
    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 check
    assert_stdout_not_contains_hand_edit
    # A referral after it is sealed.
    PREVENT_IDENTITY="$T/id" refer_ok "$s"
    assert_no_personal_data "$(head_case_files "$s")" "HEAD's case files"
}

# A meeting's correction reasons (docs/encryption.md#meetings) are sealed
# in the encrypt commit, with the store's data key; a meeting without one
# is left as it is.
test_encrypt_seals_meeting_correction_reasons_in_its_one_commit() {
    make_key
    local s="$T/s" reason="Fictional meeting reason Wendlemere"
    casework "$s"
    meeting_ok "$s" 2026-11-10
    meeting_ok "$s" 2026-11-17
    meeting_editor 's/^  role: Prevent Lead$/  role: Prevent Lead Officer/'
    run prevent -C "$s" --as-of 2026-11-11 edit --meeting 2026-11-10 --reason "$reason" </dev/null
    assert_rc 0 "edit --meeting"
    PERSONAL+=("$reason")
    assert_contains "$(git -C "$s" show HEAD:panels/2026-11-10.yaml)" "reason: $reason" "the plain store's meeting"
    local minutes_before agenda_before untouched
    minutes_before="$(prevent -C "$s" --as-of "$AS_OF" panel minutes 2026-11-10)"
    agenda_before="$(prevent -C "$s" --as-of "$AS_OF" panel agenda 2026-11-17)"
    untouched="$(git -C "$s" rev-parse HEAD:panels/2026-11-17.yaml)"

    run prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub"
    assert_rc 0 encrypt
    assert_stderr_contains "2 of 2 cases sealed"
    assert_stderr_contains "prevent: encrypt: the correction reasons of 1 meeting sealed with the store's data key"
    assert_stderr_not_contains "stay in plain text"
    assert_stderr_not_contains "2026-11-10"
    assert_no_personal_data "$(cat "$OUT" "$ERR")" "encrypt's output"
    assert_eq "$(git -C "$s" log -1 --format=%s)" "encrypt: store encrypted, 2 cases and 1 meeting sealed" "subject"
    assert_eq "$(head_trailers "$s" Prevent-Case | sort)" "$(printf '%s\n%s' "$ID" "$ID2" | sort)" "Prevent-Case"
    assert_no_personal_data "$(git -C "$s" log -1 --format=%B)" "the commit message"
    assert_eq "$(git -C "$s" show --format= --name-status HEAD | sort)" \
        "$(printf 'A\tkeys/recipients.yaml\nM\tcases/2026/%s.yaml\nM\tcases/2026/%s.yaml\nM\tpanels/2026-11-10.yaml' \
            "$ID" "$ID2" | sort)" "the files the commit changed"
    local meeting
    meeting="$(git -C "$s" show HEAD:panels/2026-11-10.yaml)"
    assert_no_personal_data "$meeting" "HEAD's meeting file"
    assert_contains "$meeting" "    reason: enc:v1:" "HEAD's meeting file"
    assert_contains "$meeting" "      - chair.role" "HEAD's meeting file"
    assert_eq "$(git -C "$s" rev-parse HEAD:panels/2026-11-17.yaml)" "$untouched" "the meeting without corrections"
    # The key store gains no entry for a meeting: its reasons are the store's.
    assert_eq "$(git -C "$s" ls-tree -r --name-only refs/prevent/keys | grep -c -v '^cases/')" "1" \
        "the key store's entries besides the cases'"

    # Without the key: the meeting's outputs as before, check clean.
    assert_eq "$(prevent -C "$s" --as-of "$AS_OF" panel minutes 2026-11-10)" "$minutes_before" "minutes"
    assert_eq "$(prevent -C "$s" --as-of "$AS_OF" panel agenda 2026-11-17)" "$agenda_before" "agenda"
    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 "check without the key"
    assert_stdout_not_contains_hand_edit
    PREVENT_IDENTITY="$T/id" run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 "check with the key"
    assert_stdout_not_contains_hand_edit
    # log --show-personal opens the reason with the key, and shows
    # [encrypted] (never the ciphertext) without it (the commits before the
    # encrypt still hold the plain values, until purge-plaintext).
    PREVENT_IDENTITY="$T/id" run prevent -C "$s" --as-of "$AS_OF" log --show-personal
    assert_rc 0 "log --show-personal with the key"
    assert_stdout_contains "$reason"
    assert_not_contains "$(cat "$OUT")" "enc:v1:" "log --show-personal with the key"
    run prevent -C "$s" --as-of "$AS_OF" log --show-personal
    assert_rc 0 "log --show-personal without the key"
    assert_stdout_contains "[encrypted]"
    assert_not_contains "$(cat "$OUT")" "enc:v1:" "log --show-personal without the key"

    # A write of the meeting with no reason to seal needs no key, and keeps
    # the ciphertext; edit --meeting needs the key before the editor runs.
    local sealed
    sealed="$(grep '    reason: ' <<<"$meeting")"
    run prevent -C "$s" --as-of "$AS_OF" panel attend 2026-11-10 --apology "School Nurse@Example Health Trust"
    assert_rc 0 "panel attend without the key"
    assert_eq "$(git -C "$s" show HEAD:panels/2026-11-10.yaml | grep '    reason: ')" "$sealed" "the sealed reason"
    meeting_editor 's/agency: Example Constabulary$/agency: Example Constabulary North/'
    expect_refusal 6 "$s" prevent -C "$s" --as-of "$AS_OF" edit --meeting 2026-11-10 \
        --reason "Fictional second reason Tollerbeck" </dev/null
    assert_stderr_contains "needs the key"
    PERSONAL+=("Fictional second reason Tollerbeck")
    PREVENT_IDENTITY="$T/id" run prevent -C "$s" --as-of "$AS_OF" edit --meeting 2026-11-10 \
        --reason "Fictional second reason Tollerbeck" </dev/null
    assert_rc 0 "edit --meeting with the key"
    meeting="$(git -C "$s" show HEAD:panels/2026-11-10.yaml)"
    assert_no_personal_data "$meeting" "the meeting edited with the key"
    assert_eq "$(grep -c '    reason: enc:v1:' <<<"$meeting")" "2" "sealed reasons"
    assert_eq "$(grep '    reason: ' <<<"$meeting" | head -1)" "$sealed" "the first reason's ciphertext"
    PREVENT_IDENTITY="$T/id" run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 "check after the edit"
    assert_stdout_not_contains_hand_edit
    assert_no_personal_data "$(git -C "$s" log --format=%B)" "the commit messages"
}

# --- Refused: exit code, one line, nothing written, no commit, the key
# store as it was.

expect_encrypt_refusal() { # CODE STORE [ENCRYPT ARGS…]
    local code="$1" s="$2" keys_before
    shift 2
    keys_before="$(key_ref "$s")"
    expect_refusal "$code" "$s" prevent -C "$s" --as-of "$AS_OF" encrypt "$@"
    assert_eq "$(key_ref "$s")" "$keys_before" "refs/prevent/keys"
}

test_encrypt_refuses_an_encrypted_store() {
    make_key
    local s="$T/s"
    E2E_ENCRYPTED=1 new_store "$s"
    PREVENT_IDENTITY="$T/id" expect_encrypt_refusal 6 "$s" --recipient "$T/id.pub"
    assert_stderr_contains "the store is encrypted already (keys/recipients.yaml)"
    assert_hint_contains "keys add"
    # The same after an encrypt.
    local p="$T/p"
    casework "$p"
    prevent -C "$p" --as-of "$AS_OF" encrypt --recipient "$T/id.pub" -q || fail "encrypt"
    expect_encrypt_refusal 6 "$p" --recipient "$T/id.pub"
    assert_stderr_contains "encrypted already"
}

test_encrypt_refuses_uncommitted_changes() {
    make_key
    local s="$T/s"
    casework "$s"
    echo "# a hand edit" >>"$s/cases/2026/$ID2.yaml"
    expect_encrypt_refusal 6 "$s" --recipient "$T/id.pub"
    assert_stderr_contains "uncommitted changes in the way (cases/2026/$ID2.yaml)"
    git -C "$s" checkout -q -- cases
    # A keys/recipients.yaml that is not the program's, in the way.
    mkdir -p "$s/keys"
    echo "format: 1" >"$s/keys/recipients.yaml"
    expect_encrypt_refusal 6 "$s" --recipient "$T/id.pub"
    assert_stderr_contains "uncommitted changes in the way (keys/recipients.yaml)"
}

test_encrypt_refuses_an_interrupted_write() {
    make_key
    local s="$T/s" head
    casework "$s"
    head="$(head_of "$s")"
    mkdir -p "$s/.git/prevent"
    printf 'prevent write journal v1\nparent %s\ncommit %s\n' "$head" "$head" >"$s/.git/prevent/journal"
    expect_encrypt_refusal 6 "$s" --recipient "$T/id.pub"
    assert_stderr_contains "interrupted"
    assert_hint_contains "check --repair"
}

test_encrypt_refuses_without_a_git_identity() {
    make_key
    local s="$T/s"
    casework "$s"
    rm -f "$HOME/.gitconfig"
    expect_encrypt_refusal 6 "$s" --recipient "$T/id.pub"
    assert_stderr_contains "identity"
}

test_encrypt_refuses_bad_options() {
    make_key
    local s="$T/s"
    casework "$s"
    expect_encrypt_refusal 2 "$s"
    assert_stderr_contains "--recipient"
    expect_encrypt_refusal 2 "$s" --recipient-name "Test Coordinator"
    expect_encrypt_refusal 5 "$s" --recipient "$T/no-such.pub"
    expect_encrypt_refusal 5 "$s" --recipient "$T/id"
    assert_stderr_contains "--recipient"
    expect_encrypt_refusal 5 "$s" --recipient "$T/id.pub" --recipient-name " spaced "
    assert_stderr_contains "--recipient-name"
}

# A record prevent cannot read is never left half sealed: nothing is made.
test_encrypt_refuses_a_store_with_an_unreadable_record() {
    make_key
    local s="$T/s"
    casework "$s" --no-hook
    sed -i 's/^  received: .*/  received: 2026-02-30/' "$s/cases/2026/$ID2.yaml"
    git -C "$s" commit -qam "An impossible date typed in by hand"
    expect_encrypt_refusal 5 "$s" --recipient "$T/id.pub"
    assert_stderr_contains "cases/2026/$ID2.yaml"
}

# A commit that fails after the key store was written (here: a signer that
# fails) takes the key store away again: the plain store is as it was, and
# the same encrypt succeeds once the commit can be made.
test_encrypt_whose_commit_fails_leaves_no_key_store() {
    make_key
    local s="$T/s"
    casework "$s"
    git config --global commit.gpgsign true
    git config --global gpg.program false
    expect_encrypt_refusal 6 "$s" --recipient "$T/id.pub"
    assert_stderr_contains "sign"
    assert_eq "$(key_ref "$s")" none "refs/prevent/keys after the failed commit"
    git config --global --unset commit.gpgsign
    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 "check after the failed encrypt"
    assert_stderr_contains "this store is plain"
    assert_not_contains "$(cat "$OUT")" "notice [keys]" "check after the failed encrypt"
    run prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub"
    assert_rc 0 "encrypt again"
    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 "check after encrypt"
}

# What an encrypt killed after writing its key store and before its commit
# leaves (here, a key store fetched from another store): a plain store
# with a key store that names no store. check notes it; encrypt replaces it.
test_a_key_store_left_on_a_plain_store_is_noted_and_replaced() {
    make_key
    local s="$T/s" other="$T/other"
    casework "$s"
    E2E_ENCRYPTED=1 new_store "$other"
    unset PREVENT_IDENTITY
    git -C "$s" fetch -q "$other" refs/prevent/keys:refs/prevent/keys || fail "fetch"
    local stray
    stray="$(key_ref "$s")"
    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 "check with a stray key store"
    assert_stdout_contains "notice [keys] "
    assert_stdout_contains "prevent encrypt"
    run prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub"
    assert_rc 0 "encrypt over a stray key store"
    [[ "$(key_ref "$s")" != "$stray" ]] || fail "the stray key store was kept"
    assert_eq "$(git -C "$s" rev-list --count refs/prevent/keys)" 1 "the key store's commits"
    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 check
    assert_stdout_not_contains_hand_edit
    assert_not_contains "$(cat "$OUT")" "notice [keys]" "check"
    run env PREVENT_IDENTITY="$T/id" "$PREVENT" -C "$s" --as-of "$AS_OF" show "$ID"
    assert_rc 0 "show with the key"
    assert_contains "$(cat "$OUT")" "Threnody Vanecask" "show with the key"
}

# The history check holds an encrypt commit to what encrypt writes: a
# commit with its trailer that changes anything else is reported.
test_check_reports_an_encrypt_trailer_on_other_changes() {
    make_key
    local s="$T/s"
    casework "$s" --no-hook
    prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub" -q || fail encrypt
    run prevent -C "$s" --as-of "$AS_OF" check
    assert_rc 0 "check after encrypt"
    assert_stdout_not_contains_hand_edit
    # The encrypt commit itself, made to change a field that is not
    # personal data as well: named.
    cp -a "$s" "$T/amended"
    sed -i 's/^    agency: .*/    agency: Changed Agency/' "$T/amended/cases/2026/$ID2.yaml"
    git -C "$T/amended" commit -q -a --amend --no-edit
    run prevent -C "$T/amended" --as-of "$AS_OF" check
    assert_contains "$(cat "$OUT")" "whatever its trailer says" "check of an amended encrypt"
    assert_contains "$(cat "$OUT")" "referral.source.agency" "check of an amended encrypt"
    assert_no_personal_data "$(cat "$OUT" "$ERR")" "check's findings"
    # The encrypt commit changing a case its trailers do not name.
    cp -a "$s" "$T/unnamed"
    git -C "$T/unnamed" commit -q --amend \
        -m $'encrypt: store encrypted, 1 case sealed\n\nPrevent-Case: '"$ID"$'\nPrevent-Action: encrypt'
    run prevent -C "$T/unnamed" --as-of "$AS_OF" check
    assert_contains "$(cat "$OUT")" "its Prevent-Case trailers do not name the cases it changed" \
        "check of an encrypt that does not name a case"
    # An encrypt trailer on a later commit of the encrypted store.
    sed -i 's/^    agency: .*/    agency: Changed Agency/' "$s/cases/2026/$ID2.yaml"
    git -C "$s" commit -qam $'encrypt: store encrypted, 1 case sealed\n\nPrevent-Case: '"$ID2"$'\nPrevent-Action: encrypt'
    run prevent -C "$s" --as-of "$AS_OF" check
    assert_contains "$(cat "$OUT")" "whatever its trailer says" "check"
    assert_contains "$(cat "$OUT")" "encrypt adds keys/recipients.yaml to a plain store" "check"
}

# The plain person index (unkeyed hashes of names and dates of birth) is
# not kept once the store is encrypted.
test_encrypt_removes_the_plain_person_index() {
    make_key
    local s="$T/s"
    casework "$s"
    ls "$s/.git/prevent/" | grep -q '^people-v2$' || fail "no plain person index before encrypt"
    prevent -C "$s" --as-of "$AS_OF" encrypt --recipient "$T/id.pub" -q || fail encrypt
    assert_no_file "$s/.git/prevent/people-v2"
    assert_no_file "$s/.git/prevent/names-v1"
}

run_tests "$@"

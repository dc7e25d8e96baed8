#!/usr/bin/env bash
# The keys of an encrypted store (docs/encryption.md): `init --recipient`,
# `keys list|add|remove`, the identity (--identity, PREVENT_IDENTITY, a
# passphrase), and every way an identity or a key file can be wrong: each
# refused with its exit code and one line, nothing written. The SSH keys are
# made by ssh-keygen at test time, without a passphrase, in the test's
# directory; they are throw-away keys of fictional people.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
PASS1="fictional passphrase for the office safe"

# key NAME: a new ssh-ed25519 key pair $T/NAME and $T/NAME.pub.
key() {
    ssh-keygen -q -t ed25519 -N "" -C "$1@example.invalid" -f "$T/$1" >/dev/null || fail "ssh-keygen $1 failed"
}
fingerprint() { ssh-keygen -lf "$T/$1.pub" | awk '{ print $2 }'; }
blob_of() { awk '{ print $2 }' "$T/$1.pub"; }

# encrypted_store: $S, readable by $T/alice (recipient "Alice laptop").
encrypted_store() {
    key alice
    S="$T/store"
    run prevent init "$S" --area "Example Borough" --as-of "$AS_OF" --recipient "$T/alice.pub" \
        --recipient-name "Alice laptop"
    assert_rc 0 "init --recipient"
}

# as KEY ARGS…: prevent on $S with --identity $T/KEY.
as() {
    local k="$1"
    shift
    run prevent -C "$S" --as-of "$AS_OF" --identity "$T/$k" "$@"
}

keys_ref() { git -C "$S" rev-parse -q --verify refs/prevent/keys 2>/dev/null; }
# The snapshot of a failed command, with the key store's ref.
key_snapshot() { snapshot "$S"; keys_ref; }
# expect_key_refusal CODE CMD…: refused, one line, nothing written.
expect_key_refusal() {
    local code="$1" before
    shift
    before="$(key_snapshot)"
    run "$@"
    assert_rc "$code" "$*"
    assert_one_error_line
    assert_stdout_empty
    [[ "$(key_snapshot)" == "$before" ]] || fail "the store or its key store changed although the command failed: $*"
}

recipients_yaml() { git -C "$S" show HEAD:keys/recipients.yaml; }

test_init_with_a_recipient_makes_an_encrypted_store_in_one_commit() {
    encrypted_store
    assert_stderr_contains "prevent: created an encrypted store for Example Borough in $S"
    assert_eq "$(commit_count "$S")" 1 "commits"
    assert_eq "$(head_trailers "$S" Prevent-Action)" init "Prevent-Action"
    git -C "$S" cat-file -e HEAD:keys/recipients.yaml || fail "no keys/recipients.yaml in the first commit"
    assert_clean "$S"
    local y
    y="$(recipients_yaml)"
    assert_contains "$y" "format: 1"
    assert_contains "$y" "generation: 1"
    assert_matches "$y" $'store_id: [0-9a-f]{32}\n'
    assert_contains "$y" "  - name: Alice laptop"
    assert_contains "$y" "    type: ssh-ed25519"
    assert_contains "$y" "    public_key: $(blob_of alice)"
    assert_contains "$y" "    fingerprint: $(fingerprint alice)"
    assert_contains "$y" "    added: $AS_OF"
    assert_matches "$y" $'    wrapped_key: [A-Za-z0-9_-]+\n'
    # The key's comment (user@host) is not kept.
    assert_not_contains "$y" "alice@example.invalid"
    # The key store: one commit without a parent, holding the store data key.
    [[ -n "$(keys_ref)" ]] || fail "no refs/prevent/keys"
    assert_eq "$(git -C "$S" rev-list --count refs/prevent/keys)" 1 "key store commits"
    assert_eq "$(git -C "$S" ls-tree --name-only refs/prevent/keys)" store "key store tree"
    local blob
    blob="$(git -C "$S" cat-file -p refs/prevent/keys:store)"
    assert_matches "$blob" $'^prevent data key 1\ncase: store\ngeneration: 1\nkey: [A-Za-z0-9_-]+$'
    [[ "$(git -C "$S" cat-file -s refs/prevent/keys:store)" -lt 300 ]] || fail "the key blob is 300 bytes or more"
    run prevent -C "$S" --as-of "$AS_OF" check
    assert_rc 0 "check"
    assert_stdout_empty
}

test_init_needs_a_recipient_or_plain_and_creates_nothing_without() {
    expect_refusal 2 "$T/store" prevent init "$T/store" --area "Example Borough" --as-of "$AS_OF"
    assert_stderr_contains "give --recipient PUBKEY_FILE for an encrypted store, or --plain for fictional data"
    assert_no_file "$T/store"
    key alice
    expect_refusal 2 "$T/store" prevent init "$T/store" --area "Example Borough" --as-of "$AS_OF" --plain \
        --recipient "$T/alice.pub"
    assert_no_file "$T/store"
}

test_init_refuses_a_recipient_file_that_is_not_an_ed25519_public_key() {
    key alice
    ssh-keygen -q -t ecdsa -N "" -f "$T/ec" >/dev/null
    mkdir "$T/dir"
    local f
    for f in "$T/alice" "$T/ec.pub" "$T/dir" "$T/missing.pub"; do
        expect_refusal 5 "$T/store" prevent init "$T/store" --area "Example Borough" --as-of "$AS_OF" --recipient "$f"
        assert_stderr_contains "$f"
        assert_no_file "$T/store"
    done
}

test_keys_list_shows_the_recipients_without_a_key() {
    encrypted_store
    run prevent -C "$S" --as-of "$AS_OF" keys list --format csv
    assert_rc 0
    assert_eq "$(tr -d '\r' <"$OUT")" "name,type,fingerprint,added
Alice laptop,ssh-ed25519,$(fingerprint alice),$AS_OF" "keys list --format csv"
    run prevent -C "$S" --as-of "$AS_OF" keys list --format json
    assert_rc 0
    assert_eq "$(json_eval 'd[0]["name"], d[0]["type"], d[0]["fingerprint"], d[0]["added"], len(d)' <"$OUT")" \
        "('Alice laptop', 'ssh-ed25519', '$(fingerprint alice)', '$AS_OF', 1)" "keys list --format json"
    run prevent -C "$S" --as-of "$AS_OF" keys list
    assert_rc 0
    assert_matches "$(sed -n 1p "$OUT")" '^name +type +fingerprint +added$' "table header"
    assert_matches "$(sed -n 2p "$OUT")" "^Alice laptop +ssh-ed25519 +SHA256:.* +$AS_OF$" "table row"
    # A wrong identity does not matter to a command that needs no key.
    key mallory
    as mallory keys list
    assert_rc 0 "keys list with an identity that is no recipient"
}

test_keys_list_on_a_plain_store_says_it_is_plain() {
    new_store "$T/plain"
    S="$T/plain"
    expect_key_refusal 6 prevent -C "$S" keys list
    assert_stderr_contains "this store is plain"
}

test_add_an_ssh_and_a_passphrase_recipient_and_unlock_with_each() {
    encrypted_store
    key bob
    key carol
    key dave
    as alice keys add "Bob desktop" --ssh "$T/bob.pub"
    assert_rc 0 "keys add --ssh"
    assert_stderr_contains "prevent: keys: Bob desktop added ($(fingerprint bob)) on $AS_OF"
    assert_eq "$(commit_count "$S")" 2 "commits"
    assert_eq "$(head_trailers "$S" Prevent-Action)" keys-add "Prevent-Action"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "keys add: Bob desktop ssh-ed25519 $(fingerprint bob)" "subject"
    assert_eq "$(git -C "$S" diff --name-only HEAD~1 HEAD)" keys/recipients.yaml "files of the commit"
    assert_clean "$S"
    PREVENT_NEW_PASSPHRASE="$PASS1" as alice keys add "Office safe" --passphrase
    assert_rc 0 "keys add --passphrase"
    local y
    y="$(recipients_yaml)"
    assert_contains "$y" "    type: passphrase"
    assert_matches "$y" $'    salt: [0-9a-f]{32}\n    opslimit: 2\n    memlimit: 67108864\n'
    assert_not_contains "$y" "$PASS1"
    # Each recipient unlocks: a command that needs the store key succeeds.
    as bob keys add "Carol laptop" --ssh "$T/carol.pub"
    assert_rc 0 "unlocked by the second SSH key"
    PREVENT_IDENTITY=passphrase PREVENT_PASSPHRASE="$PASS1" run prevent -C "$S" --as-of "$AS_OF" \
        keys add "Dave laptop" --ssh "$T/dave.pub"
    assert_rc 0 "unlocked by the passphrase"
    assert_eq "$(git -C "$S" show HEAD:keys/recipients.yaml | grep -c '^  - name:')" 5 "recipients"
    # The same name or key twice: refused.
    expect_key_refusal 4 prevent -C "$S" --identity "$T/alice" keys add "Bob desktop" --ssh "$T/dave.pub"
    expect_key_refusal 4 prevent -C "$S" --identity "$T/alice" keys add "Bob again" --ssh "$T/bob.pub"
    # --ssh or --passphrase, one of them.
    expect_key_refusal 2 prevent -C "$S" --identity "$T/alice" keys add "Eve" --ssh "$T/bob.pub" --passphrase
    expect_key_refusal 2 prevent -C "$S" --identity "$T/alice" keys add "Eve"
    # A short new passphrase, and a wrong one to unlock.
    PREVENT_NEW_PASSPHRASE=short expect_key_refusal 5 prevent -C "$S" --identity "$T/alice" keys add "Eve" --passphrase
    PREVENT_IDENTITY=passphrase PREVENT_PASSPHRASE="not the passphrase" expect_key_refusal 6 \
        prevent -C "$S" keys add "Eve" --ssh "$T/carol.pub"
    assert_stderr_contains "the passphrase unlocks none of the store's passphrase recipients (PREVENT_PASSPHRASE)"
    # check knows keys-add.
    run prevent -C "$S" --as-of "$AS_OF" check
    assert_rc 0 "check"
    assert_stdout_empty
}

test_adding_needs_the_store_key() {
    encrypted_store
    key bob
    expect_key_refusal 6 prevent -C "$S" keys add "Bob desktop" --ssh "$T/bob.pub"
    assert_stderr_contains "adding a recipient needs the store's key (no identity given)"
    expect_key_refusal 6 prevent -C "$S" --identity "$T/bob" keys add "Bob desktop" --ssh "$T/bob.pub"
    assert_stderr_contains "is not a recipient of this store ($T/bob)"
}

test_identity_option_wins_over_the_environment() {
    encrypted_store
    key bob
    key carol
    PREVENT_IDENTITY="$T/bob" run prevent -C "$S" --identity "$T/alice" keys add "Carol" --ssh "$T/carol.pub"
    assert_rc 0 "--identity over PREVENT_IDENTITY"
    PREVENT_IDENTITY="$T/alice" run prevent -C "$S" keys add "Bob" --ssh "$T/bob.pub"
    assert_rc 0 "PREVENT_IDENTITY"
}

test_remove_replaces_the_store_key_and_the_removed_key_no_longer_unlocks() {
    encrypted_store
    key bob
    key carol
    as alice keys add "Bob desktop" --ssh "$T/bob.pub"
    assert_rc 0
    local before_wrapped before_store
    before_wrapped="$(recipients_yaml | grep -A6 'name: Alice laptop' | grep wrapped_key)"
    before_store="$(git -C "$S" cat-file -p refs/prevent/keys:store)"
    as alice keys remove "Bob desktop"
    assert_rc 0 "keys remove"
    assert_stderr_contains "prevent: keys: Bob desktop removed; the store key was replaced (generation 2)"
    assert_eq "$(head_trailers "$S" Prevent-Action)" keys-remove "Prevent-Action"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "keys remove: Bob desktop, store key generation 2" "subject"
    assert_clean "$S"
    local y
    y="$(recipients_yaml)"
    assert_contains "$y" "generation: 2"
    assert_not_contains "$y" "Bob desktop"
    assert_not_contains "$y" "$before_wrapped"
    # The key store: still one commit without a parent, its store data key
    # re-wrapped for generation 2, no rotation entry left.
    assert_eq "$(git -C "$S" rev-list --count refs/prevent/keys)" 1 "key store commits"
    assert_eq "$(git -C "$S" ls-tree --name-only refs/prevent/keys)" store "key store tree"
    local after_store
    after_store="$(git -C "$S" cat-file -p refs/prevent/keys:store)"
    assert_contains "$after_store" "generation: 2"
    [[ "$after_store" != "$before_store" ]] || fail "the store data key was not re-wrapped"
    # Bob's key no longer unlocks: exit 6, one line.
    expect_key_refusal 6 prevent -C "$S" --identity "$T/bob" keys add "Carol" --ssh "$T/carol.pub"
    assert_stderr_contains "is not a recipient of this store"
    # Alice's still does, with the new store key.
    as alice keys add "Carol" --ssh "$T/carol.pub"
    assert_rc 0 "the remaining recipient unlocks"
    as carol keys list
    assert_rc 0
    run prevent -C "$S" --as-of "$AS_OF" check
    assert_rc 0 "check"
    assert_stdout_empty
}

test_remove_refuses_the_last_recipient_an_unknown_name_and_without_a_key() {
    encrypted_store
    expect_key_refusal 4 prevent -C "$S" --identity "$T/alice" keys remove "Alice laptop"
    assert_stderr_contains "last recipient"
    expect_key_refusal 3 prevent -C "$S" --identity "$T/alice" keys remove "Nobody"
    expect_key_refusal 6 prevent -C "$S" keys remove "Alice laptop"
}

test_a_passphrase_recipient_survives_a_removal() {
    encrypted_store
    key bob
    key carol
    PREVENT_NEW_PASSPHRASE="$PASS1" as alice keys add "Office safe" --passphrase
    assert_rc 0
    as alice keys add "Bob" --ssh "$T/bob.pub"
    assert_rc 0
    as alice keys remove "Bob"
    assert_rc 0
    # Resealed to the passphrase recipient without its passphrase.
    PREVENT_IDENTITY=passphrase PREVENT_PASSPHRASE="$PASS1" run prevent -C "$S" --as-of "$AS_OF" \
        keys add "Carol" --ssh "$T/carol.pub"
    assert_rc 0 "the passphrase unlocks generation 2"
}

test_a_passphrase_without_a_terminal_is_refused() {
    encrypted_store
    key bob
    PREVENT_IDENTITY=passphrase expect_key_refusal 6 setsid -w "$PREVENT" -C "$S" keys add "Bob" --ssh "$T/bob.pub"
    assert_stderr_contains "no terminal"
}

test_identity_files_that_cannot_be_used_are_refused_in_one_line() {
    encrypted_store
    key bob
    mkdir "$T/dir"
    mkfifo "$T/fifo"
    ssh-keygen -q -t ed25519 -N "a fictional passphrase" -f "$T/locked" >/dev/null
    head -c 200 "$T/alice" >"$T/truncated"
    head -c 20000 /dev/zero | tr '\0' A >"$T/huge"
    printf 'not a key\n' >"$T/text"
    # Every length field of the key file set to 0xffffffff.
    "$PYTHON" - "$T/alice" "$T/lengths" <<'PY'
import base64, sys
lines = open(sys.argv[1]).read().split("\n")
b = bytearray(base64.b64decode("".join(lines[1:-2])))
for at in (15, 23, 31, 39, 43, 58, 94, 106, 121, 157, 225):
    b[at:at + 4] = b"\xff\xff\xff\xff"
body = base64.b64encode(bytes(b)).decode()
open(sys.argv[2], "w").write("-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "\n-----END OPENSSH PRIVATE KEY-----\n")
PY
    local f
    for f in missing dir fifo locked truncated huge text lengths bob.pub; do
        before="$(key_snapshot)"
        run timeout 20 "$PREVENT" -C "$S" --identity "$T/$f" keys add "Bob" --ssh "$T/bob.pub"
        assert_rc 6 "identity $f"
        assert_one_error_line
        assert_stderr_contains "($T/$f)"
        assert_stderr_not_contains "PRIVATE KEY"
        [[ "$(key_snapshot)" == "$before" ]] || fail "the store changed after identity $f"
    done
    run prevent -C "$S" --identity "$T/locked" keys add "Bob" --ssh "$T/bob.pub"
    assert_stderr_contains "protected by a passphrase"
    assert_stderr_contains "hint: use an unprotected copy of the key readable only by you"
    run prevent -C "$S" --identity "$T/fifo" keys add "Bob" --ssh "$T/bob.pub"
    assert_stderr_contains "not a key file: a directory, device or pipe"
    expect_key_refusal 2 prevent -C "$S" --identity "" keys add "Bob" --ssh "$T/bob.pub"
}

test_a_clone_without_the_key_store_says_how_to_fetch_it() {
    encrypted_store
    key bob
    git clone -q "$S" "$T/clone" || fail "git clone failed"
    git -C "$T/clone" config user.name "Test Coordinator"
    git -C "$T/clone" config user.email "coordinator@example.invalid"
    local C="$T/clone"
    run prevent -C "$C" --as-of "$AS_OF" --identity "$T/alice" keys add "Bob" --ssh "$T/bob.pub"
    assert_rc 6
    assert_one_error_line
    assert_stderr_contains "git fetch origin refs/prevent/keys:refs/prevent/keys"
    run prevent -C "$C" --as-of "$AS_OF" check keys
    assert_rc 6 "check keys"
    git -C "$C" fetch -q origin refs/prevent/keys:refs/prevent/keys || fail "git fetch of the key store failed"
    run prevent -C "$C" --as-of "$AS_OF" --identity "$T/alice" keys add "Bob" --ssh "$T/bob.pub"
    assert_rc 0 "after fetching the key store"
}

test_no_private_key_passphrase_or_key_file_in_any_object_or_message() {
    encrypted_store
    key bob
    PREVENT_NEW_PASSPHRASE="$PASS1" as alice keys add "Office safe" --passphrase
    assert_rc 0
    as alice keys add "Bob" --ssh "$T/bob.pub"
    assert_rc 0
    as alice keys remove "Bob"
    assert_rc 0
    git -C "$S" cat-file --batch-all-objects --batch >"$T/objects" || fail "cat-file failed"
    local line k
    for k in alice bob; do
        # Each line of the private key's base64, and the private key file's markers.
        while IFS= read -r line; do
            [[ "$line" == -----* || -z "$line" ]] && continue
            grep -qF -- "$line" "$T/objects" && fail "a line of $k's private key file is in an object"
        done <"$T/$k"
    done
    grep -q "PRIVATE KEY" "$T/objects" && fail "a private key marker is in an object"
    grep -qF "$PASS1" "$T/objects" && fail "the passphrase is in an object"
    git -C "$S" log --all --format=%B >"$T/messages"
    grep -qF "$PASS1" "$T/messages" && fail "the passphrase is in a commit message"
    grep -q "PRIVATE" "$T/messages" && fail "a private key is in a commit message"
    # recipients.yaml holds public material only: these keys and no others.
    assert_eq "$(recipients_yaml | sed -nE 's/^ *-? *([a-z_]+):.*/\1/p' | LC_ALL=C sort -u | tr '\n' ' ')" \
        "added fingerprint format generation memlimit name opslimit public_key recipients salt store_id type wrapped_key wrapped_secret " \
        "the keys of recipients.yaml"
}

test_check_accepts_key_commits_and_names_a_hand_edit_of_keys() {
    encrypted_store
    key bob
    as alice keys add "Bob" --ssh "$T/bob.pub"
    assert_rc 0
    run prevent -C "$S" --as-of "$AS_OF" check history
    assert_rc 0
    assert_stdout_empty
    # A keys-add trailer copied onto a commit that changes something else.
    printf 'x\n' >"$S/keys/extra"
    git -C "$S" add keys/extra
    git -C "$S" -c core.hooksPath=/dev/null commit -q -m "keys add: x" -m "Prevent-Action: keys-add" || fail "commit failed"
    run prevent -C "$S" --as-of "$AS_OF" check history
    assert_stdout_contains "keys-add changes only keys/recipients.yaml"
    # recipients.yaml broken by hand: check keys says so, in one line.
    printf 'format: 1\n' >"$S/keys/recipients.yaml"
    git -C "$S" -c core.hooksPath=/dev/null commit -q -am "hand edit" || fail "commit failed"
    run prevent -C "$S" --as-of "$AS_OF" check keys
    assert_rc 6 "check keys on a damaged recipients.yaml"
    assert_stdout_contains "keys/recipients.yaml: store_id is missing"
}

run_tests "$@"

#!/usr/bin/env bash
# Signed commits (SPEC §8): when the git configuration asks for them, every
# commit prevent makes is signed as git signs it, `git verify-commit` and
# `git log --show-signature` agree, and `prevent check signatures` finds
# unsigned and badly signed commits. SSH keys and an OpenPGP key are made
# in each test, in its own HOME and GNUPGHOME.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
KEY=""

# ssh_signing [KEYNAME]: a new ed25519 key, an allowed-signers file naming it
# for the test identity, and the global git config asking for ssh signing.
ssh_signing() {
    local name="${1:-signer}"
    mkdir -p "$HOME/.ssh"
    chmod 700 "$HOME/.ssh"
    KEY="$HOME/.ssh/$name"
    ssh-keygen -t ed25519 -N '' -q -C "test key" -f "$KEY" || fail "ssh-keygen failed"
    printf 'coordinator@example.invalid namespaces="git" %s\n' "$(cat "$KEY.pub")" >>"$HOME/.ssh/allowed_signers"
    git config --global gpg.format ssh
    git config --global user.signingkey "$KEY"
    git config --global gpg.ssh.allowedSignersFile "$HOME/.ssh/allowed_signers"
    git config --global commit.gpgsign true
}

# A signed store: `prevent init` itself is signed.
setup_signed() {
    ssh_signing
    S="$T/store"
    new_store "$S" --prefix PRV
}

assert_verified() { # assert_verified REV: git agrees that REV is well signed
    run git -C "$S" verify-commit "$1"
    assert_rc 0 "git verify-commit $1"
    assert_contains "$(git -C "$S" log -1 --show-signature --format=%H "$1" 2>&1)" 'Good "git" signature' \
        "git log --show-signature $1"
}

assert_all_verified() {
    local c
    for c in $(git -C "$S" rev-list HEAD); do assert_verified "$c"; done
}

test_every_write_is_signed_with_ssh_and_git_agrees() {
    setup_signed
    assert_verified HEAD
    assert_contains "$(git -C "$S" cat-file commit HEAD)" "gpgsig -----BEGIN SSH SIGNATURE-----" "the init commit"
    refer_ok "$S"
    pv_ok "$S" "$AS_OF" triage "$ID" --outcome channel-panel --date 2026-11-06 \
        --s36-date 2026-11-06 --s36-by "Counter Terrorism Policing North West"
    pv_ok "$S" "$AS_OF" correct "$ID" triage.completed=2026-11-05 --reason "Fictional: typed wrongly"
    meeting_ok "$S" 2026-11-10
    assert_eq "$(commit_count "$S")" "5" "commits"
    assert_all_verified
    assert_clean "$S"
    # The signature is over exactly the commit git sees: `git cat-file`
    # shows one gpgsig header, and the commit's parent is the one before.
    assert_eq "$(git -C "$S" cat-file commit HEAD | grep -c '^gpgsig ')" "1" "gpgsig headers"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 0 "check (signatures run: commit.gpgsign is true)"
    assert_stdout_empty
    run prevent -C "$S" check signatures --as-of "$AS_OF"
    assert_rc 0 "check signatures"
    assert_stdout_empty
}

test_a_signing_key_path_with_a_tilde_is_expanded_as_git_does() {
    # user.signingkey may name the key with ~/, as git expands it.
    ssh_signing
    git config --global user.signingkey "~/.ssh/signer"
    S="$T/store"
    new_store "$S" --prefix PRV
    assert_verified HEAD
}

test_an_import_of_many_cases_is_signed() {
    setup_signed
    local i
    for i in $(seq 1 70); do
        echo "---"
        case_yaml name="Fictional Person $i" dob=2001-01-0$((i % 9 + 1))
    done >"$T/in/many.yaml"
    run prevent -C "$S" import "$T/in/many.yaml" --as-of "$AS_OF"
    assert_rc 0 "import"
    assert_verified HEAD
    assert_clean "$S"
}

test_a_failing_signer_writes_nothing() {
    setup_signed
    refer_ok "$S"
    # The program comes from the user's own configuration only (issue 15).
    git config --global gpg.ssh.program false
    referral_flags
    expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_stderr_contains "cannot sign the commit"
    expect_refusal 6 "$S" prevent -C "$S" --as-of "$AS_OF" correct PRV-2026-0001 referral.source.agency=Other \
        --reason "Fictional reason"
    git config --global --unset gpg.ssh.program
    # A key file that does not exist.
    git -C "$S" config user.signingkey "$HOME/.ssh/missing"
    expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    # A signer that is not installed.
    git -C "$S" config user.signingkey "$KEY"
    git config --global gpg.ssh.program "$T/no-such-program"
    expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_stderr_contains "cannot run"
}

test_init_with_a_failing_signer_leaves_nothing() {
    ssh_signing
    git config --global gpg.ssh.program false
    run prevent init --plain "$T/store" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 6
    assert_one_error_line
    assert_no_file "$T/store/.git"
    assert_no_file "$T/store/prevent.yaml"
}

test_configurations_prevent_cannot_follow_are_refused() {
    setup_signed
    referral_flags
    git -C "$S" config user.signingkey "$(cat "$KEY.pub")"
    expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_stderr_contains "literal ssh public key"
    assert_hint_contains "path of the key file"
    git -C "$S" config user.signingkey ""
    expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_stderr_contains "names no key"
    git -C "$S" config user.signingkey "$KEY"
    git -C "$S" config gpg.format x509
    expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_stderr_contains "x509"
    git -C "$S" config gpg.format sideways
    expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_stderr_contains "unknown gpg.format"
}

test_check_signatures_finds_a_commit_made_without_signing() {
    setup_signed
    refer_ok "$S"
    sed -i 's/^    agency: Example Academy$/    agency: Example Sixth Form/' "$S/cases/2026/PRV-2026-0001.yaml"
    git -C "$S" commit -q -a --no-gpg-sign -m "Agency by hand"
    local unsigned
    unsigned="$(head_of "$S")"
    run git -C "$S" verify-commit "$unsigned"
    assert_rc_nonzero "git verify-commit of the unsigned commit"
    run prevent -C "$S" check signatures --as-of "$AS_OF"
    assert_rc 6
    assert_stdout_eq "error [signatures] commit ${unsigned:0:12} of $(git -C "$S" log -1 --format=%cs "$unsigned"): not signed"
    # Plain `check` runs it too, because the store asks for signed commits.
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 6
    assert_stdout_contains "[signatures]"
    # A later signed commit does not hide it.
    pv_ok "$S" "$AS_OF" correct PRV-2026-0001 referral.source.agency="Example Academy" --reason "Fictional reason"
    run prevent -C "$S" check signatures --as-of "$AS_OF"
    assert_rc 6
    assert_stdout_contains "${unsigned:0:12}"
    assert_eq "$(wc -l <"$OUT")" "1" "findings"
}

test_check_signatures_finds_a_key_that_is_not_allowed() {
    setup_signed
    local good="$KEY"
    mkdir -p "$T/other"
    ssh-keygen -t ed25519 -N '' -q -C "other" -f "$T/other/key"
    refer_ok "$S"
    sed -i 's/^    agency: Example Academy$/    agency: Example Sixth Form/' "$S/cases/2026/PRV-2026-0001.yaml"
    git -C "$S" -c user.signingkey="$T/other/key" commit -q -a -m "Signed by a key nobody allowed"
    local bad
    bad="$(head_of "$S")"
    run git -C "$S" verify-commit "$bad"
    assert_rc_nonzero "git verify-commit of the commit signed by another key"
    run prevent -C "$S" check signatures --as-of "$AS_OF"
    assert_rc 6
    assert_stdout_contains "commit ${bad:0:12}"
    assert_stdout_contains "not allowed"
    assert_eq "$(wc -l <"$OUT")" "1" "findings"
    # A tampered commit: same signature, changed content.
    git -C "$S" reset -q --hard HEAD~1
    git -C "$S" cat-file commit HEAD | sed 's/^refer: /refer:  /' >"$T/tampered"
    local forged
    forged="$(git -C "$S" hash-object -t commit -w "$T/tampered")"
    git -C "$S" update-ref HEAD "$forged"
    run git -C "$S" verify-commit HEAD
    assert_rc_nonzero "git verify-commit of a tampered commit"
    run prevent -C "$S" check signatures --as-of "$AS_OF"
    assert_rc 6
    assert_stdout_contains "commit ${forged:0:12}"
    assert_stdout_contains "bad ssh signature"
    : "$good"
}

test_signatures_are_checked_only_when_asked_for_in_an_unsigned_store() {
    S="$T/store"
    new_store "$S"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 0 "check of an unsigned store (no signatures check)"
    run prevent -C "$S" check signatures --as-of "$AS_OF"
    assert_rc 6
    assert_stdout_contains "not signed"
}

test_verifying_ssh_signatures_needs_an_allowed_signers_file() {
    setup_signed
    git config --global --unset gpg.ssh.allowedSignersFile
    run prevent -C "$S" check signatures --as-of "$AS_OF"
    assert_rc 6
    assert_stdout_eq "error [signatures] cannot verify ssh signatures: gpg.ssh.allowedSignersFile is not set (git config)"
}

test_every_write_is_signed_with_openpgp_and_git_agrees() {
    export GNUPGHOME="$T/gnupg"
    mkdir -m 700 "$GNUPGHOME"
    # shellcheck disable=SC2064
    trap "gpgconf --kill gpg-agent 2>/dev/null; chmod -R u+rwx '$T' 2>/dev/null; rm -rf '$T'" EXIT
    gpg --batch --quiet --passphrase '' --quick-gen-key 'Test Coordinator <coordinator@example.invalid>' \
        ed25519 sign never 2>/dev/null || { fail "gpg could not make a key"; return; }
    git config --global commit.gpgsign true
    git config --global gpg.format openpgp
    S="$T/store"
    # No user.signingkey: as git, the committer's identity names the key.
    new_store "$S" --prefix PRV
    refer_ok "$S"
    assert_eq "$(commit_count "$S")" "2" "commits"
    run git -C "$S" verify-commit HEAD
    assert_rc 0 "git verify-commit HEAD"
    assert_contains "$(git -C "$S" log -1 --show-signature 2>&1)" "Good signature" "git log --show-signature"
    assert_contains "$(git -C "$S" cat-file commit HEAD)" "gpgsig -----BEGIN PGP SIGNATURE-----" "the commit"
    run prevent -C "$S" check signatures --as-of "$AS_OF"
    assert_rc 0 "check signatures"
    assert_stdout_empty
    # An unsigned commit and a broken gpg.program.
    git -C "$S" commit -q --allow-empty --no-gpg-sign -m "Unsigned"
    run prevent -C "$S" check signatures --as-of "$AS_OF"
    assert_rc 6
    assert_stdout_contains "not signed"
    git -C "$S" reset -q --hard HEAD~1
    git config --global gpg.program false
    referral_flags name="Maribex Tundrell"
    expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_stderr_contains "cannot sign the commit: false failed"
}

# gpg_home: a throwaway GNUPGHOME in the test's directory, with a key for
# each fictional identity given ("Name <email>").
gpg_home() {
    export GNUPGHOME="$T/gnupg"
    mkdir -m 700 "$GNUPGHOME"
    # shellcheck disable=SC2064
    trap "gpgconf --kill gpg-agent 2>/dev/null; chmod -R u+rwx '$T' 2>/dev/null; rm -rf '$T'" EXIT
    local who
    for who in "$@"; do
        gpg --batch --quiet --passphrase '' --quick-gen-key "$who" ed25519 sign never 2>/dev/null ||
            fail "gpg could not make a key for $who"
    done
}

# As ssh's principal is the committer's e-mail, an openpgp signature is
# good only when the key has a user ID with the committer's e-mail: `git
# verify-commit` accepts a good signature by anyone's key.
test_an_openpgp_signature_by_another_persons_key_is_not_the_committers() {
    gpg_home 'Test Coordinator <coordinator@example.invalid>' 'Example Intruder <intruder@example.invalid>'
    git config --global commit.gpgsign true
    git config --global gpg.format openpgp
    S="$T/store"
    new_store "$S" --prefix PRV
    refer_ok "$S"
    run prevent -C "$S" check signatures --as-of "$AS_OF"
    assert_rc 0 "check signatures before"
    assert_stdout_empty
    sed -i 's/^    agency: Example Academy$/    agency: Example Sixth Form/' "$S/cases/2026/PRV-2026-0001.yaml"
    git -C "$S" -c user.signingkey=intruder@example.invalid commit -q -a -m "Signed with another person's key" ||
        fail "git commit failed"
    local bad
    bad="$(head_of "$S")"
    assert_eq "$(git -C "$S" log -1 --format=%cn "$bad")" "Test Coordinator" "the committer"
    run git -C "$S" verify-commit "$bad"
    assert_rc 0 "git verify-commit accepts it"
    run prevent -C "$S" check signatures --as-of "$AS_OF"
    assert_rc 6
    assert_stdout_eq "error [signatures] commit ${bad:0:12} of $(git -C "$S" log -1 --format=%cs "$bad"): openpgp signature by a key that is not the committer's: no user ID of the key has the committer's e-mail"
    # The log says the same of each commit.
    run prevent -C "$S" log --format json
    assert_rc 0 "log"
    assert_eq "$(json_eval '[e["signature"]["state"] for e in d]' <"$OUT")" "['good', 'good', 'bad']" "signatures in the log"
    run prevent -C "$S" log
    assert_stdout_contains "by Test Coordinator <coordinator@example.invalid>, signed by the committer's key"
    assert_stdout_contains "by Test Coordinator <coordinator@example.invalid>, signature not good: openpgp signature by a key that is not the committer's"
    # A key with the committer's e-mail as a second user ID is the committer's.
    gpg --batch --quiet --passphrase '' --quick-add-uid intruder@example.invalid 'Test Coordinator <coordinator@example.invalid>' 2>/dev/null ||
        fail "gpg could not add a user ID"
    run prevent -C "$S" check signatures --as-of "$AS_OF"
    assert_rc 0 "with the committer's user ID on the key"
}

run_tests "$@"

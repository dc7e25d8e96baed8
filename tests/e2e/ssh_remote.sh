#!/usr/bin/env bash
# SSH remotes against a real OpenSSH server on 127.0.0.1 (tests/e2e/lib/sshd.bash),
# for `prevent sync` (issue 19): first the harness itself, proven with plain
# git (clone and push work; a login runs git-shell and nothing else), then
# libgit2 with sync's SSH callbacks (lib/store/remote_auth.cpp) through
# tests/sync/remote_probe.cpp: the host key checked against known_hosts
# (unknown, wrong, revoked, hashed, another port), the client key offered
# without a prompt (missing, not authorised, through an ssh-agent), and
# dangerous URLs refused before any connection. Every server is stopped by
# its PID, even when a test fails.
# shellcheck disable=SC2119 # sshd_start's DIR is optional
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/sshd.bash"

: "${REMOTE_PROBE:=$(dirname "$PREVENT")/../tests/sync/prevent_remote_probe}"
export REMOTE_PROBE
# No agent of the caller's: a test that wants one starts its own.
unset SSH_AUTH_SOCK SSH_AGENT_PID GIT_SSH GIT_SSH_COMMAND

# A bare repository $T/bare.git with one commit on main, and a clone of it
# by path in $T/local (branch main, one commit of its own not yet pushed).
bare_and_local() {
    git init -q --bare -b main "$T/bare.git"
    git init -q -b main "$T/seed"
    echo one >"$T/seed/file"
    git -C "$T/seed" add file && git -C "$T/seed" commit -q -m "first"
    git -C "$T/seed" push -q "$T/bare.git" main
    git clone -q "$T/bare.git" "$T/local"
    echo two >"$T/local/file"
    git -C "$T/local" commit -q -am "second"
}

# Under the sanitizer build, libgit2 1.5.1's SSH transport leaks on every
# connection (lib/lsan_libgit2_ssh.supp says where); those leaks, and only
# those, are suppressed for the probe.
PROBE_LSAN_OPTIONS="suppressions=$E2E_DIR/lib/lsan_libgit2_ssh.supp:fast_unwind_on_malloc=0:print_suppressions=0"
probe() { run env LSAN_OPTIONS="$PROBE_LSAN_OPTIONS" timeout 60 "$REMOTE_PROBE" "$@"; }

host_fingerprint() { ssh-keygen -lf "$SSHD_DIR/host_ed25519.pub" | awk '{ print $2 }'; }

# Nothing fetched into $T/local, nothing pushed to $T/bare.git.
assert_nothing_moved() {
    assert_eq "$(git -C "$T/local" for-each-ref refs/remotes/probe)" "" "refs fetched"
    assert_eq "$(git -C "$T/bare.git" rev-parse main)" "$(git -C "$T/seed" rev-parse main)" "bare main"
}

# ---------------------------------------------------------------------------
# The harness, with plain git

test_plain_git_clones_and_pushes_through_the_test_sshd() {
    sshd_start || { fail "sshd did not start"; return; }
    bare_and_local
    GIT_SSH_COMMAND="$(sshd_git_ssh)"
    export GIT_SSH_COMMAND
    run git -C "$T/local" push -q "$(sshd_url "$T/bare.git")" main
    assert_rc 0 "git push over ssh"
    assert_eq "$(git -C "$T/bare.git" rev-parse main)" "$(git -C "$T/local" rev-parse main)" "pushed head"
    run git clone -q "$(sshd_url "$T/bare.git")" "$T/clone"
    assert_rc 0 "git clone over ssh"
    assert_eq "$(git -C "$T/clone" log --format=%s | tr '\n' ' ')" "second first " "cloned history"
    assert_contains "$(cat "$SSHD_DIR/sshd.log")" "Accepted publickey for $SSHD_USER" "sshd log"
}

test_a_login_runs_git_shell_and_nothing_else() {
    sshd_start || { fail "sshd did not start"; return; }
    local ssh_cmd
    read -r -a ssh_cmd <<<"$(sshd_git_ssh)"
    local cmd
    for cmd in "id" "sh -c id" "touch $T/pwned" "git-upload-pack '$T'; touch $T/pwned" "bash -i"; do
        run "${ssh_cmd[@]}" -p "$SSHD_PORT" "$SSHD_USER@127.0.0.1" "$cmd"
        assert_rc 128 "ssh … '$cmd'"
        assert_not_contains "$(cat "$OUT")" "uid=" "stdout of '$cmd'"
    done
    assert_no_file "$T/pwned"
    # No command (an interactive login): git-shell refuses it too.
    run "${ssh_cmd[@]}" -p "$SSHD_PORT" "$SSHD_USER@127.0.0.1"
    assert_rc 128 "ssh without a command"
}

test_the_server_is_stopped_when_a_test_fails_or_is_killed() {
    # A shell that starts a server and then fails: the server goes with it.
    run bash -c 'source "$1/lib/common.bash"; source "$1/lib/sshd.bash"; T="$2"; sshd_start "$2/s1" || exit 9
                 echo "$SSHD_PID" >"$2/pid1"; exit 3' - "$E2E_DIR" "$T"
    assert_rc 3 "the failing shell"
    # A shell killed (SIGTERM, as a timeout does) while its server runs.
    bash -c 'source "$1/lib/common.bash"; source "$1/lib/sshd.bash"; T="$2"; sshd_start "$2/s2" || exit 9
             echo "$SSHD_PID" >"$2/pid2"; sleep 60 & wait' - "$E2E_DIR" "$T" >/dev/null 2>&1 &
    local shell=$!
    local _
    for _ in $(seq 100); do [[ -s "$T/pid2" ]] && break; sleep 0.1; done
    kill -TERM "$shell"
    wait "$shell"
    local pid
    for pid in "$(cat "$T/pid1")" "$(cat "$T/pid2")"; do
        [[ -n "$pid" ]] || { fail "no server PID written"; continue; }
        if kill -0 "$pid" 2>/dev/null; then
            fail "sshd $pid is still running"
            kill "$pid"
        fi
    done
}

# ---------------------------------------------------------------------------
# libgit2 with sync's callbacks

test_fetch_and_push_with_the_callbacks() {
    sshd_start || { fail "sshd did not start"; return; }
    bare_and_local
    probe fetch "$(sshd_url "$T/bare.git")" "$T/local"
    assert_rc 0 "fetch"
    assert_stdout_eq "fetched"
    assert_eq "$(git -C "$T/local" rev-parse refs/remotes/probe/main)" "$(git -C "$T/seed" rev-parse main)" "fetched main"
    probe push "$(sshd_url "$T/bare.git")" "$T/local" main
    assert_rc 0 "push"
    assert_stdout_eq "pushed"
    assert_eq "$(git -C "$T/bare.git" rev-parse main)" "$(git -C "$T/local" rev-parse main)" "pushed main"
    # One connection each: a fetch then a push with fresh attempts (the
    # callbacks count their attempts per connection).
    assert_eq "$(grep -c "Accepted publickey" "$SSHD_DIR/sshd.log")" 2 "logins"
}

test_an_unknown_host_key_is_refused_naming_its_fingerprint() {
    sshd_start || { fail "sshd did not start"; return; }
    bare_and_local
    : >"$HOME/.ssh/known_hosts"
    probe fetch "$(sshd_url "$T/bare.git")" "$T/local"
    assert_rc 4 "fetch from an unknown host"
    assert_one_error_line
    assert_stderr_contains "the SSH host key of 127.0.0.1 port $SSHD_PORT (ssh-ed25519 $(host_fingerprint)) is not known"
    assert_hint_contains "ssh-keyscan -p $SSHD_PORT 127.0.0.1 >> ~/.ssh/known_hosts"
    probe push "$(sshd_url "$T/bare.git")" "$T/local" main
    assert_rc 4 "push to an unknown host"
    assert_nothing_moved
    assert_not_contains "$(cat "$SSHD_DIR/sshd.log")" "Accepted publickey" "sshd log"
    # No known_hosts at all: the same refusal. (Without HOME, libgit2 stops
    # before asking: "error loading known_hosts", exit 6.)
    rm -f "$HOME/.ssh/known_hosts"
    probe fetch "$(sshd_url "$T/bare.git")" "$T/local"
    assert_rc 4 "no known_hosts"
    assert_stderr_contains "is not known"
}

test_a_wrong_host_key_is_refused_as_a_mismatch() {
    sshd_start || { fail "sshd did not start"; return; }
    bare_and_local
    ssh-keygen -q -t ed25519 -N '' -f "$T/impostor"
    printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$(cut -d' ' -f1,2 "$T/impostor.pub")" >"$HOME/.ssh/known_hosts"
    probe push "$(sshd_url "$T/bare.git")" "$T/local" main
    assert_rc 4 "push to a host with another key"
    assert_one_error_line
    assert_stderr_contains "the SSH host key of 127.0.0.1 port $SSHD_PORT (ssh-ed25519 $(host_fingerprint)) does not match known_hosts"
    assert_hint_contains "ssh-keygen -R '[127.0.0.1]:$SSHD_PORT'"
    probe fetch "$(sshd_url "$T/bare.git")" "$T/local"
    assert_rc 4 "fetch from a host with another key"
    assert_nothing_moved
}

test_a_key_known_for_another_port_does_not_count() {
    sshd_start || { fail "sshd did not start"; return; }
    bare_and_local
    printf '127.0.0.1 %s\n[127.0.0.1]:%s %s\n' "$SSHD_HOST_PUB" "$((SSHD_PORT + 1))" "$SSHD_HOST_PUB" \
        >"$HOME/.ssh/known_hosts"
    probe fetch "$(sshd_url "$T/bare.git")" "$T/local"
    assert_rc 4
    assert_stderr_contains "is not known"
    assert_nothing_moved
}

test_a_hashed_known_hosts_line_is_accepted() {
    sshd_start || { fail "sshd did not start"; return; }
    bare_and_local
    ssh-keygen -q -H -f "$HOME/.ssh/known_hosts" >/dev/null 2>&1
    assert_not_contains "$(cat "$HOME/.ssh/known_hosts")" "127.0.0.1" "hashed known_hosts"
    probe fetch "$(sshd_url "$T/bare.git")" "$T/local"
    assert_rc 0 "fetch with a hashed line"
}

test_a_revoked_host_key_is_refused() {
    sshd_start || { fail "sshd did not start"; return; }
    bare_and_local
    printf '@revoked * %s\n' "$SSHD_HOST_PUB" >>"$HOME/.ssh/known_hosts"
    probe fetch "$(sshd_url "$T/bare.git")" "$T/local"
    assert_rc 4 "fetch from a revoked key"
    assert_one_error_line
    assert_stderr_contains "($(cut -d' ' -f1 <<<"$SSHD_HOST_PUB") $(host_fingerprint)) is revoked in known_hosts"
    assert_nothing_moved
}

test_no_client_key_is_refused_without_a_prompt() {
    sshd_start || { fail "sshd did not start"; return; }
    bare_and_local
    rm -f "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub"
    probe push "$(sshd_url "$T/bare.git")" "$T/local" main
    assert_rc 4 "push without a key"
    assert_one_error_line
    assert_stderr_contains "SSH authentication failed for $SSHD_USER@127.0.0.1 port $SSHD_PORT: no key to offer"
    assert_nothing_moved
    # A private key without its .pub is not offered either.
    cp "$SSHD_CLIENT_KEY" "$HOME/.ssh/id_ed25519"
    probe fetch "$(sshd_url "$T/bare.git")" "$T/local"
    assert_rc 4 "a key without its .pub"
    assert_stderr_contains "no key to offer"
}

test_a_key_the_server_does_not_know_is_tried_once() {
    sshd_start || { fail "sshd did not start"; return; }
    bare_and_local
    rm -f "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub"
    ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/id_ed25519"
    probe fetch "$(sshd_url "$T/bare.git")" "$T/local"
    assert_rc 4 "fetch with a key the server does not have"
    assert_one_error_line
    assert_stderr_contains "SSH authentication failed for $SSHD_USER@127.0.0.1 port $SSHD_PORT (tried ~/.ssh/id_ed25519)"
    assert_nothing_moved
}

test_the_ssh_agent_is_used_when_there_is_one() {
    sshd_start || { fail "sshd did not start"; return; }
    bare_and_local
    local agent_out
    agent_out="$(ssh-agent -s -a "$T/agent.sock")" || { fail "ssh-agent did not start"; return; }
    local agent_pid
    agent_pid="$(sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' <<<"$agent_out")"
    _sshd_add_exit_trap "kill $agent_pid 2>/dev/null"
    SSH_AUTH_SOCK="$T/agent.sock" ssh-add -q "$SSHD_CLIENT_KEY" 2>/dev/null
    rm -f "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub"
    run env SSH_AUTH_SOCK="$T/agent.sock" LSAN_OPTIONS="$PROBE_LSAN_OPTIONS" timeout 60 "$REMOTE_PROBE" fetch "$(sshd_url "$T/bare.git")" "$T/local"
    assert_rc 0 "fetch through the agent"
    # An agent without the server's key: tried once, then refused.
    SSH_AUTH_SOCK="$T/agent.sock" ssh-add -q -D 2>/dev/null
    run env SSH_AUTH_SOCK="$T/agent.sock" LSAN_OPTIONS="$PROBE_LSAN_OPTIONS" timeout 60 "$REMOTE_PROBE" fetch "$(sshd_url "$T/bare.git")" "$T/local"
    assert_rc 4 "an agent without the key"
    assert_stderr_contains "(tried the ssh-agent)"
    kill "$agent_pid" 2>/dev/null
}

test_dangerous_urls_are_refused_before_any_connection() {
    sshd_start || { fail "sshd did not start"; return; }
    bare_and_local
    local url
    for url in "ext::sh -c touch% $T/pwned" "ext::ssh -p $SSHD_PORT $SSHD_USER@127.0.0.1 touch% $T/pwned" \
        "ssh://-oProxyCommand=touch%20$T/pwned/x.git" "-oProxyCommand=touch%20x:x.git" "fd::0" \
        "http://127.0.0.1:$SSHD_PORT/x.git" "ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT/x"$'\x1b'"[2J.git"; do
        probe fetch "$url" "$T/local"
        assert_rc 2 "fetch from $url"
        assert_one_error_line
        assert_stderr_contains "refused"
    done
    assert_no_file "$T/pwned"
    assert_nothing_moved
    assert_not_contains "$(cat "$SSHD_DIR/sshd.log")" "Connection from" "sshd log"
}

run_tests "$@"

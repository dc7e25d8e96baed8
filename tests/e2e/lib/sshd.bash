# shellcheck shell=bash
# A real OpenSSH server on 127.0.0.1 for the e2e suites that sync over SSH.
# Sourced (after common.bash), never run.
#
#   sshd_start            starts /usr/sbin/sshd on a free port of 127.0.0.1
#                         and makes $HOME/.ssh a client that trusts it
#   sshd_url PATH         ssh://USER@127.0.0.1:PORT/ABS-PATH
#   sshd_git_ssh          the ssh command for plain git (GIT_SSH_COMMAND)
#   sshd_stop             stops it (also done by the EXIT trap sshd_start adds)
#
# The server is the test's alone: a throw-away host key (ssh-keygen), a
# temporary sshd_config (127.0.0.1 only, no password, no PAM, PidFile and
# AuthorizedKeysFile in its own directory) and one throw-away client key,
# whose authorized_keys line is
#   restrict,command="git-shell -c \"$SSH_ORIGINAL_COMMAND\"" ssh-ed25519 …
# so a login can only run git-shell: git's upload-pack and receive-pack,
# nothing else. The login user is the one running the tests (root in CI;
# sshd then needs /run/sshd, made here when missing).
#
# After sshd_start: SSHD_PORT, SSHD_USER, SSHD_DIR (config, keys, log:
# $SSHD_DIR/sshd.log), SSHD_HOST_PUB (the host key's public line),
# SSHD_CLIENT_KEY (the private key, also in $HOME/.ssh/id_ed25519).
# Never any address but 127.0.0.1.

SSHD_BIN="${SSHD_BIN:-/usr/sbin/sshd}"
SSHD_PID=""
SSHD_PORT=""
SSHD_USER=""
SSHD_DIR=""
SSHD_HOST_PUB=""
SSHD_CLIENT_KEY=""

# A port of 127.0.0.1 that nothing listens on now (the kernel's choice).
_sshd_free_port() {
    "${PYTHON:-python3}" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Adds a command to the current shell's EXIT trap, keeping what is there
# (common.bash's removal of the test's directory).
_sshd_add_exit_trap() {
    local add="$1" current=""
    local existing
    existing="$(trap -p EXIT)"
    if [[ -n "$existing" ]]; then
        eval "set -- $existing" # trap -- 'COMMAND' EXIT
        current="$3"
    fi
    # shellcheck disable=SC2064
    trap "$add${current:+; $current}" EXIT
}

# sshd_start [DIR]: DIR (default $T/sshd) holds everything of the server.
sshd_start() {
    SSHD_DIR="${1:-$T/sshd}"
    SSHD_USER="$(id -un)"
    if [[ ! -x "$SSHD_BIN" ]]; then
        echo "sshd_start: $SSHD_BIN not found (Debian: openssh-server)" >&2
        return 1
    fi
    if [[ "$(id -u)" -eq 0 && ! -d /run/sshd ]]; then
        # Its privilege-separation directory; the package makes it at boot.
        mkdir -p /run/sshd && chmod 0755 /run/sshd
    fi
    mkdir -p "$SSHD_DIR"
    chmod 700 "$SSHD_DIR"
    rm -f "$SSHD_DIR"/host_ed25519* "$SSHD_DIR"/client_ed25519*
    ssh-keygen -q -t ed25519 -N '' -C 'throw-away host key' -f "$SSHD_DIR/host_ed25519" </dev/null || return 1
    ssh-keygen -q -t ed25519 -N '' -C 'throw-away client key' -f "$SSHD_DIR/client_ed25519" </dev/null || return 1
    SSHD_HOST_PUB="$(cut -d' ' -f1,2 "$SSHD_DIR/host_ed25519.pub")"
    SSHD_CLIENT_KEY="$SSHD_DIR/client_ed25519"
    # shellcheck disable=SC2016 # $SSH_ORIGINAL_COMMAND is for sshd to expand
    printf 'restrict,command="git-shell -c \\"$SSH_ORIGINAL_COMMAND\\"" %s\n' \
        "$(cut -d' ' -f1,2 "$SSHD_DIR/client_ed25519.pub")" >"$SSHD_DIR/authorized_keys"

    local attempt
    for attempt in 1 2 3; do
        SSHD_PORT="$(_sshd_free_port)" || return 1
        cat >"$SSHD_DIR/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $SSHD_PORT
HostKey $SSHD_DIR/host_ed25519
PidFile $SSHD_DIR/sshd.pid
AuthorizedKeysFile $SSHD_DIR/authorized_keys
AllowUsers $SSHD_USER
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding no
AllowAgentForwarding no
X11Forwarding no
PermitTTY no
PermitUserEnvironment no
PrintMotd no
LogLevel VERBOSE
EOF
        : >"$SSHD_DIR/sshd.log"
        "$SSHD_BIN" -D -f "$SSHD_DIR/sshd_config" -E "$SSHD_DIR/sshd.log" </dev/null >/dev/null 2>&1 &
        SSHD_PID=$!
        if [[ "$attempt" -eq 1 ]]; then _sshd_add_exit_trap sshd_stop; fi
        local _
        for _ in $(seq 100); do
            if grep -q "Server listening on 127.0.0.1 port $SSHD_PORT" "$SSHD_DIR/sshd.log"; then
                _sshd_client_home
                return 0
            fi
            kill -0 "$SSHD_PID" 2>/dev/null || break
            sleep 0.1
        done
        sshd_stop
        # Another process took the port between the choice and the bind: again.
        grep -q "Address already in use" "$SSHD_DIR/sshd.log" || break
    done
    echo "sshd_start: sshd did not start; its log:" >&2
    sed 's/^/  /' "$SSHD_DIR/sshd.log" >&2
    return 1
}

# $HOME/.ssh: the server in known_hosts (as [127.0.0.1]:PORT, as ssh writes
# a port other than 22) and the client key as id_ed25519 (with its .pub).
_sshd_client_home() {
    mkdir -p "$HOME/.ssh"
    chmod 700 "$HOME/.ssh"
    printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$SSHD_HOST_PUB" >"$HOME/.ssh/known_hosts"
    cp "$SSHD_CLIENT_KEY" "$HOME/.ssh/id_ed25519"
    cp "$SSHD_CLIENT_KEY.pub" "$HOME/.ssh/id_ed25519.pub"
    chmod 600 "$HOME/.ssh/id_ed25519"
}

# Stops the server and any connection it still serves (its children: the
# processes it started), and waits for them. Safe to call twice.
sshd_stop() {
    [[ -n "$SSHD_PID" ]] || return 0
    local children
    children="$(ps -o pid= --ppid "$SSHD_PID" 2>/dev/null | tr -d ' ' | tr '\n' ' ')"
    kill "$SSHD_PID" 2>/dev/null
    # shellcheck disable=SC2086
    [[ -z "${children// /}" ]] || kill $children 2>/dev/null
    wait "$SSHD_PID" 2>/dev/null
    SSHD_PID=""
    return 0
}

# sshd_url PATH: the ssh:// URL of PATH (made absolute) on the server.
sshd_url() {
    local path="$1"
    [[ "$path" == /* ]] || path="$(pwd)/$path"
    printf 'ssh://%s@127.0.0.1:%s%s\n' "$SSHD_USER" "$SSHD_PORT" "$path"
}

# The ssh command plain git uses to reach the server: this known_hosts and
# this key only, no configuration file, no agent, no prompt.
sshd_git_ssh() {
    printf 'ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=%s -o IdentitiesOnly=yes -o IdentityAgent=none -i %s\n' \
        "$HOME/.ssh/known_hosts" "$SSHD_CLIENT_KEY"
}

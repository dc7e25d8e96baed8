# shellcheck shell=bash
# Shared helpers of the end-to-end suites in tests/e2e/*.sh.
#
# Sourced, never run: it lives outside the *.sh glob that CMake registers as
# tests. A suite is a list of functions named test_*; `run_tests` runs each
# one in a subshell of its own, with
#   - a fresh temporary directory $T (removed afterwards), the working
#     directory;
#   - HOME=$T/home holding a .gitconfig with a fictional identity
#     ("Test Coordinator" <coordinator@example.invalid>), GIT_CONFIG_NOSYSTEM=1,
#     no PREVENT_STORE and none of git's identity variables;
#   - umask 022, so that prevent's own file modes are what is tested.
# Every command is given --as-of, so nothing depends on today's date.
#
# A test fails when any assertion in it fails; the suite prints one line per
# test, the failing assertions, and `N passed, M failed` last. Exit status is
# non-zero when any test failed. `bash SUITE.sh PATTERN` runs only the tests
# whose names contain PATTERN; PREVENT=path/to/prevent picks the binary
# (default: build/cmd/prevent of the source tree).
#
# Stores made with new_store (no extra init options, or only --no-hook) are
# copies of one `prevent init` per suite: the same files and commit, without
# paying for init's fsyncs in every test. init.sh tests `prevent init` itself.
# init installs the pre-commit hook: a test that commits an invalid record
# by hand makes its store with `new_store DIR --no-hook`.
#
# Everyone named here is fictional; postcode districts are ZZ1..ZZ9.

set -u

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    echo "common.bash holds helpers for the e2e suites; it is not a suite" >&2
    exit 0
fi

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${PREVENT_SOURCE_DIR:=$(cd "$E2E_DIR/../.." && pwd)}"
: "${PREVENT:=$PREVENT_SOURCE_DIR/build/cmd/prevent}"
[[ "$PREVENT" == /* ]] || PREVENT="$(pwd)/$PREVENT"
export PREVENT PREVENT_SOURCE_DIR

# python3 for JSON checks, resolved once: a version manager's shim can cost
# half a second a call.
PYTHON="$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || command -v python3)"
export PYTHON

# "Today" for every command of the suites.
AS_OF=2026-11-27

# ---------------------------------------------------------------------------
# Running tests

_E2E_PASSED=0
_E2E_FAILED=0
_E2E_FAILED_NAMES=()
_E2E_SUITE_TMP=""

# Per test (inside its subshell).
_FAILS=0
T=""
RC=0
OUT=""
ERR=""
# Values of (P) fields used by the test; assert_no_personal_data looks for them.
PERSONAL=()

_setup_test_env() {
    T="$1"
    export HOME="$T/home"
    mkdir -p "$HOME" "$T/.cap" "$T/in"
    write_gitconfig "$HOME"
    export GIT_CONFIG_NOSYSTEM=1 XDG_CONFIG_HOME="$HOME/.config" TZ=UTC LC_ALL=C
    unset PREVENT_STORE PREVENT_LOCK_WAIT PREVENT_DEBUG PREVENT_IDENTITY PREVENT_PASSPHRASE PREVENT_NEW_PASSPHRASE
    unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_CEILING_DIRECTORIES
    unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL EMAIL
    unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE
    umask 022
    # The defaults of referral_flags and case_yaml, even when those run in a
    # pipeline's subshell.
    PERSONAL=("Zorvan Quillet" 2009-07-23 ZZ4 "Shared fictional extremist leaflets in the library"
        "Maribex Tundrell" 2008-03-19 ZZ7 "Fictional concern raised by a form tutor")
    OUT="$T/.cap/out"
    ERR="$T/.cap/err"
    : >"$OUT"
    : >"$ERR"
    cd "$T" || exit 99
}

write_gitconfig() {
    printf '[user]\n\tname = Test Coordinator\n\temail = coordinator@example.invalid\n' >"$1/.gitconfig"
}

# ---------------------------------------------------------------------------
# Sampling a sweep (slow sanitizer builds)
#
# A sweep runs the same check over many cases (every corpus file, every
# hostile value). `sampled EVERY SWEEP` is true for one case in EVERY of
# the sweep named SWEEP, counted in the order the cases come (per test),
# and always with EVERY 1 (the default: every case). Which one in EVERY
# is E2E_SAMPLE_OFFSET (mod EVERY, default 0): .ci/run sets it from the
# commit, so that successive runs try the other cases and over EVERY
# commits every case is tried; the same offset tries the same cases again.
# Each sweep is tallied; run_tests prints the tally last.
declare -A _SAMPLE_SEEN=()
sampled() { # sampled EVERY SWEEP
    local every="${1:-1}" sweep="$2" n
    n="${_SAMPLE_SEEN[$sweep]:-0}"
    _SAMPLE_SEEN[$sweep]=$((n + 1))
    if ((every <= 1)) || (((n + ${E2E_SAMPLE_OFFSET:-0}) % every == 0)); then
        [[ -z "$_E2E_SUITE_TMP" ]] || echo "$sweep 1" >>"$_E2E_SUITE_TMP/sampled"
        return 0
    fi
    [[ -z "$_E2E_SUITE_TMP" ]] || echo "$sweep 0" >>"$_E2E_SUITE_TMP/sampled"
    return 1
}

# Wall-clock milliseconds (bash 5's EPOCHREALTIME).
now_ms() {
    local t="${EPOCHREALTIME:-0}"
    t="${t/[.,]/}"
    echo $((10#$t / 1000))
}

_run_one() {
    local fn="$1" dir log status start secs
    start="$(now_ms)"
    dir="$(mktemp -d "${TMPDIR:-/tmp}/prevent-e2e.XXXXXX")"
    log="$(mktemp "${TMPDIR:-/tmp}/prevent-e2e-log.XXXXXX")"
    (
        trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
        _setup_test_env "$dir"
        "$fn"
        if [[ "$_FAILS" -gt 0 ]]; then exit 1; fi
        exit 0
    ) >"$log" 2>&1
    status=$?
    secs="$((($(now_ms) - start) / 10))"
    secs="$((secs / 100)).$(printf '%02d' $((secs % 100)))s"
    if [[ $status -eq 0 ]]; then
        _E2E_PASSED=$((_E2E_PASSED + 1))
        echo "ok     $fn ($secs)"
    else
        _E2E_FAILED=$((_E2E_FAILED + 1))
        _E2E_FAILED_NAMES+=("$fn")
        echo "FAILED $fn ($secs)"
        if [[ -s "$log" ]]; then
            sed 's/^/       /' "$log"
        else
            echo "       (the test stopped without a message: exit status $status)"
        fi
    fi
    rm -f "$log"
    rm -rf "$dir"
}

# run_tests [PATTERN]: every test_* function of the calling suite, in the
# order they are written.
run_tests() {
    local filter="${1:-}" fn suite="$0"
    local -a names=()
    mapfile -t names < <(grep -oE '^test_[A-Za-z0-9_]+' "$suite")
    if [[ ! -x "$PREVENT" ]]; then
        echo "prevent binary not found or not executable: $PREVENT" >&2
        echo "0 passed, 1 failed"
        exit 1
    fi
    _E2E_SUITE_TMP="$(mktemp -d "${TMPDIR:-/tmp}/prevent-e2e-suite.XXXXXX")"
    for fn in "${names[@]}"; do
        [[ -n "$filter" && "$fn" != *"$filter"* ]] && continue
        _run_one "$fn"
    done
    if [[ -s "$_E2E_SUITE_TMP/sampled" ]]; then
        awk -v off="${E2E_SAMPLE_OFFSET:-0}" '{ n[$1]++; t[$1] += $2 } END { for (s in n) if (t[s] < n[s])
            printf "sampled: %s: %d of %d cases (E2E_SAMPLE_OFFSET=%s)\n", s, t[s], n[s], off }' \
            "$_E2E_SUITE_TMP/sampled" | sort
    fi
    rm -rf "$_E2E_SUITE_TMP"
    if [[ $_E2E_FAILED -gt 0 ]]; then
        echo "failed tests of $(basename "$suite"):"
        printf '  %s\n' "${_E2E_FAILED_NAMES[@]}"
    fi
    echo "$_E2E_PASSED passed, $_E2E_FAILED failed"
    [[ $_E2E_FAILED -eq 0 ]]
}

# ---------------------------------------------------------------------------
# Running commands

prevent() { "$PREVENT" "$@"; }

# run CMD...: runs with stdin from /dev/null; stdout to $OUT, stderr to $ERR,
# exit status in $RC.
run() {
    "$@" >"$OUT" 2>"$ERR" </dev/null
    RC=$?
}

# run_stdin FILE CMD...: as run, with stdin from FILE.
run_stdin() {
    local input="$1"
    shift
    "$@" >"$OUT" 2>"$ERR" <"$input"
    RC=$?
}

# run_in DIR CMD...: as run, in directory DIR.
run_in() {
    local dir="$1"
    shift
    (cd "$dir" && exec "$@") >"$OUT" 2>"$ERR" </dev/null
    RC=$?
}

stdout() { cat "$OUT"; }
stderr() { cat "$ERR"; }

# ---------------------------------------------------------------------------
# Assertions

fail() {
    _FAILS=$((_FAILS + 1))
    printf 'FAIL: %s\n' "$*"
}

_excerpt() { # the start of a text, indented, for failure messages
    local text="${1:0:800}"
    [[ ${#1} -gt 800 ]] && text+="…"
    printf '%s\n' "$text" | sed 's/^/         | /'
}

_show() { # a file's start, for failure messages
    if [[ -s "$1" ]]; then _excerpt "$(cat "$1")"; else echo "         | (empty)"; fi
}

assert_rc() { # assert_rc CODE [CONTEXT]
    if [[ "$RC" -ne "$1" ]]; then
        fail "exit code: expected $1, got $RC${2:+ ($2)}"
        echo "       stderr:"
        _show "$ERR"
        echo "       stdout:"
        _show "$OUT"
    fi
}

assert_rc_nonzero() {
    [[ "$RC" -ne 0 ]] || fail "expected a non-zero exit code, got 0${1:+ ($1)}"
}

assert_eq() { # assert_eq ACTUAL EXPECTED [WHAT]
    if [[ "$1" != "$2" ]]; then
        fail "${3:-value}: expected [$2], got [$1]"
    fi
}

assert_contains() { # assert_contains TEXT NEEDLE [WHAT]
    if [[ "$1" != *"$2"* ]]; then
        fail "${3:-text} does not contain [$2]"
        _excerpt "$1"
    fi
}

assert_not_contains() { # assert_not_contains TEXT NEEDLE [WHAT]
    if [[ "$1" == *"$2"* ]]; then
        fail "${3:-text} contains [$2] but must not"
    fi
}

assert_matches() { # assert_matches TEXT ERE [WHAT]
    if ! printf '%s' "$1" | grep -Eq -- "$2"; then
        fail "${3:-text} does not match /$2/"
        _excerpt "$1"
    fi
}

assert_stdout_eq() { assert_eq "$(cat "$OUT")" "$1" "stdout"; }
assert_stdout_contains() { assert_contains "$(cat "$OUT")" "$1" "stdout"; }
assert_stderr_contains() { assert_contains "$(cat "$ERR")" "$1" "stderr"; }
assert_stderr_not_contains() { assert_not_contains "$(cat "$ERR")" "$1" "stderr"; }
assert_stderr_matches() { assert_matches "$(cat "$ERR")" "$1" "stderr"; }

assert_stdout_empty() {
    [[ ! -s "$OUT" ]] || { fail "stdout should be empty"; _show "$OUT"; }
}
assert_stderr_empty() {
    [[ ! -s "$ERR" ]] || { fail "stderr should be empty"; _show "$ERR"; }
}

# `check` notes a plain store on stderr (docs/encryption.md; init.sh and
# check.sh test the note itself). Tests about something else set it aside.
drop_plain_store_note() { sed -i '/^prevent: note: this store is plain: /d' "$ERR"; }

# The error shape of SPEC §6: exactly one line `prevent: …`, optionally
# followed by one `hint: …` line, and nothing else.
assert_one_error_line() {
    local n first second
    n="$(wc -l <"$ERR")"
    first="$(sed -n 1p "$ERR")"
    second="$(sed -n 2p "$ERR")"
    if [[ "$n" -lt 1 || "$n" -gt 2 || "$first" != "prevent: "* ]] ||
        [[ "$n" -eq 2 && "$second" != "hint: "* ]] ||
        [[ -n "$(tail -c 1 "$ERR")" ]]; then
        fail "stderr should be one 'prevent: ' line and at most one 'hint: ' line"
        _show "$ERR"
    fi
}

# A hint line is present and contains NEEDLE.
assert_hint_contains() {
    local hint
    hint="$(grep '^hint: ' "$ERR" || true)"
    if [[ -z "$hint" ]]; then
        fail "stderr has no 'hint: ' line (expected one containing [$1])"
        _show "$ERR"
    else
        assert_contains "$hint" "$1" "hint"
    fi
}

# Several bad import records: N `prevent: ` lines (one per record) and a
# summary, nothing but `prevent: ` and `hint: ` lines.
assert_error_lines() { # assert_error_lines N_RECORDS
    local lines other
    lines="$(grep -c '^prevent: ' "$ERR")"
    other="$(grep -vc -e '^prevent: ' -e '^hint: ' "$ERR")"
    # One bad record may be reported alone, without a summary.
    if [[ "$1" -ne 1 || "$lines" -ne 1 ]]; then
        assert_eq "$lines" "$(($1 + 1))" "number of 'prevent: ' lines on stderr ($1 records + summary)"
    fi
    assert_eq "$other" "0" "stderr lines that are neither 'prevent: ' nor 'hint: '"
}

# The text reports LINE of FILE (`FILE:LINE`, not a longer number). The
# record's first line or the `---` line before it are both accepted.
assert_reports_line() { # assert_reports_line TEXT FILE LINE
    # A record is named by its first line, its `---` marker, or the line of
    # the offending key inside it (up to 5 lines on).
    local file_re="${2//./\\.}" alts="" n
    for ((n = $3 - 1; n <= $3 + 5; n++)); do alts+="${alts:+|}$n"; done
    if ! printf '%s' "$1" | grep -Eq -- "${file_re}:($alts)([^0-9]|\$)"; then
        fail "the report does not name ${2}:$3"
        _excerpt "$1"
    fi
}

assert_file_exists() { [[ -f "$1" ]] || fail "file does not exist: $1"; }
assert_no_file() { [[ ! -e "$1" ]] || fail "should not exist: $1"; }
assert_mode() { # assert_mode PATH OCTAL
    local m
    m="$(stat -c %a "$1" 2>/dev/null)"
    assert_eq "$m" "$2" "mode of ${1#"$T"/}"
}

# None of the test's personal values (PERSONAL) appear in TEXT. A value of
# six characters or more is looked for anywhere; a shorter one (a postcode
# district such as ZZ4) only as a whole token, not inside a longer run of
# [A-Za-z0-9_+/=-]: a ciphertext (base64url, enc:v1:…) or an SSH key's
# fingerprint (base64, SHA256:…) holds any three characters by chance, and
# found there they would fail the test at random.
assert_no_personal_data() {
    local found v long=() short=()
    for v in "${PERSONAL[@]}"; do
        [[ "$v" =~ ^[[:space:]]*$ ]] && continue
        if ((${#v} >= 6)); then long+=("$v"); else short+=("$v"); fi
    done
    found="$(
        {
            ((${#long[@]})) && printf '%s' "$1" | grep -aFio -f <(printf '%s\n' "${long[@]}")
            for v in "${short[@]}"; do
                printf '%s' "$1" |
                    grep -aiE -- "(^|[^A-Za-z0-9_+/=-])$(printf '%s' "$v" | sed 's/[][\\.^$*+?(){}|/]/\\&/g')([^A-Za-z0-9_+/=-]|\$)" >/dev/null &&
                    printf '%s\n' "$v"
            done
        } | sort -u | head -5 | tr '\n' '|'
    )"
    [[ -z "$found" ]] || fail "${2:-output} contains personal data [${found%|}]"
}

# copy_example_store DIR: the bundled example store
# (examples/build-example-store), built once per suite (it replays some 340
# commands) and copied to DIR. The copy drops the side files (caches keyed
# to the user who wrote them, rebuilt when needed): each test has a HOME of
# its own. PREVENT_EXAMPLE_STORE names one built already, to save the build
# when running suites by hand.
copy_example_store() {
    local built="${PREVENT_EXAMPLE_STORE:-$_E2E_SUITE_TMP/example-store}"
    if [[ ! -d "$built" ]]; then
        if ! env PREVENT="$PREVENT" bash "$PREVENT_SOURCE_DIR/examples/build-example-store" "$built.tmp" \
            >"$T/build-example-store.out" 2>"$T/build-example-store.err"; then
            fail "build-example-store failed"
            _show "$T/build-example-store.err"
            return 1
        fi
        mv "$built.tmp" "$built"
    fi
    cp -a "$built" "$1"
    rm -rf "$1/.git/prevent/cases-v1" "$1/.git/prevent/log-v1" "$1/.git/prevent/people-v2"
}

# The distinctive (P) values of examples/cases.yaml (the bundled example
# store): names, dates of birth and free texts, as PERSONAL.
example_personal_values() {
    PERSONAL=()
    local line
    while IFS= read -r line; do
        PERSONAL+=("$line")
    done < <(sed -nE 's/^ +(name|date_of_birth|summary|rationale|notes|text): +//p' "$PREVENT_SOURCE_DIR/examples/cases.yaml" |
        sed -E 's/^"(.*)"$/\1/' | sort -u)
}

# ---------------------------------------------------------------------------
# Stores

# new_store DIR [INIT ARGS…]: a store for the fictional "Example Borough",
# made by `prevent init --as-of $AS_OF`. Without INIT ARGS the suite's first
# such store is kept as a template and later ones are copies of it (cp -a):
# the same bytes and commit as a fresh init, without its fsyncs. The init
# suite tests `prevent init` itself.
#
# The store is plain (--plain), unless E2E_ENCRYPTED=1: then it is
# encrypted, readable by a throw-away ssh-ed25519 key made once per suite
# (ssh-keygen, no passphrase), and PREVENT_IDENTITY names that key, so a
# whole suite can run on an encrypted store. INIT ARGS that give
# --recipient or --plain themselves are left as they are.
new_store() {
    local dir="$1"
    shift
    local kind=(--plain) a
    if [[ "${E2E_ENCRYPTED:-}" == 1 ]]; then
        local keydir="${_E2E_SUITE_TMP:-$T}"
        if [[ ! -f "$keydir/e2e-identity" ]]; then
            ssh-keygen -q -t ed25519 -N "" -C "e2e-throwaway" -f "$keydir/e2e-identity" >/dev/null ||
                { fail "ssh-keygen failed"; return; }
        fi
        export PREVENT_IDENTITY="$keydir/e2e-identity"
        kind=(--recipient "$keydir/e2e-identity.pub" --recipient-name e2e)
    fi
    for a in "$@"; do
        [[ "$a" == --plain || "$a" == --recipient || "$a" == --recipient=* ]] && kind=()
    done
    # Copies of one init per suite: with the pre-commit hook that init
    # installs, or without it (--no-hook: for tests that commit an invalid
    # record by hand, which the hook would refuse).
    if [[ ($# -eq 0 || ($# -eq 1 && "$1" == --no-hook)) && -n "${_E2E_SUITE_TMP:-}" ]]; then
        # One template per kind: a plain store's copy is never handed out
        # as an encrypted one, nor the other way round.
        local tpl="$_E2E_SUITE_TMP/template-store${1:-}${E2E_ENCRYPTED:+-encrypted}"
        if [[ ! -d "$tpl" ]]; then
            prevent init "$tpl.tmp" --area "Example Borough" --as-of "$AS_OF" -q "${kind[@]}" "$@" >/dev/null 2>"$T/.cap/init.err" ||
                { fail "prevent init failed"; _show "$T/.cap/init.err"; return; }
            mv "$tpl.tmp" "$tpl"
        fi
        mkdir -p "$(dirname "$dir")"
        cp -a "$tpl" "$dir" || fail "copying the template store failed"
        return
    fi
    prevent init "$dir" --area "Example Borough" --as-of "$AS_OF" -q "${kind[@]}" "$@" >/dev/null 2>"$T/.cap/init.err" ||
        { fail "prevent init $dir failed"; _show "$T/.cap/init.err"; }
}

# meeting_editor SED-EXPR: $EDITOR for `prevent edit --meeting`, a script
# that runs the sed expression on the editing file.
meeting_editor() {
    printf '#!/bin/sh\nexec sed -i -e '"'"'%s'"'"' "$1"\n' "$1" >"$T/meeting-editor"
    chmod +x "$T/meeting-editor"
    export EDITOR="$T/meeting-editor"
    unset VISUAL
}

git_in() { git -C "$1" "${@:2}"; }
head_of() { git -C "$1" rev-parse HEAD 2>/dev/null; }
commit_count() { git -C "$1" rev-list --count HEAD 2>/dev/null; }

# Everything a failed command must leave as it was: HEAD, the number of
# commits, the status, the index, and every file outside .git.
snapshot() {
    local dir="$1"
    [[ -d "$dir" ]] || { echo "(no directory)"; return; }
    (
        cd "$dir" || exit
        git rev-parse HEAD 2>&1
        git rev-list --count HEAD 2>&1
        git status --porcelain --untracked-files=all 2>&1
        git ls-files --stage 2>&1
        find . -path ./.git -prune -o -print | LC_ALL=C sort
        find . -path ./.git -prune -o -type f -exec sha256sum {} + | LC_ALL=C sort -k2
    )
}

assert_clean() { # git status --porcelain is empty
    local s
    s="$(git -C "$1" status --porcelain --untracked-files=all 2>&1)"
    [[ -z "$s" ]] || { fail "git status is not clean in ${1#"$T"/}"; printf '%s\n' "$s" | sed 's/^/         | /'; }
}

# expect_refusal CODE STORE CMD...: the command fails with CODE, one error
# line (and a hint at most), nothing on stdout, no personal data on stderr,
# and STORE exactly as it was.
expect_refusal() {
    local code="$1" store="$2" before after
    shift 2
    before="$(snapshot "$store")"
    run "$@"
    assert_rc "$code" "$*"
    assert_one_error_line
    assert_stdout_empty
    assert_no_personal_data "$(cat "$ERR")" "stderr"
    after="$(snapshot "$store")"
    if [[ "$before" != "$after" ]]; then
        fail "the store changed although the command failed: $*"
        diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | head -20 | sed 's/^/         | /'
    fi
}

# As expect_refusal, for an import with several bad records: one `prevent: `
# line per bad record plus a summary.
expect_import_refusal() { # expect_import_refusal CODE N_BAD STORE CMD...
    local code="$1" nbad="$2" store="$3" before after
    shift 3
    before="$(snapshot "$store")"
    run "$@"
    assert_rc "$code" "$*"
    assert_error_lines "$nbad"
    assert_stdout_empty
    assert_no_personal_data "$(cat "$ERR")" "stderr"
    after="$(snapshot "$store")"
    if [[ "$before" != "$after" ]]; then
        fail "the store changed although the import failed"
        diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | head -20 | sed 's/^/         | /'
    fi
}

# ---------------------------------------------------------------------------
# Referrals

# referral_flags [FLAG=VALUE]…: sets REFER_FLAGS to a complete set of
# `prevent refer` flags for a fictional referral, with the given flags
# replaced (FLAG without the leading --; an empty VALUE leaves the flag out).
# The (P) values are added to PERSONAL.
REFER_FLAGS=()
referral_flags() {
    local -A f=(
        [received]=2026-11-03
        [route]=email
        [from-area]=""
        [sector]=education
        [agency]="Example Academy"
        [referrer-role]="Designated Safeguarding Lead"
        [name]="Zorvan Quillet"
        [dob]=2009-07-23
        [gender]=male
        [postcode-district]=ZZ4
        [concern]=extreme-right-wing
        [summary]="Shared fictional extremist leaflets in the library"
    )
    local kv k
    for kv in "$@"; do
        k="${kv%%=*}"
        f[$k]="${kv#*=}"
    done
    REFER_FLAGS=()
    for k in received route from-area sector agency referrer-role name dob gender postcode-district concern summary; do
        [[ -n "${f[$k]}" ]] && REFER_FLAGS+=("--$k" "${f[$k]}")
    done
    for k in "${!f[@]}"; do
        case "$k" in
            received | route | from-area | sector | agency | referrer-role | name | dob | gender | postcode-district | concern | summary) ;;
            *) REFER_FLAGS+=("--$k" "${f[$k]}") ;; # an extra flag, e.g. bogus=1
        esac
    done
    PERSONAL+=("${f[name]}" "${f[dob]}" "${f[postcode-district]}" "${f[summary]}")
}

# refer_ok STORE [FLAG=VALUE]…: records a referral; the new ID in $ID.
ID=""
refer_ok() {
    local store="$1"
    shift
    referral_flags "$@"
    run prevent -C "$store" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    if [[ $RC -ne 0 ]]; then
        fail "prevent refer failed (exit $RC)"
        _show "$ERR"
    fi
    # shellcheck disable=SC2034 # ID is read by the suites
    ID="$(cat "$OUT")"
}

# case_yaml [KEY=VALUE]…: a referral-only case document on stdout. Keys:
# id, received, route, sector, agency, role, name, dob, gender, postcode,
# concern, summary (empty dob/postcode/id leave the key out). (P) values are
# added to PERSONAL — call it directly, not in a $(…) subshell, for that.
case_yaml() {
    local -A f=(
        [id]=""
        [received]=2026-11-03
        [route]=email
        [sector]=education
        [agency]="Example Academy"
        [role]="Designated Safeguarding Lead"
        [name]="Maribex Tundrell"
        [dob]=2008-03-19
        [gender]=female
        [postcode]=ZZ7
        [concern]=islamist
        [summary]="Fictional concern raised by a form tutor"
    )
    local kv
    for kv in "$@"; do f[${kv%%=*}]="${kv#*=}"; done
    [[ -n "${f[id]}" ]] && echo "id: ${f[id]}"
    echo "referral:"
    echo "  received: ${f[received]}"
    echo "  route: ${f[route]}"
    echo "  source:"
    echo "    sector: ${f[sector]}"
    echo "    agency: ${f[agency]}"
    echo "    referrer_role: ${f[role]}"
    echo "  subject:"
    echo "    name: ${f[name]}"
    [[ -n "${f[dob]}" ]] && echo "    date_of_birth: ${f[dob]}"
    echo "    gender: ${f[gender]}"
    [[ -n "${f[postcode]}" ]] && echo "    postcode_district: ${f[postcode]}"
    echo "  concern:"
    echo "    type: ${f[concern]}"
    echo "    summary: ${f[summary]}"
    PERSONAL+=("${f[name]}" "${f[dob]}" "${f[postcode]}" "${f[summary]}")
}

# A meeting with a chair and a police representative.
meeting_ok() { # meeting_ok STORE DATE [EXTRA ARGS…]
    local store="$1" date="$2"
    shift 2
    run prevent -C "$store" panel new "$date" --as-of "$AS_OF" \
        --chair "Prevent Lead@Example Borough Council" \
        --police "Detective Sergeant@Example Constabulary" "$@"
    [[ $RC -eq 0 ]] || { fail "prevent panel new $date failed (exit $RC)"; _show "$ERR"; }
}

# JSON helper: python3 evaluates EXPR with `d` bound to the JSON on stdin.
json_eval() { # json_eval EXPR < json
    "$PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# A case's field through `prevent show --format json`.
case_field() { # case_field STORE ID PYTHON-EXPR
    prevent -C "$1" show "$2" --format json --as-of "$AS_OF" 2>/dev/null | json_eval "$3"
}

# Trailer values of HEAD's commit for KEY, one per line.
head_trailers() { # head_trailers STORE KEY
    git -C "$1" log -1 --format="%(trailers:key=$2,valueonly,unfold)" | sed '/^$/d'
}

# ---------------------------------------------------------------------------
# The Channel workflow (journeys.sh, rules.sh, review_due.sh)

# cached_store DIR NAME BUILDER: DIR becomes a copy (cp -a) of a store that
# the function BUILDER builds once per suite (called as BUILDER TARGET-DIR,
# inside the first test that asks for NAME). Later tests pay for a copy only.
cached_store() {
    local dir="$1" name="$2" builder="$3" tpl
    if [[ -z "${_E2E_SUITE_TMP:-}" ]]; then
        "$builder" "$dir"
        return
    fi
    tpl="$_E2E_SUITE_TMP/cache-$name"
    if [[ ! -d "$tpl" ]]; then
        local before="$_FAILS"
        rm -rf "$tpl.tmp"
        "$builder" "$tpl.tmp"
        if [[ "$_FAILS" -ne "$before" ]]; then
            fail "building the suite's $name store failed"
            return
        fi
        # One pack instead of hundreds of loose objects: copies are 3x faster
        # on a busy disk, and git (and prevent) read packs as they read
        # loose objects.
        git -C "$tpl.tmp" repack -adq && git -C "$tpl.tmp" prune-packed ||
            fail "git repack of the $name store failed"
        # The side files in .git/prevent are keyed by the user's own key
        # (docs/store.md); the copies are made in other tests' homes, so
        # they get the key they were written under, as one user's stores do.
        if [[ -f "$(side_file_key)" ]]; then cp -a "$(side_file_key)" "$tpl.key"; fi
        mv "$tpl.tmp" "$tpl"
    fi
    if [[ -f "$tpl.key" && ! -e "$(side_file_key)" ]]; then
        mkdir -p "$(dirname "$(side_file_key)")" && cp -a "$tpl.key" "$(side_file_key)"
    fi
    mkdir -p "$(dirname "$dir")"
    cp -a "$tpl" "$dir" || fail "copying the $name store failed"
}

# The file holding this user's key for the side files of .git/prevent.
side_file_key() { printf '%s\n' "${XDG_STATE_HOME:-$HOME/.local/state}/prevent/side-file-key"; }

# pv STORE AS-OF ARGS…: `prevent -C STORE --as-of AS-OF ARGS…` through run.
pv() {
    local store="$1" as_of="$2"
    shift 2
    run prevent -C "$store" --as-of "$as_of" "$@"
}

# pv_ok STORE AS-OF ARGS…: as pv; the command must succeed (set-up steps).
pv_ok() {
    pv "$@"
    if [[ "$RC" -ne 0 ]]; then
        fail "prevent ${*:3} (as of $2) failed with exit $RC"
        _show "$ERR"
    fi
}

# A case's derived stage, from the `stage:` line of `prevent show`.
stage_in_show() { # stage_in_show STORE ID [AS-OF]
    local text line
    text="$(prevent -C "$1" show "$2" --as-of "${3:-$AS_OF}" 2>/dev/null)"
    while IFS= read -r line; do
        [[ "$line" == "stage: "* ]] && { printf '%s\n' "${line#stage: }"; return; }
    done <<<"$text"
}

# A case's stage column in `prevent list --format csv`.
stage_in_list() { # stage_in_list STORE ID [AS-OF]
    local text line
    text="$(prevent -C "$1" list --format csv --as-of "${3:-$AS_OF}" 2>/dev/null)"
    while IFS= read -r line; do
        line="${line%$'\r'}"
        if [[ "$line" == "$2,"* ]]; then
            line="${line#"$2",}"
            printf '%s\n' "${line%%,*}"
            return
        fi
    done <<<"$text"
}

# assert_stage STORE ID STAGE [AS-OF]: both `show` and `list --format csv`
# give STAGE.
assert_stage() {
    assert_eq "$(stage_in_show "$1" "$2" "${4:-$AS_OF}")" "$3" "stage of $2 in prevent show"
    assert_eq "$(stage_in_list "$1" "$2" "${4:-$AS_OF}")" "$3" "stage of $2 in prevent list --format csv"
}

# write_step STORE AS-OF ACTION CASE ARGS…: runs `prevent -C STORE --as-of
# AS-OF ARGS…`, which must succeed with exactly one new commit (whose parent
# is the HEAD before) by the test identity, subject `<action>: <ID or date>
# <what>` (SPEC §8), Prevent-Action ACTION and Prevent-Case trailers CASE
# (several IDs: space-separated, in order; "-" for none), no personal data in
# its message, and git status clean.
write_step() {
    local store="$1" as_of="$2" action="$3" cases="$4" before log parent got_action got_cases body found want
    shift 4
    before="$(git -C "$store" rev-parse HEAD)"
    pv "$store" "$as_of" "$@"
    if [[ "$RC" -ne 0 ]]; then
        fail "prevent $* (as of $as_of) failed with exit $RC"
        _show "$ERR"
        return
    fi
    log="$(git -C "$store" log -1 --format='%P%x1f%an <%ae>%x1f%cn <%ce>%x1f%s%x1f%(trailers:key=Prevent-Action,valueonly,separator=%x20)%x1f%(trailers:key=Prevent-Case,valueonly,separator=%x20)%x1f%B')"
    local author committer subject
    IFS=$'\x1f' read -r -d '' parent author committer subject got_action got_cases body <<<"$log"
    assert_eq "$parent" "$before" "parent of the commit of prevent $* (one new commit)"
    assert_eq "$author" "Test Coordinator <coordinator@example.invalid>" "author of the commit of prevent $*"
    assert_eq "$committer" "Test Coordinator <coordinator@example.invalid>" "committer of the commit of prevent $*"
    # SPEC §8: `<action>: <ID or date> <what>`.
    [[ "$subject" =~ ^${action//-/ }:\ ([A-Z]+-[0-9]{4}-[0-9]{4,}|[0-9]{4}-[0-9]{2}-[0-9]{2})(\ |$) ]] ||
        fail "commit subject of prevent $*: [$subject] is not '${action//-/ }: <ID or date> <what>'"
    assert_eq "$got_action" "$action" "Prevent-Action of prevent $*"
    want="$cases"
    [[ "$cases" == "-" ]] && want=""
    assert_eq "$got_cases" "$want" "Prevent-Case of prevent $*"
    if found="$(personal_in "$body")"; then fail "the commit message of prevent $* contains personal data [$found]"; fi
    # Nor does the line that confirms it on stderr.
    assert_no_personal_data "$(cat "$ERR")" "stderr of prevent $*"
    assert_clean "$store"
}

# The case file of ID (cases/YYYY/ID.yaml) in STORE.
case_file() { # case_file STORE ID
    local y="${2#*-}"
    echo "$1/cases/${y%%-*}/$2.yaml"
}

# `prevent review due` as CSV with LF line ends (the renderer writes CRLF;
# the suites check the bytes separately).
due_csv() { # due_csv STORE AS-OF [ARGS…]
    local store="$1" as_of="$2"
    shift 2
    prevent -C "$store" review due --format csv --as-of "$as_of" "$@" 2>&1 | tr -d '\r'
}

# quick_snapshot DIR: HEAD and every difference of the index and the working
# tree from it (changed, staged, untracked and ignored files) in one git call.
# For a store that is clean before a command, "the same quick snapshot after"
# means the same HEAD, commit count, status, index and files outside .git.
quick_snapshot() {
    git -C "$1" status --porcelain=v2 --branch --untracked-files=all --ignored=matching 2>&1
}

# The first personal value (PERSONAL) found in TEXT, case-insensitively;
# status 1 when there is none. Bash only: no processes.
personal_in() {
    local text="${1,,}" p
    for p in "${PERSONAL[@]}"; do
        [[ -n "${p//[[:space:]]/}" && "$text" == *"${p,,}"* ]] && { printf '%s' "$p"; return 0; }
    done
    return 1
}

# expect_refused CODE STORE CMD...: as expect_refusal (exit CODE, one
# `prevent: ` line and at most one `hint: ` line, nothing on stdout, no
# personal data on stderr, the store as it was), with quick_snapshot and bash
# built-ins, for suites that check hundreds of refusals.
expect_refused() {
    local code="$1" store="$2" before after raw found
    shift 2
    before="$(quick_snapshot "$store")"
    [[ "$before" == "# branch.oid "* ]] || { fail "git status of ${store#"$T"/} failed"; _excerpt "$before"; }
    run "$@"
    assert_rc "$code" "$*"
    raw=""
    IFS= read -r -d '' raw <"$ERR"
    local -a lines=()
    mapfile -t lines <"$ERR"
    if [[ ${#lines[@]} -lt 1 || ${#lines[@]} -gt 2 || "${lines[0]}" != "prevent: "* || "${raw: -1}" != $'\n' ]] ||
        [[ ${#lines[@]} -eq 2 && "${lines[1]}" != "hint: "* ]]; then
        fail "stderr should be one 'prevent: ' line and at most one 'hint: ' line ($*)"
        _show "$ERR"
    fi
    [[ ! -s "$OUT" ]] || { fail "stdout should be empty ($*)"; _show "$OUT"; }
    if found="$(personal_in "$raw")"; then fail "stderr contains personal data [$found] ($*)"; fi
    after="$(quick_snapshot "$store")"
    if [[ "$before" != "$after" ]]; then
        fail "the store changed although the command failed: $*"
        diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | head -20 | sed 's/^/         | /'
    fi
}

# ---------------------------------------------------------------------------
# A store whose own .git/config names programs (trust_config.sh, hostile.sh)

# marker_program DIR NAME: an executable DIR/bin/NAME that leaves $T/ran-NAME
# and fails; its path on stdout.
marker_program() {
    mkdir -p "$1/bin"
    printf '#!/bin/sh\ntouch "%s/ran-%s"\nexit 1\n' "$T" "$2" >"$1/bin/$2"
    chmod 755 "$1/bin/$2"
    printf '%s' "$1/bin/$2"
}

# hostile_git_config STORE DIR: every key of STORE's .git/config that names
# a program (or a hooks directory) points at a marker program in DIR/bin (or
# hooks in DIR/hooks), each of which would leave $T/ran-NAME. A commit
# carries a junk openpgp signature, which is enough for `check signatures`
# to run a verifier, and commit.gpgsign asks writes to sign.
hostile_git_config() {
    local s="$1" dir="$2" tree parent when body id k
    # First the commit with a junk gpgsig header and a .gitattributes that
    # names the filter and the textconv, made with git before any of the
    # configuration below exists (git itself would run it). It is dated as
    # its parent, so that nothing but its signature is amiss.
    printf '* filter=x diff=x\n' >"$s/.gitattributes"
    git -C "$s" add .gitattributes
    tree="$(git -C "$s" write-tree)"
    parent="$(git -C "$s" rev-parse HEAD)"
    when="$(git -C "$s" log -1 --format=%ct HEAD)"
    body="$(printf 'tree %s\nparent %s\nauthor Test Coordinator <coordinator@example.invalid> %s +0000\ncommitter Test Coordinator <coordinator@example.invalid> %s +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n junk\n -----END PGP SIGNATURE-----\n\nAdd attributes by hand\n' "$tree" "$parent" "$when" "$when")"
    id="$(printf '%s\n' "$body" | git -C "$s" hash-object -t commit -w --stdin)"
    git -C "$s" update-ref HEAD "$id"
    for k in gpg.program gpg.openpgp.program gpg.ssh.program gpg.x509.program gpg.ssh.defaultKeyCommand \
        core.fsmonitor core.sshCommand core.pager core.editor credential.helper diff.x.textconv \
        filter.x.clean filter.x.smudge filter.x.process sequence.editor; do
        git -C "$s" config "$k" "$(marker_program "$dir" "${k//./-}")"
    done
    mkdir -p "$dir/hooks"
    for k in pre-commit post-commit commit-msg post-checkout reference-transaction fsmonitor-watchman; do
        printf '#!/bin/sh\ntouch "%s/ran-hook-%s"\n' "$T" "$k" >"$dir/hooks/$k"
        chmod 755 "$dir/hooks/$k"
        cp "$dir/hooks/$k" "$s/.git/hooks/$k"
    done
    git -C "$s" config core.hooksPath "$dir/hooks"
    git -C "$s" config commit.gpgsign true
}

# assert_nothing_ran WHAT: no program of hostile_git_config left its marker.
assert_nothing_ran() {
    local ran
    ran="$(cd "$T" && ls -d ran-* 2>/dev/null)"
    [[ -z "$ran" ]] || fail "a program named by the store's .git/config ran ($1): $ran"
}

#!/usr/bin/env bash
# Hostile objects and side files (docs/hardening.md, "Objects and side files"):
# a forged record cache, a compression bomb, a submodule or a directory at a
# case record's path, a second copy of a case under another name, and a
# record whose file name is not its ID. For each, the exact outcome of
# `list`, `report`, `review due`, `show` and `check`: readers never take a
# forged side file, never inflate an object larger than any file of a store,
# report what is not a case as unreadable (exit 5, `--partial`) and carry on,
# and `check` reports each as the finding it is.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
FORGE="$E2E_DIR/lib/forge_cache.py"

LIST_HEADER="id             stage            received    sector     concern             next_due"
ROW1="PRV-2026-0001  awaiting-triage  2026-11-03  education  extreme-right-wing  2026-11-10"
ROW2="PRV-2026-0002  awaiting-triage  2026-11-04  health     islamist            2026-11-11"
DUE_HEADER="id             stage            item    due         days_overdue"
DUE1="PRV-2026-0001  awaiting-triage  triage  2026-11-10  17"
DUE2="PRV-2026-0002  awaiting-triage  triage  2026-11-11  16"

# Two cases, in a store without the pre-commit hook (the hostile files are
# committed by hand, as someone working around prevent would).
setup() {
    S="$T/store"
    new_store "$S" --no-hook
    refer_ok "$S"
    refer_ok "$S" received=2026-11-04 sector=health agency="Example Surgery" referrer-role="GP" \
        name="Maribex Tundrell" dob=2008-03-19 gender=female postcode-district=ZZ7 concern=islamist \
        summary="Fictional concern raised by a form tutor"
}

hand_commit() { # hand_commit MESSAGE: commits what is staged, as git would
    git -C "$S" commit -qm "$1" || fail "git commit failed"
}

# The summary lines of readers that met N files that are not cases.
left_out() { # left_out N
    if [[ "$1" == 1 ]]; then
        printf 'prevent: 1 case file could not be read and is left out (store)\nhint: `prevent check` lists every problem'
    else
        printf 'prevent: %s case files could not be read and are left out (store)\nhint: `prevent check` lists every problem' "$1"
    fi
}
withheld() { # withheld N
    local s=s
    [[ "$1" == 1 ]] && s=""
    printf 'prevent: %s case file%s could not be read: nothing is printed, as the output would be incomplete (store)\nhint: `prevent check` lists every problem; --partial prints what could be read' "$1" "$s"
}

# Every reader on a store with one file that is not a case: exact exit
# codes, stdout and stderr (LINE: the line naming the file).
readers_left_out() { # readers_left_out LINE
    local line="$1"
    pv "$S" "$AS_OF" list
    assert_rc 5 "list"
    assert_stdout_eq "$LIST_HEADER
$ROW1
$ROW2"
    assert_eq "$(stderr)" "prevent: $line
$(left_out 1)" "stderr of list"

    pv "$S" "$AS_OF" review due
    assert_rc 5 "review due"
    assert_stdout_empty
    assert_eq "$(stderr)" "prevent: $line
$(withheld 1)" "stderr of review due"

    pv "$S" "$AS_OF" review due --partial
    assert_rc 5 "review due --partial"
    assert_stdout_eq "$DUE_HEADER
$DUE1
$DUE2"

    pv "$S" "$AS_OF" report --period 2026-11 --format csv
    assert_rc 5 "report"
    assert_stdout_empty
    assert_eq "$(stderr)" "prevent: $line
$(withheld 1)" "stderr of report"

    pv "$S" "$AS_OF" report --period 2026-11 --format csv --partial --suppress 0
    assert_rc 5 "report --partial"
    assert_contains "$(stdout)" "referrals,total,2" "report --partial"

    pv "$S" "$AS_OF" show PRV-2026-0001
    assert_rc 0 "show of a good case"
    assert_stderr_empty
}

# `check`: exit 5, the finding on stdout, and the other checks still run.
check_finds() { # check_finds LINE
    pv "$S" "$AS_OF" check
    assert_rc 5 "check"
    assert_contains "$(stdout)" "error [records] $1" "check"
    pv "$S" "$AS_OF" check records
    assert_rc 5 "check records"
    assert_stdout_eq "error [records] $1"
}

# ---------------------------------------------------------------- forged cache

# The record cache's entry for PRV-2026-0001 changed from education to
# probation, its checksum recomputed as prevent's once was (no key needed).
forge() { "$PYTHON" "$FORGE" "$S/.git/prevent/cases-v1" education probation || fail "forging the cache failed"; }

test_a_forged_record_cache_is_never_used() {
    setup
    pv "$S" "$AS_OF" list
    assert_rc 0
    assert_file_exists "$S/.git/prevent/cases-v1"
    forge
    cp "$S/.git/prevent/cases-v1" "$T/forged"
    for cmd in "list" "review due" "report --period 2026-11 --format csv --suppress 0"; do
        cp "$T/forged" "$S/.git/prevent/cases-v1"
        # shellcheck disable=SC2086
        pv "$S" "$AS_OF" $cmd
        assert_rc 0 "$cmd"
        assert_stderr_empty
        assert_not_contains "$(stdout)" "probation  " "$cmd"
    done
    cp "$T/forged" "$S/.git/prevent/cases-v1"
    pv "$S" "$AS_OF" list
    assert_stdout_eq "$LIST_HEADER
$ROW1
$ROW2"
    cp "$T/forged" "$S/.git/prevent/cases-v1"
    pv "$S" "$AS_OF" report --period 2026-11 --format csv --suppress 0
    assert_contains "$(stdout)" "referrals.by_sector,education,1" "report"
    assert_contains "$(stdout)" "referrals.by_sector,probation,0" "report"
    pv "$S" "$AS_OF" show PRV-2026-0001
    assert_rc 0 "show"
    assert_contains "$(stdout)" "sector: education" "show"
}

test_check_reports_a_forged_record_cache_and_removes_it() {
    setup
    pv "$S" "$AS_OF" list
    forge
    pv "$S" "$AS_OF" check
    assert_rc 0 "check (a notice)"
    assert_stdout_eq "notice [derived] the record cache does not check out under this user's key (written by another user or an older prevent, damaged, or edited): never used; removed, the next read rebuilds it (.git/prevent/cases-v1)"
    assert_no_file "$S/.git/prevent/cases-v1"
    pv "$S" "$AS_OF" check --strict
    assert_rc 0 "check --strict after"
    assert_stdout_empty
}

test_a_record_cache_made_under_another_users_key_is_rebuilt() {
    setup
    pv "$S" "$AS_OF" list
    # Another user (another HOME, so another key) reads the same store.
    HOME="$T/other" run prevent -C "$S" --as-of "$AS_OF" list
    assert_rc 0
    pv "$S" "$AS_OF" check derived
    assert_rc 0
    assert_contains "$(stdout)" "notice [derived] the record cache does not check out under this user's key"
}

test_the_side_file_key_is_the_users_own() {
    setup
    pv "$S" "$AS_OF" list
    assert_mode "$HOME/.local/state/prevent/side-file-key" 600
    assert_eq "$(wc -c <"$HOME/.local/state/prevent/side-file-key")" 32 "key size"
    XDG_STATE_HOME="$T/xdg" run prevent -C "$S" --as-of "$AS_OF" list
    assert_rc 0
    assert_file_exists "$T/xdg/prevent/side-file-key"
}

# A person index with its line for PRV-2026-0002 removed (a repeat referral
# of that person would then go unnoticed) and its checksum recomputed.
test_a_forged_person_index_is_never_used() {
    setup
    local idx="$S/.git/prevent/people-v2"
    assert_file_exists "$idx"
    "$PYTHON" "$E2E_DIR/lib/forge_people.py" "$idx" || fail "forging the person index failed"
    pv "$S" "$AS_OF" check derived
    assert_rc 0
    assert_stdout_eq "notice [derived] the person index does not check out under this user's key (written by another user or an older prevent, damaged, or edited): never used; removed, the next referral rebuilds it (.git/prevent/people-v2)"
    assert_no_file "$idx"
}

test_a_forged_log_index_is_never_used() {
    setup
    pv "$S" "$AS_OF" log PRV-2026-0002
    assert_rc 0
    local idx="$S/.git/prevent/log-v1/cases-2026"
    assert_file_exists "$idx"
    # Recompute each segment's checksum as prevent once did (SHA-1 as of a
    # git blob) after dropping nothing: a file a keyless forger could write.
    "$PYTHON" - "$idx" <<'PY' || fail "forging the log index failed"
import sys, hashlib
p = sys.argv[1]
b = open(p, 'rb').read()
nl = b.index(b'\n') + 1
out, at, prev = bytearray(b[:nl]), nl, b'\0' * 20
while at < len(b):
    n = int.from_bytes(b[at:at + 8], 'little')
    body = bytearray(b[at + 8:at + 8 + n])
    body[:20] = prev
    whole = b[at:at + 8] + bytes(body)
    sha = hashlib.sha1(b'blob %d\0' % len(whole) + whole).digest()
    out += whole + sha
    prev = sha
    at += 8 + n + 20
open(p, 'wb').write(bytes(out))
PY
    pv "$S" "$AS_OF" check derived
    assert_rc 0
    assert_stdout_eq "notice [derived] the log index does not check out under this user's key (written by another user or an older prevent, damaged, or edited): never used; removed, the next \`log\` rebuilds it (.git/prevent/log-v1/cases-2026)"
    assert_no_file "$idx"
}

test_check_finds_nothing_to_say_of_good_side_files() {
    setup
    pv "$S" "$AS_OF" list
    pv "$S" "$AS_OF" log PRV-2026-0001
    refer_ok "$S" received=2026-11-05 name="Quen Arbolt" dob=2001-02-13
    pv "$S" "$AS_OF" check derived
    assert_rc 0
    assert_stdout_empty
    assert_file_exists "$S/.git/prevent/cases-v1"
    assert_file_exists "$S/.git/prevent/people-v2"
    assert_file_exists "$S/.git/prevent/log-v1/cases-2026"
}

# ------------------------------------------------------------ compression bomb

# A blob of zeros larger than any record, committed at a case's path. The
# size is read from the object's header: nothing is inflated. (The issue's
# 1.5 GB blob made `list` take 2.9 GB; 64 MiB shows the same here, fast.)
commit_zeros() { # commit_zeros PATH MIB
    local blob
    blob="$(head -c $(($2 * 1048576)) /dev/zero | git -C "$S" hash-object -w --stdin)" || fail "hash-object failed"
    git -C "$S" update-index --add --cacheinfo "100644,$blob,$1" || fail "update-index failed"
    hand_commit "a large file"
}

test_a_compression_bomb_at_a_case_path_is_not_read() {
    setup
    commit_zeros cases/2026/PRV-2026-0003.yaml 64
    local line="record is larger than 1 MiB (67108864 bytes); not read (cases/2026/PRV-2026-0003.yaml)"
    readers_left_out "$line"
    pv "$S" "$AS_OF" show PRV-2026-0003
    assert_rc 5 "show"
    assert_stdout_empty
    assert_eq "$(stderr)" "prevent: $line" "stderr of show"
    check_finds "$line"
    assert_contains "$(cd "$S" && "$PREVENT" --as-of "$AS_OF" check repository)" \
        "error [repository] a file larger than 1 MiB (67108864 bytes), larger than any file of a store; not read (cases/2026/PRV-2026-0003.yaml, commit "
}

test_a_compression_bomb_costs_no_memory() {
    setup
    commit_zeros cases/2026/PRV-2026-0003.yaml 256
    local cmd rss
    for cmd in "list" "check records" "check repository"; do
        # shellcheck disable=SC2086
        /usr/bin/time -f '%M' -o "$T/rss" "$PREVENT" -C "$S" --as-of "$AS_OF" $cmd >/dev/null 2>&1
        rss="$(tail -1 "$T/rss")"
        # Inflating the blob takes 256 MiB at least; reading its header, nothing.
        [[ "$rss" -lt 200000 ]] || fail "$cmd used $rss KiB: the 256 MiB blob was inflated"
    done
}

test_a_compression_bomb_for_settings_or_a_meeting_is_refused_before_reading() {
    setup
    commit_zeros panels/2026-12-01.yaml 16
    pv "$S" "$AS_OF" check records
    assert_rc 5
    assert_stdout_eq "error [records] record is larger than 1 MiB (16777216 bytes); not read (panels/2026-12-01.yaml)"
}

# ------------------------------------------------ a submodule or a directory

test_a_submodule_at_a_case_path_is_reported_and_readers_carry_on() {
    setup
    git -C "$S" update-index --add --cacheinfo "160000,$(head_of "$S"),cases/2026/PRV-2026-0003.yaml" ||
        fail "update-index failed"
    hand_commit "a submodule"
    local line="not a file: a directory, submodule or link stands where a case record should be; not read (cases/2026/PRV-2026-0003.yaml)"
    readers_left_out "$line"
    pv "$S" "$AS_OF" show PRV-2026-0003
    assert_rc 5 "show"
    assert_eq "$(stderr)" "prevent: $line" "stderr of show"
    check_finds "$line"
}

# The audit trail sees it too: the commit that added it is a hand edit of
# that path for `check history`, and `log` of the ID shows it (it said "no
# such case", and the store's log showed the commit with nothing under it).
test_a_submodule_at_a_case_path_is_in_the_history() {
    setup
    git -C "$S" update-index --add --cacheinfo "160000,$(head_of "$S"),cases/2026/PRV-2026-0003.yaml" ||
        fail "update-index failed"
    hand_commit "a submodule"
    pv "$S" "$AS_OF" check history
    assert_rc 0 "check history"
    assert_stdout_contains "changed records outside prevent (cases/2026/PRV-2026-0003.yaml)"
    local i
    for i in 1 0; do
        PREVENT_LOG_INDEX=$i pv "$S" "$AS_OF" log PRV-2026-0003
        assert_rc 0 "log of the ID (PREVENT_LOG_INDEX=$i)"
        assert_stdout_contains "file: (none) → unreadable version"
    done
}

test_a_directory_at_a_case_path_is_reported_and_readers_carry_on() {
    setup
    mkdir -p "$S/cases/2026/PRV-2026-0003.yaml"
    cp "$(case_file "$S" PRV-2026-0001)" "$S/cases/2026/PRV-2026-0003.yaml/inner.yaml"
    git -C "$S" add cases && hand_commit "a directory"
    local line="not a file: a directory, submodule or link stands where a case record should be; not read (cases/2026/PRV-2026-0003.yaml)"
    readers_left_out "$line"
    pv "$S" "$AS_OF" show PRV-2026-0003
    assert_rc 5 "show"
    assert_eq "$(stderr)" "prevent: $line" "stderr of show"
    check_finds "$line"
}

# ---------------------------------------- a copy of a case under another name

test_a_second_copy_of_a_case_under_another_name_is_not_counted_twice() {
    setup
    # Read once first, so that the cache holds the record's blob: the copy
    # has the same blob ID, and must not be taken from the cache either.
    pv "$S" "$AS_OF" list
    cp "$(case_file "$S" PRV-2026-0001)" "$S/cases/2026/PRV-2026-0009.yaml"
    git -C "$S" add cases && hand_commit "a copy"
    local line="id: the file name and folder must be cases/<year received>/<id>.yaml (cases/2026/PRV-2026-0009.yaml)"
    readers_left_out "$line"
    pv "$S" "$AS_OF" show PRV-2026-0009
    assert_rc 5 "show of the copy"
    assert_stdout_empty
    assert_eq "$(stderr)" "prevent: $line" "stderr of show"
    check_finds "$line"
}

test_a_copy_under_a_name_that_is_not_an_id_is_not_a_case_either() {
    setup
    cp "$(case_file "$S" PRV-2026-0001)" "$S/cases/2026/copy.yaml"
    git -C "$S" add cases && hand_commit "a copy"
    readers_left_out "id: the file name and folder must be cases/<year received>/<id>.yaml (cases/2026/copy.yaml)"
}

test_a_record_whose_file_name_is_not_its_id_is_not_a_case() {
    setup
    git -C "$S" mv cases/2026/PRV-2026-0002.yaml cases/2026/PRV-2026-0007.yaml && hand_commit "renamed"
    local line="id: the file name and folder must be cases/<year received>/<id>.yaml (cases/2026/PRV-2026-0007.yaml)"
    pv "$S" "$AS_OF" list
    assert_rc 5 "list"
    assert_stdout_eq "$LIST_HEADER
$ROW1"
    assert_eq "$(stderr)" "prevent: $line
$(left_out 1)" "stderr of list"
    pv "$S" "$AS_OF" review due
    assert_rc 5 "review due"
    assert_stdout_empty
    pv "$S" "$AS_OF" report --period 2026-11 --format csv --partial --suppress 0
    assert_rc 5 "report --partial"
    assert_contains "$(stdout)" "referrals,total,1" "report --partial"
    pv "$S" "$AS_OF" show PRV-2026-0007
    assert_rc 5 "show by the file's name"
    assert_stdout_empty
    assert_eq "$(stderr)" "prevent: $line" "stderr of show"
    pv "$S" "$AS_OF" show PRV-2026-0002
    assert_rc 3 "show by the record's ID"
    check_finds "$line"
}

run_tests "$@"

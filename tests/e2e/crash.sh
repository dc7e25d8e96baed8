#!/usr/bin/env bash
# Crash safety: a writing command killed (SIGKILL) at any point leaves the
# store exactly as it was before the command or exactly as after it, once
# `prevent check --repair` has completed or rolled back what was in flight
# (SPEC §8: one commit or none, working tree and index as they were).
#
# The kill is injected with strace: before the k-th call of each syscall
# that changes something on disk (write, rename, fsync, unlink, …), for
# every k the command makes (`init`, `refer`, `panel decide`, `review record`,
# `triage` with a record cache whose side file it appends to), and
# at sampled points of an import of 5,000 records. After each kill:
#   - `git fsck` finds nothing wrong (unreferenced objects are allowed);
#   - `prevent check --repair` exits 0, and says "completed" exactly when
#     the branch had moved, "rolled back" when the journal was there and it
#     had not;
#   - HEAD's tree is then the tree before the command or the tree a run
#     without the kill made, `git status` is clean, no journal is left;
#   - every record is valid (`check` exits 0), no case is lost, and the next
#     write succeeds.
#
# Needs strace (Debian package strace). Without it, or where ptrace is not
# allowed, the suite skips (and fails when PREVENT_REQUIRE_STRACE is set, as
# .ci/run does). CRASH_EVERY=N tries only every N-th crash point (which of
# the N: E2E_SAMPLE_OFFSET, lib/common.bash) and
# CRASH_QUICK=1 one point per syscall of the import (for slow sanitizer
# builds); the number of points tried is printed after the suite.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

WRITE_SYSCALLS=(write pwrite64 rename renameat renameat2 fsync fdatasync syncfs unlink unlinkat ftruncate link linkat mkdir mkdirat)
: "${CRASH_EVERY:=1}"
# Crash points tried, per test, for the summary after the suite.
CRASH_TALLY="$(mktemp)"

# strace under LeakSanitizer: LSan cannot run in a traced process and would
# report that instead of the program's leaks, so traced runs go without it
# (every other suite runs with it in a sanitizer build).
traced() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace "$@"; }

strace_works() {
    command -v strace >/dev/null 2>&1 && strace -f -qq -o /dev/null true >/dev/null 2>&1
}

skip_without_strace() {
    if ! strace_works; then
        [[ -z "${PREVENT_REQUIRE_STRACE:-}" ]] || fail "strace is missing or cannot trace and PREVENT_REQUIRE_STRACE is set"
        echo "       SKIP: strace is missing or cannot trace here"
        return 0
    fi
    return 1
}

# crash_points STORE CMD…: "SYSCALL K" lines, one per crash point of CMD
# run on a copy of STORE, in a reference run without a kill (whose store is
# kept in $T/reference for its tree).
crash_points() {
    local store="$1"
    shift
    rm -rf "$T/reference"
    cp -a "$store" "$T/reference"
    local set
    set="$(
        IFS=,
        echo "${WRITE_SYSCALLS[*]}"
    )"
    (cd "$T/reference" && traced -f -qq -o "$T/trace" -e trace="$set" "$@" >/dev/null 2>&1)
    local rc=$?
    [[ $rc -eq 0 ]] || fail "the reference run failed ($rc): $*"
    # Lines look like `1234  rename("a", "b") = 0`.
    sed -E 's/^[0-9]+ +//; s/\(.*//' "$T/trace" | grep -E '^[a-z0-9_]+$' | sort | uniq -c |
        while read -r count name; do
            # Every CRASH_EVERY-th call from the first, or from a later one
            # E2E_SAMPLE_OFFSET picks (common.bash: it rotates over runs);
            # always at least one call of each syscall.
            local k first=$((1 + ${E2E_SAMPLE_OFFSET:-0} % (count < CRASH_EVERY ? count : CRASH_EVERY)))
            for ((k = first; k <= count; k += CRASH_EVERY)); do echo "$name $k"; done
        done
}

# crash_at STORE SYSCALL K CMD…: runs CMD in a copy of STORE ($T/victim),
# killed before the K-th SYSCALL; then checks and repairs the copy.
crash_at() {
    local store="$1" sys="$2" k="$3"
    shift 3
    rm -rf "$T/victim"
    cp -a "$store" "$T/victim"
    local before_head before_tree after_tree before_cases
    before_head="$(head_of "$T/victim")"
    before_tree="$(git_in "$T/victim" rev-parse 'HEAD^{tree}')"
    after_tree="$(git_in "$T/reference" rev-parse 'HEAD^{tree}')"
    before_cases="$(git_in "$T/victim" ls-tree -r --name-only HEAD cases | wc -l)"
    (cd "$T/victim" && traced -f -qq -o /dev/null -e trace="$sys" -e inject="$sys:signal=KILL:when=$k" "$@" \
        >/dev/null 2>&1)
    local rc=$?
    local where="killed before $sys #$k of: ${*:2}"
    [[ $rc -eq 137 || $rc -eq 0 ]] || fail "$where: exit status $rc"

    local fsck
    fsck="$(git -C "$T/victim" fsck --full --strict --no-dangling 2>&1)" || fail "$where: git fsck: $fsck"
    local moved=0 journal=0
    [[ "$(head_of "$T/victim")" != "$before_head" ]] && moved=1
    [[ -e "$T/victim/.git/prevent/journal" ]] && journal=1

    run prevent -C "$T/victim" check --repair --as-of "$AS_OF"
    [[ $RC -eq 0 ]] || { fail "$where: check --repair exit $RC"; _show "$OUT"; _show "$ERR"; }
    if ((journal)); then
        if ((moved)); then
            grep -q '^repaired: completed ' "$OUT" || fail "$where: repair did not say it completed"
        else
            grep -q '^repaired: rolled back ' "$OUT" || fail "$where: repair did not say it rolled back"
        fi
    else
        grep -q '^repaired' "$OUT" && fail "$where: repair with no journal"
    fi
    local tree
    tree="$(git_in "$T/victim" rev-parse 'HEAD^{tree}')"
    if [[ "$tree" == "$before_tree" ]]; then
        assert_eq "$(head_of "$T/victim")" "$before_head" "$where: HEAD with the tree before"
    elif [[ "$tree" == "$after_tree" ]]; then
        assert_eq "$(git_in "$T/victim" rev-parse HEAD~1)" "$before_head" "$where: one commit on top"
    else
        fail "$where: HEAD's tree is neither the tree before nor the tree after"
    fi
    [[ -z "$(git -C "$T/victim" status --porcelain --untracked-files=all)" ]] ||
        fail "$where: git status: $(git -C "$T/victim" status --porcelain --untracked-files=all | head -3)"
    assert_no_file "$T/victim/.git/prevent/journal"
    local cases
    cases="$(git_in "$T/victim" ls-tree -r --name-only HEAD cases | wc -l)"
    [[ $cases -ge $before_cases ]] || fail "$where: cases lost ($before_cases before, $cases after)"
    # The store takes the next write.
    run prevent -C "$T/victim" note PRV-2026-0001 --date 2026-11-20 --kind contact --with "Example Agency" --as-of "$AS_OF"
    [[ $RC -eq 0 ]] || { fail "$where: the next write failed ($RC)"; _show "$ERR"; }
    # With a record cache: what reads give through it (and its side file,
    # however the kill left them) is what they give without one.
    if [[ -n "${CRASH_CACHE_CHECK:-}" ]]; then
        run prevent -C "$T/victim" list --format json --as-of "$AS_OF"
        [[ $RC -eq 0 ]] || fail "$where: list through the cache exit $RC"
        cp "$OUT" "$T/list.cached"
        rm -rf "$T/victim-cold"
        cp -a "$T/victim" "$T/victim-cold"
        rm -f "$T/victim-cold/.git/prevent/cases-v1" "$T/victim-cold/.git/prevent/cases-v1-changes"
        run prevent -C "$T/victim-cold" list --format json --as-of "$AS_OF"
        cmp -s "$OUT" "$T/list.cached" || fail "$where: list through the cache differs from list without it"
    fi
}

# crash_everywhere STORE CMD…: every crash point of CMD.
crash_everywhere() {
    local store="$1"
    shift
    local points n=0
    points="$(crash_points "$store" "$@")"
    [[ -n "$points" ]] || fail "no crash points found for: $*"
    local sys k
    while read -r sys k; do
        [[ -n "$sys" ]] || continue
        crash_at "$store" "$sys" "$k" "$@"
        n=$((n + 1))
    done <<<"$points"
    echo "$n crash points of: ${*:4}" >>"$CRASH_TALLY"
}

# A store with two cases and a panel meeting: PRV-2026-0001 awaiting panel,
# PRV-2026-0002 adopted with consent (for reviews).
setup_base() {
    S="$T/base"
    new_store "$S"
    meeting_ok "$S" 2026-11-12
    {
        echo "---"
        case_yaml received=2026-11-02 name="Crashley Vontor" dob=2001-04-05
        printf 'triage:\n  completed: 2026-11-03\n  outcome: channel-panel\n  section36:\n    decided: 2026-11-03\n    by: Example Constabulary\n'
        echo "---"
        case_yaml received=2026-10-01 name="Ombrel Tisk" dob=1999-09-09
        printf 'triage:\n  completed: 2026-10-02\n  outcome: channel-panel\n  section36:\n    decided: 2026-10-02\n    by: Example Constabulary\n'
        printf 'panel:\n  - meeting: 2026-11-12\n    decision: adopt\n    method: consensus\n'
        printf 'consent:\n  status: given\n  by: subject\n  date: 2026-11-13\n'
    } >"$T/in/cases.yaml"
    run prevent -C "$S" -q import "$T/in/cases.yaml" --as-of "$AS_OF"
    [[ $RC -eq 0 ]] || { fail "setup import failed"; _show "$ERR"; }
}

test_refer_killed_anywhere() {
    skip_without_strace && return 0
    setup_base
    referral_flags name="Killian Vexworth" dob=2002-02-02
    crash_everywhere "$S" "$PREVENT" -C . refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
}

test_triage_killed_anywhere_with_a_record_cache() {
    skip_without_strace && return 0
    setup_base
    refer_ok "$S" name="Killian Vexworth" dob=2002-02-02
    # The cache, then one write recorded in its side file: the crashed
    # write appends a second record.
    run prevent -C "$S" list --as-of "$AS_OF"
    assert_rc 0 "list"
    run prevent -C "$S" note PRV-2026-0003 --date 2026-11-21 --kind contact --with "Example Agency" --as-of "$AS_OF"
    assert_rc 0 "note"
    assert_file_exists "$S/.git/prevent/cases-v1-changes"
    CRASH_CACHE_CHECK=1 crash_everywhere "$S" "$PREVENT" -C . triage PRV-2026-0003 --outcome no-further-action \
        --date 2026-11-22 --as-of "$AS_OF"
}

test_panel_decide_killed_anywhere() {
    skip_without_strace && return 0
    setup_base
    crash_everywhere "$S" "$PREVENT" -C . panel decide 2026-11-12 PRV-2026-0001 --decision adopt --as-of "$AS_OF"
}

test_review_record_killed_anywhere() {
    skip_without_strace && return 0
    setup_base
    crash_everywhere "$S" "$PREVENT" -C . review record PRV-2026-0002 --date 2026-11-26 --kind monthly \
        --outcome continue --as-of "$AS_OF"
}

test_import_of_5000_killed_at_sampled_points() {
    skip_without_strace && return 0
    setup_base
    "$PYTHON" "$PREVENT_SOURCE_DIR/tests/bench/gen_referrals.py" 5000 2026 7 >"$T/in/5000.csv"
    local points
    points="$(crash_points "$S" "$PREVENT" -C . -q import "$T/in/5000.csv" --as-of "$AS_OF")"
    # Per syscall the middle and the last call (the first too for rename:
    # the first record file put in place), both calls of one made twice.
    # That crosses each phase of a large write: the pack, the journal, the
    # 5,000 files, syncfs, the index, the branch and the journal's removal.
    # CRASH_QUICK (sanitizer builds) keeps the middle call of each.
    local sampled
    sampled="$(awk -v quick="${CRASH_QUICK:-}" '{ n[$1] = $2 } END { for (s in n) { c = n[s];
        if (quick != "") list = int((c + 1) / 2); else if (c <= 2) list = "1 2"; else list = int((c + 1) / 2) " " c;
        if (s == "rename") list = list " 1";
        split(list, ks, " "); for (i in ks) if (ks[i] >= 1 && ks[i] <= c) print s, ks[i] } }' <<<"$points" | sort -u)"
    local sys k n=0
    while read -r sys k; do
        [[ -n "$sys" ]] || continue
        crash_at "$S" "$sys" "$k" "$PREVENT" -C . -q import "$T/in/5000.csv" --as-of "$AS_OF"
        n=$((n + 1))
    done <<<"$sampled"
    echo "$n sampled crash points of an import of 5,000 records (of $(wc -l <<<"$points") in all)" >>"$CRASH_TALLY"
}

# init killed anywhere: the directory then holds nothing, a whole store
# (check --repair makes it clean), or what a half-done init leaves, which
# the same `prevent init` takes up again. Either way the result is the
# store an uninterrupted init makes.
test_init_killed_anywhere_can_be_run_again() {
    skip_without_strace && return 0
    mkdir -p "$T/empty"
    local init=("$PREVENT" init --plain s --area "Example Borough" --as-of "$AS_OF" -q)
    local points ref_tree
    points="$(crash_points "$T/empty" "${init[@]}")"
    [[ -n "$points" ]] || fail "no crash points found for init"
    ref_tree="$(git_in "$T/reference/s" rev-parse 'HEAD^{tree}')"
    local sys k n=0 rc where
    while read -r sys k; do
        [[ -n "$sys" ]] || continue
        rm -rf "$T/victim"
        mkdir "$T/victim"
        (cd "$T/victim" && traced -f -qq -o /dev/null -e trace="$sys" -e inject="$sys:signal=KILL:when=$k" \
            "${init[@]}" >/dev/null 2>&1)
        rc=$?
        where="init killed before $sys #$k"
        [[ $rc -eq 137 || $rc -eq 0 ]] || fail "$where: exit status $rc"
        if git -C "$T/victim/s" rev-parse -q --verify HEAD >/dev/null 2>&1; then
            run prevent -C "$T/victim/s" check --repair --as-of "$AS_OF"
            [[ $RC -eq 0 ]] || { fail "$where: check --repair exit $RC"; _show "$ERR"; }
        else
            run bash -c 'cd "$1" && shift && exec "$@"' - "$T/victim" "${init[@]}"
            [[ $RC -eq 0 ]] || { fail "$where: init again: exit $RC"; _show "$ERR"; }
        fi
        assert_eq "$(git_in "$T/victim/s" rev-parse 'HEAD^{tree}' 2>&1)" "$ref_tree" "$where: the store's tree"
        assert_eq "$(commit_count "$T/victim/s")" 1 "$where: commits"
        [[ -z "$(git -C "$T/victim/s" status --porcelain --untracked-files=all 2>&1)" ]] ||
            fail "$where: git status: $(git -C "$T/victim/s" status --porcelain --untracked-files=all 2>&1 | head -3)"
        assert_no_file "$T/victim/s/.git/prevent/journal"
        assert_mode "$T/victim/s" 700
        run prevent -C "$T/victim/s" check --as-of "$AS_OF"
        [[ $RC -eq 0 ]] || { fail "$where: check exit $RC"; _show "$OUT"; _show "$ERR"; }
        n=$((n + 1))
    done <<<"$points"
    echo "$n crash points of: init" >>"$CRASH_TALLY"
}

# An encrypted init killed anywhere (docs/encryption.md): its key store is
# written before its commit, so a kill between the two leaves a repository
# with refs/prevent/keys and no commit, which init takes up again. Each run
# makes new keys, so the result is compared by what it holds: one commit
# with keys/recipients.yaml, a clean check, and the key unlocking it.
test_encrypted_init_killed_anywhere_can_be_run_again() {
    skip_without_strace && return 0
    mkdir -p "$T/empty"
    ssh-keygen -q -t ed25519 -N "" -f "$T/id" >/dev/null || fail "ssh-keygen failed"
    local init=("$PREVENT" init --recipient "$T/id.pub" s --area "Example Borough" --as-of "$AS_OF" -q)
    local points
    points="$(crash_points "$T/empty" "${init[@]}")"
    [[ -n "$points" ]] || fail "no crash points found for init"
    local sys k n=0 rc where
    while read -r sys k; do
        [[ -n "$sys" ]] || continue
        rm -rf "$T/victim"
        mkdir "$T/victim"
        (cd "$T/victim" && traced -f -qq -o /dev/null -e trace="$sys" -e inject="$sys:signal=KILL:when=$k" \
            "${init[@]}" >/dev/null 2>&1)
        rc=$?
        where="encrypted init killed before $sys #$k"
        [[ $rc -eq 137 || $rc -eq 0 ]] || fail "$where: exit status $rc"
        if git -C "$T/victim/s" rev-parse -q --verify HEAD >/dev/null 2>&1; then
            run prevent -C "$T/victim/s" check --repair --as-of "$AS_OF"
            [[ $RC -eq 0 ]] || { fail "$where: check --repair exit $RC"; _show "$ERR"; }
        else
            run bash -c 'cd "$1" && shift && exec "$@"' - "$T/victim" "${init[@]}"
            [[ $RC -eq 0 ]] || { fail "$where: init again: exit $RC"; _show "$ERR"; }
        fi
        assert_eq "$(commit_count "$T/victim/s")" 1 "$where: commits"
        git -C "$T/victim/s" cat-file -e HEAD:keys/recipients.yaml 2>/dev/null || fail "$where: no keys/recipients.yaml"
        [[ -z "$(git -C "$T/victim/s" status --porcelain --untracked-files=all 2>&1)" ]] ||
            fail "$where: git status: $(git -C "$T/victim/s" status --porcelain --untracked-files=all 2>&1 | head -3)"
        run prevent -C "$T/victim/s" check --as-of "$AS_OF"
        [[ $RC -eq 0 ]] || { fail "$where: check exit $RC"; _show "$OUT"; _show "$ERR"; }
        # The key unlocks the store: keys remove of an unknown name gets as
        # far as the name (exit 3), past unlocking (exit 6).
        run prevent -C "$T/victim/s" --identity "$T/id" keys remove nobody
        [[ $RC -eq 3 ]] || { fail "$where: the key does not unlock the store (exit $RC)"; _show "$ERR"; }
        n=$((n + 1))
    done <<<"$points"
    echo "$n crash points of: encrypted init" >>"$CRASH_TALLY"
}

test_a_store_with_an_interrupted_write_refuses_the_next_until_repaired() {
    S="$T/store"
    new_store "$S"
    refer_ok "$S"
    local head
    head="$(head_of "$S")"
    # A journal as a write killed after touching the work tree leaves it:
    # the file changed on disk, the branch not moved.
    local blob path="cases/2026/PRV-2026-0001.yaml"
    blob="$(git_in "$S" rev-parse "HEAD:$path")"
    sed -i 's/^  agency: .*/  agency: Changed Agency/' "$S/$path"
    local new_blob
    new_blob="$(git_in "$S" hash-object -w "$path")"
    mkdir -p "$S/.git/prevent"
    printf 'prevent write journal v1\nparent %s\ncommit %s\n%s %s %s\n' "$head" "$head" "$blob" "$new_blob" "$path" \
        >"$S/.git/prevent/journal"
    # Here the journal names HEAD as its commit: repair completes. Point it
    # at a commit HEAD does not have, as a killed write's would.
    local other
    other="$(git_in "$S" commit-tree -p "$head" -m "refer: never moved" "$(git_in "$S" rev-parse 'HEAD^{tree}')")"
    sed -i "s/^commit .*/commit $other/" "$S/.git/prevent/journal"

    referral_flags name="Blocked Writer" dob=2003-03-03
    expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_stderr_contains "interrupted"
    assert_hint_contains "check --repair"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 6 "check with an interrupted write"
    assert_stdout_contains "error [interrupted]"
    run prevent -C "$S" check --repair --as-of "$AS_OF"
    assert_rc 0 "check --repair"
    assert_stdout_contains "repaired: rolled back the interrupted write 'refer: never moved' (1 file)"
    assert_clean "$S"
    assert_eq "$(head_of "$S")" "$head" "HEAD after the rollback"
    assert_no_file "$S/.git/prevent/journal"
    run prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_rc 0 "refer after the repair"
}

test_repair_leaves_a_journal_that_names_neither_head_nor_its_parent() {
    S="$T/store"
    new_store "$S"
    refer_ok "$S"
    refer_ok "$S" name="Second Person" dob=2004-04-04
    local path="cases/2026/PRV-2026-0001.yaml" blob
    blob="$(git_in "$S" rev-parse "HEAD:$path")"
    mkdir -p "$S/.git/prevent"
    # A parent that is not in HEAD's history (a rewritten history). (A
    # parent HEAD descends from is a write committed with git since, which
    # the repair brings to HEAD: writes_inject.sh.)
    local stray
    stray="$(git_in "$S" commit-tree -m "elsewhere" "$(git_in "$S" rev-parse 'HEAD^{tree}')")"
    printf 'prevent write journal v1\nparent %s\ncommit %s\n%s %s %s\n' "$stray" \
        "$(git_in "$S" rev-parse HEAD~1)" "$blob" "$blob" "$path" >"$S/.git/prevent/journal"
    cp "$S/.git/prevent/journal" "$T/journal.before"
    run prevent -C "$S" check --repair --as-of "$AS_OF"
    assert_rc 6 "repair of a journal that does not fit"
    assert_one_error_line
    assert_stderr_contains "names neither HEAD nor its parent"
    cmp -s "$T/journal.before" "$S/.git/prevent/journal" || fail "the journal was changed"
    assert_clean "$S"
}

_status=0
run_tests "$@" || _status=$?
sed 's/^/crash: /' "$CRASH_TALLY"
rm -f "$CRASH_TALLY"
exit "$_status"

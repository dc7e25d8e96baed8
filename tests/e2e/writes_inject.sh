#!/usr/bin/env bash
# Integrity of writes under injected errors: one commit or nothing.
#
# The disk is made to fail (strace --inject=SYSCALL:error=EIO or ENOSPC) at
# one call of fsync, syncfs, rename or unlink of a `refer` and of a small
# import (70 records: the batch path, with one pack and one syncfs). After
# each error the store is exactly one of:
#   - committed: exit 0 (or exit 6 saying the change was committed), one
#     commit on top with the tree a run without the error makes, `git
#     status` clean, no journal once `check --repair` has run;
#   - nothing: exit 6 with one error line, HEAD, the reflogs and the object
#     database as before (the failed write's objects removed), `git status`
#     clean, no journal, no temporary file; the same command run again
#     succeeds and makes exactly one commit (no duplicate case).
# Also: what a write killed half way leaves (a journal) makes every message
# point to `check --repair` first, and the repair copes with a store where
# the half-written files were committed with git; temporary files of stopped
# writers are reported by `check` and removed by `check --repair`; a failing
# signer leaves no object behind.
#
# Needs strace, as crash.sh: without it the injection tests skip (and fail
# when PREVENT_REQUIRE_STRACE is set). Every call of those system calls the
# write makes gets an error: in a `refer` each call both EIO and ENOSPC, in
# the import each call one of them by turns. CRASH_QUICK=1 (the sanitizer
# run of .ci/run, where prevent is several times slower) samples instead:
# one call of each kind (the ref, the reflogs, the index, the journal, a
# record file, an object, syncfs), EIO and ENOSPC by turns.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

INJECT_SYSCALLS=(fsync fdatasync syncfs rename renameat renameat2 unlink unlinkat)
INJECT_TALLY="$(mktemp)"
INJECT_ERRNOS=(EIO ENOSPC)

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

# call_list STORE CMD…: a run of CMD on a copy of STORE ($T/reference, kept
# for its tree) without an error; prints "SYSCALL K PATH" for each call of
# INJECT_SYSCALLS (PATH: the file or directory, as strace -y shows it).
call_list() {
    local store="$1"
    shift
    rm -rf "$T/reference"
    cp -a "$store" "$T/reference"
    local set
    set="$(
        IFS=,
        echo "${INJECT_SYSCALLS[*]}"
    )"
    (cd "$T/reference" && traced -f -qq -y -o "$T/trace" -e trace="$set" "$@" >/dev/null 2>&1)
    local rc=$?
    [[ $rc -eq 0 ]] || fail "the reference run failed ($rc): $*"
    sed -E 's/^[0-9]+ +//' "$T/trace" | awk '
        match($0, /^[a-z0-9_]+\(/) {
            name = substr($0, 1, RLENGTH - 1); rest = substr($0, RLENGTH + 1)
            path = "?"
            if (match(rest, /^[0-9]+</)) { rest = substr(rest, RLENGTH + 1); path = substr(rest, 1, index(rest, ">") - 1) }
            else if (match(rest, /"[^"]*"/)) path = substr(rest, RSTART + 1, RLENGTH - 2)
            n[name]++; print name, n[name], path
        }'
}

# What "nothing happened" compares: HEAD, the reflogs, the object files.
state_of() {
    local s="$1"
    git_in "$s" rev-parse HEAD
    wc -c <"$s/.git/logs/HEAD"
    (cd "$s/.git/objects" && find . -type f | LC_ALL=C sort)
}

# Litter a failed or stopped write may leave: its temporary files, a lock.
litter_in() {
    find "$1" \( -name '.*.tmp-*' -o -name 'tmp_object_git2_*' -o -name '*.lock' \) -print 2>/dev/null |
        grep -v '/\.git/prevent\.lock$'
}

# inject_at STORE SYSCALL K ERRNO CMD…: CMD in a copy of STORE ($T/victim)
# with the K-th SYSCALL failing with ERRNO; then the outcome is judged.
inject_at() {
    local store="$1" sys="$2" k="$3" errno="$4"
    shift 4
    rm -rf "$T/victim"
    cp -a "$store" "$T/victim"
    local before before_head after_tree before_count
    before="$(state_of "$T/victim")"
    before_head="$(head_of "$T/victim")"
    before_count="$(commit_count "$T/victim")"
    after_tree="$(git_in "$T/reference" rev-parse 'HEAD^{tree}')"
    (cd "$T/victim" && traced -f -qq -o /dev/null -e trace="$sys" -e inject="$sys:error=$errno:when=$k" "$@" \
        >"$T/inj.out" 2>"$T/inj.err" </dev/null)
    local rc=$?
    local where="$errno at $sys #$k ($INJECT_WHAT) of: ${*:2:3}"
    local committed=0
    if [[ $rc -eq 0 ]]; then
        committed=1
    elif [[ $rc -eq 6 ]] && grep -q 'the change was committed' "$T/inj.err"; then
        committed=1
        run prevent -C "$T/victim" check --repair --as-of "$AS_OF"
        [[ $RC -eq 0 ]] || { fail "$where: check --repair after a committed write: exit $RC"; _show "$ERR"; }
    elif [[ $rc -ne 6 ]]; then
        fail "$where: exit status $rc"
        _show "$T/inj.err"
        return
    fi
    if ((committed)); then
        assert_eq "$(git_in "$T/victim" rev-parse 'HEAD^{tree}')" "$after_tree" "$where: HEAD's tree after a commit"
        assert_eq "$(git_in "$T/victim" rev-parse HEAD~1)" "$before_head" "$where: one commit on top"
    else
        local lines
        lines="$(grep -c '^prevent: ' "$T/inj.err")"
        [[ "$lines" == 1 ]] || { fail "$where: $lines error lines"; _show "$T/inj.err"; }
        [[ "$(state_of "$T/victim")" == "$before" ]] || {
            fail "$where: HEAD, the reflog or the objects changed although the write failed"
            diff <(printf '%s\n' "$before") <(state_of "$T/victim") | head -8 | sed 's/^/         | /'
            _show "$T/inj.err"
        }
    fi
    local status
    status="$(git -C "$T/victim" status --porcelain --untracked-files=all 2>&1)"
    [[ -z "$status" ]] || { fail "$where: git status: $(head -3 <<<"$status")"; _show "$T/inj.err"; }
    assert_no_file "$T/victim/.git/prevent/journal"
    local litter
    litter="$(litter_in "$T/victim")"
    [[ -z "$litter" ]] || fail "$where: left behind: $litter"
    local fsck
    fsck="$(git -C "$T/victim" fsck --strict --no-dangling 2>&1)" || fail "$where: git fsck: $fsck"
    if ((!committed)); then
        # The same command again: one commit, the tree of the reference run.
        run_in "$T/victim" "$@"
        [[ $RC -eq 0 ]] || { fail "$where: the write again: exit $RC"; _show "$ERR"; return; }
        assert_eq "$(commit_count "$T/victim")" "$((before_count + 1))" "$where: commits after the retry"
        assert_eq "$(git_in "$T/victim" rev-parse 'HEAD^{tree}')" "$after_tree" "$where: the tree after the retry"
        assert_clean "$T/victim"
    fi
    echo "$committed" >>"$T/outcomes"
}

# inject_each STORE PATTERN ERRNOS CMD…: an error at every call of CMD of
# INJECT_SYSCALLS, each with every errno of ERRNOS ("EIO ENOSPC"), or with
# one of them by turns ("turns"). Under CRASH_QUICK only the calls whose path
# matches the extended regular expression PATTERN, one of each kind, by
# turns.
inject_each() {
    local store="$1" pattern="$2" errnos="$3"
    shift 3
    local calls n=0 sys k path errno
    calls="$(call_list "$store" "$@")"
    [[ -n "$calls" ]] || { fail "no calls found for: $*"; return; }
    : >"$T/outcomes"
    local -A seen=()
    local kind quick="${CRASH_QUICK:-}" list
    [[ -n "$quick" ]] && errnos=turns
    while read -r sys k path; do
        [[ -n "$sys" ]] || continue
        if [[ -n "$quick" ]]; then
            [[ "$path" =~ $pattern ]] || continue
            # One call of each kind: the objects' files and directories, the
            # temporary files of different processes are alike.
            kind="$sys $(sed -E 's#/[0-9a-f]{2}(/|$)#/X\1#; s/[0-9a-f]{16,}/X/g; s/tmp-[0-9]+/tmp-N/' <<<"$path")"
            [[ -n "${seen[$kind]:-}" ]] && continue
            seen[$kind]=1
        fi
        # libgit2's removal of its own temporary files (after their rename):
        # a failure there leaves the file, and is libgit2's to report.
        [[ "$sys" == unlink* && "$path" == *_git2_* ]] && continue
        if [[ "$errnos" == turns ]]; then
            list="${INJECT_ERRNOS[n % 2]}"
        else
            list="$errnos"
        fi
        for errno in $list; do
            INJECT_WHAT="${path#"$T"/reference/}" inject_at "$store" "$sys" "$k" "$errno" "$@"
            n=$((n + 1))
        done
    done <<<"$calls"
    ((n > 0)) || fail "no call matched $pattern"
    echo "$n injected errors at $(wc -l <<<"$calls") calls${quick:+ (sampled)} ($(grep -c 1 "$T/outcomes") committed, $(grep -c 0 "$T/outcomes") refused) of: $INJECT_LABEL" \
        >>"$INJECT_TALLY"
}

# The K of the first call of SYSCALL whose path matches PATTERN, from the
# calls of the last call_list (in $T/calls). A rename's path is its source.
call_number() { # call_number SYSCALL PATTERN
    S_="$1" P_="$2" awk '$1 == ENVIRON["S_"] && $3 ~ ENVIRON["P_"] { print $2; exit }' "$T/calls"
}

# first_call STORE SYSCALL PATTERN CMD…: call_list of CMD (its calls in
# $T/calls), then the caller's `k` set to the first call of SYSCALL whose
# path matches PATTERN; status 1 when there is none.
first_call() {
    local store="$1" sys="$2" pattern="$3"
    shift 3
    call_list "$store" "$@" >"$T/calls"
    k="$(call_number "$sys" "$pattern")"
    [[ -n "$k" ]]
}

setup_store() {
    S="$T/store"
    new_store "$S"
    refer_ok "$S" name="Ombrel Tisk" dob=1999-09-09
    refer_ok "$S" name="Crashley Vontor" dob=2001-04-05
}

# Every call of a refer, with EIO and with ENOSPC: the side files it reads
# and brings up to date, the objects, the journal, the record, the index,
# the reflogs, the ref, the journal's removal, the verified head. (Sampled:
# one call of each kind of those that make the commit.)
test_refer_with_an_error_at_each_write_is_committed_or_nothing() {
    skip_without_strace && return 0
    setup_store
    referral_flags name="Killian Vexworth" dob=2002-02-02
    INJECT_LABEL=refer inject_each "$S" '(/\.git/objects/([0-9a-f]{2}$|tmp_object)|/\.git/prevent/(journal|\.journal)|\.PRV-2026-0003|/cases/2026$|/\.git/index|/\.git$|/\.git/logs/HEAD$|/\.git/refs)' "EIO ENOSPC" \
        "$PREVENT" -C . refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
}

# Every call of an import of 70 records (the batch path), EIO and ENOSPC by
# turns: the pack, the journal, every record, syncfs, the index, the
# reflogs and the ref. (Sampled: the pack, the journal, the first record,
# syncfs, the index, the reflogs and the ref.)
test_import_with_an_error_at_each_write_is_committed_or_nothing() {
    skip_without_strace && return 0
    setup_store
    "$PYTHON" "$PREVENT_SOURCE_DIR/tests/bench/gen_referrals.py" 70 2026 7 >"$T/in/70.csv"
    INJECT_LABEL="an import of 70 records" inject_each "$S" '(/\.git/objects/pack|/\.git/prevent/(journal|\.journal)|\.PRV-2026-0003|/reference$|/\.git/index|/\.git$|/\.git/logs/HEAD$|/\.git/refs)' turns \
        "$PREVENT" -C . -q import "$T/in/70.csv" --as-of "$AS_OF"
}

# Finding: libgit2 reported an fsync error on the ref's directory after it
# had renamed the ref; prevent said "cannot move the branch" and undid the
# work tree and index of a commit HEAD had.
test_an_error_after_the_ref_was_renamed_leaves_a_whole_commit() {
    skip_without_strace && return 0
    setup_store
    referral_flags name="Killian Vexworth" dob=2002-02-02
    local cmd=("$PREVENT" -C . refer --as-of "$AS_OF" "${REFER_FLAGS[@]}")
    local k
    first_call "$S" fsync '/\.git/refs/heads$' "${cmd[@]}" || { fail "no fsync of the ref's directory"; return; }
    local errno
    for errno in EIO ENOSPC; do
        INJECT_WHAT="the ref's directory" inject_at "$S" fsync "$k" "$errno" "${cmd[@]}"
        assert_eq "$(git_in "$T/victim" ls-tree -r --name-only HEAD cases | wc -l)" 3 "cases at HEAD"
        run prevent -C "$T/victim" list --as-of "$AS_OF"
        assert_rc 0 "list"
        assert_eq "$(grep -c 'PRV-2026-' "$OUT")" 3 "cases listed"
    done
    assert_eq "$(cat "$T/outcomes")" "$(printf '1\n1')" "outcomes (1: committed)"
}

# The same for an import (the 14th fsync of a 70-record import in the
# report): the fsync of the ref's directory.
test_an_error_after_the_ref_was_renamed_in_an_import_leaves_a_whole_commit() {
    skip_without_strace && return 0
    setup_store
    "$PYTHON" "$PREVENT_SOURCE_DIR/tests/bench/gen_referrals.py" 70 2026 7 >"$T/in/70.csv"
    local cmd=("$PREVENT" -C . -q import "$T/in/70.csv" --as-of "$AS_OF")
    local k
    first_call "$S" fsync '/\.git/refs/heads$' "${cmd[@]}" || { fail "no fsync of the ref's directory"; return; }
    INJECT_WHAT="the ref's directory" inject_at "$S" fsync "$k" EIO "${cmd[@]}"
    assert_eq "$(git_in "$T/victim" ls-tree -r --name-only HEAD cases | wc -l)" 72 "cases at HEAD"
}

# Finding: an I/O error from syncfs in a batch write was ignored and the
# import reported success.
test_a_syncfs_error_in_an_import_is_a_failure_that_leaves_nothing() {
    skip_without_strace && return 0
    setup_store
    "$PYTHON" "$PREVENT_SOURCE_DIR/tests/bench/gen_referrals.py" 70 2026 7 >"$T/in/70.csv"
    local cmd=("$PREVENT" -C . -q import "$T/in/70.csv" --as-of "$AS_OF")
    local k
    first_call "$S" syncfs . "${cmd[@]}" || { fail "the import made no syncfs"; return; }
    INJECT_WHAT="syncfs" inject_at "$S" syncfs "$k" EIO "${cmd[@]}"
    assert_eq "$(cat "$T/outcomes")" 0 "outcome (0: nothing)"
    assert_contains "$(cat "$T/inj.err")" "Input/output error" "the error"
}

# Finding: a journal that could not be removed after the commit gave exit 0
# and blocked every later write.
test_a_journal_that_cannot_be_removed_is_reported_and_repaired() {
    skip_without_strace && return 0
    setup_store
    referral_flags name="Killian Vexworth" dob=2002-02-02
    local cmd=("$PREVENT" -C . refer --as-of "$AS_OF" "${REFER_FLAGS[@]}")
    local k
    first_call "$S" unlink '/\.git/prevent/journal$' "${cmd[@]}" || { fail "no unlink of the journal"; return; }
    rm -rf "$T/victim"
    cp -a "$S" "$T/victim"
    (cd "$T/victim" && traced -f -qq -o /dev/null -e trace=unlink -e inject="unlink:error=EIO:when=$k" "${cmd[@]}" \
        >"$T/inj.out" 2>"$T/inj.err" </dev/null)
    assert_eq "$?" 6 "exit status"
    assert_contains "$(cat "$T/inj.err")" "the change was committed" "the error"
    assert_contains "$(cat "$T/inj.err")" "check --repair" "the hint"
    assert_eq "$(commit_count "$T/victim")" 4 "commits"
    assert_clean "$T/victim"
    run prevent -C "$T/victim" check --repair --as-of "$AS_OF"
    assert_rc 0 "check --repair"
    assert_stdout_contains "repaired: completed the interrupted write"
    assert_no_file "$T/victim/.git/prevent/journal"
    refer_ok "$T/victim" name="Next Person" dob=2003-03-03
    assert_eq "$ID" PRV-2026-0004 "the next case's ID"
}

# A refer killed (SIGKILL) just after it renamed the record into place,
# before it fsyncs the record's directory: the journal and a new record
# file in the work tree, the index not yet updated (no index.lock).
kill_after_the_record() {
    local store="$1"
    shift
    local k
    first_call "$store" fsync '/cases/2026$' "$@" || { fail "no fsync of the record's directory"; return 1; }
    (cd "$store" && traced -f -qq -o /dev/null -e trace=fsync -e inject="fsync:signal=KILL:when=$k" "$@" \
        >/dev/null 2>&1)
    assert_file_exists "$store/.git/prevent/journal"
    assert_file_exists "$store/cases/2026/PRV-2026-0003.yaml"
    assert_no_file "$store/.git/index.lock"
}

# Finding: after a crash the first hints ("uncommitted changes in the way …
# commit them with git", check's "untracked file … commit it") sent the user
# to git, and the store that made was one `check --repair` refused.
test_while_a_write_is_half_done_every_message_points_to_the_repair() {
    skip_without_strace && return 0
    setup_store
    referral_flags name="Killian Vexworth" dob=2002-02-02
    kill_after_the_record "$S" "$PREVENT" -C . refer --as-of "$AS_OF" "${REFER_FLAGS[@]}" || return
    # A write to the same file: the journal first, not the file in the way.
    run prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_rc 6 "refer again"
    assert_one_error_line
    assert_stderr_contains "interrupted"
    assert_hint_contains "check --repair"
    assert_stderr_not_contains "commit them with git"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 6 "check"
    assert_eq "$(head -1 "$OUT" | cut -c1-21)" "error [interrupted] a" "check's first finding"
    assert_not_contains "$(cat "$OUT")" "commit it with git" "check's findings"
    assert_stdout_contains "run \`prevent check --repair\` first (cases/2026/PRV-2026-0003.yaml)"
    # The pre-commit hook refuses to commit the half-written files.
    git -C "$S" add -A
    run git -C "$S" commit -q -m "by hand"
    assert_rc_nonzero "git commit through the hook"
    assert_contains "$(cat "$OUT" "$ERR")" "check --repair" "the hook's message"
    run prevent -C "$S" check --repair --as-of "$AS_OF"
    assert_rc 0 "check --repair"
    assert_stdout_contains "repaired: rolled back"
    assert_clean "$S"
    refer_ok "$S" name="Killian Vexworth" dob=2002-02-02
    assert_eq "$ID" PRV-2026-0003 "the ID after the repair"
}

# Finding: `check --repair` refused a store where someone had committed the
# half-written files with git (the hook bypassed).
test_repair_copes_with_the_half_written_files_committed_by_hand() {
    skip_without_strace && return 0
    setup_store
    referral_flags name="Killian Vexworth" dob=2002-02-02
    kill_after_the_record "$S" "$PREVENT" -C . refer --as-of "$AS_OF" "${REFER_FLAGS[@]}" || return
    git -C "$S" add -A
    git -C "$S" commit -q --no-verify -m "refer: by hand after a crash" || fail "git commit"
    local head
    head="$(head_of "$S")"
    run prevent -C "$S" check --repair --as-of "$AS_OF"
    assert_rc 0 "check --repair"
    assert_stdout_contains "was committed with git since; its files now match HEAD (1 file)"
    assert_no_file "$S/.git/prevent/journal"
    assert_eq "$(head_of "$S")" "$head" "HEAD after the repair"
    assert_clean "$S"
    refer_ok "$S" name="Next Person" dob=2003-03-03
    assert_eq "$ID" PRV-2026-0004 "the next case's ID"
    assert_clean "$S"
}

# The same with the file changed by hand since: that is someone's work, and
# the repair leaves everything as it is.
test_repair_leaves_a_file_changed_since_the_crash() {
    skip_without_strace && return 0
    setup_store
    referral_flags name="Killian Vexworth" dob=2002-02-02
    kill_after_the_record "$S" "$PREVENT" -C . refer --as-of "$AS_OF" "${REFER_FLAGS[@]}" || return
    git -C "$S" add -A
    git -C "$S" commit -q --no-verify -m "refer: by hand after a crash" || fail "git commit"
    echo "# an edit" >>"$S/cases/2026/PRV-2026-0003.yaml"
    cp "$S/.git/prevent/journal" "$T/journal.before"
    run prevent -C "$S" check --repair --as-of "$AS_OF"
    assert_rc 6 "check --repair"
    assert_one_error_line
    assert_stderr_contains "names a file changed since (cases/2026/PRV-2026-0003.yaml)"
    cmp -s "$T/journal.before" "$S/.git/prevent/journal" || fail "the journal was changed"
}

# Finding: killed writers leave .journal.tmp-* and .verified-head.tmp-*,
# which `check --repair` did not remove.
test_temporary_files_of_stopped_writers_are_reported_and_repaired() {
    S="$T/store"
    new_store "$S"
    local gone
    gone="$(bash -c 'echo $$')"
    mkdir -p "$S/.git/prevent"
    echo "half" >"$S/.git/prevent/.journal.tmp-$gone"
    echo "half" >"$S/.git/prevent/.verified-head.tmp-$gone"
    # A live writer's temporary file is not litter.
    echo "busy" >"$S/.git/prevent/.cases-v1.tmp-$$"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 0 "check (notices)"
    assert_stdout_contains "notice [interrupted] a temporary file left by a stopped writer; \`prevent check --repair\` removes it (.git/prevent/.journal.tmp-$gone)"
    assert_stdout_contains "(.git/prevent/.verified-head.tmp-$gone)"
    assert_not_contains "$(cat "$OUT")" ".cases-v1.tmp-" "check's notices"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 4 "check --strict"
    run prevent -C "$S" check --repair --as-of "$AS_OF"
    assert_rc 0 "check --repair"
    assert_stdout_contains "removed: a temporary file left by a stopped writer (.git/prevent/.journal.tmp-$gone)"
    assert_no_file "$S/.git/prevent/.journal.tmp-$gone"
    assert_no_file "$S/.git/prevent/.verified-head.tmp-$gone"
    assert_file_exists "$S/.git/prevent/.cases-v1.tmp-$$"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0 "check --strict after the repair"
}

# Finding: a failed write (a signer that fails) left its records, personal
# data, as unreachable objects until `git gc`.
test_a_failing_signer_leaves_no_object() {
    setup_store
    git config --global commit.gpgsign true
    git config --global gpg.program false
    local before
    before="$(state_of "$S")"
    referral_flags name="Killian Vexworth" dob=2002-02-02
    expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_stderr_contains "cannot sign the commit"
    assert_eq "$(state_of "$S")" "$before" "HEAD, reflog and objects"
}

# A write that fails after its objects were stored (an error renaming the
# record into place) removes them again: only those it added.
test_a_write_that_fails_after_storing_its_objects_removes_them() {
    skip_without_strace && return 0
    setup_store
    referral_flags name="Killian Vexworth" dob=2002-02-02
    local cmd=("$PREVENT" -C . refer --as-of "$AS_OF" "${REFER_FLAGS[@]}")
    local k
    first_call "$S" rename '/cases/2026/\.PRV-2026-0003\.yaml\.tmp-' "${cmd[@]}" || { fail "no rename of the record"; return; }
    local objects_before
    objects_before="$(git_in "$S" count-objects -v | awk '/^count:/ { print $2 }')"
    INJECT_WHAT="the record's rename" inject_at "$S" rename "$k" EIO "${cmd[@]}"
    assert_eq "$(cat "$T/outcomes")" 0 "outcome (0: nothing)"
    # inject_at compared the object files before and after the failure; the
    # retry then wrote the commit's own.
    local objects_after
    objects_after="$(git_in "$T/victim" count-objects -v | awk '/^count:/ { print $2 }')"
    ((objects_after > objects_before)) || fail "the retry's objects: $objects_before before, $objects_after after"
}

# A disk that stays full: every rename from the record's on fails, so the
# record is never replaced. The rollback leaves the record alone (it used
# to write the old text back, which failed on the same disk and left the
# journal, blocking every write until `check --repair`).
test_a_disk_that_stays_full_leaves_nothing_and_no_journal() {
    skip_without_strace && return 0
    setup_store
    local cmd=("$PREVENT" -C . triage PRV-2026-0001 --outcome no-further-action --date 2026-11-04 --as-of "$AS_OF")
    local k
    first_call "$S" rename '/cases/2026/\.PRV-2026-0001\.yaml\.tmp-' "${cmd[@]}" || { fail "no rename of the record"; return; }
    INJECT_WHAT="every rename from the record's" inject_at "$S" rename "$k+" ENOSPC "${cmd[@]}"
    assert_eq "$(cat "$T/outcomes")" 0 "outcome (0: nothing)"
    assert_not_contains "$(cat "$T/inj.err")" "check --repair" "the message"
}

_status=0
run_tests "$@" || _status=$?
sed 's/^/writes_inject: /' "$INJECT_TALLY"
rm -f "$INJECT_TALLY"
exit "$_status"

#!/usr/bin/env bash
# Several writers at once, and the store's lock (SPEC §6 "A writer waits up
# to 30 s for the lock", §8 one commit per change).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
LOCK_PID=""

# A store holding 200 imported cases of 2026.
setup_store_with_200_cases() {
    S="$T/store"
    new_store "$S"
    {
        echo "received,route,sector,agency,referrer_role,name,date_of_birth,gender,concern_type,concern_summary"
        local i
        for ((i = 1; i <= 200; i++)); do
            printf '2026-%02d-%02d,email,education,Example Academy,Teacher,Fictional Person%03d,2001-%02d-%02d,male,islamist,Fictional summary %d\n' \
                $(((i % 10) + 1)) $(((i % 27) + 1)) "$i" $(((i % 12) + 1)) $(((i % 28) + 1)) "$i"
        done
    } >"$T/in/cases.csv"
    run prevent -C "$S" -q import "$T/in/cases.csv" --as-of "$AS_OF"
    [[ $RC -eq 0 ]] || { fail "import of 200 cases failed"; _show "$ERR"; }
    assert_eq "$(head_trailers "$S" Prevent-Case-Count)" 200 "Prevent-Case-Count of the import"
}

# Holds the store's lock from another process until release_lock.
hold_lock() {
    flock "$S/.git/prevent.lock" sleep 10 </dev/null >/dev/null 2>&1 &
    LOCK_PID=$!
    local i
    for ((i = 0; i < 200; i++)); do
        flock -n "$S/.git/prevent.lock" true 2>/dev/null || return 0
        sleep 0.05
    done
    fail "the lock was not taken by the helper process"
}

release_lock() {
    [[ -n "$LOCK_PID" ]] || return 0
    # flock runs `sleep` as its child, which holds the lock too: end both,
    # by their process IDs.
    local -a children=()
    mapfile -t children < <(pgrep -P "$LOCK_PID" 2>/dev/null)
    kill "$LOCK_PID" "${children[@]}" 2>/dev/null
    wait "$LOCK_PID" 2>/dev/null
    LOCK_PID=""
}

# writer_problems FILE: the lines of a writer's stderr other than the
# confirming line each write prints and the possible-match notice of
# `refer` (issue 17): anything else is a problem.
writer_problems() {
    grep -Ev '^prevent: (PRV-[0-9]{4}-[0-9]{4,}: (referral received|noted) |possible match: PRV-)' "$1"
}

test_twenty_referrals_at_once_get_twenty_distinct_ids_and_commits() {
    setup_store_with_200_cases
    local before i
    before="$(commit_count "$S")"
    mkdir "$T/jobs"
    for ((i = 1; i <= 20; i++)); do
        (
            referral_flags name="Concurrent Person$i" dob="2000-01-$(printf '%02d' "$i")" received=2026-11-0$(((i % 9) + 1))
            "$PREVENT" -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}" >"$T/jobs/$i.out" 2>"$T/jobs/$i.err" </dev/null
            echo $? >"$T/jobs/$i.rc"
        ) &
    done
    wait
    for ((i = 1; i <= 20; i++)); do
        assert_eq "$(cat "$T/jobs/$i.rc")" 0 "exit code of writer $i"
        assert_eq "$(grep -c '^prevent: PRV-.*: referral received' "$T/jobs/$i.err")" 1 "writer $i's confirming line"
        writer_problems "$T/jobs/$i.err" >/dev/null && { fail "writer $i wrote a problem to stderr"; _show "$T/jobs/$i.err"; }
    done
    assert_eq "$(cat "$T"/jobs/*.out | sort -u | wc -l)" 20 "distinct IDs printed"
    assert_eq "$(cat "$T"/jobs/*.out | sort | tr '\n' ' ')" \
        "$(for ((i = 201; i <= 220; i++)); do printf 'PRV-2026-%04d ' "$i"; done)" "IDs printed"
    assert_eq "$(commit_count "$S")" "$((before + 20))" "number of commits"
    assert_eq "$(git_in "$S" ls-files cases | wc -l)" 220 "case files"
    # Each commit adds exactly one case, named in its trailer.
    local n
    n="$(git_in "$S" log -20 --format='%(trailers:key=Prevent-Case,valueonly)' | sed '/^$/d' | sort -u | wc -l)"
    assert_eq "$n" 20 "distinct Prevent-Case trailers of the last 20 commits"
    assert_eq "$(git_in "$S" log -20 --format=%s | grep -c '^refer: ')" 20 "refer commits"
    assert_clean "$S"
    local fsck
    fsck="$(git -C "$S" fsck --full --strict --no-dangling 2>&1)"
    assert_eq "$?$fsck" "0" "git fsck"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_empty
}

test_a_writer_gives_up_with_exit_6_when_the_lock_is_held_and_no_wait_is_allowed() {
    S="$T/store"
    new_store "$S"
    refer_ok "$S"
    hold_lock
    referral_flags name="Maribex Tundrell" dob=2008-03-19
    local start elapsed
    start="$(now_ms)"
    PREVENT_LOCK_WAIT=0 expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    elapsed=$(($(now_ms) - start))
    assert_stderr_contains "lock"
    assert_hint_contains "PREVENT_LOCK_WAIT"
    [[ $elapsed -lt 5000 ]] || fail "PREVENT_LOCK_WAIT=0 waited ${elapsed} ms"
    PREVENT_LOCK_WAIT=0 expect_refusal 6 "$S" prevent -C "$S" panel new 2026-12-03 --as-of "$AS_OF" \
        --chair "Prevent Lead@Example Borough Council" --police "Detective Sergeant@Example Constabulary"
    case_yaml name="Quen Arbolt" >"$T/in/one.yaml"
    PREVENT_LOCK_WAIT=0 expect_refusal 6 "$S" prevent -C "$S" import "$T/in/one.yaml" --as-of "$AS_OF"
    # Readers do not need the lock.
    PREVENT_LOCK_WAIT=0 run prevent -C "$S" list --format csv --as-of "$AS_OF"
    assert_rc 0 "list while the lock is held"
    PREVENT_LOCK_WAIT=0 run prevent -C "$S" show PRV-2026-0001 --as-of "$AS_OF"
    assert_rc 0 "show while the lock is held"
    PREVENT_LOCK_WAIT=0 run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 0 "check while the lock is held"
    release_lock
}

test_a_writer_waits_for_the_lock_up_to_prevent_lock_wait_seconds() {
    S="$T/store"
    new_store "$S"
    hold_lock
    referral_flags
    local start elapsed
    start="$(now_ms)"
    PREVENT_LOCK_WAIT=1 expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    elapsed=$(($(now_ms) - start))
    [[ $elapsed -ge 900 ]] || fail "PREVENT_LOCK_WAIT=1 gave up after ${elapsed} ms"
    release_lock
}

test_a_writer_waiting_for_the_lock_goes_on_when_it_is_released() {
    S="$T/store"
    new_store "$S"
    flock "$S/.git/prevent.lock" sleep 1 </dev/null >/dev/null 2>&1 &
    local holder=$!
    local i
    for ((i = 0; i < 100; i++)); do
        flock -n "$S/.git/prevent.lock" true 2>/dev/null || break
        sleep 0.02
    done
    referral_flags
    PREVENT_LOCK_WAIT=20 run prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_rc 0
    assert_stdout_eq "PRV-2026-0001"
    wait "$holder"
    assert_clean "$S"
}

# Writers of every kind at once on the same cases, and readers running
# through it: 8 processes each make 10 referrals and 3 chronology notes on
# the same two cases; 8 more try to triage the same case (one may win);
# readers list, report and list what is due the whole time.
test_mixed_writers_and_readers_lose_nothing() {
    setup_store_with_200_cases
    local before
    before="$(commit_count "$S")"
    mkdir "$T/jobs" "$T/readers"
    local stop="$T/stop-readers"
    reader() { # reader N: reads until $stop exists; each read's status and output kept
        local n="$1" k=0
        while [[ ! -e "$stop" ]]; do
            k=$((k + 1))
            "$PREVENT" -C "$S" --as-of "$AS_OF" list --format csv >"$T/readers/$n.$k.list" 2>"$T/readers/$n.$k.err" </dev/null
            echo "list $?" >>"$T/readers/$n.rc"
            "$PREVENT" -C "$S" --as-of "$AS_OF" review due --format csv >"$T/readers/$n.$k.due" 2>>"$T/readers/$n.$k.err" </dev/null
            echo "due $?" >>"$T/readers/$n.rc"
            "$PREVENT" -C "$S" --as-of "$AS_OF" report --period 2026-Q4 --suppress 0 --format json \
                >"$T/readers/$n.$k.json" 2>>"$T/readers/$n.$k.err" </dev/null
            echo "report $?" >>"$T/readers/$n.rc"
        done
    }
    reader 1 &
    local r1=$!
    reader 2 &
    local r2=$!
    local w
    for ((w = 1; w <= 8; w++)); do
        (
            # Lock timeouts are another test's subject: a slow machine or a
            # sanitizer build must not turn waiting into a refusal here.
            export PREVENT_LOCK_WAIT=900
            local i
            for ((i = 1; i <= 10; i++)); do
                referral_flags name="Mixed Writer$w Person$i" dob="1990-01-$(printf '%02d' "$i")" received=2026-11-1$((i % 9))
                "$PREVENT" -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}" >>"$T/jobs/$w.ids" 2>>"$T/jobs/$w.err" </dev/null
                echo "refer $?" >>"$T/jobs/$w.rc"
                if ((i % 3 == 0)); then
                    "$PREVENT" -C "$S" note "PRV-2026-000$((1 + w % 2))" --as-of "$AS_OF" --date 2026-11-20 \
                        --kind contact --with "Example Agency $w" --text "Fictional note $w $i" \
                        >/dev/null 2>>"$T/jobs/$w.err" </dev/null
                    echo "note $?" >>"$T/jobs/$w.rc"
                fi
            done
            "$PREVENT" -C "$S" triage PRV-2026-0003 --as-of "$AS_OF" --outcome no-further-action --date 2026-11-20 \
                >/dev/null 2>"$T/jobs/$w.triage.err" </dev/null
            echo "triage $?" >>"$T/jobs/$w.rc"
        ) &
    done
    local writers
    for w in $(jobs -p); do
        [[ "$w" == "$r1" || "$w" == "$r2" ]] || writers+=" $w"
    done
    # shellcheck disable=SC2086
    wait $writers
    touch "$stop"
    wait "$r1" "$r2"

    # Writers: every referral and note went in; exactly one triage won.
    assert_eq "$(cat "$T"/jobs/*.rc | grep -c '^refer 0$')" 80 "successful referrals"
    assert_eq "$(cat "$T"/jobs/*.rc | grep -c '^note 0$')" 24 "successful notes"
    assert_eq "$(cat "$T"/jobs/*.rc | grep -c '^triage 0$')" 1 "successful triages"
    assert_eq "$(cat "$T"/jobs/*.rc | grep -c '^triage 4$')" 7 "triages refused by rule 2 (exit 4)"
    local e
    for ((w = 1; w <= 8; w++)); do
        writer_problems "$T/jobs/$w.err" >/dev/null && { fail "writer $w wrote a problem to stderr"; _show "$T/jobs/$w.err"; }
        if ! grep -q '^triage 0$' "$T/jobs/$w.rc"; then
            assert_eq "$(grep -c '^prevent: refused by rule 2' "$T/jobs/$w.triage.err")" 1 "writer $w's refused triage"
        fi
    done
    assert_eq "$(cat "$T"/jobs/*.ids | sort -u | wc -l)" 80 "distinct IDs"
    assert_eq "$(commit_count "$S")" "$((before + 80 + 24 + 1))" "one commit per successful command"
    assert_eq "$(case_field "$S" PRV-2026-0001 'len(d.get("chronology", []))')" 12 "notes on PRV-2026-0001"
    assert_eq "$(case_field "$S" PRV-2026-0002 'len(d.get("chronology", []))')" 12 "notes on PRV-2026-0002"
    assert_clean "$S"
    local fsck
    fsck="$(git -C "$S" fsck --full --strict --no-dangling 2>&1)"
    assert_eq "$?$fsck" "0" "git fsck"

    # Readers: every read succeeded and saw a whole store.
    local bad
    bad="$(cat "$T"/readers/*.rc | grep -vc ' 0$')"
    assert_eq "$bad" 0 "failed reads"
    for e in "$T"/readers/*.err; do
        [[ -s "$e" ]] && { fail "a reader wrote to stderr: $e"; _show "$e"; }
    done
    local reads
    reads="$(cat "$T"/readers/*.rc | wc -l)"
    [[ $reads -ge 6 ]] || fail "only $reads reads ran during the writes"
    "$PYTHON" - "$T/readers" <<'PY' || fail "a reader saw a half-written store"
import csv, glob, json, sys
d = sys.argv[1]
for f in glob.glob(d + "/*.list"):
    rows = list(csv.reader(open(f, newline="")))
    assert rows[0] == ["id", "stage", "received", "sector", "concern", "next_due"], f
    assert all(len(r) == 6 for r in rows), f
    ids = [r[0] for r in rows[1:]]
    assert len(ids) == len(set(ids)) and len(ids) >= 200, f
for f in glob.glob(d + "/*.json"):
    j = json.load(open(f))
    assert j["referrals"]["total"] >= 20, f
for f in glob.glob(d + "/*.due"):
    rows = list(csv.reader(open(f, newline="")))
    assert rows[0] == ["id", "stage", "item", "due", "days_overdue"], f
PY
}

run_tests "$@"

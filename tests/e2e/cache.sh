#!/usr/bin/env bash
# The cache of whole-store reads (.git/prevent/cases-v1, lib/store/derived/case_cache.hpp):
# never a source of truth. `list`, `review due`, `report` and `panel
# agenda` give the same output with no cache, a good one, a stale one, a
# truncated one, one overwritten with garbage and one of another format
# version; the cache holds no personal data and is owner-only. Writes by
# prevent keep it warm through its side file (cases-v1-changes): the first
# read after a write does not take the long way and gives what a read
# without a cache gives; a hand commit, a reset or a damaged side file
# only make it slower.
#
# CACHE_QUICK=1 (slow sanitizer builds; .ci/run) checks the reads after one
# write in three of the test of every kind of write (every write is still
# made, and the reads after the last one are always checked) and tries one
# kind of damage of the side file in four, which ones chosen by
# E2E_SAMPLE_OFFSET (lib/common.bash); every test still runs.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

if [[ -n "${CACHE_QUICK:-}" ]]; then WARM_EVERY=3 DAMAGE_EVERY=4; else WARM_EVERY=1 DAMAGE_EVERY=1; fi

S=""
CACHE=""
CHANGES=""

setup_store() { # [--no-hook]
    S="$T/store"
    CACHE="$S/.git/prevent/cases-v1"
    CHANGES="$S/.git/prevent/cases-v1-changes"
    new_store "$S" "$@"
    {
        echo "---"
        case_yaml received=2026-11-03 sector=education concern=extreme-right-wing name="Cachel Vornquist" dob=2009-07-23 postcode=ZZ4 summary="Cache phrase Ombrith"
        echo "---"
        case_yaml received=2026-10-01 sector=health concern=islamist name="Maribex Tundrell" dob=2008-03-19 postcode=ZZ7
        printf 'triage:\n  completed: 2026-10-02\n  outcome: no-further-action\n  rationale: Cache rationale Ombrith\n'
        echo "---"
        case_yaml received=2026-09-15 sector=police concern=islamist name="Quen Arbolt" dob=2001-02-13 postcode=ZZ9
        printf 'triage:\n  completed: 2026-09-16\n  outcome: signposted\n  signposted_to: [early-help]\n'
        echo "---"
        case_yaml received=2025-06-30 sector=education concern=conflicted name="Tirva Nolsk" dob=1999-12-01 postcode=ZZ2
    } >"$T/in/cases.yaml"
    PERSONAL+=("Cachel Vornquist" 2009-07-23 "Quen Arbolt" 2001-02-13 "Tirva Nolsk" 1999-12-01 "Ombrith")
    run prevent -C "$S" -q import "$T/in/cases.yaml" --as-of "$AS_OF"
    [[ $RC -eq 0 ]] || { fail "import of the test cases failed"; _show "$ERR"; }
}

# Every whole-store read, concatenated, into $T/outputs.NAME.
reads() {
    local name="$1" f="$T/outputs.$1"
    : >"$f"
    local cmd
    for cmd in "list --format json" "review due --within 4w --format csv" \
        "report --period 2026-Q4 --suppress 0 --format json" "report --from 2025-01-01 --to 2026-11-27 --format csv"; do
        # shellcheck disable=SC2086
        run prevent -C "$S" --as-of "$AS_OF" $cmd
        assert_rc 0 "$cmd ($name)"
        assert_stderr_empty
        { echo "== $cmd"; cat "$OUT"; } >>"$f"
    done
}

same_as_cold() { # same_as_cold NAME: outputs.NAME equal outputs.cold
    cmp -s "$T/outputs.cold" "$T/outputs.$1" || {
        fail "output with $1 cache differs from the output without a cache"
        diff "$T/outputs.cold" "$T/outputs.$1" | head -10
    }
}

test_reads_make_the_cache_and_give_the_same_output_warm() {
    setup_store
    assert_no_file "$CACHE"
    reads cold
    assert_file_exists "$CACHE"
    assert_mode "$CACHE" 600
    reads warm
    same_as_cold warm
    assert_clean "$S"
}

test_the_cache_holds_no_personal_data() {
    setup_store
    reads cold
    local p
    for p in "${PERSONAL[@]}"; do
        if grep -qaF -- "$p" "$CACHE"; then fail "the cache holds personal data: $p"; fi
    done
}

test_a_garbage_cache_is_rebuilt() {
    setup_store
    reads cold
    head -c 5000 /dev/urandom >"$CACHE"
    reads garbage
    same_as_cold garbage
    assert_eq "$(head -c 8 "$CACHE")" "PRVCASES" "the cache was rebuilt"
}

test_a_truncated_cache_is_rebuilt() {
    setup_store
    reads cold
    local size
    size=$(stat -c %s "$CACHE")
    head -c $((size / 2)) "$CACHE" >"$T/half" && cp "$T/half" "$CACHE"
    reads truncated
    same_as_cold truncated
    assert_eq "$(stat -c %s "$CACHE")" "$size" "the rebuilt cache's size"
}

test_a_flipped_byte_is_caught() {
    setup_store
    reads cold
    # Change one byte in the middle of the entries; the checksum no longer matches.
    "$PYTHON" - "$CACHE" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x01
open(p, "wb").write(bytes(b))
EOF
    reads flipped
    same_as_cold flipped
}

test_a_cache_of_another_format_version_is_rebuilt() {
    setup_store
    reads cold
    # Bytes 8-11 hold the format version.
    printf '\x63\x00\x00\x00' | dd of="$CACHE" bs=1 seek=8 conv=notrunc 2>/dev/null
    reads old_version
    same_as_cold old_version
    assert_eq "$(od -An -tu1 -j8 -N4 "$CACHE" | tr -s ' ')" " 4 0 0 0" "the rebuilt cache's version"
}

test_a_write_is_seen_by_the_next_read() {
    setup_store
    reads before
    run prevent -C "$S" --as-of "$AS_OF" list --format csv
    assert_contains "$(cat "$OUT")" "PRV-2026-0001,awaiting-triage"
    run prevent -C "$S" --as-of "$AS_OF" triage PRV-2026-0001 --outcome no-further-action --date 2026-11-05
    assert_rc 0 "triage"
    run prevent -C "$S" --as-of "$AS_OF" list --format csv
    assert_contains "$(cat "$OUT")" "PRV-2026-0001,no-further-action"
    rm -f "$CACHE"
    reads cold
    reads after
    same_as_cold after
}

test_a_changed_prevent_yaml_invalidates_the_cache() {
    setup_store
    reads cold
    # A hand edit adding a sector: the report must show the new key at once.
    "$PYTHON" - "$S/prevent.yaml" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("  sectors:\n", "  sectors:\n    - key: charity\n      label: Charity\n", 1)
open(p, "w").write(s)
EOF
    git_in "$S" commit -qam "Add a sector by hand"
    run prevent -C "$S" --as-of "$AS_OF" report --period 2026-Q4 --suppress 0 --format json
    assert_rc 0
    assert_eq "$(json_eval 'd["referrals"]["by_sector"].get("charity")' <"$OUT")" "0" "the new sector's count"
}

test_an_unreadable_record_is_reported_with_or_without_cache() {
    setup_store --no-hook
    reads cold
    # Break one record by hand; the cache must not hide it.
    local f="$S/cases/2026/PRV-2026-0002.yaml"
    sed -i 's/^  route: .*/  route: carrier-pigeon/' "$f"
    git_in "$S" commit -qam "Hand edit"
    local i
    for i in 1 2; do
        run prevent -C "$S" --as-of "$AS_OF" list --format csv
        assert_rc 5 "list over a broken record (run $i)"
        assert_stderr_contains "PRV-2026-0002"
        assert_not_contains "$(cat "$OUT")" "PRV-2026-0002"
        assert_contains "$(cat "$OUT")" "PRV-2026-0001"
    done
}

test_a_file_beside_the_records_changes_nothing() {
    # A new `cases` tree with the same records: the cache is rewritten for
    # the new tree, nothing is parsed, the output is the same.
    setup_store
    reads cold
    echo "notes" >"$S/cases/README.txt"
    git_in "$S" add cases/README.txt
    git_in "$S" commit -qm "A note beside the records"
    reads beside
    same_as_cold beside
    reads beside_again
    same_as_cold beside_again
}

test_a_record_fixed_after_being_unreadable_is_read_again() {
    setup_store --no-hook
    reads cold
    local f="$S/cases/2026/PRV-2026-0002.yaml"
    cp "$f" "$T/good.yaml"
    sed -i 's/^  route: .*/  route: carrier-pigeon/' "$f"
    git_in "$S" commit -qam "Break a record by hand"
    run prevent -C "$S" --as-of "$AS_OF" list --format csv
    assert_rc 5 "list over a broken record"
    cp "$T/good.yaml" "$f"
    git_in "$S" commit -qam "Mend it"
    reads mended
    same_as_cold mended
}

test_a_cache_from_another_store_is_not_used() {
    setup_store
    reads cold
    # Another store's cache (other records) in its place: made for another
    # `cases` tree, so each record is looked up by its blob ID.
    local other="$T/other"
    new_store "$other"
    refer_ok "$other" name="Quen Arbolt" dob=2001-02-13 sector=police
    run prevent -C "$other" --as-of "$AS_OF" list
    assert_rc 0 "list in the other store"
    cp "$other/.git/prevent/cases-v1" "$CACHE"
    reads foreign
    same_as_cold foreign
}

# ---------------------------------------------------------------------------
# Writes keep the cache warm.

# The reads of this moment with no cache at all, into outputs.NAME; the
# cache and its side file are put back as they were.
cold_now() { # cold_now NAME
    mkdir -p "$T/hold"
    rm -f "$T/hold/"*
    mv "$CACHE" "$T/hold/cache"
    [[ -f "$CHANGES" ]] && mv "$CHANGES" "$T/hold/changes"
    reads "$1"
    rm -f "$CHANGES"
    mv "$T/hold/cache" "$CACHE"
    [[ -f "$T/hold/changes" ]] && mv "$T/hold/changes" "$CHANGES"
    return 0
}

same_as() { # same_as NAME OTHER
    cmp -s "$T/outputs.$2" "$T/outputs.$1" || {
        fail "output after $1 differs from the output without a cache"
        diff "$T/outputs.$2" "$T/outputs.$1" | head -10
    }
}

# After a write: the reads leave the cache file as it was (the long way
# rewrites it, HEAD having a new tree) and give what a read without a
# cache gives.
check_warm() { # check_warm NAME
    local name="$1"
    cp "$CACHE" "$T/cache.before"
    reads "$name"
    cmp -s "$CACHE" "$T/cache.before" || fail "after $name the first read took the long way (the cache was rewritten)"
    cold_now "${name}_cold"
    same_as "$name" "${name}_cold"
}

write_ok() { # write_ok WHAT ARGS…: a prevent write that must succeed
    local what="$1"
    shift
    run prevent -C "$S" --as-of "$AS_OF" "$@"
    assert_rc 0 "$what"
    [[ $RC -eq 0 ]] || _show "$ERR"
}

test_every_kind_of_write_keeps_the_cache_warm() {
    setup_store
    reads cold
    refer_ok "$S" name="Varnel Oskbright" dob=2010-05-04 sector=police received=2026-11-20
    assert_file_exists "$CHANGES"
    assert_mode "$CHANGES" 600
    sampled "$WARM_EVERY" warm-after-write && check_warm refer
    write_ok triage triage PRV-2026-0001 --outcome channel-panel --date 2026-11-05 --s36-date 2026-11-05 \
        --s36-by "Counter Terrorism Policing Example Region" --rationale "Cache rationale Ombrith"
    sampled "$WARM_EVERY" warm-after-write && check_warm triage
    write_ok note note PRV-2026-0001 --date 2026-11-06 --kind info-request --with "Example NHS Foundation Trust" \
        --text "Cache note Ombrith"
    sampled "$WARM_EVERY" warm-after-write && check_warm note
    meeting_ok "$S" 2026-11-12
    sampled "$WARM_EVERY" warm-after-write && check_warm panel_new
    write_ok "panel decide" panel decide 2026-11-12 PRV-2026-0001 --decision adopt --method consensus
    sampled "$WARM_EVERY" warm-after-write && check_warm panel_decide
    write_ok "panel consent" panel consent PRV-2026-0001 --status given --by parent-guardian --date 2026-11-13
    sampled "$WARM_EVERY" warm-after-write && check_warm panel_consent
    write_ok "review record" review record PRV-2026-0001 --date 2026-11-26 --kind monthly --outcome continue
    sampled "$WARM_EVERY" warm-after-write && check_warm review_record
    write_ok correct correct PRV-2026-0003 referral.subject.date_of_birth=2001-02-14 \
        --reason "Fictional reason: typed from the wrong form"
    sampled "$WARM_EVERY" warm-after-write && check_warm correct
    # An import large enough to be encoded from the records it was given.
    {
        local i
        for ((i = 1; i <= 20; i++)); do
            echo "---"
            case_yaml received=2026-11-1$((i % 10)) name="Import Quolberg$i" dob=2007-01-$((10 + i)) postcode=ZZ3 \
                sector=health concern=islamist
        done
        echo "---"
        case_yaml received=2024-02-29 name="Import Lepworth" dob=2012-02-29 postcode=ZZ5
    } >"$T/in/more.yaml"
    write_ok import -q import "$T/in/more.yaml"
    check_warm import
    local p
    for p in "${PERSONAL[@]}" "Varnel Oskbright" 2010-05-04 2001-02-14; do
        if grep -qaF -- "$p" "$CHANGES"; then fail "the side file holds personal data: $p"; fi
    done
    assert_clean "$S"
}

test_a_hand_commit_after_writes_gives_the_same_results() {
    setup_store
    reads cold
    refer_ok "$S" name="Varnel Oskbright" dob=2010-05-04 received=2026-11-20
    write_ok triage triage PRV-2026-0001 --outcome no-further-action --date 2026-11-05
    # A hand edit, committed with git: the side file has no record of it.
    sed -i 's/^    sector: education/    sector: health/' "$S/cases/2026/PRV-2026-0001.yaml"
    git_in "$S" commit -qam "Hand edit of a sector"
    cp "$CACHE" "$T/cache.before"
    reads hand
    if cmp -s "$CACHE" "$T/cache.before"; then fail "a hand commit did not send the read the long way"; fi
    assert_no_file "$CHANGES"
    cold_now hand_cold
    same_as hand hand_cold
    assert_contains "$(cat "$T/outputs.hand")" '"sector": "health"'
    # prevent's writes after it are kept warm again.
    refer_ok "$S" name="Pellam Dorquist" dob=2011-08-09 received=2026-11-21
    check_warm after_hand
}

test_a_reset_to_an_earlier_commit_gives_the_same_results() {
    setup_store
    reads cold
    refer_ok "$S" name="Varnel Oskbright" dob=2010-05-04 received=2026-11-20
    write_ok triage triage PRV-2026-0001 --outcome no-further-action --date 2026-11-05
    reads written
    git_in "$S" reset -q --hard HEAD~1
    reads reset
    cold_now reset_cold
    same_as reset reset_cold
    run prevent -C "$S" --as-of "$AS_OF" list --format csv
    assert_contains "$(cat "$OUT")" "PRV-2026-0001,awaiting-triage"
    git_in "$S" reset -q --hard HEAD~1
    reads reset2
    cold_now reset2_cold
    same_as reset2 reset2_cold
    assert_not_contains "$(cat "$T/outputs.reset2")" "PRV-2026-0005"
    # A write from here starts another line of history, kept warm too.
    write_ok triage triage PRV-2026-0001 --outcome no-further-action --date 2026-11-06
    check_warm after_reset
}

test_a_damaged_side_file_is_not_used() {
    local damage size
    for damage in garbage truncated flipped old_version; do
        sampled "$DAMAGE_EVERY" side-file-damage || continue
        setup_store
        reads cold
        refer_ok "$S" name="Varnel Oskbright" dob=2010-05-04 received=2026-11-20
        write_ok triage triage PRV-2026-0001 --outcome no-further-action --date 2026-11-05
        size=$(stat -c %s "$CHANGES")
        case "$damage" in
            garbage) head -c 3000 /dev/urandom >"$CHANGES" ;;
            truncated) head -c $((size - 5)) "$CHANGES" >"$T/part" && cp "$T/part" "$CHANGES" ;;
            flipped)
                "$PYTHON" - "$CHANGES" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) - 30] ^= 0x01
open(p, "wb").write(bytes(b))
EOF
                ;;
            old_version) printf '\x02\x00\x00\x00' | dd of="$CHANGES" bs=1 seek=8 conv=notrunc 2>/dev/null ;;
        esac
        cp "$CACHE" "$T/cache.before"
        reads "$damage"
        if cmp -s "$CACHE" "$T/cache.before"; then fail "a $damage side file was used"; fi
        assert_no_file "$CHANGES"
        cold_now "${damage}_cold"
        same_as "$damage" "${damage}_cold"
        reads "${damage}_again"
        same_as "${damage}_again" "${damage}_cold"
        rm -rf "$S" "$T/outputs."*
    done
}

run_tests "$@"

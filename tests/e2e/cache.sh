#!/usr/bin/env bash
# The cache of whole-store reads (.git/prevent/cases-v1, lib/case_cache.hpp):
# never a source of truth. `list`, `review due`, `report` and `panel
# agenda` give the same output with no cache, a good one, a stale one, a
# truncated one, one overwritten with garbage and one of another format
# version; the cache holds no personal data and is owner-only.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
CACHE=""

setup_store() {
    S="$T/store"
    CACHE="$S/.git/prevent/cases-v1"
    new_store "$S"
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
    assert_eq "$(od -An -tu1 -j8 -N4 "$CACHE" | tr -s ' ')" " 2 0 0 0" "the rebuilt cache's version"
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
    setup_store
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
    setup_store
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

run_tests "$@"

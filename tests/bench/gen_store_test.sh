#!/usr/bin/env bash
# The synthetic store generator (prevent_gen_store): what it makes must be a
# valid store that `prevent check` passes, with the commits the program
# would have made, the same from the same seed. Registered with ctest as
# bench.gen_store; GEN=path/to/prevent_gen_store picks the generator.
source "$(dirname "$0")/../e2e/lib/common.bash"
: "${GEN:=$PREVENT_SOURCE_DIR/build/tests/bench/prevent_gen_store}"
[[ "$GEN" == /* ]] || GEN="$(pwd)/$GEN"

# gen_store DIR ARGS…: a store made by the generator in DIR.
gen_store() {
    local dir="$1"
    shift
    git init -q -b main "$dir" || return 1
    "$GEN" "$@" 2>"$T/gen.log" | git -C "$dir" fast-import --quiet >/dev/null
    [[ "${PIPESTATUS[0]} ${PIPESTATUS[1]}" == "0 0" ]] || return 1
    git -C "$dir" reset -q --hard
}

test_a_generated_store_with_full_history_passes_check() {
    gen_store "$T/s" --cases 400 --seed 5 --first-year 2020 --validate || fail "generating the store failed"
    run prevent -C "$T/s" check --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_empty
    drop_plain_store_note
    assert_stderr_empty
    assert_clean "$T/s"
    assert_eq "$(find "$T/s/cases" -name '*.yaml' | wc -l)" 400 "case files"
    # Every stage a store reaches over six years is there.
    run prevent -C "$T/s" list --format csv --as-of "$AS_OF"
    local stage
    for stage in no-further-action signposted police-managed not-adopted closed; do
        assert_contains "$(cut -d, -f2 "$OUT")" "$stage" "stages"
    done
}

test_every_commit_is_one_the_program_would_make() {
    gen_store "$T/s" --cases 300 --seed 2 --first-year 2021 || fail "generating the store failed"
    local commits with_action
    commits=$(git -C "$T/s" rev-list --count HEAD)
    with_action=$(git -C "$T/s" log --format=%B | grep -c '^Prevent-Action: ')
    assert_eq "$with_action" "$commits" "commits with a Prevent-Action trailer"
    # One case or meeting file per commit, after the first.
    assert_eq "$(git -C "$T/s" log --format= --name-only HEAD~"$((commits - 1))"..HEAD | grep -c .)" \
        "$((commits - 1))" "files changed"
    assert_eq "$(git -C "$T/s" log --format=%ae | grep -vc '@example\.invalid$')" 0 "authors outside example.invalid"
    assert_contains "$(git -C "$T/s" log --format=%s)" "panel decide: "
    assert_contains "$(git -C "$T/s" log --format=%s)" "review record: "
    # No name of a person in any commit message.
    local names
    names=$(grep -h '^    name: ' "$T"/s/cases/*/*.yaml | sed 's/^    name: //' | sort -u)
    assert_eq "$(git -C "$T/s" log --format=%B | grep -cFf <(printf '%s\n' "$names"))" 0 "messages naming a person"
}

test_the_same_seed_gives_the_same_stream() {
    "$GEN" --cases 200 --seed 9 2>/dev/null | sha1sum >"$T/a"
    "$GEN" --cases 200 --seed 9 2>/dev/null | sha1sum >"$T/b"
    "$GEN" --cases 200 --seed 10 2>/dev/null | sha1sum >"$T/c"
    assert_eq "$(cat "$T/a")" "$(cat "$T/b")" "stream of seed 9, twice"
    [[ "$(cat "$T/a")" != "$(cat "$T/c")" ]] || fail "seeds 9 and 10 gave the same stream"
}

test_light_history_has_the_same_files_and_one_commit_per_case() {
    gen_store "$T/full" --cases 300 --seed 4 --first-year 2022 || fail "generating the full store failed"
    gen_store "$T/light" --cases 300 --seed 4 --first-year 2022 --history light || fail "generating the light store failed"
    assert_eq "$(git -C "$T/light" rev-parse 'HEAD^{tree}')" "$(git -C "$T/full" rev-parse 'HEAD^{tree}')" "HEAD trees"
    local meetings
    meetings=$(find "$T/light/panels" -name '*.yaml' | wc -l)
    assert_eq "$(git -C "$T/light" rev-list --count HEAD)" "$((1 + meetings + 300))" "commits (init, meetings, cases)"
    run prevent -C "$T/light" check --as-of "$AS_OF"
    assert_rc 0
}

test_bad_options_are_refused_with_nothing_written() {
    run "$GEN" --seed 1
    assert_rc 2
    assert_stdout_empty
    assert_stderr_contains "--cases N is required"
    run "$GEN" --cases 10 --history sometimes
    assert_rc 2
    assert_stdout_empty
    run "$GEN" --cases ten
    assert_rc 2
    assert_stdout_empty
}

run_tests "$@"

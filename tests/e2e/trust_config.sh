#!/usr/bin/env bash
# Trusting the store's own files (issue 15, findings 5 and 6).
#
# - Every number in prevent.yaml has documented bounds (docs/store.md). At
#   its bounds every command family works; beyond them every command exits 6
#   with one line naming the setting, and nothing is written. Before the
#   bounds, `extension_step_months: 2000000000` crashed `list`, `review due`
#   and `show`, and `panel_target_days: 2000000000` printed a due date in the
#   year 5477840.
# - A program or a path named by the store's own .git/config (gpg.program,
#   gpg.ssh.program, core.hooksPath, core.fsmonitor, filters, textconv, a
#   credential helper, …) is never run by reading, checking or writing.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
ID1=PRV-2023-0001
BUILD=2026-11-27

b() { pv_ok "$S_BUILD" "$BUILD" "$@"; }
S_BUILD=""

# Three cases: PRV-2023-0001 closed on 2024-01-11 with its post-closure-6
# review and a post-closure-12 review that continues (an extended review is
# due), PRV-2026-0001 triaged to a panel (a panel is due), PRV-2026-0002 only
# referred (triage is due).
build_due() {
    S_BUILD="$1"
    new_store "$S_BUILD" --no-hook
    referral_flags received=2023-11-06
    b refer "${REFER_FLAGS[@]}"
    b panel new 2023-11-16 --chair "Prevent Lead@Example Borough Council" \
        --police "Detective Sergeant@Example Constabulary"
    b triage "$ID1" --outcome channel-panel --date 2023-11-08 --s36-date 2023-11-08 \
        --s36-by "Counter Terrorism Policing North West"
    b panel decide 2023-11-16 "$ID1" --decision adopt --method consensus
    b panel consent "$ID1" --status given --by parent-guardian --date 2023-11-20
    b review record "$ID1" --date 2023-12-14 --kind monthly --outcome close --reason no-further-concerns
    b review record "$ID1" --date 2024-06-14 --kind post-closure-6 --outcome no-concerns
    b review record "$ID1" --date 2024-12-14 --kind post-closure-12 --outcome continue
    referral_flags received=2026-11-02 name="Vellan Ostrique"
    b refer "${REFER_FLAGS[@]}"
    b triage PRV-2026-0001 --outcome channel-panel --date 2026-11-04 --s36-date 2026-11-04 \
        --s36-by "Counter Terrorism Policing North West"
    referral_flags received=2026-11-20 name="Quorra Danveldt"
    b refer "${REFER_FLAGS[@]}"
}

setup() {
    S="$T/store"
    cached_store "$S" due build_due
}

# set_setting NAME VALUE: sets a number of prevent.yaml (NAME as in
# docs/store.md) and commits it by hand, past the pre-commit hook.
set_setting() {
    "$PYTHON" - "$S/prevent.yaml" "$1" "$2" <<'EOF' || fail "cannot set $1 in prevent.yaml"
import re, sys
path, name, value = sys.argv[1:]
text = open(path).read()
def sub(pattern, repl, count=0):
    global text
    new, n = re.subn(pattern, repl, text, count=count, flags=re.M)
    if n == 0:
        sys.exit("no match for " + pattern)
    text = new
if name == "review.early_days":
    if re.search(r"^  early_days: ", text, re.M):
        sub(r"^  early_days: .*$", "  early_days: " + value)
    else:
        sub(r"^review:\n", "review:\n  early_days: " + value + "\n")
elif name == "review.post_closure_months":
    # Both reviews at the same number of months.
    sub(r"^(  post_closure_months:\n)(\s+- )\d+\n(\s+- )\d+\n", r"\g<1>\g<2>" + value + r"\n\g<3>" + value + r"\n")
elif name.startswith("review."):
    key = name.split(".", 1)[1]
    sub(r"^  " + key + r": .*$", "  " + key + ": " + value)
elif name == "age_bands.min":
    sub(r"^(\s+)min: (51|150)$", r"\g<1>min: " + value)
else:
    sub(r"^" + name + r": .*$", name + ": " + value)
open(path, "w").write(text)
EOF
    git -C "$S" commit -q --no-verify -am "Set $1 by hand" || fail "cannot commit prevent.yaml"
}

# Every command family: reading (list, review due, show, report, log),
# checking, and a write. Each must succeed.
assert_every_command_works() {
    local what="$1" c
    for c in "list" "review due" "show $ID1" "report --period FY2024" "log" "check"; do
        # shellcheck disable=SC2086 # the command's words
        pv "$S" "$AS_OF" $c
        assert_rc 0 "$c with $what"
        [[ "$c" != check ]] || drop_plain_store_note
        assert_stderr_empty
    done
    referral_flags received=2026-11-25 name="Tamsin Orrelby"
    write_step "$S" "$AS_OF" refer PRV-2026-0003 refer "${REFER_FLAGS[@]}"
}

# Every command family is refused: exit 6, one line naming the setting and
# its bounds, nothing written.
assert_every_command_refuses() {
    local name="$1" min="$2" max="$3" c
    for c in "list" "review due" "show $ID1" "report --period FY2024" "check" "check records"; do
        # shellcheck disable=SC2086
        expect_refused 6 "$S" prevent -C "$S" --as-of "$AS_OF" $c
        assert_stderr_contains "prevent.yaml is damaged: $name"
        assert_stderr_contains "outside its bounds, $min to $max (prevent.yaml:"
        assert_hint_contains "a number from $min to $max"
    done
    referral_flags received=2026-11-25 name="Tamsin Orrelby"
    expect_refused 6 "$S" prevent -C "$S" --as-of "$AS_OF" refer "${REFER_FLAGS[@]}"
    assert_stderr_contains "prevent.yaml is damaged: $name"
    expect_refused 6 "$S" prevent -C "$S" --as-of "$AS_OF" note "$ID1" --date 2026-11-25 --kind contact \
        --with "Example Agency" --text "Fictional note"
    assert_stderr_contains "prevent.yaml is damaged: $name"
}

# NAME MIN MAX, as docs/store.md gives them.
BOUNDS=(
    "triage_target_working_days 0 260"
    "panel_target_days 0 366"
    "consent_target_days 0 366"
    "review.monthly_days 1 366"
    "review.early_days 0 366"
    "review.post_closure_months 1 120"
    "review.extension_step_months 1 120"
    "review.extension_limit_months 1 120"
    "suppression_threshold 0 1000"
)

test_every_setting_at_its_bounds_is_taken_by_every_command() {
    local row name min max
    for row in "${BOUNDS[@]}"; do
        read -r name min max <<<"$row"
        setup
        set_setting "$name" "$max"
        assert_every_command_works "$name: $max"
        rm -rf "$S"
        setup
        set_setting "$name" "$min"
        assert_every_command_works "$name: $min"
        rm -rf "$S"
    done
}

# each_setting_refused_at max+1|min-1: every setting in turn set one past
# that bound, and every command refusing it.
each_setting_refused_at() {
    local row name min max
    for row in "${BOUNDS[@]}"; do
        read -r name min max <<<"$row"
        setup
        set_setting "$name" "$(($1))"
        assert_every_command_refuses "$name" "$min" "$max"
        rm -rf "$S"
    done
}

test_every_setting_beyond_its_bounds_is_refused_by_every_command() { each_setting_refused_at 'max + 1'; }

# Below the lower bound: the same words and hint as beyond the upper one
# (the schema's "Expected number greater than or equal to 1.000000" and
# "restore it from git history" were shown before).
test_every_setting_below_its_bounds_is_refused_in_the_same_words() { each_setting_refused_at 'min - 1'; }

test_the_numbers_that_crashed_or_ran_for_minutes_are_refused_by_name() {
    # 2000000000 overflowed Date::add_months (SIGSEGV), 100000000 working
    # days ran `report` for minutes, 3000000000 is past an int.
    local row name value
    for row in "review.extension_step_months 2000000000 1 120" "panel_target_days 2000000000 0 366" \
        "triage_target_working_days 100000000 0 260" "suppression_threshold 3000000000 0 1000" \
        "review.monthly_days 999999999999999 1 366"; do
        read -r name value min max <<<"$row"
        setup
        set_setting "$name" "$value"
        assert_every_command_refuses "$name" "$min" "$max"
        rm -rf "$S"
    done
}

test_an_age_band_bound_beyond_150_is_refused() {
    setup
    set_setting age_bands.min 150
    pv "$S" "$AS_OF" list
    assert_rc 0 "an age band from 150"
    set_setting age_bands.min 151
    expect_refused 6 "$S" prevent -C "$S" --as-of "$AS_OF" list
    assert_stderr_contains "prevent.yaml is damaged: vocabularies.age_bands: the bounds of '51-plus' is outside its bounds, 0 to 150"
    expect_refused 6 "$S" prevent -C "$S" --as-of "$AS_OF" check
}

test_the_pre_commit_hook_refuses_a_setting_beyond_its_bounds() {
    S="$T/store"
    new_store "$S"
    sed -i 's/^panel_target_days: .*/panel_target_days: 367/' "$S/prevent.yaml"
    git -C "$S" add prevent.yaml
    run git -C "$S" commit -q -m "Hand edit"
    assert_rc_nonzero
    assert_contains "$(stdout)$(stderr)" "panel_target_days is outside its bounds, 0 to 366" "the hook's output"
    assert_eq "$(commit_count "$S")" "1" "commits"
}

test_no_computed_date_is_printed_past_the_last_year_the_input_takes() {
    # A case received on the last day a date can have, with every target at
    # its largest: every due date shown is within 2999.
    S="$T/store"
    new_store "$S" --no-hook
    case_yaml id=PRV-2999-0001 received=2999-12-30 >"$T/late.yaml"
    mkdir -p "$S/cases/2999"
    cp "$T/late.yaml" "$S/cases/2999/PRV-2999-0001.yaml"
    git -C "$S" add cases
    git -C "$S" commit -q --no-verify -m "A case from the far future, by hand"
    set_setting triage_target_working_days 260
    pv "$S" 2999-12-31 review due --format csv
    assert_rc 0 "review due"
    assert_stdout_contains "PRV-2999-0001"
    assert_not_contains "$(stdout)" ",3000-" "review due"
    pv "$S" 2999-12-31 show PRV-2999-0001
    assert_not_contains "$(stdout)" "3000-" "show"
}

# ---------------------------------------------------------------------------
# Programs named by the store's own .git/config

test_reading_and_checking_never_run_a_program_the_store_names() {
    S="$T/store"
    new_store "$S" --no-hook
    refer_ok "$S"
    hostile_git_config "$S" "$T"
    local c
    for c in "list" "review due" "show $ID" "report --period FY2026" "log" "log $ID" "check" \
        "check signatures" "check history" "check worktree" "panel agenda 2026-12-03"; do
        # shellcheck disable=SC2086
        pv "$S" "$AS_OF" $c
        assert_nothing_ran "$c"
    done
    # The junk signature is reported, verified with the user's own gpg, and
    # the store's gpg.program is named in a notice.
    pv "$S" "$AS_OF" check signatures
    assert_rc 6 "check signatures"
    assert_stdout_contains "bad openpgp signature"
    assert_stdout_contains "the store's own git configuration names gpg.program; prevent does not run"
    assert_nothing_ran "check signatures"
}

test_writes_sign_with_the_users_own_program_never_the_stores() {
    S="$T/store"
    new_store "$S" --no-hook
    hostile_git_config "$S" "$T"
    # ssh signing set up in the store's config (format and key), with
    # gpg.ssh.program pointing at the marker: the write signs with
    # ssh-keygen from PATH.
    mkdir -p -m 700 "$HOME/.ssh"
    ssh-keygen -t ed25519 -N '' -q -C "test key" -f "$HOME/.ssh/signer" || fail "ssh-keygen failed"
    printf 'coordinator@example.invalid namespaces="git" %s\n' "$(cat "$HOME/.ssh/signer.pub")" >"$HOME/.ssh/allowed"
    git config --global gpg.ssh.allowedSignersFile "$HOME/.ssh/allowed"
    git -C "$S" config gpg.format ssh
    git -C "$S" config user.signingkey "$HOME/.ssh/signer"
    referral_flags
    pv "$S" "$AS_OF" refer "${REFER_FLAGS[@]}"
    assert_rc 0 "refer in a store whose .git/config names programs"
    assert_nothing_ran "refer"
    assert_contains "$(git -C "$S" cat-file commit HEAD)" "gpgsig -----BEGIN SSH SIGNATURE-----" "the new commit"
    pv "$S" "$AS_OF" note PRV-2026-0001 --date 2026-11-26 --kind contact --with "Example Agency" \
        --text "Fictional note"
    assert_rc 0 "note"
    assert_nothing_ran "note"
    pv "$S" "$AS_OF" check --repair
    assert_nothing_ran "check --repair"
}

test_hook_install_writes_nothing_where_the_stores_config_points_outside_it() {
    S="$T/store"
    new_store "$S" --no-hook
    mkdir -p "$T/elsewhere"
    git -C "$S" config core.hooksPath "$T/elsewhere/hooks"
    expect_refused 6 "$S" prevent -C "$S" hook install
    assert_stderr_contains "outside the store: prevent writes nothing there"
    assert_no_file "$T/elsewhere/hooks"
}

test_a_store_whose_config_puts_its_work_tree_elsewhere_is_refused() {
    S="$T/store"
    new_store "$S" --no-hook
    mkdir -p "$T/elsewhere"
    git -C "$S" config core.worktree "$T/elsewhere"
    local c
    for c in "list" "check" "check worktree"; do
        # shellcheck disable=SC2086
        pv "$S" "$AS_OF" $c
        assert_rc 6 "$c"
        assert_one_error_line
        assert_stderr_contains "puts its work tree elsewhere (core.worktree)"
    done
    referral_flags
    pv "$S" "$AS_OF" refer "${REFER_FLAGS[@]}"
    assert_rc 6 "refer"
    assert_eq "$(commit_count "$S")" "1" "commits"
    assert_eq "$(find "$T/elsewhere" -mindepth 1 | wc -l)" "0" "files made in the other directory"
    # A core.worktree that names the store's own directory is fine.
    git -C "$S" config core.worktree "$S"
    pv "$S" "$AS_OF" list
    assert_rc 0 "list with core.worktree naming the store itself"
}

test_check_is_not_blocked_by_a_fifo_the_stores_config_names() {
    S="$T/store"
    new_store "$S" --no-hook
    local k
    for k in core.excludesFile core.attributesFile; do
        mkfifo "$T/fifo-$k"
        git -C "$S" config "$k" "$T/fifo-$k"
        run timeout 10 "$PREVENT" -C "$S" --as-of "$AS_OF" check
        assert_rc 6 "check with $k naming a FIFO"
        assert_stdout_eq "error [worktree] the git configuration's $k is not a regular file; the work tree was not compared (git config)"
        git -C "$S" config --unset "$k"
    done
}

run_tests "$@"

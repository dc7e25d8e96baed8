#!/usr/bin/env bash
# `prevent init`: creating a store (SPEC §2, §5, §6).
# shellcheck disable=SC2016 # literal `$schema` and `$(…)` text is meant
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

test_init_creates_a_private_store_with_settings_schemas_and_one_commit() {
    umask 022
    run prevent init --plain "$T/store" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 0
    assert_mode "$T/store" 700
    assert_file_exists "$T/store/prevent.yaml"
    assert_mode "$T/store/prevent.yaml" 600
    assert_mode "$T/store/schemas" 700
    local f
    for f in case meeting config foi; do
        assert_file_exists "$T/store/schemas/$f.schema.json"
        assert_mode "$T/store/schemas/$f.schema.json" 600
        cmp -s "$T/store/schemas/$f.schema.json" "$PREVENT_SOURCE_DIR/schemas/$f.schema.json" ||
            fail "schemas/$f.schema.json differs from the project's schemas/"
    done
    assert_eq "$(commit_count "$T/store")" 1 "number of commits"
    assert_eq "$(head_trailers "$T/store" Prevent-Action)" "init" "Prevent-Action trailer"
    assert_matches "$(git_in "$T/store" log -1 --format=%s)" '^init: ' "commit subject"
    assert_eq "$(git_in "$T/store" log -1 --format='%an <%ae>')" "Test Coordinator <coordinator@example.invalid>" "author"
    assert_clean "$T/store"
    assert_eq "$(git_in "$T/store" ls-files | sort | tr '\n' ' ')" \
        "prevent.yaml schemas/case.schema.json schemas/config.schema.json schemas/foi.schema.json schemas/meeting.schema.json " "committed files"
    assert_stdout_empty
}

test_init_writes_area_and_default_settings_into_prevent_yaml() {
    new_store "$T/store"
    local y
    # Keys may be quoted ("10-or-under"): compare without quotes.
    y="$(tr -d "\"'" <"$T/store/prevent.yaml")"
    assert_contains "$y" "area: Example Borough"
    assert_contains "$y" "prefix: PRV"
    assert_contains "$y" "triage_target_working_days: 5"
    assert_contains "$y" "panel_target_days: 28"
    assert_contains "$y" "consent_target_days: 14"
    assert_contains "$y" "monthly_days: 28"
    assert_contains "$y" "suppression_threshold: 5"
    assert_eq "$(head -1 "$T/store/prevent.yaml")" '# yaml-language-server: $schema=schemas/config.schema.json' "first line"
    local key
    for key in education family-friends probation extreme-right-wing vulnerability-no-ideology 10-or-under 51-plus \
        children-social-care police-neighbourhood ideological-mentoring diversionary-activity not-known; do
        assert_contains "$y" "key: $key" "prevent.yaml vocabularies"
    done
}

test_init_lists_no_holidays_the_rules_give_every_year() {
    run prevent init --plain "$T/store" --area "Example Borough" --as-of 2026-06-15
    assert_rc 0
    # The bank holidays come from the England and Wales rules for any year;
    # prevent.yaml holds only a store's exceptions (none yet).
    assert_not_contains "$(cat "$T/store/prevent.yaml")" "holidays:" "prevent.yaml"
    assert_not_contains "$(cat "$T/store/prevent.yaml")" "calendar:" "prevent.yaml"
    run prevent -C "$T/store" check --as-of 2026-06-15
    assert_rc 0
}

test_init_into_the_current_directory_when_no_directory_is_given() {
    mkdir -m 755 "$T/here"
    run_in "$T/here" "$PREVENT" init --plain --area "Example Borough" --as-of "$AS_OF"
    assert_rc 0
    assert_file_exists "$T/here/prevent.yaml"
    assert_mode "$T/here" 700
    assert_eq "$(commit_count "$T/here")" 1 "number of commits"
}

test_init_creates_missing_parent_directories() {
    run prevent init --plain "$T/a/b/store" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 0
    assert_file_exists "$T/a/b/store/prevent.yaml"
    assert_mode "$T/a/b/store" 700
}

test_init_refuses_a_directory_that_is_not_empty() {
    mkdir "$T/store"
    echo "minutes of a fictional meeting" >"$T/store/notes.txt"
    local before
    before="$(ls -A "$T/store")"
    run prevent init --plain "$T/store" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 6
    assert_one_error_line
    assert_stderr_contains "not empty"
    assert_eq "$(ls -A "$T/store")" "$before" "directory contents"
    assert_eq "$(cat "$T/store/notes.txt")" "minutes of a fictional meeting" "notes.txt"
}

test_init_refuses_an_existing_store() {
    new_store "$T/store"
    expect_refusal 6 "$T/store" prevent init --plain "$T/store" --area "Example Borough" --as-of "$AS_OF"
}

test_init_takes_an_empty_git_repository_and_keeps_its_settings() {
    git init -q -b main "$T/store"
    git -C "$T/store" config prevent-test.kept yes
    run prevent init --plain "$T/store" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(commit_count "$T/store")" 1 "commits"
    assert_eq "$(git -C "$T/store" config prevent-test.kept)" yes "the repository's own setting"
    assert_clean "$T/store"
    assert_mode "$T/store" 700
}

# What an init killed after writing its files but before its commit leaves:
# a repository with no commit, prevent.yaml, schemas/ and the journal.
test_init_takes_up_what_an_interrupted_init_left() {
    new_store "$T/done"
    git init -q -b main "$T/store"
    cp "$T/done/prevent.yaml" "$T/store/"
    mkdir "$T/store/schemas"
    cp "$T/done/schemas/case.schema.json" "$T/store/schemas/"
    echo "half" >"$T/store/schemas/.meeting.schema.json.tmp-4242"
    mkdir -p "$T/store/.git/prevent"
    printf 'prevent write journal v1\nparent -\ncommit %s\n' "$(git_in "$T/done" rev-parse HEAD)" \
        >"$T/store/.git/prevent/journal"
    run prevent init --plain "$T/store" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(git_in "$T/store" rev-parse 'HEAD^{tree}')" "$(git_in "$T/done" rev-parse 'HEAD^{tree}')" "tree"
    assert_clean "$T/store"
    assert_no_file "$T/store/.git/prevent/journal"
}

test_init_refuses_a_repository_with_no_commit_that_holds_other_files() {
    git init -q -b main "$T/store"
    echo "minutes of a fictional meeting" >"$T/store/notes.txt"
    expect_refusal 6 "$T/store" prevent init --plain "$T/store" --area "Example Borough" --as-of "$AS_OF"
    assert_stderr_contains "not empty"
}

test_init_refuses_a_repository_with_commits() {
    git init -q -b main "$T/store"
    git -C "$T/store" commit -q --allow-empty -m "a commit made with git"
    expect_refusal 6 "$T/store" prevent init --plain "$T/store" --area "Example Borough" --as-of "$AS_OF"
    assert_stderr_contains "not empty"
}

test_init_refuses_without_a_git_identity_and_creates_nothing() {
    rm -f "$HOME/.gitconfig"
    run prevent init --plain "$T/store" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 6
    assert_one_error_line
    assert_stderr_contains "identity"
    assert_hint_contains "user.name"
    assert_no_file "$T/store"
}

test_init_refuses_without_a_git_email_and_leaves_an_empty_directory_empty() {
    printf '[user]\n\tname = Test Coordinator\n' >"$HOME/.gitconfig"
    mkdir "$T/store"
    run prevent init --plain "$T/store" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 6
    assert_one_error_line
    assert_eq "$(ls -A "$T/store")" "" "directory contents"
}

test_init_into_an_empty_repository_takes_its_own_identity_for_author_and_committer() {
    git init -q -b main "$T/store"
    git -C "$T/store" config user.name "Pellam Orrisby"
    git -C "$T/store" config user.email "po@example.invalid"
    run prevent init --plain "$T/store" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(git_in "$T/store" log -1 --format='%an <%ae> | %cn <%ce>')" \
        "Pellam Orrisby <po@example.invalid> | Pellam Orrisby <po@example.invalid>" "author and committer"
}

test_init_takes_the_identity_from_the_git_environment() {
    rm -f "$HOME/.gitconfig"
    GIT_AUTHOR_NAME="Quarto Vessain" GIT_AUTHOR_EMAIL="qv@example.invalid" \
        run prevent init --plain "$T/store" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(git_in "$T/store" log -1 --format='%an <%ae>')" "Quarto Vessain <qv@example.invalid>" "author"
}

test_init_without_area_is_a_usage_error() {
    run prevent init --plain "$T/store" --as-of "$AS_OF"
    assert_rc 2
    assert_one_error_line
    assert_stderr_contains "--area"
    assert_no_file "$T/store"
}

test_init_with_an_empty_area_is_refused() {
    run prevent init --plain "$T/store" --area "" --as-of "$AS_OF"
    assert_rc 5
    assert_one_error_line
    assert_no_file "$T/store"
}

test_init_refuses_a_malformed_prefix() {
    local p
    for p in prv 1PRV P-R ABCDEFGHIJK "" "PRV/.." "PR V"; do
        run prevent init --plain "$T/store" --area "Example Borough" --prefix "$p" --as-of "$AS_OF"
        assert_rc 5 "--prefix '$p'"
        assert_one_error_line
        assert_stderr_contains "--prefix"
        assert_no_file "$T/store"
    done
}

test_init_with_a_prefix_numbers_cases_with_it() {
    new_store "$T/store" --prefix SK7
    assert_contains "$(cat "$T/store/prevent.yaml")" "prefix: SK7"
    refer_ok "$T/store"
    assert_eq "$ID" "SK7-2026-0001" "new ID"
    assert_file_exists "$T/store/cases/2026/SK7-2026-0001.yaml"
}

test_init_refuses_a_malformed_as_of_date() {
    run prevent init --plain "$T/store" --area "Example Borough" --as-of 2026-02-30
    assert_rc 5
    assert_one_error_line
    assert_stderr_contains "--as-of"
    assert_no_file "$T/store"
}

test_a_fresh_store_passes_check() {
    new_store "$T/store"
    run prevent -C "$T/store" check --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_empty
    assert_stderr_empty
}

# As git: GIT_AUTHOR_* names the author; the committer still comes from
# user.name and user.email when GIT_COMMITTER_* is not set.
test_the_committer_is_resolved_as_git_resolves_it() {
    S="$T/store"
    new_store "$S"
    referral_flags
    GIT_AUTHOR_NAME="Other Coordinator" GIT_AUTHOR_EMAIL="other@example.invalid" \
        run prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_rc 0
    assert_eq "$(git -C "$S" log -1 --format='%an <%ae>')" "Other Coordinator <other@example.invalid>" "author"
    assert_eq "$(git -C "$S" log -1 --format='%cn <%ce>')" "Test Coordinator <coordinator@example.invalid>" "committer"
}

# ---------------------------------------------------------------------------
# The pre-commit hook (issue 14 part 4): init installs it, so a hand edit
# that leaves an invalid record is refused at `git commit`.

# A committed case, then a hand edit that breaks it, staged.
stage_a_bad_hand_edit() {
    referral_flags
    run prevent -C "$1" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_rc 0 "refer"
    sed -i 's/^  route: .*/  route: carrier-pigeon/' "$1/cases/2026/PRV-2026-0001.yaml"
    git -C "$1" add -A
}

test_init_installs_the_pre_commit_hook_so_a_bad_hand_edit_is_refused_at_git_commit() {
    S="$T/store"
    run prevent init --plain "$S" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 0
    assert_file_exists "$S/.git/hooks/pre-commit"
    assert_mode "$S/.git/hooks/pre-commit" 700
    stage_a_bad_hand_edit "$S"
    local head
    head="$(head_of "$S")"
    run git -C "$S" commit -q -m "A bad hand edit"
    assert_rc_nonzero "git commit of an invalid record"
    assert_stderr_contains "cases/2026/PRV-2026-0001.yaml"
    assert_eq "$(head_of "$S")" "$head" "HEAD after the refused commit"
    # A good hand edit still goes through.
    git -C "$S" checkout -q HEAD -- cases
    sed -i 's/^    agency: .*/    agency: Example College/' "$S/cases/2026/PRV-2026-0001.yaml"
    run git -C "$S" commit -q -am "A good hand edit"
    assert_rc 0 "git commit of a valid hand edit"
    # `hook install` finds the hook init installed.
    run prevent -C "$S" hook install
    assert_rc 0
    assert_stderr_contains "already installed"
}

test_init_no_hook_leaves_git_commit_as_it_is() {
    S="$T/store"
    run prevent init --plain "$S" --area "Example Borough" --as-of "$AS_OF" --no-hook
    assert_rc 0
    assert_no_file "$S/.git/hooks/pre-commit"
    stage_a_bad_hand_edit "$S"
    local head
    head="$(head_of "$S")"
    run git -C "$S" commit -q -m "A bad hand edit"
    assert_rc 0 "git commit without the hook"
    [[ "$(head_of "$S")" != "$head" ]] || fail "no commit was made without the hook"
}

# git runs hooks from core.hooksPath when it is set: one outside the store
# (here the user's, shared by all their repositories) is never written to;
# init refuses, and leaves nothing.
test_init_refuses_a_core_hooks_path_outside_the_store_and_writes_nothing() {
    S="$T/store"
    mkdir -p "$HOME/hooks"
    git config --global core.hooksPath "$HOME/hooks"
    run prevent init --plain "$S" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 6
    assert_stdout_empty
    assert_stderr_contains "core.hooksPath ($HOME/hooks)"
    assert_hint_contains "--no-hook"
    assert_eq "$(grep -c '^prevent: ' "$ERR")" 1 "error lines"
    assert_no_file "$S"
    assert_eq "$(ls -A "$HOME/hooks")" "" "the user's hooks directory"
    # A relative core.hooksPath is the work tree's, outside .git: the same.
    git config --global core.hooksPath githooks
    run prevent init --plain "$S" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 6
    assert_no_file "$S"
    # --no-hook creates the store, and writes no hook anywhere.
    run prevent init --plain "$S" --area "Example Borough" --as-of "$AS_OF" --no-hook
    assert_rc 0
    assert_no_file "$S/githooks"
    assert_no_file "$S/.git/hooks/pre-commit"
}

test_init_refuses_an_empty_repository_whose_hooks_path_is_outside_and_leaves_it_as_it_was() {
    S="$T/store"
    git init -q "$S"
    git -C "$S" config core.hooksPath "$HOME/hooks"
    local before
    before="$(find "$S" -type f | LC_ALL=C sort | xargs sha256sum)"
    run prevent init --plain "$S" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 6
    assert_stderr_contains "core.hooksPath"
    assert_eq "$(find "$S" -type f | LC_ALL=C sort | xargs sha256sum)" "$before" "the repository after the refusal"
    assert_no_file "$HOME/hooks"
}

test_init_installs_into_a_core_hooks_path_inside_the_stores_git_directory() {
    S="$T/store"
    git config --global core.hooksPath .git/own-hooks
    run prevent init --plain "$S" --area "Example Borough" --as-of "$AS_OF"
    assert_rc 0
    assert_file_exists "$S/.git/own-hooks/pre-commit"
}

run_tests "$@"

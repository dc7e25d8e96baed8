#!/usr/bin/env bash
# `prevent review record`: which review a case can have, when, and with
# which outcome (SPEC §4 rules 7 and 8, issue 14). A monthly review
# continues the support or closes the case; after closure the 6-month, the
# 12-month and the extended reviews come in that order, each from
# review.early_days (28) days before it falls due; `continue` only at the
# 12-month and extended reviews while an extension fits; `reopen` at any of
# them. Every refusal exits 4 with one line and a hint listing what is valid
# on that date, nothing written, no commit. Closing a case closes its open
# support actions with it (unless --keep-actions); voiding the closing
# review opens them again. Reviews recorded before these rules are notices
# of `check`, never refused.
#
# The journey is set in 2023-2026 so that its whole schedule is before
# today: referral 2023-11-06, adopted 2023-11-16, closed 2024-01-11; the
# 6-month review falls due 2024-07-11 (from 2024-06-13), the 12-month
# 2025-01-11 (from 2024-12-14), the extended ones 2025-07-11 and 2026-01-11.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
ID1=PRV-2023-0001
BUILD=2026-11-27
MONTHLY_HINT="hint: valid on 2023-12-14: --kind monthly --outcome continue|close (close with --reason no-further-concerns|escalated-to-police|transferred-out|other)"

b() { pv_ok "$S_BUILD" "$BUILD" "$@"; }
S_BUILD=""

# Adopted on 2023-11-16, consent given 2023-11-20; A1 open (due 2024-02-29),
# A2 done on 2023-12-10; a monthly review on 2023-12-14.
build_supported() {
    S_BUILD="$1"
    new_store "$S_BUILD"
    referral_flags received=2023-11-06
    b refer "${REFER_FLAGS[@]}"
    b panel new 2023-11-16 --chair "Prevent Lead@Example Borough Council" \
        --police "Detective Sergeant@Example Constabulary"
    b triage "$ID1" --outcome channel-panel --date 2023-11-08 --s36-date 2023-11-08 \
        --s36-by "Counter Terrorism Policing North West"
    b panel decide 2023-11-16 "$ID1" --decision adopt --method consensus
    b panel consent "$ID1" --status given --by parent-guardian --date 2023-11-20
    b panel action "$ID1" add --support ideological-mentoring --provider "Example Mentoring Service" \
        --due 2024-02-29 --date 2023-11-22
    b panel action "$ID1" add --support family-support --provider "Example Family Service" \
        --due 2024-01-31 --date 2023-11-22
    b panel action "$ID1" done A2 --date 2023-12-10
    b review record "$ID1" --date 2023-12-14 --kind monthly --outcome continue
}

# As build_supported, closed at the monthly review of 2024-01-11.
build_closed() {
    build_supported "$1"
    b review record "$ID1" --date 2024-01-11 --kind monthly --outcome close --reason no-further-concerns
}

setup() {
    S="$T/store"
    cached_store "$S" "$1" "build_$1"
}

# refused_review AS-OF RULE ARGS…: `review record ID ARGS…` is refused by
# RULE (exit 4, one line and a hint, nothing written, no commit).
refused_review() {
    local as_of="$1" rule="$2"
    shift 2
    expect_refused 4 "$S" prevent -C "$S" --as-of "$as_of" review record "$ID1" "$@"
    assert_stderr_contains "refused by rule $rule ("
    assert_stderr_contains "($ID1)"
}

review_ok() { # review_ok AS-OF ARGS…: one commit
    write_step "$S" "$1" review-record "$ID1" review record "$ID1" "${@:2}"
}

action_field() { # action_field N KEY: support_plan[N][KEY], or - when absent
    case_field "$S" "$ID1" "d['support_plan'][$1].get('$2', '-')"
}

# ---------------------------------------------------------------------------
# Monthly reviews

test_a_monthly_review_continues_or_closes_and_nothing_else() {
    setup supported
    refused_review 2023-12-14 7 --date 2023-12-14 --kind monthly --outcome no-concerns
    assert_stderr_contains "no-concerns is the outcome of a review after closure; a monthly review continues the support or closes the case"
    assert_stderr_contains "$MONTHLY_HINT"
    refused_review 2023-12-14 8 --date 2023-12-14 --kind monthly --outcome reopen
    assert_stderr_contains "only a review after closure can reopen the case"
    assert_stderr_contains "$MONTHLY_HINT"
    refused_review 2023-12-14 7 --date 2023-12-14 --kind post-closure-6 --outcome no-concerns
    assert_stderr_contains "the case is supported: its reviews are monthly until it is closed"
    assert_stderr_contains "$MONTHLY_HINT"
    refused_review 2023-12-14 7 --date 2023-12-14 --kind extended --outcome continue
    # Consent closures come from `panel consent` (rule 6); the hint is the same.
    refused_review 2023-12-14 6 --date 2023-12-14 --kind monthly --outcome close --reason consent-withdrawn
    assert_stderr_contains "$MONTHLY_HINT"
    assert_stage "$S" "$ID1" supported
}

test_keep_actions_goes_only_with_a_closing_review() {
    setup supported
    expect_refused 2 "$S" prevent -C "$S" --as-of 2024-01-11 review record "$ID1" --date 2024-01-11 \
        --kind monthly --outcome continue --keep-actions
    assert_stderr_contains "--keep-actions goes only with --outcome close"
    expect_refused 2 "$S" prevent -C "$S" --as-of 2023-12-20 panel consent "$ID1" --status given \
        --by parent-guardian --date 2023-12-20 --keep-actions
}

# ---------------------------------------------------------------------------
# Closing a case closes its open support actions

test_closing_a_case_closes_its_open_support_actions_with_it() {
    setup supported
    review_ok 2024-01-11 --date 2024-01-11 --kind monthly --outcome close --reason no-further-concerns
    assert_stage "$S" "$ID1" post-closure
    assert_eq "$(action_field 0 status)" "closed" "A1 status"
    assert_eq "$(action_field 0 closed)" "2024-01-11" "A1 closed"
    assert_eq "$(action_field 0 closed_with)" "case" "A1 closed_with"
    # A2 was done before: it stays as it was.
    assert_eq "$(action_field 1 status)" "done" "A2 status"
    assert_eq "$(action_field 1 closed)" "2023-12-10" "A2 closed"
    assert_eq "$(action_field 1 closed_with)" "-" "A2 closed_with"
    assert_contains "$(cat "$(case_file "$S" "$ID1")")" "    closed_with: case" "the case file"
    # An action closed with the case is not marked done or cancelled later.
    expect_refused 4 "$S" prevent -C "$S" --as-of 2024-01-12 panel action "$ID1" done A1 --date 2024-01-12
    run prevent -C "$S" --as-of 2024-01-12 review due --format csv
    assert_rc 0 "review due"
    assert_not_contains "$(cat "$OUT")" ",action," "review due after closure"
    run prevent -C "$S" --as-of "$BUILD" check --strict
    assert_rc 0 "check --strict"
}

test_keep_actions_leaves_the_open_support_actions_open() {
    setup supported
    review_ok 2024-01-11 --date 2024-01-11 --kind monthly --outcome close --reason no-further-concerns --keep-actions
    assert_stage "$S" "$ID1" post-closure
    assert_eq "$(action_field 0 status)" "open" "A1 status"
    assert_eq "$(action_field 0 closed_with)" "-" "A1 closed_with"
}

test_voiding_the_closing_review_opens_the_actions_again_as_they_were() {
    setup supported
    local before
    before="$(case_field "$S" "$ID1" "d['support_plan']")"
    review_ok 2024-01-11 --date 2024-01-11 --kind monthly --outcome close --reason no-further-concerns
    write_step "$S" "$BUILD" void "$ID1" void "$ID1" review:2024-01-11 --reason "Fictional: recorded in error"
    assert_stage "$S" "$ID1" supported
    assert_eq "$(case_field "$S" "$ID1" "d['support_plan']")" "$before" "support plan after the void"
    assert_eq "$(case_field "$S" "$ID1" "d['voided'][0]['closure']")" \
        "{'date': '2024-01-11', 'reason': 'no-further-concerns'}"
    run prevent -C "$S" --as-of 2024-01-12 review due --format csv --within 8w
    assert_contains "$(tr -d '\r' <"$OUT")" "$ID1,supported,action,2024-02-29" "review due after the void"
    run prevent -C "$S" --as-of "$BUILD" check --strict
    assert_rc 0 "check --strict"
}

test_withdrawn_consent_closes_the_open_support_actions_with_the_case() {
    setup supported
    write_step "$S" 2023-12-20 panel-consent "$ID1" panel consent "$ID1" --status withdrawn \
        --by parent-guardian --date 2023-12-20
    assert_eq "$(action_field 0 status)" "closed" "A1 status"
    assert_eq "$(action_field 0 closed)" "2023-12-20" "A1 closed"
    assert_eq "$(action_field 0 closed_with)" "case" "A1 closed_with"
    assert_eq "$(action_field 1 status)" "done" "A2 status"
}

test_withdrawn_consent_with_keep_actions_leaves_them_open() {
    setup supported
    write_step "$S" 2023-12-20 panel-consent "$ID1" panel consent "$ID1" --status withdrawn \
        --by parent-guardian --date 2023-12-20 --keep-actions
    assert_eq "$(action_field 0 status)" "open" "A1 status"
}

# ---------------------------------------------------------------------------
# After closure: windows, order, outcomes

test_a_post_closure_review_is_recorded_from_early_days_before_it_falls_due() {
    setup closed
    refused_review 2024-06-12 8 --date 2024-06-12 --kind post-closure-6 --outcome no-concerns
    assert_stderr_contains "the post-closure-6 review falls due on 2024-07-11 and can be recorded from 2024-06-13 (review.early_days 28), not on 2024-06-12"
    assert_stderr_contains "hint: nothing can be recorded on 2024-06-12: the next review, post-closure-6, falls due on 2024-07-11 and can be recorded from 2024-06-13"
    review_ok 2024-06-13 --date 2024-06-13 --kind post-closure-6 --outcome no-concerns
    refused_review 2024-12-13 8 --date 2024-12-13 --kind post-closure-12 --outcome no-concerns
    assert_stderr_contains "can be recorded from 2024-12-14"
    review_ok 2024-12-14 --date 2024-12-14 --kind post-closure-12 --outcome no-concerns
    assert_stage "$S" "$ID1" closed
}

test_the_post_closure_reviews_come_in_order() {
    setup closed
    refused_review 2025-01-11 8 --date 2025-01-11 --kind post-closure-12 --outcome no-concerns
    assert_stderr_contains "no post-closure-12 review is outstanding; the next review is post-closure-6"
    assert_stderr_contains "hint: valid on 2025-01-11: --kind post-closure-6 --outcome no-concerns|reopen"
    refused_review 2025-07-11 8 --date 2025-07-11 --kind extended --outcome no-concerns
    refused_review 2024-07-11 8 --date 2024-07-11 --kind monthly --outcome continue
    assert_stderr_contains "no monthly review is outstanding; the next review is post-closure-6"
    # A 6-month review recorded late; the 12-month is not dated before it.
    review_ok 2025-01-05 --date 2025-01-05 --kind post-closure-6 --outcome no-concerns
    refused_review 2025-01-05 8 --date 2025-01-04 --kind post-closure-12 --outcome no-concerns
    assert_stderr_contains "the post-closure-12 review is dated before the post-closure-6 review of 2025-01-05"
    assert_stderr_contains "hint: nothing can be recorded on 2025-01-04: the next review, post-closure-12, is dated on or after the post-closure-6 review of 2025-01-05"
    refused_review 2025-01-05 8 --date 2025-01-05 --kind post-closure-6 --outcome no-concerns
    assert_stderr_contains "hint: valid on 2025-01-05: --kind post-closure-12 --outcome continue|no-concerns|reopen"
}

test_each_post_closure_review_takes_only_the_outcomes_that_mean_something() {
    setup closed
    refused_review 2024-07-11 8 --date 2024-07-11 --kind post-closure-6 --outcome continue
    assert_stderr_contains "continue extends the reviews after closure and is decided at the post-closure-12 review"
    assert_stderr_contains "hint: valid on 2024-07-11: --kind post-closure-6 --outcome no-concerns|reopen"
    refused_review 2024-07-11 8 --date 2024-07-11 --kind post-closure-6 --outcome close --reason other
    assert_stderr_contains "the case is already closed"
    review_ok 2024-07-11 --date 2024-07-11 --kind post-closure-6 --outcome no-concerns
    review_ok 2025-01-11 --date 2025-01-11 --kind post-closure-12 --outcome continue
    refused_review 2025-06-12 8 --date 2025-06-12 --kind extended --outcome no-concerns
    assert_stderr_contains "the extended review falls due on 2025-07-11 and can be recorded from 2025-06-13"
    review_ok 2025-07-11 --date 2025-07-11 --kind extended --outcome continue
    assert_stage "$S" "$ID1" post-closure
    # The 24-month review is the last: continue cannot extend further.
    refused_review 2026-01-11 8 --date 2026-01-11 --kind extended --outcome continue
    assert_stderr_contains "the reviews after closure end 24 months after it (review.extension_limit_months)"
    assert_stderr_contains "hint: valid on 2026-01-11: --kind extended --outcome no-concerns|reopen"
    review_ok 2026-01-11 --date 2026-01-11 --kind extended --outcome no-concerns
    assert_stage "$S" "$ID1" closed
    refused_review 2026-07-11 8 --date 2026-07-11 --kind extended --outcome no-concerns
    assert_stderr_contains "the case is closed and every post-closure review is done"
}

test_reopen_at_a_post_closure_review_returns_the_case_to_the_panel() {
    setup closed
    review_ok 2024-07-11 --date 2024-07-11 --kind post-closure-6 --outcome reopen
    assert_stage "$S" "$ID1" awaiting-panel
    refused_review 2024-07-12 7 --date 2024-07-12 --kind monthly --outcome continue
    assert_stderr_contains "only an adopted case is reviewed; the case is awaiting-panel"
}

test_review_early_days_in_prevent_yaml_moves_the_window() {
    setup closed
    "$PYTHON" - "$S/prevent.yaml" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("  monthly_days: 28\n", "  monthly_days: 28\n  early_days: 7\n", 1)
open(p, "w").write(s)
EOF
    git -C "$S" commit -qam "Review windows of 7 days" || fail "git commit"
    refused_review 2024-07-03 8 --date 2024-07-03 --kind post-closure-6 --outcome no-concerns
    assert_stderr_contains "can be recorded from 2024-07-04 (review.early_days 7)"
    review_ok 2024-07-04 --date 2024-07-04 --kind post-closure-6 --outcome no-concerns
    # The hand edit of prevent.yaml is listed as a configuration change
    # (docs/audit.md), and is the only finding.
    run prevent -C "$S" --as-of "$BUILD" check --strict
    assert_rc 4 "check --strict with review.early_days"
    assert_eq "$(grep -v '^notice \[config\] configuration change: .*: review.early_days ' "$OUT")" "" \
        "findings besides the configuration change"
}

# ---------------------------------------------------------------------------
# Reviews recorded before these rules

test_check_reports_reviews_outside_the_rules_as_notices_and_reads_them() {
    setup closed
    local f
    f="$(case_file "$S" "$ID1")"
    # As an older store may hold it: the 12-month review the day after
    # closure, before the 6-month one.
    "$PYTHON" - "$f" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("closure:\n", "  - date: 2024-01-12\n    kind: post-closure-12\n    outcome: no-concerns\nclosure:\n", 1)
open(p, "w").write(s)
EOF
    git -C "$S" commit -qam "An older review" || fail "git commit"
    run prevent -C "$S" --as-of "$BUILD" check
    assert_rc 0 "check"
    assert_contains "$(cat "$OUT" "$ERR")" "the post-closure-12 review of 2024-01-12: no post-closure-12 review is outstanding; the next review is post-closure-6 ($ID1)"
    run prevent -C "$S" --as-of "$BUILD" check --strict
    assert_rc 4 "check --strict"
    # Read as it is: shown, listed, due, and further writes accepted.
    assert_stage "$S" "$ID1" post-closure
    run prevent -C "$S" --as-of 2024-07-11 review due --format csv
    assert_rc 0 "review due"
    assert_contains "$(tr -d '\r' <"$OUT")" "$ID1,post-closure,post-closure-6,2024-07-11" "review due"
    review_ok 2024-07-11 --date 2024-07-11 --kind post-closure-6 --outcome no-concerns
    assert_stage "$S" "$ID1" closed
}

run_tests "$@"

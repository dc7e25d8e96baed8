#!/usr/bin/env bash
# Routes as a vocabulary of prevent.yaml (docs/store.md "routes"): a store
# names its own hub; refer, import and the report take it; a route outside
# the vocabulary is refused listing the store's keys; dropping a route a
# record uses is reported by `check`; `transfer-in` stays; a store made
# before the vocabulary keeps the seven routes of SPEC §3.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
HUB_LABEL="North Hub (MASH)"

# hand_commit MESSAGE: every change in the store committed with plain git
# (no hook: the edits a test makes on purpose).
hand_commit() {
    if ! { git -C "$S" add -A && git -C "$S" commit -q --no-verify -m "$1"; }; then fail "git commit failed"; fi
}

# A store whose routes start with its own hub, north-hub.
setup_hub_store() {
    S="$T/store"
    new_store "$S"
    grep -qx '  routes:' "$S/prevent.yaml" || fail "init wrote no routes vocabulary"
    sed -i "s/^  routes:\$/  routes:\\n    - key: north-hub\\n      label: $HUB_LABEL/" "$S/prevent.yaml"
    git -C "$S" commit -q -am "Our own hub" || fail "committing prevent.yaml failed (the hook?)"
}

route_counts() { # route_counts: by_route of the report's JSON on stdout, as key=count lines
    run prevent -C "$S" --as-of "$AS_OF" report --from 2026-01-01 --to 2026-11-27 --suppress 0 --format json
    assert_rc 0 "report"
    json_eval '"\n".join(f"{k}={v}" for k, v in d["referrals"]["by_route"].items())' <"$OUT"
}

test_a_store_with_its_own_hub_refers_imports_reports_and_checks() {
    setup_hub_store
    refer_ok "$S" route=north-hub
    assert_eq "$(case_field "$S" "$ID" 'd["referral"]["route"]')" north-hub "the route recorded"
    printf 'received,route,sector,agency,referrer_role,name,gender,concern_type,concern_summary\n%s\n' \
        "2026-11-04,north-hub,health,Example Surgery,GP,Maribex Tundrell,female,islamist,Fictional concern raised by a form tutor" \
        >"$T/in/hub.csv"
    run prevent -C "$S" --as-of "$AS_OF" -q import "$T/in/hub.csv"
    assert_rc 0 "import with the hub's route"
    refer_ok "$S" route=police name="Quen Arbolt" dob=2001-02-13 received=2026-11-05
    # Every key, in the vocabulary's order: the hub first, as listed.
    assert_eq "$(route_counts)" $'north-hub=2\nemail=0\nmassh-children=0\nmassh-adults=0\nout-of-hours=0\npolice=1\ntransfer-in=0\nother=0' \
        "by_route"
    run prevent -C "$S" --as-of "$AS_OF" report --from 2026-01-01 --to 2026-11-27 --suppress 0 --format md
    assert_contains "$(stdout)" "| $HUB_LABEL | 2 |" "the hub's label in the md report"
    run prevent -C "$S" --as-of "$AS_OF" report --from 2026-01-01 --to 2026-11-27 --suppress 0 --format csv
    assert_contains "$(stdout)" "referrals.by_route,north-hub,2" "the csv report"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 0 "check"
    assert_not_contains "$(stdout)" "error" "check"
    assert_not_contains "$(stdout)" "canonical" "check"
}

test_a_route_outside_the_vocabulary_is_refused_with_the_allowed_keys() {
    setup_hub_store
    referral_flags route=carrier-pigeon
    expect_refusal 5 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_eq "$(sed -n 1p "$ERR")" \
        "prevent: referral.route: 'carrier-pigeon' is not in the store's routes vocabulary (command line)" "the error"
    assert_hint_contains "allowed: north-hub, email, massh-children, massh-adults, out-of-hours, police, transfer-in, other"
    assert_no_personal_data "$(stderr)"
    # The same through import and correct.
    printf 'received,route,sector,agency,referrer_role,name,gender,concern_type,concern_summary\n%s\n' \
        "2026-11-04,south-hub,health,Example Surgery,GP,Maribex Tundrell,female,islamist,Fictional concern" >"$T/in/bad.csv"
    expect_refusal 5 "$S" prevent -C "$S" --as-of "$AS_OF" import "$T/in/bad.csv"
    assert_stderr_contains "referral.route: 'south-hub' is not in the store's routes vocabulary"
    refer_ok "$S"
    expect_refusal 5 "$S" prevent -C "$S" --as-of "$AS_OF" correct "$ID" referral.route=south-hub \
        --reason "Fictional reason: typed from the wrong form"
    assert_stderr_contains "referral.route: 'south-hub' is not in the store's routes vocabulary"
    run prevent -C "$S" --as-of "$AS_OF" correct "$ID" referral.route=north-hub \
        --reason "Fictional reason: typed from the wrong form"
    assert_rc 0 "correct to the hub's route"
}

test_dropping_a_route_a_record_uses_is_reported_by_check() {
    setup_hub_store
    refer_ok "$S" route=north-hub
    # A route no record uses may go (a notice for the change only).
    sed -i '/^    - key: out-of-hours$/{N;d}' "$S/prevent.yaml"
    git -C "$S" commit -q -am "Drop a route nobody uses" || fail "the hook refused an unused route dropped"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 0 "an unused route removed"
    assert_not_contains "$(stdout)" "error" "check"
    # The pre-commit hook refuses dropping one a record uses.
    sed -i '/^    - key: north-hub$/{N;d}' "$S/prevent.yaml"
    assert_not_contains "$(cat "$S/prevent.yaml")" "north-hub" "prevent.yaml after the edit"
    git -C "$S" commit -q -am "Drop our hub" >/dev/null 2>&1 && fail "the hook let the dropped route through"
    # Committed past the hook: check names the commit and the record.
    hand_commit "Drop our hub"
    local short
    short="$(git -C "$S" rev-parse --short=12 HEAD)"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 5 "check"
    assert_stdout_contains "error [config] commit $short removed north-hub from the routes vocabulary while a record still uses it; add it back to prevent.yaml (cases/2026/$ID.yaml)"
    assert_stdout_contains "referral.route: 'north-hub' is not in the store's routes vocabulary"
    assert_no_personal_data "$(stdout)$(stderr)" "check"
}

test_transfer_in_may_be_relabelled_but_not_dropped() {
    S="$T/store"
    new_store "$S" --no-hook
    refer_ok "$S"
    # --from-area goes with transfer-in only, whatever else a store lists.
    referral_flags route=police from-area="Example District" name="Tirva Nolsk" dob=1999-12-01
    expect_refusal 5 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_stderr_contains "referral.from_area: only with route transfer-in (command line"
    sed -i 's/^      label: Transfer from another area$/      label: Came from elsewhere/' "$S/prevent.yaml"
    hand_commit "Relabel transfer-in"
    refer_ok "$S" route=transfer-in from-area="Example District" name="Quen Arbolt" dob=2001-02-13
    run prevent -C "$S" --as-of "$AS_OF" report --from 2026-01-01 --to 2026-11-27 --suppress 0 --format md
    assert_contains "$(stdout)" "| Came from elsewhere | 1 |" "the new label"
    # Without it, prevent.yaml is damaged: every command exits 6, nothing written.
    sed -i '/^    - key: transfer-in$/{N;d}' "$S/prevent.yaml"
    hand_commit "Drop transfer-in"
    run prevent -C "$S" --as-of "$AS_OF" list
    assert_rc 6 "list"
    assert_matches "$(sed -n 1p "$ERR")" "^prevent: prevent.yaml is damaged: vocabulary routes has no 'transfer-in', the route that referral.from_area goes with \\(prevent.yaml:[0-9]+\\)$" "the error"
    assert_hint_contains "key: transfer-in"
    referral_flags name="Tirva Nolsk" dob=1999-12-01
    expect_refusal 6 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 6 "check"
}

test_a_store_made_before_routes_keeps_the_seven_routes() {
    S="$T/store"
    new_store "$S" --no-hook
    # prevent.yaml as a store made before the vocabulary has it.
    sed -i '/^  routes:$/,/^  sectors:$/{/^  sectors:$/!d}' "$S/prevent.yaml"
    assert_not_contains "$(cat "$S/prevent.yaml")" "routes" "the older prevent.yaml"
    hand_commit "prevent.yaml as before routes"
    refer_ok "$S" route=massh-children
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 0 "check of the older store"
    assert_not_contains "$(stdout)$(stderr)" "canonical" "check of the older store"
    assert_eq "$(route_counts)" $'email=0\nmassh-children=1\nmassh-adults=0\nout-of-hours=0\npolice=0\ntransfer-in=0\nother=0' \
        "by_route"
    run prevent -C "$S" --as-of "$AS_OF" report --from 2026-01-01 --to 2026-11-27 --suppress 0 --format md
    assert_contains "$(stdout)" "| Multi-Agency Safeguarding and Support Hub (children) | 1 |" "the default label"
    referral_flags route=north-hub name="Quen Arbolt" dob=2001-02-13
    expect_refusal 5 "$S" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    assert_hint_contains "allowed: email, massh-children, massh-adults, out-of-hours, police, transfer-in, other"
    # Its prevent.yaml is left as it was.
    assert_not_contains "$(cat "$S/prevent.yaml")" "routes" "prevent.yaml after the writes"
}

run_tests "$@"

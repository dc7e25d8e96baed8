#!/usr/bin/env bash
# `prevent sync` (issue 19, docs/team.md): fetch, merge record by record,
# push, through a bare repository by path and by file://.
# shellcheck source=lib/common.bash
source "$(dirname "$0")/lib/common.bash"

source "$(dirname "$0")/lib/sync_team.bash"

# The two stores' heads and records are the same.
assert_converged() {
    assert_eq "$(head_of "$T/A")" "$(head_of "$T/B")" "the two heads"
    assert_eq "$(git -C "$T/R.git" rev-parse refs/heads/master 2>/dev/null || git -C "$T/R.git" rev-parse refs/heads/main)" \
        "$(head_of "$T/A")" "the remote's head"
    assert_clean "$T/A"
    assert_clean "$T/B"
}

test_first_sync_pushes_to_an_empty_remote() {
    new_store "$T/A"
    refer_ok "$T/A"
    git init -q --bare "$T/R.git"
    git -C "$T/A" remote add origin "$T/R.git"
    pv "$T/A" "$AS_OF" sync
    assert_rc 0
    assert_stdout_empty
    assert_stderr_contains "pushed"
    local branch
    branch="$(git -C "$T/A" symbolic-ref --short HEAD)"
    assert_eq "$(git -C "$T/R.git" rev-parse "refs/heads/$branch")" "$(head_of "$T/A")" "the remote's branch"
    assert_eq "$(git -C "$T/A" rev-parse "refs/remotes/origin/$branch")" "$(head_of "$T/A")" "the tracking branch"
    # Nothing new either way: nothing changes.
    local before
    before="$(head_of "$T/A")"
    pv "$T/A" "$AS_OF" sync
    assert_rc 0
    assert_stderr_contains "nothing new from the remote; nothing to push"
    assert_eq "$(head_of "$T/A")" "$before" "HEAD"
}

test_fast_forward_brings_the_remote_commits() {
    team
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional second referral"
    local second="$ID"
    pv_ok "$T/A" "$AS_OF" sync
    pv "$T/B" "$AS_OF" sync
    assert_rc 0
    assert_stderr_contains "brought up to date with the remote; nothing to push"
    assert_converged
    # No merge commit: the history is A's, and B reads the new case.
    assert_eq "$(git -C "$T/B" rev-list --merges --count HEAD)" "0" "merge commits"
    pv "$T/B" "$AS_OF" show "$second"
    assert_rc 0
    pv "$T/B" "$AS_OF" check
    assert_rc 0
}

test_edits_to_different_cases_merge_and_converge() {
    team
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional second referral"
    local second="$ID"
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/B" "$AS_OF" sync
    # Offline: A triages one case, B the other.
    pv_ok "$T/A" "$AS_OF" triage "$BASE_ID" --outcome channel-panel --date 2026-11-20 --s36-date 2026-11-20 --s36-by "Prevent Lead"
    pv_ok "$T/B" "$AS_OF" triage "$second" --outcome signposted --date 2026-11-21 --signpost early-help --rationale "Fictional rationale B"
    pv_ok "$T/A" "$AS_OF" sync
    pv "$T/B" "$AS_OF" sync
    assert_rc 0
    assert_stdout_empty
    assert_stderr_contains "merged with the remote (0 records merged by field, 0 conflicts); pushed"
    pv "$T/A" "$AS_OF" sync
    assert_rc 0
    assert_converged
    assert_eq "$(case_field "$T/A" "$BASE_ID" "d['triage']['outcome']")" "channel-panel" "A's triage"
    assert_eq "$(case_field "$T/A" "$second" "d['triage']['outcome']")" "signposted" "B's triage"
    # The merge is one commit, first parent B's own line, by the program.
    assert_eq "$(git -C "$T/B" rev-list --merges --count HEAD)" "1" "merge commits"
    assert_eq "$(git -C "$T/B" log -1 --merges --format=%s)" "sync: merge from origin (1 file)" "the merge's subject"
    assert_eq "$(git -C "$T/B" log -1 --merges --format='%(trailers:key=Prevent-Action,valueonly)' | sed '/^$/d')" "sync" "trailer"
    assert_no_personal_data "$(git -C "$T/B" log --format=%B)" "commit messages"
    # An auditor's check accepts the program's merge on both copies.
    pv "$T/A" "$AS_OF" check --strict
    assert_rc 0 "check --strict of A"
    [[ $RC -eq 0 ]] || _show "$OUT"
    pv "$T/B" "$AS_OF" check --strict
    assert_rc 0 "check --strict of B"
    [[ $RC -eq 0 ]] || _show "$OUT"
}

test_one_case_changed_on_both_sides_merges_by_field() {
    team
    # A notes a contact, B records a different one: both entries kept.
    pv_ok "$T/A" "$AS_OF" note "$BASE_ID" --date 2026-11-10 --kind contact --with "Example Academy" --text "Fictional note A"
    pv_ok "$T/B" "$AS_OF" note "$BASE_ID" --date 2026-11-11 --kind contact --with "Example Police" --text "Fictional note B"
    pv_ok "$T/A" "$AS_OF" sync
    pv "$T/B" "$AS_OF" sync
    assert_rc 0
    assert_stderr_contains "(1 record merged by field, 0 conflicts)"
    pv_ok "$T/A" "$AS_OF" sync
    assert_converged
    assert_eq "$(case_field "$T/A" "$BASE_ID" "len(d['chronology'])")" "2" "chronology entries"
    assert_eq "$(head_trailers "$T/B" Prevent-Case)" "$BASE_ID" "the merge names the case"
}

test_a_field_changed_two_ways_is_a_conflict_kept_in_the_record() {
    team
    pv_ok "$T/A" "$AS_OF" triage "$BASE_ID" --outcome channel-panel --date 2026-11-20 --s36-date 2026-11-20 --s36-by "Prevent Lead"
    pv_ok "$T/B" "$AS_OF" triage "$BASE_ID" --outcome no-further-action --date 2026-11-21 --rationale "Fictional rationale B"
    pv_ok "$T/A" "$AS_OF" sync
    pv "$T/B" "$AS_OF" sync
    assert_rc 0
    assert_stdout_eq "conflict $BASE_ID triage"
    assert_stderr_contains "1 conflict)"
    assert_no_personal_data "$(stdout; stderr)" "sync's output"
    # Nothing lost: both sides' values are in the record; the case stays
    # untriaged until a person chooses.
    assert_eq "$(case_field "$T/B" "$BASE_ID" "d['conflicts'][0]['field']")" "triage" "the conflict's field"
    assert_contains "$(case_field "$T/B" "$BASE_ID" "d['conflicts'][0]['ours']")" "no-further-action" "ours"
    assert_contains "$(case_field "$T/B" "$BASE_ID" "d['conflicts'][0]['theirs']")" "channel-panel" "theirs"
    assert_eq "$(case_field "$T/B" "$BASE_ID" "'triage' in d")" "False" "triage in place"
    pv_ok "$T/A" "$AS_OF" sync
    assert_converged
    pv "$T/A" "$AS_OF" check history verified-head
    assert_rc 0 "check of the merged history"
    [[ $RC -eq 0 ]] || _show "$OUT"
}

test_a_case_numbered_on_both_sides_is_renumbered_on_the_side_not_pushed() {
    team
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional referral at A"
    local a_id="$ID"
    refer_ok "$T/B" name="Dorrin Halvesk" summary="Fictional referral at B"
    local b_id="$ID"
    assert_eq "$a_id" "$b_id" "the same ID allocated twice"
    pv_ok "$T/A" "$AS_OF" sync
    pv "$T/B" "$AS_OF" sync
    assert_rc 0
    local year n new
    year="${b_id#*-}"
    year="${year%%-*}"
    n="${b_id##*-}"
    new="${b_id%-*}-$(printf '%04d' $((10#$n + 1)))"
    assert_stdout_eq "renumbered $b_id $new"
    assert_stderr_contains "$b_id was numbered on the remote too"
    pv_ok "$T/A" "$AS_OF" sync
    assert_converged
    # A's case keeps its ID; B's has the next, with its old ID kept.
    assert_eq "$(case_field "$T/A" "$a_id" "d['referral']['subject']['name']")" "Velmira Cottish" "A's case"
    assert_eq "$(case_field "$T/A" "$new" "d['referral']['subject']['name']")" "Dorrin Halvesk" "B's case, renumbered"
    assert_eq "$(case_field "$T/A" "$new" "d['previous_ids']")" "['$b_id']" "previous_ids"
    assert_file_exists "$T/A/cases/$year/$new.yaml"
    pv "$T/A" "$AS_OF" check records
    assert_rc 0
    # `show OLD-ID`: the case that holds the ID now (A's), which names the
    # case renumbered from it (`number_also_given_to`), with a notice, on
    # both copies; where no case holds the ID (here, A's case taken away
    # by hand: prevent never deletes one), the case renumbered from it.
    assert_eq "$(case_field "$T/A" "$a_id" "d['number_also_given_to']")" "['$new']" "number_also_given_to"
    assert_eq "$(case_field "$T/B" "$a_id" "d['number_also_given_to']")" "['$new']" "number_also_given_to on B"
    pv_ok "$T/A" "$AS_OF" show "$a_id"
    assert_stdout_contains "Velmira Cottish"
    assert_stderr_contains "$a_id was also given offline to another case, which a sync renumbered $new (\`prevent show $new\`)"
    # Another person's case is not in this person's subject access export.
    pv_ok "$T/A" "$AS_OF" export-person "$a_id"
    assert_stdout_contains "Velmira Cottish"
    assert_not_contains "$(stdout)" "$new" "the export"
    assert_not_contains "$(stdout)" "number_also_given_to" "the export"
    pv_ok "$T/A" "$AS_OF" check
    git -C "$T/A" rm -q "cases/$year/$a_id.yaml"
    git -C "$T/A" commit -q --no-verify -m "test: the case at the old ID taken away"
    pv_ok "$T/A" "$AS_OF" show "$b_id"
    assert_stdout_contains "Dorrin Halvesk"
    assert_stdout_contains "id: $new"
    assert_stderr_contains "$b_id was renumbered $new by a sync (its previous_ids)"
    local unknown="${b_id%-*}-0999"
    pv "$T/A" "$AS_OF" show "$unknown"
    assert_rc 3
}

# A renumbering merge made by an earlier prevent did not name the
# renumbered case in the case that kept the number: check still takes it
# for prevent's merge (its tree is what that prevent's merge gave), and a
# merge whose tree neither gives is still an error.
test_a_renumbering_merge_of_an_earlier_prevent_is_accepted() {
    team
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional referral at A"
    local a_id="$ID"
    refer_ok "$T/B" name="Dorrin Halvesk" summary="Fictional referral at B"
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/B" "$AS_OF" sync
    local file
    file="$(cd "$T/B" && ls cases/*/"$a_id".yaml)"
    assert_contains "$(cat "$T/B/$file")" "number_also_given_to" "the kept case"
    # The same merge as an earlier prevent made it: the kept case as A wrote it.
    git -C "$T/B" show "HEAD^2:$file" >"$T/B/$file"
    git -C "$T/B" add "$file"
    local tree merge
    tree="$(git -C "$T/B" write-tree)"
    merge="$(git -C "$T/B" log -1 --format=%B HEAD | git -C "$T/B" commit-tree "$tree" -p HEAD^1 -p HEAD^2)"
    git -C "$T/B" reset -q --hard "$merge"
    pv "$T/B" "$AS_OF" check history
    assert_rc 0
    assert_not_contains "$(stdout)" "sync merge" "check's findings"
    # A hand edit in that file is not either prevent's merge.
    sed -i 's/^\(  *\)agency: .*/\1agency: Fictional Forged Agency/' "$T/B/$file"
    git -C "$T/B" add "$file"
    tree="$(git -C "$T/B" write-tree)"
    merge="$(git -C "$T/B" log -1 --format=%B HEAD | git -C "$T/B" commit-tree "$tree" -p HEAD^1 -p HEAD^2)"
    git -C "$T/B" reset -q --hard "$merge"
    pv "$T/B" "$AS_OF" check history
    assert_rc 6
    assert_stdout_contains "is not prevent's merge of its parents"
}

test_a_meeting_changed_two_ways_keeps_its_conflict() {
    team
    meeting_ok "$T/A" 2026-11-12
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/B" "$AS_OF" sync
    # One person, moved two different ways.
    pv_ok "$T/A" "$AS_OF" panel attend 2026-11-12 --attendee "Youth Worker@Example Youth Service"
    pv_ok "$T/B" "$AS_OF" panel attend 2026-11-12 --apology "Youth Worker@Example Youth Service"
    pv_ok "$T/A" "$AS_OF" sync
    pv "$T/B" "$AS_OF" sync
    assert_rc 0
    assert_stdout_contains "conflict 2026-11-12 attendance["
    pv_ok "$T/A" "$AS_OF" sync
    assert_converged
    # A conflict falls due on the date of the later side's commit (the
    # real clock's): listed as of a later day.
    pv_ok "$T/A" 2030-01-01 review due --format csv
    assert_contains "$(stdout)" "2026-11-12,meeting,conflict" "review due"
}

# The base of the two tests below: a meeting with the police, and the
# case awaiting panel, on both stores. Then, offline, A records the
# panel's decision; B, who does not see it, takes the police
# representative off the meeting. Each change keeps SPEC §4; together they
# break rule 4 (a decision at a meeting without the police).
decision_and_police_removed() {
    team
    pv_ok "$T/A" "$AS_OF" triage "$BASE_ID" --outcome channel-panel --date 2026-11-05 --s36-date 2026-11-05 --s36-by "Prevent Lead"
    meeting_ok "$T/A" 2026-11-12
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/B" "$AS_OF" sync
    pv_ok "$T/A" "$AS_OF" panel decide 2026-11-12 "$BASE_ID" --decision adopt --method consensus
    pv_ok "$T/B" "$AS_OF" panel attend 2026-11-12 --remove "Detective Sergeant@Example Constabulary"
}

# The merge holds the other copy's change as a conflict, the record as it
# was before it: nothing breaks the rule, nothing is lost, and resolving it
# is checked against the rule like any write.
test_a_merge_that_breaks_a_rule_holds_the_decision() {
    decision_and_police_removed
    pv_ok "$T/A" "$AS_OF" sync
    pv "$T/B" "$AS_OF" sync
    assert_rc 0
    assert_stdout_contains "conflict $BASE_ID panel[2026-11-12]"
    assert_not_contains "$(stdout)" "rule " "stdout"
    assert_stderr_contains "the two copies' changes to $BASE_ID together break a rule (refused by rule 4"
    assert_stderr_contains "held as conflicts"
    assert_no_personal_data "$(stdout)$(stderr)" "sync's output"
    # The record is as it was: awaiting panel, with no decision; the
    # meeting keeps B's change; the rules hold.
    assert_eq "$(case_field "$T/B" "$BASE_ID" "len(d.get('panel', []))")" "0" "panel entries in place"
    # (As of a later day: a conflict is dated by the real clock's commit.)
    pv_ok "$T/B" 2030-01-01 check rules
    pv_ok "$T/B" 2030-01-01 review due --format csv
    assert_contains "$(stdout)" "$BASE_ID" "review due"
    assert_contains "$(stdout)" ",conflict" "review due"
    # Taking the decision while no police attended is refused by rule 4.
    expect_refusal 4 "$T/B" prevent -C "$T/B" --as-of "$AS_OF" resolve "$BASE_ID" "panel[2026-11-12]" --take theirs
    assert_stderr_contains "rule 4"
    # With the police representative back, the decision is taken.
    pv_ok "$T/B" "$AS_OF" panel attend 2026-11-12 --police "Detective Sergeant@Example Constabulary"
    pv_ok "$T/B" "$AS_OF" resolve "$BASE_ID" "panel[2026-11-12]" --take theirs
    assert_eq "$(case_field "$T/B" "$BASE_ID" "d['panel'][0]['decision']")" "adopt" "the decision"
    pv_ok "$T/B" "$AS_OF" check
    pv_ok "$T/B" "$AS_OF" sync
    pv_ok "$T/A" "$AS_OF" sync
    assert_converged
    pv_ok "$T/A" "$AS_OF" check
}

# The other order: B's change reached the remote first, so A's merge holds
# it (the police representative stays on the meeting, as a conflict), and
# A's own decision stays in place.
test_a_merge_that_breaks_a_rule_holds_the_other_copys_change() {
    decision_and_police_removed
    pv_ok "$T/B" "$AS_OF" sync
    pv "$T/A" "$AS_OF" sync
    assert_rc 0
    assert_stdout_contains "conflict 2026-11-12 attendance[Detective Sergeant@Example Constabulary]"
    assert_not_contains "$(stdout)" "rule " "stdout"
    assert_stderr_contains "held as conflicts"
    assert_eq "$(case_field "$T/A" "$BASE_ID" "d['panel'][0]['decision']")" "adopt" "the decision"
    pv_ok "$T/A" 2030-01-01 check rules
    # Taking B's removal is refused while the decision stands.
    expect_refusal 4 "$T/A" prevent -C "$T/A" --as-of "$AS_OF" resolve 2026-11-12 "attendance[Detective Sergeant@Example Constabulary]" --take theirs
    assert_stderr_contains "rule 4"
    pv_ok "$T/A" "$AS_OF" resolve 2026-11-12 "attendance[Detective Sergeant@Example Constabulary]" --take ours
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/B" "$AS_OF" sync
    assert_converged
    pv_ok "$T/B" "$AS_OF" check
}

# prevent.yaml, edited by hand, changed on both sides: merged line by line
# where the changes are apart (A changes a target, B the suppression
# threshold); the same line changed two ways is refused, and taking the
# remote's version, as the hint says, settles it.
test_prevent_yaml_changed_on_both_sides() {
    team
    sed -i 's/^triage_target_working_days: 5$/triage_target_working_days: 6/' "$T/A/prevent.yaml"
    git -C "$T/A" commit -q -am "Triage target of six working days"
    sed -i 's/^suppression_threshold: 5$/suppression_threshold: 10/' "$T/B/prevent.yaml"
    git -C "$T/B" commit -q -am "Suppress counts under ten"
    pv_ok "$T/A" "$AS_OF" sync
    pv "$T/B" "$AS_OF" sync
    assert_rc 0
    assert_contains "$(cat "$T/B/prevent.yaml")" "triage_target_working_days: 6" "B's prevent.yaml"
    assert_contains "$(cat "$T/B/prevent.yaml")" "suppression_threshold: 10" "B's prevent.yaml"
    pv_ok "$T/A" "$AS_OF" sync
    assert_converged
    # The merge is prevent's (recomputed: no error); the two changes of
    # prevent.yaml are notices, as any change by hand.
    pv "$T/A" "$AS_OF" check
    assert_rc 0
    # The same line two ways: refused, nothing merged.
    sed -i 's/^panel_target_days: 28$/panel_target_days: 21/' "$T/A/prevent.yaml"
    git -C "$T/A" commit -q -am "Panel within three weeks"
    sed -i 's/^panel_target_days: 28$/panel_target_days: 35/' "$T/B/prevent.yaml"
    git -C "$T/B" commit -q -am "Panel within five weeks"
    pv_ok "$T/A" "$AS_OF" sync
    expect_refusal 6 "$T/B" prevent -C "$T/B" --as-of "$AS_OF" sync
    assert_stderr_contains "prevent.yaml was changed on both sides, the same lines two different ways"
    assert_hint_contains "git checkout refs/prevent/sync/incoming -- FILE"
    # As the hint says: the remote's version, committed, syncs.
    git -C "$T/B" checkout -q refs/prevent/sync/incoming -- prevent.yaml
    git -C "$T/B" commit -q -m "Take the remote's panel target"
    pv_ok "$T/B" "$AS_OF" sync
    pv_ok "$T/A" "$AS_OF" sync
    assert_converged
    assert_contains "$(cat "$T/A/prevent.yaml")" "panel_target_days: 21" "the settled prevent.yaml"
    # Two changes that are each valid and together are not (the same key
    # moved, to the end on one side and to the top on the other): refused.
    sed -i '/^suppression_threshold: 10$/d' "$T/A/prevent.yaml" "$T/B/prevent.yaml"
    printf 'suppression_threshold: 11\n' >>"$T/A/prevent.yaml"
    sed -i 's/^area: Example Borough$/area: Example Borough\nsuppression_threshold: 12/' "$T/B/prevent.yaml"
    git -C "$T/A" commit -q -am "Suppress under eleven, at the end"
    git -C "$T/B" commit -q -am "Suppress under twelve, at the top"
    pv_ok "$T/A" "$AS_OF" sync
    expect_refusal 6 "$T/B" prevent -C "$T/B" --as-of "$AS_OF" sync
    assert_stderr_contains "the two changes together are not a valid prevent.yaml"
}

test_a_push_race_is_merged_again() {
    command -v strace >/dev/null 2>&1 && strace -f -qq -o /dev/null true >/dev/null 2>&1 || {
        [[ -z "${PREVENT_REQUIRE_STRACE:-}" ]] || fail "strace is missing and PREVENT_REQUIRE_STRACE is set"
        return 0
    }
    team
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional referral at A"
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/B" "$AS_OF" note "$BASE_ID" --date 2026-11-11 --kind contact --with "Example Academy" --text "Fictional note B"
    # B's sync is stopped just after its merge commit (when it removes the
    # commit's journal), before it pushes; meanwhile A pushes again.
    # (LeakSanitizer cannot run under ptrace: leaks are checked in the
    # other tests, as crash.sh does.)
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        strace -f -qq -o /dev/null -P "$T/B/.git/prevent/journal" -e trace=unlink,unlinkat \
        -e inject=unlink,unlinkat:signal=STOP:when=1 \
        "$PREVENT" -C "$T/B" --as-of "$AS_OF" sync >"$T/race.out" 2>"$T/race.err" &
    local tracer=$! pid="" i still=0
    # Stopped: its merge is made (HEAD is a merge) and it stays stopped.
    for ((i = 0; i < 300 && still < 5; i++)); do
        sleep 0.1
        pid="$(pgrep -f -- "-C $T/B --as-of $AS_OF sync" | grep -v "^$tracer\$" | head -1)"
        if [[ -n "$pid" && "$(git -C "$T/B" rev-list --merges --count HEAD)" == 1 &&
            "$(ps -o stat= -p "$pid" 2>/dev/null)" == [Tt]* ]]; then
            still=$((still + 1))
        else
            still=0
        fi
    done
    ((still >= 5)) || { fail "B's sync did not stop after its merge"; kill -9 "$tracer" "$pid" 2>/dev/null; wait "$tracer"; return; }
    pv_ok "$T/A" "$AS_OF" note "$BASE_ID" --date 2026-11-12 --kind contact --with "Example Police" --text "Fictional note A"
    pv_ok "$T/A" "$AS_OF" sync
    kill -CONT "$pid"
    for ((i = 0; i < 300; i++)); do kill -0 "$tracer" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$tracer" 2>/dev/null && { fail "B's sync did not finish"; kill -9 "$tracer" "$pid" 2>/dev/null; }
    wait "$tracer"
    assert_eq "$?" "0" "B's sync after the race"
    # B merged twice: with A's first push, then with the one made meanwhile.
    assert_eq "$(git -C "$T/B" rev-list --merges --count HEAD)" "2" "B's merges"
    pv_ok "$T/A" "$AS_OF" sync
    assert_converged
    assert_eq "$(case_field "$T/A" "$BASE_ID" "len(d['chronology'])")" "2" "both notes"
}

test_refuses_without_a_git_identity_before_fetching() {
    team
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional referral at A"
    pv_ok "$T/A" "$AS_OF" sync
    mkdir -p "$T/nohome"
    HOME="$T/nohome" expect_refusal 6 "$T/B" prevent -C "$T/B" --as-of "$AS_OF" sync
    assert_stderr_contains "git identity"
    assert_eq "$(git -C "$T/B" for-each-ref refs/prevent/sync | wc -l)" "0" "nothing fetched"
}

test_refuses_uncommitted_changes() {
    team
    echo "# a hand edit" >>"$T/B/prevent.yaml"
    expect_refusal 6 "$T/B" prevent -C "$T/B" --as-of "$AS_OF" sync
    assert_stderr_contains "uncommitted changes in the way (prevent.yaml)"
}

test_refuses_a_store_without_origin() {
    new_store "$T/A"
    expect_refusal 6 "$T/A" prevent -C "$T/A" --as-of "$AS_OF" sync
    assert_stderr_contains "no remote named origin"
}

test_refuses_remotes_that_would_run_a_program() {
    new_store "$T/A"
    local url
    # Given on the command line: a usage error (docs/ssh.md).
    for url in 'ext::sh -c touch% /tmp/prevent-sync-pwned' 'fd::17' 'http://example.invalid/x.git' \
        'ssh://-oProxyCommand=touch%20/tmp/prevent-sync-pwned/x' 'ssh://user:secret@example.invalid/x.git'; do
        expect_refusal 2 "$T/A" prevent -C "$T/A" --as-of "$AS_OF" sync -- "$url"
        assert_stderr_contains "remote URL refused: "
        assert_stderr_not_contains "secret"
    done
    # In the store's configuration: a store problem, naming the setting.
    git -C "$T/A" remote add evil 'ext::sh -c touch% /tmp/prevent-sync-pwned'
    expect_refusal 6 "$T/A" prevent -C "$T/A" --as-of "$AS_OF" sync evil
    assert_stderr_contains "(remote.evil.url)"
    # An insteadOf rewrite is not followed: the address is used as written.
    git -C "$T/A" config url."ext::sh -c touch% /tmp/prevent-sync-pwned #".insteadOf "$T/"
    git init -q --bare "$T/R.git"
    git -C "$T/A" remote add origin "$T/R.git"
    pv "$T/A" "$AS_OF" sync
    assert_rc 0 "a sync whose address an insteadOf would rewrite"
    assert_eq "$(git -C "$T/R.git" rev-parse HEAD 2>/dev/null)" "$(head_of "$T/A")" "pushed to the address as written"
    assert_no_file /tmp/prevent-sync-pwned
}

# A commit on the remote's branch whose root tree also holds NAME: a tree
# holding `config` (git mktree accepts `.git` and `..`).
push_hostile_tree() { # push_hostile_tree NAME
    local branch blob sub root commit
    branch="$(git -C "$T/A" symbolic-ref --short HEAD)"
    blob="$(printf '[core]\n\tfsmonitor = touch /tmp/prevent-sync-pwned\n' | git -C "$T/R.git" hash-object -w --stdin)"
    sub="$(printf '100644 blob %s\tconfig\n' "$blob" | git -C "$T/R.git" mktree)"
    root="$({ git -C "$T/R.git" ls-tree "refs/heads/$branch"; printf '040000 tree %s\t%s\n' "$sub" "$1"; } | git -C "$T/R.git" mktree)"
    commit="$(git -C "$T/R.git" commit-tree "$root" -p "refs/heads/$branch" -m "hostile")"
    git -C "$T/R.git" update-ref "refs/heads/$branch" "$commit"
}

test_refuses_a_remote_tree_that_reaches_outside_the_records() {
    local name
    for name in .git .GIT ".git." ..; do
        rm -rf "$T/A" "$T/B" "$T/R.git"
        team
        push_hostile_tree "$name"
        local config_before
        config_before="$(cat "$T/B/.git/config")"
        expect_refusal 6 "$T/B" prevent -C "$T/B" --as-of "$AS_OF" sync
        assert_stderr_contains "the remote's tree has a path prevent does not write: a .git, '.' or '..' part"
        assert_eq "$(cat "$T/B/.git/config")" "$config_before" "B's .git/config ($name)"
        assert_no_file "$T/config"
        # With a change of B's own, the merge refuses it too.
        refer_ok "$T/B" name="Dorrin Halvesk" summary="Fictional referral at B"
        expect_refusal 6 "$T/B" prevent -C "$T/B" --as-of "$AS_OF" sync
        assert_no_file /tmp/prevent-sync-pwned
    done
}

test_refuses_an_unreachable_remote() {
    new_store "$T/A"
    git -C "$T/A" remote add origin "$T/nowhere.git"
    expect_refusal 6 "$T/A" prevent -C "$T/A" --as-of "$AS_OF" sync
    assert_stderr_contains "cannot fetch from origin"
}

test_refuses_a_rewritten_remote() {
    team
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional second referral"
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/B" "$AS_OF" sync
    # Someone rewrites the remote's branch to drop the last commit.
    local branch
    branch="$(git -C "$T/A" symbolic-ref --short HEAD)"
    git -C "$T/R.git" update-ref "refs/heads/$branch" "$(git -C "$T/A" rev-parse HEAD~1)"
    refer_ok "$T/B" name="Dorrin Halvesk" summary="Fictional third referral"
    expect_refusal 6 "$T/B" prevent -C "$T/B" --as-of "$AS_OF" sync
    assert_stderr_contains "its history was rewritten"
}

test_file_url_and_path_argument() {
    team
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional second referral"
    pv "$T/A" "$AS_OF" sync "file://$T/R.git"
    assert_rc 0
    assert_stderr_contains "pushed"
    pv "$T/B" "$AS_OF" sync "$T/R.git"
    assert_rc 0
    assert_eq "$(head_of "$T/B")" "$(head_of "$T/A")" "B's head"
}

# Three clones that each work offline (a referral each, all with the same
# next ID; notes on the shared case; a triage, a correction of the shared
# case's name, and a void), then sync in each of the six orders (each
# order from the same start, twice round): every order ends with the three
# at one head holding every entry once. SYNC_ORDER_EVERY=N (the sanitizer
# run, .ci/run) tries one order in N, rotating with E2E_SAMPLE_OFFSET.
: "${SYNC_ORDER_EVERY:=1}"
test_three_clones_converge_in_every_order() {
    team
    git clone -q "$T/R.git" "$T/C" || fail "git clone failed"
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional referral at A"
    refer_ok "$T/B" name="Dorrin Halvesk" summary="Fictional referral at B"
    refer_ok "$T/C" name="Ossian Brack" summary="Fictional referral at C"
    pv_ok "$T/B" "$AS_OF" note "$BASE_ID" --date 2026-11-10 --kind contact --with "Example Police" --text "Fictional note B"
    pv_ok "$T/C" "$AS_OF" note "$BASE_ID" --date 2026-11-12 --kind contact --with "Example Academy" --text "Fictional note C"
    pv_ok "$T/C" "$AS_OF" note "$BASE_ID" --date 2026-11-13 --kind contact --with "Example Academy" --text "Fictional note C2"
    pv_ok "$T/C" "$AS_OF" void "$BASE_ID" note:2026-11-13 --reason "Fictional: entered twice"
    pv_ok "$T/A" "$AS_OF" triage "$BASE_ID" --outcome channel-panel --date 2026-11-20 --s36-date 2026-11-20 --s36-by "Prevent Lead"
    pv_ok "$T/B" "$AS_OF" correct "$BASE_ID" "referral.subject.name=Quorbin Ashwel" --reason "Fictional spelling"
    mkdir -p "$T/start" && cp -a "$T/A" "$T/B" "$T/C" "$T/R.git" "$T/start/"
    local order s tried=0
    for order in ABC ACB BAC BCA CAB CBA; do
        sampled "$SYNC_ORDER_EVERY" sync-orders || continue
        tried=$((tried + 1))
        rm -rf "$T/A" "$T/B" "$T/C" "$T/R.git" && cp -a "$T/start/." "$T/"
        for s in $(grep -o . <<<"$order$order"); do pv_ok "$T/$s" "$AS_OF" sync; done
        assert_eq "$(head_of "$T/A")" "$(head_of "$T/C")" "$order: A and C"
        assert_eq "$(head_of "$T/B")" "$(head_of "$T/C")" "$order: B and C"
        pv_ok "$T/A" "$AS_OF" list --format csv
        assert_eq "$(stdout | tail -n +2 | wc -l)" "4" "$order: cases"
        assert_eq "$(case_field "$T/A" "$BASE_ID" "len(d['chronology'])")" "2" "$order: chronology entries"
        assert_eq "$(case_field "$T/A" "$BASE_ID" "len(d['voided'])")" "1" "$order: voided entries"
        assert_eq "$(case_field "$T/A" "$BASE_ID" "d['triage']['outcome']")" "channel-panel" "$order: the triage"
        assert_eq "$(case_field "$T/A" "$BASE_ID" "d['referral']['subject']['name']")" "Quorbin Ashwel" "$order: the correction"
        local name
        for name in "Velmira Cottish" "Dorrin Halvesk" "Ossian Brack"; do
            assert_eq "$(grep -l "$name" "$T"/A/cases/*/*.yaml | wc -l)" "1" "$order: $name's case"
        done
        pv "$T/A" "$AS_OF" check --strict
        assert_rc 0 "$order: check --strict"
    done
    ((tried > 0)) || fail "no order tried"
}

test_check_reports_a_hand_edit_hidden_in_a_sync_merge() {
    team
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional referral at A"
    refer_ok "$T/B" name="Dorrin Halvesk" summary="Fictional referral at B"
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/B" "$AS_OF" sync
    pv "$T/B" "$AS_OF" check --strict
    assert_rc 0 "check of the program's merge"
    # The merge amended by hand: the same message and parents, one record
    # changed more.
    sed -i 's/route: email/route: phone/' "$T/B/cases/"*/"$BASE_ID.yaml"
    git -C "$T/B" commit -q -a --amend --no-edit --no-verify
    pv "$T/B" "$AS_OF" check history
    assert_rc 6
    assert_stdout_contains "is not prevent's merge of its parents: it changes cases/"
    assert_stdout_contains "$BASE_ID.yaml, which prevent's merge of its parents leaves"
    assert_no_personal_data "$(stdout)" "check's findings"
}

# B works offline (a note), then syncs: one merge commit brings in what A
# pushed with plain git.
b_merges_what_a_pushed() {
    pv_ok "$T/B" "$AS_OF" note "$BASE_ID" --date 2026-11-11 --kind contact --with "Example School" --text "Fictional note B"
    pv_ok "$T/B" "$AS_OF" sync
    assert_eq "$(git -C "$T/B" rev-list --merges --count HEAD)" "1" "merge commits"
}

# What a sync merge brought in through its second parent is checked as the
# first-parent history is (docs/audit.md, "Merges"): a hand edit pushed to
# the shared remote, with a trailer copied from a real action or with
# none, is reported on the copy that merged it.
test_check_looks_at_the_commits_a_sync_brought_in() {
    team
    pv_ok "$T/A" "$AS_OF" note "$BASE_ID" --date 2026-11-10 --kind contact --with "Example Police" --text "Fictional note A"
    local file
    file="$(cd "$T/A" && ls cases/*/"$BASE_ID".yaml)"
    sed -i 's/^\(  *\)agency: .*/\1agency: Fictional Forged Agency/' "$T/A/$file"
    git -C "$T/A" commit -q -a --no-verify -m "note: $BASE_ID" -m "Prevent-Case: $BASE_ID
Prevent-Action: note" || fail "git commit failed"
    local forged
    forged="$(git -C "$T/A" rev-parse --short=12 HEAD)"
    echo "# fictional" >>"$T/A/$file"
    git -C "$T/A" commit -q -a --no-verify -m "tidy" || fail "git commit failed"
    local plain
    plain="$(git -C "$T/A" rev-parse --short=12 HEAD)"
    git -C "$T/A" push -q origin HEAD 2>/dev/null || fail "git push failed"
    b_merges_what_a_pushed
    pv "$T/B" "$AS_OF" check history
    assert_rc 0
    assert_stdout_contains "hand edit: commit $forged by"
    assert_stdout_contains "changed records outside prevent, whatever its trailer says"
    assert_stdout_contains "hand edit: commit $plain by"
    assert_no_personal_data "$(stdout)" "check's findings"
    pv "$T/B" "$AS_OF" check history --strict
    assert_rc 4
}

# A change of prevent.yaml made on one copy and merged by a sync is one
# finding of `check config`: the commit that made it, walked as a commit
# the merge brought in, not the merge again.
test_a_configuration_change_merged_in_is_listed_once() {
    team
    sed -i 's/^suppression_threshold: .*/suppression_threshold: 7/' "$T/A/prevent.yaml"
    git -C "$T/A" commit -q -a --no-verify -m "Raise the suppression threshold" || fail "git commit failed"
    git -C "$T/A" push -q origin HEAD 2>/dev/null || fail "git push failed"
    b_merges_what_a_pushed
    pv "$T/B" "$AS_OF" check config
    assert_rc 0
    assert_eq "$(grep -c "configuration change" "$OUT")" "1" "configuration change findings"
    assert_stdout_contains "suppression_threshold"
}

test_a_plain_git_merge_is_still_a_notice() {
    team
    refer_ok "$T/A" name="Velmira Cottish" summary="Fictional referral at A"
    pv_ok "$T/A" "$AS_OF" sync
    pv_ok "$T/B" "$AS_OF" note "$BASE_ID" --date 2026-11-10 --kind contact --with "Example Police" --text "Fictional note B"
    git -C "$T/B" pull -q --no-rebase --no-edit origin "$(git -C "$T/B" symbolic-ref --short HEAD)" 2>/dev/null || fail "git pull failed"
    pv "$T/B" "$AS_OF" check history
    assert_rc 0
    assert_stdout_contains "prevent checks each commit the merge brought in"
}

run_tests "$@"

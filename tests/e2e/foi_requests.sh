#!/usr/bin/env bash
# `prevent foi` (docs/foi.md): FOI requests and their statutory deadline
# (the 20th working day following receipt, FOI Act 2000 s.10(1), across
# weekends and England and Wales bank holidays), closing a request answered
# without an FOI report, the answer linked by `report --foi --request`,
# `foi list` in every format, the `foi` rows of `review due` (and its list
# unchanged without them), every refusal (exit code, one error line,
# nothing written, no commit), and `check`: clean after the commands, a
# hand edit of foi/ or a copied `foi-new` / `foi-close` trailer caught.
#
# References are fictional; no requester is ever named (a name is
# personal data and has no place in a request's record).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
FOI_HEADER="reference,received,due,period,status,done,reason,releases,days_overdue"

# foi_ok AS-OF ARGS…: `prevent foi ARGS…` on $S, which must succeed.
foi_ok() {
    local as_of="$1"
    shift
    pv_ok "$S" "$as_of" foi "$@"
}

foi_csv() { # foi_csv AS-OF: `foi list --format csv` without the CRs
    prevent -C "$S" --as-of "$1" foi list --format csv 2>&1 | tr -d '\r'
}

due_csv() { # due_csv AS-OF [ARGS…]: `review due --format csv` without the CRs
    local as_of="$1"
    shift
    prevent -C "$S" --as-of "$as_of" review due --format csv "$@" 2>&1 | tr -d '\r'
}

test_foi_new_records_a_request_and_its_deadline_in_one_commit() {
    S="$T/store"
    new_store "$S"
    local before
    before="$(commit_count "$S")"
    run prevent -C "$S" --as-of 2026-11-27 foi new --request FOI-2026-0117 --received 2026-11-02 --period 2026-Q3
    assert_rc 0
    assert_stdout_eq "2026-11-30"
    assert_eq "$(stderr)" "prevent: recorded FOI request FOI-2026-0117 (foi/0001.yaml): received 2026-11-02, due 2026-11-30 (20 working days)" "stderr"
    assert_eq "$(commit_count "$S")" "$((before + 1))" "commits"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "foi new: FOI-2026-0117 received 2026-11-02, due 2026-11-30" "subject"
    assert_eq "$(head_trailers "$S" Prevent-Action)" "foi-new" "trailer"
    assert_eq "$(head_trailers "$S" Prevent-Case)" "" "no Prevent-Case trailer"
    assert_eq "$(git -C "$S" show --name-only --format= HEAD)" "foi/0001.yaml" "the commit's files"
    assert_eq "$(cat "$S/foi/0001.yaml")" "# yaml-language-server: \$schema=../schemas/foi.schema.json
request: FOI-2026-0117
received: 2026-11-02
due: 2026-11-30
period: \"2026-Q3\"" "the request's file"
    assert_clean "$S"
    # A reference with '/' is a file of its own number, never a path.
    run prevent -C "$S" --as-of 2026-11-27 -q foi new --request FOI/2026/0118 --received 2026-11-03
    assert_rc 0
    assert_stdout_eq "2026-12-01"
    assert_stderr_empty
    assert_eq "$(git -C "$S" show --name-only --format= HEAD)" "foi/0002.yaml" "the second request's file"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "foi new: FOI/2026/0118 received 2026-11-03, due 2026-12-01" "subject"
    run prevent -C "$S" check --strict --as-of 2026-11-27
    assert_rc 0 "check --strict"
    assert_stdout_empty
}

test_the_deadline_skips_weekends_and_bank_holidays() {
    S="$T/store"
    new_store "$S"
    # Friday 14 August 2026: four weekends and the summer bank holiday
    # (Monday 31 August) later, Monday 14 September; without the holiday it
    # would be Friday 11 September.
    pv_ok "$S" 2026-11-27 -q foi new --request FOI-A --received 2026-08-14
    assert_stdout_eq "2026-09-14"
    # Thursday 1 October: day 1 is Friday 2, day 20 Thursday 29 October.
    pv_ok "$S" 2026-11-27 -q foi new --request FOI-B --received 2026-10-01
    assert_stdout_eq "2026-10-29"
    # Received on Saturday 7 November: counted from Monday 9, as if received
    # on Friday 6.
    pv_ok "$S" 2026-11-27 -q foi new --request FOI-C --received 2026-11-07
    assert_stdout_eq "2026-12-04"
    pv_ok "$S" 2026-11-27 -q foi new --request FOI-D --received 2026-11-06
    assert_stdout_eq "2026-12-04"
}

test_foi_close_closes_a_request_in_one_commit() {
    S="$T/store"
    new_store "$S"
    foi_ok 2026-11-27 new --request FOI-2026-0117 --received 2026-11-02
    run prevent -C "$S" --as-of 2026-11-27 foi close --request FOI-2026-0117 --date 2026-11-10 --reason withdrawn
    assert_rc 0
    assert_stdout_empty
    assert_eq "$(stderr)" "prevent: closed FOI request FOI-2026-0117 (foi/0001.yaml): withdrawn on 2026-11-10, due 2026-11-30" "stderr"
    assert_eq "$(git -C "$S" log -1 --format=%s)" "foi close: FOI-2026-0117 withdrawn 2026-11-10" "subject"
    assert_eq "$(head_trailers "$S" Prevent-Action)" "foi-close" "trailer"
    assert_eq "$(git -C "$S" show --name-only --format= HEAD)" "foi/0001.yaml" "the commit's files"
    assert_eq "$(cat "$S/foi/0001.yaml")" "# yaml-language-server: \$schema=../schemas/foi.schema.json
request: FOI-2026-0117
received: 2026-11-02
due: 2026-11-30
closed:
  date: 2026-11-10
  reason: withdrawn" "the request's file"
    assert_clean "$S"
}

# Three requests: one open and overdue, one closed, one answered by an
# FOI report (release 0001 of the register).
three_requests() {
    S="$T/store"
    new_store "$S"
    refer_ok "$S" received=2026-08-03
    foi_ok 2026-11-27 new --request FOI-A --received 2026-10-01 --period 2026-Q3
    foi_ok 2026-11-27 new --request FOI-B --received 2026-11-02
    foi_ok 2026-11-27 new --request FOI/C/3 --received 2026-11-03 --period 2026-Q3
    foi_ok 2026-11-27 close --request FOI-B --date 2026-11-10 --reason refused
    pv_ok "$S" 2026-11-27 report --period 2026-Q3 --foi --request FOI/C/3 --format csv
}

test_report_foi_links_the_answer_to_its_request() {
    S="$T/store"
    new_store "$S"
    refer_ok "$S" received=2026-08-03
    foi_ok 2026-11-27 new --request FOI/C/3 --received 2026-11-03 --period 2026-Q3
    local before
    before="$(commit_count "$S")"
    run prevent -C "$S" --as-of 2026-11-27 report --period 2026-Q3 --foi --request FOI/C/3 --format csv
    assert_rc 0
    assert_eq "$(stderr)" "prevent: recorded as release 0001 in the release register (releases/0001.yaml)
prevent: release 0001 answers FOI request FOI/C/3 (foi/0001.yaml), received 2026-11-03, due 2026-12-01" "stderr"
    # The link is the release's reference: one commit, foi/ unchanged.
    assert_eq "$(commit_count "$S")" "$((before + 1))" "commits"
    assert_eq "$(git -C "$S" show --name-only --format= HEAD)" "releases/0001.yaml" "the commit's files"
    # A reference no request has is kept all the same, with a notice.
    run prevent -C "$S" --as-of 2026-11-27 report --period 2026-Q3 --foi --request FOI-UNKNOWN --format csv
    assert_rc 0
    assert_eq "$(stderr)" "prevent: recorded as release 0002 in the release register (releases/0002.yaml)
prevent: no FOI request FOI-UNKNOWN is recorded in foi/; the release keeps the reference all the same" "stderr"
    assert_contains "$(cat "$S/releases/0002.yaml")" "request: FOI-UNKNOWN" "the release"
}

test_foi_list_shows_deadline_status_and_answers_in_every_format() {
    three_requests
    assert_eq "$(foi_csv 2026-11-27)" "$FOI_HEADER
FOI-A,2026-10-01,2026-10-29,2026-Q3,open,,,,29
FOI-B,2026-11-02,2026-11-30,,closed,2026-11-10,refused,,-20
FOI/C/3,2026-11-03,2026-12-01,2026-Q3,answered,2026-11-27,,0001,-4" "foi list csv"
    run prevent -C "$S" --as-of 2026-11-27 foi list --format json
    assert_rc 0
    assert_eq "$(json_eval 'len(d)' <"$OUT")" "3" "json rows"
    assert_eq "$(json_eval 'd[0]["status"], d[0]["days_overdue"], d[0]["done"]' <"$OUT")" "('open', 29, None)" "json open row"
    assert_eq "$(json_eval 'd[2]["reference"], d[2]["releases"], d[2]["done"]' <"$OUT")" "('FOI/C/3', '0001', '2026-11-27')" "json answered row"
    run prevent -C "$S" --as-of 2026-11-27 foi list
    assert_rc 0
    assert_stdout_contains "FOI/C/3"
    assert_stdout_contains "answered"
    # An empty register: the header alone.
    S="$T/empty"
    new_store "$S"
    assert_eq "$(foi_csv 2026-11-27)" "$FOI_HEADER" "an empty list"
}

test_review_due_lists_open_requests_falling_due() {
    three_requests
    # The case of 2026-08-03 awaits triage (due 2026-08-10); FOI-A is open
    # and overdue; FOI-B is closed and FOI/C/3 answered: neither is listed.
    assert_eq "$(due_csv 2026-11-27 --within 7d)" "id,stage,item,due,days_overdue
PRV-2026-0001,awaiting-triage,triage,2026-08-10,109
FOI-A,foi,foi,2026-10-29,29" "review due"
    foi_ok 2026-11-27 new --request FOI-D --received 2026-11-06
    foi_ok 2026-11-27 new --request FOI-E --received 2026-10-01
    # Due on the same day: the case first, then by reference; a request
    # due after the window is left out until it falls within it.
    assert_eq "$(due_csv 2026-11-27)" "id,stage,item,due,days_overdue
PRV-2026-0001,awaiting-triage,triage,2026-08-10,109
FOI-A,foi,foi,2026-10-29,29
FOI-E,foi,foi,2026-10-29,29" "review due, no window"
    assert_eq "$(due_csv 2026-11-27 --within 1w)" "id,stage,item,due,days_overdue
PRV-2026-0001,awaiting-triage,triage,2026-08-10,109
FOI-A,foi,foi,2026-10-29,29
FOI-E,foi,foi,2026-10-29,29
FOI-D,foi,foi,2026-12-04,-7" "review due within a week"
    run prevent -C "$S" --as-of 2026-11-27 review due --format json
    assert_rc 0
    assert_eq "$(json_eval 'list(d[1].keys()), d[1]["id"], d[1]["days_overdue"]' <"$OUT")" "(['id', 'stage', 'item', 'due', 'days_overdue'], 'FOI-A', 29)" "json"
}

test_review_due_is_unchanged_without_open_requests() {
    S="$T/store"
    new_store "$S"
    refer_ok "$S" received=2026-08-03
    local csv json table
    csv="$(prevent -C "$S" --as-of 2026-11-27 review due --format csv --within 2w | od -c)"
    json="$(prevent -C "$S" --as-of 2026-11-27 review due --format json --within 2w | od -c)"
    table="$(prevent -C "$S" --as-of 2026-11-27 review due --within 2w | od -c)"
    assert_eq "$(due_csv 2026-11-27 --within 2w)" "id,stage,item,due,days_overdue
PRV-2026-0001,awaiting-triage,triage,2026-08-10,109" "review due without foi/"
    # A closed request and an answered one change nothing, byte for byte.
    foi_ok 2026-11-27 new --request FOI-B --received 2026-11-02
    foi_ok 2026-11-27 close --request FOI-B --date 2026-11-10 --reason answered-elsewhere
    foi_ok 2026-11-27 new --request FOI-C --received 2026-11-03
    pv_ok "$S" 2026-11-27 -q report --period 2026-Q3 --foi --request FOI-C
    assert_eq "$(prevent -C "$S" --as-of 2026-11-27 review due --format csv --within 2w | od -c)" "$csv" "csv bytes"
    assert_eq "$(prevent -C "$S" --as-of 2026-11-27 review due --format json --within 2w | od -c)" "$json" "json bytes"
    assert_eq "$(prevent -C "$S" --as-of 2026-11-27 review due --within 2w | od -c)" "$table" "table bytes"
}

test_bad_input_is_refused_and_nothing_is_written() {
    S="$T/store"
    new_store "$S"
    foi_ok 2026-11-27 new --request FOI-2026-0117 --received 2026-11-02
    local -a n=(prevent -C "$S" --as-of 2026-11-27 foi new)
    local -a c=(prevent -C "$S" --as-of 2026-11-27 foi close)
    local head status
    head="$(head_of "$S")"
    status="$(git -C "$S" status --porcelain)"
    expect_refusal 5 "$S" "${n[@]}" --request FOI-2 --received 2026-13-01
    assert_stderr_contains "--received: expected a date as YYYY-MM-DD, e.g. 2026-12-03 (command line)"
    expect_refusal 5 "$S" "${n[@]}" --request FOI-2 --received 02/11/2026
    expect_refusal 5 "$S" "${n[@]}" --request "Zorvan Quillet" --received 2026-11-02
    assert_stderr_contains "--request: expected a request reference: letters, digits and - _ / . only, up to 40 (command line)"
    expect_refusal 5 "$S" "${n[@]}" --request 'FOI;rm' --received 2026-11-02
    expect_refusal 5 "$S" "${n[@]}" --request "$(printf 'FOI\e[31m')" --received 2026-11-02
    expect_refusal 5 "$S" "${n[@]}" --request "$(printf 'a%.0s' {1..41})" --received 2026-11-02
    expect_refusal 5 "$S" "${n[@]}" --request FOI-2 --received 2026-11-02 --period 2026-13
    assert_stderr_contains "--period: expected a period as YYYY-MM, YYYY-Qn or FYYYYY, e.g. 2026-11, 2026-Q3 or FY2025 (command line)"
    expect_refusal 5 "$S" "${n[@]}" --request FOI-2026-0117 --received 2026-11-03
    assert_eq "$(stderr | head -1)" "prevent: an FOI request FOI-2026-0117 is recorded already (foi/0001.yaml)" "duplicate"
    expect_refusal 4 "$S" "${n[@]}" --request FOI-2 --received 2026-11-28
    assert_stderr_contains "refused by rule 1 (nothing is dated in the future): the request is dated 2026-11-28, after 2026-11-27 (FOI request FOI-2)"
    # Both a duplicate (5) and dated in the future (4): the first of SPEC §6's order.
    expect_refusal 5 "$S" "${n[@]}" --request FOI-2026-0117 --received 2026-11-28
    expect_refusal 2 "$S" "${n[@]}" --request FOI-2
    expect_refusal 2 "$S" "${n[@]}" --received 2026-11-02
    expect_refusal 2 "$S" "${n[@]}" --request FOI-2 --received 2026-11-02 --requester "Zorvan Quillet"
    # foi close
    expect_refusal 3 "$S" "${c[@]}" --request FOI-9 --date 2026-11-10 --reason refused
    assert_eq "$(stderr | head -1)" "prevent: no FOI request FOI-9 is recorded (foi/)" "unknown reference"
    expect_refusal 5 "$S" "${c[@]}" --request FOI-2026-0117 --date 2026-11-10 --reason lost
    assert_stderr_contains "--reason: expected one of refused, withdrawn, answered-elsewhere (command line)"
    expect_refusal 5 "$S" "${c[@]}" --request FOI-2026-0117 --date 2026-11-31 --reason refused
    expect_refusal 5 "$S" "${c[@]}" --request "Zorvan Quillet" --date 2026-11-10 --reason refused
    expect_refusal 4 "$S" "${c[@]}" --request FOI-2026-0117 --date 2026-11-01 --reason refused
    assert_stderr_contains "refused by rule 9 (dates follow the process): --date 2026-11-01 is before the request was received, 2026-11-02 (FOI request FOI-2026-0117)"
    expect_refusal 4 "$S" "${c[@]}" --request FOI-2026-0117 --date 2026-11-28 --reason refused
    expect_refusal 2 "$S" "${c[@]}" --request FOI-2026-0117 --date 2026-11-10
    assert_eq "$(head_of "$S")" "$head" "HEAD after the refusals"
    assert_eq "$(git -C "$S" status --porcelain)" "$status" "status after the refusals"
    # Closing twice.
    foi_ok 2026-11-27 close --request FOI-2026-0117 --date 2026-11-10 --reason refused
    head="$(head_of "$S")"
    expect_refusal 4 "$S" "${c[@]}" --request FOI-2026-0117 --date 2026-11-11 --reason withdrawn
    assert_eq "$(stderr | head -1)" "prevent: refused: FOI request FOI-2026-0117 was closed already on 2026-11-10, refused (foi/0001.yaml)" "closing twice"
    # Closing one that a release answered.
    refer_ok "$S" received=2026-08-03
    foi_ok 2026-11-27 new --request FOI-3 --received 2026-11-03
    pv_ok "$S" 2026-11-27 -q report --period 2026-Q3 --foi --request FOI-3
    expect_refusal 4 "$S" "${c[@]}" --request FOI-3 --date 2026-11-27 --reason answered-elsewhere
    assert_eq "$(stderr | head -1)" "prevent: refused: FOI request FOI-3 was answered by release 0001 (releases/0001.yaml)" "closing an answered request"
    assert_clean "$S"
}

test_check_is_clean_after_the_commands() {
    three_requests
    run prevent -C "$S" check --strict --as-of 2026-11-27
    assert_rc 0
    assert_stdout_empty
    run prevent -C "$S" check records canonical worktree --as-of 2026-11-27
    assert_rc 0
    assert_stdout_empty
}

# hand_commit MESSAGE: every change committed with plain git.
hand_commit() {
    git -C "$S" add -A && git -C "$S" commit -q -m "$1" || fail "git commit failed"
}

test_check_catches_a_copied_foi_trailer_on_a_case_file() {
    S="$T/store"
    new_store "$S" --no-hook
    refer_ok "$S" received=2026-08-03
    foi_ok 2026-11-27 new --request FOI-A --received 2026-11-02
    local f="$S/cases/2026/PRV-2026-0001.yaml"
    sed -i 's/^    type: extreme-right-wing$/    type: islamist/' "$f"
    hand_commit $'foi new: FOI-B received 2026-11-03, due 2026-12-01\n\nPrevent-Action: foi-new'
    local short
    short="$(git -C "$S" rev-parse --short=12 HEAD)"
    run prevent -C "$S" check --as-of 2026-11-27
    assert_rc 0
    assert_stdout_eq "notice [history] hand edit: commit $short by Test Coordinator <coordinator@example.invalid> on $(git -C "$S" log -1 --format=%ad --date=format:'%Y-%m-%d %H:%M:%S %z') changed records outside prevent, whatever its trailer says: foi-new adds one file to foi/ only, but it changed records (cases/2026/PRV-2026-0001.yaml)"
    run prevent -C "$S" check --strict --as-of 2026-11-27
    assert_rc 4 "--strict"
    assert_no_personal_data "$(stdout)" "check output"
}

test_check_catches_a_hand_edit_of_foi() {
    S="$T/store"
    new_store "$S" --no-hook
    foi_ok 2026-11-27 new --request FOI-A --received 2026-11-02
    local f="$S/foi/0001.yaml"
    # A later deadline, committed as if `foi close` had made it.
    sed -i 's/^due: 2026-11-30$/due: 2026-12-14/' "$f"
    hand_commit $'foi close: FOI-A refused 2026-11-10\n\nPrevent-Action: foi-close'
    run prevent -C "$S" check --strict --as-of 2026-11-27
    assert_rc 4
    assert_stdout_contains "notice [records] due: 2026-12-14 is not the 20th working day following receipt by this store's calendar, 2026-11-30 (foi/0001.yaml)"
    assert_stdout_contains "whatever its trailer says: foi-close changes only one file of foi/ that was there before, adding its closure, and nothing else (foi)"
    # The same under another action's trailer, and under none.
    git -C "$S" reset -q --hard HEAD~1
    sed -i 's/^due: 2026-11-30$/due: 2026-12-14/' "$f"
    hand_commit $'triage: PRV-2026-0001 no-further-action\n\nPrevent-Case: PRV-2026-0001\nPrevent-Action: triage'
    run prevent -C "$S" check history --strict --as-of 2026-11-27
    assert_rc 4
    assert_stdout_contains "whatever its trailer says: triage changes only the case's triage, but it changed foi (foi)"
    git -C "$S" reset -q --hard HEAD~1
    sed -i 's/^due: 2026-11-30$/due: 2026-12-14/' "$f"
    hand_commit "Move the deadline"
    run prevent -C "$S" check history --as-of 2026-11-27
    assert_rc 0
    assert_stdout_contains "changed the FOI requests outside prevent (foi)"
    run prevent -C "$S" check history --strict --as-of 2026-11-27
    assert_rc 4
}

test_check_reports_an_invalid_foi_file() {
    S="$T/store"
    new_store "$S" --no-hook
    foi_ok 2026-11-27 new --request FOI-A --received 2026-11-02
    printf 'requester: Zorvan Quillet\n' >>"$S/foi/0001.yaml"
    hand_commit "Add a name"
    run prevent -C "$S" check records --as-of 2026-11-27
    assert_rc 5
    assert_stdout_contains "error [records]"
    assert_stdout_contains "(foi/0001.yaml"
    assert_no_personal_data "$(stdout)" "check output"
    # Readers name it and refuse to be incomplete.
    run prevent -C "$S" --as-of 2026-11-27 review due
    assert_rc 5
    assert_stdout_empty
    assert_stderr_contains "foi/0001.yaml"
    expect_refusal 5 "$S" prevent -C "$S" --as-of 2026-11-27 foi new --request FOI-B --received 2026-11-02
    # A file of another name in foi/.
    git -C "$S" reset -q --hard HEAD~1
    cp "$S/foi/0001.yaml" "$S/foi/FOI-A.yaml"
    hand_commit "Copy a request"
    run prevent -C "$S" check records --as-of 2026-11-27
    assert_rc 5
    assert_stdout_contains "not an FOI request: prevent writes foi/NNNN.yaml files only (foi/FOI-A.yaml)"
}

test_the_pre_commit_hook_refuses_an_invalid_foi_file() {
    S="$T/store"
    new_store "$S"
    foi_ok 2026-11-27 new --request FOI-A --received 2026-11-02
    local head
    head="$(head_of "$S")"
    printf 'requester: Zorvan Quillet\n' >>"$S/foi/0001.yaml"
    git -C "$S" add -A
    run prevent -C "$S" check --staged --as-of 2026-11-27
    assert_rc 5
    assert_stdout_contains "error [staged] unknown key at the top level (foi/0001.yaml:5)"
    assert_no_personal_data "$(stdout)" "check --staged"
    run git -C "$S" commit -q -m "Add a name"
    assert_rc_nonzero "git commit of an invalid FOI request"
    assert_eq "$(head_of "$S")" "$head" "HEAD"
    git -C "$S" reset -q --hard
    cp "$S/foi/0001.yaml" "$S/foi/FOI-A.yaml"
    git -C "$S" add -A
    run prevent -C "$S" check --staged --as-of 2026-11-27
    assert_rc 5
    assert_stdout_contains "not an FOI request: prevent writes foi/NNNN.yaml files only (foi/FOI-A.yaml)"
}

test_foi_commands_have_help() {
    run prevent foi --help
    assert_rc 0
    assert_stdout_contains "20th working day following receipt"
    for sub in new close list; do
        run prevent foi "$sub" --help
        assert_rc 0 "foi $sub --help"
    done
}

run_tests "$@"

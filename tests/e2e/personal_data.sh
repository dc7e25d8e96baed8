#!/usr/bin/env bash
# Personal data (the (P) fields of SPEC §3) never reaches commit messages,
# file names, listings, check output or error messages.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""

# A full case: every free-text (P) field carries a distinctive word.
full_case_yaml() {
    case_yaml received=2026-09-01 name="Ilsabet Vorrowin" dob=2010-02-14 postcode=ZZ8 \
        summary="Fictional summary Kestrelwine" agency="Example Academy"
    cat <<'EOF'
triage:
  completed: 2026-09-04
  outcome: channel-panel
  section36:
    decided: 2026-09-04
    by: Example Counter Terrorism Policing
  rationale: Fictional rationale Pellavoy
assessments:
  - date: 2026-09-10
    framework: VAF
    engagement: medium
    intent: low
    capability: low
    notes: Fictional assessment Quorimble
panel:
  - meeting: 2026-10-08
    decision: adopt
    method: consensus
    rationale: Fictional panel rationale Drumlevant
consent:
  status: given
  by: parent-guardian
  date: 2026-10-12
support_plan:
  - id: A1
    support: ideological-mentoring
    provider: Fictional provider Ombervale
    added: 2026-10-12
    due: 2026-12-31
    status: open
chronology:
  - date: 2026-09-02
    kind: info-request
    with: Fictional contact Threnwick
    text: Fictional chronology Zantheroe
reviews:
  - date: 2026-11-05
    kind: monthly
    outcome: continue
    notes: Fictional review Brallowick
EOF
}

FULL_CASE_PERSONAL=("Ilsabet Vorrowin" 2010-02-14 ZZ8 Kestrelwine Pellavoy Quorimble Drumlevant Zantheroe Brallowick
    Ombervale Threnwick)

setup_store_with_personal_data() { # [--no-hook]
    S="$T/store"
    new_store "$S" "$@"
    meeting_ok "$S" 2026-10-08
    refer_ok "$S"
    refer_ok "$S" name="ZORVAN quillet" received=2026-11-20 summary="Second fictional summary Thimbleroot"
    full_case_yaml >"$T/in/full.yaml"
    run prevent -C "$S" refer --file "$T/in/full.yaml" --as-of "$AS_OF"
    [[ $RC -eq 0 ]] || { fail "refer --file of the full case failed"; _show "$ERR"; }
    {
        echo "received,route,sector,agency,referrer_role,name,date_of_birth,gender,postcode_district,concern_type,concern_summary"
        echo "2026-10-01,email,education,Example Academy,Teacher,Orvel Brisk,2005-05-05,male,ZZ2,islamist,Fictional summary Wintergold"
        echo "2025-03-03,police,police,Example Constabulary,Constable,Yassa Mervil,1990-09-09,female,ZZ3,other,Fictional summary Ambernook"
    } >"$T/in/referrals.csv"
    run prevent -C "$S" import "$T/in/referrals.csv" --as-of "$AS_OF"
    [[ $RC -eq 0 ]] || { fail "import of the CSV failed"; _show "$ERR"; }
    PERSONAL+=("ZORVAN quillet" Thimbleroot "${FULL_CASE_PERSONAL[@]}" "Orvel Brisk" 2005-05-05 ZZ2 Wintergold
        "Yassa Mervil" 1990-09-09 ZZ3 Ambernook)
}

test_the_personal_data_is_in_the_store_for_show() {
    # The negative tests below mean something only if the values were stored.
    setup_store_with_personal_data
    local id text
    text=""
    for id in PRV-2026-0001 PRV-2026-0002 PRV-2026-0003 PRV-2026-0004 PRV-2025-0001; do
        run prevent -C "$S" show "$id" --as-of "$AS_OF"
        assert_rc 0 "show $id"
        text+="$(stdout)"
    done
    local v
    for v in "Zorvan Quillet" 2009-07-23 ZZ4 "ZORVAN quillet" Thimbleroot "${FULL_CASE_PERSONAL[@]}" "Orvel Brisk" \
        2005-05-05 ZZ2 Wintergold "Yassa Mervil" 1990-09-09 ZZ3 Ambernook; do
        assert_contains "$text" "$v" "show output"
    done
    run prevent -C "$S" show PRV-2026-0003 --as-of "$AS_OF"
    assert_eq "$(sed -n 2p "$OUT")" "stage: supported" "stage of the full case"
}

test_personal_data_never_reaches_commit_messages_or_file_names() {
    setup_store_with_personal_data
    assert_no_personal_data "$(git_in "$S" log --all --format='%s%n%b%n%an%n%ae%n%cn%n%ce')" "commit messages"
    assert_no_personal_data "$(git_in "$S" log --all --name-status --format=%H)" "files named in commits"
    assert_no_personal_data "$(git_in "$S" ls-files)" "file names"
    assert_no_personal_data "$(find "$S" -path "$S/.git/objects" -prune -o -print)" "paths in the store"
    assert_no_personal_data "$(git_in "$S" reflog --format=%gs)" "reflog"
    assert_no_personal_data "$(git_in "$S" for-each-ref)" "refs"
    assert_no_personal_data "$(cat "$S/.git/COMMIT_EDITMSG" 2>/dev/null)" "COMMIT_EDITMSG"
}

test_personal_data_never_reaches_listings_in_any_format() {
    setup_store_with_personal_data
    local f filter
    for f in table csv json yaml; do
        for filter in "" "--related-to PRV-2026-0001"; do
            # shellcheck disable=SC2086 # the filter is two words
            run prevent -C "$S" list --format "$f" $filter --as-of "$AS_OF"
            assert_rc 0 "list --format $f $filter"
            assert_no_personal_data "$(stdout)$(stderr)" "list --format $f $filter"
        done
    done
    run prevent -C "$S" list --format csv --as-of "$AS_OF"
    assert_eq "$(tail -n +2 "$OUT" | wc -l)" 5 "rows listed"
}

test_personal_data_never_reaches_check_output() {
    setup_store_with_personal_data --no-hook
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0
    assert_no_personal_data "$(stdout)$(stderr)" "check output"
    # Problems in the records: reported by file, never by value.
    local f="$S/cases/2026/PRV-2026-0001.yaml" g="$S/cases/2026/PRV-2026-0003.yaml" h="$S/cases/2026/PRV-2026-0004.yaml"
    sed -i 's/^    name: Zorvan Quillet$/    name: [Zorvan Quillet/' "$f"
    sed -i 's/^    date_of_birth: 2010-02-14$/    date_of_birth: 2010-02-30/' "$g"
    sed -i 's/^    postcode_district: ZZ2$/    postcode_district: zz2 9zz/' "$h"
    printf '  from_area: Fictional area Ilsabet Vorrowin\n' >>"$S/cases/2025/PRV-2025-0001.yaml"
    git -C "$S" commit -q -am "Hand edits" || fail "git commit failed"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 5
    assert_no_personal_data "$(stdout)$(stderr)" "check output"
    assert_stdout_contains "PRV-2026-0001"
    assert_stdout_contains "PRV-2026-0003"
    assert_stdout_contains "PRV-2026-0004"
    # Consent by a 16-year-old subject breaks rule 5: the date of birth is not quoted.
    git -C "$S" reset -q --hard HEAD~1
    sed -i 's/^    by: parent-guardian$/    by: subject/' "$g"
    git -C "$S" commit -q -am "Consent by the subject" || fail "git commit failed"
    run prevent -C "$S" check --as-of "$AS_OF"
    assert_rc 4
    assert_stdout_contains "rule 5"
    assert_no_personal_data "$(stdout)$(stderr)" "check output"
}

test_personal_data_never_reaches_log_output_unless_asked() {
    setup_store_with_personal_data
    # A hand edit of every kind of (P) field, so that changes (not only
    # creations) are logged too.
    local g="$S/cases/2026/PRV-2026-0003.yaml"
    sed -i 's/Pellavoy/Pellavoy Glimmerstake/; s/Zantheroe/Zantheroe Glimmerstake/; s/^    name: Ilsabet Vorrowin$/    name: Ilsabet Vorrowin-Quade/' "$g"
    git -C "$S" commit -q -am "Hand edits of free text" || fail "git commit failed"
    PERSONAL+=(Glimmerstake "Vorrowin-Quade")
    local id f text all=""
    for f in text json; do
        for id in "" PRV-2026-0001 PRV-2026-0002 PRV-2026-0003 PRV-2026-0004 PRV-2025-0001; do
            # shellcheck disable=SC2086 # no ID: the store-wide log
            run prevent -C "$S" log $id --format "$f"
            assert_rc 0 "log $id --format $f"
            assert_no_personal_data "$(stdout)$(stderr)" "log $id --format $f"
        done
    done
    run prevent -C "$S" log PRV-2026-0003
    assert_stdout_contains "triage.rationale: changed (personal data)"
    assert_stdout_contains "chronology[1].text: changed (personal data)"
    for f in text json; do
        run prevent -C "$S" log --format "$f" --show-personal
        assert_rc 0 "log --show-personal --format $f"
        text="$(stdout)"
        all+="$text"
        assert_contains "$text" "Pellavoy Glimmerstake" "log --show-personal --format $f"
        assert_contains "$text" "Vorrowin-Quade" "log --show-personal --format $f"
    done
    for v in "Zorvan Quillet" 2009-07-23 ZZ4 "${FULL_CASE_PERSONAL[@]}" Wintergold Ambernook; do
        assert_contains "$all" "$v" "log --show-personal"
    done
}

test_failing_commands_never_echo_personal_data() {
    S="$T/store"
    new_store "$S"
    meeting_ok "$S" 2026-10-08
    refer_ok "$S"
    local all="$T/all-stderr.txt"
    : >"$all"
    PERSONAL+=("23/07/2009" "zz4 9qq" "Ilsabet Vorrowin" "${FULL_CASE_PERSONAL[@]}" "Orvel Brisk" Wintergold 2005-05-05)

    # fails DESCRIPTION CMD…: the command fails; its output is collected.
    fails() {
        local what="$1"
        shift
        run "$@"
        assert_rc_nonzero "$what"
        assert_no_personal_data "$(stdout)$(stderr)" "output of: $what"
        cat "$OUT" "$ERR" >>"$all"
    }
    fails_stdin() {
        local what="$1" input="$2"
        shift 2
        run_stdin "$input" "$@"
        assert_rc_nonzero "$what"
        assert_no_personal_data "$(stdout)$(stderr)" "output of: $what"
    }

    referral_flags received=2026-02-30
    fails "refer, impossible date" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    referral_flags sector=nhs
    fails "refer, unknown sector" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    referral_flags received=2026-12-25
    fails "refer, received after today" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    referral_flags dob=2026-11-05
    fails "refer, born after the referral" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    referral_flags dob=23/07/2009
    fails "refer, date of birth in another form" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    referral_flags postcode-district="zz4 9qq"
    fails "refer, full postcode" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    referral_flags summary=
    fails "refer, missing summary" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    referral_flags colour=blue
    fails "refer, unknown option" prevent -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"

    full_case_yaml | sed 's/^    name: Ilsabet Vorrowin$/    name: "Ilsabet Vorrowin/' >"$T/in/unterminated.yaml"
    fails "refer --file, unterminated string" prevent -C "$S" refer --file "$T/in/unterminated.yaml" --as-of "$AS_OF"
    full_case_yaml | sed 's/^    name: Ilsabet Vorrowin$/    name: [Ilsabet, Vorrowin]/' >"$T/in/listname.yaml"
    fails "refer --file, name as a list" prevent -C "$S" refer --file "$T/in/listname.yaml" --as-of "$AS_OF"
    full_case_yaml | sed 's/^  rationale: Fictional rationale Pellavoy$/  rationale: Fictional rationale Pellavoy\n  rationale: Fictional rationale Pellavoy/' >"$T/in/dupkey.yaml"
    fails "refer --file, duplicate key" prevent -C "$S" refer --file "$T/in/dupkey.yaml" --as-of "$AS_OF"
    full_case_yaml | sed $'s/Kestrelwine/Kestrel\xffwine/' >"$T/in/latin1.yaml"
    fails "refer --file, not UTF-8" prevent -C "$S" refer --file "$T/in/latin1.yaml" --as-of "$AS_OF"
    full_case_yaml | sed 's/^    notes: Fictional assessment Quorimble$/    notes: Fictional assessment Quorimble\n    shoe_size: Quorimble/' >"$T/in/unknownkey.yaml"
    fails "refer --file, unknown key" prevent -C "$S" refer --file "$T/in/unknownkey.yaml" --as-of "$AS_OF"
    full_case_yaml | sed 's/^  by: parent-guardian$/  by: subject/' >"$T/in/rule5.yaml"
    fails "refer --file, consent by a child" prevent -C "$S" refer --file "$T/in/rule5.yaml" --as-of "$AS_OF"
    full_case_yaml | sed 's/2026-10-08/2026-10-15/' >"$T/in/nomeeting.yaml"
    fails "refer --file, no such meeting" prevent -C "$S" refer --file "$T/in/nomeeting.yaml" --as-of "$AS_OF"
    full_case_yaml | sed 's/^  completed: 2026-09-04$/  completed: 2026-08-04/' >"$T/in/rule9.yaml"
    fails "refer --file, triage before referral" prevent -C "$S" refer --file "$T/in/rule9.yaml" --as-of "$AS_OF"
    fails_stdin "refer --file -, not UTF-8" "$T/in/latin1.yaml" prevent -C "$S" refer --file - --as-of "$AS_OF"

    {
        echo "---"
        full_case_yaml | sed 's/^  received: 2026-09-01$/  received: 2026-09-31/'
        echo "---"
        full_case_yaml | sed 's/^  by: parent-guardian$/  by: subject/'
        echo "---"
        full_case_yaml | sed 's/2026-10-08/2026-10-15/'
        echo "---"
        full_case_yaml | sed 's/^    name: Ilsabet Vorrowin$/    name: {Ilsabet: Vorrowin}/'
    } >"$T/in/stream.yaml"
    fails "import, several bad records" prevent -C "$S" import "$T/in/stream.yaml" --as-of "$AS_OF"
    {
        echo "received,route,sector,agency,referrer_role,name,date_of_birth,gender,concern_type,concern_summary"
        echo "2026-10-01,email,education,Example Academy,Teacher,Orvel Brisk,2005-05-05,male,islamist"
        echo "2026-10-01,email,education,Example Academy,Teacher,Orvel Brisk,2005-05-32,male,islamist,Wintergold"
        echo "2026-10-01,email,education,Example Academy,Teacher,Orvel Brisk,2026-11-01,male,islamist,Wintergold"
        echo "2026-10-01,email,education,Example Academy,Teacher,Orvel Brisk,05/05/2005,male,islamist,Wintergold"
    } >"$T/in/bad.csv"
    fails "import, bad CSV rows" prevent -C "$S" import "$T/in/bad.csv" --as-of "$AS_OF"
    {
        echo "received,route,sector,agency,referrer_role,name,gender,concern_type,concern_summary,notes"
        echo "2026-10-01,email,education,Example Academy,Teacher,Orvel Brisk,male,islamist,Wintergold,Wintergold"
    } >"$T/in/column.csv"
    fails "import, unknown CSV column" prevent -C "$S" import "$T/in/column.csv" --as-of "$AS_OF"

    fails "show, a name instead of an ID" prevent -C "$S" show "Zorvan Quillet" --as-of "$AS_OF"
    fails "list, a name instead of an ID" prevent -C "$S" list --related-to "Zorvan Quillet" --as-of "$AS_OF"

    assert_no_personal_data "$(cat "$all")" "the output of the failing commands"
    assert_eq "$(commit_count "$S")" 3 "number of commits"
    assert_clean "$S"
}

# ---------------------------------------------------------------------------
# The sweep: every command of the program, succeeding and failing, on a store
# seeded with distinctive fictional values. After each: nothing personal on
# stdout (but for `show`) or stderr, and every file and directory of the
# store owner-only. At the end: nothing personal in commit messages, refs or
# file names. Run under umask 022 and 000: prevent's modes must not depend
# on the caller's.

SWEEP_PERSONAL=("Threnody Caskwell" 2009-06-02 ZZ9 Galvorine Murkhallow Pennyfroth Osterglen Wrenlicker
    Caddisbrook Fellowmarsh Quintarrow)
SWEEP_LOG=""

# The store's files and directories that others could read or write.
loose_modes() { find "$1" -perm /077 -printf '%m %p\n' 2>/dev/null | sed "s|$T/||"; }

# sweep STDOUT-MAY-BE-PERSONAL EXPECT CMD…: EXPECT is ok (exit 0) or fail
# (non-zero). Checks the output and the store's modes; keeps a log line.
sweep() {
    local personal_ok="$1" expect="$2" found loose
    shift 2
    run "$@"
    if [[ "$expect" == ok && "$RC" -ne 0 ]]; then
        fail "exit $RC from: ${*:3}"
        _show "$ERR"
    elif [[ "$expect" == fail && "$RC" -eq 0 ]]; then
        fail "expected a failure from: ${*:3}"
    fi
    if [[ "$personal_ok" != show ]] && found="$(personal_in "$(stdout)")"; then
        fail "stdout of ${*:3} contains personal data [$found]"
    fi
    if found="$(personal_in "$(stderr)")"; then fail "stderr of ${*:3} contains personal data [$found]"; fi
    # Before any git command of the test's own: git may rewrite .git/index
    # with the caller's umask.
    loose="$(loose_modes "$S")"
    [[ -z "$loose" ]] || fail "after ${*:3}: not owner-only: $(head -3 <<<"$loose" | tr '\n' ' ')"
    SWEEP_LOG+="$* → $RC"$'\n'
}

run_the_sweep() { # run_the_sweep UMASK
    umask "$1"
    PERSONAL+=("${SWEEP_PERSONAL[@]}")
    S="$T/store"
    local p=("$PREVENT" -C "$S" --as-of "$AS_OF")
    # init itself, under this umask.
    sweep no ok "$PREVENT" init --plain "$S" --area "Example Borough" --as-of "$AS_OF"
    local id=PRV-2026-0001 m=2026-11-12 f

    referral_flags name="Threnody Caskwell" dob=2009-06-02 postcode-district=ZZ9 summary="Fictional sweep summary Galvorine"
    sweep no ok "${p[@]}" refer "${REFER_FLAGS[@]}"
    referral_flags name="Threnody Caskwell" dob=2009-06-02 received=2026-02-30 summary="Fictional Galvorine"
    sweep no fail "${p[@]}" refer "${REFER_FLAGS[@]}"
    referral_flags name="Threnody Caskwell" summary="Fictional Galvorine" bogus=Fellowmarsh
    sweep no fail "${p[@]}" refer "${REFER_FLAGS[@]}"
    sweep no fail "${p[@]}" refer --name "Threnody Caskwell" --name "Quintarrow Caskwell"
    sweep no fail "${p[@]}" show "Threnody Caskwell"
    sweep no fail "${p[@]}" show "$id" "Threnody Caskwell"
    sweep no fail "${p[@]}" Fellowmarsh
    sweep no fail "${p[@]}" show "$id" --format "Fellowmarsh"

    full_case_yaml >"$T/in/full.yaml"
    PERSONAL+=("${FULL_CASE_PERSONAL[@]}")
    sweep no fail "${p[@]}" refer --file "$T/in/full.yaml"  # its meeting does not exist yet
    sweep no ok "${p[@]}" panel new 2026-10-08 --chair "Prevent Lead@Example Borough Council" \
        --police "Detective Sergeant@Example Constabulary"
    sweep no ok "${p[@]}" refer --file "$T/in/full.yaml"
    {
        echo "received,route,sector,agency,referrer_role,name,date_of_birth,gender,concern_type,concern_summary"
        echo "2026-10-01,email,education,Example Academy,Teacher,Orvel Brisk,2005-05-05,male,islamist,Fictional Wintergold"
    } >"$T/in/ok.csv"
    PERSONAL+=("Orvel Brisk" 2005-05-05 Wintergold)
    sweep no ok "${p[@]}" import "$T/in/ok.csv"
    sed 's/2005-05-05/2005-02-30/; s/Orvel Brisk/Quintarrow Brisk/' "$T/in/ok.csv" >"$T/in/bad.csv"
    sweep no fail "${p[@]}" import "$T/in/bad.csv"
    sweep no fail "${p[@]}" import "$T/in/missing.csv"

    sweep no ok "${p[@]}" panel new "$m" --chair "Prevent Lead@Example Borough Council" \
        --police "Detective Sergeant@Example Constabulary" --apology "Nurse@Example NHS Trust"
    sweep no fail "${p[@]}" panel new "$m" --chair "Prevent Lead@Example Borough Council"
    sweep no fail "${p[@]}" triage "$id" --outcome channel-panel --date 2026-11-05 --rationale "Fictional Murkhallow"
    sweep no fail "${p[@]}" triage "$id" --outcome "Fellowmarsh" --date 2026-11-05 --rationale "Fictional Murkhallow"
    sweep no ok "${p[@]}" triage "$id" --outcome channel-panel --date 2026-11-05 --s36-date 2026-11-05 \
        --s36-by "Example Counter Terrorism Policing" --rationale "Fictional rationale Murkhallow"
    sweep no fail "${p[@]}" triage "$id" --outcome no-further-action --date 2026-11-06 --rationale "Fictional Murkhallow"
    sweep no ok "${p[@]}" note "$id" --date 2026-11-06 --kind contact --with "Example Academy" --text "Fictional note Pennyfroth"
    sweep no fail "${p[@]}" note PRV-2026-0099 --date 2026-11-06 --kind contact --with "Example Academy" --text "Fictional Pennyfroth"
    sweep no fail "${p[@]}" note "$id" --date 2026-12-06 --kind contact --with "Example Academy" --text "Fictional Pennyfroth"
    sweep no ok "${p[@]}" assess "$id" --date 2026-11-07 --framework VAF --engagement medium --intent low \
        --capability low --notes "Fictional assessment Osterglen"
    sweep no fail "${p[@]}" assess "$id" --date 2026-11-07 --framework Fellowmarsh --engagement medium --intent low \
        --capability low --notes "Fictional Osterglen"
    sweep no ok "${p[@]}" panel attend "$m" --attendee "Youth Worker@Example Youth Service" \
        --declare "Youth Worker@Example Youth Service:$id"
    sweep no fail "${p[@]}" panel attend "$m" --declare "Youth Worker@Example Youth Service:Threnody Caskwell"
    for f in table csv json yaml; do
        sweep no ok "${p[@]}" panel agenda "$m" --format "$f"
    done
    # Filled before the day of the meeting; refused once it is past.
    sweep no ok "$PREVENT" -C "$S" --as-of 2026-11-10 panel agenda "$m" --fill
    sweep no fail "${p[@]}" panel agenda "$m" --fill
    sweep no fail "${p[@]}" panel agenda "$m" --add "Threnody Caskwell"
    sweep no fail "${p[@]}" panel decide 2026-11-13 "$id" --decision adopt --rationale "Fictional Wrenlicker"
    sweep no ok "${p[@]}" panel decide "$m" "$id" --decision adopt --rationale "Fictional decision Wrenlicker"
    sweep no fail "${p[@]}" panel decide "$m" "$id" --decision adopt --rationale "Fictional Wrenlicker"
    sweep no fail "${p[@]}" panel consent "$id" --status given --by subject --date 2026-11-13
    sweep no ok "${p[@]}" panel consent "$id" --status given --by parent-guardian --date 2026-11-13
    sweep no ok "${p[@]}" panel action "$id" add --support housing --provider "Example Housing" --due 2026-12-20 --date 2026-11-14
    sweep no fail "${p[@]}" panel action "$id" add --support Fellowmarsh --provider "Example Housing" --due 2026-12-20
    sweep no ok "${p[@]}" panel action "$id" done A1 --date 2026-11-20
    sweep no fail "${p[@]}" panel action "$id" cancel A1 --date 2026-11-21
    sweep no fail "${p[@]}" review record "$id" --date 2026-11-25 --kind Fellowmarsh --outcome continue --notes "Fictional Caddisbrook"
    sweep no ok "${p[@]}" review record "$id" --date 2026-11-25 --kind monthly --outcome continue --notes "Fictional review Caddisbrook"
    for f in md json; do
        sweep no ok "${p[@]}" panel minutes "$m" --format "$f"
        sweep no ok "${p[@]}" panel minutes 2026-10-08 --format "$f"
    done
    sweep no fail "${p[@]}" panel minutes 2026-11-14
    for f in table csv json yaml; do
        sweep no ok "${p[@]}" review due --within 4w --format "$f"
        sweep no ok "${p[@]}" retention due --within 520w --format "$f"
        sweep no ok "${p[@]}" list --format "$f"
        sweep no ok "${p[@]}" list --format "$f" --related-to "$id" --stage supported
    done
    sweep no fail "${p[@]}" list --related-to "Threnody Caskwell"
    sweep no fail "${p[@]}" list --stage "Threnody Caskwell"
    for f in md html csv json; do
        sweep no ok "${p[@]}" report --from 2026-01-01 --to 2026-11-27 --suppress 0 --format "$f"
        sweep no ok "${p[@]}" report --period 2026-Q3 --foi --format "$f"
    done
    sweep no fail "${p[@]}" report --period "Threnody Caskwell"
    # FOI requests: known by reference, never by requester.
    sweep no ok "${p[@]}" foi new --request FOI-2026-0001 --received 2026-11-02 --period 2026-Q3
    sweep no ok "${p[@]}" foi new --request FOI-2026-0002 --received 2026-11-03
    sweep no fail "${p[@]}" foi new --request "Threnody Caskwell" --received 2026-11-02
    sweep no fail "${p[@]}" foi new --request FOI-2026-0003 --received 2026-11-02 --requester "Threnody Caskwell"
    sweep no ok "${p[@]}" foi close --request FOI-2026-0002 --date 2026-11-20 --reason withdrawn
    sweep no fail "${p[@]}" foi close --request "Threnody Caskwell" --date 2026-11-20 --reason withdrawn
    for f in table csv json yaml; do
        sweep no ok "${p[@]}" foi list --format "$f"
    done
    PERSONAL+=("Quorrelwick" "Threnody Vanecask")
    sweep no ok "${p[@]}" correct "$id" referral.source.agency="Example College" --reason "Fictional reason Quorrelwick"
    sweep no ok "${p[@]}" correct "$id" referral.subject.name="Threnody Vanecask" --reason "Fictional reason Quorrelwick"
    sweep no fail "${p[@]}" correct "$id" referral.subject.date_of_birth=2031-01-01 --reason "Fictional Quorrelwick"
    sweep no fail "${p[@]}" correct "$id" referral.subject.name="Threnody Caskwell" --reason ""
    sweep no fail "${p[@]}" correct "Threnody Caskwell" referral.source.agency=X --reason "Fictional Quorrelwick"
    sweep no fail "${p[@]}" correct "$id" "Threnody Caskwell"=1 --reason "Fictional Quorrelwick"
    PERSONAL+=("Brindleshaw")
    sweep no ok "${p[@]}" void "$id" note:2026-11-06 --reason "Fictional void reason Brindleshaw"
    sweep no fail "${p[@]}" void "$id" note:2026-11-06 --reason "Fictional Brindleshaw"
    sweep no fail "${p[@]}" void "$id" "Threnody Caskwell" --reason "Fictional Brindleshaw"
    sweep no fail "${p[@]}" void "$id" consent --reason "Fictional Brindleshaw"
    sweep no fail "${p[@]}" void "Threnody Caskwell" triage --reason "Fictional Brindleshaw"
    for f in text json; do
        sweep no ok "${p[@]}" log "$id" --format "$f"
        sweep no ok "${p[@]}" log --since 2026-01-01 --until 2026-11-27 --format "$f"
        sweep no ok "${p[@]}" log --author "Threnody Caskwell" --format "$f"
        sweep no ok "${p[@]}" log --action correct --format "$f"
        sweep no ok "${p[@]}" log --action void --format "$f"
    done
    sweep show ok "${p[@]}" log "$id" --show-personal
    sweep no fail "${p[@]}" log "Threnody Caskwell"
    sweep no fail "${p[@]}" log --since "Threnody Caskwell"
    sweep no ok "${p[@]}" hook install
    sweep no ok "${p[@]}" hook install
    sweep no fail "${p[@]}" hook "Threnody Caskwell"
    sweep no ok "${p[@]}" check --staged
    sweep no ok "${p[@]}" check --repair
    sweep no ok "${p[@]}" check
    sweep no ok "${p[@]}" check --strict
    sweep no fail "${p[@]}" check Fellowmarsh
    sweep show ok "${p[@]}" show "$id"
    sweep show ok "${p[@]}" show "$id" --format json
    assert_contains "$(stdout)" "Caddisbrook" "show --format json (the sweep's values were stored)"
    # Issue 17: find and person show the names of what they find, as show
    # does; link and unlink keep their reason in the record.
    sweep show ok "${p[@]}" find --name "vanecask, threnody"
    assert_contains "$(stdout)" "Threnody Vanecask" "find shows the name asked for (as corrected)"
    sweep show ok "${p[@]}" find --dob 2009-06-02 --format json
    sweep no fail "${p[@]}" find --name "Threnody Caskwell" --dob "Quintarrow"
    sweep no fail "${p[@]}" find
    sweep show ok "${p[@]}" person "$id"
    sweep show ok "${p[@]}" person "$id" --format json
    sweep no fail "${p[@]}" person "Threnody Caskwell"
    # Issue 18: export-person gives the person's data on stdout, or in a
    # new file of mode 0600 whatever the umask; never on stderr.
    sweep show ok "${p[@]}" export-person "$id"
    sweep show ok "${p[@]}" export-person "$id" --format html
    sweep no ok "${p[@]}" export-person "$id" --format html --output "$T/sweep-export.html"
    [[ "$(stat -c %a "$T/sweep-export.html")" == 600 ]] || fail "the export-person file is not 0600"
    sweep no fail "${p[@]}" export-person "$id" --output "$T/sweep-export.html"
    sweep no fail "${p[@]}" export-person "Threnody Caskwell"
    sweep show ok "${p[@]}" find --name "Orvel Brisk" --format csv
    local other
    other="$(tail -1 "$OUT" | cut -d, -f1)"
    sweep no ok "${p[@]}" link "$id" "$other" --reason "Fictional reason Fellowmarsh"
    sweep no fail "${p[@]}" link "$id" "$other" --reason "Fictional reason Fellowmarsh"
    sweep no ok "${p[@]}" unlink "$id" "$other" --reason "Fictional reason Fellowmarsh"
    sweep no fail "${p[@]}" unlink "$id" "Threnody Caskwell" --reason "Fictional Fellowmarsh"
    # edit, with a scripted editor (tests/e2e/edit.sh has the whole suite):
    # the reason is personal data; the confirming line names fields only.
    printf '#!/bin/sh\nsed -i "s/^    referrer_role: .*/    referrer_role: Pastoral Lead/" "$1"\n' >"$T/sweep-editor"
    printf '#!/bin/sh\nsed -i "0,/Prevent Lead/s//Prevent Lead Officer/" "$1"\n' >"$T/sweep-meeting-editor"
    chmod +x "$T/sweep-editor" "$T/sweep-meeting-editor"
    EDITOR="$T/sweep-editor" VISUAL="" sweep no ok "${p[@]}" edit "$id" --reason "Fictional reason Fellowmarsh"
    EDITOR="$T/sweep-editor" VISUAL="" sweep no fail "${p[@]}" edit "Threnody Caskwell" --reason "Fictional Fellowmarsh"
    EDITOR="$T/sweep-meeting-editor" VISUAL="" sweep no ok "${p[@]}" edit --meeting "$m" \
        --reason "Fictional reason Fellowmarsh"
    sweep no ok "${p[@]}" upgrade
    sweep no fail "${p[@]}" upgrade "Threnody Caskwell"
    sweep no ok "$PREVENT" --help
    sweep no ok "$PREVENT" --exit-codes
    sweep no ok "$PREVENT" --version

    # keys, on an encrypted store of its own (the sweep's store is plain):
    # a recipient's name is a label, but what is typed where one is wanted
    # is never echoed in an error.
    S="$T/encrypted"
    ssh-keygen -q -t ed25519 -N "" -C "" -f "$T/sweep-key" && ssh-keygen -q -t ed25519 -N "" -C "" -f "$T/sweep-key2" ||
        fail "ssh-keygen failed"
    local e=("$PREVENT" -C "$S" --as-of "$AS_OF")
    sweep no ok "$PREVENT" init "$S" --area "Example Borough" --as-of "$AS_OF" --recipient "$T/sweep-key.pub"
    sweep no ok "${e[@]}" keys list
    sweep no fail "${e[@]}" keys add "Threnody Caskwell" --ssh "$T/sweep-key2.pub"
    sweep no ok "${e[@]}" --identity "$T/sweep-key" keys add second --ssh "$T/sweep-key2.pub"
    sweep no fail "${e[@]}" --identity "$T/sweep-key" keys add other --ssh "$T/sweep-key2.pub"
    sweep no fail "${e[@]}" --identity "$T/sweep-key" keys remove "Threnody Caskwell"
    sweep no ok "${e[@]}" --identity "$T/sweep-key" keys remove second

    # encrypt, purge-plaintext and erase, on a copy of the sweep's plain
    # store (its personal values in every version of its history).
    cp -a "$T/store" "$T/converted"
    S="$T/converted"
    local c=("$PREVENT" -C "$S" --as-of "$AS_OF") found
    sweep no fail "${c[@]}" purge-plaintext
    sweep no fail "${c[@]}" encrypt
    sweep no fail "${c[@]}" encrypt --recipient-name "Threnody Caskwell"
    sweep no ok "${c[@]}" encrypt --recipient "$T/sweep-key.pub"
    sweep no fail "${c[@]}" encrypt --recipient "$T/sweep-key.pub"
    sweep no fail "${c[@]}" purge-plaintext
    sweep no ok "${c[@]}" --identity "$T/sweep-key" purge-plaintext
    sweep no ok "${c[@]}" --identity "$T/sweep-key" purge-plaintext
    sweep no fail "${c[@]}" --identity "$T/sweep-key" erase "Threnody Caskwell" --reason "Fictional reason Fellowmarsh"
    sweep no ok "${c[@]}" --identity "$T/sweep-key" erase "$id" --reason "Fictional reason Fellowmarsh"
    sweep no ok "${c[@]}" check
    if found="$(personal_in "$(git_in "$S" log --all --format='%an%n%ae%n%cn%n%ce%n%B'; git_in "$S" for-each-ref \
        --format='%(refname)'; git_in "$S" log --all --name-only --format=)")"; then
        fail "the converted store's commit messages, refs or file names contain personal data [$found]"
    fi
    S="$T/store"

    # sync and resolve (docs/team.md): a clone and the store each correct
    # the name two different ways; the sync keeps both as a conflict, named
    # by field only.
    PERSONAL+=("Threnody Peerwick" "Threnody Storewick" "Peerwick" "Storewick")
    git init -q --bare "$T/shared.git"
    git -C "$S" remote add origin "$T/shared.git"
    sweep no ok "${p[@]}" sync
    git clone -q "$T/shared.git" "$T/peer" || fail "git clone failed"
    run "$PREVENT" -C "$T/peer" --as-of "$AS_OF" correct "$id" referral.subject.name="Threnody Peerwick" --reason "Fictional reason Peerwick"
    [[ $RC -eq 0 ]] || { fail "the peer's correct failed"; _show "$ERR"; }
    run "$PREVENT" -C "$T/peer" --as-of "$AS_OF" sync
    [[ $RC -eq 0 ]] || { fail "the peer's sync failed"; _show "$ERR"; }
    sweep no ok "${p[@]}" correct "$id" referral.subject.name="Threnody Storewick" --reason "Fictional reason Storewick"
    sweep no ok "${p[@]}" sync
    assert_contains "$(stdout)" "conflict $id referral.subject.name" "sync's conflict"
    sweep no fail "${p[@]}" sync "ext::sh -c Threnody%20Caskwell"
    sweep no fail "${p[@]}" resolve "$id" "Threnody Caskwell" --take ours
    sweep no fail "${p[@]}" resolve "$id" referral.subject.name --take "Threnody Caskwell" --reason x
    sweep no ok "${p[@]}" resolve "$id" referral.subject.name --take theirs
    sweep no ok "${p[@]}" sync

    # Every command that exists was run.
    local cmd
    for cmd in init refer import triage note assess "panel new" "panel attend" "panel agenda" "panel decide" \
        "panel consent" "panel action" "panel minutes" "review due" "review record" report correct void log \
        "hook install" show list check upgrade "foi new" "foi close" "foi list" find person link unlink "keys list" \
        "keys add" "keys remove" "retention due" encrypt purge-plaintext erase sync resolve; do
        [[ "$SWEEP_LOG" == *" $cmd "* ]] ||
            fail "the sweep did not run prevent $cmd"
    done
    local listed
    listed="$("$PREVENT" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')"
    [[ "$listed" == *refer* ]] || fail "no commands found in prevent --help"
    local sub
    for sub in panel review hook foi keys retention; do
        listed+=$'\n'"$("$PREVENT" "$sub" --help | sed -n '/^Subcommands:/,/^$/p' | awk -v p="$sub" 'NR > 1 && NF { print p " " $1 }')"
    done
    while IFS= read -r cmd; do
        [[ -z "$cmd" || "$SWEEP_LOG" == *" $cmd "* ]] ||
            fail "prevent --help lists $cmd, which the sweep does not run"
    done <<<"$listed"

    # The history and the names.
    local found
    if found="$(personal_in "$(git_in "$S" log --all --format='%an%n%ae%n%cn%n%ce%n%B')")"; then
        fail "commit messages contain personal data [$found]"
    fi
    if found="$(personal_in "$(git_in "$S" for-each-ref --format='%(refname)'; git_in "$S" reflog --format=%gs)")"; then
        fail "refs or the reflog contain personal data [$found]"
    fi
    if found="$(personal_in "$(git_in "$S" log --all --name-only --format=; find "$S" -print)")"; then
        fail "file names contain personal data [$found]"
    fi
    [[ "$(stat -c %a "$S")" == 700 ]] || fail "the store's directory is not 0700"
}

# PERSONAL_SWEEP_EVERY=2 (the sanitizer run, .ci/run) runs one of the two
# sweeps, which one rotating with E2E_SAMPLE_OFFSET; the Release run both.
# (Each test runs in its own process, so the sweep's index is given.)
: "${PERSONAL_SWEEP_EVERY:=1}"
sweep_sampled() { # sweep_sampled INDEX
    ((PERSONAL_SWEEP_EVERY <= 1 || ($1 + ${E2E_SAMPLE_OFFSET:-0}) % PERSONAL_SWEEP_EVERY == 0)) && return 0
    echo "       not this run (PERSONAL_SWEEP_EVERY=$PERSONAL_SWEEP_EVERY, E2E_SAMPLE_OFFSET=${E2E_SAMPLE_OFFSET:-0})"
    return 1
}
test_the_sweep_of_every_command_under_umask_022() {
    sweep_sampled 0 || return 0
    run_the_sweep 022
}
test_the_sweep_of_every_command_under_umask_000() {
    sweep_sampled 1 || return 0
    run_the_sweep 000
}

run_tests "$@"

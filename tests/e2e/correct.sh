#!/usr/bin/env bash
# `prevent correct`: fixing wrongly recorded fields after the fact (SPEC §6,
# §3 `corrections`); the rules of SPEC §4 still hold on the result, the ID
# and the sequence of decisions cannot be corrected this way.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
REASON="Fictional reason: the date was typed from the wrong form"

# A store with one adopted, supported case PRV-2026-0001 (consent given,
# action A1) and one referral PRV-2026-0002 awaiting triage.
build_supported() {
    local s="$1"
    new_store "$s"
    refer_ok "$s"
    pv_ok "$s" 2026-11-07 triage "$ID" --outcome channel-panel --date 2026-11-06 \
        --s36-date 2026-11-06 --s36-by "Counter Terrorism Policing North West"
    meeting_ok "$s" 2026-11-12
    pv_ok "$s" 2026-11-12 panel decide 2026-11-12 "$ID" --decision adopt --method majority
    pv_ok "$s" 2026-11-14 panel consent "$ID" --status given --by parent-guardian --date 2026-11-14
    pv_ok "$s" 2026-11-15 panel action "$ID" add --support ideological-mentoring \
        --provider "Example Mentoring Service" --due 2027-01-31 --date 2026-11-15
    refer_ok "$s" name="Maribex Tundrell" dob=2008-03-19 received=2026-11-20
}

setup() {
    S="$T/store"
    PERSONAL+=("$REASON")
    cached_store "$S" supported build_supported
}

correct_ok() { # correct_ok ID FIELD=VALUE… : one commit `correct: ID <fields>`
    local id="$1"
    shift
    write_step "$S" "$AS_OF" correct "$id" correct "$id" "$@" --reason "$REASON"
}

test_a_wrong_date_is_corrected_and_the_correction_recorded() {
    setup
    correct_ok PRV-2026-0001 triage.completed=2026-11-05
    assert_eq "$(git -C "$S" log -1 --format=%s)" "correct: PRV-2026-0001 triage.completed" "commit subject"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['triage']['completed']")" "2026-11-05" "triage.completed"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['corrections']")" \
        "[{'date': '$AS_OF', 'fields': ['triage.completed'], 'reason': '$REASON'}]" "corrections"
    # Only the case file changed, and it is canonical.
    assert_eq "$(git -C "$S" show --name-only --format= HEAD)" "cases/2026/PRV-2026-0001.yaml" "files of the commit"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0 "check --strict after the correction"
    assert_stdout_empty
}

test_several_fields_are_corrected_in_one_commit_and_named_in_order() {
    setup
    correct_ok PRV-2026-0001 referral.source.agency="Example College" panel[1].method=consensus \
        support_plan.A1.due=2027-02-28 referral.concern.type=islamist
    assert_eq "$(git -C "$S" log -1 --format=%s)" \
        "correct: PRV-2026-0001 referral.source.agency panel.1.method support_plan.A1.due referral.concern.type" \
        "commit subject"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['panel'][0]['method']")" "consensus"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['support_plan'][0]['due']")" "2027-02-28"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['referral']['source']['agency']")" "Example College"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['corrections'][0]['fields']")" \
        "['referral.source.agency', 'panel.1.method', 'support_plan.A1.due', 'referral.concern.type']"
}

test_a_personal_field_is_corrected_without_its_value_in_the_commit_or_output() {
    setup
    PERSONAL+=("Quorian Wembleton")
    correct_ok PRV-2026-0001 referral.subject.name="Quorian Wembleton" referral.subject.postcode_district=ZZ9
    # The confirming line names the fields, never their values.
    assert_stderr_matches "^prevent: PRV-2026-0001: corrected referral.subject.name, referral.subject.postcode_district on 2026-11-27; "
    assert_no_personal_data "$(stderr)" "stderr"
    assert_stdout_empty
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['referral']['subject']['name']")" "Quorian Wembleton"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['referral']['subject']['postcode_district']")" "ZZ9"
    assert_no_personal_data "$(git -C "$S" log --format=%B)" "commit messages"
}

test_an_optional_field_is_removed_with_an_empty_value() {
    setup
    correct_ok PRV-2026-0002 referral.subject.postcode_district=
    assert_eq "$(case_field "$S" PRV-2026-0002 "'postcode_district' in d['referral']['subject']")" "False"
}

test_a_list_field_takes_comma_separated_keys() {
    setup
    correct_ok PRV-2026-0001 "panel.1.signposted_to=early-help, housing"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['panel'][0]['signposted_to']")" "['early-help', 'housing']"
}

test_a_corrected_date_of_birth_links_the_same_person() {
    setup
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-18 received=2026-11-21
    assert_eq "$ID" "PRV-2026-0003"
    assert_eq "$(case_field "$S" PRV-2026-0003 "d.get('related', [])")" "[]"
    run prevent -C "$S" --as-of "$AS_OF" correct PRV-2026-0003 referral.subject.date_of_birth=2008-03-19 --reason "$REASON"
    assert_rc 0
    assert_stderr_contains "PRV-2026-0003 now has the same name and date of birth as PRV-2026-0002"
    assert_no_personal_data "$(stderr)" "stderr"
    assert_eq "$(case_field "$S" PRV-2026-0003 "d['related']")" "['PRV-2026-0002']"
    assert_eq "$(case_field "$S" PRV-2026-0003 "d['corrections'][0]['fields']")" \
        "['referral.subject.date_of_birth', 'related']"
}

test_the_person_index_follows_a_corrected_name() {
    setup
    PERSONAL+=("Quorian Wembleton")
    # Matching on the old name fills the index before the correction.
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19 received=2026-11-21
    assert_eq "$(case_field "$S" "$ID" "d['related']")" "['PRV-2026-0002']" "related of the repeat referral"
    correct_ok PRV-2026-0002 referral.subject.name="Quorian Wembleton"
    refer_ok "$S" name="Quorian Wembleton" dob=2008-03-19 received=2026-11-22
    assert_eq "$(case_field "$S" "$ID" "d['related']")" "['PRV-2026-0002']" "related after the corrected name"
    refer_ok "$S" name="Maribex Tundrell" dob=2008-03-19 received=2026-11-23
    assert_eq "$(case_field "$S" "$ID" "d['related']")" "['PRV-2026-0003']" "related on the old name"
}

refuse() { # refuse CODE ARGS… (after `correct`)
    local code="$1"
    shift
    expect_refused "$code" "$S" prevent -C "$S" --as-of "$AS_OF" correct "$@"
}

test_the_id_and_the_decisions_cannot_be_corrected() {
    setup
    refuse 5 PRV-2026-0001 id=PRV-2026-0009 --reason "$REASON"
    assert_stderr_contains "id: the ID of a case cannot be corrected"
    local f
    for f in triage.outcome=no-further-action panel.1.decision=defer consent.status=declined \
        support_plan.A1.status=done support_plan.A1.id=A2; do
        refuse 5 PRV-2026-0001 "$f" --reason "$REASON"
        assert_stderr_contains "a decision cannot be corrected"
    done
    refuse 5 PRV-2026-0001 related=PRV-2026-0002 --reason "$REASON"
    assert_stderr_contains "kept by prevent itself"
    refuse 5 PRV-2026-0001 corrections.1.reason=x --reason "$REASON"
    refuse 5 PRV-2026-0001 voided.1.reason=x --reason "$REASON"
    assert_stderr_contains "kept by prevent itself"
}

test_unknown_fields_and_missing_entries_are_refused() {
    setup
    refuse 5 PRV-2026-0001 referral.colour=blue --reason "$REASON"
    assert_stderr_contains "'referral.colour': not a field that can be corrected"
    refuse 5 PRV-2026-0001 panel.first.method=consensus --reason "$REASON"
    assert_hint_contains "position from 1"
    refuse 5 PRV-2026-0001 support_plan.1.due=2027-01-01 --reason "$REASON"
    assert_hint_contains "support_plan.A1.due"
    refuse 5 PRV-2026-0001 panel.2.method=consensus --reason "$REASON"
    assert_stderr_contains "the record has no panel.2"
    refuse 5 PRV-2026-0002 triage.completed=2026-11-21 --reason "$REASON"
    assert_stderr_contains "the record has no triage"
    refuse 3 PRV-2026-0001 support_plan.A9.due=2027-01-01 --reason "$REASON"
    assert_stderr_contains "no such action"
}

test_values_of_the_wrong_type_or_outside_their_list_are_refused() {
    setup
    refuse 5 PRV-2026-0001 triage.completed=2026-02-30 --reason "$REASON"
    assert_stderr_contains "triage.completed: expected a date as YYYY-MM-DD, e.g. 2026-12-03 (command line)"
    refuse 5 PRV-2026-0001 referral.route=carrier-pigeon --reason "$REASON"
    assert_hint_contains "massh-children"
    refuse 5 PRV-2026-0001 referral.source.sector=nhs --reason "$REASON"
    assert_stderr_contains "sectors"
    refuse 5 PRV-2026-0001 panel.1.signposted_to=nowhere --reason "$REASON"
    refuse 5 PRV-2026-0001 referral.subject.name= --reason "$REASON"
    assert_stderr_contains "must not be empty"
    refuse 5 PRV-2026-0001 "referral.source.agency=   " --reason "$REASON"
    refuse 5 PRV-2026-0001 referral.subject.postcode_district="not a postcode" --reason "$REASON"
    refuse 5 PRV-2026-0001 referral.from_area="Elsewhere" --reason "$REASON"
    assert_stderr_contains "only with route transfer-in (command line)"
    refuse 5 PRV-2026-0001 triage.completed=2026-11-05 triage.completed=2026-11-04 --reason "$REASON"
    assert_stderr_contains "given twice"
    refuse 5 PRV-2026-0001 "$(printf 'referral.source.agency=\xff')" --reason "$REASON"
    assert_stderr_contains "UTF-8"
}

test_a_correction_that_changes_nothing_is_refused() {
    setup
    refuse 5 PRV-2026-0001 triage.completed=2026-11-06 panel.1.method=majority --reason "$REASON"
    assert_stderr_contains "nothing to correct"
}

test_the_rules_still_hold_on_the_result() {
    setup
    # Rule 9: triage before the referral was received.
    refuse 4 PRV-2026-0001 triage.completed=2026-11-01 --reason "$REASON"
    assert_stderr_contains "rule 9"
    # Rule 1: nothing after today.
    refuse 4 PRV-2026-0001 consent.date=2026-11-28 --reason "$REASON"
    assert_stderr_contains "rule 1"
    # Rule 5: a child cannot consent for themselves.
    refuse 4 PRV-2026-0001 consent.by=subject --reason "$REASON"
    assert_stderr_contains "rule 5"
    # A meeting that does not exist.
    refuse 3 PRV-2026-0001 panel.1.meeting=2026-11-13 --reason "$REASON"
}

test_a_received_date_in_another_year_is_refused() {
    setup
    refuse 5 PRV-2026-0002 referral.received=2025-12-30 --reason "$REASON"
    assert_stderr_contains "another year"
}

test_a_section_the_record_does_not_have_cannot_be_corrected() {
    setup
    refuse 5 PRV-2026-0001 closure.date=2026-11-20 --reason "$REASON"
    assert_stderr_contains "the record has no closure"
    refuse 5 PRV-2026-0002 triage.section36.by="Counter Terrorism Policing" --reason "$REASON"
}

test_usage_errors() {
    setup
    refuse 2 PRV-2026-0001 triage.completed=2026-11-05
    assert_stderr_contains "--reason"
    refuse 2 PRV-2026-0001 --reason "$REASON"
    refuse 2 PRV-2026-0001 triage.completed --reason "$REASON"
    assert_stderr_contains "FIELD=VALUE"
    refuse 5 PRV-2026-0001 triage.completed=2026-11-05 --reason "  "
    assert_stderr_contains "--reason must not be empty"
    refuse 5 PRV-26-1 triage.completed=2026-11-05 --reason "$REASON"
    refuse 3 PRV-2026-0099 triage.completed=2026-11-05 --reason "$REASON"
}

test_uncommitted_edits_of_the_case_file_are_in_the_way() {
    setup
    echo "# a stray edit" >>"$(case_file "$S" PRV-2026-0001)"
    refuse 6 PRV-2026-0001 triage.completed=2026-11-05 --reason "$REASON"
}

run_tests "$@"

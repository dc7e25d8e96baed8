#!/usr/bin/env bash
# `prevent export-person ID` (issue 18, item 5): everything held about the
# person behind a case, for a subject access request (UK GDPR Art. 15):
# every linked referral in full with its history, as YAML or one
# self-contained HTML page; nothing about anyone else; no commit. All
# names are fictional.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

# A name holding every character HTML gives a meaning to.
NAME="Quorra <b>&\"' Vantrell"
NAME_HTML="Quorra &lt;b&gt;&amp;&quot;&#39; Vantrell"
REASON="Fictional reason: the agency was typed from the wrong form"
TRIAGE_RATIONALE="Fictional triage rationale"
PANEL_RATIONALE="Fictional panel rationale"
# The unrelated person's, and what only the meeting file holds.
OTHER_NAME="Maribex Tundrell"
OTHER_SUMMARY="Fictional concern about another young person"
ATTENDEE_AGENCY="Wexmoor Youth Service"
A=PRV-2026-0001 B=PRV-2026-0002 C=PRV-2026-0003

# The person referred on 1 October 2026 (A): triaged to the panel, adopted
# at the meeting of 10 October (where an attendee declared an interest in
# the case), the agency corrected; referred again on 2 November (C, linked
# by rule 10). An unrelated person (B), heard at the same meeting.
build_person() {
    local s="$1"
    new_store "$s"
    refer_ok "$s" name="$NAME" dob=2009-04-12 postcode-district=ZZ4 received=2026-10-01
    pv_ok "$s" 2026-10-03 triage "$A" --outcome channel-panel --date 2026-10-03 --s36-date 2026-10-03 \
        --s36-by "Counter Terrorism Policing North West" --rationale "$TRIAGE_RATIONALE"
    refer_ok "$s" name="$OTHER_NAME" dob=2008-03-19 postcode-district=ZZ7 received=2026-10-05 summary="$OTHER_SUMMARY"
    pv_ok "$s" 2026-10-06 triage "$B" --outcome channel-panel --date 2026-10-06 --s36-date 2026-10-06 \
        --s36-by "Counter Terrorism Policing North West"
    meeting_ok "$s" 2026-10-10 --attendee "Youth Worker@$ATTENDEE_AGENCY"
    # A declaration of interest names the case in the meeting's file: the
    # meeting's change is in `prevent log A`, and not in the export.
    pv_ok "$s" 2026-10-10 panel attend 2026-10-10 --declare "Youth Worker@$ATTENDEE_AGENCY:$A"
    pv_ok "$s" 2026-10-10 panel decide 2026-10-10 "$A" --decision adopt --method consensus --rationale "$PANEL_RATIONALE"
    pv_ok "$s" 2026-10-10 panel decide 2026-10-10 "$B" --decision not-adopt --method consensus
    pv_ok "$s" 2026-10-12 correct "$A" referral.source.agency="Example College" --reason "$REASON"
    refer_ok "$s" name="$NAME" dob=2009-04-12 postcode-district=ZZ4 received=2026-11-02
    [[ "$ID" == "$C" ]] || fail "the second referral is $ID, not $C"
}

setup() {
    S="$T/store"
    cached_store "$S" person build_person
    PERSONAL+=("$NAME" "$REASON" "$TRIAGE_RATIONALE" "$PANEL_RATIONALE" "$OTHER_NAME" "$OTHER_SUMMARY" "Vantrell")
}

has_yaml() { "$PYTHON" -c 'import yaml' 2>/dev/null; }

# yaml_eval EXPR < yaml: python3 evaluates EXPR with `d` bound to the YAML
# document on stdin (only where python3 has its yaml module).
yaml_eval() {
    "$PYTHON" -c 'import sys, yaml; d = yaml.safe_load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# The exact head of the YAML export of the person, asked for by ID.
expected_head() {
    printf '%s\n' "export: subject access export (UK GDPR Art. 15)" "area: Example Borough" "as_of: 2026-11-27" \
        "asked_for: $1" "cases:" "  - $A" "  - $C" "referrals:" "  - id: $A"
}

# The lines of the export from referral $1's `- id:` line to the next one.
referral_section() {
    awk -v id="$1" '/^  - id: / { on = ($3 == id) } on' "$OUT"
}

test_export_from_either_id_gives_both_referrals_and_not_the_unrelated_one() {
    setup
    local id
    for id in "$A" "$C"; do
        run prevent -C "$S" export-person "$id" --as-of "$AS_OF"
        assert_rc 0 "export-person $id"
        assert_stderr_empty
        assert_eq "$(head -n 9 "$OUT")" "$(expected_head "$id")" "the head of the export of $id"
        assert_eq "$(grep -c '^  - id: ' "$OUT")" 2 "referrals in the export of $id"
        assert_not_contains "$(cat "$OUT")" "$B" "the export of $id"
        assert_not_contains "$(cat "$OUT")" "$OTHER_NAME" "the export of $id"
        assert_not_contains "$(cat "$OUT")" "$OTHER_SUMMARY" "the export of $id"
    done
    # The person's own data is all there: the record in full.
    assert_eq "$(grep -cxF "          name: $NAME" "$OUT")" 2 "the name, in each record"
    assert_contains "$(cat "$OUT")" "date_of_birth: 2009-04-12"
    assert_contains "$(cat "$OUT")" "postcode_district: ZZ4"
    assert_contains "$(cat "$OUT")" "rationale: $TRIAGE_RATIONALE"
    assert_contains "$(cat "$OUT")" "rationale: $PANEL_RATIONALE"
    if has_yaml; then
        assert_eq "$(yaml_eval '[r["id"] for r in d["referrals"]]' <"$OUT")" "['$A', '$C']" "the referrals, parsed"
        assert_eq "$(yaml_eval 'd["cases"]' <"$OUT")" "['$A', '$C']" "the cases, parsed"
        assert_eq "$(yaml_eval 'd["referrals"][0]["record"]["referral"]["subject"]["name"]' <"$OUT")" "$NAME" "the name, parsed"
        assert_eq "$(yaml_eval 'd["referrals"][1]["record"]["related"]' <"$OUT")" "['$A']" "the link, parsed"
        assert_eq "$(yaml_eval '[r["stage"] for r in d["referrals"]]' <"$OUT")" "['awaiting-consent', 'awaiting-triage']" "stages"
    fi
}

test_the_history_lists_each_change_oldest_first_with_its_values() {
    setup
    run prevent -C "$S" export-person "$A" --as-of "$AS_OF"
    assert_rc 0
    local section
    section="$(referral_section "$A")"
    # The commits that touched A's file, and only those: not B's triage or
    # decision, not the meeting's creation.
    assert_eq "$(grep -E '^ {8}action: ' <<<"$section" | wc -l)" 4 "changes of $A"
    assert_eq "$(grep -E '^ {8}action: ' <<<"$section" | tr -s ' ' | tr '\n' '|')" \
        " action: refer| action: triage| action: panel-decide| action: correct|" "the actions, oldest first"
    assert_matches "$section" "- date: \"20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}\"" "a change's date"
    # Field by field, with the values, personal ones included.
    assert_contains "$section" "- field: triage.rationale
            from: ~
            to: $TRIAGE_RATIONALE" "the triage's rationale"
    assert_contains "$section" "- field: panel[1].decision
            from: ~
            to: adopt" "the decision"
    assert_contains "$section" "- field: referral.source.agency
            from: Example Academy
            to: Example College" "the correction"
    assert_contains "$section" "- field: corrections[1].reason
            from: ~
            to: \"$REASON\"" "the correction's reason"
    # The meeting as the person's: its date and the decision on the case.
    assert_contains "$section" "    panel_meetings:
      - date: 2026-10-10
        decision: adopt
        method: consensus
    history:" "the panel meetings"
    run prevent -C "$S" log "$A" --as-of "$AS_OF"
    assert_contains "$(cat "$OUT")" "panel-attend" "log $A (the declaration naming the case)"
    run prevent -C "$S" export-person "$A" --as-of "$AS_OF"
    assert_not_contains "$(cat "$OUT")" "panel-attend" "the export (a meeting's change)"
    assert_not_contains "$(cat "$OUT")" "$ATTENDEE_AGENCY" "the export (meeting attendance)"
    assert_not_contains "$(cat "$OUT")" "Detective Sergeant" "the export (meeting attendance)"
    assert_not_contains "$(cat "$OUT")" "Test Coordinator" "the export (who made each change)"
    if has_yaml; then
        assert_eq "$(yaml_eval '[h["action"] for h in d["referrals"][0]["history"]]' <"$OUT")" \
            "['refer', 'triage', 'panel-decide', 'correct']" "the actions, parsed"
        assert_eq "$(yaml_eval '[c["to"] for c in d["referrals"][0]["history"][3]["changes"] if c["field"] == "corrections[1].reason"]' <"$OUT")" \
            "['$REASON']" "the correction's reason, parsed"
        assert_eq "$(yaml_eval 'd["referrals"][0]["panel_meetings"]' <"$OUT")" \
            "[{'date': datetime.date(2026, 10, 10), 'decision': 'adopt', 'method': 'consensus'}]" "the panel meetings, parsed"
    fi
}

test_the_html_page_is_self_contained_escaped_and_headed() {
    setup
    run prevent -C "$S" export-person "$C" --format html --as-of "$AS_OF"
    assert_rc 0
    local page
    page="$(cat "$OUT")"
    assert_eq "$(head -n 1 "$OUT")" "<!DOCTYPE html>" "first line"
    local outside
    for outside in "<script" "http" "//" "src=" "href=" "url(" "@import" "<link" "<iframe" "<object" "<embed" "<img"; do
        assert_not_contains "$page" "$outside" "the page"
    done
    assert_contains "$page" "$NAME_HTML" "the page (the name, escaped)"
    assert_not_contains "$page" "<b>" "the page"
    assert_not_contains "$page" "$NAME" "the page"
    assert_contains "$page" "<h1>Subject access export</h1>"
    assert_contains "$page" "<li>As of: 2026-11-27</li>"
    assert_contains "$page" "<li>Cases included (2): $A, $C</li>"
    assert_contains "$page" "<h4>"
    assert_contains "$page" "panel-decide</h4>"
    assert_contains "$page" "<tr><td>corrections[1].reason</td><td><span class=\"none\">(none)</span></td><td>Fictional reason: the agency was typed from the wrong form</td></tr>"
    assert_contains "$page" "@page{size:A4"
    assert_not_contains "$page" "$B" "the page"
    assert_not_contains "$page" "$OTHER_NAME" "the page"
    assert_not_contains "$page" "$ATTENDEE_AGENCY" "the page"
}

test_output_writes_a_new_file_of_mode_0600_and_never_overwrites() {
    setup
    local before
    before="$(snapshot "$S")"
    run prevent -C "$S" export-person "$A" --as-of "$AS_OF"
    cp "$OUT" "$T/expected.yaml"
    mkdir -p "$T/sar"
    run prevent -C "$S" export-person "$A" --output "$T/sar/export.yaml" --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_empty
    assert_eq "$(cat "$ERR")" "prevent: $A: subject access export of 2 referrals ($A, $C) written (--output)" "the notice"
    assert_no_personal_data "$(cat "$ERR")" "stderr"
    assert_mode "$T/sar/export.yaml" 600
    assert_eq "$(cat "$T/sar/export.yaml")" "$(cat "$T/expected.yaml")" "the file, as stdout would be"
    run prevent -C "$S" export-person "$C" --format html --output "$T/sar/export.html" --as-of "$AS_OF" -q
    assert_rc 0
    assert_stderr_empty
    assert_mode "$T/sar/export.html" 600
    assert_contains "$(cat "$T/sar/export.html")" "$NAME_HTML" "the page written"
    # Never over an existing file, nor through a link; the file as it was.
    echo "an earlier export" >"$T/sar/old.yaml"
    local target
    for target in export.yaml old.yaml; do
        cp "$T/sar/$target" "$T/kept"
        run prevent -C "$S" export-person "$A" --output "$T/sar/$target" --as-of "$AS_OF"
        assert_rc 5 "--output over $target"
        assert_one_error_line
        assert_stdout_empty
        assert_stderr_contains "--output: the file already exists"
        assert_eq "$(cat "$T/sar/$target")" "$(cat "$T/kept")" "$target, untouched"
    done
    ln -s "$T/sar/elsewhere.yaml" "$T/sar/link.yaml"
    run prevent -C "$S" export-person "$A" --output "$T/sar/link.yaml" --as-of "$AS_OF"
    assert_rc 5 "--output through a dangling symbolic link"
    assert_no_file "$T/sar/elsewhere.yaml"
    # No commit, nothing changed in the store.
    assert_eq "$(snapshot "$S")" "$before" "the store"
}

test_the_file_name_of_output_never_reaches_a_message() {
    setup
    mkdir -p "$T/sar"
    echo "x" >"$T/sar/Quorra Vantrell.yaml"
    run prevent -C "$S" export-person "$A" --output "$T/sar/Quorra Vantrell.yaml" --as-of "$AS_OF"
    assert_rc 5
    assert_stderr_not_contains "Vantrell"
    run prevent -C "$S" export-person "$A" --output "$T/no such dir/Quorra Vantrell.yaml" --as-of "$AS_OF"
    assert_rc 5 "--output in a directory that does not exist"
    assert_one_error_line
    assert_stderr_contains "--output: cannot create the file"
    assert_stderr_not_contains "Vantrell"
}

test_output_inside_the_store_is_refused() {
    setup
    expect_refusal 5 "$S" prevent -C "$S" export-person "$A" --output "$S/export.yaml" --as-of "$AS_OF"
    assert_stderr_contains "inside the store"
    expect_refusal 5 "$S" prevent -C "$S" export-person "$A" --output "$S/cases/export.yaml" --as-of "$AS_OF"
    assert_no_file "$S/cases/export.yaml"
}

test_an_unknown_or_malformed_id_or_format_is_refused_and_nothing_written() {
    setup
    mkdir -p "$T/sar"
    expect_refusal 3 "$S" prevent -C "$S" export-person PRV-2026-0099 --as-of "$AS_OF"
    assert_stderr_contains "no such case (PRV-2026-0099)"
    expect_refusal 3 "$S" prevent -C "$S" export-person PRV-2026-0099 --output "$T/sar/x.yaml" --as-of "$AS_OF"
    assert_no_file "$T/sar/x.yaml"
    expect_refusal 5 "$S" prevent -C "$S" export-person "Quorra Vantrell" --output "$T/sar/x.yaml" --as-of "$AS_OF"
    assert_no_file "$T/sar/x.yaml"
    expect_refusal 2 "$S" prevent -C "$S" export-person "$A" --format json --as-of "$AS_OF"
    expect_refusal 2 "$S" prevent -C "$S" export-person --as-of "$AS_OF"
    # An existing --output is refused before the case is looked for (exit
    # 5 comes before 3, SPEC §6).
    echo "x" >"$T/sar/old.yaml"
    expect_refusal 5 "$S" prevent -C "$S" export-person PRV-2026-0099 --output "$T/sar/old.yaml" --as-of "$AS_OF"
    ls "$T/sar" >"$T/listing"
    assert_eq "$(cat "$T/listing")" "old.yaml" "the output directory"
}

test_a_store_with_an_unreadable_case_file_gives_no_export_unless_partial() {
    setup
    printf 'id: PRV-2026-0002\nreferral: [\n' >"$S/cases/2026/$B.yaml"
    git -C "$S" commit -qa --no-verify -m "A broken hand edit"
    mkdir -p "$T/sar"
    run prevent -C "$S" export-person "$A" --output "$T/sar/x.yaml" --as-of "$AS_OF"
    assert_rc 5
    assert_stdout_empty
    assert_no_file "$T/sar/x.yaml"
    assert_stderr_contains "nothing is printed"
    assert_no_personal_data "$(cat "$ERR")" "stderr"
    # --partial gives what could be read, still with exit 5.
    run prevent -C "$S" export-person "$A" --partial --as-of "$AS_OF"
    assert_rc 5 "--partial"
    assert_eq "$(head -n 9 "$OUT")" "$(expected_head "$A")" "the head of the partial export"
    assert_stderr_contains "left out"
    assert_no_personal_data "$(cat "$ERR")" "stderr"
    run prevent -C "$S" export-person "$A" --partial --output "$T/sar/x.yaml" --as-of "$AS_OF"
    assert_rc 5 "--partial --output"
    assert_eq "$(head -n 9 "$T/sar/x.yaml")" "$(expected_head "$A")" "the head of the partial export written"
    assert_mode "$T/sar/x.yaml" 600
}

run_tests "$@"

#!/usr/bin/env bash
# `prevent refer --file F` and `--file -`: one case document (SPEC §2.2,
# §2.3, §6).
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

S=""
setup_store() {
    S="$T/store"
    new_store "$S"
}

test_a_document_with_only_a_referral_gets_an_id() {
    setup_store
    case_yaml >"$T/in/referral.yaml"
    run prevent -C "$S" refer --file "$T/in/referral.yaml" --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_eq "PRV-2026-0001"
    assert_file_exists "$S/cases/2026/PRV-2026-0001.yaml"
    assert_eq "$(head_trailers "$S" Prevent-Action)" "refer" "Prevent-Action trailer"
    assert_eq "$(head_trailers "$S" Prevent-Case)" "PRV-2026-0001" "Prevent-Case trailer"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['referral']['subject']['name']")" "Maribex Tundrell" "name"
    assert_clean "$S"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_empty
}

test_a_document_on_standard_input_gets_an_id() {
    setup_store
    case_yaml >"$T/in/referral.yaml"
    run_stdin "$T/in/referral.yaml" prevent -C "$S" refer --file - --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_eq "PRV-2026-0001"
    assert_eq "$(commit_count "$S")" 2 "number of commits"
}

test_a_document_written_by_hand_is_stored_in_canonical_form() {
    setup_store
    cat >"$T/in/referral.yaml" <<'EOF'
# A comment that is not kept
referral:
    concern: {type: islamist, summary: 'Fictional concern raised by a form tutor'}
    subject:
        gender: female
        name: "Maribex Tundrell"
    source: {agency: Example Academy, referrer_role: Head of Year, sector: education}
    route: email
    received: 2026-11-03
EOF
    PERSONAL+=("Maribex Tundrell" "Fictional concern raised by a form tutor")
    run prevent -C "$S" refer --file "$T/in/referral.yaml" --as-of "$AS_OF"
    assert_rc 0
    local f="$S/cases/2026/PRV-2026-0001.yaml"
    assert_not_contains "$(cat "$f")" "A comment"
    assert_eq "$(sed -n '2,4p' "$f" | tr '\n' '|')" "id: PRV-2026-0001|referral:|  received: 2026-11-03|" "key order"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_empty
}

test_a_document_may_carry_later_stages() {
    setup_store
    {
        case_yaml received=2026-10-01
        cat <<'EOF'
triage:
  completed: 2026-10-05
  outcome: signposted
  signposted_to: [early-help]
  rationale: Fictional rationale for signposting
EOF
    } >"$T/in/referral.yaml"
    run prevent -C "$S" refer --file "$T/in/referral.yaml" --as-of "$AS_OF"
    assert_rc 0
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['stage']")" "signposted" "stage"
}

test_anchors_and_aliases_are_refused() {
    setup_store
    case_yaml | sed 's/^  source:$/  source: \&src/' >"$T/in/anchor.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/anchor.yaml" --as-of "$AS_OF"
    assert_stderr_contains "anchor"
    {
        case_yaml | sed 's/^    name: .*/    name: \&n Maribex Tundrell/'
        echo "related: [*n]"
    } >"$T/in/alias.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/alias.yaml" --as-of "$AS_OF"
    assert_stderr_contains "alias"
}

test_a_billion_laughs_document_is_refused_quickly() {
    setup_store
    {
        echo 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
        echo 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]'
        echo 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]'
        echo 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]'
        echo 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]'
        echo 'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]'
        echo 'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]'
    } >"$T/in/laughs.yaml"
    expect_refusal 5 "$S" timeout 10 "$PREVENT" -C "$S" refer --file "$T/in/laughs.yaml" --as-of "$AS_OF"
}

test_duplicate_keys_are_refused() {
    setup_store
    case_yaml | sed 's/^    gender: female$/    gender: female\n    name: Quen Arbolt/' >"$T/in/dup.yaml"
    PERSONAL+=("Quen Arbolt")
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/dup.yaml" --as-of "$AS_OF"
    assert_stderr_contains "duplicate key in referral.subject"
    assert_stderr_matches 'dup\.yaml:12([^0-9]|$)'
}

test_an_unknown_key_is_refused_naming_its_parent_and_line() {
    setup_store
    case_yaml | sed 's/^    referrer_role: .*/&\n    shoe_size: 9/' >"$T/in/unknown.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/unknown.yaml" --as-of "$AS_OF"
    assert_stderr_contains "unknown key in referral.source ($T/in/unknown.yaml:"
    assert_stderr_not_contains "shoe_size"
    { case_yaml; echo "favourite_colour: blue"; } >"$T/in/unknown-top.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/unknown-top.yaml" --as-of "$AS_OF"
    assert_stderr_contains "unknown key at the top level"
    assert_stderr_not_contains "favourite_colour"
}

test_explicit_tags_are_refused() {
    setup_store
    case_yaml | sed 's/^    name: .*/    name: !!python\/object:os.system Maribex Tundrell/' >"$T/in/tag.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/tag.yaml" --as-of "$AS_OF"
}

test_a_document_over_1_mib_is_refused_before_parsing() {
    setup_store
    # Not YAML at all: refused for its size, not its syntax.
    head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' '[' >"$T/in/big.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/big.yaml" --as-of "$AS_OF"
    assert_stderr_contains "1 MiB"
    run_stdin "$T/in/big.yaml" prevent -C "$S" refer --file - --as-of "$AS_OF"
    assert_rc 5 "from stdin"
    assert_one_error_line
    assert_stderr_contains "1 MiB"
    assert_eq "$(commit_count "$S")" 1 "number of commits"
}

test_a_valid_document_padded_past_1_mib_is_refused() {
    setup_store
    {
        case_yaml
        head -c $((1024 * 1024)) /dev/zero | tr '\0' ' '
        echo
    } >"$T/in/padded.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/padded.yaml" --as-of "$AS_OF"
    assert_stderr_contains "1 MiB"
}

test_a_document_of_exactly_1_mib_is_read() {
    setup_store
    case_yaml >"$T/in/exact.yaml"
    local pad=$((1024 * 1024 - $(wc -c <"$T/in/exact.yaml") - 2))
    { printf '#'; head -c "$pad" /dev/zero | tr '\0' 'x'; echo; } >>"$T/in/exact.yaml"
    assert_eq "$(wc -c <"$T/in/exact.yaml")" "1048576" "file size"
    run prevent -C "$S" refer --file "$T/in/exact.yaml" --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_eq "PRV-2026-0001"
}

test_a_document_that_is_not_utf8_is_refused() {
    setup_store
    case_yaml | sed $'s/Tundrell/Tundr\xe9ll/' >"$T/in/latin1.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/latin1.yaml" --as-of "$AS_OF"
    assert_stderr_contains "UTF-8"
    # An overlong encoding of '/' and a UTF-16 surrogate are not UTF-8 either.
    case_yaml | sed $'s/Tundrell/Tundr\xc0\xafll/' >"$T/in/overlong.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/overlong.yaml" --as-of "$AS_OF"
    case_yaml | sed $'s/Tundrell/Tundr\xed\xa0\x80ll/' >"$T/in/surrogate.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/surrogate.yaml" --as-of "$AS_OF"
}

test_a_document_with_a_nul_byte_is_refused() {
    setup_store
    case_yaml | sed 's/Tundrell/Tundr\x00ll/' >"$T/in/nul.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/nul.yaml" --as-of "$AS_OF"
}

test_non_ascii_names_are_kept_as_utf8() {
    setup_store
    case_yaml name="Zoë Ŋarvésdóttir" >"$T/in/utf8.yaml"
    run prevent -C "$S" refer --file "$T/in/utf8.yaml" --as-of "$AS_OF"
    assert_rc 0
    assert_contains "$(cat "$S/cases/2026/PRV-2026-0001.yaml")" "Zoë Ŋarvésdóttir"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0
}

test_a_utf8_bom_and_crlf_line_ends_are_accepted_and_written_as_lf() {
    setup_store
    { printf '\xef\xbb\xbf'; case_yaml | sed 's/$/\r/'; } >"$T/in/windows.yaml"
    run prevent -C "$S" refer --file "$T/in/windows.yaml" --as-of "$AS_OF"
    assert_rc 0
    assert_stdout_eq "PRV-2026-0001"
    local f="$S/cases/2026/PRV-2026-0001.yaml"
    if grep -q $'\r' "$f"; then fail "the case file has CR characters"; fi
    assert_eq "$(head -c 3 "$f" | od -An -tx1 | tr -d ' ')" "232079" "first bytes (no BOM)"
    assert_eq "$(case_field "$S" PRV-2026-0001 "d['referral']['subject']['name']")" "Maribex Tundrell" "name"
    run_stdin "$T/in/windows.yaml" prevent -C "$S" refer --file - --as-of "$AS_OF"
    assert_rc 0 "from stdin"
    assert_stdout_eq "PRV-2026-0002"
    run prevent -C "$S" check --strict --as-of "$AS_OF"
    assert_rc 0
}

test_file_and_flags_together_is_a_usage_error() {
    setup_store
    case_yaml >"$T/in/referral.yaml"
    expect_refusal 2 "$S" prevent -C "$S" refer --file "$T/in/referral.yaml" --name "Quen Arbolt" --as-of "$AS_OF"
    PERSONAL+=("Quen Arbolt")
}

test_a_document_that_is_not_a_case_is_refused() {
    setup_store
    printf -- '- a list\n- not a case\n' >"$T/in/list.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/list.yaml" --as-of "$AS_OF"
    : >"$T/in/empty.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/empty.yaml" --as-of "$AS_OF"
    printf 'referral: [unclosed\n' >"$T/in/broken.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/broken.yaml" --as-of "$AS_OF"
    printf 'just a sentence\n' >"$T/in/scalar.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/scalar.yaml" --as-of "$AS_OF"
}

test_two_documents_are_refused() {
    setup_store
    { case_yaml; echo "---"; case_yaml name="Quen Arbolt"; } >"$T/in/two.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/two.yaml" --as-of "$AS_OF"
}

test_a_missing_required_key_is_refused_naming_it() {
    setup_store
    case_yaml | sed '/^  route:/d' >"$T/in/noroute.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/noroute.yaml" --as-of "$AS_OF"
    assert_stderr_contains "route"
}

test_a_date_written_as_text_of_another_form_is_refused() {
    setup_store
    case_yaml received=03/11/2026 >"$T/in/date.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/date.yaml" --as-of "$AS_OF"
    case_yaml received=2026-02-29 >"$T/in/date.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/date.yaml" --as-of "$AS_OF"
}

test_a_document_with_an_id_already_taken_is_refused() {
    setup_store
    refer_ok "$S"
    case_yaml id=PRV-2026-0001 >"$T/in/taken.yaml"
    expect_refusal 5 "$S" prevent -C "$S" refer --file "$T/in/taken.yaml" --as-of "$AS_OF"
    assert_stderr_contains "PRV-2026-0001"
}

test_a_file_that_cannot_be_read_is_refused() {
    setup_store
    run prevent -C "$S" refer --file "$T/in/absent.yaml" --as-of "$AS_OF"
    assert_rc_nonzero "a file that does not exist"
    assert_one_error_line
    assert_eq "$(commit_count "$S")" 1 "number of commits"
}

test_a_document_received_after_today_is_refused_by_rule_1() {
    setup_store
    case_yaml received=2026-12-01 >"$T/in/future.yaml"
    expect_refusal 4 "$S" prevent -C "$S" refer --file "$T/in/future.yaml" --as-of "$AS_OF"
    assert_stderr_contains "rule 1"
}

run_tests "$@"

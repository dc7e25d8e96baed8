#!/usr/bin/env bash
# docs/commands.md is checked against the program: every command and option
# the binary has is documented, every command documented exists, and every
# help text copied into the page is the program's own `--help`.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

COMMANDS_MD="$PREVENT_SOURCE_DIR/docs/commands.md"

# check_doc WHAT: the problems commands_doc.py finds, one assertion each.
check_doc() {
    local problems line
    problems="$("$PYTHON" "$E2E_DIR/lib/commands_doc.py" "$PREVENT" "$COMMANDS_MD" "$1" 2>&1)" ||
        fail "commands_doc.py $1 failed: $problems"
    while IFS= read -r line; do
        [[ -n "$line" ]] && fail "$line"
    done <<<"$problems"
}

test_every_command_and_option_of_the_binary_is_in_commands_md() {
    check_doc options
}

test_every_command_commands_md_documents_is_in_the_binary() {
    check_doc commands
}

test_every_help_text_in_commands_md_is_the_programs_own() {
    check_doc help
}

run_tests "$@"

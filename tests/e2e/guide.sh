#!/usr/bin/env bash
# The coordinator's guide (docs/guide/) runs as written: each page's
# `console` examples, in order, in a store of its own, as of a fixed day.
# The format of an example is in lib/guide_pages.py.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

# What the guide uses that this binary does not have yet: the examples
# tagged `console pending=NAME` with NAME here are skipped (and counted).
# Remove a name once its command is merged, and its examples run. Nothing
# is pending: every example of the guide runs.
GUIDE_PENDING=""

GUIDE_DIR="$PREVENT_SOURCE_DIR/docs/guide"
# The skipped examples of every page, for the suite's last line.
GUIDE_SKIP_LOG="$(mktemp "${TMPDIR:-/tmp}/prevent-guide-skips.XXXXXX")"

GUIDE_TODAY=""
GUIDE_PAGE=""
GUIDE_CLOCK=0
GUIDE_SKIPPED=()

# prevent, as the page runs it: as of the page's day (unless the example
# gives --as-of itself), and its commits dated that day.
prevent() {
    local a
    GUIDE_CLOCK=$((GUIDE_CLOCK + 1))
    local when
    when="$(printf '%sT%02d:%02d:00+00:00' "$GUIDE_TODAY" $((9 + GUIDE_CLOCK / 60)) $((GUIDE_CLOCK % 60)))"
    for a in "$@"; do
        if [[ "$a" == --as-of || "$a" == --as-of=* ]]; then
            GIT_AUTHOR_DATE="$when" GIT_COMMITTER_DATE="$when" "$PREVENT" "$@"
            return
        fi
    done
    GIT_AUTHOR_DATE="$when" GIT_COMMITTER_DATE="$when" "$PREVENT" "$@" --as-of "$GUIDE_TODAY"
}

# mail, for the weekly routine: a stub that keeps the message in $T/mail.
mail() {
    printf 'mail %s\n' "$*" >>"$T/mail"
    cat >>"$T/mail"
}

# guide_setup STORE TODAY: where the page's commands run (see guide_pages.py).
guide_setup() {
    GUIDE_TODAY="$2"
    # The pages' coordinator (quick-start.md sets the same identity itself).
    git config --global user.name "Sam Sample"
    git config --global user.email "sam.sample@example.invalid"
    mkdir -p "$T/work"
    # `prevent edit` opens $EDITOR: here a stub that makes the change
    # fixing-mistakes.md describes (the referrer's role) and saves.
    printf '#!/bin/sh\nsed -i "s/^    referrer_role: .*/    referrer_role: Family Support Worker/" "$1"\n' >"$T/editor"
    chmod +x "$T/editor"
    export EDITOR="$T/editor" VISUAL="$T/editor"
    cd "$T/work" || exit 1
    case "$1" in
        none) ;;
        empty)
            "$PREVENT" init --plain "$T/channel" --area "Example Borough" --prefix EXM --as-of "$GUIDE_TODAY" >/dev/null 2>&1 ||
                fail "prevent init failed"
            export PREVENT_STORE="$T/channel" ;;
        example)
            copy_example_store "$T/channel"
            export PREVENT_STORE="$T/channel" ;;
        *) fail "unknown store= $1 in $GUIDE_PAGE" ;;
    esac
}

guide_skip() { GUIDE_SKIPPED+=("$1:$2"); }

# guide_cmd LINE RC COMMAND STDOUT STDERR: runs one example.
guide_cmd() {
    local line="$1" want_rc="$2" cmd="$3" want_out="$4" want_err="$5" rc
    eval "$cmd" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    if [[ -n "${GUIDE_SHOW:-}" ]]; then  # GUIDE_SHOW=FILE: what each example printed, into FILE
        { printf '$ %s\n' "$cmd"; cat "$T/out" "$T/err"; } >>"$GUIDE_SHOW"
    fi
    if [[ "$rc" != "$want_rc" ]]; then
        fail "$GUIDE_PAGE:$line: exit $rc, expected $want_rc: $cmd"
        _show "$T/err"
        return
    fi
    if [[ -n "$want_out" ]]; then
        printf '%s\n' "$want_out" >"$T/want"
        local diff
        diff="$("$PYTHON" - "$T/want" "$T/out" <<'PY'
import re, sys
want = open(sys.argv[1]).read().splitlines()
got = open(sys.argv[2]).read().splitlines()
# `…` alone on a line stands for any number of lines; within a line, for
# any text on it (a commit ID, which changes with anything before it).
pattern = "".join(".*?" if l == "…" else "[^\n]*?".join(map(re.escape, l.split("…"))) + "\n" for l in want)
if re.fullmatch(pattern, "\n".join(got) + "\n", re.S) is None:
    print("\n".join("   want | " + l for l in want))
    print("\n".join("    got | " + l for l in got))
PY
)"
        [[ -z "$diff" ]] || { fail "$GUIDE_PAGE:$line: stdout differs: $cmd"; printf '%s\n' "$diff"; }
    fi
    if [[ -n "$want_err" ]]; then
        local l
        while IFS= read -r l; do
            grep -qxF -- "$l" "$T/err" || { fail "$GUIDE_PAGE:$line: stderr lacks [$l]: $cmd"; _show "$T/err"; }
        done <<<"$want_err"
    fi
}

# run_page NAME: runs docs/guide/NAME.md.
run_page() {
    GUIDE_PAGE="docs/guide/$1.md"
    local script
    script="$("$PYTHON" "$E2E_DIR/lib/guide_pages.py" "$GUIDE_DIR/$1.md" "$GUIDE_PENDING")" ||
        { fail "cannot read the examples of $GUIDE_PAGE"; return; }
    [[ "$(grep -c '^guide_cmd\|^guide_skip' <<<"$script")" -gt 0 ]] || fail "$GUIDE_PAGE has no examples"
    eval "$script"
    cd "$T" || return
    local skip
    for skip in "${GUIDE_SKIPPED[@]}"; do
        printf '%s %s\n' "$GUIDE_PAGE" "$skip" >>"$GUIDE_SKIP_LOG"
    done
}

test_quick_start() { run_page quick-start; }
test_weekly_routine() {
    run_page weekly-routine
    assert_contains "$(cat "$T/mail" 2>/dev/null)" "mail -s" "the due list was mailed"
}
test_panel_meeting() { run_page panel-meeting; }
test_fixing_mistakes() { run_page fixing-mistakes; }
test_faq() { run_page faq; }

test_every_guide_page_has_its_test() {
    local page name
    for page in "$GUIDE_DIR"/*.md; do
        name="$(basename "$page" .md)"
        [[ "$name" == README ]] && continue  # the index: no examples
        grep -q "^test_[a-z_]*() { run_page $name; }\|run_page $name\$" "$E2E_DIR/guide.sh" ||
            fail "docs/guide/$name.md has no test in guide.sh"
    done
}

run_tests "$@"
status=$?
if [[ -s "$GUIDE_SKIP_LOG" ]]; then
    echo "skipped $(awk -F: '{ n += $2 } END { print n }' "$GUIDE_SKIP_LOG") example commands pending ($GUIDE_PENDING not in this binary yet):"
    sed 's/^/  /; s/:\([0-9]*\)$/ (\1 commands)/' "$GUIDE_SKIP_LOG"
fi
rm -f "$GUIDE_SKIP_LOG"
exit "$status"

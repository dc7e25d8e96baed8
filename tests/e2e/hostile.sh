#!/usr/bin/env bash
# Hostile and broken input (docs/hardening.md): every input of the corpus in
# tests/hostile/, through every way in that its manifest cases.tsv names, and
# hostile values wherever a case ID or a date is accepted on the command line.
#
# Each refusal: the exit code of SPEC §6, one `prevent: ` line (and at most a
# `hint: ` line), no personal data on stderr, the store exactly as it was, no
# file made outside the store, and an answer within `timeout 10` (a hang
# fails; nothing else here measures time). Valid inputs of the corpus (a BOM,
# CRLF line ends, quoted newlines) must be taken: one commit, status clean.
#
# HOSTILE_EVERY=N (slow sanitizer builds; .ci/run) tries one case in N of
# each sweep below (one corpus file in N of each way in, one hostile store's
# command in N, one hostile value in N), which one chosen by
# E2E_SAMPLE_OFFSET (lib/common.bash); every test still runs.
# shellcheck disable=SC2016 # literal `$(…)` text is meant
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

: "${HOSTILE_EVERY:=1}"

CORPUS="$PREVENT_SOURCE_DIR/tests/hostile"
S=""

# The (P) values of the corpus's records.
corpus_personal() {
    PERSONAL+=("Quennet Harrowmoor" "Quennet" "Harrowmoor" Velmarine 2009-04-11 ZZ5)
}

# gen_input NAME FILE: the inputs too big to keep in the repository.
gen_input() {
    local name="$1" out="$2" base="$CORPUS/valid-case.yaml" pad
    case "$name" in
        over-1mib.yaml | exactly-1mib.yaml)
            # A valid record whose summary makes it 1 MiB + 1 byte (or exactly 1 MiB).
            pad=$((1048576 - $(wc -c <"$base") + 1))
            [[ "$name" == exactly-1mib.yaml ]] && pad=$((pad - 1))
            {
                sed '$d' "$base"
                printf '    summary: '
                head -c $((pad + $(tail -1 "$base" | wc -c) - 14)) /dev/zero | tr '\0' 'x'
                echo
            } >"$out"
            ;;
        huge-100mb.yaml)
            # One 100 MB record: a summary of 100 MB on one line.
            {
                sed '$d' "$base"
                printf '    summary: '
                head -c 104857600 /dev/zero | tr '\0' 'x'
                echo
            } >"$out"
            ;;
        huge-100mb-stream.yaml)
            # A good record, then a 100 MB one: the stream stops at 1 MiB.
            { cat "$base"; echo "---"; sed 's/PRV-2026-0001/PRV-2026-0002/' "$base" | sed '$d'
              printf '    summary: '; head -c 104857600 /dev/zero | tr '\0' 'x'; echo; } >"$out"
            ;;
        huge-100mb.csv)
            # One CSV record with a quoted field of 100 MB.
            { echo "received,route,sector,agency,referrer_role,name,gender,concern_type,concern_summary"
              printf '2026-11-03,email,education,Example Academy,Tutor,Quennet Harrowmoor,female,islamist,"'
              head -c 104857600 /dev/zero | tr '\0' 'x'; echo '"'; } >"$out"
            ;;
        huge-100mb-header.csv)
            # No line end at all: a 100 MB header.
            head -c 104857600 /dev/zero | tr '\0' 'x' >"$out"
            ;;
        prevent-over-1mib.yaml)
            { cat "$S/prevent.yaml"; printf '# '; head -c 1048576 /dev/zero | tr '\0' 'x'; echo; } >"$out"
            ;;
        *) fail "no generator for $name"; return 1 ;;
    esac
}

# The input file of a manifest row: from the corpus, or generated.
input_file() { # input_file NAME → path on stdout
    local name="$1"
    if [[ "$name" == gen:* ]]; then
        name="${name#gen:}"
        [[ -f "$T/gen/$name" ]] || { mkdir -p "$T/gen"; gen_input "$name" "$T/gen/$name" || return 1; }
        echo "$T/gen/$name"
    else
        [[ -f "$CORPUS/$name" ]] || { fail "corpus file missing: $name"; return 1; }
        echo "$CORPUS/$name"
    fi
}

# Files in $T outside the store, the captures and the inputs: a hostile ID
# or date must never make a file anywhere else.
stray_files() {
    find "$T" -mindepth 1 \( -path "$T/store" -o -path "$T/.cap" -o -path "$T/in" -o -path "$T/home" \
        -o -path "$T/gen" -o -path "$T/work" \) -prune -o -print
    find "$T/work" -mindepth 1 ! -path "$T/work/a" ! -path "$T/work/a/b" -print 2>/dev/null
    [[ -e /tmp/prevent-hostile-x ]] && echo /tmp/prevent-hostile-x
}

# expect_outcome CODE NEEDLE WHAT CMD…: CMD (under timeout 10) exits CODE.
# A refusal: one `prevent: ` line (import: at most two, a bad record and
# the summary) and at most one `hint: ` line, NEEDLE on stderr, nothing on
# stdout, no personal data, the store as it was, no stray files. Success:
# exactly one new commit and a clean status for a write (`refer`, `import`).
expect_outcome() {
    local code="$1" needle="$2" what="$3" before after found nprevent nother
    shift 3
    before="$(quick_snapshot "$S")"
    local commits_before
    commits_before="$(commit_count "$S")"
    run timeout 10 "$@"
    if [[ "$RC" -ne "$code" ]]; then
        fail "$what: exit code: expected $code, got $RC"
        _show "$ERR"
        return
    fi
    if [[ "$code" -eq 0 ]]; then
        case "$*" in
            *" refer "* | *" import "*)
                assert_eq "$(commit_count "$S")" "$((commits_before + 1))" "$what: commits"
                assert_clean "$S"
                ;;
            *) assert_eq "$(quick_snapshot "$S")" "$before" "$what: the store after a read" ;;
        esac
        return
    fi
    nprevent="$(grep -c '^prevent: ' "$ERR")"
    nother="$(grep -vc -e '^prevent: ' -e '^hint: ' "$ERR")"
    if [[ "$nother" -ne 0 || "$nprevent" -lt 1 || "$nprevent" -gt 2 ]] ||
        [[ "$nprevent" -eq 2 && "$*" != *" import "* ]] || [[ "$(grep -c '^hint: ' "$ERR")" -gt 1 ]] ||
        [[ "$(head -c 9 "$ERR")" != "prevent: " ]]; then
        fail "$what: stderr should be one 'prevent: ' line and at most one 'hint: ' line"
        _show "$ERR"
    fi
    [[ -z "$needle" ]] || assert_contains "$(stderr)" "$needle" "$what: stderr"
    [[ ! -s "$OUT" ]] || { fail "$what: stdout should be empty"; _show "$OUT"; }
    if found="$(personal_in "$(stderr)")"; then fail "$what: stderr contains personal data [$found]"; fi
    after="$(quick_snapshot "$S")"
    if [[ "$before" != "$after" ]]; then
        fail "$what: the store changed although the command failed"
        diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | head -20 | sed 's/^/         | /'
    fi
    found="$(stray_files)"
    [[ -z "$found" ]] || fail "$what: files made outside the store: $found"
}

# The manifest's rows for one way in: NAME EXIT NEEDLE, tab-separated.
manifest_rows() { # manifest_rows VIA
    awk -F'\t' -v via="$1" '!/^#/ && NF >= 3 && $2 == via { print $1 "\t" $3 "\t" $4 }' "$CORPUS/cases.tsv"
}

# Without the pre-commit hook: the corpus is committed by hand as a store
# without it (or `git commit --no-verify`) lets it through.
fresh_store() {
    rm -rf "$S"
    new_store "$S" --no-hook
}

# hand_commit FILE DEST: FILE committed with plain git as DEST in the store.
hand_commit() {
    mkdir -p "$(dirname "$S/$2")"
    cp "$1" "$S/$2"
    git -C "$S" add -A && git -C "$S" commit -q -m "Hand edit: $2" ||
        fail "git commit of $2 failed"
}

# ---------------------------------------------------------------------------
# Hostile stores: rows `gen:store-NAME  store:COMMAND  EXIT  NEEDLE`

# The ID whose path a hostile object takes, and the meeting of every store.
STORE_ODD=PRV-2026-0003
STORE_MEETING=2026-11-12

# The base of every hostile store: PRV-2026-0001 adopted at the meeting,
# PRV-2026-0002 awaiting triage, each read once (list, log) so that the
# side files of .git/prevent (record cache, person index, log index) exist.
build_base_store() { # build_base_store DIR
    local s="$1"
    new_store "$s" --no-hook
    refer_ok "$s"
    refer_ok "$s" received=2026-11-04 sector=health agency="Example Surgery" referrer-role=GP \
        name="Maribex Tundrell" dob=2008-03-19 gender=female postcode-district=ZZ7 concern=islamist \
        summary="Fictional concern raised by a form tutor"
    meeting_ok "$s" "$STORE_MEETING"
    pv_ok "$s" "$AS_OF" triage PRV-2026-0001 --outcome channel-panel --date 2026-11-05 --s36-date 2026-11-05 \
        --s36-by "Counter Terrorism Policing North West" --rationale "Fictional rationale naming Velmarine"
    pv_ok "$s" "$AS_OF" panel decide "$STORE_MEETING" PRV-2026-0001 --decision adopt --method consensus \
        --rationale "Fictional panel rationale naming Velmarine"
    pv_ok "$s" "$AS_OF" list
    pv_ok "$s" "$AS_OF" log PRV-2026-0001
    [[ -f "$s/.git/prevent/cases-v1" && -f "$s/.git/prevent/people-v2" && -f "$s/.git/prevent/log-v1/cases-2026" ]] ||
        fail "the base store lacks a side file"
}

# set_settings STORE NAME=VALUE…: numbers of prevent.yaml (names as in
# docs/store.md; review.post_closure_months sets both), committed by hand.
set_settings() {
    local s="$1"
    shift
    "$PYTHON" - "$s/prevent.yaml" "$@" <<'PY' || fail "cannot set $* in prevent.yaml"
import re, sys
path, pairs = sys.argv[1], sys.argv[2:]
text = open(path).read()
def sub(pattern, repl):
    global text
    text, n = re.subn(pattern, repl, text, count=1, flags=re.M)
    if n == 0:
        sys.exit("no match for " + pattern)
for pair in pairs:
    name, value = pair.split("=", 1)
    if name == "review.early_days":
        sub(r"^(  monthly_days: .*\n)", r"\g<1>  early_days: " + value + "\n")
    elif name == "review.post_closure_months":
        sub(r"^(  post_closure_months:\n\s+- )\d+(\n\s+- )\d+\n", r"\g<1>" + value + r"\g<2>" + value + "\n")
    elif name == "age_bands.max":
        sub(r"^(\s+)min: 51$", r"\g<1>min: " + value)
    elif name.startswith("review."):
        sub(r"^  " + name.split(".", 1)[1] + r": .*$", "  " + name.split(".", 1)[1] + ": " + value)
    else:
        sub(r"^" + name + r": .*$", name + ": " + value)
open(path, "w").write(text)
PY
    git -C "$s" commit -q --no-verify -am "Settings by hand" || fail "cannot commit prevent.yaml"
}

# commit_entry STORE MODE OBJECT PATH: an index entry committed by hand.
commit_entry() {
    git -C "$1" update-index --add --cacheinfo "$2,$3,$4" || fail "git update-index of $4 failed"
    git -C "$1" commit -qm "By hand: $4" || fail "git commit of $4 failed"
}

# commit_cases STORE MESSAGE: what is under cases/ committed by hand.
commit_cases() {
    git -C "$1" add cases || fail "git add failed"
    git -C "$1" commit -qm "By hand: $2" || fail "git commit failed"
}

# A person index that claims to describe HEAD's cases but has no line for
# PRV-2026-0002 (a repeat referral of that person would go unnoticed), its
# checksum recomputed with the unkeyed hash prevent once used. (The index
# prevent leaves after a referral describes the cases before it.)
forge_person_index() { # forge_person_index STORE
    "$PYTHON" "$E2E_DIR/lib/forge_people.py" "$1/.git/prevent/people-v2" "$(git -C "$1" rev-parse HEAD:cases)" ||
        fail "forging the person index failed"
}

# The log index with the keys of PRV-2026-0001 and PRV-2026-0002 swapped
# (`log PRV-2026-0001` would miss its own commits), each segment's checksum
# recomputed as prevent once did (SHA-1 as of a git blob).
forge_log_index() {
    "$PYTHON" - "$1" <<'PY' || fail "forging the log index failed"
import sys, hashlib
p = sys.argv[1]
b = open(p, 'rb').read()
a, c = b'PRV-2026-0001.yaml', b'PRV-2026-0002.yaml'
assert a in b and c in b, "the keys are not there"
b = b.replace(a, b'\0' * len(a)).replace(c, a).replace(b'\0' * len(a), c)
nl = b.index(b'\n') + 1
out, at, prev = bytearray(b[:nl]), nl, b'\0' * 20
while at < len(b):
    n = int.from_bytes(b[at:at + 8], 'little')
    body = bytearray(b[at + 8:at + 8 + n])
    body[:20] = prev
    whole = b[at:at + 8] + bytes(body)
    sha = hashlib.sha1(b'blob %d\0' % len(whole) + whole).digest()
    out += whole + sha
    prev = sha
    at += 8 + n + 20
open(p, 'wb').write(bytes(out))
PY
}

# gen_store NAME DIR: the hostile store NAME (without its "store-"), made
# from a copy of the base. A store whose hostile part is a side file also
# gets DIR.forged, naming that file: every command must answer on it as on
# a copy without it (the forgery has no effect).
gen_store() {
    local name="$1" s="$2"
    [[ -d "$T/gen/base" ]] || build_base_store "$T/gen/base"
    cp -a "$T/gen/base" "$s" || { fail "copying the base store failed"; return 1; }
    case "$name" in
        git-config-programs)
            # Every program-naming key at a marker; writes sign (ssh) with
            # the user's ssh-keygen, never the store's gpg.ssh.program.
            hostile_git_config "$s" "$T/gen"
            ssh-keygen -t ed25519 -N '' -q -C "test key" -f "$T/gen/signer" || fail "ssh-keygen failed"
            git -C "$s" config gpg.format ssh
            git -C "$s" config user.signingkey "$T/gen/signer"
            ;;
        settings-at-max)
            set_settings "$s" triage_target_working_days=260 panel_target_days=366 consent_target_days=366 \
                review.monthly_days=366 review.early_days=366 review.post_closure_months=120 \
                review.extension_step_months=120 review.extension_limit_months=120 suppression_threshold=1000 \
                age_bands.max=150
            ;;
        settings-at-min)
            set_settings "$s" triage_target_working_days=0 panel_target_days=0 consent_target_days=0 \
                review.monthly_days=1 review.early_days=0 review.post_closure_months=1 \
                review.extension_step_months=1 review.extension_limit_months=1 suppression_threshold=0
            ;;
        setting-beyond-max) set_settings "$s" panel_target_days=367 ;;
        setting-below-min) set_settings "$s" review.monthly_days=0 ;;
        setting-that-crashed) set_settings "$s" review.extension_step_months=2000000000 ;;
        compression-bomb)
            # 64 MiB of zeros (64 KiB packed) at a case path; in the work
            # tree a sparse file, as a clone would have it (without the
            # blocks), so that the status is clean.
            truncate -s 64M "$s/cases/2026/$STORE_ODD.yaml"
            commit_cases "$s" "a large file"
            ;;
        gitlink)
            # A submodule's entry, and its empty directory, as a clone has it.
            commit_entry "$s" 160000 "$(head_of "$s")" "cases/2026/$STORE_ODD.yaml"
            mkdir "$s/cases/2026/$STORE_ODD.yaml"
            ;;
        directory)
            mkdir -p "$s/cases/2026/$STORE_ODD.yaml"
            cp "$(case_file "$s" PRV-2026-0001)" "$s/cases/2026/$STORE_ODD.yaml/inner.yaml"
            commit_cases "$s" "a directory"
            ;;
        duplicate-case)
            cp "$(case_file "$s" PRV-2026-0001)" "$s/cases/2026/$STORE_ODD.yaml"
            commit_cases "$s" "a copy"
            ;;
        forged-record-cache)
            # PRV-2026-0001's sector changed from education to probation.
            "$PYTHON" "$E2E_DIR/lib/forge_cache.py" "$s/.git/prevent/cases-v1" education probation ||
                fail "forging the record cache failed"
            echo .git/prevent/cases-v1 >"$s.forged"
            ;;
        forged-person-index)
            forge_person_index "$s"
            echo .git/prevent/people-v2 >"$s.forged"
            ;;
        forged-log-index)
            forge_log_index "$s/.git/prevent/log-v1/cases-2026"
            echo .git/prevent/log-v1/cases-2026 >"$s.forged"
            ;;
        *) fail "no generator for store-$name"; return 1 ;;
    esac
}

# store_git STORE ARGS…: git in STORE, with every program its configuration
# could name turned off (hostile_git_config), and the work tree compared by
# size and mtime only (copies made with cp -a keep those).
store_git() {
    git -C "$1" -c core.fsmonitor=false -c core.hooksPath=/dev/null -c filter.x.process= -c filter.x.clean= \
        -c filter.x.smudge= -c diff.x.textconv= -c core.checkStat=minimal -c core.trustctime=false "${@:2}"
}

# store_command COMMAND: the words of the manifest's `store:COMMAND` in CMD.
CMD=()
store_command() {
    case "$1" in
        list) CMD=(list) ;;
        show) CMD=(show PRV-2026-0001) ;;
        show-odd) CMD=(show "$STORE_ODD") ;;
        check) CMD=(check) ;;
        report) CMD=(report --period 2026-11 --format csv --suppress 0) ;;
        review-due) CMD=(review due) ;;
        log) CMD=(log) ;;
        log-case) CMD=(log PRV-2026-0001) ;;
        log-odd) CMD=(log "$STORE_ODD") ;;
        minutes) CMD=(panel minutes "$STORE_MEETING") ;;
        refer)
            # The person of PRV-2026-0002 again (rule 10): a forged person
            # index would hide the link.
            referral_flags received=2026-11-25 sector=health agency="Example Surgery" referrer-role=GP \
                name="Maribex Tundrell" dob=2008-03-19 gender=female postcode-district=ZZ7 concern=islamist \
                summary="Fictional second concern from the surgery"
            CMD=(refer "${REFER_FLAGS[@]}")
            ;;
        *) fail "no command store:$1"; return 1 ;;
    esac
}

# ---------------------------------------------------------------------------
# The corpus

test_the_manifest_names_every_corpus_file_and_only_those() {
    local f name listed
    listed="$(awk -F'\t' '!/^#/ && NF >= 3 { print $1 }' "$CORPUS/cases.tsv" | sort -u)"
    for f in "$CORPUS"/*; do
        name="$(basename "$f")"
        [[ "$name" == cases.tsv || "$name" == README.md ]] && continue
        grep -qxF -- "$name" <<<"$listed" || fail "corpus file not in cases.tsv: $name"
    done
    while IFS= read -r name; do
        [[ "$name" == gen:* || -f "$CORPUS/$name" ]] || fail "cases.tsv names a missing file: $name"
    done <<<"$listed"
    awk -F'\t' '!/^#/ && NF > 0 && (NF < 3 || $2 !~ /^(refer|stdin|import|case|config|meeting|store:(list|show|show-odd|check|report|review-due|log|log-case|log-odd|minutes|refer))$/ || ($2 ~ /^store:/) != ($1 ~ /^gen:store-/) || $3 !~ /^[0-6]$/) { print "bad row " NR ": " $0; bad = 1 } END { exit bad }' \
        "$CORPUS/cases.tsv" || fail "cases.tsv has malformed rows"
    # Every hostile store meets every kind of command (log and log-odd may
    # be left out, with the reason in a comment).
    local store cmd
    while IFS= read -r store; do
        for cmd in list show check report review-due log-case minutes refer; do
            grep -qP "^\Q$store\E\tstore:$cmd\t" "$CORPUS/cases.tsv" || fail "cases.tsv has no row store:$cmd for $store"
        done
    done < <(awk -F'\t' '!/^#/ && $1 ~ /^gen:store-/ { print $1 }' "$CORPUS/cases.tsv" | sort -u)
}

test_corpus_through_refer_file() {
    corpus_personal
    S="$T/store"
    local name code needle in
    while IFS=$'\t' read -r name code needle; do
        sampled "$HOSTILE_EVERY" refer-file || continue
        fresh_store
        in="$(input_file "$name")" || continue
        expect_outcome "$code" "$needle" "refer --file $name" "$PREVENT" -C "$S" refer --file "$in" --as-of "$AS_OF"
    done < <(manifest_rows refer)
}

test_corpus_through_refer_from_standard_input() {
    corpus_personal
    S="$T/store"
    local name code needle in
    while IFS=$'\t' read -r name code needle; do
        sampled "$HOSTILE_EVERY" refer-stdin || continue
        fresh_store
        in="$(input_file "$name")" || continue
        # run's stdin is /dev/null: the input comes through bash -c.
        expect_outcome "$code" "$needle" "refer --file - < $name" \
            bash -c '"$0" -C "$1" refer --file - --as-of "$2" <"$3"' "$PREVENT" "$S" "$AS_OF" "$in"
    done < <(manifest_rows stdin)
}

test_corpus_through_import() {
    corpus_personal
    S="$T/store"
    local name code needle in
    while IFS=$'\t' read -r name code needle; do
        sampled "$HOSTILE_EVERY" import || continue
        fresh_store
        in="$(input_file "$name")" || continue
        expect_outcome "$code" "$needle" "import $name" "$PREVENT" -C "$S" import "$in" --as-of "$AS_OF"
    done < <(manifest_rows import)
}

# A case file committed by hand: `show` gives the row's exit code, and so do
# `check` (which reports on stdout) and `list` (which lists the rest and
# reports the unreadable file).
test_corpus_as_case_files_committed_by_hand() {
    corpus_personal
    S="$T/store"
    local name code needle in
    while IFS=$'\t' read -r name code needle; do
        sampled "$HOSTILE_EVERY" case-files || continue
        fresh_store
        in="$(input_file "$name")" || continue
        hand_commit "$in" cases/2026/PRV-2026-0001.yaml
        expect_outcome "$code" "$needle" "show of a case file $name" \
            "$PREVENT" -C "$S" show PRV-2026-0001 --as-of "$AS_OF"
        local before
        before="$(quick_snapshot "$S")"
        run timeout 10 "$PREVENT" -C "$S" check records --as-of "$AS_OF"
        assert_rc "$code" "check records of a case file $name"
        [[ "$code" -eq 0 ]] || assert_contains "$(stdout)" "PRV-2026-0001.yaml" "check of $name"
        if found="$(personal_in "$(stdout)$(stderr)")"; then fail "check of $name shows personal data [$found]"; fi
        run timeout 10 "$PREVENT" -C "$S" list --format csv --as-of "$AS_OF"
        assert_rc "$code" "list with a case file $name"
        if found="$(personal_in "$(stdout)$(stderr)")"; then fail "list with $name shows personal data [$found]"; fi
        assert_eq "$(quick_snapshot "$S")" "$before" "the store after check and list of $name"
    done < <(manifest_rows case)
}

test_corpus_as_prevent_yaml() {
    corpus_personal
    S="$T/store"
    local name code needle in
    while IFS=$'\t' read -r name code needle; do
        sampled "$HOSTILE_EVERY" prevent-yaml || continue
        fresh_store
        in="$(input_file "$name")" || continue
        hand_commit "$in" prevent.yaml
        expect_outcome "$code" "$needle" "list with a prevent.yaml $name" \
            "$PREVENT" -C "$S" list --as-of "$AS_OF"
        referral_flags
        expect_outcome "$code" "$needle" "refer with a prevent.yaml $name" \
            "$PREVENT" -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}"
    done < <(manifest_rows config)
}

test_corpus_as_meeting_files() {
    corpus_personal
    S="$T/store"
    local name code needle in
    while IFS=$'\t' read -r name code needle; do
        sampled "$HOSTILE_EVERY" meeting-files || continue
        fresh_store
        in="$(input_file "$name")" || continue
        hand_commit "$in" panels/2026-10-08.yaml
        expect_outcome "$code" "$needle" "panel minutes of a meeting file $name" \
            "$PREVENT" -C "$S" panel minutes 2026-10-08 --as-of "$AS_OF"
    done < <(manifest_rows meeting)
}

# The rows of hostile stores: NAME COMMAND EXIT NEEDLE (the `store:` taken off).
store_rows() {
    awk -F'\t' '!/^#/ && NF >= 3 && $2 ~ /^store:/ { print substr($1, 5) "\t" substr($2, 7) "\t" $3 "\t" $4 }' \
        "$CORPUS/cases.tsv"
}

# The state of the store $S (HEAD, index, work tree), without running a
# program its configuration names.
store_state() { store_git "$S" status --porcelain=v2 --branch --untracked-files=all --ignored=matching 2>&1; }

# expect_store_outcome CODE NEEDLE WHAT: CMD run on the store $S (under
# timeout 10) exits CODE, with NEEDLE on stderr (`stdout:TEXT`: TEXT on
# stdout); stderr holds only `prevent: ` lines and at most one `hint: `
# line: on success only notices, on a refusal one line, or two when a
# reader names the file it could not read before its summary (nothing when
# check reports its findings on stdout); a refusal prints nothing on stdout
# but for `list` (which lists the readable cases) and `check` (its
# findings); no personal data on stdout (but `show`'s) or stderr; no
# program of the store's .git/config run; a read leaves the store as it
# was (STATE, store_state before it), a refused write too, and a write
# makes one commit and leaves the status clean. STATE is then the state
# after it.
STATE=""
expect_store_outcome() {
    local code="$1" needle="$2" what="$3" after commits found write=""
    local -a lines=()
    if [[ "${CMD[0]}" == refer ]]; then
        write=1
        commits="$(commit_count "$S")"
    fi
    run timeout 10 "$PREVENT" -C "$S" --as-of "$AS_OF" "${CMD[@]}"
    assert_nothing_ran "$what"
    rm -f "$T"/ran-*
    if [[ "$RC" -ne "$code" ]]; then
        fail "$what: exit code: expected $code, got $RC"
        _show "$ERR"
        return
    fi
    if [[ "$needle" == stdout:* ]]; then
        assert_contains "$(stdout)" "${needle#stdout:}" "$what: stdout"
    elif [[ -n "$needle" ]]; then
        assert_contains "$(stderr)" "$needle" "$what: stderr"
    fi
    mapfile -t lines <"$ERR"
    if [[ "$code" -eq 0 ]]; then
        # Notices, and the line confirming a write (a case ID or a meeting first).
        found="$(grep -v -E '^prevent: (notice: |[A-Z][A-Z0-9]*-[0-9]{4}-[0-9]{4,}: |panel [0-9]{4}-[0-9]{2}-[0-9]{2}: )' "$ERR")"
        [[ -z "$found" ]] || { fail "$what: stderr of a success should hold notices only"; _show "$ERR"; }
    elif [[ "${CMD[0]}" == check && -s "$OUT" ]]; then
        [[ ! -s "$ERR" ]] || { fail "$what: check reports on stdout, stderr should be empty"; _show "$ERR"; }
    elif [[ ${#lines[@]} -lt 1 || "${lines[0]}" != "prevent: "* ]] ||
        [[ "$(grep -vc -e '^prevent: ' -e '^hint: ' "$ERR")" -ne 0 || "$(grep -c '^hint: ' "$ERR")" -gt 1 ]] ||
        [[ "$(grep -c '^prevent: ' "$ERR")" -gt 2 ]] ||
        [[ "$(grep -c '^prevent: ' "$ERR")" -eq 2 && "${lines[1]}" != *"could not be read"* ]]; then
        fail "$what: stderr should be one 'prevent: ' line (two: a file and the reader's summary) and at most one 'hint: ' line"
        _show "$ERR"
    fi
    if [[ "$code" -ne 0 && -s "$OUT" && "${CMD[0]}" != list && "${CMD[0]}" != check ]]; then
        fail "$what: stdout should be empty"
        _show "$OUT"
    fi
    if [[ "${CMD[0]}" == list && "$code" -eq 5 ]]; then
        assert_contains "$(stdout)" "PRV-2026-0001  awaiting-consent" "$what: the readable cases (stdout)"
        assert_contains "$(stdout)" "PRV-2026-0002  awaiting-triage" "$what: the readable cases (stdout)"
    fi
    if found="$(personal_in "$(stderr)")"; then fail "$what: stderr contains personal data [$found]"; fi
    if [[ "${CMD[0]}" != show ]] && found="$(personal_in "$(stdout)")"; then
        fail "$what: stdout contains personal data [$found]"
    fi
    after="$(store_state)"
    if [[ -n "$write" && "$code" -eq 0 ]]; then
        assert_eq "$(commit_count "$S")" "$((commits + 1))" "$what: commits"
        found="$(grep -v -e '^# ' -e '^! ' <<<"$after")"
        [[ -z "$found" ]] || { fail "$what: git status is not clean"; _excerpt "$found"; }
    elif [[ "$STATE" != "$after" ]]; then
        fail "$what: the store changed"
        diff <(printf '%s\n' "$STATE") <(printf '%s\n' "$after") | head -20 | sed 's/^/         | /'
    fi
    STATE="$after"
}

# A store with a forged side file: CMD answers on it exactly as on a copy
# without that file (exit code, stdout, stderr, and for a write the tree it
# commits). `check` is left out: it reports the forged file, and removes it.
expect_forgery_ignored() { # expect_forgery_ignored SOURCE-STORE WHAT
    local src="$1" what="$2" copy="$T/gen/unforged" rc out err tree=""
    [[ "${CMD[0]}" == check ]] && return
    rc="$RC"
    out="$(stdout)"
    err="$(stderr)"
    [[ "${CMD[0]}" == refer ]] && tree="$(git -C "$S" rev-parse 'HEAD^{tree}')"
    rm -rf "$copy"
    if ! cp -a "$src" "$copy" || ! rm "$copy/$(cat "$src.forged")"; then
        fail "$what: no forged file to remove"
        return
    fi
    run timeout 10 "$PREVENT" -C "$copy" --as-of "$AS_OF" "${CMD[@]}"
    assert_eq "$RC" "$rc" "$what: exit code without the forged file"
    assert_eq "$(stdout)" "$out" "$what: stdout, against the same store without the forged file"
    assert_eq "$(stderr)" "$err" "$what: stderr, against the same store without the forged file"
    [[ -z "$tree" ]] || assert_eq "$(git -C "$copy" rev-parse 'HEAD^{tree}')" "$tree" \
        "$what: the tree committed, against the same store without the forged file"
}

# Each hostile store (gen:store-NAME, made by gen_store) and each command on
# it (store:COMMAND, store_command). Each store is built once; the commands
# run on a copy, a fresh one after a write and for every command on a store
# with a forged side file (a read replaces a side file it cannot use).
# After each store's commands: no file made outside the store.
test_corpus_of_hostile_stores() {
    corpus_personal
    S="$T/store"
    local name cmd code needle src copied="" last="" found
    while IFS=$'\t' read -r name cmd code needle; do
        sampled "$HOSTILE_EVERY" hostile-stores || continue
        src="$T/gen/$name"
        if [[ "$name" != "$last" && -n "$last" ]]; then
            found="$(stray_files)"
            [[ -z "$found" ]] || fail "files made outside the store $last: $found"
        fi
        last="$name"
        if [[ ! -d "$src" ]]; then gen_store "${name#store-}" "$src" || continue; fi
        store_command "$cmd" || continue
        if [[ "$copied" != "$name" || -f "$src.forged" ]]; then
            rm -rf "$S"
            cp -a "$src" "$S" || { fail "copying $name failed"; continue; }
            STATE="$(store_state)"
        fi
        copied="$name"
        [[ "$cmd" == refer ]] && copied=""
        expect_store_outcome "$code" "$needle" "$cmd on $name"
        [[ ! -f "$src.forged" ]] || expect_forgery_ignored "$src" "$cmd on $name"
    done < <(store_rows)
    found="$(stray_files)"
    [[ -z "$found" ]] || fail "files made outside the store $last: $found"
}

# ---------------------------------------------------------------------------
# Hostile values on the command line

# A store with a case awaiting triage (PRV-2026-0001) and a meeting.
setup_store_for_options() {
    corpus_personal
    S="$T/store"
    new_store "$S"
    meeting_ok "$S" 2026-10-08
    refer_ok "$S"
    # Commands run two levels down in $T/work, so a relative path in a
    # value would land inside $T, where stray_files looks.
    mkdir -p "$T/work/a/b"
    cd "$T/work/a/b" || fail "cd"
}

# Malformed case IDs, in NASTY: each names a path, a command or nothing.
nasty_ids() {
    NASTY=('../../etc/passwd' 'PRV-2026-0001/../x' '../../work/x' '/tmp/prevent-hostile-x'
        "$T/work/abs-x" 'PRV-2026-0001; touch pwned' '$(touch pwned)' '`touch pwned`' 'PRV-2026-0001|x'
        'PRV-2026-0001 ' ' PRV-2026-0001' 'prv-2026-0001' 'PRV-2026-00001' 'PRV-2026-0000' 'PRV-26-0001'
        'PRV-2026-0001.yaml' 'cases/2026/PRV-2026-0001' 'PRV‐2026‐0001' 'ＰＲＶ-2026-0001' ''
        "PRV-2026-$(printf '1%.0s' {1..5000})" $'PRV-2026-0001\nx' $'PRV-\xff-0001' 'PRV-2026-0001%00')
}

# Malformed dates, in NASTY, including ones that would name a path.
nasty_dates() {
    NASTY=(2026-02-30 2026-13-01 2026-00-10 2026-11-00 2026-1-5 20261103 '2026-11-03T00:00'
        '+2026-11-03' '2026-11-03 ' ' 2026-11-03' 0000-01-01 3000-01-01 '../../x' '2026-11-03/../x'
        '../../work/x' "$T/work/abs-x" '2026-11-03; touch pwned' '$(touch pwned)' '２０２６-１１-０３' ''
        "$(printf '2%.0s' {1..5000})" $'2026-11-03\nx' $'2026-11-\xff3' 'today')
}

# in_short_list VALUE CANDIDATE…: VALUE is one of the candidates.
in_short_list() {
    local v="$1" c
    shift
    for c in "$@"; do [[ "$v" == "$c" ]] && return 0; done
    return 1
}

# expect_bad_value CODE WHAT CMD…: a refusal without a message to look for.
expect_bad_value() {
    local code="$1" what="$2"
    shift 2
    expect_outcome "$code" "" "$what" "$@"
}

test_a_malformed_case_id_is_refused_with_5_wherever_an_id_is_accepted() {
    setup_store_for_options
    local id p=("$PREVENT" -C "$S" --as-of "$AS_OF")
    local NASTY=()
    nasty_ids
    for id in "${NASTY[@]}"; do
        sampled "$HOSTILE_EVERY" malformed-ids || continue
        expect_bad_value 5 "show [$id]" "${p[@]}" show "$id"
        expect_bad_value 5 "triage [$id]" "${p[@]}" triage "$id" --outcome no-further-action --date 2026-11-05
        # Every value above; a few of each kind below (the suite's time).
        in_short_list "$id" '../../etc/passwd' 'PRV-2026-0001/../x' "$T/work/abs-x" '$(touch pwned)' '' \
            'PRV-2026-00001' || continue
        expect_bad_value 5 "note [$id]" "${p[@]}" note "$id" --date 2026-11-05 --kind contact --with "Example Academy"
        expect_bad_value 5 "assess [$id]" "${p[@]}" assess "$id" --date 2026-11-05 --framework VAF \
            --engagement low --intent low --capability low
        expect_bad_value 5 "panel decide [$id]" "${p[@]}" panel decide 2026-10-08 "$id" --decision adopt
        expect_bad_value 5 "panel consent [$id]" "${p[@]}" panel consent "$id" --status given \
            --by parent-guardian --date 2026-11-05
        expect_bad_value 5 "panel action add [$id]" "${p[@]}" panel action "$id" add --support housing \
            --provider "Example Housing" --due 2026-12-01
        expect_bad_value 5 "panel action done [$id]" "${p[@]}" panel action "$id" done A1 --date 2026-11-05
        expect_bad_value 5 "review record [$id]" "${p[@]}" review record "$id" --date 2026-11-05 \
            --kind monthly --outcome continue
        expect_bad_value 5 "list --related-to [$id]" "${p[@]}" list --related-to "$id"
        expect_bad_value 5 "panel attend --declare [$id]" "${p[@]}" panel attend 2026-10-08 \
            --declare "Youth Worker@Example Youth Service:$id"
    done
    # An action ID is a name in the record, never a path either.
    for id in ../../x A1/../A2 /tmp/prevent-hostile-x 'A1; touch pwned' A0 A01 a1 '' A9999999; do
        expect_bad_value 5 "panel action done with action [$id]" "${p[@]}" panel action PRV-2026-0001 done "$id" \
            --date 2026-11-05
    done
}

test_a_well_formed_id_that_names_no_case_is_not_found_everywhere() {
    setup_store_for_options
    local id p=("$PREVENT" -C "$S" --as-of "$AS_OF")
    for id in PRV-2026-0002 PRV-2025-0001 PRV-2026-10000 ABC-2026-0001; do
        expect_bad_value 3 "show $id" "${p[@]}" show "$id"
        expect_bad_value 3 "triage $id" "${p[@]}" triage "$id" --outcome no-further-action --date 2026-11-05
        expect_bad_value 3 "note $id" "${p[@]}" note "$id" --date 2026-11-05 --kind contact --with "Example Academy"
        expect_bad_value 3 "panel decide $id" "${p[@]}" panel decide 2026-10-08 "$id" --decision adopt
        expect_bad_value 3 "panel consent $id" "${p[@]}" panel consent "$id" --status given \
            --by parent-guardian --date 2026-11-05
        expect_bad_value 3 "review record $id" "${p[@]}" review record "$id" --date 2026-11-05 \
            --kind monthly --outcome continue
        expect_bad_value 3 "list --related-to $id" "${p[@]}" list --related-to "$id"
    done
}

test_a_malformed_date_is_refused_with_5_wherever_a_date_is_accepted() {
    setup_store_for_options
    local d p=("$PREVENT" -C "$S" --as-of "$AS_OF")
    local c=PRV-2026-0001 m=2026-10-08
    local NASTY=()
    nasty_dates
    for d in "${NASTY[@]}"; do
        sampled "$HOSTILE_EVERY" malformed-dates || continue
        # (referral_flags leaves out a flag whose value is empty: add it after.)
        referral_flags received=
        expect_bad_value 5 "refer --received [$d]" "${p[@]}" refer "${REFER_FLAGS[@]}" --received "$d"
        referral_flags dob=
        expect_bad_value 5 "refer --dob [$d]" "${p[@]}" refer "${REFER_FLAGS[@]}" --dob "$d"
        expect_bad_value 5 "--as-of [$d]" "$PREVENT" -C "$S" --as-of "$d" show "$c"
        expect_bad_value 5 "list --as-of [$d]" "$PREVENT" -C "$S" list --as-of "$d"
        expect_bad_value 5 "triage --date [$d]" "${p[@]}" triage "$c" --outcome no-further-action --date "$d"
        expect_bad_value 5 "triage --s36-date [$d]" "${p[@]}" triage "$c" --outcome channel-panel --date 2026-11-05 \
            --s36-date "$d" --s36-by "Example Counter Terrorism Policing"
        expect_bad_value 5 "note --date [$d]" "${p[@]}" note "$c" --date "$d" --kind contact --with "Example Academy"
        expect_bad_value 5 "assess --date [$d]" "${p[@]}" assess "$c" --date "$d" --framework VAF \
            --engagement low --intent low --capability low
        expect_bad_value 5 "panel new [$d]" "${p[@]}" panel new "$d" --chair "Prevent Lead@Example Borough Council"
        # Every value above; a few of each kind below (the suite's time).
        in_short_list "$d" 2026-02-30 '../../x' "$T/work/abs-x" '$(touch pwned)' '' $'2026-11-03\nx' || continue
        expect_bad_value 5 "panel attend [$d]" "${p[@]}" panel attend "$d" --attendee "Nurse@Example NHS Trust"
        expect_bad_value 5 "panel agenda [$d]" "${p[@]}" panel agenda "$d" --fill
        expect_bad_value 5 "panel decide [$d]" "${p[@]}" panel decide "$d" "$c" --decision adopt
        expect_bad_value 5 "panel minutes [$d]" "${p[@]}" panel minutes "$d"
        expect_bad_value 5 "panel consent --date [$d]" "${p[@]}" panel consent "$c" --status given \
            --by parent-guardian --date "$d"
        expect_bad_value 5 "panel action add --due [$d]" "${p[@]}" panel action "$c" add --support housing \
            --provider "Example Housing" --due "$d"
        expect_bad_value 5 "panel action add --date [$d]" "${p[@]}" panel action "$c" add --support housing \
            --provider "Example Housing" --due 2026-12-01 --date "$d"
        expect_bad_value 5 "panel action done --date [$d]" "${p[@]}" panel action "$c" done A1 --date "$d"
        expect_bad_value 5 "review record --date [$d]" "${p[@]}" review record "$c" --date "$d" \
            --kind monthly --outcome continue
        expect_bad_value 5 "review record --meeting [$d]" "${p[@]}" review record "$c" --date 2026-11-05 \
            --kind monthly --outcome continue --meeting "$d"
        expect_bad_value 5 "review due --as-of [$d]" "$PREVENT" -C "$S" review due --as-of "$d"
        expect_bad_value 5 "list --received-from [$d]" "${p[@]}" list --received-from "$d"
        expect_bad_value 5 "list --received-to [$d]" "${p[@]}" list --received-to "$d"
        expect_bad_value 5 "report --from [$d]" "${p[@]}" report --from "$d" --to 2026-11-27
        expect_bad_value 5 "report --to [$d]" "${p[@]}" report --from 2026-01-01 --to "$d"
        expect_bad_value 5 "report --period [$d]" "${p[@]}" report --period "$d"
        expect_bad_value 5 "review due --within [$d]" "${p[@]}" review due --within "$d"
        expect_bad_value 5 "panel action [$m] with a meeting date as the case" "${p[@]}" panel action "$d" done A1 \
            --date 2026-11-05
    done
    ls "$S/panels" >"$T/.cap/panels"
    assert_eq "$(cat "$T/.cap/panels")" "2026-10-08.yaml" "meeting files"
}

test_malformed_periods_and_durations_are_refused_with_5() {
    setup_store_for_options
    local v p=("$PREVENT" -C "$S" --as-of "$AS_OF")
    for v in 2026-Q0 2026-Q5 2026-Q 2026-13 2026-00 FY202 FY20266 FY1899 FY2999 fy2026 2026 Q1-2026 2026-q1 \
        '2026-Q1/../x' '../../x' '$(touch pwned)'; do
        expect_bad_value 5 "report --period [$v]" "${p[@]}" report --period "$v"
    done
    for v in 7 d 7x 7D -7d 1.5w 99999999999d 7d7d '7 d' '../../x' '$(touch pwned)' 0x10d; do
        expect_bad_value 5 "review due --within [$v]" "${p[@]}" review due --within "$v"
    done
}

test_an_empty_value_is_refused_not_read_as_not_known() {
    # `--dob "$DOB"` with DOB unset must not record "no date of birth", nor
    # `--as-of "$DAY"` today.
    setup_store_for_options
    local flag
    for flag in dob postcode-district from-area; do
        referral_flags "$flag="
        expect_outcome 5 "--$flag is empty" "refer --$flag ''" "$PREVENT" -C "$S" refer --as-of "$AS_OF" \
            "${REFER_FLAGS[@]}" "--$flag" ""
    done
    referral_flags dob=
    expect_outcome 5 "--dob is empty" "refer --dob ' '" "$PREVENT" -C "$S" refer --as-of "$AS_OF" "${REFER_FLAGS[@]}" --dob " "
    expect_outcome 5 "--as-of" "show --as-of ''" "$PREVENT" -C "$S" show PRV-2026-0001 --as-of ""
    expect_outcome 5 "--as-of" "review due --as-of ''" "$PREVENT" -C "$S" review due --as-of ""
}

test_an_option_value_that_looks_like_an_option_is_a_usage_error() {
    setup_store_for_options
    local p=("$PREVENT" -C "$S" --as-of "$AS_OF")
    expect_bad_value 2 "show -x" "${p[@]}" show -rf
    expect_bad_value 2 "panel new --" "${p[@]}" panel new --chair
}

test_hostile_store_directories_and_file_names_are_refused_without_side_effects() {
    setup_store_for_options
    # -C naming something that is not a store: exit 6, nothing made there.
    local d
    for d in "$T/work/nowhere" "$T/work/a/../../work/nowhere2" "$S/cases" "$S/.git" "$S/prevent.yaml"; do
        expect_bad_value 6 "-C $d" "$PREVENT" -C "$d" list --as-of "$AS_OF"
    done
    # Files that cannot be read as input.
    expect_bad_value 5 "import of a directory" "$PREVENT" -C "$S" import "$T/work" --as-of "$AS_OF"
    expect_bad_value 5 "refer --file of a directory" "$PREVENT" -C "$S" refer --file "$T/work" --as-of "$AS_OF"
    expect_bad_value 5 "import of /dev/zero" timeout 10 "$PREVENT" -C "$S" import /dev/zero --as-of "$AS_OF"
    expect_bad_value 5 "refer --file /dev/zero" timeout 10 "$PREVENT" -C "$S" refer --file /dev/zero --as-of "$AS_OF"
}

# ---------------------------------------------------------------------------
# Output safety: what a hostile value in the store becomes in each format.

HOSTILE_AREA='=HYPERLINK("http://example.invalid/x","Example")<script>alert(1)</script> & "Q" '"'"'x'"'"
HOSTILE_LABEL='<img src=x onerror=alert(1)>Education & "Schools"'

test_csv_html_and_json_output_are_safe_whatever_the_store_holds() {
    corpus_personal
    S="$T/store"
    run prevent init --plain "$S" --area "$HOSTILE_AREA" --as-of "$AS_OF" -q
    assert_rc 0 "init with a hostile area name"
    [[ -d "$S" ]] || return
    # A label of prevent.yaml, edited by hand as a coordinator may.
    "$PYTHON" - "$S/prevent.yaml" "$HOSTILE_LABEL" <<'PY'
import sys
path, label = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
old = "      label: Education\n"
assert old in text, "no Education label"
text = text.replace(old, '      label: "' + label.replace('\\', '\\\\').replace('"', '\\"') + '"\n', 1)
open(path, "w", encoding="utf-8").write(text)
PY
    git -C "$S" commit -qam "A hostile label" || fail "committing prevent.yaml failed"
    refer_ok "$S" name=$'Quennet \u202e Harrowmoor "Q" <b>' summary=$'Fictional\tVelmarine\x1b[31m'
    meeting_ok "$S" 2026-11-12 --attendee '=cmd|'"'"' /C calc'"'"'!A0@<script>x</script> "Agency"'

    # CSV: a text cell that would start a formula is prefixed with '.
    run prevent -C "$S" report --from 2026-01-01 --to 2026-11-27 --suppress 0 --format csv --as-of "$AS_OF"
    assert_rc 0 "report csv"
    "$PYTHON" - "$OUT" <<'PY' || fail "report csv: a cell starts a formula"
import csv, io, sys
rows = list(csv.reader(io.StringIO(open(sys.argv[1], "rb").read().decode("utf-8"), newline="")))
bad = [c for r in rows for c in r if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not c[1:].replace(".", "").isdigit())]
assert not bad, bad
assert any(c.startswith("'=HYPERLINK") for r in rows for c in r), "the area is not there, prefixed"
PY
    local f
    for f in list "review due" "panel agenda 2026-11-12"; do
        # shellcheck disable=SC2086 # the command is words
        run prevent -C "$S" $f --format csv --as-of "$AS_OF"
        assert_rc 0 "$f csv"
        "$PYTHON" - "$OUT" <<'PY' || fail "$f csv: not RFC 4180 UTF-8, or a cell starts a formula"
import csv, io, sys
rows = list(csv.reader(io.StringIO(open(sys.argv[1], "rb").read().decode("utf-8"), newline="")))
assert rows, "no header"
bad = [c for r in rows for c in r if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not c[1:].lstrip("-").isdigit())]
assert not bad, bad
PY
    done

    # HTML: the area and the label are shown, escaped; no markup of theirs.
    run prevent -C "$S" report --from 2026-01-01 --to 2026-11-27 --suppress 0 --format html --as-of "$AS_OF"
    assert_rc 0 "report html"
    local html
    html="$(stdout)"
    assert_not_contains "${html,,}" "<script" "the html report"
    assert_not_contains "${html,,}" "<img" "the html report"
    assert_contains "$html" "&lt;script&gt;alert(1)&lt;/script&gt;" "the html report (the area, escaped)"
    assert_contains "$html" "&lt;img src=x onerror=alert(1)&gt;Education" "the html report (the label, escaped)"
    "$PYTHON" - "$OUT" <<'PY' || fail "the html report: text outside a tag holds a raw quote or ampersand of the area"
import sys, re
doc = open(sys.argv[1], "rb").read().decode("utf-8")
assert 'alert(1)</script>' not in doc
# Every & starts an entity.
for m in re.finditer(r"&", doc):
    assert re.match(r"&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);", doc[m.start():]), doc[m.start():m.start() + 20]
PY

    # JSON: valid UTF-8, and the values come back exactly.
    local what
    for what in "report --from 2026-01-01 --to 2026-11-27 --suppress 0" "list" "review due" "panel minutes 2026-11-12" \
        "panel agenda 2026-11-12" "show PRV-2026-0001"; do
        # shellcheck disable=SC2086 # the command is words
        run prevent -C "$S" $what --format json --as-of "$AS_OF"
        assert_rc 0 "$what json"
        "$PYTHON" -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$OUT" ||
            fail "$what --format json is not valid JSON in UTF-8"
    done
    run prevent -C "$S" report --from 2026-01-01 --to 2026-11-27 --format json --as-of "$AS_OF"
    assert_eq "$(json_eval 'd["area"]' <"$OUT")" "$HOSTILE_AREA" "the area in the json report"
    run prevent -C "$S" show PRV-2026-0001 --format json --as-of "$AS_OF"
    assert_eq "$(json_eval 'd["referral"]["subject"]["name"]' <"$OUT")" $'Quennet \u202e Harrowmoor "Q" <b>' "the name in show json"
    assert_eq "$(json_eval 'd["referral"]["concern"]["summary"]' <"$OUT")" $'Fictional\tVelmarine\x1b[31m' "the summary in show json"
    run prevent -C "$S" panel minutes 2026-11-12 --format json --as-of "$AS_OF"
    assert_contains "$(json_eval 'json.dumps(d)' <"$OUT" 2>/dev/null || stdout)" 'cmd|' "the attendee in the minutes json"
}

run_tests "$@"

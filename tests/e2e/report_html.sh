#!/usr/bin/env bash
# `prevent report --format html` (SPEC §7, docs/report.md "Formats"): one
# self-contained file (inline CSS and SVG, no scripts, nothing fetched from
# elsewhere), bar charts of referrals by sector, by concern type, by age
# band and by month that draw only the cells shown (hidden ones are counted,
# a chart with nothing shown is a sentence), labels that wrap, rendered by
# headless Chromium (Debian's `chromium`) into a DOM and an A4-sized
# screenshot.
#
# Without /usr/bin/chromium (or $CHROMIUM) the Chromium test prints SKIP and
# is counted as skipped, not passed. The store is the one of report.sh
# (tests/e2e/fixtures/report/cases.yaml); its numbers are checked there.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

FIXTURES="$E2E_DIR/fixtures/report"
: "${CHROMIUM:=/usr/bin/chromium}"
S=""

build_main() {
    local store="$1" d
    new_store "$store"
    for d in 2025-02-06 2026-03-05 2026-06-04 2026-07-16 2026-08-06 2026-09-03 2026-10-01; do
        pv_ok "$store" "$AS_OF" panel new "$d" --chair "Prevent Lead@Example Borough Council" \
            --police "Detective Sergeant@Example Constabulary"
    done
    pv_ok "$store" "$AS_OF" -q import "$FIXTURES/cases.yaml"
}

# The Q3 2026 report with the default threshold (5), in $T/report.html.
html_report() {
    S="$T/store"
    cached_store "$S" main build_main
    run prevent -C "$S" --as-of "$AS_OF" report --period 2026-Q3 --format html
    assert_rc 0 "report --format html"
    assert_stderr_empty
    cp "$OUT" "$T/report.html"
    PERSONAL+=(Quibbleforth Vantimber Mallowdrift Quillhaven Ashpenny Strattlecombe Orrowdale Hallibrand
        Lindquay Crandlewick Torrivale Moultby Feathervane Dunstraw Brackwater Pennyfold Wendle Hartsease
        Tenterby Winchcombe Greylark Kindlemoor 2010-07-01 2010-07-07 2008-07-14 2016-08-14 ZZ1 ZZ5 ZZ9)
}

# One line per SVG chart of a document: the number of <rect elements, a
# tab, and the chart's text (tags removed).
svg_charts() {
    "$PYTHON" - "$1" <<'PY'
import re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
for svg in re.findall(r"<svg\b.*?</svg>", doc, flags=re.S | re.I):
    rects = len(re.findall(r"<rect\b", svg, flags=re.I))
    text = " ".join(re.sub(r"<[^>]*>", " ", svg).split())
    print(f"{rects}\t{text}")
PY
}

test_html_is_one_self_contained_file() {
    html_report
    local html
    html="$(cat "$T/report.html")"
    assert_matches "$html" '^<!(DOCTYPE|doctype) html>' "the start of the html report"
    assert_contains "$html" "</html>" "the html report"
    assert_matches "$html" '<style[ >]' "the html report (inline CSS)"
    assert_matches "$html" '@media print|@page' "the html report (print styles)"
    assert_not_contains "${html,,}" "<script" "the html report"
    # No http(s) reference; the SVG namespace name (xmlns) is an
    # identifier that nothing fetches.
    local refs
    refs="$(grep -oiE 'https?://[^"'"'"' <>)]*' "$T/report.html" | grep -vxE 'http://www\.w3\.org/(2000/svg|1999/xlink)' || true)"
    assert_eq "$refs" "" "http:// or https:// references in the html report"
    assert_not_contains "${html,,}" "@import" "the html report"
    assert_not_contains "${html,,}" "<link" "the html report"
    assert_not_contains "${html,,}" "<img" "the html report"
    assert_not_contains "${html,,}" "<iframe" "the html report"
    # url(…) only to the document itself (url(#id)) or inline data.
    local urls
    urls="$(grep -oiE 'url\([^)]*\)' "$T/report.html" | grep -viE "url\(['\"]?(#|data:)" || true)"
    assert_eq "$urls" "" "url(…) references to anything outside the file"
    local srcs
    srcs="$(grep -oiE '(src|href)=("[^"]*"|'"'"'[^'"'"']*'"'"')' "$T/report.html" | grep -viE "=[\"']#" || true)"
    assert_eq "$srcs" "" "src/href attributes pointing outside the file"
    # Threshold 5: every sector, concern type and age band that is not 0 is
    # [c], so only the month chart is drawn.
    assert_eq "$(grep -o '<svg' "$T/report.html" | wc -l)" "1" "number of <svg charts"
    assert_eq "$(grep -o '<p class="no-chart">No chart: every count above 0 in this table is hidden (\[c\]).</p>' "$T/report.html" | wc -l)" "3" "charts left out"
    assert_no_personal_data "$html" "the html report"
    # Labels of prevent.yaml, the area and the period are shown.
    assert_contains "$html" "Example Borough" "the html report"
    assert_contains "$html" "Family and friends" "the html report"
    assert_contains "$html" "Left wing, anarchist or single issue" "the html report"
}

test_html_charts_draw_only_shown_cells_and_count_the_hidden() {
    html_report
    svg_charts "$T/report.html" >"$T/charts.txt"
    # Default threshold: by month is 6, [c], [c]: one bar (July, 6), the
    # two hidden months not drawn but counted.
    assert_eq "$(cat "$T/charts.txt")" $'1\tReferrals by month received July 2026 6 Not drawn: 2 categories hidden ([c])' "the month chart"
}

test_html_charts_without_suppression_draw_every_cell_and_wrap_long_labels() {
    html_report
    run prevent -C "$S" --as-of "$AS_OF" report --period 2026-Q3 --format html --suppress 0
    assert_rc 0 "report --format html --suppress 0"
    cp "$OUT" "$T/open.html"
    svg_charts "$T/open.html" >"$T/charts.txt"
    assert_eq "$(wc -l <"$T/charts.txt")" "4" "charts"
    # One bar per cell that is not 0 (report.sh has the numbers): sectors
    # 4 2 1 2 1 1 1 1 1; concern types 4 3 1 1 1 1 1, no clear ideology 0,
    # other 2; age bands 1 2 1 1 2 2 2 2 1; months 6 5 3.
    local spec label bars line
    for spec in "Family and friends:9" "Islamist:8" "10 or under:9" "July 2026:3"; do
        label="${spec%:*}" bars="${spec##*:}"
        line="$(grep -F -- "$label" "$T/charts.txt")"
        assert_eq "${line%%$'\t'*}" "$bars" "bars of the chart with [$label]"
    done
    assert_not_contains "$(cat "$T/charts.txt")" "[c]" "charts without suppression"
    assert_not_contains "$(cat "$T/charts.txt")" "Not drawn" "charts without suppression"
    # The longest concern label is broken between words onto two lines.
    assert_contains "$(cat "$T/open.html")" '<tspan x="252" dy="0">Vulnerability present but no ideology</tspan><tspan x="252" dy="13">or CT risk</tspan>' "the concern chart"
}

test_html_shows_labels_percentages_and_what_c_means() {
    html_report
    local text
    text="$("$PYTHON" -c 'import re,sys; print(" ".join(re.sub(r"<[^>]*>", " ", open(sys.argv[1]).read()).split()))' "$T/report.html")"
    # Labels, never the keys of the record's fixed lists, in what a reader sees.
    local key
    for key in massh-children awaiting-triage post-closure-6 monthly-review transfer-in 2026-07; do
        assert_not_contains "$text" "$key" "the text of the html report"
    done
    assert_contains "$text" "Multi-Agency Safeguarding and Support Hub (children)" "the html report"
    assert_contains "$text" "Awaiting triage" "the html report"
    assert_contains "$text" "6-month post-closure review" "the html report"
    assert_contains "$text" "Referrals received from 1 July 2026 to 30 September 2026" "the html report"
    assert_contains "$text" "[c] marks a number withheld so that no one can be identified: a count from 1 to 4 (the threshold is 5)" "the html report"
    # Medians under their own headings.
    assert_contains "$(cat "$T/report.html")" '<tr><th>Measure</th><th class="n">Cases</th><th class="n">Median (days)</th><th class="n">90th percentile (days)</th></tr>' "the html report"
    assert_contains "$(cat "$T/report.html")" '<tr data-table="timeliness.referral_to_triage_days"><td>From referral to triage</td><td class="n">13</td><td class="n">5</td><td class="n">11</td></tr>' "the html report"
    # Percentages: none in a table with a hidden number (gender: [c] 7 [c]
    # [c]: female 5 is hidden too, as with it and the total shown the two
    # small cells would add up to 2, each then 1); 14 in hand by stage with
    # every stage [c]: none; the ethnic groups of the fixture are not
    # recorded: 14 of 14, 100%, 0% elsewhere.
    assert_contains "$(cat "$T/report.html")" '<tr data-key="female"><td>Female</td><td class="n">[c]</td></tr>' "the html report"
    assert_contains "$(cat "$T/report.html")" '<tr data-key="not-recorded"><td>Not recorded</td><td class="n">14</td><td class="p">100%</td></tr>' "the html report"
    run prevent -C "$S" --as-of "$AS_OF" report --period 2026-Q3 --format html --suppress 0
    assert_contains "$(stdout)" '<tr data-key="female"><td>Female</td><td class="n">5</td><td class="p">36%</td></tr>' "the html report with --suppress 0 (5 of 14)"
    assert_contains "$(stdout)" '<tr data-key="male"><td>Male</td><td class="n">7</td><td class="p">50%</td></tr>' "the html report with --suppress 0 (7 of 14)"
    assert_contains "$(stdout)" '<tr data-key="count"><td>Within the target</td><td class="n">10</td><td class="p">77%</td></tr>' "the html report with --suppress 0 (10 of 13)"
}

test_html_shows_the_same_period_a_year_earlier_beside_the_counts() {
    html_report
    # 2025-Q3 had no referrals in this store: said once, no column.
    assert_contains "$(cat "$T/report.html")" "<li>No referrals were received in the same period a year earlier (1 July 2025 to 30 September 2025), so the tables have no column for it</li>" "the html report"
    assert_not_contains "$(cat "$T/report.html")" 'class="n y"' "the html report"
    # FY2025 (one referral, health) beside FY2024 (one, police: 6 January
    # 2025); the percentages stay beside this year's counts.
    run prevent -C "$S" --as-of "$AS_OF" report --period FY2025 --format html --suppress 0
    assert_rc 0 "report --period FY2025 --format html --suppress 0"
    assert_contains "$(stdout)" '<tr><th>Category</th><th class="n">Count</th><th class="p">%</th><th class="n y">FY2024</th></tr>' "the html report for FY2025"
    assert_contains "$(stdout)" '<tr data-key="police"><td>Police</td><td class="n">0</td><td class="p">0%</td><td class="n y">1</td></tr>' "the html report for FY2025"
    assert_contains "$(stdout)" '<tr data-key="health"><td>Health</td><td class="n">1</td><td class="p">100%</td><td class="n y">0</td></tr>' "the html report for FY2025"
    assert_no_personal_data "$(stdout)" "the html report for FY2025"
}

chromium_run() { # chromium_run ARGS…: headless Chromium, its own profile and HOME
    HOME="$T" timeout 240 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --no-first-run --disable-extensions --user-data-dir="$T/chromium" "$@"
}

test_html_renders_in_headless_chromium() {
    if [[ ! -x "$CHROMIUM" ]]; then
        # CI installs chromium and sets PREVENT_REQUIRE_CHROMIUM: there a
        # missing browser is a failure, not a skip.
        [[ -z "${PREVENT_REQUIRE_CHROMIUM:-}" ]] || fail "no chromium at $CHROMIUM and PREVENT_REQUIRE_CHROMIUM is set"
        return 0 # reported as SKIP by the suite
    fi
    html_report
    chromium_run --dump-dom "file://$T/report.html" >"$T/dom.html" 2>"$T/chromium.err"
    local rc=$?
    assert_eq "$rc" "0" "exit status of chromium --dump-dom"
    [[ $rc -eq 0 ]] || tail -5 "$T/chromium.err"
    local dom
    dom="$(cat "$T/dom.html")"
    assert_contains "$dom" "<body" "the rendered DOM"
    assert_eq "$(grep -o '<svg' "$T/dom.html" | wc -l)" "1" "<svg charts in the rendered DOM"
    assert_contains "$dom" "Example Borough" "the rendered DOM"
    assert_contains "$dom" "[c]" "the rendered DOM"
    assert_not_contains "${dom,,}" "<script" "the rendered DOM"
    assert_no_personal_data "$dom" "the rendered DOM"
    chromium_run --screenshot="$T/report.png" --window-size=1240,1754 "file://$T/report.html" >/dev/null 2>"$T/chromium.err"
    rc=$?
    assert_eq "$rc" "0" "exit status of chromium --screenshot"
    [[ -s "$T/report.png" ]] || fail "chromium wrote no screenshot"
    assert_eq "$(head -c 8 "$T/report.png" | od -An -tx1 | tr -d ' \n')" "89504e470d0a1a0a" "PNG signature of the screenshot"
    # 1240 x 1754: the width and height in the IHDR chunk.
    assert_eq "$(dd if="$T/report.png" bs=1 skip=16 count=8 2>/dev/null | od -An -tu1 | tr -s ' ' | sed 's/^ //')" \
        "0 0 4 216 0 0 6 218" "size of the screenshot (1240 x 1754)"
}

_status=0
run_tests "$@" || _status=$?
if [[ ! -x "$CHROMIUM" && "test_html_renders_in_headless_chromium" == *"${1:-}"* ]]; then
    echo "SKIP   test_html_renders_in_headless_chromium: no chromium at $CHROMIUM (Debian package chromium); it did nothing"
    echo "1 skipped"
fi
exit "$_status"
